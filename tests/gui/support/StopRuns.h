#pragma once
// Stops a run at an exact point. RunController's signals arrive queued from
// the training thread, so a stop sent from one of them lands wherever the
// run has got to by then: on a busy machine, an epoch or more later. A
// RunStopper connects to the training thread's own signals instead, and
// that thread waits until the window's thread has made the stop.
//
// Declare it after the controller (or the window that owns it): destroying
// it first drops a call the training thread may be waiting on and so
// releases that thread, also when a failed check leaves a test early; the
// controller's destructor then waits for the thread as usual.
#include "RunController.h"
#include "TrainingWorker.h"

#include <QObject>

namespace parity::test {

class RunStopper : public QObject {
public:
    /// Stops the run at its first batch: no epoch ends.
    explicit RunStopper(gui::RunController& controller)
    {
        m_connection = connect(
            controller.worker(), &gui::TrainingWorker::batchFinished, this, [this, &controller] { stop(controller); },
            Qt::BlockingQueuedConnection);
    }

    /// Stops the run once its epoch `epoch` (counted from 0) has ended.
    RunStopper(gui::RunController& controller, int epoch)
    {
        m_connection = connect(
            controller.worker(), &gui::TrainingWorker::epochFinished, this,
            [this, &controller, epoch](int, const parity::EpochSummary& s) {
                if (s.epoch == epoch)
                    stop(controller);
            },
            Qt::BlockingQueuedConnection);
    }

private:
    // Once: the later batches or epochs of the run then go on unhindered.
    void stop(gui::RunController& controller)
    {
        disconnect(m_connection);
        controller.stop();
    }

    QMetaObject::Connection m_connection;
};

} // namespace parity::test
