#include "util/Threads.h"

#include "util/BlasStartup.h"

#include <ATen/Parallel.h>

#include <cstdlib>
#include <dlfcn.h>
#include <sched.h>
#include <thread>

namespace parity {

int availableCores()
{
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0) {
        const int n = CPU_COUNT(&set);
        if (n > 0)
            return n;
    }
    const unsigned n = std::thread::hardware_concurrency();
    return n ? int(n) : 1;
}

Workload workloadOfModel(const std::string& architecture)
{
    return architecture == "base-mlp" ? Workload::MatrixProducts : Workload::Convolutions;
}

ThreadSettings applyThreadSettings(int requested, Workload workload)
{
    ThreadSettings s;
    const int n = requested > 0 ? requested : availableCores();
    using SetThreads = void (*)(int);
    auto setBlas = reinterpret_cast<SetThreads>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"));
    s.blas = blas::startupReport().blas.summary();
    // Threads created by the program inherit flush-to-zero from the main
    // thread (util/BlasStartup.h); this covers a thread some library made
    // before that, at no cost.
    blas::flushDenormalsOnThisThread();

    // One pool gets the cores, the other one thread: with both pools
    // busy-waiting on 2 cores an epoch measured 14 s instead of 0.6 s
    // (bench/README.md). Matrix products run inside the BLAS; convolutions
    // run in oneDNN on LibTorch's OpenMP pool.
    const bool gemm = workload == Workload::MatrixProducts;
    int blasThreads = gemm ? n : 1;
    if (const char* env = std::getenv("PARITY_BLAS_THREADS"); env && *env)
        blasThreads = std::max(1, std::atoi(env));
    int torchThreads = gemm ? 1 : n;
    if (const char* env = std::getenv("PARITY_TORCH_THREADS"); env && *env)
        torchThreads = std::max(1, std::atoi(env));
    at::set_num_threads(torchThreads);
    if (setBlas)
        setBlas(blasThreads);
    s.torchThreads = torchThreads;
    s.blasThreads = setBlas ? blasThreads : 0;
    return s;
}

ThreadSettings currentThreadSettings()
{
    ThreadSettings s;
    using GetThreads = int (*)();
    auto getBlas = reinterpret_cast<GetThreads>(dlsym(RTLD_DEFAULT, "openblas_get_num_threads"));
    s.blasThreads = getBlas ? getBlas() : 0;
    s.torchThreads = at::get_num_threads();
    s.blas = blas::startupReport().blas.summary();
    return s;
}

} // namespace parity
