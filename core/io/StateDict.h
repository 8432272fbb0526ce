#pragma once
#include "io/TorchFile.h"

#include <ATen/core/Tensor.h>
#include <torch/nn/module.h>

#include <string>
#include <utility>
#include <vector>

namespace parity {

/// Named tensors in file (or module) order, like a PyTorch state_dict.
using StateDict = std::vector<std::pair<std::string, at::Tensor>>;

/// Reads a state_dict: a plain dict or OrderedDict of tensors (torch.save of
/// model.state_dict()); or, from one of our own checkpoint files (a dict with
/// nested dicts), the dict of tensors stored under `entry`; or a dict whose
/// "state_dict" entry holds one. Throws parity::Error naming the file.
StateDict readStateDict(const std::string& path, const std::string& entry = "base_model");

/// Same as readStateDict, from the bytes of such a file; `sourceName` names it
/// in error messages.
StateDict readStateDictBytes(const std::string& bytes, const std::string& sourceName,
                             const std::string& entry = "base_model");

/// Same as readStateDict, from a value already read; `sourceName` names it in
/// error messages.
StateDict stateDictFromTorchValue(const TorchValue& root, const std::string& sourceName,
                                  const std::string& entry = "base_model");

/// The module's state, like PyTorch's module.state_dict(): for each module
/// (depth first) its own parameters, then its own buffers (num_batches_tracked
/// included), under dotted names. The tensors are detached but share memory
/// with the module.
StateDict stateDictOf(const torch::nn::Module& module);

/// Strict load like PyTorch's load_state_dict: copies every tensor into the
/// module, without autograd, converting the dtype where it differs (e.g. double
/// to float). Missing names, unexpected names and wrong shapes are all reported
/// in one parity::Error that names `sourceName`, e.g. "w.pt: tensor 'nn.0.weight'
/// has shape [100, 784] but the model expects [200, 784]; missing 'nn.4.bias'".
/// Nothing is copied unless everything matches.
void loadStateDict(torch::nn::Module& module, const StateDict& dict, const std::string& sourceName);

/// Writes `dict` as a plain dict of tensors (torch.save zip format, see
/// writeTorchFile) that Python's torch.load and readStateDict both read,
/// atomically. Throws parity::Error naming the file.
void writeStateDict(const std::string& path, const StateDict& dict);

} // namespace parity
