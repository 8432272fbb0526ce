#include "QueueSweep.h"

#include <QDir>
#include <QFileInfo>

#include <algorithm>
#include <exception>

namespace parity::gui {

namespace {

// The configuration keys a sweep file varies; every other key is one value for all runs.
const char* const kAxes[] = {"datasets", "models", "k_vals", "losses", "enc_dec_types"};

std::string absolute(const std::string& path)
{
    return path.empty() ? path
                        : QDir::cleanPath(QFileInfo(QString::fromStdString(path)).absoluteFilePath()).toStdString();
}

parity::RunConfig withAbsolutePaths(parity::RunConfig run)
{
    for (std::string* path : {&run.dataDir, &run.saveDir, &run.modelsDir, &run.modelScript, &run.baseBoxes})
        *path = absolute(*path);
    if (run.baseWeights != "train")
        run.baseWeights = absolute(run.baseWeights);
    return run;
}

bool sameRuns(const parity::SweepConfig& sweep, const std::vector<parity::RunConfig>& runs)
{
    return sweep.runs().size() == runs.size()
           && std::equal(runs.begin(), runs.end(), sweep.runs().begin(),
                         [](const parity::RunConfig& a, const parity::RunConfig& b) {
                             return a.toJson() == b.toJson();
                         });
}

} // namespace

std::optional<QueueSweep> QueueSweep::of(const std::vector<parity::RunConfig>& queued, const QString& configPath,
                                         QString* error)
{
    if (queued.empty()) {
        *error = QObject::tr("The queue is empty: there is nothing to submit.");
        return std::nullopt;
    }
    std::vector<parity::RunConfig> runs;
    for (const auto& run : queued)
        runs.push_back(withAbsolutePaths(run));
    // The file the queue came from, when it still describes these runs (it keeps its own keys, e.g. a description).
    if (!configPath.isEmpty()) {
        try {
            const auto file = parity::SweepConfig::load(configPath.toStdString());
            if (sameRuns(file, runs))
                return QueueSweep{file, true};
        } catch (const std::exception&) {
            // Changed or gone since it was opened: the queue decides.
        }
    }
    // The queue's own sweep: each axis lists its values in the order the
    // runs first use them; a setting the runs do not share is left to its
    // default (batch_size, which depends on k), and the comparison below
    // says whether that gave the same runs.
    std::vector<nlohmann::json> files;
    for (const auto& run : runs)
        files.push_back(run.toConfigFile());
    nlohmann::json sweep = files.front();
    for (const char* axis : kAxes) {
        nlohmann::json values = nlohmann::json::array();
        for (const auto& f : files)
            if (std::find(values.begin(), values.end(), f.at(axis).at(0)) == values.end())
                values.push_back(f.at(axis).at(0));
        sweep[axis] = values;
    }
    nlohmann::json rValues = nlohmann::json::array();
    for (const auto& run : runs)
        if (std::find(rValues.begin(), rValues.end(), run.r) == rValues.end())
            rValues.push_back(run.r);
    if (rValues.size() > 1 || rValues.at(0) != 1)
        sweep["ec_r"] = rValues;
    bool dropped = false;
    for (auto it = files.front().begin(); it != files.front().end(); ++it) {
        if (it.key() == "ec_r" || std::find(std::begin(kAxes), std::end(kAxes), it.key()) != std::end(kAxes))
            continue;
        if (std::any_of(files.begin(), files.end(),
                        [&](const nlohmann::json& f) { return f.value(it.key(), nlohmann::json()) != it.value(); })) {
            sweep.erase(it.key());
            dropped = true;
        }
    }
    const std::string source = configPath.isEmpty() ? "the queue" : "the queue of " + configPath.toStdString();
    try {
        auto result = parity::SweepConfig::fromJson(sweep, source);
        if (sameRuns(result, runs))
            return QueueSweep{result, false};
    } catch (const std::exception& e) {
        if (!dropped) { // the runs themselves are not valid: say what is wrong with them
            *error = QString::fromStdString(e.what());
            return std::nullopt;
        }
    }
    *error = QObject::tr("The queue's %1 runs are not one sweep: a Slurm sweep runs every combination of its "
                         "datasets, models, k, ec_r, losses and coders, with every other setting (epochs, batch "
                         "size, learning rate, seed, directories, …) the same for all. Make those settings alike, "
                         "or open the sweep's configuration file again.")
                 .arg(runs.size());
    return std::nullopt;
}

} // namespace parity::gui
