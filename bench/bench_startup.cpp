// Start-up as a user feels it, and the default experiment against the
// original framework on the same machine (issue 12, items 4-5).
//
//   parity_bench_startup [--runs N] [--epochs E] [--original TRAIN_DIR] [--python /usr/bin/python3]
//
// Each run is a whole process started from here (posix_spawn), timed with
// CLOCK_MONOTONIC:
// - ours: `parity-train config/fashion-mnist-default.json TMP --epochs E`;
//   start-up = exec to the first training batch (the process reports that
//   moment with PARITY_STARTUP_PROBE=1), per epoch = (exit - first batch) / E;
// - the original (with --original, a prepared `train/` tree of the original
//   framework, see bench/README.md): `python3 train.py CONFIG SAVE`, E epochs
//   of Fashion-MNIST base-mlp k = 2 add/sub; start-up = exec to its first tqdm
//   output (the progress bar appears when the training loop starts), per
//   epoch = (exit - that) / E.
// Runs alternate between the two so that both see the same machine; medians
// and the ratios of medians are printed.
#include "BenchArgs.h"
#include "BenchStats.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <poll.h>
#include <spawn.h>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

extern char** environ;

namespace {

using parity::bench::median;

double now()
{
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return double(ts.tv_sec) + double(ts.tv_nsec) * 1e-9;
}

struct Timing {
    bool ok = false;
    double startup = 0; ///< exec -> first batch / first progress output
    double total = 0;   ///< exec -> exit
    std::string output;
};

/// Runs `argv` in `dir` with extra environment entries; `marker` is the text
/// whose first appearance in the output (stdout + stderr) ends start-up,
/// unless the output carries a startup-probe line.
Timing runTimed(const std::vector<std::string>& argv, const std::string& dir, const std::vector<std::string>& env,
                const std::string& marker)
{
    Timing t;
    int fds[2];
    if (::pipe(fds) != 0)
        return t;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
    posix_spawn_file_actions_adddup2(&actions, fds[1], 2);
    posix_spawn_file_actions_addclose(&actions, fds[0]);
    if (!dir.empty())
        posix_spawn_file_actions_addchdir_np(&actions, dir.c_str());
    std::vector<char*> args, envs;
    for (const auto& a : argv)
        args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    for (char** e = environ; *e; ++e)
        envs.push_back(*e);
    for (const auto& e : env)
        envs.push_back(const_cast<char*>(e.c_str()));
    envs.push_back(nullptr);
    pid_t pid = 0;
    const double t0 = now();
    const int rc = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), envs.data());
    posix_spawn_file_actions_destroy(&actions);
    ::close(fds[1]);
    if (rc != 0) {
        ::close(fds[0]);
        t.output = std::string("cannot start ") + argv[0] + ": " + std::strerror(rc);
        return t;
    }
    double markerAt = -1;
    char buf[65536];
    for (;;) {
        const ssize_t n = ::read(fds[0], buf, sizeof buf);
        if (n <= 0)
            break;
        t.output.append(buf, size_t(n));
        if (markerAt < 0 && !marker.empty() && t.output.find(marker) != std::string::npos)
            markerAt = now();
    }
    ::close(fds[0]);
    int status = 0;
    ::waitpid(pid, &status, 0);
    const double t1 = now();
    t.total = t1 - t0;
    t.ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
    const auto probe = t.output.find("startup-probe: first-batch-ns=");
    if (probe != std::string::npos)
        t.startup = std::atoll(t.output.c_str() + probe + 30) * 1e-9 - t0;
    else if (markerAt >= 0)
        t.startup = markerAt - t0;
    else
        t.ok = false;
    return t;
}

} // namespace

int main(int argc, char** argv)
{
    const parity::bench::BenchArgs args(argc, argv,
                                        "[--runs N] [--epochs N] [--original ORIGINAL_TRAIN_DIR] [--python PYTHON]");
    const int runs = args.integer("--runs", 5, 1);
    const int epochs = args.integer("--epochs", 2, 1);
    const std::string original = args.text("--original", "");
    const std::string python = args.text("--python", "/usr/bin/python3");
    const std::string config = std::string(PARITY_BENCH_SOURCE_DIR) + "/config/fashion-mnist-default.json";
    const std::string tmp = std::filesystem::temp_directory_path()
                            / ("parity-bench-startup-" + std::to_string(::getpid()));

    std::string originalConfig;
    if (!original.empty()) {
        originalConfig = tmp + "/original.json";
        std::filesystem::create_directories(tmp);
        std::ofstream(originalConfig) << R"({"num_epoch": )" << epochs << R"(, "k_vals": [2],
  "enc_dec_types": [["coders.summation.AdditionEncoder", "coders.summation.SubtractionDecoder"]],
  "datasets": ["fashion-mnist"], "models": ["base-mlp"], "losses": ["torch.nn.MSELoss"],
  "train_encoder": false, "train_parity_model": true, "train_decoder": false})";
    }

    std::vector<double> oursStart, oursEpoch, origStart, origEpoch;
    for (int r = 0; r < runs; ++r) {
        std::filesystem::remove_all(tmp + "/ours");
        const Timing ours = runTimed({PARITY_TRAIN_EXE, config, tmp + "/ours", "--epochs", std::to_string(epochs)}, "",
                                     {"PARITY_STARTUP_PROBE=1"}, "");
        if (!ours.ok) {
            std::fprintf(stderr, "parity-train failed:\n%s\n", ours.output.c_str());
            return 1;
        }
        oursStart.push_back(ours.startup);
        oursEpoch.push_back((ours.total - ours.startup) / epochs);
        std::printf("run %d: ours start-up %.3f s, %.3f s/epoch", r + 1, ours.startup, oursEpoch.back());
        if (!original.empty()) {
            std::filesystem::remove_all(tmp + "/orig-save");
            const Timing orig = runTimed({python, "train.py", originalConfig, tmp + "/orig-save"}, original, {},
                                         "it/s]");
            if (!orig.ok) {
                std::fprintf(stderr, "\nthe original failed:\n%s\n", orig.output.c_str());
                return 1;
            }
            origStart.push_back(orig.startup);
            origEpoch.push_back((orig.total - orig.startup) / epochs);
            std::printf("; original start-up %.3f s, %.3f s/epoch", orig.startup, origEpoch.back());
        }
        std::printf("\n");
        std::fflush(stdout);
    }
    std::filesystem::remove_all(tmp);

    std::printf("\nmedians of %d runs, %d epoch(s) each:\n", runs, epochs);
    std::printf("  ours:     start-up %.3f s (exec to first batch; target <= 1.0 s), %.3f s per epoch\n",
                median(oursStart), median(oursEpoch));
    if (!original.empty()) {
        std::printf("  original: start-up %.3f s (exec to first progress bar), %.3f s per epoch\n", median(origStart),
                    median(origEpoch));
        std::printf("  ratio:    start-up %.1fx (target >= 10x), per epoch %.1fx (target >= 8x)\n",
                    median(origStart) / median(oursStart), median(origEpoch) / median(oursEpoch));
    }
    return 0;
}
