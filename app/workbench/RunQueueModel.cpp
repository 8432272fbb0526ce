#include "RunQueueModel.h"

#include <QColor>

namespace parity::gui {

int RunQueueModel::rowCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : int(m_entries.size()); }

QString RunQueueModel::statusText(Status status)
{
    switch (status) {
    case Status::Queued:
        return tr("queued");
    case Status::Running:
        return tr("running");
    case Status::Finished:
        return tr("finished");
    case Status::Stopped:
        return tr("stopped");
    case Status::Failed:
        return tr("failed");
    }
    return {};
}

QVariant RunQueueModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.row() < 0 || index.row() >= int(m_entries.size()) || index.column() != 0)
        return {};
    const Entry& e = m_entries[size_t(index.row())];
    switch (role) {
    case Qt::DisplayRole:
        // Status first: a narrow panel shortens the end of the line, not the state.
        return QStringLiteral("%1. [%2] %3 · %4")
            .arg(index.row() + 1)
            .arg(statusText(e.status), QString::fromStdString(e.request.config.shortTitle()),
                 e.request.config.numEpochs == 1 ? tr("1 epoch") : tr("%1 epochs").arg(e.request.config.numEpochs));
    case Qt::ToolTipRole:
        return QString::fromStdString(e.request.config.header() + "\n" + e.request.config.runDir())
               + (e.message.isEmpty() ? QString() : QStringLiteral("\n") + e.message);
    case Qt::ForegroundRole:
        if (e.status == Status::Failed)
            return QColor(Qt::red);
        if (e.status == Status::Running)
            return QColor(Qt::darkBlue);
        return {};
    case StatusRole:
        return int(e.status);
    case RunDirRole:
        return QString::fromStdString(e.request.config.runDir());
    case HeaderRole:
        return QString::fromStdString(e.request.config.header());
    default:
        return {};
    }
}

void RunQueueModel::setRequests(const std::vector<RunRequest>& requests)
{
    beginResetModel();
    m_entries.clear();
    for (const auto& r : requests)
        m_entries.push_back({r, Status::Queued, {}});
    endResetModel();
}

void RunQueueModel::clear() { setRequests({}); }

void RunQueueModel::setRequest(int row, const RunRequest& request)
{
    if (row < 0 || row >= size())
        return;
    m_entries[size_t(row)].request = request;
    Q_EMIT dataChanged(index(row), index(row));
}

void RunQueueModel::setStatus(int row, Status status, const QString& message)
{
    if (row < 0 || row >= size())
        return;
    m_entries[size_t(row)].status = status;
    m_entries[size_t(row)].message = message;
    Q_EMIT dataChanged(index(row), index(row));
}

int RunQueueModel::nextQueued() const
{
    for (int i = 0; i < size(); ++i) {
        if (m_entries[size_t(i)].status == Status::Queued)
            return i;
    }
    return -1;
}

void RunQueueModel::requeueUnfinished()
{
    for (int i = 0; i < size(); ++i) {
        const Status s = m_entries[size_t(i)].status;
        if (s == Status::Stopped || s == Status::Failed)
            setStatus(i, Status::Queued);
    }
}

} // namespace parity::gui
