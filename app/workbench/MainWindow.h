#pragma once
#include "common/RunRecord.h"

#include <QDeadlineTimer>
#include <QMainWindow>

#include <vector>

class QLabel;
class QTabWidget;
class QDockWidget;

namespace parity::gui {

class RunController;
class RunPanel;
struct SlurmSubmission;
class LogPane;
class MonitorPage;
class InspectorPage;
class RunsPage;
class ServingView;

/// Assembles the pages around one RunController: the run panel (form, queue,
/// run control, progress) on the left, the live plots, the inspector and the
/// run browser as tabs, the log below. Menus, shortcuts, remembered layout.
class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    RunController* controller() const { return m_controller; }
    RunPanel* runPanel() const { return m_runPanel; }
    MonitorPage* monitorPage() const { return m_monitor; }
    InspectorPage* inspectorPage() const { return m_inspector; }
    RunsPage* runsPage() const { return m_runs; }
    ServingView* servingView() const { return m_serving; }
    LogPane* log() const { return m_log; }
    QTabWidget* tabs() const { return m_tabs; }
    /// The status bar's permanent "what it runs on" line (BLAS, kernel,
    /// threads, GEMM rate), filled off the GUI thread after start.
    QLabel* machineLabel() const { return m_machineLabel; }

    bool openConfig(const QString& path);
    /// Shows a problem in the log and a message box (unless running scripted).
    void reportError(const QString& message);
    /// No message boxes (scripted runs and tests): errors go to the log and stderr.
    /// Not interactive (scripted mode): errors go to stderr, and Start never
    /// asks (a run already in a directory is moved aside, as parity-train does).
    void setInteractive(bool interactive);
    /// Shrinks and moves the window so that it lies on its screen's
    /// available area (never below its minimum size).
    void fitToScreen();
    /// The first start's size on a screen whose available area is
    /// `available`: 1400x900, or 90% of a larger screen (up to 1800x1200);
    /// fitToScreen() keeps it within a small screen.
    static QSize firstStartSize(const QSize& available);
    /// The experiment form's width on a first start in a window this wide,
    /// given the form's own size hint.
    static int firstStartFormWidth(int windowWidth, int hint);
    /// File > Export metrics without the dialog: the runs selected in the
    /// Runs tab when it is shown, else the Training tab's run, read back from
    /// their directories; CSV unless `path` ends in .json.
    bool exportMetricsTo(const QString& path, QString* error);
    /// Shows `text` in the status bar (for `timeoutMs`, 0: until the next),
    /// elided in the middle to the room the machine line leaves, so that a
    /// path keeps its run's own folders at its end, and elided afresh when
    /// that room changes; the whole text is then the status bar's tooltip.
    void showStatus(const QString& text, int timeoutMs = 0);
    /// Help > Getting started: the key concepts and the steps of a first run.
    static QString gettingStartedText();

protected:
    void closeEvent(QCloseEvent* event) override;
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void buildMenus();
    void restoreSettings();
    void saveSettings() const;
    void openConfigDialog();
    /// Says where a sweep submitted to Slurm is (log, status bar, a message box) and follows it in the Runs tab.
    void reportSlurmSubmission(const SlurmSubmission& submission);
    void saveConfigDialog(bool askPath);
    void exportMetrics(const QString& format);
    std::vector<RunRecord> runsToExport(QString* error) const;
    /// What the log says when a run ends: where its results are, or, for a
    /// stop, how far it got and what its directory now holds.
    QString stopMessage(const parity::RunSummary& summary) const;
    /// A test-only run's result as an aligned table for the log.
    static QString testTable(const parity::RunSummary& summary);
    void exportPlot();
    void exportInspector();
    void updateTitle();
    void showMachine();
    /// Shows m_statusText elided to the status bar's room, for what is left
    /// of its time.
    void fitStatus();

    RunController* m_controller;
    RunPanel* m_runPanel;
    LogPane* m_log;
    MonitorPage* m_monitor;
    InspectorPage* m_inspector;
    RunsPage* m_runs;
    ServingView* m_serving;
    QTabWidget* m_tabs;
    QDockWidget* m_runDock;
    QDockWidget* m_logDock;
    QLabel* m_machineLabel;
    QString m_statusText;            ///< the status message, whole ("" when none)
    QString m_statusShown;           ///< ... as shown, elided
    QDeadlineTimer m_statusDeadline; ///< when it goes
    QString m_machineText;
    bool m_interactive = true;
    QString m_lastEnd; ///< how the last run that did not finish ended, for the status bar
    bool m_closeRequested = false;
};

} // namespace parity::gui
