#pragma once
// Torch-free on purpose: the workbench's widgets read runs through this.
#include "config/RunConfig.h"
#include "events/TrainingEvents.h"
#include "io/ServedAccuracy.h"

#include <nlohmann/json.hpp>

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace parity {

/// The names of the files in a run directory (docs/ARCHITECTURE.md, "File
/// formats"). Nothing else in the code spells them.
namespace runfiles {
inline constexpr const char* kRunJson = "run.json";
inline constexpr const char* kMetricsCsv = "metrics.csv";
inline constexpr const char* kCurrentCheckpoint = "current.pth";
inline constexpr const char* kBestCheckpoint = "best.pth";
inline constexpr const char* kOnlyTest = "only_test.json";
/// Served accuracy with e predictions unavailable and vs the fraction unavailable (docs/CODES.md).
inline constexpr const char* kServedAccuracy = "served_accuracy.csv";
/// Results of an earlier run, moved aside by a fresh one: previous-<timestamp>/.
inline constexpr const char* kPreviousPrefix = "previous-";
/// "<split>_<metric>.txt": one line per epoch, as the original writes them.
std::string metricFile(const std::string& split, const std::string& metric);
/// True for the original's per-metric files: train|val|test, then loss or
/// (reconstruction|overall)_top<n> or a localization metric, ".txt".
bool isMetricFile(const std::string& name);
/// True for every file a run writes into its directory (what a fresh run
/// moves aside), temporary files excluded.
bool isRunFile(const std::string& name);
} // namespace runfiles

/// current.pth or best.pth (CheckpointKind is in events/TrainingEvents.h).
const char* checkpointFileName(CheckpointKind kind);

/// What metrics.csv holds beyond an EpochSummary: size and time of one split.
struct SplitTiming {
    int64_t groups = 0;
    double seconds = 0;
};

/// A run read back from its directory.
struct RunContents {
    enum class Layout {
        None,      ///< not a run directory
        Workbench, ///< run.json and/or metrics.csv
        Original,  ///< only the original's `<split>_<metric>.txt` files
    };
    Layout layout = Layout::None;
    std::string runDir;                               ///< absolute path
    std::string header;                               ///< "<dataset> <model> <k> <loss> <encoder> <decoder>"
    std::string status;                               ///< run.json "status": running, finished, stopped, failed
    nlohmann::json config = nlohmann::json::object(); ///< run.json "config", or the identity from the path
    std::vector<std::string> classNames;
    std::vector<BaseAccuracy> baseAccuracies;
    std::vector<EpochSummary> epochs; ///< in epoch order, with the best-so-far filled in
    double bestValReconstructionTop1 = 0;
    int epochsCompleted = 0; ///< run.json "epochs_completed" (else epochs.size())
    /// run.json as recorded (provenance: base-model source, versions,
    /// machine, threads); null without one.
    nlohmann::json record;
    std::string started; ///< ISO 8601, as in run.json
    std::string updated;
    /// Groups and seconds per epoch, then per split (metrics.csv only).
    std::map<int, std::map<std::string, SplitTiming>> splitTimings;
    /// served_accuracy.csv (classification runs, docs/CODES.md), when there
    /// and readable; a file that does not read leaves the rest of the run
    /// readable and says why in servedProblem.
    std::optional<ServedAccuracy> served;
    std::string servedProblem;
};

/// What a run directory holds, seen from a run about to start there
/// (RunDirectory::existingRun): the workbench's Start offers to resume it or
/// to start afresh, which moves it into previous-<timestamp>/.
struct ExistingRun {
    bool present = false;       ///< the directory holds files of a run
    std::string status;         ///< run.json "status" ("" without a readable run.json)
    int epochsCompleted = 0;    ///< run.json "epochs_completed"
    int numEpochs = 0;          ///< the epochs that run was set to (0 unknown)
    bool hasCheckpoint = false; ///< current.pth is there
    std::string checkpoint;     ///< its path
    std::string problem;        ///< why run.json could not be read, else ""
    /// RunConfig::listDifferences(that run, the wanted one).
    std::vector<std::string> differences;
    /// The wanted run's epochs.
    int wantedEpochs = 0;
    /// The wanted run trains nothing (RunConfig::trainsNothing, a Berrut
    /// code): it evaluates at least once (Epochs 0 too), and each further
    /// epoch evaluates it over that epoch's group order.
    bool wantedTrainsNothing = false;

    /// "" when the wanted run can continue this one from current.pth, else
    /// why not, in a user's words.
    std::string whyNotResumable() const;
    /// The epochs the wanted run will have run in all (parity::epochsToRun:
    /// at least 1 for a run that trains nothing).
    int epochsAsked() const { return epochsToRun(wantedEpochs, wantedTrainsNothing); }
    bool resumable() const { return present && whyNotResumable().empty(); }
};

/// One run directory: `<save_dir>/<dataset>/<model>/k<k>/<loss>/<encoder>/<decoder>`
/// (docs/BEHAVIOUR.md §2). The one owner of its layout: file names, the
/// save-dir <-> run-dir mapping, and reading a run back (config, metrics,
/// checkpoints, status) for the browser, the run panel and parity-train.
/// Reading never throws for a missing optional file; errors are
/// parity::Error naming the file and the problem.
class RunDirectory {
public:
    explicit RunDirectory(std::string path);
    /// The run directory `config` writes to.
    static RunDirectory of(const RunConfig& config);
    /// `<dataset>/<model>/k<k>/<loss>/<encoder>/<decoder>`, the part below the save directory.
    static std::string relativePath(const RunConfig& config);

    const std::string& path() const { return m_path; }
    std::string file(const std::string& name) const;
    std::string runJson() const { return file(runfiles::kRunJson); }
    std::string metricsCsv() const { return file(runfiles::kMetricsCsv); }
    std::string checkpoint(CheckpointKind kind) const { return file(checkpointFileName(kind)); }
    bool hasCheckpoint(CheckpointKind kind) const;

    /// run.json, parsed and checked ("format": "parity-workbench-run").
    nlohmann::json readRunJson() const;
    /// The run's configuration from run.json, placed where this directory is:
    /// when the save directory was moved or copied, save_dir becomes this
    /// path minus relativePath(). Throws when run.json is missing or
    /// unreadable, or when this directory is not where the run lives (e.g.
    /// an earlier run kept in previous-*).
    RunConfig readConfig() const;

    /// What this directory holds, against `wanted` (whose run directory it
    /// normally is). Never throws: an unreadable run.json is `problem`.
    ExistingRun existingRun(const RunConfig& wanted) const;

    RunContents::Layout layout() const;
    /// Everything: run.json and metrics.csv where present, else the
    /// original's text files; a run without run.json gets its identity from
    /// the path.
    RunContents read() const;
    /// The identity (dataset, model, k, loss, encoder, decoder and header)
    /// from the path alone; false when the path does not have that shape.
    static bool identityFromPath(const std::string& dir, RunContents* contents);

    /// A metrics.csv file (any name, e.g. an export): fills epochs and
    /// splitTimings of `contents`.
    static void readMetricsCsv(const std::string& path, RunContents* contents);

private:
    void readOriginalTextFiles(RunContents* contents) const;

    std::string m_path;
};

} // namespace parity
