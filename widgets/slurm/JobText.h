#pragma once
// How the workbench words a Slurm task's state (issue 16): the Runs tab's
// Job column, its tooltip and the status line.
#include "slurm/SlurmSweep.h"

#include <QString>

namespace parity::gui::jobtext {

/// "pending (Priority)", "running 3/10", "done", "failed", "cancelled",
/// "stopped 4/10", each followed by " · requeued ×N" once Slurm requeued it.
QString state(const parity::slurm::RunStatus& run);
/// Job id and task, Slurm's state and reason, epochs, requeues, the log's
/// path and, for a failed run, its error and the last lines of its log.
QString toolTip(const parity::slurm::Sweep& sweep, const parity::slurm::RunStatus& run);
/// "job 1234: 2 running, 3 pending, 5 done".
QString summary(const parity::slurm::SweepStatus& status);
/// A task still waiting or running (worth asking Slurm again).
bool isActive(const parity::slurm::RunStatus& run);

} // namespace parity::gui::jobtext
