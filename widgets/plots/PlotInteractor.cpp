#include "plots/PlotInteractor.h"

#include "plots/QcpInclude.h"
#include "plots/RedrawThrottle.h"

#include <QEvent>

#include <cmath>
#include <limits>

namespace parity::gui {

namespace {
const QColor kHiddenText(160, 160, 160);
const char* const kOverlayLayer = "overlay";
} // namespace

PlotInteractor::PlotInteractor(QCustomPlot* plot, RedrawThrottle* throttle, QObject* parent)
    : QObject(parent)
    , m_plot(plot)
    , m_throttle(throttle)
    , m_tracer(new QCPItemTracer(plot))
    , m_label(new QCPItemText(plot))
{
    m_plot->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    m_plot->setMouseTracking(true);
    m_plot->installEventFilter(this);

    // The read-out lives on the overlay layer so that hovering repaints only
    // that layer, not the (possibly large) data.
    m_tracer->setLayer(kOverlayLayer);
    m_tracer->setStyle(QCPItemTracer::tsCircle);
    m_tracer->setSize(9);
    m_tracer->setPen(QPen(Qt::black, 1.5));
    m_tracer->setInterpolating(false);
    m_tracer->setVisible(false);
    m_label->setLayer(kOverlayLayer);
    m_label->setPositionAlignment(Qt::AlignLeft | Qt::AlignBottom);
    m_label->position->setType(QCPItemPosition::ptAbsolute); // pixel offset from the tracer
    m_label->position->setParentAnchor(m_tracer->position);
    m_label->position->setCoords(8, -6);
    m_label->setPadding(QMargins(4, 2, 4, 2));
    m_label->setBrush(QColor(255, 255, 255, 225));
    m_label->setPen(QPen(QColor(120, 120, 120)));
    m_label->setVisible(false);

    m_formatter = [](const QCPGraph* graph, double key, double value) {
        return QStringLiteral("%1: x = %2, y = %3").arg(graph->name()).arg(key, 0, 'g', 5).arg(value, 0, 'g', 5);
    };

    connect(m_plot, &QCustomPlot::legendClick, this, &PlotInteractor::onLegendClick);
    connect(m_plot, &QCustomPlot::plottableClick, this, &PlotInteractor::onPlottableClick);
    connect(m_plot, &QCustomPlot::mouseMove, this, &PlotInteractor::onMouseMove);
    connect(m_plot, &QCustomPlot::mouseWheel, this, &PlotInteractor::viewChangedByUser);
}

void PlotInteractor::setUserHidden(QCPAbstractPlottable* plottable, bool hidden)
{
    if (!plottable || isUserHidden(plottable) == hidden)
        return;
    if (hidden) {
        m_hidden.insert(plottable);
        // Forget it when the plottable goes, so a new one at the same address starts visible.
        connect(plottable, &QObject::destroyed, this, [this, plottable] { m_hidden.remove(plottable); });
    } else {
        m_hidden.remove(plottable);
        disconnect(plottable, &QObject::destroyed, this, nullptr);
    }
    plottable->setVisible(!hidden);
    if (QCPPlottableLegendItem* item = m_plot->legend->itemWithPlottable(plottable))
        item->setTextColor(hidden ? kHiddenText : m_plot->legend->textColor());
    if (hidden && m_tracer->graph() == plottable)
        hideReadout();
    Q_EMIT userHiddenChanged(plottable, hidden);
    m_throttle->request();
}

void PlotInteractor::onLegendClick(QCPLegend*, QCPAbstractLegendItem* item, QMouseEvent*)
{
    if (auto* plItem = qobject_cast<QCPPlottableLegendItem*>(item))
        setUserHidden(plItem->plottable(), !isUserHidden(plItem->plottable()));
}

void PlotInteractor::onPlottableClick(QCPAbstractPlottable* plottable, int dataIndex, QMouseEvent*)
{
    // A click on a curve pins the read-out to the clicked point (handy where
    // several curves overlap and hovering picks another one).
    if (auto* graph = qobject_cast<QCPGraph*>(plottable)) {
        showPoint(graph, dataIndex);
        replotOverlay();
    }
}

void PlotInteractor::onMouseMove(QMouseEvent* event)
{
    if (event->buttons() != Qt::NoButton) {
        Q_EMIT viewChangedByUser();
        hideReadout();
        return;
    }
    showReadoutAt(event->position());
}

QString PlotInteractor::showReadoutAt(const QPointF& pos)
{
    QCPGraph* best = nullptr;
    int bestIndex = -1;
    double bestDist = kHoverRadius;
    for (int g = 0; g < m_plot->graphCount(); ++g) {
        QCPGraph* graph = m_plot->graph(g);
        if (!graph->visible() || graph->data()->isEmpty())
            continue;
        QCPAxis* keyAxis = graph->keyAxis();
        QCPAxis* valueAxis = graph->valueAxis();
        // Only the points within the radius along the key axis (binary search),
        // so hovering stays cheap on series with many thousand batches.
        double lo = keyAxis->pixelToCoord(pos.x() - kHoverRadius);
        double hi = keyAxis->pixelToCoord(pos.x() + kHoverRadius);
        if (lo > hi)
            std::swap(lo, hi);
        const auto data = graph->data();
        for (auto it = data->findBegin(lo, false); it != data->findEnd(hi, false); ++it) {
            if (!std::isfinite(it->value))
                continue;
            const double dx = keyAxis->coordToPixel(it->key) - pos.x();
            const double dy = valueAxis->coordToPixel(it->value) - pos.y();
            const double dist = std::hypot(dx, dy);
            if (dist < bestDist) {
                bestDist = dist;
                best = graph;
                bestIndex = int(it - data->constBegin());
            }
        }
    }
    if (best)
        showPoint(best, bestIndex);
    else
        hideReadout();
    replotOverlay();
    return m_readout;
}

void PlotInteractor::showPoint(QCPGraph* graph, int index)
{
    if (index < 0 || index >= graph->dataCount())
        return;
    const auto it = graph->data()->at(index);
    m_tracer->setGraph(graph);
    m_tracer->setGraphKey(it->key);
    m_tracer->setPen(QPen(graph->pen().color().darker(130), 1.5));
    m_tracer->setVisible(true);
    const QString text = m_formatter(graph, it->key, it->value);
    m_label->setText(text);
    m_label->setVisible(true);
    if (text != m_readout) {
        m_readout = text;
        Q_EMIT readoutChanged(m_readout);
    }
}

void PlotInteractor::hideReadout()
{
    m_tracer->setGraph(nullptr);
    m_tracer->setVisible(false);
    m_label->setVisible(false);
    if (!m_readout.isEmpty()) {
        m_readout.clear();
        Q_EMIT readoutChanged(m_readout);
    }
}

void PlotInteractor::replotOverlay()
{
    // A layer replot needs the full buffers of an earlier replot; before the
    // first one, the throttle's full redraw paints the overlay as well.
    if (m_throttle->redrawCount() > 0 && m_plot->isVisible())
        m_plot->layer(kOverlayLayer)->replot();
    else
        m_throttle->request();
}

bool PlotInteractor::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == m_plot && event->type() == QEvent::Leave && m_tracer->visible()) {
        hideReadout();
        replotOverlay();
    }
    return QObject::eventFilter(watched, event);
}

} // namespace parity::gui
