// Issue 3: the assembled workbench — a short real run fills the plots, the
// log shows the CLI's lines, closing during a run stops it with its
// checkpoint kept, and the scripted mode writes its screenshots. How the
// window fits the screen is in MainWindowLayoutTest.
#include "InspectorPage.h"
#include "MainWindow.h"
#include "MonitorPage.h"
#include "RunController.h"
#include "RunPanel.h"
#include "RunsPage.h"
#include "ScriptedSession.h"
#include "plots/ServedAccuracyPlot.h"
#include "browser/RunBrowser.h"
#include "browser/RunListModel.h"
#include "form/ExperimentForm.h"
#include "inspector/InspectorView.h"
#include "serve/ServingView.h"
#include "plots/QcpInclude.h"
#include "plots/AccuracyPlot.h"
#include "plots/LossPlot.h"
#include "run/LogPane.h"
#include "slurm/SlurmJobTracker.h"
#include "util/Error.h"
#include "util/BlasStartup.h"

#include "support/GuiTestRuns.h"
#include "support/StopRuns.h"

#include <QAction>
#include <QApplication>
#include <QDir>
#include <QLineEdit>
#include <QPushButton>
#include <QLabel>
#include <QMenuBar>
#include <QProcess>
#include <QProcessEnvironment>
#include <QSpinBox>
#include <QStatusBar>
#include <QFileInfo>
#include <QImage>
#include <QJsonDocument>
#include <QJsonArray>
#include <QJsonObject>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableWidget>
#include <QMessageBox>
#include <QTest>
#include <QTimer>

using namespace parity::gui;

namespace {
/// Generated data and a tiny run's configuration file under `tmp` (its save
/// directory tmp/save), trained `epochs` epochs.
std::string tinyConfigFile(const parity::test::TempDir& tmp, int epochs)
{
    parity::test::writeTinyMnist(tmp / "data", 600, 200);
    return parity::test::writeTinyConfig(tmp / "run.json",
                                         parity::test::tinyRunConfig(tmp / "data", tmp / "save", epochs));
}
/// A scripted session with these options refuses to begin.
bool beginRefuses(const ScriptedSession::Options& options)
{
    MainWindow window;
    auto* session = new ScriptedSession(&window, options);
    return !session->begin();
}

/// Runs a scripted session on `window` to its end: its exit code, or -1 when
/// it did not begin or end within two minutes.
int runScripted(MainWindow& window, const ScriptedSession::Options& options)
{
    window.setInteractive(false);
    window.show();
    auto* session = new ScriptedSession(&window, options);
    QSignalSpy finished(session, &ScriptedSession::finished);
    if (!session->begin() || (finished.isEmpty() && !finished.wait(120000)))
        return -1;
    return finished.at(0).at(0).toInt();
}

} // namespace

class MainWindowTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true); // QSettings go to a test location
        QSettings().clear();
    }

    void aShortRunPutsPointsOnThePlots()
    {
        parity::test::TempDir tmp;
        const std::string config = tinyConfigFile(tmp, 2);
        MainWindow window;
        window.setInteractive(false);
        window.show();
        QVERIFY(window.openConfig(QString::fromStdString(config)));
        QSignalSpy done(window.controller(), &RunController::queueFinished);
        QVERIFY(window.runPanel()->start());
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, 120000);
        QCOMPARE(done.at(0).at(0).toBool(), true);

        LossPlot* loss = window.monitorPage()->lossPlot();
        AccuracyPlot* accuracy = window.monitorPage()->accuracyPlot();
        QVERIFY(loss->pointCount(LossPlot::kBatchLoss) > 10);
        QCOMPARE(loss->pointCount(LossPlot::epochSeriesName(QStringLiteral("val"))), 2);
        QCOMPARE(accuracy->pointCount(
                     AccuracyPlot::seriesName(QStringLiteral("val"), QStringLiteral("reconstruction"), 1)),
                 2);
        QCOMPARE(accuracy->baseLineCount() > 0, true);
        QCOMPARE(int(window.monitorPage()->record().epochs.size()), 2);
        // Issue 13, item 12: the plots (and their exports) say which run they show.
        QCOMPARE(loss->title(), QStringLiteral("mnist · base-mlp · k=2 · Add/Sub · MSE"));
        QCOMPARE(accuracy->title(), loss->title());

        const QString log = window.log()->toPlainText();
        QVERIFY(log.contains(QStringLiteral("Base model train accuracy is")));
        // Issue 13, item 9: epochs count from 1 in the log as everywhere in the workbench.
        QVERIFY(log.contains(QStringLiteral("Epoch 1. val. Top-1=")));
        QVERIFY(log.contains(QStringLiteral("Epoch 2. val. Top-1=")));
        QVERIFY(!log.contains(QStringLiteral("Epoch 0.")));
        // The run browser lists the run that just ended.
        window.runsPage()->setSaveDir(QString::fromStdString(tmp / "save"));
        QTRY_VERIFY_WITH_TIMEOUT(!window.runsPage()->browser()->isScanning(), 60000);
        QCOMPARE(window.runsPage()->browser()->model()->rowCount(), 1);
    }

    // Walkthrough leftover: before Start, a form that trains nothing (a
    // Berrut code) showed "No batch yet" and a legend of five loss series
    // that never come. The empty loss plot now says no loss will come; a
    // form that trains brings the first note back; a run shown keeps its
    // plots whatever the form says.
    void aFormThatTrainsNothingSaysNoLossWillCome()
    {
        parity::test::TempDir tmp;
        const std::string config = tinyConfigFile(tmp, 1);
        MainWindow window;
        window.setInteractive(false);
        window.show();
        QVERIFY(window.openConfig(QString::fromStdString(config)));
        LossPlot* loss = window.monitorPage()->lossPlot();
        QVERIFY2(loss->emptyNote().startsWith(QStringLiteral("No batch yet.")), qPrintable(loss->emptyNote()));
        QVERIFY(loss->customPlot()->legend->visible());

        const parity::RunConfig trained = window.runPanel()->form()->config();
        auto berrut = trained;
        berrut.encoder = berrut.encoderClass = "coders.berrut.BerrutEncoder";
        berrut.decoder = berrut.decoderClass = "coders.berrut.BerrutDecoder";
        berrut.trainParityModel = false;
        berrut.numEpochs = 0;
        window.runPanel()->form()->setConfig(berrut);
        QVERIFY(window.runPanel()->form()->config().trainsNothing());
        QVERIFY2(loss->emptyNote().startsWith(QStringLiteral("No loss to come")), qPrintable(loss->emptyNote()));
        QVERIFY2(!loss->customPlot()->legend->visible(), "a legend of loss series that never come");

        window.runPanel()->form()->setConfig(trained);
        QVERIFY2(loss->emptyNote().startsWith(QStringLiteral("No batch yet.")), qPrintable(loss->emptyNote()));
        QVERIFY(loss->customPlot()->legend->visible());

        // Started, it says so at once, not at its first batch (after the
        // data and the base model: review of 07cc4d0).
        window.runPanel()->form()->setConfig(berrut);
        QString noteAtStart;
        bool legendAtStart = true;
        connect(window.controller(), &RunController::runStarted, &window, [&] {
            noteAtStart = loss->emptyNote();
            legendAtStart = loss->customPlot()->legend->visible();
        });
        QSignalSpy done(window.controller(), &RunController::queueFinished);
        QVERIFY(window.runPanel()->start());
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, 120000);
        QVERIFY2(noteAtStart.startsWith(QStringLiteral("No loss: this run trains nothing.")), qPrintable(noteAtStart));
        QVERIFY(!legendAtStart);
        // After a run the plots show that run; editing the form changes nothing there.
        window.runPanel()->form()->setConfig(trained);
        QVERIFY2(loss->emptyNote().startsWith(QStringLiteral("No loss: this run trains nothing.")),
                 qPrintable(loss->emptyNote()));
        QVERIFY(!loss->customPlot()->legend->visible());
    }

    void closingDuringARunStopsItAndKeepsTheCheckpoint()
    {
        parity::test::TempDir tmp;
        parity::test::writeTinyMnist(tmp / "data", 600, 200);
        const auto config = parity::test::tinyRunConfig(tmp / "data", tmp / "save", 50);
        auto* window = new MainWindow;
        window->setAttribute(Qt::WA_DeleteOnClose, false);
        window->setInteractive(false);
        window->show();
        window->runPanel()->form()->setConfig(config);
        QSignalSpy epochs(window->controller(), &RunController::epochFinished);
        QSignalSpy done(window->controller(), &RunController::queueFinished);
        QVERIFY(window->runPanel()->start());
        QTRY_VERIFY_WITH_TIMEOUT(epochs.count() >= 1, 120000);
        window->close();
        QVERIFY(window->isVisible()); // not yet: the batch in progress ends first
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, 60000);
        QTRY_VERIFY_WITH_TIMEOUT(!window->isVisible(), 10000);
        const QString runDir = QString::fromStdString(config.runDir());
        QVERIFY(QFileInfo::exists(QDir(runDir).filePath("current.pth")));
        QFile runJson(QDir(runDir).filePath("run.json"));
        QVERIFY(runJson.open(QIODevice::ReadOnly));
        const QJsonObject info = QJsonDocument::fromJson(runJson.readAll()).object();
        QCOMPARE(info.value("status").toString(), QStringLiteral("stopped"));
        QVERIFY(info.value("epochs_completed").toInt() >= 1);
        QVERIFY(info.value("epochs_completed").toInt() < 50);
        delete window;
    }

    void aFailedRunIsReportedNotFatal()
    {
        parity::test::TempDir tmp;
        MainWindow window;
        window.setInteractive(false);
        window.show();
        window.runPanel()->form()->setConfig(parity::test::tinyRunConfig(tmp / "no-data", tmp / "save", 1));
        QSignalSpy failed(window.controller(), &RunController::runFailed);
        QVERIFY(window.runPanel()->start());
        QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, 60000);
        QVERIFY(window.log()->toPlainText().contains(QString::fromStdString(tmp / "no-data")));
        QVERIFY(!window.controller()->isBusy());
    }

    void badConfigFileIsNamed()
    {
        parity::test::TempDir tmp;
        {
            std::ofstream(tmp / "bad.json") << "{ \"datasets\": [\"mnist\"], ";
        }
        MainWindow window;
        window.setInteractive(false);
        QVERIFY(!window.openConfig(QString::fromStdString(tmp / "bad.json")));
        QVERIFY(window.log()->toPlainText().contains(QStringLiteral("bad.json")));
    }

    // Issue 12: the status bar says what the workbench computes on (BLAS,
    // kernel, threads, a measured GEMM rate), the whole report in its tooltip.
    void theStatusBarSaysWhatItRunsOn()
    {
        MainWindow window;
        window.setInteractive(false);
        window.show();
        QLabel* label = window.machineLabel();
        QVERIFY(label);
        QVERIFY(window.statusBar()->isAncestorOf(label));
        QTRY_VERIFY_WITH_TIMEOUT(label->text().contains(QStringLiteral("GFLOP/s")), 20000);
        const auto& report = parity::blas::startupReport();
        QVERIFY2(label->text().contains(QString::fromStdString(report.blas.library)), qPrintable(label->text()));
        if (!report.blas.kernel.empty())
            QVERIFY2(label->text().contains(QString::fromStdString(report.blas.kernel)), qPrintable(label->text()));
        QVERIFY(label->toolTip().contains(QStringLiteral("Machine:")));
        QVERIFY(label->toolTip().contains(QStringLiteral("subnormals:")));
        QVERIFY(label->toolTip().contains(QStringLiteral("allocator:")));
        QVERIFY(label->toolTip().contains(QStringLiteral("libraries:")));
        QVERIFY(label->isVisible());

        // Help > About shows the whole report as a table, the allocator's
        // long line included, within the screen.
        QTRY_VERIFY_WITH_TIMEOUT(label->toolTip().contains(QStringLiteral("GFLOP/s")), 20000);
        QAction* about = nullptr;
        for (QAction* action : window.menuBar()->findChildren<QAction*>())
            if (action->text() == QStringLiteral("&About Parity Workbench"))
                about = action;
        QVERIFY(about);
        QString shown;
        QRect boxGeometry;
        QTimer closer;
        connect(&closer, &QTimer::timeout, &window, [&] {
            auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget());
            if (!box || !box->isVisible())
                return;
            shown = box->text();
            boxGeometry = box->frameGeometry();
            box->accept();
        });
        closer.start(20);
        about->trigger();
        closer.stop();
        QVERIFY2(shown.contains(QStringLiteral("<i>allocator</i>")), qPrintable(shown));
        QVERIFY2(shown.contains(QStringLiteral("<i>subnormals</i>")), qPrintable(shown));
        QVERIFY2(shown.contains(QStringLiteral("<i>libraries</i>")), qPrintable(shown));
        QVERIFY(window.screen()->availableGeometry().contains(boxGeometry));
    }

    // Issue 12: a machine that computes below what it could says so in the
    // log. Run in a child process of this test with subnormals kept
    // (PARITY_DENORMALS=keep), which every machine reports as a warning.
    void aSlowMachineIsReportedInTheLog()
    {
        if (qEnvironmentVariableIsSet("PARITY_TEST_CHILD")) {
            MainWindow window;
            window.setInteractive(false);
            const QString log = window.log()->toPlainText();
            QVERIFY2(log.contains(QStringLiteral("slower than it could")), qPrintable(log));
            QVERIFY2(log.contains(QStringLiteral("PARITY_DENORMALS=keep")), qPrintable(log));
            return;
        }
        QProcess child;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("PARITY_TEST_CHILD"), QStringLiteral("1"));
        env.insert(QStringLiteral("PARITY_DENORMALS"), QStringLiteral("keep"));
        child.setProcessEnvironment(env);
        child.setProcessChannelMode(QProcess::MergedChannels);
        child.start(QCoreApplication::applicationFilePath(), {QStringLiteral("aSlowMachineIsReportedInTheLog")});
        QVERIFY(child.waitForFinished(60000));
        QVERIFY2(child.exitCode() == 0, child.readAll().constData());
        // And this process, with nothing below its means, logs no such line.
        MainWindow window;
        if (parity::blas::startupReport().warning.empty())
            QVERIFY(!window.log()->toPlainText().contains(QStringLiteral("slower than it could")));
    }

    void scriptedModeSavesBothScreenshots()
    {
        parity::test::TempDir tmp;
        const std::string config = tinyConfigFile(tmp, 2);
        MainWindow window;
        window.setInteractive(false);
        window.show();
        ScriptedSession::Options options;
        options.config = QString::fromStdString(config);
        options.start = true;
        options.screenshot = QString::fromStdString(tmp / "main.png");
        options.inspectorScreenshot = QString::fromStdString(tmp / "inspect.png");
        auto* session = new ScriptedSession(&window, options);
        QSignalSpy finished(session, &ScriptedSession::finished);
        QVERIFY(session->begin());
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 120000);
        QCOMPARE(finished.at(0).at(0).toInt(), 0);
        const QImage main(QString::fromStdString(tmp / "main.png"));
        const QImage inspect(QString::fromStdString(tmp / "inspect.png"));
        QVERIFY(!main.isNull());
        QVERIFY(!inspect.isNull());
        QCOMPARE(window.inspectorPage()->view()->inputImageCount(), 2);
        QCOMPARE(window.inspectorPage()->view()->barChartCount(), 2);
    }

    // Issue 14: --compare-runs served compares every run of the save
    // directory in the Runs tab and pictures the served accuracy.
    void scriptedModeComparesTheRuns()
    {
        parity::test::TempDir tmp;
        const std::string config = tinyConfigFile(tmp, 1);
        ScriptedSession::Options bad;
        bad.compareRuns = QStringLiteral("learning");
        QVERIFY(beginRefuses(bad)); // curves or served only
        MainWindow window;
        ScriptedSession::Options options;
        options.config = QString::fromStdString(config);
        options.start = true;
        options.compareRuns = QStringLiteral("served");
        options.screenshot = QString::fromStdString(tmp / "served.png");
        QCOMPARE(runScripted(window, options), 0);
        QVERIFY(!QImage(QString::fromStdString(tmp / "served.png")).isNull());
        QCOMPARE(window.tabs()->currentWidget(), window.runsPage());
        RunBrowser* browser = window.runsPage()->browser();
        QCOMPARE(browser->plotTabs()->currentWidget(), browser->servedPlot());
        QCOMPARE(browser->servedPlot()->graphNames().size(), 2); // the run and no redundancy
        // The Monitor tab draws the same run's served accuracy.
        QCOMPARE(window.monitorPage()->servedPlot()->graphNames(), browser->servedPlot()->graphNames());
    }

    // Issue 15, item 3: --serve simulate serves the configuration's run in
    // the Serving tab; at 1280x800 the whole table and the buttons are on
    // screen beside the form.
    void scriptedModeServesTheRun()
    {
        parity::test::TempDir tmp;
        const std::string config = tinyConfigFile(tmp, 1);
        ScriptedSession::Options bad;
        bad.serve = QStringLiteral("live");
        QVERIFY(beginRefuses(bad)); // simulate or sweep only
        MainWindow window;
        ScriptedSession::Options options;
        options.config = QString::fromStdString(config);
        options.start = true;
        options.serve = QStringLiteral("simulate");
        options.windowSize = QSize(1280, 800);
        options.screenshot = QString::fromStdString(tmp / "serving.png");
        QCOMPARE(runScripted(window, options), 0);
        QVERIFY(!QImage(QString::fromStdString(tmp / "serving.png")).isNull());
        ServingView* view = window.servingView();
        QCOMPARE(window.tabs()->currentWidget(), view);
        QCOMPARE(QDir(view->runDir()).absolutePath(),
                 QDir(QString::fromStdString(parity::test::tinyRunConfig(tmp / "data", tmp / "save", 1).runDir()))
                     .absolutePath());
        QCOMPARE(view->table()->rowCount(), 4);
        QApplication::processEvents();
        QCOMPARE(window.width(), 1280);
        QCOMPARE(view->table()->horizontalScrollBar()->maximum(), 0); // every column shows
        for (QPushButton* button : view->findChildren<QPushButton*>())
            QVERIFY2(button->mapTo(&window, QPoint(button->width(), button->height())).x() <= window.width(),
                     qPrintable(button->text()));
    }

    // Issue 13, item 4: File > Export metrics writes exactly what the run
    // recorded (groups, seconds, classes, times, base-model source and
    // versions), and from the Runs tab every selected run.
    void exportsCarryTheRunsRecordedValues()
    {
        parity::test::TempDir tmp;
        parity::test::writeTinyMnist(tmp / "data", 600, 200);
        auto first = parity::test::tinyRunConfig(tmp / "data", tmp / "save", 2);
        auto second = first;
        second.k = 3;
        second.batchSize = 8;
        MainWindow window;
        window.setInteractive(false);
        window.show();
        QSignalSpy done(window.controller(), &RunController::queueFinished);
        for (const auto& config : {second, first}) {
            window.runPanel()->form()->setConfig(config);
            QVERIFY(window.runPanel()->start());
            QTRY_COMPARE_WITH_TIMEOUT(done.count() > 0 && !window.controller()->isBusy(), true, 120000);
            done.clear();
        }
        const QString runDir = QString::fromStdString(first.runDir());
        QString error;
        QVERIFY2(window.exportMetricsTo(QString::fromStdString(tmp / "export.csv"), &error), qPrintable(error));
        QCOMPARE(parity::test::fileLines(QString::fromStdString(tmp / "export.csv")),
                 parity::test::fileLines(runDir + QStringLiteral("/metrics.csv")));
        QVERIFY2(window.exportMetricsTo(QString::fromStdString(tmp / "export.json"), &error), qPrintable(error));
        QFile jsonFile(QString::fromStdString(tmp / "export.json"));
        QVERIFY(jsonFile.open(QIODevice::ReadOnly));
        const QJsonObject j = QJsonDocument::fromJson(jsonFile.readAll()).object();
        QCOMPARE(j.value("classes").toArray().size(), 10);
        QVERIFY(!j.value("started").toString().isEmpty());
        QVERIFY(!j.value("updated").toString().isEmpty());
        QVERIFY(!j.value("base_model").toObject().value("source").toString().isEmpty());
        QVERIFY(!j.value("provenance").toObject().value("libtorch_version").toString().isEmpty());
        QVERIFY(!j.value("provenance").toObject().value("parity_workbench_version").toString().isEmpty());
        const QJsonObject train =
            j.value("epochs").toArray().at(0).toObject().value("splits").toObject().value("train").toObject();
        QVERIFY(train.value("groups").toInt() > 0);
        QVERIFY(train.value("seconds").toDouble() > 0);

        // The Runs tab with both runs selected: one file, a run_dir column.
        window.tabs()->setCurrentWidget(window.runsPage());
        window.runsPage()->setSaveDir(QString::fromStdString(tmp / "save"));
        QTRY_VERIFY_WITH_TIMEOUT(!window.runsPage()->browser()->isScanning(), 60000);
        QTRY_COMPARE_WITH_TIMEOUT(window.runsPage()->browser()->model()->rowCount(), 2, 60000);
        window.runsPage()->browser()->selectRows({0, 1});
        QVERIFY2(window.exportMetricsTo(QString::fromStdString(tmp / "both.csv"), &error), qPrintable(error));
        const QStringList both = parity::test::fileLines(QString::fromStdString(tmp / "both.csv"));
        QVERIFY(both.first().startsWith(QStringLiteral("run_dir,epoch,split,loss")));
        QCOMPARE(both.size(), 1 + 2 * 3 + 2 * 3);
        int ofFirst = 0;
        for (const QString& line : both)
            ofFirst += line.startsWith(runDir + QLatin1Char(',')) ? 1 : 0;
        QCOMPARE(ofFirst, 2 * 3);

        // Walkthrough: a run measured with several numbers of missing
        // predictions (r > 1, Berrut) exported only its e = 1 rows, with no
        // erased column. Its export is its metrics.csv, every row.
        auto berrut = first;
        berrut.encoder = berrut.encoderClass = "coders.berrut.BerrutEncoder";
        berrut.decoder = berrut.decoderClass = "coders.berrut.BerrutDecoder";
        berrut.trainParityModel = false;
        berrut.numEpochs = 0;
        berrut.saveDir = tmp / "berrut";
        window.tabs()->setCurrentWidget(window.monitorPage());
        window.runPanel()->form()->setConfig(berrut);
        QVERIFY2(window.runPanel()->form()->isValid(), qPrintable(window.runPanel()->form()->problems().join('\n')));
        QVERIFY(window.runPanel()->start());
        QTRY_COMPARE_WITH_TIMEOUT(done.count() > 0 && !window.controller()->isBusy(), true, 120000);
        const QString berrutDir = QString::fromStdString(berrut.runDir());
        const QStringList recorded = parity::test::fileLines(berrutDir + QStringLiteral("/metrics.csv"));
        QVERIFY2(recorded.value(0).startsWith(QStringLiteral("epoch,split,erased,loss")),
                 qPrintable(recorded.value(0)));
        QVERIFY2(recorded.size() == 1 + 3 * 3, qPrintable(recorded.join(QLatin1Char(10)))); // e = 0, 1, 2 of 3 splits
        QVERIFY2(window.exportMetricsTo(QString::fromStdString(tmp / "berrut.csv"), &error), qPrintable(error));
        QCOMPARE(parity::test::fileLines(QString::fromStdString(tmp / "berrut.csv")), recorded);
    }

    // Issue 13, item 8: the end of a run says what happened (stopped or
    // failed, how far, why) and where things are; the bar keeps no stale text.
    void theEndOfARunSaysWhatHappened()
    {
        parity::test::TempDir tmp;
        parity::test::writeTinyMnist(tmp / "data", 600, 200);
        auto config = parity::test::tinyRunConfig(tmp / "data", tmp / "save", 3);
        MainWindow window;
        window.setInteractive(false);
        window.show();
        window.runPanel()->form()->setConfig(config);
        QSignalSpy done(window.controller(), &RunController::queueFinished);
        // Stopped before the run got going: nothing was written.
        QVERIFY(window.runPanel()->start());
        window.controller()->stop();
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, 120000);
        QVERIFY2(window.runPanel()->progress()->text().startsWith(QStringLiteral("Stopped — 0 epochs of 3 done")),
                 qPrintable(window.runPanel()->progress()->text()));
        QVERIFY2(window.log()->toPlainText().contains(QStringLiteral("Stopped before the run wrote anything: ")),
                 qPrintable(window.log()->toPlainText()));
        window.log()->clear();
        done.clear();

        // Stopped at the first batch: no epoch ended. (A stop sent from the
        // window's queued copy of that batch let a busy machine finish the
        // tiny first epoch first: CI, stop 26.)
        parity::test::RunStopper stopAtFirstBatch(*window.controller());
        QVERIFY(window.runPanel()->start());
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, 120000);
        QString text = window.runPanel()->progress()->text();
        QVERIFY2(text.startsWith(QStringLiteral("Stopped — 0 epochs of 3 done\nStopped before the first epoch ended")),
                 qPrintable(text));
        QVERIFY2(window.log()->toPlainText().contains(QStringLiteral("Stopped before the first epoch ended: no "
                                                                     "checkpoint was written")),
                 qPrintable(window.log()->toPlainText()));

        // Stopped after the first epoch.
        parity::test::RunStopper stopAfterEpoch(*window.controller(), 0);
        QVERIFY(window.runPanel()->start());
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 2, 120000);
        text = window.runPanel()->progress()->text();
        QVERIFY2(text.contains(QStringLiteral("of 3 done\nStopped after epoch ")), qPrintable(text));
        QVERIFY2(window.log()->toPlainText().contains(QStringLiteral("Its checkpoint and results are in ")
                                                      + QString::fromStdString(config.runDir())),
                 qPrintable(window.log()->toPlainText()));

        // Failed: the reason, not "ended early".
        config.dataDir = tmp / "no-such-data";
        window.runPanel()->form()->setConfig(config);
        QVERIFY(window.runPanel()->start());
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 3, 120000);
        text = window.runPanel()->progress()->text();
        QVERIFY2(text.startsWith(QStringLiteral("Failed\nFailed: ")) && text.contains(QStringLiteral("no-such-data")),
                 qPrintable(text));

        // An edit after the end: the queue shows the run queued again, and
        // the line under the bar says that the bar is of the run before.
        auto* epochs = window.runPanel()->form()->findChild<QSpinBox*>(QStringLiteral("num_epoch"));
        QVERIFY(epochs);
        epochs->setValue(4);
        text = window.runPanel()->progress()->text();
        QVERIFY2(text.startsWith(QStringLiteral("Failed\nFailed: "))
                     && text.endsWith(QStringLiteral("The settings were edited since.")),
                 qPrintable(text));
        epochs->setValue(5); // said once
        QCOMPARE(window.runPanel()->progress()->text().count(QStringLiteral("edited since")), 1);
    }

    // Issue 13, item 12: closing during a run asks first (and Cancel keeps
    // it running); a test-only result is a table; Help has a getting-started
    // page with the key concepts.
    void closingAsksAndTestOnlyIsATable()
    {
        parity::test::TempDir tmp;
        parity::test::writeTinyMnist(tmp / "data", 600, 200);
        const auto config = parity::test::tinyRunConfig(tmp / "data", tmp / "save", 2);
        auto* window = new MainWindow;
        window->setAttribute(Qt::WA_DeleteOnClose, false);
        window->show();
        window->runPanel()->form()->setConfig(config);
        QSignalSpy done(window->controller(), &RunController::queueFinished);
        QVERIFY(window->runPanel()->start());
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, 120000);
        QString error;
        QVERIFY2(window->runPanel()->testOnly(QString::fromStdString(config.runDir()) + QStringLiteral("/best.pth"),
                                              &error),
                 qPrintable(error));
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 2, 120000);
        const QString log = window->log()->toPlainText();
        QVERIFY2(log.contains(QStringLiteral("Test split:\n  metric     reconstruction  overall\n  top-1      ")),
                 qPrintable(log));
        QVERIFY(MainWindow::gettingStartedText().contains(QStringLiteral("parity query")));
        // Every tab and the cluster are introduced.
        for (const char* part : {"<b>Inspector</b>", "<b>Runs</b>", "<b>Serving</b>", "served accuracy", "Slurm"})
            QVERIFY2(MainWindow::gettingStartedText().contains(QLatin1String(part)), part);
        QVERIFY2(window->runPanel()->progress()->text().startsWith(QStringLiteral("Done\nTested the checkpoint")),
                 qPrintable(window->runPanel()->progress()->text()));
        {
            // Another window on the same experiment: its Inspector shows the
            // run's checkpoint as soon as the tab opens.
            MainWindow other;
            other.setInteractive(false);
            other.show();
            other.runPanel()->form()->setConfig(config);
            QVERIFY(!other.inspectorPage()->hasRun());
            other.tabs()->setCurrentWidget(other.inspectorPage());
            QVERIFY(other.inspectorPage()->hasRun());
            QTRY_VERIFY_WITH_TIMEOUT(other.inspectorPage()->view()->isLoaded(), 60000);
            // So does Serving (issue 15).
            QVERIFY(!other.servingView()->hasRun());
            other.tabs()->setCurrentWidget(other.servingView());
            QCOMPARE(other.servingView()->runDir(), QString::fromStdString(config.runDir()));
        }

        // A long run; the question on closing is answered Cancel, then Close.
        auto longRun = config;
        longRun.numEpochs = 500;
        window->runPanel()->form()->setConfig(longRun);
        QString answer = QStringLiteral("cancel");
        int asked = 0;
        QTimer answerer;
        connect(&answerer, &QTimer::timeout, window, [&] {
            auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget());
            if (!box)
                return;
            if (box->objectName() == QLatin1String("existing_run")) {
                box->findChild<QPushButton*>(QStringLiteral("fresh"))->click();
                return;
            }
            ++asked;
            box->button(answer == QLatin1String("cancel") ? QMessageBox::Cancel : QMessageBox::Close)->click();
        });
        answerer.start(20);
        QSignalSpy batches(window->controller(), &RunController::batchFinished);
        QVERIFY(window->runPanel()->start());
        QTRY_VERIFY_WITH_TIMEOUT(batches.count() > 0, 120000);
        window->close();
        QCOMPARE(asked, 1);
        QVERIFY(window->isVisible());
        QVERIFY(window->controller()->isBusy());
        answer = QStringLiteral("close");
        window->close();
        QCOMPARE(asked, 2);
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 3, 60000);
        QTRY_VERIFY_WITH_TIMEOUT(!window->isVisible(), 10000);
        delete window;
    }

    // Slurm tasks cancelled from the Runs tab are a lasting act: the Log
    // says so, and says what Slurm refused (the canceller is a seam).
    void theLogSaysWhichSlurmTasksWereCancelled()
    {
        MainWindow window;
        window.setInteractive(false);
        auto* tracker = window.runsPage()->browser()->jobTracker();
        tracker->setReader([](const QString&, const std::vector<parity::slurm::SweepStatus>&, bool) {
            return std::vector<parity::slurm::SweepStatus>{};
        });
        tracker->setCanceller([](const parity::slurm::Sweep& sweep, const std::vector<int>&) {
            if (sweep.jobId == "809")
                throw parity::Error("scancel 809_0 failed: Access/permission denied");
            return std::string();
        });
        parity::slurm::Sweep ours, theirs;
        ours.jobId = "808";
        ours.dir = "/s/ours";
        theirs.jobId = "809";
        theirs.dir = "/s/theirs";
        tracker->cancelTasks({{ours, {1}}, {theirs, {0}}});
        QTRY_VERIFY2(window.log()->toPlainText().contains(QStringLiteral("Cancelled task 1 of job 808 on Slurm")),
                     qPrintable(window.log()->toPlainText()));
        QVERIFY2(window.log()->toPlainText().contains(
                     QStringLiteral("Cancelling on Slurm: scancel 809_0 failed: Access/permission denied")),
                 qPrintable(window.log()->toPlainText()));
    }
};

QTEST_MAIN(MainWindowTest)
#include "MainWindowTest.moc"
