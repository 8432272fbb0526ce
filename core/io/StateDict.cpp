#include "io/StateDict.h"

#include "io/TorchFile.h"
#include "util/Error.h"

#include <ATen/core/Dict.h>
#include <torch/csrc/autograd/grad_mode.h>

#include <unordered_map>
#include <unordered_set>

namespace parity {

namespace {

constexpr size_t kMaxReportedProblems = 20;

std::string shapeText(const at::Tensor& t)
{
    std::string s = "[";
    for (int64_t i = 0; i < t.dim(); ++i)
        s += (i ? ", " : "") + std::to_string(t.size(i));
    return s + "]";
}

std::string article(TorchValue::Kind kind)
{
    const std::string name = TorchValue::kindName(kind);
    return (kind == TorchValue::Kind::Int ? "an " : "a ") + name;
}

/// The dict's entries as a StateDict; every key must be a string and every value a tensor.
StateDict toStateDict(const TorchValue& dict, const std::string& path, const std::string& where)
{
    StateDict result;
    result.reserve(dict.entries.size());
    for (const auto& [key, value] : dict.entries) {
        if (!key.isString())
            throw Error(path + ": not a state_dict: " + where + "has a key that is " + article(key.kind)
                        + ", not a name");
        if (!value.isTensor())
            throw Error(path + ": not a state_dict: " + where + "'" + key.string + "' is " + article(value.kind)
                        + ", not a tensor");
        result.emplace_back(key.string, value.tensor);
    }
    return result;
}

void collect(const torch::nn::Module& module, const std::string& prefix, StateDict& out)
{
    for (const auto& p : module.named_parameters(/*recurse=*/false))
        if (p.value().defined())
            out.emplace_back(prefix + p.key(), p.value().detach());
    for (const auto& b : module.named_buffers(/*recurse=*/false))
        if (b.value().defined())
            out.emplace_back(prefix + b.key(), b.value().detach());
    for (const auto& child : module.named_children())
        collect(*child.value(), prefix + child.key() + ".", out);
}

} // namespace

StateDict readStateDict(const std::string& path, const std::string& entry)
{
    return stateDictFromTorchValue(readTorchFile(path), path, entry);
}

StateDict readStateDictBytes(const std::string& bytes, const std::string& sourceName, const std::string& entry)
{
    return stateDictFromTorchValue(readTorchBytes(bytes, sourceName), sourceName, entry);
}

StateDict stateDictFromTorchValue(const TorchValue& root, const std::string& path, const std::string& entry)
{
    if (!root.isDict())
        throw Error(path + ": not a state_dict (the file holds " + article(root.kind) + ", not a dict of tensors)");

    const TorchValue* firstNonTensor = nullptr;
    for (const auto& [key, value] : root.entries)
        if (!value.isTensor()) {
            firstNonTensor = &key;
            break;
        }
    if (!firstNonTensor)
        return toStateDict(root, path, "");

    for (const std::string& name : {entry, std::string("state_dict")}) {
        if (name.empty())
            continue;
        if (const TorchValue* sub = root.find(name)) {
            if (!sub->isDict())
                throw Error(path + ": not a state_dict: entry '" + name + "' is " + article(sub->kind)
                            + ", not a dict of tensors");
            return toStateDict(*sub, path, "entry '" + name + "': ");
        }
    }
    std::string what = firstNonTensor->isString() ? "'" + firstNonTensor->string + "'" : "an entry";
    throw Error(path + ": not a state_dict: " + what + " is not a tensor, and there is no '" + entry
                + "' or 'state_dict' entry holding one");
}

StateDict stateDictOf(const torch::nn::Module& module)
{
    StateDict out;
    collect(module, "", out);
    return out;
}

void loadStateDict(torch::nn::Module& module, const StateDict& dict, const std::string& sourceName)
{
    const StateDict target = stateDictOf(module);
    std::unordered_map<std::string, size_t> index;
    for (size_t i = 0; i < target.size(); ++i)
        index.emplace(target[i].first, i);

    std::vector<std::string> problems;
    std::vector<const at::Tensor*> source(target.size(), nullptr);
    std::unordered_set<std::string> given;
    for (const auto& [name, tensor] : dict) {
        if (!given.insert(name).second) {
            problems.push_back("tensor '" + name + "' appears twice");
            continue;
        }
        const auto it = index.find(name);
        if (it == index.end()) {
            problems.push_back("unexpected '" + name + "'");
            continue;
        }
        const at::Tensor& want = target[it->second].second;
        if (!tensor.defined())
            problems.push_back("tensor '" + name + "' is empty");
        else if (tensor.sizes() != want.sizes())
            problems.push_back("tensor '" + name + "' has shape " + shapeText(tensor) + " but the model expects "
                               + shapeText(want));
        else
            source[it->second] = &tensor;
    }
    for (size_t i = 0; i < target.size(); ++i)
        if (!given.count(target[i].first))
            problems.push_back("missing '" + target[i].first + "'");

    if (!problems.empty()) {
        std::string message = sourceName + ": ";
        for (size_t i = 0; i < problems.size() && i < kMaxReportedProblems; ++i)
            message += (i ? "; " : "") + problems[i];
        if (problems.size() > kMaxReportedProblems)
            message += "; and " + std::to_string(problems.size() - kMaxReportedProblems) + " more problems";
        throw Error(message);
    }

    torch::NoGradGuard noGrad;
    for (size_t i = 0; i < target.size(); ++i) {
        at::Tensor destination = target[i].second; // shares memory with the module's tensor
        destination.copy_(*source[i]);
    }
}

void writeStateDict(const std::string& path, const StateDict& dict)
{
    c10::Dict<std::string, at::Tensor> d;
    for (const auto& [name, tensor] : dict) {
        if (!tensor.defined())
            throw Error("cannot write " + path + ": tensor '" + name + "' is undefined");
        if (d.contains(name))
            throw Error("cannot write " + path + ": tensor '" + name + "' appears twice");
        at::Tensor t = tensor.detach().to(at::kCPU);
        // Save exactly the tensor's elements, not a larger storage it is a view of.
        if (!t.is_contiguous() || t.storage_offset() != 0 || t.storage().nbytes() != t.nbytes())
            t = t.clone(at::MemoryFormat::Contiguous);
        d.insert(name, t);
    }
    writeTorchFile(path, c10::IValue(d));
}

} // namespace parity
