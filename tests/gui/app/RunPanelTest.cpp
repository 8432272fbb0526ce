// Issue 3: the run panel — sweep files become a queue, the form edits the
// selected run, configs saved here are read by the CLI, resume and test-only
// work from a run directory (also one that was moved).
#include "RunController.h"
#include "RunPanel.h"
#include "form/ExperimentForm.h"

#include "TestPaths.h"
#include "support/GuiTestRuns.h"

#include <QDir>
#include <QFileInfo>
#include <QListView>
#include <QProcess>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTest>

#include <filesystem>

using namespace parity::gui;

namespace {
QString q(const std::string& s) { return QString::fromStdString(s); }
} // namespace

class RunPanelTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void aSweepBecomesAQueueAndTheFormEditsTheSelectedRun()
    {
        parity::test::TempDir tmp;
        auto c = parity::test::tinyRunConfig(tmp / "data", tmp / "save", 1);
        nlohmann::json j = c.toConfigFile();
        j["k_vals"] = {2, 3};
        std::ofstream(tmp / "sweep.json") << j.dump(2);
        RunController controller;
        RunPanel panel(&controller);
        QString error;
        QVERIFY2(panel.openConfig(q(tmp / "sweep.json"), &error), qPrintable(error));
        QCOMPARE(controller.queue()->size(), 2);
        QCOMPARE(panel.form()->config().k, 2);
        auto* view = panel.findChild<QListView*>(QStringLiteral("queue"));
        view->setCurrentIndex(controller.queue()->index(1));
        QCOMPARE(panel.form()->config().k, 3);
        panel.form()->findChild<QSpinBox*>(QStringLiteral("num_epoch"))->setValue(4);
        QCOMPARE(controller.queue()->entry(1).request.config.numEpochs, 4);
        QCOMPARE(controller.queue()->entry(0).request.config.numEpochs, 1);
    }

    void aBadConfigChangesNothing()
    {
        parity::test::TempDir tmp;
        std::ofstream(tmp / "bad.json") << R"({"datasets": ["mnist"], "models": ["no-such-model"], "k_vals": [2],
            "losses": ["torch.nn.MSELoss"], "num_epoch": 1,
            "enc_dec_types": [["coders.summation.AdditionEncoder", "coders.summation.SubtractionDecoder"]]})";
        RunController controller;
        RunPanel panel(&controller);
        const auto before = panel.form()->config().toJson();
        QString error;
        QVERIFY(!panel.openConfig(q(tmp / "bad.json"), &error));
        QVERIFY2(error.contains(QStringLiteral("bad.json")) && error.contains(QStringLiteral("no-such-model")),
                 qPrintable(error));
        QCOMPARE(panel.form()->config().toJson().dump(), before.dump());
    }

    void savedConfigsAreReadByTheCli()
    {
        parity::test::TempDir tmp;
        RunController controller;
        RunPanel panel(&controller);
        auto c = parity::test::tinyRunConfig(tmp / "data", tmp / "save", 3);
        c.k = 3;
        c.batchSize = 8;
        panel.form()->setConfig(c);
        QString error;
        QVERIFY2(panel.saveConfig(q(tmp / "saved.json"), &error), qPrintable(error));
        QProcess cli;
        cli.start(QStringLiteral(PARITY_TRAIN_EXE), {q(tmp / "saved.json"), QStringLiteral("--describe")});
        QVERIFY(cli.waitForFinished(60000));
        QCOMPARE(cli.exitCode(), 0);
        QVERIFY(QString::fromUtf8(cli.readAllStandardOutput()).contains(QStringLiteral("mnist base-mlp 3")));
        RunPanel other(&controller);
        QVERIFY(other.openConfig(q(tmp / "saved.json"), &error));
        QCOMPARE(other.form()->config().toJson().dump(), panel.form()->config().toJson().dump());
    }

    void resumeAndTestOnlyFromARunDirectory()
    {
        parity::test::TempDir tmp;
        parity::test::writeTinyMnist(tmp / "data", 600, 200);
        const auto config = parity::test::tinyRunConfig(tmp / "data", tmp / "save", 3);
        RunController controller;
        RunPanel panel(&controller);
        QSignalSpy done(&controller, &RunController::queueFinished);
        connect(&controller, &RunController::epochFinished, &controller, [&controller](const parity::EpochSummary& s) {
            if (s.epoch == 0)
                controller.stop();
        });
        panel.form()->setConfig(config);
        QVERIFY(panel.start());
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, 120000);
        disconnect(&controller, &RunController::epochFinished, &controller, nullptr);

        // The save directory moves (copied elsewhere): the run continues in its new place.
        const std::string moved = tmp / "moved";
        std::filesystem::copy(tmp / "save", moved, std::filesystem::copy_options::recursive);
        const QString movedRun = q(moved) + QStringLiteral("/") + q(config.runDir()).mid(q(tmp / "save").size() + 1);
        QString error;
        QVERIFY2(panel.resumeFrom(movedRun, &error), qPrintable(error));
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 2, 120000);
        QCOMPARE(done.at(1).at(0).toBool(), true);
        QCOMPARE(parity::test::fileLines(movedRun + "/metrics.csv").size(), 1 + 3 * 3);
        QCOMPARE(parity::test::fileLines(movedRun + "/val_loss.txt").size(), 3);
        // The original stays as the stop left it.
        QVERIFY(parity::test::fileLines(q(config.runDir()) + "/metrics.csv").size() < 1 + 3 * 3);

        QSignalSpy failed(&controller, &RunController::runFailed);
        QVERIFY2(panel.testOnly(movedRun + "/best.pth", &error), qPrintable(error));
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 3, 120000);
        QVERIFY2(failed.isEmpty(), failed.isEmpty() ? "" : qPrintable(failed.at(0).at(0).toString()));
        QVERIFY2(QFileInfo::exists(movedRun + "/only_test.json"),
                 qPrintable(QDir(movedRun).entryList().join(' ') + " | " + q(config.runDir()) + " | "
                            + QDir(q(config.runDir())).entryList().join(' ')));

        QVERIFY(!panel.resumeFrom(q(tmp / "data"), &error));
        QVERIFY2(error.contains(QStringLiteral("current.pth")), qPrintable(error));
    }
};

QTEST_MAIN(RunPanelTest)
#include "RunPanelTest.moc"
