#include "common/FlowLayout.h"

#include <QWidget>

#include <algorithm>

namespace parity::gui {

FlowLayout::FlowLayout(QWidget* parent, int spacing)
    : QLayout(parent)
{
    setSpacing(spacing);
}

FlowLayout::~FlowLayout()
{
    while (QLayoutItem* item = takeAt(0))
        delete item;
}

void FlowLayout::addItem(QLayoutItem* item) { m_items.append(item); }

QLayoutItem* FlowLayout::itemAt(int index) const
{
    return index >= 0 && index < m_items.size() ? m_items.at(index) : nullptr;
}

QLayoutItem* FlowLayout::takeAt(int index)
{
    return index >= 0 && index < m_items.size() ? m_items.takeAt(index) : nullptr;
}

int FlowLayout::heightForWidth(int width) const { return arrange(QRect(0, 0, width, 0), false); }

QSize FlowLayout::minimumSize() const
{
    QSize size;
    for (const QLayoutItem* item : m_items)
        size = size.expandedTo(item->minimumSize());
    const QMargins m = contentsMargins();
    return size + QSize(m.left() + m.right(), m.top() + m.bottom());
}

QSize FlowLayout::sizeHint() const
{
    // One row, as wide as all items together.
    int width = 0;
    int height = 0;
    for (const QLayoutItem* item : m_items) {
        if (item->isEmpty())
            continue;
        width += item->sizeHint().width() + (width > 0 ? spacing() : 0);
        height = std::max(height, item->sizeHint().height());
    }
    const QMargins m = contentsMargins();
    return {width + m.left() + m.right(), height + m.top() + m.bottom()};
}

void FlowLayout::setGeometry(const QRect& rect)
{
    QLayout::setGeometry(rect);
    arrange(rect, true);
}

int FlowLayout::arrange(const QRect& rect, bool apply) const
{
    const QMargins m = contentsMargins();
    const QRect area = rect.adjusted(m.left(), m.top(), -m.right(), -m.bottom());
    int x = area.x();
    int y = area.y();
    int rowHeight = 0;
    // Items of one row share its height and are centred in it.
    QList<QPair<QLayoutItem*, QRect>> row;
    auto flush = [&] {
        if (apply)
            for (const auto& [item, r] : row)
                item->setGeometry(QRect(QPoint(r.x(), r.y() + (rowHeight - r.height()) / 2), r.size()));
        row.clear();
    };
    for (QLayoutItem* item : m_items) {
        if (item->isEmpty())
            continue;
        const QSize hint = item->sizeHint().boundedTo(item->maximumSize()).expandedTo(item->minimumSize());
        const int width = std::min(hint.width(), std::max(area.width(), 0));
        if (x > area.x() && x + width > area.x() + area.width()) {
            flush();
            x = area.x();
            y += rowHeight + spacing();
            rowHeight = 0;
        }
        row.append({item, QRect(QPoint(x, y), QSize(width, hint.height()))});
        x += width + spacing();
        rowHeight = std::max(rowHeight, hint.height());
    }
    flush();
    return y + rowHeight - rect.y() + m.bottom();
}

} // namespace parity::gui
