#pragma once
// Everything the GUI shows about one run, live or loaded from its directory:
// the per-epoch metrics (as the trainer reports them) plus what run.json says.
#include "events/TrainingEvents.h"
#include "io/RunDirectory.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <map>
#include <optional>
#include <vector>

namespace parity::gui {

/// What metrics.csv holds beyond an EpochSummary (parity::SplitTiming).
using SplitTiming = parity::SplitTiming;

struct RunRecord {
    QString runDir;         ///< absolute path of the run directory
    QString header;         ///< "<dataset> <model> <k> <loss> <encoder> <decoder>"
    QString title;          ///< RunConfig::shortTitle() of config, set once where the record is made (else empty)
    QString status;         ///< run.json "status": running, finished, stopped, failed, ...
    QJsonObject config;     ///< run.json "config" (the resolved RunConfig)
    QStringList classNames; ///< run.json "classes"
    std::vector<parity::BaseAccuracy> baseAccuracies; ///< train and test
    std::vector<parity::EpochSummary> epochs;         ///< in epoch order, one per completed epoch
    double bestValReconstructionTop1 = 0;
    int epochsCompleted = 0; ///< run.json "epochs_completed" (else epochs.size())
    /// run.json as recorded (base-model source, versions, machine, threads);
    /// empty for a live run not read back and for the original's layout.
    QJsonObject runJson;
    QString started; ///< ISO 8601 as in run.json
    QString updated;
    /// Groups and seconds per epoch, then per split; empty when the source
    /// (the original's txt files) does not say.
    std::map<int, std::map<std::string, SplitTiming>> splitTimings;
    /// served_accuracy.csv: the accuracy users are served with predictions
    /// unavailable (docs/CODES.md); empty for runs that do not write it, and
    /// servedProblem says why when the file is there but does not read.
    std::optional<parity::ServedAccuracy> served;
    QString servedProblem;

    /// The accuracy keys the epochs hold, in the original's order:
    /// reconstruction_top1, overall_top1, reconstruction_top2, ...
    QStringList accuracyMetricNames() const;
    /// The numbers of missing predictions the accuracies were measured with
    /// (metrics.csv's "erased" column; keys "<metric>_e<n>"), ascending: {1}
    /// for a run of one parity (and for no epochs).
    std::vector<int> erasedCounts() const;
    /// The splits the epochs hold, in train, val, test order.
    QStringList splitNames() const;

    /// A short name for legends and lists: RunConfig::shortTitle() of the
    /// config, else the header, else the directory name; "(previous-…)"
    /// appended for an earlier run moved aside.
    QString displayName() const;
    /// Sets `title` from `config` (left empty when config is not a whole run configuration).
    void deriveTitle();
};

} // namespace parity::gui
