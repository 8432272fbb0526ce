#pragma once
// Everything the GUI shows about one run, live or loaded from its directory:
// the per-epoch metrics (as the trainer reports them) plus what run.json says.
#include "training/TrainingEvents.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <vector>

namespace parity::gui {

struct RunRecord {
    QString runDir;                     ///< absolute path of the run directory
    QString header;                     ///< "<dataset> <model> <k> <loss> <encoder> <decoder>"
    QString status;                     ///< run.json "status": running, finished, stopped, failed, ...
    QJsonObject config;                 ///< run.json "config" (the resolved RunConfig)
    QStringList classNames;             ///< run.json "classes"
    std::vector<parity::BaseAccuracy> baseAccuracies;   ///< train and test
    std::vector<parity::EpochSummary> epochs;           ///< in epoch order, one per completed epoch
    double bestValReconstructionTop1 = 0;
    QString started;                    ///< ISO 8601 as in run.json
    QString updated;

    /// A short name for legends and lists: the header, else the directory name.
    QString displayName() const;
};

} // namespace parity::gui
