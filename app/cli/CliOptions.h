#pragma once
#include "slurm/SlurmSweep.h"

#include <nlohmann/json.hpp>

#include <string>

namespace parity {

/// Command line of parity-train (the original's train_config.py, plus our flags).
struct CliOptions {
    std::string configPath;
    std::string continueFrom;
    bool onlyTest = false;
    int checkpointCycle = 1;
    bool describe = false;
    /// Train only run N of the sweep (0-based, in expansion order); -1: all.
    int onlyRun = -1;
    /// Each run whose directory has a current.pth resumes from it; the
    /// others start afresh (what a requeued Slurm task does).
    bool resumeIfExists = false;
    /// --slurm / --slurm-dry-run: write the sweep as a job array (and submit it).
    bool slurm = false;
    bool slurmDryRun = false;
    slurm::SubmitOptions slurmOptions;
    std::string slurmStatus; ///< a sweep directory to report on
    std::string slurmCancel; ///< a sweep directory to cancel (or its run --only-run)
    bool help = false;
    bool version = false;
    /// Config keys set by flags; they override the file's.
    nlohmann::json overrides = nlohmann::json::object();

    /// Throws parity::Error with a usage message on bad arguments.
    static CliOptions parse(int argc, char** argv);
    static std::string usage();
};

} // namespace parity
