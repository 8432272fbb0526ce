// parity-train: the headless command line of Parity Workbench. Accepts the
// original framework's configuration files unchanged (docs/BEHAVIOUR.md §2).
#include "CliOptions.h"
#include "ConsoleObserver.h"

#include "config/SweepConfig.h"
#include "events/CancelToken.h"
#include "io/RunDirectory.h"
#include "slurm/SlurmSweep.h"
#include "training/RunDescription.h"
#include "training/Trainer.h"
#include "util/BlasStartup.h"
#include "util/Error.h"
#include "util/MachineReport.h"
#include "util/Process.h"

#include <torch/version.h>

#include <csignal>
#include <filesystem>
#include <cstdio>
#include <cstdlib>
#include <iostream>

namespace {

/// Ends a run that finished: everything it wrote is closed and renamed in
/// place by now, so the process leaves without running the static
/// destructors of LibTorch's 1,900 operator registrations and freeing a heap
/// of hundreds of MB piece by piece (0.1 s on a 2-core VM, each run). Under a
/// sanitizer it returns normally, so that the leak check runs.
int finish(int code)
{
    if (parity::blas::kAddressSanitizer)
        return code;
    std::fflush(nullptr);
    std::_Exit(code);
}

parity::CancelToken g_cancel;
volatile std::sig_atomic_t g_signal = 0;

extern "C" void onInterrupt(int)
{
    // First Ctrl-C: finish the current batch and stop, keeping checkpoints.
    // A second one ends the process at once.
    g_signal = SIGINT;
    g_cancel.cancel();
    std::signal(SIGINT, SIG_DFL);
}

// SIGTERM (Slurm's preemption, scancel, requeue) and SIGUSR1 (the warning
// before the time limit): finish the current batch and stop, keeping
// current.pth. They stay caught: Slurm follows a requeue with SIGTERM, and
// the run.json saying "stopped" must still be written.
extern "C" void onStopSignal(int signal)
{
    if (g_signal == 0)
        g_signal = signal;
    g_cancel.cancel();
}

/// The Slurm task this process runs in: "<array job>_<task>" in a job array
/// (a sweep's task), the job id in another job, "" outside Slurm.
std::string slurmTaskOfThisProcess()
{
    const auto env = [](const char* name) {
        const char* v = std::getenv(name);
        return std::string(v ? v : "");
    };
    const std::string arrayJob = env("SLURM_ARRAY_JOB_ID"), task = env("SLURM_ARRAY_TASK_ID");
    return !arrayJob.empty() && !task.empty() ? arrayJob + "_" + task : env("SLURM_JOB_ID");
}

/// After the time-limit warning a Slurm task puts itself back in the queue:
/// the requeued task resumes from current.pth (--resume-if-exists).
void requeueThisSlurmTask()
{
    const char* job = std::getenv("SLURM_JOB_ID");
    if (!job || !*job)
        return;
    // The requeue brings this job down: Slurm sends SIGTERM to its processes,
    // scontrol among them when it has not returned yet (a loaded machine's
    // test run: "could not requeue ...: exit status 143" for a requeue that
    // went through).
    parity::ProcessOptions options;
    options.blockTerminate = true;
    const parity::ProcessResult r = parity::runProcess({"scontrol", "requeue", job}, options);
    if (r.ok())
        std::fprintf(stderr, "parity-train: requeued Slurm job %s; it resumes from current.pth\n", job);
    else
        std::fprintf(stderr, "parity-train: could not requeue Slurm job %s: %s\n", job, r.message().c_str());
}

/// The parity-train command a Slurm task runs: the launcher (which chooses
/// the BLAS kernel on the node) beside this program in the build tree, or in
/// bin/ of an installation (this program in libexec/parity-workbench/).
std::string parityTrainCommand()
{
    namespace fs = std::filesystem;
    const fs::path self = parity::currentExecutable();
    for (const fs::path& candidate :
         {self.parent_path() / "parity-train", self.parent_path() / "../../bin/parity-train"}) {
        std::error_code ec;
        if (fs::is_regular_file(candidate, ec) && candidate != self)
            return fs::weakly_canonical(candidate, ec).string();
    }
    return self.string();
}

int slurmMain(const parity::CliOptions& options)
{
    using namespace parity;
    if (!options.slurmStatus.empty()) {
        std::fputs(slurm::statusText(slurm::readStatus(options.slurmStatus)).c_str(), stdout);
        return 0;
    }
    if (!options.slurmCancel.empty()) {
        const slurm::Sweep sweep = slurm::Sweep::read(options.slurmCancel);
        const std::optional<int> only = options.onlyRun >= 0 ? std::optional<int>(options.onlyRun) : std::nullopt;
        const std::string note = slurm::cancel(sweep, only);
        std::printf("Cancelled %s (sweep %s)\n",
                    only ? ("task " + std::to_string(*only) + " of job " + sweep.jobId).c_str()
                         : ("job " + sweep.jobId + ", every task").c_str(),
                    sweep.id.c_str());
        if (!note.empty())
            std::fprintf(stderr, "parity-train: warning: %s\n", note.c_str());
        return 0;
    }
    return -1;
}

} // namespace

int main(int argc, char** argv)
{
    using namespace parity;
    CliOptions options;
    try {
        options = CliOptions::parse(argc, argv);
    } catch (const Error& e) {
        std::fprintf(stderr, "parity-train: %s\n\n%s", e.what(), CliOptions::usage().c_str());
        return 2;
    }
    if (options.help) {
        std::fputs(CliOptions::usage().c_str(), stdout);
        return 0;
    }
    if (options.version) {
        std::printf("parity-train %s (LibTorch %s)\n", PARITY_VERSION, TORCH_VERSION);
        return 0;
    }

    try {
        if (const int rc = slurmMain(options); rc >= 0)
            return rc;
        // No sbatch: say so before writing anything.
        if (options.slurm && !options.slurmDryRun && findOnPath("sbatch").empty())
            throw Error("sbatch was not found on PATH (is this a Slurm login node?); nothing was written. "
                        "--slurm-dry-run writes the sweep and its script without submitting");
        const SweepConfig sweep = SweepConfig::load(options.configPath, options.overrides);
        if (!options.describe && !sweep.source().contains("save_dir")) {
            std::fprintf(stderr, "parity-train: missing SAVE_DIR (or \"save_dir\" in %s)\n\n%s",
                         options.configPath.c_str(), CliOptions::usage().c_str());
            return 2;
        }
        if (options.describe) {
            std::printf("%s: %zu run%s\n\n", options.configPath.c_str(), sweep.runs().size(),
                        sweep.runs().size() == 1 ? "" : "s");
            for (const auto& run : sweep.runs())
                std::printf("%s\n", describeRunText(run).c_str());
            const RunConfig first = sweep.runs().empty() ? RunConfig{} : sweep.runs().front();
            std::printf("%s", machineText(applyThreadSettings(first.threads, workloadOfModel(first.model))).c_str());
            return 0;
        }
        if (options.slurm) {
            slurm::Sweep written = slurm::writeSweep(sweep, options.configPath,
                                                     sweep.source().at("save_dir").get<std::string>(),
                                                     options.slurmOptions, parityTrainCommand());
            const size_t n = written.runs.size();
            if (options.slurmDryRun) {
                std::printf("Wrote sweep %s: %zu run%s, not submitted (--slurm-dry-run)\n  %s\nSubmit it with: "
                            "sbatch %s\n",
                            written.id.c_str(), n, n == 1 ? "" : "s", written.dir.c_str(),
                            written.scriptPath().c_str());
                return 0;
            }
            slurm::submit(written);
            std::printf("Submitted sweep %s as Slurm job %s: %zu task%s (array 0-%zu%s), one per run\n"
                        "  directory: %s\n  logs:      %s/logs/%s_<task>.out\n"
                        "Follow it:  parity-train --slurm-status %s\n"
                        "Cancel it:  parity-train --slurm-cancel %s   (one run: add --only-run N)\n",
                        written.id.c_str(), written.jobId.c_str(), n, n == 1 ? "" : "s", n - 1,
                        written.options.maxParallel > 0 ? ("%" + std::to_string(written.options.maxParallel)).c_str()
                                                        : "",
                        written.dir.c_str(), written.dir.c_str(), written.jobId.c_str(), written.dir.c_str(),
                        written.dir.c_str());
            return 0;
        }
        if (options.onlyRun >= int(sweep.runs().size()))
            throw Error(options.configPath + " describes " + std::to_string(sweep.runs().size()) + " run"
                        + (sweep.runs().size() == 1 ? "" : "s") + " (0 to " + std::to_string(sweep.runs().size() - 1)
                        + "): --only-run " + std::to_string(options.onlyRun) + " is not one of them");
        const size_t runsToDo = options.onlyRun >= 0 ? 1 : sweep.runs().size();
        if (!options.continueFrom.empty() && runsToDo > 1)
            throw Error("--continue-from resumes one run, but " + options.configPath + " describes "
                        + std::to_string(sweep.runs().size()) + " runs");

        // Say once when this machine computes below what it could (a generic
        // BLAS kernel that could not be replaced, subnormals kept).
        if (const auto& warning = blas::startupReport().warning; !warning.empty())
            std::fprintf(stderr, "parity-train: warning: %s\n", warning.c_str());
        std::signal(SIGINT, onInterrupt);
        std::signal(SIGTERM, onStopSignal);
        std::signal(SIGUSR1, onStopSignal);
        ConsoleObserver console;
        for (size_t index = 0; index < sweep.runs().size(); ++index) {
            if (options.onlyRun >= 0 && int(index) != options.onlyRun)
                continue;
            const RunConfig& run = sweep.runs()[index];
            TrainerOptions trainerOptions;
            trainerOptions.continueFrom = options.continueFrom;
            trainerOptions.slurmTask = slurmTaskOfThisProcess();
            if (options.resumeIfExists) {
                const RunDirectory dir = RunDirectory::of(run);
                if (dir.hasCheckpoint(CheckpointKind::Current))
                    trainerOptions.continueFrom = dir.checkpoint(CheckpointKind::Current);
            }
            // A run directory resumes from its current.pth.
            if (std::filesystem::is_directory(options.continueFrom)) {
                const RunDirectory dir(options.continueFrom);
                trainerOptions.continueFrom = dir.checkpoint(CheckpointKind::Current);
                std::error_code ec;
                if (std::filesystem::weakly_canonical(options.continueFrom, ec)
                    != std::filesystem::weakly_canonical(RunDirectory::of(run).path(), ec))
                    throw Error(options.continueFrom + ": not the directory this configuration writes to ("
                                + RunDirectory::of(run).path()
                                + "); give that run's checkpoint file, or the save "
                                  "directory it was written to");
                if (!dir.hasCheckpoint(CheckpointKind::Current))
                    throw Error(options.continueFrom + ": a run directory without " + runfiles::kCurrentCheckpoint
                                + " to resume from");
            }
            trainerOptions.onlyTest = options.onlyTest;
            trainerOptions.checkpointCycle = options.checkpointCycle;
            trainerOptions.runIndex = int(index);
            Trainer trainer(run, trainerOptions, &console, &g_cancel);
            const RunSummary summary = trainer.run();
            std::printf("Results: %s\n", summary.runDir.c_str());
            std::fflush(stdout);
            if (summary.stopped) {
                const int signal = g_signal;
                if (signal == SIGTERM || signal == SIGUSR1)
                    std::fprintf(stderr,
                                 "parity-train: %s: stopped after %d of %d epochs; current.pth is kept "
                                 "(--resume-if-exists goes on)\n",
                                 signal == SIGTERM ? "SIGTERM" : "SIGUSR1", summary.epochsCompleted, run.numEpochs);
                if (signal == SIGUSR1)
                    requeueThisSlurmTask();
                return signal > 0 ? 128 + signal : 130;
            }
        }
    } catch (const Error& e) {
        std::fflush(stdout);
        std::fprintf(stderr, "parity-train: error: %s\n", e.what());
        return 1;
    } catch (const std::exception& e) {
        std::fflush(stdout);
        std::fprintf(stderr, "parity-train: internal error: %s\n", e.what());
        return 3;
    }
    return finish(0);
}
