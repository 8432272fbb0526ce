#pragma once
// The Serving tab (issue 15, docs/SERVING.md): what a finished run's parity
// model does to tail latency, on the simulated serving cluster with service
// times measured from the run's own models on this machine.
#include "serve/ServingJob.h"

#include <QList>
#include <QString>
#include <QWidget>

#include <memory>
#include <optional>

class QAction;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTableWidget;
class QTabWidget;
class QTimer;
class QToolButton;

namespace parity::gui {

class ElidedLabel;
class SeedSpinBox;
class LatencyTailPlot;
class LoadSweepPlot;

/// Pick a run, set the cluster (m, k, rate, balancing, interference) and
/// simulate: a percentile table per strategy (with 95% confidence intervals
/// over the trials, the fraction reconstructed, the load and the accuracy
/// users are served), latency tails, and a load sweep (p99.9 against the
/// rate). The run's models are measured once per run, off the GUI thread,
/// like the simulations, which show their progress and can be cancelled.
class ServingView : public QWidget {
    Q_OBJECT
public:
    explicit ServingView(QWidget* parent = nullptr);
    ~ServingView() override;

    /// The run to serve (a directory with best.pth or current.pth); clears
    /// the results and the measured times of another run. Sets k to the run's.
    void setRunDir(const QString& runDir);
    QString runDir() const { return m_runDir; }
    bool hasRun() const { return !m_runDir.isEmpty(); }

    /// Simulates every strategy at the form's rate (measuring first when the
    /// run's times are not known yet). False when busy or no run is set.
    bool simulate();
    /// The same at 10%..90% of the no-redundancy capacity, then plots p99.9
    /// against the rate.
    bool sweepLoad();
    void cancel();
    bool isBusy() const { return m_progress != nullptr; }

    /// What the last completed simulation found (empty before).
    const std::optional<ServingOutcome>& outcome() const { return m_outcome; }
    QTableWidget* table() const { return m_table; }
    LatencyTailPlot* tailPlot() const { return m_tailPlot; }
    LoadSweepPlot* loadPlot() const { return m_loadPlot; }
    QTabWidget* plotTabs() const { return m_plotTabs; }
    /// The line above the table: the run's measured times, or what went wrong.
    QString note() const;
    /// The short warning under it (overloaded strategies), empty when none.
    QString warning() const;
    /// The line under the buttons: measuring, saved, cancelled, settings changed.
    QString status() const;

    /// serving.csv's columns for the last simulation; the sweep's CSV.
    bool exportTableCsv(const QString& path, QString* error = nullptr) const;
    bool exportSweepCsv(const QString& path, QString* error = nullptr) const;

Q_SIGNALS:
    /// A simulation or sweep ended: ok false when it failed or was cancelled.
    void finished(bool ok);
    void failed(const QString& message);

private:
    void buildControls();
    bool start(bool sweep);
    void onFinished(ServingOutcome outcome, bool sweep);
    void showOutcome();
    void showSweep();
    void setBusy(bool busy);
    void updateProgress();
    void chooseRun();
    void askExport(int what);
    void updateExports();
    void settingsChanged();

    QString m_runDir;
    std::optional<serving::MeasuredRun> m_measured; ///< of m_runDir
    std::optional<ServingOutcome> m_outcome;
    std::shared_ptr<ServingProgress> m_progress; ///< of the job in flight

    ElidedLabel* m_title = nullptr;
    QSpinBox* m_instances = nullptr;
    QSpinBox* m_k = nullptr;
    QDoubleSpinBox* m_rate = nullptr;
    QComboBox* m_balancing = nullptr;
    QDoubleSpinBox* m_slowFraction = nullptr;
    QDoubleSpinBox* m_slowdown = nullptr;
    QDoubleSpinBox* m_slowPeriod = nullptr;
    QComboBox* m_tailKind = nullptr;
    QDoubleSpinBox* m_tailParameter = nullptr;
    QDoubleSpinBox* m_failureFraction = nullptr;
    QDoubleSpinBox* m_failurePeriod = nullptr;
    QSpinBox* m_queries = nullptr;
    QSpinBox* m_trials = nullptr;
    SeedSpinBox* m_seed = nullptr;
    QSpinBox* m_repetitions = nullptr;
    QPushButton* m_simulate = nullptr;
    QPushButton* m_sweep = nullptr;
    QPushButton* m_cancel = nullptr;
    QToolButton* m_export = nullptr;
    QProgressBar* m_bar = nullptr;
    QLabel* m_note = nullptr;
    QLabel* m_warning = nullptr;
    ElidedLabel* m_status = nullptr;
    QList<QAction*> m_exportActions; ///< table CSV, sweep CSV, tails image, load image
    QTableWidget* m_table = nullptr;
    QTabWidget* m_plotTabs = nullptr;
    LatencyTailPlot* m_tailPlot = nullptr;
    LoadSweepPlot* m_loadPlot = nullptr;
    QTimer* m_timer = nullptr;
    QString m_lastExportDir;
    int m_job = 0; ///< counts the jobs started: a result of an older one is dropped
};

} // namespace parity::gui
