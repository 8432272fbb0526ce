// Cancelling a sweep's tasks (issue 16): scancel, and a record of what it
// cancelled in sweep.json, since Slurm forgets a waiting task of an array
// the moment it is cancelled.
#include "slurm/SlurmSweep.h"

#include "slurm/Squeue.h"

#include "util/Error.h"
#include "util/Process.h"
#include "util/Text.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <optional>
#include <set>
#include <sys/file.h>
#include <unistd.h>

namespace parity::slurm {

namespace fs = std::filesystem;

namespace {

/// The tasks of the sweep's array that Slurm lists (waiting, running,
/// ending); empty when it no longer knows the job; nullopt when squeue
/// cannot say.
std::optional<std::set<int>> listedTasks(const Sweep& s)
{
    const ProcessResult r = askSqueue(s.jobId);
    if (!r.ok())
        return r.message().find("Invalid job id") != std::string::npos ? std::optional<std::set<int>>(std::set<int>{})
                                                                       : std::nullopt;
    std::set<int> listed;
    for (const auto& [index, task] : parseSqueue(r.out))
        listed.insert(index);
    return listed;
}

/// An exclusive lock on the sweep's lock file while it lives: two
/// cancellations at once (parity-train and a workbench) each keep the
/// other's record. A file opened for writing, not the directory: on NFS,
/// where a cluster's save directories often are, Linux emulates flock with
/// POSIX locks, which need a descriptor open for writing.
class SweepLock {
public:
    explicit SweepLock(const std::string& dir)
        : m_path((fs::path(dir) / ".sweep.lock").string())
        , m_fd(::open(m_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644))
    {
        if (m_fd < 0 || ::flock(m_fd, LOCK_EX) != 0) {
            const std::string why = std::strerror(errno);
            if (m_fd >= 0)
                ::close(m_fd);
            throw Error(m_path + ": cannot be locked: " + why);
        }
    }
    ~SweepLock() { ::close(m_fd); } // releases the lock
    SweepLock(const SweepLock&) = delete;
    SweepLock& operator=(const SweepLock&) = delete;

private:
    std::string m_path;
    int m_fd;
};

/// Writes the time into sweep.json for these runs; the first cancellation
/// stands, and a run whose record says it had ended is left alone. Returns
/// "" or why it could not be recorded.
std::string recordCancelled(const Sweep& s, const std::set<int>& indices)
{
    try {
        const SweepLock lock(s.dir);
        Sweep now = Sweep::read(s.dir); // as it is now: the caller's copy may be old
        const std::string at = localTimeText();
        bool changed = false;
        for (SweepRun& run : now.runs) {
            if (!indices.count(run.index) || !run.cancelled.empty())
                continue;
            const std::string recorded = readRunRecord(run, now.taskOf(run.index)).status;
            if (recorded == "finished" || recorded == "failed")
                continue;
            run.cancelled = at;
            changed = true;
        }
        if (changed)
            now.write();
        return "";
    } catch (const std::exception& e) {
        return "Slurm cancelled them, but " + s.dir + "/sweep.json could not record it (" + e.what()
               + "): tasks that were waiting will read as unknown";
    }
}

std::string scancel(const Sweep& s, const std::vector<int>& indices)
{
    if (s.jobId.empty())
        throw Error(s.dir + ": the sweep was not submitted (dry run): nothing to cancel");
    std::vector<std::string> command{"scancel"};
    for (const int index : indices) {
        if (index < 0 || index >= int(s.runs.size()))
            throw Error("the sweep " + s.id + " has runs 0 to " + std::to_string(int(s.runs.size()) - 1) + ", not "
                        + std::to_string(index));
        command.push_back(s.jobId + "_" + std::to_string(index));
    }
    if (indices.empty())
        command.push_back(s.jobId);
    const auto asked = [&](int index) {
        return indices.empty() || std::find(indices.begin(), indices.end(), index) != indices.end();
    };
    // Only tasks Slurm listed count as cancelled: one that had ended (or
    // failed to start) before was not.
    const auto before = listedTasks(s);
    const ProcessResult r = runProcess(command);
    // scancel fails as a whole when one task of several is refused: then the
    // tasks it took off the list are those that were cancelled.
    const auto after = r.ok() ? std::optional<std::set<int>>(std::set<int>{}) : listedTasks(s);
    std::set<int> cancelled;
    if (before && after)
        for (const int index : *before)
            if (asked(index) && (r.ok() || !after->count(index)))
                cancelled.insert(index);
    const std::string note = cancelled.empty() ? "" : recordCancelled(s, cancelled);
    if (!r.ok()) {
        std::string targets;
        for (size_t i = 1; i < command.size(); ++i)
            targets += (i > 1 ? " " : "") + command[i];
        throw Error("scancel " + targets + " failed: " + r.message() + (note.empty() ? "" : "; " + note));
    }
    return note;
}

} // namespace

std::string cancel(const Sweep& s, std::optional<int> index)
{
    return scancel(s, index ? std::vector<int>{*index} : std::vector<int>{});
}

std::string cancelTasks(const Sweep& s, const std::vector<int>& indices)
{
    if (indices.empty())
        throw Error("the sweep " + s.id + ": no task to cancel");
    return scancel(s, indices);
}

} // namespace parity::slurm
