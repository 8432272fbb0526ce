#include "training/BaseModelProvider.h"

#include "BuildConfig.h"

#include "data/Boxes.h"
#include "training/PreparedData.h"
#include "io/StateDict.h"
#include "training/AdamOptimizer.h"
#include "events/CancelToken.h"
#include "util/Error.h"
#include "util/Random.h"

#include <torch/csrc/autograd/grad_mode.h>
#include <torch/utils.h>

#include <cstdlib>
#include <filesystem>
#include <unistd.h>

namespace fs = std::filesystem;

namespace parity {

std::string BaseModelProvider::cachePath(const std::string& modelsDir, const std::string& dataset,
                                         const std::string& model)
{
    return (fs::path(modelsDir.empty() ? parity::defaultModelsDir() : modelsDir) / dataset / model / "model.pt")
        .string();
}

std::vector<std::string> BaseModelProvider::bundledPaths(const std::string& dataset, const std::string& model)
{
    std::vector<fs::path> roots;
    if (const char* env = std::getenv("PARITY_RESOURCE_DIR"); env && *env)
        roots.emplace_back(env);
    std::error_code ec;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (!ec) {
        // PREFIX/bin/program, and PREFIX/libexec/parity-workbench/program-bin
        // (the programs the launchers start, app/launcher).
        roots.push_back(exe.parent_path().parent_path() / "share" / "parity-workbench");
        roots.push_back(exe.parent_path().parent_path().parent_path() / "share" / "parity-workbench");
    }
    roots.emplace_back(PARITY_INSTALLED_RESOURCE_DIR);
    roots.emplace_back(PARITY_SOURCE_RESOURCE_DIR);
    std::vector<std::string> out;
    for (const auto& root : roots) {
        const fs::path file = root / "base_models" / dataset / model / "model.pt";
        if (fs::is_regular_file(file, ec))
            out.push_back(file.string());
    }
    return out;
}

BaseModelProvider::Result BaseModelProvider::obtain(const RunConfig& config, const DatasetEntry& dataset,
                                                    const ModelEntry& modelEntry, const RawDataset& raw,
                                                    TrainingObserver* observer, const CancelToken* cancel,
                                                    const StateDict* baseWeightsRead)
{
    if (modelEntry.needsModelFile())
        return fromModelFile(config, dataset, modelEntry);

    // Decide where the weights come from first, so the model is built once
    // (a resnet152 costs ~58M random draws to initialise).
    std::string weights;
    const std::string cache = cachePath(config.modelsDir, dataset.name, modelEntry.name);
    if (!config.baseWeights.empty() && config.baseWeights != "train") {
        if (!fs::exists(config.baseWeights))
            throw Error(config.baseWeights + ": base-model weights file not found");
        weights = config.baseWeights;
    } else if (config.baseWeights.empty()) {
        const auto bundled = bundledPaths(dataset.name, modelEntry.name);
        if (!bundled.empty())
            weights = bundled.front();
        else if (fs::exists(cache))
            weights = cache;
    }

    Result result;
    if (!weights.empty()) {
        result.model = modelEntry.create(dataset);
        if (baseWeightsRead && weights == config.baseWeights)
            loadStateDict(*result.model, *baseWeightsRead, weights);
        else
            loadStateDict(*result.model, readStateDict(weights), weights);
        result.source = weights;
    } else {
        if (observer)
            observer->message("No trained " + modelEntry.name + " base model for " + dataset.name + ": training one ("
                              + std::to_string(config.baseTrainEpochs) + " epochs).");
        torch::manual_seed(deriveSeed(config.seed, kSeedBaseTraining));
        result.model = modelEntry.create(dataset); // initialised from the seeded generator
        train(*result.model, dataset, raw, config.baseTrainEpochs, config.seed, observer, cancel);
        std::error_code ec;
        fs::create_directories(fs::path(cache).parent_path(), ec);
        if (ec)
            throw Error("cannot create the models directory " + fs::path(cache).parent_path().string() + ": "
                        + ec.message());
        writeStateDict(cache, stateDictOf(*result.model));
        result.source = "trained here, cached in " + cache;
        if (observer)
            observer->message("Base model cached in " + cache);
    }
    result.model->eval();
    for (auto& p : result.model->parameters())
        p.set_requires_grad(false);
    return result;
}

BaseModelProvider::Result BaseModelProvider::fromModelFile(const RunConfig& config, const DatasetEntry& dataset,
                                                           const ModelEntry& modelEntry)
{
    Result result;
    result.model = modelEntry.make(dataset, config.modelScript);
    result.source = config.modelScript;
    result.model->eval();
    for (auto& p : result.model->parameters())
        p.set_requires_grad(false);
    // A model made for other inputs fails here, with a sentence, not mid-run.
    torch::NoGradGuard noGrad;
    const at::Tensor probe = at::zeros({2, dataset.shape.numel()});
    const at::Tensor out = result.model->forward(probe);
    if (out.dim() != 2 || out.size(0) != 2 || out.size(1) != dataset.numClasses)
        throw Error(config.modelScript + ": the model gives " + std::to_string(out.numel() / 2)
                    + " outputs per sample, but " + dataset.name + " has " + std::to_string(dataset.numClasses)
                    + " classes");
    return result;
}

void BaseModelProvider::train(Network& model, const DatasetEntry& dataset, const RawDataset& raw, int epochs,
                              std::uint64_t seed, TrainingObserver* observer, const CancelToken* cancel)
{
    constexpr int kBatch = 64;
    std::vector<at::Tensor> params;
    for (auto& p : model.parameters())
        params.push_back(p);
    AdamOptimizer opt(params, AdamOptimizer::Options{});
    SplitPlan plan{"train", nullptr, {}, true};
    plan.indices.resize(size_t(raw.train.size()));
    for (size_t i = 0; i < plan.indices.size(); ++i)
        plan.indices[i] = int64_t(i);
    // The base transform batch by batch: floats of a whole CIFAR train split
    // would take 600 MB, and sets decoded from files are decoded per batch.
    const bool lazy = raw.train.isLazy();
    const at::Tensor labels = raw.train.labels.to(at::kLong);
    // Localization (docs/BEHAVIOUR.md §4): regression of the normalised box, MSE.
    const bool boxes = dataset.task == Task::Localization;
    if (boxes && !raw.train.boxes.defined())
        throw Error(dataset.name + ": the training split carries no boxes");

    for (int epoch = 0; epoch < epochs; ++epoch) {
        model.train();
        double lossSum = 0;
        int64_t steps = 0;
        const auto batches = epochBatches(plan, 1, kBatch, deriveSeed(seed, kSeedBaseTraining), epoch);
        for (const auto& b : batches) {
            if (cancel && cancel->isCancelled())
                throw Cancelled();
            const at::Tensor idx = at::from_blob(const_cast<int64_t*>(b.data()), {int64_t(b.size())}, at::kLong);
            opt.zeroGrad();
            const at::Tensor batchInputs = lazy ? loadBaseInputs(raw.train, dataset, b.data(), int64_t(b.size()))
                                                : dataset.toInput(raw.train.images.index_select(0, idx));
            const at::Tensor out = model.forward(batchInputs).reshape({idx.size(0), -1});
            auto loss = boxes ? at::mse_loss(out, raw.train.boxes.index_select(0, idx))
                              : at::cross_entropy_loss(out, labels.index_select(0, idx));
            loss.backward();
            opt.step();
            lossSum += loss.item<double>();
            ++steps;
            if (observer && steps % 50 == 0)
                observer->progress("Training base model, epoch " + std::to_string(epoch + 1), steps,
                                   int64_t(batches.size()));
        }
        model.eval();
        const at::Tensor testOut = DatasetPreparer::baseOutputs(model, dataset, raw.test);
        const int64_t correct =
            boxes ? scoredIouRows(testOut, raw.test.boxes, raw.test.imageSizes).ge(0.75).sum().item<int64_t>()
                  : testOut.argmax(1).eq(raw.test.labels.to(at::kLong)).sum().item<int64_t>();
        if (observer) {
            char line[160];
            std::snprintf(line, sizeof line,
                          "Base model training epoch %d/%d: loss=%.4f, test accuracy %lld / %lld = %.4f", epoch + 1,
                          epochs, steps ? lossSum / double(steps) : 0.0, (long long)correct, (long long)raw.test.size(),
                          raw.test.size() ? double(correct) / double(raw.test.size()) : 0.0);
            observer->message(line);
        }
    }
    model.eval();
}

} // namespace parity
