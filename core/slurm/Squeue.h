#pragma once
// The one squeue call of the sweep code: status and cancellation ask it the
// same question, and parseSqueue reads its answer.
#include "util/Process.h"

#include <string>

namespace parity::slurm {

/// `squeue -h -r -j JOB -o "%K|%T|%r"`: one line per task of the array
/// Slurm still lists (index, state, reason), as parseSqueue reads them.
inline ProcessResult askSqueue(const std::string& jobId)
{
    return runProcess({"squeue", "-h", "-r", "-j", jobId, "-o", "%K|%T|%r"});
}

} // namespace parity::slurm
