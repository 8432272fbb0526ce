#pragma once
// A trained run to serve live (docs/SERVING.md, "Live validation"): its base
// model takes a few milliseconds per query at batch size 1, long next to a
// thread hand-off, and it trains in seconds on generated data.
#include "support/TinyDataset.h"

#include "config/SweepConfig.h"
#include "training/Trainer.h"

namespace parity::test {

/// resnet18 on 28x28 generated MNIST-format images in tmp/data, k = 2,
/// addition / subtraction, one epoch (base model trained for one epoch into
/// tmp/models); returns the run's configuration (runDir() is where it is).
inline RunConfig trainTinyServingRun(const TempDir& tmp)
{
    writeTinyMnist(tmp / "data", 40, 20);
    nlohmann::json j = smokeSweep("mnist", "resnet18", tmp, 1);
    j["val_size"] = 6;
    const RunConfig config = SweepConfig::fromJson(j, "test").runs().front();
    Trainer(config, {}).run();
    return config;
}

} // namespace parity::test
