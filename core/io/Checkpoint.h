#pragma once
#include "config/RunConfig.h"
#include "io/StateDict.h"

#include <map>
#include <string>

namespace parity {

/// A training checkpoint (docs/BEHAVIOUR.md §3.8) plus the resolved configuration that
/// made it, so that a resume can refuse a different configuration. Stored as
/// a torch.save-compatible zip (Python's torch.load reads it too):
///   format, version, config (JSON text), epoch (last completed, 0-based),
///   best_val_acc, base_model, and for each trained component its weights and
///   Adam state: parity_model/opt, encoder/encoder_opt, decoder/decoder_opt.
struct Checkpoint {
    static constexpr const char* kFormat = "parity-workbench-checkpoint";

    RunConfig config;
    int epoch = -1;
    double bestValAcc = 0;
    std::map<std::string, StateDict> tensors; ///< by the keys above

    /// Written to a temporary file and renamed: an interrupted save never
    /// destroys the previous checkpoint. Throws parity::Error.
    void save(const std::string& path) const;
    /// Throws parity::Error naming the file for a missing, truncated or
    /// foreign file.
    static Checkpoint load(const std::string& path);
    /// Same as load, from the bytes of a checkpoint file; `sourceName` names
    /// it in error messages.
    static Checkpoint fromBytes(const std::string& bytes, const std::string& sourceName);
    /// Same as load, from a value already read.
    static Checkpoint fromTorchValue(const TorchValue& root, const std::string& sourceName);
};

} // namespace parity
