#pragma once
#include <QString>

class QCoreApplication;

namespace parity::gui {

/// Qt shows a plain-text tooltip on one line as wide as the screen allows
/// (a form field's at 1920x1080: one line of ~1700 px). Installed on the
/// application, this shows every plain tooltip longer than a short line as
/// wrappedToolTip(text) instead: lines of about 64 characters.
/// Rich-text tooltips and short ones are left to Qt.
void wrapLongToolTips(QCoreApplication* app);

/// `plain` as rich text Qt wraps at that width: escaped, line breaks kept.
QString wrappedToolTip(const QString& plain);

} // namespace parity::gui
