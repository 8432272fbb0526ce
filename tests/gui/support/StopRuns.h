#pragma once
// Stops a run at an exact point. RunController's signals arrive queued from
// the training thread, so a stop sent from one of them lands wherever the
// run has got to by then: on a busy machine, an epoch or more later. These
// connect to the training thread's own signals instead, and that thread
// waits until the window's thread has made the stop.
//
// Disconnect (or let the run end) before the controller is destroyed: its
// destructor waits for the training thread, which would wait for it.
#include "RunController.h"
#include "TrainingWorker.h"

#include <QObject>

namespace parity::test {

/// Stops the run at its first batch: no epoch ends.
inline QMetaObject::Connection stopAtFirstBatch(gui::RunController& controller)
{
    // stop() does nothing once the run is stopping, so later batches pass.
    return QObject::connect(
        controller.worker(), &gui::TrainingWorker::batchFinished, &controller, [&controller] { controller.stop(); },
        Qt::BlockingQueuedConnection);
}

/// Stops the run once its epoch `epoch` (counted from 0) has ended.
inline QMetaObject::Connection stopAfterEpoch(gui::RunController& controller, int epoch)
{
    return QObject::connect(
        controller.worker(), &gui::TrainingWorker::epochFinished, &controller,
        [&controller, epoch](int, const parity::EpochSummary& s) {
            if (s.epoch == epoch)
                controller.stop();
        },
        Qt::BlockingQueuedConnection);
}

} // namespace parity::test
