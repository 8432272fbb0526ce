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
    const auto& entry = m_queue.entry(row);
    RunRequest request = entry.request;
    const QString checkpoint = QString::fromStdString(
        RunDirectory::of(request.config).checkpoint(CheckpointKind::Current));
    const bool compatible = parity::RunConfig::describeMismatch(request.config, edited).empty()
                            && request.config.runDir() == edited.runDir();
    const bool hadRun = entry.status != RunQueueModel::Status::Queued || !request.continueFrom.isEmpty();
    request.continueFrom = compatible && hadRun && QFileInfo::exists(checkpoint) ? checkpoint : QString();
    request.onlyTest = false;
    request.config = edited;
    m_queue.setRequest(row, request);
    m_queue.setStatus(row, RunQueueModel::Status::Queued);
}

bool RunController::start()
{
    if (isBusy())
        return false;
    bool anythingLeft = false;
    for (int row = 0; row < m_queue.size(); ++row)
        anythingLeft |= m_queue.entry(row).status != RunQueueModel::Status::Finished;
    if (!anythingLeft) {
        // Everything ran: Start runs the queue again from scratch.
        for (int row = 0; row < m_queue.size(); ++row) {
            RunRequest request = m_queue.entry(row).request;
            request.continueFrom.clear();
            request.onlyTest = false;
            m_queue.setRequest(row, request);
            m_queue.setStatus(row, RunQueueModel::Status::Queued);
        }
    }
    for (int row = 0; row < m_queue.size(); ++row) {
        const auto& e = m_queue.entry(row);
        if (e.status == RunQueueModel::Status::Stopped) {
            // Pick up where the stop left it, if an epoch was checkpointed.
            RunRequest request = e.request;
            const QString checkpoint = QString::fromStdString(
                RunDirectory::of(request.config).checkpoint(CheckpointKind::Current));
            if (QFileInfo::exists(checkpoint) && !request.onlyTest)
                request.continueFrom = checkpoint;
            m_queue.setRequest(row, request);
        }
    }
    m_queue.requeueUnfinished();
    if (m_queue.nextQueued() < 0)
        return false;
    m_queueOk = true;
    launchNext();
    return true;
}

bool RunController::startSingle(const RunRequest& request)
{
    if (isBusy())
        return false;
    m_queue.setRequests({request});
    return start();
}

void RunController::launchNext()
{
    const int row = m_queue.nextQueued();
    if (row < 0) {
        m_currentRow = -1;
        setState(State::Idle);
        Q_EMIT queueFinished(m_queueOk);
        return;
    }
    m_cancel.reset();
    m_currentRow = row;
    const RunRequest& request = m_queue.entry(row).request;
    m_currentConfig = request.config;
    m_currentRunDir = QString::fromStdString(request.config.runDir());
    m_queue.setStatus(row, RunQueueModel::Status::Running);
    ++m_runId;
    setState(State::Running);
    Q_EMIT runStarted(row, m_currentRunDir);
    Q_EMIT requestRun(m_runId, request);
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
    m_queue.setStatus(m_currentRow, stopped ? RunQueueModel::Status::Stopped : RunQueueModel::Status::Finished,
                      QString::fromStdString(summary.runDir));
    Q_EMIT runFinished(summary);
    if (stopped) {
        m_queueOk = false;
        m_currentRow = -1;
        setState(State::Idle);
        Q_EMIT queueFinished(false);
        return;
    }
    launchNext();
}

void RunController::onRunFailed(int runId, const QString& message)
{
    if (!isCurrent(runId))
        return;
    m_queue.setStatus(m_currentRow, RunQueueModel::Status::Failed, message);
    m_queueOk = false;
    Q_EMIT runFailed(message);
    if (m_state == State::Stopping) {
        m_currentRow = -1;
        setState(State::Idle);
        Q_EMIT queueFinished(false);
        return;
    }
    // The next run of a sweep does not depend on this one.
    launchNext();
}

} // namespace parity::gui
