#pragma once
#include <string>

namespace parity {

/// How many threads each pool got.
struct ThreadSettings {
    int torchThreads = 1;   ///< LibTorch intra-op (OpenMP) threads
    int blasThreads = 1;    ///< OpenBLAS's own pthreads, when OpenBLAS is the BLAS
    std::string blas;       ///< "OpenBLAS ..." or "reference BLAS / unknown"
};

/// Applies a thread count (0 = all cores) in the calling thread. LibTorch
/// picks one intra-op thread on small machines by default, and OpenBLAS
/// runs its own pool beside LibTorch's: both are set explicitly so that they
/// never oversubscribe the cores (SPEC §8). PARITY_BLAS_THREADS overrides the
/// BLAS share for experiments.
ThreadSettings applyThreadSettings(int requested);

/// The thread counts in force now, changing nothing (for reports made
/// outside a run, e.g. the workbench's status bar).
ThreadSettings currentThreadSettings();

/// Number of cores usable by this process.
int availableCores();

} // namespace parity
