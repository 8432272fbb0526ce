#pragma once
#include "common/RunRecord.h"
#include "slurm/SlurmJobTracker.h"

#include <QWidget>

namespace parity::gui {

class RunController;
class RunBrowser;

/// The runs under the current save directory (the CLI's included): open one
/// in the plots and the inspector, overlay several, export their metrics.
/// Rescans when a run of this workbench ends.
class RunsPage : public QWidget {
    Q_OBJECT
public:
    explicit RunsPage(RunController* controller, QWidget* parent = nullptr);

    RunBrowser* browser() const { return m_browser; }
    void setSaveDir(const QString& dir);
    void refresh();
    /// Saves the comparison plot (PNG or PDF by suffix).
    bool exportPlot(const QString& path, QString* error);

Q_SIGNALS:
    void runOpened(const parity::gui::RunRecord& record);
    /// Slurm tasks were cancelled (or refused) from the browser.
    void slurmTasksCancelled(const parity::gui::CancelOutcome& outcome);

private:
    RunBrowser* m_browser;
};

} // namespace parity::gui
