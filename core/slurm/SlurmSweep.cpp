#include "slurm/SlurmSweep.h"

#include "io/RunDirectory.h"
#include "slurm/Squeue.h"
#include "util/AtomicFile.h"
#include "util/BlasRuntime.h"
#include "util/Error.h"
#include "util/Process.h"
#include "util/Text.h"

#include <algorithm>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <cctype>
#include <cstring>
#include <sstream>

namespace parity::slurm {

namespace fs = std::filesystem;

namespace {

constexpr const char* kSweepConfig = "sweep-config.json";
constexpr const char* kScript = "submit.sbatch";
constexpr const char* kFormat = "parity-workbench-slurm-sweep";

/// Single-quoted for bash.
std::string shellQuoted(const std::string& s)
{
    std::string out = "'";
    for (char c : s)
        out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

/// A #SBATCH value as sbatch reads its script's lines (src/sbatch/opt.c):
/// whitespace and an unquoted '#' end a word, quotes group and vanish, a
/// backslash escapes the next character. Plain values stay as they are;
/// others go in double quotes, a backslash before each backslash and quote.
std::string directiveValue(const std::string& v)
{
    const bool plain = !v.empty() && std::all_of(v.begin(), v.end(), [](unsigned char c) {
        return std::isalnum(c) || (c != 0 && std::strchr("/._:,=@+%-", c) != nullptr);
    });
    if (plain)
        return v;
    std::string out = "\"";
    for (const char c : v) {
        if (c == '\\' || c == '"')
            out += '\\';
        out += c;
    }
    return out + "\"";
}

/// An --sbatch-arg as its #SBATCH line holds it: "--name=value" with the
/// value as sbatch reads it back (directiveValue); any other form as given.
std::string extraDirective(const std::string& arg)
{
    const size_t eq = arg.find('=');
    if (arg.rfind("--", 0) != 0 || eq == std::string::npos)
        return arg;
    return arg.substr(0, eq + 1) + directiveValue(arg.substr(eq + 1));
}

/// A name made of letters, digits, '.', '_' and '-' only (the others become
/// '_'): a sweep's id names its directory and its Slurm job.
std::string plainName(std::string name)
{
    for (char& c : name)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '-')
            c = '_';
    return name;
}

bool hasSpaceOrControl(const std::string& s)
{
    return std::any_of(s.begin(), s.end(), [](unsigned char c) { return c <= ' ' || c == 0x7f; });
}

/// The path keys of a configuration file, made absolute: the tasks read the
/// file from the sweep's directory, where relative paths would mean another
/// place.
nlohmann::json withAbsolutePaths(nlohmann::json j)
{
    forEachConfigPath(j, [](std::string& path) { path = fs::absolute(path).lexically_normal().string(); });
    return j;
}

std::string absoluteRunDir(const RunConfig& run) { return fs::absolute(run.runDir()).lexically_normal().string(); }

} // namespace

// --- options ---------------------------------------------------------------

nlohmann::json SubmitOptions::toJson() const
{
    return {{"partition", partition},
            {"time", time},
            {"cpus_per_task", cpusPerTask},
            {"gpus", gpus},
            {"mem", mem},
            {"account", account},
            {"max_parallel", maxParallel},
            {"signal_seconds", signalSeconds},
            {"extra_args", extraArgs}};
}

SubmitOptions SubmitOptions::fromJson(const nlohmann::json& j)
{
    SubmitOptions o;
    auto text = [&](const char* key, std::string& to) {
        if (j.contains(key) && j[key].is_string())
            to = j[key].get<std::string>();
    };
    auto number = [&](const char* key, int& to) {
        if (j.contains(key) && j[key].is_number_integer())
            to = j[key].get<int>();
    };
    text("partition", o.partition);
    text("time", o.time);
    number("cpus_per_task", o.cpusPerTask);
    text("gpus", o.gpus);
    text("mem", o.mem);
    text("account", o.account);
    number("max_parallel", o.maxParallel);
    number("signal_seconds", o.signalSeconds);
    if (j.contains("extra_args") && j["extra_args"].is_array())
        for (const auto& a : j["extra_args"])
            if (a.is_string())
                o.extraArgs.push_back(a.get<std::string>());
    return o;
}

namespace {

/// Why the sweep cannot take the sbatch option `arg` ("" when it can).
/// sbatch reads long options by any unambiguous start ("--out" is
/// --output), so a start of a refused name is refused too.
std::string refusedSbatchOption(const std::string& arg)
{
    struct Refused {
        const char* longName;
        char shortName;
        const char* why;
    };
    static const char* const setHere = "is set by the sweep itself";
    static const Refused refused[] = {
        {"--array", 'a', setHere},
        {"--output", 'o', setHere},
        {"--error", 'e', "would part the task's errors from its log, which the sweep's status shows"},
        {"--chdir", 'D', setHere},
        {"--open-mode", 0, setHere},
        {"--requeue", 0, setHere},
        {"--no-requeue", 0, "would keep a task that hit its time limit from coming back where it stopped"},
        {"--signal", 0, setHere},
        {"--parsable", 0, setHere},
        {"--wait", 'W', "would hold the submission until every task has ended: the sweep follows its tasks itself"},
        {"--clusters", 'M',
         "would submit to another cluster than the one squeue, sacct and scancel ask: submit from that cluster"},
    };
    if (arg.rfind("--", 0) == 0) {
        const std::string name = arg.substr(0, arg.find_first_of("= \t"));
        if (name.size() > 2)
            for (const Refused& r : refused)
                if (std::string(r.longName).rfind(name, 0) == 0)
                    return r.why;
        return "";
    }
    if (arg.size() >= 2)
        for (const Refused& r : refused)
            if (r.shortName && arg[1] == r.shortName)
                return r.why;
    return "";
}

void checkOptions(const SubmitOptions& o)
{
    std::vector<std::string> problems;
    const std::pair<const char*, const std::string*> words[] = {
        {"partition", &o.partition}, {"time", &o.time}, {"gpus", &o.gpus}, {"mem", &o.mem}, {"account", &o.account}};
    for (const auto& [name, value] : words)
        if (hasSpaceOrControl(*value))
            problems.push_back(std::string(name) + " '" + *value + "' holds spaces or control characters");
    // sbatch refuses these only once the job is submitted (or, for a time
    // limit, reads "abc" as no limit at some sites): said here, by name.
    static const std::regex time(R"((\d+-\d+(:\d+){0,2}|\d+(:\d+){0,2}|unlimited|infinite))", std::regex::icase);
    if (!o.time.empty() && !std::regex_match(o.time, time))
        problems.push_back("time '" + o.time
                           + "' is not a Slurm time limit (minutes, minutes:seconds, hours:minutes:seconds, "
                             "days-hours, days-hours:minutes or days-hours:minutes:seconds)");
    static const std::regex mem(R"(\d+[KMGT]?)", std::regex::icase);
    if (!o.mem.empty() && !std::regex_match(o.mem, mem))
        problems.push_back("mem '" + o.mem + "' is not a memory size (megabytes, or a number with K, M, G or T)");
    if (o.cpusPerTask < 0)
        problems.push_back("cpus per task must be 0 (Slurm's default) or more");
    if (o.maxParallel < 0)
        problems.push_back("max parallel tasks must be 0 (no limit) or more");
    if (o.signalSeconds < 1 || o.signalSeconds > 65535)
        problems.push_back("the warning before the time limit must be 1 to 65535 seconds");
    for (const auto& a : o.extraArgs) {
        if (a.empty() || a.front() != '-')
            problems.push_back("sbatch argument '" + a + "' is not an option (it must start with '-')");
        else if (a.find_first_of("\r\n") != std::string::npos)
            problems.push_back("sbatch argument '" + a + "' holds a line break");
        else
            // Every option sbatch will read in the line, not only the first.
            for (const std::string& word : sbatchWords(extraDirective(a)))
                if (const std::string why = word.size() > 1 && word.front() == '-' ? refusedSbatchOption(word) : "";
                    !why.empty()) {
                    problems.push_back("sbatch argument '" + a + "' " + why);
                    break;
                }
    }
    if (!problems.empty()) {
        std::string text = "invalid Slurm options:";
        for (const auto& p : problems)
            text += "\n  - " + p;
        throw Error(text);
    }
}

} // namespace

// --- the sweep's files -----------------------------------------------------

std::string Sweep::scriptPath() const { return (fs::path(dir) / kScript).string(); }

std::string Sweep::logPath(int index) const
{
    if (jobId.empty())
        return {};
    return (fs::path(dir) / "logs" / (jobId + "_" + std::to_string(index) + ".out")).string();
}

namespace {

nlohmann::json sweepJson(const Sweep& s)
{
    nlohmann::json runs = nlohmann::json::array();
    for (const auto& r : s.runs)
        runs.push_back({{"index", r.index},
                        {"header", r.header},
                        {"run_dir", r.runDir},
                        {"epochs", r.epochs},
                        {"config", "runs/" + std::to_string(r.index) + ".json"}});
    for (size_t i = 0; i < s.runs.size(); ++i)
        if (!s.runs[i].cancelled.empty())
            runs[i]["cancelled"] = s.runs[i].cancelled;
    return {{"format", kFormat},
            {"version", s.version},
            {"id", s.id},
            {"written_by", s.writtenBy},
            {"config", s.configPath},
            {"created", s.created},
            {"options", s.options.toJson()},
            {"runs", runs},
            {"job_id", s.jobId},
            {"submitted", s.submitted}};
}

} // namespace

void Sweep::write() const
{
    writeFileAtomically((fs::path(dir) / kSweepJson).string(), sweepJson(*this).dump(2) + "\n");
}

Sweep Sweep::read(const std::string& dirPath)
{
    const std::string path = (fs::path(dirPath) / kSweepJson).string();
    if (!fs::exists(path))
        throw Error(dirPath + ": not a Slurm sweep directory (no " + kSweepJson
                    + "; parity-train --slurm writes them under SAVE_DIR/slurm/)");
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(readWholeFile(path));
    } catch (const nlohmann::json::parse_error& e) {
        throw Error(path + ": not valid JSON: " + e.what());
    }
    if (!j.is_object() || j.value("format", "") != kFormat)
        throw Error(path + ": not a sweep record (\"format\" is not \"" + kFormat + "\")");
    Sweep s;
    s.dir = fs::absolute(dirPath).lexically_normal().string();
    if (!s.dir.empty() && s.dir.back() == '/')
        s.dir.pop_back();
    auto text = [&](const char* key) { return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : ""; };
    s.id = text("id");
    s.configPath = text("config");
    s.created = text("created");
    s.writtenBy = text("written_by");
    s.jobId = text("job_id");
    s.submitted = text("submitted");
    s.version = j.contains("version") && j["version"].is_number_integer() ? j["version"].get<int>() : 1;
    if (j.contains("options") && j["options"].is_object())
        s.options = SubmitOptions::fromJson(j["options"]);
    if (!j.contains("runs") || !j["runs"].is_array())
        throw Error(path + ": \"runs\" is missing or not a list");
    for (const auto& r : j["runs"]) {
        if (!r.is_object() || !r.contains("index") || !r["index"].is_number_integer() || !r.contains("run_dir")
            || !r["run_dir"].is_string())
            throw Error(path + ": a run without \"index\" and \"run_dir\"");
        SweepRun run;
        run.index = r["index"].get<int>();
        run.runDir = r["run_dir"].get<std::string>();
        run.header = r.value("header", "");
        run.epochs = r.contains("epochs") && r["epochs"].is_number_integer() ? r["epochs"].get<int>() : 0;
        run.cancelled = r.contains("cancelled") && r["cancelled"].is_string() ? r["cancelled"].get<std::string>() : "";
        s.runs.push_back(run);
    }
    return s;
}

std::vector<std::string> sbatchWords(const std::string& text)
{
    std::vector<std::string> words;
    std::string word;
    bool inWord = false, escaped = false;
    char quote = 0;
    for (const char c : text) {
        if (escaped) {
            word += c;
            escaped = false;
        } else if (c == '\\') {
            escaped = inWord = true;
        } else if (quote) {
            if (c == quote)
                quote = 0;
            else
                word += c;
        } else if (c == '"' || c == '\'') {
            quote = c;
            inWord = true;
        } else if (c == '#' || std::isspace(static_cast<unsigned char>(c))) {
            if (inWord)
                words.push_back(word);
            word.clear();
            inWord = false;
            if (c == '#')
                return words;
        } else {
            word += c;
            inWord = true;
        }
    }
    if (inWord)
        words.push_back(word);
    return words;
}

std::string batchScript(const Sweep& s, const std::string& parityTrain)
{
    const SubmitOptions& o = s.options;
    std::ostringstream out;
    const int n = int(s.runs.size());
    out << "#!/bin/bash\n"
        << "# Parity Workbench sweep " << s.id << ": " << n << " run" << (n == 1 ? "" : "s")
        << (s.configPath.empty() ? std::string() : " of " + s.configPath) << ",\n"
        << "# one array task per run (runs/<task>.json). Written by "
        << (s.writtenBy.empty() ? std::string("parity-train --slurm") : s.writtenBy) << " on " << s.created << ".\n"
        << "# Submit by hand with: sbatch " << s.scriptPath() << "\n"
        << "#SBATCH --job-name=" << directiveValue("parity-" + s.id) << "\n"
        << "#SBATCH --array=0-" << (n - 1);
    if (o.maxParallel > 0)
        out << "%" << o.maxParallel;
    // In the log's name '%' starts a pattern (%A: the job, %a: the task);
    // the directory's own are written %%.
    std::string logDir = (fs::path(s.dir) / "logs").string();
    for (size_t at = logDir.find('%'); at != std::string::npos; at = logDir.find('%', at + 2))
        logDir.insert(at, 1, '%');
    out << "\n"
        << "#SBATCH --output=" << directiveValue(logDir + "/%A_%a.out") << "\n"
        << "#SBATCH --open-mode=append\n"
        // Preemption or a warning before the time limit: the task stops at a
        // batch boundary and comes back where its current.pth left off.
        << "#SBATCH --requeue\n"
        << "#SBATCH --signal=B:USR1@" << o.signalSeconds << "\n"
        << "#SBATCH --chdir=" << directiveValue(s.dir) << "\n";
    if (!o.partition.empty())
        out << "#SBATCH --partition=" << directiveValue(o.partition) << "\n";
    if (!o.time.empty())
        out << "#SBATCH --time=" << directiveValue(o.time) << "\n";
    if (o.cpusPerTask > 0)
        out << "#SBATCH --cpus-per-task=" << o.cpusPerTask << "\n";
    if (!o.gpus.empty())
        out << "#SBATCH --gpus=" << directiveValue(o.gpus) << "\n";
    if (!o.mem.empty())
        out << "#SBATCH --mem=" << directiveValue(o.mem) << "\n";
    if (!o.account.empty())
        out << "#SBATCH --account=" << directiveValue(o.account) << "\n";
    for (const auto& a : o.extraArgs)
        out << "#SBATCH " << extraDirective(a) << "\n";
    out << "\n"
        // sbatch hands the submitting shell's environment over: a BLAS
        // kernel the launcher chose for the submitting machine is not the
        // node's to use (a user's own OPENBLAS_CORETYPE stays).
        << "if [ -n \"${" << blas::kAutoVar << ":-}\" ] && [ \"${" << blas::kAutoVar
        << "}\" = \"${OPENBLAS_CORETYPE:-}\" ]; then unset OPENBLAS_CORETYPE; fi\n"
        << "unset " << blas::kAutoVar << " " << blas::kDetectedVar << " " << blas::kViaVar << " " << blas::kNoteVar
        << "\n"
        << "echo \"== parity-train: task ${SLURM_ARRAY_TASK_ID} of job ${SLURM_ARRAY_JOB_ID} on $(hostname), "
           "$(date -Is), requeued ${SLURM_RESTART_COUNT:-0} times\"\n"
        << "exec " << shellQuoted(parityTrain) << " " << shellQuoted((fs::path(s.dir) / kSweepConfig).string())
        << " --only-run \"${SLURM_ARRAY_TASK_ID}\" --resume-if-exists";
    if (o.cpusPerTask > 0)
        out << " --threads \"${SLURM_CPUS_PER_TASK:-" << o.cpusPerTask << "}\"";
    out << "\n";
    return out.str();
}

Sweep writeSweep(const SweepConfig& config, const std::string& configPath, const std::string& saveDir,
                 const SubmitOptions& options, const std::string& parityTrain, const std::string& writtenBy)
{
    if (config.runs().empty())
        throw Error(configPath + ": the sweep has no runs (a sweep axis is an empty list): nothing to submit");
    checkOptions(options);
    const std::string where = configPath.empty() ? std::string("the sweep") : configPath;
    // The tasks run side by side: two writing to one directory would move
    // each other's files away and mix their result files.
    std::map<std::string, size_t> runDirs;
    for (size_t i = 0; i < config.runs().size(); ++i) {
        const auto [first, fresh] = runDirs.emplace(absoluteRunDir(config.runs()[i]), i);
        if (!fresh)
            throw Error(where + ": runs " + std::to_string(first->second) + " and " + std::to_string(i)
                        + " both write to " + first->first
                        + ": a sweep's tasks run side by side, so each run needs a directory of its own (is a "
                          "value listed twice?)");
    }
    const std::string absoluteSave = fs::absolute(saveDir).lexically_normal().string();
    if (absoluteSave.find_first_of("\r\n\\") != std::string::npos)
        throw Error("save_dir: " + saveDir
                    + ": a Slurm sweep cannot be written under a path holding a line break or a backslash (a "
                      "backslash in a log's name turns Slurm's %A_%a patterns off)");
    std::string lowered = absoluteSave;
    std::transform(lowered.begin(), lowered.end(), lowered.begin(), [](unsigned char c) { return std::tolower(c); });
    if (lowered.find("hetjob") != std::string::npos || lowered.find("packjob") != std::string::npos)
        throw Error("save_dir: " + saveDir
                    + ": a Slurm sweep cannot be written under a path holding 'hetjob' or 'packjob' (sbatch takes "
                      "either word in a #SBATCH line for the start of another job)");
    if (configPath.find_first_of("\r\n") != std::string::npos)
        throw Error(where + ": a configuration path holding a line break cannot be named in a batch script");
    if (parityTrain.empty() || !fs::exists(parityTrain))
        throw Error("the parity-train executable the tasks would run was not found ('" + parityTrain + "')");

    Sweep s;
    s.configPath = configPath.empty() ? std::string() : fs::absolute(configPath).lexically_normal().string();
    s.writtenBy = writtenBy;
    s.options = options;
    s.created = localTimeText();
    const fs::path slurmDir = fs::absolute(saveDir).lexically_normal() / "slurm";
    std::error_code ec;
    fs::create_directories(slurmDir, ec);
    if (ec || !fs::is_directory(slurmDir))
        throw Error("cannot create " + slurmDir.string() + " (in the save directory " + saveDir
                    + "): " + (ec ? ec.message() : std::string("not a directory")));
    const std::string stem = configPath.empty() ? config.runs().front().dataset : fs::path(configPath).stem().string();
    const std::string base = plainName(stem.empty() ? std::string("sweep") : stem) + "-"
                             + localTimeText("%Y%m%d-%H%M%S");
    fs::path dir;
    for (int attempt = 1;; ++attempt) {
        s.id = attempt == 1 ? base : base + "-" + std::to_string(attempt);
        dir = slurmDir / s.id;
        if (fs::create_directory(dir, ec))
            break;
        if (ec)
            throw Error("cannot create " + dir.string() + ": " + ec.message());
        if (attempt > 1000)
            throw Error("cannot find a free sweep directory under " + slurmDir.string());
    }
    s.dir = dir.string();
    try {
        fs::create_directories(dir / "runs");
        fs::create_directories(dir / "logs");
        // The configuration the tasks read: the sweep as loaded (overrides
        // applied), its paths absolute. It must describe the same runs.
        const nlohmann::json frozen = withAbsolutePaths(config.source());
        writeFileAtomically((dir / kSweepConfig).string(), frozen.dump(2) + "\n");
        const SweepConfig reread = SweepConfig::load((dir / kSweepConfig).string());
        if (reread.runs().size() != config.runs().size())
            throw Error("internal error: " + (dir / kSweepConfig).string() + " describes "
                        + std::to_string(reread.runs().size()) + " runs, not " + std::to_string(config.runs().size()));
        for (size_t i = 0; i < config.runs().size(); ++i) {
            const RunConfig& run = config.runs()[i];
            if (absoluteRunDir(reread.runs()[i]) != absoluteRunDir(run))
                throw Error("internal error: run " + std::to_string(i) + " of " + (dir / kSweepConfig).string()
                            + " writes to " + absoluteRunDir(reread.runs()[i]) + ", not " + absoluteRunDir(run));
            SweepRun r;
            r.index = int(i);
            r.header = run.header();
            r.runDir = absoluteRunDir(run);
            r.epochs = run.numEpochs;
            s.runs.push_back(r);
            writeFileAtomically((dir / "runs" / (std::to_string(i) + ".json")).string(),
                                withAbsolutePaths(reread.runs()[i].toConfigFile()).dump(2) + "\n");
        }
        writeFileAtomically(s.scriptPath(), batchScript(s, parityTrain));
        fs::permissions(s.scriptPath(), fs::perms::owner_exec | fs::perms::group_exec, fs::perm_options::add);
        s.write();
    } catch (...) {
        fs::remove_all(dir, ec);
        throw;
    }
    return s;
}

void submit(Sweep& s)
{
    const std::string sbatch = findOnPath("sbatch");
    if (sbatch.empty())
        throw Error("sbatch was not found on PATH: is this a Slurm login node? The sweep is written, not "
                    "submitted, in "
                    + s.dir + "; submit it later with: sbatch " + s.scriptPath());
    const ProcessResult r = runProcess({sbatch, "--parsable", s.scriptPath()});
    // --parsable prints "<job>" or "<job>;<cluster>" on a line of its own; a
    // site's wrapper of sbatch may print more around it.
    std::string jobId;
    std::istringstream lines(r.out);
    for (std::string line; std::getline(lines, line);) {
        line = trimmed(line.substr(0, line.find(';')));
        if (!line.empty() && std::all_of(line.begin(), line.end(), ::isdigit))
            jobId = line;
    }
    if (jobId.empty() && !r.ok()) {
        std::error_code ec;
        fs::remove_all(s.dir, ec);
        throw Error("sbatch refused the sweep: " + r.message() + "\nNothing was submitted; " + s.dir
                    + (ec ? " could not be removed (" + ec.message() + ")" : std::string(" was removed")));
    }
    if (jobId.empty()) // it went through, but which job it is cannot be told: the sweep stays
        throw Error("sbatch took the sweep but printed no job id (\"" + trimmed(r.out)
                    + "\"): find the job with "
                      "squeue --me and cancel it with scancel if it is not wanted; the sweep stays in "
                    + s.dir);
    s.jobId = jobId;
    s.submitted = localTimeText();
    try {
        s.write();
    } catch (const Error& e) {
        throw Error("submitted as job " + jobId + ", but the record could not be written (" + e.what()
                    + "): follow it with squeue -j " + jobId + ", cancel it with scancel " + jobId);
    }
}

} // namespace parity::slurm
