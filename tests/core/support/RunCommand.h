#pragma once
// Runs a shell command as a user would and collects what it printed.
#include <array>
#include <cstdio>
#include <string>
#include <sys/wait.h>

namespace parity::test {

struct CommandResult {
    int exitCode = -1;
    std::string output; ///< stdout and stderr
};

inline CommandResult runCommand(const std::string& command)
{
    CommandResult r;
    std::FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
    if (!pipe)
        return r;
    std::array<char, 4096> buf{};
    while (size_t n = std::fread(buf.data(), 1, buf.size(), pipe))
        r.output.append(buf.data(), n);
    const int status = ::pclose(pipe);
    r.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return r;
}

} // namespace parity::test
