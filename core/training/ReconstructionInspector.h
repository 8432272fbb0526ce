#pragma once
// Torch-free on purpose: the Qt widgets include this header (pimpl).
#include "config/RunConfig.h"
#include "events/TrainingEvents.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace parity {

class CancelToken;

/// An image for display: channels x height x width floats in [0, 1], CHW.
struct InspectedImage {
    int channels = 0;
    int height = 0;
    int width = 0;
    std::vector<float> pixels;
};

/// One erasure position of a group: what the base model said about sample
/// `sample` and what the decoder rebuilt when that position was erased.
struct InspectedPosition {
    int64_t sample = 0;                  ///< index into the split's underlying sample set
    int64_t label = 0;                   ///< true label
    std::vector<float> baseOutput;       ///< F(X_i), the logits the trainer uses (C values)
    std::vector<float> reconstructed;    ///< D(...) with position i erased (C values)
    int64_t basePrediction = 0;          ///< argmax of baseOutput
    int64_t reconstructedPrediction = 0; ///< argmax of reconstructed (ties: lowest index, as the metrics)
    bool matchesBase = false;            ///< reconstructedPrediction == basePrediction (reconstruction top-1 hit)
    bool correct = false;                ///< reconstructedPrediction == label (overall top-1 hit)
    /// Localization runs: baseOutput and reconstructed are boxes (x, y, w, h,
    /// normalised, see Box), trueBox the true one; matchesBase / correct mean
    /// IoU >= 0.75 with the base box / the true box, as the metrics count.
    std::vector<float> trueBox;
    double iouWithBase = 0;
    double iouWithTruth = 0;
    /// Decoded (the default); false for a position that was available in
    /// ReconstructionInspector::inspectMissing: `reconstructed` is then the
    /// base output itself, served as it is.
    bool decoded = true;
};

/// Everything shown for one group of k queries.
struct InspectedGroup {
    std::string split;
    int64_t group = 0;
    int64_t groupCount = 0;
    std::vector<InspectedImage> inputs;       ///< the k decoded input images (raw samples / 255)
    InspectedImage parityQuery;               ///< E(X_1..X_k), min-max scaled to [0, 1]
    std::vector<InspectedPosition> positions; ///< one per erasure position, k in all
    std::vector<std::string> classNames;
    bool localization = false; ///< positions hold boxes (see InspectedPosition)
    /// How the positions were decoded: each with only itself missing, in turn
    /// (the default, as the e = 1 metrics), or all from one set of missing
    /// units (inspectMissing): `missing`, sorted.
    bool oneAtATime = true;
    std::vector<int> missing;
};

/// How a split is cut into groups of k.
enum class GroupOrder {
    /// Samples indices[g*k .. g*k+k) of the split, never reshuffled: group g
    /// stays the same queries from epoch to epoch (watching a run).
    SplitOrder,
    /// The order the trainer used in the checkpoint's epoch (train and val are
    /// reshuffled every epoch, and so is the test split of the folder sets),
    /// evaluated in the trainer's
    /// minibatches: the fraction of matching positions is then exactly the
    /// reconstruction_top1 the trainer reported for that epoch.
    EpochOrder,
};

/// Looks inside a trained (or training) run: for one group of k queries the
/// inputs, the parity query, and for each erasure position the base model's
/// output next to the decoder's reconstruction (docs/BEHAVIOUR.md §3.5-3.6).
///
/// open() rebuilds what the trainer had through the trainer's own
/// construction path (RunComponents, Purpose::Evaluation): the base model and
/// the trained weights from the checkpoint, the data prepared the same way
/// with the same seed (so the splits are the trainer's). Batches go through
/// RunComponents::decode in inference mode and are scored by SplitScorer, as
/// in the trainer's val/test passes. Thread-safe: calls are serialised internally, so one thread may
/// reload weights while another inspects.
class ReconstructionInspector {
public:
    /// Opens a best.pth / current.pth written by the Trainer. Prepares the
    /// dataset (as long as the trainer's own preparation), reporting progress
    /// to `observer`; `cancel` stops it (parity::Cancelled). Throws
    /// parity::Error naming the file for a missing, truncated or foreign
    /// checkpoint, missing data, or weights that do not fit.
    static std::unique_ptr<ReconstructionInspector> open(const std::string& checkpoint,
                                                         TrainingObserver* observer = nullptr,
                                                         const CancelToken* cancel = nullptr,
                                                         GroupOrder order = GroupOrder::SplitOrder);
    ~ReconstructionInspector();
    ReconstructionInspector(const ReconstructionInspector&) = delete;
    ReconstructionInspector& operator=(const ReconstructionInspector&) = delete;

    /// Cheap refresh during a run: loads only the weights (and epoch) of
    /// another checkpoint of the same run. Throws parity::Error naming the file
    /// when its configuration or base model differs (open it anew instead);
    /// the previous weights stay in place then.
    void reloadWeights(const std::string& checkpoint);

    /// Changes how splits are cut into groups (see GroupOrder).
    void setGroupOrder(GroupOrder order);
    GroupOrder groupOrder() const;

    /// "train", "val", "test".
    static std::vector<std::string> splits();
    /// Complete groups of k in the split. Throws parity::Error for an unknown split.
    int64_t groupCount(const std::string& split) const;
    /// Group `group` (0 <= group < groupCount) of `split`. Throws parity::Error
    /// for an unknown split or a group out of range.
    InspectedGroup inspect(const std::string& split, int64_t group) const;
    /// Group `group` of `split` decoded with the units `missing` unavailable
    /// all at once (docs/CODES.md): for ParM / learned codes data positions
    /// 0..k-1, |missing| = 1..r, the missing positions decoded and the others
    /// served as they are; for a code that decodes every position (Berrut)
    /// workers 0..N-1, |missing| = 0..k, all k positions decoded from the
    /// rest. Throws parity::Error for a unit out of range, a repeated unit, a
    /// number the code cannot decode, or a localization run.
    InspectedGroup inspectMissing(const std::string& split, int64_t group, std::vector<int> missing) const;
    /// The missing sets the run is scored with (RunComponents::erasures()),
    /// by e ascending, each sorted.
    std::vector<std::vector<int>> erasurePatterns() const;
    /// Whether every position is decoded (Berrut), the units then being
    /// workers rather than data positions.
    bool decodesEveryPosition() const;

    /// The first group after `after` (wrapping around; `after` itself last)
    /// where some position's reconstruction argmax differs from the base
    /// model's (localization: IoU with the base box below 0.75); nullopt when
    /// there is none. Evaluates whole minibatches; `cancel` is checked
    /// between them (parity::Cancelled), so a long search can be given up.
    std::optional<int64_t> nextMismatch(const std::string& split, int64_t after,
                                        const CancelToken* cancel = nullptr) const;
    /// The split's metrics and loss over all its groups, scored in the
    /// trainer's minibatches by the trainer's SplitScorer: with
    /// GroupOrder::EpochOrder, exactly what the trainer wrote to the result
    /// files for the checkpoint's epoch (val and test).
    SplitMetrics splitMetrics(const std::string& split) const;
    /// Fraction of (group, erased position) pairs of the split whose
    /// reconstruction argmax matches the base argmax (reconstruction top-1;
    /// localization: reconstruction_acc).
    double reconstructionTop1(const std::string& split) const;

    int epoch() const; ///< last completed epoch of the loaded checkpoint (0-based)
    RunConfig config() const;
    std::string checkpointPath() const; ///< the file the current weights came from
    std::vector<std::string> classNames() const;

private:
    struct Impl;
    explicit ReconstructionInspector(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m;
};

} // namespace parity
