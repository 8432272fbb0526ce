#include "plots/AccuracyPlot.h"
#include "plots/LegendList.h"
#include "plots/PlotInteractor.h"
#include "plots/QcpInclude.h"
#include "plots/RedrawThrottle.h"

#include <QCheckBox>
#include <QComboBox>
#include <QElapsedTimer>
#include <QImage>
#include <QListWidget>
#include <QScrollBar>
#include <QStyleOptionViewItem>
#include <QTemporaryDir>
#include <QtTest>

using parity::gui::AccuracyPlot;
using parity::gui::LegendList;

namespace {

/// Accuracies that tell apart split, kind and n: split base + kind offset + n/100.
double accuracyOf(const std::string& split, const std::string& kind, int n, int epoch)
{
    const double splitBase = split == "train" ? 0.5 : split == "val" ? 0.4 : 0.3;
    return splitBase + (kind == "overall" ? 0.1 : 0.0) + n / 100.0 + epoch / 1000.0;
}

parity::EpochSummary epoch(int index, const std::vector<int>& ns = {1, 2, 5, 10})
{
    parity::EpochSummary e;
    e.epoch = index;
    for (const std::string split : {"train", "val", "test"})
        for (const std::string kind : {"reconstruction", "overall"})
            for (const int n : ns)
                e.splits[split].accuracy[kind + "_top" + std::to_string(n)] = accuracyOf(split, kind, n, index);
    return e;
}

/// A localization run's epoch (LocalizationMetrics keys, issue 4 item 7).
parity::EpochSummary boxEpoch(int index)
{
    parity::EpochSummary e;
    e.epoch = index;
    for (const std::string split : {"train", "val", "test"}) {
        auto& a = e.splits[split].accuracy;
        a["localization_acc"] = 0.1 + index / 100.0;
        a["reconstruction_acc"] = 0.2 + index / 100.0;
        a["mean_iou"] = 0.3 + index / 100.0;
        a["mean_reconstruction_iou"] = 0.4 + index / 100.0;
    }
    return e;
}

/// An epoch of a run scored with e = 1 and 2 missing predictions (r = 2,
/// issue 14): plain keys for e = 1, "<key>_e2" for e = 2 (0.2 lower).
parity::EpochSummary twoErasuresEpoch(int index)
{
    parity::EpochSummary e = epoch(index, {1, 2});
    for (auto& [split, metrics] : e.splits) {
        std::map<std::string, double> more;
        for (const auto& [key, value] : metrics.accuracy)
            more[key + "_e2"] = value - 0.2;
        metrics.accuracy.insert(more.begin(), more.end());
    }
    return e;
}

/// A Berrut run's epoch (k = 2, r = 2): scored with e = 0, 1 and 2 missing
/// predictions, "<key>_e0" and "<key>_e2" beside the plain e = 1 keys.
parity::EpochSummary berrutEpoch(int index)
{
    parity::EpochSummary e = twoErasuresEpoch(index);
    for (auto& [split, metrics] : e.splits)
        for (const std::string kind : {"reconstruction", "overall"})
            for (const int n : {1, 2})
                metrics.accuracy[kind + "_top" + std::to_string(n) + "_e0"] = 0.95;
    return e;
}

/// The row of `name` in the plot's legend list, -1 if none.
int rowOf(const AccuracyPlot& plot, const QString& name)
{
    for (int row = 0; row < plot.legendList()->rowCount(); ++row)
        if (plot.legendList()->rowText(row) == name)
            return row;
    return -1;
}

std::vector<parity::BaseAccuracy> bases() { return {{"train", 900, 1000}, {"test", 8947, 10000}}; }

} // namespace

class AccuracyPlotTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void floodIsThrottled();
    void epochLandsOnSeries_data();
    void epochLandsOnSeries();
    void batchesAreIgnored();
    void topNChoices();
    void topNFallsBackToDataN();
    void baseLines();
    void filtersHideSeriesAndLegendEntries();
    void legendClickTogglesSeries();
    void showRecord();
    void localizationEpochs_data();
    void localizationEpochs();
    void hoverReadout();
    void exportImage_data();
    void exportImage();
    void theLegendCoversNoData();
    void eighteenCurvesStayReadable();
    void aBaseLabelNearTheTopStaysInside();
    void oneCurvePerErasedCount();
    void erasedFilterHidesItsCurves();
    void clearForgetsErasedCounts();
    void emptyAxesSaySo();
    void hidingEveryCurveKeepsTheAxes();
};

// Issue 14: a run scored with e = 1, 2 gets a curve per e, named "... e=<e>",
// each holding that e's values for every epoch.
void AccuracyPlotTest::oneCurvePerErasedCount()
{
    AccuracyPlot plot;
    for (int i = 0; i < 3; ++i)
        plot.addEpoch(twoErasuresEpoch(i));
    QCOMPARE(plot.erasedCounts(), (std::vector<int>{1, 2}));
    const QStringList names = plot.seriesNames();
    QVERIFY2(names.contains("test reconstruction top-1 e=1"), qPrintable(names.join(", ")));
    QVERIFY2(names.contains("test reconstruction top-1 e=2"), qPrintable(names.join(", ")));
    QVERIFY(!names.contains("test reconstruction top-1"));
    QCOMPARE(plot.pointCount("val overall top-1 e=2"), 3);
    QCOMPARE(plot.pointCount("val overall top-1 e=1"), 3);
    const QCPGraph* e2 = plot.series("val overall top-1 e=2");
    QVERIFY(e2);
    QCOMPARE(e2->data()->at(2)->value, accuracyOf("val", "overall", 1, 2) - 0.2);
    QCOMPARE(plot.series("val overall top-1 e=1")->data()->at(2)->value, accuracyOf("val", "overall", 1, 2));
    // The top-n series follow n per e too.
    plot.setShown("top-n", true);
    QCOMPARE(plot.series("test reconstruction top-2 e=2")->data()->at(0)->value,
             accuracyOf("test", "reconstruction", 2, 0) - 0.2);
    // The e = 1 and e = 2 curves of a split differ in colour.
    QVERIFY(plot.series("test reconstruction top-1 e=1")->pen().color()
            != plot.series("test reconstruction top-1 e=2")->pen().color());
}

void AccuracyPlotTest::erasedFilterHidesItsCurves()
{
    AccuracyPlot plot;
    plot.addEpoch(twoErasuresEpoch(0));
    QVERIFY(plot.isShown("e=1"));
    QVERIFY(plot.isShown("e=2"));
    auto* box = plot.findChild<QCheckBox*>();
    QVERIFY(box);
    QVERIFY(plot.series("test overall top-1 e=2")->visible());
    plot.setShown("e=2", false);
    QVERIFY(!plot.series("test overall top-1 e=2")->visible());
    QVERIFY(plot.series("test overall top-1 e=1")->visible());
    QVERIFY(!plot.customPlot()->legend->itemWithPlottable(plot.series("test overall top-1 e=2")));
    plot.setShown("e=2", true);
    QVERIFY(plot.series("test overall top-1 e=2")->visible());
}

// A run with one e (every r = 1 run) after one with two: plain names again,
// no e check boxes.
void AccuracyPlotTest::clearForgetsErasedCounts()
{
    AccuracyPlot plot;
    plot.addEpoch(twoErasuresEpoch(0));
    plot.clear();
    plot.addEpoch(epoch(0));
    QCOMPARE(plot.erasedCounts(), (std::vector<int>{1}));
    QVERIFY(plot.seriesNames().contains("test reconstruction top-1"));
    QVERIFY(!plot.isShown("e=2"));
    for (const QString& name : plot.seriesNames())
        QVERIFY2(!name.contains("e="), qPrintable(name));
    QCOMPARE(plot.seriesNames().size(), 12);
}

// Empty axes say what will appear there; the base lines alone (drawn before
// the first epoch) do not fill them, the first epoch does, clear() empties.
void AccuracyPlotTest::emptyAxesSaySo()
{
    AccuracyPlot plot;
    plot.resize(800, 400);
    plot.show();
    QVERIFY(QTest::qWaitForWindowExposed(&plot));
    QVERIFY2(plot.emptyNote().startsWith("No epoch yet."), qPrintable(plot.emptyNote()));
    QCOMPARE(plot.customPlot()->xAxis->range(), QCPRange(0.5, 1.5));
    plot.setBaseAccuracies({{"train", 57882, 60000}, {"test", 8947, 10000}});
    plot.redrawNow();
    QVERIFY(!plot.emptyNote().isEmpty());
    plot.addEpoch(epoch(0));
    plot.redrawNow();
    QCOMPARE(plot.emptyNote(), QString());
    plot.clear();
    plot.redrawNow();
    QVERIFY(!plot.emptyNote().isEmpty());
}

// Walkthrough: unticking train, val and test (or every erased count) left
// the x axis on epoch 1 alone and the accuracies on 0..1; ticking one back
// made both jump. The axes keep the run's epochs and their range.
void AccuracyPlotTest::hidingEveryCurveKeepsTheAxes()
{
    AccuracyPlot plot;
    plot.resize(800, 400);
    plot.show();
    QVERIFY(QTest::qWaitForWindowExposed(&plot));
    for (int e = 0; e < 4; ++e)
        plot.addEpoch(epoch(e));
    plot.redrawNow();
    QCustomPlot* qcp = plot.customPlot();
    const QCPRange x = qcp->xAxis->range();
    const QCPRange y = qcp->yAxis->range();
    QVERIFY2(x.upper > 4, qPrintable(QString::number(x.upper)));
    QVERIFY(y.size() < 0.9); // fitted to the accuracies, not 0..1
    for (const char* split : {"train", "val", "test"})
        plot.setShown(split, false);
    plot.redrawNow();
    QCOMPARE(qcp->xAxis->range(), x);
    QCOMPARE(qcp->yAxis->range(), y);
    QCOMPARE(plot.emptyNote(), QString()); // hidden, not empty
    plot.setShown("val", true);
    plot.redrawNow();
    QCOMPARE(qcp->xAxis->range(), x);
}

// Walkthrough at 1280x800: "base train 0.9647", drawn above its line, was cut
// by the top of the axes in a plot 190 px high.
void AccuracyPlotTest::aBaseLabelNearTheTopStaysInside()
{
    AccuracyPlot plot;
    plot.resize(900, 190);
    plot.show();
    QVERIFY(QTest::qWaitForWindowExposed(&plot));
    for (int e = 0; e < 3; ++e)
        plot.addEpoch(epoch(e, {1}));
    plot.setBaseAccuracies({{"train", 57882, 60000}, {"test", 8947, 10000}});
    plot.redrawNow();
    plot.redrawNow(); // the axes' height is known once laid out
    QCustomPlot* qcp = plot.customPlot();
    int labels = 0;
    for (int i = 0; i < qcp->itemCount(); ++i) {
        auto* label = qobject_cast<QCPItemText*>(qcp->item(i));
        if (!label || !label->text().startsWith("base "))
            continue;
        ++labels;
        const double top = label->topLeft->pixelPosition().y();
        const double bottom = label->bottomLeft->pixelPosition().y();
        QVERIFY2(top >= qcp->axisRect()->top() && bottom <= qcp->axisRect()->bottom(),
                 qPrintable(QStringLiteral("%1: %2..%3 outside the axes %4..%5")
                                .arg(label->text())
                                .arg(top)
                                .arg(bottom)
                                .arg(qcp->axisRect()->top())
                                .arg(qcp->axisRect()->bottom())));
    }
    QCOMPARE(labels, 2);
}

// Issue 13, item 6: the legend stands beside the axes, so the last epoch's
// points (at the right edge) are never under it.
void AccuracyPlotTest::theLegendCoversNoData()
{
    AccuracyPlot plot;
    plot.resize(700, 400);
    plot.show();
    QVERIFY(QTest::qWaitForWindowExposed(&plot));
    for (int e = 0; e < 3; ++e)
        plot.addEpoch(epoch(e));
    plot.setBaseAccuracies(bases());
    plot.redrawNow();
    QCustomPlot* qcp = plot.customPlot();
    LegendList* legend = plot.legendList();
    QVERIFY(legend);
    QVERIFY(legend->isVisible());
    QCOMPARE(legend->rowCount(), 6);
    QVERIFY(!qcp->legend->visible()); // kept for image exports only
    QVERIFY2(legend->geometry().left() >= qcp->geometry().right(),
             qPrintable(QStringLiteral("legend from x %1, plot to %2").arg(legend->x()).arg(qcp->geometry().right())));
    // The axes take the plot's whole width: no column is kept for a legend in it.
    QVERIFY2(qcp->axisRect()->rect().right() > qcp->width() - 40,
             qPrintable(QStringLiteral("axes end at %1 of %2").arg(qcp->axisRect()->rect().right()).arg(qcp->width())));
}

// Found at 1280x800: a Berrut run with k = 2, r = 2 has 18 curves of top-1
// alone (3 splits x 2 kinds x e = 0, 1, 2); QCustomPlot's own legend pressed
// them into the plot's 260 px, rows over rows. The list keeps every row
// whole and scrolls, in the order of e, and leaves the axes their share.
void AccuracyPlotTest::eighteenCurvesStayReadable()
{
    AccuracyPlot plot;
    plot.resize(940, 300); // the Accuracy tab at 1280x800
    plot.show();
    QVERIFY(QTest::qWaitForWindowExposed(&plot));
    for (int e = 0; e < 2; ++e)
        plot.addEpoch(berrutEpoch(e));
    plot.redrawNow();
    QCOMPARE(plot.erasedCounts(), (std::vector<int>{0, 1, 2}));
    LegendList* legend = plot.legendList();
    QCOMPARE(legend->rowCount(), 18);
    QCOMPARE(legend->rowText(0), QStringLiteral("train reconstruction top-1 e=0"));
    QCOMPARE(legend->rowText(6), QStringLiteral("train reconstruction top-1 e=1"));
    QCOMPARE(legend->rowText(17), QStringLiteral("test overall top-1 e=2"));
    QTRY_VERIFY2(plot.customPlot()->width() >= 940 * 3 / 5 - 10,
                 qPrintable(QString::number(plot.customPlot()->width())));
    QListWidget* list = legend->list();
    // More rows than height: it scrolls.
    QTRY_VERIFY2(list->verticalScrollBar()->maximum() > 0,
                 qPrintable(
                     QStringLiteral("list %1 px high, rows %2 px").arg(list->height()).arg(list->sizeHintForRow(0))));
    const int textHeight = list->fontMetrics().height();
    for (int i = 0; i < list->count(); ++i) {
        list->scrollToItem(list->item(i));
        const QRect rect = list->visualItemRect(list->item(i));
        QVERIFY2(rect.height() >= textHeight, qPrintable(QStringLiteral("row %1: %2 px").arg(i).arg(rect.height())));
        QVERIFY2(list->viewport()->rect().contains(rect), qPrintable(QStringLiteral("row %1 out of view").arg(i)));
    }
    // The names are whole at this width (none elided): each fits the text
    // rect the style gives it beside the box and the icon.
    for (int i = 0; i < list->count(); ++i) {
        QStyleOptionViewItem option;
        option.initFrom(list->viewport());
        option.rect = list->visualItemRect(list->item(i));
        option.features = QStyleOptionViewItem::HasCheckIndicator | QStyleOptionViewItem::HasDisplay
                          | QStyleOptionViewItem::HasDecoration;
        option.decorationSize = list->iconSize();
        option.text = list->item(i)->text();
        const QRect text = list->style()->subElementRect(QStyle::SE_ItemViewItemText, &option, list);
        const int needed = list->fontMetrics().horizontalAdvance(option.text);
        QVERIFY2(needed <= text.width(),
                 qPrintable(QStringLiteral("row %1: %2 px of text in %3 px").arg(i).arg(needed).arg(text.width())));
    }

    // A filter takes its rows out; the top-n curves come in after their top-1.
    plot.setShown("e=0", false);
    QCOMPARE(legend->rowCount(), 12);
    QCOMPARE(legend->rowText(0), QStringLiteral("train reconstruction top-1 e=1"));
    // Cleared, the rows of the other e go with their curves.
    plot.clear();
    plot.addEpoch(epoch(0));
    QCOMPARE(legend->rowCount(), 6);
    QCOMPARE(legend->rowText(0), QStringLiteral("train reconstruction top-1"));
}

void AccuracyPlotTest::floodIsThrottled()
{
    AccuracyPlot plot;
    plot.resize(900, 500);
    plot.show();
    QVERIFY(QTest::qWaitForWindowExposed(&plot));
    QCoreApplication::processEvents();
    const int before = plot.redrawCount();
    QElapsedTimer clock;
    clock.start();
    parity::BatchStats batch;
    batch.split = "train";
    batch.batches = 100;
    for (int i = 0; i < 2000; ++i) {
        batch.batch = i % 100 + 1;
        plot.addBatch(batch);
        if (i % 10 == 0)
            plot.addEpoch(epoch(i / 10));
    }
    QTest::qWait(300);
    const double seconds = clock.elapsed() / 1000.0;
    const int redraws = plot.redrawCount() - before;
    QVERIFY(redraws >= 1);
    QVERIFY2(redraws <= int(seconds * 25) + 2,
             qPrintable(QStringLiteral("%1 redraws in %2 s").arg(redraws).arg(seconds)));
    QCOMPARE(plot.pointCount("val reconstruction top-1"), 200);
}

void AccuracyPlotTest::epochLandsOnSeries_data()
{
    QTest::addColumn<QString>("split");
    QTest::addColumn<QString>("kind");
    QTest::addColumn<int>("n");
    for (const char* split : {"train", "val", "test"})
        for (const char* kind : {"reconstruction", "overall"})
            for (const int n : {1, 5})
                QTest::addRow("%s %s top-%d", split, kind, n) << split << kind << n;
}

void AccuracyPlotTest::epochLandsOnSeries()
{
    QFETCH(QString, split);
    QFETCH(QString, kind);
    QFETCH(int, n);
    AccuracyPlot plot;
    plot.addEpoch(epoch(0));
    plot.addEpoch(epoch(1));
    const QString name = AccuracyPlot::seriesName(split, kind, n);
    QCOMPARE(name, QStringLiteral("%1 %2 top-%3").arg(split, kind).arg(n));
    QCOMPARE(plot.pointCount(name), 2);
    QCPGraph* graph = plot.series(name);
    QCOMPARE(graph->data()->at(1)->key, 2.0);
    QCOMPARE(graph->data()->at(1)->value, accuracyOf(split.toStdString(), kind.toStdString(), n, 1));
}

void AccuracyPlotTest::batchesAreIgnored()
{
    AccuracyPlot plot;
    plot.addBatch(parity::BatchStats{});
    for (const QString& name : plot.seriesNames())
        QCOMPARE(plot.pointCount(name), 0);
    QCOMPARE(plot.seriesNames().size(), 12);
}

void AccuracyPlotTest::topNChoices()
{
    AccuracyPlot plot;
    QCOMPARE(plot.topN(), AccuracyPlot::kDefaultTopN);
    plot.addEpoch(epoch(0));
    QCOMPARE(plot.availableTopN(), (std::vector<int>{2, 5, 10}));
    auto* combo = plot.findChild<QComboBox*>();
    QVERIFY(combo);
    QCOMPARE(combo->count(), 3);
    QCOMPARE(combo->currentText(), QStringLiteral("5"));

    plot.setShown("top-n", true);
    QVERIFY(rowOf(plot, "val overall top-5") >= 0);
    combo->setCurrentIndex(combo->findText("10"));
    QCOMPARE(plot.topN(), 10);
    QCOMPARE(plot.pointCount("val overall top-5"), -1); // renamed
    // ... in the legend's rows too (they hold the names as listed).
    QCOMPARE(rowOf(plot, "val overall top-5"), -1);
    QVERIFY(rowOf(plot, "val overall top-10") >= 0);
    QCOMPARE(plot.pointCount("val overall top-10"), 1);
    QCOMPARE(plot.series("val overall top-10")->data()->at(0)->value, accuracyOf("val", "overall", 10, 0));
    plot.addEpoch(epoch(1));
    QCOMPARE(plot.pointCount("val overall top-10"), 2);

    plot.setTopN(2);
    QCOMPARE(combo->currentText(), QStringLiteral("2"));
    QCOMPARE(plot.pointCount("test reconstruction top-2"), 2);
    QCOMPARE(plot.pointCount("test reconstruction top-1"), 2);
}

void AccuracyPlotTest::topNFallsBackToDataN()
{
    AccuracyPlot plot;
    plot.addEpoch(epoch(0, {1, 2, 3})); // no top-5 in this data (3 classes)
    QCOMPARE(plot.topN(), 2);
    QCOMPARE(plot.pointCount("train overall top-2"), 1);
    plot.addEpoch(epoch(1, {1, 2, 3}));
    QCOMPARE(plot.pointCount("train overall top-2"), 2);
}

void AccuracyPlotTest::baseLines()
{
    AccuracyPlot plot;
    QCOMPARE(plot.baseLineCount(), 0);
    const int itemsBefore = plot.customPlot()->itemCount();
    plot.setBaseAccuracies(bases());
    QCOMPARE(plot.baseLineLabels(), (QStringList{"base train 0.9000", "base test 0.8947"}));
    QCOMPARE(plot.customPlot()->itemCount(), itemsBefore + 4); // a line and a label each
    auto lines = [&] {
        QList<QCPItemStraightLine*> found;
        for (int i = 0; i < plot.customPlot()->itemCount(); ++i)
            if (auto* line = qobject_cast<QCPItemStraightLine*>(plot.customPlot()->item(i)))
                found << line;
        return found;
    };
    QCOMPARE(lines().size(), 2);
    QCOMPARE(lines().at(1)->point1->coords().y(), 0.8947);
    QVERIFY(lines().at(1)->visible());

    plot.setShown("test", false); // follows its split
    QVERIFY(!lines().at(1)->visible());
    QVERIFY(lines().at(0)->visible());
    plot.setShown("base", false);
    QVERIFY(!lines().at(0)->visible());

    plot.setBaseAccuracies(bases()); // replaces, does not add
    QCOMPARE(plot.customPlot()->itemCount(), itemsBefore + 4);
    plot.clear();
    QCOMPARE(plot.baseLineCount(), 0);
    QCOMPARE(plot.customPlot()->itemCount(), itemsBefore);
}

void AccuracyPlotTest::filtersHideSeriesAndLegendEntries()
{
    AccuracyPlot plot;
    plot.addEpoch(epoch(0));
    QCPLegend* legend = plot.customPlot()->legend;
    QCOMPARE(legend->itemCount(), 6); // default: 3 splits x 2 kinds, top-1 only
    QVERIFY(!plot.isSeriesVisible("val overall top-5"));

    plot.setShown("top-n", true);
    QCOMPARE(legend->itemCount(), 12);
    QVERIFY(plot.isSeriesVisible("val overall top-5"));

    plot.setShown("val", false);
    QCOMPARE(legend->itemCount(), 8);
    QVERIFY(!plot.isSeriesVisible("val overall top-1"));
    QVERIFY(!legend->itemWithPlottable(plot.series("val overall top-1")));

    QVERIFY(plot.setSeriesVisible("train overall top-1", false)); // as a legend click
    plot.setShown("overall", false);
    QCOMPARE(legend->itemCount(), 4);
    QVERIFY(plot.isSeriesVisible("train reconstruction top-1"));
    QVERIFY(!plot.isSeriesVisible("train overall top-1"));

    // Showing a series from outside the legend does not override a filter.
    QVERIFY(plot.setSeriesVisible("train overall top-1", true));
    QVERIFY(!plot.isSeriesVisible("train overall top-1"));
    plot.setShown("overall", true);
    QVERIFY(plot.isSeriesVisible("train overall top-1"));
    for (const QString& f : AccuracyPlot::filterNames())
        plot.setShown(f, true);
    QCOMPARE(legend->itemCount(), 12);
}

void AccuracyPlotTest::legendClickTogglesSeries()
{
    AccuracyPlot plot;
    plot.resize(900, 500);
    plot.show();
    QVERIFY(QTest::qWaitForWindowExposed(&plot));
    plot.addEpoch(epoch(0));
    QCPGraph* graph = plot.series("test overall top-1");
    QListWidget* list = plot.legendList()->list();
    const auto clickRow = [&](const QString& name) {
        const int row = rowOf(plot, name);
        QVERIFY2(row >= 0, qPrintable(name));
        const QRect rect = list->visualItemRect(list->item(row));
        QTest::mouseClick(list->viewport(), Qt::LeftButton, {}, QPoint(rect.right() - 10, rect.center().y()));
    };
    clickRow("test overall top-1");
    QVERIFY(!graph->visible());
    QVERIFY(!plot.legendList()->isRowChecked(rowOf(plot, "test overall top-1")));
    QVERIFY(plot.interactor()->isUserHidden(graph));
    // The image export's legend greys it too.
    QCOMPARE(plot.customPlot()->legend->itemWithPlottable(graph)->textColor(), QColor(160, 160, 160));

    // Hidden by the legend stays hidden (and unchecked) across a filter change.
    plot.setShown("val", false);
    QCOMPARE(plot.legendList()->rowCount(), 4);
    QVERIFY(!graph->visible());
    QVERIFY(!plot.legendList()->isRowChecked(rowOf(plot, "test overall top-1")));
    QVERIFY(plot.legendList()->isRowChecked(rowOf(plot, "test reconstruction top-1")));

    clickRow("test overall top-1");
    QVERIFY(graph->visible());
    QVERIFY(plot.legendList()->isRowChecked(rowOf(plot, "test overall top-1")));
    // Shown or hidden from outside the list (LivePlot::setSeriesVisible), the row follows.
    QVERIFY(plot.setSeriesVisible("train reconstruction top-1", false));
    QVERIFY(!plot.legendList()->isRowChecked(rowOf(plot, "train reconstruction top-1")));
}

void AccuracyPlotTest::showRecord()
{
    AccuracyPlot plot;
    plot.addEpoch(epoch(7)); // replaced by the record
    parity::gui::RunRecord record;
    record.baseAccuracies = bases();
    for (int i = 0; i < 3; ++i)
        record.epochs.push_back(epoch(i));
    plot.showRecord(record);
    for (const QString& name : plot.seriesNames())
        QCOMPARE(plot.pointCount(name), 3);
    QCOMPARE(plot.baseLineLabels().size(), 2);
    QVERIFY(plot.isFollowingData());
    plot.throttle()->flush();
    QCOMPARE(plot.customPlot()->xAxis->range().upper, 3.5);
}

void AccuracyPlotTest::localizationEpochs_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<double>("value");
    QTest::addRow("localization acc") << "val localization acc" << 0.11;
    QTest::addRow("reconstruction acc") << "val reconstruction acc" << 0.21;
    QTest::addRow("mean IoU") << "test mean IoU" << 0.31;
    QTest::addRow("mean reconstruction IoU") << "train mean reconstruction IoU" << 0.41;
}

// Issue 4, item 7: a localization run's metrics land in the plot's slots
// under their own names; clear() returns to the classification names.
void AccuracyPlotTest::localizationEpochs()
{
    QFETCH(QString, name);
    QFETCH(double, value);
    AccuracyPlot plot;
    plot.addEpoch(boxEpoch(0));
    plot.addEpoch(boxEpoch(1));
    QVERIFY(plot.isLocalization());
    QCOMPARE(plot.pointCount(name), 2);
    QCOMPARE(plot.series(name)->data()->at(1)->value, value);
    plot.clear();
    QVERIFY(!plot.isLocalization());
    QCOMPARE(plot.pointCount(AccuracyPlot::seriesName("val", "overall", 1)), 0);
    plot.addEpoch(epoch(0));
    QCOMPARE(plot.pointCount(AccuracyPlot::seriesName("val", "overall", 1)), 1);
}

void AccuracyPlotTest::hoverReadout()
{
    AccuracyPlot plot;
    plot.resize(900, 500);
    plot.show();
    QVERIFY(QTest::qWaitForWindowExposed(&plot));
    plot.addEpoch(epoch(0));
    plot.addEpoch(epoch(1));
    plot.throttle()->flush();
    QCPGraph* graph = plot.series("train reconstruction top-1");
    const QPoint at(qRound(graph->keyAxis()->coordToPixel(2.0)),
                    qRound(graph->valueAxis()->coordToPixel(graph->data()->at(1)->value)));
    const QString text = plot.readoutAt(at);
    QVERIFY2(text.startsWith("train reconstruction top-1") && text.contains("epoch 2") && text.contains("0.5110"),
             qPrintable(text));
}

void AccuracyPlotTest::exportImage_data()
{
    QTest::addColumn<QString>("fileName");
    QTest::addColumn<bool>("ok");
    QTest::newRow("png") << "accuracy.png" << true;
    QTest::newRow("pdf") << "accuracy.pdf" << true;
    QTest::newRow("unsupported") << "accuracy.svg" << false;
}

void AccuracyPlotTest::exportImage()
{
    QFETCH(QString, fileName);
    QFETCH(bool, ok);
    QTemporaryDir dir;
    AccuracyPlot plot;
    plot.setBaseAccuracies(bases());
    plot.addEpoch(epoch(0));
    plot.addEpoch(epoch(1));
    const QString path = dir.filePath(fileName);
    QString error;
    QCOMPARE(plot.exportImage(path, &error), ok);
    if (!ok) {
        QVERIFY(error.contains("unsupported"));
        return;
    }
    if (fileName.endsWith(".png")) {
        // The legend, a list on the screen, is beside the axes in the image.
        const QImage image(path);
        QVERIFY(!image.isNull());
        QVERIFY2(image.width() > qMax(plot.customPlot()->width(), 480) + 100,
                 qPrintable(QStringLiteral("%1 px wide").arg(image.width())));
    } else {
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(file.read(4), QByteArray("%PDF"));
    }
}

QTEST_MAIN(AccuracyPlotTest)
#include "AccuracyPlotTest.moc"
