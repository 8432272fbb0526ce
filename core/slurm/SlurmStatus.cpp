// The status side of a Slurm sweep (SlurmSweep.h): the scheduler's output
// parsed, each run's record read, the two combined, and the sweeps of a
// save directory listed. Writing and submitting are in SlurmSweep.cpp.
#include "slurm/SlurmSweep.h"

#include "io/RunDirectory.h"
#include "slurm/Squeue.h"
#include "util/AtomicFile.h"
#include "util/Error.h"
#include "util/Process.h"
#include "util/Text.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

namespace parity::slurm {

namespace fs = std::filesystem;

namespace {

/// Lines of a failed task's log shown with its status.
constexpr size_t kLogTailLines = 12;

std::vector<std::string> lastLines(const std::string& path, size_t count)
{
    std::ifstream in(path);
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);) {
        // Progress lines rewrite themselves with carriage returns: keep what
        // a terminal would show.
        while (!line.empty() && line.back() == '\r')
            line.pop_back();
        if (const auto cr = line.rfind('\r'); cr != std::string::npos)
            line = line.substr(cr + 1);
        lines.push_back(line);
        if (lines.size() > count)
            lines.erase(lines.begin());
    }
    return lines;
}

/// "3" or "2-5" or "0-7%2" or "1,3,5-6%2": the task indices it names.
std::vector<int> expandTaskIds(std::string text)
{
    std::vector<int> ids;
    if (const auto pct = text.find('%'); pct != std::string::npos)
        text = text.substr(0, pct);
    std::stringstream ss(text);
    for (std::string part; std::getline(ss, part, ',');) {
        try {
            const auto dash = part.find('-');
            if (dash == std::string::npos) {
                ids.push_back(std::stoi(part));
            } else {
                const int from = std::stoi(part.substr(0, dash));
                const int to = std::stoi(part.substr(dash + 1));
                for (int i = from; i <= to && i - from < 100000; ++i)
                    ids.push_back(i);
            }
        } catch (const std::exception&) {
            // not a task index (e.g. "N/A"): skip
        }
    }
    return ids;
}

/// `<job>_<task>`, `<job>_[<range>]`: the task indices of job `jobId`.
std::vector<int> tasksOfJobField(const std::string& field, const std::string& jobId)
{
    const std::string prefix = jobId + "_";
    if (field.rfind(prefix, 0) != 0)
        return {};
    std::string rest = field.substr(prefix.size());
    if (!rest.empty() && rest.front() == '[' && rest.back() == ']')
        rest = rest.substr(1, rest.size() - 2);
    if (rest.find('.') != std::string::npos) // a job step (17_0.batch)
        return {};
    return expandTaskIds(rest);
}

void mergeInto(std::map<int, TaskInfo>& into, const TaskTable& from, bool overrideState)
{
    for (const auto& [index, info] : from) {
        auto it = into.find(index);
        if (it == into.end()) {
            into.emplace(index, info);
            continue;
        }
        if (overrideState && !info.state.empty()) {
            it->second.state = info.state;
            it->second.reason = info.reason;
        }
        if (it->second.exitCode.empty())
            it->second.exitCode = info.exitCode;
        it->second.restarts = std::max(it->second.restarts, info.restarts);
    }
}

} // namespace

// --- status ----------------------------------------------------------------

const char* stateName(RunStatus::State state)
{
    switch (state) {
    case RunStatus::State::Pending:
        return "pending";
    case RunStatus::State::Running:
        return "running";
    case RunStatus::State::Done:
        return "done";
    case RunStatus::State::Failed:
        return "failed";
    case RunStatus::State::Stopped:
        return "stopped";
    case RunStatus::State::Cancelled:
        return "cancelled";
    case RunStatus::State::Unknown:
        break;
    }
    return "unknown";
}

TaskTable parseSqueue(const std::string& text)
{
    TaskTable out;
    std::stringstream ss(text);
    for (std::string line; std::getline(ss, line);) {
        line = trimmed(line);
        const auto a = line.find('|');
        const auto b = a == std::string::npos ? a : line.find('|', a + 1);
        if (b == std::string::npos)
            continue;
        TaskInfo info;
        info.state = line.substr(a + 1, b - a - 1);
        info.reason = line.substr(b + 1);
        if (info.reason == "None")
            info.reason.clear();
        for (int index : expandTaskIds(line.substr(0, a)))
            out.emplace_back(index, info);
    }
    return out;
}

TaskTable parseScontrol(const std::string& text, const std::string& jobId)
{
    TaskTable out;
    // Key=Value words; a value holds no space (those this reads never do).
    auto field = [](const std::string& line, const std::string& key) {
        const std::string word = key + "=";
        for (size_t at = line.find(word); at != std::string::npos; at = line.find(word, at + 1)) {
            if (at != 0 && !std::isspace(static_cast<unsigned char>(line[at - 1])))
                continue;
            const size_t begin = at + word.size();
            return line.substr(begin, line.find_first_of(" \t", begin) - begin);
        }
        return std::string();
    };
    std::stringstream ss(text);
    for (std::string line; std::getline(ss, line);) {
        if (field(line, "ArrayJobId") != jobId)
            continue;
        TaskInfo info;
        info.state = field(line, "JobState");
        info.reason = field(line, "Reason");
        if (info.reason == "None")
            info.reason.clear();
        info.exitCode = field(line, "ExitCode");
        try {
            info.restarts = std::stoi(field(line, "Restarts"));
        } catch (const std::exception&) {
        }
        for (int index : expandTaskIds(field(line, "ArrayTaskId")))
            out.emplace_back(index, info);
    }
    return out;
}

TaskTable parseSacct(const std::string& text, const std::string& jobId)
{
    TaskTable out;
    std::stringstream ss(text);
    for (std::string line; std::getline(ss, line);) {
        std::vector<std::string> cols;
        std::stringstream ls(trimmed(line));
        for (std::string c; std::getline(ls, c, '|');)
            cols.push_back(c);
        if (cols.size() < 3)
            continue;
        TaskInfo info;
        // "CANCELLED by 0"
        info.state = cols[1].substr(0, cols[1].find(' '));
        info.exitCode = cols[2];
        for (int index : tasksOfJobField(cols[0], jobId))
            out.emplace_back(index, info);
    }
    return out;
}

std::string Sweep::taskOf(int index) const
{
    return jobId.empty() || version < 2 ? std::string() : jobId + "_" + std::to_string(index);
}

RunRecord readRunRecord(const SweepRun& run, const std::string& ownTask)
{
    RunRecord record;
    const RunDirectory dir(run.runDir);
    if (!fs::exists(dir.runJson()))
        return record;
    try {
        const nlohmann::json j = dir.readRunJson();
        const std::string task = j.contains("slurm_task") && j["slurm_task"].is_string()
                                     ? j["slurm_task"].get<std::string>()
                                     : std::string();
        if (!ownTask.empty() && task != ownTask) {
            record.foreign = dir.runJson() + " was written by "
                             + (task.empty() ? std::string("a run that names no Slurm task") : "Slurm task " + task)
                             + ", not by task " + ownTask;
            return record;
        }
        record.status = j.value("status", "");
        if (j.contains("epochs_completed") && j["epochs_completed"].is_number_integer())
            record.epochsCompleted = j["epochs_completed"].get<int>();
        if (j.contains("error") && j["error"].is_string())
            record.error = j["error"].get<std::string>();
    } catch (const std::exception& e) {
        record.error = e.what();
    }
    return record;
}

RunStatus statusOf(const SweepRun& run, const std::optional<TaskInfo>& task, const std::string& logPath,
                   const std::string& ownTask)
{
    RunStatus st;
    st.index = run.index;
    st.header = run.header;
    st.runDir = run.runDir;
    st.epochs = run.epochs;
    st.logPath = logPath;
    const RunRecord record = readRunRecord(run, ownTask);
    const std::string& recorded = record.status;
    st.epochsCompleted = record.epochsCompleted;
    st.error = record.error;
    const RunDirectory dir(run.runDir);
    const std::string noRecord = record.foreign.empty() ? dir.runJson() + " does not exist" : record.foreign;
    using State = RunStatus::State;
    if (task) {
        st.slurmState = task->state;
        st.restarts = task->restarts;
        const std::string& s = task->state;
        if (s == "PENDING" || s == "REQUEUED" || s == "REQUEUE_HOLD" || s == "REQUEUE_FED" || s == "RESV_DEL_HOLD") {
            st.state = State::Pending;
            st.reason = task->reason;
        } else if (s == "RUNNING" || s == "CONFIGURING" || s == "COMPLETING" || s == "STAGE_OUT" || s == "SIGNALING"
                   || s == "SUSPENDED" || s == "STOPPED" || s == "RESIZING") {
            st.state = State::Running;
            if (s != "RUNNING")
                st.reason = s;
        } else if (s == "COMPLETED") {
            if (recorded == "finished") {
                st.state = State::Done;
            } else {
                st.state = State::Failed;
                st.reason = "the task ended, but "
                            + (recorded.empty() ? noRecord : dir.runJson() + " says \"" + recorded + "\"");
            }
        } else if (s == "CANCELLED") {
            st.state = recorded == "finished" ? State::Done : State::Cancelled;
        } else {
            // FAILED, TIMEOUT, NODE_FAIL, OUT_OF_MEMORY, PREEMPTED, BOOT_FAIL, DEADLINE
            st.state = recorded == "finished" ? State::Done : State::Failed;
            st.reason = s + (task->exitCode.empty() ? std::string() : ", exit " + task->exitCode);
        }
    } else if (recorded == "finished") {
        st.state = State::Done;
    } else if (recorded == "failed") {
        st.state = State::Failed;
    } else if (!run.cancelled.empty()) {
        st.state = State::Cancelled;
        st.reason = "cancelled " + run.cancelled + "; Slurm no longer lists the task";
    } else if (recorded == "stopped") {
        st.state = State::Stopped;
    } else {
        st.state = State::Unknown;
        st.reason = recorded.empty() ? "Slurm does not know the task and " + noRecord
                                     : "run.json says \"" + recorded
                                           + "\" but Slurm no longer knows the task (killed without a record?)";
    }
    if (st.state == State::Failed || st.state == State::Unknown || st.state == State::Stopped)
        if (!logPath.empty() && fs::exists(logPath))
            st.logTail = lastLines(logPath, kLogTailLines);
    return st;
}

SweepStatus readStatus(const std::string& dir)
{
    SweepStatus status;
    status.sweep = Sweep::read(dir);
    const Sweep& s = status.sweep;
    std::map<int, TaskInfo> tasks;
    bool schedulerAnswered = false;
    bool askFailed = false; // a command ran and failed, other than for a job it no longer knows
    if (!s.jobId.empty()) {
        // sacct first (finished tasks, with accounting), then scontrol (every
        // task it still holds, with restarts), then squeue (the live state).
        if (!findOnPath("sacct").empty()) {
            const ProcessResult r = runProcess(
                {"sacct", "-n", "-P", "-X", "-j", s.jobId, "-o", "JobID,State,ExitCode"});
            if (r.ok()) {
                mergeInto(tasks, parseSacct(r.out, s.jobId), true);
                schedulerAnswered = true;
            }
        }
        if (!findOnPath("scontrol").empty()) {
            const ProcessResult r = runProcess({"scontrol", "-o", "show", "job", s.jobId});
            if (r.ok()) {
                mergeInto(tasks, parseScontrol(r.out, s.jobId), true);
                schedulerAnswered = true;
            } else if (r.message().find("Invalid job id") == std::string::npos) {
                status.notes.push_back("scontrol show job " + s.jobId + ": " + r.message());
                askFailed = true;
            }
        }
        if (!findOnPath("squeue").empty()) {
            const ProcessResult r = askSqueue(s.jobId);
            if (r.ok()) {
                mergeInto(tasks, parseSqueue(r.out), true);
                schedulerAnswered = true;
            } else if (r.message().find("Invalid job id") == std::string::npos) {
                status.notes.push_back("squeue -j " + s.jobId + ": " + r.message());
                askFailed = true;
            }
        } else {
            status.notes.push_back("squeue was not found on PATH: states come from the run directories only");
        }
        status.schedulerUnreachable = !schedulerAnswered && askFailed;
        if (!schedulerAnswered && status.notes.empty())
            status.notes.push_back("Slurm no longer knows job " + s.jobId
                                   + ": states come from the run directories only");
    } else {
        status.notes.push_back("not submitted (written with --slurm-dry-run): submit with sbatch " + s.scriptPath());
    }
    for (const auto& run : s.runs) {
        const auto it = tasks.find(run.index);
        RunStatus st = statusOf(run, it == tasks.end() ? std::nullopt : std::optional<TaskInfo>(it->second),
                                s.logPath(run.index), s.taskOf(run.index));
        // Stopped may be requeued and waiting: with no word from the
        // scheduler, neither is known for now.
        if (status.schedulerUnreachable
            && (st.state == RunStatus::State::Unknown || st.state == RunStatus::State::Stopped)) {
            st.state = RunStatus::State::Unknown;
            st.reason = "the scheduler could not be asked: not known for now";
            st.logTail.clear();
        }
        status.runs.push_back(std::move(st));
    }
    return status;
}

bool SweepStatus::followed() const
{
    return std::any_of(runs.begin(), runs.end(), [&](const RunStatus& r) {
        return r.state == RunStatus::State::Pending || r.state == RunStatus::State::Running
               || (schedulerUnreachable && r.state == RunStatus::State::Unknown);
    });
}

std::string statusText(const SweepStatus& status)
{
    const Sweep& s = status.sweep;
    std::ostringstream out;
    out << "Sweep " << s.id << ": " << s.runs.size() << " run" << (s.runs.size() == 1 ? "" : "s");
    if (!s.jobId.empty())
        out << ", Slurm job " << s.jobId << " (submitted " << s.submitted << ")";
    out << "\n  configuration " << (s.configPath.empty() ? "(none: written by " + s.writtenBy + ")" : s.configPath)
        << "\n  directory     " << s.dir << "\n";
    for (const auto& note : status.notes)
        out << "  note: " << note << "\n";
    std::map<std::string, int> counts;
    std::vector<std::string> states;
    size_t width = 5;
    for (const auto& r : status.runs) {
        std::string state = stateName(r.state);
        if (r.state == RunStatus::State::Running)
            state += " (epoch " + std::to_string(std::min(r.epochsCompleted + 1, std::max(r.epochs, 1))) + " of "
                     + std::to_string(r.epochs) + ")";
        else if (!r.reason.empty())
            state += " (" + r.reason + ")";
        if (r.restarts > 0)
            state += ", requeued " + std::to_string(r.restarts) + "x";
        ++counts[stateName(r.state)];
        width = std::max(width, std::min<size_t>(state.size(), 40));
        states.push_back(state);
    }
    out << "  run  " << std::string("state") << std::string(width - 5, ' ') << "  epochs  run\n";
    for (size_t i = 0; i < status.runs.size(); ++i) {
        const RunStatus& r = status.runs[i];
        char index[16];
        std::snprintf(index, sizeof index, "%5d  ", r.index);
        const std::string epochs = std::to_string(r.epochsCompleted) + "/" + std::to_string(r.epochs);
        out << index << states[i] << std::string(states[i].size() < width ? width - states[i].size() : 1, ' ') << "  "
            << epochs << std::string(epochs.size() < 6 ? 6 - epochs.size() : 1, ' ') << "  " << r.header << "\n";
        if (r.state != RunStatus::State::Done && r.state != RunStatus::State::Running
            && r.state != RunStatus::State::Pending)
            out << "       run directory " << r.runDir << "\n";
        if (!r.error.empty())
            out << "       error: " << r.error << "\n";
        if (!r.logTail.empty()) {
            out << "       last lines of " << r.logPath << ":\n";
            for (const auto& line : r.logTail)
                out << "       | " << line << "\n";
        }
    }
    out << "Summary:";
    bool first = true;
    for (const auto& [name, count] : counts) {
        out << (first ? " " : ", ") << count << " " << name;
        first = false;
    }
    out << "\n";
    return out.str();
}

std::vector<std::string> sweepDirs(const std::string& saveDir)
{
    std::vector<std::pair<std::string, std::string>> found; // created, dir
    std::error_code ec;
    const fs::path root = fs::path(saveDir) / "slurm";
    if (!fs::is_directory(root, ec))
        return {};
    for (const auto& entry : fs::directory_iterator(root, ec)) {
        if (!fs::exists(entry.path() / kSweepJson, ec))
            continue;
        std::string created;
        try {
            const nlohmann::json j = nlohmann::json::parse(readWholeFile((entry.path() / kSweepJson).string()));
            created = j.value("created", "");
        } catch (const std::exception&) {
        }
        found.emplace_back(created, entry.path().string());
    }
    std::sort(found.begin(), found.end());
    std::vector<std::string> dirs;
    for (auto& f : found)
        dirs.push_back(std::move(f.second));
    return dirs;
}

} // namespace parity::slurm
