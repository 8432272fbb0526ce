#pragma once
#include "events/TrainingEvents.h"

#include <string>

namespace parity {

/// The original's tqdm-style progress line for a split (docs/BEHAVIOUR.md §3.6), without
/// terminal control characters, e.g.
///   Epoch 3. train. Top-1=0.5585, Top-5=0.9221, Loss=62.2081: 36%|###   | 154/430 [00:00<00:01, 195.82it/s, 6265 groups/s]
/// ("Loss=" is left out when the run computes no loss: runningLoss NaN, a
/// run that trains nothing). Printed by the CLI and shown in the workbench's log.
std::string progressLine(const BatchStats& stats);

/// "mm:ss", or "h:mm:ss" from an hour on.
std::string formatClock(double seconds);

} // namespace parity
