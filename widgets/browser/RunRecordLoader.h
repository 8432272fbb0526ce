#pragma once
// Reads a finished (or running) run back from its directory, in either of the
// two layouts a save directory can hold: the Qt face of parity::RunDirectory
// (core/io), which owns the run directory's format.
#include "common/RunRecord.h"

#include <QString>

namespace parity::gui {

/// Loads a RunRecord from a run directory. The workbench writes run.json and
/// metrics.csv next to the original framework's per-metric text files
/// (`<split>_<metric>.txt`, one line per epoch); a result directory of the
/// original Python framework has only the text files. Every function returns
/// false with a message naming the file and the problem instead of throwing.
class RunRecordLoader {
public:
    using Layout = parity::RunContents::Layout;

    static Layout detect(const QString& dir);

    /// run.json + metrics.csv where present, else the text files. A run
    /// without run.json gets its identity from the directory path
    /// (`<dataset>/<model>/k<k>/<loss>/<encoder>/<decoder>`).
    static bool load(const QString& dir, RunRecord* record, QString* error);

    /// Only metrics.csv (e.g. one written by an export): epochs and timings.
    static bool readMetricsCsv(const QString& path, RunRecord* record, QString* error);
    /// Reads `dir`'s served_accuracy.csv into record->served (reset when the
    /// file is not there) and record->servedProblem (why it does not read).
    static void readServed(const QString& dir, RunRecord* record);
    /// Fills config keys dataset, model, k, loss, encoder, decoder and the
    /// header from the path; false when the path does not have that shape.
    static bool identityFromPath(const QString& dir, RunRecord* record);

    /// The core's contents as a RunRecord.
    static RunRecord toRecord(const parity::RunContents& contents);
};

} // namespace parity::gui
