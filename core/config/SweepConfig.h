#pragma once
#include "config/RunConfig.h"

#include <nlohmann/json.hpp>
#include <cstdint>
#include <functional>

#include <string>
#include <vector>

namespace parity {

/// A configuration file as the original framework reads it (docs/BEHAVIOUR.md §2): every
/// list is a sweep axis, every combination one run, in the nesting order
/// datasets, models, k_vals, losses, enc_dec_types. Our own keys (data_dir,
/// save_dir, seed, ...) apply to every run.
/// Most runs one configuration file may describe (the product of its sweep
/// axes); more is refused before expanding.
constexpr std::uint64_t kMaxSweepRuns = 10000;
/// The most parity queries per group (ec_r) a run may ask for.
constexpr int kMaxParities = 8;

class SweepConfig {
public:
    /// Parses and validates. `overrides` (from command-line flags) replace keys
    /// of the file before expansion. `sourceName` names the file in errors.
    /// Throws parity::Error listing every problem found.
    static SweepConfig fromJson(const nlohmann::json& j, const std::string& sourceName,
                                const nlohmann::json& overrides = nlohmann::json::object());
    static SweepConfig load(const std::string& path, const nlohmann::json& overrides = nlohmann::json::object());

    const std::vector<RunConfig>& runs() const { return m_runs; }
    const nlohmann::json& source() const { return m_source; }

private:
    nlohmann::json m_source;
    std::vector<RunConfig> m_runs;
};

/// Calls `visit` on every path a configuration file holds (data_dir,
/// save_dir, base_weights unless "train", models_dir, model_script,
/// base_boxes), skipping empty ones, so it can rewrite them: a file's
/// relative paths are relative to its folder.
void forEachConfigPath(nlohmann::json& config, const std::function<void(std::string& path)>& visit);

/// Checks one run against the catalogue and the rules of docs/BEHAVIOUR.md §2. Returns the
/// reasons it is invalid (empty when valid).
std::vector<std::string> validateRun(const RunConfig& run);

} // namespace parity
