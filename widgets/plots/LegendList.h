#pragma once
// A plot's legend as a list beside it, for plots that overlay many runs.
#include <QPointer>
#include <QString>
#include <QWidget>

class QCustomPlot;
class QCPGraph;
class QLabel;
class QListWidget;
class QListWidgetItem;

namespace parity::gui {

/// The legend of a QCustomPlot that overlays runs (ComparePlot,
/// ServedAccuracyPlot), drawn as a list beside the axes instead of inside
/// the plot: QCustomPlot squeezes its own legend's rows into the plot's
/// height, so a dozen runs at 1280x800 overlapped into an unreadable block.
/// Here each graph is one checkable row (its line and marker as the icon,
/// checked while the graph is drawn); the list scrolls when the rows outgrow
/// the height, long names are elided in the middle with the whole name as a
/// tooltip, and the leading " · " parts that every run name shares
/// ("fashion-mnist · base-mlp") are said once above the rows instead of on
/// each. Made for a plot, it takes the plot's own legend off the screen
/// (detachLegend). It lists every graph of the plot (refresh) or the ones a
/// plot's filters let through (setGraphs). A click on a row's box or name toggles it (Space on the current
/// row too). The list takes at most two fifths of its parent's width. The
/// plot's own legend is kept for image exports (savePlotWithLegend).
class LegendList : public QWidget {
    Q_OBJECT
public:
    explicit LegendList(QCustomPlot* plot, QWidget* parent = nullptr);

    /// Rebuilds the rows from the plot's graphs: names, pens, visibility
    /// (the list keeps its scroll position). The first `runs` graphs (all
    /// when negative) are the runs whose shared parts are said once.
    void refresh(int runs = -1);
    /// Rebuilds the rows from `graphs` only, in that order (a plot whose
    /// filters leave some graphs out of its legend); the first `runs` of them
    /// are the runs whose shared parts are said once.
    void setGraphs(const QList<QCPGraph*>& graphs, int runs = 0);
    /// Re-reads whether graph `index` (of the plot) is drawn, for a change made elsewhere.
    void syncRow(int index);
    /// The same for `graph`; nothing if it has no row.
    void syncGraph(const QCPGraph* graph);

    int rowCount() const;
    /// The text a row shows (the graph's name less the shared parts).
    QString rowText(int row) const;
    bool isRowChecked(int row) const;
    /// The line above the rows naming the parts all runs share ("All runs: a · b"); empty if none.
    QString sharedText() const;
    QListWidget* list() const { return m_list; }

    /// The leading " · "-separated parts that all `names` share, with the
    /// trailing separator ("a · b · "); empty unless there are at least two
    /// names, they share at least one part and each keeps a part of its own.
    static QString sharedPrefix(const QStringList& names);

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

Q_SIGNALS:
    /// The user checked or unchecked the row of graph `index` (of the plot) ...
    void visibilityToggled(int index, bool visible);
    /// ... which is `graph`.
    void graphToggled(QCPGraph* graph, bool visible);

private:
    void onItemChanged(QListWidgetItem* item);

    QCustomPlot* m_plot = nullptr;
    QList<QPointer<QCPGraph>> m_graphs; // the graph of each row (null once the plot removed it)
    QLabel* m_shared = nullptr;
    QListWidget* m_list = nullptr;
    int m_textWidth = 0;     // the widest row's text, for sizeHint
    int m_pressedState = -1; // the pressed row's check state, to tell a click on its name
};

} // namespace parity::gui
