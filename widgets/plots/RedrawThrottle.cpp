#include "plots/RedrawThrottle.h"

#include "plots/QcpInclude.h"

#include <QEvent>

namespace parity::gui {

RedrawThrottle::RedrawThrottle(QCustomPlot* plot, QObject* parent)
    : QObject(parent)
    , m_plot(plot)
{
    m_timer.setSingleShot(true);
    m_timer.setInterval(kDefaultIntervalMs);
    connect(&m_timer, &QTimer::timeout, this, &RedrawThrottle::redraw);
    m_plot->installEventFilter(this);
}

void RedrawThrottle::request()
{
    // A running timer already covers this request: that is the coalescing.
    if (!m_timer.isActive())
        m_timer.start();
}

void RedrawThrottle::flush()
{
    if (!isPending())
        return;
    m_timer.stop();
    m_dirty = false;
    Q_EMIT aboutToRedraw();
    m_plot->replot(QCustomPlot::rpImmediateRefresh);
    ++m_redraws;
    Q_EMIT redrawn();
}

void RedrawThrottle::redraw()
{
    // A hidden plot (another tab) would spend the CPU for nothing: remember
    // the request and redraw once it is shown.
    if (!m_plot->isVisible()) {
        m_dirty = true;
        return;
    }
    m_dirty = false;
    Q_EMIT aboutToRedraw();
    // The timer has already coalesced the requests; a queued replot would only
    // postpone the paint by one more event-loop turn.
    m_plot->replot(QCustomPlot::rpRefreshHint);
    ++m_redraws;
    Q_EMIT redrawn();
}

bool RedrawThrottle::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == m_plot && event->type() == QEvent::Show && m_dirty)
        request();
    return QObject::eventFilter(watched, event);
}

} // namespace parity::gui
