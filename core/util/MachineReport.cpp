#include "util/MachineReport.h"

#include "util/BlasStartup.h"

#include <cmath>
#include <cstdio>
#include <cstring>
#include <link.h>
#include <map>
#include <mutex>

namespace parity {

double measuredGemmGflops(int blasThreads)
{
    static std::mutex mutex;
    static std::map<int, double> rates;
    const std::lock_guard<std::mutex> lock(mutex);
    auto it = rates.find(blasThreads);
    if (it == rates.end())
        it = rates.emplace(blasThreads, blas::measureGemmGflops(512)).first;
    return it->second;
}

LoadedLibraries loadedLibraries()
{
    LoadedLibraries libs;
    dl_iterate_phdr(
        [](dl_phdr_info* info, size_t, void* data) {
            auto& l = *static_cast<LoadedLibraries*>(data);
            // The executable (empty name) and the vDSO (no slash) are not files it loaded.
            if (info->dlpi_name && std::strchr(info->dlpi_name, '/')) {
                ++l.loaded;
                if (std::strstr(info->dlpi_name, "/parity-skipped-libraries/"))
                    ++l.skipped;
            }
            return 0;
        },
        &libs);
    return libs;
}

namespace {

std::string librariesText(const LoadedLibraries& l)
{
    std::string text = std::to_string(l.loaded) + " loaded";
    if (l.skipped > 0)
        text += "; " + std::to_string(l.skipped)
                + " that LibTorch names but never calls are empty stand-ins (their own dependencies not loaded)";
    return text;
}

} // namespace

nlohmann::json machineJson(const ThreadSettings& threads)
{
    const auto& r = blas::startupReport();
    const LoadedLibraries libs = loadedLibraries();
    nlohmann::json j = {
        {"cpu",
         {{"model", r.cpu.brand},
          {"vendor", r.cpu.vendor},
          {"family", r.cpu.family},
          {"model_number", r.cpu.model},
          {"stepping", r.cpu.stepping},
          {"instruction_set", std::string(blas::tierName(r.cpu.tier()))}}},
        {"blas",
         {{"library", r.blas.library},
          {"version", r.blas.version},
          {"kernel", r.blas.kernel},
          {"path", r.blas.path},
          {"kernel_choice", r.kernelNote}}},
        {"threads", {{"blas", threads.blasThreads}, {"torch", threads.torchThreads}}},
        {"flush_denormals", r.flushDenormals},
        {"allocator", r.allocator},
        {"shared_libraries", {{"loaded", libs.loaded}, {"skipped_unused", libs.skipped}}},
        {"gemm_gflops", std::round(measuredGemmGflops(threads.blasThreads) * 10) / 10},
    };
    if (!r.warning.empty())
        j["warning"] = r.warning;
    return j;
}

std::string machineText(const ThreadSettings& threads)
{
    const auto& r = blas::startupReport();
    char rate[64];
    std::snprintf(rate, sizeof rate, "%.1f GFLOP/s", measuredGemmGflops(threads.blasThreads));
    std::string cpu = r.cpu.brand.empty() ? r.cpu.vendor : r.cpu.brand;
    cpu += " (family " + std::to_string(r.cpu.family) + ", model " + std::to_string(r.cpu.model) + "; "
           + std::string(blas::tierName(r.cpu.tier())) + ")";
    std::string text = "Machine:\n";
    text += "  CPU:        " + cpu + "\n";
    text += "  BLAS:       " + r.blas.summary() + (r.blas.path.empty() ? "" : " (" + r.blas.path + ")") + "\n";
    text += "  kernel:     " + r.kernelNote + "\n";
    text += "  threads:    BLAS " + std::to_string(threads.blasThreads) + ", LibTorch "
            + std::to_string(threads.torchThreads) + "\n";
    text += std::string("  subnormals: ") + (r.flushDenormals ? "flushed to zero (FTZ/DAZ)" : "kept (slow)") + "\n";
    text += "  allocator:  " + r.allocator + "\n";
    text += "  libraries:  " + librariesText(loadedLibraries()) + "\n";
    text += std::string("  GEMM:       ") + rate + " (512x512x512 sgemm)\n";
    if (!r.warning.empty())
        text += "  warning:    " + r.warning + "\n";
    return text;
}

std::string machineSummaryLine(const ThreadSettings& threads)
{
    const auto& r = blas::startupReport();
    char rate[64];
    std::snprintf(rate, sizeof rate, "%.0f GFLOP/s", measuredGemmGflops(threads.blasThreads));
    return r.blas.summary() + " · BLAS " + std::to_string(threads.blasThreads) + " + LibTorch "
           + std::to_string(threads.torchThreads) + " threads · " + rate
           + (r.flushDenormals ? "" : " · subnormals not flushed");
}

} // namespace parity
