// Codes beyond one parity (docs/CODES.md): ParM's r parities with
// least-squares decoding, and Berrut's training-free code. With a linear
// stand-in for the base model, the parity code must recover every erased set
// of at most r predictions exactly; Berrut reproduces constants always and
// linear functions from an even number of nodes.
#include "coders/AdditionEncoder.h"
#include "coders/BerrutCoders.h"
#include "coders/LinearCodes.h"
#include "coders/MlpDecoder.h"
#include "coders/MlpEncoder.h"
#include "coders/SubtractionDecoder.h"
#include "util/Error.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>

using namespace parity;

namespace {

constexpr int64_t kBatch = 3;
constexpr int64_t kClasses = 5;
const ImageShape kShape{1, 4, 3};

} // namespace

TEST(LinearCodes, FirstRowIsTheSumSoOneParityIsTheOriginalsAddition)
{
    const at::Tensor a = parityCodeMatrix(4, 3);
    ASSERT_EQ(a.sizes(), (at::IntArrayRef{3, 4}));
    EXPECT_TRUE(at::equal(a[0], at::ones({4}, at::kDouble)));
    // Row j is node^j: the second row holds the Chebyshev nodes themselves.
    const auto nodes = chebyshevFirstKind(4);
    for (int i = 0; i < 4; ++i) {
        EXPECT_DOUBLE_EQ(a[1][i].item<double>(), nodes[size_t(i)]);
        EXPECT_NEAR(a[2][i].item<double>(), nodes[size_t(i)] * nodes[size_t(i)], 1e-15);
    }
}

TEST(LinearCodes, EverySetOfAtMostRColumnsIsInvertibleForKUpTo8AndRUpTo4)
{
    for (int k = 2; k <= 8; ++k)
        for (int r = 1; r <= std::min(4, k); ++r) {
            const at::Tensor a = parityCodeMatrix(k, r);
            for (int e = 1; e <= r; ++e)
                for (const auto& s : subsetsOfSize(k, e)) {
                    const double cond = conditionNumber(a, s);
                    EXPECT_TRUE(std::isfinite(cond) && cond < 1e3)
                        << "k=" << k << " r=" << r << " |S|=" << e << " cond " << cond;
                }
        }
}

TEST(LinearCodes, SubsetsAreEnumeratedInLexicographicOrder)
{
    const auto s = subsetsOfSize(4, 2);
    const std::vector<std::vector<int>> expected = {{0, 1}, {0, 2}, {0, 3}, {1, 2}, {1, 3}, {2, 3}};
    EXPECT_EQ(s, expected);
    EXPECT_EQ(subsetsOfSize(3, 0), (std::vector<std::vector<int>>{{}}));
    EXPECT_EQ(binomial(8, 4), 70);
    EXPECT_EQ(binomial(3, 5), 0);
}

TEST(LinearCodes, WithALinearBaseModelEveryErasedSetOfAtMostRIsRecoveredExactly)
{
    for (int k = 2; k <= 5; ++k)
        for (int r = 1; r <= std::min(3, k); ++r) {
            torch::manual_seed(uint64_t(10 * k + r));
            const at::Tensor x = torch::randn({kBatch, k, kShape.numel()});
            const at::Tensor w = torch::randn({kClasses, kShape.numel()}) / 4.0; // F(x) = W x, no bias
            auto f = [&](const at::Tensor& in) { return at::matmul(in, w.t()); };
            AdditionEncoder enc(k, r, kShape);
            SubtractionDecoder dec(k, r, kClasses);
            const at::Tensor base = f(x);                // (B, k, C)
            const at::Tensor parity = f(enc.forward(x)); // (B, r, C): exact parity model
            EXPECT_TRUE(at::allclose(parity, dec.combineAll(base), 1e-4, 1e-4)) << "k=" << k << " r=" << r;
            for (int e = 1; e <= r; ++e)
                for (const auto& s : subsetsOfSize(k, e)) {
                    // What an erased output holds must not matter.
                    at::Tensor garbage = base.clone();
                    for (int i : s)
                        garbage.select(1, i).fill_(1e6);
                    const at::Tensor rec = dec.reconstruct(garbage, parity, s);
                    ASSERT_EQ(rec.size(1), e);
                    for (int q = 0; q < e; ++q)
                        EXPECT_TRUE(at::allclose(rec.select(1, q), base.select(1, s[size_t(q)]), 1e-3, 1e-3))
                            << "k=" << k << " r=" << r << " erased position " << s[size_t(q)];
                }
            // reconstructAll: every single erasure at once.
            EXPECT_TRUE(at::allclose(dec.reconstructAll(base, parity), base, 1e-3, 1e-3));
        }
}

TEST(LinearCodes, LeastSquaresAveragesTheParitiesWhenFewerAreErased)
{
    // k = 2, r = 2, one erased: two equations for one unknown. Noise on the
    // parity outputs is projected onto a_S, never amplified beyond it.
    const at::Tensor a = parityCodeMatrix(2, 2);
    const at::Tensor m = leastSquaresDecoding(a, {0}); // (1, 4)
    // F_0 = (1 * (Fp0 - F1) + a10 * (Fp1 - a11 F1)) / (1 + a10^2)
    const double a10 = a[1][0].item<double>(), a11 = a[1][1].item<double>();
    const double n = 1 + a10 * a10;
    EXPECT_NEAR(m[0][0].item<double>(), 0.0, 1e-12);
    EXPECT_NEAR(m[0][1].item<double>(), -(1 + a10 * a11) / n, 1e-12);
    EXPECT_NEAR(m[0][2].item<double>(), 1 / n, 1e-12);
    EXPECT_NEAR(m[0][3].item<double>(), a10 / n, 1e-12);
}

TEST(LinearCodes, OneParityDecodesBitForBitAsTheOriginalsSubtraction)
{
    torch::manual_seed(3);
    const at::Tensor base = torch::randn({kBatch, 3, kClasses});
    const at::Tensor parity = torch::randn({kBatch, 1, kClasses});
    SubtractionDecoder dec(3, 1, kClasses);
    const at::Tensor all = dec.reconstructAll(base, parity);
    for (int e = 0; e < 3; ++e)
        EXPECT_TRUE(at::allclose(dec.reconstruct(base, parity, {e}).select(1, 0), all.select(1, e), 1e-5, 1e-5));
    AdditionEncoder enc(3, 1, kShape);
    const at::Tensor x = torch::randn({kBatch, 3, kShape.numel()});
    EXPECT_TRUE(at::equal(enc.forward(x).select(1, 0), x.sum(1)));
}

TEST(LinearCodes, LearnedCodersTakeR)
{
    MlpEncoder enc(3, 2, kShape);
    EXPECT_EQ(enc.forward(torch::randn({kBatch, 3, kShape.numel()})).sizes(),
              (at::IntArrayRef{kBatch, 2, kShape.numel()}));
    MlpDecoder dec(3, 2, kClasses);
    const at::Tensor rec = dec.reconstruct(torch::randn({kBatch, 3, kClasses}), torch::randn({kBatch, 2, kClasses}),
                                           {0, 2});
    EXPECT_EQ(rec.sizes(), (at::IntArrayRef{kBatch, 2, kClasses}));
}

TEST(Berrut, WeightsSumToOneAndInterpolateTheNodes)
{
    const BerrutNodes nodes = berrutNodes(4, 2);
    ASSERT_EQ(nodes.data.size(), 4u);
    ASSERT_EQ(nodes.workers.size(), 6u);
    EXPECT_DOUBLE_EQ(nodes.workers.front(), 1.0); // Chebyshev points of the second kind: both ends
    EXPECT_NEAR(nodes.workers.back(), -1.0, 1e-15);
    EXPECT_NEAR(nodes.data[0], std::cos(M_PI / 8), 1e-15);
    const at::Tensor w = berrutWeights(nodes.data, nodes.workers);
    EXPECT_TRUE(at::allclose(w.sum(1), at::ones({6}, at::kDouble), 1e-12, 1e-12));
    // Evaluated at its own nodes' neighbourhood it stays a convex-like mix; at
    // a data node the decoder's interpolant through the workers is defined.
    EXPECT_NO_THROW(berrutWeights(nodes.workers, nodes.data));
    // k = 3, N = 5: z_2 = cos(pi/2) = alpha_1 = 0.
    EXPECT_THROW(berrutWeights(berrutNodes(3, 2).data, berrutNodes(3, 2).workers), Error);
}

TEST(Berrut, DecodesAConstantExactlyFromAnySetOfWorkers)
{
    for (int k = 2; k <= 5; ++k)
        for (int r = 1; r <= 3; ++r) {
            if (!berrutCollision(k, r).empty())
                continue;
            BerrutDecoder dec(k, r, kClasses);
            const at::Tensor c = torch::randn({kBatch, 1, kClasses}).expand({kBatch, k + r, kClasses}).contiguous();
            const at::Tensor base = torch::zeros({kBatch, k, kClasses});
            for (int e = 0; e <= k; ++e)
                for (const auto& missing : subsetsOfSize(k + r, e)) {
                    const at::Tensor rec = dec.reconstruct(base, c, missing);
                    ASSERT_EQ(rec.size(1), k);
                    for (int i = 0; i < k; ++i)
                        EXPECT_TRUE(at::allclose(rec.select(1, i), c.select(1, 0), 1e-4, 1e-4))
                            << "k=" << k << " r=" << r << " missing " << missing.size();
                }
        }
}

TEST(Berrut, DecodesALinearFunctionExactlyFromAnEvenNumberOfWorkers)
{
    // Berrut's interpolant reproduces f(z) = a + b z exactly when it has an
    // even number of nodes (sum of (-1)^i vanishes), and only then.
    const int k = 3, r = 3; // N = 6
    BerrutDecoder dec(k, r, 1);
    const BerrutNodes nodes = berrutNodes(k, r);
    at::Tensor y = at::empty({1, k + r, 1});
    for (int n = 0; n < k + r; ++n)
        y[0][n][0] = float(2.0 + 3.0 * nodes.workers[size_t(n)]);
    for (int e = 0; e <= k; e += 2)
        for (const auto& missing : subsetsOfSize(k + r, e)) {
            const at::Tensor rec = dec.reconstruct(at::zeros({1, k, 1}), y, missing);
            for (int i = 0; i < k; ++i)
                EXPECT_NEAR(rec[0][i][0].item<double>(), 2.0 + 3.0 * nodes.data[size_t(i)], 1e-5)
                    << "missing " << missing.size();
        }
    // An odd number of workers: not exact (the check above can fail).
    const at::Tensor odd = dec.reconstruct(at::zeros({1, k, 1}), y, {0});
    EXPECT_GT(std::abs(odd[0][0][0].item<double>() - (2.0 + 3.0 * nodes.data[0])), 1e-3);
}

TEST(Berrut, WithTwoQueriesALinearBaseModelIsDecodedExactlyFromEvenWorkerSets)
{
    // k = 2: the encoder's Berrut interpolant through two nodes is a line, so
    // a linear base model's worker outputs lie on a line in z.
    const int k = 2, r = 2;
    torch::manual_seed(5);
    const at::Tensor x = torch::randn({kBatch, k, kShape.numel()});
    const at::Tensor w = torch::randn({kClasses, kShape.numel()}) / 4.0;
    BerrutEncoder enc(k, r, kShape);
    BerrutDecoder dec(k, r, kClasses);
    const at::Tensor coded = enc.forward(x);
    ASSERT_EQ(coded.size(1), k + r);
    const at::Tensor workers = at::matmul(coded, w.t());
    const at::Tensor base = at::matmul(x, w.t());
    EXPECT_TRUE(at::allclose(dec.reconstruct(base, workers, {}), base, 1e-4, 1e-4));
    EXPECT_TRUE(at::allclose(dec.reconstruct(base, workers, {0, 3}), base, 1e-4, 1e-4));
    EXPECT_TRUE(at::allclose(dec.reconstruct(base, workers, {1, 2}), base, 1e-4, 1e-4));
}

TEST(Berrut, CollidingNodesAreRefused)
{
    // k = 2, N = 5: z_1 = cos(pi/4) = alpha_0.
    EXPECT_FALSE(berrutCollision(2, 3).empty());
    EXPECT_THROW(BerrutEncoder(2, 3, kShape), Error);
    EXPECT_THROW(BerrutDecoder(2, 3, kClasses), Error);
    EXPECT_TRUE(berrutCollision(2, 1).empty());
    EXPECT_TRUE(berrutCollision(4, 2).empty());
}
