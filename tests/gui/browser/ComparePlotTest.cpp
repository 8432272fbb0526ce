// ComparePlot with made-up records: one graph per run, metric choice, legend
// toggles, image export.
#include "browser/ComparePlot.h"
#include "plots/LegendList.h"
#include "plots/QcpInclude.h"

#include <QComboBox>
#include <QListWidget>
#include <QPushButton>

#include <limits>

#include <QTemporaryDir>
#include <QtTest>

using parity::gui::ComparePlot;
using parity::gui::RunRecord;

namespace {
RunRecord makeRecord(const QString& header, int epochs, double offset)
{
    RunRecord r;
    r.header = header;
    r.runDir = "/runs/" + header;
    for (int e = 0; e < epochs; ++e) {
        parity::EpochSummary s;
        s.epoch = e;
        for (const char* split : {"train", "val", "test"}) {
            auto& m = s.splits[split];
            m.loss = 10.0 - e - offset;
            m.accuracy["reconstruction_top1"] = 0.1 * e + offset;
            m.accuracy["overall_top1"] = 0.05 * e + offset;
            m.accuracy["reconstruction_top5"] = 0.2 * e + offset;
            m.accuracy["overall_top5"] = 0.15 * e + offset;
        }
        r.epochs.push_back(s);
    }
    return r;
}
} // namespace

class ComparePlotTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void oneGraphPerRecordWithItsName()
    {
        ComparePlot plot;
        QCOMPARE(plot.graphCount(), 0);
        plot.setRecords({makeRecord("run A", 3, 0.0), makeRecord("run B", 5, 0.25)});
        QCOMPARE(plot.graphCount(), 2);
        QCOMPARE(plot.plot()->legend->itemCount(), 2);
        QCOMPARE(plot.plot()->graph(0)->name(), QStringLiteral("run A"));
        QCOMPARE(plot.plot()->graph(1)->name(), QStringLiteral("run B"));
        QCOMPARE(plot.split(), QStringLiteral("val"));
        QCOMPARE(plot.currentMetric(), QStringLiteral("reconstruction_top1"));
        QCOMPARE(plot.plot()->graph(0)->dataCount(), 3);
        QCOMPARE(plot.plot()->graph(1)->dataCount(), 5);
        QCOMPARE(plot.plot()->graph(1)->data()->at(4)->value, 0.1 * 4 + 0.25);
        // Issue 13, item 9: the fifth epoch is epoch 5 (line 5 of the result files).
        QCOMPARE(plot.plot()->graph(1)->data()->at(4)->key, 5.0);
        // Issue 13, item 6: the legend is beside the axes, a list of its own.
        plot.resize(700, 400);
        plot.show();
        QVERIFY(QTest::qWaitForWindowExposed(&plot));
        QCOMPARE(plot.legend()->rowCount(), 2);
        QCOMPARE(plot.legend()->rowText(1), QStringLiteral("run B"));
        QVERIFY(!plot.legend()->geometry().intersects(plot.plot()->geometry()));
        plot.plot()->replot();
        QVERIFY(plot.plot()->axisRect()->rect().right() < plot.plot()->width()); // no room kept for the hidden one
        QVERIFY(!plot.plot()->legend->visible());
        QCOMPARE(plot.availableMetrics(),
                 QStringList({"loss", "reconstruction_top1", "overall_top1", "reconstruction_top5", "overall_top5"}));
        QCOMPARE(plot.availableSplits(), QStringList({"train", "val", "test"}));
    }

    void metricChoice_data()
    {
        QTest::addColumn<QString>("split");
        QTest::addColumn<QString>("metric");
        QTest::addColumn<double>("lastOfA"); // run A, epoch 2
        QTest::newRow("train loss") << "train"
                                    << "loss" << 8.0;
        QTest::newRow("test overall top-5") << "test"
                                            << "overall_top5" << 0.3;
        QTest::newRow("val reconstruction top-5") << "val"
                                                  << "reconstruction_top5" << 0.4;
    }
    void metricChoice()
    {
        QFETCH(QString, split);
        QFETCH(QString, metric);
        QFETCH(double, lastOfA);
        ComparePlot plot;
        plot.setRecords({makeRecord("run A", 3, 0.0), makeRecord("run B", 2, 0.25)});
        QVERIFY(plot.setMetric(split, metric));
        QCOMPARE(plot.split(), split);
        QCOMPARE(plot.currentMetric(), metric);
        QCOMPARE(plot.graphCount(), 2);
        QCOMPARE(plot.plot()->graph(0)->data()->at(2)->value, lastOfA);
        QVERIFY(plot.plot()->yAxis->label().contains(ComparePlot::metricLabel(metric)));
    }

    void unknownMetricIsRefused()
    {
        ComparePlot plot;
        plot.setRecords({makeRecord("run A", 3, 0.0)});
        QVERIFY(!plot.setMetric("val", "overall_top20"));
        QVERIFY(!plot.setMetric("nosplit", "loss"));
        QCOMPARE(plot.currentMetric(), QStringLiteral("reconstruction_top1"));
    }

    void legendTogglesSurviveAMetricChange()
    {
        ComparePlot plot;
        plot.setRecords({makeRecord("run A", 3, 0.0), makeRecord("run B", 2, 0.25)});
        plot.legend()->list()->item(1)->setCheckState(Qt::Unchecked); // as the user unchecks run B
        QVERIFY(plot.isGraphVisible(0));
        QVERIFY(!plot.isGraphVisible(1));
        QVERIFY(plot.setMetric("train", "loss"));
        QVERIFY(!plot.isGraphVisible(1));
        QVERIFY(!plot.legend()->isRowChecked(1));
        plot.setGraphVisible(1, true);
        QVERIFY(plot.isGraphVisible(1));
        QVERIFY(plot.legend()->isRowChecked(1));
    }

    void resetFitsTheVisibleData()
    {
        ComparePlot plot;
        plot.setRecords({makeRecord("run A", 3, 0.0), makeRecord("run B", 5, 0.25)});
        plot.plot()->xAxis->setRange(100, 200);
        plot.resetView();
        QVERIFY(plot.plot()->xAxis->range().contains(1)); // epochs 1..5
        QVERIFY(plot.plot()->xAxis->range().contains(5));
        QVERIFY(plot.plot()->yAxis->range().contains(0.65));
    }

    void exportsAnImage_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<bool>("ok");
        QTest::newRow("png") << "compare.png" << true;
        QTest::newRow("pdf") << "compare.pdf" << true;
        QTest::newRow("unsupported") << "compare.bmpx" << false;
    }
    void exportsAnImage()
    {
        QFETCH(QString, name);
        QFETCH(bool, ok);
        QTemporaryDir tmp;
        ComparePlot plot;
        plot.resize(640, 480);
        plot.setRecords({makeRecord("run A", 3, 0.0), makeRecord("run B", 5, 0.25)});
        QString error;
        QCOMPARE(plot.exportImage(tmp.filePath(name), &error), ok);
        QCOMPARE(QFileInfo(tmp.filePath(name)).size() > 0, ok);
        QCOMPARE(error.isEmpty(), ok);
        // The image has the legend; the plot on screen keeps its list.
        QVERIFY(!plot.plot()->legend->visible());
        QVERIFY(!plot.plot()->legend->layout());
    }

    // Twelve runs on a plot 200 px high: the image is made tall and wide
    // enough for the legend's entries beside the axes, each row whole.
    void theExportedLegendHasRoomForEveryRun()
    {
        QTemporaryDir tmp;
        ComparePlot plot;
        std::vector<RunRecord> records;
        for (int i = 0; i < 12; ++i)
            records.push_back(
                makeRecord(QStringLiteral("fashion-mnist · base-mlp · k=%1 · Add/Sub · MSE").arg(i), 3, 0.01 * i));
        plot.setRecords(records);
        plot.resize(500, 260);
        plot.show();
        QVERIFY(QTest::qWaitForWindowExposed(&plot));
        const int axesWidth = plot.plot()->axisRect()->width();
        QString error;
        QVERIFY2(plot.exportImage(tmp.filePath("many.png"), &error), qPrintable(error));
        const QImage image(tmp.filePath("many.png"));
        QCPLegend* legend = plot.plot()->legend;
        const QSize needed = legend->minimumOuterSizeHint();
        QVERIFY2(image.height() >= needed.height(),
                 qPrintable(QStringLiteral("%1 px high for a legend of %2").arg(image.height()).arg(needed.height())));
        QVERIFY(image.width() >= plot.plot()->width() + needed.width());
        // Nothing cut at the right edge: the last columns are background.
        for (int x = image.width() - 3; x < image.width(); ++x)
            for (int y = 0; y < image.height(); ++y)
                QVERIFY2(qGray(image.pixel(x, y)) > 200, qPrintable(QStringLiteral("ink at %1,%2").arg(x).arg(y)));
        plot.plot()->replot();
        QCOMPARE(plot.plot()->axisRect()->width(), axesWidth); // the plot on screen is as it was
    }

    void noRecordsIsAnEmptyPlot()
    {
        ComparePlot plot;
        plot.setRecords({makeRecord("run A", 3, 0.0)});
        plot.setRecords({});
        QCOMPARE(plot.graphCount(), 0);
        QVERIFY(!plot.plot()->legend->visible()); // issue 13, item 12: no empty legend
        plot.resetView();
        // No epoch 0 or below on the empty axes: epochs count from 1.
        QCOMPARE(plot.plot()->xAxis->range(), QCPRange(0.5, 1.5));
        QCOMPARE(plot.plot()->yAxis->range().lower, -0.05);
    }

    // Walkthrough leftover: with no run compared, the plot offered only
    // "loss" and said nothing. It says how to compare runs, keeps the curve
    // runs are compared by (val reconstruction top-1) and greys its choosers.
    // Runs that lack the chosen curve (a Berrut run's loss) say so too.
    void theEmptyPlotSaysWhatToDo()
    {
        ComparePlot plot;
        QCOMPARE(plot.emptyNote(), ComparePlot::noRunsText());
        QCOMPARE(plot.split(), QStringLiteral("val"));
        QCOMPARE(plot.currentMetric(), QStringLiteral("reconstruction_top1"));
        QList<QWidget*> choosers;
        for (QComboBox* combo : plot.findChildren<QComboBox*>())
            choosers << combo;
        for (QPushButton* button : plot.findChildren<QPushButton*>())
            choosers << button; // Reset view, Export image...
        QCOMPARE(choosers.size(), 4);
        for (const QWidget* w : choosers)
            QVERIFY(!w->isEnabled());

        plot.setRecords({makeRecord("run A", 3, 0.0)});
        QCOMPARE(plot.emptyNote(), QString());
        for (const QWidget* w : choosers)
            QVERIFY(w->isEnabled());
        // A run with no epoch yet (running, or failed before its first).
        plot.setRecords({makeRecord("run A", 0, 0.0), makeRecord("run B", 0, 0.0)});
        QCOMPARE(plot.emptyNote(), QStringLiteral("The compared runs have no epoch yet."));

        RunRecord berrut = makeRecord("berrut", 2, 0.0);
        for (auto& e : berrut.epochs)
            for (auto& [split, metrics] : e.splits)
                metrics.loss = std::numeric_limits<double>::quiet_NaN();
        plot.setRecords({berrut});
        QVERIFY(plot.setMetric(QStringLiteral("val"), QStringLiteral("loss")));
        QVERIFY2(plot.emptyNote().startsWith(QStringLiteral("No val loss in the compared run.")),
                 qPrintable(plot.emptyNote()));
        QVERIFY(plot.setMetric(QStringLiteral("val"), QStringLiteral("overall_top1")));
        QCOMPARE(plot.emptyNote(), QString());

        plot.setRecords({});
        QCOMPARE(plot.emptyNote(), ComparePlot::noRunsText());
    }
};

QTEST_MAIN(ComparePlotTest)
#include "ComparePlotTest.moc"
