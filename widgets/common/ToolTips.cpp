#include "common/ToolTips.h"

#include <QAbstractItemView>
#include <QCoreApplication>
#include <QFontMetrics>
#include <QHeaderView>
#include <QHelpEvent>
#include <QTextDocument> // Qt::mightBeRichText
#include <QToolTip>
#include <QWidget>

#include <algorithm>

namespace parity::gui {

namespace {

/// A line longer than this (characters) is wrapped ...
constexpr int kOneLine = 80;
/// ... into lines about this long.
constexpr int kLineChars = 64;

int longestLine(const QString& text)
{
    int longest = 0;
    for (const QStringView line : QStringView(text).split(QLatin1Char('\n')))
        longest = std::max(longest, int(line.size()));
    return longest;
}

/// The tooltip Qt would show for `widget` at `pos`: an item view's (or
/// header's) comes from its model, not from the viewport's own toolTip().
QString toolTipAt(QWidget* widget, const QPoint& pos)
{
    auto* view = widget->parentWidget() ? qobject_cast<QAbstractItemView*>(widget->parentWidget()) : nullptr;
    if (!view || view->viewport() != widget || !view->model())
        return widget->toolTip();
    if (auto* header = qobject_cast<QHeaderView*>(view)) {
        const int section = header->logicalIndexAt(pos);
        return section < 0 ? QString()
                           : header->model()->headerData(section, header->orientation(), Qt::ToolTipRole).toString();
    }
    return view->indexAt(pos).data(Qt::ToolTipRole).toString();
}

class ToolTipWrapper : public QObject {
public:
    using QObject::QObject;

    bool eventFilter(QObject* watched, QEvent* event) override
    {
        if (event->type() != QEvent::ToolTip || !watched->isWidgetType())
            return false;
        auto* widget = static_cast<QWidget*>(watched);
        const auto* help = static_cast<QHelpEvent*>(event);
        const QString tip = toolTipAt(widget, help->pos());
        if (longestLine(tip) <= kOneLine || Qt::mightBeRichText(tip))
            return false; // Qt shows it as it is (or the widget has none: its parent is asked)
        QToolTip::showText(help->globalPos(), wrappedToolTip(tip), widget, QRect(), widget->toolTipDuration());
        return true;
    }
};

} // namespace

QString wrappedToolTip(const QString& plain)
{
    // Left to itself Qt wraps a rich tooltip into a narrow column (~25
    // characters): a cell of a set width makes lines of about kLineChars.
    // pre-wrap keeps the text's own line breaks and runs of spaces.
    const QFontMetrics metrics(QToolTip::font());
    int width = 0;
    for (const QString& line : plain.split(QLatin1Char('\n')))
        width = std::max(width, metrics.horizontalAdvance(line));
    width = std::min(width, kLineChars * metrics.averageCharWidth());
    return QStringLiteral("<table><tr><td width=\"%1\" style=\"white-space:pre-wrap\">%2</td></tr></table>")
        .arg(width)
        .arg(plain.toHtmlEscaped());
}

void wrapLongToolTips(QCoreApplication* app)
{
    static const char* const kName = "parity_tooltip_wrapper";
    if (app->findChild<QObject*>(QLatin1String(kName), Qt::FindDirectChildrenOnly))
        return; // once
    auto* wrapper = new ToolTipWrapper(app);
    wrapper->setObjectName(QLatin1String(kName));
    app->installEventFilter(wrapper);
}

} // namespace parity::gui
