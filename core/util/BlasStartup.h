#pragma once
// The start-up step of every program linked with parity_core (issue 12):
//
// 1. Before any shared library initialises (an ELF .preinit_array entry of
//    the executable), the main thread sets MXCSR's flush-to-zero and
//    denormals-are-zero bits, so every thread started afterwards — OpenBLAS's
//    pool, started by its own constructor, LibTorch's intra-op threads, the
//    workbench's workers — inherits them. PARITY_DENORMALS=keep leaves them off.
//    In the same step glibc's malloc is told to keep blocks of up to 1 GiB in
//    its heap (M_MMAP_THRESHOLD) and to keep up to 1 GiB of freed memory
//    (M_TRIM_THRESHOLD). By default blocks above a threshold of at most
//    32 MiB are fresh mappings, and freed memory above at most 64 MiB goes
//    back to the kernel, so memory is faulted in page by page again and
//    again (a vgg11 preparation chunk is 266 MB, its batch activations 33 MB
//    each). On a virtual machine where page faults are dear this halved the
//    preparation's speed (docs/PERFORMANCE.md §6). PARITY_MALLOC=default, or
//    the user's own GLIBC_TUNABLES / MALLOC_*_ thresholds, leave glibc as it is.
//    The launcher also asks for transparent huge pages through GLIBC_TUNABLES
//    (glibc.malloc.hugetlb=1, read only as a process starts); the report
//    says whether the process runs with it.
// 2. Before main() (a constructor of the executable), the BLAS and its kernel
//    are detected and decideKernel() runs. A selection sets OPENBLAS_CORETYPE
//    and the guard PARITY_BLAS_AUTO and re-executes the program once (OpenBLAS
//    reads its kernel only when it loads); the kernel then in use is verified
//    (its name, and gemmSelfCheck()). A kernel that fails is dropped: one more
//    re-execution without it (PARITY_BLAS_AUTO=off), and a warning the
//    programs print once.
//
// A re-execution loads LibTorch's ~290 shared libraries a second time. The
// launchers of parity-train and parity-workbench (app/launcher) therefore make
// the selection before anything is loaded and start the program with the
// variables set; step 2 then only verifies. PARITY_BLAS_SELECT=off turns the
// selection off.
#include "util/BlasRuntime.h"

#include <cstdint>
#include <string>

namespace parity::blas {

/// What start-up found and did, for reports.
struct StartupReport {
    CpuInfo cpu;
    BlasInfo blas;
    std::string kernelNote; ///< how the kernel in use came to be chosen
    std::string warning;    ///< non-empty: slower than the machine could be, and why
    bool flushDenormals = false;
    std::string allocator; ///< the malloc thresholds start-up set, or whose they are
};

/// The start-up report of this process (completed once, on first use).
const StartupReport& startupReport();

/// Gives the free memory malloc keeps back to the kernel: step 1 keeps up to
/// 1 GiB of it for the next batch, which a process that stays up after its
/// work (the workbench when its queue ends) should not hold on to. Free pages
/// inside the heaps go too, in every arena. Returns by how many bytes the
/// resident set shrank (0 under the address sanitizer).
int64_t releaseFreeMemory();
/// This process's resident set in bytes (/proc/self/statm), or -1.
int64_t residentBytes();

/// Built with AddressSanitizer: its malloc serves (mallopt does nothing) and
/// its leak check runs at exit.
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define PARITY_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) || defined(PARITY_ASAN)
inline constexpr bool kAddressSanitizer = true;
#else
inline constexpr bool kAddressSanitizer = false;
#endif

} // namespace parity::blas
