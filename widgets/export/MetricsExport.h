#pragma once
// A run's metrics written for spreadsheets and scripts.
#include "common/RunRecord.h"

#include <QByteArray>
#include <QString>

#include <vector>

namespace parity::gui {

/// metrics.csv as the core writes it: a row per epoch and split, columns
/// epoch,split,loss,<accuracies in the original's order>,groups,split_seconds,
/// epoch_seconds (groups and seconds 0 where the record does not know them);
/// a record of several numbers of missing predictions (r > 1, Berrut) has a
/// row per epoch, split and number, in an "erased" column after the split.
/// Written atomically; false with `error` filled on failure.
bool writeMetricsCsv(const RunRecord& record, const QString& path, QString* error = nullptr);

/// One JSON object: format "parity-workbench-metrics", header, status, config,
/// classes, base_model (run.json's: source and <split>_accuracy {correct,
/// total, accuracy}), provenance (run.json as recorded: versions, machine,
/// threads, seed),
/// best_val_reconstruction_top1 and "epochs": [{epoch, seconds, splits:
/// {<split>: {loss, groups, seconds, accuracy: {<metric>: value}}}}].
/// Non-finite values are written as null. Written atomically.
bool writeMetricsJson(const RunRecord& record, const QString& path, QString* error = nullptr);

/// Several runs in one file. One run: exactly writeMetricsCsv /
/// writeMetricsJson. More: the CSV gains a first column run_dir, the JSON is
/// {"format": "parity-workbench-metrics-set", "runs": [<one object per run>]}.
bool writeMetricsCsv(const std::vector<RunRecord>& records, const QString& path, QString* error = nullptr);
bool writeMetricsJson(const std::vector<RunRecord>& records, const QString& path, QString* error = nullptr);

/// A file name for exporting these runs' metrics, without a suffix: one
/// run's display name with what a file name should not hold ("/", spaces,
/// "·", "=") as "_" ("k_2_Add_Sub_MSE"); several: "metrics-of-<n>-runs".
QString metricsFileStem(const std::vector<RunRecord>& records);

/// `text` as a CSV field: quoted (quotes doubled) when it holds a comma, a
/// quote or a newline.
QByteArray csvQuoted(const QString& text);
/// Writes `bytes` to `path` through a QSaveFile (all or nothing); false with
/// "<path>: cannot write (<reason>)" in `error` on failure.
bool writeExportFile(const QString& path, const QByteArray& bytes, QString* error = nullptr);

} // namespace parity::gui
