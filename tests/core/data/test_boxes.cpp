// Box transforms and IoU for object localization (issue 4, item 7), against
// hand-computed cases.
#include "support/TinyDataset.h"

#include "data/Boxes.h"
#include "util/Error.h"

#include <gtest/gtest.h>

#include <fstream>

using namespace parity;

TEST(Boxes, NormalisesToMinusOneOneAndZeroTwo)
{
    // 200 x 100 image, box at (50, 25) of 100 x 50: the middle half.
    const Box b = normaliseBox({50, 25, 100, 50}, 200, 100);
    EXPECT_FLOAT_EQ(b.x, -0.5f); // 2 * 50 / 200 - 1
    EXPECT_FLOAT_EQ(b.y, -0.5f); // 2 * 25 / 100 - 1
    EXPECT_FLOAT_EQ(b.w, 1.0f);  // 2 * 100 / 200
    EXPECT_FLOAT_EQ(b.h, 1.0f);  // 2 * 50 / 100
    const Box whole = normaliseBox({0, 0, 200, 100}, 200, 100);
    EXPECT_FLOAT_EQ(whole.x, -1.0f);
    EXPECT_FLOAT_EQ(whole.y, -1.0f);
    EXPECT_FLOAT_EQ(whole.w, 2.0f);
    EXPECT_FLOAT_EQ(whole.h, 2.0f);
}

TEST(Boxes, ClipsToTheImageFirst)
{
    // (-10, 80) of 230 x 40 in 200 x 100: clipped to (0, 80) - (200, 100).
    const Box b = normaliseBox({-10, 80, 230, 40}, 200, 100);
    EXPECT_FLOAT_EQ(b.x, -1.0f);
    EXPECT_FLOAT_EQ(b.y, 0.6f);
    EXPECT_FLOAT_EQ(b.w, 2.0f);
    EXPECT_FLOAT_EQ(b.h, 0.4f);
    // Entirely outside: empty.
    const Box out = normaliseBox({250, 10, 20, 20}, 200, 100);
    EXPECT_FLOAT_EQ(out.x, 1.0f);
    EXPECT_FLOAT_EQ(out.w, 0.0f);
}

TEST(Boxes, IouOfHandComputedCases)
{
    EXPECT_DOUBLE_EQ(iou({0, 0, 2, 2}, {0, 0, 2, 2}), 1.0);
    EXPECT_DOUBLE_EQ(iou({0, 0, 2, 2}, {1, 1, 2, 2}), 1.0 / 7.0); // 1 / (4 + 4 - 1)
    EXPECT_DOUBLE_EQ(iou({0, 0, 4, 4}, {1, 1, 2, 2}), 0.25);      // contained: 4 / 16
    EXPECT_DOUBLE_EQ(iou({0, 0, 1, 1}, {2, 2, 1, 1}), 0.0);       // apart
    EXPECT_DOUBLE_EQ(iou({0, 0, 1, 1}, {1, 0, 1, 1}), 0.0);       // touching edges
    EXPECT_DOUBLE_EQ(iou({0, 0, 2, 1}, {1, 0, 2, 1}), 1.0 / 3.0); // half overlap in x
    EXPECT_DOUBLE_EQ(iou({0, 0, 0, 0}, {0, 0, 0, 0}), 0.0);       // empty boxes
    EXPECT_DOUBLE_EQ(iou({0, 0, -1, 2}, {0, 0, 2, 2}), 0.0);      // negative width = empty
}

TEST(Boxes, IouIsTheSameInPixelsAndNormalised)
{
    const Box a{20, 10, 100, 60}, b{60, 30, 120, 50};
    const double pixels = iou(a, b);
    const double normalised = iou(normaliseBox(a, 200, 100), normaliseBox(b, 200, 100));
    EXPECT_NEAR(pixels, normalised, 1e-6);
    // By hand: intersection x 60..120, y 30..70 = 60 x 40 = 2400;
    // union 6000 + 6000 - 2400 = 9600.
    EXPECT_NEAR(pixels, 0.25, 1e-12);
}

TEST(Boxes, IouRowsMatchesIou)
{
    const at::Tensor a = at::tensor({0.f, 0.f, 2.f, 2.f, 0.f, 0.f, 4.f, 4.f}).view({2, 4});
    const at::Tensor b = at::tensor({1.f, 1.f, 2.f, 2.f, 1.f, 1.f, 2.f, 2.f}).view({2, 4});
    const at::Tensor r = iouRows(a, b);
    EXPECT_DOUBLE_EQ(r[0].item<double>(), 1.0 / 7.0);
    EXPECT_DOUBLE_EQ(r[1].item<double>(), 0.25);
}

TEST(Boxes, ReadsIdXYWHFilesAndNamesBadLines)
{
    test::TempDir tmp;
    {
        std::ofstream f(tmp / "boxes.txt");
        f << "1 60.0 27.0 325.0 304.0\n\n2 139 30 153 264\n";
    }
    const auto boxes = readBoxFile(tmp / "boxes.txt");
    ASSERT_EQ(boxes.size(), 2u);
    EXPECT_FLOAT_EQ(boxes.at(1).w, 325.0f);
    EXPECT_FLOAT_EQ(boxes.at(2).y, 30.0f);
    {
        std::ofstream f(tmp / "bad.txt");
        f << "1 60 27 325 304\n2 139 30 153\n";
    }
    try {
        readBoxFile(tmp / "bad.txt");
        FAIL() << "no error";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("bad.txt:2"), std::string::npos) << e.what();
    }
    EXPECT_THROW(readBoxFile(tmp / "missing.txt"), Error);
}
