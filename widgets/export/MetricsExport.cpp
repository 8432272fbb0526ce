#include "export/MetricsExport.h"

#include "events/MetricNames.h"
#include "io/ResultWriter.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>

#include <cmath>

namespace parity::gui {

namespace {


// The core's own number format, so an export of a loaded run matches its
// metrics.csv byte for byte.
QByteArray number(double value) { return QByteArray::fromStdString(parity::pythonFloatRepr(value)); }

QJsonValue jsonNumber(double value) { return std::isfinite(value) ? QJsonValue(value) : QJsonValue(); }

SplitTiming timingOf(const RunRecord& record, int epoch, const std::string& split)
{
    const auto e = record.splitTimings.find(epoch);
    if (e == record.splitTimings.end())
        return {};
    const auto s = e->second.find(split);
    return s == e->second.end() ? SplitTiming{} : s->second;
}

// The columns of metrics.csv: an "erased" column after the split when some
// run measured more than one number of missing predictions (r > 1, Berrut),
// as the trainer writes it.
QByteArray csvHeader(const QStringList& metrics, bool withRun, bool withErased)
{
    QByteArray out = withRun ? "run_dir,epoch,split," : "epoch,split,";
    out += withErased ? "erased,loss" : "loss";
    for (const auto& m : metrics)
        out += ',' + m.toUtf8();
    return out + ",groups,split_seconds,epoch_seconds\n";
}


// One row per epoch, split and number of missing predictions (the loss and
// timings are the split's), in the trainer's order.
QByteArray csvRows(const RunRecord& record, const QStringList& metrics, bool withRun, bool withErased)
{
    QByteArray out;
    const std::vector<int> erasedCounts = record.erasedCounts();
    for (const auto& epoch : record.epochs) {
        for (const auto& splitName : record.splitNames()) {
            const std::string split = splitName.toStdString();
            const auto found = epoch.splits.find(split);
            if (found == epoch.splits.end())
                continue;
            const SplitMetrics& s = found->second;
            const SplitTiming t = timingOf(record, epoch.epoch, split);
            for (const int erased : erasedCounts) {
                if (withRun)
                    out += csvQuoted(record.runDir) + ',';
                out += QByteArray::number(epoch.epoch) + ',' + splitName.toUtf8() + ',';
                if (withErased)
                    out += QByteArray::number(erased) + ',';
                out += number(s.loss);
                for (const auto& m : metrics) {
                    const auto a = s.accuracy.find(parity::erasedMetricName(m.toStdString(), erased));
                    out += ',' + (a == s.accuracy.end() ? QByteArray("nan") : number(a->second));
                }
                out += ',' + QByteArray::number(qint64(t.groups)) + ',' + number(t.seconds) + ','
                       + number(epoch.seconds) + '\n';
            }
        }
    }
    return out;
}

bool measuresSeveralErasures(const RunRecord& record) { return record.erasedCounts() != std::vector<int>{1}; }

QJsonObject metricsObject(const RunRecord& record)
{
    // The base model as run.json records it (its source too), else what the record knows.
    QJsonObject base = record.runJson.value(QStringLiteral("base_model")).toObject();
    for (const auto& acc : record.baseAccuracies)
        base.insert(QString::fromStdString(acc.split) + QStringLiteral("_accuracy"),
                    QJsonObject{{QStringLiteral("correct"), qint64(acc.correct)},
                                {QStringLiteral("total"), qint64(acc.total)},
                                {QStringLiteral("accuracy"), jsonNumber(acc.accuracy())}});
    QJsonArray epochs;
    for (const auto& epoch : record.epochs) {
        QJsonObject splits;
        for (const auto& [split, metrics] : epoch.splits) {
            QJsonObject accuracy;
            for (const auto& [name, value] : metrics.accuracy)
                accuracy.insert(QString::fromStdString(name), jsonNumber(value));
            const SplitTiming t = timingOf(record, epoch.epoch, split);
            splits.insert(QString::fromStdString(split), QJsonObject{{QStringLiteral("loss"), jsonNumber(metrics.loss)},
                                                                     {QStringLiteral("groups"), qint64(t.groups)},
                                                                     {QStringLiteral("seconds"), jsonNumber(t.seconds)},
                                                                     {QStringLiteral("accuracy"), accuracy}});
        }
        epochs.append(QJsonObject{{QStringLiteral("epoch"), epoch.epoch},
                                  {QStringLiteral("seconds"), jsonNumber(epoch.seconds)},
                                  {QStringLiteral("splits"), splits}});
    }
    // Provenance: run.json as recorded, less what the object already holds.
    QJsonObject provenance = record.runJson;
    for (const char* key : {"format", "header", "status", "config", "classes", "base_model", "started", "updated",
                            "best_val_reconstruction_top1"})
        provenance.remove(QLatin1String(key));
    return QJsonObject{
        {QStringLiteral("format"), QStringLiteral("parity-workbench-metrics")},
        {QStringLiteral("header"), record.header},
        {QStringLiteral("status"), record.status},
        {QStringLiteral("run_dir"), record.runDir},
        {QStringLiteral("config"), record.config},
        {QStringLiteral("classes"), QJsonArray::fromStringList(record.classNames)},
        {QStringLiteral("base_model"), base},
        {QStringLiteral("provenance"), provenance},
        {QStringLiteral("best_val_reconstruction_top1"), jsonNumber(record.bestValReconstructionTop1)},
        {QStringLiteral("started"), record.started},
        {QStringLiteral("updated"), record.updated},
        {QStringLiteral("epochs"), epochs},
    };
}

} // namespace

bool writeExportFile(const QString& path, const QByteArray& bytes, QString* error)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        if (error)
            *error = QStringLiteral("%1: cannot write (%2)").arg(path, file.errorString());
        return false;
    }
    file.write(bytes);
    if (!file.commit()) {
        if (error)
            *error = QStringLiteral("%1: cannot write (%2)").arg(path, file.errorString());
        return false;
    }
    return true;
}

QString metricsFileStem(const std::vector<RunRecord>& records)
{
    if (records.size() != 1)
        return QStringLiteral("metrics-of-%1-runs").arg(records.size());
    QString stem;
    for (const QChar c : records.front().displayName()) {
        const bool keep = (c.isLetterOrNumber() && c.unicode() < 128) || c == QLatin1Char('.') || c == QLatin1Char('-');
        if (keep)
            stem += c;
        else if (!stem.isEmpty() && !stem.endsWith(QLatin1Char('_')))
            stem += QLatin1Char('_');
    }
    while (stem.endsWith(QLatin1Char('_')))
        stem.chop(1);
    return (stem.isEmpty() ? QStringLiteral("run") : stem) + QStringLiteral("-metrics");
}

QByteArray csvQuoted(const QString& text)
{
    QByteArray s = text.toUtf8();
    if (!s.contains(',') && !s.contains('"') && !s.contains('\n'))
        return s;
    s.replace("\"", "\"\"");
    return '"' + s + '"';
}

bool writeMetricsCsv(const RunRecord& record, const QString& path, QString* error)
{
    const QStringList metrics = record.accuracyMetricNames();
    const bool erased = measuresSeveralErasures(record);
    return writeExportFile(path, csvHeader(metrics, false, erased) + csvRows(record, metrics, false, erased), error);
}

bool writeMetricsJson(const RunRecord& record, const QString& path, QString* error)
{
    return writeExportFile(path, QJsonDocument(metricsObject(record)).toJson(QJsonDocument::Indented), error);
}

bool writeMetricsCsv(const std::vector<RunRecord>& records, const QString& path, QString* error)
{
    if (records.size() == 1)
        return writeMetricsCsv(records.front(), path, error);
    // Every run's metrics in the columns of all of them (nan where a run has none).
    QStringList metrics;
    bool erased = false;
    for (const auto& r : records) {
        for (const auto& m : r.accuracyMetricNames())
            if (!metrics.contains(m))
                metrics << m;
        erased = erased || measuresSeveralErasures(r);
    }
    QByteArray out = csvHeader(metrics, true, erased);
    for (const auto& r : records)
        out += csvRows(r, metrics, true, erased);
    return writeExportFile(path, out, error);
}

bool writeMetricsJson(const std::vector<RunRecord>& records, const QString& path, QString* error)
{
    if (records.size() == 1)
        return writeMetricsJson(records.front(), path, error);
    QJsonArray runs;
    for (const auto& r : records)
        runs.append(metricsObject(r));
    const QJsonObject root{{QStringLiteral("format"), QStringLiteral("parity-workbench-metrics-set")},
                           {QStringLiteral("runs"), runs}};
    return writeExportFile(path, QJsonDocument(root).toJson(QJsonDocument::Indented), error);
}

} // namespace parity::gui
