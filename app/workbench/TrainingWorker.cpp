// LibTorch headers come before any Qt header (SPEC §8: Qt's keywords clash).
#include "training/Trainer.h"
#include "training/TrainingEvents.h"

#include "TrainingWorker.h"

#include <QDir>

#include <sys/resource.h>
#include <unistd.h>

#include <filesystem>
#include <string>

namespace parity::gui {

namespace {

constexpr int kTrainingNice = 10;

/// Lowers the priority of every thread of the process except the GUI's (the
/// main thread, whose id is the process id): the training thread, LibTorch's
/// and OpenBLAS's workers. Training then uses every core the GUI leaves
/// idle, but a click or a repaint never waits behind it (issue 3: within
/// 50 ms). Linux gives each thread its own nice value.
void yieldToTheGui()
{
    const pid_t gui = ::getpid();
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator("/proc/self/task", ec)) {
        const pid_t tid = pid_t(std::stol(entry.path().filename().string()));
        if (tid != gui && ::getpriority(PRIO_PROCESS, id_t(tid)) < kTrainingNice)
            ::setpriority(PRIO_PROCESS, id_t(tid), kTrainingNice);
    }
}

/// Forwards the core's callbacks (on this thread) as the worker's signals.
class SignalObserver : public parity::TrainingObserver {
public:
    SignalObserver(TrainingWorker* worker, int runId, QString runDir)
        : m_worker(worker)
        , m_runId(runId)
        , m_runDir(std::move(runDir))
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
    void batchFinished(const parity::BatchStats& stats) override
    {
        if (stats.batch == 1)
            yieldToTheGui();   // BLAS may have started its threads for this pass
        Q_EMIT m_worker->batchFinished(m_runId, stats);
    }
    void splitFinished(const parity::SplitResult& result) override
    {
        Q_EMIT m_worker->splitFinished(m_runId, result);
    }
    void epochFinished(const parity::EpochSummary& summary) override
    {
        Q_EMIT m_worker->epochFinished(m_runId, summary);
        // The trainer has written the checkpoints of this epoch before reporting it.
        Q_EMIT m_worker->checkpointWritten(m_runId, QDir(m_runDir).filePath(QStringLiteral("current.pth")),
                                           summary.epoch);
    }
    void runFinished(const parity::RunSummary& summary) override { m_summary = summary; }

    parity::RunSummary m_summary;

private:
    TrainingWorker* m_worker;
    int m_runId;
    QString m_runDir;
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
    yieldToTheGui();
    Q_EMIT runStarted(runId, runDir);
    SignalObserver observer(this, runId, runDir);
    try {
        parity::TrainerOptions options;
        options.continueFrom = request.continueFrom.toStdString();
        options.onlyTest = request.onlyTest;
        parity::Trainer trainer(request.config, options, &observer, m_cancel);
        parity::RunSummary summary = trainer.run();
        Q_EMIT runFinished(runId, summary);
    } catch (const std::exception& e) {
        Q_EMIT runFailed(runId, QString::fromStdString(e.what()));
    } catch (...) {
        Q_EMIT runFailed(runId, QStringLiteral("unexpected error in the training thread"));
    }
}

} // namespace parity::gui
