#include "browser/RunRecordLoader.h"

#include <QFileInfo>

#include "util/Error.h"

#include <QJsonDocument>

namespace parity::gui {

namespace {

QString q(const std::string& s) { return QString::fromStdString(s); }

bool fail(QString* error, const QString& message)
{
    if (error)
        *error = message;
    return false;
}

} // namespace

RunRecordLoader::Layout RunRecordLoader::detect(const QString& dir) { return RunDirectory(dir.toStdString()).layout(); }

RunRecord RunRecordLoader::toRecord(const RunContents& c)
{
    RunRecord r;
    r.runDir = q(c.runDir);
    r.header = q(c.header);
    r.status = q(c.status);
    r.config = QJsonDocument::fromJson(QByteArray::fromStdString(c.config.dump())).object();
    for (const auto& name : c.classNames)
        r.classNames << q(name);
    r.baseAccuracies = c.baseAccuracies;
    r.epochs = c.epochs;
    r.bestValReconstructionTop1 = c.bestValReconstructionTop1;
    r.epochsCompleted = c.epochsCompleted;
    if (c.record.is_object())
        r.runJson = QJsonDocument::fromJson(QByteArray::fromStdString(c.record.dump())).object();
    r.started = q(c.started);
    r.updated = q(c.updated);
    r.splitTimings = c.splitTimings;
    r.served = c.served;
    r.servedProblem = q(c.servedProblem);
    r.deriveTitle();
    return r;
}

bool RunRecordLoader::load(const QString& dir, RunRecord* record, QString* error)
{
    try {
        *record = toRecord(RunDirectory(dir.toStdString()).read());
        return true;
    } catch (const std::exception& e) {
        return fail(error, q(e.what()));
    }
}

bool RunRecordLoader::readMetricsCsv(const QString& path, RunRecord* record, QString* error)
{
    try {
        RunContents contents;
        RunDirectory::readMetricsCsv(path.toStdString(), &contents);
        record->epochs = contents.epochs;
        record->splitTimings = contents.splitTimings;
        return true;
    } catch (const std::exception& e) {
        return fail(error, q(e.what()));
    }
}

void RunRecordLoader::readServed(const QString& dir, RunRecord* record)
{
    record->served.reset();
    record->servedProblem.clear();
    const std::string path = RunDirectory(dir.toStdString()).file(runfiles::kServedAccuracy);
    if (!QFileInfo::exists(q(path)))
        return;
    try {
        record->served = readServedAccuracyCsv(path);
    } catch (const std::exception& e) {
        record->servedProblem = q(e.what());
    }
}

bool RunRecordLoader::identityFromPath(const QString& dir, RunRecord* record)
{
    RunContents contents;
    if (!RunDirectory::identityFromPath(dir.toStdString(), &contents))
        return false;
    const RunRecord r = toRecord(contents);
    for (auto it = r.config.begin(); it != r.config.end(); ++it)
        record->config.insert(it.key(), it.value());
    record->header = r.header;
    return true;
}

} // namespace parity::gui
