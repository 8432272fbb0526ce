#include "common/ToolTips.h"

#include <QCoreApplication>
#include <QFontMetrics>
#include <QHelpEvent>
#include <QTextDocument> // Qt::mightBeRichText
#include <QToolTip>
#include <QWidget>

namespace parity::gui {

namespace {

/// Longer than this and a tooltip is wrapped (characters) ...
constexpr int kOneLine = 80;
/// ... into lines about this long.
constexpr int kLineChars = 64;

class ToolTipWrapper : public QObject {
public:
    using QObject::QObject;

    bool eventFilter(QObject* watched, QEvent* event) override
    {
        if (event->type() != QEvent::ToolTip || !watched->isWidgetType())
            return false;
        auto* widget = static_cast<QWidget*>(watched);
        const QString tip = widget->toolTip();
        if (tip.size() <= kOneLine || Qt::mightBeRichText(tip))
            return false; // Qt shows it as it is (or the widget has none: its parent is asked)
        const auto* help = static_cast<QHelpEvent*>(event);
        QToolTip::showText(help->globalPos(), wrappedToolTip(tip), widget, QRect(), widget->toolTipDuration());
        return true;
    }
};

} // namespace

QString wrappedToolTip(const QString& plain)
{
    QString html = plain.toHtmlEscaped();
    html.replace(QLatin1Char('\n'), QStringLiteral("<br>"));
    // Left to itself Qt wraps a rich tooltip into a narrow column (~25
    // characters): a cell of a set width makes lines of about kLineChars.
    const QFontMetrics metrics(QToolTip::font());
    const int width = qMin(metrics.horizontalAdvance(plain), kLineChars * metrics.averageCharWidth());
    return QStringLiteral("<table><tr><td width=\"%1\">%2</td></tr></table>").arg(width).arg(html);
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
