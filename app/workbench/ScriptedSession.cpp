#include "ScriptedSession.h"

#include "InspectorPage.h"
#include "MainWindow.h"
#include "MonitorPage.h"
#include "RunController.h"
#include "RunPanel.h"
#include "RunsPage.h"
#include "browser/RunBrowser.h"
#include "form/ExperimentForm.h"
#include "serve/ServingView.h"
#include "io/RunDirectory.h"

#include <QApplication>
#include <QDir>
#include <QTabWidget>
#include <QTimer>

#include <cstdio>

namespace parity::gui {

ScriptedSession::ScriptedSession(MainWindow* window, Options options)
    : QObject(window)
    , m_window(window)
    , m_options(std::move(options))
{
}

bool ScriptedSession::begin()
{
    if (!m_options.config.isEmpty() && !m_window->openConfig(m_options.config)) {
        m_exitCode = 1;
        return false;
    }
    if (m_options.onExistingRun == QLatin1String("resume"))
        m_window->runPanel()->setExistingRunPolicy(RunPanel::ExistingRunPolicy::Resume);
    else if (m_options.onExistingRun == QLatin1String("fresh"))
        m_window->runPanel()->setExistingRunPolicy(RunPanel::ExistingRunPolicy::Fresh);
    else if (!m_options.onExistingRun.isEmpty()) {
        std::fprintf(stderr, "error: --on-existing-run takes resume or fresh, not '%s'\n",
                     qPrintable(m_options.onExistingRun));
        m_exitCode = 1;
        return false;
    }
    static const QStringList kTabs = {QString(), QStringLiteral("training"), QStringLiteral("inspector"),
                                      QStringLiteral("runs"), QStringLiteral("serving")};
    if (!kTabs.contains(m_options.openTab)) {
        std::fprintf(stderr, "error: --open-tab takes training, inspector, runs or serving, not '%s'\n",
                     qPrintable(m_options.openTab));
        m_exitCode = 1;
        return false;
    }
    if (!m_options.compareRuns.isEmpty() && m_options.compareRuns != QLatin1String("curves")
        && m_options.compareRuns != QLatin1String("served")) {
        std::fprintf(stderr, "error: --compare-runs takes curves or served, not '%s'\n",
                     qPrintable(m_options.compareRuns));
        m_exitCode = 1;
        return false;
    }
    if (!m_options.serve.isEmpty() && m_options.serve != QLatin1String("simulate")
        && m_options.serve != QLatin1String("sweep")) {
        std::fprintf(stderr, "error: --serve takes simulate or sweep, not '%s'\n", qPrintable(m_options.serve));
        m_exitCode = 1;
        return false;
    }
    if (!m_options.serve.isEmpty() && m_options.openTab.isEmpty())
        m_options.openTab = QStringLiteral("serving");
    if (!m_options.compareRuns.isEmpty() && m_options.openTab.isEmpty())
        m_options.openTab = QStringLiteral("runs");
    if (m_options.windowSize.isValid())
        m_window->resize(m_options.windowSize);
    if (!m_options.openTab.isEmpty())
        m_window->tabs()->setCurrentWidget(tabToShow());
    connect(m_window->controller(), &RunController::queueFinished, this, &ScriptedSession::onQueueFinished);
    if (m_options.start) {
        if (!m_window->runPanel()->start()) {
            std::fprintf(stderr, "error: the configuration cannot start\n");
            m_exitCode = 1;
            return false;
        }
    } else if (!m_options.screenshot.isEmpty() || !m_options.inspectorScreenshot.isEmpty() || m_options.quitWhenDone
               || !m_options.compareRuns.isEmpty() || !m_options.serve.isEmpty()) {
        // Nothing to wait for: take the pictures once the window is shown.
        QTimer::singleShot(500, this, [this] { onQueueFinished(true); });
    }
    return true;
}

void ScriptedSession::onQueueFinished(bool ok)
{
    if (m_ending)
        return;
    m_ending = true;
    if (!ok)
        m_exitCode = 1;
    if (!m_options.inspectorScreenshot.isEmpty() || m_options.openTab == QLatin1String("inspector")) {
        openInspector(); // asynchronous: the pictures follow once a group is on screen
        return;
    }
    if (!m_options.compareRuns.isEmpty()) {
        compareAllRuns(); // asynchronous: the picture follows the scan of the save directory
        return;
    }
    if (!m_options.serve.isEmpty()) {
        serveRun(); // asynchronous: the picture follows the simulation
        return;
    }
    takeMainScreenshot();
    done();
}

QString ScriptedSession::runDir() const
{
    const QString current = m_window->controller()->currentRunDir();
    if (!current.isEmpty())
        return current;
    return QString::fromStdString(parity::RunDirectory::of(m_window->runPanel()->form()->config()).path());
}

QWidget* ScriptedSession::tabToShow() const
{
    if (m_options.openTab == QLatin1String("inspector"))
        return m_window->inspectorPage();
    if (m_options.openTab == QLatin1String("runs"))
        return m_window->runsPage();
    if (m_options.openTab == QLatin1String("serving"))
        return m_window->servingView();
    return m_window->monitorPage();
}

void ScriptedSession::openInspector()
{
    InspectorPage* page = m_window->inspectorPage();
    if (m_options.openTab == QLatin1String("inspector"))
        m_window->tabs()->setCurrentWidget(page);
    connect(page, &InspectorPage::groupReady, this, [this] {
        // Nested layouts (the scroll area around the panels) settle over a
        // few event-loop turns: the pictures show them as a user sees them.
        QTimer::singleShot(300, this, [this] {
            QApplication::processEvents();
            takeMainScreenshot();
            takeInspectorScreenshot();
            done();
        });
    });
    connect(page, &InspectorPage::failed, this, [this](const QString& message) {
        std::fprintf(stderr, "error: inspector: %s\n", qPrintable(message));
        m_exitCode = 1;
        takeMainScreenshot();
        done();
    });
    page->openRun(runDir(), QStringLiteral("val"), 0);
}

void ScriptedSession::compareAllRuns()
{
    RunBrowser* browser = m_window->runsPage()->browser();
    connect(
        browser, &RunBrowser::runsScanned, this,
        [this, browser](int count) {
            QList<int> rows;
            for (int row = 0; row < count; ++row)
                rows << row;
            browser->selectRows(rows);
            if (browser->compareSelected() == 0) {
                std::fprintf(stderr, "error: no run to compare in %s\n", qPrintable(browser->root()));
                m_exitCode = 1;
            }
            browser->plotTabs()->setCurrentIndex(m_options.compareRuns == QLatin1String("served") ? 1 : 0);
            QTimer::singleShot(300, this, [this] {
                QApplication::processEvents();
                takeMainScreenshot();
                done();
            });
        },
        Qt::SingleShotConnection);
    browser->refresh(); // the runs as they are now, this session's included
}

void ScriptedSession::serveRun()
{
    ServingView* view = m_window->servingView();
    m_window->tabs()->setCurrentWidget(view);
    view->setRunDir(runDir());
    connect(
        view, &ServingView::finished, this,
        [this, view](bool ok) {
            if (!ok) {
                std::fprintf(stderr, "error: serving: %s\n", qPrintable(view->note()));
                m_exitCode = 1;
            }
            QTimer::singleShot(300, this, [this] {
                QApplication::processEvents();
                takeMainScreenshot();
                done();
            });
        },
        Qt::SingleShotConnection);
    if (!(m_options.serve == QLatin1String("sweep") ? view->sweepLoad() : view->simulate())) {
        std::fprintf(stderr, "error: serving: nothing to simulate\n");
        m_exitCode = 1;
        takeMainScreenshot();
        done();
    }
}

void ScriptedSession::takeMainScreenshot()
{
    if (m_options.screenshot.isEmpty())
        return;
    m_window->tabs()->setCurrentWidget(tabToShow());
    m_window->monitorPage()->replotNow();
    QApplication::processEvents();
    if (!m_window->grab().save(m_options.screenshot)) {
        std::fprintf(stderr, "error: %s: could not be written\n", qPrintable(m_options.screenshot));
        m_exitCode = 1;
    }
}

void ScriptedSession::takeInspectorScreenshot()
{
    if (m_options.inspectorScreenshot.isEmpty())
        return;
    QString error;
    if (!m_window->inspectorPage()->exportImage(m_options.inspectorScreenshot, &error)) {
        std::fprintf(stderr, "error: %s\n", qPrintable(error));
        m_exitCode = 1;
    }
}

void ScriptedSession::done()
{
    Q_EMIT finished(m_exitCode);
    if (m_options.quitWhenDone)
        QTimer::singleShot(0, qApp, [code = m_exitCode] { QCoreApplication::exit(code); });
}

} // namespace parity::gui
