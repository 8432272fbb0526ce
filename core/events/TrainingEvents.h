#pragma once
#include <cmath>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace parity {

/// Plain value structs handed to observers (no tensors), so a GUI can copy
/// them across threads.

struct SplitMetrics {
    /// The split's mean loss; NaN where the run computes none: a run that
    /// trains nothing (a Berrut code) has no loss to report, and its records
    /// say "nan" rather than a 0 that was never measured.
    double loss = 0;
    bool hasLoss() const { return !std::isnan(loss); }
    /// "reconstruction_top1", "overall_top5", ... for n <= number of classes.
    std::map<std::string, double> accuracy;
    double value(const std::string& metric) const; ///< "loss" or an accuracy key
};

struct BatchStats {
    int runIndex = 0;
    int epoch = 0;
    std::string split; ///< "train", "val", "test"
    int64_t batch = 0; ///< 1-based within the split
    int64_t batches = 0;
    double batchLoss = 0;      ///< NaN where the run computes no loss (SplitMetrics::loss)
    double runningLoss = 0;    ///< NaN likewise
    double runningTop1 = 0;    ///< overall top-1 so far this split (localization: localization accuracy)
    double runningTop5 = 0;    ///< overall top-5 (localization: reconstruction accuracy)
    bool localization = false; ///< the two above are a localization run's accuracies
    double groupsPerSecond = 0;
    double elapsedSeconds = 0;
    double etaSeconds = 0;
};

struct SplitResult {
    int runIndex = 0;
    int epoch = 0;
    std::string split;
    SplitMetrics metrics;
    double seconds = 0;
    int64_t groups = 0;
    /// Where the split's time went: "gather", "forward", "backward",
    /// "optimizer", "metrics" (seconds; the rest is loop overhead).
    std::map<std::string, double> phaseSeconds;
};

struct EpochSummary {
    int runIndex = 0;
    int epoch = 0;
    std::map<std::string, SplitMetrics> splits;
    double seconds = 0;
    bool improvedBest = false;
    double bestValReconstructionTop1 = 0; ///< NaN: the run has no validation split (val_size 0)
};

struct BaseAccuracy {
    std::string split;
    int64_t correct = 0;
    int64_t total = 0;
    double accuracy() const { return total ? double(correct) / double(total) : 0.0; }
};

struct RunSummary {
    int runIndex = 0;
    std::string runDir;
    std::string header;
    int epochsCompleted = 0;
    double bestValReconstructionTop1 = 0; ///< NaN: the run has no validation split (val_size 0)
    std::vector<BaseAccuracy> baseAccuracies;
    std::map<std::string, SplitMetrics> lastEpoch;
    bool stopped = false;
};

/// The two checkpoints of a run directory.
enum class CheckpointKind {
    Current, ///< current.pth: every checkpoint cycle and after the last epoch (resume from it)
    Best,    ///< best.pth: whenever the val reconstruction accuracy improved
};

/// Long work in the core reports through this interface (all callbacks are
/// invoked on the training thread; default implementations do nothing).
class TrainingObserver {
public:
    virtual ~TrainingObserver() = default;
    /// A line the CLI prints as is (header, base-model accuracy, notices).
    virtual void message(const std::string& line) {}
    /// Dataset preparation / base-model training progress.
    virtual void progress(const std::string& stage, int64_t done, int64_t total) {}
    /// The dataset is prepared: the base model's accuracy on train and test
    /// (the ceiling for overall accuracy).
    virtual void baseModelEvaluated(const std::vector<BaseAccuracy>& accuracies) {}
    virtual void batchFinished(const BatchStats& stats) {}
    virtual void splitFinished(const SplitResult& result) {}
    /// A checkpoint was written (before epochFinished of its epoch): `path`
    /// holds the state after epoch `epoch`.
    virtual void checkpointSaved(const std::string& path, int epoch, CheckpointKind kind) {}
    virtual void epochFinished(const EpochSummary& summary) {}
    virtual void runFinished(const RunSummary& summary) {}
};

} // namespace parity
