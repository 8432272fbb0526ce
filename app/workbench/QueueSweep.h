#pragma once
// The queue as one sweep, for a Slurm job array (issue 16).
#include "config/SweepConfig.h"

#include <QString>

#include <optional>
#include <vector>

namespace parity::gui {

/// The queue as one sweep: its runs are exactly the queue's, in order.
struct QueueSweep {
    parity::SweepConfig sweep;
    bool fromFile = false; ///< it is the configuration file the queue was opened from

    /// The file the runs were opened from when they are still what it
    /// describes, else a sweep made of them (the axes dataset, model, k,
    /// ec_r, loss and coders; every other setting shared). Paths the form
    /// holds relative are made absolute (relative to the current folder, as
    /// the workbench reads them), since the tasks run elsewhere. Nothing,
    /// and `error` says why, when no sweep has exactly these runs (e.g. two
    /// runs of a queue edited to different epochs).
    static std::optional<QueueSweep> of(const std::vector<parity::RunConfig>& runs, const QString& configPath,
                                        QString* error);
};

} // namespace parity::gui
