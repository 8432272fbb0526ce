#include "serve/ServingView.h"

#include "common/ElidedLabel.h"
#include "common/RunAsync.h"
#include "common/SeedSpinBox.h"
#include "common/WheelGuard.h"
#include "export/MetricsExport.h"
#include "plots/ServingPlots.h"
#include "io/RunDirectory.h"

#include <QComboBox>
#include <QDir>
#include <QFileInfo>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMenu>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QSpinBox>
#include <QSplitter>
#include <QStyle>
#include <QTabWidget>
#include <QTableWidget>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>

#include <exception>
#include <initializer_list>

namespace parity::gui {

using namespace parity::serving;

namespace {

enum ExportWhat { TableCsv, SweepCsv, TailImage, LoadImage };

const char* const kColumns[] = {"median", "mean", "p99", "p99.5", "p99.9"};

QDoubleSpinBox* numberBox(double lowest, double highest, double value, int decimals, double step)
{
    auto* box = new QDoubleSpinBox;
    box->setRange(lowest, highest);
    box->setDecimals(decimals);
    box->setSingleStep(step);
    box->setValue(value);
    return box;
}

QSpinBox* countBox(int lowest, int highest, int value)
{
    auto* box = new QSpinBox;
    box->setRange(lowest, highest);
    box->setValue(value);
    return box;
}

QString ms(double v) { return QString::number(v, 'f', v < 10 ? 3 : 2); }

QString describe(const ServiceDistribution& d)
{
    return d.empty() ? QStringLiteral("-") : QStringLiteral("%1 ms").arg(QString::number(d.mean(), 'g', 3));
}

} // namespace

ServingView::ServingView(QWidget* parent)
    : QWidget(parent)
{
    buildControls();
    setRunDir(QString());
}

ServingView::~ServingView()
{
    // A job still running stops at its next trial; its result is dropped.
    if (m_progress)
        m_progress->cancel = true;
}

void ServingView::buildControls()
{
    auto* layout = new QVBoxLayout(this);

    auto* top = new QHBoxLayout;
    m_title = new ElidedLabel(this);
    m_title->setObjectName(QStringLiteral("serving_title"));
    m_title->setBold(true);
    auto* choose = new QPushButton(tr("Choose run..."), this);
    choose->setToolTip(tr("A run directory with best.pth or current.pth"));
    top->addWidget(m_title, 1);
    top->addWidget(choose);
    layout->addLayout(top);

    // The cluster and what to simulate, in a column that scrolls when the
    // window is short.
    auto* form = new QWidget;
    auto* rows = new QFormLayout(form);
    rows->setFieldGrowthPolicy(QFormLayout::FieldsStayAtSizeHint);
    m_instances = countBox(1, 100000, 12);
    m_instances->setToolTip(tr("m: base-model instances. Every strategy gets them; ParM and replication add "
                               "ceil(m r / k) instances, replicate-all doubles them."));
    m_k = countBox(1, 30, 2);
    m_k->setToolTip(tr("Queries per coding group. The run's accuracies (served accuracy) are known for the "
                       "run's own k only."));
    m_rate = numberBox(0, 1e9, 0, 1, 10);
    m_rate->setSpecialValueText(tr("auto (30% load)"));
    m_rate->setToolTip(tr("Poisson arrivals per second; auto (0): 30% of the m base instances' capacity at the "
                          "measured base time"));
    m_balancing = new QComboBox;
    m_balancing->addItem(tr("round-robin"), int(Balancing::RoundRobin));
    m_balancing->addItem(tr("shared queue"), int(Balancing::SharedQueue));
    m_balancing->setToolTip(tr("Round-robin: a FIFO queue per instance, queries dealt in turn; shared queue: one "
                               "FIFO queue, served by whichever instance is free first"));
    m_slowFraction = numberBox(0, 1, 0.1, 3, 0.05);
    m_slowFraction->setToolTip(tr("Background load: about this fraction of the instances is slowed at a time"));
    m_slowdown = numberBox(1, 1e4, 5, 2, 1);
    m_slowdown->setToolTip(tr("A slowed instance's services take this many times as long"));
    m_slowPeriod = numberBox(0, 1e8, 0, 2, 10);
    m_slowPeriod->setSpecialValueText(tr("auto (100 base services)"));
    m_slowPeriod->setToolTip(tr("How long a slowdown lasts, in ms; auto (0): 100 times the measured base time"));
    m_tailKind = new QComboBox;
    m_tailKind->addItem(tr("none"), int(Interference::Tail::None));
    m_tailKind->addItem(tr("exponential"), int(Interference::Tail::ShiftedExponential));
    m_tailKind->addItem(tr("Pareto"), int(Interference::Tail::Pareto));
    m_tailKind->setToolTip(tr("A factor on every service time: shifted exponential 1 + Exp(mean = the tail "
                              "parameter), or Pareto with shape = the tail parameter and scale 1"));
    m_tailParameter = numberBox(0.001, 1000, 0.5, 3, 0.1);
    m_failureFraction = numberBox(0, 0.99, 0, 3, 0.01);
    m_failureFraction->setToolTip(tr("Instances down at a time; their queued work waits until they are back"));
    m_failurePeriod = numberBox(0.001, 1e8, 1000, 1, 100);
    m_queries = countBox(100, int(kMostQueries), 100000);
    m_trials = countBox(1, 1000, 5);
    m_trials->setToolTip(tr("Repetitions with seeds seed, seed+1, ...: the table's ± is their 95% confidence "
                            "interval"));
    m_seed = new SeedSpinBox; // any 64-bit seed, as parity-serve-sim --seed takes it
    m_seed->setValue(1);
    m_seed->setToolTip(tr("The first trial's seed, 0 .. 2^64 - 1 (as parity-serve-sim --seed)"));
    m_repetitions = countBox(1, 100000, 200);
    m_repetitions->setToolTip(tr("Calls timed per model when measuring the run's service times (batch 1, one "
                                 "thread)"));
    m_instances->setObjectName(QStringLiteral("serving_instances"));
    m_k->setObjectName(QStringLiteral("serving_k"));
    m_rate->setObjectName(QStringLiteral("serving_rate"));
    m_balancing->setObjectName(QStringLiteral("serving_balancing"));
    m_slowFraction->setObjectName(QStringLiteral("serving_slow_fraction"));
    m_slowdown->setObjectName(QStringLiteral("serving_slowdown"));
    m_slowPeriod->setObjectName(QStringLiteral("serving_slow_period"));
    m_tailKind->setObjectName(QStringLiteral("serving_tail"));
    m_tailParameter->setObjectName(QStringLiteral("serving_tail_parameter"));
    m_failureFraction->setObjectName(QStringLiteral("serving_failure_fraction"));
    m_failurePeriod->setObjectName(QStringLiteral("serving_failure_period"));
    m_queries->setObjectName(QStringLiteral("serving_queries"));
    m_trials->setObjectName(QStringLiteral("serving_trials"));
    m_seed->setObjectName(QStringLiteral("serving_seed"));
    m_repetitions->setObjectName(QStringLiteral("serving_repetitions"));
    // Narrow fields: the results beside the form get the width.
    for (QWidget* field :
         std::initializer_list<QWidget*>{m_instances, m_k, m_rate, m_balancing, m_slowFraction, m_slowdown,
                                         m_slowPeriod, m_tailKind, m_tailParameter, m_failureFraction, m_failurePeriod,
                                         m_queries, m_trials, m_seed, m_repetitions})
        field->setMaximumWidth(fontMetrics().horizontalAdvance(QStringLiteral("auto (100 base services)")) + 40);
    rows->addRow(tr("Base instances m"), m_instances);
    rows->addRow(tr("Queries per group k"), m_k);
    rows->addRow(tr("Arrival rate (1/s)"), m_rate);
    rows->addRow(tr("Load balancing"), m_balancing);
    rows->addRow(tr("Slowed fraction"), m_slowFraction);
    rows->addRow(tr("Slowdown (x)"), m_slowdown);
    rows->addRow(tr("Slowdown lasts (ms)"), m_slowPeriod);
    rows->addRow(tr("Service tail"), m_tailKind);
    rows->addRow(tr("Tail parameter"), m_tailParameter);
    rows->addRow(tr("Failed fraction"), m_failureFraction);
    rows->addRow(tr("Failure lasts (ms)"), m_failurePeriod);
    rows->addRow(tr("Queries per trial"), m_queries);
    rows->addRow(tr("Trials"), m_trials);
    rows->addRow(tr("Seed"), m_seed);
    rows->addRow(tr("Calls timed"), m_repetitions);
    m_tailParameter->setEnabled(false);
    guardFieldsFromTheWheel(form);
    for (QSpinBox* box : form->findChildren<QSpinBox*>())
        connect(box, &QSpinBox::valueChanged, this, &ServingView::settingsChanged);
    for (QDoubleSpinBox* box : form->findChildren<QDoubleSpinBox*>())
        connect(box, &QDoubleSpinBox::valueChanged, this, &ServingView::settingsChanged);
    for (QComboBox* box : form->findChildren<QComboBox*>())
        connect(box, &QComboBox::currentIndexChanged, this, &ServingView::settingsChanged);
    connect(m_seed, &SeedSpinBox::valueChanged, this, &ServingView::settingsChanged);
    connect(m_tailKind, &QComboBox::currentIndexChanged, this, [this] {
        const auto tail = Interference::Tail(m_tailKind->currentData().toInt());
        m_tailParameter->setEnabled(tail != Interference::Tail::None);
        m_tailParameter->setValue(tail == Interference::Tail::Pareto ? 3.0 : 0.5);
    });

    m_simulate = new QPushButton(tr("Si&mulate"));
    m_simulate->setToolTip(tr("Measure the run's models (once) and simulate every strategy at this rate"));
    m_sweep = new QPushButton(tr("S&weep load"));
    m_sweep->setToolTip(tr("Simulate at 10%, 20% .. 90% of the no-redundancy capacity: p99.9 against the rate"));
    m_cancel = new QPushButton(tr("Cancel"));
    m_simulate->setObjectName(QStringLiteral("serving_simulate"));
    m_sweep->setObjectName(QStringLiteral("serving_sweep"));
    m_cancel->setObjectName(QStringLiteral("serving_cancel"));
    m_export = new QToolButton;
    m_export->setText(tr("Export"));
    m_export->setObjectName(QStringLiteral("serving_export"));
    m_export->setPopupMode(QToolButton::InstantPopup);
    auto* menu = new QMenu(m_export);
    m_exportActions << menu->addAction(tr("Percentile table (CSV)..."), this, [this] { askExport(TableCsv); })
                    << menu->addAction(tr("Load sweep (CSV)..."), this, [this] { askExport(SweepCsv); })
                    << menu->addAction(tr("Latency tails (PNG/PDF)..."), this, [this] { askExport(TailImage); })
                    << menu->addAction(tr("p99.9 vs load (PNG/PDF)..."), this, [this] { askExport(LoadImage); });
    m_export->setMenu(menu);
    auto* buttons = new QGridLayout;
    buttons->addWidget(m_simulate, 0, 0);
    buttons->addWidget(m_sweep, 0, 1);
    buttons->addWidget(m_cancel, 1, 0);
    buttons->addWidget(m_export, 1, 1);
    m_bar = new QProgressBar;
    m_bar->setTextVisible(true);
    m_bar->setObjectName(QStringLiteral("serving_progress"));
    m_status = new ElidedLabel(this, Qt::ElideMiddle);
    m_status->setObjectName(QStringLiteral("serving_status"));

    auto* left = new QWidget;
    auto* leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    auto* scroll = new QScrollArea;
    scroll->setWidget(form);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    scroll->setMinimumWidth(form->sizeHint().width() + 20);
    leftLayout->addWidget(scroll, 1);
    leftLayout->addLayout(buttons);
    leftLayout->addWidget(m_bar);
    leftLayout->addWidget(m_status);

    m_note = new QLabel;
    m_note->setWordWrap(true);
    m_note->setTextInteractionFlags(Qt::TextSelectableByMouse);
    // Overload, in one short line: the details are in its tooltip.
    m_warning = new QLabel;
    m_warning->setObjectName(QStringLiteral("serving_warning"));
    m_warning->setWordWrap(true);
    m_warning->setStyleSheet(QStringLiteral("color: #b00020; font-weight: bold"));
    m_warning->hide();
    m_table = new QTableWidget(0, 10);
    m_table->setObjectName(QStringLiteral("serving_table"));
    m_table->setHorizontalHeaderLabels({tr("Strategy"), tr("Inst."), tr("Median"), tr("Mean"), tr("p99"), tr("p99.5"),
                                        tr("p99.9"), tr("Rebuilt"), tr("Load"), tr("Served acc.")});
    const QStringList headerTips{tr("The strategy (docs/SERVING.md)"),
                                 tr("Instances the strategy uses"),
                                 tr("Median latency, ms (mean over the trials; the cell's tooltip has the 95% "
                                    "interval)"),
                                 tr("Mean latency, ms"),
                                 tr("99th percentile latency, ms"),
                                 tr("99.5th percentile latency, ms"),
                                 tr("99.9th percentile latency, ms"),
                                 tr("Fraction of the queries answered by a reconstruction (ParM) or a decoding "
                                    "(Berrut)"),
                                 tr("Offered load of the busiest pool: 1 or more and its queues grow"),
                                 tr("Expected accuracy of what users are served: the base model's for queries "
                                    "answered by their own prediction, the run's degraded-mode accuracy for the "
                                    "rebuilt ones")};
    for (int c = 0; c < headerTips.size(); ++c)
        m_table->horizontalHeaderItem(c)->setToolTip(headerTips[c]);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->verticalHeader()->setVisible(false);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->setMinimumHeight(80);
    m_tailPlot = new LatencyTailPlot;
    m_loadPlot = new LoadSweepPlot;
    m_plotTabs = new QTabWidget;
    m_plotTabs->addTab(m_tailPlot, tr("Latency tails"));
    m_plotTabs->addTab(m_loadPlot, tr("p99.9 vs load"));
    auto* results = new QSplitter(Qt::Vertical);
    results->addWidget(m_table);
    results->addWidget(m_plotTabs);
    results->setChildrenCollapsible(false); // the plots cannot be dragged out of sight
    results->setStretchFactor(0, 0);
    results->setStretchFactor(1, 1);
    // Room for the header and the four strategies' rows.
    results->setSizes({m_table->horizontalHeader()->sizeHint().height()
                           + 4 * m_table->verticalHeader()->defaultSectionSize() + 2 * m_table->frameWidth() + 4,
                       400});
    auto* right = new QWidget;
    auto* rightLayout = new QVBoxLayout(right);
    rightLayout->setContentsMargins(0, 0, 0, 0);
    rightLayout->addWidget(m_note);
    rightLayout->addWidget(m_warning);
    rightLayout->addWidget(results, 1);

    auto* split = new QSplitter(Qt::Horizontal);
    split->addWidget(left);
    split->addWidget(right);
    split->setStretchFactor(0, 0);
    split->setStretchFactor(1, 1);
    split->setChildrenCollapsible(false);
    layout->addWidget(split, 1);

    m_timer = new QTimer(this);
    m_timer->setInterval(100);
    connect(m_timer, &QTimer::timeout, this, &ServingView::updateProgress);
    connect(choose, &QPushButton::clicked, this, &ServingView::chooseRun);
    connect(m_simulate, &QPushButton::clicked, this, &ServingView::simulate);
    connect(m_sweep, &QPushButton::clicked, this, &ServingView::sweepLoad);
    connect(m_cancel, &QPushButton::clicked, this, &ServingView::cancel);
}

void ServingView::setRunDir(const QString& runDir)
{
    if (m_progress) { // the job for the run shown before stops; its result is dropped
        m_progress->cancel = true;
        m_progress.reset();
        ++m_job;
    }
    m_runDir = runDir;
    m_measured.reset();
    m_outcome.reset();
    showOutcome();
    showSweep();
    if (runDir.isEmpty()) {
        m_title->setText(tr("No run: choose one, or open one in the Runs tab"));
        m_note->setText(tr("Serving simulates a cluster answering queries with the run's models, with and without "
                           "redundancy. Service times are measured from the run's models on this machine; arrivals, "
                           "queueing and interference are simulated (docs/SERVING.md)."));
    } else {
        m_title->setText(runDir);
        try {
            const RunConfig c = RunDirectory(runDir.toStdString()).readConfig();
            m_k->setValue(c.k);
            m_note->setText(tr("%1 (r = %2). Simulate measures its models first (a few seconds).")
                                .arg(QString::fromStdString(c.shortTitle()))
                                .arg(c.r));
        } catch (const std::exception& e) {
            m_note->setText(tr("This directory's run.json does not read: %1").arg(QString::fromUtf8(e.what())));
        }
    }
    m_status->setText(QString());
    setBusy(false);
}

bool ServingView::simulate() { return start(false); }

bool ServingView::sweepLoad() { return start(true); }

bool ServingView::start(bool sweep)
{
    if (m_progress || m_runDir.isEmpty())
        return false;
    ServingRequest request;
    request.runDir = m_runDir.toStdString();
    request.measured = m_measured;
    request.repetitions = m_repetitions->value();
    request.trials = m_trials->value();
    SimulationOptions& o = request.options;
    o.baseInstances = m_instances->value();
    o.k = m_k->value();
    o.rate = m_rate->value(); // 0: the default, from the measured base time
    o.queries = m_queries->value();
    o.seed = m_seed->value();
    o.balancing = Balancing(m_balancing->currentData().toInt());
    o.interference.slowFraction = m_slowFraction->value();
    o.interference.slowdown = m_slowdown->value();
    o.interference.slowPeriodMs = m_slowPeriod->value(); // 0: the default
    o.interference.tail = Interference::Tail(m_tailKind->currentData().toInt());
    o.interference.tailParameter = m_tailParameter->value();
    o.interference.failureFraction = m_failureFraction->value();
    o.interference.failurePeriodMs = m_failurePeriod->value();
    const bool sweepNeedsTimes = sweep && !m_measured;

    auto progress = std::make_shared<ServingProgress>();
    m_progress = progress;
    const int job = ++m_job;
    setBusy(true);
    runAsync<ServingOutcome>(
        this,
        [request, progress, sweep, sweepNeedsTimes]() mutable {
            if (sweep && !sweepNeedsTimes)
                request.sweepRates = sweepRatesFor(request.measured->times, request.options.baseInstances);
            if (!sweepNeedsTimes)
                return runServing(std::move(request), *progress);
            // The sweep's rates follow from the base time: measure first.
            ServingRequest measureOnly = request;
            measureOnly.trials = 0;
            ServingOutcome measured = runServing(std::move(measureOnly), *progress);
            if (!measured.error.empty() || measured.cancelled)
                return measured;
            request.measured = measured.run;
            request.sweepRates = sweepRatesFor(measured.run.times, request.options.baseInstances);
            return runServing(std::move(request), *progress);
        },
        [this, job, sweep](ServingOutcome outcome) {
            if (job == m_job)
                onFinished(std::move(outcome), sweep);
        });
    return true;
}

void ServingView::cancel()
{
    if (m_progress)
        m_progress->cancel = true;
}

void ServingView::onFinished(ServingOutcome outcome, bool sweep)
{
    m_progress.reset();
    setBusy(false);
    if (!outcome.run.times.base.empty())
        m_measured = outcome.run; // measured once per run, whatever the simulation did
    if (!outcome.error.empty()) {
        const QString message = QString::fromStdString(outcome.error);
        m_note->setText(tr("Could not simulate: %1").arg(message));
        m_status->setText(tr("Failed: see above"));
        Q_EMIT failed(message);
        Q_EMIT finished(false);
        return;
    }
    if (outcome.cancelled) {
        m_status->setText(m_outcome ? tr("Cancelled: the results shown are from before")
                                    : tr("Cancelled: nothing simulated"));
        Q_EMIT finished(false);
        return;
    }
    m_outcome = std::move(outcome);
    // What was run, as the fields say it: trials per strategy (and load).
    const int trials = m_outcome->trials;
    const int loads = int(1 + m_outcome->sweep.size());
    const int strategies = int(m_outcome->strategies.size());
    QString done = tr("Done: %1 x %2")
                       .arg(trials == 1 ? tr("1 trial") : tr("%1 trials").arg(trials),
                            strategies == 1 ? tr("1 strategy") : tr("%1 strategies").arg(strategies));
    // The set rate, then the sweep's: counted as the note below counts them.
    if (loads > 1)
        done += tr(", at the set rate and %1 swept rates").arg(loads - 1);
    m_status->setText(done);
    m_bar->setTextVisible(true);
    m_bar->setRange(0, 1);
    m_bar->setValue(1);
    m_bar->setFormat(tr("Done"));
    showOutcome();
    showSweep();
    m_plotTabs->setCurrentWidget(sweep ? static_cast<QWidget*>(m_loadPlot) : m_tailPlot);
    Q_EMIT finished(true);
}

void ServingView::showOutcome()
{
    m_table->setRowCount(0);
    m_table->setMinimumHeight(80);
    if (!m_outcome) {
        m_tailPlot->setCurves({});
        m_tailPlot->setTitle(QString());
        m_loadPlot->setTitle(QString());
        m_warning->hide();
        m_warning->clear();
        updateExports();
        return;
    }
    const ServingOutcome& o = *m_outcome;
    std::vector<LatencyTailPlot::Curve> curves;
    QStringList overloaded, details;
    for (const TrialSummary& s : o.strategies) {
        const int row = m_table->rowCount();
        m_table->insertRow(row);
        const QString name = QString::fromStdString(s.last.strategy);
        // The cells hold the means over the trials; their tooltips the 95%
        // intervals (the table fits beside the form at 1280 px).
        QStringList cells{name, QString::number(s.last.instances)}, tips{QString(), QString()};
        for (const char* key : kColumns) {
            const Estimate e = s.estimate(key);
            cells << ms(e.mean);
            tips << tr("%1 ms ± %2 (95% interval over %3 trials)").arg(ms(e.mean), ms(e.halfWidth)).arg(s.trialCount);
        }
        cells << QString::number(s.estimate("reconstructed").mean, 'f', 4) << QString::number(s.last.load, 'f', 2)
              << (s.hasAccuracy() ? QString::number(s.estimate("accuracy").mean, 'f', 4) : QStringLiteral("-"));
        tips << QString() << QString()
             << (s.hasAccuracy() ? tr("%1 ± %2 (95% interval over %3 trials)")
                                       .arg(s.estimate("accuracy").mean, 0, 'f', 4)
                                       .arg(s.estimate("accuracy").halfWidth, 0, 'f', 4)
                                       .arg(s.trialCount)
                                 : tr("The run's degraded-mode accuracy is not known for this k"));
        for (int c = 0; c < cells.size(); ++c) {
            auto* item = new QTableWidgetItem(cells[c]);
            item->setTextAlignment(c == 0 ? Qt::AlignLeft | Qt::AlignVCenter : Qt::AlignRight | Qt::AlignVCenter);
            item->setToolTip(tips.value(c));
            if (c == 0)
                item->setForeground(strategyColour(name));
            m_table->setItem(row, c, item);
        }
        if (s.last.load >= 1.0) {
            overloaded << QStringLiteral("%1 %2").arg(name).arg(s.last.load, 0, 'f', 2);
            details << tr("%1: load %2; the last tenth of the queries waited %3 ms longer than the first tenth.")
                           .arg(name)
                           .arg(s.last.load, 0, 'f', 2)
                           .arg(ms(s.last.queueGrowthMs));
        }
        curves.push_back({name, s.last.latenciesMs});
    }
    // Every strategy's row stays in view, also when the note and the
    // overload line wrap over several lines and take the splitter's room
    // (walkthrough: replicate-all went out of view at 1280x800). Its
    // horizontal scroll bar is counted in: the right columns may need it.
    const int rowsShown = std::min(m_table->rowCount(), 6);
    m_table->setMinimumHeight(std::max(80, m_table->horizontalHeader()->sizeHint().height()
                                               + rowsShown * m_table->verticalHeader()->defaultSectionSize()
                                               + 2 * m_table->frameWidth()
                                               + style()->pixelMetric(QStyle::PM_ScrollBarExtent, nullptr, m_table)));
    m_tailPlot->setCurves(curves);
    // Titles say what the plots show, also in their exports.
    // Two short lines, so the title never widens the plot.
    const QString settings = tr("%1\nm=%2 · k=%3 · slowed %4 x%5")
                                 .arg(QString::fromStdString(o.run.config.shortTitle()))
                                 .arg(o.options.baseInstances)
                                 .arg(o.options.k)
                                 .arg(o.options.interference.slowFraction)
                                 .arg(o.options.interference.slowdown);
    m_tailPlot->setTitle(tr("%1 · %2 queries/s").arg(settings).arg(o.options.rate, 0, 'f', 0));
    m_loadPlot->setTitle(o.sweep.empty() ? QString() : settings);

    const ServiceTimes& t = o.run.times;
    const Interference& in = o.options.interference;
    QString interference = tr("%1 of the instances slowed %2x for %3 ms")
                               .arg(in.slowFraction)
                               .arg(in.slowdown)
                               .arg(in.slowPeriodMs, 0, 'g', 4);
    if (in.tail == Interference::Tail::ShiftedExponential)
        interference += tr(", service times x (1 + Exp(mean %1))").arg(in.tailParameter);
    else if (in.tail == Interference::Tail::Pareto)
        interference += tr(", service times x Pareto(shape %1)").arg(in.tailParameter);
    if (in.failureFraction > 0)
        interference += tr(", %1 of the instances down for %2 ms").arg(in.failureFraction).arg(in.failurePeriodMs);
    QString note = tr("Latencies in ms, means over the trials (hover a cell for its 95% interval). Measured here "
                      "(batch 1, one thread, %1 calls): base %2, %3 %4, encoder %5, decoder %6. "
                      "Simulated: m = %7, k = %8, r = %9, %10, Poisson at %11 queries/s, %12 queries x %13 trials, "
                      "%14.")
                       .arg(t.base.samples().size())
                       .arg(describe(t.base), o.run.berrut ? tr("coded query") : tr("parity"), describe(t.parity),
                            describe(t.encoder), describe(t.decoder))
                       .arg(o.options.baseInstances)
                       .arg(o.options.k)
                       .arg(o.options.r)
                       .arg(o.options.balancing == Balancing::RoundRobin ? tr("round-robin") : tr("shared queue"))
                       .arg(o.options.rate, 0, 'f', 1)
                       .arg(o.options.queries)
                       .arg(o.trials)
                       .arg(interference);
    if (o.options.k != o.run.config.k)
        note += tr(" The run was trained for k = %1: the accuracy of rebuilt predictions is not known for k = %2.")
                    .arg(o.run.config.k)
                    .arg(o.options.k);
    if (!o.sweep.empty())
        note += tr(" Load sweep: %1 rates, %2 to %3 queries/s (10% to 90% of the %4 queries/s the m base instances "
                   "serve).")
                    .arg(o.sweep.size())
                    .arg(o.sweep.front().rate, 0, 'f', 0)
                    .arg(o.sweep.back().rate, 0, 'f', 0)
                    .arg(capacityPerSecond(o.run.times, o.options.baseInstances), 0, 'f', 0);
    m_warning->setVisible(!overloaded.isEmpty());
    m_warning->setText(
        overloaded.isEmpty()
            ? QString()
            : tr("Overloaded (load >= 1, queues grow without bound): %1").arg(overloaded.join(QStringLiteral(", "))));
    m_warning->setToolTip(tr("Their latencies grow with the number of queries simulated.\n") + details.join('\n'));
    m_note->setText(note);
}

void ServingView::showSweep()
{
    std::vector<LoadSweepPlot::Curve> curves;
    if (m_outcome)
        for (const ServingSweepPoint& point : m_outcome->sweep)
            for (size_t i = 0; i < point.strategies.size(); ++i) {
                if (curves.size() <= i)
                    curves.push_back({QString::fromStdString(point.strategies[i].last.strategy), {}});
                const Estimate e = point.strategies[i].estimate("p99.9");
                curves[i].points.push_back({point.rate, e.mean, e.halfWidth});
            }
    m_loadPlot->setCurves(curves);
    updateExports();
}

void ServingView::setBusy(bool busy)
{
    m_simulate->setEnabled(!busy && hasRun());
    m_sweep->setEnabled(!busy && hasRun());
    m_cancel->setEnabled(busy);
    m_export->setEnabled(!busy);
    updateExports();
    if (busy) {
        m_timer->start();
        updateProgress();
    } else {
        m_timer->stop();
        m_bar->setRange(0, 1);
        m_bar->setValue(0);
        m_bar->setFormat(QString());
        m_bar->setTextVisible(false);
    }
}

void ServingView::updateProgress()
{
    if (!m_progress)
        return;
    if (m_progress->measuring || m_progress->trialsTotal == 0) {
        // The text shows on a bar with a range only (not on a busy one).
        m_bar->setTextVisible(true);
        m_bar->setRange(0, 1);
        m_bar->setValue(0);
        m_bar->setFormat(tr("Measuring the run's models..."));
        m_status->setText(tr("Measuring: %1 calls per model").arg(m_repetitions->value()));
        return;
    }
    m_bar->setTextVisible(true);
    m_bar->setRange(0, m_progress->trialsTotal);
    m_bar->setValue(m_progress->trialsBegun);
    m_bar->setFormat(tr("Simulating: trial %v of %m"));
    m_status->setText(tr("Simulating every strategy")); // the measuring is over
}

QString ServingView::note() const { return m_note->text(); }

QString ServingView::warning() const { return m_warning->isHidden() ? QString() : m_warning->text(); }

QString ServingView::status() const { return m_status->text(); }

void ServingView::updateExports()
{
    const bool results = m_outcome && !m_outcome->strategies.empty();
    const bool sweep = m_outcome && !m_outcome->sweep.empty();
    m_exportActions[TableCsv]->setEnabled(results);
    m_exportActions[TailImage]->setEnabled(results);
    m_exportActions[SweepCsv]->setEnabled(sweep);
    m_exportActions[LoadImage]->setEnabled(sweep);
}

void ServingView::settingsChanged()
{
    if (m_outcome && !m_progress)
        m_status->setText(tr("Settings changed: Simulate (or Sweep load) to see them"));
}

bool ServingView::exportTableCsv(const QString& path, QString* error) const
{
    if (!m_outcome || m_outcome->strategies.empty()) {
        if (error)
            *error = tr("Nothing simulated yet: Simulate first.");
        return false;
    }
    std::string csv = summaryCsvHeader();
    for (const TrialSummary& s : m_outcome->strategies)
        csv += summaryCsvRow(s);
    return writeExportFile(path, QByteArray::fromStdString(csv), error);
}

bool ServingView::exportSweepCsv(const QString& path, QString* error) const
{
    if (!m_outcome || m_outcome->sweep.empty()) {
        if (error)
            *error = tr("No load sweep yet: Sweep load first.");
        return false;
    }
    return writeExportFile(path, QByteArray::fromStdString(sweepCsv(m_outcome->sweep)), error);
}

void ServingView::chooseRun()
{
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Choose a run directory"), m_runDir);
    if (dir.isEmpty())
        return;
    const RunDirectory run(dir.toStdString());
    if (!run.hasCheckpoint(CheckpointKind::Best) && !run.hasCheckpoint(CheckpointKind::Current)) {
        QMessageBox::warning(this, tr("Choose a run directory"),
                             tr("%1 holds no best.pth or current.pth: it is not a run with trained models. The "
                                "run shown stays.")
                                 .arg(dir));
        return;
    }
    setRunDir(dir);
}

void ServingView::askExport(int what)
{
    const bool image = what == TailImage || what == LoadImage;
    const QString title = tr("Export");
    static const char* const kNames[] = {"serving.csv", "serving-sweep.csv", "serving-tails.png", "serving-load.png"};
    const QString suggested = QDir(m_lastExportDir.isEmpty() ? QDir::currentPath() : m_lastExportDir)
                                  .filePath(QString::fromLatin1(kNames[what]));
    const QString path = QFileDialog::getSaveFileName(this, title, suggested,
                                                      image ? tr("PNG image (*.png);;PDF document (*.pdf)")
                                                            : tr("CSV (*.csv)"));
    if (path.isEmpty())
        return;
    QString error;
    bool ok = false;
    switch (what) {
    case TableCsv:
        ok = exportTableCsv(path, &error);
        break;
    case SweepCsv:
        ok = exportSweepCsv(path, &error);
        break;
    case TailImage:
        ok = m_tailPlot->exportImage(path, &error);
        break;
    default:
        ok = m_loadPlot->exportImage(path, &error);
        break;
    }
    if (!ok) {
        QMessageBox::warning(this, title, error);
        return;
    }
    m_lastExportDir = QFileInfo(path).absolutePath();
    m_status->setText(tr("Saved %1").arg(path));
}

} // namespace parity::gui
