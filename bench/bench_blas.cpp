// What the BLAS does on this machine (issue 12, items 1-3):
//
//   parity_bench_blas [--runs N] [--check] [--compare]   (--child: one row of --compare, started by it)
//
// - the start-up report (CPU, BLAS library and kernel, how it was chosen,
//   threads, flush-to-zero);
// - the single-precision GEMM rate at 2048³ (median of --runs);
// - the product that prepares Fashion-MNIST, 2550x784 inputs by base-mlp's
//   first layer (784 -> 200): with the bundled reference weights (which hold
//   subnormal floats) and with random weights of the same shape, interleaved,
//   medians and their ratio. --check exits 1 when the ratio exceeds 1.5
//   (ctest runs it so);
// - --compare runs the same in child processes, side by side, under the
//   settings that slowed the landed main on a CPU OpenBLAS 0.3.21 does not
//   know: the generic kernel (OPENBLAS_CORETYPE=Prescott) and subnormals kept
//   (PARITY_DENORMALS=keep), each alone and both.
#include "io/StateDict.h"
#include "util/BlasStartup.h"
#include "util/MachineReport.h"
#include "util/Threads.h"

#include "BenchArgs.h"
#include "BenchStats.h"
#include "support/RunCommand.h"

#include <ATen/ATen.h>

#include <chrono>
#include <functional>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <unistd.h>
#include <vector>

#ifndef PARITY_BENCH_SOURCE_DIR
#define PARITY_BENCH_SOURCE_DIR "."
#endif

namespace {

using Clock = std::chrono::steady_clock;
using parity::bench::median;

double seconds(const std::function<void()>& f)
{
    const auto t0 = Clock::now();
    f();
    return std::chrono::duration<double>(Clock::now() - t0).count();
}

struct Figures {
    double gflops2048 = 0;
    double bundledMs = 0;
    double randomMs = 0;
    long subnormals = 0;
    double ratio() const { return randomMs > 0 ? bundledMs / randomMs : 0; }
};

Figures measure(int runs)
{
    Figures f;
    const int n = 2048;
    const auto a = at::rand({n, n}), b = at::rand({n, n});
    auto c = at::mm(a, b);
    std::vector<double> rates;
    for (int i = 0; i < runs; ++i)
        rates.push_back(2.0 * n * n * double(n) / seconds([&] { at::mm_out(c, a, b); }) / 1e9);
    f.gflops2048 = median(rates);

    const std::string weights = std::string(PARITY_BENCH_SOURCE_DIR)
                                + "/resources/base_models/fashion-mnist/base-mlp/model.pt";
    at::Tensor bundled;
    for (const auto& [name, t] : parity::readStateDict(weights))
        if (t.dim() == 2 && t.size(1) == 784) {
            bundled = t.to(at::kFloat).contiguous();
            break;
        }
    if (!bundled.defined()) {
        std::fprintf(stderr, "no 784-input layer in %s\n", weights.c_str());
        std::exit(2);
    }
    // Counted from the bits: with DAZ on, comparisons see subnormals as zero.
    const float* w = bundled.data_ptr<float>();
    for (int64_t i = 0; i < bundled.numel(); ++i) {
        uint32_t bits;
        std::memcpy(&bits, w + i, 4);
        f.subnormals += (bits & 0x7f800000u) == 0 && (bits & 0x007fffffu) != 0;
    }
    at::manual_seed(1);
    const auto random = at::randn(bundled.sizes()) * bundled.std();
    const auto input = at::rand({2550, 784});
    auto out = at::mm(input, bundled.t());
    std::vector<double> withBundled, withRandom;
    for (int i = 0; i < runs * 3; ++i) { // interleaved: both see the same machine
        withBundled.push_back(seconds([&] { at::mm_out(out, input, bundled.t()); }));
        withRandom.push_back(seconds([&] { at::mm_out(out, input, random.t()); }));
    }
    f.bundledMs = median(withBundled) * 1e3;
    f.randomMs = median(withRandom) * 1e3;
    return f;
}

} // namespace

int main(int argc, char** argv)
{
    // --child: one row of --compare, in a process of its own (its environment set by the parent).
    const parity::bench::BenchArgs args(argc, argv, "[--runs N] [--check] [--compare] [--child]");
    const int runs = args.integer("--runs", 5, 1);
    const bool check = args.has("--check"), compare = args.has("--compare"), child = args.has("--child");
    const auto threads = parity::applyThreadSettings(0);
    if (child) {
        const Figures f = measure(runs);
        const auto& r = parity::blas::startupReport();
        std::printf("child: %s %d %.1f %.2f %.2f %.1f\n", r.blas.kernel.c_str(), int(r.flushDenormals), f.gflops2048,
                    f.bundledMs, f.randomMs, f.ratio());
        return 0;
    }
    std::printf("%s\n", parity::machineText(threads).c_str());
    const Figures f = measure(runs);
    std::printf("sgemm 2048^3:                       %.1f GFLOP/s (median of %d)\n", f.gflops2048, runs);
    std::printf("2550x784 by base-mlp layer 0 (784x200), median of %d, interleaved:\n", runs * 3);
    std::printf("  bundled weights (%ld subnormal):  %.2f ms\n", f.subnormals, f.bundledMs);
    std::printf("  random weights, same shape:       %.2f ms\n", f.randomMs);
    std::printf("  ratio bundled / random:           %.2f (target <= 1.5)\n", f.ratio());

    if (compare) {
        std::printf("\nSide by side, one child process each (median of %d):\n\n", runs);
        std::printf("| setting | kernel | FTZ/DAZ | sgemm 2048³ GFLOP/s | bundled ms | random ms | ratio |\n");
        std::printf("|---|---|---|---|---|---|---|\n");
        const char* settings[][2] = {
            {"this build (defaults)", ""},
            {"generic kernel (OPENBLAS_CORETYPE=Prescott)", "OPENBLAS_CORETYPE=Prescott"},
            {"subnormals kept (PARITY_DENORMALS=keep)", "PARITY_DENORMALS=keep"},
            {"both: as the landed main ran here", "OPENBLAS_CORETYPE=Prescott PARITY_DENORMALS=keep"},
        };
        for (const auto& [label, env] : settings) {
            // The child prints one line: kernel, FTZ/DAZ (0/1), GFLOP/s, bundled ms, random ms, ratio.
            const std::string out = parity::test::runCommand(
                                        std::string("env -u OPENBLAS_CORETYPE -u PARITY_BLAS_AUTO -u PARITY_BLAS_VIA ")
                                        + env + " /proc/" + std::to_string(::getpid()) + "/exe --child --runs "
                                        + std::to_string(runs))
                                        .output;
            const auto at = out.find("child: ");
            char kernel[64] = "?";
            int ftz = 0;
            double gflops = 0, bundledMs = 0, randomMs = 0, ratio = 0;
            if (at != std::string::npos)
                std::sscanf(out.c_str() + at, "child: %63s %d %lf %lf %lf %lf", kernel, &ftz, &gflops, &bundledMs,
                            &randomMs, &ratio);
            std::printf("| %s | %s | %s | %.1f | %.2f | %.2f | %.1f |\n", label, kernel, ftz ? "on" : "off", gflops,
                        bundledMs, randomMs, ratio);
            std::fflush(stdout);
        }
    }
    if (check && f.ratio() > 1.5) {
        std::fprintf(stderr, "FAILED: a GEMM on the bundled weights is %.2fx slower than on random weights\n",
                     f.ratio());
        return 1;
    }
    return 0;
}
