#pragma once
#include "RunController.h"
#include "run/ProgressPanel.h"

#include <QWidget>

class QAbstractButton;
class QAction;

#include <optional>
#include <utility>
#include <vector>

class QGroupBox;
class QListView;
class QPushButton;
class QSplitter;
class QToolButton;

namespace parity::gui {

class ExperimentForm;

/// A sweep written for Slurm and, unless `dryRun`, submitted as job `jobId`.
struct SlurmSubmission {
    QString jobId;
    QString sweepDir;
    QString script; ///< its batch script
    QString saveDir;
    int runs = 0;
    bool dryRun = false;
};

/// The left side of the workbench: the experiment form, the queue of runs a
/// sweep file expands to, Start / Stop / Resume / Test only, and the progress
/// of the current run. The form edits the selected queue entry.
class RunPanel : public QWidget {
    Q_OBJECT
public:
    /// What Start does when a run's directory already holds a run.
    enum class ExistingRunPolicy {
        Ask,    ///< ask: resume (when the settings allow it), start fresh, or cancel
        Resume, ///< resume where possible, else start fresh (scripted mode)
        Fresh,  ///< start fresh; the old run moves into previous-<timestamp>/
    };

    explicit RunPanel(RunController* controller, QWidget* parent = nullptr);

    void setExistingRunPolicy(ExistingRunPolicy policy) { m_existingPolicy = policy; }
    /// The parity-train a Slurm sweep's tasks run; "" (the default): the
    /// one installed with the workbench (findSiblingProgram).
    void setParityTrainPath(const QString& path) { m_parityTrain = path; }

    ExperimentForm* form() const { return m_form; }
    ProgressPanel* progress() const { return m_progress; }
    QString configPath() const { return m_configPath; }

    /// Loads a config file the CLI accepts (one run or a sweep). On failure
    /// nothing changes and `error` names the file and the problem.
    bool openConfig(const QString& path, QString* error);
    /// Writes the form's run as a config file the CLI accepts.
    bool saveConfig(const QString& path, QString* error);
    /// Back to the defaults (Fashion-MNIST, base-mlp, k = 2, add/sub, MSE).
    void newConfig();
    /// Menu actions for Start, Stop, Resume, Test only and Submit to Slurm:
    /// each is enabled (and explained) exactly as its button.
    void bindActions(QAction* start, QAction* stop, QAction* resume, QAction* testOnly, QAction* slurm);

public Q_SLOTS:
    bool start();
    void stop();
    /// Continues the run in `runDir` from its current.pth (its config comes from run.json).
    bool resumeFrom(const QString& runDir, QString* error = nullptr);
    /// Evaluates a checkpoint on the test split once.
    bool testOnly(const QString& checkpoint, QString* error = nullptr);
    void chooseResume();
    void chooseTestOnly();
    /// The queue as one Slurm job array: asks for the sbatch options
    /// (SlurmSubmitDialog), writes the sweep under the runs' save directory
    /// and submits it (or only writes it: dry run). Problems (a queue that
    /// is not one sweep, parity-train not found) go to errorOccurred.
    void submitToSlurm();

Q_SIGNALS:
    void errorOccurred(const QString& message);
    void configPathChanged(const QString& path);
    void slurmSubmitted(const parity::gui::SlurmSubmission& submission);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    /// Gives the queue the height its entries need (two to six rows) and the
    /// form the rest, until the user drags the handle between them.
    void fitQueue();
    void onFormChanged();
    void onSelectionChanged();
    void updateButtons();
    /// Shows the runs Start would continue or move aside and returns the
    /// user's choice, or nothing for Cancel.
    std::optional<RunController::OnExisting> askAboutExistingRuns(const std::vector<RunController::Existing>& runs);
    /// A run's recorded settings, refused where the form cannot show them.
    bool readRunConfig(const QString& runDir, parity::RunConfig* config, QString* error) const;
    /// Why the form cannot show `config` as it is (ExperimentForm::cannotShow), or "".
    QString formCannotShow(const parity::RunConfig& config) const;

    RunController* m_controller;
    ExperimentForm* m_form;
    QListView* m_queueView;
    QGroupBox* m_queueBox = nullptr;
    QSplitter* m_split = nullptr;
    bool m_queueSized = false; ///< the user moved the handle: their sizes stay
    ProgressPanel* m_progress;
    std::vector<std::pair<QAbstractButton*, QAction*>> m_actions; ///< bindActions()
    QPushButton* m_start;
    QPushButton* m_stop;
    QPushButton* m_resume;
    QPushButton* m_testOnly;
    QToolButton* m_slurm;
    QString m_parityTrain;
    QString m_configPath;
    bool m_loading = false;
    ExistingRunPolicy m_existingPolicy = ExistingRunPolicy::Ask;
    ProgressPanel::Outcome m_lastOutcome = ProgressPanel::Outcome::Finished; ///< of the last run that ended
    int m_lastEpochs = 0;
    QString m_lastMessage;
};

} // namespace parity::gui

Q_DECLARE_METATYPE(parity::gui::SlurmSubmission)
