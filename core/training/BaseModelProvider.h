#pragma once
#include "catalog/Catalog.h"
#include "config/RunConfig.h"
#include "data/RawDataset.h"
#include "events/TrainingEvents.h"
#include "io/StateDict.h"

#include <memory>
#include <string>
#include <vector>

namespace parity {

class CancelToken;

/// Finds the trained base model F for a run. A file-based architecture
/// (model "torchscript") is the run's model_script, weights included.
/// Otherwise, in this order:
///  1. `base_weights` names a file: a torch.save state_dict (plain dict or
///     OrderedDict) with the reference parameter names, or one of our
///     checkpoints (its base_model entry); `base_weights: "train"` forces 3.
///  2. the weights bundled with the application (the original's published
///     base models: resources/base_models/<dataset>/<model>/model.pt);
///  3. the per-user cache `<models_dir>/<dataset>/<model>/model.pt`;
///  4. otherwise trains one here (supervised, Adam, base_train_epochs
///     epochs on the train split), prints its accuracy and caches it in 3.
class BaseModelProvider {
public:
    struct Result {
        std::shared_ptr<Network> model;
        std::string source; ///< the file it came from, or "trained here, cached in ..."
    };

    /// `baseWeightsRead`: the file `base_weights` names, already read by the
    /// caller (RunComponents::checkInputFiles); it is then not read again.
    static Result obtain(const RunConfig& config, const DatasetEntry& dataset, const ModelEntry& modelEntry,
                         const RawDataset& raw, TrainingObserver* observer, const CancelToken* cancel,
                         const StateDict* baseWeightsRead = nullptr);

    static std::string cachePath(const std::string& modelsDir, const std::string& dataset, const std::string& model);
    /// Existing bundled weight files for dataset/model, best first.
    static std::vector<std::string> bundledPaths(const std::string& dataset, const std::string& model);

    /// The base model of a file-based architecture, checked against the
    /// dataset's number of classes.
    static Result fromModelFile(const RunConfig& config, const DatasetEntry& dataset, const ModelEntry& modelEntry);

    /// Supervised training of a fresh model on `train`, reporting each epoch's
    /// test accuracy through `observer`.
    static void train(Network& model, const DatasetEntry& dataset, const RawDataset& raw, int epochs,
                      std::uint64_t seed, TrainingObserver* observer, const CancelToken* cancel);
};

} // namespace parity
