#include "plots/PlotExport.h"

#include "common/PlotLegend.h"
#include "plots/QcpInclude.h"

#include <QFileInfo>

#include <algorithm>

namespace parity::gui {

namespace {

bool savePlotAt(QCustomPlot* plot, const QString& path, int width, int height, QString* error)
{
    const QString suffix = QFileInfo(path).suffix().toLower();
    bool ok = false;
    if (suffix == QLatin1String("png"))
        ok = plot->savePng(path, width, height);
    else if (suffix == QLatin1String("pdf"))
        ok = plot->savePdf(path, width, height);
    else {
        if (error)
            *error = QStringLiteral("%1: unsupported file type (use .png or .pdf)").arg(path);
        return false;
    }
    if (!ok && error)
        *error = QStringLiteral("%1: could not be written").arg(path);
    return ok;
}

} // namespace

bool savePlot(QCustomPlot* plot, const QString& path, QString* error)
{
    return savePlotAt(plot, path, qMax(plot->width(), 640), qMax(plot->height(), 400), error);
}

bool savePlotWithLegend(QCustomPlot* plot, const QString& path, QString* error)
{
    const bool shown = plot->legend->visible();
    placeLegendBeside(plot);
    plot->legend->setVisible(plot->graphCount() > 0);
    const QSize legend = plot->legend->visible() ? plot->legend->minimumOuterSizeHint() : QSize();
    // The axes keep the width they have on screen (at least 480 px), the
    // legend's column comes on top, with room for its margins and for text
    // measured a little wider on the image than on the screen.
    const int width = qMax(qMax(plot->width(), 480) + legend.width() + 32, 640);
    const int height = std::max({plot->height(), legend.height() + 12, 400});
    const bool ok = savePlotAt(plot, path, width, height, error);
    detachLegend(plot);
    plot->legend->setVisible(shown);
    plot->replot(QCustomPlot::rpQueuedReplot);
    return ok;
}

} // namespace parity::gui
