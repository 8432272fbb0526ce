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
// each run also with the folded Conv + BN pairs on dense tensors instead of
// MKL-DNN ones, and with BatchNorm not folded into the convolutions of the
// eval passes (models/ConvBnFold.h), and prints all three.
#include "support/TinyAudio.h" // tests/core/support: generated data files
#include "support/TinyCifar.h"
#include "support/RunCommand.h"
#include "support/TinyDataset.h"
#include "support/TinyImages.h"

#include "catalog/Catalog.h"
#include "config/SweepConfig.h"
#include "data/GCommandsFolder.h"
#include "training/BaseModelProvider.h"
#include "training/PreparedData.h"
#include "io/StateDict.h"
#include "models/ConvBnFold.h"
#include "training/Trainer.h"
#include "util/Threads.h"

#include "BenchArgs.h"
#include "BenchStats.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <vector>

#include <unistd.h>

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
    /// Where the start-up went: each stage the Trainer reports, from its
    /// first to its last report, and the base model's accuracies.
    struct Stage {
        std::string name;
        double from = 0, to = 0;
    };
    std::vector<Stage> stages;

    double now() const { return std::chrono::duration<double>(Clock::now() - start).count(); }
    void progress(const std::string& stage, int64_t, int64_t) override
    {
        // "Preparing train split" etc. are one stage; a Reading stage reports 0/1 and 1/1.
        const std::string name = stage.rfind("Preparing", 0) == 0 ? "preparing" : stage;
        if (stages.empty() || stages.back().name != name)
            stages.push_back({name, now(), now()});
        stages.back().to = now();
    }
    void baseModelEvaluated(const std::vector<parity::BaseAccuracy>&) override
    {
        stages.push_back({"base accuracies", now(), now()});
    }
    void batchFinished(const parity::BatchStats& s) override
    {
        if (startup < 0)
            startup = now() - s.elapsedSeconds;
    }
    /// "read 0.00-0.41, preparing 0.52-3.01, ..., first batch 3.20" (seconds from the Trainer's start).
    std::string startupParts() const
    {
        std::string out;
        char buf[96];
        for (const Stage& st : stages) {
            std::snprintf(buf, sizeof buf, "%s %.2f-%.2f, ", st.name.c_str(), st.from, st.to);
            out += buf;
        }
        std::snprintf(buf, sizeof buf, "first batch %.2f", startup);
        return out + buf;
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

/// One warm run of bench/pytorch_models.py on the original framework's
/// classes (TRAIN_DIR) for the same case, samples, groups and threads: its
/// process makes an untimed run first, as this one did (oneDNN makes its
/// kernels on first use; Python's own start-up is outside its clock).
struct PytorchRun {
    bool ok = false;
    double samplesPerSecond = 0, queriesPerSecond = 0, forwardSamplesPerSecond = 0;
    std::string line; ///< what it printed, or why it failed
};

PytorchRun runPytorch(const Case& c, const std::string& trainDir, int threads, int64_t groups, int batchGroups)
{
    const int n = threads > 0 ? threads : parity::availableCores();
    const std::string script = (fs::read_symlink("/proc/self/exe").parent_path() / "pytorch_models.py").string();
    const std::string cmd = "/usr/bin/python3 '" + script + "' '" + trainDir + "' " + c.pytorchCase + " "
                            + std::to_string(c.samples) + " " + std::to_string(groups) + " "
                            + std::to_string(batchGroups) + " " + std::to_string(n) + " 1 1";
    const std::string out = parity::test::runCommand(cmd).output;
    PytorchRun r;
    const std::string head = "pytorch " + c.pytorchCase + ": preparation ";
    const auto at = out.find(head);
    if (at == std::string::npos) {
        r.line = out;
        return r;
    }
    r.line = out.substr(at, out.find('\n', at) - at);
    r.samplesPerSecond = std::atof(out.c_str() + at + head.size());
    const auto t = out.find("training ", at);
    const auto f = out.find("forward alone ", at);
    r.ok = t != std::string::npos && f != std::string::npos;
    r.queriesPerSecond = r.ok ? std::atof(out.c_str() + t + 9) : 0;
    r.forwardSamplesPerSecond = r.ok ? std::atof(out.c_str() + f + 14) : 0;
    return r;
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

nlohmann::json caseJson(const Case& c, const fs::path& root, const std::string& weights, int threads, int batchGroups,
                        int seed)
{
    return {{"num_epoch", 1},
            {"k_vals", {2}},
            {"enc_dec_types", nlohmann::json::array({nlohmann::json::array({"add", "sub"})})},
            {"datasets", {c.dataset}},
            {"models", {c.model}},
            {"losses", {"mse"}},
            {"data_dir", (root / c.dataset).string()},
            {"save_dir", (root / "save").string()},
            {"base_weights", weights},
            {"batch_size", batchGroups},
            {"val_size", 64},
            {"threads", threads},
            {"seed", seed}};
}

// How the eval passes run their Conv + BN pairs (models/ConvBnFold.h).
struct EvalMode {
    const char* name;
    bool fold, mkldnn;
};
constexpr EvalMode kEvalModes[] = {
    {"folded, MKL-DNN layout", true, true}, // the default
    {"folded, dense layout", true, false},
    {"BN unfolded", false, false},
};

void useEvalMode(const EvalMode& mode)
{
    parity::ConvBnFold::setEnabled(mode.fold);
    parity::ConvBnFold::setMkldnnEnabled(mode.mkldnn);
}

// Where the start-up goes, each part timed on its own as the Trainer does it
// (medians of `runs`): reading the data files, the base model (built, its
// weights read), and the base model over every sample (the preparation
// proper, the same kernels PyTorch's forward runs), in each of the first
// `modes` EvalModes in turn. Returns the default mode's samples per second
// of that last part.
double preparationParts(const Case& c, const fs::path& root, const std::string& weights, int runs, int threads,
                        size_t modes)
{
    const auto& catalog = parity::Catalog::instance();
    const parity::DatasetEntry& dataset = *catalog.dataset(c.dataset);
    const parity::RunConfig config =
        parity::SweepConfig::fromJson(caseJson(c, root, weights, threads, 32, 1), "bench").runs().front();
    parity::applyThreadSettings(threads, parity::workloadOfModel(c.model));
    std::vector<double> read, base;
    std::vector<std::vector<double>> forward(modes);
    for (int i = 0; i < runs; ++i) {
        const auto t0 = Clock::now();
        const parity::RawDataset raw = dataset.load(config.dataDir);
        const auto t1 = Clock::now();
        auto model = parity::BaseModelProvider::obtain(config, dataset, *catalog.model(c.model), raw, nullptr, nullptr);
        const auto t2 = Clock::now();
        read.push_back(std::chrono::duration<double>(t1 - t0).count());
        base.push_back(std::chrono::duration<double>(t2 - t1).count());
        for (size_t mode = 0; mode < modes; ++mode) {
            useEvalMode(kEvalModes[mode]);
            const auto t3 = Clock::now();
            parity::DatasetPreparer preparer(dataset, dataset.shape, 2, config.valSize, 1);
            preparer.setForwardChunk(64); // as the Trainer does for convolutional models
            const parity::PreparedData prepared = preparer.prepare(raw, *model.model, nullptr, nullptr);
            forward[mode].push_back(std::chrono::duration<double>(Clock::now() - t3).count());
        }
    }
    useEvalMode(kEvalModes[0]);
    std::printf("  start-up parts (medians of %d): read files %.3f s, base model %.3f s, base model over %lld "
                "samples %.3f s (%.1f samples/s: %s s)\n",
                runs, median(read), median(base), (long long)c.samples, median(forward[0]),
                double(c.samples) / median(forward[0]), list(forward[0], "%.3f").c_str());
    for (size_t mode = 1; mode < modes; ++mode)
        std::printf("    %s: %.3f s (%.1f samples/s: %s s); the default / this: %.2fx\n", kEvalModes[mode].name,
                    median(forward[mode]), double(c.samples) / median(forward[mode]),
                    list(forward[mode], "%.3f").c_str(), median(forward[mode]) / median(forward[0]));
    std::printf("\n");
    std::fflush(stdout);
    return double(c.samples) / median(forward[0]);
}

// Bytes of the files under `dir`, which is then removed: each run starts
// with an empty save directory (no earlier run to move aside).
uintmax_t takeDirectory(const fs::path& dir)
{
    uintmax_t bytes = 0;
    std::error_code ec;
    for (const auto& e : fs::recursive_directory_iterator(dir, ec))
        if (e.is_regular_file(ec))
            bytes += e.file_size(ec);
    fs::remove_all(dir, ec);
    return bytes;
}

// One run of the real Trainer (1 epoch) in the current EvalMode.
struct OurRun {
    double queriesPerSecond = 0, samplesPerSecond = 0;
    int64_t trainGroups = 0;
};

OurRun runOurs(const Case& c, const fs::path& root, const std::string& weights, int threads, int batchGroups, int seed,
               const std::string& label)
{
    const nlohmann::json j = caseJson(c, root, weights, threads, batchGroups, seed);
    const parity::RunConfig config = parity::SweepConfig::fromJson(j, "bench").runs().front();
    Timing timing;
    parity::Trainer trainer(config, {}, &timing);
    trainer.run();
    std::string phases;
    for (const auto& [phase, seconds] : timing.phases)
        phases += (phases.empty() ? "" : ", ") + phase + " " + std::to_string(seconds).substr(0, 5);
    const uintmax_t written = takeDirectory(root / "save");
    // What is left to write goes to disk now, not while the next run (ours
    // or PyTorch's) is timed.
    ::sync();
    std::printf("  %s: training %lld parity queries in %.2f s (%s); start-up (read + prepare %lld samples) %.2f s; "
                "%.0f MB written\n",
                label.c_str(), (long long)timing.trainGroups, timing.trainSeconds, phases.c_str(), (long long)c.samples,
                timing.startup, double(written) / 1e6);
    std::printf("    start-up (s from the Trainer's start): %s\n", timing.startupParts().c_str());
    std::fflush(stdout);
    return {double(timing.trainGroups) / timing.trainSeconds, double(c.samples) / timing.startup, timing.trainGroups};
}

// `runs` runs of the case after an untimed warm-up (oneDNN makes its kernels
// on first use). With `foldCompare`, each run is made once in each EvalMode
// in turn; with `pytorchDir`, each run is followed by one of PyTorch's
// (runPytorch), so that both sides meet the machine's load alike, and the
// ratios are printed per pair and as medians.
void runCase(const Case& c, const fs::path& root, int runs, int threads, int batchGroups, bool foldCompare,
             const std::string& pytorchDir)
{
    const std::string weights = writeBaseWeights(root, c.dataset, c.model);
    const size_t modes = foldCompare ? std::size(kEvalModes) : 1;
    std::vector<std::vector<double>> queriesPerSecond(modes), samplesPerSecond(modes);
    std::vector<PytorchRun> pytorch;
    bool pytorchFailed = false;
    int64_t trainGroups = 0;
    for (size_t mode = 0; mode < modes; ++mode) { // each layout makes its kernels on its first run
        useEvalMode(kEvalModes[mode]);
        trainGroups = runOurs(c, root, weights, threads, batchGroups, 100,
                              std::string("warm-up run, not counted") + (modes > 1 ? ", " : "")
                                  + (modes > 1 ? kEvalModes[mode].name : ""))
                          .trainGroups;
    }
    for (int run = 0; run < runs; ++run) {
        for (size_t mode = 0; mode < modes; ++mode) {
            useEvalMode(kEvalModes[mode]);
            const std::string label = "run " + std::to_string(run + 1)
                                      + (modes > 1 ? std::string(" (") + kEvalModes[mode].name + ")" : "");
            const OurRun r = runOurs(c, root, weights, threads, batchGroups, 1 + run, label);
            queriesPerSecond[mode].push_back(r.queriesPerSecond);
            samplesPerSecond[mode].push_back(r.samplesPerSecond);
        }
        useEvalMode(kEvalModes[0]);
        if (!pytorchDir.empty() && !pytorchFailed) {
            const PytorchRun r = runPytorch(c, pytorchDir, threads, trainGroups, batchGroups);
            std::printf("  run %d: %s\n", run + 1, r.ok ? r.line.c_str() : "PyTorch comparison failed:");
            if (!r.ok)
                std::printf("%s\n", r.line.c_str());
            std::fflush(stdout);
            pytorchFailed = !r.ok;
            if (r.ok)
                pytorch.push_back(r);
        }
    }
    std::printf("%s %s: training %.1f parity queries/s (median of %d: %s), preparation %.1f samples/s (%s)\n\n",
                c.dataset.c_str(), c.model.c_str(), median(queriesPerSecond[0]), runs,
                list(queriesPerSecond[0], "%.1f").c_str(), median(samplesPerSecond[0]),
                list(samplesPerSecond[0], "%.1f").c_str());
    for (size_t mode = 1; mode < modes; ++mode)
        std::printf("  %s in eval passes: training %.1f (%s), preparation %.1f (%s); the default / this: "
                    "training %.2fx, preparation %.2fx\n\n",
                    kEvalModes[mode].name, median(queriesPerSecond[mode]), list(queriesPerSecond[mode], "%.1f").c_str(),
                    median(samplesPerSecond[mode]), list(samplesPerSecond[mode], "%.1f").c_str(),
                    median(queriesPerSecond[0]) / median(queriesPerSecond[mode]),
                    median(samplesPerSecond[0]) / median(samplesPerSecond[mode]));
    std::fflush(stdout);
    const double forward = preparationParts(c, root, weights, runs, threads, modes);
    if (pytorch.empty() || pytorchFailed)
        return;
    std::vector<double> ptTrain, ptPrep, ptForward, trainRatios, prepRatios;
    for (size_t i = 0; i < pytorch.size(); ++i) {
        ptTrain.push_back(pytorch[i].queriesPerSecond);
        ptPrep.push_back(pytorch[i].samplesPerSecond);
        ptForward.push_back(pytorch[i].forwardSamplesPerSecond);
        trainRatios.push_back(queriesPerSecond[0][i] / pytorch[i].queriesPerSecond);
        prepRatios.push_back(samplesPerSecond[0][i] / pytorch[i].samplesPerSecond);
    }
    std::printf("  pytorch %s (medians of %d): training %.1f parity queries/s, preparation %.1f samples/s, the base "
                "model's forward alone (batches of 32 of ready-made inputs) %.1f samples/s\n",
                c.pytorchCase.c_str(), runs, median(ptTrain), median(ptPrep), median(ptForward));
    std::printf("  ratio ours / PyTorch, run by run: training %s; preparation %s\n", list(trainRatios, "%.2f").c_str(),
                list(prepRatios, "%.2f").c_str());
    std::printf("  ratio ours / PyTorch (medians of the pairs): training %.2fx, preparation %.2fx (target >= 1.0x); "
                "the base model over the samples %.2fx (medians; ours: the whole preparer's pass in chunks of 64, "
                "with decoding and argmax, in a phase of its own)\n\n",
                median(trainRatios), median(prepRatios), forward / median(ptForward));
    std::fflush(stdout);
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
    const parity::bench::BenchArgs args(
        argc, argv,
        "[--runs N] [--threads N] [--only resnet18|resnet18-28|vgg11|memory] [--images N] "
        "[--pytorch ORIGINAL_TRAIN_DIR] [--fold-compare]");
    const int runs = args.integer("--runs", 3, 1);
    const int threads = args.integer("--threads", 0, 0); // 0: all cores
    const int images = args.integer("--images", 300, 1);
    const std::string only = args.text("--only", "");
    const std::string pytorch = args.text("--pytorch", "");
    const bool foldCompare = args.has("--fold-compare");
    if (!only.empty() && only != "resnet18" && only != "resnet18-28" && only != "vgg11" && only != "memory") {
        std::fprintf(stderr, "%s: --only: '%s' is none of resnet18, resnet18-28, vgg11, memory\n", argv[0],
                     only.c_str());
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
        runCase(c, root, runs, threads, batchGroups, foldCompare, pytorch);
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
