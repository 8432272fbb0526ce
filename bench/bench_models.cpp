// Throughput of the large architectures (issue 4): parity queries per second
// in training and samples per second in preparation, for resnet18 on
// CIFAR-shaped input and vgg11 on speech-shaped (GCommands) input, CPU, as
// the median of several runs of the real Trainer on generated files; and the
// peak memory of preparing a folder of 224 x 224 images (Cat-v-Dog layout,
// ImageNet resnet18), measured in a process of its own.
//
//   parity_bench_models [--runs N] [--threads N] [--only resnet18|resnet18-28|vgg11|memory] [--images N]
//                       [--pytorch ORIGINAL_TRAIN_DIR] [--fold-compare]
//
// With --pytorch, each case is also run by bench/pytorch_models.py with
// Debian's python3-torch on the same threads and the original framework's
// model classes, and the ratios are printed (issue 12). --fold-compare makes
// each run a second time with BatchNorm not folded into the convolutions of
// the eval passes (models/ConvBnFold.h) and prints both.
#include "support/TinyAudio.h" // tests/core/support: generated data files
#include "support/TinyCifar.h"
#include "support/RunCommand.h"
#include "support/TinyDataset.h"
#include "support/TinyImages.h"

#include "catalog/Catalog.h"
#include "config/SweepConfig.h"
#include "data/GCommandsFolder.h"
#include "training/PreparedData.h"
#include "io/StateDict.h"
#include "models/ConvBnFold.h"
#include "training/Trainer.h"
#include "util/Threads.h"

#include "BenchStats.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

using Clock = std::chrono::steady_clock;

using parity::bench::median;

std::string list(const std::vector<double>& v, const char* format)
{
    std::string out;
    char buf[32];
    for (double x : v) {
        std::snprintf(buf, sizeof buf, format, x);
        out += (out.empty() ? "" : ", ") + std::string(buf);
    }
    return out;
}

// kB from a "Name:   1234 kB" line of /proc/self/status.
long statusKb(const char* name)
{
    std::ifstream in("/proc/self/status");
    for (std::string line; std::getline(in, line);)
        if (line.rfind(name, 0) == 0)
            return std::atol(line.c_str() + std::strlen(name) + 1);
    return -1;
}

class Timing : public parity::TrainingObserver {
public:
    Clock::time_point start = Clock::now();
    double startup = -1;
    double trainSeconds = 0;
    int64_t trainGroups = 0;
    std::map<std::string, double> phases; ///< where the training pass spent its time

    void batchFinished(const parity::BatchStats& s) override
    {
        if (startup < 0)
            startup = std::chrono::duration<double>(Clock::now() - start).count() - s.elapsedSeconds;
    }
    void splitFinished(const parity::SplitResult& r) override
    {
        if (r.split == "train") {
            trainSeconds = r.seconds;
            trainGroups = r.groups;
            phases = r.phaseSeconds;
        }
    }
};

struct Case {
    std::string dataset, model;
    int64_t samples = 0;     // prepared: train + val + test
    std::string pytorchCase; // the same work in bench/pytorch_models.py
};

struct Figures {
    double queriesPerSecond = 0, samplesPerSecond = 0;
    int64_t trainGroups = 0;
};

/// Runs bench/pytorch_models.py on the original framework's classes
/// (TRAIN_DIR) for the same case, samples, groups and threads, and prints
/// its line with the ratios ours / PyTorch.
void comparePytorch(const Case& c, const Figures& ours, const std::string& trainDir, int threads, int batchGroups,
                    int runs)
{
    const int n = threads > 0 ? threads : parity::availableCores();
    const std::string script = (fs::read_symlink("/proc/self/exe").parent_path() / "pytorch_models.py").string();
    const std::string cmd = "/usr/bin/python3 '" + script + "' '" + trainDir + "' " + c.pytorchCase + " "
                            + std::to_string(c.samples) + " " + std::to_string(ours.trainGroups) + " "
                            + std::to_string(batchGroups) + " " + std::to_string(n) + " " + std::to_string(runs);
    const std::string out = parity::test::runCommand(cmd).output;
    const auto at = out.find("pytorch " + c.pytorchCase + ": preparation ");
    if (at == std::string::npos) {
        std::printf("  PyTorch comparison failed:\n%s\n", out.c_str());
        return;
    }
    const double prep = std::atof(out.c_str() + at + 8 + c.pytorchCase.size() + 14);
    const auto t = out.find("training ", at);
    const double train = t == std::string::npos ? 0 : std::atof(out.c_str() + t + 9);
    std::printf("  %s", out.substr(at, out.find('\n', at) - at + 1).c_str());
    std::printf("  ratio ours / PyTorch: training %.2fx, preparation %.2fx (target >= 1.0x)\n\n",
                train > 0 ? ours.queriesPerSecond / train : 0, prep > 0 ? ours.samplesPerSecond / prep : 0);
    std::fflush(stdout);
}

// Random base weights in a file: the speed does not depend on them, and the
// run then neither trains a base model nor finds a cached one.
std::string writeBaseWeights(const fs::path& dir, const std::string& dataset, const std::string& model)
{
    const auto& catalog = parity::Catalog::instance();
    auto net = catalog.model(model)->create(*catalog.dataset(dataset));
    const std::string path = (dir / (dataset + "-" + model + ".pt")).string();
    parity::writeStateDict(path, parity::stateDictOf(*net));
    return path;
}

// With `foldCompare`, each run is made twice in a row, with Conv + BN folded
// in the eval passes (the default) and without, and both medians are printed;
// the figures returned are the folded ones.
Figures runCase(const Case& c, const fs::path& root, int runs, int threads, int batchGroups, bool foldCompare)
{
    const fs::path data = root / c.dataset;
    const std::string weights = writeBaseWeights(root, c.dataset, c.model);
    std::vector<double> queriesPerSecond, samplesPerSecond, unfoldedQueries, unfoldedSamples;
    Figures figures;
    for (int i = 0; i < runs * (foldCompare ? 2 : 1); ++i) {
        const bool unfolded = foldCompare && i % 2 == 1;
        parity::ConvBnFold::setEnabled(!unfolded);
        nlohmann::json j = {{"num_epoch", 1},
                            {"k_vals", {2}},
                            {"enc_dec_types", nlohmann::json::array({nlohmann::json::array({"add", "sub"})})},
                            {"datasets", {c.dataset}},
                            {"models", {c.model}},
                            {"losses", {"mse"}},
                            {"data_dir", data.string()},
                            {"save_dir", (root / "save").string()},
                            {"base_weights", weights},
                            {"batch_size", batchGroups},
                            {"val_size", 64},
                            {"threads", threads},
                            {"seed", 1 + (foldCompare ? i / 2 : i)}};
        const parity::RunConfig config = parity::SweepConfig::fromJson(j, "bench").runs().front();
        Timing timing;
        parity::Trainer trainer(config, {}, &timing);
        trainer.run();
        (unfolded ? unfoldedQueries : queriesPerSecond).push_back(double(timing.trainGroups) / timing.trainSeconds);
        figures.trainGroups = timing.trainGroups;
        (unfolded ? unfoldedSamples : samplesPerSecond).push_back(double(c.samples) / timing.startup);
        std::string phases;
        for (const auto& [phase, seconds] : timing.phases)
            phases += (phases.empty() ? "" : ", ") + phase + " " + std::to_string(seconds).substr(0, 5);
        std::printf("  run %d%s: training %lld parity queries in %.2f s (%s); start-up (read + prepare %lld samples) "
                    "%.2f s\n",
                    (foldCompare ? i / 2 : i) + 1, unfolded ? " (BN unfolded)" : "", (long long)timing.trainGroups,
                    timing.trainSeconds, phases.c_str(), (long long)c.samples, timing.startup);
        std::fflush(stdout);
    }
    std::printf("%s %s: training %.1f parity queries/s (median of %d: %s), preparation %.1f samples/s (%s)\n\n",
                c.dataset.c_str(), c.model.c_str(), median(queriesPerSecond), runs,
                list(queriesPerSecond, "%.1f").c_str(), median(samplesPerSecond),
                list(samplesPerSecond, "%.1f").c_str());
    if (foldCompare)
        std::printf("  BN unfolded in eval passes: training %.1f (%s), preparation %.1f (%s); folded / unfolded: "
                    "training %.2fx, preparation %.2fx\n\n",
                    median(unfoldedQueries), list(unfoldedQueries, "%.1f").c_str(), median(unfoldedSamples),
                    list(unfoldedSamples, "%.1f").c_str(), median(queriesPerSecond) / median(unfoldedQueries),
                    median(samplesPerSecond) / median(unfoldedSamples));
    parity::ConvBnFold::setEnabled(true);
    std::fflush(stdout);
    figures.queriesPerSecond = median(queriesPerSecond);
    figures.samplesPerSecond = median(samplesPerSecond);
    return figures;
}

// Peak memory of preparing a folder of 224 x 224 JPEG images: the set is
// decoded batch by batch, so the peak should not grow with the folder.
int memoryCase(const fs::path& root, int images, int threads)
{
    parity::applyThreadSettings(threads, parity::Workload::Convolutions);
    const fs::path dir = root / "images224";
    std::mt19937 rng(9);
    const int perClassTrain = images * 8 / 20, perClassOther = images / 20;
    for (const auto& [split, count] :
         {std::pair<std::string, int>{"train", perClassTrain}, {"val", perClassOther}, {"test", perClassOther}})
        for (int label = 0; label < 2; ++label) {
            const fs::path folder = dir / split / (label ? "dog" : "cat");
            fs::create_directories(folder);
            for (int i = 0; i < count; ++i)
                parity::test::writeJpeg((folder / (std::to_string(i) + ".jpg")).string(),
                                        parity::test::classPicture(label, 224, 224, rng), 224, 224);
        }
    const auto& catalog = parity::Catalog::instance();
    const parity::DatasetEntry& dataset = *catalog.dataset("cat_v_dog");
    auto model = catalog.model("resnet18")->create(dataset);
    model->eval();
    const parity::RawDataset raw = dataset.load(dir.string());
    const int64_t total = raw.train.size() + (raw.val ? raw.val->size() : 0) + raw.test.size();
    const long before = statusKb("VmHWM:"), rssBefore = statusKb("VmRSS:");
    const auto t0 = Clock::now();
    parity::DatasetPreparer preparer(dataset, dataset.shape, 2, 64, 1);
    const parity::PreparedData prepared = preparer.prepare(raw, *model, nullptr, nullptr);
    const double seconds = std::chrono::duration<double>(Clock::now() - t0).count();
    const long after = statusKb("VmHWM:");
    const double floatsMb = double(total) * 3 * 224 * 224 * 4 / 1e6;
    std::printf("memory: prepared %lld images of 224x224 (cat_v_dog layout, ImageNet resnet18) in %.1f s "
                "(%.1f images/s)\n",
                (long long)total, seconds, double(total) / seconds);
    std::printf("memory: peak RSS (VmHWM) %.1f MB before preparing (RSS %.1f MB), %.1f MB after: "
                "preparation added %.1f MB at its peak; the decoded set as floats would be %.1f MB\n",
                before / 1024.0, rssBefore / 1024.0, after / 1024.0, (after - before) / 1024.0, floatsMb);
    return 0;
}

} // namespace

int main(int argc, char** argv)
{
    int runs = 3, threads = 0, images = 300;
    std::string only, pytorch;
    bool foldCompare = false, usage = false;
    for (int i = 1; i < argc && !usage; i += 2) {
        const std::string a = argv[i];
        if (a == "--fold-compare") {
            foldCompare = true;
            --i; // takes no value
        } else if (i + 1 >= argc)
            usage = true; // an option without its value
        else if (a == "--runs")
            runs = std::atoi(argv[i + 1]);
        else if (a == "--threads")
            threads = std::atoi(argv[i + 1]);
        else if (a == "--only")
            only = argv[i + 1];
        else if (a == "--images")
            images = std::atoi(argv[i + 1]);
        else if (a == "--pytorch")
            pytorch = argv[i + 1];
        else
            usage = true;
    }
    if (usage) {
        std::fprintf(stderr,
                     "usage: %s [--runs N] [--threads N] [--only resnet18|resnet18-28|vgg11|memory] [--images N] "
                     "[--pytorch ORIGINAL_TRAIN_DIR] [--fold-compare]\n",
                     argv[0]);
        return 2;
    }
    const fs::path root = fs::temp_directory_path() / ("parity-bench-models-" + std::to_string(::getpid()));
    fs::create_directories(root);
    struct Cleanup {
        fs::path p;
        ~Cleanup()
        {
            std::error_code ec;
            fs::remove_all(p, ec);
        }
    } cleanup{root};

    if (only == "memory")
        return memoryCase(root, images, threads);

    auto run = [&](const Case& c, int batchGroups) {
        const Figures ours = runCase(c, root, runs, threads, batchGroups, foldCompare);
        if (!pytorch.empty())
            comparePytorch(c, ours, pytorch, threads, batchGroups, runs);
    };
    if (only.empty() || only == "resnet18") {
        // 5 x 128 train records (64 of them val), 64 test: 288 training groups.
        parity::test::writeTinyCifar((root / "cifar10").string(), 10, 128, 64);
        run({"cifar10", "resnet18", 5 * 128 + 64, "resnet18-cifar"}, 32);
    }
    if (only.empty() || only == "resnet18-28") {
        // MNIST-format 28x28 grey: 640 train (64 of them val), 128 test: 288 training groups.
        parity::test::writeTinyMnist((root / "mnist").string(), 640, 128);
        run({"mnist", "resnet18", 640 + 128, "resnet18-28"}, 32);
    }
    if (only.empty() || only == "vgg11") {
        // 30 words x 4 train files, 1 valid and 1 test each: 60 training groups.
        parity::test::writeTinyGCommands((root / "gcommands").string(), parity::gcommandsClassNames(), 4, 1);
        run({"gcommands", "vgg11", 30 * 6, "vgg11-speech"}, 8);
    }
    if (only.empty()) {
        // A process of its own, so the peak is the preparation's, not the runs' above.
        const std::string self = fs::read_symlink("/proc/self/exe").string();
        const std::string cmd = "'" + self + "' --only memory --images " + std::to_string(images) + " --threads "
                                + std::to_string(threads);
        return std::system(cmd.c_str()) == 0 ? 0 : 1;
    }
    return 0;
}
