#pragma once
#include <QString>

class QCoreApplication;

namespace parity::gui {

/// Qt shows a plain-text tooltip on one line as wide as the screen allows
/// (a form field's at 1920x1080: one line of ~1700 px). Installed on the
/// application, this shows every plain tooltip with a line longer than 80
/// characters as wrappedToolTip(text) instead: lines of about 64 characters.
/// Widgets' own tooltips and those item views and headers take from their
/// model (ToolTipRole) are covered; rich-text and short ones are left to Qt.
void wrapLongToolTips(QCoreApplication* app);

/// `plain` as rich text Qt wraps at that width: escaped, its line breaks
/// and runs of spaces kept.
QString wrappedToolTip(const QString& plain);

} // namespace parity::gui
