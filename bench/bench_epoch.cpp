// Epoch benchmark (issue: core). Fashion-MNIST, base-mlp, k = 2, add/sub,
// MSE, default settings. Reports start-up (reading + preparing all 70,000
// samples), seconds per epoch (train + val + test) as the median of several
// epochs, groups per second, where the training pass spends its time, and
// the matrix-product floor of an epoch measured with the same BLAS.
//
//   parity_bench_epoch [--epochs N] [--data-dir DIR] [--threads N]
#include "catalog/Catalog.h"
#include "config/SweepConfig.h"
#include "training/PreparedData.h"
#include "training/BaseModelProvider.h"
#include "training/Trainer.h"
#include "util/Threads.h"

#include "BenchArgs.h"
#include "BenchStats.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

using parity::bench::median;

class BenchObserver : public parity::TrainingObserver {
public:
    Clock::time_point start = Clock::now();
    double startup = -1;
    std::vector<double> epochSeconds, trainSeconds, valSeconds, testSeconds, trainGroupsPerSecond;
    std::map<std::string, std::vector<double>> phases;

    void batchFinished(const parity::BatchStats& s) override
    {
        if (startup < 0)
            startup = std::chrono::duration<double>(Clock::now() - start).count() - s.elapsedSeconds;
    }
    void splitFinished(const parity::SplitResult& r) override
    {
        if (r.split == "train") {
            trainSeconds.push_back(r.seconds);
            trainGroupsPerSecond.push_back(double(r.groups) / r.seconds);
            for (const auto& [phase, seconds] : r.phaseSeconds)
                phases[phase].push_back(seconds);
        } else if (r.split == "val") {
            valSeconds.push_back(r.seconds);
        } else {
            testSeconds.push_back(r.seconds);
        }
    }
    void epochFinished(const parity::EpochSummary& e) override { epochSeconds.push_back(e.seconds); }
};

// The matrix products of one training pass through base-mlp (forward, and
// the weight gradients of the backward pass), and the forward products of
// val + test, on random data of the same shapes.
double gemmFloor(int64_t trainGroups, int64_t evalGroups, int64_t batch)
{
    auto w1 = at::randn({200, 784}), w2 = at::randn({100, 200}), w3 = at::randn({10, 100});
    auto x = at::randn({batch, 784}), h1 = at::randn({batch, 200}), h2 = at::randn({batch, 100});
    auto g3 = at::randn({batch, 10}), g2 = at::randn({batch, 100}), g1 = at::randn({batch, 200});
    const auto t0 = Clock::now();
    const int64_t trainBatches = (trainGroups + batch - 1) / batch;
    for (int64_t i = 0; i < trainBatches; ++i) {
        at::mm(x, w1.t());
        at::mm(h1, w2.t());
        at::mm(h2, w3.t()); // forward
        at::mm(g3.t(), h2);
        at::mm(g3, w3); // layer 3: dW, dX
        at::mm(g2.t(), h1);
        at::mm(g2, w2);    // layer 2: dW, dX
        at::mm(g1.t(), x); // layer 1: dW only
    }
    const int64_t evalBatches = (evalGroups + batch - 1) / batch;
    for (int64_t i = 0; i < evalBatches; ++i) {
        at::mm(x, w1.t());
        at::mm(h1, w2.t());
        at::mm(h2, w3.t());
    }
    return std::chrono::duration<double>(Clock::now() - t0).count();
}

} // namespace

int main(int argc, char** argv)
{
    const parity::bench::BenchArgs args(argc, argv, "[--epochs N] [--data-dir DIR] [--threads N]");
    const int epochs = args.integer("--epochs", 5, 1);
    const std::string dataDir = args.text("--data-dir", "/usr/share/datasets/fashion-mnist");
    const int threads = args.integer("--threads", 0, 0); // 0: all cores
    const auto saveDir = std::filesystem::temp_directory_path() / ("parity-bench-" + std::to_string(::getpid()));

    nlohmann::json cfg = {{"num_epoch", epochs},
                          {"k_vals", {2}},
                          {"enc_dec_types",
                           nlohmann::json::array({nlohmann::json::array(
                               {"coders.summation.AdditionEncoder", "coders.summation.SubtractionDecoder"})})},
                          {"datasets", {"fashion-mnist"}},
                          {"models", {"base-mlp"}},
                          {"losses", {"torch.nn.MSELoss"}},
                          {"train_parity_model", true},
                          {"data_dir", dataDir},
                          {"save_dir", saveDir.string()},
                          {"threads", threads}};
    BenchObserver observer;
    parity::RunSummary summary;
    try {
        const auto sweep = parity::SweepConfig::fromJson(cfg, "bench");
        parity::Trainer trainer(sweep.runs().front(), {}, &observer);
        observer.start = Clock::now();
        summary = trainer.run();
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bench failed: %s\n", e.what());
        return 1;
    }
    std::filesystem::remove_all(saveDir);

    const auto settings = parity::applyThreadSettings(threads);
    std::printf("machine: %d cores; LibTorch threads %d, BLAS threads %d (%s)\n", parity::availableCores(),
                settings.torchThreads, settings.blasThreads, settings.blas.c_str());
    std::printf("start-up (read 70,000 samples + base model + preparation): %.3f s\n", observer.startup);
    std::printf("epoch (train + val + test), median of %zu: %.3f s   [all: ", observer.epochSeconds.size(),
                median(observer.epochSeconds));
    for (double s : observer.epochSeconds)
        std::printf("%.3f ", s);
    std::printf("]\n");
    std::printf("  train pass %.3f s, val %.3f s, test %.3f s (medians)\n", median(observer.trainSeconds),
                median(observer.valSeconds), median(observer.testSeconds));
    std::printf("  training groups (parity queries) per second: %.0f\n", median(observer.trainGroupsPerSecond));
    double phased = 0;
    std::printf("  train pass by phase (medians):");
    for (const auto& [phase, values] : observer.phases) {
        std::printf(" %s %.3f s,", phase.c_str(), median(values));
        phased += median(values);
    }
    std::printf(" loop/other %.3f s\n", median(observer.trainSeconds) - phased);
    // Start-up broken down: reading the files, the base model, preparation.
    {
        const auto& catalog = parity::Catalog::instance();
        const auto& dataset = *catalog.dataset("fashion-mnist");
        const auto run = parity::SweepConfig::fromJson(cfg, "bench").runs().front();
        std::vector<double> read, base, prep;
        for (int i = 0; i < 3; ++i) {
            auto t0 = Clock::now();
            const auto raw = dataset.load(dataDir);
            auto t1 = Clock::now();
            auto model = parity::BaseModelProvider::obtain(run, dataset, *catalog.model("base-mlp"), raw, nullptr,
                                                           nullptr);
            auto t2 = Clock::now();
            parity::DatasetPreparer preparer(dataset, dataset.shape, 2, 5000, 1);
            const auto prepared = preparer.prepare(raw, *model.model, nullptr, nullptr);
            auto t3 = Clock::now();
            read.push_back(std::chrono::duration<double>(t1 - t0).count());
            base.push_back(std::chrono::duration<double>(t2 - t1).count());
            prep.push_back(std::chrono::duration<double>(t3 - t2).count());
        }
        std::printf("start-up parts (medians of 3): read IDX files %.3f s, base weights %.3f s, "
                    "preparation (base model over 70,000 samples, splits) %.3f s\n",
                    median(read), median(base), median(prep));
    }
    std::vector<double> floors;
    for (int i = 0; i < 3; ++i)
        floors.push_back(gemmFloor(27500, 7500, 64));
    std::printf("matrix-product floor of one epoch (same BLAS, same shapes), median of 3: %.3f s\n", median(floors));
    return 0;
}
