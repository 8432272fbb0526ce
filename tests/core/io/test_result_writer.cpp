// The per-epoch record after a crash and a resume (issue 5, item 4).
#include "support/TinyDataset.h"

#include "io/ResultWriter.h"
#include "training/ReconstructionMetrics.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sys/wait.h>
#include <unistd.h>

namespace fs = std::filesystem;
using namespace parity;

namespace {

std::vector<SplitResult> splitsOf(int epoch)
{
    std::vector<SplitResult> splits;
    for (const char* name : {"train", "val", "test"}) {
        SplitResult s;
        s.epoch = epoch;
        s.split = name;
        s.metrics.loss = 0.5 + epoch;
        for (const auto& metric : ReconstructionMetrics::metricNames(10))
            s.metrics.accuracy[metric] = 0.25 + 0.01 * epoch;
        s.groups = 10;
        splits.push_back(s);
    }
    return splits;
}

std::string slurp(const fs::path& path)
{
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

void appendRaw(const fs::path& path, const std::string& text) { std::ofstream(path, std::ios::app) << text; }

int64_t lines(const std::string& text) { return std::count(text.begin(), text.end(), '\n'); }

} // namespace

// Issue 5: a resume drops what was written after its checkpoint, including
// the cut-off remains of an append that the crash interrupted.
TEST(ResultWriter, KeepEpochsUpToDropsLaterAndCutOffEntries)
{
    test::TempDir tmp;
    ResultWriter writer(tmp.path(), 10);
    for (int epoch = 0; epoch < 13; ++epoch)
        writer.appendEpoch(epoch, splitsOf(epoch), 1.0);
    // Epoch 12 was being written when the process died: its csv row is cut
    // to "1", which would read as epoch 1; a text file's line has no newline.
    const std::string csv = slurp(tmp / "metrics.csv");
    std::ofstream(tmp / "metrics.csv", std::ios::binary) << csv.substr(0, csv.find("\n12,train") + 1) << "1";
    appendRaw(tmp / "val_loss.txt", "0.1");

    writer.keepEpochsUpTo(11);
    const std::string csvAfter = slurp(tmp / "metrics.csv");
    EXPECT_EQ(lines(csvAfter), 1 + 12 * 3) << csvAfter;
    EXPECT_EQ(csvAfter.back(), '\n');
    EXPECT_EQ(csvAfter.find("\n1\n"), std::string::npos);
    for (const auto& metric : writer.metricNames())
        for (const char* split : {"train", "val", "test"}) {
            const fs::path file = tmp / (std::string(split) + "_" + metric + ".txt");
            if (!fs::exists(file))
                continue;
            const std::string text = slurp(file);
            EXPECT_EQ(lines(text), 12) << file;
            EXPECT_EQ(text.back(), '\n') << file;
        }

    // Resuming once more from an earlier checkpoint trims further; appending
    // then records each epoch once.
    writer.keepEpochsUpTo(4);
    writer.appendEpoch(5, splitsOf(5), 1.0);
    EXPECT_EQ(lines(slurp(tmp / "val_loss.txt")), 6);
    EXPECT_EQ(lines(slurp(tmp / "metrics.csv")), 1 + 6 * 3);
}

// Issue 5: a checkpoint write cut short by SIGKILL leaves current.pth.tmp-<pid>;
// the next start removes it, but never a live process's temporary file.
TEST(ResultWriter, OrphanedTemporaryFilesAreRemovedOnResume)
{
    test::TempDir tmp;
    const pid_t child = ::fork();
    if (child == 0)
        ::_exit(0);
    ASSERT_GT(child, 0);
    ::waitpid(child, nullptr, 0); // reaped: its pid names no process now
    const fs::path orphan = tmp / ("current.pth.tmp-" + std::to_string(child));
    const fs::path live = tmp / ("best.pth.tmp-" + std::to_string(::getpid()));
    std::ofstream(orphan) << "half a checkpoint";
    std::ofstream(live) << "being written";
    std::ofstream(tmp / "notes.tmp-x") << "not ours";

    ResultWriter(tmp.path(), 10).keepEpochsUpTo(0);
    EXPECT_FALSE(fs::exists(orphan));
    EXPECT_TRUE(fs::exists(live));
    EXPECT_TRUE(fs::exists(tmp / "notes.tmp-x"));
}

// Issue 11, item 8: the result files print floats as Python's repr does.
// Expected strings made by Python 3.11's repr() of the same doubles.
TEST(ResultWriter, FloatsArePrintedExactlyAsPythonsRepr)
{
    const std::pair<double, const char*> cases[] = {
        {1e-07, "1e-07"},
        {1.5e-07, "1.5e-07"},
        {3.0000000000000005e-06, "3.0000000000000005e-06"},
        {1e-05, "1e-05"},
        {1.2345e-05, "1.2345e-05"},
        {9.99e-05, "9.99e-05"},
        {0.0001, "0.0001"},
        {0.00012, "0.00012"},
        {0.00099, "0.00099"},
        {0.001, "0.001"},
        {0.1, "0.1"},
        {1.0 / 3.0, "0.3333333333333333"},
        {6.666666666666667e-06, "6.666666666666667e-06"},
        {1.0, "1.0"},
        {10.0, "10.0"},
        {123.456, "123.456"},
        {0.8947, "0.8947"},
        {57882.0 / 60000.0, "0.9647"},
        {1000000000000000.0, "1000000000000000.0"},
        {1234567890123456.0, "1234567890123456.0"},
        {1e+16, "1e+16"},
        {1.5e+16, "1.5e+16"},
        {1e+17, "1e+17"},
        {1.2345678901234568e+16, "1.2345678901234568e+16"},
        {-1e-05, "-1e-05"},
        {-0.0001, "-0.0001"},
        {-2.5e-07, "-2.5e-07"},
        {-1e+16, "-1e+16"},
        {0.0, "0.0"},
        {-0.0, "-0.0"},
    };
    for (const auto& [value, repr] : cases)
        EXPECT_EQ(pythonFloatRepr(value), repr) << value;
}
