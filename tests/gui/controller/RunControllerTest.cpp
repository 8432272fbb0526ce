// Issue 3: the worker thread and the run queue, driven by real short runs.
#include "RunController.h"
#include "RunQueueModel.h"

#include "support/GuiTestRuns.h"
#include "support/StopRuns.h"

#include <QAbstractItemModelTester>
#include <QDir>
#include <QElapsedTimer>

#include <memory>
#include <QFileInfo>
#include <QSignalSpy>
#include <QTest>

using parity::gui::RunController;
using parity::gui::RunQueueModel;
using parity::gui::RunRequest;

class RunControllerTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void queueModelIsAWellBehavedModel()
    {
        RunQueueModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        parity::RunConfig a, b;
        b.k = 3;
        model.setRequests({RunRequest{a, {}, false}, RunRequest{b, {}, false}});
        QCOMPARE(model.rowCount(), 2);
        // Issue 13, item 12: a short title, the epochs in words, the status.
        QCOMPARE(model.data(model.index(1)).toString(),
                 QStringLiteral("2. [queued] fashion-mnist · base-mlp · k=3 · Add/Sub · MSE · 10 epochs"));
        model.setStatus(0, RunQueueModel::Status::Running);
        model.setStatus(0, RunQueueModel::Status::Failed, QStringLiteral("boom"));
        QVERIFY(model.data(model.index(0), Qt::ToolTipRole).toString().endsWith(QStringLiteral("\nboom")));
        QCOMPARE(model.nextQueued(), 1);
        model.requeueUnfinished();
        QCOMPARE(model.nextQueued(), 0);
        model.clear();
        QCOMPARE(model.rowCount(), 0);
    }

    void aRunDrivesEverySignal()
    {
        parity::test::TempDir tmp;
        parity::test::writeTinyMnist(tmp / "data", 600, 200);
        RunController controller;
        QSignalSpy started(&controller, &RunController::runStarted);
        QSignalSpy base(&controller, &RunController::baseModelEvaluated);
        QSignalSpy batches(&controller, &RunController::batchFinished);
        QSignalSpy splits(&controller, &RunController::splitFinished);
        QSignalSpy epochs(&controller, &RunController::epochFinished);
        QSignalSpy checkpoints(&controller, &RunController::checkpointWritten);
        QSignalSpy finished(&controller, &RunController::runFinished);
        QSignalSpy queueDone(&controller, &RunController::queueFinished);
        QSignalSpy messages(&controller, &RunController::messageLogged);

        QVERIFY(controller.startSingle({parity::test::tinyRunConfig(tmp / "data", tmp / "save", 2), {}, false}));
        QVERIFY(controller.isBusy());
        QTRY_COMPARE_WITH_TIMEOUT(queueDone.count(), 1, 120000);
        QCOMPARE(queueDone.at(0).at(0).toBool(), true);
        QCOMPARE(started.count(), 1);
        QCOMPARE(base.count(), 1);
        QVERIFY(batches.count() > 10);
        QCOMPARE(splits.count(), 6); // train, val, test per epoch
        QCOMPARE(epochs.count(), 2);
        QCOMPARE(checkpoints.count(), 2);
        QCOMPARE(finished.count(), 1);
        const auto summary = finished.at(0).at(0).value<parity::RunSummary>();
        QCOMPARE(summary.epochsCompleted, 2);
        QVERIFY(!summary.stopped);
        QVERIFY(QFileInfo::exists(QDir(controller.currentRunDir()).filePath("current.pth")));
        bool sawHeader = false;
        for (const auto& m : messages)
            sawHeader |= m.at(0).toString().startsWith(QStringLiteral("mnist base-mlp 2"));
        QVERIFY(sawHeader);
        QVERIFY(!controller.isBusy());
        QCOMPARE(controller.queue()->entry(0).status, RunQueueModel::Status::Finished);
    }

    void stopThenResumeContinuesFromTheCheckpoint()
    {
        parity::test::TempDir tmp;
        parity::test::writeTinyMnist(tmp / "data", 600, 200);
        const auto config = parity::test::tinyRunConfig(tmp / "data", tmp / "save", 4);
        RunController controller;
        QSignalSpy epochs(&controller, &RunController::epochFinished);
        QSignalSpy finished(&controller, &RunController::runFinished);
        QSignalSpy queueDone(&controller, &RunController::queueFinished);
        QSignalSpy messages(&controller, &RunController::messageLogged);
        // Stop as soon as the first epoch has ended: the run ends before the
        // next batch, with epoch 0's checkpoint on disk.
        parity::test::RunStopper stopAfterFirstEpoch(controller, 0);
        QVERIFY(controller.startSingle({config, {}, false}));
        QTRY_COMPARE_WITH_TIMEOUT(queueDone.count(), 1, 120000);
        QCOMPARE(queueDone.at(0).at(0).toBool(), false);
        const auto stopped = finished.at(0).at(0).value<parity::RunSummary>();
        QVERIFY(stopped.stopped);
        QCOMPARE(stopped.epochsCompleted, 1);
        QCOMPARE(controller.queue()->entry(0).status, RunQueueModel::Status::Stopped);

        epochs.clear();
        QVERIFY(controller.start(RunController::OnExisting::Resume)); // a stopped entry resumes
        QTRY_COMPARE_WITH_TIMEOUT(queueDone.count(), 2, 120000);
        QCOMPARE(queueDone.at(1).at(0).toBool(), true);
        const auto resumed = finished.at(1).at(0).value<parity::RunSummary>();
        QCOMPARE(resumed.epochsCompleted, 4);
        QCOMPARE(epochs.count(), 4 - stopped.epochsCompleted);
        QCOMPARE(epochs.first().at(0).value<parity::EpochSummary>().epoch, stopped.epochsCompleted);
        bool sawResume = false;
        for (const auto& m : messages)
            sawResume |= m.at(0).toString().startsWith(QStringLiteral("Resuming from"));
        QVERIFY(sawResume);
        // One row per epoch and split: nothing lost, nothing doubled.
        const QStringList rows = parity::test::fileLines(
            QDir(controller.currentRunDir()).filePath(QStringLiteral("metrics.csv")));
        QCOMPARE(rows.size(), 1 + 4 * 3);
    }

    void aBadRunFailsWithItsReasonAndTheQueueGoesOn()
    {
        parity::test::TempDir tmp;
        parity::test::writeTinyMnist(tmp / "data", 300, 100);
        RunController controller;
        QSignalSpy failed(&controller, &RunController::runFailed);
        QSignalSpy finished(&controller, &RunController::runFinished);
        QSignalSpy queueDone(&controller, &RunController::queueFinished);
        QSignalSpy released(&controller, &RunController::memoryReleased);
        // Memory is given back once the queue has ended, not between its runs.
        connect(&controller, &RunController::runStarted, this, [&] { QCOMPARE(released.count(), 0); });
        connect(&controller, &RunController::runFinished, this, [&] { QCOMPARE(released.count(), 0); });
        auto bad = parity::test::tinyRunConfig(tmp / "missing", tmp / "save", 1);
        auto good = parity::test::tinyRunConfig(tmp / "data", tmp / "save", 1);
        good.k = 3;
        good.batchSize = 8;
        controller.setQueue({RunRequest{bad, {}, false}, RunRequest{good, {}, false}});
        QVERIFY(controller.start());
        QTRY_COMPARE_WITH_TIMEOUT(queueDone.count(), 1, 120000);
        QCOMPARE(queueDone.at(0).at(0).toBool(), false);
        QCOMPARE(failed.count(), 1);
        QVERIFY2(failed.at(0).at(0).toString().contains(QString::fromStdString(tmp / "missing")),
                 qPrintable(failed.at(0).at(0).toString()));
        QCOMPARE(finished.count(), 1); // the second run still ran
        QCOMPARE(controller.queue()->entry(0).status, RunQueueModel::Status::Failed);
        QCOMPARE(controller.queue()->entry(1).status, RunQueueModel::Status::Finished);
        QTRY_COMPARE_WITH_TIMEOUT(released.count(), 1, 10000); // the bytes: Allocator.FreedMemoryGoesBackWhenAsked
    }

    void aLossThatBlowsUpStopsTheRunWithEpochAndBatch()
    {
        parity::test::TempDir tmp;
        parity::test::writeTinyMnist(tmp / "data", 600, 200);
        auto config = parity::test::tinyRunConfig(tmp / "data", tmp / "save", 2);
        config.lr = 1e30; // the first Adam steps throw the weights to ~1e30: the loss overflows
        RunController controller;
        QSignalSpy failed(&controller, &RunController::runFailed);
        QSignalSpy queueDone(&controller, &RunController::queueFinished);
        QVERIFY(controller.startSingle({config, {}, false}));
        QTRY_COMPARE_WITH_TIMEOUT(queueDone.count(), 1, 120000);
        QCOMPARE(failed.count(), 1);
        const QString message = failed.at(0).at(0).toString();
        QVERIFY2(message.contains(QStringLiteral("loss became")) && message.contains(QStringLiteral("epoch"))
                     && message.contains(QStringLiteral("batch")),
                 qPrintable(message));
        QCOMPARE(controller.queue()->entry(0).status, RunQueueModel::Status::Failed);
    }

    // Issue 10, item 5 and issue 13, item 1: the queue policy lives in the
    // controller. An edited entry is only queued; at Start, a run already in
    // its directory is resumed only when asked to and when nothing but the
    // epochs changed, else it is moved aside and the entry starts afresh.
    void startDecidesFromWhatTheDirectoryHolds()
    {
        parity::test::TempDir tmp;
        parity::test::writeTinyMnist(tmp / "data", 600, 200);
        const auto config = parity::test::tinyRunConfig(tmp / "data", tmp / "save", 1);
        RunController controller;
        QSignalSpy queueDone(&controller, &RunController::queueFinished);
        QSignalSpy epochs(&controller, &RunController::epochFinished);
        QVERIFY(controller.existingRuns().empty());
        QVERIFY(controller.startSingle({config, {}, false}));
        QTRY_COMPARE_WITH_TIMEOUT(queueDone.count(), 1, 120000);
        const QString runDir = controller.currentRunDir();
        QVERIFY(QFileInfo::exists(QDir(runDir).filePath(QStringLiteral("current.pth"))));

        // Everything ran: Start would run it again, and finds the run there.
        QCOMPARE(controller.rowsToRun(), std::vector<int>{0});
        auto existing = controller.existingRuns();
        QCOMPARE(existing.size(), size_t(1));
        QVERIFY(!existing[0].run.resumable());

        auto moreEpochs = config;
        moreEpochs.numEpochs = 3;
        controller.updateEntry(0, moreEpochs);
        QCOMPARE(controller.queue()->entry(0).status, RunQueueModel::Status::Queued);
        QVERIFY(controller.queue()->entry(0).request.continueFrom.isEmpty());
        existing = controller.existingRuns();
        QVERIFY(existing[0].run.resumable());

        auto otherSeed = moreEpochs;
        otherSeed.seed = 12;
        controller.updateEntry(0, otherSeed);
        existing = controller.existingRuns();
        QVERIFY(!existing[0].run.resumable());
        QVERIFY(QString::fromStdString(existing[0].run.whyNotResumable()).contains(QStringLiteral("seed")));

        // Asked to resume, the changed entry still starts afresh: from epoch 1
        // (0 in events), the old run moved into previous-*.
        epochs.clear();
        QVERIFY(controller.start(RunController::OnExisting::Resume));
        QTRY_COMPARE_WITH_TIMEOUT(queueDone.count(), 2, 120000);
        QCOMPARE(queueDone.at(1).at(0).toBool(), true);
        QCOMPARE(epochs.count(), 3);
        QCOMPARE(epochs.first().at(0).value<parity::EpochSummary>().epoch, 0);
        const QStringList previous = QDir(runDir).entryList({QStringLiteral("previous-*")}, QDir::Dirs);
        QCOMPARE(previous.size(), 1);
        QCOMPARE(parity::test::fileLines(QDir(runDir).filePath(previous[0] + QStringLiteral("/metrics.csv"))).size(),
                 1 + 1 * 3);
        QVERIFY(parity::test::fileLines(QDir(runDir).filePath(QStringLiteral("run.json")))
                    .join(QString())
                    .contains(QStringLiteral("\"seed\": 12")));
    }

    // Destroying the controller mid-run (the window closes) stops the run at
    // the next batch without running an event loop, and the record says so.
    void destroyingTheControllerStopsTheRun()
    {
        parity::test::TempDir tmp;
        parity::test::writeTinyMnist(tmp / "data", 600, 200);
        const auto config = parity::test::tinyRunConfig(tmp / "data", tmp / "save", 500);
        auto controller = std::make_unique<RunController>();
        QSignalSpy batches(controller.get(), &RunController::batchFinished);
        QVERIFY(controller->startSingle({config, {}, false}));
        QTRY_VERIFY_WITH_TIMEOUT(batches.count() > 0, 120000);
        const QString runJson = QDir(controller->currentRunDir()).filePath(QStringLiteral("run.json"));
        // Events the worker posts from now on must not be delivered to a
        // deleted controller: nothing may run the event loop in between.
        QElapsedTimer timer;
        timer.start();
        controller.reset();
        QVERIFY(timer.elapsed() < 30000);
        QVERIFY(parity::test::fileLines(runJson).join(QString()).contains(QStringLiteral("\"status\": \"stopped\"")));
        QCoreApplication::processEvents(); // late events of the dead controller are dropped
    }
};

QTEST_MAIN(RunControllerTest)
#include "RunControllerTest.moc"
