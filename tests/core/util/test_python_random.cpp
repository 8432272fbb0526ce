// PythonRandom reproduces CPython's random module draw for draw (issue 11,
// item 6: the original draws the CUB test split with random.seed(32) and
// random.sample). Expected values printed by CPython 3.11 on this machine:
//   random.seed(32); [random.getrandbits(32) for _ in range(3)],
//   random.getrandbits(40), random.getrandbits(64), random.randrange(1000003)
//   random.seed(2**40 + 5); random.getrandbits(32)
//   random.seed(7); random.sample(range(1000), 10)
#include "util/PythonRandom.h"

#include <gtest/gtest.h>

using namespace parity;

TEST(PythonRandom, MatchesCPythonGetrandbitsAndRandbelow)
{
    PythonRandom r(32);
    EXPECT_EQ(r.getrandbits(32), 332524003u);
    EXPECT_EQ(r.getrandbits(32), 3979276737u);
    EXPECT_EQ(r.getrandbits(32), 917477150u);
    EXPECT_EQ(r.getrandbits(40), 331333727643ull);
    EXPECT_EQ(r.getrandbits(64), 16606011468345201495ull);
    EXPECT_EQ(r.randbelow(1000003), 249346u);

    // A seed wider than 32 bits goes in as two key words.
    PythonRandom wide((std::uint64_t(1) << 40) + 5);
    EXPECT_EQ(wide.getrandbits(32), 2166296868u);
}

TEST(PythonRandom, SampleMatchesCPythonInBothOfItsAlgorithms)
{
    // A large population: CPython's set-of-picks branch.
    PythonRandom r(7);
    EXPECT_EQ(r.sample(1000, 10), (std::vector<std::int64_t>{331, 970, 154, 404, 666, 49, 74, 840, 548, 96}));
    // A small one: the pool branch (three classes of 11, 3 each, as the CUB
    // split draws them; CPython gave positions 1, 3, 2 | 4, 3, 7 | 0, 10, 1).
    PythonRandom cub(32);
    EXPECT_EQ(cub.sample(11, 3), (std::vector<std::int64_t>{1, 3, 2}));
    EXPECT_EQ(cub.sample(11, 3), (std::vector<std::int64_t>{4, 3, 7}));
    EXPECT_EQ(cub.sample(11, 3), (std::vector<std::int64_t>{0, 10, 1}));
    EXPECT_THROW(cub.sample(3, 4), std::invalid_argument);
}
