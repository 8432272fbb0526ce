#include "browser/RunListModel.h"

#include "browser/RunRecordLoader.h"
#include "slurm/JobText.h"

#include <cmath>

#include <QBrush>
#include <QColor>
#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QFileSystemWatcher>
#include <QFutureWatcher>
#include <QThread>
#include <QTimer>
#include <QtConcurrent/QtConcurrentRun>

#include <QJsonDocument>

#include <algorithm>
#include <exception>
#include <set>

namespace parity::gui {

namespace {
constexpr int kMaxDepth = 12;
// Directories watched for changes at most (each costs an inotify watch; the
// system's default limit per user is 8192 or more).
constexpr int kMaxWatchedDirs = 2000;
// A change rescans this long after it (changes meanwhile ride along): a run
// writes several files per epoch.
constexpr int kRescanDelayMs = 2000;

// A run directory read in a rescan while its run writes it.
constexpr int kBeingWrittenSecs = 10;
constexpr int kRereadDelayMs = 300;

// Whether the directory or a file in it changed in the last `secs` seconds.
bool changedWithin(const QString& dir, int secs)
{
    const QDateTime since = QDateTime::currentDateTimeUtc().addSecs(-secs);
    if (QFileInfo(dir).lastModified().toUTC() >= since)
        return true;
    const QFileInfoList files = QDir(dir).entryInfoList(QDir::Files);
    return std::any_of(files.begin(), files.end(),
                       [&](const QFileInfo& f) { return f.lastModified().toUTC() >= since; });
}

// run.json's "updated" is the writer's local time with its offset
// ("2026-12-02T11:33:17+0000"); the table shows it in the viewer's local
// time to the minute, the tooltip as written.
QDateTime updatedTime(const QString& text) { return QDateTime::fromString(text, Qt::ISODate); }

void collect(const QString& dir, int depth, QStringList* runs, QStringList* visited)
{
    const QString absolute = QFileInfo(dir).absoluteFilePath();
    if (visited)
        visited->append(absolute);
    if (RunRecordLoader::detect(dir) != RunRecordLoader::Layout::None)
        runs->append(absolute);
    if (depth >= kMaxDepth)
        return;
    // Symbolic links are not followed: a link back up the tree would loop.
    const QDir d(dir);
    for (const auto& sub : d.entryList(QDir::Dirs | QDir::NoDotAndDotDot | QDir::NoSymLinks, QDir::Name))
        collect(d.filePath(sub), depth + 1, runs, visited);
}

// "coders.summation.AdditionEncoder" -> "AdditionEncoder": the table stays
// narrow; the tooltip keeps the full class name.
QString shortClassName(const QString& name) { return name.mid(name.lastIndexOf(QLatin1Char('.')) + 1); }

bool insidePrevious(const QString& dir) { return QFileInfo(dir).fileName().startsWith(QLatin1String("previous-")); }

/// The key a run directory is matched by: the Slurm sweep's path and the scan's may differ in "." and "//".
QString runKey(const QString& dir) { return QDir::cleanPath(QFileInfo(dir).absoluteFilePath()); }

/// The record of a run that has no directory yet: its identity from the path
/// (what the Dataset, Model, k, ... columns show) and the title of a run
/// configured so.
RunRecord notStartedRecord(const parity::slurm::RunStatus& run)
{
    RunRecord record;
    record.runDir = runKey(QString::fromStdString(run.runDir));
    RunRecordLoader::identityFromPath(record.runDir, &record);
    if (!run.header.empty())
        record.header = QString::fromStdString(run.header);
    try {
        // The path names dataset, model, k, loss and coders; the defaults fill the rest of a configuration.
        nlohmann::json j = parity::RunConfig{}.toJson();
        j.update(nlohmann::json::parse(QJsonDocument(record.config).toJson(QJsonDocument::Compact).toStdString()));
        for (const char* key : {"encoder_class", "decoder_class", "loss_class"})
            j.erase(key);
        record.title = QString::fromStdString(parity::RunConfig::fromJson(j).shortTitle());
    } catch (const std::exception&) {
        record.title.clear(); // the header names it
    }
    return record;
}
} // namespace

RunListModel::RunListModel(QObject* parent)
    : QAbstractTableModel(parent)
    , m_fsWatcher(new QFileSystemWatcher(this))
    , m_rescanTimer(new QTimer(this))
{
    m_rescanTimer->setSingleShot(true);
    m_rescanTimer->setInterval(kRescanDelayMs);
    connect(m_rescanTimer, &QTimer::timeout, this, &RunListModel::refresh);
    connect(m_fsWatcher, &QFileSystemWatcher::directoryChanged, this, [this] {
        if (!m_rescanTimer->isActive()) // not restarted: a busy run must not postpone it forever
            m_rescanTimer->start();
    });
}

QStringList RunListModel::findRunDirectories(const QString& root) { return findRunDirectories(root, nullptr); }

QStringList RunListModel::findRunDirectories(const QString& root, QStringList* visited)
{
    QStringList dirs;
    if (!root.isEmpty() && QFileInfo(root).isDir())
        collect(root, 0, &dirs, visited);
    dirs.sort();
    return dirs;
}

QStringList RunListModel::watchedDirectories() const { return m_fsWatcher->directories(); }

void RunListModel::watch(QStringList dirs)
{
    if (dirs.size() > kMaxWatchedDirs)
        dirs.erase(dirs.begin() + kMaxWatchedDirs, dirs.end()); // parents come before their children
    QStringList old = m_fsWatcher->directories();
    std::sort(old.begin(), old.end());
    std::sort(dirs.begin(), dirs.end());
    if (old == dirs)
        return;
    if (!old.isEmpty())
        m_fsWatcher->removePaths(old);
    if (!dirs.isEmpty())
        m_fsWatcher->addPaths(dirs);
}

void RunListModel::setRoot(const QString& root)
{
    if (root != m_root) {
        watch({});
        m_rescanTimer->stop();
        if (!m_entries.empty()) {
            // Rows of another directory must not stay while this one is scanned.
            beginResetModel();
            m_entries.clear();
            endResetModel();
        }
    }
    m_root = root;
    refresh();
}

void RunListModel::refresh()
{
    if (m_scanning)
        m_rescan = true;
    else
        startScan();
}

RunListModel::ScanResult RunListModel::scan(const QString& root)
{
    ScanResult result;
    const QStringList dirs = findRunDirectories(root, &result.visited);
    std::vector<Entry> entries(size_t(dirs.size()));
    const auto read = [&](int i) {
        Entry& entry = entries[size_t(i)];
        entry.record = RunRecord{};
        entry.error.clear();
        return RunRecordLoader::load(dirs[i], &entry.record, &entry.error);
    };
    QList<int> again; // unreadable, and written to in the last seconds
    for (int i = 0; i < dirs.size(); ++i) {
        entries[size_t(i)].previous = insidePrevious(dirs[i]);
        if (!read(i) && changedWithin(dirs[i], kBeingWrittenSecs))
            again << i;
    }
    // A run being written can be caught between two of its writes
    // (metrics.csv made but its header not yet there, a row half appended):
    // those are read once more a moment later, after one wait for them all.
    if (!again.isEmpty()) {
        QThread::msleep(kRereadDelayMs);
        for (const int i : std::as_const(again))
            read(i);
    }
    for (int i = 0; i < dirs.size(); ++i) {
        Entry& entry = entries[size_t(i)];
        if (!entry.error.isEmpty()) {
            // Gone meanwhile (moved into previous-<time>/ by a new run): left
            // out; the rescan its move causes shows where it went.
            if (RunRecordLoader::detect(dirs[i]) == RunRecordLoader::Layout::None)
                continue;
            // Keep what the path tells, so the row still says which run it is.
            entry.record = RunRecord{};
            entry.record.runDir = dirs[i];
            RunRecordLoader::identityFromPath(dirs[i], &entry.record);
        }
        result.entries.push_back(std::move(entry));
    }
    return result;
}

void RunListModel::startScan()
{
    m_scanning = true;
    m_rescan = false;
    const QString root = m_root;
    auto* watcher = new QFutureWatcher<ScanResult>(this);
    connect(watcher, &QFutureWatcher<ScanResult>::finished, this, [this, watcher, root] {
        ScanResult result = watcher->result();
        watcher->deleteLater();
        m_scanning = false;
        if (m_rescan || root != m_root) { // asked again meanwhile: this list may be stale
            startScan();
            return;
        }
        watch(result.visited);
        replaceEntries(withNotStarted(std::move(result.entries)));
        Q_EMIT scanFinished();
    });
    watcher->setFuture(QtConcurrent::run([root] { return scan(root); }));
}

void RunListModel::replaceEntries(std::vector<Entry> entries)
{
    const bool sameRuns = std::equal(m_entries.begin(), m_entries.end(), entries.begin(), entries.end(),
                                     [](const Entry& a, const Entry& b) {
                                         return a.record.runDir == b.record.runDir && a.notStarted == b.notStarted;
                                     });
    if (sameRuns && !m_entries.empty()) {
        // The same runs, updated (a run went on): the rows change in
        // place, so the view keeps its scroll position and selection.
        m_entries = std::move(entries);
        Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
    } else {
        beginResetModel();
        m_entries = std::move(entries);
        endResetModel();
    }
}

std::vector<RunListModel::Entry> RunListModel::withNotStarted(std::vector<Entry> scanned) const
{
    std::set<QString> listed;
    for (const Entry& e : scanned)
        listed.insert(runKey(e.record.runDir));
    for (const auto& [dir, job] : m_jobs) {
        if (!listed.insert(dir).second)
            continue;
        Entry entry;
        entry.notStarted = true;
        entry.record = notStartedRecord(m_sweeps[job.sweep].runs[job.run]);
        scanned.push_back(std::move(entry));
    }
    return scanned;
}

void RunListModel::setSweeps(std::vector<parity::slurm::SweepStatus> sweeps)
{
    m_sweeps = std::move(sweeps);
    m_jobs.clear();
    // Oldest first: a run submitted again shows its newest task.
    for (size_t s = 0; s < m_sweeps.size(); ++s)
        for (size_t r = 0; r < m_sweeps[s].runs.size(); ++r)
            if (!m_sweeps[s].runs[r].runDir.empty())
                m_jobs[runKey(QString::fromStdString(m_sweeps[s].runs[r].runDir))] = Job{s, r};
    std::vector<Entry> scanned;
    for (const Entry& e : m_entries)
        if (!e.notStarted)
            scanned.push_back(e);
    replaceEntries(withNotStarted(std::move(scanned)));
    Q_EMIT jobsChanged();
}

QString RunListModel::notStartedText(const Entry& entry) const
{
    const Job* job = jobOf(entry);
    const auto state = job ? m_sweeps[job->sweep].runs[job->run].state : parity::slurm::RunStatus::State::Pending;
    switch (state) {
    case parity::slurm::RunStatus::State::Pending:
        return tr("not started");
    case parity::slurm::RunStatus::State::Running:
        return tr("starting");
    default:
        return tr("never started"); // its task ended before the run began (the tooltip has the log)
    }
}

const RunListModel::Job* RunListModel::jobOf(const Entry& entry) const
{
    if (m_jobs.empty())
        return nullptr;
    const auto found = m_jobs.find(runKey(entry.record.runDir));
    return found == m_jobs.end() ? nullptr : &found->second;
}

const parity::slurm::RunStatus* RunListModel::jobAt(int row) const
{
    const Job* job = jobOf(m_entries.at(size_t(row)));
    return job ? &m_sweeps[job->sweep].runs[job->run] : nullptr;
}

const parity::slurm::Sweep* RunListModel::sweepOfJobAt(int row) const
{
    const Job* job = jobOf(m_entries.at(size_t(row)));
    return job ? &m_sweeps[job->sweep].sweep : nullptr;
}

bool RunListModel::isNotStartedAt(int row) const { return m_entries.at(size_t(row)).notStarted; }

const RunRecord& RunListModel::recordAt(int row) const { return m_entries.at(size_t(row)).record; }
QString RunListModel::runDirAt(int row) const { return m_entries.at(size_t(row)).record.runDir; }
QString RunListModel::errorAt(int row) const { return m_entries.at(size_t(row)).error; }
bool RunListModel::isPreviousAt(int row) const { return m_entries.at(size_t(row)).previous; }

int RunListModel::rowOfRunDir(const QString& dir) const
{
    const QString key = runKey(dir);
    for (size_t i = 0; i < m_entries.size(); ++i)
        if (runKey(m_entries[i].record.runDir) == key)
            return int(i);
    return -1;
}

int RunListModel::rowCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : int(m_entries.size()); }

int RunListModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant RunListModel::displayValue(const Entry& e, int column) const
{
    const RunRecord& r = e.record;
    switch (column) {
    case RunColumn:
        return r.displayName(); // says "(previous-…)" for an earlier run
    case DatasetColumn:
        return r.config.value(QStringLiteral("dataset")).toString();
    case ModelColumn:
        return r.config.value(QStringLiteral("model")).toString();
    case KColumn:
        return r.config.contains(QStringLiteral("k")) ? QVariant(r.config.value(QStringLiteral("k")).toInt())
                                                      : QVariant();
    case EncoderColumn:
        return shortClassName(r.config.value(QStringLiteral("encoder")).toString());
    case DecoderColumn:
        return shortClassName(r.config.value(QStringLiteral("decoder")).toString());
    case LossColumn:
        return shortClassName(r.config.value(QStringLiteral("loss")).toString());
    case EpochsColumn:
        return e.error.isEmpty() && !e.notStarted ? QVariant(int(r.epochs.size())) : QVariant();
    case BestValColumn:
        if (!e.error.isEmpty() || r.epochs.empty())
            return QVariant();
        // NaN: a run without a validation split (val_size 0) has no best.
        return std::isnan(r.bestValReconstructionTop1) ? QVariant(tr("no val"))
                                                       : QVariant(QString::number(r.bestValReconstructionTop1, 'f', 4));
    case StatusColumn: {
        if (e.notStarted)
            return notStartedText(e);
        QString status = !e.error.isEmpty()   ? QStringLiteral("unreadable")
                         : r.status.isEmpty() ? QStringLiteral("original format")
                                              : r.status;
        return e.previous ? QStringLiteral("previous, %1").arg(status) : status;
    }
    case JobColumn: {
        const Job* job = jobOf(e);
        if (!job)
            return QString();
        // The run's directory is read every few seconds, Slurm every ten: the epochs come from the fresher.
        parity::slurm::RunStatus run = m_sweeps[job->sweep].runs[job->run];
        if (!e.notStarted && e.error.isEmpty())
            run.epochsCompleted = std::max(run.epochsCompleted, int(r.epochs.size()));
        return jobtext::state(run);
    }
    case UpdatedColumn: {
        const QDateTime at = updatedTime(r.updated);
        return at.isValid() ? at.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm")) : r.updated;
    }
    case DirectoryColumn: {
        const QString rel = QDir(m_root).relativeFilePath(r.runDir);
        return rel.startsWith(QLatin1String("..")) ? r.runDir : rel;
    }
    }
    return {};
}

QVariant RunListModel::sortValue(const Entry& e, int column) const
{
    switch (column) {
    case KColumn:
        return e.record.config.value(QStringLiteral("k")).toInt();
    case EpochsColumn:
        return e.error.isEmpty() && !e.notStarted ? int(e.record.epochs.size()) : -1;
    case BestValColumn:
        return e.error.isEmpty() && !e.record.epochs.empty() && !std::isnan(e.record.bestValReconstructionTop1)
                   ? e.record.bestValReconstructionTop1
                   : -1.0;
    case UpdatedColumn: {
        const QDateTime at = updatedTime(e.record.updated);
        return at.isValid() ? at.toMSecsSinceEpoch() : qint64(-1);
    }
    default:
        return displayValue(e, column);
    }
}

QVariant RunListModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Entry& e = m_entries[size_t(index.row())];
    switch (role) {
    case Qt::DisplayRole:
        return displayValue(e, index.column());
    case SortRole:
        return sortValue(e, index.column());
    case Qt::ToolTipRole:
        if (index.column() == JobColumn || e.notStarted) {
            if (const Job* job = jobOf(e)) {
                const auto& sweep = m_sweeps[job->sweep];
                const QString tip = jobtext::toolTip(sweep.sweep, sweep.runs[job->run]);
                return e.notStarted ? tr("%1\nNo run directory: %2.\n\n%3").arg(e.record.runDir, notStartedText(e), tip)
                                    : tip;
            }
        }
        if (!e.error.isEmpty())
            return e.error;
        switch (index.column()) {
        case RunColumn:
        case DirectoryColumn:
            return e.record.runDir;
        case EncoderColumn:
            return e.record.config.value(QStringLiteral("encoder")).toString();
        case DecoderColumn:
            return e.record.config.value(QStringLiteral("decoder")).toString();
        case LossColumn:
            return e.record.config.value(QStringLiteral("loss")).toString();
        case UpdatedColumn:
            return e.record.updated;
        }
        return displayValue(e, index.column());
    case Qt::ForegroundRole:
        if (index.column() == JobColumn) {
            const Job* job = jobOf(e);
            if (job && m_sweeps[job->sweep].runs[job->run].state == parity::slurm::RunStatus::State::Failed)
                return QBrush(QColor(180, 30, 30));
        }
        if (!e.error.isEmpty())
            return QBrush(QColor(180, 30, 30));
        if (e.previous || e.notStarted)
            return QBrush(QColor(Qt::gray));
        return {};
    case Qt::TextAlignmentRole:
        if (index.column() == KColumn || index.column() == EpochsColumn || index.column() == BestValColumn)
            return int(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case RunDirRole:
        return e.record.runDir;
    case IsPreviousRole:
        return e.previous;
    case ErrorRole:
        return e.error;
    case NotStartedRole:
        return e.notStarted;
    }
    return {};
}

QVariant RunListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || section < 0 || section >= ColumnCount)
        return QAbstractTableModel::headerData(section, orientation, role);
    // Short titles, so that the table fits at 1280x800 with the Job column;
    // the tooltip says what a short one means.
    if (role == Qt::ToolTipRole && section == BestValColumn)
        return tr(
            "The best validation reconstruction top-1 of the run's epochs: how often the prediction the "
            "decoder rebuilds for an unavailable query agrees with the base model's own (the same top "
            "class; boxes: IoU >= 0.75 with the base model's box). Where a run measures several numbers of missing "
            "predictions (r > 1, a Berrut code), this is the figure with one missing (e = 1), as the "
            "original's files keep it");
    if (role == Qt::ToolTipRole && section == UpdatedColumn)
        return tr("When the run last wrote its record, in this computer's time");
    if (role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    static const char* kTitles[ColumnCount] = {"Run",      "Dataset", "Model",          "k",      "Encoder", "Decoder",
                                               "Loss",     "Epochs",  "Best val top-1", "Status", "Job",     "Updated",
                                               "Directory"};
    return tr(kTitles[section]);
}

} // namespace parity::gui
