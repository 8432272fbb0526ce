#pragma once
#include "RunQueueModel.h"
#include "RunRequest.h"
#include "common/Metatypes.h"
#include "events/CancelToken.h"
#include "io/RunDirectory.h"

#include <QObject>
#include <QThread>

#include <memory>

namespace parity::gui {

class TrainingWorker;

/// Owns the training thread and works through the run queue, one run at a
/// time. Pages connect to its signals, which only ever carry events of the
/// current run (each run is numbered; late events of an earlier run are
/// dropped). Stop finishes the current batch and keeps the checkpoint.
class RunController : public QObject {
    Q_OBJECT
public:
    enum class State { Idle, Running, Stopping };
    Q_ENUM(State)

    explicit RunController(QObject* parent = nullptr);
    ~RunController() override;

    RunQueueModel* queue() { return &m_queue; }
    State state() const { return m_state; }
    bool isBusy() const { return m_state != State::Idle; }
    /// Row of the queue entry being run, or -1.
    int currentRow() const { return m_currentRow; }
    QString currentRunDir() const { return m_currentRunDir; }
    /// The configuration of the current (or last) run.
    const parity::RunConfig& currentConfig() const { return m_currentConfig; }
    /// The current (or last) run only evaluated a checkpoint on the test split.
    bool currentIsOnlyTest() const { return m_currentOnlyTest; }
    /// The object on the training thread; its signals are emitted there,
    /// before the queued copies above. Tests connect to it to act at an
    /// exact point of a run.
    TrainingWorker* worker() const { return m_worker; }

    /// What Start does with a run already in an entry's directory.
    enum class OnExisting {
        Fresh,  ///< move it into previous-<timestamp>/ and start afresh (what parity-train does)
        Resume, ///< continue it from current.pth where that is possible (ExistingRun::resumable), else Fresh
    };
    /// An entry Start would run whose directory already holds a run.
    struct Existing {
        int row = -1;
        parity::RunConfig config;
        parity::ExistingRun run;
    };
    /// The rows Start runs: the unfinished ones in order, or all of them
    /// again when every one has finished.
    std::vector<int> rowsToRun() const;
    /// Of those, the ones whose directory holds a run; entries that were
    /// given a checkpoint explicitly (resume or test only) are left out.
    std::vector<Existing> existingRuns() const;

public Q_SLOTS:
    /// Replaces the queue (not while busy).
    void setQueue(const std::vector<parity::gui::RunRequest>& requests);
    /// Runs rowsToRun() in order. Entries given a checkpoint explicitly run
    /// as asked; for the others `onExisting` decides (a run's record only
    /// ever describes what that run did: nothing resumes with settings that
    /// differ). False when busy or nothing is queued.
    bool start(OnExisting onExisting = OnExisting::Fresh);
    /// The form edited entry `row` (not while it runs): it is queued again
    /// with `edited`, to be decided at the next Start.
    void updateEntry(int row, const parity::RunConfig& edited);
    /// Replaces the queue by one request and runs it.
    bool startSingle(const parity::gui::RunRequest& request, OnExisting onExisting = OnExisting::Fresh);
    void stop();

Q_SIGNALS:
    void stateChanged(parity::gui::RunController::State state);
    void runStarted(int row, const QString& runDir);
    void messageLogged(const QString& line);
    void progressReported(const QString& stage, qint64 done, qint64 total);
    void baseModelEvaluated(const std::vector<parity::BaseAccuracy>& accuracies);
    void batchFinished(const parity::BatchStats& stats);
    void splitFinished(const parity::SplitResult& result);
    void epochFinished(const parity::EpochSummary& summary);
    void checkpointWritten(const QString& path, int epoch);
    void runFinished(const parity::RunSummary& summary);
    void runFailed(const QString& message);
    /// The queue has nothing left to run (or a stop ended it). `ok`: no run failed or was stopped.
    void queueFinished(bool ok);
    /// After a queue ended, the training thread gave back what its runs left
    /// free in malloc's heaps (bytes the workbench's resident set shrank by).
    void memoryReleased(qint64 bytes);
    /// Internal: hands a request to the worker thread.
    void requestRun(int runId, const parity::gui::RunRequest& request);

private:
    void launchNext();
    /// The queue ended (ok: every run finished).
    void endQueue(bool ok);
    void consumeRequest(int row);
    void setState(State state);
    void onRunFinished(int runId, const parity::RunSummary& summary);
    void onRunFailed(int runId, const QString& message);
    bool isCurrent(int runId) const { return runId == m_runId; }

    QThread m_thread;
    parity::CancelToken m_cancel;
    TrainingWorker* m_worker = nullptr;
    RunQueueModel m_queue;
    State m_state = State::Idle;
    int m_runId = 0;
    int m_currentRow = -1;
    QString m_currentRunDir;
    parity::RunConfig m_currentConfig;
    bool m_currentOnlyTest = false;
    bool m_queueOk = true;
};

} // namespace parity::gui
