#pragma once
// A sweep submitted to Slurm as one job array (issue 16): the files it is
// made of, its submission, its status and its cancellation. Qt-free; used by
// parity-train (--slurm, --slurm-status, --slurm-cancel) and the workbench.
//
// SAVE_DIR/slurm/<sweep-id>/
//   sweep.json          what was submitted: the runs, the options, the job id
//   sweep-config.json   the configuration the tasks read (paths absolute)
//   runs/<i>.json       run i resolved, as a one-run configuration file
//   submit.sbatch       the batch script (an array, one task per run)
//   logs/<job>_<i>.out  each task's output, appended across requeues
#include "config/SweepConfig.h"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace parity::slurm {

/// The record of a sweep in its directory (Sweep::read, sweepDirs).
inline constexpr const char* kSweepJson = "sweep.json";

/// The sbatch options a sweep is submitted with. Empty / 0: left to Slurm.
struct SubmitOptions {
    std::string partition;
    std::string time; ///< time limit, Slurm's spelling ("30", "2:00:00", "1-00:00:00")
    int cpusPerTask = 0;
    std::string gpus; ///< --gpus ("1", "a100:2")
    std::string mem;  ///< --mem ("8G")
    std::string account;
    int maxParallel = 0; ///< tasks running at once (the array's %M); 0: no limit
    /// Seconds before the time limit at which a task is told to stop and
    /// requeue itself (SIGUSR1, --signal=B:USR1@N).
    int signalSeconds = 120;
    std::vector<std::string> extraArgs; ///< passed to sbatch as they are, e.g. "--qos=short"

    nlohmann::json toJson() const;
    static SubmitOptions fromJson(const nlohmann::json& j);
};

/// One run of a written sweep.
struct SweepRun {
    int index = 0;
    std::string header; ///< RunConfig::header()
    std::string runDir; ///< absolute
    int epochs = 0;     ///< num_epoch
    /// When its task was cancelled through cancel() / cancelTasks() ("" when
    /// never): Slurm forgets a waiting task of an array as soon as it is
    /// cancelled, and this is then the only word of it.
    std::string cancelled;
};

/// A sweep's directory as written (and, once submitted, its job).
struct Sweep {
    std::string id;
    std::string dir;        ///< absolute
    std::string configPath; ///< the configuration file it came from ("" when none)
    std::string writtenBy;  ///< "parity-train --slurm", "Parity Workbench"
    std::string created;
    std::vector<SweepRun> runs;
    SubmitOptions options;
    std::string jobId; ///< "" until submitted
    std::string submitted;
    /// sweep.json's version: 2 since its tasks record themselves in run.json
    /// ("slurm_task"); a sweep written before (1) has tasks that did not.
    int version = 2;

    std::string scriptPath() const;
    std::string logPath(int index) const; ///< needs jobId; "" before
    /// The Slurm task of run `index` as its run.json names it
    /// ("<job>_<index>"); "" before submission and for a version-1 sweep,
    /// whose tasks did not record themselves.
    std::string taskOf(int index) const;
    /// Reads `dir`/sweep.json; throws parity::Error naming the file and the problem.
    static Sweep read(const std::string& dir);
    /// Writes `dir`/sweep.json atomically (a reader sees the old file or the
    /// new one); throws parity::Error naming the file.
    void write() const;
};

/// Writes the sweep's files under `saveDir`/slurm/<id>/ (nothing is
/// submitted). `configPath` is the file the sweep came from ("" when none:
/// the id then starts with the first run's dataset); `parityTrain` is the
/// executable the tasks run; `writtenBy` names the writer in the script.
/// Throws parity::Error (no runs, an unwritable save directory, bad options)
/// and leaves no directory behind when it does.
Sweep writeSweep(const SweepConfig& sweep, const std::string& configPath, const std::string& saveDir,
                 const SubmitOptions& options, const std::string& parityTrain,
                 const std::string& writtenBy = "parity-train --slurm");

/// The words sbatch reads in the rest of a #SBATCH line (its tokenizer,
/// src/sbatch/opt.c): whitespace ends a word, an unquoted '#' the line;
/// quotes group and vanish; a backslash escapes the next character.
std::vector<std::string> sbatchWords(const std::string& text);

/// The batch script of `sweep` (what submit.sbatch holds).
std::string batchScript(const Sweep& sweep, const std::string& parityTrain);

/// Submits a written sweep with sbatch and records the job id in sweep.json
/// (sbatch's last line that is a job id). When sbatch fails without one the
/// sweep's directory is removed (nothing half-submitted is left) and
/// parity::Error says what sbatch said and that it was removed; when it
/// succeeds without one, the directory stays (a job may be running from it)
/// and parity::Error says how to find it.
void submit(Sweep& sweep);

/// The state of one run, from the scheduler and the run directory.
struct RunStatus {
    enum class State { Pending, Running, Done, Failed, Stopped, Cancelled, Unknown };
    int index = 0;
    std::string header;
    std::string runDir;
    State state = State::Unknown;
    std::string slurmState;  ///< PENDING, RUNNING, COMPLETED, ... ("" when Slurm no longer knows the task)
    std::string reason;      ///< why it is pending, or how it ended
    int epochsCompleted = 0; ///< from the run directory
    int epochs = 0;
    int restarts = 0;  ///< times Slurm requeued it
    std::string error; ///< run.json's error for a failed run
    std::string logPath;
    std::vector<std::string> logTail; ///< last lines of the log, for a failed run
};

const char* stateName(RunStatus::State state);

struct SweepStatus {
    Sweep sweep;
    std::vector<RunStatus> runs;
    std::vector<std::string> notes; ///< e.g. "squeue failed: ..."
    /// The scheduler was asked and could not answer (squeue and scontrol
    /// failed, a controller restarting, a timeout; notes say how): runs
    /// without a final record of their own are Unknown for now, not ended.
    bool schedulerUnreachable = false;
    /// Worth asking again: a task waits or runs, or the scheduler could not
    /// say whether one does.
    bool followed() const;
};

/// What the scheduler says of each task of an array, keyed by task index.
struct TaskInfo {
    std::string state; ///< PENDING, RUNNING, COMPLETED, FAILED, CANCELLED, ...
    std::string reason;
    std::string exitCode; ///< "0:0"
    int restarts = 0;
};
using TaskTable = std::vector<std::pair<int, TaskInfo>>;

/// Parsers of the scheduler's output (seams for tests): `squeue -h -r -o
/// "%K|%T|%r"`, `scontrol -o show job`, `sacct -n -P -o JobID,State,ExitCode`.
TaskTable parseSqueue(const std::string& text);
TaskTable parseScontrol(const std::string& text, const std::string& jobId);
TaskTable parseSacct(const std::string& text, const std::string& jobId);

/// What a run directory's run.json says, as one of a sweep's runs reads it.
struct RunRecord {
    std::string status; ///< "running", "finished", ...; "" when there is no record of this run's task
    int epochsCompleted = 0;
    std::string error;   ///< run.json's error, or why it could not be read
    std::string foreign; ///< non-empty: run.json was written by another run, and whose it is
};

/// Reads `run`'s run.json. With `ownTask` (Sweep::taskOf) only a record
/// written by the run's own task counts (run.json's "slurm_task" is
/// `ownTask`): one left in the same directory by an earlier sweep or a run
/// outside Slurm says nothing of this task, whose own run may have failed
/// before writing any (another configuration for the same directory). An
/// empty `ownTask` takes any record.
RunRecord readRunRecord(const SweepRun& run, const std::string& ownTask);

/// Combines what the scheduler says of a task (none when it no longer knows
/// it) with what the run directory says (readRunRecord with `ownTask`).
RunStatus statusOf(const SweepRun& run, const std::optional<TaskInfo>& task, const std::string& logPath,
                   const std::string& ownTask);

/// Asks squeue, scontrol and (when accounting works) sacct, and reads every
/// run directory. Throws parity::Error when `dir` is not a sweep directory.
SweepStatus readStatus(const std::string& dir);

/// Text of `parity-train --slurm-status`.
std::string statusText(const SweepStatus& status);

/// scancel the sweep's array, or only task `index`. The tasks Slurm listed
/// as waiting or running before and cancelled get the time in sweep.json
/// (SweepRun::cancelled). Returns "" or, when that record could not be
/// written, a note that says so (the tasks are cancelled all the same).
/// Throws parity::Error with scancel's message on failure. (SlurmCancel.cpp)
[[nodiscard]] std::string cancel(const Sweep& sweep, std::optional<int> index = std::nullopt);
/// The same for these tasks of the sweep's array, in one scancel. Throws
/// parity::Error for no task, or an index not in the sweep, before asking Slurm.
[[nodiscard]] std::string cancelTasks(const Sweep& sweep, const std::vector<int>& indices);

/// The sweep directories under `saveDir`/slurm, oldest first.
std::vector<std::string> sweepDirs(const std::string& saveDir);

} // namespace parity::slurm
