#pragma once
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
    bool help = false;
    bool version = false;
    /// Config keys set by flags; they override the file's.
    nlohmann::json overrides = nlohmann::json::object();

    /// Throws parity::Error with a usage message on bad arguments.
    static CliOptions parse(int argc, char** argv);
    static std::string usage();
};

} // namespace parity
