// The BLAS kernel selection and the flush-to-zero start-up (issue 12, items
// 1-3). The decision is tested through its seam (a KernelSituation with an
// injected detected kernel and CPU), so every case runs on any CPU; the
// end-to-end tests run parity-train and adapt to what this CPU is.
#include "TestPaths.h"
#include "support/RunCommand.h"
#include "support/TinyDataset.h"
#include "util/BlasRuntime.h"
#include "util/BlasStartup.h"
#include "util/MachineReport.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <malloc.h>
#include <stdexcept>
#include <sys/stat.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

using namespace parity::blas;

namespace {

CpuInfo cpuWith(Tier tier)
{
    CpuInfo c;
    c.vendor = "GenuineIntel";
    c.family = 6;
    c.model = 207;
    c.avx = tier >= Tier::Avx;
    c.avx2 = c.fma = tier >= Tier::Avx2;
    c.avx512 = tier >= Tier::Avx512;
    return c;
}

KernelSituation situation(Tier cpu, const std::string& detected)
{
    KernelSituation s;
    s.openBlas = true;
    s.detectedKernel = detected;
    s.cpu = cpuWith(cpu);
    return s;
}

using Action = KernelDecision::Action;

using Outcome = parity::test::CommandResult;

Outcome runShell(const std::string& command) { return parity::test::runCommand(command); }

/// parity-train --describe on the default experiment, with `env` prepended
/// (OPENBLAS_CORETYPE and the guard variables of this process are cleared
/// first, so the child starts as a user's shell would).
Outcome describe(const std::string& env, const std::string& program = PARITY_TRAIN_EXE)
{
    return runShell("env -u OPENBLAS_CORETYPE -u PARITY_BLAS_AUTO -u PARITY_BLAS_DETECTED -u PARITY_BLAS_VIA "
                    "-u PARITY_BLAS_NOTE -u PARITY_BLAS_SELECT "
                    + env + " " + program + " " + PARITY_SOURCE_DIR + "/config/fashion-mnist-default.json --describe");
}

std::string lineOf(const std::string& text, const std::string& prefix)
{
    const auto at = text.find(prefix);
    if (at == std::string::npos)
        return {};
    return text.substr(at, text.find('\n', at) - at);
}

} // namespace

TEST(BlasKernelDecision, GenericKernelOnAnAvx512CpuSelectsSkylakeX)
{
    const KernelDecision d = decideKernel(situation(Tier::Avx512, "Prescott"));
    EXPECT_EQ(d.action, Action::Select);
    EXPECT_EQ(d.kernel, "SkylakeX");
    EXPECT_NE(d.note.find("Prescott"), std::string::npos) << d.note;
}

TEST(BlasKernelDecision, GenericOrAvxOnlyKernelOnAnAvx2CpuSelectsHaswell)
{
    for (const char* detected : {"Prescott", "Nehalem", "Core2", "Sandybridge", "PRESCOTT"}) {
        const KernelDecision d = decideKernel(situation(Tier::Avx2, detected));
        EXPECT_EQ(d.action, Action::Select) << detected;
        EXPECT_EQ(d.kernel, "Haswell") << detected;
    }
}

TEST(BlasKernelDecision, AKernelOpenBlasChoseForThisCpuIsKept)
{
    for (const char* detected : {"SkylakeX", "Cooperlake", "SapphireRapids", "Haswell", "Zen"}) {
        const KernelDecision d = decideKernel(situation(Tier::Avx512, detected));
        EXPECT_EQ(d.action, Action::Keep) << detected;
        EXPECT_TRUE(d.warning.empty()) << detected << ": " << d.warning;
    }
    // A CPU without AVX2 + FMA has nothing better to offer.
    EXPECT_EQ(decideKernel(situation(Tier::Avx, "Sandybridge")).action, Action::Keep);
    EXPECT_EQ(decideKernel(situation(Tier::Generic, "Prescott")).action, Action::Keep);
    // A name this code does not know is OpenBLAS's business.
    EXPECT_EQ(decideKernel(situation(Tier::Avx512, "Unknown")).action, Action::Keep);
    EXPECT_EQ(decideKernel(situation(Tier::Avx512, "FutureLake")).action, Action::Keep);
}

TEST(BlasKernelDecision, TheUsersOpenBlasCoretypeAlwaysWins)
{
    KernelSituation s = situation(Tier::Avx512, "Prescott");
    s.userCoretype = "Prescott";
    KernelDecision d = decideKernel(s);
    EXPECT_EQ(d.action, Action::Keep);
    EXPECT_NE(d.note.find("OPENBLAS_CORETYPE=Prescott"), std::string::npos) << d.note;
    EXPECT_NE(d.warning.find("SkylakeX would be faster"), std::string::npos) << d.warning;

    s = situation(Tier::Avx512, "Haswell");
    s.userCoretype = "Haswell";
    d = decideKernel(s);
    EXPECT_EQ(d.action, Action::Keep);
    EXPECT_TRUE(d.warning.empty()) << d.warning;

    // A guard inherited from elsewhere does not make the user's value ours.
    s = situation(Tier::Avx512, "Prescott");
    s.userCoretype = "Prescott";
    s.autoMark = "SkylakeX";
    EXPECT_EQ(decideKernel(s).action, Action::Keep);
}

TEST(BlasKernelDecision, OurOwnSelectionIsVerifiedNotSelectedAgain)
{
    KernelSituation s = situation(Tier::Avx512, "SkylakeX");
    s.userCoretype = "SkylakeX";
    s.autoMark = "SkylakeX";
    const KernelDecision d = decideKernel(s);
    EXPECT_EQ(d.action, Action::Verify);
    EXPECT_EQ(d.kernel, "SkylakeX");
    // Even when OpenBLAS ignored the request: verified (and then dropped), never re-selected.
    s.detectedKernel = "Prescott";
    EXPECT_EQ(decideKernel(s).action, Action::Verify);
}

TEST(BlasKernelDecision, GuardsStopEveryLoop)
{
    KernelSituation s = situation(Tier::Avx512, "Prescott");
    s.autoMark = "off"; // a selection failed in this process tree
    KernelDecision d = decideKernel(s);
    EXPECT_EQ(d.action, Action::Keep);
    EXPECT_FALSE(d.warning.empty());

    s = situation(Tier::Avx512, "Prescott");
    s.disabledBy = "PARITY_BLAS_SELECT=off";
    d = decideKernel(s);
    EXPECT_EQ(d.action, Action::Keep);
    EXPECT_NE(d.warning.find("PARITY_BLAS_SELECT=off"), std::string::npos) << d.warning;
}

TEST(BlasKernelDecision, OnlyOpenBlasIsSteered)
{
    KernelSituation s = situation(Tier::Avx512, "generic");
    s.openBlas = false;
    EXPECT_EQ(decideKernel(s).action, Action::Keep);
}

TEST(BlasKernelDecision, KernelTiersAndChoices)
{
    EXPECT_EQ(openBlasKernelTier("skylakex"), Tier::Avx512);
    EXPECT_EQ(openBlasKernelTier("Haswell"), Tier::Avx2);
    EXPECT_EQ(openBlasKernelTier("Sandybridge"), Tier::Avx);
    EXPECT_EQ(openBlasKernelTier("Prescott"), Tier::Generic);
    EXPECT_EQ(openBlasKernelTier(""), Tier::Unknown);
    EXPECT_EQ(openBlasKernelFor(Tier::Avx512), "SkylakeX");
    EXPECT_EQ(openBlasKernelFor(Tier::Avx2), "Haswell");
    EXPECT_EQ(openBlasKernelFor(Tier::Avx), "");
}

TEST(BlasRuntime, TheBlasInUseIsFoundAndPassesTheSelfCheck)
{
    const BlasInfo blas = detectBlas();
    EXPECT_NE(blas.library, "unknown") << blas.path;
    EXPECT_FALSE(blas.path.empty());
    std::string detail;
    EXPECT_TRUE(gemmSelfCheck(&detail)) << detail;
    EXPECT_NE(detail.find("passed"), std::string::npos) << detail;
    EXPECT_GT(measureGemmGflops(128), 0.1);
}

TEST(BlasRuntime, TheSelfCheckFailsWhenItsLimitCannotBeMet)
{
    ::setenv("PARITY_BLAS_SELFCHECK_LIMIT", "-1", 1);
    std::string detail;
    const bool ok = gemmSelfCheck(&detail);
    ::unsetenv("PARITY_BLAS_SELFCHECK_LIMIT");
    EXPECT_FALSE(ok);
    EXPECT_NE(detail.find("failed"), std::string::npos) << detail;
}

// A product of subnormal floats with ones: with DAZ every term is zero; with
// subnormals honoured each entry is 256 x 1e-39 ~ 2.6e-37, a normal float.
// Large enough that OpenBLAS splits it over its threads, so any thread
// without DAZ leaves non-zero entries in its block.
static float subnormalProductMax()
{
    const auto a = torch::full({512, 256}, 1e-39f);
    const auto b = torch::ones({256, 512});
    float worst = 0;
    // Also from a thread started now (the workbench's workers are).
    std::thread([&] { worst = torch::mm(a, b).abs().max().item<float>(); }).join();
    return std::max(worst, torch::mm(a, b).abs().max().item<float>());
}

TEST(FlushToZero, SubnormalsAreFlushedOnEveryThreadThatComputes)
{
    EXPECT_TRUE(flushesDenormals());
    EXPECT_EQ(subnormalProductMax(), 0.0f);
}

TEST(FlushToZero, Probe)
{
    if (!std::getenv("PARITY_DENORMAL_PROBE"))
        GTEST_SKIP() << "run by WithDenormalsKeptTheProductIsNotZero in a child process";
    std::printf("probe-max=%g flushes=%d\n", double(subnormalProductMax()), int(flushesDenormals()));
}

TEST(FlushToZero, WithDenormalsKeptTheProductIsNotZero)
{
    // The test above could not fail if the product were zero anyway: run the
    // probe in a child that keeps subnormals (PARITY_DENORMALS=keep).
    const Outcome r = runShell("PARITY_DENORMALS=keep PARITY_DENORMAL_PROBE=1 /proc/" + std::to_string(::getpid())
                               + "/exe --gtest_filter=FlushToZero.Probe");
    ASSERT_EQ(r.exitCode, 0) << r.output;
    EXPECT_NE(r.output.find("flushes=0"), std::string::npos) << r.output;
    EXPECT_EQ(r.output.find("probe-max=0 "), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("probe-max=2.56"), std::string::npos) << r.output;
}

// Start-up's malloc thresholds (util/BlasStartup.h, step 1): a 512 MB block
// comes from malloc's heap, not from a mapping of its own (mallinfo2's
// hblkhd counts the bytes of those).
static bool largeBlockIsMapped()
{
    const size_t before = mallinfo2().hblkhd;
    // More than the heap has free: a fresh mmap or sbrk. Called through a
    // volatile pointer: the compiler may drop a malloc whose block is unused.
    void* (*volatile allocate)(size_t) = std::malloc;
    void* block = allocate(size_t(512) << 20);
    if (!block)
        throw std::runtime_error("malloc of 512 MB failed: nothing to see");
    const bool mapped = mallinfo2().hblkhd >= before + (size_t(512) << 20);
    std::free(block);
    return mapped;
}

TEST(Allocator, LargeBlocksStayInMallocsHeap)
{
    if (startupReport().allocator.find("keeps blocks up to 1 GiB") == std::string::npos)
        GTEST_SKIP() << "start-up left malloc's thresholds alone here: " << startupReport().allocator;
    EXPECT_FALSE(largeBlockIsMapped());
    EXPECT_NE(startupReport().allocator.find("keeps blocks up to 1 GiB"), std::string::npos)
        << startupReport().allocator;
}

// What the thresholds keep stays resident after free, and goes back to the
// kernel when a process that stays up asks (the workbench when its queue ends).
TEST(Allocator, FreedMemoryGoesBackWhenAsked)
{
    if (startupReport().allocator.find("keeps blocks up to 1 GiB") == std::string::npos)
        GTEST_SKIP() << "start-up left malloc's thresholds alone here: " << startupReport().allocator;
    const auto resident = residentBytes;
    constexpr size_t kBytes = size_t(256) << 20;
    void* (*volatile allocate)(size_t) = std::malloc; // kept: see largeBlockIsMapped
    auto* block = static_cast<char*>(allocate(kBytes));
    ASSERT_NE(block, nullptr);
    const int64_t before = resident();
    for (size_t i = 0; i < kBytes; i += 4096)
        block[i] = char(i);
    const int64_t touched = resident();
    std::free(block);
    const int64_t freed = resident();
    EXPECT_GT(touched - before, int64_t(kBytes) / 2);
    EXPECT_GT(freed - before, int64_t(kBytes) / 2) << "the heap returned the block itself on free";
    const int64_t released = releaseFreeMemory();
    EXPECT_GT(released, int64_t(kBytes) / 2);
    EXPECT_LT(resident(), freed - int64_t(kBytes) / 2);
}

TEST(Allocator, Probe)
{
    if (!std::getenv("PARITY_MALLOC_PROBE"))
        GTEST_SKIP() << "run by GlibcsOwnThresholdsOnRequest in a child process";
    std::printf("mapped=%d allocator=%s\n", int(largeBlockIsMapped()), startupReport().allocator.c_str());
}

// The test above could not fail if glibc kept such blocks anyway: a child
// with PARITY_MALLOC=default, and one with the user's own tunables, map it.
TEST(Allocator, GlibcsOwnThresholdsOnRequest)
{
    if (startupReport().allocator.find("sanitizer") != std::string::npos)
        GTEST_SKIP() << startupReport().allocator;
    const std::string probe = "PARITY_MALLOC_PROBE=1 /proc/" + std::to_string(::getpid())
                              + "/exe --gtest_filter=Allocator.Probe";
    const Outcome plain = runShell("PARITY_MALLOC=default " + probe);
    ASSERT_EQ(plain.exitCode, 0) << plain.output;
    EXPECT_NE(plain.output.find("mapped=1 allocator=glibc's own"), std::string::npos) << plain.output;
    const Outcome users = runShell("GLIBC_TUNABLES=glibc.malloc.mmap_threshold=1048576 " + probe);
    ASSERT_EQ(users.exitCode, 0) << users.output;
    EXPECT_NE(users.output.find("mapped=1 allocator=glibc malloc with the thresholds of this environment"),
              std::string::npos)
        << users.output;
}

TEST(Allocator, TheLauncherAsksForHugePagesUnlessTold)
{
    EXPECT_EQ(tunablesWithHugePages(nullptr, nullptr), "glibc.malloc.hugetlb=1");
    EXPECT_EQ(tunablesWithHugePages("", nullptr), "glibc.malloc.hugetlb=1");
    EXPECT_EQ(tunablesWithHugePages("glibc.malloc.check=0", "keep"), "glibc.malloc.check=0:glibc.malloc.hugetlb=1");
    EXPECT_EQ(tunablesWithHugePages("glibc.malloc.hugetlb=0", nullptr), ""); // the user's own wins
    EXPECT_EQ(tunablesWithHugePages(nullptr, "default"), "");
}

TEST(Allocator, TheProgramsRunWithHugePagesThroughTheirLauncher)
{
    if (startupReport().allocator.find("sanitizer") != std::string::npos)
        GTEST_SKIP() << startupReport().allocator;
    const std::string clean = "-u GLIBC_TUNABLES -u PARITY_MALLOC";
    const std::string launched = lineOf(describe(clean).output, "  allocator:");
    EXPECT_NE(launched.find("keeps blocks up to 1 GiB"), std::string::npos) << launched;
    EXPECT_NE(launched.find("transparent huge pages"), std::string::npos) << launched;
    const std::string plain = lineOf(describe(clean + " PARITY_MALLOC=default").output, "  allocator:");
    EXPECT_NE(plain.find("glibc's own malloc thresholds"), std::string::npos) << plain;
    EXPECT_EQ(plain.find("huge pages"), std::string::npos) << plain;
    const std::string direct = lineOf(describe(clean, std::string(PARITY_TRAIN_EXE) + "-bin").output, "  allocator:");
    EXPECT_NE(direct.find("keeps blocks up to 1 GiB"), std::string::npos) << direct;
    EXPECT_EQ(direct.find("huge pages"), std::string::npos) << direct;
}

TEST(SkippedLibraries, TheProgramsStartWithEveryFunctionBound)
{
    // LD_BIND_NOW=1 resolves every function of every library a program loads
    // at start: none of them may need one that an empty stand-in replaced.
    std::vector<std::string> programs = {std::string(PARITY_TRAIN_EXE) + "-bin",
                                         std::string(PARITY_SERVE_SIM_EXE) + "-bin"};
    if (std::filesystem::exists(PARITY_WORKBENCH_BIN))
        programs.push_back(PARITY_WORKBENCH_BIN);
    for (const auto& program : programs) {
        const Outcome r = runShell("env LD_BIND_NOW=1 QT_QPA_PLATFORM=offscreen " + program + " --help");
        EXPECT_EQ(r.exitCode, 0) << program << ": " << r.output;
    }
}

TEST(SkippedLibraries, DescribeCountsTheLoadedLibrariesAndTheStandIns)
{
    const int standIns = std::stoi(PARITY_SKIPPED_LIBRARY_COUNT_TEXT);
    // This test program is built as the programs are.
    const parity::LoadedLibraries here = parity::loadedLibraries();
    EXPECT_EQ(here.skipped, standIns);
    EXPECT_GT(here.loaded, here.skipped);

    const Outcome r = describe("");
    ASSERT_EQ(r.exitCode, 0) << r.output;
    const std::string line = lineOf(r.output, "  libraries:");
    EXPECT_NE(line.find(" loaded"), std::string::npos) << r.output;
    if (standIns > 0)
        EXPECT_NE(line.find("; " + std::to_string(standIns) + " that LibTorch names but never calls"), std::string::npos)
            << line;
    else
        EXPECT_EQ(line.find("stand-ins"), std::string::npos) << line;
}

TEST(BlasSelectionEndToEnd, DescribeSaysWhatItRunsOn)
{
    const Outcome r = describe("");
    ASSERT_EQ(r.exitCode, 0) << r.output;
    EXPECT_NE(r.output.find("Machine:"), std::string::npos) << r.output;
    EXPECT_NE(lineOf(r.output, "  BLAS:").find(detectBlas().library), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("GFLOP/s"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("flushed to zero"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("allocator:  "), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("threads:    BLAS "), std::string::npos) << r.output;
}

TEST(BlasSelectionEndToEnd, SelectsVerifiesAndFallsBackWithOneWarning)
{
    if (!detectBlas().isOpenBlas())
        GTEST_SKIP() << "the BLAS here is " << detectBlas().library << ": nothing is steered";
    // What OpenBLAS picks on its own here, and what the decision makes of it.
    const Outcome native = describe("PARITY_BLAS_SELECT=off");
    ASSERT_EQ(native.exitCode, 0) << native.output;
    const std::string blasLine = lineOf(native.output, "  BLAS:");
    const auto k = blasLine.find(", kernel ");
    ASSERT_NE(k, std::string::npos) << blasLine;
    KernelSituation s;
    s.openBlas = true;
    s.cpu = detectCpu();
    s.detectedKernel = blasLine.substr(k + 9, blasLine.find(' ', k + 9) - (k + 9));
    const KernelDecision expected = decideKernel(s);
    if (expected.action != Action::Select) {
        // A CPU OpenBLAS knows: the selection must leave it alone.
        const Outcome r = describe("");
        EXPECT_NE(lineOf(r.output, "  kernel:").find("chosen by OpenBLAS"), std::string::npos) << r.output;
        EXPECT_EQ(lineOf(r.output, "  warning:"), "") << r.output;
        GTEST_SKIP() << "OpenBLAS runs " << s.detectedKernel << " here, a kernel for this CPU; the selection "
                     << "cases are covered by BlasKernelDecision";
    }
    EXPECT_NE(lineOf(native.output, "  warning:").find("PARITY_BLAS_SELECT=off"), std::string::npos) << native.output;
    // 1. The parity-train command: the launcher selects before LibTorch
    //    loads, the program verifies.
    Outcome r = describe("");
    ASSERT_EQ(r.exitCode, 0) << r.output;
    EXPECT_NE(lineOf(r.output, "  BLAS:").find(expected.kernel), std::string::npos) << r.output;
    EXPECT_NE(lineOf(r.output, "  kernel:").find("selected at start-up (launcher): OpenBLAS chose " + s.detectedKernel),
              std::string::npos)
        << r.output;
    EXPECT_NE(lineOf(r.output, "  kernel:").find("self-check"), std::string::npos) << r.output;
    EXPECT_EQ(lineOf(r.output, "  warning:"), "") << r.output;
    // 2. The program started directly selects by re-executing itself once.
    r = describe("", std::string(PARITY_TRAIN_EXE) + "-bin");
    ASSERT_EQ(r.exitCode, 0) << r.output;
    EXPECT_NE(lineOf(r.output, "  BLAS:").find(expected.kernel), std::string::npos) << r.output;
    EXPECT_NE(lineOf(r.output, "  kernel:").find("(re-execution)"), std::string::npos) << r.output;
    // 3. The user's own OPENBLAS_CORETYPE wins, with a warning when it is slower.
    r = describe("OPENBLAS_CORETYPE=" + s.detectedKernel);
    EXPECT_NE(lineOf(r.output, "  BLAS:").find(s.detectedKernel), std::string::npos) << r.output;
    EXPECT_NE(lineOf(r.output, "  kernel:").find("OPENBLAS_CORETYPE=" + s.detectedKernel), std::string::npos)
        << r.output;
    EXPECT_NE(lineOf(r.output, "  warning:").find("would be faster"), std::string::npos) << r.output;
    // 4. A kernel that computes wrong results is never kept: OpenBLAS's own
    //    kernel and one warning, from the launcher's path and the direct one.
    for (const std::string& program : {std::string(PARITY_TRAIN_EXE), std::string(PARITY_TRAIN_EXE) + "-bin"}) {
        r = describe("PARITY_BLAS_SELFCHECK_LIMIT=-1", program);
        ASSERT_EQ(r.exitCode, 0) << r.output;
        EXPECT_NE(lineOf(r.output, "  BLAS:").find(s.detectedKernel), std::string::npos) << r.output;
        EXPECT_NE(lineOf(r.output, "  warning:").find("computes wrong results"), std::string::npos) << r.output;
        EXPECT_NE(lineOf(r.output, "  warning:").find("was not kept"), std::string::npos) << r.output;
    }
}

TEST(BlasSelectionEndToEnd, RunJsonRecordsWhatTheRunRanOn)
{
    parity::test::TempDir tmp;
    parity::test::writeTinyMnist(tmp / "data", 200, 60);
    std::ofstream(tmp / "c.json") << R"({"num_epoch": 1, "k_vals": [2], "enc_dec_types": [["add", "sub"]],
        "datasets": ["mnist"], "models": ["base-mlp"], "losses": ["mse"], "batch_size": 16})";
    const Outcome r = runShell(std::string(PARITY_TRAIN_EXE) + " " + tmp / "c.json" + " " + tmp / "save"
                               + " --data-dir " + tmp / "data");
    ASSERT_EQ(r.exitCode, 0) << r.output;
    std::ifstream in(tmp / "save/mnist/base-mlp/k2/mse/add/sub/run.json");
    ASSERT_TRUE(in) << r.output;
    const auto run = nlohmann::json::parse(in);
    ASSERT_TRUE(run.contains("machine")) << run.dump(2);
    const auto& m = run["machine"];
    EXPECT_EQ(m["blas"]["library"], detectBlas().library);
    EXPECT_FALSE(m["blas"]["kernel_choice"].get<std::string>().empty());
    EXPECT_GT(m["gemm_gflops"].get<double>(), 0.0);
    EXPECT_EQ(m["flush_denormals"], true);
    EXPECT_FALSE(m["allocator"].get<std::string>().empty()) << m.dump(2);
    EXPECT_GE(m["threads"]["blas"].get<int>(), 1);
    EXPECT_EQ(m["cpu"]["instruction_set"], std::string(tierName(detectCpu().tier())));
}
