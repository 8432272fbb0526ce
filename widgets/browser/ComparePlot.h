#pragma once
// Several runs' learning curves on one plot.
#include "common/RunRecord.h"

#include <QSet>
#include <QString>
#include <QWidget>

#include <vector>

class QComboBox;
class QCPItemText;
class QCustomPlot;
class QPushButton;

namespace parity::gui {

class LegendList;

/// Overlays one metric (split x loss / reconstruction top-n / overall top-n)
/// of several runs, one graph per run named by RunRecord::displayName().
/// Unchecking a run in the legend beside the plot (a LegendList) hides its
/// graph; drag pans, the wheel
/// zooms, "Reset" fits all visible data again.
class ComparePlot : public QWidget {
    Q_OBJECT
public:
    explicit ComparePlot(QWidget* parent = nullptr);

    void setRecords(std::vector<RunRecord> records);
    const std::vector<RunRecord>& records() const { return m_records; }

    /// Selects the curve shown; false when the split or metric is not offered.
    bool setMetric(const QString& split, const QString& metric);
    QString split() const;
    QString currentMetric() const; ///< "loss", "reconstruction_top1", ...
    QStringList availableSplits() const;
    QStringList availableMetrics() const;

    int graphCount() const;
    bool isGraphVisible(int index) const;
    void setGraphVisible(int index, bool visible);

    QCustomPlot* plot() const { return m_plot; }
    LegendList* legend() const { return m_legend; }
    /// PNG or PDF by suffix, the legend beside the axes (savePlotWithLegend).
    bool exportImage(const QString& path, QString* error = nullptr);

    /// "reconstruction_top5" -> "reconstruction top-5".
    static QString metricLabel(const QString& metric);
    /// The note on the empty axes ("" while a curve has a point): which runs
    /// to choose, or that the chosen ones lack this split and metric.
    QString emptyNote() const;
    static QString noRunsText();

public Q_SLOTS:
    void resetView();

private:
    void fillChoosers();
    void rebuildGraphs();
    void onChooserChanged();
    void onExportClicked();

    std::vector<RunRecord> m_records;
    QSet<int> m_hidden; // graph indices the user switched off
    // The curve asked for; kept while records lacking it come and go. By
    // default val reconstruction top-1, the number the best checkpoint follows.
    QString m_wantedSplit = QStringLiteral("val");
    QString m_wantedMetric = QStringLiteral("reconstruction_top1");
    QComboBox* m_split = nullptr;
    QComboBox* m_metric = nullptr;
    QCustomPlot* m_plot = nullptr;
    LegendList* m_legend = nullptr;
    QCPItemText* m_emptyNote = nullptr;
    QPushButton* m_reset = nullptr;
    QPushButton* m_exportButton = nullptr;
};

} // namespace parity::gui
