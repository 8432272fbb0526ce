#pragma once
#include <QString>
#include <QStringList>

namespace parity::gui {

/// The command `name` (e.g. "parity-train") installed with the workbench,
/// whose program runs from `appDir`: in the build tree app/cli/<name> beside
/// app/workbench/; installed, the launcher in bin/ (the program is in
/// libexec/parity-workbench/), else the program itself (<name>-bin) beside
/// it. "" when none can be executed; `lookedIn` then lists the places tried.
QString findSiblingProgram(const QString& appDir, const QString& name, QStringList* lookedIn = nullptr);

} // namespace parity::gui
