// The parity-train and parity-workbench commands: a small launcher that
// starts the real program (PARITY_PROGRAM, e.g. parity-train-bin) with the
// BLAS kernel decided before LibTorch is loaded (issue 12).
//
// OpenBLAS reads OPENBLAS_CORETYPE once, when it loads. The real program can
// select a kernel by itself (util/BlasStartup.h), but only by re-executing,
// which loads LibTorch's ~290 shared libraries twice (≈ 0.3 s). Here only
// OpenBLAS is loaded (a few ms) to learn the kernel it picks on its own; the
// same decideKernel() as in the program chooses; the program then starts
// with the variables set and verifies the kernel (name and GEMM self-check).
// With OPENBLAS_CORETYPE, PARITY_BLAS_AUTO or PARITY_BLAS_SELECT=off in the
// environment the launcher changes nothing.
//
// It also asks glibc's malloc for transparent huge pages
// (GLIBC_TUNABLES=...:glibc.malloc.hugetlb=1, read only when a process
// starts): on a virtual machine where each page fault costs ~20 us, the
// ~10,000 faults of LibTorch's static initialisation and the first touch of
// every large tensor fall to one per 2 MB (docs/PERFORMANCE.md §6).
// PARITY_MALLOC=default, or a GLIBC_TUNABLES that sets hugetlb itself, keeps
// the environment as it is.
#include "util/BlasRuntime.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dlfcn.h>
#include <string>
#include <unistd.h>

#if !defined(PARITY_PROGRAM) || !defined(PARITY_PROGRAM_DIR)
#error "PARITY_PROGRAM and PARITY_PROGRAM_DIR must name the program to start and its folder"
#endif

namespace {

std::string selfDirectory()
{
    char buf[4096];
    const ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
    if (n <= 0)
        return ".";
    std::string path(buf, size_t(n));
    return path.substr(0, path.find_last_of('/'));
}

/// The program beside the launcher (build tree), else where the install
/// puts it (PARITY_PROGRAM_DIR, relative to the launcher's folder:
/// ../libexec/parity-workbench with the GNU layout).
std::string findProgram()
{
    const std::string dir = selfDirectory();
    const std::string installed = dir + "/" PARITY_PROGRAM_DIR "/" PARITY_PROGRAM;
    const std::string beside = dir + "/" PARITY_PROGRAM;
    return ::access(beside.c_str(), X_OK) == 0 ? beside : installed;
}

void chooseKernel()
{
    using namespace parity::blas;
    // Nothing to learn from OpenBLAS when the environment decides already.
    if (std::getenv("OPENBLAS_CORETYPE") || std::getenv(kAutoVar))
        return;
    // The BLAS LibTorch links (libtorch_cpu.so needs libblas.so.3), found the
    // way the dynamic loader will find it for the program.
    if (!dlopen("libblas.so.3", RTLD_NOW | RTLD_GLOBAL))
        return;
    const BlasInfo blas = detectBlas();
    const KernelDecision d = decideKernel(currentSituation(detectCpu(), blas));
    if (d.action != KernelDecision::Action::Select)
        return;
    ::setenv("OPENBLAS_CORETYPE", d.kernel.c_str(), 1);
    ::setenv(kAutoVar, d.kernel.c_str(), 1);
    ::setenv(kDetectedVar, blas.kernel.c_str(), 1);
    ::setenv(kViaVar, "launcher", 1);
}

} // namespace

int main(int argc, char** argv)
{
    (void)argc;
    chooseKernel();
    const std::string tunables = parity::blas::tunablesWithHugePages(std::getenv("GLIBC_TUNABLES"),
                                                                     std::getenv("PARITY_MALLOC"));
    if (!tunables.empty())
        ::setenv("GLIBC_TUNABLES", tunables.c_str(), 1);
    const std::string program = findProgram();
    ::execv(program.c_str(), argv);
    std::fprintf(stderr, "%s: cannot start %s: %s\n", argv[0], program.c_str(), std::strerror(errno));
    return 127;
}
