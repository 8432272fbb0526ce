#include "plots/LegendList.h"

#include "common/PlotLegend.h"

#include "plots/QcpInclude.h"

#include <QEvent>
#include <QLabel>
#include <QListWidget>
#include <QScrollBar>
#include <QVBoxLayout>

namespace parity::gui {

namespace {

const QString kSeparator = QStringLiteral(" · ");
constexpr int kIconWidth = 28;
constexpr int kIconHeight = 12;

QIcon graphIcon(const QCPGraph* graph)
{
    QPixmap pixmap(kIconWidth, kIconHeight);
    pixmap.fill(Qt::transparent);
    QCPPainter painter(&pixmap);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setPen(graph->pen());
    painter.drawLine(QLineF(0, kIconHeight / 2.0, kIconWidth, kIconHeight / 2.0));
    QCPScatterStyle scatter = graph->scatterStyle();
    if (!scatter.isNone()) {
        scatter.applyTo(&painter, graph->pen());
        scatter.drawShape(&painter, kIconWidth / 2.0, kIconHeight / 2.0);
    }
    return QIcon(pixmap);
}

} // namespace

LegendList::LegendList(QCustomPlot* plot, QWidget* parent)
    : QWidget(parent)
    , m_plot(plot)
    , m_shared(new QLabel(this))
    , m_list(new QListWidget(this))
{
    // The plot's own legend leaves the screen (it keeps no room either) and
    // shows in image exports only (savePlotWithLegend).
    detachLegend(m_plot);
    m_plot->legend->setVisible(false);
    m_shared->setWordWrap(true);
    m_shared->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_shared->setContentsMargins(2, 0, 2, 0);
    m_shared->hide();
    m_list->setIconSize(QSize(kIconWidth, kIconHeight));
    m_list->setTextElideMode(Qt::ElideMiddle);
    m_list->setSelectionMode(QAbstractItemView::NoSelection); // Space toggles the current row's box
    m_list->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_list->setFrameShape(QFrame::NoFrame);
    m_list->viewport()->setAutoFillBackground(false);
    m_list->setToolTip(tr("Uncheck a row to hide its curve"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 4, 0, 0);
    layout->setSpacing(2);
    layout->addWidget(m_shared);
    layout->addWidget(m_list, 1);
    setMinimumWidth(120);
    setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Expanding);
    connect(m_list, &QListWidget::itemChanged, this, &LegendList::onItemChanged);
    // A click on the name toggles too, as on a plot's own legend; a click on
    // the box has toggled it already by the time itemClicked comes.
    connect(m_list, &QListWidget::itemPressed, this,
            [this](QListWidgetItem* item) { m_pressedState = int(item->checkState()); });
    connect(m_list, &QListWidget::itemClicked, this, [this](QListWidgetItem* item) {
        if (int(item->checkState()) == m_pressedState)
            item->setCheckState(item->checkState() == Qt::Checked ? Qt::Unchecked : Qt::Checked);
        m_pressedState = -1;
    });
    // The plot keeps at least three fifths of the row; the names are elided past that.
    if (parent)
        parent->installEventFilter(this);
}

bool LegendList::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == parentWidget() && event->type() == QEvent::Resize)
        setMaximumWidth(qMax(minimumWidth(), parentWidget()->width() * 2 / 5));
    return QWidget::eventFilter(watched, event);
}

QString LegendList::sharedPrefix(const QStringList& names)
{
    QList<QStringList> parts;
    for (const QString& name : names)
        parts << name.split(kSeparator);
    if (parts.size() < 2)
        return {};
    qsizetype shared = parts.front().size() - 1;
    for (const QStringList& p : parts) {
        shared = qMin(shared, p.size() - 1); // each name keeps a part of its own
        qsizetype i = 0;
        while (i < shared && p[i] == parts.front()[i])
            ++i;
        shared = i;
    }
    if (shared <= 0)
        return {};
    return parts.front().mid(0, shared).join(kSeparator) + kSeparator;
}

void LegendList::refresh(int runs)
{
    QList<QCPGraph*> graphs;
    for (int i = 0; i < m_plot->graphCount(); ++i)
        graphs << m_plot->graph(i);
    setGraphs(graphs, runs < 0 ? int(graphs.size()) : runs);
}

void LegendList::setGraphs(const QList<QCPGraph*>& graphs, int runs)
{
    const QSignalBlocker block(m_list);
    const int scrolled = m_list->verticalScrollBar()->value();
    m_list->clear();
    m_graphs.clear();
    for (QCPGraph* graph : graphs)
        m_graphs << graph;
    QStringList names; // of the runs: what follows them (baselines) has names of its own
    for (int i = 0; i < graphs.size() && i < runs; ++i)
        names << graphs[i]->name();
    const QString shared = sharedPrefix(names);
    m_shared->setText(shared.isEmpty() ? QString() : tr("All runs: %1").arg(shared.chopped(kSeparator.size())));
    m_shared->setVisible(!shared.isEmpty());
    const QFontMetrics metrics(m_list->font());
    m_textWidth = 0;
    for (const QCPGraph* graph : graphs) {
        QString text = graph->name();
        if (!shared.isEmpty() && text.startsWith(shared))
            text = text.mid(shared.size());
        auto* item = new QListWidgetItem(graphIcon(graph), text, m_list);
        item->setToolTip(graph->name());
        item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsUserCheckable);
        m_textWidth = qMax(m_textWidth, metrics.horizontalAdvance(text));
        syncGraph(graph);
    }
    m_list->verticalScrollBar()->setValue(scrolled);
    setVisible(!graphs.isEmpty());
    updateGeometry();
}

void LegendList::syncRow(int index)
{
    if (index >= 0 && index < m_plot->graphCount())
        syncGraph(m_plot->graph(index));
}

void LegendList::syncGraph(const QCPGraph* graph)
{
    int row = 0;
    while (row < m_graphs.size() && m_graphs[row] != graph)
        ++row;
    if (!graph || row >= m_graphs.size() || row >= rowCount())
        return;
    const QSignalBlocker block(m_list);
    const bool drawn = graph->visible();
    QListWidgetItem* item = m_list->item(row);
    item->setCheckState(drawn ? Qt::Checked : Qt::Unchecked);
    item->setForeground(palette().color(drawn ? QPalette::Active : QPalette::Disabled, QPalette::Text));
}

int LegendList::rowCount() const { return m_list->count(); }
QString LegendList::rowText(int row) const
{
    return row >= 0 && row < rowCount() ? m_list->item(row)->text() : QString();
}
bool LegendList::isRowChecked(int row) const
{
    return row >= 0 && row < rowCount() && m_list->item(row)->checkState() == Qt::Checked;
}
QString LegendList::sharedText() const { return m_shared->text(); }

QSize LegendList::sizeHint() const
{
    // Check box, icon, text and the gaps between them, as the list's style draws a row.
    const int check = style()->pixelMetric(QStyle::PM_IndicatorWidth, nullptr, m_list);
    const int width = check + kIconWidth + m_textWidth + 4 * 6 + m_list->verticalScrollBar()->sizeHint().width();
    // No height of its own to ask for: it takes the plot's and scrolls.
    return {width, 60};
}

QSize LegendList::minimumSizeHint() const { return {minimumWidth(), 60}; }

void LegendList::onItemChanged(QListWidgetItem* item)
{
    const int row = m_list->row(item);
    if (row < 0 || row >= m_graphs.size())
        return;
    QCPGraph* graph = m_graphs[row];
    if (!graph)
        return;
    const bool visible = item->checkState() == Qt::Checked;
    for (int i = 0; i < m_plot->graphCount(); ++i)
        if (m_plot->graph(i) == graph)
            Q_EMIT visibilityToggled(i, visible);
    Q_EMIT graphToggled(graph, visible);
}

} // namespace parity::gui
