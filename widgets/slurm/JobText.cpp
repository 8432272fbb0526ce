#include "slurm/JobText.h"

#include <QCoreApplication>
#include <QStringList>

#include <map>

namespace parity::gui::jobtext {

namespace {

QString q(const std::string& s) { return QString::fromStdString(s); }
QString tr(const char* text) { return QCoreApplication::translate("JobText", text); }

using State = parity::slurm::RunStatus::State;

/// "3/10", or "" when the number of epochs is not known.
QString epochs(const parity::slurm::RunStatus& run)
{
    return run.epochs > 0 ? QStringLiteral("%1/%2").arg(run.epochsCompleted).arg(run.epochs) : QString();
}

QString word(State state)
{
    switch (state) {
    case State::Pending:
        return tr("pending");
    case State::Running:
        return tr("running");
    case State::Done:
        return tr("done");
    case State::Failed:
        return tr("failed");
    case State::Stopped:
        return tr("stopped");
    case State::Cancelled:
        return tr("cancelled");
    case State::Unknown:
        break;
    }
    return tr("unknown");
}

} // namespace

bool isActive(const parity::slurm::RunStatus& run)
{
    return run.state == State::Pending || run.state == State::Running;
}

QString state(const parity::slurm::RunStatus& run)
{
    QString text = word(run.state);
    switch (run.state) {
    case State::Pending:
        // Slurm says "None" when it has no reason to give; the array's own
        // limit is the dialog's "Tasks at once" (and long for the column).
        if (run.reason == "JobArrayTaskLimit")
            text += tr(" (tasks at once)");
        else if (!run.reason.empty() && run.reason != "None")
            text += QStringLiteral(" (%1)").arg(q(run.reason));
        break;
    case State::Running:
    case State::Stopped:
        if (!epochs(run).isEmpty())
            text += QLatin1Char(' ') + epochs(run);
        break;
    case State::Unknown:
        if (!run.slurmState.empty())
            text = q(run.slurmState).toLower();
        break;
    default:
        break;
    }
    if (run.restarts > 0)
        text += tr(" · requeued ×%1").arg(run.restarts);
    return text;
}

QString toolTip(const parity::slurm::Sweep& sweep, const parity::slurm::RunStatus& run)
{
    QStringList lines;
    lines << (sweep.jobId.empty() ? tr("Not submitted (task %1)").arg(run.index)
                                  : tr("Slurm job %1, task %2 (%1_%2)").arg(q(sweep.jobId)).arg(run.index));
    QString slurm = run.slurmState.empty() ? tr("Slurm no longer lists this task")
                                           : tr("Slurm: %1").arg(q(run.slurmState));
    if (!run.reason.empty() && run.reason != "None") {
        if (run.reason.rfind(run.slurmState, 0) == 0 && !run.slurmState.empty()) // "FAILED, exit 1:0"
            slurm = tr("Slurm: %1").arg(q(run.reason));
        else
            slurm += QStringLiteral(" (%1)").arg(q(run.reason));
    }
    lines << slurm;
    if (run.epochs > 0)
        lines << tr("Epochs done: %1 of %2").arg(run.epochsCompleted).arg(run.epochs);
    if (run.restarts > 0)
        lines << (run.restarts == 1 ? tr("Requeued once") : tr("Requeued %1 times").arg(run.restarts));
    if (!run.error.empty())
        lines << tr("Error: %1").arg(q(run.error));
    if (!run.logPath.empty())
        lines << tr("Log: %1").arg(q(run.logPath));
    lines << tr("Sweep: %1").arg(q(sweep.dir));
    if (!run.logTail.empty()) {
        lines << tr("Last lines of the log:");
        for (const auto& line : run.logTail)
            lines << QStringLiteral("  ") + q(line);
    }
    return lines.join(QLatin1Char('\n'));
}

QString summary(const parity::slurm::SweepStatus& status)
{
    std::map<int, int> counts; // by State, in the order of the enum
    for (const auto& run : status.runs)
        ++counts[int(run.state)];
    QStringList parts;
    for (const auto& [state, count] : counts)
        parts << QStringLiteral("%1 %2").arg(count).arg(word(State(state)));
    const QString job = status.sweep.jobId.empty() ? tr("sweep %1 (not submitted)").arg(q(status.sweep.id))
                                                   : tr("job %1").arg(q(status.sweep.jobId));
    return parts.isEmpty() ? job : QStringLiteral("%1: %2").arg(job, parts.join(QStringLiteral(", ")));
}

} // namespace parity::gui::jobtext
