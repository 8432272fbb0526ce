#pragma once
#include "plots/LivePlot.h"

#include <map>
#include <set>

class QCheckBox;
class QComboBox;
class QCPItemStraightLine;
class QCPItemText;

namespace parity::gui {

/// Accuracy per epoch (x = epoch + 1) of each split (train, val, test; one
/// colour each) and kind (reconstruction: solid, overall: dashed), for top-1
/// (circles) and one chosen top-n (squares; n from the data, default 5).
/// Series are named "<split> <kind> top-<n>", e.g. "val reconstruction top-1".
/// The base model's accuracies are horizontal reference lines labelled
/// "base test 0.8947": the ceiling for overall accuracy.
/// Toolbar check boxes choose the splits, kinds and metrics in the plot and
/// the legend, a list beside the axes (LegendList) that scrolls when its rows
/// outgrow the height; a row's box hides or shows its single series.
///
/// A run scored with several numbers e of missing predictions (r > 1 or a
/// Berrut code; keys "<kind>_top<n>_e<e>", docs/CODES.md) gets one curve per
/// e: every name ends in " e=<e>", the colour darkens with e, and an "e=<e>"
/// check box per e joins the toolbar.
///
/// A localization run (its epochs carry "localization_acc" and the other
/// LocalizationMetrics keys, no top-n) is shown in the same slots:
/// reconstruction / overall become reconstruction / localization, top-1 the
/// accuracy at IoU >= 0.75 ("val localization acc") and top-n the mean IoU
/// ("val mean IoU", "val mean reconstruction IoU").
class AccuracyPlot : public LivePlot {
    Q_OBJECT
public:
    static constexpr int kDefaultTopN = 5;
    /// "train", "val", "test", "reconstruction", "overall", "top-1", "top-n", "base".
    static QStringList filterNames();
    static QString seriesName(const QString& split, const QString& kind, int n);

    explicit AccuracyPlot(QWidget* parent = nullptr);
    ~AccuracyPlot() override;

    void addEpoch(const parity::EpochSummary& summary) override;
    void setBaseAccuracies(const std::vector<parity::BaseAccuracy>& accuracies) override;
    /// The record's epochs and base accuracies.
    void showRecord(const RunRecord& record) override;
    /// Removes epochs and base lines.
    void clear() override;

    /// The n of the top-n series; n must be one the data has (availableTopN) or,
    /// before any data, is taken as the wish for later.
    void setTopN(int n);
    int topN() const { return m_topN; }
    /// The n > 1 for which the epochs so far have "..._top<n>" accuracies.
    std::vector<int> availableTopN() const { return {m_availableN.begin(), m_availableN.end()}; }

    /// Toolbar filters, by the names of filterNames() or "e=<e>".
    void setShown(const QString& filter, bool shown);
    bool isShown(const QString& filter) const;

    /// The numbers of missing predictions the epochs are scored with ({1} for
    /// every r = 1 run).
    std::vector<int> erasedCounts() const { return {m_erased.begin(), m_erased.end()}; }

    /// Whether the epochs shown are a localization run's (see above).
    bool isLocalization() const { return m_localization; }

    /// Labels of the base lines, e.g. "base test 0.8947" (shown or not).
    QStringList baseLineLabels() const;
    int baseLineCount() const { return int(m_baseLines.size()); }

protected:
    void fitAxes() override;

private:
    /// One graph per split x kind x {top-1, top-n}.
    struct Series {
        QCPGraph* graph = nullptr;
        QString split;
        QString kind;
        bool topOne = true;
        int erased = 1;
    };
    struct BaseLine {
        QString split;
        double accuracy = 0;
        QCPItemStraightLine* line = nullptr;
        QCPItemText* label = nullptr;
    };

    void addPoint(const Series& series, const parity::EpochSummary& summary);
    QString nameOf(const Series& series) const;
    void setLocalization(bool on);
    void rebuildTopN();
    void noteAvailableN(const parity::EpochSummary& summary);
    void noteErased(const parity::EpochSummary& summary);
    void addSeries(const QString& split, const QString& kind, bool topOne, int erased);
    void resetErased();
    void refreshTopNCombo();
    void applyFilters();
    void removeBaseLines();
    bool passesFilters(const Series& series) const;

    std::vector<Series> m_series;
    std::vector<BaseLine> m_baseLines;
    std::vector<parity::EpochSummary> m_epochs; ///< to redo the top-n series when n changes
    std::set<int> m_availableN;
    std::set<int> m_erased{1};
    QWidget* m_erasedBox = nullptr; ///< holds the "e=<e>" check boxes (hidden for one e)
    std::map<QString, QCheckBox*> m_filters;
    QComboBox* m_topNCombo;
    int m_topN = kDefaultTopN;
    bool m_localization = false;
};

} // namespace parity::gui
