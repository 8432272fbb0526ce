#include "config/SweepConfig.h"

#include "catalog/Catalog.h"
#include "coders/LinearCodes.h"
#include "util/AtomicFile.h"
#include "util/Error.h"

#include <torch/cuda.h>

#include <algorithm>
#include <filesystem>
#include <limits>
#include <set>
#include <sstream>

namespace fs = std::filesystem;

namespace parity {

namespace {

const std::set<std::string> kOriginalKeys = {"num_epoch",     "k_vals", "enc_dec_types", "datasets",
                                             "models",        "losses", "train_encoder", "train_parity_model",
                                             "train_decoder", "ec_r"};
const std::set<std::string> kOwnKeys = {"data_dir",    "save_dir",     "base_weights", "models_dir",
                                        "seed",        "threads",      "device",       "val_size",
                                        "batch_size",  "lr",           "weight_decay", "base_train_epochs",
                                        "description", "model_script", "base_boxes",   "freeze_parity_bn"};

// "a, b, c" from the names of catalogue entries.
template <typename Entries, typename Name>
std::string listNames(const Entries& entries, Name name)
{
    std::string out;
    for (const auto& e : entries)
        out += (out.empty() ? "" : ", ") + name(e);
    return out;
}

class Collector {
public:
    void add(const std::string& problem) { m_problems.push_back(problem); }
    bool empty() const { return m_problems.empty(); }
    [[noreturn]] void raise(const std::string& source) const
    {
        std::ostringstream ss;
        ss << source << ": invalid configuration";
        if (m_problems.size() == 1)
            ss << ": " << m_problems.front();
        else
            for (const auto& p : m_problems)
                ss << "\n  - " << p;
        throw Error(ss.str());
    }

private:
    std::vector<std::string> m_problems;
};

// A sweep axis: a JSON list (or a single value, taken as a one-element list).
std::vector<nlohmann::json> axis(const nlohmann::json& j, const char* key, Collector& problems)
{
    if (!j.contains(key)) {
        problems.add(std::string("missing key '") + key + "'");
        return {};
    }
    const auto& v = j.at(key);
    if (v.is_array()) {
        if (v.empty())
            problems.add(std::string("'") + key + "' is an empty list: nothing to run");
        return std::vector<nlohmann::json>(v.begin(), v.end());
    }
    return {v};
}

template <typename T>
std::optional<T> scalar(const nlohmann::json& j, const char* key, Collector& problems, const char* what)
{
    if (!j.contains(key))
        return std::nullopt;
    const auto& v = j.at(key);
    bool ok = false;
    if constexpr (std::is_same_v<T, bool>)
        ok = v.is_boolean();
    else if constexpr (std::is_same_v<T, std::string>)
        ok = v.is_string();
    else if constexpr (std::is_floating_point_v<T>)
        ok = v.is_number();
    else if constexpr (std::is_unsigned_v<T>)
        ok = v.is_number_unsigned() || (v.is_number_integer() && v.get<int64_t>() >= 0);
    else
        ok = v.is_number_integer() && v.get<int64_t>() >= std::numeric_limits<int>::min()
             && (v.is_number_unsigned() ? v.get<uint64_t>() <= uint64_t(std::numeric_limits<int>::max())
                                        : v.get<int64_t>() <= std::numeric_limits<int>::max());
    if (!ok) {
        problems.add(std::string("'") + key + "' must be " + what + ", not " + v.dump());
        return std::nullopt;
    }
    return v.get<T>();
}

} // namespace

std::vector<std::string> validateRun(const RunConfig& run)
{
    std::vector<std::string> why;
    const Catalog& catalog = Catalog::instance();
    auto unknown = [&](const std::string& kind, const std::string& name, const std::string& known) {
        if (isKnownButUnavailable(name))
            why.push_back(kind + " '" + name + "' of the original framework is not available in this build yet");
        else
            why.push_back("unknown " + kind + " '" + name + "' (known: " + known + ")");
    };
    auto byName = [](const auto& e) { return e.name; };
    auto byClass = [](const auto& e) { return e.className; };

    const DatasetEntry* dataset = catalog.dataset(run.dataset);
    if (!dataset)
        unknown("dataset", run.dataset, listNames(catalog.datasets(), byName));
    const ModelEntry* model = catalog.model(run.model);
    if (!model) {
        unknown("model", run.model, listNames(catalog.models(), byName));
    } else if (dataset) {
        const std::string reason = model->unsupportedReason(*dataset);
        if (!reason.empty())
            why.push_back(reason);
    }
    if (dataset && isKnownButUnavailable(dataset->name))
        why.push_back("dataset '" + dataset->name + "' is not complete in this build yet");
    if (!run.baseBoxes.empty()) {
        if (dataset && !dataset->loadWithBaseOutputs)
            why.push_back("base_boxes (the base model's boxes from a file) is for localization datasets, not "
                          + dataset->name);
        else if (!std::filesystem::is_regular_file(run.baseBoxes))
            why.push_back(run.baseBoxes + ": base_boxes file not found");
    }
    if (model && model->needsModelFile()) {
        if (run.modelScript.empty())
            why.push_back("model " + model->name
                          + " needs model_script: the TorchScript file (torch.jit.save) of "
                            "the base model");
        else if (!std::filesystem::is_regular_file(run.modelScript))
            why.push_back(run.modelScript + ": model_script file not found");
    }

    if (run.k < 2)
        why.push_back("k must be at least 2, not " + std::to_string(run.k));
    const bool berrutEncoder = run.encoderClass == "coders.berrut.BerrutEncoder";
    const bool berrut = berrutEncoder && run.decoderClass == "coders.berrut.BerrutDecoder";
    if (run.r < 1)
        why.push_back("ec_r must be at least 1 (parity queries per group), not " + std::to_string(run.r));
    else if (run.r > kMaxParities)
        why.push_back("ec_r = " + std::to_string(run.r) + ": at most " + std::to_string(kMaxParities)
                      + " parities (the code's conditioning grows quickly)");
    else if (berrut && run.k >= 2 && !berrutCollision(run.k, run.r).empty())
        why.push_back("ec_r = " + std::to_string(run.r) + " with k = " + std::to_string(run.k)
                      + ": the Berrut code's nodes collide (" + berrutCollision(run.k, run.r)
                      + "); choose another ec_r");
    else if (!berrut && run.r > run.k)
        why.push_back("ec_r = " + std::to_string(run.r) + " exceeds k = " + std::to_string(run.k)
                      + ": at most k predictions of a group can be missing, so at most k parities are of use");
    if (berrutEncoder != (run.decoderClass == "coders.berrut.BerrutDecoder"))
        why.push_back("coders.berrut.BerrutEncoder and coders.berrut.BerrutDecoder go together (enc_dec_types "
                      "[\"berrut\", \"berrut\"])");
    if (berrut && (run.trainParityModel || run.trainEncoder || run.trainDecoder))
        why.push_back("Berrut coding trains nothing (every worker runs the unchanged base model): "
                      "train_parity_model, train_encoder and train_decoder must be false");
    if (run.r > 1 && run.encoderClass == "coders.image.ConcatenationEncoder")
        why.push_back("coders.image.ConcatenationEncoder tiles the k images into one parity image, so it makes "
                      "exactly one parity query: ec_r must be 1, not "
                      + std::to_string(run.r));
    if ((run.r > 1 || berrut) && dataset && dataset->task == Task::Localization)
        why.push_back("ec_r > 1 and Berrut coding are scored for classification; " + dataset->name
                      + " predicts boxes (ec_r must be 1)");

    const EncoderEntry* encoder = catalog.encoder(run.encoderClass);
    if (!encoder) {
        unknown("encoder", run.encoder, listNames(catalog.encoders(), byClass));
    } else if (dataset && run.k >= 2) {
        const std::string reason = encoder->unsupportedReason(run.k, dataset->shape);
        if (!reason.empty())
            why.push_back(reason);
    }
    const DecoderEntry* decoder = catalog.decoder(run.decoderClass);
    if (!decoder)
        unknown("decoder", run.decoder, listNames(catalog.decoders(), byClass));
    const LossEntry* loss = catalog.loss(run.lossClass);
    if (!loss)
        unknown("loss", run.loss, listNames(catalog.losses(), byClass));

    if (encoder) {
        if (run.trainEncoder && !encoder->learnable)
            why.push_back("train_encoder is true but " + encoder->className + " has nothing to learn");
        if (!run.trainEncoder && encoder->learnable)
            why.push_back(encoder->className + " is learned, so train_encoder must be true (it would stay random)");
    }
    if (decoder) {
        if (run.trainDecoder && !decoder->learnable)
            why.push_back("train_decoder is true but " + decoder->className + " has nothing to learn");
        if (!run.trainDecoder && decoder->learnable)
            why.push_back(decoder->className + " is learned, so train_decoder must be true (it would stay random)");
    }
    if (loss && dataset && dataset->task == Task::Localization && loss->className != "torch.nn.MSELoss")
        why.push_back(dataset->name + " predicts boxes: its loss is torch.nn.MSELoss, not " + loss->className);
    if (loss && loss->needsTrainedCoders && !(run.trainEncoder && run.trainDecoder))
        why.push_back(loss->className + " needs both the encoder and the decoder to be trained");
    if (run.trainsNothing() && !berrut)
        why.push_back("nothing to train: train_encoder, train_parity_model and train_decoder are all false");

    if (berrut ? run.numEpochs < 0 : run.numEpochs < 1)
        why.push_back(berrut ? "num_epoch must not be negative (0: evaluate once)" : "num_epoch must be at least 1");
    if (run.batchSize < 1)
        why.push_back("batch_size must be at least 1");
    if (!(run.lr > 0))
        why.push_back("lr must be positive");
    if (run.weightDecay < 0)
        why.push_back("weight_decay must not be negative");
    const bool localization = dataset && dataset->task == Task::Localization;
    if (run.valSize == 0 && dataset && !localization)
        why.push_back("val_size 0 (no validation split) is for localization sets such as cub, as in the original's "
                      "cub-localization; "
                      + dataset->name + " needs a validation split of at least k samples");
    else if (run.valSize != 0 && run.valSize < run.k)
        why.push_back("val_size must hold at least one group of k samples (or be 0 for no validation split)");
    if (run.threads < 0)
        why.push_back("threads must be 0 (all cores) or more");
    if (run.baseTrainEpochs < 1)
        why.push_back("base_train_epochs must be at least 1");
    if (run.device != "cpu" && run.device != "cuda")
        why.push_back("device must be \"cpu\" or \"cuda\", not \"" + run.device + "\"");
    else if (run.device == "cuda" && !torch::cuda::is_available())
        why.push_back("device \"cuda\" was asked for, but this LibTorch build has no CUDA device available "
                      "(Debian's libtorch-dev is CPU-only); use \"cpu\"");
    else if (run.device == "cuda")
        why.push_back("device \"cuda\": a CUDA device is present, but this build's trainer runs on the CPU only "
                      "so far; use \"cpu\"");
    // A save directory that is a file (or lies below one) failed only once
    // the data and the base model were ready: "cannot create the run directory".
    if (!run.saveDir.empty()) {
        std::error_code ec;
        fs::path existing = run.saveDir;
        while (!existing.empty() && !fs::exists(existing, ec) && existing.has_parent_path()
               && existing.parent_path() != existing)
            existing = existing.parent_path();
        if (!existing.empty() && fs::exists(existing, ec) && !fs::is_directory(existing, ec))
            why.push_back("save_dir: " + existing.string() + " is a file, not a directory"
                          + (existing == fs::path(run.saveDir) ? "" : " (save_dir " + run.saveDir + " lies below it)"));
    }
    return why;
}

SweepConfig SweepConfig::load(const std::string& path, const nlohmann::json& overrides)
{
    const std::string text = readWholeFile(path);
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(text);
    } catch (const nlohmann::json::parse_error& e) {
        throw Error(path + ": not valid JSON: " + e.what());
    }
    // Paths written in a config file are relative to the file's folder, so
    // the file means the same from wherever it is opened (the workbench, the
    // CLI, a Slurm task); paths given on the command line (overrides) are
    // relative to the current folder, as usual.
    if (j.is_object()) {
        std::error_code ec;
        const fs::path folder = fs::absolute(fs::path(path), ec).parent_path();
        forEachConfigPath(j, [&](std::string& value) {
            if (!fs::path(value).is_absolute())
                value = (folder / value).lexically_normal().string();
        });
    }
    return fromJson(j, path, overrides);
}

void forEachConfigPath(nlohmann::json& config, const std::function<void(std::string& path)>& visit)
{
    for (const char* key : {"data_dir", "save_dir", "base_weights", "models_dir", "model_script", "base_boxes"}) {
        const auto it = config.find(key);
        if (it == config.end() || !it->is_string())
            continue;
        std::string value = it->get<std::string>();
        if (value.empty() || (std::string(key) == "base_weights" && value == "train"))
            continue;
        visit(value);
        *it = value;
    }
}

SweepConfig SweepConfig::fromJson(const nlohmann::json& input, const std::string& source,
                                  const nlohmann::json& overrides)
{
    Collector problems;
    if (!input.is_object())
        throw Error(source + ": invalid configuration: the top level must be a JSON object");
    nlohmann::json j = input;
    for (auto it = overrides.begin(); it != overrides.end(); ++it)
        j[it.key()] = it.value();

    for (auto it = j.begin(); it != j.end(); ++it)
        if (!kOriginalKeys.count(it.key()) && !kOwnKeys.count(it.key()))
            problems.add("unknown key '" + it.key() + "'");

    RunConfig base;
    if (auto v = scalar<int>(j, "num_epoch", problems, "a whole number"))
        base.numEpochs = *v;
    else if (!j.contains("num_epoch"))
        problems.add("missing key 'num_epoch'");
    if (auto v = scalar<bool>(j, "train_encoder", problems, "true or false"))
        base.trainEncoder = *v;
    if (auto v = scalar<bool>(j, "train_parity_model", problems, "true or false"))
        base.trainParityModel = *v;
    if (auto v = scalar<bool>(j, "train_decoder", problems, "true or false"))
        base.trainDecoder = *v;
    if (auto v = scalar<bool>(j, "freeze_parity_bn", problems, "true or false"))
        base.freezeParityBn = *v;
    if (auto v = scalar<std::string>(j, "data_dir", problems, "a string"))
        base.dataDir = *v;
    if (auto v = scalar<std::string>(j, "save_dir", problems, "a string"))
        base.saveDir = *v;
    if (auto v = scalar<std::string>(j, "base_weights", problems, "a string"))
        base.baseWeights = *v;
    if (auto v = scalar<std::string>(j, "models_dir", problems, "a string"))
        base.modelsDir = *v;
    if (auto v = scalar<std::string>(j, "model_script", problems, "a string"))
        base.modelScript = *v;
    if (auto v = scalar<std::string>(j, "base_boxes", problems, "a string"))
        base.baseBoxes = *v;
    if (auto v = scalar<std::uint64_t>(j, "seed", problems, "a non-negative whole number"))
        base.seed = *v;
    if (auto v = scalar<int>(j, "threads", problems, "a whole number"))
        base.threads = *v;
    if (auto v = scalar<std::string>(j, "device", problems, "a string"))
        base.device = *v;
    if (auto v = scalar<int>(j, "val_size", problems, "a whole number"))
        base.valSize = *v;
    std::optional<int> batchSize = scalar<int>(j, "batch_size", problems, "a whole number");
    if (auto v = scalar<double>(j, "lr", problems, "a number"))
        base.lr = *v;
    if (auto v = scalar<double>(j, "weight_decay", problems, "a number"))
        base.weightDecay = *v;
    if (auto v = scalar<int>(j, "base_train_epochs", problems, "a whole number"))
        base.baseTrainEpochs = *v;

    const auto datasets = axis(j, "datasets", problems);
    const auto models = axis(j, "models", problems);
    const auto kVals = axis(j, "k_vals", problems);
    const auto losses = axis(j, "losses", problems);
    const auto encDec = axis(j, "enc_dec_types", problems);
    // ec_r: a number, or a list (a sweep axis after k_vals).
    const std::vector<nlohmann::json> rVals = j.contains("ec_r") ? axis(j, "ec_r", problems)
                                                                 : std::vector<nlohmann::json>{nlohmann::json(1)};

    SweepConfig sweep;
    sweep.m_source = j;
    if (!problems.empty())
        problems.raise(source);
    // A few kilobytes of lists can describe billions of combinations: refuse
    // before expanding them (issue 5).
    std::uint64_t combinations = 1;
    for (const auto* list : {&datasets, &models, &kVals, &rVals, &losses, &encDec})
        combinations = std::min<std::uint64_t>(combinations * list->size(), kMaxSweepRuns + 1);
    if (combinations > kMaxSweepRuns)
        throw Error(
            source + ": the sweep describes more than " + std::to_string(kMaxSweepRuns)
            + " runs (datasets x models x k_vals x ec_r x losses x enc_dec_types); split it into several files");

    const Catalog& catalog = Catalog::instance();
    std::set<std::string> seen;
    // The same bad entry shows up in many combinations: report it once.
    auto addOnce = [&](const std::string& line) {
        if (seen.insert(line).second)
            problems.add(line);
    };
    auto asString = [&](const nlohmann::json& v, const char* key, std::string& out) {
        if (!v.is_string()) {
            addOnce(std::string("'") + key + "' entries must be strings, not " + v.dump());
            return false;
        }
        out = v.get<std::string>();
        return true;
    };
    for (const auto& ds : datasets)
        for (const auto& mo : models)
            for (const auto& kv : kVals)
                for (const auto& rv : rVals)
                    for (const auto& lo : losses)
                        for (const auto& ed : encDec) {
                            RunConfig run = base;
                            if (!rv.is_number_integer() || rv.get<int64_t>() < -1000 || rv.get<int64_t>() > 1000) {
                                addOnce("'ec_r' must be a whole number or a list of them, not " + rv.dump());
                                continue;
                            }
                            run.r = rv.get<int>();
                            if (!asString(ds, "datasets", run.dataset) || !asString(mo, "models", run.model)
                                || !asString(lo, "losses", run.loss))
                                continue;
                            if (!kv.is_number_integer() || kv.get<int64_t>() < 0 || kv.get<int64_t>() > 1000) {
                                addOnce("'k_vals' entries must be whole numbers, not " + kv.dump());
                                continue;
                            }
                            run.k = kv.get<int>();
                            if (!ed.is_array() || ed.size() != 2 || !ed[0].is_string() || !ed[1].is_string()) {
                                addOnce("'enc_dec_types' entries must be [encoder, decoder] pairs, not " + ed.dump());
                                continue;
                            }
                            run.encoder = ed[0].get<std::string>();
                            run.decoder = ed[1].get<std::string>();
                            const auto* enc = catalog.encoder(run.encoder);
                            const auto* dec = catalog.decoder(run.decoder);
                            const auto* los = catalog.loss(run.loss);
                            run.encoderClass = enc ? enc->className : run.encoder;
                            run.decoderClass = dec ? dec->className : run.decoder;
                            run.lossClass = los ? los->className : run.loss;
                            run.batchSize = batchSize.value_or(defaultBatchSize(run.k));

                            for (const auto& why : validateRun(run))
                                addOnce("[" + run.header() + "] " + why);
                            sweep.m_runs.push_back(run);
                        }
    if (!problems.empty())
        problems.raise(source);
    return sweep;
}

} // namespace parity
