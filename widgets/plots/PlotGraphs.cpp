#include "plots/PlotGraphs.h"

#include "plots/QcpInclude.h"

namespace parity::gui {

QStringList graphNamesOf(const QCustomPlot* plot)
{
    QStringList names;
    for (int i = 0; i < plot->graphCount(); ++i)
        names << plot->graph(i)->name();
    return names;
}

QVector<QPointF> graphPointsOf(const QCustomPlot* plot, const QString& name)
{
    QVector<QPointF> points;
    for (int i = 0; i < plot->graphCount(); ++i)
        if (plot->graph(i)->name() == name) {
            for (auto it = plot->graph(i)->data()->constBegin(); it != plot->graph(i)->data()->constEnd(); ++it)
                points << QPointF(it->key, it->value);
            break;
        }
    return points;
}

bool isGraphShown(const QCustomPlot* plot, const QString& name)
{
    for (int i = 0; i < plot->graphCount(); ++i)
        if (plot->graph(i)->name() == name)
            return plot->graph(i)->visible();
    return false;
}

void showGraph(QCustomPlot* plot, QCPGraph* graph, bool visible)
{
    graph->setVisible(visible);
    for (int p = 0; p < plot->plottableCount(); ++p) // error bars belong to their graph
        if (auto* bars = qobject_cast<QCPErrorBars*>(plot->plottable(p)); bars && bars->dataPlottable() == graph)
            bars->setVisible(visible);
    if (auto* item = plot->legend->itemWithPlottable(graph))
        item->setTextColor(visible ? Qt::black : Qt::gray);
}

} // namespace parity::gui
