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
    int torchThreads = 1;   ///< LibTorch intra-op (OpenMP) threads
    int blasThreads = 1;    ///< OpenBLAS's own pthreads, when OpenBLAS is the BLAS
    std::string blas;       ///< "OpenBLAS ..." or "reference BLAS / unknown"
};

/// Applies a thread count (0 = all cores) in the calling thread. LibTorch
/// picks one intra-op thread on small machines by default, and OpenBLAS
/// runs its own pool beside LibTorch's: both are set explicitly so that they
/// never oversubscribe the cores (SPEC §8): the pool that does the
/// workload's arithmetic gets them, the other one thread.
/// PARITY_TORCH_THREADS / PARITY_BLAS_THREADS override the split for experiments.
ThreadSettings applyThreadSettings(int requested, Workload workload = Workload::MatrixProducts);

/// The thread counts in force now, changing nothing (for reports made
/// outside a run, e.g. the workbench's status bar).
ThreadSettings currentThreadSettings();

/// Number of cores usable by this process.
int availableCores();

} // namespace parity
