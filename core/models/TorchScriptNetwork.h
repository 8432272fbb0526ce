#pragma once
#include "data/ImageShape.h"
#include "models/Network.h"

#include <torch/csrc/jit/api/module.h>

#include <memory>
#include <string>

namespace parity {

/// One submodule of a TorchScript model, seen from the torch::nn side: it
/// holds (shares, not copies) the scripted layer's parameters and buffers
/// under their own names and remembers the layer's class name ("Conv2d",
/// "Linear", "BatchNorm2d", ...), so initFreshWeights can re-initialise it by
/// kind (docs/BEHAVIOUR.md §4) like a built-in layer.
class ScriptedLayer : public torch::nn::Module {
public:
    explicit ScriptedLayer(std::string kind);
    const std::string& kind() const { return m_kind; }

private:
    std::string m_kind;
};

/// "Bring your own model": a TorchScript file (Python's torch.jit.save of a
/// scripted or traced nn.Module) as base or parity model. The script's
/// parameters and buffers are mirrored as a tree of ScriptedLayer submodules
/// with the same dotted names as the Python state_dict, sharing storage with
/// the script, so the optimizer, checkpoints, copyWeights and
/// initFreshWeights work on it as on any built-in Network. The script runs
/// on (N, C, H, W) inputs of the dataset's shape and must return (N, classes).
class TorchScriptNetwork : public Network {
public:
    /// Loads `path` (torch::jit::load); throws parity::Error naming the file.
    TorchScriptNetwork(const std::string& path, const ImageShape& inputShape);

    at::Tensor forward(const at::Tensor& input) override;
    void train(bool on = true) override;

    const std::string& path() const { return m_path; }
    /// Dotted names of submodules holding parameters whose kind
    /// initFreshWeights does not know (they keep the file's values).
    std::vector<std::string> layersWithoutFreshInit() const;

private:
    std::string m_path;
    ImageShape m_shape;
    torch::jit::Module m_script;
};

/// Whether initFreshWeights re-initialises layers of this class name.
bool hasFreshInitRule(const std::string& layerKind);

} // namespace parity
