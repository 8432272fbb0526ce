// The original's tqdm-style progress line (docs/BEHAVIOUR.md §3.6), and the
// same line for a run that computes no loss (a Berrut code trains nothing).
#include "training/ProgressLine.h"

#include <gtest/gtest.h>

#include <limits>

using namespace parity;

namespace {

BatchStats halfway()
{
    BatchStats s;
    s.epoch = 3;
    s.split = "train";
    s.batch = 154;
    s.batches = 430;
    s.runningTop1 = 0.5585;
    s.runningTop5 = 0.9221;
    s.runningLoss = 62.2081;
    s.elapsedSeconds = 0.79;
    s.etaSeconds = 1.4;
    s.groupsPerSecond = 6265;
    return s;
}

} // namespace

TEST(ProgressLine, SaysWhatTheOriginalSays)
{
    EXPECT_EQ(progressLine(halfway()), "Epoch 3. train. Top-1=0.5585, Top-5=0.9221, Loss=62.2081:  35%|##########"
                                       "                    | 154/430 [00:01<00:01, 194.94it/s, 6265 groups/s]");
}

TEST(ProgressLine, ARunWithoutALossSaysNone)
{
    BatchStats s = halfway();
    s.runningLoss = std::numeric_limits<double>::quiet_NaN();
    const std::string line = progressLine(s);
    EXPECT_EQ(line.find("Loss"), std::string::npos) << line;
    EXPECT_EQ(line.rfind("Epoch 3. train. Top-1=0.5585, Top-5=0.9221:  35%|", 0), 0u) << line;
}
