// Issue 3: the run panel — sweep files become a queue, the form edits the
// selected run, configs saved here are read by the CLI, resume and test-only
// work from a run directory (also one that was moved).
#include "RunController.h"
#include "RunPanel.h"
#include "form/ExperimentForm.h"
#include "run/ProgressPanel.h"
#include "slurm/SlurmSubmitDialog.h"
#include "slurm/SlurmSweep.h"

#include "TestPaths.h"
#include "support/GuiTestRuns.h"
#include "support/StopRuns.h"

#include <QApplication>
#include <QDir>
#include <QFileInfo>
#include <QAction>
#include <QListView>
#include <QMessageBox>
#include <QPushButton>
#include <QProcess>
#include <QCheckBox>
#include <QLabel>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTest>
#include <QTimer>
#include <QToolButton>

#include <filesystem>

using namespace parity::gui;

namespace {
QString q(const std::string& s) { return QString::fromStdString(s); }

/// Answers the run panel's "a run is already there" question as a user
/// would, by clicking one of its buttons, and keeps what it showed. A
/// question nobody expected is cancelled and counted.
class ExistingRunAnswers : public QObject {
public:
    ExistingRunAnswers()
    {
        m_timer.setInterval(20);
        connect(&m_timer, &QTimer::timeout, this, &ExistingRunAnswers::poll);
        m_timer.start();
    }
    /// The button ("resume", "fresh", "cancel") for the next question.
    void answerNextWith(const QString& button) { m_button = button; }

    int asked = 0;
    QString text;
    QString informative;
    QString resumeLabel;
    bool resumeEnabled = false;

private:
    void poll()
    {
        auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget());
        if (!box || box->objectName() != QLatin1String("existing_run"))
            return;
        ++asked;
        text = box->text();
        informative = box->informativeText();
        auto* resume = box->findChild<QPushButton*>(QStringLiteral("resume"));
        resumeLabel = resume ? resume->text() : QString();
        resumeEnabled = resume && resume->isEnabled();
        const QString button = m_button.isEmpty() ? QStringLiteral("cancel") : m_button;
        m_button.clear();
        box->findChild<QPushButton*>(button)->click();
    }

    QTimer m_timer;
    QString m_button;
};

/// Operates the "Submit to Slurm" dialog once it shows: keeps what it says,
/// then writes the script only (dry run).
class SlurmDialogOperator : public QObject {
public:
    SlurmDialogOperator()
    {
        m_timer.setInterval(20);
        connect(&m_timer, &QTimer::timeout, this, [this] {
            auto* dialog = qobject_cast<SlurmSubmitDialog*>(QApplication::activeModalWidget());
            if (!dialog || dialog == m_seen)
                return;
            m_seen = dialog;
            ++shown;
            what = dialog->findChild<QLabel*>(QStringLiteral("slurm_what"))->text();
            where = dialog->findChild<QLabel*>(QStringLiteral("slurm_where"))->text();
            dialog->findChild<QCheckBox*>(QStringLiteral("slurm_dry_run"))->setChecked(true);
            dialog->findChild<QPushButton*>(QStringLiteral("slurm_submit_button"))->click();
        });
        m_timer.start();
    }
    int shown = 0;
    QString what;
    QString where;

private:
    QTimer m_timer;
    QObject* m_seen = nullptr;
};
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

    // Walkthrough: Start and the queue moved up a line when the status under
    // them grew from "Idle" to the running line, and back at the end.
    void theButtonsStayPutAsTheStatusChanges()
    {
        RunController controller;
        RunPanel panel(&controller);
        panel.resize(340, 700); // the narrow panel of 1280x800
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        auto* start = panel.findChild<QPushButton*>(QStringLiteral("start"));
        auto* queue = panel.findChild<QListView*>(QStringLiteral("queue"));
        auto* text = panel.progress()->findChild<QLabel*>(QStringLiteral("progress_text"));
        QCoreApplication::processEvents();
        const QPoint startAt = start->mapTo(&panel, QPoint(0, 0));
        const int queueHeight = queue->height();
        for (const QString& status :
             {QStringLiteral("21807 groups/s · loss 0.0012345 · top-1 0.9289 · 00:01:23 left"),
              QStringLiteral("Finished. The settings were edited since."), QStringLiteral("Idle")}) {
            panel.progress()->showIdle(status);
            QCoreApplication::processEvents();
            QVERIFY2(text->heightForWidth(text->width()) <= text->height(), qPrintable(status)); // all of it shown
            QCOMPARE(start->mapTo(&panel, QPoint(0, 0)), startAt);
            QCOMPARE(queue->height(), queueHeight);
        }
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

    // Walkthrough: a file with k = 99 opened with k shown as 16 (the form's
    // top), queued and trained with 99, and saved back as 16. A file the
    // form cannot show as it is is refused, naming the key, and nothing
    // already loaded changes; a Berrut run's num_epoch 0 shows as it is.
    void aFileTheFormCannotShowIsRefused()
    {
        parity::test::TempDir tmp;
        const nlohmann::json good = parity::test::tinyRunConfig(tmp / "data", tmp / "save", 1).toConfigFile();
        RunController controller;
        RunPanel panel(&controller);
        std::ofstream(tmp / "good.json") << good.dump(2);
        QString error;
        QVERIFY2(panel.openConfig(q(tmp / "good.json"), &error), qPrintable(error));
        const auto before = panel.form()->config().toJson().dump();
        const auto bad = [&](const char* key, const nlohmann::json& value, const QString& said) {
            nlohmann::json j = good;
            j[key] = value;
            std::ofstream(tmp / "bad.json") << j.dump(2);
            QString why;
            QVERIFY2(!panel.openConfig(q(tmp / "bad.json"), &why), key);
            QVERIFY2(why.contains(q(tmp / "bad.json")) && why.contains(said), qPrintable(why));
            QCOMPARE(panel.form()->config().toJson().dump(), before);
            QCOMPARE(controller.queue()->size(), 1);
            QCOMPARE(controller.queue()->entry(0).request.config.toJson().dump(), before);
        };
        bad("k_vals", {99}, QStringLiteral("k: 99 is outside the form's 2 to 16"));
        bad("k_vals", {2, 40}, QStringLiteral("run 2 of 2: k: 40 is outside"));
        bad("batch_size", 100000, QStringLiteral("batch_size: 100000 is outside the form's 1 to 65536"));
        bad("lr", 0.00012345, QStringLiteral("lr: 0.00012345 has more than the form's 6 decimals"));
        bad("lr", 20, QStringLiteral("lr: 20 is outside"));
        bad("threads", 5000, QStringLiteral("threads: 5000 is outside"));

        nlohmann::json berrut = good;
        berrut["enc_dec_types"] = nlohmann::json::array({nlohmann::json::array({"berrut", "berrut"})});
        berrut["train_parity_model"] = false;
        berrut["num_epoch"] = 0;
        std::ofstream(tmp / "berrut.json") << berrut.dump(2);
        QVERIFY2(panel.openConfig(q(tmp / "berrut.json"), &error), qPrintable(error));
        QCOMPARE(panel.form()->config().numEpochs, 0);
        QCOMPARE(panel.form()->findChild<QSpinBox*>(QStringLiteral("num_epoch"))->text(),
                 QStringLiteral("0: evaluate once"));
        QVERIFY2(panel.form()->isValid(), qPrintable(panel.form()->problems().join('\n')));
        QCOMPARE(controller.queue()->entry(0).request.config.numEpochs, 0);
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
        parity::test::RunStopper stopAfterFirstEpoch(controller, 0);
        panel.form()->setConfig(config);
        QVERIFY(panel.start());
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, 120000);

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
        // The original stays as the stop left it: one epoch.
        QCOMPARE(parity::test::fileLines(q(config.runDir()) + "/metrics.csv").size(), 1 + 1 * 3);

        QSignalSpy failed(&controller, &RunController::runFailed);
        QVERIFY2(panel.testOnly(movedRun + "/best.pth", &error), qPrintable(error));
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 3, 120000);
        QVERIFY2(failed.isEmpty(), failed.isEmpty() ? "" : qPrintable(failed.at(0).at(0).toString()));
        QVERIFY2(QFileInfo::exists(movedRun + "/only_test.json"),
                 qPrintable(QDir(movedRun).entryList().join(' ') + " | " + q(config.runDir()) + " | "
                            + QDir(q(config.runDir())).entryList().join(' ')));

        QVERIFY(!panel.resumeFrom(q(tmp / "data"), &error));
        QVERIFY2(error.contains(QStringLiteral("current.pth")), qPrintable(error));
        // Test only on a file that is no run's checkpoint names that file.
        const QString stray = q(tmp / "data") + QStringLiteral("/stray.pth");
        QFile(stray).open(QIODevice::WriteOnly);
        QVERIFY(!panel.testOnly(stray, &error));
        QVERIFY2(error.startsWith(stray + QStringLiteral(": not a checkpoint of a run directory")), qPrintable(error));
    }

    // Issue 13, item 7: data found unreadable by the form's check keeps Start
    // disabled, with the reason in its tooltip; fixing the path enables it.
    void unreadableDataDisablesStart()
    {
        parity::test::TempDir tmp;
        parity::test::writeTinyMnist(tmp / "data", 300, 100);
        RunController controller;
        RunPanel panel(&controller);
        auto* start = panel.findChild<QPushButton*>(QStringLiteral("start"));
        auto config = parity::test::tinyRunConfig(tmp / "nowhere", tmp / "save", 1);
        panel.form()->setConfig(config);
        QTRY_VERIFY_WITH_TIMEOUT(!start->isEnabled(), 10000);
        QVERIFY2(start->toolTip().contains(q(tmp / "nowhere")), qPrintable(start->toolTip()));
        // Walkthrough: Run > Start (and Ctrl+R) stayed enabled and started
        // what the greyed button refused. The bound actions follow the
        // buttons, and start() itself says why it cannot.
        QAction startAction, stopAction, resumeAction, testAction, slurmAction;
        panel.bindActions(&startAction, &stopAction, &resumeAction, &testAction, &slurmAction);
        QVERIFY(!startAction.isEnabled());
        QCOMPARE(startAction.toolTip(), start->toolTip());
        QVERIFY(!stopAction.isEnabled()); // nothing runs
        QVERIFY(resumeAction.isEnabled());
        QSignalSpy errors(&panel, &RunPanel::errorOccurred);
        QSignalSpy started(&controller, &RunController::runStarted);
        QVERIFY(!panel.start());
        QCOMPARE(errors.count(), 1);
        QVERIFY2(errors.at(0).at(0).toString().contains(q(tmp / "nowhere")), qPrintable(errors.at(0).at(0).toString()));
        QCOMPARE(started.count(), 0);
        QVERIFY(!QFileInfo::exists(q(tmp / "save")));
        config.dataDir = tmp / "data";
        panel.form()->setConfig(config);
        QTRY_VERIFY_WITH_TIMEOUT(start->isEnabled(), 10000);
        QVERIFY(startAction.isEnabled());
    }

    // Walkthrough: a save directory that is a file let Start run, and the
    // run failed once the data and base model were ready. Start now says so.
    void aSaveDirectoryThatIsAFileDisablesStart()
    {
        parity::test::TempDir tmp;
        parity::test::writeTinyMnist(tmp / "data", 300, 100);
        std::ofstream(tmp / "file") << "x";
        RunController controller;
        RunPanel panel(&controller);
        auto* start = panel.findChild<QPushButton*>(QStringLiteral("start"));
        panel.form()->setConfig(parity::test::tinyRunConfig(tmp / "data", tmp / "file", 1));
        QVERIFY(!start->isEnabled());
        QVERIFY2(start->toolTip().contains(QStringLiteral("save_dir: %1 is a file").arg(q(tmp / "file"))),
                 qPrintable(start->toolTip()));
        QVERIFY(panel.form()->problems().join(' ').contains(QStringLiteral("is a file, not a directory")));
        panel.form()->setConfig(parity::test::tinyRunConfig(tmp / "data", tmp / "save", 1));
        QTRY_VERIFY_WITH_TIMEOUT(start->isEnabled(), 10000);
    }

    // Issue 13, items 1 and 2: Start never resumes behind the user's back.
    // When the run's directory holds a run, it asks; it offers Resume only
    // with the run's own settings, and a run's record only ever describes
    // what that run did. After a restart (a new panel and controller), a
    // stopped run is offered for resume exactly as within one session.
    void startAsksWhatToDoWithARunAlreadyThere()
    {
        parity::test::TempDir tmp;
        parity::test::writeTinyMnist(tmp / "data", 600, 200);
        auto config = parity::test::tinyRunConfig(tmp / "data", tmp / "save", 2);
        const QString runDir = q(config.runDir());
        const QString runJson = runDir + QStringLiteral("/run.json");
        ExistingRunAnswers answers;
        {
            RunController controller;
            RunPanel panel(&controller);
            QSignalSpy done(&controller, &RunController::queueFinished);
            panel.form()->setConfig(config);
            QVERIFY(panel.start()); // nothing there yet: no question
            QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, 120000);
            QCOMPARE(answers.asked, 0);
            const QStringList finishedRecord = parity::test::fileLines(runJson);

            // One more epoch asked for: Resume is offered; Cancel changes nothing.
            config.numEpochs = 3;
            panel.form()->setConfig(config);
            answers.answerNextWith(QStringLiteral("cancel"));
            QVERIFY(!panel.start());
            QCOMPARE(answers.asked, 1);
            QVERIFY2(answers.text.contains(QStringLiteral("finished after epoch 2 of 2")), qPrintable(answers.text));
            QVERIFY(answers.resumeEnabled);
            QCOMPARE(answers.resumeLabel, QStringLiteral("Resume (epoch 3 of 3)"));
            QVERIFY(!controller.isBusy());
            QCOMPARE(parity::test::fileLines(runJson), finishedRecord);

            // Another base model: Resume is refused, saying which setting
            // differs; Start fresh would move the finished run aside.
            std::ofstream(tmp / "bad.pt") << "not a weights file";
            auto otherBase = config;
            otherBase.baseWeights = tmp / "bad.pt";
            panel.form()->setConfig(otherBase);
            QCOMPARE(panel.form()->config().baseWeights, otherBase.baseWeights);
            answers.answerNextWith(QStringLiteral("fresh"));
            QSignalSpy failed(&controller, &RunController::runFailed);
            QVERIFY(panel.start());
            QCOMPARE(answers.asked, 2);
            QVERIFY(!answers.resumeEnabled);
            QVERIFY2(answers.informative.contains(QStringLiteral("base_weights"))
                         && answers.informative.contains(QStringLiteral("bad.pt")),
                     qPrintable(answers.informative));
            QTRY_COMPARE_WITH_TIMEOUT(done.count(), 2, 120000);
            QCOMPARE(failed.count(), 1);
            QVERIFY2(failed.at(0).at(0).toString().contains(QStringLiteral("bad.pt")),
                     qPrintable(failed.at(0).at(0).toString()));
            // The weights are read before anything is written: the failed
            // start left the finished run where it was, its record untouched.
            QCOMPARE(parity::test::fileLines(runJson), finishedRecord);
            QVERIFY(QDir(runDir).entryList({QStringLiteral("previous-*")}, QDir::Dirs).isEmpty());

            // Back to the run's own base model, ten epochs, stopped after the first.
            config.numEpochs = 10;
            panel.form()->setConfig(config);
            parity::test::RunStopper stopAfterFirstEpoch(controller, 0);
            answers.answerNextWith(QStringLiteral("fresh"));
            QVERIFY(panel.start());
            QTRY_COMPARE_WITH_TIMEOUT(done.count(), 3, 120000);
            QCOMPARE(answers.asked, 3);
        }
        // The workbench restarts on the same experiment: Start offers the
        // stopped run, and Resume continues it to the end.
        RunController controller;
        RunPanel panel(&controller);
        QSignalSpy done(&controller, &RunController::queueFinished);
        QSignalSpy epochs(&controller, &RunController::epochFinished);
        panel.form()->setConfig(config);
        const int stoppedAfter = int(parity::test::fileLines(runDir + QStringLiteral("/val_loss.txt")).size());
        QCOMPARE(stoppedAfter, 1);
        answers.answerNextWith(QStringLiteral("resume"));
        QVERIFY(panel.start());
        QCOMPARE(answers.asked, 4);
        QVERIFY2(answers.text.contains(QStringLiteral("stopped after epoch %1 of 10").arg(stoppedAfter)),
                 qPrintable(answers.text));
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, 120000);
        QCOMPARE(done.at(0).at(0).toBool(), true);
        QCOMPARE(epochs.count(), 10 - stoppedAfter);
        // The fresh ten-epoch run moved the finished two-epoch run aside.
        const QStringList previous = QDir(runDir).entryList({QStringLiteral("previous-*")}, QDir::Dirs);
        QCOMPARE(previous.size(), 1);
        QCOMPARE(
            parity::test::fileLines(runDir + QLatin1Char('/') + previous[0] + QStringLiteral("/val_loss.txt")).size(),
            2);
        QCOMPARE(parity::test::fileLines(runDir + QStringLiteral("/metrics.csv")).size(), 1 + 10 * 3);
    }

    // Issue 16, item 4: the queue goes to Slurm as one sweep, the opened
    // file's when it is unchanged; an edited queue that no sweep describes is
    // refused with the reason; the form's own run gets its configuration saved.
    void theQueueIsSubmittedToSlurmAsOneSweep()
    {
        QStandardPaths::setTestModeEnabled(true);
        QSettings().clear();
        parity::test::TempDir tmp;
        auto c = parity::test::tinyRunConfig(tmp / "data", tmp / "save", 1);
        nlohmann::json j = c.toConfigFile();
        j["k_vals"] = {2, 3};
        std::ofstream(tmp / "sweep.json") << j.dump(2);
        RunController controller;
        RunPanel panel(&controller);
        panel.setParityTrainPath(QStringLiteral(PARITY_TRAIN_EXE));
        QString error;
        QVERIFY2(panel.openConfig(q(tmp / "sweep.json"), &error), qPrintable(error));
        auto* button = panel.findChild<QToolButton*>(QStringLiteral("submit_slurm"));
        QVERIFY(button && button->isEnabled());

        SlurmDialogOperator user;
        QSignalSpy submitted(&panel, &RunPanel::slurmSubmitted);
        QSignalSpy errors(&panel, &RunPanel::errorOccurred);
        button->click();
        QCOMPARE(user.shown, 1);
        QCOMPARE(submitted.count(), 1);
        auto s = submitted.first().first().value<SlurmSubmission>();
        QVERIFY2(user.what.contains(QStringLiteral("2 tasks")) && user.what.contains(QStringLiteral("sweep.json")),
                 qPrintable(user.what));
        QVERIFY2(user.where.contains(QStringLiteral(PARITY_TRAIN_EXE)), qPrintable(user.where));
        QVERIFY(s.dryRun);
        QCOMPARE(s.runs, 2);
        QCOMPARE(s.saveDir, q(tmp / "save"));
        QVERIFY(s.jobId.isEmpty());
        auto sweep = parity::slurm::Sweep::read(s.sweepDir.toStdString());
        QCOMPARE(sweep.configPath, tmp / "sweep.json"); // the opened file itself
        QCOMPARE(int(sweep.runs.size()), 2);
        QCOMPARE(sweep.runs[1].runDir, [&] {
            auto k3 = c;
            k3.k = 3;
            return std::filesystem::absolute(k3.runDir()).lexically_normal().string();
        }());
        QVERIFY(parity::test::fileLines(s.script).contains(QStringLiteral("#SBATCH --array=0-1")));

        // Run 2 edited to 4 epochs: no sweep runs 1 epoch for k = 2 and 4 for k = 3.
        auto* view = panel.findChild<QListView*>(QStringLiteral("queue"));
        view->setCurrentIndex(controller.queue()->index(1));
        panel.form()->findChild<QSpinBox*>(QStringLiteral("num_epoch"))->setValue(4);
        panel.submitToSlurm();
        QCOMPARE(user.shown, 1); // no dialog
        QCOMPARE(errors.count(), 1);
        QVERIFY2(errors.first().first().toString().contains(QStringLiteral("not one sweep")),
                 qPrintable(errors.first().first().toString()));

        // Both at 4 epochs: a sweep of the queue's own, saved where its record names it.
        view->setCurrentIndex(controller.queue()->index(0));
        panel.form()->findChild<QSpinBox*>(QStringLiteral("num_epoch"))->setValue(4);
        panel.submitToSlurm();
        QCOMPARE(user.shown, 2);
        QCOMPARE(submitted.count(), 2);
        s = submitted.at(1).first().value<SlurmSubmission>();
        sweep = parity::slurm::Sweep::read(s.sweepDir.toStdString());
        QVERIFY2(QString::fromStdString(sweep.configPath).startsWith(q(tmp / "save/slurm/workbench/")),
                 qPrintable(QString::fromStdString(sweep.configPath)));
        const auto saved = parity::SweepConfig::load(sweep.configPath);
        QCOMPARE(int(saved.runs().size()), 2);
        QCOMPARE(saved.runs()[1].numEpochs, 4);
        QCOMPARE(saved.runs()[1].k, 3);

        // Without parity-train the submission says where it looked.
        panel.setParityTrainPath(QString());
        panel.submitToSlurm();
        QCOMPARE(user.shown, 2);
        QCOMPARE(errors.count(), 2);
        QVERIFY2(errors.last().first().toString().contains(QStringLiteral("parity-train")),
                 qPrintable(errors.last().first().toString()));
    }
};

QTEST_MAIN(RunPanelTest)
#include "RunPanelTest.moc"
