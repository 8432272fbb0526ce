#pragma once
// A finished run's real models, loaded once for serving: what measureRun
// times (ServiceMeasurement.h) and what the live mode's workers run
// (LiveServing.h).
#include "config/RunConfig.h"

#include <ATen/ATen.h>

#include <cstdint>
#include <memory>
#include <string>

namespace parity {
class Network;
class RunComponents;
class TrainingObserver;
} // namespace parity

namespace parity::serving {

struct ServedModels {
    ServedModels();
    ~ServedModels();
    ServedModels(ServedModels&&) noexcept;
    ServedModels& operator=(ServedModels&&) noexcept;

    RunConfig config;
    std::string checkpoint; ///< the file the models came from
    bool berrut = false;    ///< a Berrut run: every query is coded
    /// Built through the run's own construction path (RunComponents,
    /// Purpose::Evaluation): every component frozen, in eval mode.
    std::unique_ptr<RunComponents> parts;
    /// The base model's inputs of the first test samples, (n, ...), n >= k.
    at::Tensor inputs;
    /// The same samples as the encoder takes them, (n, D): the inputs
    /// flattened, as the trainer's preparation does, or resized to the
    /// encoder's code shape when it tiles (random values in that shape for a
    /// set decoded on demand: the encoder's cost does not depend on them).
    at::Tensor codeInputs;

    /// The model that answers coded query j of a group: parity model j when
    /// the run trained r of them, else its only one (Berrut: the base model).
    Network& codedModel(int64_t j) const;
};

/// Loads RUN_DIR's best.pth (else current.pth), builds its components and
/// reads max(k, min(samples, test size)) test samples. Sets the calling
/// thread's LibTorch thread count to `threads`. Throws parity::Error naming
/// the directory when it holds no checkpoint, for a run whose parity model
/// was never trained (train_parity_model false with a parity code: nothing to
/// serve), and when the test split holds fewer than k samples.
ServedModels loadServedModels(const std::string& runDir, int64_t samples, int threads,
                              TrainingObserver* observer = nullptr);

} // namespace parity::serving
