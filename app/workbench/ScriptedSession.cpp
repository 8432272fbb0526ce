#include "ScriptedSession.h"

#include "InspectorPage.h"
#include "MainWindow.h"
#include "MonitorPage.h"
#include "RunController.h"
#include "RunPanel.h"

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
    connect(m_window->controller(), &RunController::queueFinished, this, &ScriptedSession::onQueueFinished);
    if (m_options.start) {
        if (!m_window->runPanel()->start()) {
            std::fprintf(stderr, "error: the configuration cannot start\n");
            m_exitCode = 1;
            return false;
        }
    } else if (!m_options.screenshot.isEmpty() || !m_options.inspectorScreenshot.isEmpty() || m_options.quitWhenDone) {
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
    takeMainScreenshot();
    if (!m_options.inspectorScreenshot.isEmpty()) {
        takeInspectorScreenshot(); // asynchronous: loads the best checkpoint first
        return;
    }
    done();
}

void ScriptedSession::takeMainScreenshot()
{
    if (m_options.screenshot.isEmpty())
        return;
    m_window->tabs()->setCurrentWidget(m_window->monitorPage());
    m_window->monitorPage()->replotNow();
    QApplication::processEvents();
    if (!m_window->grab().save(m_options.screenshot)) {
        std::fprintf(stderr, "error: %s: could not be written\n", qPrintable(m_options.screenshot));
        m_exitCode = 1;
    }
}

void ScriptedSession::takeInspectorScreenshot()
{
    InspectorPage* page = m_window->inspectorPage();
    m_window->tabs()->setCurrentWidget(page);
    const QString runDir = m_window->controller()->currentRunDir();
    connect(page, &InspectorPage::groupReady, this, [this, page] {
        QApplication::processEvents();
        QString error;
        if (!page->exportImage(m_options.inspectorScreenshot, &error)) {
            std::fprintf(stderr, "error: %s\n", qPrintable(error));
            m_exitCode = 1;
        }
        done();
    });
    connect(page, &InspectorPage::failed, this, [this](const QString& message) {
        std::fprintf(stderr, "error: inspector: %s\n", qPrintable(message));
        m_exitCode = 1;
        done();
    });
    page->openRun(runDir, QStringLiteral("val"), 0);
}

void ScriptedSession::done()
{
    Q_EMIT finished(m_exitCode);
    if (m_options.quitWhenDone)
        QTimer::singleShot(0, qApp, [code = m_exitCode] { QCoreApplication::exit(code); });
}

} // namespace parity::gui
