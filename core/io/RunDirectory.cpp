#include "io/RunDirectory.h"
#include "util/Text.h"

#include "events/MetricNames.h"
#include "util/AtomicFile.h"
#include "util/Error.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>
#include <regex>
#include <set>
#include <sstream>
#include <tuple>

namespace fs = std::filesystem;

namespace parity {

namespace runfiles {

std::string metricFile(const std::string& split, const std::string& metric) { return split + "_" + metric + ".txt"; }

bool isMetricFile(const std::string& name)
{
    static const std::regex kPattern(
        "^(train|val|test)_(loss|(reconstruction|overall)_top\\d+(_e\\d+)?|localization_acc|"
        "reconstruction_acc|mean_iou|mean_reconstruction_iou)\\.txt$");
    return std::regex_match(name, kPattern);
}

bool isRunFile(const std::string& name)
{
    const bool text = name.size() > 4 && name.compare(name.size() - 4, 4, ".txt") == 0;
    return text || name == kMetricsCsv || name == kRunJson || name == kCurrentCheckpoint || name == kBestCheckpoint
           || name == kOnlyTest || name == kServedAccuracy;
}

} // namespace runfiles

const char* checkpointFileName(CheckpointKind kind)
{
    return kind == CheckpointKind::Best ? runfiles::kBestCheckpoint : runfiles::kCurrentCheckpoint;
}

namespace {

// Python's repr() writes "nan", "inf" and "-inf", which the core copies.
bool parseNumber(std::string t, double* value)
{
    while (!t.empty() && std::isspace(static_cast<unsigned char>(t.back())))
        t.pop_back();
    size_t start = 0;
    while (start < t.size() && std::isspace(static_cast<unsigned char>(t[start])))
        ++start;
    t = t.substr(start);
    if (t == "nan" || t == "-nan") {
        *value = std::numeric_limits<double>::quiet_NaN();
        return true;
    }
    if (t == "inf" || t == "-inf") {
        *value = t[0] == '-' ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
        return true;
    }
    if (t.empty())
        return false;
    std::istringstream in(t);
    in.imbue(std::locale::classic());
    double v = 0;
    in >> v;
    if (in.fail() || !in.eof())
        return false;
    *value = v;
    return true;
}

// The file's lines without trailing "\r" and trailing blank lines; whether
// the text ends with a newline (an append cut short does not).
std::vector<std::string> readLines(const std::string& path, bool* endsWithNewline)
{
    const std::string text = readWholeFile(path);
    *endsWithNewline = !text.empty() && text.back() == '\n';
    std::vector<std::string> lines;
    size_t at = 0;
    while (at <= text.size()) {
        size_t end = text.find('\n', at);
        if (end == std::string::npos)
            end = text.size();
        std::string line = text.substr(at, end - at);
        if (!line.empty() && line.back() == '\r')
            line.pop_back();
        lines.push_back(std::move(line));
        at = end + 1;
    }
    auto blank = [](const std::string& l) {
        return std::all_of(l.begin(), l.end(), [](char c) { return std::isspace(static_cast<unsigned char>(c)); });
    };
    while (!lines.empty() && blank(lines.back()))
        lines.pop_back();
    return lines;
}

std::vector<std::string> splitOn(const std::string& s, char sep)
{
    std::vector<std::string> out;
    size_t at = 0;
    for (;;) {
        const size_t end = s.find(sep, at);
        out.push_back(s.substr(at, end == std::string::npos ? std::string::npos : end - at));
        if (end == std::string::npos)
            return out;
        at = end + 1;
    }
}

EpochSummary& epochFor(std::vector<EpochSummary>& epochs, int epoch)
{
    for (auto& e : epochs)
        if (e.epoch == epoch)
            return e;
    EpochSummary summary;
    summary.epoch = epoch;
    epochs.push_back(summary);
    return epochs.back();
}

// Per-epoch best-so-far, as the trainer reports it live.
void fillBestSoFar(RunContents* run, bool takeBestFromEpochs)
{
    std::sort(run->epochs.begin(), run->epochs.end(),
              [](const EpochSummary& a, const EpochSummary& b) { return a.epoch < b.epoch; });
    double best = 0;
    // No epoch with a val split (val_size 0): there is no best, not a 0.
    const bool anyVal = std::any_of(run->epochs.begin(), run->epochs.end(),
                                    [](const EpochSummary& e) { return e.splits.count("val") > 0; });
    if (!anyVal && !run->epochs.empty())
        best = std::numeric_limits<double>::quiet_NaN();
    for (auto& e : run->epochs) {
        e.improvedBest = false;
        const auto val = e.splits.find("val");
        if (val != e.splits.end()) {
            auto top1 = val->second.accuracy.find("reconstruction_top1");
            if (top1 == val->second.accuracy.end())
                top1 = val->second.accuracy.find("reconstruction_acc"); // a localization run
            e.improvedBest = top1 != val->second.accuracy.end() && top1->second > best;
            if (e.improvedBest)
                best = top1->second;
        }
        e.bestValReconstructionTop1 = best;
    }
    if (takeBestFromEpochs)
        run->bestValReconstructionTop1 = best;
}

std::string str(const nlohmann::json& j, const char* key)
{
    const auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// A number from run.json, or `otherwise` when the key is missing or holds no
// number (as QJsonValue::toDouble read it: a hand-edited or null value does
// not make the whole record unreadable).
template <typename T>
T num(const nlohmann::json& j, const char* key, T otherwise)
{
    const auto it = j.find(key);
    return it != j.end() && it->is_number() ? it->get<T>() : otherwise;
}

} // namespace

RunDirectory::RunDirectory(std::string path)
    : m_path(std::move(path))
{
}

// RunConfig::runDir() composes the path (the configuration layer needs it for
// headers and messages); everything else about the directory lives here.
std::string RunDirectory::relativePath(const RunConfig& c)
{
    RunConfig unsaved = c;
    unsaved.saveDir.clear();
    return unsaved.runDir();
}

RunDirectory RunDirectory::of(const RunConfig& config) { return RunDirectory(config.runDir()); }

std::string RunDirectory::file(const std::string& name) const { return (fs::path(m_path) / name).string(); }

bool RunDirectory::hasCheckpoint(CheckpointKind kind) const
{
    std::error_code ec;
    return fs::is_regular_file(checkpoint(kind), ec);
}

nlohmann::json RunDirectory::readRunJson() const
{
    const std::string path = runJson();
    const std::string text = readWholeFile(path);
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(text);
    } catch (const nlohmann::json::parse_error& e) {
        throw Error(path + ": not valid JSON (" + e.what() + " at offset " + std::to_string(e.byte) + ")");
    }
    if (!j.is_object())
        throw Error(path + ": expected a JSON object");
    const std::string format = str(j, "format");
    if (format != "parity-workbench-run")
        throw Error(path + ": \"format\" is \"" + format + "\", expected \"parity-workbench-run\"");
    if (j.contains("config") && !j["config"].is_object())
        throw Error(path + ": \"config\" is not an object");
    return j;
}

RunConfig RunDirectory::readConfig() const
{
    const nlohmann::json j = readRunJson();
    RunConfig config;
    try {
        config = RunConfig::fromJson(j.at("config"));
    } catch (const std::exception& e) {
        throw Error(runJson() + ": not a readable run record: " + e.what());
    }
    // The run continues where it is, also when its save directory was moved
    // or copied: the save directory is this path minus the run's relative path.
    std::error_code ec;
    const fs::path here = fs::weakly_canonical(fs::absolute(m_path), ec);
    if (fs::weakly_canonical(fs::absolute(RunDirectory::of(config).path()), ec) != here) {
        fs::path save = here;
        for (const auto& part : fs::path(relativePath(config))) {
            (void)part;
            save = save.parent_path();
        }
        RunConfig moved = config;
        moved.saveDir = save.string();
        if (fs::weakly_canonical(fs::absolute(RunDirectory::of(moved).path()), ec) != here)
            throw Error(m_path + " is not where its run.json says the run lives (" + RunDirectory::of(config).path()
                        + "), e.g. an earlier run kept in previous-*: copy it to a save directory of its own to "
                          "continue it");
        config = moved;
    }
    return config;
}

std::string ExistingRun::whyNotResumable() const
{
    if (!present)
        return "there is no run to resume";
    if (!problem.empty())
        return "its record cannot be read (" + problem + ")";
    if (!hasCheckpoint)
        return "it has no checkpoint (no epoch was completed)";
    if (!differences.empty()) {
        std::string text = "these settings differ from the run's: ";
        for (size_t i = 0; i < differences.size(); ++i)
            text += (i ? "; " : "") + differences[i];
        return text;
    }
    // A run that trains nothing evaluates at least once (Epochs 0 included),
    // and each further epoch evaluates it over that epoch's group order.
    const int asked = epochsAsked();
    if (asked <= epochsCompleted)
        return "it has completed " + std::to_string(epochsCompleted) + " of the " + std::to_string(asked)
               + (asked == 1 ? " epoch" : " epochs") + " asked for"
               + (wantedTrainsNothing ? std::string(wantedEpochs == 0 ? " (Epochs 0 evaluates once)" : "")
                                            + "; it trains nothing: raise Epochs to evaluate it over more group orders"
                                      : " (raise Epochs to continue it)");
    return "";
}

ExistingRun RunDirectory::existingRun(const RunConfig& wanted) const
{
    ExistingRun existing;
    existing.wantedEpochs = wanted.numEpochs;
    existing.wantedTrainsNothing = wanted.trainsNothing();
    existing.checkpoint = checkpoint(CheckpointKind::Current);
    existing.hasCheckpoint = hasCheckpoint(CheckpointKind::Current);
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(m_path, ec))
        existing.present |= entry.is_regular_file(ec) && runfiles::isRunFile(entry.path().filename().string());
    if (!existing.present)
        return existing;
    if (!fs::exists(runJson(), ec)) {
        existing.problem = runJson() + " is missing";
        return existing;
    }
    try {
        const nlohmann::json j = readRunJson();
        existing.status = str(j, "status");
        existing.epochsCompleted = num(j, "epochs_completed", 0);
        const RunConfig saved = readConfig();
        existing.numEpochs = saved.numEpochs;
        existing.differences = RunConfig::listDifferences(saved, wanted);
    } catch (const std::exception& e) {
        existing.problem = e.what();
    }
    return existing;
}

RunContents::Layout RunDirectory::layout() const
{
    std::error_code ec;
    if (!fs::is_directory(m_path, ec))
        return RunContents::Layout::None;
    if (fs::exists(runJson(), ec) || fs::exists(metricsCsv(), ec))
        return RunContents::Layout::Workbench;
    for (const auto& entry : fs::directory_iterator(m_path, ec))
        if (entry.is_regular_file(ec) && runfiles::isMetricFile(entry.path().filename().string()))
            return RunContents::Layout::Original;
    return RunContents::Layout::None;
}

RunContents RunDirectory::read() const
{
    RunContents run;
    run.layout = layout();
    if (run.layout == RunContents::Layout::None)
        throw Error(m_path + ": no run.json, metrics.csv or <split>_<metric>.txt files");
    std::error_code ec;
    run.runDir = fs::absolute(m_path, ec).lexically_normal().string();
    if (run.runDir.size() > 1 && run.runDir.back() == '/')
        run.runDir.pop_back();
    const bool hasJson = fs::exists(runJson(), ec);
    if (hasJson) {
        try {
            const nlohmann::json j = readRunJson();
            run.record = j;
            run.header = str(j, "header");
            run.status = str(j, "status");
            if (j.contains("config"))
                run.config = j["config"];
            run.started = str(j, "started");
            run.updated = str(j, "updated");
            // null (no validation split) or missing: not known, NaN.
            run.bestValReconstructionTop1 = num(j, "best_val_reconstruction_top1",
                                                std::numeric_limits<double>::quiet_NaN());
            run.epochsCompleted = num(j, "epochs_completed", 0);
            if (j.contains("classes") && j["classes"].is_array())
                for (const auto& c : j["classes"])
                    run.classNames.push_back(c.is_string() ? c.get<std::string>() : std::string());
            if (j.contains("base_model") && j["base_model"].is_object()) {
                const nlohmann::json& base = j["base_model"];
                for (const char* split : {"train", "val", "test"}) {
                    const auto it = base.find(std::string(split) + "_accuracy");
                    if (it == base.end() || !it->is_object())
                        continue;
                    BaseAccuracy acc;
                    acc.split = split;
                    acc.correct = num(*it, "correct", int64_t(0));
                    acc.total = num(*it, "total", int64_t(0));
                    run.baseAccuracies.push_back(acc);
                }
            }
        } catch (const nlohmann::json::exception& e) {
            throw Error(runJson() + ": " + e.what());
        }
    } else {
        identityFromPath(run.runDir, &run);
    }
    const bool hasCsv = fs::exists(metricsCsv(), ec);
    if (hasCsv)
        readMetricsCsv(metricsCsv(), &run);
    else
        readOriginalTextFiles(&run);
    // The trainer appends to metrics.csv before it rewrites run.json, so fewer
    // epochs than run.json counts means the file lost its end.
    if (hasJson && int(run.epochs.size()) < run.epochsCompleted)
        throw Error((hasCsv ? metricsCsv() : m_path) + ": holds " + std::to_string(run.epochs.size())
                    + " epochs but run.json says " + std::to_string(run.epochsCompleted)
                    + " were completed (truncated?)");
    fillBestSoFar(&run, !hasJson);
    if (!hasJson)
        run.epochsCompleted = int(run.epochs.size());
    if (fs::exists(file(runfiles::kServedAccuracy), ec)) {
        try {
            run.served = readServedAccuracyCsv(file(runfiles::kServedAccuracy));
        } catch (const std::exception& e) {
            run.servedProblem = e.what();
        }
    }
    return run;
}

void RunDirectory::readMetricsCsv(const std::string& path, RunContents* run)
{
    bool endsWithNewline = false;
    const std::vector<std::string> lines = readLines(path, &endsWithNewline);
    if (lines.empty())
        throw Error(path + ": empty file (no header line)");
    const std::vector<std::string> header = splitOn(lines.front(), ',');
    // Runs scored with several numbers of missing predictions (docs/CODES.md)
    // have a column `erased` after the split: one row per split and e.
    const bool erasedColumn = header.size() >= 4 && header[2] == "erased";
    const size_t firstValue = erasedColumn ? 3 : 2;
    if (header.size() < 3 || header[0] != "epoch" || header[1] != "split" || header[firstValue] != "loss")
        throw Error(path
                    + ": line 1: expected a header starting \"epoch,split,loss\" (or \"epoch,split,erased,loss\")");
    if (lines.size() > 1 && !endsWithNewline)
        throw Error(path + ": line " + std::to_string(lines.size()) + ": the last line is incomplete (truncated?)");

    std::vector<EpochSummary> epochs;
    std::map<int, std::map<std::string, SplitTiming>> timings;
    std::set<std::tuple<int, std::string, int>> seen; // epoch, split, erased
    for (size_t i = 1; i < lines.size(); ++i) {
        const std::string lineNo = std::to_string(i + 1);
        const std::vector<std::string> fields = splitOn(lines[i], ',');
        if (fields.size() != header.size())
            throw Error(path + ": line " + lineNo + ": expected " + std::to_string(header.size()) + " fields, found "
                        + std::to_string(fields.size()) + " (truncated?)");
        double epochValue = -1;
        if (!parseNumber(fields[0], &epochValue) || !std::isfinite(epochValue) || epochValue < 0
            || epochValue > double(std::numeric_limits<int>::max()) || std::floor(epochValue) != epochValue)
            throw Error(path + ": line " + lineNo + ": epoch \"" + fields[0] + "\" is not a number");
        const int epoch = int(epochValue);
        const std::string split = trimmed(fields[1]);
        if (split.empty())
            throw Error(path + ": line " + lineNo + ": empty split name");
        int erased = 1;
        if (erasedColumn) {
            double e = -1;
            if (!parseNumber(fields[2], &e) || e < 0 || e > 1000 || std::floor(e) != e)
                throw Error(path + ": line " + lineNo + ": erased \"" + fields[2] + "\" is not a whole number");
            erased = int(e);
        }
        EpochSummary& summary = epochFor(epochs, epoch);
        if (!seen.insert({epoch, split, erased}).second)
            throw Error(path + ": line " + lineNo + ": epoch " + std::to_string(epoch) + " split " + fields[1]
                        + (erasedColumn ? " erased " + fields[2] : std::string()) + " appears twice");
        SplitMetrics& metrics = summary.splits[split];
        SplitTiming& timing = timings[epoch][split];
        for (size_t c = firstValue; c < header.size(); ++c) {
            double value = 0;
            if (!parseNumber(fields[c], &value))
                throw Error(path + ": line " + lineNo + ": \"" + fields[c] + "\" in column " + header[c]
                            + " is not a number");
            const std::string& column = header[c];
            if (erased != 1) {
                // The split's loss and timing are on every row: the e = 1 row's count.
                if (column != "loss" && column != "groups" && column != "split_seconds" && column != "epoch_seconds")
                    metrics.accuracy[erasedMetricName(column, erased)] = value;
                continue;
            }
            if (column == "loss")
                metrics.loss = value;
            else if (column == "groups")
                timing.groups = int64_t(value);
            else if (column == "split_seconds")
                timing.seconds = value;
            else if (column == "epoch_seconds")
                summary.seconds = value;
            else
                metrics.accuracy[column] = value;
        }
    }
    // Each epoch's rows are appended together: a last epoch with fewer splits
    // than the first lost its end.
    if (epochs.size() > 1 && epochs.back().splits.size() < epochs.front().splits.size())
        throw Error(path + ": epoch " + std::to_string(epochs.back().epoch) + " has "
                    + std::to_string(epochs.back().splits.size()) + " of "
                    + std::to_string(epochs.front().splits.size()) + " splits (truncated?)");
    run->epochs = std::move(epochs);
    run->splitTimings = std::move(timings);
}

void RunDirectory::readOriginalTextFiles(RunContents* run) const
{
    std::map<std::string, std::map<std::string, std::vector<double>>> values; // split -> metric -> per epoch
    size_t epochCount = std::numeric_limits<size_t>::max();
    std::vector<std::string> names;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(m_path, ec))
        if (entry.is_regular_file(ec) && runfiles::isMetricFile(entry.path().filename().string()))
            names.push_back(entry.path().filename().string());
    std::sort(names.begin(), names.end());
    for (const auto& name : names) {
        const std::string path = file(name);
        bool endsWithNewline = false;
        const std::vector<std::string> lines = readLines(path, &endsWithNewline);
        const std::string stem = name.substr(0, name.size() - 4);
        const size_t underscore = stem.find('_');
        auto& column = values[stem.substr(0, underscore)][stem.substr(underscore + 1)];
        for (size_t i = 0; i < lines.size(); ++i) {
            double value = 0;
            if (!parseNumber(lines[i], &value))
                throw Error(path + ": line " + std::to_string(i + 1) + ": \"" + lines[i] + "\" is not a number");
            column.push_back(value);
        }
        // An interrupted run may have written some files of its last epoch only.
        epochCount = std::min(epochCount, column.size());
    }
    if (values.empty())
        throw Error(m_path + ": no <split>_<metric>.txt files");
    run->epochs.clear();
    run->splitTimings.clear();
    for (size_t e = 0; e < epochCount; ++e) {
        EpochSummary summary;
        summary.epoch = int(e);
        for (const auto& [split, metrics] : values) {
            // No <split>_loss.txt (a run that trains nothing writes none): no loss.
            summary.splits[split].loss = std::numeric_limits<double>::quiet_NaN();
            for (const auto& [metric, column] : metrics) {
                if (metric == "loss")
                    summary.splits[split].loss = column[e];
                else
                    summary.splits[split].accuracy[metric] = column[e];
            }
        }
        run->epochs.push_back(summary);
    }
}

bool RunDirectory::identityFromPath(const std::string& dir, RunContents* run)
{
    std::error_code ec;
    std::vector<std::string> parts;
    for (const auto& part : fs::absolute(dir, ec).lexically_normal())
        if (!part.empty() && part != "/")
            parts.push_back(part.string());
    // Results moved aside by a fresh run sit in <run>/previous-<timestamp>/.
    while (!parts.empty() && parts.back().rfind(runfiles::kPreviousPrefix, 0) == 0)
        parts.pop_back();
    if (parts.size() < 6)
        return false;
    const std::vector<std::string> id(parts.end() - 6, parts.end());
    static const std::regex kK("^k(\\d+)(?:_r(\\d+))?$");
    std::smatch match;
    if (!std::regex_match(id[2], match, kK) || match[1].length() > 6 || match[2].length() > 6)
        return false;
    const int k = std::stoi(match[1].str());
    const int r = match[2].matched ? std::stoi(match[2].str()) : 1;
    run->config["dataset"] = id[0];
    run->config["model"] = id[1];
    run->config["k"] = k;
    if (r != 1)
        run->config["r"] = r;
    run->config["loss"] = id[3];
    run->config["encoder"] = id[4];
    run->config["decoder"] = id[5];
    run->header = id[0] + " " + id[1] + " " + std::to_string(k) + " " + id[3] + " " + id[4] + " " + id[5]
                  + (r != 1 ? " r=" + std::to_string(r) : "");
    return true;
}

} // namespace parity
