#pragma once
// The "Runs" page: find, open, compare and export finished runs.
#include "common/RunRecord.h"
#include "slurm/SlurmJobTracker.h"

#include <QHash>
#include <QStringList>
#include <QWidget>

#include <vector>

class QLabel;
class QLineEdit;
class QModelIndex;
class QPushButton;
class QSortFilterProxyModel;
class QTabWidget;
class QTableView;
class QToolButton;

namespace parity::gui {

class ComparePlot;
class RunListModel;
class ServedAccuracyPlot;

/// A save directory chooser over a sortable table of its runs (RunListModel)
/// and, below, two tabs: "Learning curves" (a ComparePlot) and "Served
/// accuracy" (a ServedAccuracyPlot). "Open" (or a double click) hands one run
/// to whoever shows runs (`runOpened`); "Compare" overlays the selected runs
/// in both;
/// "Export..." writes the selected run's metrics as CSV or JSON. A run that
/// does not load shows its error in the status line and its tooltip.
///
/// Runs submitted to Slurm show their task's state in a Job column (shown
/// once the save directory has a submitted sweep) and the sweeps' summary
/// beside the buttons; a SlurmJobTracker asks Slurm again every ten seconds
/// while the browser is on screen and a task is pending or running.
/// "Cancel tasks..." (shown with the Job column; also in the rows' context
/// menu) scancels the selected runs' waiting or running tasks once asked to.
class RunBrowser : public QWidget {
    Q_OBJECT
public:
    explicit RunBrowser(QWidget* parent = nullptr);

    /// Sets the save directory and scans it in the background: runsScanned()
    /// when its runs are listed.
    void setRoot(const QString& saveDir);
    QString root() const;
    bool isScanning() const;

    RunListModel* model() const { return m_model; }
    SlurmJobTracker* jobTracker() const { return m_jobs; }
    /// "Slurm: job 1234: 2 running, 3 pending" ("" without submitted sweeps).
    QString jobStatusText() const;
    QTableView* view() const { return m_view; }
    ComparePlot* comparePlot() const { return m_compare; }
    ServedAccuracyPlot* servedPlot() const { return m_served; }
    /// The tabs holding the two plots (learning curves first).
    QTabWidget* plotTabs() const { return m_plotTabs; }
    QString statusText() const;
    /// The save directories shown, newest first (at most eight), offered by
    /// the "Recent" button.
    QStringList recentRoots() const { return m_recentRoots; }
    void setRecentRoots(const QStringList& roots);

    /// Model rows (not view rows) of the selected runs, in view order.
    QList<int> selectedRows() const;
    /// Selects these model rows (replacing the selection).
    void selectRows(const QList<int>& modelRows);

    /// The selected runs that loaded; errors of the others go to the status line.
    std::vector<RunRecord> selectedRecords();

public Q_SLOTS:
    /// Scans the save directory again in the background (runsScanned());
    /// the selection is kept. (Changes in the save directory rescan by
    /// themselves, see RunListModel.)
    void refresh();
    /// Emits runOpened for the first selected run; false if none loads.
    bool openSelected();
    /// Shows the selected runs in both plots; returns how many.
    int compareSelected();
    /// Writes the first selected run's metrics to `path` (.json or else CSV).
    bool exportSelected(const QString& path);
    /// Cancels the Slurm tasks of the selected runs that wait or run,
    /// without asking (the button asks first); the status line says what
    /// was cancelled. False when no selected run has such a task.
    bool cancelSelectedTasks();

Q_SIGNALS:
    void runOpened(const parity::gui::RunRecord& record);
    /// After a scan: how many runs the save directory holds.
    void runsScanned(int count);
    void recentRootsChanged(const QStringList& roots);
    /// Slurm tasks were cancelled (or refused) from this browser.
    void tasksCancelled(const parity::gui::CancelOutcome& outcome);

protected:
    void showEvent(QShowEvent* event) override;
    void hideEvent(QHideEvent* event) override;
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void browse();
    void restoreSelection();
    void jobsChanged();
    /// New rows: every column fits its contents, within limits.
    void fitColumns();
    /// The run's title and its directory share what the other columns leave.
    void shareRoom();
    /// Job or Status at most kStateColumnMaxWidth (longer states elide).
    void capStateColumn(int column);
    /// The column shown last (it stretches to the table's edge), or -1.
    int lastShownColumn() const;
    void askExport();
    void askCancelTasks();
    /// Model rows of the selected runs whose Slurm task waits or runs.
    QList<int> cancellableRows() const;
    /// Those rows' tasks, one entry per sweep, indices in order.
    std::vector<SlurmJobTracker::Cancellation> cancellationsOf(const QList<int>& rows) const;
    /// `cancellations` less the tasks that no longer wait or run (Slurm was
    /// heard again while the user was asked).
    std::vector<SlurmJobTracker::Cancellation>
    stillActive(std::vector<SlurmJobTracker::Cancellation> cancellations) const;
    void startCancelling(std::vector<SlurmJobTracker::Cancellation> cancellations);
    void showRowMenu(const QPoint& at);
    void openIndex(const QModelIndex& proxyIndex);
    void updateButtons();
    void scanned();
    void setStatus(const QString& text);
    /// "3 runs", "3 runs, 1 unreadable (...)" or "... is not a directory".
    QString rowsFound() const;
    QString runCount() const; ///< "1 run", "3 runs"

    RunListModel* m_model = nullptr;
    QSortFilterProxyModel* m_proxy = nullptr;
    QLineEdit* m_rootEdit = nullptr;
    QTableView* m_view = nullptr;
    ComparePlot* m_compare = nullptr;
    ServedAccuracyPlot* m_served = nullptr;
    QTabWidget* m_plotTabs = nullptr;
    QPushButton* m_open = nullptr;
    QPushButton* m_compareButton = nullptr;
    QPushButton* m_export = nullptr;
    QPushButton* m_cancelTasks = nullptr;
    QLabel* m_status = nullptr;
    QLabel* m_jobStatus = nullptr;
    SlurmJobTracker* m_jobs = nullptr;
    bool m_jobColumnShown = false;
    QHash<QString, int> m_notStartedStates; ///< job state and epochs of each row not started, at the last update
    static constexpr int kRecentRoots = 8;
    static constexpr int kRunsNamed = 8; ///< runs the cancel question names; "and N more"
    static constexpr int kStateColumnMaxWidth =
        160; ///< Job and Status at most: longer states elide (the tooltip has them)
    QStringList m_recentRoots;
    QToolButton* m_recentButton = nullptr;
    QStringList m_keptSelection;                    ///< run directories selected before a rescan
    static constexpr int kRunMaxWidth = 480;        ///< the run's title at most, where the table has room
    static constexpr int kDirectoryMaxWidth = 320;  ///< what the directory asks for at most
    static constexpr int kRunLeastWidth = 140;      ///< the run's title gives way down to this
    static constexpr int kDirectoryLeastWidth = 80; ///< the directory (tooltip: the whole path), down to this
    int m_runWanted = kRunMaxWidth;                 ///< the run's title's width at the last fit
    int m_directoryWanted = kDirectoryMaxWidth;     ///< the directory's
    bool m_fitting = false;                         ///< the columns are being sized by fitColumns / shareRoom
    bool m_userSized = false;                       ///< the user sized a column since the last fit: resizes keep it
    bool m_fitColumns = true;                       ///< the rows were replaced: fit the columns to them
    bool m_announceScan = false; ///< the user asked for this scan (setRoot, Refresh): say what it found
    QString m_scanFound;         ///< what the last scan found ("3 runs")
};

} // namespace parity::gui
