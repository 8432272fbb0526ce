#pragma once
#include "events/TrainingEvents.h"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace parity {

/// Formats a double as Python's repr() does (shortest round-trip digits,
/// scientific notation below 1e-4 and from 1e16): the original writes its
/// result files with "{}".format(value).
std::string pythonFloatRepr(double value);

/// The result files of one run directory (docs/BEHAVIOUR.md §3.7): one line per epoch in
/// `<split>_<metric>.txt` (top-n only for n <= classes), plus metrics.csv
/// (a row per epoch and split with every metric and the seconds taken) and
/// run.json (resolved configuration, environment, base-model accuracies).
class ResultWriter {
public:
    /// A classification run: the top-n metrics of ReconstructionMetrics.
    ResultWriter(std::string runDir, int64_t numClasses);
    /// Any other task: its metric keys (e.g. localizationMetricNames()).
    ResultWriter(std::string runDir, std::vector<std::string> accuracyNames);

    /// A fresh run: result files and checkpoints of an earlier run in the same
    /// directory are moved into `previous-<timestamp>/` (nothing is lost).
    /// Returns that folder's name, or "" when there was nothing to move.
    std::string startFresh();
    /// A resumed run: drop entries of epochs after `lastEpoch` (written after
    /// the checkpoint we resume from), so each epoch is recorded once, and
    /// the cut-off last line of an append a crash interrupted. Both this and
    /// startFresh delete temporary files that killed processes left behind.
    void keepEpochsUpTo(int lastEpoch);

    /// The numbers of missing predictions the run is scored with, ascending
    /// (default {1}). With any other set each split's metrics carry
    /// erasedMetricName keys: every e gets its own text files, and metrics.csv
    /// a column `erased` with one row per split and e.
    void setErasures(std::vector<int> erased);

    void appendEpoch(int epoch, const std::vector<SplitResult>& splits, double epochSeconds);
    /// One line in each `<split>_<metric>.txt` of `split` and nothing else:
    /// what the original's --only_test leaves behind (metrics.csv holds
    /// epochs only).
    void appendTextFiles(const SplitResult& split);
    void writeRunJson(const nlohmann::json& info) const;

    const std::string& runDir() const { return m_runDir; }
    std::vector<std::string> metricNames() const; ///< file stems without split, incl. "loss"

private:
    std::string m_runDir;
    std::vector<std::string> m_accuracyNames; ///< without "loss"
    std::vector<int> m_erased{1};
    bool singleErasure() const { return m_erased == std::vector<int>{1}; }
    /// Every accuracy key of a split: m_accuracyNames for each e.
    std::vector<std::string> allAccuracyNames() const;
};

} // namespace parity
