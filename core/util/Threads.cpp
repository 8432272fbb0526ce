#include "util/Threads.h"

#include "util/BlasStartup.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <cstdlib>
#include <dlfcn.h>
#include <filesystem>
#include <sched.h>
#include <string>
#include <sys/resource.h>
#include <thread>
#include <unistd.h>

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

ThreadSettings plannedThreadSettings(int requested, Workload workload)
{
    ThreadSettings s;
    const int n = requested > 0 ? requested : availableCores();
    // One pool gets the cores, the other one thread: with both pools
    // busy-waiting on 2 cores an epoch measured 14 s instead of 0.6 s
    // (bench/README.md). Matrix products run inside the BLAS; convolutions
    // run in oneDNN on LibTorch's OpenMP pool.
    const bool gemm = workload == Workload::MatrixProducts;
    s.blasThreads = gemm ? n : 1;
    if (const char* env = std::getenv("PARITY_BLAS_THREADS"); env && *env)
        s.blasThreads = std::max(1, std::atoi(env));
    s.torchThreads = gemm ? 1 : n;
    if (const char* env = std::getenv("PARITY_TORCH_THREADS"); env && *env)
        s.torchThreads = std::max(1, std::atoi(env));
    s.blas = blas::startupReport().blas.summary();
    return s;
}

void applyThreadLocalSettings(const ThreadSettings& s)
{
    // Threads created by the program inherit flush-to-zero from the main
    // thread (util/BlasStartup.h); this covers a thread some library made
    // before that, at no cost.
    blas::flushDenormalsOnThisThread();
    // Setting it rebuilds LibTorch's pthreadpool (and sets the process-wide
    // default): only when this thread's count differs.
    if (at::get_num_threads() != s.torchThreads)
        at::set_num_threads(s.torchThreads);
}

ThreadSettings applyThreadSettings(int requested, Workload workload)
{
    ThreadSettings s = plannedThreadSettings(requested, workload);
    using SetThreads = void (*)(int);
    auto setBlas = reinterpret_cast<SetThreads>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"));
    // Unconditionally: besides this thread's OpenMP count it sets LibTorch's
    // process-wide default, which threads made later start with.
    blas::flushDenormalsOnThisThread();
    at::set_num_threads(s.torchThreads);
    if (setBlas)
        setBlas(s.blasThreads);
    else
        s.blasThreads = 0;
    return s;
}

int exchangeBlasThreads(int threads)
{
    using SetThreads = void (*)(int);
    using GetThreads = int (*)();
    auto setBlas = reinterpret_cast<SetThreads>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"));
    auto getBlas = reinterpret_cast<GetThreads>(dlsym(RTLD_DEFAULT, "openblas_get_num_threads"));
    if (!setBlas || !getBlas)
        return 0;
    const int before = getBlas();
    if (before != threads)
        setBlas(threads);
    return before;
}

void lowerOtherThreadsPriority(long keep, int nice)
{
#ifdef __linux__
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator("/proc/self/task", ec)) {
        const pid_t tid = pid_t(std::stol(entry.path().filename().string()));
        if (tid != pid_t(keep) && ::getpriority(PRIO_PROCESS, id_t(tid)) < nice)
            ::setpriority(PRIO_PROCESS, id_t(tid), nice);
    }
#else
    (void)keep;
    (void)nice;
#endif
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
