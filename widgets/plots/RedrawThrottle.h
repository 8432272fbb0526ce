#pragma once
#include <QObject>
#include <QTimer>

class QCustomPlot;

namespace parity::gui {

/// Coalesces replot requests: however often request() is called, the plot is
/// redrawn at most once per interval (default 40 ms, i.e. ~25 times a second),
/// so a fast trainer cannot flood the event loop with replots.
/// A plot that is not visible is not redrawn; it is redrawn once when shown.
class RedrawThrottle : public QObject {
    Q_OBJECT
public:
    static constexpr int kDefaultIntervalMs = 40;

    explicit RedrawThrottle(QCustomPlot* plot, QObject* parent = nullptr);

    /// Asks for a redraw within the interval; cheap, call it after every change.
    void request();
    /// Redraws now if a request is pending (e.g. before exporting an image).
    void flush();
    bool isPending() const { return m_timer.isActive() || m_dirty; }

    void setInterval(int ms) { m_timer.setInterval(ms); }
    int interval() const { return m_timer.interval(); }
    /// Number of replots actually done (for tests and diagnostics).
    int redrawCount() const { return m_redraws; }

Q_SIGNALS:
    /// Emitted right before each replot: the place to rescale axes that follow the data.
    void aboutToRedraw();
    void redrawn();

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void redraw();

    QCustomPlot* m_plot;
    QTimer m_timer;
    bool m_dirty = false; ///< a request arrived while the plot was hidden
    int m_redraws = 0;
};

} // namespace parity::gui
