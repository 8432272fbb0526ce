#include "browser/RunListModel.h"

#include "browser/RunRecordLoader.h"

#include <QBrush>
#include <QColor>
#include <QDir>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QtConcurrent/QtConcurrentRun>

namespace parity::gui
{

namespace
{
constexpr int kMaxDepth = 12;

void collect(const QString& dir, int depth, QStringList* out)
{
    if (RunRecordLoader::detect(dir) != RunRecordLoader::Layout::None)
        out->append(QFileInfo(dir).absoluteFilePath());
    if (depth >= kMaxDepth)
        return;
    // Symbolic links are not followed: a link back up the tree would loop.
    const QDir d(dir);
    for (const auto& sub : d.entryList(QDir::Dirs | QDir::NoDotAndDotDot | QDir::NoSymLinks, QDir::Name))
        collect(d.filePath(sub), depth + 1, out);
}

// "coders.summation.AdditionEncoder" -> "AdditionEncoder": the table stays
// narrow; the tooltip keeps the full class name.
QString shortClassName(const QString& name)
{
    return name.mid(name.lastIndexOf(QLatin1Char('.')) + 1);
}

bool insidePrevious(const QString& dir)
{
    return QFileInfo(dir).fileName().startsWith(QLatin1String("previous-"));
}
} // namespace

RunListModel::RunListModel(QObject* parent)
    : QAbstractTableModel(parent)
{
}

QStringList RunListModel::findRunDirectories(const QString& root)
{
    QStringList dirs;
    if (!root.isEmpty() && QFileInfo(root).isDir())
        collect(root, 0, &dirs);
    dirs.sort();
    return dirs;
}

void RunListModel::setRoot(const QString& root)
{
    if (root != m_root && !m_entries.empty()) {
        // Rows of another directory must not stay while this one is scanned.
        beginResetModel();
        m_entries.clear();
        endResetModel();
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

std::vector<RunListModel::Entry> RunListModel::scan(const QString& root)
{
    std::vector<Entry> entries;
    for (const auto& dir : findRunDirectories(root)) {
        Entry entry;
        entry.previous = insidePrevious(dir);
        if (!RunRecordLoader::load(dir, &entry.record, &entry.error)) {
            // Keep what the path tells, so the row still says which run it is.
            entry.record = RunRecord {};
            entry.record.runDir = dir;
            RunRecordLoader::identityFromPath(dir, &entry.record);
        }
        entries.push_back(std::move(entry));
    }
    return entries;
}

void RunListModel::startScan()
{
    m_scanning = true;
    m_rescan = false;
    const QString root = m_root;
    auto* watcher = new QFutureWatcher<std::vector<Entry>>(this);
    connect(watcher, &QFutureWatcher<std::vector<Entry>>::finished, this, [this, watcher, root] {
        std::vector<Entry> entries = watcher->result();
        watcher->deleteLater();
        m_scanning = false;
        if (m_rescan || root != m_root) { // asked again meanwhile: this list may be stale
            startScan();
            return;
        }
        beginResetModel();
        m_entries = std::move(entries);
        endResetModel();
        Q_EMIT scanFinished();
    });
    watcher->setFuture(QtConcurrent::run([root] { return scan(root); }));
}

const RunRecord& RunListModel::recordAt(int row) const
{
    return m_entries.at(size_t(row)).record;
}
QString RunListModel::runDirAt(int row) const
{
    return m_entries.at(size_t(row)).record.runDir;
}
QString RunListModel::errorAt(int row) const
{
    return m_entries.at(size_t(row)).error;
}
bool RunListModel::isPreviousAt(int row) const
{
    return m_entries.at(size_t(row)).previous;
}

int RunListModel::rowOfRunDir(const QString& dir) const
{
    const QString absolute = QFileInfo(dir).absoluteFilePath();
    for (size_t i = 0; i < m_entries.size(); ++i)
        if (m_entries[i].record.runDir == absolute)
            return int(i);
    return -1;
}

int RunListModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_entries.size());
}

int RunListModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant RunListModel::displayValue(const Entry& e, int column) const
{
    const RunRecord& r = e.record;
    switch (column) {
    case RunColumn:
        return e.previous ? QStringLiteral("%1 (%2)").arg(r.displayName(), QFileInfo(r.runDir).fileName())
                          : r.displayName();
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
        return e.error.isEmpty() ? QVariant(int(r.epochs.size())) : QVariant();
    case BestValColumn:
        return e.error.isEmpty() && !r.epochs.empty() ? QVariant(QString::number(r.bestValReconstructionTop1, 'f', 4))
                                                      : QVariant();
    case StatusColumn: {
        QString status = !e.error.isEmpty() ? QStringLiteral("unreadable")
            : r.status.isEmpty()            ? QStringLiteral("original format")
                                            : r.status;
        return e.previous ? QStringLiteral("previous, %1").arg(status) : status;
    }
    case UpdatedColumn:
        return r.updated;
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
        return e.error.isEmpty() ? int(e.record.epochs.size()) : -1;
    case BestValColumn:
        return e.error.isEmpty() && !e.record.epochs.empty() ? e.record.bestValReconstructionTop1 : -1.0;
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
        }
        return displayValue(e, index.column());
    case Qt::ForegroundRole:
        if (!e.error.isEmpty())
            return QBrush(QColor(180, 30, 30));
        if (e.previous)
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
    }
    return {};
}

QVariant RunListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole || section < 0 || section >= ColumnCount)
        return QAbstractTableModel::headerData(section, orientation, role);
    static const char* kTitles[ColumnCount] = { "Run", "Dataset", "Model", "k", "Encoder", "Decoder", "Loss", "Epochs",
        "Best val recon. top-1", "Status", "Updated", "Directory" };
    return tr(kTitles[section]);
}

} // namespace parity::gui
