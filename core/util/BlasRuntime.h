#pragma once
// What the process computes on: the CPU, the BLAS library behind LibTorch and
// the kernel it runs, whether subnormal floats are flushed to zero, and the
// decision that keeps OpenBLAS off a generic kernel on a CPU it does not
// recognise (issue 12, docs/PERFORMANCE.md). util/BlasStartup.h applies it.
//
// Nothing here needs LibTorch (the BLAS is found with dlsym, the CPU with
// cpuid): the launchers of parity-train and parity-workbench use it before
// LibTorch is loaded.
#include <optional>
#include <string>
#include <string_view>

namespace parity::blas {

/// The instruction-set level a CPU offers, or a BLAS kernel is written for.
enum class Tier { Unknown, Generic, Avx, Avx2, Avx512 };

std::string_view tierName(Tier tier);

/// The processor as cpuid and the OS report it. The feature flags are only
/// set when the OS saves the registers too (xgetbv), as BLAS kernels need.
struct CpuInfo {
    std::string vendor; ///< "GenuineIntel", "AuthenticAMD", ...
    std::string brand;  ///< "Intel(R) Xeon(R) Processor"
    int family = 0;
    int model = 0;
    int stepping = 0;
    bool avx = false;
    bool avx2 = false;
    bool fma = false;
    bool avx512 = false; ///< F, CD, BW, DQ and VL: what OpenBLAS's SkylakeX kernels use

    Tier tier() const;
};

CpuInfo detectCpu();

/// The BLAS that LibTorch's matrix products reach, found at run time.
struct BlasInfo {
    std::string library; ///< "OpenBLAS", "BLIS", "reference BLAS", "unknown"
    std::string version; ///< "0.3.21", or empty
    std::string path;    ///< the shared object that provides sgemm_, resolved
    std::string kernel;  ///< OpenBLAS core name ("Prescott", "SkylakeX"), BLIS arch, or empty
    std::string config;  ///< openblas_get_config(), or empty
    bool isOpenBlas() const { return library == "OpenBLAS"; }
    /// "OpenBLAS 0.3.21, kernel SkylakeX"
    std::string summary() const;
};

BlasInfo detectBlas();

/// The tier OpenBLAS's kernel `coreName` (as openblas_get_corename() spells
/// it) is written for. Unknown names are Tier::Unknown.
Tier openBlasKernelTier(std::string_view coreName);

/// The OpenBLAS core name (OPENBLAS_CORETYPE value) matching a CPU tier:
/// "SkylakeX" for AVX-512, "Haswell" for AVX2 + FMA, empty otherwise.
std::string openBlasKernelFor(Tier cpuTier);

/// Everything the kernel decision looks at; filled from the process at
/// start-up, or by a test (the seam through which the selection logic is
/// tested on any CPU).
struct KernelSituation {
    bool openBlas = false;
    std::string detectedKernel; ///< openblas_get_corename() now
    CpuInfo cpu;
    std::optional<std::string> userCoretype; ///< OPENBLAS_CORETYPE in the environment
    std::string autoMark;                    ///< PARITY_BLAS_AUTO: "", "off", or the kernel we chose
    std::string disabledBy;                  ///< why selection is off ("PARITY_BLAS_SELECT=off", ...), or empty
};

/// The environment variables of the hand-over between launcher, start-up and
/// a re-executed process (util/BlasStartup.h).
inline constexpr const char* kAutoVar = "PARITY_BLAS_AUTO";         ///< the kernel we chose, or "off"
inline constexpr const char* kDetectedVar = "PARITY_BLAS_DETECTED"; ///< what OpenBLAS chose on its own
inline constexpr const char* kViaVar = "PARITY_BLAS_VIA";           ///< "launcher" or "re-execution"
inline constexpr const char* kNoteVar = "PARITY_BLAS_NOTE";         ///< why a selected kernel was dropped

/// The situation of this process: the BLAS found now, the CPU, and the
/// variables above, OPENBLAS_CORETYPE and PARITY_BLAS_SELECT.
KernelSituation currentSituation(const CpuInfo& cpu, const BlasInfo& blas);

struct KernelDecision {
    enum class Action {
        Keep,   ///< leave the BLAS as it is
        Select, ///< re-execute with OPENBLAS_CORETYPE = kernel
        Verify, ///< we selected `kernel` before re-executing: check it is in use and computes right
    };
    Action action = Action::Keep;
    std::string kernel;
    std::string note;    ///< why, in one line, for --describe / run.json
    std::string warning; ///< non-empty: the machine runs below what it could
};

/// The pure decision (no side effects). Rules:
/// - the user's own OPENBLAS_CORETYPE always wins (a warning if it is below the CPU);
/// - only OpenBLAS is steered; a kernel is selected when OpenBLAS runs a
///   generic or AVX-only kernel on a CPU with AVX2 + FMA or AVX-512;
/// - at most one selection per process tree (PARITY_BLAS_AUTO guards the
///   re-execution; "off" after a selected kernel failed its check).
KernelDecision decideKernel(const KernelSituation& situation);

/// Compares the BLAS's sgemm with a plain double-precision product on small
/// odd-sized matrices (both transposes LibTorch uses). A kernel that fails it
/// is never kept. `detail` gets the largest error found.
bool gemmSelfCheck(std::string* detail = nullptr);

/// Square single-precision GEMM rate (GFLOP/s, best of a few) with the
/// BLAS's current threads: the figure --describe and run.json report.
double measureGemmGflops(int n = 512);

/// True when the calling thread flushes subnormal floats to zero (MXCSR FTZ
/// and DAZ). Set on the main thread before any library starts its threads,
/// so every thread inherits it; PARITY_DENORMALS=keep turns it off.
bool flushesDenormals();

/// The GLIBC_TUNABLES value under which glibc's malloc also asks for
/// transparent huge pages for its heap and its mapped blocks
/// (glibc.malloc.hugetlb=1; glibc reads tunables only when a process starts,
/// so the launcher sets it for the program it starts). `current` is the
/// variable's value (null: unset), `parityMalloc` PARITY_MALLOC's. Empty:
/// leave the environment as it is (PARITY_MALLOC=default, or the value sets
/// glibc.malloc.hugetlb itself: the user's own wins).
std::string tunablesWithHugePages(const char* current, const char* parityMalloc);
inline constexpr const char* kHugePagesTunable = "glibc.malloc.hugetlb=1";

/// Sets FTZ/DAZ on the calling thread (for threads a library created before
/// start-up could; cheap, idempotent). Does nothing with PARITY_DENORMALS=keep.
void flushDenormalsOnThisThread();

} // namespace parity::blas
