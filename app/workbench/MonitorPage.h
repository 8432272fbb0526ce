#pragma once
#include "common/RunRecord.h"

#include <QWidget>

class QTabWidget;

namespace parity::gui {

class RunController;
class LossPlot;
class AccuracyPlot;
class ServedAccuracyPlot;

/// The live plots: loss (per batch and per epoch) above, and below in two
/// tabs the accuracy per epoch and the served accuracy (re-read from the
/// run's served_accuracy.csv after every epoch), fed by the controller during
/// a run, or showing a run opened in the browser.
/// Keeps the record of what it shows, for export.
class MonitorPage : public QWidget {
    Q_OBJECT
public:
    explicit MonitorPage(RunController* controller, QWidget* parent = nullptr);

    LossPlot* lossPlot() const { return m_loss; }
    AccuracyPlot* accuracyPlot() const { return m_accuracy; }
    ServedAccuracyPlot* servedPlot() const { return m_served; }
    /// Brings the served-accuracy tab (or the accuracy tab) to the front.
    void showServedTab(bool served);
    /// The run shown: the live one, or the one opened last.
    const RunRecord& record() const { return m_record; }
    void showRecord(const RunRecord& record);
    /// Saves the loss plot as `path` and the accuracy plot next to it
    /// (`<name>-accuracy.<ext>`) and, when the run has it, the served
    /// accuracy (`<name>-served.<ext>`), PNG or PDF by suffix.
    bool exportPlots(const QString& path, QString* error);
    /// Redraws now (scripted screenshots).
    void replotNow();

private:
    void onRunStarted();
    void onQueueChanged();
    void setTitles(const QString& title);

    RunController* m_controller;
    LossPlot* m_loss;
    AccuracyPlot* m_accuracy;
    ServedAccuracyPlot* m_served;
    QTabWidget* m_lowerTabs;
    RunRecord m_record;
};

} // namespace parity::gui
