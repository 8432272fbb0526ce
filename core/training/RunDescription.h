#pragma once
#include "config/RunConfig.h"

#include <nlohmann/json.hpp>

namespace parity {

/// What a run would do, without training: resolved components with their
/// parameter counts (docs/BEHAVIOUR.md §7), where its data and base weights come from and
/// whether they are there. Used by `parity-train --describe` and the GUI.
nlohmann::json describeRun(const RunConfig& config);

/// The same as readable text, one indented block per run.
std::string describeRunText(const RunConfig& config);

} // namespace parity
