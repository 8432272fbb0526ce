#include "plots/LossPlot.h"
#include "common/FlowLayout.h"
#include "common/PlotLegend.h"

#include "plots/PlotInteractor.h"
#include "plots/QcpInclude.h"
#include "plots/SplitColours.h"

#include <QCheckBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QSlider>

#include <cmath>

namespace parity::gui {

namespace {
const QStringList kSplits{QStringLiteral("train"), QStringLiteral("val"), QStringLiteral("test")};
constexpr int kBatchSeries = 0;
} // namespace

QString LossPlot::epochSeriesName(const QString& split) { return split + QStringLiteral(" loss"); }

QString LossPlot::emptyText()
{
    return tr("No batch yet.\nThe loss is drawn batch by batch\nas a run trains, or open a run\nfrom the Runs tab.");
}

QString LossPlot::noLossText()
{
    return tr("No loss: this run trains nothing.\nA Berrut code's workers run the\nbase model as it is; its "
              "accuracies\nare in the plot below.");
}

QString LossPlot::noLossToComeText()
{
    return tr("No loss to come: the run on the form\ntrains nothing. A Berrut code's workers\nrun the base model as it "
              "is; its\naccuracies will be in the plot below.");
}

LossPlot::LossPlot(QWidget* parent)
    : LivePlot(parent)
    , m_smoothingSlider(new QSlider(Qt::Horizontal, this))
    , m_smoothingLabel(new QLabel(this))
    , m_logCheck(new QCheckBox(tr("Log scale"), this))
{
    QCustomPlot* plot = customPlot();
    plot->yAxis->setLabel(tr("loss"));
    m_linearTicker = plot->yAxis->ticker();
    m_logTicker.reset(new QCPAxisTickerLog);

    const QColor train = splitColour(QStringLiteral("train"));
    addSeries(QString::fromLatin1(kBatchLoss), train.lighter(150), false);
    addSeries(QString::fromLatin1(kRunningLoss), train.darker(120), false);
    for (const QString& split : kSplits)
        addSeries(epochSeriesName(split), splitColour(split), true);

    m_smoothingSlider->setRange(0, 99);
    m_smoothingSlider->setFixedWidth(120);
    m_smoothingSlider->setToolTip(tr("Exponential moving average over the batch loss (0 = raw)"));
    m_smoothingLabel->setMinimumWidth(32);
    m_smoothingLabel->setText(QStringLiteral("0.00"));
    connect(m_smoothingSlider, &QSlider::valueChanged, this, &LossPlot::setSmoothing);
    connect(m_logCheck, &QCheckBox::toggled, this, &LossPlot::setLogScale);
    toolbar()->addWidget(new QLabel(tr("Smoothing"), this));
    toolbar()->addWidget(m_smoothingSlider);
    toolbar()->addWidget(m_smoothingLabel);
    toolbar()->addWidget(m_logCheck);
    finishToolbar();
    setEmptyNote(emptyText());

    interactor()->setFormatter([](const QCPGraph* graph, double key, double value) {
        // Per-batch points sit at fractional epochs; per-epoch ones at whole numbers.
        const bool whole = std::abs(key - std::round(key)) < 1e-9;
        return QStringLiteral("%1 · epoch %2: %3")
            .arg(graph->name(), whole ? QString::number(qint64(std::round(key))) : QString::number(key, 'f', 3))
            .arg(value, 0, 'g', 5);
    });
    resetView(); // the empty axes' range from the first draw, not QCustomPlot's 0 to 5
}

LossPlot::~LossPlot() = default;

QCPGraph* LossPlot::addSeries(const QString& name, const QColor& colour, bool perEpoch)
{
    QCPGraph* graph = customPlot()->addGraph();
    graph->setName(name);
    graph->setPen(QPen(colour, perEpoch ? 2.0 : 1.2));
    if (perEpoch)
        graph->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, colour, Qt::white, 6));
    m_series.push_back(Series{graph, {}, {}});
    return graph;
}

LossPlot::Series* LossPlot::find(const QString& name)
{
    for (Series& s : m_series)
        if (s.graph->name() == name)
            return &s;
    return nullptr;
}

double LossPlot::shown(double value) const
{
    // A log axis has no place for 0 or below: leave a gap (NaN) there.
    return (m_logScale && !(value > 0)) ? std::numeric_limits<double>::quiet_NaN() : value;
}

double LossPlot::smoothedNext(double raw)
{
    // A non-finite loss (divergence) is shown as a gap and must not poison the average.
    if (!std::isfinite(raw))
        return raw;
    const double weight = m_smoothing / 100.0;
    m_ema = m_emaStarted ? weight * m_ema + (1.0 - weight) * raw : raw;
    m_emaStarted = true;
    return m_ema;
}

void LossPlot::append(Series& series, double key, double value)
{
    series.keys.append(key);
    series.values.append(value);
    const bool isBatchLoss = &series == &m_series[kBatchSeries];
    // Appending in key order is amortised O(1) in QCPDataContainer.
    series.graph->addData(key, shown(isBatchLoss ? smoothedNext(value) : value));
}

void LossPlot::rebuild(Series& series)
{
    const bool isBatchLoss = &series == &m_series[kBatchSeries];
    if (isBatchLoss)
        m_emaStarted = false;
    QVector<double> values(series.values.size());
    for (int i = 0; i < values.size(); ++i)
        values[i] = shown(isBatchLoss ? smoothedNext(series.values[i]) : series.values[i]);
    series.graph->setData(series.keys, values);
}

void LossPlot::addBatch(const BatchStats& stats)
{
    if (stats.split != "train")
        return;
    const double fraction = stats.batches > 0 ? double(stats.batch) / double(stats.batches) : 0.0;
    const double x = stats.epoch + fraction;
    if (std::isnan(stats.batchLoss)) {
        noteNoLoss(); // nothing to draw, and the axes say why
        return;
    }
    append(m_series[kBatchSeries], x, stats.batchLoss);
    append(m_series[kBatchSeries + 1], x, stats.runningLoss);
    dataChanged();
}

void LossPlot::addEpoch(const EpochSummary& summary)
{
    for (const auto& [split, metrics] : summary.splits)
        if (Series* s = find(epochSeriesName(QString::fromStdString(split)))) {
            if (metrics.hasLoss())
                append(*s, summary.epoch + 1, metrics.loss);
            else
                noteNoLoss();
        }
    dataChanged();
}

void LossPlot::noteNoLoss(const QString& text)
{
    setEmptyNoteText(text);
    // Its series stay empty for good: a legend of them would list lines that
    // never come. Out of the layout too, or its column stays an empty strip.
    QCustomPlot* plot = customPlot();
    if (plot->legend->layout())
        detachLegend(plot);
    plot->legend->setVisible(false);
}

void LossPlot::showRecord(const RunRecord& record)
{
    clear();
    for (const EpochSummary& epoch : record.epochs)
        addEpoch(epoch);
    resetView();
}

bool LossPlot::holdsData() const
{
    for (const Series& s : m_series)
        if (!s.keys.isEmpty())
            return true;
    return false;
}

void LossPlot::expectNoLoss(bool none)
{
    // Called at every edit of the form: redrawn only when the note changes.
    if (holdsData() || emptyNote() == (none ? noLossToComeText() : emptyText()))
        return;
    if (none)
        noteNoLoss(noLossToComeText());
    else
        clear();
    redrawNow();
}

void LossPlot::clear()
{
    interactor()->hideReadout();
    for (Series& s : m_series) {
        s.keys.clear();
        s.values.clear();
        s.graph->data()->clear();
    }
    m_emaStarted = false;
    setEmptyNoteText(emptyText());
    if (!customPlot()->legend->layout())
        placeLegendBeside(customPlot());
    customPlot()->legend->setVisible(true);
    resetView();
}

void LossPlot::setSmoothing(int percent)
{
    percent = qBound(0, percent, 99);
    if (m_smoothingSlider->value() != percent)
        m_smoothingSlider->setValue(percent); // comes back here through valueChanged
    m_smoothingLabel->setText(QString::number(percent / 100.0, 'f', 2));
    if (percent == m_smoothing)
        return;
    m_smoothing = percent;
    rebuild(m_series[kBatchSeries]);
    dataChanged();
}

void LossPlot::setLogScale(bool on)
{
    if (m_logCheck->isChecked() != on)
        m_logCheck->setChecked(on);
    if (on == m_logScale)
        return;
    m_logScale = on;
    QCPAxis* y = customPlot()->yAxis;
    y->setScaleType(on ? QCPAxis::stLogarithmic : QCPAxis::stLinear);
    y->setTicker(on ? m_logTicker : m_linearTicker);
    for (Series& s : m_series)
        rebuild(s);
    resetView();
}

void LossPlot::fitAxes()
{
    QCustomPlot* plot = customPlot();
    bool any = false;
    QCPRange keys, values;
    // On a log axis only positive values count (QCP's sign domain).
    const QCP::SignDomain sign = m_logScale ? QCP::sdPositive : QCP::sdBoth;
    for (const Series& s : m_series) {
        if (!s.graph->visible() || s.graph->data()->isEmpty())
            continue;
        bool keysOk = false, valuesOk = false;
        const QCPRange k = s.graph->getKeyRange(keysOk, QCP::sdBoth);
        const QCPRange v = s.graph->getValueRange(valuesOk, sign);
        if (!keysOk || !valuesOk)
            continue;
        keys = any ? QCPRange(qMin(keys.lower, k.lower), qMax(keys.upper, k.upper)) : k;
        values = any ? QCPRange(qMin(values.lower, v.lower), qMax(values.upper, v.upper)) : v;
        any = true;
    }
    if (!any) {
        // Hidden series keep the axes as they were; empty ones get epoch 0
        // to 1 and losses 0 to 1, like the empty accuracy plot beside it,
        // not QCustomPlot's arbitrary 0 to 5.
        if (emptyNote().isEmpty())
            return;
        plot->xAxis->setRange(0, 1);
        plot->yAxis->setRange(m_logScale ? QCPRange(0.01, 1) : QCPRange(0, 1));
        return;
    }
    // Epochs start at 0 (the first batches); leave room for the last epoch point.
    plot->xAxis->setRange(qMin(0.0, keys.lower), qMax(keys.upper, 1.0) + 0.05 * qMax(keys.size(), 1.0));
    if (m_logScale) {
        plot->yAxis->setRange(values.lower / 1.25, values.upper * 1.25);
    } else {
        const double pad = values.size() > 0 ? 0.05 * values.size() : 0.05 * qMax(std::abs(values.upper), 1e-3);
        plot->yAxis->setRange(values.lower - pad, values.upper + pad);
    }
}

} // namespace parity::gui
