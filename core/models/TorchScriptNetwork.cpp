#include "models/TorchScriptNetwork.h"

#include "util/Error.h"

#include <torch/csrc/jit/serialization/import.h>

namespace parity {

namespace {

// "__torch__.torch.nn.modules.conv.Conv2d" -> "Conv2d"
std::string kindOf(const torch::jit::Module& m)
{
    const auto name = m.type()->name();
    if (!name)
        return "";
    const std::string q = name->qualifiedName();
    const auto dot = q.rfind('.');
    return dot == std::string::npos ? q : q.substr(dot + 1);
}

// The script's own tensors are registered (not copied), so an update through
// either side is seen by the other.
void mirror(const torch::jit::Module& src, torch::nn::Module& dst)
{
    for (const auto& p : src.named_parameters(/*recurse=*/false))
        dst.register_parameter(p.name, p.value, /*requires_grad=*/true);
    for (const auto& b : src.named_buffers(/*recurse=*/false))
        dst.register_buffer(b.name, b.value);
    for (const auto& child : src.named_children()) {
        auto layer = std::make_shared<ScriptedLayer>(kindOf(child.value));
        mirror(child.value, *layer);
        dst.register_module(child.name, layer);
    }
}

} // namespace

ScriptedLayer::ScriptedLayer(std::string kind)
    : torch::nn::Module(kind.empty() ? std::string("ScriptedLayer") : kind)
    , m_kind(std::move(kind))
{
}

bool hasFreshInitRule(const std::string& kind)
{
    static const char* kKnown[] = {"Linear", "Conv1d", "Conv2d", "Conv3d", "BatchNorm1d", "BatchNorm2d", "BatchNorm3d"};
    for (const char* k : kKnown)
        if (kind == k)
            return true;
    return false;
}

TorchScriptNetwork::TorchScriptNetwork(const std::string& path, const ImageShape& inputShape)
    : m_path(path)
    , m_shape(inputShape)
{
    try {
        m_script = torch::jit::load(path, c10::Device(c10::kCPU));
    } catch (const c10::Error& e) {
        throw Error(path + ": not a TorchScript model file (torch.jit.save): " + e.what_without_backtrace());
    }
    mirror(m_script, *this);
    m_script.eval();
    torch::nn::Module::train(false);
}

at::Tensor TorchScriptNetwork::forward(const at::Tensor& input)
{
    const int64_t per = m_shape.numel();
    const int64_t n = per > 0 ? input.numel() / per : 0;
    const at::Tensor x = input.reshape({n, m_shape.channels, m_shape.height, m_shape.width});
    at::Tensor out;
    try {
        out = m_script.forward({x}).toTensor();
    } catch (const c10::Error& e) {
        throw Error(m_path + ": the TorchScript model failed on a batch of shape (" + std::to_string(n) + ", "
                    + m_shape.toString() + "): " + e.what_without_backtrace());
    } catch (const std::runtime_error& e) { // the interpreter's own errors (JITException)
        throw Error(m_path + ": the TorchScript model failed on a batch of shape (" + std::to_string(n) + ", "
                    + m_shape.toString() + "): " + e.what());
    }
    return out.reshape({n, -1});
}

void TorchScriptNetwork::train(bool on)
{
    torch::nn::Module::train(on);
    m_script.train(on);
}

std::vector<std::string> TorchScriptNetwork::layersWithoutFreshInit() const
{
    std::vector<std::string> out;
    if (!named_parameters(/*recurse=*/false).is_empty())
        out.push_back("(top level)");
    for (const auto& item : named_modules("", /*include_self=*/false)) {
        const auto* layer = item.value()->as<ScriptedLayer>();
        if (layer && !hasFreshInitRule(layer->kind()) && !layer->named_parameters(false).is_empty())
            out.push_back(item.key() + " (" + layer->kind() + ")");
    }
    return out;
}

} // namespace parity
