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

TEST(Boxes, ClipsToTheImageFirstAsTheOriginal)
{
    // Issue 11, item 4: box_util.py crop_boxes. (-10, 80) of 230 x 40 in
    // 200 x 100: x1 = 0, x2 = min(-10 + 230 - 1, 200) = 200, so w = 201
    // (1 px wider than a plain clip); y1 = 80, y2 = min(119, 100), h = 21.
    const Box b = normaliseBox({-10, 80, 230, 40}, 200, 100);
    EXPECT_FLOAT_EQ(b.x, -1.0f);
    EXPECT_FLOAT_EQ(b.y, 0.6f);
    EXPECT_FLOAT_EQ(b.w, 2.01f);
    EXPECT_FLOAT_EQ(b.h, 0.42f);
    // Entirely outside: both corners clamp to W, one pixel wide.
    const Box out = normaliseBox({250, 10, 20, 20}, 200, 100);
    EXPECT_FLOAT_EQ(out.x, 1.0f);
    EXPECT_FLOAT_EQ(out.w, 0.01f);
    const Box pixels = cropToImage({250, 10, 20, 20}, 200, 100);
    EXPECT_FLOAT_EQ(pixels.x, 200.0f);
    EXPECT_FLOAT_EQ(pixels.w, 1.0f);
    // toPixels undoes the normalisation.
    const Box back = toPixels(normaliseBox({50, 25, 100, 50}, 200, 100), 200, 100);
    EXPECT_FLOAT_EQ(back.x, 50.0f);
    EXPECT_FLOAT_EQ(back.h, 50.0f);
}

TEST(Boxes, PixelIouUsesInclusiveCorners)
{
    // box_util.py compute_IoU: x2 = x + w - 1, area (x2 - x1)(y2 - y1).
    EXPECT_FLOAT_EQ(pixelIou({0, 0, 3, 3}, {0, 0, 3, 3}), 1.0f);
    EXPECT_FLOAT_EQ(pixelIou({0, 0, 3, 3}, {1, 1, 3, 3}), 1.0f / 7.0f); // areas 4, 4; overlap 1
    EXPECT_FLOAT_EQ(pixelIou({0, 0, 5, 5}, {1, 1, 3, 3}), 0.25f);       // contained: 4 / 16
    EXPECT_FLOAT_EQ(pixelIou({0, 0, 2, 2}, {3, 3, 2, 2}), 0.0f);        // apart
    EXPECT_FLOAT_EQ(pixelIou({0, 0, 1, 1}, {0, 0, 1, 1}), 0.0f);        // one pixel: area 0
    // Near the threshold the convention decides: 8 x 4 against 6 x 4 at the
    // same corner is 24 / 32 = 0.75 (a hit) for plain areas, but
    // 15 / 21 = 0.714 (a miss) for the original's.
    EXPECT_FLOAT_EQ(pixelIou({0, 0, 8, 4}, {0, 0, 6, 4}), 15.0f / 21.0f);
    EXPECT_LT(pixelIou({0, 0, 8, 4}, {0, 0, 6, 4}), 0.75f);
}

TEST(Boxes, ScoredIouCropsTheDecodedBoxInPixels)
{
    // compute_acc: the decoded box back to pixels and cropped to the image.
    // 100 x 100 image; reference (50, 50, 50, 50) = normalised (0, 0, 1, 1);
    // decoded (50, 50, 80, 80) = (0, 0, 1.6, 1.6) reaches past the edge and
    // is cropped to (50, 50, 51, 51): areas 50 x 50 and 49 x 49, all of the
    // reference inside, IoU 2401 / 2500 (uncropped it would be 2401 / 6241).
    const Box reference{0, 0, 1, 1}, decoded{0, 0, 1.6f, 1.6f};
    EXPECT_NEAR(scoredIou(decoded, reference, 100, 100), 2401.0 / 2500.0, 1e-6);
    const at::Tensor a = at::tensor({0.f, 0.f, 1.6f, 1.6f, 0.f, 0.f, 1.f, 1.f}).view({2, 4});
    const at::Tensor b = at::tensor({0.f, 0.f, 1.f, 1.f, 0.f, 0.f, 1.f, 1.f}).view({2, 4});
    const at::Tensor sizes = at::tensor({100.f, 100.f, 100.f, 100.f}).view({2, 2});
    const at::Tensor r = scoredIouRows(a, b, sizes);
    EXPECT_NEAR(r[0].item<float>(), 2401.0 / 2500.0, 1e-6);
    EXPECT_FLOAT_EQ(r[1].item<float>(), 1.0f);
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
