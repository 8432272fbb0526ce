#include "plots/LivePlot.h"

#include "plots/LegendList.h"
#include "plots/PlotExport.h"
#include "plots/PlotGraphs.h"
#include "plots/PlotInteractor.h"
#include "plots/QcpInclude.h"
#include "plots/RedrawThrottle.h"

#include "common/FlowLayout.h"
#include "common/PlotLegend.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

namespace parity::gui {

LivePlot::LivePlot(QWidget* parent)
    : QWidget(parent)
    , m_plot(new QCustomPlot(this))
    , m_throttle(new RedrawThrottle(m_plot, this))
    , m_interactor(new PlotInteractor(m_plot, m_throttle, this))
    , m_toolbar(new FlowLayout)
    , m_plotRow(new QHBoxLayout)
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    m_toolbar->setContentsMargins(4, 2, 4, 0);
    layout->addLayout(m_toolbar);
    m_plotRow->setContentsMargins(0, 0, 0, 0);
    m_plotRow->setSpacing(0);
    m_plotRow->addWidget(m_plot, 1);
    layout->addLayout(m_plotRow, 1);

    m_plot->setMinimumSize(320, 200);
    m_plot->legend->setVisible(true);
    QFont legendFont = font();
    legendFont.setPointSizeF(legendFont.pointSizeF() * 0.9);
    m_plot->legend->setFont(legendFont);
    // The legend stands beside the axes, where it covers no point (issue 13, item 6).
    placeLegendBeside(m_plot);
    m_plot->xAxis->setLabel(tr("epoch"));

    connect(m_throttle, &RedrawThrottle::aboutToRedraw, this, [this] {
        updateEmptyNote();
        if (m_follow)
            fitAxes();
    });
    connect(m_interactor, &PlotInteractor::viewChangedByUser, this, [this] { m_follow = false; });
    connect(m_interactor, &PlotInteractor::readoutChanged, this, &LivePlot::readoutChanged);
}

LivePlot::~LivePlot() = default;

void LivePlot::finishToolbar()
{
    auto* reset = new QPushButton(tr("Reset view"), this);
    reset->setToolTip(tr("Fit the axes to the visible data and follow new data again"));
    connect(reset, &QPushButton::clicked, this, &LivePlot::resetView);
    m_toolbar->addWidget(reset);
    m_readoutLabel = new QLabel(this);
    m_readoutLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_readoutLabel->setFixedWidth(220); // a fixed width: the toolbar does not re-wrap as the pointer moves
    m_readoutLabel->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
    connect(m_interactor, &PlotInteractor::readoutChanged, m_readoutLabel, &QLabel::setText);
    m_toolbar->addWidget(m_readoutLabel);
}

LegendList* LivePlot::useLegendList()
{
    if (m_legendList)
        return m_legendList;
    m_legendList = new LegendList(m_plot, this); // takes the plot's own legend off the screen
    m_legendList->hide();                        // until the subclass lists its series
    m_plotRow->addWidget(m_legendList);
    connect(m_legendList, &LegendList::graphToggled, this,
            [this](QCPGraph* graph, bool visible) { m_interactor->setUserHidden(graph, !visible); });
    // The row follows (a subclass that keeps a series off by its own rules
    // syncs the row again after it).
    connect(m_interactor, &PlotInteractor::userHiddenChanged, this, [this](QCPAbstractPlottable* plottable, bool) {
        if (auto* graph = qobject_cast<QCPGraph*>(plottable))
            m_legendList->syncGraph(graph);
    });
    return m_legendList;
}

void LivePlot::setEmptyNote(const QString& text) { m_emptyNote = addEmptyNote(m_plot, text); }

void LivePlot::setEmptyNoteText(const QString& text)
{
    if (!m_emptyNote || m_emptyNote->text() == text)
        return;
    m_emptyNote->setText(text);
    m_throttle->request();
}

QString LivePlot::emptyNote() const { return shownEmptyNote(m_emptyNote); }

void LivePlot::updateEmptyNote() { showEmptyNoteWhileEmpty(m_plot, m_emptyNote); }

void LivePlot::redrawNow()
{
    updateEmptyNote();
    if (m_follow)
        fitAxes();
    m_plot->replot(QCustomPlot::rpImmediateRefresh);
}

int LivePlot::redrawCount() const { return m_throttle->redrawCount(); }

void LivePlot::dataChanged() { m_throttle->request(); }

void LivePlot::resetView()
{
    m_follow = true;
    updateEmptyNote(); // fitAxes may ask whether the plot is empty
    fitAxes();
    m_throttle->request();
}

void LivePlot::setTitle(const QString& title)
{
    // Which run a plot shows, on screen and in its exports (issue 13, item 12).
    if (!m_title) {
        if (title.isEmpty())
            return;
        m_plot->plotLayout()->insertRow(0);
        QFont font = this->font();
        font.setBold(true);
        m_title = new QCPTextElement(m_plot, title, font);
        m_plot->plotLayout()->addElement(0, 0, m_title);
    }
    m_title->setText(title);
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

QString LivePlot::title() const { return m_title ? m_title->text() : QString(); }

bool LivePlot::exportImage(const QString& path, QString* error)
{
    m_interactor->hideReadout();
    updateEmptyNote();
    if (m_follow)
        fitAxes();
    return m_legendList ? savePlotWithLegend(m_plot, path, error) : savePlot(m_plot, path, error);
}

QStringList LivePlot::seriesNames() const
{
    QStringList names;
    for (int i = 0; i < m_plot->graphCount(); ++i)
        names << m_plot->graph(i)->name();
    return names;
}

QCPGraph* LivePlot::series(const QString& name) const
{
    for (int i = 0; i < m_plot->graphCount(); ++i)
        if (m_plot->graph(i)->name() == name)
            return m_plot->graph(i);
    return nullptr;
}

int LivePlot::pointCount(const QString& name) const
{
    const QCPGraph* graph = series(name);
    return graph ? graph->dataCount() : -1;
}

bool LivePlot::setSeriesVisible(const QString& name, bool visible)
{
    QCPGraph* graph = series(name);
    if (!graph)
        return false;
    m_interactor->setUserHidden(graph, !visible);
    return true;
}

bool LivePlot::isSeriesVisible(const QString& name) const
{
    const QCPGraph* graph = series(name);
    return graph && graph->visible();
}

QString LivePlot::readoutAt(const QPoint& pos) { return m_interactor->showReadoutAt(pos); }

QString LivePlot::readout() const { return m_interactor->readout(); }

} // namespace parity::gui
