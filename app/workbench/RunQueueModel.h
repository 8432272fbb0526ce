#pragma once
#include "RunRequest.h"

#include <QAbstractListModel>

#include <vector>

namespace parity::gui {

/// The runs a sweep expands to, in the order they execute, with the state of
/// each. Shown as a list; the controller works through it.
class RunQueueModel : public QAbstractListModel {
    Q_OBJECT
public:
    enum class Status { Queued, Running, Finished, Stopped, Failed };
    enum Roles { StatusRole = Qt::UserRole + 1, RunDirRole, HeaderRole };

    struct Entry {
        RunRequest request;
        Status status = Status::Queued;
        QString message; ///< why it failed, or where its results are
    };

    using QAbstractListModel::QAbstractListModel;

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;

    void setRequests(const std::vector<RunRequest>& requests);
    void clear();
    const Entry& entry(int row) const { return m_entries.at(size_t(row)); }
    int size() const { return int(m_entries.size()); }
    /// Replaces a queued entry's request (the form edits the selected run).
    void setRequest(int row, const RunRequest& request);
    void setStatus(int row, Status status, const QString& message = {});
    /// The first queued entry, or -1.
    int nextQueued() const;
    /// Puts stopped and failed entries back in the queue.
    void requeueUnfinished();

    static QString statusText(Status status);

private:
    std::vector<Entry> m_entries;
};

} // namespace parity::gui
