#include "RunsPage.h"

#include "RunController.h"
#include "browser/ComparePlot.h"
#include "browser/RunBrowser.h"

#include <QDir>
#include <QSettings>
#include <QVBoxLayout>

namespace parity::gui {

RunsPage::RunsPage(RunController* controller, QWidget* parent)
    : QWidget(parent)
    , m_browser(new RunBrowser)
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_browser);
    connect(m_browser, &RunBrowser::runOpened, this, &RunsPage::runOpened);
    connect(m_browser, &RunBrowser::tasksCancelled, this, &RunsPage::slurmTasksCancelled);
    connect(controller, &RunController::runFailed, this, &RunsPage::refresh);
    // The save directories shown before stay reachable across sessions.
    m_browser->setRecentRoots(QSettings().value(QStringLiteral("runs/recentRoots")).toStringList());
    connect(m_browser, &RunBrowser::recentRootsChanged, this,
            [](const QStringList& roots) { QSettings().setValue(QStringLiteral("runs/recentRoots"), roots); });
}

void RunsPage::setSaveDir(const QString& dir)
{
    const QString absolute = QDir(dir).absolutePath();
    if (absolute != m_browser->root())
        m_browser->setRoot(absolute);
}

void RunsPage::refresh() { m_browser->refresh(); }

bool RunsPage::exportPlot(const QString& path, QString* error)
{
    return m_browser->comparePlot()->exportImage(path, error);
}

} // namespace parity::gui
