#include "MainWindow.h"
#include "ScriptedSession.h"
#include "common/ToolTips.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QIcon>

#include <cstdio>

int main(int argc, char** argv)
{
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("ParityWorkbench"));
    QApplication::setApplicationName(QStringLiteral("parity-workbench"));
    QApplication::setApplicationDisplayName(QStringLiteral("Parity Workbench"));
    QApplication::setApplicationVersion(QStringLiteral(PARITY_VERSION));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/parity-workbench.png")));
    parity::gui::wrapLongToolTips(&app);

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Train parity models: configure, run, watch, inspect, compare."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption config(QStringLiteral("config"),
                                    QStringLiteral("Open this configuration (the JSON parity-train reads)."),
                                    QStringLiteral("FILE"));
    const QCommandLineOption start(QStringLiteral("start"), QStringLiteral("Start the configuration's runs."));
    const QCommandLineOption screenshot(QStringLiteral("screenshot"),
                                        QStringLiteral("When the runs end, save the main window as PNG."),
                                        QStringLiteral("MAIN.png"));
    const QCommandLineOption inspectorShot(QStringLiteral("inspector-screenshot"),
                                           QStringLiteral(
                                               "When the runs end, save the inspector on a validation group as PNG."),
                                           QStringLiteral("INSPECT.png"));
    const QCommandLineOption quit(QStringLiteral("quit-when-done"),
                                  QStringLiteral("Quit when the runs (and screenshots) are done: exit code 0, "
                                                 "or 1 when a run failed."));
    const QCommandLineOption onExisting(QStringLiteral("on-existing-run"),
                                        QStringLiteral("With --start, a run already in a run's directory is "
                                                       "resumed where possible (resume) or moved into previous-* "
                                                       "(fresh, the default)."),
                                        QStringLiteral("resume|fresh"));
    const QCommandLineOption windowSize(QStringLiteral("window-size"),
                                        QStringLiteral("The window's size, e.g. 1280x800."), QStringLiteral("WxH"));
    const QCommandLineOption openTab(QStringLiteral("open-tab"),
                                     QStringLiteral("Show this tab (and take the main screenshot of it): training, "
                                                    "inspector, runs or serving."),
                                     QStringLiteral("TAB"));
    const QCommandLineOption compareRuns(
        QStringLiteral("compare-runs"),
        QStringLiteral("When the runs end, compare every run of the save directory in the Runs tab and show the "
                       "learning curves (curves) or the served accuracy (served)."),
        QStringLiteral("curves|served"));
    const QCommandLineOption serve(
        QStringLiteral("serve"),
        QStringLiteral("When the runs end, show the Serving tab on the configuration's run and simulate it at the "
                       "default settings (simulate) or sweep the load (sweep)."),
        QStringLiteral("simulate|sweep"));
    parser.addOptions(
        {config, start, screenshot, inspectorShot, quit, onExisting, windowSize, openTab, compareRuns, serve});
    parser.process(app);

    parity::gui::ScriptedSession::Options options;
    options.config = parser.value(config);
    options.start = parser.isSet(start);
    options.screenshot = parser.value(screenshot);
    options.inspectorScreenshot = parser.value(inspectorShot);
    options.quitWhenDone = parser.isSet(quit);
    options.onExistingRun = parser.value(onExisting);
    options.openTab = parser.value(openTab);
    options.compareRuns = parser.value(compareRuns);
    options.serve = parser.value(serve);
    if (parser.isSet(windowSize)) {
        const QStringList wh = parser.value(windowSize).split(QLatin1Char('x'));
        bool okW = false, okH = false;
        options.windowSize = wh.size() == 2 ? QSize(wh[0].toInt(&okW), wh[1].toInt(&okH)) : QSize();
        if (!okW || !okH || options.windowSize.width() < 1 || options.windowSize.height() < 1) {
            std::fprintf(stderr, "error: --window-size takes WIDTHxHEIGHT (e.g. 1280x800), not '%s'\n",
                         qPrintable(parser.value(windowSize)));
            return 2;
        }
    }
    const bool scripted = options.start || options.quitWhenDone || !options.screenshot.isEmpty()
                          || !options.compareRuns.isEmpty() || !options.inspectorScreenshot.isEmpty()
                          || !options.serve.isEmpty();

    parity::gui::MainWindow window;
    window.setInteractive(!scripted);
    window.show();
    auto* session = new parity::gui::ScriptedSession(&window, options);
    if (!session->begin() && options.quitWhenDone)
        return 1;
    return app.exec();
}
