#pragma once
// The runs found under a save directory, one row each.
#include "common/RunRecord.h"

#include <QAbstractTableModel>
#include <QString>

#include <vector>

namespace parity::gui
{

/// Scans a save directory recursively for run directories (those holding
/// run.json / metrics.csv, or only the original's `<split>_<metric>.txt`
/// files) and loads each with RunRecordLoader. Results a fresh run moved into
/// `previous-<timestamp>/` are listed too and marked as previous. A run that
/// does not load keeps its row, with the error in the Status column and the
/// tooltip.
class RunListModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column {
        RunColumn,
        DatasetColumn,
        ModelColumn,
        KColumn,
        EncoderColumn,
        DecoderColumn,
        LossColumn,
        EpochsColumn,
        BestValColumn,
        StatusColumn,
        UpdatedColumn,
        DirectoryColumn,
        ColumnCount
    };
    enum Role {
        SortRole = Qt::UserRole + 1, ///< numbers as numbers, for QSortFilterProxyModel
        RunDirRole, ///< absolute run directory
        IsPreviousRole, ///< bool: inside a previous-<timestamp>/ folder
        ErrorRole, ///< load error, empty when the run loaded
    };

    explicit RunListModel(QObject* parent = nullptr);

    /// Sets the save directory and scans it.
    void setRoot(const QString& root);
    QString root() const { return m_root; }
    /// Scans the save directory again (a full reset of the model).
    void refresh();

    const RunRecord& recordAt(int row) const;
    QString runDirAt(int row) const;
    QString errorAt(int row) const; ///< empty when the run loaded
    bool isPreviousAt(int row) const;
    int rowOfRunDir(const QString& dir) const; ///< -1 when not listed

    int rowCount(const QModelIndex& parent = QModelIndex()) const override;
    int columnCount(const QModelIndex& parent = QModelIndex()) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    /// Run directories under `root` (absolute, sorted); deepest search 12 levels.
    static QStringList findRunDirectories(const QString& root);

private:
    struct Entry {
        RunRecord record;
        QString error;
        bool previous = false;
    };
    QVariant displayValue(const Entry& entry, int column) const;
    QVariant sortValue(const Entry& entry, int column) const;

    QString m_root;
    std::vector<Entry> m_entries;
};

} // namespace parity::gui
