#include "common/ElidedLabel.h"

#include <QFontMetrics>
#include <QPainter>

namespace parity::gui {

ElidedLabel::ElidedLabel(QWidget* parent, Qt::TextElideMode mode)
    : QFrame(parent)
    , m_mode(mode)
{
    setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Fixed);
}

void ElidedLabel::setText(const QString& text)
{
    if (text == m_text)
        return;
    m_text = text;
    setToolTip(text);
    updateGeometry();
    update();
}

void ElidedLabel::setBold(bool bold)
{
    QFont f = font();
    f.setBold(bold);
    setFont(f);
    updateGeometry();
}

QString ElidedLabel::shownText() const { return fontMetrics().elidedText(m_text, m_mode, contentsRect().width()); }

QSize ElidedLabel::sizeHint() const
{
    const QMargins m = contentsMargins();
    return {fontMetrics().horizontalAdvance(m_text) + m.left() + m.right() + 2,
            fontMetrics().height() + m.top() + m.bottom()};
}

QSize ElidedLabel::minimumSizeHint() const
{
    const QMargins m = contentsMargins();
    return {fontMetrics().horizontalAdvance(QStringLiteral("Wxyz…")) + m.left() + m.right(),
            fontMetrics().height() + m.top() + m.bottom()};
}

void ElidedLabel::paintEvent(QPaintEvent* event)
{
    QFrame::paintEvent(event);
    QPainter painter(this);
    painter.setPen(palette().color(QPalette::WindowText));
    painter.drawText(contentsRect(), Qt::AlignLeft | Qt::AlignVCenter, shownText());
}

} // namespace parity::gui
