#include "common/PlotLegend.h"

#include "plots/QcpInclude.h"

namespace parity::gui {

namespace {

void takeFromAxes(QCustomPlot* plot)
{
    QCPLayoutInset* inset = plot->axisRect()->insetLayout();
    for (int i = 0; i < inset->elementCount(); ++i)
        if (inset->elementAt(i) == plot->legend) {
            inset->take(plot->legend);
            inset->simplify();
            return;
        }
}

} // namespace

void placeLegendBeside(QCustomPlot* plot)
{
    takeFromAxes(plot);
    QCPLayoutGrid* layout = plot->plotLayout();
    const int column = layout->columnCount();
    // Beside the axes: below a title row (LivePlot::setTitle) when there is one.
    int row = 0;
    for (int r = 0; r < layout->rowCount(); ++r)
        if (layout->element(r, 0) == plot->axisRect())
            row = r;
    // A sub-grid keeps the legend at the top of its column instead of stretched over it.
    auto* side = new QCPLayoutGrid;
    layout->addElement(row, column, side);
    side->addElement(0, 0, plot->legend);
    auto* filler = new QCPLayoutElement(plot);
    side->addElement(1, 0, filler);
    side->setRowStretchFactor(0, 0.001);
    side->setMargins(QMargins(0, 6, 4, 0));
    layout->setColumnStretchFactor(column, 0.001);
    plot->legend->setBrush(Qt::NoBrush);
    plot->legend->setBorderPen(Qt::NoPen);
}

void placeLegendAbove(QCustomPlot* plot)
{
    takeFromAxes(plot);
    QCPLayoutGrid* layout = plot->plotLayout();
    layout->insertRow(0);
    layout->addElement(0, 0, plot->legend);
    layout->setRowStretchFactor(0, 0.001);
    layout->setRowSpacing(0);
    plot->legend->setFillOrder(QCPLayoutGrid::foColumnsFirst);
    plot->legend->setBrush(Qt::NoBrush);
    plot->legend->setBorderPen(Qt::NoPen);
    plot->legend->setMargins(QMargins(4, 2, 4, 0));
}

void detachLegend(QCustomPlot* plot)
{
    takeFromAxes(plot);
    QCPLayout* holder = plot->legend->layout();
    if (!holder)
        return;
    holder->take(plot->legend);
    QCPLayoutGrid* top = plot->plotLayout();
    if (holder != top && holder->layout() == top) // placeLegendBeside's column: it and its filler go
        top->remove(holder);
    top->simplify();
}

} // namespace parity::gui
