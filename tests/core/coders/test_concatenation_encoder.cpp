// ConcatenationEncoder (docs/BEHAVIOUR.md §4 "Coders"): k = 2 tiles the pieces side by
// side, k = 4 into 2x2 quadrants, per colour channel; only k = 2 / 4 and even
// image sizes are allowed.
#include "coders/ConcatenationEncoder.h"
#include "util/Error.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <string>

using namespace parity;

namespace {

/// Distinct values everywhere: sample i of group b, flattened index j.
at::Tensor distinctGroups(int64_t batch, int k, int64_t pieceNumel)
{
    return torch::arange(batch * k * pieceNumel, torch::kFloat).reshape({batch, k, pieceNumel});
}

// k = 2, one channel: row h of the parity is row h of X1 followed by row h of X2.
TEST(ConcatenationEncoder, TwoPiecesSideBySideExactPixels)
{
    ConcatenationEncoder enc(2, 1, {1, 2, 4});
    // X1 = [[0,1],[2,3]], X2 = [[4,5],[6,7]]
    const auto x = distinctGroups(1, 2, 4);
    const auto p = enc.forward(x);
    ASSERT_EQ(p.sizes(), (std::vector<int64_t>{1, 1, 8}));
    const auto expected = torch::tensor({0.f, 1.f, 4.f, 5.f, 2.f, 3.f, 6.f, 7.f});
    EXPECT_TRUE(torch::equal(p.reshape({8}), expected)) << p;
}

// k = 4, one channel: X1 top-left, X2 top-right, X3 bottom-left, X4 bottom-right.
TEST(ConcatenationEncoder, FourQuadrantsExactPixels)
{
    ConcatenationEncoder enc(4, 1, {1, 2, 2});
    // Each piece is a single pixel with value i.
    const auto x = distinctGroups(1, 4, 1);
    const auto p = enc.forward(x);
    ASSERT_EQ(p.sizes(), (std::vector<int64_t>{1, 1, 4}));
    EXPECT_TRUE(torch::equal(p.reshape({4}), torch::tensor({0.f, 1.f, 2.f, 3.f})));

    ConcatenationEncoder big(4, 1, {1, 4, 4});
    // Pieces 2x2: X1 = 0..3, X2 = 4..7, X3 = 8..11, X4 = 12..15.
    const auto q = big.forward(distinctGroups(1, 4, 4)).reshape({4, 4});
    const auto expected = torch::tensor({0.f, 1.f, 4.f, 5.f,   //
                                         2.f, 3.f, 6.f, 7.f,   //
                                         8.f, 9.f, 12.f, 13.f, //
                                         10.f, 11.f, 14.f, 15.f})
                              .reshape({4, 4});
    EXPECT_TRUE(torch::equal(q, expected)) << q;
}

struct TileCase {
    int k;
    ImageShape image;
    ImageShape piece; // expected codeInputShape()
};

class ConcatenationTiling : public testing::TestWithParam<TileCase> {};

// Every pixel of every channel lands where docs/BEHAVIOUR.md's tiling puts it, for
// several shapes (including 3 channels and non-square images), batch of 3.
TEST_P(ConcatenationTiling, EveryPixelInPlace)
{
    const auto& c = GetParam();
    ConcatenationEncoder enc(c.k, 1, c.image);
    ASSERT_EQ(enc.codeInputShape(), c.piece);

    const int64_t batch = 3;
    const auto x = distinctGroups(batch, c.k, c.piece.numel());
    const auto p = enc.forward(x);
    ASSERT_EQ(p.sizes(), (std::vector<int64_t>{batch, 1, c.image.numel()}));

    const auto pa = p.reshape({batch, c.image.channels, c.image.height, c.image.width}).contiguous();
    const auto xa = x.reshape({batch, c.k, c.piece.channels, c.piece.height, c.piece.width}).contiguous();
    auto P = pa.accessor<float, 4>();
    auto X = xa.accessor<float, 5>();
    for (int64_t b = 0; b < batch; ++b)
        for (int ch = 0; ch < c.image.channels; ++ch)
            for (int h = 0; h < c.image.height; ++h)
                for (int w = 0; w < c.image.width; ++w) {
                    const int col = w / c.piece.width;
                    const int row = h / c.piece.height;
                    const int i = row * 2 + col; // k = 2: row is always 0
                    ASSERT_EQ(P[b][ch][h][w], X[b][i][ch][h % c.piece.height][w % c.piece.width])
                        << "b=" << b << " c=" << ch << " h=" << h << " w=" << w;
                }
}

INSTANTIATE_TEST_SUITE_P(Shapes, ConcatenationTiling,
                         testing::Values(TileCase{2, {1, 28, 28}, {1, 28, 14}}, TileCase{4, {1, 28, 28}, {1, 14, 14}},
                                         TileCase{2, {3, 4, 6}, {3, 4, 3}}, TileCase{4, {3, 4, 6}, {3, 2, 3}},
                                         TileCase{2, {3, 32, 32}, {3, 32, 16}}, TileCase{4, {3, 32, 32}, {3, 16, 16}}));

struct BadCase {
    const char* name;
    int k;
    ImageShape image;
    const char* mustContain;
};

class ConcatenationRejects : public testing::TestWithParam<BadCase> {};

// Construction outside k = 2 / 4 or with odd sizes throws parity::Error.
TEST_P(ConcatenationRejects, ThrowsParityError)
{
    const auto& c = GetParam();
    try {
        ConcatenationEncoder enc(c.k, 1, c.image);
        FAIL() << "no exception for " << c.name;
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find(c.mustContain), std::string::npos) << e.what();
    }
}

INSTANTIATE_TEST_SUITE_P(Invalid, ConcatenationRejects,
                         testing::Values(BadCase{"k3", 3, {1, 28, 28}, "k = 3"}, BadCase{"k1", 1, {1, 28, 28}, "k = 1"},
                                         BadCase{"k5", 5, {1, 28, 28}, "k = 5"},
                                         BadCase{"oddHeight", 2, {1, 27, 28}, "even"},
                                         BadCase{"oddWidth", 4, {1, 28, 27}, "even"},
                                         BadCase{"oddBoth3ch", 2, {3, 5, 5}, "even"}),
                         [](const testing::TestParamInfo<BadCase>& info) { return std::string(info.param.name); });

} // namespace
