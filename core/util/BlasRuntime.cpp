#include "util/BlasRuntime.h"
#include "util/Text.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cpuid.h>
#include <cstdlib>
#include <cstring>
#include <dlfcn.h>
#include <filesystem>
#include <sstream>
#include <vector>
#include <xmmintrin.h>

namespace parity::blas {

namespace {

bool equalsNoCase(std::string_view a, std::string_view b)
{
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(x) == std::tolower(y);
           });
}


using Sgemm = void (*)(const char*, const char*, const int*, const int*, const int*, const float*, const float*,
                       const int*, const float*, const int*, const float*, float*, const int*);

Sgemm findSgemm() { return reinterpret_cast<Sgemm>(dlsym(RTLD_DEFAULT, "sgemm_")); }

/// Deterministic values in [-1, 1).
void fill(std::vector<float>& v, unsigned seed)
{
    unsigned x = seed * 2654435761u + 12345u;
    for (auto& f : v) {
        x = x * 1664525u + 1013904223u;
        f = float((x >> 8) & 0xffff) / 32768.0f - 1.0f;
    }
}

/// One column-major product op(A) * op(B) through sgemm_, checked against a
/// double-precision loop. Returns the largest error relative to the sum of
/// |a||b| terms of the same entry.
double checkOne(Sgemm sgemm, char transA, int m, int n, int k)
{
    const int lda = transA == 'N' ? m : k;
    std::vector<float> a(size_t(lda) * (transA == 'N' ? k : m)), b(size_t(k) * n), c(size_t(m) * n, 7.0f);
    fill(a, unsigned(m * 31 + k));
    fill(b, unsigned(n * 17 + k));
    const float alpha = 1.0f, beta = 0.0f;
    const char transB = 'N';
    sgemm(&transA, &transB, &m, &n, &k, &alpha, a.data(), &lda, b.data(), &k, &beta, c.data(), &m);
    double worst = 0;
    for (int j = 0; j < n; ++j)
        for (int i = 0; i < m; ++i) {
            double sum = 0, scale = 0;
            for (int p = 0; p < k; ++p) {
                const double x = transA == 'N' ? a[size_t(p) * lda + i] : a[size_t(i) * lda + p];
                const double y = b[size_t(j) * k + p];
                sum += x * y;
                scale += std::abs(x * y);
            }
            const double got = c[size_t(j) * m + i];
            if (!std::isfinite(got))
                return INFINITY;
            worst = std::max(worst, std::abs(got - sum) / (scale + 1e-30));
        }
    return worst;
}

// A string the BLAS returns (possibly null), trimmed.
std::string blasText(const char* s) { return trimmed(s ? s : ""); }

} // namespace

std::string_view tierName(Tier tier)
{
    switch (tier) {
    case Tier::Generic:
        return "SSE";
    case Tier::Avx:
        return "AVX";
    case Tier::Avx2:
        return "AVX2+FMA";
    case Tier::Avx512:
        return "AVX-512";
    case Tier::Unknown:
        break;
    }
    return "unknown";
}

Tier CpuInfo::tier() const
{
    if (avx512)
        return Tier::Avx512;
    if (avx2 && fma)
        return Tier::Avx2;
    if (avx)
        return Tier::Avx;
    return Tier::Generic;
}

CpuInfo detectCpu()
{
    CpuInfo info;
    unsigned a = 0, b = 0, c = 0, d = 0;
    if (!__get_cpuid(0, &a, &b, &c, &d))
        return info;
    const unsigned maxLeaf = a;
    char vendor[13] = {};
    std::memcpy(vendor, &b, 4);
    std::memcpy(vendor + 4, &d, 4);
    std::memcpy(vendor + 8, &c, 4);
    info.vendor = vendor;

    __get_cpuid(1, &a, &b, &c, &d);
    const unsigned baseFamily = (a >> 8) & 0xf, baseModel = (a >> 4) & 0xf;
    info.family = int(baseFamily == 0xf ? baseFamily + ((a >> 20) & 0xff) : baseFamily);
    info.model = int((baseFamily == 0x6 || baseFamily == 0xf) ? (((a >> 16) & 0xf) << 4) + baseModel : baseModel);
    info.stepping = int(a & 0xf);
    const bool osxsave = c & bit_OSXSAVE;
    const bool avxCpu = c & bit_AVX;
    const bool fmaCpu = c & bit_FMA;
    unsigned long long xcr0 = 0;
    if (osxsave) {
        unsigned lo = 0, hi = 0;
        __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
        xcr0 = (static_cast<unsigned long long>(hi) << 32) | lo;
    }
    const bool osYmm = (xcr0 & 0x6) == 0x6;
    const bool osZmm = (xcr0 & 0xe6) == 0xe6;
    info.avx = avxCpu && osYmm;
    info.fma = fmaCpu && osYmm;
    if (maxLeaf >= 7) {
        __cpuid_count(7, 0, a, b, c, d);
        info.avx2 = info.avx && (b & bit_AVX2);
        const unsigned need = bit_AVX512F | bit_AVX512CD | bit_AVX512BW | bit_AVX512DQ | bit_AVX512VL;
        info.avx512 = osZmm && (b & need) == need;
    }

    if (__get_cpuid(0x80000000, &a, &b, &c, &d) && a >= 0x80000004) {
        char brand[49] = {};
        for (unsigned leaf = 0; leaf < 3; ++leaf) {
            __get_cpuid(0x80000002 + leaf, &a, &b, &c, &d);
            std::memcpy(brand + leaf * 16, &a, 4);
            std::memcpy(brand + leaf * 16 + 4, &b, 4);
            std::memcpy(brand + leaf * 16 + 8, &c, 4);
            std::memcpy(brand + leaf * 16 + 12, &d, 4);
        }
        info.brand = trimmed(brand);
    }
    return info;
}

std::string BlasInfo::summary() const
{
    std::string s = library;
    if (!version.empty())
        s += " " + version;
    if (!kernel.empty())
        s += ", kernel " + kernel;
    return s;
}

BlasInfo detectBlas()
{
    BlasInfo info;
    info.library = "unknown";
    if (auto sgemm = findSgemm()) {
        Dl_info where{};
        if (dladdr(reinterpret_cast<void*>(sgemm), &where) && where.dli_fname) {
            std::error_code ec;
            const auto real = std::filesystem::canonical(where.dli_fname, ec);
            info.path = ec ? std::string(where.dli_fname) : real.string();
        }
    }
    using Text = char* (*)();
    if (auto config = reinterpret_cast<Text>(dlsym(RTLD_DEFAULT, "openblas_get_config"))) {
        info.library = "OpenBLAS";
        info.config = blasText(config());
        std::istringstream words(info.config);
        std::string first, second;
        words >> first >> second;
        if (first == "OpenBLAS")
            info.version = second;
        if (auto core = reinterpret_cast<Text>(dlsym(RTLD_DEFAULT, "openblas_get_corename")))
            info.kernel = blasText(core());
    } else if (auto version = reinterpret_cast<Text>(dlsym(RTLD_DEFAULT, "bli_info_get_version_str"))) {
        info.library = "BLIS";
        info.version = blasText(version());
        using ArchId = int (*)();
        using ArchName = char* (*)(int);
        auto id = reinterpret_cast<ArchId>(dlsym(RTLD_DEFAULT, "bli_arch_query_id"));
        auto name = reinterpret_cast<ArchName>(dlsym(RTLD_DEFAULT, "bli_arch_string"));
        if (id && name)
            info.kernel = blasText(name(id()));
    } else if (info.path.find("/blas/") != std::string::npos) {
        info.library = "reference BLAS";
    }
    return info;
}

Tier openBlasKernelTier(std::string_view core)
{
    static constexpr std::string_view avx512[] = {"SkylakeX", "Cooperlake", "SapphireRapids"};
    static constexpr std::string_view avx2[] = {"Haswell", "Zen", "Excavator"};
    static constexpr std::string_view avx[] = {"Sandybridge", "Bulldozer", "Piledriver", "Steamroller"};
    static constexpr std::string_view generic[] = {"Katmai",       "Coppermine", "Northwood", "Prescott",
                                                   "Banias",       "Atom",       "Core2",     "Penryn",
                                                   "Dunnington",   "Nehalem",    "Athlon",    "Opteron",
                                                   "Opteron_SSE3", "Barcelona",  "Nano",      "Bobcat"};
    auto in = [&](const auto& names) {
        return std::any_of(std::begin(names), std::end(names),
                           [&](std::string_view n) { return equalsNoCase(n, core); });
    };
    if (in(avx512))
        return Tier::Avx512;
    if (in(avx2))
        return Tier::Avx2;
    if (in(avx))
        return Tier::Avx;
    if (in(generic))
        return Tier::Generic;
    return Tier::Unknown;
}

std::string openBlasKernelFor(Tier cpuTier)
{
    switch (cpuTier) {
    case Tier::Avx512:
        return "SkylakeX";
    case Tier::Avx2:
        return "Haswell";
    default:
        return {};
    }
}

KernelDecision decideKernel(const KernelSituation& s)
{
    using Action = KernelDecision::Action;
    KernelDecision d;
    if (!s.openBlas) {
        d.note = "kernel chosen by the BLAS library (only OpenBLAS is steered)";
        return d;
    }
    const Tier cpuTier = s.cpu.tier();
    const Tier kernelTier = openBlasKernelTier(s.detectedKernel);
    const std::string best = openBlasKernelFor(cpuTier);
    const bool known = kernelTier != Tier::Unknown;
    // Below what the CPU could run: a generic (SSE) or AVX-only kernel on a
    // CPU with AVX2 + FMA or AVX-512. OpenBLAS's own Haswell-class choice on
    // an AVX-512 CPU is left alone: it made it knowing the CPU.
    const bool below = known && kernelTier < Tier::Avx2 && !best.empty();
    const std::string belowText = "OpenBLAS runs its " + s.detectedKernel + " kernel ("
                                  + std::string(tierName(kernelTier)) + ") on this " + std::string(tierName(cpuTier))
                                  + " CPU";

    const bool ours = !s.autoMark.empty() && s.autoMark != "off" && s.userCoretype && *s.userCoretype == s.autoMark;
    if (ours) {
        d.action = Action::Verify;
        d.kernel = s.autoMark;
        d.note = "kernel " + s.autoMark + " selected at start-up";
        return d;
    }
    if (s.userCoretype) {
        d.note = "kernel set by OPENBLAS_CORETYPE=" + *s.userCoretype;
        if (below)
            d.warning = belowText + " because OPENBLAS_CORETYPE=" + *s.userCoretype + " asks for it; " + best
                        + " would be faster";
        return d;
    }
    d.note = "kernel chosen by OpenBLAS";
    if (!below)
        return d;
    if (s.autoMark == "off") {
        d.warning = belowText + "; the faster kernel " + best + " was not kept";
        return d;
    }
    if (!s.disabledBy.empty()) {
        d.warning = belowText + "; selection is off (" + s.disabledBy + "), " + best + " would be faster";
        return d;
    }
    d.action = Action::Select;
    d.kernel = best;
    d.note = belowText + ": selecting " + best;
    return d;
}

KernelSituation currentSituation(const CpuInfo& cpu, const BlasInfo& blas)
{
    KernelSituation s;
    s.openBlas = blas.isOpenBlas();
    s.detectedKernel = blas.kernel;
    s.cpu = cpu;
    if (const char* u = std::getenv("OPENBLAS_CORETYPE"))
        s.userCoretype = u;
    if (const char* m = std::getenv(kAutoVar))
        s.autoMark = m;
    const char* select = std::getenv("PARITY_BLAS_SELECT");
    const char* preload = std::getenv("LD_PRELOAD");
    if (select && std::strcmp(select, "off") == 0)
        s.disabledBy = "PARITY_BLAS_SELECT=off";
    else if (preload && std::strstr(preload, "vgpreload"))
        s.disabledBy = "running under valgrind, which a re-execution would leave";
    return s;
}

bool gemmSelfCheck(std::string* detail)
{
    const Sgemm sgemm = findSgemm();
    if (!sgemm) {
        if (detail)
            *detail = "no sgemm_ in the process";
        return false;
    }
    // Odd sizes reach the kernels' edge paths; both transposes are ones
    // LibTorch's linear layers use.
    const double worst = std::max(
        {checkOne(sgemm, 'N', 67, 53, 129), checkOne(sgemm, 'T', 96, 40, 211), checkOne(sgemm, 'N', 150, 9, 300)});
    // float accumulation of a few hundred terms stays far below 1e-4 of
    // the magnitude sum; a wrong kernel is off by O(1).
    // PARITY_BLAS_SELFCHECK_LIMIT overrides the limit, for drills of the
    // fallback (a negative limit fails every kernel).
    double limit = 1e-4;
    if (const char* l = std::getenv("PARITY_BLAS_SELFCHECK_LIMIT"); l && *l)
        limit = std::atof(l);
    const bool ok = worst < limit;
    if (detail) {
        std::ostringstream s;
        s << "largest relative error " << worst << (ok ? " (passed)" : " (failed: limit ")
          << (ok ? "" : std::to_string(limit) + ")");
        *detail = s.str();
    }
    return ok;
}

double measureGemmGflops(int n)
{
    const Sgemm sgemm = findSgemm();
    if (!sgemm || n <= 0)
        return 0;
    std::vector<float> a(size_t(n) * n), b(size_t(n) * n), c(size_t(n) * n);
    fill(a, 1);
    fill(b, 2);
    const float alpha = 1.0f, beta = 0.0f;
    const char t = 'N';
    double best = 1e30;
    for (int rep = 0; rep < 4; ++rep) {
        const auto t0 = std::chrono::steady_clock::now();
        sgemm(&t, &t, &n, &n, &n, &alpha, a.data(), &n, b.data(), &n, &beta, c.data(), &n);
        const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        if (rep > 0) // the first one warms up the threads and caches
            best = std::min(best, s);
    }
    return 2.0 * n * n * double(n) / best / 1e9;
}

bool flushesDenormals() { return (_mm_getcsr() & 0x8040u) == 0x8040u; }

void flushDenormalsOnThisThread()
{
    if (const char* keep = std::getenv("PARITY_DENORMALS"); keep && std::strcmp(keep, "keep") == 0)
        return;
    _mm_setcsr(_mm_getcsr() | 0x8040u);
}

std::string tunablesWithHugePages(const char* current, const char* parityMalloc)
{
    if (parityMalloc && std::strcmp(parityMalloc, "default") == 0)
        return {};
    if (!current || !*current)
        return kHugePagesTunable;
    if (std::strstr(current, "glibc.malloc.hugetlb=") != nullptr)
        return {};
    return std::string(current) + ":" + kHugePagesTunable;
}

} // namespace parity::blas
