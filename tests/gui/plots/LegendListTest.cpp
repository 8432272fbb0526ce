// LegendList: the legend beside the plots that overlay runs. Many runs
// scroll instead of being squeezed into the plot's height, the parts all run
// names share are said once, and a row's check box shows and hides its graph.
#include "plots/LegendList.h"
#include "plots/QcpInclude.h"

#include <QListWidget>
#include <QScrollBar>
#include <QStyleOptionViewItem>
#include <QtTest>

using parity::gui::LegendList;

namespace {

/// A plot and its legend side by side, as ComparePlot lays them out.
struct PlotRow {
    QWidget window;
    QCustomPlot* plot = new QCustomPlot(&window);
    LegendList* legend = new LegendList(plot, &window);
    PlotRow()
    {
        auto* row = new QHBoxLayout(&window);
        row->addWidget(plot, 1);
        row->addWidget(legend);
    }
};

} // namespace

class LegendListTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void sharedPrefix_data()
    {
        QTest::addColumn<QStringList>("names");
        QTest::addColumn<QString>("prefix");
        QTest::newRow("two parts shared")
            << QStringList{"fm · mlp · k=2 · MSE", "fm · mlp · k=3 · MSE"} << QStringLiteral("fm · mlp · ");
        QTest::newRow("a name without the parts: nothing is shared by all")
            << QStringList{"fm · mlp · k=2", "run folder", "fm · mlp · k=3"} << QString();
        QTest::newRow("each name keeps a part") << QStringList{"fm · mlp", "fm · mlp · k=3"} << QStringLiteral("fm · ");
        QTest::newRow("a part is whole, not a common start")
            << QStringList{"fashion · a", "fashion-mnist · a"} << QString();
        QTest::newRow("a single run says all itself") << QStringList{"fm · mlp · k=2"} << QString();
        QTest::newRow("nothing shared") << QStringList{"a · b", "c · b"} << QString();
    }
    void sharedPrefix()
    {
        QFETCH(QStringList, names);
        QFETCH(QString, prefix);
        QCOMPARE(LegendList::sharedPrefix(names), prefix);
    }

    // The case found at 1280x800: ten runs and two baselines in a plot 200 px
    // high. QCustomPlot's own legend overlapped its rows; the list keeps each
    // row whole, scrolls to the last one, and leaves the axes their room.
    void manyRunsScrollBesideThePlot()
    {
        PlotRow r;
        QWidget& window = r.window;
        QCustomPlot* plot = r.plot;
        LegendList* legend = r.legend;
        plot->setMinimumSize(300, 200);
        for (int i = 0; i < 12; ++i) {
            QCPGraph* graph = plot->addGraph();
            graph->setName(QStringLiteral("fashion-mnist · base-mlp · k=%1 · Add/Sub · MSE (previous-2026120%2)")
                               .arg(2 + i % 3)
                               .arg(i));
            graph->setPen(QPen(Qt::blue, 2));
            graph->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, 5));
        }
        legend->refresh();
        window.resize(900, 220);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));

        QCOMPARE(legend->rowCount(), 12);
        QCOMPARE(legend->sharedText(), QStringLiteral("All runs: fashion-mnist · base-mlp"));
        QCOMPARE(legend->rowText(0), QStringLiteral("k=2 · Add/Sub · MSE (previous-20261200)"));
        QCOMPARE(legend->list()->item(0)->toolTip(), plot->graph(0)->name());
        QVERIFY(!legend->geometry().intersects(plot->geometry()));
        QVERIFY2(plot->width() >= 300, qPrintable(QString::number(plot->width())));
        QVERIFY(legend->width() >= 120);

        QListWidget* list = legend->list();
        QVERIFY(list->verticalScrollBar()->maximum() > 0); // more rows than height: it scrolls
        const int textHeight = list->fontMetrics().height();
        for (int i = 0; i < list->count(); ++i) {
            list->scrollToItem(list->item(i));
            const QRect rect = list->visualItemRect(list->item(i));
            QVERIFY2(rect.height() >= textHeight,
                     qPrintable(QStringLiteral("row %1: %2 px").arg(i).arg(rect.height())));
            QVERIFY2(list->viewport()->rect().contains(rect), qPrintable(QStringLiteral("row %1 out of view").arg(i)));
        }

        // A rebuild (another metric, another axis) keeps the place the user scrolled to.
        list->verticalScrollBar()->setValue(list->verticalScrollBar()->maximum());
        const int scrolled = list->verticalScrollBar()->value();
        QVERIFY(scrolled > 0);
        legend->refresh();
        QCOMPARE(list->verticalScrollBar()->value(), scrolled);
    }

    void aCheckBoxAsksForItsGraph()
    {
        QCustomPlot plot;
        LegendList legend(&plot);
        plot.addGraph()->setName("a");
        plot.addGraph()->setName("b");
        plot.graph(1)->setVisible(false);
        legend.refresh();
        QVERIFY(legend.isRowChecked(0));
        QVERIFY(!legend.isRowChecked(1));
        QSignalSpy toggled(&legend, &LegendList::visibilityToggled);
        legend.list()->item(0)->setCheckState(Qt::Unchecked);
        QCOMPARE(toggled.size(), 1);
        QCOMPARE(toggled[0][0].toInt(), 0);
        QCOMPARE(toggled[0][1].toBool(), false);
        // A change made elsewhere is shown without asking again.
        plot.graph(1)->setVisible(true);
        legend.syncRow(1);
        QVERIFY(legend.isRowChecked(1));
        QCOMPARE(toggled.size(), 1);
    }

    // As on a plot's own legend, a click on the name toggles; a click on the
    // box toggles once, not twice.
    void aClickOnTheNameOrTheBoxTogglesOnce()
    {
        PlotRow r;
        QWidget& window = r.window;
        QCustomPlot* plot = r.plot;
        LegendList* legend = r.legend;
        plot->addGraph()->setName("run a");
        plot->addGraph()->setName("run b");
        legend->refresh();
        window.resize(700, 300);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QSignalSpy toggled(legend, &LegendList::visibilityToggled);
        QListWidget* list = legend->list();
        const QRect name = list->visualItemRect(list->item(1));
        QTest::mouseClick(list->viewport(), Qt::LeftButton, {}, QPoint(name.right() - 10, name.center().y()));
        QCOMPARE(toggled.size(), 1);
        QVERIFY(!legend->isRowChecked(1));
        // The box where the style draws it (a click beside it would toggle as a click on the name does).
        QStyleOptionViewItem option;
        option.initFrom(list);
        option.rect = name;
        option.features = QStyleOptionViewItem::HasCheckIndicator | QStyleOptionViewItem::HasDisplay;
        option.text = list->item(1)->text();
        const QRect box = list->style()->subElementRect(QStyle::SE_ItemViewItemCheckIndicator, &option, list);
        QVERIFY(box.isValid() && name.contains(box.center()));
        QTest::mouseClick(list->viewport(), Qt::LeftButton, {}, box.center());
        QCOMPARE(toggled.size(), 2);
        QVERIFY(legend->isRowChecked(1));
    }

    // The plot keeps three fifths of the row, however long the names.
    void theListLeavesThePlotItsShare()
    {
        PlotRow r;
        QWidget& window = r.window;
        QCustomPlot* plot = r.plot;
        LegendList* legend = r.legend;
        plot->addGraph()->setName(QString(120, QLatin1Char('x')));
        plot->addGraph()->setName("no redundancy");
        legend->refresh(1);
        QVERIFY(legend->sharedText().isEmpty()); // one run: nothing to share
        window.resize(900, 300);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QTRY_VERIFY2(legend->width() <= 900 * 2 / 5, qPrintable(QString::number(legend->width())));
        QVERIFY(plot->width() >= 900 / 2);
        window.resize(1800, 300);
        QTRY_VERIFY2(legend->width() > 360, qPrintable(QString::number(legend->width()))); // room: the names show
    }

    // The parts all runs share leave the baselines that follow them out.
    void theBaselinesAreNotRuns()
    {
        QCustomPlot plot;
        LegendList legend(&plot);
        for (const char* name : {"fm · mlp · k=2", "fm · mlp · k=3", "no redundancy"})
            plot.addGraph()->setName(QString::fromUtf8(name));
        legend.refresh(2);
        QCOMPARE(legend.sharedText(), QStringLiteral("All runs: fm · mlp"));
        QCOMPARE(legend.rowText(1), QStringLiteral("k=3"));
        QCOMPARE(legend.rowText(2), QStringLiteral("no redundancy"));
        legend.refresh(); // all three are runs: nothing shared
        QVERIFY(legend.sharedText().isEmpty());
    }

    void noGraphsNoLegend()
    {
        PlotRow r;
        QWidget& window = r.window;
        QCustomPlot* plot = r.plot;
        LegendList* legend = r.legend;
        legend->refresh();
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(!legend->isVisible()); // issue 13, item 12: no empty legend box
        plot->addGraph()->setName("a");
        legend->refresh();
        QVERIFY(legend->isVisible());
        QVERIFY(legend->sharedText().isEmpty());
    }
};

QTEST_MAIN(LegendListTest)
#include "LegendListTest.moc"
