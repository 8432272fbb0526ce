// The Serving tab (issue 15, item 3) on a tiny parity-train run: measured
// service times, every strategy simulated off the GUI thread, the table, the
// tails, the load sweep, cancel, exports and errors.
#include "support/CliRun.h"
#include "support/GuiTestRuns.h"

#include "common/SeedSpinBox.h"
#include "plots/ServingPlots.h"
#include "serve/ServingView.h"

#include <QFile>
#include <QImage>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QDoubleSpinBox>
#include <QApplication>
#include <QTableWidget>
#include <QMenu>
#include <QToolButton>
#include <QTemporaryDir>
#include <QTest>

using parity::gui::LatencyTailPlot;
using parity::gui::ServingView;

namespace {
constexpr int kTimeoutMs = 120000;

QSpinBox* spin(ServingView& view, const char* name) { return view.findChild<QSpinBox*>(QString::fromLatin1(name)); }

/// Small enough for a test: 20 000 queries, 2 trials, 50 timed calls.
void makeQuick(ServingView& view)
{
    spin(view, "serving_queries")->setValue(20000);
    spin(view, "serving_trials")->setValue(2);
    spin(view, "serving_repetitions")->setValue(50);
}

double leadingNumber(const QString& cell) { return cell.section(QLatin1Char(' '), 0, 0).toDouble(); }
} // namespace

class ServingViewTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void tailPointsAreTheEmpiricalTail();
    void simulatesEveryStrategyOfTheRun();
    void sweepPlotsTheTailAgainstTheRate();
    void cancelStopsTheSimulation();
    void anotherRunDropsTheJobInFlight();
    void refusedOptionsNameTheProblem();
    void aDirectoryWithoutModelsSaysWhy();
    void anotherKHasNoKnownAccuracy();
    void overloadIsOneShortWarning();
    void exportsTheTableAndThePlots();
    void aSeedBeyondTwoToThe31IsSimulated();

private:
    QTemporaryDir m_tmp;
    QString m_run;
};

void ServingViewTest::initTestCase()
{
    QVERIFY(m_tmp.isValid());
    const parity::test::CliRun run = parity::test::runParityTrain(m_tmp.path(), m_tmp.filePath(QStringLiteral("save")),
                                                                  {2}, 1);
    QVERIFY2(run.exitCode == 0, qPrintable(run.output));
    m_run = parity::test::runDirFor(m_tmp.filePath(QStringLiteral("save")), 2);
    QVERIFY(QFile::exists(m_run + QStringLiteral("/best.pth")));
}

// 1000 latencies 1..1000 ms: 999/1000 are slower than 1 ms, one in a
// thousand slower than 999 ms, and the slowest is drawn at 1/N.
void ServingViewTest::tailPointsAreTheEmpiricalTail()
{
    std::vector<double> latencies;
    for (int i = 1000; i >= 1; --i)
        latencies.push_back(i);
    const QVector<QPointF> points = LatencyTailPlot::tailPoints(latencies);
    QVERIFY(points.size() > 100);
    QVERIFY(points.size() <= 1000);
    QCOMPARE(points.front(), QPointF(1, 0.999));
    QCOMPARE(points.back(), QPointF(1000, 0.001));
    bool found = false;
    for (int i = 1; i < points.size(); ++i) {
        QVERIFY(points[i].x() > points[i - 1].x());
        QVERIFY(points[i].y() <= points[i - 1].y());
        if (points[i].x() == 990) {
            QCOMPARE(points[i].y(), 0.010); // p99: 10 of the 1000 slower
            found = true;
        }
    }
    QVERIFY(found);
}

void ServingViewTest::simulatesEveryStrategyOfTheRun()
{
    ServingView view;
    view.resize(1200, 700);
    view.show();
    view.setRunDir(m_run);
    QCOMPARE(spin(view, "serving_k")->value(), 2);
    makeQuick(view);
    // Empty axes say what will be drawn on them.
    QVERIFY2(view.tailPlot()->emptyNote().startsWith(QStringLiteral("Nothing simulated yet.")),
             qPrintable(view.tailPlot()->emptyNote()));
    QVERIFY(view.loadPlot()->emptyNote().startsWith(QStringLiteral("No load sweep yet.")));
    QSignalSpy finished(&view, &ServingView::finished);
    QVERIFY(view.simulate());
    QVERIFY(view.isBusy());
    QVERIFY(!view.findChild<QPushButton*>(QStringLiteral("serving_simulate"))->isEnabled());
    QVERIFY(!view.simulate()); // one job at a time
    QVERIFY(finished.wait(kTimeoutMs));
    QCOMPARE(finished.takeFirst().at(0).toBool(), true);
    QVERIFY(!view.isBusy());
    // Done says what ran, as the fields put it, and the bar is full.
    QCOMPARE(view.status(),
             QStringLiteral("Done: %1 trials x 4 strategies").arg(spin(view, "serving_trials")->value()));
    auto* bar = view.findChild<QProgressBar*>(QStringLiteral("serving_progress"));
    QCOMPARE(bar->value(), bar->maximum());
    QCOMPARE(bar->text(), QStringLiteral("Done"));

    QVERIFY(view.outcome().has_value());
    const auto& outcome = *view.outcome();
    QCOMPARE(int(outcome.run.times.base.samples().size()), 50);
    QCOMPARE(outcome.options.k, 2);
    QVERIFY(outcome.options.rate > 0); // the default, from the measured base time
    QTableWidget* table = view.table();
    QCOMPARE(table->rowCount(), 4);
    const QStringList expected{QStringLiteral("none"), QStringLiteral("replication"), QStringLiteral("parm"),
                               QStringLiteral("replicate-all")};
    for (int row = 0; row < 4; ++row) {
        QCOMPARE(table->item(row, 0)->text(), expected[row]);
        const auto& s = outcome.strategies[size_t(row)];
        QCOMPARE(s.trialCount, 2);
        QCOMPARE(s.last.queries, int64_t(20000));
        QCOMPARE(int(s.last.latenciesMs.size()), 20000);
        // The p99.9 cell is the mean over the trials, its tooltip the interval.
        QVERIFY(qAbs(leadingNumber(table->item(row, 6)->text()) - s.estimate("p99.9").mean) < 0.01);
        const QString tip = table->item(row, 6)->toolTip();
        QVERIFY2(tip.contains(QStringLiteral("95% interval over 2 trials")), qPrintable(tip));
        QVERIFY(qAbs(tip.section(QStringLiteral("± "), 1).section(QLatin1Char(' '), 0, 0).toDouble()
                     - s.estimate("p99.9").halfWidth)
                < 0.01);
        // The run measured its accuracies: every strategy gets a served accuracy.
        QVERIFY2(table->item(row, 9)->text() != QLatin1String("-"), qPrintable(table->item(row, 9)->text()));
    }
    // Only ParM reconstructs; m = 12, k = 2: ParM and replication use 18 instances.
    QCOMPARE(table->item(0, 7)->text().toDouble(), 0.0);
    QVERIFY(table->item(2, 7)->text().toDouble() > 0.0);
    QCOMPARE(table->item(1, 1)->text(), QStringLiteral("18"));
    QCOMPARE(table->item(2, 1)->text(), QStringLiteral("18"));
    QCOMPARE(view.tailPlot()->graphNames(), expected);
    for (const QString& name : expected) {
        const QVector<QPointF> points = view.tailPlot()->graphPoints(name);
        QVERIFY(!points.isEmpty());
        QCOMPARE(points.back().y(), 1.0 / 20000);
    }
    QVERIFY(view.note().contains(QStringLiteral("Measured here")));
    QVERIFY(view.tailPlot()->setGraphVisible(QStringLiteral("none"), false));
    QVERIFY(!view.tailPlot()->isGraphVisible(QStringLiteral("none")));
    QCOMPARE(view.tailPlot()->emptyNote(), QString());
    QVERIFY(!view.loadPlot()->emptyNote().isEmpty()); // no sweep yet
    // Another run: its tails are not known yet, the note is back.
    view.setRunDir(m_run);
    QVERIFY(!view.tailPlot()->emptyNote().isEmpty());
}

void ServingViewTest::sweepPlotsTheTailAgainstTheRate()
{
    ServingView view;
    view.setRunDir(m_run);
    makeQuick(view);
    spin(view, "serving_trials")->setValue(1);
    QSignalSpy finished(&view, &ServingView::finished);
    QVERIFY(view.sweepLoad());
    QVERIFY(finished.wait(kTimeoutMs));
    QCOMPARE(finished.takeFirst().at(0).toBool(), true);
    const auto& sweep = view.outcome()->sweep;
    QCOMPARE(int(sweep.size()), 9);
    // Walkthrough: "at 10 loads" beside the note's "Load sweep: 9 rates".
    QCOMPARE(view.status(), QStringLiteral("Done: 1 trial x 4 strategies, at the set rate and 9 swept rates"));
    QVERIFY2(view.note().contains(QStringLiteral("Load sweep: 9 rates")), "the note counts the swept rates alike");
    const double capacity = 12 * 1000.0 / view.outcome()->run.times.base.mean();
    QVERIFY(qAbs(sweep.front().rate - 0.1 * capacity) < 1e-6 * capacity);
    QVERIFY(qAbs(sweep.back().rate - 0.9 * capacity) < 1e-6 * capacity);
    QCOMPARE(view.loadPlot()->graphNames().size(), 4);
    QCOMPARE(view.loadPlot()->emptyNote(), QString());
    const QVector<QPointF> none = view.loadPlot()->graphPoints(QStringLiteral("none"));
    QCOMPARE(none.size(), 9);
    QCOMPARE(none.front().x(), sweep.front().rate);
    QCOMPARE(none.front().y(), sweep.front().strategies.front().estimate("p99.9").mean);
    // Queueing: p99.9 at 90% load is above p99.9 at 10%.
    QVERIFY(none.back().y() > none.front().y());
    QCOMPARE(view.plotTabs()->currentWidget(), static_cast<QWidget*>(view.loadPlot()));
}

void ServingViewTest::cancelStopsTheSimulation()
{
    ServingView view;
    view.setRunDir(m_run);
    spin(view, "serving_repetitions")->setValue(20);
    spin(view, "serving_queries")->setValue(5000000);
    spin(view, "serving_trials")->setValue(50); // minutes of work: cancelled long before
    QSignalSpy finished(&view, &ServingView::finished);
    QVERIFY(view.simulate());
    auto* bar = view.findChild<QProgressBar*>(QStringLiteral("serving_progress"));
    QTRY_VERIFY_WITH_TIMEOUT(bar->maximum() > 1, kTimeoutMs);             // simulating, measured
    QCOMPARE(view.status(), QStringLiteral("Simulating every strategy")); // not "Measuring" any more
    view.cancel();
    QVERIFY(finished.wait(kTimeoutMs));
    QCOMPARE(finished.takeFirst().at(0).toBool(), false);
    QVERIFY(!view.outcome().has_value());
    QVERIFY2(view.status().startsWith(QStringLiteral("Cancelled")), qPrintable(view.status()));
    QVERIFY(view.findChild<QPushButton*>(QStringLiteral("serving_simulate"))->isEnabled());
    QVERIFY(!view.findChild<QPushButton*>(QStringLiteral("serving_cancel"))->isEnabled());
}

// Choosing another run while one is simulated stops that job and drops its
// result; the new run can be simulated at once.
void ServingViewTest::anotherRunDropsTheJobInFlight()
{
    ServingView view;
    view.setRunDir(m_run);
    spin(view, "serving_repetitions")->setValue(20);
    spin(view, "serving_queries")->setValue(5000000);
    spin(view, "serving_trials")->setValue(50);
    QSignalSpy finished(&view, &ServingView::finished);
    QVERIFY(view.simulate());
    view.setRunDir(m_run + QStringLiteral("/."));
    QVERIFY(!view.isBusy());
    QVERIFY(view.findChild<QPushButton*>(QStringLiteral("serving_simulate"))->isEnabled());
    makeQuick(view);
    QVERIFY(view.simulate());
    QVERIFY(finished.wait(kTimeoutMs));
    QCOMPARE(finished.size(), 1); // the first job's end is not reported
    QCOMPARE(finished.takeFirst().at(0).toBool(), true);
    QCOMPARE(view.outcome()->strategies.front().last.queries, int64_t(20000));
}

// Options the simulator refuses are reported, naming the option; nothing is
// shown as a result.
void ServingViewTest::refusedOptionsNameTheProblem()
{
    ServingView view;
    view.setRunDir(m_run);
    makeQuick(view);
    spin(view, "serving_instances")->setValue(1); // k = 2 > 1 instance
    QSignalSpy failed(&view, &ServingView::failed);
    QVERIFY(view.simulate());
    QVERIFY(failed.wait(kTimeoutMs));
    const QString message = failed.takeFirst().at(0).toString();
    QVERIFY2(message.contains(QStringLiteral("k")) && message.contains(QStringLiteral("instance")),
             qPrintable(message));
    QVERIFY(!view.outcome().has_value());
    QCOMPARE(view.table()->rowCount(), 0);
}

void ServingViewTest::aDirectoryWithoutModelsSaysWhy()
{
    QTemporaryDir empty;
    ServingView view;
    view.setRunDir(empty.path());
    QSignalSpy failed(&view, &ServingView::failed);
    QVERIFY(view.simulate());
    QVERIFY(failed.wait(kTimeoutMs));
    const QString message = failed.takeFirst().at(0).toString();
    QVERIFY2(message.contains(empty.path()) && message.contains(QStringLiteral("best.pth")), qPrintable(message));
    QVERIFY(view.note().contains(message));
    QVERIFY(!view.outcome().has_value());
}

void ServingViewTest::anotherKHasNoKnownAccuracy()
{
    ServingView view;
    view.setRunDir(m_run);
    makeQuick(view);
    spin(view, "serving_k")->setValue(3);
    // Far below capacity whatever a loaded machine measures: k = 3 leaves
    // ParM 4 parity instances for 12, and at the automatic 30% a parity
    // model timed 3x slower than the base model overloads them (a warning
    // this test is not about).
    view.findChild<QDoubleSpinBox*>(QStringLiteral("serving_rate"))->setValue(100);
    QSignalSpy finished(&view, &ServingView::finished);
    QVERIFY(view.simulate());
    QVERIFY(finished.wait(kTimeoutMs));
    QCOMPARE(finished.takeFirst().at(0).toBool(), true);
    QCOMPARE(view.outcome()->options.k, 3);
    QVERIFY(view.note().contains(QStringLiteral("not known for k = 3")));
    QVERIFY2(view.warning().isEmpty(), qPrintable(view.warning()));
    // Strategies that only serve the base model's predictions keep its
    // accuracy; ParM's rebuilt predictions have none known for k = 3.
    const QString base = view.table()->item(0, 9)->text();
    QVERIFY(base != QLatin1String("-"));
    for (int row = 0; row < view.table()->rowCount(); ++row)
        QCOMPARE(view.table()->item(row, 9)->text(), row == 2 ? QStringLiteral("-") : base);
    QCOMPARE(view.table()->item(2, 1)->text(), QStringLiteral("16")); // 12 + ceil(12 / 3)
}

// Walkthrough: the overload note buried the table in sentences. It is one
// red line naming each overloaded strategy and its load; the note stays as long.
void ServingViewTest::overloadIsOneShortWarning()
{
    ServingView view;
    view.setRunDir(m_run);
    makeQuick(view);
    view.findChild<QDoubleSpinBox*>(QStringLiteral("serving_rate"))->setValue(1e9);
    QSignalSpy finished(&view, &ServingView::finished);
    QVERIFY(view.simulate());
    QVERIFY(finished.wait(kTimeoutMs));
    const QString warning = view.warning();
    QVERIFY2(warning.startsWith(QStringLiteral("Overloaded")), qPrintable(warning));
    for (const char* name : {"none", "replication", "parm", "replicate-all"})
        QVERIFY2(warning.contains(QString::fromLatin1(name)), qPrintable(warning));
    QVERIFY(!view.note().contains(QStringLiteral("Overloaded")));
    // Walkthrough at 1280x800 (the Serving tab 915x560): with the note and
    // the warning wrapped, replicate-all's row was out of the table's view.
    view.resize(915, 560);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QApplication::processEvents();
    QTableWidget* table = view.table();
    for (int row = 0; row < table->rowCount(); ++row) {
        const QRect cell = table->visualRect(table->model()->index(row, 0));
        QVERIFY2(table->viewport()->rect().contains(cell),
                 qPrintable(QStringLiteral("row %1 at y %2..%3 of a %4 px view")
                                .arg(row)
                                .arg(cell.top())
                                .arg(cell.bottom())
                                .arg(table->viewport()->height())));
    }
    // A setting changed after a result says the result is older than the form.
    spin(view, "serving_trials")->setValue(3);
    QVERIFY(view.status().startsWith(QStringLiteral("Settings changed")));
}

void ServingViewTest::exportsTheTableAndThePlots()
{
    ServingView view;
    view.resize(1000, 700);
    view.show();
    view.setRunDir(m_run);
    makeQuick(view);
    QString error;
    const QString csv = m_tmp.filePath(QStringLiteral("serving.csv"));
    QVERIFY(!view.exportTableCsv(csv, &error));
    QVERIFY(error.contains(QStringLiteral("Simulate first")));
    auto* exportButton = view.findChild<QToolButton*>(QStringLiteral("serving_export"));
    QVERIFY(exportButton && exportButton->menu());
    const QList<QAction*> actions = exportButton->menu()->actions();
    QCOMPARE(actions.size(), 4);
    for (QAction* action : actions)
        QVERIFY2(!action->isEnabled(), qPrintable(action->text())); // nothing to export yet
    QSignalSpy finished(&view, &ServingView::finished);
    QVERIFY(view.simulate());
    QVERIFY(finished.wait(kTimeoutMs));
    QVERIFY(actions[0]->isEnabled() && actions[2]->isEnabled());   // table, tails
    QVERIFY(!actions[1]->isEnabled() && !actions[3]->isEnabled()); // no sweep yet
    QVERIFY(view.tailPlot()->title().contains(QStringLiteral("k=2")));
    QVERIFY(view.exportTableCsv(csv, &error));
    const QStringList lines = parity::test::fileLines(csv);
    QCOMPARE(lines.size(), 5);
    QVERIFY(lines[0].startsWith(QStringLiteral("strategy,instances,queries,trials,median_ms")));
    QVERIFY(lines[3].startsWith(QStringLiteral("parm,18,20000,2,")));
    QVERIFY(!view.exportSweepCsv(m_tmp.filePath(QStringLiteral("sweep.csv")), &error));
    QVERIFY(error.contains(QStringLiteral("Sweep load first")));
    const QString png = m_tmp.filePath(QStringLiteral("tails.png"));
    QVERIFY2(view.tailPlot()->exportImage(png, &error), qPrintable(error));
    QVERIFY(!QImage(png).isNull());
    // A file that cannot be written fails with the path named.
    QVERIFY(!view.exportTableCsv(m_tmp.filePath(QStringLiteral("no/such/dir/x.csv")), &error));
    QVERIFY2(error.contains(QStringLiteral("x.csv")), qPrintable(error));
}

// parity-serve-sim takes any 64-bit --seed; the tab's field stopped at 10^9
// (a QSpinBox), so a CLI result could not be repeated here.
void ServingViewTest::aSeedBeyondTwoToThe31IsSimulated()
{
    ServingView view;
    view.resize(1200, 700);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    view.setRunDir(m_run);
    makeQuick(view);
    auto* seed = view.findChild<parity::gui::SeedSpinBox*>(QStringLiteral("serving_seed"));
    QVERIFY(seed);
    QCOMPARE(seed->value(), uint64_t(1));           // the CLI's default
    const uint64_t large = 18446744073709551615ULL; // 2^64 - 1: the trials' seeds wrap, as the CLI's do
    seed->setValue(large);
    // Shown whole (the walkthrough at 1280x800 found a field one digit wide).
    auto* edit = seed->findChild<QLineEdit*>();
    QVERIFY2(edit->width() >= edit->fontMetrics().horizontalAdvance(edit->text()),
             qPrintable(QStringLiteral("%1 px for %2").arg(edit->width()).arg(edit->text())));
    QSignalSpy finished(&view, &ServingView::finished);
    QVERIFY(view.simulate());
    QVERIFY(finished.wait(kTimeoutMs));
    QCOMPARE(finished.takeFirst().at(0).toBool(), true);
    QVERIFY(view.outcome().has_value());
    QCOMPARE(view.outcome()->options.seed, large);
    // Another seed after a result says the result is older than the form.
    seed->stepBy(-1);
    QCOMPARE(seed->value(), large - 1);
    QVERIFY(view.status().startsWith(QStringLiteral("Settings changed")));
}

QTEST_MAIN(ServingViewTest)
#include "ServingViewTest.moc"
