#pragma once
#include "catalog/Catalog.h"
#include "config/RunConfig.h"
#include "data/RawDataset.h"
#include "io/StateDict.h"

#include <ATen/ATen.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace parity {

class CancelToken;
class TrainingObserver;
struct Checkpoint;

/// What the components are built for.
enum class Purpose {
    /// A run that trains: the base model is loaded, imported or trained
    /// (BaseModelProvider), fresh components start from the run's seed, and
    /// components the run trains stay trainable.
    Training,
    /// Looking at a run (inspector, serving, description): the base model and
    /// the trained weights come from a checkpoint, every component is frozen
    /// in eval mode, and the global generator is not reseeded (a trainer may be
    /// running beside us).
    Evaluation,
};

/// One coded batch through the components: the k queries of each group
/// encoded, the parity model's outputs, every erasure position decoded, and
/// the run's loss (as the trainer computes it).
struct DecodedBatch {
    at::Tensor parityQuery;   ///< (groups, outputs, ...) the encoder's output (r queries; Berrut: k + r)
    at::Tensor parityOutput;  ///< (groups, outputs, C)
    at::Tensor reconstructed; ///< (groups, k, C): position i decoded with it erased (Berrut: from every worker)
    /// Per entry of RunComponents::erasures(): (groups, patterns, m, C), the
    /// decoded positions of each pattern (m = e, or k for Berrut).
    std::vector<at::Tensor> byErasure;
    at::Tensor loss; ///< scalar
};

/// The erasure patterns a run is scored with for one number e of missing
/// units (docs/CODES.md): each pattern the sorted missing units, and the
/// positions decoded for it (the missing ones; Berrut: all k).
struct ErasureSet {
    int erased = 1;
    std::vector<std::vector<int>> patterns;
    std::vector<std::vector<int>> positions;
    int64_t possible = 0; ///< patterns there are; more than patterns.size() when sampled
};

/// The erasure sets of a code with `units` outputs that may go missing,
/// e = minErased..maxErased. All patterns when there are at most
/// kMaxErasurePatterns in all; otherwise e <= 1 keeps all and each larger e
/// a sample of kSampledPatternsPerErasure drawn once from `seed`.
std::vector<ErasureSet> erasureSets(const Decoder& decoder, std::uint64_t seed);
inline constexpr int64_t kMaxErasurePatterns = 64;
inline constexpr int64_t kSampledPatternsPerErasure = 16;

/// The components of one run — base model, parity model, encoder, decoder and
/// loss — built from a resolved configuration and an optional checkpoint.
/// This is the single construction path: the trainer, the reconstruction
/// inspector and `parity-train --describe` all build a run's components here,
/// and `decode` is the one evaluation of a coded batch (see
/// docs/ARCHITECTURE.md, "Adding a component").
class RunComponents {
public:
    /// The catalogue entries of the run's dataset and model. Throws
    /// parity::Error for names the catalogue does not know.
    RunComponents(RunConfig config, Purpose purpose);
    ~RunComponents();
    RunComponents(RunComponents&&) noexcept;
    RunComponents& operator=(RunComponents&&) noexcept;

    /// The run's data directory: data_dir, or the dataset's standard place.
    std::string dataDir() const;
    /// Reads the run's dataset (with the base model's boxes from base_boxes
    /// where configured). Throws parity::Error naming the directory when it is
    /// missing; `context` (e.g. the checkpoint being opened) prefixes errors.
    RawDataset loadData(TrainingObserver* observer, const std::string& context = {}) const;
    /// Reads the files the configuration names for the base model (weights,
    /// TorchScript, boxes) far enough to know they are usable; throws
    /// parity::Error naming the file. Cheap next to loadData: call it first.
    /// A base_weights file is read whole and kept for build, which then does
    /// not read it again (resnet18: 45 MB, 0.05-0.1 s of every start): the
    /// run uses the file as it was when checked, even if it changes meanwhile.
    void checkInputFiles();

    /// Builds every component. The base model: from `checkpoint` when it holds
    /// one (a resumed run goes on against the outputs it started with;
    /// Evaluation requires it), else per BaseModelProvider. Fresh components
    /// follow (docs/BEHAVIOUR.md §5: an untrained parity model is the base model's copy);
    /// with a checkpoint, the trained ones then get its weights.
    /// `checkpointPath` names the checkpoint in errors.
    void build(const RawDataset& raw, const Checkpoint* checkpoint, const std::string& checkpointPath,
               TrainingObserver* observer = nullptr, const CancelToken* cancel = nullptr);

    /// Every component with fresh weights and no data or checkpoint: what
    /// `--describe` counts. The base model's weights are not loaded.
    void buildUnloaded();

    /// Fresh components around `base` (already built), then the trained
    /// weights of `checkpoint`: a cheap reload of another checkpoint of the
    /// same run. Leaves this object untouched; throws parity::Error naming
    /// `checkpointPath` for a missing entry or weights that do not fit.
    RunComponents withWeightsOf(const Checkpoint& checkpoint, const std::string& checkpointPath) const;

    /// Sets training / eval mode of the components the run trains (the
    /// others stay in eval mode), and of a frozen parity model whose
    /// statistics follow the data (parityStatisticsMove).
    void setTraining(bool train);

    /// True when the parity model is not trained but runs in training mode on
    /// the train split, as in the original (freeze_parity_bn false), and has
    /// buffers (BatchNorm running statistics) that this changes: checkpoints
    /// then carry its state, so a resume or an inspector sees those statistics.
    bool parityStatisticsMove() const;

    /// `queries` (groups, k, ...) coded into (groups, r, ...) parity queries,
    /// the parity model's outputs, and every erasure position reconstructed
    /// from `baseOutputs` (groups, k, C). The loss: the parity loss against
    /// the decoder's combination of the base outputs, or with a trained
    /// decoder the masked loss of the reconstructions (with `labels`,
    /// (groups, k)). Runs under the caller's grad / inference mode.
    DecodedBatch decode(const at::Tensor& queries, const at::Tensor& baseOutputs, const at::Tensor& labels) const;

    const RunConfig& config() const { return m_config; }
    const DatasetEntry& dataset() const { return *m_dataset; }
    const ModelEntry& modelEntry() const { return *m_model; }
    Purpose purpose() const { return m_purpose; }

    /// The erasure sets this run is scored with (erasureSets), e ascending.
    const std::vector<ErasureSet>& erasures() const { return m_erasures; }
    /// The checkpoint entry of parity model j (and "opt" of its optimiser):
    /// "parity_model" for the first, "parity_model_2", ... for the others.
    static std::string parityKey(size_t j, const std::string& stem = "parity_model");

    std::shared_ptr<Network> base;
    /// The parity models: r when they are trained (own weights), else one
    /// (the base model's copy, answering every coded query).
    std::vector<std::shared_ptr<Network>> parities;
    std::shared_ptr<Encoder> encoder;
    std::shared_ptr<Decoder> decoder;
    std::unique_ptr<Loss> loss;
    std::string baseSource; ///< where the base model's weights came from (run.json)

private:
    void assemble(const at::Tensor& trainBoxes);
    void loadTrained(const Checkpoint& checkpoint, const std::string& checkpointPath);

    RunConfig m_config;
    Purpose m_purpose;
    const DatasetEntry* m_dataset = nullptr;
    const ModelEntry* m_model = nullptr;
    std::vector<ErasureSet> m_erasures;
    std::optional<StateDict> m_baseWeights; ///< base_weights as checkInputFiles read it, until build
};

/// The checkpoint entry `key`; throws parity::Error "<path>: damaged
/// checkpoint: no '<key>' entry" when it is missing.
const StateDict& checkpointEntry(const Checkpoint& checkpoint, const std::string& path, const std::string& key);

} // namespace parity
