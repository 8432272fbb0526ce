// Which missing predictions the returned parity outputs of the addition code
// decode (docs/SERVING.md, "Decoding rule").
#include "serving/ServiceMeasurement.h"

#include <gtest/gtest.h>

using namespace parity::serving;

namespace {
uint8_t entry(const std::vector<uint8_t>& table, uint32_t missing, uint32_t returned, int r)
{
    return table[(size_t(missing) << r) | returned];
}
} // namespace

// k = 3, r = 2: A = [1 1 1; 0.866 0 -0.866] (Chebyshev nodes, the middle one
// 0), so the second parity alone cannot rebuild position 1.
TEST(DecodabilityTable, FollowsTheRankOfTheCodeMatrix)
{
    const std::vector<uint8_t> t = decodabilityTable(3, 2);
    ASSERT_EQ(t.size(), 32u);
    EXPECT_EQ(entry(t, 0b010, 0b10, 2), 0); // position 1 from parity 2: A[1, 1] = 0
    EXPECT_EQ(entry(t, 0b010, 0b01, 2), 1); // from parity 1 (the sum)
    EXPECT_EQ(entry(t, 0b001, 0b10, 2), 1); // position 0 from parity 2: 0.866
    EXPECT_EQ(entry(t, 0b101, 0b11, 2), 1); // positions 0 and 2 from both
    EXPECT_EQ(entry(t, 0b101, 0b01, 2), 0); // two missing, one parity
    EXPECT_EQ(entry(t, 0b111, 0b11, 2), 0); // three missing, two parities
    for (uint32_t returned = 0; returned < 4; ++returned)
        EXPECT_EQ(entry(t, 0, returned, 2), 1); // nothing missing
    // r = 1 is the paper's rule: one missing, the parity back.
    const std::vector<uint8_t> one = decodabilityTable(2, 1);
    EXPECT_EQ(entry(one, 0b01, 1, 1), 1);
    EXPECT_EQ(entry(one, 0b01, 0, 1), 0);
    EXPECT_EQ(entry(one, 0b11, 1, 1), 0);
}
