// parity-serve-sim on a tiny trained run, as a user runs it (docs/SERVING.md).
#include "TestPaths.h"
#include "support/RunCommand.h"
#include "support/TinyDataset.h"

#include "io/RunDirectory.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <cmath>
#include <fstream>
#include <sstream>

namespace {

using Result = parity::test::CommandResult;

Result serveSim(const std::string& args, bool stdoutOnly = false)
{
    const std::string command = std::string(PARITY_SERVE_SIM_EXE) + " " + args;
    return parity::test::runCommand(stdoutOnly ? "(" + command + " 2>/dev/null)" : command);
}

std::vector<std::string> linesOf(const std::string& text)
{
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
        lines.push_back(line);
    return lines;
}

class ParityServeSimCli : public ::testing::Test {
protected:
    static void SetUpTestSuite()
    {
        s_tmp = new parity::test::TempDir;
        parity::test::writeTinyMnist(*s_tmp / "data", 300, 100);
        std::ofstream(*s_tmp / "c.json") << R"({"num_epoch": 1, "k_vals": [2], "enc_dec_types": [["add", "sub"]],
            "datasets": ["mnist"], "models": ["base-mlp"], "losses": ["mse"], "batch_size": 16, "val_size": 50})";
        const Result train = parity::test::runCommand(std::string(PARITY_TRAIN_EXE) + " " + *s_tmp / "c.json" + " "
                                                      + *s_tmp / "save" + " --data-dir " + *s_tmp / "data");
        ASSERT_EQ(train.exitCode, 0) << train.output;
    }
    static void TearDownTestSuite() { delete s_tmp; }
    static std::string runDir() { return *s_tmp / "save/mnist/base-mlp/k2/mse/add/sub"; }
    static parity::test::TempDir* s_tmp;
};
parity::test::TempDir* ParityServeSimCli::s_tmp = nullptr;

} // namespace

// One line per strategy on standard output: <strategy> NUM MED MEAN P99 P99.5 P99.9.
TEST_F(ParityServeSimCli, PrintsOneLinePerStrategyAndWritesTheRecord)
{
    const std::string out = *s_tmp / "out";
    const Result r = serveSim(runDir() + " --queries 3000 --trials 2 --repetitions 20 --out " + out, true);
    ASSERT_EQ(r.exitCode, 0) << r.output;
    const auto lines = linesOf(r.output);
    ASSERT_EQ(lines.size(), 4u) << r.output;
    const std::vector<std::string> names{"none", "replication", "parm", "replicate-all"};
    for (size_t i = 0; i < lines.size(); ++i) {
        std::istringstream fields(lines[i]);
        std::string name;
        double num = 0, med = 0, mean = 0, p99 = 0, p995 = 0, p999 = 0;
        ASSERT_TRUE(fields >> name >> num >> med >> mean >> p99 >> p995 >> p999) << lines[i];
        EXPECT_EQ(name, names[i]);
        EXPECT_EQ(num, 3000);
        EXPECT_GT(med, 0);
        EXPECT_LE(med, p99);
        EXPECT_LE(p99, p995);
        EXPECT_LE(p995, p999);
    }
    std::ifstream json(out + "/serving.json");
    ASSERT_TRUE(json.good());
    const nlohmann::json record = nlohmann::json::parse(json);
    ASSERT_EQ(record["results"].size(), 4u);
    EXPECT_EQ(record["results"][2]["strategy"], "parm");
    EXPECT_EQ(record["results"][2]["instances"], 18); // 12 base + 6 parity
    EXPECT_EQ(record["service_times"]["base_ms"].size(), 20u);
    // Served accuracy: the base model's for own answers, the run's
    // reconstruction accuracy (test overall top-1) for rebuilt ones.
    const parity::RunContents run = parity::RunDirectory(runDir()).read();
    double base = 0;
    for (const auto& b : run.baseAccuracies)
        if (b.split == "test")
            base = b.accuracy();
    const double rebuiltAccuracy = run.epochs.back().splits.at("test").value("overall_top1");
    EXPECT_DOUBLE_EQ(record["results"][0]["served_accuracy"].get<double>(), base);
    const double f = record["results"][2]["reconstructed"].get<double>();
    EXPECT_GT(f, 0.0);
    EXPECT_NEAR(record["results"][2]["served_accuracy"].get<double>(), (1 - f) * base + f * rebuiltAccuracy, 1e-12);
    std::ifstream csv(out + "/serving.csv");
    std::string header;
    std::getline(csv, header);
    EXPECT_EQ(header.rfind("strategy,instances,queries,trials,median_ms,", 0), 0u) << header;

    // The recorded service times replayed give the very same lines: the
    // simulation is determined by its samples and its seed.
    const Result replay = serveSim(runDir() + " --queries 3000 --trials 2 --service-file " + out + "/serving.json",
                                   true);
    ASSERT_EQ(replay.exitCode, 0) << replay.output;
    EXPECT_EQ(replay.output, r.output);
}

TEST_F(ParityServeSimCli, BadInputIsRefusedWithItsReason)
{
    Result r = serveSim(*s_tmp / "data");
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_NE(r.output.find("no best.pth or current.pth"), std::string::npos) << r.output;
    r = serveSim(runDir() + " --instances 1 --repetitions 5");
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_NE(r.output.find("k: 2 is larger than the 1 base-model instances"), std::string::npos) << r.output;
    r = serveSim(runDir() + " --balancing random");
    EXPECT_EQ(r.exitCode, 2);
    EXPECT_NE(r.output.find("--balancing takes rr or shared"), std::string::npos) << r.output;
    r = serveSim(runDir() + " --rate 1000000 --queries 2000 --trials 1 --repetitions 5");
    EXPECT_EQ(r.exitCode, 0) << r.output;
    EXPECT_NE(r.output.find("queues grow without bound"), std::string::npos) << r.output;
    // Traces: blank lines (also CRLF), comments and spaces are fine; a time
    // before the one above is refused with its line.
    std::ofstream(*s_tmp / "trace.txt") << "# ms\r\n0\r\n \r\n 0.5 \n1\n";
    r = serveSim(runDir() + " --trace " + *s_tmp / "trace.txt" + " --trials 1 --repetitions 5", true);
    EXPECT_EQ(r.exitCode, 0) << r.output;
    EXPECT_EQ(r.output.rfind("none 3 ", 0), 0u) << r.output;
    // Arrivals all at once: an unbounded load; a single arrival: no rate, no load.
    std::ofstream(*s_tmp / "burst.txt") << "5\n5\n5\n5\n";
    r = serveSim(runDir() + " --trace " + *s_tmp / "burst.txt" + " --trials 1 --repetitions 5");
    EXPECT_EQ(r.exitCode, 0) << r.output;
    EXPECT_NE(r.output.find("load unbounded (arrivals all at once)"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("latencies grow with the queries of the trace"), std::string::npos) << r.output;
    std::ofstream(*s_tmp / "one.txt") << "5\n";
    r = serveSim(runDir() + " --trace " + *s_tmp / "one.txt" + " --trials 1 --repetitions 5");
    EXPECT_EQ(r.exitCode, 0) << r.output;
    EXPECT_NE(r.output.find("load unknown"), std::string::npos) << r.output;
    EXPECT_EQ(r.output.find("queues grow without bound"), std::string::npos) << r.output;
    std::ofstream(*s_tmp / "unsorted.txt") << "0\n2\n\n1\n";
    r = serveSim(runDir() + " --trace " + *s_tmp / "unsorted.txt" + " --repetitions 5");
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_NE(r.output.find("unsorted.txt: line 4: 1 is before"), std::string::npos) << r.output;
    // Service times without the parity model's: refused before any line, naming the file.
    std::ofstream(*s_tmp / "base-only.json") << R"({"base_ms": [1, 2]})";
    r = serveSim(runDir() + " --service-file " + *s_tmp / "base-only.json", true);
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_EQ(r.output, "");
    r = serveSim(runDir() + " --service-file " + *s_tmp / "base-only.json");
    EXPECT_NE(r.output.find("--service-file " + *s_tmp / "base-only.json" + ": service times"), std::string::npos)
        << r.output;
    std::ofstream(*s_tmp / "bad-times.json") << R"({"base_ms": [1, "slow"]})";
    r = serveSim(runDir() + " --service-file " + *s_tmp / "bad-times.json");
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_NE(r.output.find("bad-times.json: 'base_ms' holds \"slow\""), std::string::npos) << r.output;
}

// serving.json says what ran: the trace's own query count (not --queries'
// default), the tail, the balancing.
TEST_F(ParityServeSimCli, TheRecordDescribesWhatRan)
{
    const std::string out = *s_tmp / "traced";
    std::ofstream(*s_tmp / "five.txt") << "0\n1\n2\n3\n4\n";
    const Result r = serveSim(runDir() + " --trace " + *s_tmp / "five.txt"
                                  + " --tail pareto:3 --balancing shared --trials 2 --repetitions 5 --out " + out,
                              true);
    ASSERT_EQ(r.exitCode, 0) << r.output;
    std::ifstream in(out + "/serving.json");
    const nlohmann::json settings = nlohmann::json::parse(in)["simulated"];
    EXPECT_EQ(settings["arrivals"], *s_tmp / "five.txt");
    EXPECT_TRUE(settings["rate_per_s"].is_null());
    EXPECT_EQ(settings["queries"], 5);
    EXPECT_EQ(settings["trials"], 2);
    EXPECT_EQ(settings["tail"], "pareto");
    EXPECT_EQ(settings["tail_parameter"], 3.0);
    EXPECT_EQ(settings["balancing"], "shared-queue");
}

// --seed chooses the trials' seeds: the same seed, the same lines; another
// seed, other arrivals (it was ignored once, every seed giving seed 0's).
TEST_F(ParityServeSimCli, TheSeedChoosesTheArrivals)
{
    const std::string service = *s_tmp / "seed-times";
    ASSERT_EQ(serveSim(runDir() + " --queries 100 --trials 1 --repetitions 20 --out " + service, true).exitCode, 0);
    const std::string args = runDir() + " --service-file " + service + "/serving.json --queries 5000 --trials 1";
    const Result one = serveSim(args + " --seed 1", true);
    const Result again = serveSim(args + " --seed 1", true);
    const Result two = serveSim(args + " --seed 2", true);
    ASSERT_EQ(one.exitCode, 0) << one.output;
    EXPECT_EQ(one.output, again.output);
    EXPECT_NE(one.output, two.output);
}

// --live serves the run for real: one line per strategy as in the simulator's
// output, a record that says so; it takes no --service-file.
TEST_F(ParityServeSimCli, LiveServesEveryStrategy)
{
    const std::string out = *s_tmp / "live";
    const Result r = serveSim(runDir() + " --live --queries 200 --instances 2 --out " + out, true);
    ASSERT_EQ(r.exitCode, 0) << r.output;
    const auto lines = linesOf(r.output);
    ASSERT_EQ(lines.size(), 4u) << r.output;
    EXPECT_EQ(lines[2].rfind("parm 200 ", 0), 0u) << lines[2];
    std::ifstream in(out + "/serving.json");
    const nlohmann::json record = nlohmann::json::parse(in);
    EXPECT_EQ(record["mode"], "live");
    ASSERT_EQ(record["results"].size(), 4u);
    EXPECT_EQ(record["results"][2]["live"]["queries"], 200);
    EXPECT_GT(record["results"][2]["simulated_on_observed_times"]["p99_ms"].get<double>(), 0);

    const nlohmann::json& served = record["served"];
    EXPECT_EQ(served["queries"], 200);
    EXPECT_EQ(served["trials"], 1);
    EXPECT_EQ(served["arrivals"], "poisson");
    EXPECT_EQ(served["tail"], "none");
    EXPECT_EQ(served["balancing"], "round-robin");
    EXPECT_EQ(served["failure_fraction"], 0.0);

    Result refused = serveSim(runDir() + " --live --service-file x.json");
    EXPECT_EQ(refused.exitCode, 2);
    EXPECT_NE(refused.output.find("--live serves the run's own models"), std::string::npos) << refused.output;
    refused = serveSim(runDir() + " --live --trials 3");
    EXPECT_EQ(refused.exitCode, 2);
    EXPECT_NE(refused.output.find("--live serves each strategy once: it takes no --trials but 1"), std::string::npos)
        << refused.output;
    // Another k than the run's: refused before any strategy is served.
    refused = serveSim(runDir() + " --live --k 1 --queries 50 --instances 2 --repetitions 5");
    EXPECT_EQ(refused.exitCode, 1);
    EXPECT_NE(refused.output.find("serves the run's own code, k = 2"), std::string::npos) << refused.output;
    EXPECT_EQ(refused.output.find("Serving live"), std::string::npos) << refused.output;
}
