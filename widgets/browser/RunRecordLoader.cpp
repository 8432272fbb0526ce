#include "browser/RunRecordLoader.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QRegularExpression>

#include <algorithm>
#include <cmath>
#include <limits>

namespace parity::gui
{

namespace
{

const QString kRunJson = QStringLiteral("run.json");
const QString kMetricsCsv = QStringLiteral("metrics.csv");

bool fail(QString* error, const QString& message)
{
    if (error)
        *error = message;
    return false;
}

// Python's repr() writes "nan", "inf" and "-inf", which the core copies.
bool parseNumber(const QString& text, double* value)
{
    const QString t = text.trimmed();
    if (t == QLatin1String("nan") || t == QLatin1String("-nan")) {
        *value = std::numeric_limits<double>::quiet_NaN();
        return true;
    }
    if (t == QLatin1String("inf") || t == QLatin1String("-inf")) {
        *value = t.startsWith(QLatin1Char('-')) ? -std::numeric_limits<double>::infinity()
                                                : std::numeric_limits<double>::infinity();
        return true;
    }
    bool ok = false;
    *value = t.toDouble(&ok);
    return ok;
}

bool readLines(const QString& path, QStringList* lines, bool* endsWithNewline, QString* error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return fail(error, QStringLiteral("%1: cannot open (%2)").arg(path, file.errorString()));
    const QString text = QString::fromUtf8(file.readAll());
    *endsWithNewline = text.endsWith(QLatin1Char('\n'));
    *lines = text.split(QLatin1Char('\n'));
    for (auto& line : *lines)
        if (line.endsWith(QLatin1Char('\r')))
            line.chop(1);
    while (!lines->isEmpty() && lines->last().trimmed().isEmpty())
        lines->removeLast();
    return true;
}

EpochSummary& epochFor(RunRecord* record, int epoch)
{
    for (auto& e : record->epochs)
        if (e.epoch == epoch)
            return e;
    EpochSummary summary;
    summary.epoch = epoch;
    record->epochs.push_back(summary);
    return record->epochs.back();
}

// Per-epoch best-so-far, as the trainer reports it live.
void fillBestSoFar(RunRecord* record, bool takeBestFromEpochs)
{
    std::sort(record->epochs.begin(), record->epochs.end(),
        [](const EpochSummary& a, const EpochSummary& b) { return a.epoch < b.epoch; });
    double best = 0;
    for (auto& e : record->epochs) {
        e.improvedBest = false;
        const auto val = e.splits.find("val");
        if (val != e.splits.end()) {
            auto top1 = val->second.accuracy.find("reconstruction_top1");
            if (top1 == val->second.accuracy.end())
                top1 = val->second.accuracy.find("reconstruction_acc");   // a localization run
            e.improvedBest = top1 != val->second.accuracy.end() && top1->second > best;
            if (e.improvedBest)
                best = top1->second;
        }
        e.bestValReconstructionTop1 = best;
    }
    if (takeBestFromEpochs)
        record->bestValReconstructionTop1 = best;
}

} // namespace

bool RunRecordLoader::isOriginalMetricFile(const QString& fileName)
{
    static const QRegularExpression kPattern(
        QStringLiteral("^(train|val|test)_(loss|(reconstruction|overall)_top\\d+)\\.txt$"));
    return kPattern.match(fileName).hasMatch();
}

RunRecordLoader::Layout RunRecordLoader::detect(const QString& dir)
{
    const QDir d(dir);
    if (!d.exists())
        return Layout::None;
    if (d.exists(kRunJson) || d.exists(kMetricsCsv))
        return Layout::Workbench;
    const auto files = d.entryList({ QStringLiteral("*.txt") }, QDir::Files);
    for (const auto& name : files)
        if (isOriginalMetricFile(name))
            return Layout::Original;
    return Layout::None;
}

bool RunRecordLoader::load(const QString& dir, RunRecord* record, QString* error)
{
    const Layout layout = detect(dir);
    if (layout == Layout::None)
        return fail(error, QStringLiteral("%1: no run.json, metrics.csv or <split>_<metric>.txt files").arg(dir));
    RunRecord r;
    r.runDir = QFileInfo(dir).absoluteFilePath();
    const QDir d(r.runDir);
    const bool hasJson = d.exists(kRunJson);
    if (hasJson) {
        if (!readRunJson(d.filePath(kRunJson), &r, error))
            return false;
    } else {
        identityFromPath(r.runDir, &r);
    }
    if (d.exists(kMetricsCsv)) {
        if (!readMetricsCsv(d.filePath(kMetricsCsv), &r, error))
            return false;
    } else if (!readOriginalTextFiles(r.runDir, &r, error)) {
        return false;
    }
    // The trainer appends to metrics.csv before it rewrites run.json, so fewer
    // epochs than run.json counts means the file lost its end.
    if (hasJson && int(r.epochs.size()) < r.epochsCompleted) {
        const QString source = d.exists(kMetricsCsv) ? d.filePath(kMetricsCsv) : r.runDir;
        return fail(error,
            QStringLiteral("%1: holds %2 epochs but run.json says %3 were completed (truncated?)")
                .arg(source)
                .arg(r.epochs.size())
                .arg(r.epochsCompleted));
    }
    fillBestSoFar(&r, !hasJson);
    if (!hasJson)
        r.epochsCompleted = int(r.epochs.size());
    *record = std::move(r);
    return true;
}

bool RunRecordLoader::readRunJson(const QString& path, RunRecord* record, QString* error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return fail(error, QStringLiteral("%1: cannot open (%2)").arg(path, file.errorString()));
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(file.readAll(), &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return fail(error,
            QStringLiteral("%1: not valid JSON (%2 at offset %3)")
                .arg(path, parseError.errorString())
                .arg(parseError.offset));
    if (!doc.isObject())
        return fail(error, QStringLiteral("%1: expected a JSON object").arg(path));
    const QJsonObject j = doc.object();
    const QString format = j.value(QStringLiteral("format")).toString();
    if (format != QLatin1String("parity-workbench-run"))
        return fail(
            error, QStringLiteral("%1: \"format\" is \"%2\", expected \"parity-workbench-run\"").arg(path, format));
    if (j.contains(QStringLiteral("config")) && !j.value(QStringLiteral("config")).isObject())
        return fail(error, QStringLiteral("%1: \"config\" is not an object").arg(path));

    record->header = j.value(QStringLiteral("header")).toString();
    record->status = j.value(QStringLiteral("status")).toString();
    record->config = j.value(QStringLiteral("config")).toObject();
    record->started = j.value(QStringLiteral("started")).toString();
    record->updated = j.value(QStringLiteral("updated")).toString();
    record->bestValReconstructionTop1 = j.value(QStringLiteral("best_val_reconstruction_top1")).toDouble();
    record->epochsCompleted = j.value(QStringLiteral("epochs_completed")).toInt();
    record->classNames.clear();
    for (const auto& c : j.value(QStringLiteral("classes")).toArray())
        record->classNames << c.toString();
    record->baseAccuracies.clear();
    const QJsonObject base = j.value(QStringLiteral("base_model")).toObject();
    for (const QString& split : { QStringLiteral("train"), QStringLiteral("val"), QStringLiteral("test") }) {
        const QJsonValue v = base.value(split + QStringLiteral("_accuracy"));
        if (!v.isObject())
            continue;
        BaseAccuracy acc;
        acc.split = split.toStdString();
        acc.correct = v.toObject().value(QStringLiteral("correct")).toInteger();
        acc.total = v.toObject().value(QStringLiteral("total")).toInteger();
        record->baseAccuracies.push_back(acc);
    }
    return true;
}

bool RunRecordLoader::readMetricsCsv(const QString& path, RunRecord* record, QString* error)
{
    QStringList lines;
    bool endsWithNewline = false;
    if (!readLines(path, &lines, &endsWithNewline, error))
        return false;
    if (lines.isEmpty())
        return fail(error, QStringLiteral("%1: empty file (no header line)").arg(path));
    const QStringList header = lines.first().split(QLatin1Char(','));
    if (header.size() < 3 || header[0] != QLatin1String("epoch") || header[1] != QLatin1String("split")
        || header[2] != QLatin1String("loss"))
        return fail(error, QStringLiteral("%1: line 1: expected a header starting \"epoch,split,loss\"").arg(path));
    if (lines.size() > 1 && !endsWithNewline)
        return fail(
            error, QStringLiteral("%1: line %2: the last line is incomplete (truncated?)").arg(path).arg(lines.size()));

    std::vector<EpochSummary> epochs;
    std::map<int, std::map<std::string, SplitTiming>> timings;
    RunRecord parsed;
    for (int i = 1; i < lines.size(); ++i) {
        const int lineNo = i + 1;
        const QStringList fields = lines[i].split(QLatin1Char(','));
        if (fields.size() != header.size())
            return fail(error,
                QStringLiteral("%1: line %2: expected %3 fields, found %4 (truncated?)")
                    .arg(path)
                    .arg(lineNo)
                    .arg(header.size())
                    .arg(fields.size()));
        bool ok = false;
        const int epoch = fields[0].toInt(&ok);
        if (!ok || epoch < 0)
            return fail(error,
                QStringLiteral("%1: line %2: epoch \"%3\" is not a number").arg(path).arg(lineNo).arg(fields[0]));
        const std::string split = fields[1].trimmed().toStdString();
        if (split.empty())
            return fail(error, QStringLiteral("%1: line %2: empty split name").arg(path).arg(lineNo));
        EpochSummary& summary = epochFor(&parsed, epoch);
        if (summary.splits.count(split))
            return fail(error,
                QStringLiteral("%1: line %2: epoch %3 split %4 appears twice")
                    .arg(path)
                    .arg(lineNo)
                    .arg(epoch)
                    .arg(fields[1]));
        SplitMetrics& metrics = summary.splits[split];
        SplitTiming& timing = parsed.splitTimings[epoch][split];
        for (int c = 2; c < header.size(); ++c) {
            double value = 0;
            if (!parseNumber(fields[c], &value))
                return fail(error,
                    QStringLiteral("%1: line %2: \"%3\" in column %4 is not a number")
                        .arg(path)
                        .arg(lineNo)
                        .arg(fields[c], header[c]));
            const QString& column = header[c];
            if (column == QLatin1String("loss"))
                metrics.loss = value;
            else if (column == QLatin1String("groups"))
                timing.groups = int64_t(value);
            else if (column == QLatin1String("split_seconds"))
                timing.seconds = value;
            else if (column == QLatin1String("epoch_seconds"))
                summary.seconds = value;
            else
                metrics.accuracy[column.toStdString()] = value;
        }
    }
    // Each epoch's rows are appended together: a last epoch with fewer splits
    // than the first lost its end.
    if (parsed.epochs.size() > 1 && parsed.epochs.back().splits.size() < parsed.epochs.front().splits.size())
        return fail(error,
            QStringLiteral("%1: epoch %2 has %3 of %4 splits (truncated?)")
                .arg(path)
                .arg(parsed.epochs.back().epoch)
                .arg(parsed.epochs.back().splits.size())
                .arg(parsed.epochs.front().splits.size()));
    record->epochs = std::move(parsed.epochs);
    record->splitTimings = std::move(parsed.splitTimings);
    return true;
}

bool RunRecordLoader::readOriginalTextFiles(const QString& dir, RunRecord* record, QString* error)
{
    const QDir d(dir);
    std::map<std::string, std::map<std::string, std::vector<double>>> values; // split -> metric -> per epoch
    size_t epochCount = std::numeric_limits<size_t>::max();
    for (const auto& name : d.entryList({ QStringLiteral("*.txt") }, QDir::Files, QDir::Name)) {
        if (!isOriginalMetricFile(name))
            continue;
        const QString path = d.filePath(name);
        QStringList lines;
        bool endsWithNewline = false;
        if (!readLines(path, &lines, &endsWithNewline, error))
            return false;
        const QString stem = name.chopped(4);
        const int underscore = stem.indexOf(QLatin1Char('_'));
        auto& column = values[stem.left(underscore).toStdString()][stem.mid(underscore + 1).toStdString()];
        for (int i = 0; i < lines.size(); ++i) {
            double value = 0;
            if (!parseNumber(lines[i], &value))
                return fail(
                    error, QStringLiteral("%1: line %2: \"%3\" is not a number").arg(path).arg(i + 1).arg(lines[i]));
            column.push_back(value);
        }
        // An interrupted run may have written some files of its last epoch only.
        epochCount = std::min(epochCount, column.size());
    }
    if (values.empty())
        return fail(error, QStringLiteral("%1: no <split>_<metric>.txt files").arg(dir));
    record->epochs.clear();
    record->splitTimings.clear();
    for (size_t e = 0; e < epochCount; ++e) {
        EpochSummary summary;
        summary.epoch = int(e);
        for (const auto& [split, metrics] : values)
            for (const auto& [metric, column] : metrics) {
                if (metric == "loss")
                    summary.splits[split].loss = column[e];
                else
                    summary.splits[split].accuracy[metric] = column[e];
            }
        record->epochs.push_back(summary);
    }
    return true;
}

bool RunRecordLoader::identityFromPath(const QString& dir, RunRecord* record)
{
    QStringList parts = QDir::cleanPath(QFileInfo(dir).absoluteFilePath()).split(QLatin1Char('/'), Qt::SkipEmptyParts);
    // Results moved aside by a fresh run sit in <run>/previous-<timestamp>/.
    while (!parts.isEmpty() && parts.last().startsWith(QLatin1String("previous-")))
        parts.removeLast();
    if (parts.size() < 6)
        return false;
    const QStringList id = parts.mid(parts.size() - 6);
    static const QRegularExpression kK(QStringLiteral("^k(\\d+)$"));
    const auto match = kK.match(id[2]);
    if (!match.hasMatch())
        return false;
    const int k = match.captured(1).toInt();
    record->config.insert(QStringLiteral("dataset"), id[0]);
    record->config.insert(QStringLiteral("model"), id[1]);
    record->config.insert(QStringLiteral("k"), k);
    record->config.insert(QStringLiteral("loss"), id[3]);
    record->config.insert(QStringLiteral("encoder"), id[4]);
    record->config.insert(QStringLiteral("decoder"), id[5]);
    record->header = QStringList { id[0], id[1], QString::number(k), id[3], id[4], id[5] }.join(QLatin1Char(' '));
    return true;
}

} // namespace parity::gui
