#include "SiblingProgram.h"

#include <QDir>
#include <QFileInfo>

namespace parity::gui {

QString findSiblingProgram(const QString& appDir, const QString& name, QStringList* lookedIn)
{
    const QDir dir(appDir);
    // The launchers first: they choose the BLAS kernel of the machine the task lands on.
    const QStringList candidates = {
        dir.filePath(QStringLiteral("../cli/") + name),    // build tree: build/app/{workbench,cli}
        dir.filePath(name),                                // beside the workbench
        dir.filePath(QStringLiteral("../../bin/") + name), // installed: libexec/parity-workbench -> bin
        dir.filePath(name + QStringLiteral("-bin")),       // installed: the program itself
    };
    for (const QString& candidate : candidates) {
        const QFileInfo info(candidate);
        if (info.isFile() && info.isExecutable())
            return QDir::cleanPath(info.absoluteFilePath());
    }
    if (lookedIn) {
        lookedIn->clear();
        for (const QString& candidate : candidates)
            *lookedIn << QDir::cleanPath(QFileInfo(candidate).absoluteFilePath());
    }
    return {};
}

} // namespace parity::gui
