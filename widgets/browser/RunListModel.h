#pragma once
// The runs found under a save directory, one row each.
#include "common/RunRecord.h"
#include "slurm/SlurmSweep.h"

#include <QAbstractTableModel>
#include <QString>
#include <QStringList>

class QFileSystemWatcher;
class QTimer;

#include <map>
#include <vector>

namespace parity::gui {

/// Scans a save directory recursively for run directories (those holding
/// run.json / metrics.csv, or only the original's `<split>_<metric>.txt`
/// files) and loads each with RunRecordLoader. Results a fresh run moved into
/// `previous-<timestamp>/` are listed too and marked as previous. A run that
/// does not load keeps its row, with the error in the Status column and the
/// tooltip.
///
/// Scanning and loading run off the GUI thread (a save directory of a long
/// sweep holds hundreds of runs); the rows are replaced in one reset when a
/// scan is through, and scanFinished() tells. A refresh while a scan runs
/// waits for it and then scans once more.
///
/// The model follows the save directory: every directory of it is watched
/// (QFileSystemWatcher), and a change (a run added, removed, or writing its
/// checkpoint, also one of parity-train) rescans it two seconds later. When the
/// runs are the same ones, their rows change in place (dataChanged) instead
/// of a reset.
///
/// Runs submitted to Slurm (setSweeps, from a SlurmJobTracker) get their
/// task's state in the Job column, matched by run directory; a run whose
/// task has not made its directory yet (pending) still has a row, marked
/// not started, with its job state.
class RunListModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column {
        RunColumn,
        DatasetColumn,
        ModelColumn,
        KColumn,
        EncoderColumn,
        DecoderColumn,
        LossColumn,
        EpochsColumn,
        BestValColumn,
        StatusColumn,
        JobColumn, ///< the Slurm task's state, for runs submitted to Slurm
        UpdatedColumn,
        DirectoryColumn,
        ColumnCount
    };
    enum Role {
        SortRole = Qt::UserRole + 1, ///< numbers as numbers, for QSortFilterProxyModel
        RunDirRole,                  ///< absolute run directory
        IsPreviousRole,              ///< bool: inside a previous-<timestamp>/ folder
        ErrorRole,                   ///< load error, empty when the run loaded
        NotStartedRole,              ///< bool: a Slurm task's run that has no directory yet
    };

    explicit RunListModel(QObject* parent = nullptr);

    /// Sets the save directory and scans it in the background. Another
    /// directory's rows go at once; the new ones come with scanFinished().
    void setRoot(const QString& root);
    QString root() const { return m_root; }
    /// Scans the save directory again in the background; the rows on show
    /// stay until the new ones replace them (a full reset of the model).
    void refresh();
    /// A scan is running or waiting.
    bool isScanning() const { return m_scanning; }

    const RunRecord& recordAt(int row) const;
    QString runDirAt(int row) const;
    QString errorAt(int row) const; ///< empty when the run loaded
    bool isPreviousAt(int row) const;
    /// A run of a Slurm sweep whose directory does not exist yet (no record to open).
    bool isNotStartedAt(int row) const;
    /// The Slurm task of the run in `row`, or nullptr when it was not submitted.
    const parity::slurm::RunStatus* jobAt(int row) const;
    /// The sweep of that task, or nullptr when the run was not submitted.
    const parity::slurm::Sweep* sweepOfJobAt(int row) const;

    /// The Slurm sweeps of the save directory and their tasks' states; the
    /// Job column and the rows of runs not started follow them.
    void setSweeps(std::vector<parity::slurm::SweepStatus> sweeps);
    const std::vector<parity::slurm::SweepStatus>& sweeps() const { return m_sweeps; }
    /// Some row has a Slurm task.
    bool hasJobs() const { return !m_jobs.empty(); }
    int rowOfRunDir(const QString& dir) const; ///< -1 when not listed

    int rowCount(const QModelIndex& parent = QModelIndex()) const override;
    int columnCount(const QModelIndex& parent = QModelIndex()) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    /// Run directories under `root` (absolute, sorted); deepest search 12 levels.
    static QStringList findRunDirectories(const QString& root);
    /// The directories watched for changes (those of the save directory).
    QStringList watchedDirectories() const;

Q_SIGNALS:
    /// The rows now show the save directory as the latest scan found it.
    void scanFinished();
    /// The rows now show the sweeps of the last setSweeps().
    void jobsChanged();

private:
    struct Entry {
        RunRecord record;
        QString error;
        bool previous = false;
        bool notStarted = false; ///< a Slurm task's run without a directory yet
    };
    /// A run's Slurm task: m_sweeps[sweep].runs[run].
    struct Job {
        size_t sweep = 0;
        size_t run = 0;
    };
    const Job* jobOf(const Entry& entry) const;
    /// "not started", "starting" or "never started", by the task's state.
    QString notStartedText(const Entry& entry) const;
    /// `scanned` and, after them, a row for every Slurm task's run not among them.
    std::vector<Entry> withNotStarted(std::vector<Entry> scanned) const;
    /// The rows become `entries`: changed in place when they are the same runs, else reset.
    void replaceEntries(std::vector<Entry> entries);
    QVariant displayValue(const Entry& entry, int column) const;
    QVariant sortValue(const Entry& entry, int column) const;
    struct ScanResult {
        std::vector<Entry> entries;
        QStringList visited; ///< every directory the scan looked into
    };
    static QStringList findRunDirectories(const QString& root, QStringList* visited);
    static ScanResult scan(const QString& root);
    void startScan();
    void watch(QStringList dirs);

    QString m_root;
    std::vector<Entry> m_entries;
    bool m_scanning = false;
    bool m_rescan = false; ///< asked for while a scan ran: scan again when it is through
    QFileSystemWatcher* m_fsWatcher = nullptr;
    QTimer* m_rescanTimer = nullptr; ///< a change rescans once, a little later
    std::vector<parity::slurm::SweepStatus> m_sweeps;
    std::map<QString, Job> m_jobs; ///< by run directory (cleaned absolute path); the newest sweep wins
};

} // namespace parity::gui
