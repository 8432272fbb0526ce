// runProcess: a command's outputs and exit status, and a child started with
// SIGTERM blocked (the Slurm requeue of one's own job, which Slurm follows
// with SIGTERM to the job's processes).
#include "util/Process.h"

#include <gtest/gtest.h>

namespace {

TEST(Process, OutputsAndExitStatus)
{
    const parity::ProcessResult r = parity::runProcess({"sh", "-c", "echo out; echo err >&2; exit 3"});
    EXPECT_TRUE(r.started);
    EXPECT_EQ(r.exitCode, 3);
    EXPECT_EQ(r.out, "out\n");
    EXPECT_EQ(r.err, "err\n");
    EXPECT_FALSE(r.ok());
    const parity::ProcessResult missing = parity::runProcess({"no-such-program-here"});
    EXPECT_FALSE(missing.started);
    EXPECT_NE(missing.message().find("not found"), std::string::npos) << missing.message();
}

TEST(Process, AChildWithTerminateBlockedOutlivesASigterm)
{
    // The child sends itself SIGTERM, as Slurm does to a requeued job's processes.
    const std::vector<std::string> command{"sh", "-c", "kill -TERM $$; echo alive"};
    const parity::ProcessResult plain = parity::runProcess(command);
    EXPECT_EQ(plain.exitCode, 128 + 15);
    EXPECT_EQ(plain.out, "");
    parity::ProcessOptions options;
    options.blockTerminate = true;
    const parity::ProcessResult kept = parity::runProcess(command, options);
    EXPECT_TRUE(kept.ok()) << kept.exitCode << " " << kept.message();
    EXPECT_EQ(kept.out, "alive\n");
}

} // namespace
