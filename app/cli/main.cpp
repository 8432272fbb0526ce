// parity-train: the headless command line of Parity Workbench. Accepts the
// original framework's configuration files unchanged (docs/BEHAVIOUR.md §2).
#include "CliOptions.h"
#include "ConsoleObserver.h"

#include "config/SweepConfig.h"
#include "events/CancelToken.h"
#include "io/RunDirectory.h"
#include "training/RunDescription.h"
#include "training/Trainer.h"
#include "util/BlasStartup.h"
#include "util/Error.h"
#include "util/MachineReport.h"

#include <torch/version.h>

#include <csignal>
#include <filesystem>
#include <cstdio>
#include <iostream>

namespace {

parity::CancelToken g_cancel;

extern "C" void onInterrupt(int)
{
    // First Ctrl-C: finish the current batch and stop, keeping checkpoints.
    // A second one ends the process at once.
    g_cancel.cancel();
    std::signal(SIGINT, SIG_DFL);
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
        if (!options.continueFrom.empty() && sweep.runs().size() > 1)
            throw Error("--continue-from resumes one run, but " + options.configPath + " describes "
                        + std::to_string(sweep.runs().size()) + " runs");

        // Say once when this machine computes below what it could (a generic
        // BLAS kernel that could not be replaced, subnormals kept).
        if (const auto& warning = blas::startupReport().warning; !warning.empty())
            std::fprintf(stderr, "parity-train: warning: %s\n", warning.c_str());
        std::signal(SIGINT, onInterrupt);
        ConsoleObserver console;
        int index = 0;
        for (const auto& run : sweep.runs()) {
            TrainerOptions trainerOptions;
            trainerOptions.continueFrom = options.continueFrom;
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
            trainerOptions.runIndex = index++;
            Trainer trainer(run, trainerOptions, &console, &g_cancel);
            const RunSummary summary = trainer.run();
            std::printf("Results: %s\n", summary.runDir.c_str());
            std::fflush(stdout);
            if (summary.stopped)
                return 130;
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
    return 0;
}
