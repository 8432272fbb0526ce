#include "CliOptions.h"

#include "util/Error.h"

#include <cstdlib>
#include <vector>

namespace parity {

namespace {

long long parseInt(const std::string& flag, const std::string& text, long long min)
{
    char* end = nullptr;
    errno = 0;
    const long long v = std::strtoll(text.c_str(), &end, 10);
    if (text.empty() || *end != '\0' || errno != 0 || v < min)
        throw Error(flag + " expects a whole number >= " + std::to_string(min) + ", not '" + text + "'");
    return v;
}

/// The sbatch options of --slurm: true when `flag` is one (its value read
/// with `next`).
template <typename Next>
bool setSbatchOption(slurm::SubmitOptions& o, const std::string& flag, Next&& next)
{
    if (flag == "--partition")
        o.partition = next();
    else if (flag == "--time")
        o.time = next();
    else if (flag == "--cpus-per-task")
        o.cpusPerTask = int(parseInt(flag, next(), 1));
    else if (flag == "--gpus")
        o.gpus = next();
    else if (flag == "--mem")
        o.mem = next();
    else if (flag == "--account")
        o.account = next();
    else if (flag == "--max-parallel")
        o.maxParallel = int(parseInt(flag, next(), 1));
    else if (flag == "--signal-seconds")
        o.signalSeconds = int(parseInt(flag, next(), 1));
    else if (flag == "--sbatch-arg")
        o.extraArgs.push_back(next());
    else
        return false;
    return true;
}

} // namespace

std::string CliOptions::usage()
{
    return "usage: parity-train CONFIG [SAVE_DIR] [options]\n"
           "\n"
           "Trains parity models as configured in CONFIG (the original framework's JSON sweep\n"
           "files load unchanged). Results go to SAVE_DIR/<dataset>/<model>/k<k>/<loss>/<enc>/<dec>/;\n"
           "SAVE_DIR may be left out when the config has \"save_dir\".\n"
           "\n"
           "options:\n"
           "  --continue-from FILE     resume from a checkpoint (current.pth / best.pth) or a run directory\n"
           "  --only-test              with --continue-from: run the test split once\n"
           "  --checkpoint-cycle N     write current.pth every N epochs (default 1)\n"
           "  --data-dir DIR           dataset directory (config key data_dir)\n"
           "  --base-weights FILE      base-model state_dict (torch.save) or checkpoint; 'train' trains one\n"
           "  --models-dir DIR         cache of base models trained here\n"
           "  --model-script FILE      with model torchscript: the base model's TorchScript file\n"
           "  --base-boxes FILE        cub: the base model's boxes (id x y w h) instead of a base model\n"
           "  --epochs N               number of epochs (config key num_epoch)\n"
           "  --threads N              compute threads, 0 = all cores (default)\n"
           "  --seed N                 random seed (default 1)\n"
           "  --device cpu|cuda        compute device (default cpu)\n"
           "  --describe               print the runs with their components and parameter counts; train nothing\n"
           "  --only-run N             train only run N of the sweep (0-based, in --describe's order)\n"
           "  --resume-if-exists       resume each run from its directory's current.pth when there is one\n"
           "\n"
           "Slurm (docs/SLURM.md): the sweep becomes one job array, a task per run, under SAVE_DIR/slurm/<id>/\n"
           "  --slurm                  write the sweep and submit it with sbatch; prints the job id\n"
           "  --slurm-dry-run          write the sweep and its sbatch script, submit nothing\n"
           "  --partition P  --time T  --cpus-per-task N  --gpus G  --mem M  --account A\n"
           "                           the sbatch options of every task (default: Slurm's)\n"
           "  --max-parallel M         at most M tasks at once (the array's %M)\n"
           "  --signal-seconds S       warn a task S seconds before its time limit; it stops at a batch\n"
           "                           boundary and requeues itself (default 120)\n"
           "  --sbatch-arg ARG         any other sbatch option, e.g. --sbatch-arg=--qos=short (repeatable)\n"
           "  --slurm-status DIR       each run of the sweep in DIR: pending, running (epoch i of n), done, failed\n"
           "  --slurm-cancel DIR       cancel the sweep in DIR (with --only-run N: only that run's task)\n"
           "\n"
           "SIGTERM or SIGUSR1 (Slurm's preemption and time-limit warning) stop a run at the end of the\n"
           "current batch, keeping current.pth (written after every epoch); --resume-if-exists goes on.\n"
           "\n"
           "  --version, --help\n";
}

CliOptions CliOptions::parse(int argc, char** argv)
{
    CliOptions o;
    std::vector<std::string> positional;
    std::vector<std::string> slurmFlags; // sbatch options: only with --slurm
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        std::string value;
        bool hasInlineValue = false;
        if (arg.rfind("--", 0) == 0) {
            if (auto eq = arg.find('='); eq != std::string::npos) {
                value = arg.substr(eq + 1);
                arg = arg.substr(0, eq);
                hasInlineValue = true;
            }
            for (auto& ch : arg)
                if (ch == '_')
                    ch = '-'; // the original spells them --continue_from_file, --only_test, ...
        }
        auto next = [&]() -> std::string {
            if (hasInlineValue)
                return value;
            if (i + 1 >= argc)
                throw Error(arg + " needs a value");
            return argv[++i];
        };
        if (arg == "--help" || arg == "-h")
            o.help = true;
        else if (arg == "--version")
            o.version = true;
        else if (arg == "--continue-from" || arg == "--continue-from-file")
            o.continueFrom = next();
        else if (arg == "--only-test")
            o.onlyTest = true;
        else if (arg == "--checkpoint-cycle")
            o.checkpointCycle = int(parseInt(arg, next(), 1));
        else if (arg == "--describe")
            o.describe = true;
        else if (arg == "--only-run")
            o.onlyRun = int(parseInt(arg, next(), 0));
        else if (arg == "--resume-if-exists")
            o.resumeIfExists = true;
        else if (arg == "--slurm")
            o.slurm = true;
        else if (arg == "--slurm-dry-run")
            o.slurm = o.slurmDryRun = true;
        else if (arg == "--slurm-status")
            o.slurmStatus = next();
        else if (arg == "--slurm-cancel")
            o.slurmCancel = next();
        else if (setSbatchOption(o.slurmOptions, arg, next)) // --partition, --time, ...
            slurmFlags.push_back(arg);
        else if (arg == "--data-dir")
            o.overrides["data_dir"] = next();
        else if (arg == "--base-weights")
            o.overrides["base_weights"] = next();
        else if (arg == "--models-dir")
            o.overrides["models_dir"] = next();
        else if (arg == "--model-script")
            o.overrides["model_script"] = next();
        else if (arg == "--base-boxes")
            o.overrides["base_boxes"] = next();
        else if (arg == "--epochs")
            o.overrides["num_epoch"] = int(parseInt(arg, next(), 1));
        else if (arg == "--threads")
            o.overrides["threads"] = int(parseInt(arg, next(), 0));
        else if (arg == "--seed")
            o.overrides["seed"] = std::uint64_t(parseInt(arg, next(), 0));
        else if (arg == "--device")
            o.overrides["device"] = next();
        else if (arg == "--save-dir")
            o.overrides["save_dir"] = next();
        else if (arg.rfind("-", 0) == 0 && arg != "-")
            throw Error("unknown option " + arg);
        else
            positional.push_back(arg);
    }
    if (o.help || o.version)
        return o;
    if (!slurmFlags.empty() && !o.slurm)
        throw Error(slurmFlags.front() + " is an sbatch option: it needs --slurm or --slurm-dry-run");
    if (!o.slurmStatus.empty() || !o.slurmCancel.empty()) {
        if (!o.slurmStatus.empty() && !o.slurmCancel.empty())
            throw Error("--slurm-status and --slurm-cancel: one at a time");
        if (!positional.empty() || o.slurm)
            throw Error(std::string(o.slurmStatus.empty() ? "--slurm-cancel" : "--slurm-status")
                        + " takes a sweep directory only (SAVE_DIR/slurm/<id>), no CONFIG");
        if (!o.slurmStatus.empty() && o.onlyRun >= 0)
            throw Error("--only-run goes with --slurm-cancel, not --slurm-status");
        return o;
    }
    if (o.slurm && (o.onlyRun >= 0 || o.resumeIfExists || o.describe || o.onlyTest))
        throw Error("--slurm submits the whole sweep: --only-run, --resume-if-exists, --describe and "
                    "--only-test are for the runs themselves");
    if (o.resumeIfExists && !o.continueFrom.empty())
        throw Error("--resume-if-exists and --continue-from: one or the other");
    if (positional.empty())
        throw Error("missing CONFIG");
    if (positional.size() > 2)
        throw Error("too many arguments: " + positional[2]);
    o.configPath = positional[0];
    if (positional.size() == 2)
        o.overrides["save_dir"] = positional[1];
    return o;
}

} // namespace parity
