#include "plots/LossPlot.h"
#include "plots/PlotInteractor.h"
#include "plots/QcpInclude.h"
#include "plots/RedrawThrottle.h"

#include <QElapsedTimer>
#include <QImage>
#include <QSignalSpy>
#include <QSlider>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <limits>

using parity::gui::LossPlot;

namespace {

parity::BatchStats batch(int epoch, int64_t index, int64_t count, double loss, const std::string& split = "train")
{
    parity::BatchStats b;
    b.epoch = epoch;
    b.split = split;
    b.batch = index;
    b.batches = count;
    b.batchLoss = loss;
    b.runningLoss = loss * 0.9;
    return b;
}

parity::EpochSummary epoch(int index, double trainLoss, double valLoss, double testLoss)
{
    parity::EpochSummary e;
    e.epoch = index;
    e.splits["train"].loss = trainLoss;
    e.splits["val"].loss = valLoss;
    e.splits["test"].loss = testLoss;
    return e;
}

QPoint pixelOf(QCPGraph* graph, int index)
{
    const auto it = graph->data()->at(index);
    return QPoint(qRound(graph->keyAxis()->coordToPixel(it->key)), qRound(graph->valueAxis()->coordToPixel(it->value)));
}

} // namespace

class LossPlotTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void floodIsThrottled();
    void batchesLandOnSeries_data();
    void batchesLandOnSeries();
    void batchKeyIsFractionalEpoch();
    void epochsLandOnSeries();
    void smoothingChangesValuesNotCount();
    void sliderDrivesSmoothing();
    void logScale();
    void legendClickTogglesSeries();
    void showRecordShowsEpochs();
    void clearEmpties();
    void emptyAxesSaySo();
    void aRunWithoutALossSaysSo();
    void runsToComeWithoutALossSaySo();
    void hoverReadout();
    void userZoomStopsFollowing();
    void exportImage_data();
    void exportImage();
};

void LossPlotTest::floodIsThrottled()
{
    LossPlot plot;
    plot.resize(800, 500);
    plot.show();
    QVERIFY(QTest::qWaitForWindowExposed(&plot));
    QCoreApplication::processEvents();
    const int before = plot.redrawCount();
    QElapsedTimer clock;
    clock.start();
    for (int i = 0; i < 2000; ++i)
        plot.addBatch(batch(i / 100, i % 100 + 1, 100, 1.0 / (1 + i)));
    QTest::qWait(300);
    const double seconds = clock.elapsed() / 1000.0;
    const int redraws = plot.redrawCount() - before;
    QVERIFY2(redraws >= 1, "the data must be drawn");
    QVERIFY2(redraws <= int(seconds * 25) + 2,
             qPrintable(QStringLiteral("%1 redraws in %2 s").arg(redraws).arg(seconds)));
    QCOMPARE(plot.pointCount(LossPlot::kBatchLoss), 2000);
    QCOMPARE(plot.pointCount(LossPlot::kRunningLoss), 2000);
}

void LossPlotTest::batchesLandOnSeries_data()
{
    QTest::addColumn<QString>("split");
    QTest::addColumn<int>("expected");
    QTest::newRow("train") << "train" << 3;
    QTest::newRow("val batches are left out") << "val" << 0;
    QTest::newRow("test batches are left out") << "test" << 0;
}

void LossPlotTest::batchesLandOnSeries()
{
    QFETCH(QString, split);
    QFETCH(int, expected);
    LossPlot plot;
    for (int i = 1; i <= 3; ++i)
        plot.addBatch(batch(0, i, 3, 0.5, split.toStdString()));
    QCOMPARE(plot.pointCount(LossPlot::kBatchLoss), expected);
    QCOMPARE(plot.pointCount(LossPlot::kRunningLoss), expected);
    for (const QString s : {"train", "val", "test"})
        QCOMPARE(plot.pointCount(LossPlot::epochSeriesName(s)), 0);
}

void LossPlotTest::batchKeyIsFractionalEpoch()
{
    LossPlot plot;
    plot.addBatch(batch(1, 5, 10, 0.25));
    plot.addBatch(batch(1, 10, 10, 0.125));
    plot.addEpoch(epoch(1, 0.2, 0.3, 0.4));
    QCPGraph* batches = plot.series(LossPlot::kBatchLoss);
    QCOMPARE(batches->data()->at(0)->key, 1.5);
    QCOMPARE(batches->data()->at(0)->value, 0.25);
    QCOMPARE(plot.series(LossPlot::kRunningLoss)->data()->at(0)->value, 0.25 * 0.9);
    // The last batch of epoch 1 (0-based) and the epoch's point share x = 2.
    QCOMPARE(batches->data()->at(1)->key, 2.0);
    QCOMPARE(plot.series("train loss")->data()->at(0)->key, 2.0);
}

void LossPlotTest::epochsLandOnSeries()
{
    LossPlot plot;
    plot.addEpoch(epoch(0, 1.0, 2.0, 3.0));
    plot.addEpoch(epoch(1, 0.5, 1.5, 2.5));
    QCOMPARE(plot.pointCount("train loss"), 2);
    QCOMPARE(plot.pointCount("val loss"), 2);
    QCOMPARE(plot.pointCount("test loss"), 2);
    QCOMPARE(plot.series("val loss")->data()->at(1)->value, 1.5);
    QCOMPARE(plot.series("test loss")->data()->at(0)->key, 1.0);
    QCOMPARE(plot.pointCount(LossPlot::kBatchLoss), 0);
    QCOMPARE(plot.pointCount("no such series"), -1);
}

void LossPlotTest::smoothingChangesValuesNotCount()
{
    LossPlot plot;
    for (int i = 1; i <= 50; ++i)
        plot.addBatch(batch(0, i, 50, i % 2 ? 1.0 : 0.0));
    QCPGraph* graph = plot.series(LossPlot::kBatchLoss);
    QCOMPARE(graph->data()->at(1)->value, 0.0); // raw

    plot.setSmoothing(90);
    QCOMPARE(plot.smoothing(), 90);
    QCOMPARE(plot.pointCount(LossPlot::kBatchLoss), 50);
    QCOMPARE(graph->data()->at(0)->value, 1.0); // the average starts at the first value
    QVERIFY(qAbs(graph->data()->at(1)->value - 0.9) < 1e-12);
    QVERIFY(graph->data()->at(49)->value > 0.1 && graph->data()->at(49)->value < 0.9);
    QCOMPARE(plot.series(LossPlot::kRunningLoss)->data()->at(1)->value, 0.0); // not smoothed

    // New batches continue the average instead of restarting it.
    plot.addBatch(batch(1, 1, 50, 1.0));
    const double expected = 0.9 * graph->data()->at(49)->value + 0.1 * 1.0;
    QVERIFY(qAbs(graph->data()->at(50)->value - expected) < 1e-12);

    plot.setSmoothing(0);
    QCOMPARE(graph->data()->at(1)->value, 0.0);
    QCOMPARE(plot.pointCount(LossPlot::kBatchLoss), 51);
}

void LossPlotTest::sliderDrivesSmoothing()
{
    LossPlot plot;
    auto* slider = plot.findChild<QSlider*>();
    QVERIFY(slider);
    slider->setValue(42);
    QCOMPARE(plot.smoothing(), 42);
    plot.setSmoothing(7);
    QCOMPARE(slider->value(), 7);
}

void LossPlotTest::logScale()
{
    LossPlot plot;
    plot.addBatch(batch(0, 1, 2, 0.5));
    plot.addBatch(batch(0, 2, 2, 0.0)); // no place on a log axis
    QCPAxis* y = plot.customPlot()->yAxis;
    QCOMPARE(y->scaleType(), QCPAxis::stLinear);

    plot.setLogScale(true);
    QVERIFY(plot.logScale());
    QCOMPARE(y->scaleType(), QCPAxis::stLogarithmic);
    QVERIFY(y->ticker().dynamicCast<QCPAxisTickerLog>());
    QCPGraph* graph = plot.series(LossPlot::kBatchLoss);
    QCOMPARE(graph->dataCount(), 2);
    QVERIFY(std::isnan(graph->data()->at(1)->value));
    QVERIFY(y->range().lower > 0);
    plot.addBatch(batch(1, 1, 2, -1.0)); // live data is guarded as well
    QVERIFY(std::isnan(graph->data()->at(2)->value));

    plot.setLogScale(false);
    QCOMPARE(y->scaleType(), QCPAxis::stLinear);
    QVERIFY(!y->ticker().dynamicCast<QCPAxisTickerLog>());
    QCOMPARE(graph->data()->at(1)->value, 0.0);
    QCOMPARE(graph->data()->at(2)->value, -1.0);
}

void LossPlotTest::legendClickTogglesSeries()
{
    LossPlot plot;
    plot.resize(800, 500);
    plot.show();
    QVERIFY(QTest::qWaitForWindowExposed(&plot));
    plot.addEpoch(epoch(0, 1.0, 2.0, 3.0));
    plot.customPlot()->replot(); // lays out the legend
    QCPGraph* val = plot.series("val loss");
    QCPPlottableLegendItem* item = plot.customPlot()->legend->itemWithPlottable(val);
    QVERIFY(item);
    const QPoint where = item->rect().center();

    QSignalSpy clicks(plot.customPlot(), &QCustomPlot::legendClick);
    QTest::mouseClick(plot.customPlot(), Qt::LeftButton, {}, where);
    QCOMPARE(clicks.count(), 1);
    QVERIFY(!val->visible());
    QVERIFY(!plot.isSeriesVisible("val loss"));
    QCOMPARE(item->textColor(), QColor(160, 160, 160));

    QTest::mouseClick(plot.customPlot(), Qt::LeftButton, {}, where);
    QVERIFY(val->visible());
    QCOMPARE(item->textColor(), plot.customPlot()->legend->textColor());

    QVERIFY(plot.setSeriesVisible("train loss", false));
    QVERIFY(!plot.isSeriesVisible("train loss"));
    QVERIFY(!plot.setSeriesVisible("no such series", false));
}

void LossPlotTest::showRecordShowsEpochs()
{
    LossPlot plot;
    plot.addBatch(batch(0, 1, 1, 0.7)); // replaced by the record
    parity::gui::RunRecord record;
    for (int i = 0; i < 3; ++i)
        record.epochs.push_back(epoch(i, 1.0 / (i + 1), 1.5 / (i + 1), 2.0 / (i + 1)));
    plot.showRecord(record);
    for (const QString split : {"train", "val", "test"})
        QCOMPARE(plot.pointCount(LossPlot::epochSeriesName(split)), 3);
    QCOMPARE(plot.pointCount(LossPlot::kBatchLoss), 0);
    QCOMPARE(plot.series("test loss")->data()->at(2)->key, 3.0);
    QVERIFY(plot.isFollowingData());
}

void LossPlotTest::clearEmpties()
{
    LossPlot plot;
    plot.addBatch(batch(0, 1, 1, 0.7));
    plot.addEpoch(epoch(0, 1.0, 2.0, 3.0));
    plot.clear();
    for (const QString& name : plot.seriesNames())
        QCOMPARE(plot.pointCount(name), 0);
    QCOMPARE(plot.seriesNames().size(), 5);
}

// An empty plot said nothing and spanned epochs 0 to 5 (QCustomPlot's
// default) beside an accuracy plot at epoch 1: it now says what will appear
// and spans one epoch, until the first point and again after clear().
// A Berrut run trains nothing and computes no loss (NaN). The plot drew a
// flat line at 0 on axes from -4e-5 to 4e-5; now it draws nothing and says why.
void LossPlotTest::aRunWithoutALossSaysSo()
{
    LossPlot plot;
    plot.resize(800, 400);
    plot.show();
    QVERIFY(QTest::qWaitForWindowExposed(&plot));
    const double none = std::numeric_limits<double>::quiet_NaN();
    parity::BatchStats b = batch(0, 1, 10, none);
    b.runningLoss = none;
    plot.redrawNow();
    const int axesWidth = plot.customPlot()->axisRect()->width();
    plot.addBatch(b);
    plot.addEpoch(epoch(0, none, none, none));
    plot.redrawNow();
    // The legend's column goes with it: no empty strip beside the axes.
    QVERIFY2(plot.customPlot()->axisRect()->width() > axesWidth + 60,
             qPrintable(QStringLiteral("%1 -> %2 px").arg(axesWidth).arg(plot.customPlot()->axisRect()->width())));
    for (const QString& name : plot.seriesNames())
        QCOMPARE(plot.pointCount(name), 0);
    QVERIFY2(plot.emptyNote().startsWith("No loss: this run trains nothing."), qPrintable(plot.emptyNote()));
    QCOMPARE(plot.customPlot()->yAxis->range(), QCPRange(0, 1));
    QVERIFY2(!plot.customPlot()->legend->visible(), "a legend of series that never come");
    // A run loaded after it has its loss again, and the first note comes back with clear().
    plot.clear();
    plot.redrawNow();
    QVERIFY2(plot.emptyNote().startsWith("No batch yet."), qPrintable(plot.emptyNote()));
    QVERIFY(plot.customPlot()->legend->visible());
    QCOMPARE(plot.customPlot()->axisRect()->width(), axesWidth);
    // With a title (the Monitor page's) the legend comes back beside the
    // axes, not beside the title above them (review of 455d856).
    plot.setTitle(QStringLiteral("mnist · base-mlp · k=2 r=2 · Berrut/Berrut"));
    plot.addEpoch(epoch(0, none, none, none));
    plot.clear();
    plot.redrawNow();
    const QRect axes = plot.customPlot()->axisRect()->outerRect();
    const QRect legend = plot.customPlot()->legend->outerRect();
    QVERIFY2(legend.top() >= axes.top() && legend.left() >= axes.right(),
             qPrintable(QStringLiteral("legend at %1,%2; axes %3..%4 from %5")
                            .arg(legend.left())
                            .arg(legend.top())
                            .arg(axes.left())
                            .arg(axes.right())
                            .arg(axes.top())));
    plot.addEpoch(epoch(0, 1.5, 1.6, 1.7));
    plot.redrawNow();
    QCOMPARE(plot.pointCount("val loss"), 1);
    QCOMPARE(plot.emptyNote(), QString());
}

// Before Start (MonitorPage::onQueueChanged): runs that will train nothing
// are announced on the empty axes, without the legend; a plot with data is
// not touched.
void LossPlotTest::runsToComeWithoutALossSaySo()
{
    LossPlot plot;
    plot.resize(800, 400);
    plot.show();
    QVERIFY(QTest::qWaitForWindowExposed(&plot));
    plot.redrawNow();
    const int axesWidth = plot.customPlot()->axisRect()->width();
    plot.expectNoLoss(true);
    QVERIFY2(plot.emptyNote().startsWith("No loss to come"), qPrintable(plot.emptyNote()));
    QVERIFY(!plot.customPlot()->legend->visible());
    QVERIFY(plot.customPlot()->axisRect()->width() > axesWidth + 60);
    plot.expectNoLoss(false);
    QVERIFY2(plot.emptyNote().startsWith("No batch yet."), qPrintable(plot.emptyNote()));
    QVERIFY(plot.customPlot()->legend->visible());
    QCOMPARE(plot.customPlot()->axisRect()->width(), axesWidth);

    plot.addBatch(batch(0, 1, 10, 0.5));
    plot.expectNoLoss(true);
    QCOMPARE(plot.pointCount(LossPlot::kBatchLoss), 1);
    QVERIFY(plot.customPlot()->legend->visible());
}

void LossPlotTest::emptyAxesSaySo()
{
    LossPlot plot;
    plot.resize(800, 400);
    plot.show();
    QVERIFY(QTest::qWaitForWindowExposed(&plot));
    // As first drawn (the walkthrough at 1280x800 still showed 0 to 5 until a redraw).
    QVERIFY2(plot.emptyNote().startsWith("No batch yet."), qPrintable(plot.emptyNote()));
    QCOMPARE(plot.customPlot()->xAxis->range(), QCPRange(0, 1));
    QCOMPARE(plot.customPlot()->yAxis->range(), QCPRange(0, 1));
    plot.addBatch(batch(0, 1, 10, 0.7));
    plot.throttle()->flush();
    QCOMPARE(plot.emptyNote(), QString());
    QVERIFY(plot.customPlot()->yAxis->range().lower > 0.5); // follows the data now (0.63 .. 0.7)
    // Series the user hid still hold points: the plot is not empty.
    const QCPRange shown = plot.customPlot()->yAxis->range();
    for (const QString& name : plot.seriesNames())
        plot.setSeriesVisible(name, false);
    plot.redrawNow();
    QCOMPARE(plot.emptyNote(), QString());
    QCOMPARE(plot.customPlot()->yAxis->range(), shown); // kept, not the empty plot's 0..1
    plot.clear();
    plot.redrawNow();
    QVERIFY(!plot.emptyNote().isEmpty());
    QCOMPARE(plot.customPlot()->xAxis->range(), QCPRange(0, 1));
}

void LossPlotTest::hoverReadout()
{
    LossPlot plot;
    plot.resize(800, 500);
    plot.show();
    QVERIFY(QTest::qWaitForWindowExposed(&plot));
    plot.addEpoch(epoch(0, 1.0, 2.0, 3.0));
    plot.addEpoch(epoch(1, 0.5, 1.0, 1.5));
    plot.throttle()->flush(); // fits the axes and draws
    QSignalSpy changed(&plot, &LossPlot::readoutChanged);

    const QString text = plot.readoutAt(pixelOf(plot.series("val loss"), 1) + QPoint(3, -2));
    QVERIFY2(text.contains("val loss") && text.contains("epoch 2") && text.contains("1"), qPrintable(text));
    QCOMPARE(plot.readout(), text);
    QCOMPARE(changed.count(), 1);
    QCOMPARE(changed.at(0).at(0).toString(), text);

    // A click on a curve pins the read-out to the clicked point.
    Q_EMIT plot.customPlot()->plottableClick(plot.series("test loss"), 0, nullptr);
    QVERIFY2(plot.readout().startsWith("test loss · epoch 1: 3"), qPrintable(plot.readout()));

    // Far from every point: no read-out.
    QVERIFY(plot.readoutAt(QPoint(2, 2)).isEmpty());
    // A hidden series is not read out.
    plot.setSeriesVisible("val loss", false);
    QVERIFY(!plot.readoutAt(pixelOf(plot.series("val loss"), 1)).contains("val loss"));
}

void LossPlotTest::userZoomStopsFollowing()
{
    LossPlot plot;
    QCOMPARE(plot.customPlot()->interactions() & (QCP::iRangeDrag | QCP::iRangeZoom),
             QCP::Interactions(QCP::iRangeDrag | QCP::iRangeZoom));
    plot.addEpoch(epoch(0, 1.0, 2.0, 3.0));
    QVERIFY(plot.isFollowingData());
    Q_EMIT plot.interactor()->viewChangedByUser();
    QVERIFY(!plot.isFollowingData());
    plot.customPlot()->xAxis->setRange(10, 20);
    plot.addEpoch(epoch(1, 1.0, 2.0, 3.0));
    plot.throttle()->flush();
    QCOMPARE(plot.customPlot()->xAxis->range().lower, 10.0); // the user's view stays
    plot.resetView();
    QVERIFY(plot.isFollowingData());
    QVERIFY(plot.customPlot()->xAxis->range().upper < 10);
}

void LossPlotTest::exportImage_data()
{
    QTest::addColumn<QString>("fileName");
    QTest::addColumn<bool>("ok");
    QTest::newRow("png") << "loss.png" << true;
    QTest::newRow("pdf") << "loss.pdf" << true;
    QTest::newRow("unsupported") << "loss.bmpx" << false;
}

void LossPlotTest::exportImage()
{
    QFETCH(QString, fileName);
    QFETCH(bool, ok);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    LossPlot plot;
    for (int i = 1; i <= 20; ++i)
        plot.addBatch(batch(0, i, 20, 1.0 / i));
    plot.addEpoch(epoch(0, 0.1, 0.2, 0.3));
    const QString path = dir.filePath(fileName);
    QString error;
    QCOMPARE(plot.exportImage(path, &error), ok);
    if (!ok) {
        QVERIFY(!error.isEmpty());
        QVERIFY(!QFile::exists(path));
        return;
    }
    QVERIFY2(error.isEmpty(), qPrintable(error));
    if (fileName.endsWith(".png")) {
        QVERIFY(!QImage(path).isNull());
    } else {
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(file.read(4), QByteArray("%PDF"));
    }
}

QTEST_MAIN(LossPlotTest)
#include "LossPlotTest.moc"
