#include "plots/PlotGraphs.h"

#include "plots/QcpInclude.h"

#include <QAbstractScrollArea>
#include <QCoreApplication>
#include <QWheelEvent>

namespace parity::gui {

QCPGraph* graphNamed(const QCustomPlot* plot, const QString& name)
{
    for (int i = 0; i < plot->graphCount(); ++i)
        if (plot->graph(i)->name() == name)
            return plot->graph(i);
    return nullptr;
}

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
    if (const QCPGraph* graph = graphNamed(plot, name))
        for (auto it = graph->data()->constBegin(); it != graph->data()->constEnd(); ++it)
            points << QPointF(it->key, it->value);
    return points;
}

bool isGraphShown(const QCustomPlot* plot, const QString& name)
{
    const QCPGraph* graph = graphNamed(plot, name);
    return graph && graph->visible();
}

bool visibleDataRange(QCustomPlot* plot, QCPRange* keys, QCPRange* values)
{
    bool any = false;
    for (int i = 0; i < plot->plottableCount(); ++i) {
        const QCPAbstractPlottable* p = plot->plottable(i);
        if (!p->visible())
            continue;
        bool foundKeys = false, foundValues = false;
        const QCPRange k = p->getKeyRange(foundKeys);
        const QCPRange v = p->getValueRange(foundValues);
        if (!foundKeys || !foundValues)
            continue;
        *keys = any ? QCPRange(qMin(keys->lower, k.lower), qMax(keys->upper, k.upper)) : k;
        *values = any ? QCPRange(qMin(values->lower, v.lower), qMax(values->upper, v.upper)) : v;
        any = true;
    }
    return any;
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

bool showGraphNamed(QCustomPlot* plot, const QString& name, bool visible, QSet<QString>* hidden)
{
    QCPGraph* graph = graphNamed(plot, name);
    if (!graph)
        return false;
    if (visible)
        hidden->remove(name);
    else
        hidden->insert(name);
    showGraph(plot, graph, visible);
    return true;
}

QCPItemText* addEmptyNote(QCustomPlot* plot, const QString& text)
{
    auto* note = new QCPItemText(plot);
    note->position->setType(QCPItemPosition::ptAxisRectRatio);
    note->position->setCoords(0.5, 0.5); // whatever the axes' range
    note->setPositionAlignment(Qt::AlignCenter);
    note->setTextAlignment(Qt::AlignCenter);
    note->setColor(plot->palette().color(QPalette::Disabled, QPalette::WindowText));
    note->setSelectable(false);
    note->setText(text);
    showEmptyNoteWhileEmpty(plot, note);
    return note;
}

void showEmptyNoteWhileEmpty(QCustomPlot* plot, QCPItemText* note)
{
    if (!note)
        return;
    bool empty = true;
    for (int i = 0; i < plot->graphCount() && empty; ++i)
        empty = plot->graph(i)->data()->isEmpty();
    note->setVisible(empty);
}

QString shownEmptyNote(const QCPItemText* note) { return note && note->visible() ? note->text() : QString(); }

namespace {

// Hands a wheel event over the plot to the nearest scroll area holding it,
// as if the pointer were over that area's empty viewport. (Ignoring it was
// not enough: under X11 Qt 6.4 did not pass it on to the parents.)
class WheelPasser : public QObject {
public:
    explicit WheelPasser(QCustomPlot* plot)
        : QObject(plot)
        , m_plot(plot)
    {
    }
    bool eventFilter(QObject*, QEvent* event) override
    {
        if (event->type() != QEvent::Wheel)
            return false;
        for (QWidget* w = m_plot->parentWidget(); w; w = w->parentWidget())
            if (auto* area = qobject_cast<QAbstractScrollArea*>(w)) {
                const auto* wheel = static_cast<QWheelEvent*>(event);
                QWidget* viewport = area->viewport();
                QWheelEvent there(viewport->mapFromGlobal(wheel->globalPosition()), wheel->globalPosition(),
                                  wheel->pixelDelta(), wheel->angleDelta(), wheel->buttons(), wheel->modifiers(),
                                  wheel->phase(), wheel->inverted(), wheel->source(), wheel->pointingDevice());
                QCoreApplication::sendEvent(viewport, &there);
                event->setAccepted(there.isAccepted());
                return true;
            }
        event->ignore();
        return true;
    }

private:
    QCustomPlot* m_plot;
};

} // namespace

void letWheelScrollPast(QCustomPlot* plot) { plot->installEventFilter(new WheelPasser(plot)); }

} // namespace parity::gui
