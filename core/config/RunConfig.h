#pragma once
#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace parity {

/// The epochs a run has in all: `numEpochs`, and at least 1 for a run that
/// trains nothing (a Berrut code with num_epoch 0 still evaluates once).
inline int epochsToRun(int numEpochs, bool trainsNothing) { return trainsNothing && numEpochs < 1 ? 1 : numEpochs; }

/// Where base models trained here are cached when a run names no models_dir:
/// $XDG_DATA_HOME/parity-workbench/models, else ~/.local/share/parity-workbench/models.
std::string defaultModelsDir();

/// Everything that defines one training run, resolved: one point of a sweep
/// (docs/BEHAVIOUR.md §2) plus our own keys. Component names keep the spelling the config
/// used (the original writes them into the result path), `*Class` hold the
/// canonical dotted class names.
struct RunConfig {
    std::string dataset = "fashion-mnist";
    std::string model = "base-mlp";
    int k = 2;
    int r = 1;
    std::string loss = "torch.nn.MSELoss";
    std::string lossClass = "torch.nn.MSELoss";
    std::string encoder = "coders.summation.AdditionEncoder";
    std::string encoderClass = "coders.summation.AdditionEncoder";
    std::string decoder = "coders.summation.SubtractionDecoder";
    std::string decoderClass = "coders.summation.SubtractionDecoder";
    bool trainEncoder = false;
    bool trainParityModel = true;
    bool trainDecoder = false;
    /// A parity model that is not trained (learned-coder runs) still runs in
    /// training mode on the train split, as in the original: BatchNorm uses
    /// batch statistics and updates its running statistics. true keeps it in
    /// eval mode, its statistics those of the base model (docs/DIFFERENCES.md).
    bool freezeParityBn = false;

    int numEpochs = 10;
    int batchSize = 64; ///< groups per minibatch: 64 for k = 2, else 32 (docs/BEHAVIOUR.md §2)
    double lr = 1e-3;
    double weightDecay = 1e-5;
    int valSize = 5000;
    std::uint64_t seed = 1;
    int threads = 0; ///< 0: all cores
    std::string device = "cpu";

    std::string dataDir; ///< empty: the dataset's default location
    std::string saveDir = "save";
    std::string baseWeights; ///< empty: cached, bundled, or trained in-app
    std::string modelsDir;   ///< empty: the per-user default, defaultModelsDir()
    std::string modelScript; ///< model "torchscript": the TorchScript file of the base model
    std::string baseBoxes;   ///< localization: the base model's boxes from a file (`id x y w h`) instead of computed
    int baseTrainEpochs = 5; ///< epochs when the base model must be trained here

    /// `<save_dir>/<dataset>/<model>/k<k>/<loss>/<encoder>/<decoder>` (docs/BEHAVIOUR.md §2);
    /// `k<k>_r<r>` for r != 1.
    std::string runDir() const;
    /// `<dataset> <model> <k> <loss> <encoder> <decoder>` (docs/BEHAVIOUR.md §3.0),
    /// then ` r=<r>` for r != 1.
    std::string header() const;
    /// A training-free code (Berrut): nothing is trained, num_epoch may be 0.
    bool trainsNothing() const;
    /// parity::epochsToRun(numEpochs, trainsNothing()).
    int epochsToRun() const { return parity::epochsToRun(numEpochs, trainsNothing()); }

    /// A short title for plots, exports and lists, e.g.
    /// "fashion-mnist · base-mlp · k=2 · Add/Sub · MSE".
    std::string shortTitle() const;

    nlohmann::json toJson() const;
    /// This run as a configuration file the CLI (and the original framework,
    /// for its keys) accepts: one-element sweep axes plus our own keys.
    nlohmann::json toConfigFile() const;
    /// Inverse of toJson(); throws parity::Error on a missing or mistyped key.
    static RunConfig fromJson(const nlohmann::json& j);

    /// Keys whose values must agree between a checkpoint and a run resuming
    /// from it. Returns "" when they agree, else a sentence naming the key.
    static std::string describeMismatch(const RunConfig& checkpoint, const RunConfig& current);
    /// Every setting in which `current` differs from the run `saved` describes,
    /// as "key: the run has X, now Y", in key order. Only what
    /// cannot change what a run computes or records is left out: num_epoch
    /// (what a resume extends), threads, save_dir and models_dir. The
    /// workbench resumes a run only when this is empty.
    static std::vector<std::string> listDifferences(const RunConfig& saved, const RunConfig& current);
};

/// Batch size in groups used by the original for a given k.
int defaultBatchSize(int k);

} // namespace parity
