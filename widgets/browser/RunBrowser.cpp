#include "browser/RunBrowser.h"

#include "browser/ComparePlot.h"
#include "browser/RunListModel.h"
#include "export/MetricsExport.h"
#include "plots/ServedAccuracyPlot.h"
#include "slurm/JobText.h"
#include "slurm/SlurmJobTracker.h"

#include <QDir>
#include <QEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHash>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMessageBox>
#include <QPushButton>
#include <QScopedValueRollback>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QStyledItemDelegate>
#include <QTabWidget>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>

namespace parity::gui {

namespace {
/// Elides in the middle: both ends of a path stay readable.
class MiddleElidingDelegate : public QStyledItemDelegate {
public:
    using QStyledItemDelegate::QStyledItemDelegate;

protected:
    void initStyleOption(QStyleOptionViewItem* option, const QModelIndex& index) const override
    {
        QStyledItemDelegate::initStyleOption(option, index);
        option->textElideMode = Qt::ElideMiddle;
    }
};
} // namespace

RunBrowser::RunBrowser(QWidget* parent)
    : QWidget(parent)
    , m_model(new RunListModel(this))
    , m_proxy(new QSortFilterProxyModel(this))
    , m_rootEdit(new QLineEdit(this))
    , m_view(new QTableView(this))
    , m_compare(new ComparePlot(this))
    , m_served(new ServedAccuracyPlot(this))
    , m_plotTabs(new QTabWidget(this))
    , m_open(new QPushButton(tr("Open"), this))
    , m_compareButton(new QPushButton(tr("Compare"), this))
    , m_export(new QPushButton(tr("Export..."), this))
    , m_cancelTasks(new QPushButton(tr("Cancel tasks..."), this))
    , m_status(new QLabel(this))
    , m_jobStatus(new QLabel(this))
    , m_jobs(new SlurmJobTracker(this))
{
    m_proxy->setSourceModel(m_model);
    m_proxy->setSortRole(RunListModel::SortRole);
    m_proxy->setSortCaseSensitivity(Qt::CaseInsensitive);

    m_view->setModel(m_proxy);
    m_view->setSortingEnabled(true);
    m_view->sortByColumn(RunListModel::RunColumn, Qt::AscendingOrder);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->setAlternatingRowColors(true);
    m_view->setWordWrap(false);
    m_view->verticalHeader()->hide();
    m_view->horizontalHeader()->setStretchLastSection(true);
    // The Run column's title already names dataset, model, coders and loss:
    // those columns start hidden, so epochs, status and the time of the last
    // update fit beside it (issue 13); the header's context menu shows any
    // column again.
    for (const int column : {RunListModel::DatasetColumn, RunListModel::ModelColumn, RunListModel::EncoderColumn,
                             RunListModel::DecoderColumn, RunListModel::LossColumn})
        m_view->setColumnHidden(column, true);
    // The Job column comes with the first run submitted to Slurm (jobsChanged).
    m_view->setColumnHidden(RunListModel::JobColumn, true);
    // A directory is told by both ends (dataset and model; k, loss and coders).
    m_view->setItemDelegateForColumn(RunListModel::DirectoryColumn, new MiddleElidingDelegate(m_view));
    m_view->viewport()->installEventFilter(this);
    connect(m_view->horizontalHeader(), &QHeaderView::sectionResized, this, [this](int column) {
        // The last column shown stretches with the table; any other sized by hand stays so.
        if (!m_fitting && column != lastShownColumn())
            m_userSized = true;
    });
    m_view->horizontalHeader()->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(m_view->horizontalHeader(), &QHeaderView::customContextMenuRequested, this, [this](const QPoint& at) {
        QMenu menu(this);
        for (int column = 0; column < m_model->columnCount(); ++column) {
            QAction* action = menu.addAction(m_model->headerData(column, Qt::Horizontal).toString());
            action->setCheckable(true);
            action->setChecked(!m_view->isColumnHidden(column));
            connect(action, &QAction::toggled, this, [this, column](bool shown) {
                {
                    const QScopedValueRollback<bool> fitting(m_fitting, true);
                    m_view->setColumnHidden(column, !shown);
                }
                if (!m_userSized)
                    shareRoom(); // a column more or less: the title and directory give or take
            });
        }
        menu.exec(m_view->horizontalHeader()->mapToGlobal(at));
    });

    m_rootEdit->setPlaceholderText(tr("Save directory (the runs' save_dir)"));
    auto* browseButton = new QToolButton(this);
    browseButton->setText(QStringLiteral("..."));
    browseButton->setToolTip(tr("Choose the save directory"));
    m_recentButton = new QToolButton(this);
    m_recentButton->setObjectName(QStringLiteral("recent_roots"));
    m_recentButton->setText(tr("Recent"));
    m_recentButton->setToolTip(tr("Save directories shown before"));
    m_recentButton->setPopupMode(QToolButton::InstantPopup);
    m_recentButton->setMenu(new QMenu(m_recentButton));
    m_recentButton->setEnabled(false);
    auto* refreshButton = new QPushButton(tr("Refresh"), this);
    m_export->setToolTip(tr("Write the selected run's metrics as CSV or JSON"));
    m_compareButton->setToolTip(tr("Overlay the selected runs in the plots below"));
    m_cancelTasks->setObjectName(QStringLiteral("cancel_tasks"));
    m_cancelTasks->setToolTip(tr("Cancel the Slurm tasks of the selected runs that wait or run"));
    m_cancelTasks->hide(); // with the Job column (jobsChanged)
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto* top = new QHBoxLayout;
    top->addWidget(new QLabel(tr("Save directory:"), this));
    top->addWidget(m_rootEdit, 1);
    top->addWidget(browseButton);
    top->addWidget(m_recentButton);
    top->addWidget(refreshButton);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_open);
    buttons->addWidget(m_compareButton);
    buttons->addWidget(m_export);
    buttons->addWidget(m_cancelTasks);
    buttons->addStretch(1);
    m_jobStatus->setObjectName(QStringLiteral("job_status"));
    m_jobStatus->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_jobStatus->hide();
    buttons->addWidget(m_jobStatus);
    auto* tablePane = new QWidget(this);
    auto* tableLayout = new QVBoxLayout(tablePane);
    tableLayout->setContentsMargins(0, 0, 0, 0);
    tableLayout->addWidget(m_view, 1);
    tableLayout->addLayout(buttons);
    auto* splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(tablePane);
    m_plotTabs->addTab(m_compare, tr("Learning curves"));
    m_plotTabs->addTab(m_served, tr("Served accuracy"));
    m_plotTabs->setTabToolTip(1, tr("The accuracy users are served when predictions are unavailable"));
    splitter->addWidget(m_plotTabs);
    splitter->setStretchFactor(0, 1);
    splitter->setStretchFactor(1, 1);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(splitter, 1);
    layout->addWidget(m_status);

    connect(m_rootEdit, &QLineEdit::returnPressed, this, [this] { setRoot(m_rootEdit->text()); });
    connect(browseButton, &QToolButton::clicked, this, &RunBrowser::browse);
    connect(refreshButton, &QPushButton::clicked, this, &RunBrowser::refresh);
    connect(m_open, &QPushButton::clicked, this, &RunBrowser::openSelected);
    connect(m_compareButton, &QPushButton::clicked, this, &RunBrowser::compareSelected);
    connect(m_export, &QPushButton::clicked, this, &RunBrowser::askExport);
    connect(m_cancelTasks, &QPushButton::clicked, this, &RunBrowser::askCancelTasks);
    m_view->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(m_view, &QTableView::customContextMenuRequested, this, &RunBrowser::showRowMenu);
    connect(m_view, &QTableView::doubleClicked, this, &RunBrowser::openIndex);
    connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this, &RunBrowser::updateButtons);
    connect(m_model, &QAbstractItemModel::modelReset, this, &RunBrowser::updateButtons);
    // A rescan (after every run, or Refresh) keeps the selection.
    connect(m_model, &QAbstractItemModel::modelAboutToBeReset, this, [this] {
        m_keptSelection.clear();
        for (int row : selectedRows())
            m_keptSelection << m_model->runDirAt(row);
        m_fitColumns = true;
    });
    connect(m_model, &QAbstractItemModel::modelReset, this, &RunBrowser::restoreSelection);
    connect(m_model, &RunListModel::scanFinished, this, &RunBrowser::scanned);
    connect(m_model, &RunListModel::jobsChanged, this, &RunBrowser::jobsChanged);
    connect(m_jobs, &SlurmJobTracker::updated, this, [this] { m_model->setSweeps(m_jobs->sweeps()); });
    connect(m_jobs, &SlurmJobTracker::cancelFinished, this, [this](const CancelOutcome& outcome) {
        QStringList said;
        if (!outcome.cancelled.isEmpty())
            said << tr("Cancelled %1").arg(outcome.cancelled.join(QStringLiteral("; ")));
        said << outcome.problems;
        setStatus(said.join(QStringLiteral(". ")));
        updateButtons();
        Q_EMIT tasksCancelled(outcome);
    });
    updateButtons();
}

void RunBrowser::showEvent(QShowEvent* event)
{
    QWidget::showEvent(event);
    m_jobs->setActive(true); // on screen: follow the Slurm tasks
}

void RunBrowser::hideEvent(QHideEvent* event)
{
    QWidget::hideEvent(event);
    m_jobs->setActive(false);
}

void RunBrowser::restoreSelection()
{
    QList<int> keep;
    for (const QString& dir : std::as_const(m_keptSelection))
        if (const int row = m_model->rowOfRunDir(dir); row >= 0)
            keep << row;
    if (!keep.isEmpty())
        selectRows(keep);
}

QString RunBrowser::jobStatusText() const { return m_jobStatus->isVisible() ? m_jobStatus->text() : QString(); }

void RunBrowser::fitColumns()
{
    m_fitColumns = false;
    m_userSized = false;
    const QScopedValueRollback<bool> fitting(m_fitting, true);
    m_view->resizeColumnsToContents();
    capStateColumn(RunListModel::JobColumn);
    // Headers run long ("<dataset> <model> <k> <loss> <encoder> <decoder>");
    // the tooltip and the other columns carry the rest.
    m_runWanted = qMin(m_view->columnWidth(RunListModel::RunColumn), kRunMaxWidth);
    m_directoryWanted = qMin(m_view->columnWidth(RunListModel::DirectoryColumn), kDirectoryMaxWidth);
    shareRoom();
}

void RunBrowser::shareRoom()
{
    // The run's title and its directory take the room the other columns
    // leave (their tooltips have the rest): the table needs no sideways
    // scroll at 1280x800, with the Job column too. Where even their least
    // widths do not fit, the bar comes back.
    const QScopedValueRollback<bool> fitting(m_fitting, true);
    // Without the directory another column stretches to the edge: the title
    // keeps its width (counting that column's stretch would shrink it).
    if (m_view->isColumnHidden(RunListModel::DirectoryColumn))
        return;
    int others = 0;
    for (int column = 0; column < RunListModel::ColumnCount; ++column)
        if (column != RunListModel::RunColumn && column != RunListModel::DirectoryColumn
            && !m_view->isColumnHidden(column))
            others += m_view->columnWidth(column);
    const int room = m_view->viewport()->width() - others;
    const int directoryLeast = qMin(m_directoryWanted, kDirectoryLeastWidth);
    const int run = qMin(m_runWanted, qMax(kRunLeastWidth, room - directoryLeast));
    m_view->setColumnWidth(RunListModel::RunColumn, run);
    m_view->setColumnWidth(RunListModel::DirectoryColumn, qMax(directoryLeast, room - run));
}

void RunBrowser::capStateColumn(int column)
{
    m_view->setColumnWidth(column, qMin(m_view->columnWidth(column), kStateColumnMaxWidth));
}

int RunBrowser::lastShownColumn() const
{
    const QHeaderView* header = m_view->horizontalHeader();
    for (int visual = header->count() - 1; visual >= 0; --visual)
        if (const int column = header->logicalIndex(visual); !header->isSectionHidden(column))
            return column;
    return -1;
}

bool RunBrowser::eventFilter(QObject* watched, QEvent* event)
{
    // A wider or narrower table (the window, the splitter, the dock) shares
    // its room again, unless the user has sized a column since the fit.
    if (watched == m_view->viewport() && event->type() == QEvent::Resize && !m_userSized && !m_fitColumns)
        shareRoom();
    return QWidget::eventFilter(watched, event);
}

void RunBrowser::jobsChanged()
{
    const bool jobs = m_model->hasJobs();
    const QScopedValueRollback<bool> fitting(m_fitting, true); // sized here, not by the user
    if (jobs != m_jobColumnShown) {
        m_jobColumnShown = jobs;
        m_view->setColumnHidden(RunListModel::JobColumn, !jobs);
        m_cancelTasks->setVisible(jobs);
        if (jobs && !m_fitColumns) {
            m_view->resizeColumnToContents(RunListModel::JobColumn);
            capStateColumn(RunListModel::JobColumn);
            if (!m_userSized)
                shareRoom();
        }
    }
    if (m_fitColumns) {
        fitColumns(); // rows of runs not started came or went
    } else if (jobs) {
        // "done" became "pending (Priority)", "not started" became "never
        // started": the columns widen for them (the rest of the widths stay).
        bool wider = false;
        for (const int column : {int(RunListModel::JobColumn), int(RunListModel::StatusColumn)}) {
            const int width = m_view->columnWidth(column);
            m_view->resizeColumnToContents(column);
            const int wanted = qMin(m_view->columnWidth(column), kStateColumnMaxWidth);
            m_view->setColumnWidth(column, qMax(width, wanted));
            wider = wider || wanted > width;
        }
        if (wider && !m_userSized)
            shareRoom();
    }
    // A task that started or ended has a run directory now, or soon: look
    // for it (the save directory may not have existed to be watched). Once
    // per state: a task that failed before making its directory must not
    // rescan for ever.
    QHash<QString, int> notStarted;
    bool rescan = false;
    for (int row = 0; row < m_model->rowCount(); ++row) {
        const auto* job = m_model->jobAt(row);
        if (!m_model->isNotStartedAt(row) || !job)
            continue;
        const QString dir = m_model->runDirAt(row);
        const int state = int(job->state) * 100000 + job->epochsCompleted; // an epoch more: its directory is there
        notStarted.insert(dir, state);
        rescan = rescan
                 || (job->state != parity::slurm::RunStatus::State::Pending
                     && m_notStartedStates.value(dir, -1) != state);
    }
    m_notStartedStates = notStarted;
    // Rows of tasks not started came or went: the count follows them where the
    // status line shows it, and the rescan they cause has nothing new to say.
    if (const QString found = rowsFound(); found != m_scanFound) {
        if (m_status->text() == m_scanFound)
            setStatus(found);
        m_scanFound = found;
    }
    if (rescan)
        m_model->refresh();
    // The sweeps with a task still to end, else the newest one.
    const auto& sweeps = m_model->sweeps();
    QStringList active, all, notes;
    for (const auto& sweep : sweeps) {
        const QString line = jobtext::summary(sweep);
        all << line;
        if (std::any_of(sweep.runs.begin(), sweep.runs.end(), jobtext::isActive))
            active << line;
        for (const auto& note : sweep.notes)
            notes << QString::fromStdString(note);
    }
    if (!active.isEmpty() || !all.isEmpty()) {
        const QStringList shown = active.isEmpty() ? QStringList{all.last()} : active;
        m_jobStatus->setText(tr("Slurm: %1").arg(shown.join(QStringLiteral("; "))) + (notes.isEmpty() ? "" : " ⚠"));
        m_jobStatus->setToolTip(
            tr("Sweeps submitted from %1:\n%2").arg(m_model->root(), all.join(QLatin1Char('\n')))
            + (notes.isEmpty() ? QString() : QStringLiteral("\n\n") + notes.join(QLatin1Char('\n'))));
    }
    m_jobStatus->setVisible(!sweeps.empty());
    updateButtons(); // a task that ended has nothing left to cancel
}

void RunBrowser::setRecentRoots(const QStringList& roots)
{
    m_recentRoots = roots.mid(0, kRecentRoots);
    m_recentButton->menu()->clear();
    for (const QString& root : m_recentRoots)
        m_recentButton->menu()->addAction(root, this, [this, root] { setRoot(root); });
    m_recentButton->setEnabled(!m_recentRoots.isEmpty());
}

void RunBrowser::setRoot(const QString& saveDir)
{
    // Earlier roots stay one click away (issue 13, item 11).
    if (!saveDir.isEmpty()) {
        QStringList recent = m_recentRoots;
        recent.removeAll(saveDir);
        recent.prepend(saveDir);
        setRecentRoots(recent);
        Q_EMIT recentRootsChanged(m_recentRoots);
    }
    // The plots compare runs of the root they were chosen in: another root
    // starts with none (Refresh, the same root, keeps them).
    if (saveDir != m_model->root()) {
        m_served->setRecords({});
        m_compare->setRecords({});
    }
    m_rootEdit->setText(saveDir);
    m_announceScan = true;
    m_model->setRoot(saveDir);
    m_jobs->setSaveDir(saveDir);
    if (m_model->isScanning())
        setStatus(tr("Scanning %1…").arg(saveDir));
}

bool RunBrowser::isScanning() const { return m_model->isScanning(); }

void RunBrowser::scanned()
{
    m_keptSelection.clear(); // restored when the rows were reset (restoreSelection)
    // A rescan of its own (a run wrote a file) leaves what the status line
    // says since ("Cancelled ...", "Wrote ...") until the number changes.
    const QString found = rowsFound();
    if (m_announceScan || found != m_scanFound || m_status->text() == m_scanFound)
        setStatus(found);
    m_scanFound = found;
    m_announceScan = false;
    if (m_fitColumns) // new rows; rows updated in place keep the widths the user sees
        fitColumns();
    // A run that started or ended since Slurm was last heard saying its task
    // waits or runs: ask again now rather than in ten seconds; else look for
    // new sweeps (one submitted by parity-train shows without waiting for a poll).
    bool outdated = false;
    for (int row = 0; row < m_model->rowCount() && !outdated; ++row) {
        const auto* job = m_model->jobAt(row);
        if (!job || !jobtext::isActive(*job) || m_model->isNotStartedAt(row))
            continue;
        const QString& status = m_model->recordAt(row).status;
        const bool ended = status == QLatin1String("finished") || status == QLatin1String("failed")
                           || status == QLatin1String("stopped");
        const bool started = status == QLatin1String("running")
                             && job->state == parity::slurm::RunStatus::State::Pending;
        outdated = ended || started;
    }
    if (outdated)
        m_jobs->pollNow();
    else
        m_jobs->pollSoon();
    Q_EMIT runsScanned(m_model->rowCount());
}

QString RunBrowser::runCount() const
{
    return m_model->rowCount() == 1 ? tr("1 run") : tr("%1 runs").arg(m_model->rowCount());
}

QString RunBrowser::rowsFound() const
{
    int unreadable = 0;
    for (int row = 0; row < m_model->rowCount(); ++row)
        unreadable += m_model->errorAt(row).isEmpty() ? 0 : 1;
    if (!QFileInfo(m_model->root()).isDir())
        return tr("%1 is not a directory").arg(m_model->root());
    if (unreadable)
        return tr("%1, %2 unreadable (hover over a row for the reason)").arg(runCount()).arg(unreadable);
    return runCount();
}

QString RunBrowser::root() const { return m_model->root(); }

QString RunBrowser::statusText() const { return m_status->text(); }

void RunBrowser::refresh()
{
    setRoot(m_rootEdit->text()); // the same root: the model scans it again
    m_jobs->refresh();
}

void RunBrowser::browse()
{
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Save directory"), m_rootEdit->text());
    if (!dir.isEmpty())
        setRoot(dir);
}

QList<int> RunBrowser::selectedRows() const
{
    QList<int> rows;
    auto proxyRows = m_view->selectionModel()->selectedRows();
    std::sort(proxyRows.begin(), proxyRows.end(),
              [](const QModelIndex& a, const QModelIndex& b) { return a.row() < b.row(); });
    for (const auto& index : proxyRows)
        rows << m_proxy->mapToSource(index).row();
    return rows;
}

void RunBrowser::selectRows(const QList<int>& modelRows)
{
    QItemSelection selection;
    for (int row : modelRows) {
        const QModelIndex index = m_proxy->mapFromSource(m_model->index(row, 0));
        selection.select(index, index);
    }
    m_view->selectionModel()->select(selection, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
}

std::vector<RunRecord> RunBrowser::selectedRecords()
{
    std::vector<RunRecord> records;
    QStringList errors;
    for (int row : selectedRows()) {
        if (m_model->isNotStartedAt(row))
            errors << tr("%1 has not started yet").arg(m_model->recordAt(row).displayName());
        else if (m_model->errorAt(row).isEmpty())
            records.push_back(m_model->recordAt(row));
        else
            errors << m_model->errorAt(row);
    }
    if (!errors.isEmpty())
        setStatus(tr("Skipped runs: %1").arg(errors.join(QStringLiteral("; "))));
    return records;
}

bool RunBrowser::openSelected()
{
    const QList<int> rows = selectedRows();
    if (rows.isEmpty()) {
        setStatus(tr("Select a run to open"));
        return false;
    }
    openIndex(m_proxy->mapFromSource(m_model->index(rows.first(), 0)));
    return m_model->errorAt(rows.first()).isEmpty() && !m_model->isNotStartedAt(rows.first());
}

void RunBrowser::openIndex(const QModelIndex& proxyIndex)
{
    if (!proxyIndex.isValid())
        return;
    const int row = m_proxy->mapToSource(proxyIndex).row();
    if (m_model->isNotStartedAt(row)) {
        const auto* job = m_model->jobAt(row);
        setStatus(tr("%1 has not started yet (Slurm: %2): there is nothing to open")
                      .arg(m_model->recordAt(row).displayName(), job ? jobtext::state(*job) : tr("no task")));
        return;
    }
    if (!m_model->errorAt(row).isEmpty()) {
        setStatus(m_model->errorAt(row));
        return;
    }
    const RunRecord& record = m_model->recordAt(row);
    setStatus(tr("Opened %1").arg(record.runDir));
    Q_EMIT runOpened(record);
}

int RunBrowser::compareSelected()
{
    std::vector<RunRecord> records = selectedRecords();
    const int count = int(records.size());
    m_served->setRecords(records);
    m_compare->setRecords(std::move(records));
    if (count > 0 && selectedRows().size() == count)
        setStatus(count == 1 ? tr("Comparing 1 run") : tr("Comparing %1 runs").arg(count));
    return count;
}

bool RunBrowser::exportSelected(const QString& path)
{
    if (selectedRows().isEmpty()) {
        setStatus(tr("Select a run to export"));
        return false;
    }
    // Every selected run, read back from its directory as recorded.
    const std::vector<RunRecord> records = selectedRecords();
    if (records.empty())
        return false; // selectedRecords() said why
    QString error;
    const bool json = QFileInfo(path).suffix().compare(QLatin1String("json"), Qt::CaseInsensitive) == 0;
    const bool ok = json ? writeMetricsJson(records, path, &error) : writeMetricsCsv(records, path, &error);
    setStatus(ok ? tr("Wrote %1").arg(path) : error);
    return ok;
}

void RunBrowser::askExport()
{
    const QList<int> rows = selectedRows();
    if (rows.isEmpty())
        return;
    // Walkthrough: four runs suggested "Sub · MSE-metrics.csv" (the first
    // run's name, cut at the "/" of "Add/Sub").
    std::vector<RunRecord> records;
    for (const int row : rows)
        records.push_back(m_model->recordAt(row));
    const QString path = QFileDialog::getSaveFileName(this, tr("Export metrics"),
                                                      QDir::home().filePath(metricsFileStem(records)
                                                                            + QStringLiteral(".csv")),
                                                      tr("CSV (*.csv);;JSON (*.json)"));
    if (path.isEmpty())
        return;
    if (!exportSelected(path))
        QMessageBox::warning(this, tr("Export metrics"), statusText());
}

void RunBrowser::updateButtons()
{
    const int count = int(m_view->selectionModel()->selectedRows().size());
    m_open->setEnabled(count >= 1);
    m_export->setEnabled(count >= 1);
    m_compareButton->setEnabled(count >= 1);
    m_cancelTasks->setEnabled(!m_jobs->isCancelling() && !cancellableRows().isEmpty());
}

QList<int> RunBrowser::cancellableRows() const
{
    QList<int> rows;
    for (const int row : selectedRows())
        if (const auto* job = m_model->jobAt(row); job && jobtext::isActive(*job))
            rows << row;
    return rows;
}

std::vector<SlurmJobTracker::Cancellation> RunBrowser::cancellationsOf(const QList<int>& rows) const
{
    std::vector<SlurmJobTracker::Cancellation> cancellations;
    for (const int row : rows) {
        const parity::slurm::Sweep& sweep = *m_model->sweepOfJobAt(row);
        auto same = std::find_if(cancellations.begin(), cancellations.end(),
                                 [&](const auto& c) { return c.sweep.dir == sweep.dir; });
        if (same == cancellations.end())
            same = cancellations.insert(cancellations.end(), {sweep, {}});
        same->indices.push_back(m_model->jobAt(row)->index);
    }
    for (auto& c : cancellations)
        std::sort(c.indices.begin(), c.indices.end());
    return cancellations;
}

std::vector<SlurmJobTracker::Cancellation>
RunBrowser::stillActive(std::vector<SlurmJobTracker::Cancellation> cancellations) const
{
    const auto active = [this](const std::string& dir, int index) {
        for (const auto& sweep : m_model->sweeps())
            if (sweep.sweep.dir == dir)
                for (const auto& run : sweep.runs)
                    if (run.index == index)
                        return jobtext::isActive(run);
        return false;
    };
    for (auto& c : cancellations)
        c.indices.erase(std::remove_if(c.indices.begin(), c.indices.end(),
                                       [&](int index) { return !active(c.sweep.dir, index); }),
                        c.indices.end());
    cancellations.erase(std::remove_if(cancellations.begin(), cancellations.end(),
                                       [](const auto& c) { return c.indices.empty(); }),
                        cancellations.end());
    return cancellations;
}

void RunBrowser::startCancelling(std::vector<SlurmJobTracker::Cancellation> cancellations)
{
    size_t tasks = 0;
    for (const auto& c : cancellations)
        tasks += c.indices.size();
    m_jobs->cancelTasks(std::move(cancellations));
    setStatus(tasks == 1 ? tr("Cancelling one Slurm task…") : tr("Cancelling %1 Slurm tasks…").arg(tasks));
    updateButtons();
}

bool RunBrowser::cancelSelectedTasks()
{
    if (m_jobs->isCancelling()) {
        setStatus(tr("A cancellation is under way"));
        return false;
    }
    const QList<int> rows = cancellableRows();
    if (rows.isEmpty()) {
        setStatus(tr("No selected run has a Slurm task that waits or runs"));
        return false;
    }
    startCancelling(cancellationsOf(rows));
    return true;
}

void RunBrowser::askCancelTasks()
{
    const QList<int> rows = cancellableRows();
    if (rows.isEmpty() || m_jobs->isCancelling())
        return;
    // What the question names is what gets cancelled, whatever the rows do meanwhile.
    std::vector<SlurmJobTracker::Cancellation> cancellations = cancellationsOf(rows);
    QStringList runs;
    for (const int row : rows.mid(0, kRunsNamed))
        runs << QStringLiteral("• %1 (%2)")
                    .arg(m_model->recordAt(row).displayName(), // as the Job column says it
                         m_model->index(row, RunListModel::JobColumn).data().toString());
    if (rows.size() > kRunsNamed)
        runs << tr("and %1 more").arg(rows.size() - kRunsNamed);
    const bool one = rows.size() == 1;
    QMessageBox question(QMessageBox::Question, tr("Cancel Slurm tasks"),
                         one ? tr("Cancel the Slurm task of this run?")
                             : tr("Cancel the Slurm tasks of %1 runs?").arg(rows.size()),
                         QMessageBox::NoButton, this);
    question.setObjectName(QStringLiteral("cancel_tasks_question"));
    question.setInformativeText(runs.join(QLatin1Char('\n'))
                                + tr("\n\nA waiting task is dropped. A running one stops at the end of its "
                                     "batch and keeps what it saved."));
    QPushButton* cancel = question.addButton(one ? tr("Cancel task") : tr("Cancel tasks"),
                                             QMessageBox::DestructiveRole);
    question.setDefaultButton(question.addButton(one ? tr("Keep it") : tr("Keep them"), QMessageBox::RejectRole));
    question.exec();
    if (question.clickedButton() != cancel)
        return;
    cancellations = stillActive(std::move(cancellations));
    if (cancellations.empty())
        setStatus(tr("Nothing to cancel: the tasks ended meanwhile"));
    else if (!m_jobs->isCancelling())
        startCancelling(std::move(cancellations));
}

void RunBrowser::showRowMenu(const QPoint& at)
{
    if (!m_view->indexAt(at).isValid())
        return;
    QMenu menu(this);
    for (QPushButton* button : {m_open, m_compareButton, m_export, m_cancelTasks}) {
        if (button->isHidden())
            continue;
        QAction* action = menu.addAction(button->text(), button, &QPushButton::click);
        action->setEnabled(button->isEnabled());
    }
    menu.exec(m_view->viewport()->mapToGlobal(at));
}

void RunBrowser::setStatus(const QString& text)
{
    m_status->setText(text);
    m_status->setToolTip(text);
}

} // namespace parity::gui
