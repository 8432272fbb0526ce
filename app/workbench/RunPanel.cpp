#include "RunPanel.h"

#include "QueueSweep.h"
#include "SiblingProgram.h"
#include "config/SweepConfig.h"
#include "io/RunDirectory.h"
#include "form/ExperimentForm.h"
#include "run/ProgressPanel.h"
#include "slurm/SlurmSubmitDialog.h"

#include <QAction>
#include <QCoreApplication>
#include <QDir>
#include <QEvent>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QListView>
#include <QMenu>
#include <QMessageBox>
#include <QPushButton>
#include <QSaveFile>
#include <QScrollArea>
#include <QSplitter>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>
#include <utility>

namespace parity::gui {

RunPanel::RunPanel(RunController* controller, QWidget* parent)
    : QWidget(parent)
    , m_controller(controller)
    , m_form(new ExperimentForm)
    , m_queueView(new QListView)
    , m_progress(new ProgressPanel)
    , m_start(new QPushButton(tr("Start")))
    , m_stop(new QPushButton(tr("Stop")))
    , m_resume(new QPushButton(tr("Resume…")))
    , m_testOnly(new QPushButton(tr("Test only…")))
    , m_slurm(new QToolButton)
{
    m_start->setObjectName(QStringLiteral("start"));
    m_stop->setObjectName(QStringLiteral("stop"));
    m_resume->setObjectName(QStringLiteral("resume"));
    m_testOnly->setObjectName(QStringLiteral("test_only"));
    m_queueView->setObjectName(QStringLiteral("queue"));
    m_start->setToolTip(tr("Run the queue in order (Ctrl+R)"));
    m_stop->setToolTip(tr("Finish the current batch and stop; the last checkpoint is kept (Ctrl+.)"));
    m_resume->setToolTip(tr("Continue a run from its directory's current.pth"));
    m_testOnly->setToolTip(tr("Evaluate a checkpoint on the test split once"));

    auto* scroll = new QScrollArea;
    scroll->setWidget(m_form);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    // Never sideways: the form narrows with the panel (issue 13, item 5).
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);

    m_queueView->setModel(controller->queue());
    m_queueView->setSelectionMode(QAbstractItemView::SingleSelection);
    m_queueView->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_queueView->setTextElideMode(Qt::ElideRight);
    m_queueView->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    // Two rows at least; a scroll area's own least height is twice that.
    m_queueView->setMinimumHeight(2 * (m_queueView->fontMetrics().height() + 2) + 2 * m_queueView->frameWidth());
    auto* queueBox = m_queueBox = new QGroupBox(tr("Queue"));
    auto* queueLayout = new QVBoxLayout(queueBox);
    queueLayout->addWidget(m_queueView);
    // A cluster runs the queue too (issue 16): one job array, one task per run.
    m_slurm->setObjectName(QStringLiteral("submit_slurm"));
    m_slurm->setText(tr("Submit to Slurm…"));
    auto* queueButtons = new QHBoxLayout;
    queueButtons->setContentsMargins(0, 0, 0, 0);
    queueButtons->addStretch(1);
    queueButtons->addWidget(m_slurm);
    queueLayout->addLayout(queueButtons);
    m_queueView->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(m_queueView, &QListView::customContextMenuRequested, this, [this](const QPoint& at) {
        QMenu menu(this);
        QAction* submit = menu.addAction(m_slurm->text(), this, &RunPanel::submitToSlurm);
        submit->setEnabled(m_slurm->isEnabled());
        submit->setToolTip(m_slurm->toolTip());
        menu.exec(m_queueView->viewport()->mapToGlobal(at));
    });

    auto* split = m_split = new QSplitter(Qt::Vertical);
    split->addWidget(scroll);
    split->addWidget(queueBox);
    split->setStretchFactor(0, 4);
    split->setStretchFactor(1, 1);
    // The form gets the height: a queue of one run needs two lines, not the
    // part of the panel that left the form's open sections scrolling.
    split->setSizes({700, 90});
    split->installEventFilter(this);
    connect(split, &QSplitter::splitterMoved, this, [this] { m_queueSized = true; });
    for (auto changed : {&QAbstractItemModel::rowsInserted, &QAbstractItemModel::rowsRemoved})
        connect(controller->queue(), changed, this, &RunPanel::fitQueue);
    connect(controller->queue(), &QAbstractItemModel::modelReset, this, &RunPanel::fitQueue);

    auto* buttons = new QHBoxLayout;
    for (QPushButton* b : {m_start, m_stop, m_resume, m_testOnly})
        buttons->addWidget(b);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(split, 1);
    layout->addLayout(buttons);
    layout->addWidget(m_progress);

    connect(m_start, &QPushButton::clicked, this, &RunPanel::start);
    connect(m_stop, &QPushButton::clicked, this, &RunPanel::stop);
    connect(m_resume, &QPushButton::clicked, this, &RunPanel::chooseResume);
    connect(m_testOnly, &QPushButton::clicked, this, &RunPanel::chooseTestOnly);
    connect(m_slurm, &QToolButton::clicked, this, &RunPanel::submitToSlurm);
    connect(m_form, &ExperimentForm::configChanged, this, &RunPanel::onFormChanged);
    connect(m_form, &ExperimentForm::dataChecked, this, &RunPanel::updateButtons);
    connect(m_queueView->selectionModel(), &QItemSelectionModel::currentChanged, this, &RunPanel::onSelectionChanged);
    connect(controller->queue(), &QAbstractItemModel::modelReset, this, [this] {
        if (m_controller->queue()->size() > 0)
            m_queueView->setCurrentIndex(m_controller->queue()->index(0));
    });

    connect(controller, &RunController::stateChanged, this, &RunPanel::updateButtons);
    connect(controller, &RunController::runStarted, this, [this](int row, const QString&) {
        const auto& e = m_controller->queue()->entry(row);
        m_progress->startRun(e.request.config.numEpochs);
        m_queueView->setCurrentIndex(m_controller->queue()->index(row));
    });
    connect(controller, &RunController::progressReported, m_progress, &ProgressPanel::showStage);
    connect(controller, &RunController::batchFinished, m_progress, &ProgressPanel::showBatch);
    connect(controller, &RunController::epochFinished, m_progress, &ProgressPanel::epochDone);
    // Say what happened (issue 13, item 8): finished, stopped by the user, or
    // failed with its reason; the bar keeps no stale batch text.
    connect(controller, &RunController::runFinished, this, [this](const parity::RunSummary& summary) {
        m_lastOutcome = summary.stopped ? ProgressPanel::Outcome::Stopped : ProgressPanel::Outcome::Finished;
        m_lastEpochs = summary.epochsCompleted;
        m_lastMessage.clear();
    });
    connect(controller, &RunController::runFailed, this, [this](const QString& message) {
        m_lastOutcome = ProgressPanel::Outcome::Failed;
        m_lastMessage = message.section(QLatin1Char('\n'), 0, 0);
    });
    connect(controller, &RunController::queueFinished, this, [this](bool ok) {
        const int numEpochs = m_controller->currentConfig().numEpochs;
        if (!ok && m_lastOutcome == ProgressPanel::Outcome::Finished) { // an earlier run of the queue failed
            m_progress->showDone(ProgressPanel::Outcome::Failed,
                                 tr("The last run finished; an earlier one failed: its reason is in the queue."));
            return;
        }
        switch (m_lastOutcome) {
        case ProgressPanel::Outcome::Finished:
            if (m_controller->currentIsOnlyTest())
                m_progress->showDone(m_lastOutcome,
                                     tr("Tested the checkpoint on the test split: the table is in the log."), -1);
            else
                m_progress->showDone(m_lastOutcome, tr("Finished"), m_lastEpochs);
            break;
        case ProgressPanel::Outcome::Stopped:
            m_progress->showDone(
                m_lastOutcome,
                m_lastEpochs > 0
                    ? tr("Stopped after epoch %1 of %2: Start offers to resume it.").arg(m_lastEpochs).arg(numEpochs)
                    : tr("Stopped before the first epoch ended."),
                m_lastEpochs);
            break;
        case ProgressPanel::Outcome::Failed:
            m_progress->showDone(m_lastOutcome, tr("Failed: %1").arg(m_lastMessage));
            break;
        }
    });

    newConfig();
    updateButtons();
}

void RunPanel::newConfig()
{
    if (m_controller->isBusy())
        return;
    parity::RunConfig defaults; // Fashion-MNIST, base-mlp, k = 2, add/sub, MSE
    const bool wasLoading = std::exchange(m_loading, true);
    m_controller->setQueue({RunRequest{defaults, {}, false}});
    m_form->setConfig(defaults);
    m_loading = wasLoading;
    m_configPath.clear();
    Q_EMIT configPathChanged(m_configPath);
    updateButtons();
}

bool RunPanel::openConfig(const QString& path, QString* error)
{
    if (m_controller->isBusy()) {
        if (error)
            *error = tr("A run is in progress: stop it before opening another configuration.");
        return false;
    }
    std::vector<RunRequest> requests;
    try {
        const auto sweep = parity::SweepConfig::load(path.toStdString());
        for (const auto& run : sweep.runs())
            requests.push_back({run, {}, false});
    } catch (const std::exception& e) {
        if (error)
            *error = QString::fromStdString(e.what());
        return false;
    }
    if (requests.empty()) {
        if (error)
            *error = tr("%1: describes no run").arg(path);
        return false;
    }
    for (size_t i = 0; i < requests.size(); ++i) {
        const QString problem = formCannotShow(requests[i].config);
        if (!problem.isEmpty()) {
            if (error)
                *error = requests.size() == 1
                             ? tr("%1: %2").arg(path, problem)
                             : tr("%1, run %2 of %3: %4").arg(path).arg(i + 1).arg(requests.size()).arg(problem);
            return false;
        }
    }
    const bool wasLoading = std::exchange(m_loading, true);
    m_controller->setQueue(requests);
    m_form->setConfig(requests.front().config);
    m_loading = wasLoading;
    m_configPath = QFileInfo(path).absoluteFilePath();
    Q_EMIT configPathChanged(m_configPath);
    updateButtons();
    return true;
}

bool RunPanel::saveConfig(const QString& path, QString* error)
{
    const std::string text = m_form->config().toConfigFile().dump(2) + "\n";
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(text.data(), qint64(text.size())) != qint64(text.size())
        || !file.commit()) {
        if (error)
            *error = tr("%1: could not be written (%2)").arg(path, file.errorString());
        return false;
    }
    m_configPath = QFileInfo(path).absoluteFilePath();
    Q_EMIT configPathChanged(m_configPath);
    return true;
}

void RunPanel::onSelectionChanged()
{
    const int row = m_queueView->currentIndex().row();
    if (row < 0 || row >= m_controller->queue()->size())
        return;
    const bool wasLoading = std::exchange(m_loading, true);
    m_form->setConfig(m_controller->queue()->entry(row).request.config);
    m_loading = wasLoading;
    updateButtons();
}

bool RunPanel::eventFilter(QObject* watched, QEvent* event)
{
    // After the splitter has shared out its new height (its own resize handling runs after this filter).
    if (watched == m_split && event->type() == QEvent::Resize)
        QMetaObject::invokeMethod(this, &RunPanel::fitQueue, Qt::QueuedConnection);
    return QWidget::eventFilter(watched, event);
}

void RunPanel::fitQueue()
{
    const QList<int> sizes = m_split->sizes();
    const int total = sizes.value(0) + sizes.value(1);
    if (m_queueSized || total <= 0)
        return;
    const int rows = std::clamp(m_controller->queue()->rowCount(), 2, 6);
    const int rowHeight = std::max(m_queueView->sizeHintForRow(0), m_queueView->fontMetrics().height() + 2);
    const int list = rows * rowHeight + 2 * m_queueView->frameWidth();
    const int needed = m_queueBox->sizeHint().height() - m_queueView->sizeHint().height() + list;
    const int queue = std::min(needed, total / 2);
    if (sizes.value(1) != queue)
        m_split->setSizes({total - queue, queue});
}

void RunPanel::onFormChanged()
{
    if (!m_loading) {
        RunQueueModel* queue = m_controller->queue();
        int row = m_queueView->currentIndex().row();
        if (queue->size() == 0) {
            m_controller->setQueue({RunRequest{m_form->config(), {}, false}});
            row = 0;
        } else {
            m_controller->updateEntry(row, m_form->config());
        }
        if (!m_controller->isBusy()) // "Done" is of the run before the edit
            m_progress->noteEditedSince();
    }
    updateButtons();
}

void RunPanel::updateButtons()
{
    const bool busy = m_controller->isBusy();
    QStringList problems;
    const RunQueueModel* queue = m_controller->queue();
    for (int i = 0; i < queue->size(); ++i) {
        for (const auto& p : parity::validateRun(queue->entry(i).request.config))
            problems << (queue->size() > 1 ? tr("run %1: ").arg(i + 1) : QString()) + QString::fromStdString(p);
    }
    // The data of the run on the form was found unreadable: say so before Start, not after it.
    if (m_form->dataUnreadable())
        problems << m_form->dataStatus();
    m_start->setEnabled(!busy && problems.isEmpty() && queue->size() > 0);
    m_start->setToolTip(problems.isEmpty() ? tr("Run the queue in order (Ctrl+R)")
                                           : tr("Cannot start:\n") + problems.join(QLatin1Char('\n')));
    m_stop->setEnabled(m_controller->state() == RunController::State::Running);
    m_resume->setEnabled(!busy);
    m_testOnly->setEnabled(!busy);
    // A cluster does not need this machine's data check, nor this machine to be idle.
    QStringList invalid = problems;
    if (m_form->dataUnreadable())
        invalid.removeAll(m_form->dataStatus());
    m_slurm->setEnabled(invalid.isEmpty() && queue->size() > 0);
    m_slurm->setToolTip(invalid.isEmpty() ? tr("Run the queue on a Slurm cluster: one job array, a task per run")
                                          : tr("Cannot submit:\n") + invalid.join(QLatin1Char('\n')));
    m_form->setEnabled(!busy);
    for (const auto& [button, action] : m_actions) {
        action->setEnabled(button->isEnabled());
        action->setToolTip(button->toolTip());
    }
}

void RunPanel::bindActions(QAction* start, QAction* stop, QAction* resume, QAction* testOnly, QAction* slurm)
{
    m_actions = {{m_start, start}, {m_stop, stop}, {m_resume, resume}, {m_testOnly, testOnly}, {m_slurm, slurm}};
    updateButtons();
}

bool RunPanel::start()
{
    if (m_controller->isBusy())
        return false;
    // Ctrl+R or the menu while the button says why it cannot: the same answer.
    updateButtons();
    if (!m_start->isEnabled()) {
        Q_EMIT errorOccurred(m_start->toolTip());
        return false;
    }
    const auto existing = m_controller->existingRuns();
    auto onExisting = RunController::OnExisting::Fresh;
    if (!existing.empty()) {
        switch (m_existingPolicy) {
        case ExistingRunPolicy::Ask: {
            const auto choice = askAboutExistingRuns(existing);
            if (!choice)
                return false;
            onExisting = *choice;
            break;
        }
        case ExistingRunPolicy::Resume:
            onExisting = RunController::OnExisting::Resume;
            break;
        case ExistingRunPolicy::Fresh:
            break;
        }
    }
    return m_controller->start(onExisting);
}

namespace {

/// "stopped after epoch 2 of 5", "finished (3 of 3 epochs)", …
QString describeRun(const parity::ExistingRun& run)
{
    const QString status = run.status.empty() ? RunPanel::tr("of unknown state") : QString::fromStdString(run.status);
    if (!run.problem.empty())
        return RunPanel::tr("a run whose record cannot be read");
    if (run.numEpochs > 0)
        return RunPanel::tr("a run %1 after epoch %2 of %3").arg(status).arg(run.epochsCompleted).arg(run.numEpochs);
    return RunPanel::tr("a run %1 after epoch %2").arg(status).arg(run.epochsCompleted);
}

} // namespace

std::optional<RunController::OnExisting>
RunPanel::askAboutExistingRuns(const std::vector<RunController::Existing>& runs)
{
    QMessageBox box(this);
    box.setObjectName(QStringLiteral("existing_run"));
    box.setIcon(QMessageBox::Question);
    box.setWindowTitle(tr("A run is already there"));
    int resumable = 0;
    for (const auto& e : runs)
        resumable += e.run.resumable() ? 1 : 0;
    const QString fresh = tr("Start fresh moves the old run into previous-<date-time>/ inside its directory "
                             "(nothing is deleted) and starts again from epoch 1.");
    QString resumeLabel;
    if (runs.size() == 1) {
        const auto& e = runs.front();
        box.setText(tr("%1 holds %2.")
                        .arg(QString::fromStdString(parity::RunDirectory::of(e.config).path()), describeRun(e.run)));
        QString details = e.run.resumable()
                              ? (e.run.epochsCompleted + 1 == e.run.epochsAsked()
                                     ? tr("Resume runs its epoch %1 with the same settings.").arg(e.run.epochsAsked())
                                     : tr("Resume continues it from epoch %1 to epoch %2 with the same settings.")
                                           .arg(e.run.epochsCompleted + 1)
                                           .arg(e.run.epochsAsked()))
                              : tr("It cannot be resumed: %1.").arg(QString::fromStdString(e.run.whyNotResumable()));
        box.setInformativeText(details + QStringLiteral("\n\n") + fresh);
        resumeLabel = e.run.resumable()
                          ? tr("Resume (epoch %1 of %2)").arg(e.run.epochsCompleted + 1).arg(e.run.epochsAsked())
                          : tr("Resume");
    } else {
        QStringList lines;
        for (const auto& e : runs) {
            const QString why =
                e.run.resumable()
                    ? tr("can resume at epoch %1 of %2").arg(e.run.epochsCompleted + 1).arg(e.run.epochsAsked())
                    : tr("cannot resume: %1").arg(QString::fromStdString(e.run.whyNotResumable()));
            lines << tr("Run %1 (%2): %3; %4")
                         .arg(e.row + 1)
                         .arg(QString::fromStdString(e.config.header()), describeRun(e.run), why);
        }
        box.setText(tr("%1 of the runs to start already have a run in their directory.").arg(runs.size()));
        box.setInformativeText(lines.join(QLatin1Char('\n')) + QStringLiteral("\n\n")
                               + tr("Resume where possible continues the runs that can be resumed and starts the "
                                    "others fresh. ")
                               + fresh);
        resumeLabel = tr("Resume where possible");
    }
    QPushButton* resume = box.addButton(resumeLabel, QMessageBox::AcceptRole);
    resume->setObjectName(QStringLiteral("resume"));
    resume->setEnabled(resumable > 0);
    QPushButton* startFresh = box.addButton(tr("Start fresh"), QMessageBox::DestructiveRole);
    startFresh->setObjectName(QStringLiteral("fresh"));
    QPushButton* cancel = box.addButton(QMessageBox::Cancel);
    cancel->setObjectName(QStringLiteral("cancel"));
    box.setDefaultButton(resumable > 0 ? resume : cancel);
    box.setEscapeButton(cancel);
    box.exec();
    if (box.clickedButton() == resume && resumable > 0)
        return RunController::OnExisting::Resume;
    if (box.clickedButton() == startFresh)
        return RunController::OnExisting::Fresh;
    return std::nullopt;
}

void RunPanel::stop() { m_controller->stop(); }

bool RunPanel::readRunConfig(const QString& runDir, parity::RunConfig* config, QString* error) const
{
    // The run continues where it is, also when its save directory was moved
    // or copied (RunDirectory::readConfig places it).
    const parity::RunDirectory dir(runDir.toStdString());
    if (!QFileInfo::exists(QString::fromStdString(dir.runJson()))) {
        *error = tr("%1: not found; is this a run directory?").arg(QString::fromStdString(dir.runJson()));
        return false;
    }
    try {
        *config = dir.readConfig();
    } catch (const std::exception& e) {
        *error = QString::fromStdString(e.what());
        return false;
    }
    if (const QString problem = formCannotShow(*config); !problem.isEmpty()) {
        *error = tr("%1: %2").arg(QString::fromStdString(dir.runJson()), problem);
        return false;
    }
    return true;
}

QString RunPanel::formCannotShow(const parity::RunConfig& config) const
{
    const QStringList why = m_form->cannotShow(config);
    if (why.isEmpty())
        return {};
    return tr("%1. The workbench runs what its form shows, and the form cannot show this run as it is; "
              "parity-train runs it.")
        .arg(why.join(QStringLiteral("; ")));
}

bool RunPanel::resumeFrom(const QString& runDir, QString* error)
{
    QString problem;
    parity::RunConfig config;
    const QString checkpoint = QString::fromStdString(
        parity::RunDirectory(runDir.toStdString()).checkpoint(parity::CheckpointKind::Current));
    if (m_controller->isBusy())
        problem = tr("A run is in progress.");
    else if (!QFileInfo::exists(checkpoint))
        problem = tr("%1: no checkpoint to resume from").arg(checkpoint);
    else
        readRunConfig(runDir, &config, &problem);
    if (!problem.isEmpty()) {
        if (error)
            *error = problem;
        Q_EMIT errorOccurred(problem);
        return false;
    }
    const bool wasLoading = std::exchange(m_loading, true);
    m_controller->setQueue({RunRequest{config, checkpoint, false}});
    m_form->setConfig(config);
    m_loading = wasLoading;
    updateButtons();
    return m_controller->start();
}

bool RunPanel::testOnly(const QString& checkpoint, QString* error)
{
    QString problem;
    parity::RunConfig config;
    if (m_controller->isBusy())
        problem = tr("A run is in progress.");
    else if (!QFileInfo::exists(checkpoint))
        problem = tr("%1: no such checkpoint").arg(checkpoint);
    else if (!QFileInfo::exists(QFileInfo(checkpoint).absoluteDir().filePath(QStringLiteral("run.json"))))
        // Walkthrough: any other file got "<its folder>/run.json: not found".
        problem = tr("%1: not a checkpoint of a run directory (no run.json beside it); choose a run's best.pth or "
                     "current.pth")
                      .arg(checkpoint);
    else
        readRunConfig(QFileInfo(checkpoint).absolutePath(), &config, &problem);
    if (!problem.isEmpty()) {
        if (error)
            *error = problem;
        Q_EMIT errorOccurred(problem);
        return false;
    }
    const bool wasLoading = std::exchange(m_loading, true);
    m_controller->setQueue({RunRequest{config, checkpoint, true}});
    m_form->setConfig(config);
    m_loading = wasLoading;
    return m_controller->start();
}

void RunPanel::chooseResume()
{
    const QString start = QString::fromStdString(m_form->config().runDir());
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Resume the run in…"),
                                                          QFileInfo::exists(start) ? start : QDir::currentPath());
    if (!dir.isEmpty())
        resumeFrom(dir);
}

void RunPanel::chooseTestOnly()
{
    const parity::RunDirectory start = parity::RunDirectory::of(m_form->config());
    const QString path = QFileDialog::getOpenFileName(this, tr("Test a checkpoint"),
                                                      QString::fromStdString(
                                                          start.checkpoint(parity::CheckpointKind::Best)),
                                                      tr("Checkpoints (*.pth);;All files (*)"));
    if (!path.isEmpty())
        testOnly(path);
}

void RunPanel::submitToSlurm()
{
    updateButtons();
    if (!m_slurm->isEnabled()) {
        Q_EMIT errorOccurred(m_slurm->toolTip());
        return;
    }
    const RunQueueModel* queue = m_controller->queue();
    std::vector<parity::RunConfig> runs;
    for (int i = 0; i < queue->size(); ++i)
        runs.push_back(queue->entry(i).request.config);
    QString error;
    const auto queued = QueueSweep::of(runs, m_configPath, &error);
    if (!queued) {
        Q_EMIT errorOccurred(tr("Cannot submit to Slurm: %1").arg(error));
        return;
    }
    QStringList lookedIn;
    const QString parityTrain = !m_parityTrain.isEmpty()
                                    ? m_parityTrain
                                    : findSiblingProgram(QCoreApplication::applicationDirPath(),
                                                         QStringLiteral("parity-train"), &lookedIn);
    if (parityTrain.isEmpty()) {
        Q_EMIT errorOccurred(tr("Cannot submit to Slurm: the tasks run parity-train, which is not installed beside "
                                "the workbench (looked for %1).")
                                 .arg(lookedIn.join(QStringLiteral(", "))));
        return;
    }
    const parity::SweepConfig* sweep = &queued->sweep;
    // Every run of a sweep shares its save directory (save_dir is not an axis).
    const QString saveDir = QDir::cleanPath(
        QFileInfo(QString::fromStdString(sweep->runs().front().saveDir)).absoluteFilePath());
    const int count = int(sweep->runs().size());
    const parity::RunConfig& first = sweep->runs().front();
    QString description = count == 1 ? QString::fromStdString(first.shortTitle())
                                     : tr("The queue's %1 runs").arg(count);
    if (queued->fromFile)
        description += tr(" (%1)").arg(QFileInfo(m_configPath).fileName());
    SlurmSubmitDialog::Request request;
    request.sweep = *sweep;
    // Not the opened file's sweep: the dialog saves the configuration it submits, named after its runs.
    request.configPath = queued->fromFile ? m_configPath.toStdString() : std::string();
    request.configStem = count == 1 ? first.dataset + "-" + first.model + "-k" + std::to_string(first.k) : "queue";
    request.saveDir = saveDir.toStdString();
    request.parityTrain = parityTrain.toStdString();
    request.description = description;
    // The tasks read their data on the cluster; still, a path this machine cannot read is worth a second look.
    if (m_form->dataUnreadable())
        request.warning = tr("This machine cannot read the data of the form's run (%1): the tasks need it at "
                             "that path on the cluster.")
                              .arg(m_form->dataStatus().remove(QStringLiteral("✗ ")));
    SlurmSubmitDialog dialog(request, this);
    if (dialog.exec() != QDialog::Accepted)
        return;
    const parity::slurm::Sweep& written = dialog.sweep();
    Q_EMIT slurmSubmitted({QString::fromStdString(written.jobId), QString::fromStdString(written.dir),
                           QString::fromStdString(written.scriptPath()), saveDir, count, dialog.dryRun()});
}

} // namespace parity::gui
