#include "MainWindow.h"

#include "InspectorPage.h"
#include "MonitorPage.h"
#include "RunController.h"
#include "RunPanel.h"
#include "RunsPage.h"
#include "serve/ServingView.h"
#include "browser/RunBrowser.h"
#include "browser/RunRecordLoader.h"
#include "export/MetricsExport.h"
#include "io/RunDirectory.h"
#include "form/ExperimentForm.h"
#include "run/LogPane.h"
#include "util/BlasStartup.h"
#include "util/MachineReport.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDir>
#include <QDockWidget>
#include <QPalette>
#include <QFileDialog>
#include <QFileInfo>
#include <QJsonDocument>
#include <QKeySequence>
#include <QLabel>
#include <QtConcurrent/QtConcurrentRun>
#include <QFutureWatcher>
#include <QMenuBar>
#include <QMessageBox>
#include <QScreen>

#include <algorithm>
#include <set>
#include <QSettings>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTabWidget>

#include <cstdio>

namespace parity::gui {

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent)
    , m_controller(new RunController(this))
    , m_runPanel(new RunPanel(m_controller))
    , m_log(new LogPane)
    , m_monitor(new MonitorPage(m_controller))
    , m_inspector(new InspectorPage(m_controller))
    , m_runs(new RunsPage(m_controller))
    , m_serving(new ServingView)
    , m_tabs(new QTabWidget)
    , m_machineLabel(new QLabel)
{
    setObjectName(QStringLiteral("MainWindow"));
    setWindowIcon(QIcon(QStringLiteral(":/icons/parity-workbench.png")));
    // Qt 6.4's Fusion palette draws a disabled field's hint darker than
    // disabled text (50% black against #bebebe): the greyed form read as
    // filled in during a run. Hints follow the disabled text instead.
    QPalette palette = QApplication::palette();
    palette.setColor(QPalette::Disabled, QPalette::PlaceholderText, palette.color(QPalette::Disabled, QPalette::Text));
    QApplication::setPalette(palette);
    m_tabs->setObjectName(QStringLiteral("tabs"));
    m_tabs->addTab(m_monitor, tr("&Training"));
    m_tabs->addTab(m_inspector, tr("&Inspector"));
    m_tabs->addTab(m_runs, tr("R&uns"));
    m_tabs->addTab(m_serving, tr("Servin&g"));
    setCentralWidget(m_tabs);

    m_runDock = new QDockWidget(tr("Experiment"), this);
    m_runDock->setObjectName(QStringLiteral("ExperimentDock"));
    m_runDock->setWidget(m_runPanel);
    m_runDock->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable);
    addDockWidget(Qt::LeftDockWidgetArea, m_runDock);
    m_logDock = new QDockWidget(tr("Log"), this);
    m_logDock->setObjectName(QStringLiteral("LogDock"));
    m_logDock->setWidget(m_log);
    addDockWidget(Qt::BottomDockWidgetArea, m_logDock);
    // The experiment panel runs the full height on the left; the log sits
    // under the plots only (issue 13, item 5: the form's essentials fit).
    setCorner(Qt::BottomLeftCorner, Qt::LeftDockWidgetArea);

    connect(m_controller, &RunController::messageLogged, m_log, &LogPane::appendMessage);
    connect(m_controller, &RunController::batchFinished, m_log, &LogPane::noteBatch);
    connect(m_controller, &RunController::splitFinished, m_log, &LogPane::noteSplitFinished);
    connect(m_controller, &RunController::runFailed, this, &MainWindow::reportError);
    connect(m_controller, &RunController::runFailed, this, [this](const QString& message) {
        m_lastEnd = tr("Failed: %1").arg(message.section(QLatin1Char('\n'), 0, 0));
    });
    connect(m_controller, &RunController::runStarted, this, [this](int, const QString& dir) {
        showStatus(tr("Running: %1").arg(dir));
        m_tabs->setCurrentWidget(m_monitor);
    });
    connect(m_controller, &RunController::runFinished, this, [this](const parity::RunSummary& s) {
        const QString dir = QString::fromStdString(s.runDir);
        m_log->appendMessage(stopMessage(s));
        m_lastEnd = s.stopped ? tr("Stopped after epoch %1 of %2: Start offers to resume it")
                                    .arg(s.epochsCompleted)
                                    .arg(m_controller->currentConfig().numEpochs)
                              : tr("Finished; an earlier run of the queue failed: see the queue");
        if (m_controller->currentIsOnlyTest())
            m_log->appendMessage(testTable(s));
        m_runs->refresh();
    });
    connect(m_controller, &RunController::queueFinished, this, [this](bool ok) {
        showStatus(ok ? tr("Finished") : m_lastEnd, 10000);
        if (m_closeRequested)
            close();
    });
    // The Inspector opened with nothing loaded shows the form's run, when it
    // has a checkpoint (issue 13: it used to say "No checkpoint" beside one).
    connect(m_tabs, &QTabWidget::currentChanged, this, [this] {
        if (m_tabs->currentWidget() != m_inspector || m_inspector->hasRun() || m_controller->isBusy())
            return;
        const parity::RunDirectory dir = parity::RunDirectory::of(m_runPanel->form()->config());
        if (dir.hasCheckpoint(parity::CheckpointKind::Best) || dir.hasCheckpoint(parity::CheckpointKind::Current))
            m_inspector->openRun(QString::fromStdString(dir.path()));
    });
    // Serving opened with no run takes the form's, once it has trained models.
    connect(m_tabs, &QTabWidget::currentChanged, this, [this] {
        if (m_tabs->currentWidget() != m_serving || m_serving->hasRun())
            return;
        const parity::RunDirectory dir = parity::RunDirectory::of(m_runPanel->form()->config());
        if (dir.hasCheckpoint(parity::CheckpointKind::Best) || dir.hasCheckpoint(parity::CheckpointKind::Current))
            m_serving->setRunDir(QString::fromStdString(dir.path()));
    });
    connect(m_runPanel, &RunPanel::errorOccurred, this, &MainWindow::reportError);
    connect(m_runPanel, &RunPanel::slurmSubmitted, this, &MainWindow::reportSlurmSubmission);
    connect(m_runs, &RunsPage::slurmTasksCancelled, this, [this](const CancelOutcome& outcome) {
        for (const QString& cancelled : outcome.cancelled)
            m_log->appendMessage(tr("Cancelled %1 on Slurm").arg(cancelled));
        for (const QString& problem : outcome.problems)
            m_log->appendError(tr("Cancelling on Slurm: %1").arg(problem));
    });
    connect(m_runPanel, &RunPanel::configPathChanged, this, &MainWindow::updateTitle);
    connect(m_runs, &RunsPage::runOpened, this, [this](const RunRecord& record) {
        m_monitor->showRecord(record);
        m_inspector->openRun(record.runDir);
        if (!m_serving->isBusy())
            m_serving->setRunDir(record.runDir);
        m_tabs->setCurrentWidget(m_monitor);
    });
    // The browser follows the save directory of what runs (not every keystroke
    // in the form: a half-typed path such as "/" must not be scanned).
    connect(m_controller, &RunController::runStarted, this,
            [this] { m_runs->setSaveDir(QString::fromStdString(m_controller->currentConfig().saveDir)); });

    buildMenus();
    restoreSettings();
    updateTitle();
    showStatus(tr("Ready"));
    showMachine();
}

void MainWindow::showStatus(const QString& text, int timeoutMs)
{
    m_statusText = text;
    m_statusDeadline = timeoutMs > 0 ? QDeadlineTimer(timeoutMs) : QDeadlineTimer(QDeadlineTimer::Forever);
    fitStatus();
}

void MainWindow::fitStatus()
{
    QStatusBar* bar = statusBar();
    if (m_statusDeadline.hasExpired()) {
        bar->clearMessage();
        return;
    }
    // The message gets what the permanent machine line leaves, less the
    // size grip's and the frames' few pixels; a narrow window still shows
    // both ends of it.
    const int room = std::max(80, bar->width() - (m_machineLabel->isVisible() ? m_machineLabel->width() : 0) - 40);
    const QString shown = bar->fontMetrics().elidedText(m_statusText, Qt::ElideMiddle, room);
    bar->setToolTip(shown != m_statusText ? m_statusText : QString());
    m_statusShown = shown;
    const qint64 left = m_statusDeadline.remainingTime(); // -1: forever
    bar->showMessage(shown, left < 0 ? 0 : int(std::max<qint64>(left, 1)));
}

bool MainWindow::eventFilter(QObject* watched, QEvent* event)
{
    // The room for the message changes with the window's width and with the
    // machine line's text (its GEMM rate comes later, off the GUI thread).
    // Only while ours is shown: a status tip or another message in its place
    // is not covered by the old text again.
    if (event->type() == QEvent::Resize && (watched == statusBar() || watched == m_machineLabel)
        && !m_statusText.isEmpty() && statusBar()->currentMessage() == m_statusShown)
        fitStatus();
    return QMainWindow::eventFilter(watched, event);
}

void MainWindow::showMachine()
{
    m_machineLabel->setObjectName(QStringLiteral("machineLabel"));
    m_machineLabel->setText(QString::fromStdString(blas::startupReport().blas.summary()));
    statusBar()->addPermanentWidget(m_machineLabel);
    connect(statusBar(), &QStatusBar::messageChanged, this, [this](const QString& message) {
        if (message.isEmpty()) { // its time is up, or a widget's status tip took its place
            m_statusText.clear();
            statusBar()->setToolTip(QString());
        }
    });
    statusBar()->installEventFilter(this);
    m_machineLabel->installEventFilter(this);
    const std::string warning = blas::startupReport().warning;
    if (!warning.empty())
        m_log->appendError(tr("This machine computes slower than it could: %1").arg(QString::fromStdString(warning)));
    // The GEMM rate takes a few milliseconds of matrix products: not on the GUI thread.
    auto* watcher = new QFutureWatcher<QStringList>(this);
    connect(watcher, &QFutureWatcher<QStringList>::finished, this, [this, watcher] {
        const QStringList texts = watcher->result();
        m_machineLabel->setText(texts.value(0));
        m_machineLabel->setToolTip(texts.value(1));
        m_machineText = texts.value(1);
        watcher->deleteLater();
    });
    watcher->setFuture(QtConcurrent::run([] {
        const ThreadSettings threads = currentThreadSettings();
        return QStringList{QString::fromStdString(machineSummaryLine(threads)),
                           QString::fromStdString(machineText(threads))};
    }));
}

MainWindow::~MainWindow() = default;

void MainWindow::buildMenus()
{
    auto add = [this](QMenu* menu, const QString& text, const QKeySequence& keys, auto slot) {
        QAction* a = menu->addAction(text);
        a->setShortcut(keys);
        connect(a, &QAction::triggered, this, slot);
        return a;
    };
    QMenu* file = menuBar()->addMenu(tr("&File"));
    add(file, tr("&New experiment"), QKeySequence::New, [this] { m_runPanel->newConfig(); });
    add(file, tr("&Open configuration…"), QKeySequence::Open, [this] { openConfigDialog(); });
    add(file, tr("&Save configuration"), QKeySequence::Save, [this] { saveConfigDialog(false); });
    add(file, tr("Save configuration &as…"), QKeySequence::SaveAs, [this] { saveConfigDialog(true); });
    file->addSeparator();
    add(file, tr("Export metrics as &CSV…"), QKeySequence(), [this] { exportMetrics(QStringLiteral("csv")); });
    add(file, tr("Export metrics as &JSON…"), QKeySequence(), [this] { exportMetrics(QStringLiteral("json")); });
    add(file, tr("Export &plot (PNG/PDF)…"), QKeySequence(tr("Ctrl+E")), [this] { exportPlot(); });
    add(file, tr("Export &inspector view (PNG)…"), QKeySequence(tr("Ctrl+Shift+E")), [this] { exportInspector(); });
    file->addSeparator();
    add(file, tr("&Quit"), QKeySequence::Quit, [this] { close(); });

    QMenu* run = menuBar()->addMenu(tr("&Run"));
    QAction* start = add(run, tr("&Start"), QKeySequence(tr("Ctrl+R")), [this] { m_runPanel->start(); });
    QAction* stop = add(run, tr("S&top"), QKeySequence(tr("Ctrl+.")), [this] { m_runPanel->stop(); });
    QAction* resume = add(run, tr("&Resume…"), QKeySequence(tr("Ctrl+Shift+R")),
                          [this] { m_runPanel->chooseResume(); });
    QAction* testOnly = add(run, tr("&Test only…"), QKeySequence(tr("Ctrl+T")),
                            [this] { m_runPanel->chooseTestOnly(); });
    run->addSeparator();
    QAction* slurm = add(run, tr("Submit to S&lurm…"), QKeySequence(), [this] { m_runPanel->submitToSlurm(); });
    run->setToolTipsVisible(true); // why Start or Submit is greyed
    m_runPanel->bindActions(start, stop, resume, testOnly, slurm);

    QMenu* view = menuBar()->addMenu(tr("&View"));
    view->addAction(m_runDock->toggleViewAction());
    view->addAction(m_logDock->toggleViewAction());
    add(view, tr("&Training plots"), QKeySequence(tr("Ctrl+1")), [this] { m_tabs->setCurrentIndex(0); });
    add(view, tr("&Inspector"), QKeySequence(tr("Ctrl+2")), [this] { m_tabs->setCurrentIndex(1); });
    add(view, tr("&Runs"), QKeySequence(tr("Ctrl+3")), [this] { m_tabs->setCurrentIndex(2); });
    add(view, tr("&Serving"), QKeySequence(tr("Ctrl+4")), [this] { m_tabs->setCurrentWidget(m_serving); });

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    add(help, tr("&Getting started"), QKeySequence(QKeySequence::HelpContents), [this] {
        QMessageBox box(this);
        box.setObjectName(QStringLiteral("getting_started"));
        box.setWindowTitle(tr("Getting started"));
        box.setTextFormat(Qt::RichText);
        box.setText(gettingStartedText());
        box.exec();
    });
    add(help, tr("&About Parity Workbench"), QKeySequence(), [this] {
        // Until the GEMM rate is measured (a moment after start), the BLAS line.
        const QString machine = m_machineText.isEmpty()
                                    ? QStringLiteral("  BLAS: ")
                                          + QString::fromStdString(blas::startupReport().blas.summary())
                                    : m_machineText;
        // The report's "  key: value" lines as a table, so that long values wrap.
        QString rows;
        for (const QString& line : machine.split(QLatin1Char('\n'), Qt::SkipEmptyParts)) {
            const int colon = line.indexOf(QLatin1Char(':'));
            if (!line.startsWith(QLatin1Char(' ')) || colon < 0)
                continue;
            rows += QStringLiteral("<tr><td valign=\"top\"><i>%1</i></td><td>%2</td></tr>")
                        .arg(line.left(colon).trimmed().toHtmlEscaped(), line.mid(colon + 1).trimmed().toHtmlEscaped());
        }
        QMessageBox::about(this, tr("About Parity Workbench"),
                           tr("<b>Parity Workbench %1</b><p>Train parity models for learned coded computation: "
                              "F<sub>p</sub>(X<sub>1</sub>+…+X<sub>k</sub>) learns to match "
                              "F(X<sub>1</sub>)+…+F(X<sub>k</sub>).</p><p><b>This machine</b></p>"
                              "<table cellspacing=\"4\">%2</table>")
                               .arg(QStringLiteral(PARITY_VERSION), rows));
    });
}

bool MainWindow::openConfig(const QString& path)
{
    QString error;
    if (!m_runPanel->openConfig(path, &error)) {
        reportError(error);
        return false;
    }
    m_runs->setSaveDir(QString::fromStdString(m_runPanel->form()->config().saveDir));
    const int runs = m_controller->queue()->size();
    m_log->appendMessage(runs == 1 ? tr("Opened %1 (1 run)").arg(path) : tr("Opened %1 (%2 runs)").arg(path).arg(runs));
    QSettings().setValue(QStringLiteral("lastConfigDir"), QFileInfo(path).absolutePath());
    return true;
}

QString MainWindow::stopMessage(const parity::RunSummary& s) const
{
    const QString dir = QString::fromStdString(s.runDir);
    if (!s.stopped)
        return tr("Results: %1").arg(dir);
    const int numEpochs = m_controller->currentConfig().numEpochs;
    if (s.epochsCompleted > 0)
        return tr("Stopped after epoch %1 of %2. Its checkpoint and results are in %3; Start offers to resume it.")
            .arg(s.epochsCompleted)
            .arg(numEpochs)
            .arg(dir);
    // No epoch ended: say what the directory holds now (issue 13, item 8).
    const parity::ExistingRun there = parity::RunDirectory(s.runDir).existingRun(m_controller->currentConfig());
    if (there.present && there.status == "stopped" && there.epochsCompleted == 0)
        return tr("Stopped before the first epoch ended: no checkpoint was written. An earlier run in %1, if "
                  "there was one, is in its previous-* folder.")
            .arg(dir);
    return tr("Stopped before the run wrote anything: %1 holds what it held before.").arg(dir);
}

void MainWindow::fitToScreen()
{
    const QScreen* s = screen();
    if (!s)
        return;
    const QRect available = s->availableGeometry();
    // The frame (title bar, borders) comes on top of the window's own size.
    const QSize frame = frameGeometry().size() - size();
    const QSize room = (available.size() - frame).expandedTo(minimumSizeHint());
    if (width() > room.width() || height() > room.height())
        resize(size().boundedTo(room));
    QRect placed = frameGeometry();
    if (!available.contains(placed)) {
        placed.moveRight(std::min(placed.right(), available.right()));
        placed.moveBottom(std::min(placed.bottom(), available.bottom()));
        placed.moveLeft(std::max(placed.left(), available.left()));
        placed.moveTop(std::max(placed.top(), available.top()));
        move(placed.topLeft());
    }
}

QSize MainWindow::firstStartSize(const QSize& available)
{
    // Most of a large screen, leaving a margin around the window; on a
    // small one fitToScreen() then shrinks it to the screen.
    const int width = std::clamp(available.width() * 9 / 10, 1400, 1800);
    const int height = std::clamp(available.height() * 9 / 10, 900, 1200);
    return QSize(width, height);
}

int MainWindow::firstStartFormWidth(int windowWidth, int hint)
{
    // A quarter of a wide window, so that the form's longer choices and hints
    // ("Bundled or cached, else train") read whole at 1920x1080; never below
    // what the form asks for, never so wide that the plots lose their room.
    return std::clamp(windowWidth / 4, hint, std::max(hint, 480));
}

void MainWindow::setInteractive(bool interactive)
{
    m_interactive = interactive;
    m_runPanel->setExistingRunPolicy(interactive ? RunPanel::ExistingRunPolicy::Ask
                                                 : RunPanel::ExistingRunPolicy::Fresh);
}

void MainWindow::reportError(const QString& message)
{
    m_log->appendError(message);
    showStatus(message.section(QLatin1Char('\n'), 0, 0), 15000);
    if (!m_interactive) {
        std::fprintf(stderr, "error: %s\n", message.toLocal8Bit().constData());
        return;
    }
    auto* box = new QMessageBox(QMessageBox::Warning, tr("Parity Workbench"), message, QMessageBox::Ok, this);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open(); // not exec(): the queue and the plots go on
}

void MainWindow::reportSlurmSubmission(const SlurmSubmission& s)
{
    const QString runs = s.runs == 1 ? tr("1 run") : tr("%1 runs").arg(s.runs);
    const QString text =
        s.dryRun ? tr("Wrote a Slurm sweep of %1 to %2; nothing was submitted. Its batch script: %3")
                       .arg(runs, s.sweepDir, s.script)
                 : tr("Submitted %1 to Slurm as job %2; the sweep's files are in %3.").arg(runs, s.jobId, s.sweepDir);
    m_log->appendMessage(text);
    showStatus(s.dryRun ? tr("Wrote %1").arg(s.script) : tr("Submitted Slurm job %1").arg(s.jobId), 10000);
    // The Runs tab follows the sweep's tasks from now on.
    m_runs->setSaveDir(s.saveDir);
    m_runs->refresh(); // the save directory may be new: scan it, and ask Slurm
    if (!m_interactive)
        return;
    auto* box = new QMessageBox(QMessageBox::Information, tr("Submit to Slurm"),
                                s.dryRun ? tr("The sweep was written; nothing was submitted.")
                                         : tr("Submitted as Slurm job %1.").arg(s.jobId),
                                QMessageBox::Ok, this);
    box->setObjectName(QStringLiteral("slurm_submitted"));
    box->setInformativeText(s.dryRun
                                ? tr("Its directory: %1\nIts batch script: %2").arg(s.sweepDir, s.script)
                                : tr("Its directory: %1\nThe Runs tab shows the state of its tasks.").arg(s.sweepDir));
    box->setTextInteractionFlags(Qt::TextSelectableByMouse);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
}

void MainWindow::openConfigDialog()
{
    const QString dir = QSettings().value(QStringLiteral("lastConfigDir"), QDir::currentPath()).toString();
    const QString path = QFileDialog::getOpenFileName(this, tr("Open configuration"), dir,
                                                      tr("Configurations (*.json);;All files (*)"));
    if (!path.isEmpty())
        openConfig(path);
}

void MainWindow::saveConfigDialog(bool askPath)
{
    QString path = m_runPanel->configPath();
    if (askPath || path.isEmpty()) {
        const QString dir = QSettings().value(QStringLiteral("lastConfigDir"), QDir::currentPath()).toString();
        path = QFileDialog::getSaveFileName(this, tr("Save configuration"), QDir(dir).filePath("experiment.json"),
                                            tr("Configurations (*.json)"));
        if (path.isEmpty())
            return;
    }
    QString error;
    if (!m_runPanel->saveConfig(path, &error))
        reportError(error);
    else
        showStatus(tr("Saved %1").arg(path), 5000);
}

std::vector<RunRecord> MainWindow::runsToExport(QString* error) const
{
    // Exports carry the runs' recorded values and provenance, read back from
    // their directories: the runs selected in the Runs tab when it is shown,
    // else the run the Training tab shows (issue 13, item 4).
    std::vector<RunRecord> records;
    if (m_tabs->currentWidget() == m_runs && !m_runs->browser()->selectedRows().isEmpty()) {
        records = m_runs->browser()->selectedRecords();
        if (records.empty())
            *error = tr("None of the selected runs could be read: %1").arg(m_runs->browser()->statusText());
        return records;
    }
    const QString runDir = m_monitor->record().runDir;
    RunRecord record;
    if (runDir.isEmpty() || !RunRecordLoader::load(runDir, &record, error) || record.epochs.empty()) {
        if (error->isEmpty())
            *error = tr("No metrics to export yet: run an experiment, or select runs in the Runs tab.");
        return {};
    }
    records.push_back(record);
    return records;
}

bool MainWindow::exportMetricsTo(const QString& path, QString* error)
{
    const std::vector<RunRecord> records = runsToExport(error);
    if (records.empty())
        return false;
    const bool json = QFileInfo(path).suffix().compare(QLatin1String("json"), Qt::CaseInsensitive) == 0;
    if (!(json ? writeMetricsJson(records, path, error) : writeMetricsCsv(records, path, error)))
        return false;
    showStatus(records.size() == 1 ? tr("Exported %1").arg(path)
                                   : tr("Exported %1 runs to %2").arg(records.size()).arg(path),
               5000);
    return true;
}

void MainWindow::exportMetrics(const QString& format)
{
    QString error;
    const std::vector<RunRecord> records = runsToExport(&error);
    if (records.empty()) {
        reportError(error);
        return;
    }
    const QString suggested = records.size() == 1
                                  ? QDir(records.front().runDir).filePath("metrics-export." + format)
                                  : QDir::home().filePath(metricsFileStem(records) + QLatin1Char('.') + format);
    const QString path = QFileDialog::getSaveFileName(this, tr("Export metrics"), suggested,
                                                      format == QLatin1String("csv") ? tr("CSV (*.csv)")
                                                                                     : tr("JSON (*.json)"));
    if (!path.isEmpty() && !exportMetricsTo(path, &error))
        reportError(error);
}

void MainWindow::exportPlot()
{
    QString error;
    const QString path = QFileDialog::getSaveFileName(this, tr("Export plot"), QDir::currentPath(),
                                                      tr("PNG image (*.png);;PDF document (*.pdf)"));
    if (path.isEmpty())
        return;
    const bool ok = m_tabs->currentWidget() == m_runs ? m_runs->exportPlot(path, &error)
                                                      : m_monitor->exportPlots(path, &error);
    if (!ok)
        reportError(error);
    else
        showStatus(tr("Exported %1").arg(path), 5000);
}

void MainWindow::exportInspector()
{
    const QString path = QFileDialog::getSaveFileName(this, tr("Export inspector view"), QDir::currentPath(),
                                                      tr("PNG image (*.png)"));
    if (path.isEmpty())
        return;
    QString error;
    if (!m_inspector->exportImage(path, &error))
        reportError(error);
}

void MainWindow::updateTitle()
{
    const QString path = m_runPanel->configPath();
    setWindowTitle(path.isEmpty() ? tr("Parity Workbench")
                                  : tr("%1 — Parity Workbench").arg(QFileInfo(path).fileName()));
}

void MainWindow::restoreSettings()
{
    QSettings settings;
    if (!restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray()))
        resize(firstStartSize(screen() ? screen()->availableGeometry().size() : QSize(1400, 900)));
    const bool firstStart = !restoreState(settings.value(QStringLiteral("window/state")).toByteArray());
    fitToScreen(); // a geometry saved on a larger screen, or the default on a small one
    if (firstStart) {
        resizeDocks({m_logDock}, {160}, Qt::Vertical);
        resizeDocks({m_runDock}, {firstStartFormWidth(width(), m_runDock->sizeHint().width())}, Qt::Horizontal);
    }
    m_tabs->setCurrentIndex(settings.value(QStringLiteral("window/tab"), 0).toInt());
    // The last experiment comes back; the very first start gets the defaults,
    // with results under the user's documents.
    const QByteArray last = settings.value(QStringLiteral("experiment")).toByteArray();
    parity::RunConfig config;
    bool restored = false;
    if (!last.isEmpty()) {
        try {
            config = parity::RunConfig::fromJson(nlohmann::json::parse(last.toStdString()));
            restored = true;
        } catch (const std::exception&) {
            restored = false; // a settings file from another version: start from the defaults
        }
    }
    if (!restored) {
        config = parity::RunConfig{};
        config.saveDir = (QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation)
                          + QStringLiteral("/parity-workbench"))
                             .toStdString();
    }
    m_runPanel->form()->setConfig(config);
    m_runs->setSaveDir(QString::fromStdString(config.saveDir));
}

void MainWindow::saveSettings() const
{
    QSettings settings;
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("window/state"), saveState());
    settings.setValue(QStringLiteral("window/tab"), m_tabs->currentIndex());
    settings.setValue(QStringLiteral("experiment"),
                      QByteArray::fromStdString(m_runPanel->form()->config().toJson().dump()));
}

QString MainWindow::testTable(const parity::RunSummary& s)
{
    // The test-only result as a table (issue 13, item 12): a row per n,
    // reconstruction and overall side by side, then the loss.
    const auto found = s.lastEpoch.find("test");
    if (found == s.lastEpoch.end())
        return {};
    const parity::SplitMetrics& m = found->second;
    QString table = tr("Test split:\n  %1 %2 %3\n")
                        .arg(QStringLiteral("metric"), -10)
                        .arg(QStringLiteral("reconstruction"), -15)
                        .arg(QStringLiteral("overall"));
    std::set<int> ns;
    std::set<std::string> others;
    for (const auto& [key, value] : m.accuracy) {
        const auto pos = key.rfind("_top");
        if (pos != std::string::npos)
            ns.insert(std::atoi(key.c_str() + pos + 4));
        else
            others.insert(key);
    }
    auto cell = [&m](const std::string& key) {
        const auto it = m.accuracy.find(key);
        return it == m.accuracy.end() ? QStringLiteral("-") : QString::number(it->second, 'f', 4);
    };
    for (const int n : ns)
        table += QStringLiteral("  %1 %2 %3\n")
                     .arg(QStringLiteral("top-%1").arg(n), -10)
                     .arg(cell("reconstruction_top" + std::to_string(n)), -15)
                     .arg(cell("overall_top" + std::to_string(n)));
    for (const auto& key : others)
        table += QStringLiteral("  %1 %2\n").arg(QString::fromStdString(key), -25).arg(cell(key));
    if (m.hasLoss()) // a run that trains nothing (Berrut) has none
        table += QStringLiteral("  %1 %2").arg(QStringLiteral("loss"), -10).arg(m.loss, 0, 'g', 6);
    else
        table.chop(1); // the last row's newline
    return table;
}

QString MainWindow::gettingStartedText()
{
    return tr("<h3>Parity models in a few lines</h3>"
              "<p>A model <b>F</b> answers queries on several servers. To survive a slow or failed server, "
              "<b>k</b> queries X<sub>1</sub>…X<sub>k</sub> form a <i>group</i>; an <b>encoder</b> makes a "
              "<i>parity query</i> of them (e.g. their sum), a <b>parity model</b> F<sub>p</sub> answers it, "
              "and a <b>decoder</b> rebuilds a missing answer from the others (e.g. by subtraction). "
              "Training makes F<sub>p</sub>(X<sub>1</sub>+…+X<sub>k</sub>) match "
              "F(X<sub>1</sub>)+…+F(X<sub>k</sub>).</p>"
              "<p><b>Reconstruction accuracy</b>: how often a rebuilt answer's top class is the one the base "
              "model itself predicts (the Inspector's \"matched\"); <b>overall accuracy</b>: how often it is the "
              "true label, i.e. what users are served when an answer has to be rebuilt. The base model's own "
              "accuracy is the reference line.</p>"
              "<h3>Steps</h3><ol>"
              "<li>Choose dataset, architecture, k, r (parity queries per group), encoder, decoder, loss and "
              "epochs in the form (File &rarr; Open reads the original framework's config files, sweeps "
              "included). The Berrut encoder and decoder are a baseline that trains nothing.</li>"
              "<li><b>Start</b> (Ctrl+R). Watch loss and accuracy on the Training tab; <b>Stop</b> keeps the last "
              "checkpoint, and Start offers to resume it.</li>"
              "<li>The <b>Inspector</b> shows one group: the inputs, the parity query and, per missing position, "
              "the base model's output beside the reconstruction.</li>"
              "<li>The <b>Runs</b> tab lists every run under the save directory: compare their learning curves "
              "and their <i>served accuracy</i> (what users get when a share of the predictions is missing), "
              "export their metrics.</li>"
              "<li>The <b>Serving</b> tab simulates a cluster answering queries with a run's models: the tail "
              "latency of no redundancy, replication and the parity model, under load, slowdowns and "
              "failures.</li>"
              "<li><b>Submit to Slurm</b>, below the queue, sends the queue to a cluster as one job array; "
              "the log follows its tasks.</li></ol>"
              "<p>Results go to <tt>&lt;save "
              "directory&gt;/&lt;dataset&gt;/&lt;model&gt;/k&lt;k&gt;[_r&lt;r&gt;]/&lt;loss&gt;/"
              "&lt;encoder&gt;/&lt;decoder&gt;</tt>, in the original's files; <tt>parity-train</tt> runs the same "
              "configurations without the window. More in the README.</p>");
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    if (m_controller->isBusy() && m_interactive && !m_closeRequested) {
        // Say what closing does to the run, and let the user change their mind (issue 13, item 12).
        const auto answer = QMessageBox::question(
            this, tr("A run is in progress"),
            tr("Closing stops the run after the current batch. Its last checkpoint is kept, and Start offers to "
               "resume it the next time."),
            QMessageBox::Close | QMessageBox::Cancel, QMessageBox::Cancel);
        if (answer != QMessageBox::Close) {
            event->ignore();
            return;
        }
    }
    if (m_controller->isBusy()) {
        // Finish the current batch, keep the checkpoint, then close.
        m_closeRequested = true;
        m_log->appendMessage(tr("Closing: stopping the run after the current batch…"));
        showStatus(tr("Closing: the run stops after the current batch; its checkpoint is kept"));
        m_controller->stop();
        event->ignore();
        return;
    }
    saveSettings();
    event->accept();
}

} // namespace parity::gui
