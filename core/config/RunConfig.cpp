#include "config/RunConfig.h"

#include "util/Error.h"

#include <algorithm>
#include <climits>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <iterator>

namespace parity {

std::string defaultModelsDir()
{
    namespace fs = std::filesystem;
    if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg && *xdg)
        return (fs::path(xdg) / "parity-workbench" / "models").string();
    const char* home = std::getenv("HOME");
    return (fs::path(home && *home ? home : "/tmp") / ".local" / "share" / "parity-workbench" / "models").string();
}

namespace {

// nlohmann's get<int>() static_casts a float such as 1e300: undefined
// behaviour (found by fuzzing a checkpoint's configuration, issue 5). Whole
// numbers are checked to be whole and in range instead.
int wholeNumber(const nlohmann::json& v, const char* key)
{
    const bool ok = v.is_number_integer()
                    && (v.is_number_unsigned() ? v.get<std::uint64_t>() <= std::uint64_t(INT_MAX)
                                               : v.get<std::int64_t>() >= INT_MIN && v.get<std::int64_t>() <= INT_MAX);
    if (!ok)
        throw Error(std::string("run configuration: '") + key + "' must be a whole number, not " + v.dump());
    return int(v.get<std::int64_t>());
}

int wholeNumber(const nlohmann::json& j, const char* key, int fallback)
{
    return j.contains(key) ? wholeNumber(j.at(key), key) : fallback;
}

std::uint64_t unsignedNumber(const nlohmann::json& v, const char* key)
{
    if (!v.is_number_unsigned() && !(v.is_number_integer() && v.get<std::int64_t>() >= 0))
        throw Error(std::string("run configuration: '") + key + "' must be a whole number >= 0, not " + v.dump());
    return v.get<std::uint64_t>();
}

} // namespace

int defaultBatchSize(int k) { return k == 2 ? 64 : 32; }

std::string RunConfig::runDir() const
{
    namespace fs = std::filesystem;
    // r parities get their own folder beside r = 1's (docs/CODES.md).
    const std::string kFolder = "k" + std::to_string(k) + (r != 1 ? "_r" + std::to_string(r) : "");
    return (fs::path(saveDir) / dataset / model / kFolder / loss / encoder / decoder).string();
}

std::string RunConfig::header() const
{
    return dataset + " " + model + " " + std::to_string(k) + " " + loss + " " + encoder + " " + decoder
           + (r != 1 ? " r=" + std::to_string(r) : "");
}

bool RunConfig::trainsNothing() const { return !trainEncoder && !trainParityModel && !trainDecoder; }

nlohmann::json RunConfig::toConfigFile() const
{
    nlohmann::json j = {
        {"datasets", {dataset}},
        {"models", {model}},
        {"k_vals", {k}},
        {"losses", {loss}},
        {"enc_dec_types", nlohmann::json::array({nlohmann::json::array({encoder, decoder})})},
        {"train_encoder", trainEncoder},
        {"train_parity_model", trainParityModel},
        {"train_decoder", trainDecoder},
        {"num_epoch", numEpochs},
        {"batch_size", batchSize},
        {"lr", lr},
        {"weight_decay", weightDecay},
        {"val_size", valSize},
        {"seed", seed},
        {"threads", threads},
        {"device", device},
        {"save_dir", saveDir},
        {"base_train_epochs", baseTrainEpochs},
    };
    if (r != 1)
        j["ec_r"] = r;
    if (freezeParityBn)
        j["freeze_parity_bn"] = true;
    // Empty means "the default": leave the key out so the file stays portable.
    if (!dataDir.empty())
        j["data_dir"] = dataDir;
    if (!baseWeights.empty())
        j["base_weights"] = baseWeights;
    if (!modelsDir.empty())
        j["models_dir"] = modelsDir;
    if (!modelScript.empty())
        j["model_script"] = modelScript;
    if (!baseBoxes.empty())
        j["base_boxes"] = baseBoxes;
    return j;
}

namespace {

/// "coders.summation.AdditionEncoder" -> "Addition" (the suffix dropped), shortened where a word is long.
std::string shortName(const std::string& dotted, const std::string& suffix)
{
    std::string name = dotted.substr(dotted.rfind('.') == std::string::npos ? 0 : dotted.rfind('.') + 1);
    if (name.size() > suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0)
        name.resize(name.size() - suffix.size());
    static const std::pair<const char*, const char*> kShort[] = {{"Addition", "Add"},
                                                                 {"Subtraction", "Sub"},
                                                                 {"Concatenation", "Concat"},
                                                                 {"CrossEntropy", "CE"}};
    for (const auto& [longName, shortForm] : kShort)
        if (name == longName)
            return shortForm;
    return name;
}

} // namespace

std::string RunConfig::shortTitle() const
{
    const char* dot = " \u00b7 ";
    return dataset + dot + model + dot + "k=" + std::to_string(k) + (r != 1 ? " r=" + std::to_string(r) : "") + dot
           + shortName(encoderClass, "Encoder") + "/"
           + shortName(decoderClass, "Decoder")
           // A code that trains nothing (Berrut) uses no loss: a title that named one would say it did.
           + (trainsNothing() ? "" : dot + shortName(lossClass, "Loss"));
}

nlohmann::json RunConfig::toJson() const
{
    return {
        {"dataset", dataset},
        {"model", model},
        {"k", k},
        {"r", r},
        {"loss", loss},
        {"loss_class", lossClass},
        {"encoder", encoder},
        {"encoder_class", encoderClass},
        {"decoder", decoder},
        {"decoder_class", decoderClass},
        {"train_encoder", trainEncoder},
        {"train_parity_model", trainParityModel},
        {"train_decoder", trainDecoder},
        {"freeze_parity_bn", freezeParityBn},
        {"num_epoch", numEpochs},
        {"batch_size", batchSize},
        {"lr", lr},
        {"weight_decay", weightDecay},
        {"val_size", valSize},
        {"seed", seed},
        {"threads", threads},
        {"device", device},
        {"data_dir", dataDir},
        {"save_dir", saveDir},
        {"base_weights", baseWeights},
        {"models_dir", modelsDir},
        {"model_script", modelScript},
        {"base_boxes", baseBoxes},
        {"base_train_epochs", baseTrainEpochs},
    };
}

RunConfig RunConfig::fromJson(const nlohmann::json& j)
{
    RunConfig c;
    try {
        c.dataset = j.at("dataset").get<std::string>();
        c.model = j.at("model").get<std::string>();
        c.k = wholeNumber(j.at("k"), "k");
        c.r = wholeNumber(j, "r", 1);
        c.loss = j.at("loss").get<std::string>();
        c.lossClass = j.value("loss_class", c.loss);
        c.encoder = j.at("encoder").get<std::string>();
        c.encoderClass = j.value("encoder_class", c.encoder);
        c.decoder = j.at("decoder").get<std::string>();
        c.decoderClass = j.value("decoder_class", c.decoder);
        c.trainEncoder = j.at("train_encoder").get<bool>();
        c.trainParityModel = j.at("train_parity_model").get<bool>();
        c.trainDecoder = j.at("train_decoder").get<bool>();
        c.freezeParityBn = j.value("freeze_parity_bn", false);
        c.numEpochs = wholeNumber(j.at("num_epoch"), "num_epoch");
        c.batchSize = wholeNumber(j.at("batch_size"), "batch_size");
        c.lr = j.at("lr").get<double>();
        c.weightDecay = j.at("weight_decay").get<double>();
        c.valSize = wholeNumber(j.at("val_size"), "val_size");
        c.seed = unsignedNumber(j.at("seed"), "seed");
        c.threads = wholeNumber(j, "threads", 0);
        c.device = j.value("device", std::string("cpu"));
        c.dataDir = j.value("data_dir", std::string());
        c.saveDir = j.value("save_dir", std::string("save"));
        c.baseWeights = j.value("base_weights", std::string());
        c.modelsDir = j.value("models_dir", std::string());
        c.modelScript = j.value("model_script", std::string());
        c.baseBoxes = j.value("base_boxes", std::string());
        c.baseTrainEpochs = wholeNumber(j, "base_train_epochs", 5);
    } catch (const nlohmann::json::exception& e) {
        throw Error(std::string("run configuration is incomplete or mistyped: ") + e.what());
    }
    return c;
}

std::string RunConfig::describeMismatch(const RunConfig& saved, const RunConfig& current)
{
    const auto a = saved.toJson();
    const auto b = current.toJson();
    // What defines the model and the data it sees; epochs, threads, paths may change.
    static const char* kKeys[] = {"dataset",
                                  "model",
                                  "k",
                                  "r",
                                  "loss_class",
                                  "encoder_class",
                                  "decoder_class",
                                  "train_encoder",
                                  "train_parity_model",
                                  "train_decoder",
                                  "freeze_parity_bn",
                                  "batch_size",
                                  "lr",
                                  "weight_decay",
                                  "val_size",
                                  "seed"};
    for (const char* key : kKeys) {
        // Only a parity model that is not trained has statistics to freeze.
        if (std::string(key) == "freeze_parity_bn" && saved.trainParityModel && current.trainParityModel)
            continue;
        if (a.at(key) != b.at(key))
            return std::string("'") + key + "' differs: the checkpoint has " + a.at(key).dump() + ", the configuration "
                   + b.at(key).dump();
    }
    return "";
}

std::vector<std::string> RunConfig::listDifferences(const RunConfig& saved, const RunConfig& current)
{
    static const char* kIgnored[] = {"num_epoch", "threads", "save_dir", "models_dir"};
    const auto a = saved.toJson();
    const auto b = current.toJson();
    std::vector<std::string> differences;
    for (const auto& [key, value] : a.items()) {
        if (std::find(std::begin(kIgnored), std::end(kIgnored), key) != std::end(kIgnored))
            continue;
        const auto other = b.find(key);
        if (other == b.end() || *other != value)
            differences.push_back(key + ": the run has " + value.dump() + ", now "
                                  + (other == b.end() ? std::string("nothing") : other->dump()));
    }
    return differences;
}

} // namespace parity
