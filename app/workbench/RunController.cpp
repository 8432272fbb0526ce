#include "RunController.h"

#include "TrainingWorker.h"
#include "io/RunDirectory.h"

#include <QDir>
#include <QFileInfo>

namespace parity::gui {

RunController::RunController(QObject* parent)
    : QObject(parent)
{
    registerMetatypes();
    qRegisterMetaType<RunRequest>();
    m_thread.setObjectName(QStringLiteral("training"));
    m_worker = new TrainingWorker(&m_cancel);
    m_worker->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    connect(this, &RunController::requestRun, m_worker, &TrainingWorker::execute, Qt::QueuedConnection);

    // Events arrive queued from the training thread; only the current run's pass.
    connect(m_worker, &TrainingWorker::messageLogged, this, [this](int id, const QString& line) {
        if (isCurrent(id))
            Q_EMIT messageLogged(line);
    });
    connect(m_worker, &TrainingWorker::progressReported, this,
            [this](int id, const QString& stage, qint64 done, qint64 total) {
                if (isCurrent(id))
                    Q_EMIT progressReported(stage, done, total);
            });
    connect(m_worker, &TrainingWorker::baseModelEvaluated, this,
            [this](int id, const std::vector<parity::BaseAccuracy>& a) {
                if (isCurrent(id))
                    Q_EMIT baseModelEvaluated(a);
            });
    connect(m_worker, &TrainingWorker::batchFinished, this, [this](int id, const parity::BatchStats& s) {
        if (isCurrent(id))
            Q_EMIT batchFinished(s);
    });
    connect(m_worker, &TrainingWorker::splitFinished, this, [this](int id, const parity::SplitResult& r) {
        if (isCurrent(id))
            Q_EMIT splitFinished(r);
    });
    connect(m_worker, &TrainingWorker::epochFinished, this, [this](int id, const parity::EpochSummary& s) {
        if (isCurrent(id))
            Q_EMIT epochFinished(s);
    });
    connect(m_worker, &TrainingWorker::checkpointWritten, this, [this](int id, const QString& path, int epoch) {
        if (isCurrent(id))
            Q_EMIT checkpointWritten(path, epoch);
    });
    connect(m_worker, &TrainingWorker::runFinished, this, &RunController::onRunFinished);
    connect(m_worker, &TrainingWorker::runFailed, this, &RunController::onRunFailed);
    connect(m_worker, &TrainingWorker::memoryReleased, this, &RunController::memoryReleased);

    // The trainer lowers the training threads' priority (TrainerOptions::niceness).
    m_thread.start();
}

RunController::~RunController()
{
    // The worker ends its run at the next batch boundary; events it still
    // posts to this object are dropped with it. No event loop runs here.
    m_cancel.cancel();
    m_thread.quit();
    m_thread.wait();
}

void RunController::setState(State state)
{
    if (m_state == state)
        return;
    m_state = state;
    Q_EMIT stateChanged(state);
}

void RunController::setQueue(const std::vector<RunRequest>& requests)
{
    if (isBusy())
        return;
    m_queue.setRequests(requests);
}

void RunController::updateEntry(int row, const parity::RunConfig& edited)
{
    if (row < 0 || row >= m_queue.size() || m_queue.entry(row).status == RunQueueModel::Status::Running)
        return;
    // What becomes of a run already in the directory is decided at Start,
    // against the settings it will then have.
    m_queue.setRequest(row, RunRequest{edited, {}, false});
    m_queue.setStatus(row, RunQueueModel::Status::Queued);
}

std::vector<int> RunController::rowsToRun() const
{
    std::vector<int> rows;
    for (int row = 0; row < m_queue.size(); ++row)
        if (m_queue.entry(row).status != RunQueueModel::Status::Finished)
            rows.push_back(row);
    if (rows.empty()) // everything ran: Start runs the queue again
        for (int row = 0; row < m_queue.size(); ++row)
            rows.push_back(row);
    return rows;
}

std::vector<RunController::Existing> RunController::existingRuns() const
{
    std::vector<Existing> found;
    for (const int row : rowsToRun()) {
        const RunRequest& request = m_queue.entry(row).request;
        if (!request.continueFrom.isEmpty())
            continue;
        parity::ExistingRun run = RunDirectory::of(request.config).existingRun(request.config);
        if (run.present)
            found.push_back({row, request.config, std::move(run)});
    }
    return found;
}

bool RunController::start(OnExisting onExisting)
{
    if (isBusy())
        return false;
    const std::vector<int> rows = rowsToRun();
    if (rows.empty())
        return false;
    for (const int row : rows) {
        RunRequest request = m_queue.entry(row).request;
        if (request.continueFrom.isEmpty() && onExisting == OnExisting::Resume) {
            const parity::ExistingRun run = RunDirectory::of(request.config).existingRun(request.config);
            if (run.resumable())
                request.continueFrom = QString::fromStdString(run.checkpoint);
        }
        m_queue.setRequest(row, request);
        m_queue.setStatus(row, RunQueueModel::Status::Queued);
    }
    m_queueOk = true;
    launchNext();
    return true;
}

bool RunController::startSingle(const RunRequest& request, OnExisting onExisting)
{
    if (isBusy())
        return false;
    m_queue.setRequests({request});
    return start(onExisting);
}

void RunController::launchNext()
{
    const int row = m_queue.nextQueued();
    if (row < 0) {
        endQueue(m_queueOk);
        return;
    }
    m_cancel.reset();
    m_currentRow = row;
    const RunRequest& request = m_queue.entry(row).request;
    m_currentConfig = request.config;
    m_currentOnlyTest = request.onlyTest;
    m_currentRunDir = QString::fromStdString(request.config.runDir());
    m_queue.setStatus(row, RunQueueModel::Status::Running);
    ++m_runId;
    setState(State::Running);
    Q_EMIT runStarted(row, m_currentRunDir);
    Q_EMIT requestRun(m_runId, request);
}

void RunController::endQueue(bool ok)
{
    // Between the runs of a queue the memory stays for the next one; once it
    // ends, the workbench stays up idle and should not hold a run's peak
    // (after the default experiment: 417 MB resident, 242 MB once given back).
    // Queued to the training thread before anything can start another run:
    // it runs after this run's objects are gone.
    QMetaObject::invokeMethod(m_worker, &TrainingWorker::releaseMemory, Qt::QueuedConnection);
    m_currentRow = -1;
    setState(State::Idle);
    Q_EMIT queueFinished(ok);
}

void RunController::consumeRequest(int row)
{
    // A checkpoint given to one run (resume, test only) is not used again:
    // the next Start decides afresh from what the directory then holds.
    RunRequest request = m_queue.entry(row).request;
    request.continueFrom.clear();
    request.onlyTest = false;
    m_queue.setRequest(row, request);
}

void RunController::stop()
{
    if (m_state != State::Running)
        return;
    m_cancel.cancel();
    setState(State::Stopping);
    Q_EMIT messageLogged(tr("Stopping after the current batch…"));
}

void RunController::onRunFinished(int runId, const parity::RunSummary& summary)
{
    if (!isCurrent(runId))
        return;
    const bool stopped = summary.stopped || m_state == State::Stopping;
    consumeRequest(m_currentRow);
    m_queue.setStatus(m_currentRow, stopped ? RunQueueModel::Status::Stopped : RunQueueModel::Status::Finished,
                      QString::fromStdString(summary.runDir));
    Q_EMIT runFinished(summary);
    if (stopped) {
        m_queueOk = false;
        endQueue(false);
        return;
    }
    launchNext();
}

void RunController::onRunFailed(int runId, const QString& message)
{
    if (!isCurrent(runId))
        return;
    consumeRequest(m_currentRow);
    m_queue.setStatus(m_currentRow, RunQueueModel::Status::Failed, message);
    m_queueOk = false;
    Q_EMIT runFailed(message);
    if (m_state == State::Stopping) {
        endQueue(false);
        return;
    }
    // The next run of a sweep does not depend on this one.
    launchNext();
}

} // namespace parity::gui
