#include "common/RunRecord.h"

#include <QFileInfo>

namespace parity::gui {

QString RunRecord::displayName() const
{
    if (!header.isEmpty())
        return header;
    return QFileInfo(runDir).fileName();
}

} // namespace parity::gui
