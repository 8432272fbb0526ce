#pragma once
#include "common/RunRecord.h"
#include "events/TrainingEvents.h"

#include <QStringList>
#include <QWidget>

#include <vector>

class QCustomPlot;
class QCPGraph;
class QCPItemText;
class QCPTextElement;
class QHBoxLayout;
class QLabel;

namespace parity::gui {

class FlowLayout;
class LegendList;
class PlotInteractor;
class RedrawThrottle;

/// What LossPlot and AccuracyPlot share: a QCustomPlot under a small toolbar
/// (subclasses add their controls, then "Reset view" and the hover read-out
/// follow), redraws through a RedrawThrottle, zoom/pan, legend toggles and
/// hover read-out through a PlotInteractor, and axes that follow new data
/// until the user drags or zooms ("Reset view" follows again).
/// Series are QCPGraphs, found by their legend name.
class LivePlot : public QWidget {
    Q_OBJECT
public:
    explicit LivePlot(QWidget* parent = nullptr);
    ~LivePlot() override;

    /// Live events (the main window may feed every plot the same stream).
    virtual void addBatch(const parity::BatchStats& stats) {}
    virtual void addEpoch(const parity::EpochSummary& summary) = 0;
    virtual void setBaseAccuracies(const std::vector<parity::BaseAccuracy>& accuracies) {}
    /// Replaces the contents with a finished (or loaded) run.
    virtual void showRecord(const RunRecord& record) = 0;
    /// Removes all data; the series themselves and the toolbar settings stay.
    virtual void clear() = 0;

    QCustomPlot* customPlot() const { return m_plot; }
    RedrawThrottle* throttle() const { return m_throttle; }
    PlotInteractor* interactor() const { return m_interactor; }
    int redrawCount() const;

    /// The legend beside the plot when it is a list (useLegendList), else nullptr.
    LegendList* legendList() const { return m_legendList; }

    /// PNG or PDF by suffix (savePlot), without the hover read-out; with the
    /// legend beside the axes when the screen shows it as a list.
    bool exportImage(const QString& path, QString* error = nullptr);
    /// A line above the axes naming the run (e.g. its RunConfig::shortTitle()).
    void setTitle(const QString& title);
    QString title() const;
    /// Redraws at once, with the axes fitted to the data when following it
    /// (a screenshot must not show the axes of an earlier redraw).
    void redrawNow();

    /// Legend names of all series, in legend order.
    QStringList seriesNames() const;
    /// The series named `name`, or nullptr.
    QCPGraph* series(const QString& name) const;
    /// Number of points of the series (as displayed: one per raw point), -1 if unknown.
    int pointCount(const QString& name) const;
    /// As a click on the legend entry does; false if there is no such series.
    bool setSeriesVisible(const QString& name, bool visible);
    bool isSeriesVisible(const QString& name) const;

    /// Hover read-out as if the mouse were at `pos` (plot widget pixels); "" if no point is near.
    QString readoutAt(const QPoint& pos);
    QString readout() const;

    /// True while the axes follow new data (until the user drags or zooms).
    bool isFollowingData() const { return m_follow; }

    /// The note drawn over the axes while no series has a point (what will
    /// appear there, and when); empty once one has.
    QString emptyNote() const;

public Q_SLOTS:
    /// Rescales the axes to the visible data and follows new data again.
    void resetView();

Q_SIGNALS:
    void readoutChanged(const QString& text);

protected:
    /// Fits the axes to the visible data (called before a redraw while following).
    virtual void fitAxes() = 0;
    /// Toolbar layout for the subclass's controls (left of "Reset view").
    FlowLayout* toolbar() const { return m_toolbar; }
    /// Call after adding data: redraw soon (and refit while following).
    void dataChanged();
    /// Adds "Reset view" and the read-out label; call once the subclass's controls are in.
    void finishToolbar();
    /// Shows the legend as a LegendList right of the plot instead of
    /// QCustomPlot's own column, for plots with more entries than their
    /// height holds (the list scrolls). Unchecking a row hides its series as
    /// a legend click does (PlotInteractor::setUserHidden); the subclass says
    /// which series are listed (LegendList::setGraphs or refresh). Call once,
    /// by the constructor.
    LegendList* useLegendList();
    /// The note for empty axes (see emptyNote()); set once, by the constructor ...
    void setEmptyNote(const QString& text);
    /// ... and its text changed later, for a run that will draw nothing here.
    void setEmptyNoteText(const QString& text);

private:
    /// Shows the empty note exactly while no series has a point.
    void updateEmptyNote();

    QCustomPlot* m_plot;
    RedrawThrottle* m_throttle;
    PlotInteractor* m_interactor;
    FlowLayout* m_toolbar;
    QHBoxLayout* m_plotRow;
    LegendList* m_legendList = nullptr;
    QCPTextElement* m_title = nullptr;
    QLabel* m_readoutLabel = nullptr;
    QCPItemText* m_emptyNote = nullptr;
    bool m_follow = true;
};

} // namespace parity::gui
