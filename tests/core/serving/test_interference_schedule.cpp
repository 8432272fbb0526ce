// Which instance is down when (docs/SERVING.md): a down instance comes up at
// the start of its first period up, whatever the rounding of the period ends.
#include "serving/InterferenceSchedule.h"

#include <gtest/gtest.h>

using namespace parity::serving;

// upFrom used to step in milliseconds: (floor(t / P) + 1) x P divided by P
// rounds back into the same period for about one period end in twenty, and a
// down instance there never came up (the live mode's test hung on it).
TEST(InterferenceSchedule, AFailedInstanceComesUpAtThePeriodItIsUp)
{
    Interference f;
    f.failureFraction = 0.5;
    for (const double period : {0.7, 3.3, 10.0 * 6.123456789, 61.08, 99.99}) {
        f.failurePeriodMs = period;
        const InterferenceSchedule schedule(f, 11);
        for (int64_t p = 0; p < 2000; ++p) {
            const double start = InterferenceSchedule::periodStart(p, period);
            ASSERT_EQ(InterferenceSchedule::periodOf(start, period), p) << period;
            ASSERT_EQ(InterferenceSchedule::periodOf(schedule.failurePeriodEnd(start), period), p + 1) << period;
            for (int instance = 0; instance < 3; ++instance) {
                const double up = schedule.upFrom(instance, start);
                ASSERT_GE(up, start);
                ASSERT_FALSE(schedule.downAt(instance, up)) << period << " " << p;
                if (!schedule.downAt(instance, start)) {
                    ASSERT_EQ(up, start);
                }
            }
        }
    }
    // Times before 0 (a live worker looking just before time 0) are in period 0.
    EXPECT_EQ(InterferenceSchedule::periodOf(-3.0, 10.0), 0);
}
