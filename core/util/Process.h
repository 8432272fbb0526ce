#pragma once
#include <string>
#include <vector>

namespace parity {

/// What a finished child process did.
struct ProcessResult {
    bool started = false; ///< false: the program could not be run (see `startError`)
    int exitCode = -1;    ///< the exit status; 128 + N when signal N ended it
    std::string out;      ///< standard output
    std::string err;      ///< standard error
    std::string startError;

    bool ok() const { return started && exitCode == 0; }
    /// Standard error, else standard output, else the start error, trimmed:
    /// what to show the user when the command failed.
    std::string message() const;
};

/// How runProcess starts its child.
struct ProcessOptions {
    /// The child starts with SIGTERM blocked: a command that brings down the
    /// job it runs in (`scontrol requeue` of one's own Slurm job, whose
    /// processes Slurm then sends SIGTERM) lives to report how it went.
    bool blockTerminate = false;
};

/// Runs `argv` (argv[0] looked up on PATH, no shell), closes its standard
/// input, waits for it and collects both outputs. Never throws for a
/// program that fails or does not exist: `started` and `exitCode` say.
ProcessResult runProcess(const std::vector<std::string>& argv, const ProcessOptions& options = {});

/// The full path of `program` on PATH (or `program` itself when it names a
/// file); "" when there is none that can be executed.
std::string findOnPath(const std::string& program);

/// The absolute path of the running executable ("" when it cannot be read).
std::string currentExecutable();

} // namespace parity
