#pragma once
#include "RunRequest.h"
#include "common/Metatypes.h"
#include "events/CancelToken.h"

#include <QObject>
#include <QString>

namespace parity::gui {

/// Lives on the training thread: runs one Trainer at a time and turns the
/// core's observer calls into one typed signal per event. Every signal carries
/// the run's number, so the controller can ignore late events of a run it has
/// moved on from. The cancel token is the only state shared with the GUI.
class TrainingWorker : public QObject {
    Q_OBJECT
public:
    explicit TrainingWorker(parity::CancelToken* cancel, QObject* parent = nullptr);

public Q_SLOTS:
    /// Runs to the end, a stop, or an error; always ends with runFinished or runFailed.
    void execute(int runId, const parity::gui::RunRequest& request);
    /// Gives the free memory the runs left in malloc's heaps back to the
    /// system (parity::blas::releaseFreeMemory); ends with memoryReleased.
    void releaseMemory();

Q_SIGNALS:
    void runStarted(int runId, const QString& runDir);
    void messageLogged(int runId, const QString& line);
    void progressReported(int runId, const QString& stage, qint64 done, qint64 total);
    void baseModelEvaluated(int runId, const std::vector<parity::BaseAccuracy>& accuracies);
    void batchFinished(int runId, const parity::BatchStats& stats);
    void splitFinished(int runId, const parity::SplitResult& result);
    void epochFinished(int runId, const parity::EpochSummary& summary);
    void checkpointWritten(int runId, const QString& path, int epoch);
    void runFinished(int runId, const parity::RunSummary& summary);
    void runFailed(int runId, const QString& message);
    void memoryReleased(qint64 bytes);

private:
    parity::CancelToken* m_cancel;
};

} // namespace parity::gui
