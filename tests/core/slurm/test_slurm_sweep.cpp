// Slurm sweeps without a cluster (issue 16): the files --slurm-dry-run
// writes, the parsers of the scheduler's output, how a run's state is told,
// bad input, --only-run, and a run stopped by SIGTERM / SIGUSR1 that
// --resume-if-exists completes. The real one-node cluster is in tests/slurm/.
#include "TestPaths.h"
#include "slurm/SlurmSweep.h"
#include "util/Error.h"
#include "support/RunCommand.h"
#include "support/TinyDataset.h"

#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <functional>
#include <spawn.h>
#include <sstream>
#include <sys/wait.h>
#include <thread>
#include <tuple>
#include <unistd.h>

extern char** environ;

namespace {

namespace fs = std::filesystem;
using parity::test::runCommand;
using parity::test::TempDir;
namespace slurm = parity::slurm;

std::string cli(const std::string& args) { return std::string(PARITY_TRAIN_EXE) + " " + args; }

/// A four-run sweep (k = 2..5) on tiny data, paths relative to the file.
void writeFourRunConfig(const TempDir& tmp, int epochs = 2)
{
    parity::test::writeTinyMnist(tmp / "data", 400, 120);
    std::ofstream(tmp / "c.json") << R"({"num_epoch": )" << epochs << R"(, "k_vals": [2, 3, 4, 5],
      "enc_dec_types": [["add", "sub"]], "datasets": ["mnist"], "models": ["base-mlp"], "losses": ["mse"],
      "batch_size": 16, "data_dir": "data", "models_dir": "models", "base_train_epochs": 1})";
}

std::string readFile(const std::string& path)
{
    std::ifstream in(path);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

/// What sbatch takes `option` to be in `script`: "--chdir=/a b" gives "/a b".
std::string sbatchValue(const std::string& script, const std::string& option)
{
    std::istringstream lines(script);
    for (std::string line; std::getline(lines, line);)
        if (line.rfind("#SBATCH " + option + "=", 0) == 0)
            return slurm::sbatchWords(line.substr(8)).at(0).substr(option.size() + 1);
    return "(no " + option + ")";
}

/// Run `index` of a sweep, 5 epochs, in tmp/run (made, empty).
slurm::SweepRun runOfFiveEpochs(const TempDir& tmp, int index)
{
    fs::create_directories(tmp / "run");
    return slurm::SweepRun{index, "mnist base-mlp 2 mse add sub", tmp / "run", 5, ""};
}

/// A run.json in `run`'s directory saying it finished, written by Slurm task `task`.
void recordFinished(const slurm::SweepRun& run, const std::string& task)
{
    fs::create_directories(run.runDir);
    std::ofstream(run.runDir + "/run.json") << nlohmann::json{
        {"format", "parity-workbench-run"},
        {"version", 1},
        {"status", "finished"},
        {"slurm_task", task}}.dump();
}

/// Puts `first` (stand-ins of Slurm's commands) in front of PATH while it lives.
struct PathGuard {
    std::string saved = std::getenv("PATH") ? std::getenv("PATH") : "/usr/bin:/bin";
    explicit PathGuard(const std::string& first) { ::setenv("PATH", (first + ":" + saved).c_str(), 1); }
    ~PathGuard() { ::setenv("PATH", saved.c_str(), 1); }
    PathGuard(const PathGuard&) = delete;
    PathGuard& operator=(const PathGuard&) = delete;
};

} // namespace

TEST(SlurmSweep, DryRunWritesTheArrayScriptAndOneConfigurationPerRun)
{
    TempDir tmp;
    writeFourRunConfig(tmp);
    // From another folder, with a relative save directory: every path the
    // tasks see must be absolute.
    const auto r = runCommand("cd " + tmp.path() + " && "
                              + cli("c.json save --slurm-dry-run --max-parallel 2 "
                                    "--partition short --time 1:00:00 --cpus-per-task 1 "
                                    "--mem 2G --sbatch-arg=--qos=low"));
    ASSERT_EQ(r.exitCode, 0) << r.output;
    const auto dirs = slurm::sweepDirs(tmp / "save");
    ASSERT_EQ(dirs.size(), 1u) << r.output;
    const std::string dir = dirs.front();
    EXPECT_TRUE(contains(r.output, "not submitted (--slurm-dry-run)")) << r.output;
    EXPECT_TRUE(contains(r.output, "sbatch " + dir + "/submit.sbatch")) << r.output;

    const std::string script = readFile(dir + "/submit.sbatch");
    for (const char* line : {"#SBATCH --array=0-3%2\n", "#SBATCH --requeue\n", "#SBATCH --signal=B:USR1@120\n",
                             "#SBATCH --open-mode=append\n", "#SBATCH --partition=short\n", "#SBATCH --time=1:00:00\n",
                             "#SBATCH --cpus-per-task=1\n", "#SBATCH --mem=2G\n", "#SBATCH --qos=low\n",
                             "--only-run \"${SLURM_ARRAY_TASK_ID}\" --resume-if-exists"})
        EXPECT_TRUE(contains(script, line)) << line << "\n" << script;
    EXPECT_TRUE(contains(script, "#SBATCH --output=" + dir + "/logs/%A_%a.out\n")) << script;
    // The launcher, which chooses the node's BLAS kernel, not the program behind it.
    EXPECT_TRUE(contains(script, "/parity-train' '" + dir + "/sweep-config.json'")) << script;

    const slurm::Sweep sweep = slurm::Sweep::read(dir);
    EXPECT_TRUE(sweep.jobId.empty());
    ASSERT_EQ(sweep.runs.size(), 4u);
    for (int i = 0; i < 4; ++i) {
        EXPECT_EQ(sweep.runs[size_t(i)].runDir, tmp / "save/mnist/base-mlp/k" + std::to_string(i + 2) + "/mse/add/sub");
        EXPECT_EQ(sweep.runs[size_t(i)].epochs, 2);
        // runs/<i>.json is run i as a configuration of its own.
        const auto one = parity::SweepConfig::load(dir + "/runs/" + std::to_string(i) + ".json");
        ASSERT_EQ(one.runs().size(), 1u);
        EXPECT_EQ(one.runs()[0].header(), sweep.runs[size_t(i)].header);
        EXPECT_EQ(one.runs()[0].dataDir, tmp / "data");
    }
    EXPECT_EQ(sweep.options.maxParallel, 2);
    EXPECT_EQ(sweep.options.extraArgs, std::vector<std::string>{"--qos=low"});
    // Not submitted: the status says so and reads the run directories.
    const auto status = slurm::readStatus(dir);
    ASSERT_EQ(status.runs.size(), 4u);
    EXPECT_TRUE(contains(slurm::statusText(status), "not submitted")) << slurm::statusText(status);
    EXPECT_EQ(status.runs[0].state, slurm::RunStatus::State::Unknown);
    const auto cancel = runCommand(cli("--slurm-cancel " + dir));
    EXPECT_EQ(cancel.exitCode, 1);
    EXPECT_TRUE(contains(cancel.output, "not submitted (dry run): nothing to cancel")) << cancel.output;
    // The workbench's cancel (several tasks, one scancel) refuses the same, and
    // what is not a task of the sweep, before asking Slurm anything.
    const auto refusal = [](const slurm::Sweep& s, const std::vector<int>& indices) {
        try {
            (void)slurm::cancelTasks(s, indices);
        } catch (const parity::Error& e) {
            return std::string(e.what());
        }
        return std::string("no error");
    };
    EXPECT_TRUE(contains(refusal(sweep, {1}), "not submitted (dry run): nothing to cancel")) << refusal(sweep, {1});
    slurm::Sweep submitted = sweep;
    submitted.jobId = "4242";
    EXPECT_TRUE(contains(refusal(submitted, {}), "no task to cancel")) << refusal(submitted, {});
    EXPECT_TRUE(contains(refusal(submitted, {1, 4}), "has runs 0 to 3, not 4")) << refusal(submitted, {1, 4});
    EXPECT_TRUE(contains(refusal(submitted, {-1}), "has runs 0 to 3, not -1")) << refusal(submitted, {-1});
}

// The workbench submits sweeps that come from no file (the form's run, an
// edited queue).
TEST(SlurmSweep, ASweepFromNoFileIsNamedAfterItsDataset)
{
    TempDir tmp;
    writeFourRunConfig(tmp);
    const auto config = parity::SweepConfig::load(tmp / "c.json", {{"save_dir", tmp / "save"}});
    const slurm::Sweep sweep = slurm::writeSweep(config, "", tmp / "save", {}, PARITY_TRAIN_EXE, "a test");
    EXPECT_EQ(sweep.id.rfind("mnist-", 0), 0u) << sweep.id;
    EXPECT_EQ(sweep.configPath, "");
    EXPECT_TRUE(contains(readFile(sweep.scriptPath()), "runs,\n# one array task per run (runs/<task>.json). "
                                                       "Written by a test on"))
        << readFile(sweep.scriptPath());
    const auto text = slurm::statusText(slurm::readStatus(sweep.dir));
    EXPECT_TRUE(contains(text, "configuration (none: written by a test)")) << text;
}

TEST(SlurmSweep, BadInputIsRefusedAndLeavesNothingHalfWritten)
{
    TempDir tmp;
    writeFourRunConfig(tmp);
    // No sbatch on PATH: said before anything is written.
    const auto noSbatch = runCommand("PATH=/nonexistent " + cli(tmp / "c.json " + tmp / "save --slurm"));
    EXPECT_EQ(noSbatch.exitCode, 1);
    EXPECT_TRUE(contains(noSbatch.output, "sbatch was not found on PATH")) << noSbatch.output;
    EXPECT_FALSE(fs::exists(tmp / "save"));
    // A sweep of no runs.
    std::ofstream(tmp / "empty.json") << R"({"num_epoch": 1, "k_vals": [], "enc_dec_types": [["add", "sub"]],
      "datasets": ["mnist"], "models": ["base-mlp"], "losses": ["mse"]})";
    const auto empty = runCommand(cli(tmp / "empty.json " + tmp / "save --slurm-dry-run"));
    EXPECT_EQ(empty.exitCode, 1);
    EXPECT_TRUE(contains(empty.output, "'k_vals' is an empty list")) << empty.output;
    // A save directory that cannot be created (below a file).
    std::ofstream(tmp / "file") << "x";
    const auto unwritable = runCommand(cli(tmp / "c.json " + tmp / "file/save --slurm-dry-run"));
    EXPECT_EQ(unwritable.exitCode, 1);
    EXPECT_TRUE(contains(unwritable.output, "save_dir: " + tmp / "file" + " is a file, not a directory"))
        << unwritable.output;
    // sbatch options without --slurm, and options sbatch would misread.
    const auto stray = runCommand(cli(tmp / "c.json " + tmp / "save --partition x"));
    EXPECT_EQ(stray.exitCode, 2);
    EXPECT_TRUE(contains(stray.output, "--partition is an sbatch option: it needs --slurm")) << stray.output;
    const auto spaced = runCommand(cli(tmp / "c.json " + tmp / "save --slurm-dry-run --sbatch-arg qos=low"));
    EXPECT_EQ(spaced.exitCode, 1);
    EXPECT_TRUE(contains(spaced.output, "sbatch argument 'qos=low' is not an option")) << spaced.output;
    // Walkthrough: a time limit of "abc" went into '#SBATCH --time=abc'.
    const auto badTime = runCommand(cli(tmp / "c.json " + tmp / "save --slurm-dry-run --time abc --mem 8X"));
    EXPECT_EQ(badTime.exitCode, 1);
    EXPECT_TRUE(contains(badTime.output, "time 'abc' is not a Slurm time limit")) << badTime.output;
    EXPECT_TRUE(contains(badTime.output, "mem '8X' is not a memory size")) << badTime.output;
    EXPECT_TRUE(slurm::sweepDirs(tmp / "save").empty());
    for (const char* good : {"30", "30:00", "2:00:00", "1-0", "1-00:00", "1-00:00:00", "UNLIMITED"}) {
        const auto ok = runCommand(cli(tmp / "c.json " + tmp / "ok --slurm-dry-run --time " + good + " --mem 8G"));
        EXPECT_EQ(ok.exitCode, 0) << good << ": " << ok.output;
    }
    EXPECT_TRUE(slurm::sweepDirs(tmp / "save").empty());
    // Not a sweep directory.
    const auto notSweep = runCommand(cli("--slurm-status " + tmp.path()));
    EXPECT_EQ(notSweep.exitCode, 1);
    EXPECT_TRUE(contains(notSweep.output, tmp.path() + ": not a Slurm sweep directory")) << notSweep.output;
}

// A cancellation is recorded per run in sweep.json, since Slurm forgets a
// waiting task of an array at once: only for tasks Slurm listed (one that
// had ended was not cancelled), the first time stands, and when scancel
// refuses one task of several the others it cancelled are still recorded.
// squeue and scancel are stand-ins on PATH: squeue lists the tasks in
// `listed`, scancel takes them off and refuses the task in `refuse`.
TEST(SlurmSweep, ACancellationIsRecordedForTheTasksItCancelled)
{
    TempDir tmp;
    writeFourRunConfig(tmp);
    const auto config = parity::SweepConfig::load(tmp / "c.json", {{"save_dir", tmp / "save"}});
    slurm::Sweep sweep = slurm::writeSweep(config, tmp / "c.json", tmp / "save", {}, PARITY_TRAIN_EXE, "a test");
    auto edit = [&](const std::function<void(nlohmann::json&)>& change) {
        auto j = nlohmann::json::parse(readFile(sweep.dir + "/sweep.json"));
        change(j);
        std::ofstream(sweep.dir + "/sweep.json") << j.dump(2);
    };
    edit([](nlohmann::json& j) { j["job_id"] = "4242"; });
    sweep = slurm::Sweep::read(sweep.dir);
    const std::string bin = tmp / "bin", listed = tmp / "listed", refuse = tmp / "refuse", calls = tmp / "calls";
    fs::create_directories(bin);
    std::ofstream(bin + "/squeue") << "#!/bin/sh\ncat '" << listed << "'\n";
    std::ofstream(bin + "/scancel") << "#!/bin/sh\necho \"$*\" >> '" << calls << "'\nrc=0\n"
                                    << "for t in \"$@\"; do i=${t#*_}; [ \"$i\" = \"$t\" ] && i='[0-9]*'\n"
                                    << "  if [ \"$i\" = \"$(cat '" << refuse << "')\" ]; then\n"
                                    << "    echo \"scancel: error: Kill job error on job id $t: Access/permission "
                                       "denied\" >&2; rc=1\n"
                                    << "  else sed -i \"/^$i|/d\" '" << listed << "'; fi\ndone\nexit $rc\n";
    std::ofstream(refuse) << "none";
    for (const char* tool : {"/squeue", "/scancel"})
        fs::permissions(bin + tool, fs::perms::owner_all);
    const PathGuard path(bin);

    // Task 0 had finished: Slurm no longer lists it, and its run says so.
    std::ofstream(listed) << "1|PENDING|JobArrayTaskLimit\n2|PENDING|JobArrayTaskLimit\n3|PENDING|JobArrayTaskLimit\n";
    recordFinished(sweep.runs[0], "4242_0");
    EXPECT_EQ(slurm::cancelTasks(sweep, {0, 1}), "");
    auto now = slurm::Sweep::read(sweep.dir);
    EXPECT_EQ(now.runs[0].cancelled, "");
    EXPECT_NE(now.runs[1].cancelled, "");
    EXPECT_EQ(now.runs[2].cancelled, "");

    // Slurm refuses task 3 of 2 and 3: task 2 is cancelled all the same, and recorded.
    edit([](nlohmann::json& j) { j["runs"][1]["cancelled"] = "2026-01-01T00:00:00+0000"; });
    std::ofstream(refuse) << "3";
    try {
        (void)slurm::cancelTasks(sweep, {2, 3});
        ADD_FAILURE() << "a refused task must throw";
    } catch (const parity::Error& e) {
        EXPECT_TRUE(contains(e.what(), "scancel 4242_2 4242_3 failed")) << e.what();
        EXPECT_TRUE(contains(e.what(), "Access/permission denied")) << e.what();
    }
    now = slurm::Sweep::read(sweep.dir);
    EXPECT_NE(now.runs[2].cancelled, "");
    EXPECT_EQ(now.runs[3].cancelled, "");

    // The whole array, from the caller's old copy of the sweep: the first time stands.
    std::ofstream(refuse) << "none";
    EXPECT_EQ(slurm::cancel(sweep), "");
    now = slurm::Sweep::read(sweep.dir);
    EXPECT_EQ(now.runs[0].cancelled, "");
    EXPECT_EQ(now.runs[1].cancelled, "2026-01-01T00:00:00+0000");
    EXPECT_NE(now.runs[3].cancelled, "");
    EXPECT_EQ(now.jobId, "4242");
    EXPECT_EQ(readFile(calls), "4242_0 4242_1\n4242_2 4242_3\n4242\n");
    // Slurm no longer lists task 2: the record says what became of it.
    EXPECT_EQ(slurm::statusOf(now.runs[2], std::nullopt, "", now.taskOf(2)).state, slurm::RunStatus::State::Cancelled);

    // A record that cannot be written is said, not swallowed: the tasks are cancelled all the same.
    std::ofstream(listed) << "1|RUNNING|None\n";
    std::ofstream(sweep.dir + "/sweep.json") << "{ damaged";
    const std::string note = slurm::cancelTasks(sweep, {1});
    EXPECT_TRUE(contains(note, "Slurm cancelled them, but " + sweep.dir + "/sweep.json could not record it")) << note;
}

// A scheduler that cannot answer (its controller restarting, a timeout) is
// not one that has forgotten the job: runs without a final record of their
// own stay Unknown "for now", and the sweep is still worth following.
// squeue, scontrol and sacct are stand-ins on PATH that print `answer`.
TEST(SlurmSweep, ASchedulerThatCannotAnswerIsAskedAgain)
{
    TempDir tmp;
    writeFourRunConfig(tmp);
    const auto config = parity::SweepConfig::load(tmp / "c.json", {{"save_dir", tmp / "save"}});
    slurm::Sweep sweep = slurm::writeSweep(config, tmp / "c.json", tmp / "save", {}, PARITY_TRAIN_EXE, "a test");
    sweep.jobId = "4242";
    sweep.write();
    const std::string bin = tmp / "bin", answer = tmp / "answer";
    fs::create_directories(bin);
    for (const char* tool : {"/squeue", "/scontrol", "/sacct"}) {
        std::ofstream(bin + tool) << "#!/bin/sh\ncat '" << answer << "' >&2\nexit 1\n";
        fs::permissions(bin + tool, fs::perms::owner_all);
    }
    const PathGuard path(bin);
    recordFinished(sweep.runs[0], "4242_0");

    std::ofstream(answer) << "slurm_load_jobs error: Socket timed out on send/recv operation\n";
    slurm::SweepStatus status = slurm::readStatus(sweep.dir);
    EXPECT_TRUE(status.schedulerUnreachable);
    EXPECT_TRUE(status.followed());
    EXPECT_EQ(status.runs[0].state, slurm::RunStatus::State::Done); // its own record says so
    EXPECT_EQ(status.runs[1].state, slurm::RunStatus::State::Unknown);
    EXPECT_EQ(status.runs[1].reason, "the scheduler could not be asked: not known for now");
    EXPECT_TRUE(contains(slurm::statusText(status), "Socket timed out")) << slurm::statusText(status);

    // A stopped task may be requeued and waiting: not known for now either.
    fs::create_directories(sweep.runs[2].runDir);
    std::ofstream(sweep.runs[2].runDir + "/run.json") << nlohmann::json{
        {"format", "parity-workbench-run"},
        {"version", 1},
        {"status", "stopped"},
        {"slurm_task", "4242_2"}}.dump();
    status = slurm::readStatus(sweep.dir);
    EXPECT_EQ(status.runs[2].state, slurm::RunStatus::State::Unknown);

    std::ofstream(answer) << "slurm_load_jobs error: Invalid job id specified\n";
    status = slurm::readStatus(sweep.dir);
    EXPECT_EQ(status.runs[2].state, slurm::RunStatus::State::Stopped);
    EXPECT_FALSE(status.schedulerUnreachable);
    EXPECT_FALSE(status.followed());
    EXPECT_EQ(status.runs[1].state, slurm::RunStatus::State::Unknown);
    EXPECT_TRUE(contains(status.runs[1].reason, "Slurm does not know the task")) << status.runs[1].reason;

    // A sweep submitted before its tasks recorded themselves (no "version"
    // 2 in sweep.json): their records count as they are.
    auto j = nlohmann::json::parse(readFile(sweep.dir + "/sweep.json"));
    EXPECT_EQ(j["version"], 2);
    j.erase("version");
    std::ofstream(sweep.dir + "/sweep.json") << j.dump(2);
    fs::create_directories(sweep.runs[1].runDir);
    std::ofstream(sweep.runs[1].runDir + "/run.json")
        << nlohmann::json{{"format", "parity-workbench-run"}, {"version", 1}, {"status", "finished"}}.dump();
    status = slurm::readStatus(sweep.dir);
    EXPECT_EQ(status.sweep.version, 1);
    EXPECT_EQ(status.runs[1].state, slurm::RunStatus::State::Done);
}

// sbatch's reading of a #SBATCH line (src/sbatch/opt.c, _get_argument),
// which the tests below read the script with.
TEST(SlurmSweep, ReadsADirectiveAsSbatchDoes)
{
    using Words = std::vector<std::string>;
    EXPECT_EQ(slurm::sbatchWords("--qos=low"), Words{"--qos=low"});
    EXPECT_EQ(slurm::sbatchWords("  -p gpu   -o x "), (Words{"-p", "gpu", "-o", "x"}));
    EXPECT_EQ(slurm::sbatchWords("--chdir=/a b"), (Words{"--chdir=/a", "b"}));
    EXPECT_EQ(slurm::sbatchWords("--chdir=\"/a b\""), Words{"--chdir=/a b"});
    EXPECT_EQ(slurm::sbatchWords("--chdir='/a \"b\"'"), Words{"--chdir=/a \"b\""});
    EXPECT_EQ(slurm::sbatchWords("--chdir=\"/a \\\"b\\\\\""), Words{"--chdir=/a \"b\\"});
    EXPECT_EQ(slurm::sbatchWords("--comment=run#2 -o x"), Words{"--comment=run"}); // the rest is a comment
    EXPECT_EQ(slurm::sbatchWords("--comment=\"run #2\" -o x"), (Words{"--comment=run #2", "-o", "x"}));
    EXPECT_EQ(slurm::sbatchWords("--x=\"\""), Words{"--x="});
    EXPECT_EQ(slurm::sbatchWords(""), Words{});
}

// Paths with what sbatch reads in its own way in #SBATCH lines (a space
// ends the word, '#' starts a comment, a quote groups, '%' starts a log
// pattern) reach sbatch as they are; the sweep's id, its directory's and
// its job's name, is plain.
TEST(SlurmSweep, TheScriptSaysPathsAsSbatchReadsThem)
{
    TempDir tmp;
    writeFourRunConfig(tmp);
    fs::copy_file(tmp / "c.json", tmp / "my sweep's #1.json");
    const std::string save = tmp / "ML runs #1 \"x\" o'y 100%";
    const auto config = parity::SweepConfig::load(tmp / "my sweep's #1.json", {{"save_dir", save}});
    slurm::SubmitOptions options;
    options.account = "a#b";
    options.extraArgs = {"--comment=my run #2"};
    const slurm::Sweep sweep = slurm::writeSweep(config, tmp / "my sweep's #1.json", save, options, PARITY_TRAIN_EXE,
                                                 "a test");
    EXPECT_EQ(sweep.id.rfind("my_sweep_s__1-", 0), 0u) << sweep.id;
    const std::string script = readFile(sweep.scriptPath());
    EXPECT_EQ(sbatchValue(script, "--chdir"), sweep.dir) << script;
    std::string pattern = sweep.dir + "/logs/%A_%a.out";
    pattern.insert(pattern.find("100%") + 3, "%"); // Slurm's %% for the directory's own '%'
    EXPECT_EQ(sbatchValue(script, "--output"), pattern) << script;
    EXPECT_EQ(sbatchValue(script, "--job-name"), "parity-" + sweep.id) << script;
    EXPECT_EQ(sbatchValue(script, "--account"), "a#b") << script;
    EXPECT_EQ(sbatchValue(script, "--comment"), "my run #2") << script;
    EXPECT_EQ(sbatchValue(script, "--array"), "0-3") << script;
    // The shell line runs the tasks' configuration from there (bash's quoting: '\\'' for a quote).
    EXPECT_TRUE(contains(script, "o'\\''y 100%/slurm/" + sweep.id + "/sweep-config.json'")) << script;

    // A backslash would turn Slurm's log patterns off: refused by name.
    try {
        (void)slurm::writeSweep(config, tmp / "c.json", tmp / "a\\b", {}, PARITY_TRAIN_EXE, "a test");
        ADD_FAILURE() << "a save directory with a backslash must be refused";
    } catch (const parity::Error& e) {
        EXPECT_TRUE(contains(e.what(), "save_dir: " + tmp / "a\\b"
                                           + ": a Slurm sweep cannot be written under a "
                                             "path holding a line break or a backslash"))
            << e.what();
    }
    EXPECT_FALSE(fs::exists(tmp / "a\\b/slurm"));
}

// Two runs writing to one directory would run side by side in it: refused
// before anything is written, naming both.
TEST(SlurmSweep, TwoRunsOfOneDirectoryAreRefused)
{
    TempDir tmp;
    writeFourRunConfig(tmp);
    std::ofstream(tmp / "twice.json") << R"({"num_epoch": 1, "k_vals": [2, 3, 2],
      "enc_dec_types": [["add", "sub"]], "datasets": ["mnist"], "models": ["base-mlp"], "losses": ["mse"],
      "data_dir": "data"})";
    const auto r = runCommand(cli(tmp / "twice.json " + tmp / "save --slurm-dry-run"));
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_TRUE(contains(r.output, tmp / "twice.json" + ": runs 0 and 2 both write to " + tmp.path()
                                       + "/save/mnist/base-mlp/k2/mse/add/sub: a sweep's tasks run side by side"))
        << r.output;
    EXPECT_TRUE(slurm::sweepDirs(tmp / "save").empty());
}

// sbatch options the sweep sets or follows itself are refused in any
// spelling sbatch takes: short, long, or a long one's start.
TEST(SlurmSweep, SbatchOptionsThatWouldUndoTheSweepAreRefused)
{
    TempDir tmp;
    writeFourRunConfig(tmp);
    for (const std::string arg :
         {"-o x", "-ox", "--out=x", "-e x", "--error=x", "-D /tmp", "-a 0-1", "--wait", "-W", "-M other",
          "--clusters=other", "--no-requeue", "--open-mode=truncate", "--parsable", "-p gpu -o /tmp/x"}) {
        const auto r = runCommand(cli(tmp / "c.json " + tmp / "save --slurm-dry-run '--sbatch-arg=" + arg + "'"));
        EXPECT_EQ(r.exitCode, 1) << arg << ": " << r.output;
        EXPECT_TRUE(contains(r.output, "sbatch argument '" + arg + "' ")) << arg << ": " << r.output;
    }
    for (const std::string arg : {"--qos=low", "-A acct", "--nodes=1", "--wait-all-nodes=1", "--exclusive"}) {
        const auto r = runCommand(cli(tmp / "c.json " + tmp / "ok --slurm-dry-run '--sbatch-arg=" + arg + "'"));
        EXPECT_EQ(r.exitCode, 0) << arg << ": " << r.output;
    }
    EXPECT_TRUE(slurm::sweepDirs(tmp / "save").empty());
}

// What sbatch prints decides whether the sweep was submitted: its job id
// (a site's wrapper may print more around it), even with a failed exit
// status; without one a failure removes the sweep, a success keeps it.
TEST(SlurmSweep, TheJobIdIsReadFromWhatSbatchPrints)
{
    TempDir tmp;
    writeFourRunConfig(tmp);
    const auto config = parity::SweepConfig::load(tmp / "c.json", {{"save_dir", tmp / "save"}});
    const std::string bin = tmp / "bin", says = tmp / "says", rc = tmp / "rc";
    fs::create_directories(bin);
    std::ofstream(bin + "/sbatch") << "#!/bin/sh\ncat '" << says << "'\nexit $(cat '" << rc << "')\n";
    fs::permissions(bin + "/sbatch", fs::perms::owner_all);
    const PathGuard path(bin);
    auto submitted = [&](const std::string& output, int status) {
        std::ofstream(says) << output;
        std::ofstream(rc) << status;
        slurm::Sweep sweep = slurm::writeSweep(config, tmp / "c.json", tmp / "save", {}, PARITY_TRAIN_EXE, "t");
        std::string error;
        try {
            slurm::submit(sweep);
        } catch (const parity::Error& e) {
            error = e.what();
        }
        return std::make_tuple(sweep, error, fs::exists(sweep.dir));
    };
    auto [banner, bannerError, bannerKept] = submitted("Welcome to the cluster.\nJob 7 of quota\n4242\n", 0);
    EXPECT_EQ(bannerError, "");
    EXPECT_EQ(banner.jobId, "4242");
    EXPECT_EQ(slurm::Sweep::read(banner.dir).jobId, "4242");
    auto [clustered, clusteredError, clusteredKept] = submitted("4343;main\n", 1);
    EXPECT_EQ(clusteredError, "");
    EXPECT_EQ(clustered.jobId, "4343");
    auto [refused, refusedError, refusedKept] = submitted("sbatch: error: invalid partition\n", 1);
    EXPECT_TRUE(contains(refusedError, "sbatch refused the sweep")) << refusedError;
    EXPECT_FALSE(refusedKept);
    auto [silent, silentError, silentKept] = submitted("queued\n", 0);
    EXPECT_TRUE(contains(silentError, "sbatch took the sweep but printed no job id (\"queued\")")) << silentError;
    EXPECT_TRUE(silentKept);
    (void)bannerKept;
    (void)clusteredKept;
}

TEST(SlurmSweep, OnlyRunTrainsThatRunAlone)
{
    TempDir tmp;
    writeFourRunConfig(tmp, 1);
    const auto r = runCommand(cli(tmp / "c.json " + tmp / "save --only-run 2"));
    ASSERT_EQ(r.exitCode, 0) << r.output;
    EXPECT_TRUE(fs::exists(tmp / "save/mnist/base-mlp/k4/mse/add/sub/run.json"));
    EXPECT_FALSE(fs::exists(tmp / "save/mnist/base-mlp/k2"));
    EXPECT_FALSE(fs::exists(tmp / "save/mnist/base-mlp/k5"));
    const auto outside = runCommand(cli(tmp / "c.json " + tmp / "save --only-run 4"));
    EXPECT_EQ(outside.exitCode, 1);
    EXPECT_TRUE(contains(outside.output, "describes 4 runs (0 to 3): --only-run 4 is not one of them"))
        << outside.output;
}

TEST(SlurmSweep, ParsesWhatTheSchedulerPrints)
{
    // squeue -h -r -o "%K|%T|%r"
    const auto q = slurm::parseSqueue("0|RUNNING|None\n3|PENDING|JobArrayTaskLimit\n");
    ASSERT_EQ(q.size(), 2u);
    EXPECT_EQ(q[0].first, 0);
    EXPECT_EQ(q[0].second.state, "RUNNING");
    EXPECT_EQ(q[0].second.reason, "");
    EXPECT_EQ(q[1].first, 3);
    EXPECT_EQ(q[1].second.reason, "JobArrayTaskLimit");
    // scontrol -o show job: a finished task, a requeued one, the pending rest compressed.
    const std::string sc =
        "JobId=18 ArrayJobId=17 ArrayTaskId=0 JobName=parity-x JobState=COMPLETED Reason=None Restarts=0 "
        "ExitCode=0:0\n"
        "JobId=19 ArrayJobId=17 ArrayTaskId=1 JobState=RUNNING Reason=None Restarts=1 ExitCode=0:0\n"
        "JobId=17 ArrayJobId=17 ArrayTaskId=2-4%2 JobState=PENDING Reason=JobArrayTaskLimit Restarts=0 "
        "ExitCode=0:0\n"
        "JobId=30 ArrayJobId=29 ArrayTaskId=0 JobState=FAILED Reason=None Restarts=0 ExitCode=1:0\n";
    const auto s = slurm::parseScontrol(sc, "17");
    ASSERT_EQ(s.size(), 5u);
    EXPECT_EQ(s[0].second.state, "COMPLETED");
    EXPECT_EQ(s[1].second.restarts, 1);
    EXPECT_EQ(s[4].first, 4);
    EXPECT_EQ(s[4].second.state, "PENDING");
    // sacct -n -P -X -o JobID,State,ExitCode
    const auto a = slurm::parseSacct("17_0|COMPLETED|0:0\n17_1|CANCELLED by 0|0:15\n17_[2-3]|PENDING|0:0\n"
                                     "17_0.batch|COMPLETED|0:0\n170_0|FAILED|1:0\n",
                                     "17");
    ASSERT_EQ(a.size(), 4u);
    EXPECT_EQ(a[1].second.state, "CANCELLED");
    EXPECT_EQ(a[1].second.exitCode, "0:15");
    EXPECT_EQ(a[3].first, 3);
}

TEST(SlurmSweep, TellsARunsStateFromTheSchedulerAndItsDirectory)
{
    TempDir tmp;
    slurm::SweepRun run = runOfFiveEpochs(tmp, 0);
    const std::string runDir = run.runDir;
    using State = slurm::RunStatus::State;
    auto record = [&](const std::string& status, int epochs) {
        std::ofstream(runDir + "/run.json")
            << nlohmann::json{{"format", "parity-workbench-run"}, {"version", 1},         {"status", status},
                              {"epochs_completed", epochs},       {"error", "disk full"}, {"slurm_task", "4242_0"}}
                   .dump();
    };
    std::ofstream(tmp / "log") << "line 1\nprogress\rprogress 2\r\nparity-train: error: disk full\n";
    slurm::TaskInfo task;
    task.state = "RUNNING";
    record("running", 2);
    auto st = slurm::statusOf(run, task, tmp / "log", "4242_0");
    EXPECT_EQ(st.state, State::Running);
    EXPECT_EQ(st.epochsCompleted, 2);
    task.state = "COMPLETED";
    record("finished", 5);
    EXPECT_EQ(slurm::statusOf(run, task, tmp / "log", "4242_0").state, State::Done);
    // Slurm says completed, the run directory disagrees: failed, and why.
    record("running", 3);
    st = slurm::statusOf(run, task, tmp / "log", "4242_0");
    EXPECT_EQ(st.state, State::Failed);
    EXPECT_TRUE(contains(st.reason, "says \"running\"")) << st.reason;
    task.state = "FAILED";
    task.exitCode = "1:0";
    record("failed", 3);
    st = slurm::statusOf(run, task, tmp / "log", "4242_0");
    EXPECT_EQ(st.state, State::Failed);
    EXPECT_EQ(st.reason, "FAILED, exit 1:0");
    EXPECT_EQ(st.error, "disk full");
    ASSERT_EQ(st.logTail.size(), 3u);
    EXPECT_EQ(st.logTail[1], "progress 2"); // what a terminal shows of a rewritten line
    task.state = "PENDING";
    task.reason = "BeginTime";
    task.restarts = 1;
    st = slurm::statusOf(run, task, tmp / "log", "4242_0");
    EXPECT_EQ(st.state, State::Pending);
    EXPECT_EQ(st.restarts, 1);
    // Slurm has forgotten the task: the run directory decides.
    record("finished", 5);
    EXPECT_EQ(slurm::statusOf(run, std::nullopt, "", "4242_0").state, State::Done);
    record("stopped", 2);
    EXPECT_EQ(slurm::statusOf(run, std::nullopt, "", "4242_0").state, State::Stopped);
    fs::remove(runDir + "/run.json");
    EXPECT_EQ(slurm::statusOf(run, std::nullopt, "", "4242_0").state, State::Unknown);
    // A waiting task of an array is forgotten as soon as it is cancelled:
    // the sweep's record of the cancellation says what became of it.
    run.cancelled = "2026-12-02T07:05:40+0000";
    st = slurm::statusOf(run, std::nullopt, "", "4242_0");
    EXPECT_EQ(st.state, State::Cancelled);
    EXPECT_EQ(st.reason, "cancelled 2026-12-02T07:05:40+0000; Slurm no longer lists the task");
    record("stopped", 2); // cancelled while it ran
    EXPECT_EQ(slurm::statusOf(run, std::nullopt, "", "4242_0").state, State::Cancelled);
    record("finished", 5); // it had finished: that stands
    EXPECT_EQ(slurm::statusOf(run, std::nullopt, "", "4242_0").state, State::Done);
}

// A run directory that an earlier sweep (or a run outside Slurm) finished
// says nothing of this sweep's task for it: resubmitted with another
// configuration for the same directory, the task fails before writing a
// record of its own, and must not read as done with the old results.
TEST(SlurmSweep, ARecordOfAnotherRunIsNotThisTasks)
{
    TempDir tmp;
    slurm::SweepRun run = runOfFiveEpochs(tmp, 3);
    const std::string runDir = run.runDir;
    using State = slurm::RunStatus::State;
    auto record = [&](const nlohmann::json& task) {
        nlohmann::json j{{"format", "parity-workbench-run"},
                         {"version", 1},
                         {"status", "finished"},
                         {"epochs_completed", 5}};
        if (!task.is_null())
            j["slurm_task"] = task;
        std::ofstream(runDir + "/run.json") << j.dump();
    };
    slurm::TaskInfo failed;
    failed.state = "FAILED";
    failed.exitCode = "1:0";
    record("17_3"); // an earlier sweep's task 3
    auto st = slurm::statusOf(run, failed, "", "4242_3");
    EXPECT_EQ(st.state, State::Failed);
    EXPECT_EQ(st.epochsCompleted, 0);
    EXPECT_EQ(st.reason, "FAILED, exit 1:0");
    slurm::TaskInfo completed;
    completed.state = "COMPLETED";
    st = slurm::statusOf(run, completed, "", "4242_3");
    EXPECT_EQ(st.state, State::Failed);
    EXPECT_EQ(st.reason,
              "the task ended, but " + runDir + "/run.json was written by Slurm task 17_3, not by task 4242_3");
    record(nullptr); // a run outside Slurm (or an older parity-train)
    st = slurm::statusOf(run, std::nullopt, "", "4242_3");
    EXPECT_EQ(st.state, State::Unknown);
    EXPECT_EQ(st.reason, "Slurm does not know the task and " + runDir
                             + "/run.json was written by a run that names no Slurm task, not by task 4242_3");
    EXPECT_EQ(slurm::readRunRecord(run, "4242_3").status, "");
    record("4242_3"); // its own
    EXPECT_EQ(slurm::statusOf(run, failed, "", "4242_3").state, State::Done);
    EXPECT_EQ(slurm::readRunRecord(run, "4242_3").epochsCompleted, 5);
    // A sweep written but not submitted has no task to ask for, and the
    // tasks of a sweep written before they recorded themselves (sweep.json
    // version 1) named none.
    slurm::Sweep sweep;
    sweep.jobId = "4242";
    EXPECT_EQ(sweep.taskOf(3), "4242_3");
    sweep.version = 1;
    EXPECT_EQ(sweep.taskOf(3), "");
    sweep.version = 2;
    sweep.jobId = "";
    EXPECT_EQ(sweep.taskOf(3), "");
    record("17_3");
    EXPECT_EQ(slurm::readRunRecord(run, "").status, "finished");
}

namespace {

/// Starts parity-train in the background (its output in `log`).
pid_t startCli(const std::vector<std::string>& args, const std::string& log)
{
    std::vector<std::string> argv{PARITY_TRAIN_EXE};
    argv.insert(argv.end(), args.begin(), args.end());
    std::vector<char*> raw;
    for (auto& a : argv)
        raw.push_back(a.data());
    raw.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    pid_t pid = -1;
    posix_spawn(&pid, raw[0], &actions, nullptr, raw.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    return pid;
}

int epochsRecorded(const std::string& runDir)
{
    try {
        const auto j = nlohmann::json::parse(readFile(runDir + "/run.json"));
        return j.value("epochs_completed", 0);
    } catch (const std::exception&) {
        return 0;
    }
}

} // namespace

// Slurm stops a task with SIGTERM (preemption, scancel, requeue) or SIGUSR1
// (the warning before the time limit): the run stops at a batch boundary,
// keeps current.pth, and --resume-if-exists completes it without recording
// an epoch twice.
TEST(SlurmSweep, AStopSignalKeepsTheCheckpointAndResumeIfExistsCompletesTheRun)
{
    TempDir tmp;
    parity::test::writeTinyMnist(tmp / "data", 2000, 200);
    const int epochs = 40;
    std::ofstream(tmp / "c.json") << R"({"num_epoch": )" << epochs << R"(, "k_vals": [2],
      "enc_dec_types": [["add", "sub"]], "datasets": ["mnist"], "models": ["base-mlp"], "losses": ["mse"],
      "batch_size": 16, "data_dir": "data", "models_dir": "models", "base_train_epochs": 1, "threads": 1})";
    const std::string runDir = tmp / "save/mnist/base-mlp/k2/mse/add/sub";
    for (int signal : {SIGTERM, SIGUSR1}) {
        const pid_t pid = startCli({tmp / "c.json", tmp / "save", "--resume-if-exists"}, tmp / "log");
        ASSERT_GT(pid, 0);
        const int before = epochsRecorded(runDir);
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
        while (epochsRecorded(runDir) < before + 2 && std::chrono::steady_clock::now() < deadline)
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        ::kill(pid, signal);
        int status = 0;
        ::waitpid(pid, &status, 0);
        const std::string log = readFile(tmp / "log");
        ASSERT_TRUE(WIFEXITED(status)) << log;
        ASSERT_EQ(WEXITSTATUS(status), 128 + signal) << log;
        EXPECT_TRUE(contains(log, "current.pth is kept")) << log;
        EXPECT_TRUE(fs::exists(runDir + "/current.pth"));
        const auto record = nlohmann::json::parse(readFile(runDir + "/run.json"));
        EXPECT_EQ(record["status"], "stopped");
        EXPECT_LT(record["epochs_completed"].get<int>(), epochs) << "the run finished before the signal";
        EXPECT_GE(record["epochs_completed"].get<int>(), before + 2);
    }
    const auto done = runCommand(cli(tmp / "c.json " + tmp / "save --resume-if-exists"));
    ASSERT_EQ(done.exitCode, 0) << done.output;
    EXPECT_TRUE(contains(done.output, "Resuming from " + runDir + "/current.pth after epoch")) << done.output;
    const auto record = nlohmann::json::parse(readFile(runDir + "/run.json"));
    EXPECT_EQ(record["status"], "finished");
    EXPECT_EQ(record["epochs_completed"], epochs);
    // One line per epoch in every result file.
    int files = 0;
    for (const auto& entry : fs::directory_iterator(runDir)) {
        const std::string name = entry.path().filename().string();
        if (name.rfind("train_", 0) != 0 && name.rfind("val_", 0) != 0 && name.rfind("test_", 0) != 0)
            continue;
        ++files;
        EXPECT_EQ(parity::test::linesOf(entry.path().string()).size(), size_t(epochs)) << name;
    }
    EXPECT_GT(files, 5);
    // metrics.csv: a header, then each epoch once per split.
    const auto csv = parity::test::linesOf(runDir + "/metrics.csv");
    EXPECT_EQ(csv.size(), size_t(1 + 3 * epochs));
    // A finished run asked again does nothing more.
    const auto again = runCommand(cli(tmp / "c.json " + tmp / "save --resume-if-exists"));
    ASSERT_EQ(again.exitCode, 0) << again.output;
    EXPECT_EQ(parity::test::linesOf(runDir + "/metrics.csv").size(), csv.size());
}
