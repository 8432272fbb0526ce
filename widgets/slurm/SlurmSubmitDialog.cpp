#include "slurm/SlurmSubmitDialog.h"

#include "common/RunAsync.h"
#include "common/WheelGuard.h"
#include "util/Error.h"
#include "util/Process.h"

#include <QCheckBox>
#include <QDateTime>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QRegularExpression>
#include <QSaveFile>
#include <QSettings>
#include <QSpinBox>
#include <QVBoxLayout>

#include <exception>
#include <optional>
#include <utility>

namespace parity::gui {

namespace {

QString q(const std::string& s) { return QString::fromStdString(s); }

QLineEdit* lineEdit(const char* name, const QString& placeholder)
{
    auto* edit = new QLineEdit;
    edit->setObjectName(QLatin1String(name));
    edit->setPlaceholderText(placeholder);
    edit->setClearButtonEnabled(true);
    return edit;
}

QSpinBox* spinBox(const char* name, int maximum, const QString& zero)
{
    auto* box = new QSpinBox;
    box->setObjectName(QLatin1String(name));
    box->setRange(0, maximum);
    box->setSpecialValueText(zero); // 0: left to Slurm
    return box;
}

/// What a submission came to, handed from the worker to the GUI thread.
struct Outcome {
    std::optional<parity::slurm::Sweep> sweep;
    QString error;
};

/// Saves the configuration of a sweep that comes from no file where its
/// record can name it: `<saveDir>/slurm/workbench/<date-time>/<stem>.json`.
/// Returns its path; throws parity::Error when it cannot be written.
QString saveConfiguration(const SlurmSubmitDialog::Request& request)
{
    const QDir slurm(q(request.saveDir) + QStringLiteral("/slurm/workbench"));
    const QString stamp = QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss"));
    QString folder = slurm.filePath(stamp);
    for (int n = 2; QFileInfo::exists(folder); ++n)
        folder = slurm.filePath(stamp + QStringLiteral("-%1").arg(n));
    const QString path = folder + QLatin1Char('/') + q(request.configStem) + QStringLiteral(".json");
    const QByteArray text = QByteArray::fromStdString(request.sweep.source().dump(2) + "\n");
    QSaveFile file(path);
    if (!QDir().mkpath(folder) || !file.open(QIODevice::WriteOnly) || file.write(text) != text.size() || !file.commit())
        throw parity::Error(
            QStringLiteral("%1: could not be written (%2)").arg(path, file.errorString()).toStdString());
    return path;
}

} // namespace

SlurmSubmitDialog::SlurmSubmitDialog(Request request, QWidget* parent)
    : QDialog(parent)
    , m_request(std::move(request))
    , m_partition(lineEdit("slurm_partition", tr("the cluster's default")))
    , m_time(lineEdit("slurm_time", tr("e.g. 30, 2:00:00 or 1-00:00:00")))
    , m_cpus(spinBox("slurm_cpus", 1024, tr("Slurm's default")))
    , m_gpus(lineEdit("slurm_gpus", tr("none; e.g. 1 or a100:2")))
    , m_mem(lineEdit("slurm_mem", tr("the cluster's default; e.g. 8G")))
    , m_account(lineEdit("slurm_account", tr("your default account")))
    , m_maxParallel(spinBox("slurm_max_parallel", 100000, tr("no limit")))
    , m_signalSeconds(spinBox("slurm_signal_seconds", 65535, QString()))
    , m_extraArgs(lineEdit("slurm_extra_args", tr("passed to sbatch as they are, e.g. --qos=short")))
    , m_dryRun(new QCheckBox(tr("Write the script only (dry run)")))
    , m_sbatchNote(new QLabel)
    , m_offerDryRun(new QPushButton(tr("Write the script only")))
    , m_error(new QLabel)
    , m_buttons(new QDialogButtonBox)
{
    setObjectName(QStringLiteral("slurm_submit"));
    setWindowTitle(tr("Submit to Slurm"));
    m_dryRun->setObjectName(QStringLiteral("slurm_dry_run"));
    m_sbatchNote->setObjectName(QStringLiteral("slurm_sbatch_note"));
    m_offerDryRun->setObjectName(QStringLiteral("slurm_offer_dry_run"));
    m_error->setObjectName(QStringLiteral("slurm_error"));
    m_signalSeconds->setMinimum(1); // sbatch --signal=B:USR1@N takes 1 to 65535
    m_signalSeconds->setSuffix(tr(" s"));
    m_dryRun->setToolTip(tr("Write the sweep's directory and its batch script, and submit nothing"));
    m_maxParallel->setToolTip(tr("Tasks of the array that run at once (sbatch --array=…%N)"));
    m_signalSeconds->setToolTip(
        tr("This long before the time limit a task is told to stop after its batch and requeue itself; it "
           "resumes from its checkpoint"));
    m_extraArgs->setToolTip(tr("Split at spaces and passed to sbatch unchanged"));

    const int runs = int(m_request.sweep.runs().size());
    auto* what = new QLabel(runs == 1
                                ? tr("<b>%1</b> as a job array of one task.").arg(m_request.description.toHtmlEscaped())
                                : tr("<b>%1</b> as one job array of %2 tasks, one per run.")
                                      .arg(m_request.description.toHtmlEscaped())
                                      .arg(runs));
    what->setObjectName(QStringLiteral("slurm_what"));
    what->setWordWrap(true);
    auto* where = new QLabel(
        tr("Its files go to %1/slurm/&lt;sweep&gt;/, the runs' results to their usual directories; each task runs "
           "%2.")
            .arg(q(m_request.saveDir).toHtmlEscaped(), q(m_request.parityTrain).toHtmlEscaped()));
    where->setObjectName(QStringLiteral("slurm_where"));
    where->setWordWrap(true);
    where->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto* warning = new QLabel(m_request.warning);
    warning->setObjectName(QStringLiteral("slurm_warning"));
    warning->setWordWrap(true);
    warning->setStyleSheet(QStringLiteral("color: #a05a00;"));
    warning->setVisible(!m_request.warning.isEmpty());

    auto* fields = new QWidget;
    auto* form = new QFormLayout(fields);
    form->setContentsMargins(0, 0, 0, 0);
    form->addRow(tr("Partition"), m_partition);
    form->addRow(tr("Time limit"), m_time);
    form->addRow(tr("CPUs per task"), m_cpus);
    form->addRow(tr("GPUs"), m_gpus);
    form->addRow(tr("Memory"), m_mem);
    form->addRow(tr("Account"), m_account);
    form->addRow(tr("Tasks at once"), m_maxParallel);
    form->addRow(tr("Warning before the limit"), m_signalSeconds);
    form->addRow(tr("Extra sbatch arguments"), m_extraArgs);
    guardFieldsFromTheWheel(fields);

    m_sbatchNote->setWordWrap(true);
    m_sbatchNote->setStyleSheet(QStringLiteral("color: #a05a00;"));
    auto* noteRow = new QHBoxLayout;
    noteRow->addWidget(m_sbatchNote, 1);
    noteRow->addWidget(m_offerDryRun, 0, Qt::AlignTop);
    m_error->setWordWrap(true);
    m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_error->setStyleSheet(QStringLiteral("color: #b41e1e;"));
    m_error->hide();

    m_submit = m_buttons->addButton(tr("Submit"), QDialogButtonBox::AcceptRole);
    m_submit->setObjectName(QStringLiteral("slurm_submit_button"));
    m_submit->setDefault(true);
    m_buttons->addButton(QDialogButtonBox::Cancel)->setObjectName(QStringLiteral("slurm_cancel"));

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(what);
    layout->addWidget(where);
    layout->addWidget(warning);
    layout->addWidget(fields);
    layout->addWidget(m_dryRun);
    layout->addLayout(noteRow);
    layout->addWidget(m_error);
    layout->addStretch(1);
    layout->addWidget(m_buttons);

    connect(m_buttons, &QDialogButtonBox::accepted, this, &SlurmSubmitDialog::submit);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &SlurmSubmitDialog::reject);
    connect(m_dryRun, &QCheckBox::toggled, this, &SlurmSubmitDialog::updateState);
    connect(m_offerDryRun, &QPushButton::clicked, this, [this] { m_dryRun->setChecked(true); });

    m_sbatchFound = !parity::findOnPath("sbatch").empty();
    setOptions(savedOptions());
    m_dryRun->setChecked(savedDryRun());
    updateState();
    setMinimumWidth(520);
}

void SlurmSubmitDialog::updateState()
{
    const bool dry = m_dryRun->isChecked();
    const bool noSbatch = !m_sbatchFound && !dry;
    m_sbatchNote->setText(noSbatch ? tr("sbatch is not on this machine's PATH: nothing can be submitted from here. "
                                        "A dry run writes the sweep's directory and its batch script, to submit "
                                        "on a machine of the cluster.")
                                   : QString());
    m_sbatchNote->setVisible(noSbatch);
    m_offerDryRun->setVisible(noSbatch);
    m_submit->setText(dry ? tr("Write script") : tr("Submit"));
    m_submit->setEnabled(!m_busy && !noSbatch);
    for (QWidget* w : std::initializer_list<QWidget*>{m_partition, m_time, m_cpus, m_gpus, m_mem, m_account,
                                                      m_maxParallel, m_signalSeconds, m_extraArgs, m_dryRun})
        w->setEnabled(!m_busy);
}

parity::slurm::SubmitOptions SlurmSubmitDialog::options() const
{
    parity::slurm::SubmitOptions o;
    o.partition = m_partition->text().trimmed().toStdString();
    o.time = m_time->text().trimmed().toStdString();
    o.cpusPerTask = m_cpus->value();
    o.gpus = m_gpus->text().trimmed().toStdString();
    o.mem = m_mem->text().trimmed().toStdString();
    o.account = m_account->text().trimmed().toStdString();
    o.maxParallel = m_maxParallel->value();
    o.signalSeconds = m_signalSeconds->value();
    o.extraArgs = splitArguments(m_extraArgs->text());
    return o;
}

void SlurmSubmitDialog::setOptions(const parity::slurm::SubmitOptions& o)
{
    m_partition->setText(q(o.partition));
    m_time->setText(q(o.time));
    m_cpus->setValue(o.cpusPerTask);
    m_gpus->setText(q(o.gpus));
    m_mem->setText(q(o.mem));
    m_account->setText(q(o.account));
    m_maxParallel->setValue(o.maxParallel);
    m_signalSeconds->setValue(o.signalSeconds);
    QStringList args;
    for (const auto& a : o.extraArgs)
        args << q(a);
    m_extraArgs->setText(args.join(QLatin1Char(' ')));
}

bool SlurmSubmitDialog::dryRun() const { return m_dryRun->isChecked(); }
void SlurmSubmitDialog::setDryRun(bool dryRun) { m_dryRun->setChecked(dryRun); }

std::vector<std::string> SlurmSubmitDialog::splitArguments(const QString& line)
{
    std::vector<std::string> args;
    for (const QString& a : line.split(QRegularExpression(QStringLiteral("\\s+")), Qt::SkipEmptyParts))
        args.push_back(a.toStdString());
    return args;
}

parity::slurm::SubmitOptions SlurmSubmitDialog::savedOptions()
{
    QSettings s;
    s.beginGroup(QStringLiteral("slurm"));
    parity::slurm::SubmitOptions o;
    o.partition = s.value(QStringLiteral("partition")).toString().toStdString();
    o.time = s.value(QStringLiteral("time")).toString().toStdString();
    o.cpusPerTask = s.value(QStringLiteral("cpusPerTask"), o.cpusPerTask).toInt();
    o.gpus = s.value(QStringLiteral("gpus")).toString().toStdString();
    o.mem = s.value(QStringLiteral("mem")).toString().toStdString();
    o.account = s.value(QStringLiteral("account")).toString().toStdString();
    o.maxParallel = s.value(QStringLiteral("maxParallel"), o.maxParallel).toInt();
    o.signalSeconds = s.value(QStringLiteral("signalSeconds"), o.signalSeconds).toInt();
    o.extraArgs = splitArguments(s.value(QStringLiteral("extraArgs")).toString());
    return o;
}

bool SlurmSubmitDialog::savedDryRun() { return QSettings().value(QStringLiteral("slurm/dryRun"), false).toBool(); }

void SlurmSubmitDialog::saveOptions(const parity::slurm::SubmitOptions& o, bool dryRun)
{
    QSettings s;
    s.beginGroup(QStringLiteral("slurm"));
    s.setValue(QStringLiteral("partition"), q(o.partition));
    s.setValue(QStringLiteral("time"), q(o.time));
    s.setValue(QStringLiteral("cpusPerTask"), o.cpusPerTask);
    s.setValue(QStringLiteral("gpus"), q(o.gpus));
    s.setValue(QStringLiteral("mem"), q(o.mem));
    s.setValue(QStringLiteral("account"), q(o.account));
    s.setValue(QStringLiteral("maxParallel"), o.maxParallel);
    s.setValue(QStringLiteral("signalSeconds"), o.signalSeconds);
    QStringList args;
    for (const auto& a : o.extraArgs)
        args << q(a);
    s.setValue(QStringLiteral("extraArgs"), args.join(QLatin1Char(' ')));
    s.setValue(QStringLiteral("dryRun"), dryRun);
}

void SlurmSubmitDialog::submit()
{
    if (m_busy || (!m_sbatchFound && !dryRun()))
        return;
    const parity::slurm::SubmitOptions opts = options();
    const bool dry = dryRun();
    // What was typed is kept for the next time, whatever Slurm answers.
    saveOptions(opts, dry);
    m_busy = true;
    m_errorText.clear();
    m_error->hide();
    updateState();
    m_submit->setText(dry ? tr("Writing…") : tr("Submitting…"));
    // sbatch asks the cluster's controller, which can take seconds: not on the GUI thread.
    runAsync<Outcome>(
        this,
        [request = m_request, opts, dry] {
            Outcome outcome;
            QString saved; // the configuration saved for this sweep, removed again if it comes to nothing
            QString written;
            try {
                std::string configPath = request.configPath;
                if (configPath.empty()) {
                    saved = saveConfiguration(request);
                    configPath = saved.toStdString();
                }
                parity::slurm::Sweep sweep = parity::slurm::writeSweep(request.sweep, configPath, request.saveDir, opts,
                                                                       request.parityTrain, "Parity Workbench");
                written = q(sweep.dir);
                if (!dry)
                    parity::slurm::submit(sweep); // removes the sweep's directory when sbatch refuses
                outcome.sweep = std::move(sweep);
            } catch (const std::exception& e) {
                outcome.error = QString::fromStdString(e.what());
                // Kept while a sweep's directory that names it is left behind.
                if (!saved.isEmpty() && (written.isEmpty() || !QFileInfo::exists(written)))
                    QDir(QFileInfo(saved).absolutePath()).removeRecursively();
            }
            return outcome;
        },
        [this](const Outcome& outcome) {
            m_busy = false;
            updateState();
            if (!outcome.sweep) {
                m_errorText = outcome.error;
                m_error->setText(outcome.error);
                m_error->show();
                Q_EMIT failed(outcome.error);
                auto* box = new QMessageBox(QMessageBox::Warning, tr("Submit to Slurm"),
                                            dryRun() ? tr("The sweep could not be written.")
                                                     : tr("The sweep could not be submitted."),
                                            QMessageBox::Ok, this);
                box->setObjectName(QStringLiteral("slurm_failed"));
                box->setInformativeText(outcome.error);
                box->setAttribute(Qt::WA_DeleteOnClose);
                box->open();
                return;
            }
            m_sweep = *outcome.sweep;
            Q_EMIT submitted(q(m_sweep.jobId), q(m_sweep.dir));
            accept();
        });
}

void SlurmSubmitDialog::reject()
{
    if (m_busy) // the submission's answer decides; closing now would lose the job id
        return;
    QDialog::reject();
}

} // namespace parity::gui
