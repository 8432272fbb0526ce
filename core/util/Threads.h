#pragma once
#include <string>

namespace parity {

/// What dominates a run's arithmetic; it decides which pool gets the cores.
enum class Workload {
    /// Large matrix products in the BLAS (base-mlp, the learned MLP coders):
    /// BLAS threads = the cores, one LibTorch thread.
    MatrixProducts,
    /// Convolutions, which LibTorch runs with oneDNN on its intra-op (OpenMP)
    /// pool (ResNet, VGG, LeNet, TorchScript models): LibTorch threads = the
    /// cores, one BLAS thread. resnet18 on CIFAR-shaped input trains 1.9x
    /// faster so than with the matrix-product split (bench/README.md).
    Convolutions,
};

/// The workload of a base-model architecture name ("base-mlp", "resnet18", ...).
Workload workloadOfModel(const std::string& architecture);

/// How many threads each pool got.
struct ThreadSettings {
    int torchThreads = 1; ///< LibTorch intra-op (OpenMP) threads
    int blasThreads = 1;  ///< OpenBLAS's own pthreads, when OpenBLAS is the BLAS
    std::string blas;     ///< "OpenBLAS ..." or "reference BLAS / unknown"
};

/// Applies a thread count (0 = all cores): process-wide for the BLAS, for the
/// calling thread for LibTorch. Only the owner of a run calls it (the
/// trainer at the start of a run, the command line), never a pool thread. LibTorch
/// picks one intra-op thread on small machines by default, and OpenBLAS
/// runs its own pool beside LibTorch's: both are set explicitly so that they
/// never oversubscribe the cores (docs/BEHAVIOUR.md §8): the pool that does the
/// workload's arithmetic gets them, the other one thread.
/// PARITY_TORCH_THREADS / PARITY_BLAS_THREADS override the split for experiments.
ThreadSettings applyThreadSettings(int requested, Workload workload = Workload::MatrixProducts);

/// The thread counts applyThreadSettings would choose, applying nothing.
ThreadSettings plannedThreadSettings(int requested, Workload workload = Workload::MatrixProducts);

/// The per-thread part of applyThreadSettings, for a thread that computes
/// for a run without owning the process (e.g. the workbench's inspector on
/// a pool thread while a run trains): LibTorch's OpenMP thread count (an
/// OpenMP setting of the calling thread) and flush-to-zero. The BLAS, whose
/// thread count is process-wide, is left as the run's owner set it.
void applyThreadLocalSettings(const ThreadSettings& settings);

/// Sets the BLAS's own thread count, process-wide (OpenBLAS), and returns
/// the count it had; 0 when the BLAS is not OpenBLAS (nothing set). For an
/// owner that runs several single-threaded computations side by side (the
/// live serving mode): their products would otherwise share one BLAS pool,
/// which serializes its callers. Put the count back with a second call.
int exchangeBlasThreads(int threads);

/// Lowers the scheduling priority of every thread of the process except
/// `keep` (a thread id; the GUI's main thread is the process id) to `nice`
/// (threads already lower stay). Linux gives each thread its own nice value,
/// and pools may start threads at any time: the trainer calls this on its
/// own thread at the start of the run and of each split, never from a pool
/// thread. Elsewhere a no-op.
void lowerOtherThreadsPriority(long keep, int nice);

/// The thread counts in force now, changing nothing (for reports made
/// outside a run, e.g. the workbench's status bar).
ThreadSettings currentThreadSettings();

/// Number of cores usable by this process.
int availableCores();

} // namespace parity
