#pragma once
// The Slurm sweeps of a save directory and the state of their tasks, asked
// again every few seconds while someone looks and a task is still waiting or
// running (issue 16).
#include "slurm/SlurmSweep.h"

#include <QObject>
#include <QString>
#include <QStringList>

#include <functional>
#include <vector>

class QTimer;

namespace parity::gui {

/// What a SlurmJobTracker::cancelTasks() did.
struct CancelOutcome {
    QStringList cancelled; ///< "tasks 1, 2 of job 808", one per sweep Slurm obeyed
    QStringList problems;  ///< what Slurm refused, or a cancellation it could not record
};

/// Reads the submitted sweeps under `<saveDir>/slurm/` (slurm::sweepDirs,
/// slurm::readStatus) on the thread pool, never on the GUI thread. While
/// active (the Runs tab is on screen) it reads them when it becomes active
/// and then every interval() as long as a task is pending or running; a
/// sweep whose tasks have all ended is read again only by refresh() or a
/// new activation. Sweeps written but never submitted (dry runs) are left
/// out. Results of a read started for another save directory are dropped.
/// cancelTasks() scancels tasks on the thread pool and asks Slurm again.
class SlurmJobTracker : public QObject {
    Q_OBJECT
public:
    /// Reads the sweeps of a save directory; `known` holds the last statuses,
    /// for a reader that skips what cannot have changed. The seam for tests.
    using Reader = std::function<std::vector<parity::slurm::SweepStatus>(
        const QString& saveDir, const std::vector<parity::slurm::SweepStatus>& known, bool everything)>;

    /// Cancels tasks of a sweep (default: slurm::cancelTasks): returns "" or
    /// a note, throws parity::Error with the scheduler's word. The seam for tests.
    using Canceller = std::function<std::string(const parity::slurm::Sweep& sweep, const std::vector<int>& indices)>;
    /// Tasks of one sweep to cancel.
    struct Cancellation {
        parity::slurm::Sweep sweep;
        std::vector<int> indices;
    };

    explicit SlurmJobTracker(QObject* parent = nullptr);

    void setSaveDir(const QString& saveDir);
    QString saveDir() const { return m_saveDir; }
    /// Polls now and keeps polling while `active`; stops when not.
    void setActive(bool active);
    bool isActive() const { return m_active; }
    void setReader(Reader reader) { m_reader = std::move(reader); }
    void setCanceller(Canceller canceller) { m_canceller = std::move(canceller); }
    void setInterval(int ms) { m_intervalMs = ms; }
    int interval() const { return m_intervalMs; }
    /// A read is under way.
    bool isReading() const { return m_reading; }
    /// A cancelTasks() is under way.
    bool isCancelling() const { return m_cancelling; }
    /// Some task of some sweep is pending or running, or the scheduler could
    /// not say whether one is (SweepStatus::followed).
    bool hasActiveTasks() const;
    /// The submitted sweeps, oldest first, as last read.
    const std::vector<parity::slurm::SweepStatus>& sweeps() const { return m_sweeps; }

    /// The default reader: every sweep directory of `saveDir` with a job,
    /// read again unless `everything` is false and all its tasks had ended.
    static std::vector<parity::slurm::SweepStatus>
    readSweeps(const QString& saveDir, const std::vector<parity::slurm::SweepStatus>& known, bool everything);

public Q_SLOTS:
    /// Reads every sweep again (once a read under way is through).
    void refresh();
    /// While active and no read is due: looks for new sweeps (a submission
    /// from parity-train) and reads only those and the unfinished ones.
    void pollSoon();
    /// While active: asks Slurm now about the unfinished sweeps (a run's
    /// directory says it ended; Slurm's word is due).
    void pollNow();
    /// Cancels the tasks off the GUI thread, one sweep after another (a
    /// sweep Slurm refuses does not keep the others), then reads every
    /// sweep again, and once more a little later (Slurm takes a moment to
    /// end a running task). Ignored while a cancellation is under way.
    void cancelTasks(std::vector<Cancellation> cancellations);

Q_SIGNALS:
    /// sweeps() holds a new read.
    void updated();
    /// A cancelTasks() is through.
    void cancelFinished(const parity::gui::CancelOutcome& outcome);

private:
    void startRead(bool everything);
    void scheduleNext();

    QString m_saveDir;
    bool m_active = false;
    bool m_reading = false;
    bool m_readAgain = false; ///< refresh() while reading: read everything once more
    int m_generation = 0;     ///< a read of an earlier save directory is dropped
    int m_intervalMs = 10000;
    static constexpr int kAfterCancelMs = 2000; ///< the second read after a cancellation
    Reader m_reader;
    Canceller m_canceller;
    bool m_cancelling = false;
    QTimer* m_timer;
    std::vector<parity::slurm::SweepStatus> m_sweeps;
};

} // namespace parity::gui
