#include "plots/ServedAccuracyPlot.h"

#include "export/MetricsExport.h"
#include "plots/LegendList.h"
#include "plots/PlotExport.h"
#include "plots/PlotGraphs.h"
#include "plots/QcpInclude.h"
#include "plots/SplitColours.h"
#include "io/ResultWriter.h"

#include <QComboBox>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace parity::gui {

namespace {

const QColor kBaselineColour(110, 110, 110);
/// The graph property a hidden curve is remembered by across redraws: a
/// run's directory, a baseline's name.
constexpr const char* kCurveKey = "curveKey";

struct Curve {
    QVector<double> xs;
    QVector<double> ys;
};

Curve servedCurve(const ServedAccuracy& s, ServedAccuracyPlot::Axis axis, bool noRedundancy)
{
    Curve c;
    if (axis == ServedAccuracyPlot::Axis::Fraction) {
        const std::vector<double>& ys = noRedundancy ? s.noRedundancyByFraction : s.byFraction;
        for (size_t i = 0; i < s.fractions.size() && i < ys.size(); ++i) {
            c.xs << s.fractions[i];
            c.ys << ys[i];
        }
    } else {
        const std::vector<double>& ys = noRedundancy ? s.noRedundancyByErased : s.byErased;
        for (size_t e = 0; e < ys.size(); ++e) {
            c.xs << double(e);
            c.ys << ys[e];
        }
    }
    return c;
}

bool sameCurve(const Curve& a, const Curve& b)
{
    if (a.xs.size() != b.xs.size())
        return false;
    for (int i = 0; i < a.xs.size(); ++i)
        if (std::abs(a.xs[i] - b.xs[i]) > 1e-12 || std::abs(a.ys[i] - b.ys[i]) > 1e-12)
            return false;
    return true;
}


QString number(double v) { return QString::fromStdString(pythonFloatRepr(v)); }

} // namespace

ServedAccuracyPlot::ServedAccuracyPlot(QWidget* parent)
    : QWidget(parent)
    , m_axisCombo(new QComboBox(this))
    , m_note(new QLabel(this))
    , m_plot(new QCustomPlot(this))
    , m_legend(new LegendList(m_plot, this))
{
    m_axisCombo->addItem(tr("fraction unavailable f"), int(Axis::Fraction));
    m_axisCombo->addItem(tr("unavailable per group e"), int(Axis::Erased));
    m_axisCombo->setToolTip(tr("f: each prediction unavailable independently with probability f (expected "
                               "accuracy over e ~ Binomial(k, f)); e: exactly e of a group's k predictions"));
    m_axisCombo->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    auto* reset = new QPushButton(tr("Reset view"), this);
    auto* exportImageButton = new QPushButton(tr("Export image..."), this);
    auto* exportCsvButton = new QPushButton(tr("Export table..."), this);
    exportCsvButton->setToolTip(tr("The drawn runs' served accuracy as one CSV"));
    auto* bar = new QHBoxLayout;
    bar->addWidget(new QLabel(tr("x axis:"), this));
    bar->addWidget(m_axisCombo);
    bar->addStretch(1);
    bar->addWidget(reset);
    bar->addWidget(exportImageButton);
    bar->addWidget(exportCsvButton);
    m_note->setWordWrap(true);
    m_note->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(bar);
    layout->addWidget(m_note);
    auto* plotRow = new QHBoxLayout;
    plotRow->addWidget(m_plot, 1);
    plotRow->addWidget(m_legend);
    layout->addLayout(plotRow, 1);

    m_plot->setMinimumSize(300, 200);
    m_plot->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    m_plot->yAxis->setLabel(tr("served accuracy"));

    connect(m_axisCombo, &QComboBox::currentIndexChanged, this,
            [this](int index) { setAxis(Axis(m_axisCombo->itemData(index).toInt())); });
    connect(reset, &QPushButton::clicked, this, &ServedAccuracyPlot::resetView);
    connect(exportImageButton, &QPushButton::clicked, this, &ServedAccuracyPlot::askExportImage);
    connect(exportCsvButton, &QPushButton::clicked, this, &ServedAccuracyPlot::askExportCsv);
    connect(m_legend, &LegendList::visibilityToggled, this, &ServedAccuracyPlot::showCurve);
    rebuild();
}

void ServedAccuracyPlot::setRecords(std::vector<RunRecord> records)
{
    m_records = std::move(records);
    m_hidden.clear();
    rebuild();
}

void ServedAccuracyPlot::setAxis(Axis axis)
{
    {
        const QSignalBlocker block(m_axisCombo);
        m_axisCombo->setCurrentIndex(m_axisCombo->findData(int(axis)));
    }
    if (axis == m_axis)
        return;
    m_axis = axis;
    rebuild();
}

void ServedAccuracyPlot::rebuild()
{
    m_plot->clearGraphs();
    QStringList missing;
    struct Baseline {
        Curve curve;
        QList<int> ks; ///< of the runs whose baseline this is
        double base = 0;
    };
    std::vector<Baseline> baselines;
    int drawn = 0;
    for (size_t i = 0; i < m_records.size(); ++i) {
        const RunRecord& r = m_records[i];
        if (!r.served) {
            missing << (r.servedProblem.isEmpty() ? tr("%1 (no served_accuracy.csv)").arg(r.displayName())
                                                  : QStringLiteral("%1 (%2)").arg(r.displayName(), r.servedProblem));
            continue;
        }
        ++drawn;
        const Curve curve = servedCurve(*r.served, m_axis, false);
        QCPGraph* graph = m_plot->addGraph();
        graph->setName(r.displayName());
        // Two runs may have the same name, never the same directory.
        graph->setProperty(kCurveKey, r.runDir.isEmpty() ? r.displayName() : r.runDir);
        graph->setData(curve.xs, curve.ys, true);
        const QColor colour = runColour(int(i)); // as in ComparePlot: the same run, the same colour
        graph->setPen(QPen(colour, 2));
        graph->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, colour, Qt::white, 5));
        const int k = int(r.served->byErased.size()) - 1;
        const Curve baseline = servedCurve(*r.served, m_axis, true);
        const auto known = std::find_if(baselines.begin(), baselines.end(),
                                        [&](const Baseline& other) { return sameCurve(other.curve, baseline); });
        if (known == baselines.end())
            baselines.push_back(
                {baseline, {k}, r.served->noRedundancyByErased.empty() ? 0.0 : r.served->noRedundancyByErased.front()});
        else if (!known->ks.contains(k)) // one curve for several k (by f it need not depend on k): all are named
            known->ks << k;
    }
    for (const Baseline& b : baselines) {
        QCPGraph* graph = m_plot->addGraph();
        QStringList ks;
        for (const int k : b.ks)
            ks << QString::number(k);
        graph->setName(baselines.size() == 1
                           ? tr("no redundancy")
                           : tr("no redundancy (k=%1, base %2)").arg(ks.join(QLatin1Char(','))).arg(b.base, 0, 'f', 4));
        graph->setData(b.curve.xs, b.curve.ys, true);
        graph->setPen(QPen(kBaselineColour, 1.5, Qt::DashLine));
        graph->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDiamond, kBaselineColour, Qt::white, 5));
    }
    for (int i = 0; i < m_plot->graphCount(); ++i) {
        QCPGraph* graph = m_plot->graph(i);
        if (!graph->property(kCurveKey).isValid()) // a baseline: its name is its key
            graph->setProperty(kCurveKey, graph->name());
        showGraph(m_plot, graph, !m_hidden.contains(graph->property(kCurveKey).toString()));
    }

    QSharedPointer<QCPAxisTickerFixed> ticker(new QCPAxisTickerFixed);
    ticker->setTickStep(m_axis == Axis::Fraction ? 0.05 : 1.0);
    ticker->setScaleStrategy(QCPAxisTickerFixed::ssMultiples);
    m_plot->xAxis->setTicker(ticker);
    m_plot->xAxis->setLabel(m_axis == Axis::Fraction ? tr("fraction of predictions unavailable f")
                                                     : tr("unavailable predictions per group of k, e"));
    m_legend->refresh(drawn); // the runs first, then the baselines

    QString note;
    if (m_records.empty())
        note = tr("No run shown. Served accuracy is drawn from a run's served_accuracy.csv, which classification "
                  "runs write after every epoch.");
    else if (drawn > 0)
        note = tr("Accuracy of the predictions users are served (test split, last epoch): available predictions "
                  "are the base model's, missing ones are decoded where the code can, else answered with the most "
                  "frequent training class (dashed: no redundancy at all).");
    if (!missing.isEmpty())
        note += (note.isEmpty() ? QString() : QStringLiteral(" "))
                + tr("Not drawn: %1.").arg(missing.join(QLatin1String("; ")));
    m_note->setText(note);
    m_note->setToolTip(note);
    resetView();
}

void ServedAccuracyPlot::resetView()
{
    QCPRange keys(0, 1), values(0, 1);
    visibleDataRange(m_plot, &keys, &values);
    const double xPad = m_axis == Axis::Fraction ? 0.02 : 0.3;
    const double yPad = qMax(0.01, 0.05 * values.size());
    m_plot->xAxis->setRange(keys.lower - xPad, keys.upper + xPad);
    m_plot->yAxis->setRange(values.lower - yPad, values.upper + yPad);
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

QStringList ServedAccuracyPlot::graphNames() const { return graphNamesOf(m_plot); }

QVector<QPointF> ServedAccuracyPlot::graphPoints(const QString& name) const { return graphPointsOf(m_plot, name); }

bool ServedAccuracyPlot::isGraphVisible(const QString& name) const { return isGraphShown(m_plot, name); }

bool ServedAccuracyPlot::setGraphVisible(const QString& name, bool visible)
{
    for (int i = 0; i < m_plot->graphCount(); ++i)
        if (m_plot->graph(i)->name() == name) {
            showCurve(i, visible);
            return true;
        }
    return false;
}

void ServedAccuracyPlot::showCurve(int index, bool visible)
{
    QCPGraph* graph = m_plot->graph(index);
    const QString key = graph->property(kCurveKey).toString();
    if (visible)
        m_hidden.remove(key);
    else
        m_hidden.insert(key);
    showGraph(m_plot, graph, visible);
    m_legend->syncRow(index);
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

QString ServedAccuracyPlot::note() const { return m_note->text(); }

bool ServedAccuracyPlot::exportImage(const QString& path, QString* error)
{
    return savePlotWithLegend(m_plot, path, error);
}

QString ServedAccuracyPlot::tableCsv(const std::vector<RunRecord>& records)
{
    QString out = QStringLiteral("run,run_dir,measure,value,served_accuracy,no_redundancy\n");
    for (const RunRecord& r : records) {
        if (!r.served)
            continue;
        const ServedAccuracy& s = *r.served;
        const QString prefix = QString::fromUtf8(csvQuoted(r.displayName()) + ',' + csvQuoted(r.runDir) + ',');
        for (size_t e = 0; e < s.byErased.size() && e < s.noRedundancyByErased.size(); ++e)
            out += prefix
                   + QStringLiteral("erased,%1,%2,%3\n")
                         .arg(e)
                         .arg(number(s.byErased[e]), number(s.noRedundancyByErased[e]));
        for (size_t i = 0; i < s.fractions.size() && i < s.byFraction.size() && i < s.noRedundancyByFraction.size();
             ++i)
            out += prefix
                   + QStringLiteral("fraction,%1,%2,%3\n")
                         .arg(number(s.fractions[i]), number(s.byFraction[i]), number(s.noRedundancyByFraction[i]));
    }
    return out;
}

bool ServedAccuracyPlot::exportCsv(const QString& path, QString* error) const
{
    return writeExportFile(path, tableCsv(m_records).toUtf8(), error);
}

void ServedAccuracyPlot::askExportImage()
{
    const QString path = QFileDialog::getSaveFileName(this, tr("Export plot"), QString(),
                                                      tr("PNG image (*.png);;PDF document (*.pdf)"));
    QString error;
    if (!path.isEmpty() && !exportImage(path, &error))
        QMessageBox::warning(this, tr("Export plot"), error);
}

void ServedAccuracyPlot::askExportCsv()
{
    const QString path = QFileDialog::getSaveFileName(this, tr("Export served accuracy"), QString(), tr("CSV (*.csv)"));
    QString error;
    if (!path.isEmpty() && !exportCsv(path, &error))
        QMessageBox::warning(this, tr("Export served accuracy"), error);
}

} // namespace parity::gui
