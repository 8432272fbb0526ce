#include "plots/ServingPlots.h"

#include "common/PlotLegend.h"
#include "plots/PlotExport.h"
#include "plots/PlotGraphs.h"
#include "plots/QcpInclude.h"

#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace parity::gui {

QColor strategyColour(const QString& strategy)
{
    if (strategy == QLatin1String("none"))
        return QColor(90, 90, 90);
    if (strategy == QLatin1String("replication"))
        return QColor(31, 119, 180);
    if (strategy.startsWith(QLatin1String("parm")))
        return QColor(255, 127, 14);
    if (strategy == QLatin1String("berrut"))
        return QColor(44, 160, 44);
    if (strategy == QLatin1String("replicate-all"))
        return QColor(148, 103, 189);
    return QColor(140, 86, 75);
}

StrategyPlot::StrategyPlot(QWidget* parent)
    : QWidget(parent)
    , m_plot(new QCustomPlot(this))
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_plot);
    m_plot->setMinimumSize(280, 180);
    m_plot->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    m_plot->legend->setVisible(false);
    placeLegendBeside(m_plot);
    connect(m_plot, &QCustomPlot::legendClick, this, &StrategyPlot::onLegendClick);
}

QStringList StrategyPlot::graphNames() const { return graphNamesOf(m_plot); }

QVector<QPointF> StrategyPlot::graphPoints(const QString& name) const { return graphPointsOf(m_plot, name); }

bool StrategyPlot::isGraphVisible(const QString& name) const { return isGraphShown(m_plot, name); }

bool StrategyPlot::setGraphVisible(const QString& name, bool visible)
{
    if (!showGraphNamed(m_plot, name, visible, &m_hidden))
        return false;
    fitAxes(); // to what is still shown
    return true;
}

bool StrategyPlot::exportImage(const QString& path, QString* error) { return savePlot(m_plot, path, error); }

void StrategyPlot::clearCurves() { m_plot->clearPlottables(); }

QCPGraph* StrategyPlot::addCurve(const QString& name)
{
    QCPGraph* graph = m_plot->addGraph();
    graph->setName(name);
    const QColor colour = strategyColour(name);
    graph->setPen(QPen(colour, 2));
    return graph;
}

void StrategyPlot::finishCurves(double floor)
{
    m_floor = floor;
    for (int i = 0; i < m_plot->graphCount(); ++i) {
        QCPGraph* graph = m_plot->graph(i);
        showGraph(m_plot, graph, !m_hidden.contains(graph->name()));
    }
    m_plot->legend->setVisible(m_plot->graphCount() > 0);
    showEmptyNoteWhileEmpty(m_plot, m_emptyNote);
    fitAxes();
}

void StrategyPlot::setEmptyNote(const QString& text) { m_emptyNote = addEmptyNote(m_plot, text); }

QString StrategyPlot::emptyNote() const { return shownEmptyNote(m_emptyNote); }

void StrategyPlot::fitAxes()
{
    QCPRange keys(0, 1), values(m_floor, 1);
    visibleDataRange(m_plot, &keys, &values); // error bars: the intervals' ends
    const double xPad = qMax(1e-9, 0.03 * keys.size());
    m_plot->xAxis->setRange(qMax(0.0, keys.lower - xPad), keys.upper + xPad);
    if (m_plot->yAxis->scaleType() == QCPAxis::stLogarithmic)
        m_plot->yAxis->setRange(qMax(m_floor, values.lower) / 2, qMax(1.0, values.upper) * 1.5);
    else
        m_plot->yAxis->setRange(qMin(m_floor, values.lower), values.upper + qMax(1e-9, 0.08 * values.size()));
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void StrategyPlot::setTitle(const QString& title)
{
    if (!m_title) {
        m_plot->plotLayout()->insertRow(0);
        m_title = new QCPTextElement(m_plot, QString(), QFont(font().family(), qMax(7, font().pointSize() - 1)));
        m_plot->plotLayout()->addElement(0, 0, m_title);
        m_plot->plotLayout()->setRowStretchFactor(0, 0.001);
    }
    m_title->setText(title);
    m_title->setVisible(!title.isEmpty());
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

QString StrategyPlot::title() const { return m_title ? m_title->text() : QString(); }

void StrategyPlot::onLegendClick(QCPLegend*, QCPAbstractLegendItem* item, QMouseEvent*)
{
    if (auto* plItem = qobject_cast<QCPPlottableLegendItem*>(item))
        setGraphVisible(plItem->plottable()->name(), !plItem->plottable()->visible());
}

LatencyTailPlot::LatencyTailPlot(QWidget* parent)
    : StrategyPlot(parent)
{
    QCustomPlot* p = plot();
    p->xAxis->setLabel(tr("latency (ms)"));
    p->yAxis->setLabel(tr("fraction of queries slower"));
    p->yAxis->setScaleType(QCPAxis::stLogarithmic);
    QSharedPointer<QCPAxisTickerText> ticker(new QCPAxisTickerText);
    ticker->addTick(1, QStringLiteral("1"));
    ticker->addTick(0.1, QStringLiteral("0.1 (p90)"));
    ticker->addTick(0.01, QStringLiteral("0.01 (p99)"));
    ticker->addTick(0.001, QStringLiteral("0.001 (p99.9)"));
    ticker->addTick(0.0001, QStringLiteral("1e-4 (p99.99)"));
    ticker->addTick(0.00001, QStringLiteral("1e-5"));
    ticker->addTick(0.000001, QStringLiteral("1e-6"));
    p->yAxis->setTicker(ticker);
    p->yAxis->grid()->setSubGridVisible(false);
    setEmptyNote(tr("Nothing simulated yet.\nSimulate draws each strategy's\nlatency tail here."));
}

QVector<QPointF> LatencyTailPlot::tailPoints(std::vector<double> latencies)
{
    QVector<QPointF> points;
    const size_t n = latencies.size();
    if (n == 0)
        return points;
    std::sort(latencies.begin(), latencies.end());
    // In sorted order, (n - 1 - i) / n of the queries are slower than the
    // i-th; the slowest is drawn at 1/n so the log scale can show it. The
    // points: evenly spaced ranks for the body, and ranks at log-spaced
    // fractions (1 .. 1/n) for the tail.
    std::vector<size_t> picks;
    const int body = 200, tail = 200;
    for (int j = 0; j <= body; ++j)
        picks.push_back(std::min(n - 1, size_t(double(n - 1) * j / body)));
    const double decades = std::log10(double(n));
    for (int j = 0; j <= tail; ++j) {
        const double slower = std::pow(10.0, -decades * j / tail); // 1 .. 1/n
        const double index = double(n) * (1.0 - slower);
        picks.push_back(std::min(n - 1, size_t(std::max(0.0, index))));
    }
    std::sort(picks.begin(), picks.end());
    picks.erase(std::unique(picks.begin(), picks.end()), picks.end());
    for (const size_t i : picks)
        points << QPointF(latencies[i], std::max(1.0, double(n - 1 - i)) / double(n));
    return points;
}

void LatencyTailPlot::setCurves(const std::vector<Curve>& curves)
{
    clearCurves();
    double floor = 1;
    for (const Curve& c : curves) {
        if (c.latenciesMs.empty())
            continue;
        QCPGraph* graph = addCurve(c.strategy);
        const QVector<QPointF> points = tailPoints(c.latenciesMs);
        QVector<double> xs, ys;
        for (const QPointF& p : points) {
            xs << p.x();
            ys << p.y();
        }
        graph->setData(xs, ys, true);
        graph->setLineStyle(QCPGraph::lsStepLeft);
        floor = std::min(floor, 1.0 / double(c.latenciesMs.size()));
    }
    finishCurves(floor);
}

LoadSweepPlot::LoadSweepPlot(QWidget* parent)
    : StrategyPlot(parent)
{
    plot()->xAxis->setLabel(tr("arrival rate (queries/s)"));
    plot()->yAxis->setLabel(tr("p99.9 latency (ms)"));
    setEmptyNote(tr("No load sweep yet.\nSweep load draws each strategy's\np99.9 against the arrival rate."));
}

void LoadSweepPlot::setCurves(const std::vector<Curve>& curves)
{
    clearCurves();
    for (const Curve& c : curves) {
        if (c.points.empty())
            continue;
        QCPGraph* graph = addCurve(c.strategy);
        const QColor colour = strategyColour(c.strategy);
        graph->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, colour, Qt::white, 5));
        QVector<double> xs, ys, errors;
        for (const Point& p : c.points) {
            xs << p.rate;
            ys << p.p999Ms;
            errors << p.halfWidthMs;
        }
        graph->setData(xs, ys, true);
        auto* bars = new QCPErrorBars(plot()->xAxis, plot()->yAxis);
        bars->removeFromLegend();
        bars->setDataPlottable(graph);
        bars->setData(errors);
        bars->setPen(QPen(colour, 1));
    }
    finishCurves(0);
}

} // namespace parity::gui
