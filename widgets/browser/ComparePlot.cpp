#include "browser/ComparePlot.h"

#include "plots/LegendList.h"
#include "plots/PlotExport.h"
#include "plots/PlotGraphs.h"
#include "plots/QcpInclude.h"
#include "plots/SplitColours.h"

#include <QComboBox>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QVBoxLayout>

#include <initializer_list>

namespace parity::gui {

ComparePlot::ComparePlot(QWidget* parent)
    : QWidget(parent)
    , m_split(new QComboBox(this))
    , m_metric(new QComboBox(this))
    , m_plot(new QCustomPlot(this))
    , m_legend(new LegendList(m_plot, this))
{
    m_reset = new QPushButton(tr("Reset view"), this);
    m_exportButton = new QPushButton(tr("Export image..."), this);
    auto* bar = new QHBoxLayout;
    bar->addWidget(new QLabel(tr("Split:"), this));
    bar->addWidget(m_split);
    bar->addWidget(new QLabel(tr("Metric:"), this));
    bar->addWidget(m_metric);
    // The whole metric name, never "reco" (issue 13, item 12).
    m_metric->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_split->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    bar->addStretch(1);
    bar->addWidget(m_reset);
    bar->addWidget(m_exportButton);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(bar);
    // The legend is a list beside the plot, never over the curves or their
    // best points (issue 13, item 6) and scrolling rather than squeezed when
    // many runs are compared.
    auto* plotRow = new QHBoxLayout;
    plotRow->addWidget(m_plot, 1);
    plotRow->addWidget(m_legend);
    layout->addLayout(plotRow, 1);

    m_plot->setMinimumSize(300, 200);
    m_plot->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    m_plot->xAxis->setLabel(tr("Epoch"));
    // Epochs are whole numbers: ticks at 1, 2, 5, 10, ... epochs.
    QSharedPointer<QCPAxisTickerFixed> epochTicker(new QCPAxisTickerFixed);
    epochTicker->setTickStep(1.0);
    epochTicker->setScaleStrategy(QCPAxisTickerFixed::ssMultiples);
    m_plot->xAxis->setTicker(epochTicker);

    connect(m_split, &QComboBox::currentIndexChanged, this, &ComparePlot::onChooserChanged);
    connect(m_metric, &QComboBox::currentIndexChanged, this, &ComparePlot::onChooserChanged);
    connect(m_reset, &QPushButton::clicked, this, &ComparePlot::resetView);
    connect(m_exportButton, &QPushButton::clicked, this, &ComparePlot::onExportClicked);
    connect(m_legend, &LegendList::visibilityToggled, this, &ComparePlot::setGraphVisible);
    m_emptyNote = addEmptyNote(m_plot, noRunsText());
    fillChoosers();
    rebuildGraphs();
}

QString ComparePlot::noRunsText()
{
    return tr("No runs compared yet.\nSelect runs in the list above\nand press Compare.");
}

QString ComparePlot::emptyNote() const { return shownEmptyNote(m_emptyNote); }

QString ComparePlot::metricLabel(const QString& metric)
{
    QString label = metric;
    label.replace(QLatin1String("_top"), QLatin1String(" top-"));
    return label;
}

void ComparePlot::setRecords(std::vector<RunRecord> records)
{
    m_records = std::move(records);
    m_hidden.clear();
    fillChoosers();
    rebuildGraphs();
}

void ComparePlot::fillChoosers()
{
    QStringList splits;
    QStringList metrics{QStringLiteral("loss")};
    // Without runs, the curve they will be compared by (not "loss", the
    // only metric every run has), greyed out.
    if (m_records.empty() && !metrics.contains(m_wantedMetric))
        metrics << m_wantedMetric;
    for (const auto& r : m_records) {
        for (const auto& s : r.splitNames())
            if (!splits.contains(s))
                splits << s;
        for (const auto& m : r.accuracyMetricNames())
            if (!metrics.contains(m))
                metrics << m;
    }
    if (splits.isEmpty())
        splits = QStringList{QStringLiteral("train"), QStringLiteral("val"), QStringLiteral("test")};
    // Refilling the combos would fire onChooserChanged() for every item.
    const QSignalBlocker blockSplit(m_split);
    const QSignalBlocker blockMetric(m_metric);
    m_split->clear();
    for (const auto& s : splits)
        m_split->addItem(s, s);
    m_metric->clear();
    for (const auto& m : metrics)
        m_metric->addItem(metricLabel(m), m);
    const int s = m_split->findData(m_wantedSplit);
    m_split->setCurrentIndex(s >= 0 ? s : 0);
    const int m = m_metric->findData(m_wantedMetric);
    m_metric->setCurrentIndex(m >= 0 ? m : 0);
    const bool any = !m_records.empty();
    for (QWidget* w : std::initializer_list<QWidget*>{m_split, m_metric, m_reset, m_exportButton})
        w->setEnabled(any);
}

void ComparePlot::onChooserChanged()
{
    m_wantedSplit = split();
    m_wantedMetric = currentMetric();
    rebuildGraphs();
}

bool ComparePlot::setMetric(const QString& splitName, const QString& metricName)
{
    const int s = m_split->findData(splitName);
    const int m = m_metric->findData(metricName);
    if (s < 0 || m < 0)
        return false;
    {
        const QSignalBlocker blockSplit(m_split);
        const QSignalBlocker blockMetric(m_metric);
        m_split->setCurrentIndex(s);
        m_metric->setCurrentIndex(m);
    }
    onChooserChanged();
    return true;
}

QString ComparePlot::split() const { return m_split->currentData().toString(); }
QString ComparePlot::currentMetric() const { return m_metric->currentData().toString(); }

QStringList ComparePlot::availableSplits() const
{
    QStringList list;
    for (int i = 0; i < m_split->count(); ++i)
        list << m_split->itemData(i).toString();
    return list;
}

QStringList ComparePlot::availableMetrics() const
{
    QStringList list;
    for (int i = 0; i < m_metric->count(); ++i)
        list << m_metric->itemData(i).toString();
    return list;
}

void ComparePlot::rebuildGraphs()
{
    m_plot->clearGraphs();
    const std::string splitName = split().toStdString();
    const std::string metricName = currentMetric().toStdString();
    for (size_t i = 0; i < m_records.size(); ++i) {
        const RunRecord& r = m_records[i];
        QVector<double> xs, ys;
        for (const auto& e : r.epochs) {
            const auto s = e.splits.find(splitName);
            if (s == e.splits.end())
                continue;
            if (metricName == "loss" ? !s->second.hasLoss() : !s->second.accuracy.count(metricName))
                continue;      // e.g. a Berrut run, which computes no loss
            xs << e.epoch + 1; // epochs count from 1, as the result files' lines (issue 13, item 9)
            ys << s->second.value(metricName);
        }
        QCPGraph* graph = m_plot->addGraph();
        graph->setName(r.displayName());
        graph->setData(xs, ys, true);
        graph->setPen(QPen(runColour(int(i)), 2));
        graph->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, 5));
        showGraph(m_plot, graph, !m_hidden.contains(int(i)));
    }
    m_plot->yAxis->setLabel(QStringLiteral("%1 %2").arg(split(), metricLabel(currentMetric())));
    m_legend->refresh(); // no empty legend box (issue 13, item 12): hidden without runs
    // Runs chosen but none has this curve (e.g. the loss of a Berrut run,
    // which trains nothing), or none has an epoch yet (running, failed
    // before its first, a Slurm task just started): say so rather than
    // leave the axes blank.
    bool anyEpoch = false;
    for (const RunRecord& r : m_records)
        anyEpoch = anyEpoch || !r.epochs.empty();
    const bool one = m_records.size() == 1;
    QString note = noRunsText();
    if (!m_records.empty() && !anyEpoch)
        note = one ? tr("The compared run has no epoch yet.") : tr("The compared runs have no epoch yet.");
    else if (!m_records.empty())
        note = (one ? tr("No %1 %2 in the compared run.\nChoose another split or metric above.")
                    : tr("No %1 %2 in the compared runs.\nChoose another split or metric above."))
                   .arg(split(), metricLabel(currentMetric()));
    m_emptyNote->setText(note);
    showEmptyNoteWhileEmpty(m_plot, m_emptyNote);
    resetView();
}

void ComparePlot::resetView()
{
    // Fitted by hand: QCustomPlot's rescale makes odd ranges for a single
    // point (a one-epoch run).
    // Without a run: around epoch 1, the first there is (epochs count from 1).
    QCPRange keys(1, 1), values(0, 1);
    visibleDataRange(m_plot, &keys, &values);
    const double margin = values.size() > 0 ? 0.05 * values.size() : qMax(0.05, 0.05 * qAbs(values.lower));
    m_plot->xAxis->setRange(keys.lower - 0.5, keys.upper + 0.5);
    m_plot->yAxis->setRange(values.lower - margin, values.upper + margin);
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

int ComparePlot::graphCount() const { return m_plot->graphCount(); }

bool ComparePlot::isGraphVisible(int index) const
{
    return index >= 0 && index < m_plot->graphCount() && m_plot->graph(index)->visible();
}

void ComparePlot::setGraphVisible(int index, bool visible)
{
    if (index < 0 || index >= m_plot->graphCount())
        return;
    if (visible)
        m_hidden.remove(index);
    else
        m_hidden.insert(index);
    showGraph(m_plot, m_plot->graph(index), visible);
    m_legend->syncRow(index);
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

bool ComparePlot::exportImage(const QString& path, QString* error) { return savePlotWithLegend(m_plot, path, error); }

void ComparePlot::onExportClicked()
{
    const QString path = QFileDialog::getSaveFileName(this, tr("Export plot"), QString(),
                                                      tr("PNG image (*.png);;PDF document (*.pdf)"));
    if (path.isEmpty())
        return;
    QString error;
    if (!exportImage(path, &error))
        QMessageBox::warning(this, tr("Export plot"), error);
}

} // namespace parity::gui
