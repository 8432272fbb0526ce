#include "io/Checkpoint.h"

#include "io/TorchFile.h"
#include "util/Error.h"

#include <ATen/core/Dict.h>
#include <ATen/core/ivalue.h>

#include <limits>

namespace parity {

void Checkpoint::save(const std::string& path) const
{
    c10::impl::GenericDict top(c10::StringType::get(), c10::AnyType::get());
    top.insert("format", std::string(kFormat));
    top.insert("version", int64_t(1));
    top.insert("config", config.toJson().dump());
    top.insert("epoch", int64_t(epoch));
    top.insert("best_val_acc", bestValAcc);
    for (const auto& [name, dict] : tensors) {
        c10::Dict<std::string, at::Tensor> d;
        for (const auto& [key, value] : dict)
            d.insert(key, value);
        top.insert(name, d);
    }
    writeTorchFile(path, c10::IValue(top));
}

Checkpoint Checkpoint::load(const std::string& path) { return fromTorchValue(readTorchFile(path), path); }

Checkpoint Checkpoint::fromBytes(const std::string& bytes, const std::string& sourceName)
{
    return fromTorchValue(readTorchBytes(bytes, sourceName), sourceName);
}

Checkpoint Checkpoint::fromTorchValue(const TorchValue& root, const std::string& path)
{
    if (root.kind != TorchValue::Kind::Dict)
        throw Error(path + ": not a Parity Workbench checkpoint (the file holds no dictionary)");
    const TorchValue* format = root.find("format");
    if (!format || format->kind != TorchValue::Kind::String || format->string != kFormat)
        throw Error(path + ": not a Parity Workbench checkpoint (no '" + std::string(kFormat)
                    + "' marker; a state_dict file can be used as base weights instead)");
    Checkpoint c;
    const TorchValue* config = root.find("config");
    const TorchValue* epoch = root.find("epoch");
    const TorchValue* best = root.find("best_val_acc");
    if (!config || config->kind != TorchValue::Kind::String || !epoch || epoch->kind != TorchValue::Kind::Int || !best
        || (best->kind != TorchValue::Kind::Double && best->kind != TorchValue::Kind::Int))
        throw Error(path + ": damaged checkpoint (config, epoch or best_val_acc missing)");
    bool saysFreeze = false;
    try {
        const nlohmann::json j = nlohmann::json::parse(config->string);
        c.config = RunConfig::fromJson(j);
        saysFreeze = j.contains("freeze_parity_bn");
    } catch (const nlohmann::json::exception& e) {
        throw Error(path + ": damaged checkpoint: its configuration is not valid JSON");
    } catch (const Error& e) {
        throw Error(path + ": damaged checkpoint: " + e.what());
    }
    if (epoch->integer < 0 || epoch->integer >= std::numeric_limits<int>::max())
        throw Error(path + ": damaged checkpoint: epoch " + std::to_string(epoch->integer));
    c.epoch = int(epoch->integer);
    c.bestValAcc = best->kind == TorchValue::Kind::Double ? best->real : double(best->integer);
    for (const auto& [key, value] : root.entries) {
        if (key.kind != TorchValue::Kind::String || value.kind != TorchValue::Kind::Dict)
            continue;
        StateDict dict;
        for (const auto& [name, tensor] : value.entries) {
            if (name.kind != TorchValue::Kind::String || tensor.kind != TorchValue::Kind::Tensor)
                throw Error(path + ": damaged checkpoint: entry '" + key.string + "' holds a non-tensor");
            dict.emplace_back(name.string, tensor.tensor);
        }
        c.tensors[key.string] = std::move(dict);
    }
    // Written before freeze_parity_bn existed: a frozen parity model then
    // kept its BatchNorm statistics. Say so, so that a resume with today's
    // default (the original's training mode) is refused naming the key
    // rather than switching mid-run. Only where there are statistics.
    if (!saysFreeze && !c.config.trainParityModel && c.tensors.count("base_model")) {
        for (const auto& [name, tensor] : c.tensors.at("base_model"))
            if (name.size() >= 12 && name.compare(name.size() - 12, 12, "running_mean") == 0) {
                c.config.freezeParityBn = true;
                break;
            }
    }
    return c;
}

} // namespace parity
