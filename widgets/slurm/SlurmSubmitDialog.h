#pragma once
// "Submit to Slurm…": the sbatch options of a sweep, remembered across
// sessions, then slurm::writeSweep and slurm::submit (issue 16).
#include "config/SweepConfig.h"
#include "slurm/SlurmSweep.h"

#include <QDialog>
#include <QString>

#include <string>
#include <vector>

class QCheckBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;

namespace parity::gui {

/// A form of parity::slurm::SubmitOptions (partition, time limit, CPUs per
/// task, GPUs, memory, account, tasks at once, warning before the time limit,
/// extra sbatch arguments) and "Write the script only (dry run)". Submit
/// writes the sweep's directory under `<saveDir>/slurm/` and, unless dry run,
/// submits it with sbatch, off the GUI thread; the dialog then closes with
/// Accepted and sweep() tells the job and the directory. A failure shows the
/// core's message (a message box and a line in the dialog) and keeps the
/// dialog open with everything typed. The fields start from, and Submit
/// saves them to, QSettings group "slurm". Without sbatch on PATH the dialog
/// says so and offers the dry run.
class SlurmSubmitDialog : public QDialog {
    Q_OBJECT
public:
    /// What is submitted.
    struct Request {
        parity::SweepConfig sweep;
        /// The configuration file it came from; "" when it comes from no file
        /// (the form's run, an edited queue): then Submit first saves
        /// sweep.source() as `<saveDir>/slurm/workbench/<date-time>/<configStem>.json`,
        /// which the sweep's record names (and the sweep's id begins with the stem).
        std::string configPath;
        std::string configStem = "workbench";
        std::string saveDir;     ///< absolute
        std::string parityTrain; ///< the executable the tasks run
        QString description;     ///< one line for the user: what the sweep is
        QString warning;         ///< shown above the fields, e.g. that this machine cannot read the data
    };

    explicit SlurmSubmitDialog(Request request, QWidget* parent = nullptr);

    parity::slurm::SubmitOptions options() const;
    void setOptions(const parity::slurm::SubmitOptions& options);
    bool dryRun() const;
    void setDryRun(bool dryRun);
    /// Whether sbatch was found on PATH when the dialog opened.
    bool sbatchFound() const { return m_sbatchFound; }

    /// The written (and, unless dry run, submitted) sweep, once accepted.
    const parity::slurm::Sweep& sweep() const { return m_sweep; }
    /// Why the last submission failed ("" when it did not).
    QString errorText() const { return m_errorText; }
    bool isBusy() const { return m_busy; }

    /// The fields as QSettings keeps them (group "slurm").
    static parity::slurm::SubmitOptions savedOptions();
    static bool savedDryRun();
    static void saveOptions(const parity::slurm::SubmitOptions& options, bool dryRun);
    /// "--qos=short  --constraint=avx2" -> {"--qos=short", "--constraint=avx2"}.
    static std::vector<std::string> splitArguments(const QString& line);

public Q_SLOTS:
    /// Writes (and submits) the sweep with the options on the form; the
    /// outcome comes asynchronously: accept() and submitted(), or failed().
    void submit();
    void reject() override; ///< not while a submission is under way

Q_SIGNALS:
    void submitted(const QString& jobId, const QString& sweepDir);
    void failed(const QString& message);

private:
    void updateState();

    Request m_request;
    QLineEdit* m_partition;
    QLineEdit* m_time;
    QSpinBox* m_cpus;
    QLineEdit* m_gpus;
    QLineEdit* m_mem;
    QLineEdit* m_account;
    QSpinBox* m_maxParallel;
    QSpinBox* m_signalSeconds;
    QLineEdit* m_extraArgs;
    QCheckBox* m_dryRun;
    QLabel* m_sbatchNote;
    QPushButton* m_offerDryRun;
    QLabel* m_error;
    QDialogButtonBox* m_buttons;
    QPushButton* m_submit;
    bool m_sbatchFound = false;
    bool m_busy = false;
    QString m_errorText;
    parity::slurm::Sweep m_sweep;
};

} // namespace parity::gui
