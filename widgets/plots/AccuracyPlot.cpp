#include "plots/AccuracyPlot.h"

#include <QFontMetrics>
#include "common/FlowLayout.h"
#include "events/MetricNames.h"

#include "plots/LegendList.h"
#include "plots/PlotInteractor.h"
#include "plots/QcpInclude.h"
#include "plots/SplitColours.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFrame>
#include <QHBoxLayout>
#include <QRegularExpression>

#include <algorithm>
#include <cmath>

namespace parity::gui {

namespace {
const QStringList kSplits{QStringLiteral("train"), QStringLiteral("val"), QStringLiteral("test")};
const QStringList kKinds{QStringLiteral("reconstruction"), QStringLiteral("overall")};
const QString kTopOne = QStringLiteral("top-1");
const QString kTopN = QStringLiteral("top-n");
const QString kBase = QStringLiteral("base");
const QColor kHiddenText(160, 160, 160);

// Localization runs (LocalizationMetrics) in the slots of kind x {top-1, top-n}.
std::string localizationKey(const QString& kind, bool topOne)
{
    const bool reconstruction = kind == QLatin1String("reconstruction");
    if (topOne)
        return reconstruction ? "reconstruction_acc" : "localization_acc";
    return reconstruction ? "mean_reconstruction_iou" : "mean_iou";
}

QString erasedFilter(int erased) { return QStringLiteral("e=%1").arg(erased); }

// One shade per number of missing predictions: e = 1 the split's colour,
// darker for more, lighter for none (a Berrut code's e = 0).
QColor erasedShade(const QColor& colour, int erased)
{
    if (erased == 1)
        return colour;
    return erased == 0 ? colour.lighter(140) : colour.darker(100 + 40 * (erased - 1));
}

QFrame* separator(QWidget* parent)
{
    auto* line = new QFrame(parent);
    line->setFrameShape(QFrame::VLine);
    line->setFrameShadow(QFrame::Sunken);
    return line;
}
} // namespace

QStringList AccuracyPlot::filterNames() { return kSplits + kKinds + QStringList{kTopOne, kTopN, kBase}; }

QString AccuracyPlot::seriesName(const QString& split, const QString& kind, int n)
{
    return QStringLiteral("%1 %2 top-%3").arg(split, kind).arg(n);
}

AccuracyPlot::AccuracyPlot(QWidget* parent)
    : LivePlot(parent)
    , m_topNCombo(new QComboBox(this))
{
    QCustomPlot* plot = customPlot();
    plot->yAxis->setLabel(tr("accuracy"));
    QSharedPointer<QCPAxisTickerFixed> epochTicker(new QCPAxisTickerFixed);
    epochTicker->setTickStep(1.0);
    epochTicker->setScaleStrategy(QCPAxisTickerFixed::ssMultiples);
    plot->xAxis->setTicker(epochTicker);

    for (const QString& split : kSplits)
        for (const QString& kind : kKinds)
            for (const bool topOne : {true, false})
                addSeries(split, kind, topOne, 1);

    for (const QString& name : filterNames()) {
        auto* box = new QCheckBox(name == kTopN ? tr("top-n, n =") : name, this);
        box->setChecked(name != kTopN); // top-1 only by default: keeps the legend short
        connect(box, &QCheckBox::toggled, this, [this] { applyFilters(); });
        m_filters[name] = box;
    }
    m_filters[kBase]->setText(tr("base lines"));
    m_filters[kBase]->setToolTip(tr("The base model's accuracy: the ceiling for overall accuracy"));
    for (const QString& split : kSplits)
        toolbar()->addWidget(m_filters[split]);
    toolbar()->addWidget(separator(this));
    for (const QString& kind : kKinds)
        toolbar()->addWidget(m_filters[kind]);
    m_erasedBox = new QWidget(this);
    auto* erasedLayout = new QHBoxLayout(m_erasedBox);
    erasedLayout->setContentsMargins(0, 0, 0, 0);
    erasedLayout->addWidget(separator(m_erasedBox));
    m_erasedBox->setToolTip(tr("Curves per number of missing predictions e in a group"));
    m_erasedBox->hide();
    toolbar()->addWidget(m_erasedBox);
    toolbar()->addWidget(separator(this));
    toolbar()->addWidget(m_filters[kTopOne]);
    toolbar()->addWidget(m_filters[kTopN]);
    toolbar()->addWidget(m_topNCombo);
    toolbar()->addWidget(separator(this));
    toolbar()->addWidget(m_filters[kBase]);
    m_topNCombo->setToolTip(tr("n of the top-n accuracy"));
    connect(m_topNCombo, &QComboBox::currentIndexChanged, this, [this](int index) {
        if (index >= 0)
            setTopN(m_topNCombo->itemData(index).toInt());
    });
    finishToolbar();
    setEmptyNote(
        tr("No epoch yet.\nAccuracies are drawn after each\nepoch of a run, or open a run\nfrom the Runs tab."));

    interactor()->setFormatter([](const QCPGraph* graph, double key, double value) {
        return QStringLiteral("%1 · epoch %2: %3 (%4%)")
            .arg(graph->name())
            .arg(qint64(std::round(key)))
            .arg(value, 0, 'f', 4)
            .arg(100.0 * value, 0, 'f', 2);
    });
    // The legend is a list beside the axes: a Berrut or r = 2 run has 18
    // curves of top-1 alone, which QCustomPlot's own legend squeezed into an
    // unreadable block at 1280x800.
    useLegendList();
    // A series shown again from outside the legend must still obey the filters.
    // (No legend rebuild here: this runs inside the legend's click signal.)
    connect(interactor(), &PlotInteractor::userHiddenChanged, this, [this](QCPAbstractPlottable* plottable, bool) {
        for (const Series& s : m_series)
            if (s.graph == plottable) {
                s.graph->setVisible(passesFilters(s) && !interactor()->isUserHidden(s.graph));
                legendList()->syncGraph(s.graph);
            }
    });

    refreshTopNCombo();
    applyFilters();
    resetView(); // the empty axes' range from the first draw, not QCustomPlot's 0 to 5
}

AccuracyPlot::~AccuracyPlot() = default;

void AccuracyPlot::addSeries(const QString& split, const QString& kind, bool topOne, int erased)
{
    const QColor colour = erasedShade(splitColour(split), erased);
    QCPGraph* graph = customPlot()->addGraph();
    QPen pen(topOne ? colour : colour.lighter(125), topOne ? 2.0 : 1.5);
    pen.setStyle(kind == QLatin1String("overall") ? Qt::DashLine : Qt::SolidLine);
    graph->setPen(pen);
    graph->setScatterStyle(
        QCPScatterStyle(topOne ? QCPScatterStyle::ssCircle : QCPScatterStyle::ssSquare, pen.color(), Qt::white, 6));
    m_series.push_back(Series{graph, split, kind, topOne, erased});
    graph->setName(nameOf(m_series.back()));
}

void AccuracyPlot::noteErased(const EpochSummary& summary)
{
    // A top-n accuracy measured with another number of missing predictions
    // than one ("overall_top1_e2"; the core's own reading of the suffix).
    std::set<int> found;
    for (const auto& [split, metrics] : summary.splits)
        for (const auto& [key, value] : metrics.accuracy) {
            const auto [plain, erased] = parity::splitErasedMetricName(key);
            if (plain.size() != key.size()
                && (plain.rfind("reconstruction_top", 0) == 0 || plain.rfind("overall_top", 0) == 0))
                found.insert(erased);
        }
    bool added = false;
    for (const int e : found) {
        if (m_erased.count(e))
            continue;
        m_erased.insert(e);
        added = true;
        for (const QString& split : kSplits)
            for (const QString& kind : kKinds)
                for (const bool topOne : {true, false}) {
                    addSeries(split, kind, topOne, e);
                    for (const EpochSummary& earlier : m_epochs)
                        addPoint(m_series.back(), earlier);
                }
    }
    if (!added)
        return;
    // A check box per e (1 included), in e order; then every name gets its " e=<e>".
    auto* layout = static_cast<QHBoxLayout*>(m_erasedBox->layout());
    for (const int e : m_erased) {
        if (!m_filters.count(erasedFilter(e))) {
            auto* box = new QCheckBox(erasedFilter(e), m_erasedBox);
            box->setChecked(true);
            box->setToolTip(tr("Curves with %n prediction(s) of a group missing", nullptr, e));
            connect(box, &QCheckBox::toggled, this, [this] { applyFilters(); });
            m_filters[erasedFilter(e)] = box;
        }
        layout->removeWidget(m_filters[erasedFilter(e)]);
        layout->addWidget(m_filters[erasedFilter(e)]);
    }
    m_erasedBox->setVisible(m_erased.size() > 1);
    for (const Series& s : m_series)
        s.graph->setName(nameOf(s));
    applyFilters();
}

void AccuracyPlot::resetErased()
{
    const bool removing = m_erased.size() > 1;
    for (auto it = m_series.begin(); it != m_series.end();) {
        if (it->erased == 1) {
            ++it;
            continue;
        }
        customPlot()->removeGraph(it->graph);
        it = m_series.erase(it);
    }
    for (auto it = m_filters.begin(); it != m_filters.end();) {
        if (!it->first.startsWith(QLatin1String("e="))) {
            ++it;
            continue;
        }
        delete it->second;
        it = m_filters.erase(it);
    }
    m_erased = {1};
    m_erasedBox->hide();
    for (const Series& s : m_series)
        s.graph->setName(nameOf(s));
    if (removing)
        applyFilters(); // the legend's rows of the removed series go
}

void AccuracyPlot::addPoint(const Series& series, const EpochSummary& summary)
{
    const auto split = summary.splits.find(series.split.toStdString());
    if (split == summary.splits.end())
        return;
    const std::string key =
        m_localization
            ? localizationKey(series.kind, series.topOne)
            : erasedMetricName(QStringLiteral("%1_top%2").arg(series.kind).arg(series.topOne ? 1 : m_topN).toStdString(),
                               series.erased);
    const auto accuracy = split->second.accuracy.find(key);
    if (accuracy != split->second.accuracy.end())
        series.graph->addData(summary.epoch + 1, accuracy->second);
}

QString AccuracyPlot::nameOf(const Series& s) const
{
    if (!m_localization)
        return seriesName(s.split, s.kind, s.topOne ? 1 : m_topN)
               + (m_erased.size() > 1 ? QStringLiteral(" e=%1").arg(s.erased) : QString());
    const bool reconstruction = s.kind == QLatin1String("reconstruction");
    if (s.topOne)
        return QStringLiteral("%1 %2 acc").arg(s.split, reconstruction ? s.kind : QStringLiteral("localization"));
    return QStringLiteral("%1 mean %2IoU").arg(s.split, reconstruction ? QStringLiteral("reconstruction ") : QString());
}

void AccuracyPlot::setLocalization(bool on)
{
    if (on == m_localization)
        return;
    m_localization = on;
    for (const Series& s : m_series)
        s.graph->setName(nameOf(s));
    m_filters[QStringLiteral("overall")]->setText(on ? tr("localization") : QStringLiteral("overall"));
    m_filters[kTopOne]->setText(on ? tr("IoU ≥ 0.75") : kTopOne);
    m_filters[kTopN]->setText(on ? tr("mean IoU") : tr("top-n, n ="));
    m_topNCombo->setVisible(!on);
    customPlot()->yAxis->setLabel(on ? tr("accuracy / IoU") : tr("accuracy"));
    applyFilters();
}

void AccuracyPlot::addEpoch(const EpochSummary& summary)
{
    if (m_epochs.empty())
        for (const auto& [split, metrics] : summary.splits)
            if (metrics.accuracy.count("localization_acc"))
                setLocalization(true);
    noteErased(summary); // new e: their curves get the epochs so far
    m_epochs.push_back(summary);
    const int before = m_topN;
    noteAvailableN(summary);
    const bool rebuilt = m_topN != before; // the top-n series were redone from m_epochs, this one included
    for (const Series& s : m_series)
        if (s.topOne || !rebuilt)
            addPoint(s, summary);
    dataChanged();
}

void AccuracyPlot::noteAvailableN(const EpochSummary& summary)
{
    static const QRegularExpression topKey(QStringLiteral("^(?:reconstruction|overall)_top(\\d+)$"));
    const std::size_t count = m_availableN.size();
    for (const auto& [split, metrics] : summary.splits)
        for (const auto& [key, value] : metrics.accuracy) {
            const auto match = topKey.match(QString::fromStdString(key));
            if (match.hasMatch() && match.captured(1).toInt() > 1)
                m_availableN.insert(match.captured(1).toInt());
        }
    if (m_availableN.size() == count)
        return;
    if (!m_availableN.count(m_topN)) {
        // The wished n is not in the data: the default if there, else the smallest.
        m_topN = m_availableN.count(kDefaultTopN) ? kDefaultTopN : *m_availableN.begin();
        rebuildTopN();
    }
    refreshTopNCombo();
}

void AccuracyPlot::refreshTopNCombo()
{
    const QSignalBlocker block(m_topNCombo);
    m_topNCombo->clear();
    if (m_availableN.empty())
        m_topNCombo->addItem(QString::number(m_topN), m_topN);
    for (const int n : m_availableN)
        m_topNCombo->addItem(QString::number(n), n);
    m_topNCombo->setCurrentIndex(m_topNCombo->findData(m_topN));
    m_topNCombo->setEnabled(!m_availableN.empty());
}

void AccuracyPlot::setTopN(int n)
{
    if (n < 2 || n == m_topN)
        return;
    m_topN = n;
    rebuildTopN();
    refreshTopNCombo();
    dataChanged();
}

void AccuracyPlot::rebuildTopN()
{
    for (const Series& s : m_series) {
        if (s.topOne)
            continue;
        s.graph->setName(nameOf(s));
        s.graph->data()->clear();
        for (const EpochSummary& epoch : m_epochs)
            addPoint(s, epoch);
    }
    applyFilters(); // the legend's rows say the new n (they hold the names as listed)
}

void AccuracyPlot::setBaseAccuracies(const std::vector<BaseAccuracy>& accuracies)
{
    removeBaseLines();
    QCustomPlot* plot = customPlot();
    QFont labelFont = font();
    labelFont.setPointSizeF(labelFont.pointSizeF() * 0.9);
    for (const BaseAccuracy& base : accuracies) {
        BaseLine b;
        b.split = QString::fromStdString(base.split);
        b.accuracy = base.accuracy();
        const QColor colour = splitColour(b.split);
        b.line = new QCPItemStraightLine(plot);
        b.line->point1->setCoords(0, b.accuracy);
        b.line->point2->setCoords(1, b.accuracy);
        b.line->setPen(QPen(colour, 1.5, Qt::DashDotLine));
        b.label = new QCPItemText(plot);
        b.label->position->setTypeX(QCPItemPosition::ptAxisRectRatio);
        b.label->position->setTypeY(QCPItemPosition::ptPlotCoords);
        b.label->position->setCoords(0.99, b.accuracy);
        // Alternate above/below the line: train and test bases are often close.
        const bool above = m_baseLines.size() % 2 == 0;
        b.label->setPositionAlignment(Qt::AlignRight | (above ? Qt::AlignBottom : Qt::AlignTop));
        b.label->setText(QStringLiteral("base %1 %2").arg(b.split).arg(b.accuracy, 0, 'f', 4));
        b.label->setColor(colour.darker(130));
        b.label->setFont(labelFont);
        m_baseLines.push_back(b);
    }
    applyFilters();
}

void AccuracyPlot::removeBaseLines()
{
    for (const BaseLine& b : m_baseLines) {
        customPlot()->removeItem(b.line);
        customPlot()->removeItem(b.label);
    }
    m_baseLines.clear();
}

QStringList AccuracyPlot::baseLineLabels() const
{
    QStringList labels;
    for (const BaseLine& b : m_baseLines)
        labels << b.label->text();
    return labels;
}

void AccuracyPlot::showRecord(const RunRecord& record)
{
    clear();
    setBaseAccuracies(record.baseAccuracies);
    for (const EpochSummary& epoch : record.epochs)
        addEpoch(epoch);
    resetView();
}

void AccuracyPlot::clear()
{
    interactor()->hideReadout();
    m_epochs.clear();
    m_availableN.clear();
    resetErased();
    for (const Series& s : m_series)
        s.graph->data()->clear();
    setLocalization(false);
    removeBaseLines();
    refreshTopNCombo();
    resetView();
}

void AccuracyPlot::setShown(const QString& filter, bool shown)
{
    const auto it = m_filters.find(filter);
    if (it != m_filters.end())
        it->second->setChecked(shown); // applyFilters through toggled
}

bool AccuracyPlot::isShown(const QString& filter) const
{
    const auto it = m_filters.find(filter);
    return it != m_filters.end() && it->second->isChecked();
}

bool AccuracyPlot::passesFilters(const Series& series) const
{
    const auto erased = m_filters.find(erasedFilter(series.erased));
    return isShown(series.split) && isShown(series.kind) && isShown(series.topOne ? kTopOne : kTopN)
           && (erased == m_filters.end() || erased->second->isChecked());
}

void AccuracyPlot::applyFilters()
{
    // The legend lists only what the filters let through, in a fixed order:
    // by e (a Berrut run's e = 0 first), then split, kind and metric. Series
    // hidden by a legend click stay listed, unchecked and greyed. QCustomPlot's
    // own legend (for image exports) lists the same.
    std::vector<const Series*> ordered;
    for (const Series& s : m_series)
        ordered.push_back(&s);
    std::stable_sort(ordered.begin(), ordered.end(),
                     [](const Series* a, const Series* b) { return a->erased < b->erased; });
    QCPLegend* legend = customPlot()->legend;
    legend->clearItems();
    QList<QCPGraph*> listed;
    for (const Series* s : ordered) {
        const bool on = passesFilters(*s);
        const bool userHidden = interactor()->isUserHidden(s->graph);
        s->graph->setVisible(on && !userHidden);
        if (!on)
            continue;
        listed << s->graph;
        s->graph->addToLegend(legend);
        if (userHidden)
            legend->itemWithPlottable(s->graph)->setTextColor(kHiddenText);
    }
    legendList()->setGraphs(listed);
    for (const BaseLine& b : m_baseLines) {
        const bool on = isShown(kBase) && (!kSplits.contains(b.split) || isShown(b.split));
        b.line->setVisible(on);
        b.label->setVisible(on);
    }
    interactor()->hideReadout();
    dataChanged();
}

void AccuracyPlot::fitAxes()
{
    bool any = false;
    double lo = 0, hi = 1, lastEpoch = 1;
    const auto include = [&](double v) {
        lo = any ? qMin(lo, v) : v;
        hi = any ? qMax(hi, v) : v;
        any = true;
    };
    for (const Series& s : m_series) {
        if (s.graph->data()->isEmpty())
            continue;
        // The epochs a run has shown span the x axis, hidden series or not:
        // hiding every curve left epoch 1 alone on it.
        lastEpoch = qMax(lastEpoch, s.graph->data()->constEnd()[-1].key);
        if (!s.graph->visible())
            continue;
        bool ok = false;
        const QCPRange values = s.graph->getValueRange(ok);
        if (!ok)
            continue;
        include(values.lower);
        include(values.upper);
    }
    for (const BaseLine& b : m_baseLines)
        if (b.line->visible())
            include(b.accuracy);
    if (!any && emptyNote().isEmpty()) {
        // Every curve hidden: the accuracies keep the range they had.
        customPlot()->xAxis->setRange(0.5, lastEpoch + 0.5);
        return;
    }
    if (!any) {
        lo = 0;
        hi = 1;
    }
    const double pad = qMax(0.02, 0.05 * (hi - lo));
    const double lower = qMax(0.0, lo - pad);
    double upper = hi + pad;
    // A label drawn above its line (the first, third, ...) needs its height
    // below the top of the axes, else it is cut (base train 0.9647 at 1280x800).
    const int height = customPlot()->axisRect()->height();
    for (size_t i = 0; i < m_baseLines.size(); i += 2) {
        const BaseLine& b = m_baseLines[i];
        const int labelPx = QFontMetrics(b.label->font()).height() + 2;
        if (!b.label->visible() || height < 4 * labelPx)
            continue;
        const double share = double(labelPx) / height; // of the axes' height, above the line
        upper = qMax(upper, (b.accuracy - lower * share) / (1 - share));
    }
    customPlot()->xAxis->setRange(0.5, lastEpoch + 0.5);
    customPlot()->yAxis->setRange(lower, upper);
}

} // namespace parity::gui
