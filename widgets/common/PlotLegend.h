#pragma once

class QCustomPlot;

namespace parity::gui {

/// Moves a plot's legend out of its axes, so it never covers data
/// (issue 13, item 6): into a narrow column right of the axes ...
void placeLegendBeside(QCustomPlot* plot);
/// ... or into one row above them (entries side by side).
void placeLegendAbove(QCustomPlot* plot);
/// Takes the legend out of the plot's layout altogether (no room is kept for
/// it, shown or not): for plots whose legend on screen is a LegendList.
void detachLegend(QCustomPlot* plot);

} // namespace parity::gui
