#pragma once
#include <QObject>
#include <QSize>
#include <QString>

namespace parity::gui {

class MainWindow;

/// The scripted mode used for docs and checks:
///   parity-workbench --config FILE --start --screenshot MAIN.png
///                    --inspector-screenshot INSPECT.png --quit-when-done
///                    [--on-existing-run resume|fresh] [--window-size WxH]
///                    [--open-tab training|inspector|runs|serving]
///                    [--compare-runs curves|served] [--serve simulate|sweep]
/// Without --start, the screenshots show the configuration's run as it is
/// on disk (the inspector opens its best.pth, else current.pth).
/// opens the config, starts it, and when the queue ends saves the main window
/// (plots visible) and the inspector (on a validation group) as PNG, then
/// quits with 0, or 1 when a run failed or a file could not be written.
class ScriptedSession : public QObject {
    Q_OBJECT
public:
    struct Options {
        QString config;
        bool start = false;
        QString screenshot;
        QString inspectorScreenshot;
        bool quitWhenDone = false;
        /// What --start does with a run already in a directory: "fresh"
        /// (default; moved into previous-*) or "resume" (where possible).
        QString onExistingRun;
        /// The window's size (e.g. 1280x800 for the checks on a small screen).
        QSize windowSize;
        /// The tab shown, and in the main screenshot: training (default),
        /// inspector (on the run, group 0 of val, once evaluated) or runs.
        QString openTab;
        /// Once the runs are done: select every run of the save directory in
        /// the Runs tab, compare them and show the learning curves ("curves")
        /// or the served accuracy ("served"); implies --open-tab runs.
        QString compareRuns;
        /// Once the runs are done: the Serving tab on the configuration's run
        /// simulates at its default settings ("simulate") or sweeps the load
        /// ("sweep"); the screenshot follows. Implies --open-tab serving.
        QString serve;
    };

    ScriptedSession(MainWindow* window, Options options);

    /// Opens and starts as asked; false when the config cannot be used.
    bool begin();
    int exitCode() const { return m_exitCode; }

Q_SIGNALS:
    void finished(int exitCode);

private:
    void onQueueFinished(bool ok);
    void takeMainScreenshot();
    void takeInspectorScreenshot();
    void openInspector();
    void compareAllRuns();
    void serveRun();
    QString runDir() const;
    QWidget* tabToShow() const;
    void done();

    MainWindow* m_window;
    Options m_options;
    int m_exitCode = 0;
    bool m_ending = false;
};

} // namespace parity::gui
