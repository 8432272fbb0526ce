#include "training/RunDescription.h"

#include "catalog/Catalog.h"
#include "training/BaseModelProvider.h"
#include "training/RunComponents.h"

#include <filesystem>
#include <sstream>

namespace fs = std::filesystem;

namespace parity {

namespace {
std::string withThousands(int64_t n)
{
    std::string s = std::to_string(n);
    for (int i = int(s.size()) - 3; i > 0; i -= 3)
        s.insert(size_t(i), ",");
    return s;
}
} // namespace

nlohmann::json describeRun(const RunConfig& c)
{
    const Catalog& catalog = Catalog::instance();
    const DatasetEntry* dataset = catalog.dataset(c.dataset);
    const ModelEntry* model = catalog.model(c.model);
    nlohmann::json j = {{"header", c.header()}, {"run_dir", c.runDir()}, {"config", c.toJson()}};
    if (!dataset || !model)
        return j;
    const std::string dir = c.dataDir.empty() ? dataset->defaultDataDir : c.dataDir;
    std::string problem;
    if (dir.empty())
        problem = "no data directory given (data_dir)";
    else if (!fs::is_directory(dir))
        problem = "no such directory";
    else if (dataset->checkDir)
        problem = dataset->checkDir(dir);
    j["data"] = {{"dir", dir},
                 {"found", problem.empty()},
                 {"classes", dataset->numClasses},
                 {"task", dataset->task == Task::Localization ? "localization" : "classification"},
                 {"shape", dataset->shape.toString()}};
    if (!problem.empty())
        j["data"]["problem"] = problem;

    if (model->needsModelFile() && !fs::is_regular_file(c.modelScript))
        return j;
    if (!catalog.encoder(c.encoderClass) || !catalog.decoder(c.decoderClass) || !catalog.loss(c.lossClass))
        return j;
    RunComponents parts(c, Purpose::Evaluation);
    parts.buildUnloaded();
    j["base_model"] = {{"architecture", c.model}, {"parameters", countParameters(*parts.base)}};
    j["parity_model"] = {{"architecture", c.model},
                         {"parameters", countParameters(*parts.parity)},
                         {"trained", c.trainParityModel},
                         {"initialisation", c.trainParityModel ? "fresh" : "copy of the base model"}};
    // A frozen parity model with BatchNorm: does it follow the train split's
    // statistics (the original's parity_model.train()) or keep the base model's?
    if (!c.trainParityModel && !parts.parity->buffers().empty())
        j["parity_model"]["batchnorm"] = c.freezeParityBn ? "frozen (freeze_parity_bn)"
                                                          : "train mode on the train split";
    std::string weights;
    if (!c.baseBoxes.empty())
        weights = "none: the base model's boxes come from " + c.baseBoxes
                  + (fs::exists(c.baseBoxes) ? "" : " (missing!)");
    else if (model->needsModelFile())
        weights = c.modelScript + " (TorchScript)";
    else if (!c.baseWeights.empty() && c.baseWeights != "train")
        weights = c.baseWeights + (fs::exists(c.baseWeights) ? "" : " (missing!)");
    else {
        const auto bundled = BaseModelProvider::bundledPaths(c.dataset, c.model);
        const std::string cache = BaseModelProvider::cachePath(c.modelsDir, c.dataset, c.model);
        if (c.baseWeights.empty() && !bundled.empty())
            weights = bundled.front() + " (bundled)";
        else if (c.baseWeights.empty() && fs::exists(cache))
            weights = cache + " (cached)";
        else
            weights = "none yet: trained here for " + std::to_string(c.baseTrainEpochs) + " epochs, cached in " + cache;
    }
    j["base_model"]["weights"] = weights;

    j["encoder"] = {{"class", catalog.encoder(c.encoderClass)->className},
                    {"parameters", countParameters(*parts.encoder)},
                    {"trained", c.trainEncoder},
                    {"code_input", parts.encoder->codeInputShape().toString()}};
    j["decoder"] = {{"class", catalog.decoder(c.decoderClass)->className},
                    {"parameters", countParameters(*parts.decoder)},
                    {"trained", c.trainDecoder}};
    j["loss"] = c.lossClass;
    return j;
}

std::string describeRunText(const RunConfig& c)
{
    const nlohmann::json j = describeRun(c);
    std::ostringstream s;
    s << j["header"].get<std::string>() << "\n";
    s << "  results:      " << j["run_dir"].get<std::string>() << "\n";
    if (j.contains("data"))
        s << "  data:         " << c.dataset << " from " << j["data"]["dir"].get<std::string>()
          << (j["data"]["found"].get<bool>() ? " (found)"
                                             : " (NOT FOUND: " + j["data"]["problem"].get<std::string>() + ")")
          << ", "
          << (j["data"].value("task", "") == "localization"
                  ? std::string("object localization (one box)")
                  : std::to_string(j["data"]["classes"].get<int>()) + " classes")
          << ", " << j["data"]["shape"].get<std::string>() << "\n";
    if (j.contains("base_model"))
        s << "  base model:   " << c.model << ", " << withThousands(j["base_model"]["parameters"].get<int64_t>())
          << " parameters, weights: " << j["base_model"]["weights"].get<std::string>() << "\n";
    if (j.contains("parity_model"))
        s << "  parity model: " << c.model << ", " << withThousands(j["parity_model"]["parameters"].get<int64_t>())
          << " parameters, "
          << (c.trainParityModel ? "trained from a fresh initialisation" : "frozen copy of the base model")
          << (j["parity_model"].contains("batchnorm")
                  ? ", BatchNorm " + j["parity_model"]["batchnorm"].get<std::string>()
                  : std::string())
          << "\n";
    if (j.contains("encoder"))
        s << "  encoder:      " << j["encoder"]["class"].get<std::string>() << ", "
          << withThousands(j["encoder"]["parameters"].get<int64_t>()) << " parameters"
          << (c.trainEncoder ? ", trained" : ", fixed") << ", code input "
          << j["encoder"]["code_input"].get<std::string>() << "\n";
    if (j.contains("decoder"))
        s << "  decoder:      " << j["decoder"]["class"].get<std::string>() << ", "
          << withThousands(j["decoder"]["parameters"].get<int64_t>()) << " parameters"
          << (c.trainDecoder ? ", trained" : ", fixed") << "\n";
    s << "  loss:         " << c.lossClass << "\n";
    s << "  training:     " << c.numEpochs << " epochs, " << c.batchSize << " groups of k = " << c.k
      << " per batch, Adam lr " << c.lr << " weight decay " << c.weightDecay
      << (c.valSize == 0 ? std::string(", no validation split (val_size 0)")
                         : ", val_size " + std::to_string(c.valSize))
      << ", seed " << c.seed << "\n";
    return s.str();
}

} // namespace parity
