#include "util/BlasStartup.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <malloc.h>
#include <strings.h>
#include <unistd.h>
#include <xmmintrin.h>

// Referenced by parity_core's link options (-Wl,--undefined=...), so that
// every executable linked with the static core library gets this object,
// with its .preinit_array entry and its constructor.
extern "C" {
int parity_blas_startup_anchor = 0;
}

namespace parity::blas {

namespace {

/// What the constructor found and decided; read by startupReport().
struct StartupOutcome {
    bool ran = false;
    CpuInfo cpu;
    BlasInfo blas;
    std::string note;
    std::string warning;
};

StartupOutcome& outcome()
{
    static StartupOutcome o;
    return o;
}

std::string envText(const char* name)
{
    const char* v = std::getenv(name);
    return v ? std::string(v) : std::string();
}

/// What step 1 did with malloc's thresholds (plain data: set before any
/// constructor runs).
enum class MallocSetting { NotRun, Set, Default, Users, Refused };
bool g_hugePages = false; ///< GLIBC_TUNABLES asks for glibc.malloc.hugetlb=1 (the launcher's doing)

MallocSetting g_malloc = MallocSetting::NotRun;

constexpr size_t kMallocKeep = size_t(1) << 30; // 1 GiB

bool startsWith(const char* text, const char* prefix) { return std::strncmp(text, prefix, std::strlen(prefix)) == 0; }

// Step 1: before every library initialises (libc's malloc is ready: the
// dynamic loader initialises libc first). The environment is read from envp
// (libc's getenv is not set up yet).
void parityPreinit(int, char**, char** envp)
{
    bool keepDenormals = false;
    g_malloc = MallocSetting::Set;
    for (char** e = envp; e && *e; ++e) {
        keepDenormals = keepDenormals || std::strcmp(*e, "PARITY_DENORMALS=keep") == 0;
        const bool tunables = startsWith(*e, "GLIBC_TUNABLES=");
        g_hugePages = g_hugePages || (tunables && std::strstr(*e, kHugePagesTunable));
        const bool usersThresholds = startsWith(*e, "MALLOC_MMAP_THRESHOLD_=")
                                     || startsWith(*e, "MALLOC_TRIM_THRESHOLD_=")
                                     || (tunables
                                         && (std::strstr(*e, "glibc.malloc.mmap_threshold")
                                             || std::strstr(*e, "glibc.malloc.trim_threshold")));
        if (std::strcmp(*e, "PARITY_MALLOC=default") == 0)
            g_malloc = MallocSetting::Default;
        else if (g_malloc == MallocSetting::Set && usersThresholds)
            g_malloc = MallocSetting::Users;
    }
    // glibc before 2.35 refuses an mmap threshold above 32 MiB; the trim
    // threshold alone would then freeze the mmap threshold at 128 KiB.
    if (g_malloc == MallocSetting::Set && !kAddressSanitizer)
        g_malloc = ::mallopt(M_MMAP_THRESHOLD, int(kMallocKeep)) == 1
                           && ::mallopt(M_TRIM_THRESHOLD, int(kMallocKeep)) == 1
                       ? MallocSetting::Set
                       : MallocSetting::Refused;
    if (!keepDenormals)
        _mm_setcsr(_mm_getcsr() | 0x8040u); // FTZ | DAZ, inherited by every thread started later
}

std::string thresholdsNote()
{
    switch (g_malloc) {
    case MallocSetting::Set:
        return "glibc malloc keeps blocks up to 1 GiB in its heap and up to 1 GiB freed (PARITY_MALLOC=default: "
               "glibc's own thresholds)";
    case MallocSetting::Default:
        return "glibc's own malloc thresholds (PARITY_MALLOC=default): blocks above 32 MB are mapped afresh";
    case MallocSetting::Users:
        return "glibc malloc with the thresholds of this environment (GLIBC_TUNABLES / MALLOC_*_)";
    case MallocSetting::Refused:
        return "glibc's own malloc thresholds (this glibc refused an mmap threshold of 1 GiB)";
    case MallocSetting::NotRun:
        break;
    }
    return "glibc's own malloc thresholds (start-up step not run)";
}

std::string allocatorNote()
{
    if (kAddressSanitizer)
        return "the address sanitizer's malloc";
    return thresholdsNote()
           + (g_hugePages ? "; transparent huge pages for its heap (GLIBC_TUNABLES glibc.malloc.hugetlb=1)" : "");
}

[[noreturn]] void failStartup(const std::string& text)
{
    std::fprintf(stderr, "parity: error: %s\n", text.c_str());
    std::_Exit(70);
}

/// Replaces the process by a fresh start of itself; returns only on failure.
/// The path is read from /proc/self/exe first rather than exec'ing that
/// link: under valgrind the link is the tool, while readlink is answered
/// with the program's own path.
void reexec(char** argv, const std::string& why)
{
    char self[4096];
    const ssize_t n = ::readlink("/proc/self/exe", self, sizeof self - 1);
    if (n > 0) {
        self[n] = 0;
        ::execv(self, argv);
    }
    outcome().warning = why + "; could not re-execute (" + (n > 0 ? std::string(self) : "/proc/self/exe") + ": "
                        + std::strerror(errno) + ")";
}

void clearHandOver()
{
    for (const char* var : {"OPENBLAS_CORETYPE", kAutoVar, kDetectedVar, kViaVar})
        ::unsetenv(var);
}

// Step 2, before main().
void parityStartup(int, char** argv, char**)
{
    StartupOutcome& out = outcome();
    out.ran = true;
    out.cpu = detectCpu();
    out.blas = detectBlas();
    const CpuInfo& cpu = out.cpu;
    const BlasInfo& blas = out.blas;
    const KernelDecision d = decideKernel(currentSituation(cpu, blas));
    out.note = d.note;
    out.warning = d.warning;

    switch (d.action) {
    case KernelDecision::Action::Keep:
        if (const char* note = std::getenv(kNoteVar)) {
            // A selected kernel was dropped: the programs say it once
            // (parity-train on standard error, the workbench in its log).
            out.warning = std::string(note) + (out.warning.empty() ? "" : "; " + out.warning);
            ::unsetenv(kNoteVar);
        }
        return;
    case KernelDecision::Action::Select:
        ::setenv("OPENBLAS_CORETYPE", d.kernel.c_str(), 1);
        ::setenv(kAutoVar, d.kernel.c_str(), 1);
        ::setenv(kDetectedVar, blas.kernel.c_str(), 1);
        ::setenv(kViaVar, "re-execution", 1);
        reexec(argv, d.note);
        clearHandOver();
        return;
    case KernelDecision::Action::Verify: {
        const std::string detected = envText(kDetectedVar).empty() ? std::string("?") : envText(kDetectedVar);
        const std::string via = envText(kViaVar);
        std::string check;
        const bool inUse = strcasecmp(blas.kernel.c_str(), d.kernel.c_str()) == 0;
        if (inUse && gemmSelfCheck(&check)) {
            out.note = "kernel " + blas.kernel + " selected at start-up" + (via.empty() ? "" : " (" + via + ")")
                       + ": OpenBLAS chose " + detected + " on this " + std::string(tierName(cpu.tier()))
                       + " CPU; GEMM self-check " + check;
            return;
        }
        const std::string why = inUse ? "OpenBLAS kernel " + d.kernel + " computes wrong results on this CPU (" + check
                                            + "): not used"
                                      : "OpenBLAS did not switch to kernel " + d.kernel + " (it runs " + blas.kernel
                                            + ")";
        clearHandOver();
        ::setenv(kAutoVar, "off", 1);
        ::setenv(kNoteVar, why.c_str(), 1);
        reexec(argv, why);
        ::unsetenv(kNoteVar);
        if (!inUse)
            return; // still the kernel OpenBLAS chose: slower, but right
        failStartup(out.warning
                    + "; refusing to compute with it. Set PARITY_BLAS_SELECT=off to run "
                      "OpenBLAS's own choice.");
    }
    }
}

} // namespace

const StartupReport& startupReport()
{
    static const StartupReport report = [] {
        // Found once by the constructor (a program without it: here).
        StartupReport r;
        r.cpu = outcome().ran ? outcome().cpu : detectCpu();
        r.blas = outcome().ran ? outcome().blas : detectBlas();
        r.flushDenormals = flushesDenormals();
        r.allocator = allocatorNote();
        r.kernelNote = outcome().note;
        r.warning = outcome().warning;
        if (!r.flushDenormals)
            r.warning += std::string(r.warning.empty() ? "" : "; ")
                         + "subnormal floats are not flushed to zero (PARITY_DENORMALS=keep): products that "
                           "meet them can run many times slower";
        return r;
    }();
    return report;
}

int64_t residentBytes()
{
    std::FILE* statm = std::fopen("/proc/self/statm", "r");
    if (!statm)
        return -1;
    long size = 0, resident = -1;
    const bool read = std::fscanf(statm, "%ld %ld", &size, &resident) == 2;
    std::fclose(statm);
    return read ? int64_t(resident) * ::sysconf(_SC_PAGESIZE) : -1;
}

int64_t releaseFreeMemory()
{
    if (kAddressSanitizer)
        return 0;
    const int64_t before = residentBytes();
    ::malloc_trim(0); // every arena; free pages inside a heap too, not only at its top
    const int64_t after = residentBytes();
    return before >= 0 && after >= 0 ? std::max<int64_t>(0, before - after) : 0;
}

} // namespace parity::blas

// The two entry points: the dynamic loader calls the first before any shared
// library's initialiser, libc the second before main().
extern "C" {
__attribute__((section(".preinit_array"),
               used)) static void (*parity_preinit_entry)(int, char**, char**) = parity::blas::parityPreinit;
}
__attribute__((constructor(101))) static void parityBlasStartupConstructor(int argc, char** argv, char** envp)
{
    parity::blas::parityStartup(argc, argv, envp);
}
