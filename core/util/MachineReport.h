#pragma once
// "What it runs on" (issue 12): the CPU, the BLAS library and its kernel,
// how that kernel was chosen, the thread counts, whether subnormal floats are
// flushed to zero, and a measured GEMM rate. --describe prints it, run.json
// records it, the workbench shows it (About, status bar, log).
#include "util/Threads.h"

#include <nlohmann/json.hpp>
#include <string>

namespace parity {

/// The BLAS's single-precision GEMM rate in GFLOP/s (512³, best of three)
/// with `blasThreads` threads in force, measured once per process and
/// thread count.
double measuredGemmGflops(int blasThreads);

/// The shared libraries this process has loaded, and how many of them are the
/// empty stand-ins for libraries LibTorch names but never calls (they lie in a
/// folder named parity-skipped-libraries: cmake/SkipUnusedLibraries.cmake).
struct LoadedLibraries {
    int loaded = 0;
    int skipped = 0;
};
LoadedLibraries loadedLibraries();

/// {"cpu": {...}, "blas": {...}, "threads": {...}, "flush_denormals": bool, "allocator": "...",
///  "shared_libraries": {"loaded": n, "skipped_unused": m}, "gemm_gflops": x, "warning": "..."}
nlohmann::json machineJson(const ThreadSettings& threads);

/// The same as a few readable lines ("Machine: ...").
std::string machineText(const ThreadSettings& threads);

/// One line for a status bar: "OpenBLAS 0.3.21 SkylakeX · 2+1 threads · 190 GFLOP/s".
std::string machineSummaryLine(const ThreadSettings& threads);

} // namespace parity
