// RunBrowser on runs parity-train made: listing, opening (button and double
// click), comparing, exporting, and a damaged run that must not break it.
#include "browser/RunBrowser.h"
#include "browser/ComparePlot.h"
#include "browser/RunListModel.h"
#include "plots/QcpInclude.h"
#include "plots/ServedAccuracyPlot.h"
#include "slurm/SlurmJobTracker.h"
#include "support/CliRun.h"

#include <QApplication>
#include <QHeaderView>
#include <QScrollBar>
#include <QLabel>
#include <QPushButton>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QMenu>
#include <QMessageBox>
#include <QMutex>
#include <QTimer>
#include <QToolButton>
#include <QtTest>

#include <atomic>

using parity::gui::RunBrowser;
using parity::gui::RunListModel;
using parity::gui::RunRecord;

namespace {
// setRoot() scans in the background.
void setRootAndWait(RunBrowser& browser, const QString& root)
{
    browser.setRoot(root);
    QTRY_VERIFY_WITH_TIMEOUT(!browser.isScanning(), 60000);
}

// Shown at `width` x 700 with `root` scanned, as a user sees the table.
void showScanned(RunBrowser& browser, int width, const QString& root)
{
    browser.resize(width, 700);
    browser.show();
    QVERIFY(QTest::qWaitForWindowExposed(&browser));
    setRootAndWait(browser, root);
}

// Every column shown ends inside the table: nothing needs a sideways scroll.
void verifyEveryColumnInView(QTableView* table)
{
    QApplication::processEvents();
    for (int column = 0; column < RunListModel::ColumnCount; ++column) {
        if (table->isColumnHidden(column))
            continue;
        const int end = table->columnViewportPosition(column) + table->columnWidth(column);
        QVERIFY2(table->columnViewportPosition(column) >= 0 && end <= table->viewport()->width(),
                 qPrintable(
                     QStringLiteral("column %1 ends at %2 of %3").arg(column).arg(end).arg(table->viewport()->width())));
    }
    QCOMPARE(table->horizontalScrollBar()->maximum(), 0);
}
} // namespace

class RunBrowserTest : public QObject {
    Q_OBJECT
    QTemporaryDir m_tmp;
    QString m_save;

    static int rowOfK(const RunListModel* model, int k)
    {
        for (int row = 0; row < model->rowCount(); ++row)
            if (model->recordAt(row).config.value("k").toInt() == k)
                return row;
        return -1;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_tmp.isValid());
        m_save = m_tmp.filePath("save");
        const auto run = parity::test::runParityTrain(m_tmp.path(), m_save, {2, 3}, 2);
        QVERIFY2(run.exitCode == 0, qPrintable(run.output));
        const QString broken = m_save + "/mnist/base-mlp/k5/mse/add/sub";
        parity::test::copyFiles(parity::test::runDirFor(m_save, 2), broken);
        parity::test::writeAll(broken + "/metrics.csv", "epoch,split,loss\n0,train");
    }

    // Issue 13, item 11: save directories shown before stay one click away.
    void earlierRootsStayReachable()
    {
        RunBrowser browser;
        QTemporaryDir a, b;
        browser.setRoot(a.path());
        browser.setRoot(b.path());
        browser.setRoot(a.path());
        QCOMPARE(browser.recentRoots(), QStringList({a.path(), b.path()}));
        auto* recent = browser.findChild<QToolButton*>(QStringLiteral("recent_roots"));
        QVERIFY(recent && recent->isEnabled());
        QCOMPARE(recent->menu()->actions().size(), 2);
        recent->menu()->actions().at(1)->trigger();
        QCOMPARE(browser.root(), b.path());
    }

    void listsAndOpensRuns()
    {
        RunBrowser browser;
        browser.resize(900, 700);
        browser.show();
        QSignalSpy scanned(&browser, &RunBrowser::runsScanned);
        browser.setRoot(m_save);
        QVERIFY(browser.isScanning());
        QVERIFY2(browser.statusText().startsWith("Scanning"), qPrintable(browser.statusText()));
        QTRY_COMPARE_WITH_TIMEOUT(scanned.count(), 1, 60000);
        QCOMPARE(scanned.first().first().toInt(), 3);
        // Issue 13: in an 820 px table (1280x800) epochs, status and the last
        // update are in view beside the run's title, with no sideways scroll.
        browser.resize(820, 700);
        QApplication::processEvents();
        // Since: the directory too, with no sideways scroll bar.
        QTableView* table = browser.view();
        for (const int column :
             {int(RunListModel::EpochsColumn), int(RunListModel::StatusColumn), int(RunListModel::UpdatedColumn)})
            QVERIFY(!table->isColumnHidden(column));
        verifyEveryColumnInView(table);
        if (QTest::currentTestFailed())
            return;
        QCOMPARE(browser.model()->rowCount(), 3);
        QVERIFY2(browser.statusText().contains("1 unreadable"), qPrintable(browser.statusText()));

        std::vector<RunRecord> opened;
        connect(&browser, &RunBrowser::runOpened, this, [&](const RunRecord& r) { opened.push_back(r); });
        QVERIFY(!browser.openSelected()); // nothing selected
        QVERIFY(opened.empty());

        const int k3 = rowOfK(browser.model(), 3);
        browser.selectRows({k3});
        QCOMPARE(browser.selectedRows(), QList<int>{k3});
        QVERIFY(browser.openSelected());
        QCOMPARE(opened.size(), size_t(1));
        QCOMPARE(opened[0].runDir, browser.model()->runDirAt(k3));
        QCOMPARE(opened[0].epochs.size(), size_t(2));

        // A double click opens too.
        QTableView* view = browser.view();
        const int viewRow = [&] {
            for (int r = 0; r < view->model()->rowCount(); ++r)
                if (view->model()->index(r, RunListModel::KColumn).data().toInt() == 2)
                    return r;
            return -1;
        }();
        QVERIFY(viewRow >= 0);
        QVERIFY(QTest::qWaitForWindowExposed(&browser));
        const QModelIndex cell = view->model()->index(viewRow, RunListModel::KColumn);
        view->scrollTo(cell);
        const QPoint center = view->visualRect(cell).center();
        // The view opens on a double click only where the press before it landed.
        QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, center);
        QTest::mouseDClick(view->viewport(), Qt::LeftButton, {}, center);
        QTRY_COMPARE(opened.size(), size_t(2));
        QCOMPARE(opened[1].config.value("k").toInt(), 2);
    }

    void theRunsTitleAndDirectoryShareTheTablesWidth()
    {
        RunBrowser browser;
        showScanned(browser, 820, m_save);
        if (QTest::currentTestFailed())
            return;
        QTableView* table = browser.view();
        auto width = [&](int column) { return table->columnWidth(column); };
        verifyEveryColumnInView(table);
        if (QTest::currentTestFailed())
            return;
        // Elided, the directory is whole in its tooltip.
        const int row = rowOfK(browser.model(), 3);
        QCOMPARE(browser.model()->index(row, RunListModel::DirectoryColumn).data(Qt::ToolTipRole).toString(),
                 browser.model()->runDirAt(row));

        // Wider: the run's title gets all it asks for (at most 480), the directory the rest.
        browser.resize(1500, 700);
        QApplication::processEvents();
        int longestTitle = 0;
        for (int r = 0; r < browser.model()->rowCount(); ++r)
            longestTitle = qMax(longestTitle,
                                table->fontMetrics().horizontalAdvance(
                                    browser.model()->index(r, RunListModel::RunColumn).data().toString()));
        const int titleWanted = qMin(longestTitle, 480);
        QVERIFY2(width(RunListModel::RunColumn) >= titleWanted,
                 qPrintable(QStringLiteral("%1 < %2").arg(width(RunListModel::RunColumn)).arg(titleWanted)));
        verifyEveryColumnInView(table);
        if (QTest::currentTestFailed())
            return;
        const int last = table->columnViewportPosition(RunListModel::DirectoryColumn)
                         + width(RunListModel::DirectoryColumn);
        QVERIFY2(last >= table->viewport()->width() - 1, qPrintable(QString::number(last)));

        // Back to 820: no sideways scroll again, the title at least 140.
        browser.resize(820, 700);
        verifyEveryColumnInView(table);
        if (QTest::currentTestFailed())
            return;
        QVERIFY(width(RunListModel::RunColumn) >= qMin(titleWanted, 140));

        // A column the user sized stays so when the table's width changes.
        table->horizontalHeader()->resizeSection(RunListModel::RunColumn, 300);
        browser.resize(1100, 700);
        QApplication::processEvents();
        QCOMPARE(width(RunListModel::RunColumn), 300);
    }

    // With the Directory column hidden another column stretches to the
    // edge; the title keeps its width through resizes (counting that
    // column's stretch as taken shrank it by the stretch each time).
    void theTitleKeepsItsWidthWithTheDirectoryHidden()
    {
        RunBrowser browser;
        showScanned(browser, 1100, m_save);
        if (QTest::currentTestFailed())
            return;
        QTableView* table = browser.view();
        QApplication::processEvents();
        const int title = table->columnWidth(RunListModel::RunColumn);
        table->setColumnHidden(RunListModel::DirectoryColumn, true);
        for (const int w : {1000, 1200, 1100}) {
            browser.resize(w, 700);
            QApplication::processEvents();
            QVERIFY2(table->columnWidth(RunListModel::RunColumn) >= title,
                     qPrintable(QStringLiteral("at %1 px: title %2 < %3")
                                    .arg(w)
                                    .arg(table->columnWidth(RunListModel::RunColumn))
                                    .arg(title)));
        }
        verifyEveryColumnInView(table);
    }

    void aBrokenRunShowsItsErrorAndOpensNothing()
    {
        RunBrowser browser;
        setRootAndWait(browser, m_save);
        int opened = 0;
        connect(&browser, &RunBrowser::runOpened, this, [&] { ++opened; });
        const int broken = rowOfK(browser.model(), 5);
        QVERIFY(broken >= 0);
        browser.selectRows({broken});
        QVERIFY(!browser.openSelected());
        QCOMPARE(opened, 0);
        QVERIFY2(browser.statusText().contains("k5/mse/add/sub/metrics.csv"), qPrintable(browser.statusText()));
        QVERIFY(!browser.exportSelected(m_tmp.filePath("broken.csv")));
        QVERIFY(!QFile::exists(m_tmp.filePath("broken.csv")));
    }

    void comparesTheSelectedRuns()
    {
        RunBrowser browser;
        setRootAndWait(browser, m_save);
        browser.selectRows({rowOfK(browser.model(), 2), rowOfK(browser.model(), 3), rowOfK(browser.model(), 5)});
        QCOMPARE(browser.selectedRows().size(), 3);
        QCOMPARE(browser.compareSelected(), 2); // the broken run is skipped, with a word why
        QVERIFY(browser.statusText().contains("Skipped"));
        QCOMPARE(browser.comparePlot()->graphCount(), 2);
        QCOMPARE(browser.comparePlot()->split(), QStringLiteral("val"));
        QCOMPARE(browser.comparePlot()->currentMetric(), QStringLiteral("reconstruction_top1"));

        // Issue 14: the same runs in the "Served accuracy" tab, from their
        // served_accuracy.csv: one curve each, plus the no-redundancy
        // baselines (k = 2 and 3 differ), in the colours of the learning curves.
        const auto* served = browser.servedPlot();
        QCOMPARE(browser.plotTabs()->count(), 2);
        QCOMPARE(browser.plotTabs()->tabText(1), QStringLiteral("Served accuracy"));
        QCOMPARE(served->records().size(), size_t(2));
        const QStringList names = served->graphNames();
        QCOMPARE(names.size(), 4);
        QCOMPARE(names[0], browser.comparePlot()->records()[0].displayName());
        QVERIFY2(names[2].startsWith("no redundancy (k="), qPrintable(names.join(", ")));
        QCOMPARE(served->plot()->graph(0)->pen().color(), browser.comparePlot()->plot()->graph(0)->pen().color());
        const RunRecord& first = browser.comparePlot()->records()[0];
        QVERIFY(first.served);
        const QVector<QPointF> points = served->graphPoints(names[0]);
        QCOMPARE(points.size(), 11); // f = 0, 0.05, ..., 0.5
        QCOMPARE(points[0].y(), first.served->byFraction[0]);
        QCOMPARE(points[10].x(), 0.5);

        browser.selectRows({rowOfK(browser.model(), 3)});
        QCOMPARE(browser.compareSelected(), 1);
        QCOMPARE(browser.statusText(), QStringLiteral("Comparing 1 run"));
        // A refresh keeps the comparison; another save directory clears it.
        browser.refresh();
        QTRY_VERIFY_WITH_TIMEOUT(!browser.isScanning(), 60000);
        QCOMPARE(browser.comparePlot()->graphCount(), 1);
        setRootAndWait(browser, m_tmp.filePath("elsewhere"));
        QCOMPARE(browser.comparePlot()->graphCount(), 0);
        QCOMPARE(browser.comparePlot()->records().size(), size_t(0));
        QCOMPARE(served->records().size(), size_t(0));
    }

    void exportsTheSelectedRun_data()
    {
        QTest::addColumn<QString>("fileName");
        QTest::newRow("csv") << QStringLiteral("out.csv");
        QTest::newRow("json") << QStringLiteral("out.json");
    }
    void exportsTheSelectedRun()
    {
        QFETCH(QString, fileName);
        RunBrowser browser;
        setRootAndWait(browser, m_save);
        const int k2 = rowOfK(browser.model(), 2);
        browser.selectRows({k2});
        const QString path = m_tmp.filePath(fileName);
        QVERIFY2(browser.exportSelected(path), qPrintable(browser.statusText()));
        const QByteArray written = parity::test::readAll(path);
        if (fileName.endsWith(".csv"))
            QCOMPARE(written, parity::test::readAll(browser.model()->runDirAt(k2) + "/metrics.csv"));
        else
            QVERIFY(written.contains("\"epochs\""));
    }

    // After every run the browser rescans; what the user selected stays
    // selected, also when new runs shift the rows.
    void aRescanKeepsTheSelection()
    {
        const QString save = m_tmp.filePath("rescan-save");
        parity::test::copyFiles(parity::test::runDirFor(m_save, 3), save + "/mnist/base-mlp/k3/mse/add/sub");
        RunBrowser browser;
        setRootAndWait(browser, save);
        browser.selectRows({rowOfK(browser.model(), 3)});
        parity::test::copyFiles(parity::test::runDirFor(m_save, 2), save + "/mnist/base-mlp/k2/mse/add/sub");
        QSignalSpy scanned(&browser, &RunBrowser::runsScanned);
        browser.refresh();
        QTRY_COMPARE_WITH_TIMEOUT(scanned.count(), 1, 60000);
        QCOMPARE(browser.model()->rowCount(), 2);
        QCOMPARE(browser.selectedRows(), QList<int>{rowOfK(browser.model(), 3)});
        QCOMPARE(rowOfK(browser.model(), 3), 1); // k2 now sorts before it
    }

    void sortingTheViewKeepsSelectionOnModelRows()
    {
        RunBrowser browser;
        setRootAndWait(browser, m_save);
        browser.view()->sortByColumn(RunListModel::KColumn, Qt::DescendingOrder);
        const int k2 = rowOfK(browser.model(), 2);
        browser.selectRows({k2});
        QCOMPARE(browser.selectedRows(), QList<int>{k2});
        QCOMPARE(browser.selectedRecords().front().config.value("k").toInt(), 2);
    }

    // Issue 16, item 4: on screen, the browser follows the Slurm sweeps of
    // its save directory (a seam stands for Slurm): the Job column comes with
    // them and fits beside epochs, status and the last update at 1280x800; a
    // run not started yet has a row but nothing to open; hidden, it stops asking.
    void showsTheSlurmJobsOfItsRuns()
    {
        using parity::slurm::RunStatus;
        const QString save = m_tmp.filePath("slurm-save");
        parity::test::copyFiles(parity::test::runDirFor(m_save, 3), save + "/mnist/base-mlp/k3/mse/add/sub");
        std::atomic<int> reads{0};
        auto reader = [&](const QString& saveDir, const std::vector<parity::slurm::SweepStatus>&, bool) {
            ++reads;
            parity::slurm::SweepStatus sweep;
            sweep.sweep.jobId = "808";
            sweep.sweep.id = "sweep-1";
            sweep.sweep.dir = (saveDir + "/slurm/sweep-1").toStdString();
            RunStatus running;
            running.index = 0;
            running.state = RunStatus::State::Running;
            running.slurmState = "RUNNING";
            running.runDir = (saveDir + "/mnist/base-mlp/k3/mse/add/sub").toStdString();
            running.epochsCompleted = 1;
            running.epochs = 2;
            RunStatus pending;
            pending.index = 1;
            pending.state = RunStatus::State::Pending;
            pending.reason = "Resources";
            pending.runDir = (saveDir + "/mnist/base-mlp/k4/mse/add/sub").toStdString();
            pending.header = "mnist base-mlp 4 mse add sub";
            pending.epochs = 2;
            sweep.runs = {running, pending};
            return std::vector<parity::slurm::SweepStatus>{sweep};
        };
        RunBrowser browser;
        browser.jobTracker()->setReader(reader);
        browser.jobTracker()->setInterval(100);
        setRootAndWait(browser, save);
        QTableView* table = browser.view();
        QVERIFY(table->isColumnHidden(RunListModel::JobColumn)); // no sweep known yet
        QCOMPARE(reads.load(), 0);                               // not on screen: Slurm is not asked

        browser.resize(820, 700);
        browser.show();
        QVERIFY(QTest::qWaitForWindowExposed(&browser));
        QTRY_VERIFY_WITH_TIMEOUT(browser.model()->hasJobs(), 10000);
        QCOMPARE(browser.model()->rowCount(), 2);
        QVERIFY(!table->isColumnHidden(RunListModel::JobColumn));
        const int pendingRow = browser.model()->rowOfRunDir(save + "/mnist/base-mlp/k4/mse/add/sub");
        QVERIFY(pendingRow >= 0 && browser.model()->isNotStartedAt(pendingRow));
        QVERIFY2(browser.jobStatusText().contains("job 808: 1 pending, 1 running"),
                 qPrintable(browser.jobStatusText()));
        verifyEveryColumnInView(table);
        if (QTest::currentTestFailed())
            return;
        // The Job column is wide enough for its text.
        const QString pendingText = browser.model()->index(pendingRow, RunListModel::JobColumn).data().toString();
        QCOMPARE(pendingText, QStringLiteral("pending (Resources)"));
        QVERIFY(table->columnWidth(RunListModel::JobColumn) >= table->fontMetrics().horizontalAdvance(pendingText));

        // Polled while a task waits or runs.
        const int before = reads.load();
        QTRY_VERIFY_WITH_TIMEOUT(reads.load() >= before + 2, 10000);

        // Nothing to open in a run not started; the status line says why.
        int opened = 0;
        connect(&browser, &RunBrowser::runOpened, this, [&] { ++opened; });
        browser.selectRows({pendingRow});
        QVERIFY(!browser.openSelected());
        QCOMPARE(opened, 0);
        QVERIFY2(browser.statusText().contains("not started"), qPrintable(browser.statusText()));
        QVERIFY(browser.selectedRecords().empty());

        // Hidden (another tab): no more questions to Slurm.
        browser.hide();
        QTRY_VERIFY(!browser.jobTracker()->isReading());
        const int hiddenAt = reads.load();
        QTest::qWait(400);
        QCOMPARE(reads.load(), hiddenAt);
    }

    // A task that starts makes its run directory, in a save directory that
    // may not have existed when it was shown: its row becomes the run's.
    void aTaskThatStartsShowsItsRun()
    {
        using parity::slurm::RunStatus;
        const QString save = m_tmp.filePath("slurm-later");
        const QString runDir = save + "/mnist/base-mlp/k3/mse/add/sub";
        std::atomic<int> state{int(RunStatus::State::Pending)};
        RunBrowser browser;
        browser.jobTracker()->setReader(
            [&](const QString& saveDir, const std::vector<parity::slurm::SweepStatus>&, bool) {
                parity::slurm::SweepStatus sweep;
                sweep.sweep.jobId = "9";
                sweep.sweep.dir = (saveDir + "/slurm/s").toStdString();
                RunStatus task;
                task.state = RunStatus::State(state.load());
                task.runDir = runDir.toStdString();
                task.epochs = 2;
                task.epochsCompleted = task.state == RunStatus::State::Pending ? 0 : 1;
                sweep.runs = {task};
                return std::vector<parity::slurm::SweepStatus>{sweep};
            });
        browser.jobTracker()->setInterval(100);
        setRootAndWait(browser, save); // not there yet
        browser.show();
        QVERIFY(QTest::qWaitForWindowExposed(&browser));
        QTRY_COMPARE_WITH_TIMEOUT(browser.model()->rowCount(), 1, 10000);
        QVERIFY(browser.model()->isNotStartedAt(0));
        parity::test::copyFiles(parity::test::runDirFor(m_save, 3), runDir);
        state = int(RunStatus::State::Running);
        QTRY_VERIFY_WITH_TIMEOUT(browser.model()->rowCount() == 1 && !browser.model()->isNotStartedAt(0), 20000);
        // Slurm's last word was one epoch; the directory, read since, has two.
        QCOMPARE(browser.model()->index(0, RunListModel::JobColumn).data().toString(), QStringLiteral("running 2/2"));
        QCOMPARE(browser.model()->index(0, RunListModel::EpochsColumn).data().toInt(), 2);
    }

    // "Cancel tasks..." cancels the selected runs' waiting or running tasks
    // (one scancel per sweep) once the user says so; a run whose task ended
    // is not offered, and the row's Job column follows what Slurm says next.
    void cancelsTheSelectedRunsTasks()
    {
        using parity::slurm::RunStatus;
        const QString save = m_tmp.filePath("slurm-cancel");
        const QString k2 = save + "/mnist/base-mlp/k2/mse/add/sub", k3 = save + "/mnist/base-mlp/k3/mse/add/sub",
                      k4 = save + "/mnist/base-mlp/k4/mse/add/sub";
        parity::test::copyFiles(parity::test::runDirFor(m_save, 2), k2);
        parity::test::copyFiles(parity::test::runDirFor(m_save, 3), k3);
        std::atomic<bool> cancelled{false};
        RunBrowser browser;
        browser.jobTracker()->setReader(
            [&](const QString& saveDir, const std::vector<parity::slurm::SweepStatus>&, bool) {
                parity::slurm::SweepStatus sweep;
                sweep.sweep.jobId = "808";
                sweep.sweep.id = "sweep-1";
                sweep.sweep.dir = (saveDir + "/slurm/sweep-1").toStdString();
                const auto task = [&](int index, const QString& dir, RunStatus::State state) {
                    RunStatus run;
                    run.index = index;
                    run.state = cancelled && state != RunStatus::State::Done ? RunStatus::State::Cancelled : state;
                    run.runDir = dir.toStdString();
                    run.header = "mnist base-mlp " + std::to_string(index + 2) + " mse add sub";
                    run.epochs = 2;
                    run.epochsCompleted = state == RunStatus::State::Pending ? 0 : 1;
                    run.reason = state == RunStatus::State::Pending ? "Resources" : "";
                    return run;
                };
                sweep.runs = {task(0, k2, RunStatus::State::Done), task(1, k3, RunStatus::State::Running),
                              task(2, k4, RunStatus::State::Pending)};
                return std::vector<parity::slurm::SweepStatus>{sweep};
            });
        std::vector<std::pair<std::string, std::vector<int>>> calls;
        QMutex mutex;
        browser.jobTracker()->setCanceller([&](const parity::slurm::Sweep& sweep, const std::vector<int>& indices) {
            QMutexLocker lock(&mutex);
            calls.emplace_back(sweep.jobId, indices);
            cancelled = true;
            return std::string();
        });
        auto* cancelButton = browser.findChild<QPushButton*>(QStringLiteral("cancel_tasks"));
        QVERIFY(cancelButton);
        setRootAndWait(browser, save);
        QVERIFY(cancelButton->isHidden()); // before Slurm has been heard: no Job column, no button
        browser.resize(1000, 700);
        browser.show();
        QVERIFY(QTest::qWaitForWindowExposed(&browser));
        QTRY_VERIFY_WITH_TIMEOUT(browser.model()->hasJobs() && browser.model()->rowCount() == 3, 10000);
        // The scan found two runs; Slurm's task not started is the third row, and the count follows.
        QTRY_COMPARE(browser.statusText(), QStringLiteral("3 runs"));
        QVERIFY(cancelButton->isVisible());
        QVERIFY(!cancelButton->isEnabled()); // nothing selected

        const int done = browser.model()->rowOfRunDir(k2), running = browser.model()->rowOfRunDir(k3),
                  pending = browser.model()->rowOfRunDir(k4);
        browser.selectRows({done});
        QVERIFY(!cancelButton->isEnabled()); // its task ended
        QVERIFY(!browser.cancelSelectedTasks());
        QVERIFY2(browser.statusText().contains("No selected run"), qPrintable(browser.statusText()));

        // Asked first: "Keep them" cancels nothing.
        browser.selectRows({done, running, pending});
        QVERIFY(cancelButton->isEnabled());
        QString question;
        const auto answer = [&](const QString& button) {
            QTimer::singleShot(0, this, [&question, button] {
                auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget());
                QVERIFY(box);
                QCOMPARE(box->objectName(), QStringLiteral("cancel_tasks_question"));
                question = box->text() + "\n" + box->informativeText();
                for (QAbstractButton* b : box->buttons())
                    if (b->text() == button) {
                        b->click();
                        return;
                    }
                box->reject(); // no such button: the test fails on what it asked, not a hang
                QFAIL(qPrintable("no button " + button));
            });
        };
        answer(QStringLiteral("Keep them"));
        cancelButton->click();
        QVERIFY2(question.contains("Cancel the Slurm tasks of 2 runs?"), qPrintable(question));
        // As the Job column says it: Slurm's last word was one epoch, the run's directory has two.
        QVERIFY2(question.contains("running 2/2") && question.contains("pending (Resources)"), qPrintable(question));
        QVERIFY2(!question.contains("done"), qPrintable(question));
        QVERIFY(!browser.jobTracker()->isCancelling()); // nothing was started
        QVERIFY(calls.empty());

        // "Cancel tasks": one scancel for the sweep's two active tasks.
        answer(QStringLiteral("Cancel tasks"));
        cancelButton->click();
        QTRY_VERIFY2(browser.statusText().contains("Cancelled tasks 1, 2 of job 808"),
                     qPrintable(browser.statusText()));
        {
            QMutexLocker lock(&mutex);
            QCOMPARE(calls.size(), size_t(1));
            QCOMPARE(calls[0].first, std::string("808"));
            QCOMPARE(calls[0].second, (std::vector<int>{1, 2}));
        }
        // Slurm's next word: both cancelled; nothing is left to cancel.
        QTRY_COMPARE_WITH_TIMEOUT(
            browser.model()->index(browser.model()->rowOfRunDir(k3), RunListModel::JobColumn).data().toString(),
            QStringLiteral("cancelled"), 10000);
        QTRY_VERIFY(!cancelButton->isEnabled());
        // "not started" became "never started": the Status column widens for it.
        const int k4Row = browser.model()->rowOfRunDir(k4);
        QTRY_COMPARE(browser.model()->index(k4Row, RunListModel::StatusColumn).data().toString(),
                     QStringLiteral("never started"));
        QVERIFY(browser.view()->columnWidth(RunListModel::StatusColumn)
                >= browser.view()->fontMetrics().horizontalAdvance(QStringLiteral("never started")));
    }
};

QTEST_MAIN(RunBrowserTest)
#include "RunBrowserTest.moc"
