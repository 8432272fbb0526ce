#include "training/RunDescription.h"

#include "catalog/Catalog.h"
#include "training/BaseModelProvider.h"
#include "coders/LinearCodes.h"
#include "training/RunComponents.h"

#include <algorithm>
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

// The code's layout: ParM's matrix A and the conditioning of A[:, S] for
// every erased set S (the worst per e), Berrut's nodes (docs/CODES.md).
nlohmann::json describeCode(const RunConfig& c, const Decoder& decoder, const std::vector<ErasureSet>& erasures)
{
    nlohmann::json code = {{"r", c.r}, {"units", decoder.units()}};
    nlohmann::json sets = nlohmann::json::array();
    for (const ErasureSet& set : erasures)
        sets.push_back(
            {{"erased", set.erased}, {"patterns", int64_t(set.patterns.size())}, {"possible_patterns", set.possible}});
    code["erasure_sets"] = sets;
    if (c.decoderClass == "coders.berrut.BerrutDecoder") {
        const BerrutNodes nodes = berrutNodes(c.k, c.r);
        code["scheme"] = "berrut";
        code["data_nodes"] = nodes.data;
        code["worker_nodes"] = nodes.workers;
    } else if (c.decoderClass == "coders.summation.SubtractionDecoder") {
        const at::Tensor a = c.r == 1 ? at::ones({1, c.k}, at::kDouble) : parityCodeMatrix(c.k, c.r);
        code["scheme"] = "addition";
        std::vector<std::vector<double>> rows(size_t(c.r));
        for (int j = 0; j < c.r; ++j)
            for (int i = 0; i < c.k; ++i)
                rows[size_t(j)].push_back(a[j][i].item<double>());
        code["matrix"] = rows;
        code["nodes"] = chebyshevFirstKind(c.k);
        nlohmann::json cond = nlohmann::json::object();
        for (const ErasureSet& set : erasures) {
            double worst = 0;
            for (const auto& pattern : set.patterns)
                worst = std::max(worst, conditionNumber(a, pattern));
            cond[std::to_string(set.erased)] = worst;
        }
        code["worst_condition_by_erased"] = cond;
    } else {
        code["scheme"] = "learned";
    }
    return code;
}

std::string formatNumber(double v)
{
    std::ostringstream s;
    s.precision(4);
    s << v;
    return s.str();
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
                         {"parameters", countParameters(*parts.parities.front())},
                         {"count", parts.parities.size()},
                         {"trained", c.trainParityModel},
                         {"initialisation", c.trainsNothing()    ? "the base model itself"
                                            : c.trainParityModel ? "fresh"
                                                                 : "copy of the base model"}};
    // A frozen parity model with BatchNorm: does it follow the train split's
    // statistics (the original's parity_model.train()) or keep the base model's?
    if (!c.trainParityModel && !c.trainsNothing() && !parts.parities.front()->buffers().empty())
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
    j["code"] = describeCode(c, *parts.decoder, parts.erasures());
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
          << (c.trainsNothing() ? "the base model itself, unchanged"
              : c.trainParityModel
                  ? (c.r > 1 ? std::to_string(c.r) + " models, each trained from a fresh initialisation"
                             : std::string("trained from a fresh initialisation"))
                  : "frozen copy of the base model")
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
    if (j.contains("code")) {
        const nlohmann::json& code = j["code"];
        const std::string scheme = code["scheme"].get<std::string>();
        s << "  code:         ";
        if (scheme == "berrut") {
            s << "Berrut, N = " << code["units"].get<int>() << " workers run the base model on coded queries "
              << "(every prediction approximate); data nodes";
            for (const auto& v : code["data_nodes"])
                s << " " << formatNumber(v.get<double>());
            s << ", worker nodes";
            for (const auto& v : code["worker_nodes"])
                s << " " << formatNumber(v.get<double>());
        } else if (scheme == "addition") {
            s << c.r << (c.r == 1 ? " parity (the sum)" : " parities, A[j][i] = node_i^j, nodes");
            if (c.r > 1)
                for (const auto& v : code["nodes"])
                    s << " " << formatNumber(v.get<double>());
            s << "; cond(A[:, S]) worst per |S|:";
            for (const auto& [e, v] : code["worst_condition_by_erased"].items())
                s << " " << e << ": " << formatNumber(v.get<double>());
        } else {
            s << c.r << (c.r == 1 ? " parity query" : " parity queries") << ", learned coders";
        }
        s << "; scored with";
        for (const auto& set : code["erasure_sets"]) {
            s << " e=" << set["erased"].get<int>() << " (" << set["patterns"].get<int64_t>();
            if (set["patterns"].get<int64_t>() != set["possible_patterns"].get<int64_t>())
                s << " sampled of " << set["possible_patterns"].get<int64_t>();
            s << " patterns)";
        }
        s << "\n";
    }
    s << "  training:     " << c.numEpochs << " epochs, " << c.batchSize << " groups of k = " << c.k
      << " per batch, Adam lr " << c.lr << " weight decay " << c.weightDecay
      << (c.valSize == 0 ? std::string(", no validation split (val_size 0)")
                         : ", val_size " + std::to_string(c.valSize))
      << ", seed " << c.seed << "\n";
    return s.str();
}

} // namespace parity
