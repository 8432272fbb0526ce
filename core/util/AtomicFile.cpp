#include "util/AtomicFile.h"

#include "util/Error.h"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

namespace parity {

namespace {

std::string errnoText() { return std::strerror(errno); }

/// The fault-injection point of PARITY_FAULT_KILL="<call>:<where>" (see the
/// header): where this process kills itself, if anywhere.
struct KillPoint {
    long call = 0;    ///< 1-based writeFileAtomically call; 0: none
    long offset = -1; ///< bytes of the temporary file written first; -1: all
    enum { Bytes, Synced, Renamed } stage = Bytes;
};

KillPoint killPointFromEnvironment()
{
    KillPoint k;
    const char* spec = std::getenv("PARITY_FAULT_KILL");
    if (!spec || !*spec)
        return k;
    char* end = nullptr;
    k.call = std::strtol(spec, &end, 10);
    if (!end || *end != ':' || k.call < 1) {
        k.call = 0;
        return k;
    }
    const std::string where = end + 1;
    if (where == "synced")
        k.stage = KillPoint::Synced;
    else if (where == "renamed")
        k.stage = KillPoint::Renamed;
    else
        k.offset = std::strtol(where.c_str(), nullptr, 10);
    return k;
}

/// Which stage of this call, if any, must end the process.
KillPoint killPointFor()
{
    static const KillPoint point = killPointFromEnvironment();
    static std::atomic<long> calls{0};
    if (point.call == 0 || ++calls != point.call)
        return {};
    return point;
}

[[noreturn]] void killSelf()
{
    ::raise(SIGKILL);
    std::abort();
}

/// Makes a rename durable: without it a power cut may undo the rename.
void syncDirectoryOf(const std::string& path)
{
    std::string dir = std::filesystem::path(path).parent_path().string();
    if (dir.empty())
        dir = ".";
    const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        ::fsync(fd); // best effort: the file itself is complete either way
        ::close(fd);
    }
}

} // namespace

void writeFileAtomically(const std::string& path, std::string_view bytes)
{
    const KillPoint kill = killPointFor();
    const std::string tmp = path + ".tmp-" + std::to_string(::getpid());
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        throw Error("cannot write " + path + ": " + errnoText());
    size_t written = 0;
    size_t limit = bytes.size();
    if (kill.call && kill.stage == KillPoint::Bytes && kill.offset >= 0)
        limit = std::min(limit, size_t(kill.offset));
    while (true) {
        if (written >= limit) {
            if (limit < bytes.size() || (kill.call && kill.stage == KillPoint::Bytes))
                killSelf();
            break;
        }
        const ssize_t n = ::write(fd, bytes.data() + written, limit - written);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            const std::string why = errnoText();
            ::close(fd);
            ::unlink(tmp.c_str());
            throw Error("cannot write " + path + ": " + why + " (the previous file is kept)");
        }
        written += static_cast<size_t>(n);
    }
    if (::fsync(fd) != 0 || ::close(fd) != 0) {
        const std::string why = errnoText();
        ::unlink(tmp.c_str());
        throw Error("cannot write " + path + ": " + why + " (the previous file is kept)");
    }
    if (kill.call && kill.stage == KillPoint::Synced)
        killSelf();
    if (::rename(tmp.c_str(), path.c_str()) != 0) {
        const std::string why = errnoText();
        ::unlink(tmp.c_str());
        throw Error("cannot write " + path + ": " + why + " (the previous file is kept)");
    }
    syncDirectoryOf(path);
    if (kill.call && kill.stage == KillPoint::Renamed)
        killSelf();
}

int removeStaleTemporaryFiles(const std::string& dir)
{
    namespace fs = std::filesystem;
    int removed = 0;
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        const std::string name = it->path().filename().string();
        const size_t mark = name.rfind(".tmp-");
        if (mark == std::string::npos || mark + 5 == name.size()
            || name.find_first_not_of("0123456789", mark + 5) != std::string::npos)
            continue;
        const long pid = std::strtol(name.c_str() + mark + 5, nullptr, 10);
        // Another live process may be writing it; only orphans go.
        if (pid > 0 && pid != long(::getpid()) && ::kill(pid_t(pid), 0) != 0 && errno == ESRCH) {
            std::error_code removeError;
            if (fs::remove(it->path(), removeError))
                ++removed;
        }
    }
    return removed;
}

std::string readWholeFile(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw Error("cannot open " + path + ": " + errnoText());
    std::ostringstream ss;
    ss << in.rdbuf();
    if (in.bad())
        throw Error("cannot read " + path + ": read error");
    return ss.str();
}

} // namespace parity
