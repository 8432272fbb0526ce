// LibTorch headers come before any Qt header (docs/BEHAVIOUR.md §8: Qt's keywords clash).
#include "training/Trainer.h"
#include "events/TrainingEvents.h"
#include "util/BlasStartup.h"

#include "TrainingWorker.h"

#include <QDir>

#include <string>

namespace parity::gui {

namespace {

// Training runs below the GUI (trainer option `niceness`): it uses every core
// the GUI leaves idle, but a click or a repaint never waits behind it
// (issue 3: within 50 ms).
constexpr int kTrainingNice = 10;

/// Forwards the core's callbacks (on this thread) as the worker's signals.
class SignalObserver : public parity::TrainingObserver {
public:
    SignalObserver(TrainingWorker* worker, int runId)
        : m_worker(worker)
        , m_runId(runId)
    {
    }
    void message(const std::string& line) override
    {
        Q_EMIT m_worker->messageLogged(m_runId, QString::fromStdString(line));
    }
    void progress(const std::string& stage, int64_t done, int64_t total) override
    {
        Q_EMIT m_worker->progressReported(m_runId, QString::fromStdString(stage), done, total);
    }
    void baseModelEvaluated(const std::vector<parity::BaseAccuracy>& accuracies) override
    {
        Q_EMIT m_worker->baseModelEvaluated(m_runId, accuracies);
    }
    void batchFinished(const parity::BatchStats& stats) override { Q_EMIT m_worker->batchFinished(m_runId, stats); }
    void splitFinished(const parity::SplitResult& result) override { Q_EMIT m_worker->splitFinished(m_runId, result); }
    void epochFinished(const parity::EpochSummary& summary) override
    {
        Q_EMIT m_worker->epochFinished(m_runId, summary);
    }
    void checkpointSaved(const std::string& path, int epoch, parity::CheckpointKind) override
    {
        // The inspector follows the run's latest state: one file per epoch
        // (current.pth comes first when both are written).
        if (epoch == m_lastCheckpointEpoch)
            return;
        m_lastCheckpointEpoch = epoch;
        Q_EMIT m_worker->checkpointWritten(m_runId, QString::fromStdString(path), epoch);
    }
    void runFinished(const parity::RunSummary& summary) override { m_summary = summary; }

    parity::RunSummary m_summary;

private:
    TrainingWorker* m_worker;
    int m_runId;
    int m_lastCheckpointEpoch = -1;
};

} // namespace

TrainingWorker::TrainingWorker(parity::CancelToken* cancel, QObject* parent)
    : QObject(parent)
    , m_cancel(cancel)
{
}

void TrainingWorker::execute(int runId, const RunRequest& request)
{
    const QString runDir = QString::fromStdString(request.config.runDir());
    Q_EMIT runStarted(runId, runDir);
    SignalObserver observer(this, runId);
    try {
        parity::TrainerOptions options;
        options.continueFrom = request.continueFrom.toStdString();
        options.onlyTest = request.onlyTest;
        options.niceness = kTrainingNice;
        parity::Trainer trainer(request.config, options, &observer, m_cancel);
        parity::RunSummary summary = trainer.run();
        Q_EMIT runFinished(runId, summary);
    } catch (const std::exception& e) {
        Q_EMIT runFailed(runId, QString::fromStdString(e.what()));
    } catch (...) {
        Q_EMIT runFailed(runId, QStringLiteral("unexpected error in the training thread"));
    }
}

void TrainingWorker::releaseMemory() { Q_EMIT memoryReleased(qint64(parity::blas::releaseFreeMemory())); }

} // namespace parity::gui
