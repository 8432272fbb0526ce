#pragma once
// Shared by the libFuzzer targets (issue 5). Every target feeds outside bytes
// to one parser; parity::Error is the documented way to refuse them, anything
// else escaping (another exception, a crash, a sanitizer report, a timeout or
// an allocation beyond -rss_limit_mb) is a finding.
#include "util/Error.h"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <unistd.h>

namespace parity::fuzz {

/// Writes the input to a per-process file in /dev/shm (or /tmp) for the
/// readers that take a path, and returns that path.
inline std::string writeInput(const std::uint8_t* data, std::size_t size, const char* suffix)
{
    static const std::string dir = ::access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
    const std::string path = dir + "/parity-fuzz-" + std::to_string(::getpid()) + suffix;
    // Removed when the process ends normally (each -fork job is a process).
    static struct Remover {
        std::string path;
        ~Remover() { std::remove(path.c_str()); }
    } remover{path};
    std::FILE* f = std::fopen(path.c_str(), "wb");
    if (!f)
        std::abort();
    if (size && std::fwrite(data, 1, size, f) != size)
        std::abort();
    std::fclose(f);
    return path;
}

} // namespace parity::fuzz
