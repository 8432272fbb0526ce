#include "plots/PlotExport.h"

#include "plots/QcpInclude.h"

#include <QFileInfo>

namespace parity::gui {

bool savePlot(QCustomPlot* plot, const QString& path, QString* error)
{
    const QString suffix = QFileInfo(path).suffix().toLower();
    const int w = qMax(plot->width(), 640);
    const int h = qMax(plot->height(), 400);
    bool ok = false;
    if (suffix == QLatin1String("png"))
        ok = plot->savePng(path, w, h);
    else if (suffix == QLatin1String("pdf"))
        ok = plot->savePdf(path, w, h);
    else {
        if (error)
            *error = QStringLiteral("%1: unsupported file type (use .png or .pdf)").arg(path);
        return false;
    }
    if (!ok && error)
        *error = QStringLiteral("%1: could not be written").arg(path);
    return ok;
}

} // namespace parity::gui
