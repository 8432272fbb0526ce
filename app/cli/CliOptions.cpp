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
           "  --version, --help\n";
}

CliOptions CliOptions::parse(int argc, char** argv)
{
    CliOptions o;
    std::vector<std::string> positional;
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
