#pragma once
#include "catalog/Catalog.h"
#include "config/RunConfig.h"
#include "training/PreparedData.h"
#include "training/AdamOptimizer.h"
#include "training/FusedMlpStep.h"
#include "training/RunComponents.h"
#include "io/ServedAccuracy.h"
#include "events/TrainingEvents.h"
#include "util/Threads.h"

#include <nlohmann/json.hpp>

#include <map>
#include <memory>
#include <optional>
#include <string>

namespace parity {

class CancelToken;
class ResultWriter;
struct Checkpoint;

/// The answer a run without redundancy gives for a missing prediction: the
/// most frequent class of the training split, and its accuracy on test.
struct DefaultPrediction {
    int64_t label = 0;
    double testAccuracy = 0;
};
DefaultPrediction defaultPrediction(const PreparedData& data);

struct TrainerOptions {
    std::string continueFrom; ///< checkpoint to resume from ("" = fresh run)
    bool onlyTest = false;    ///< needs continueFrom: run the test split once
    int checkpointCycle = 1;  ///< write `current.pth` every N epochs (and after the last)
    int runIndex = 0;         ///< position in a sweep, echoed in events
    /// > 0: every other thread of the process (LibTorch's and the BLAS's
    /// pools, this one) runs at this nice value, all but the process's main
    /// thread (the workbench's GUI stays responsive).
    int niceness = 0;
    /// The Slurm task running this run ("<array job>_<task>", or the job id
    /// outside an array; "" elsewhere), recorded in run.json as
    /// "slurm_task": a sweep's status accepts a record only from its own task.
    std::string slurmTask;
};

/// One run of docs/BEHAVIOUR.md §3: base model, dataset preparation, then per epoch a
/// training pass, a validation pass and a test pass, result files and
/// checkpoints. Reports through a TrainingObserver; checks the CancelToken
/// every batch. Same seed and thread count give identical metrics, and a
/// resumed run continues exactly as the uninterrupted one would have.
class Trainer {
public:
    Trainer(RunConfig config, TrainerOptions options, TrainingObserver* observer = nullptr,
            const CancelToken* cancel = nullptr);
    ~Trainer();

    /// Runs to the end (or until cancelled: summary.stopped). Throws
    /// parity::Error for bad input; files already saved stay intact.
    RunSummary run();

    const RunConfig& config() const { return m_config; }

private:
    void setUpOptimizers();
    void restore(const Checkpoint& checkpoint);
    void runOnlyTest(const Checkpoint& checkpoint);
    SplitResult runSplit(const SplitPlan& split, int epoch, bool train);
    void saveCheckpoints(int epoch, bool improved);
    /// served_accuracy.csv from this epoch's test metrics (classification runs).
    void writeServedAccuracy(const SplitMetrics& test);
    nlohmann::json runInfo(const std::string& status) const;
    void keepRecordedOrigin();
    void emit(const std::string& line);

    RunConfig m_config;
    TrainerOptions m_options;
    TrainingObserver* m_observer;
    const CancelToken* m_cancel;

    ThreadSettings m_threads;
    nlohmann::json m_machine; ///< machineJson() at the start of the run, for run.json
    std::unique_ptr<RunComponents> m_parts;
    std::vector<std::unique_ptr<AdamOptimizer>> m_parityOpts; ///< one per trained parity model
    std::unique_ptr<AdamOptimizer> m_encoderOpt;
    std::unique_ptr<AdamOptimizer> m_decoderOpt;
    std::unique_ptr<FusedMlpStep> m_fusedStep; ///< the autograd-free step, where it applies
    std::unique_ptr<ResultWriter> m_results;
    PreparedData m_data;
    struct SplitBuffers {
        at::Tensor batchInputs; ///< one batch of code inputs
        at::Tensor baseOutputs; ///< the base model's outputs in this epoch's order
    };
    std::map<std::string, SplitBuffers> m_splitBuffers; ///< reused from epoch to epoch
    RunSummary m_summary;
    int m_startEpoch = 0;
    double m_bestVal = 0;
    /// m_bestVal, or NaN when the run has no validation split (val_size 0).
    double bestValOrNone() const;
    std::optional<DefaultPrediction> m_defaultPrediction;
    std::optional<ServedAccuracy> m_served;
    std::string m_startedAt;
    std::string m_resumedFrom; ///< the checkpoint the last resume started from ("" for a fresh run)
};

} // namespace parity
