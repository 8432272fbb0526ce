#include "io/ResultWriter.h"
#include "util/Text.h"

#include "events/MetricNames.h"
#include "io/RunDirectory.h"
#include "util/AtomicFile.h"
#include "util/Error.h"

#include <cerrno>
#include <charconv>
#include <cstring>
#include <cmath>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace fs = std::filesystem;

namespace parity {

namespace {
const char* kSplits[] = {"train", "val", "test"};

void appendLine(const fs::path& file, const std::string& line)
{
    std::ofstream out(file, std::ios::app);
    out << line << '\n';
    // close() flushes: a full disk shows up here, not silently in the destructor.
    out.close();
    if (out.fail())
        throw Error("cannot write " + file.string() + ": " + std::strerror(errno));
}

// Keeps the lines `keepLine` accepts. A last line without its newline is the
// remains of an append that a crash or a full disk cut short: it is dropped,
// whatever its text says (a cut "12,train,..." may read as epoch 1).
template <typename Pred>
void filterLines(const fs::path& file, Pred keepLine)
{
    if (!fs::exists(file))
        return;
    const std::string text = readWholeFile(file.string());
    std::string kept;
    size_t index = 0;
    for (size_t start = 0; start < text.size();) {
        const size_t end = text.find('\n', start);
        if (end == std::string::npos)
            break;
        const std::string line = text.substr(start, end - start);
        if (keepLine(index, line))
            kept += line + '\n';
        ++index;
        start = end + 1;
    }
    if (kept != text)
        writeFileAtomically(file.string(), kept);
}
} // namespace

std::string pythonFloatRepr(double value)
{
    if (std::isnan(value))
        return "nan";
    if (std::isinf(value))
        return value > 0 ? "inf" : "-inf";
    if (value == 0)
        return std::signbit(value) ? "-0.0" : "0.0";
    char buf[64];
    auto res = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::scientific);
    std::string sci(buf, res.ptr);
    // sci: [-]d[.ddd]e[+-]XX
    const bool negative = sci[0] == '-';
    if (negative)
        sci.erase(0, 1);
    const size_t ePos = sci.find('e');
    std::string digits = sci.substr(0, ePos);
    const int exponent = std::stoi(sci.substr(ePos + 1));
    digits.erase(std::remove(digits.begin(), digits.end(), '.'), digits.end());
    std::string out;
    // Python's repr: fixed notation for 1e-4 <= |value| < 1e16, exponent form
    // outside (repr(1e-05) == "1e-05", repr(1e16) == "1e+16").
    if (exponent >= -4 && exponent < 16) {
        if (exponent < 0) {
            out = "0." + std::string(size_t(-exponent - 1), '0') + digits;
        } else if (size_t(exponent + 1) >= digits.size()) {
            out = digits + std::string(size_t(exponent + 1) - digits.size(), '0') + ".0";
        } else {
            out = digits.substr(0, size_t(exponent + 1)) + "." + digits.substr(size_t(exponent + 1));
        }
    } else {
        out = digits.substr(0, 1);
        if (digits.size() > 1)
            out += "." + digits.substr(1);
        char e[16];
        std::snprintf(e, sizeof e, "e%c%02d", exponent < 0 ? '-' : '+', std::abs(exponent));
        out += e;
    }
    return negative ? "-" + out : out;
}

ResultWriter::ResultWriter(std::string runDir, int64_t numClasses)
    : ResultWriter(std::move(runDir), classificationMetricNames(numClasses))
{
}

ResultWriter::ResultWriter(std::string runDir, std::vector<std::string> accuracyNames)
    : m_runDir(std::move(runDir))
    , m_accuracyNames(std::move(accuracyNames))
{
}

void ResultWriter::setErasures(std::vector<int> erased) { m_erased = std::move(erased); }

std::vector<std::string> ResultWriter::allAccuracyNames() const
{
    std::vector<std::string> names;
    for (int e : m_erased)
        for (const auto& n : m_accuracyNames)
            names.push_back(erasedMetricName(n, e));
    return names;
}

std::vector<std::string> ResultWriter::metricNames() const
{
    auto names = allAccuracyNames();
    names.push_back("loss");
    return names;
}

std::string ResultWriter::startFresh()
{
    std::error_code ec;
    fs::create_directories(m_runDir, ec);
    if (ec)
        throw Error("cannot create the run directory " + m_runDir + ": " + ec.message());
    removeStaleTemporaryFiles(m_runDir);
    std::vector<fs::path> old;
    for (const auto& entry : fs::directory_iterator(m_runDir)) {
        const std::string name = entry.path().filename().string();
        if (entry.is_regular_file() && runfiles::isRunFile(name))
            old.push_back(entry.path());
    }
    if (old.empty())
        return "";
    const std::string previous = runfiles::kPreviousPrefix + localTimeText("%Y%m%d-%H%M%S");
    fs::path dest = fs::path(m_runDir) / previous;
    for (int i = 2; fs::exists(dest); ++i)
        dest = fs::path(m_runDir) / (previous + "-" + std::to_string(i));
    fs::create_directories(dest, ec);
    if (ec)
        throw Error("cannot create " + dest.string() + ": " + ec.message());
    for (const auto& p : old) {
        fs::rename(p, dest / p.filename(), ec);
        if (ec)
            throw Error("cannot move " + p.string() + " aside: " + ec.message());
    }
    return dest.filename().string();
}

void ResultWriter::keepEpochsUpTo(int lastEpoch)
{
    std::error_code ec;
    fs::create_directories(m_runDir, ec);
    removeStaleTemporaryFiles(m_runDir); // e.g. a checkpoint cut short by the crash
    for (const char* split : kSplits)
        for (const auto& metric : metricNames())
            filterLines(fs::path(m_runDir) / runfiles::metricFile(split, metric),
                        [&](size_t index, const std::string&) { return int(index) <= lastEpoch; });
    filterLines(fs::path(m_runDir) / runfiles::kMetricsCsv, [&](size_t index, const std::string& line) {
        if (index == 0)
            return true;
        return std::atoi(line.c_str()) <= lastEpoch;
    });
}

void ResultWriter::appendEpoch(int epoch, const std::vector<SplitResult>& splits, double epochSeconds)
{
    const auto& names = m_accuracyNames;
    const fs::path csv = fs::path(m_runDir) / runfiles::kMetricsCsv;
    const bool single = singleErasure();
    if (!fs::exists(csv) || fs::file_size(csv) == 0) {
        std::string header = single ? "epoch,split,loss" : "epoch,split,erased,loss";
        for (const auto& n : names)
            header += "," + n;
        header += ",groups,split_seconds,epoch_seconds";
        appendLine(csv, header);
    }
    for (const auto& s : splits) {
        // One row per number of missing predictions (the loss is the split's).
        std::string rows;
        for (int e : m_erased) {
            std::ostringstream row;
            row << epoch << ',' << s.split << ',';
            if (!single)
                row << e << ',';
            row << pythonFloatRepr(s.metrics.loss);
            for (const auto& n : names)
                row << ',' << pythonFloatRepr(s.metrics.value(erasedMetricName(n, e)));
            row << ',' << s.groups << ',' << pythonFloatRepr(s.seconds) << ',' << pythonFloatRepr(epochSeconds);
            rows += (rows.empty() ? "" : "\n") + row.str();
        }
        appendLine(csv, rows);
        appendTextFiles(s);
    }
}

void ResultWriter::appendTextFiles(const SplitResult& s)
{
    for (const auto& n : allAccuracyNames())
        appendLine(fs::path(m_runDir) / runfiles::metricFile(s.split, n), pythonFloatRepr(s.metrics.value(n)));
    if (s.metrics.hasLoss()) // a run that trains nothing has no loss file (metrics.csv says nan)
        appendLine(fs::path(m_runDir) / runfiles::metricFile(s.split, "loss"), pythonFloatRepr(s.metrics.loss));
}

void ResultWriter::writeRunJson(const nlohmann::json& info) const
{
    writeFileAtomically((fs::path(m_runDir) / runfiles::kRunJson).string(), info.dump(2) + "\n");
}

} // namespace parity
