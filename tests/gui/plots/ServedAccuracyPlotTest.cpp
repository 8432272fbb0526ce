// ServedAccuracyPlot (issue 14): one curve per run from its served accuracy,
// the no-redundancy baselines, both axes, the note on runs not drawn, legend
// toggles and the exports.
#include "plots/LegendList.h"
#include "plots/QcpInclude.h"
#include "plots/ServedAccuracyPlot.h"

#include <QListWidget>
#include <QTemporaryDir>
#include <QtTest>

using parity::gui::RunRecord;
using parity::gui::ServedAccuracyPlot;

namespace {

/// A record with a served accuracy for k = 2: the code loses `loss` per
/// missing prediction, no redundancy loses `baseLoss`.
RunRecord servedRecord(const QString& name, double base, double loss, double baseLoss)
{
    RunRecord r;
    r.header = name;
    r.runDir = QStringLiteral("/runs/") + name;
    parity::ServedAccuracy s;
    for (int e = 0; e <= 2; ++e) {
        s.byErased.push_back(base - loss * e);
        s.noRedundancyByErased.push_back(base - baseLoss * e);
    }
    for (int i = 0; i <= 10; ++i) {
        const double f = 0.05 * i;
        s.fractions.push_back(f);
        s.byFraction.push_back(parity::expectedServedAccuracy(s.byErased, f));
        s.noRedundancyByFraction.push_back(parity::expectedServedAccuracy(s.noRedundancyByErased, f));
    }
    r.served = s;
    return r;
}

} // namespace

class ServedAccuracyPlotTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void oneCurvePerRunAndOneBaseline()
    {
        ServedAccuracyPlot plot;
        plot.setRecords({servedRecord("parm", 0.9, 0.01, 0.2), servedRecord("berrut", 0.9, 0.03, 0.2)});
        QCOMPARE(plot.graphNames(), (QStringList{"parm", "berrut", "no redundancy"}));
        const QVector<QPointF> parm = plot.graphPoints("parm");
        QCOMPARE(parm.size(), 11);
        QCOMPARE(parm[0], QPointF(0, 0.9));
        // f = 0.5, k = 2: 1/4 (e = 0) + 1/2 (e = 1) + 1/4 (e = 2).
        QVERIFY(qAbs(parm[10].y() - (0.25 * 0.9 + 0.5 * 0.89 + 0.25 * 0.88)) < 1e-12);
        const QVector<QPointF> none = plot.graphPoints("no redundancy");
        QVERIFY(qAbs(none[10].y() - (0.25 * 0.9 + 0.5 * 0.7 + 0.25 * 0.5)) < 1e-12);
        QVERIFY(plot.note().startsWith("Accuracy of the predictions users are served"));
        QCOMPARE(plot.plot()->xAxis->label(), QStringLiteral("fraction of predictions unavailable f"));
    }

    void theErasedAxis()
    {
        ServedAccuracyPlot plot;
        plot.setRecords({servedRecord("parm", 0.9, 0.01, 0.2)});
        plot.setAxis(ServedAccuracyPlot::Axis::Erased);
        QCOMPARE(plot.graphPoints("parm"), (QVector<QPointF>{{0, 0.9}, {1, 0.89}, {2, 0.88}}));
        QCOMPARE(plot.graphPoints("no redundancy"), (QVector<QPointF>{{0, 0.9}, {1, 0.7}, {2, 0.5}}));
        QVERIFY(plot.plot()->xAxis->label().contains(" e"));
        plot.setAxis(ServedAccuracyPlot::Axis::Fraction);
        QCOMPARE(plot.graphPoints("parm").size(), 11);
    }

    // Runs on different base models (or k) have different baselines: one
    // each, named by k and base accuracy.
    void differingBaselinesAreNamed()
    {
        ServedAccuracyPlot plot;
        plot.setRecords({servedRecord("a", 0.9, 0.01, 0.2), servedRecord("b", 0.8, 0.01, 0.2)});
        const QStringList names = plot.graphNames();
        QCOMPARE(names.size(), 4);
        QCOMPARE(names[2], QStringLiteral("no redundancy (k=2, base 0.9000)"));
        QCOMPARE(names[3], QStringLiteral("no redundancy (k=2, base 0.8000)"));
    }

    // One baseline curve shared by runs of several k is named by all of them
    // (it was named by the first run's k alone).
    void aSharedBaselineNamesEveryK()
    {
        ServedAccuracyPlot plot;
        RunRecord k3 = servedRecord("k3", 0.9, 0.01, 0.2);
        k3.served->byErased.push_back(0.87); // e = 3: a k = 3 run, its baseline's e = 3 as well
        k3.served->noRedundancyByErased.push_back(0.3);
        plot.setRecords({servedRecord("a", 0.9, 0.01, 0.2), servedRecord("b", 0.8, 0.01, 0.2), k3});
        plot.setAxis(ServedAccuracyPlot::Axis::Erased); // by e the k = 3 baseline has a point more
        QStringList names = plot.graphNames();
        QCOMPARE(names.size(), 3 + 3);
        QCOMPARE(names[3], QStringLiteral("no redundancy (k=2, base 0.9000)"));
        QCOMPARE(names[5], QStringLiteral("no redundancy (k=3, base 0.9000)"));
        // By f the k = 2 and k = 3 baselines of the same base are one curve when their points agree.
        k3.served->noRedundancyByFraction = servedRecord("x", 0.9, 0.01, 0.2).served->noRedundancyByFraction;
        plot.setRecords({servedRecord("a", 0.9, 0.01, 0.2), servedRecord("b", 0.8, 0.01, 0.2), k3});
        plot.setAxis(ServedAccuracyPlot::Axis::Fraction);
        names = plot.graphNames();
        QCOMPARE(names.size(), 3 + 2);
        QCOMPARE(names[3], QStringLiteral("no redundancy (k=2,3, base 0.9000)"));
        QCOMPARE(names[4], QStringLiteral("no redundancy (k=2, base 0.8000)"));
    }

    void runsWithoutServedAccuracyAreListed()
    {
        ServedAccuracyPlot plot;
        RunRecord plain;
        plain.header = "localization run";
        RunRecord damaged;
        damaged.header = "damaged run";
        damaged.servedProblem = "/runs/x/served_accuracy.csv: line 3: expected ...";
        plot.setRecords({servedRecord("parm", 0.9, 0.01, 0.2), plain, damaged});
        QCOMPARE(plot.graphNames(), (QStringList{"parm", "no redundancy"}));
        QVERIFY2(plot.note().contains("localization run (no served_accuracy.csv)"), qPrintable(plot.note()));
        QVERIFY2(plot.note().contains("damaged run (/runs/x/served_accuracy.csv: line 3"), qPrintable(plot.note()));
        plot.setRecords({});
        QVERIFY(plot.graphNames().isEmpty());
        QVERIFY(!plot.plot()->legend->visible());
        QVERIFY(plot.note().startsWith("No run shown"));
    }

    void legendTogglesACurve()
    {
        ServedAccuracyPlot plot;
        plot.setRecords({servedRecord("parm", 0.9, 0.01, 0.2), servedRecord("berrut", 0.9, 0.03, 0.2)});
        QCOMPARE(plot.legend()->rowCount(), 3);
        QCOMPARE(plot.legend()->rowText(2), QStringLiteral("no redundancy"));
        plot.legend()->list()->item(1)->setCheckState(Qt::Unchecked); // as the user unchecks "berrut"
        QVERIFY(!plot.isGraphVisible("berrut"));
        QVERIFY(plot.setGraphVisible("berrut", false));
        QVERIFY(!plot.isGraphVisible("berrut"));
        plot.setAxis(ServedAccuracyPlot::Axis::Erased); // stays hidden across a redraw
        QVERIFY(!plot.isGraphVisible("berrut"));
        QVERIFY(plot.isGraphVisible("parm"));
        QVERIFY(!plot.legend()->isRowChecked(1));
        QVERIFY(plot.setGraphVisible("berrut", true));
        QVERIFY(plot.legend()->isRowChecked(1));
        QVERIFY(!plot.setGraphVisible("absent", false));
    }

    // Two runs of one name (two save directories, say): a row hides its own
    // curve, greyed at once, and stays the only one hidden across a redraw.
    void aRowHidesItsOwnCurveEvenUnderASharedName()
    {
        ServedAccuracyPlot plot;
        RunRecord first = servedRecord("same", 0.9, 0.01, 0.2);
        RunRecord second = servedRecord("same", 0.9, 0.03, 0.2);
        second.runDir = QStringLiteral("/elsewhere/same");
        plot.setRecords({first, second});
        QListWidget* list = plot.legend()->list();
        list->item(1)->setCheckState(Qt::Unchecked);
        QVERIFY(plot.plot()->graph(0)->visible());
        QVERIFY(!plot.plot()->graph(1)->visible());
        QCOMPARE(list->item(1)->foreground().color(), list->palette().color(QPalette::Disabled, QPalette::Text));
        plot.setAxis(ServedAccuracyPlot::Axis::Erased);
        QVERIFY(plot.plot()->graph(0)->visible());
        QVERIFY(!plot.plot()->graph(1)->visible());
        QVERIFY(plot.legend()->isRowChecked(0));
        QVERIFY(!plot.legend()->isRowChecked(1));
    }

    void exports()
    {
        QTemporaryDir tmp;
        ServedAccuracyPlot plot;
        plot.resize(600, 400);
        RunRecord named = servedRecord("parm", 0.9, 0.01, 0.2);
        named.header = "fashion-mnist, k=2"; // a comma: quoted in the CSV
        plot.setRecords({named, RunRecord{}});
        QString error;
        QVERIFY2(plot.exportImage(tmp.filePath("served.png"), &error), qPrintable(error));
        QVERIFY(!QImage(tmp.filePath("served.png")).isNull());
        QVERIFY2(plot.exportCsv(tmp.filePath("served.csv"), &error), qPrintable(error));
        QFile file(tmp.filePath("served.csv"));
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QStringList lines = QString::fromUtf8(file.readAll()).split('\n', Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 1 + 3 + 11); // header, e = 0..2, f = 0..0.5; the run without a table adds none
        QCOMPARE(lines[0], QStringLiteral("run,run_dir,measure,value,served_accuracy,no_redundancy"));
        QCOMPARE(lines[2], QStringLiteral("\"fashion-mnist, k=2\",/runs/parm,erased,1,0.89,0.7"));
        QVERIFY2(lines[4].startsWith("\"fashion-mnist, k=2\",/runs/parm,fraction,0.0,0.9,0.9"), qPrintable(lines[4]));
        QVERIFY(!plot.exportCsv(tmp.filePath("absent/dir/served.csv"), &error));
        QVERIFY2(error.contains("absent/dir/served.csv"), qPrintable(error));
    }
};

QTEST_MAIN(ServedAccuracyPlotTest)
#include "ServedAccuracyPlotTest.moc"
