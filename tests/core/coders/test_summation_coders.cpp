// AdditionEncoder and SubtractionDecoder (docs/BEHAVIOUR.md §4 "Coders", §3.5 erasure
// scenarios): with a linear stand-in for the base model F, summation coding
// must recover every erased prediction exactly.
#include "coders/AdditionEncoder.h"
#include "coders/Decoder.h"
#include "coders/SubtractionDecoder.h"
#include "data/ImageShape.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <string>

using namespace parity;

namespace {

constexpr int64_t kBatch = 5;
constexpr int64_t kClasses = 7;

struct SummationCase {
    int k;
    ImageShape shape;
};

std::string caseName(const testing::TestParamInfo<SummationCase>& info)
{
    return "k" + std::to_string(info.param.k) + "_" + std::to_string(info.param.shape.channels) + "x"
           + std::to_string(info.param.shape.height) + "x" + std::to_string(info.param.shape.width);
}

/// A decoder that only implements forward() (the subtraction rule), so
/// reconstructAll goes through Decoder's generic erase-and-pick path.
class ForwardOnlySubtraction : public Decoder {
public:
    using Decoder::Decoder;
    at::Tensor forward(const at::Tensor& in) override
    {
        auto out = in.select(1, in.size(1) - 1) - in.narrow(1, 0, in.size(1) - 1).sum(1);
        return out.unsqueeze(1).expand({in.size(0), m_k, in.size(2)}).contiguous();
    }
};

/// A decoder that returns its first k inputs unchanged: entry p of scenario e
/// is base[p] unless p == e (then zero). Picking anything but the diagonal
/// (or mixing up the group / scenario order) yields non-zero values.
class IdentityProbe : public Decoder {
public:
    using Decoder::Decoder;
    at::Tensor forward(const at::Tensor& in) override { return in.narrow(1, 0, m_k).clone(); }
};

class SummationCoders : public testing::TestWithParam<SummationCase> {
protected:
    void SetUp() override
    {
        torch::manual_seed(1234 + GetParam().k);
        const auto& c = GetParam();
        m_inputs = torch::randn({kBatch, c.k, c.shape.numel()});
        m_weight = torch::randn({kClasses, c.shape.numel()}) / 4.0; // F(x) = A x, no bias
    }
    at::Tensor F(const at::Tensor& x) const { return at::matmul(x, m_weight.t()); }

    at::Tensor m_inputs; // (B, k, D)
    at::Tensor m_weight; // (C, D)
};

// AdditionEncoder: P = X1 + ... + Xk elementwise over every channel and pixel.
TEST_P(SummationCoders, AdditionEncoderSumsTheKInputs)
{
    const auto& c = GetParam();
    AdditionEncoder enc(c.k, 1, c.shape);
    const auto parity = enc.forward(m_inputs);
    ASSERT_EQ(parity.sizes(), (std::vector<int64_t>{kBatch, 1, c.shape.numel()}));
    at::Tensor expected = m_inputs.select(1, 0).clone();
    for (int i = 1; i < c.k; ++i)
        expected += m_inputs.select(1, i);
    EXPECT_TRUE(torch::allclose(parity.squeeze(1), expected, 1e-6, 1e-6));
    EXPECT_EQ(enc.codeInputShape(), c.shape);
}

// End to end: F(E(X)) through SubtractionDecoder::reconstructAll gives F(X_e)
// back for every erased position e.
TEST_P(SummationCoders, ParityThroughLinearModelRecoversEveryErasure)
{
    const auto& c = GetParam();
    AdditionEncoder enc(c.k, 1, c.shape);
    SubtractionDecoder dec(c.k, 1, kClasses);
    const auto base = F(m_inputs);                   // (B, k, C)
    const auto parityOut = F(enc.forward(m_inputs)); // (B, 1, C)
    const auto rec = dec.reconstructAll(base, parityOut);
    ASSERT_EQ(rec.sizes(), base.sizes());
    for (int e = 0; e < c.k; ++e)
        EXPECT_TRUE(torch::allclose(rec.select(1, e), base.select(1, e), 1e-4, 1e-4)) << "erased position " << e;
    // The parity model's exact target is the decoder's combine().
    EXPECT_TRUE(torch::allclose(parityOut.squeeze(1), dec.combine(base), 1e-4, 1e-4));
}

// Closed form vs the generic Decoder::reconstructAll (erase, forward, pick
// the diagonal) with an arbitrary, inexact parity output.
TEST_P(SummationCoders, ClosedFormAgreesWithGenericPath)
{
    const auto& c = GetParam();
    SubtractionDecoder dec(c.k, 1, kClasses);
    const auto base = torch::randn({kBatch, c.k, kClasses});
    const auto parityOut = torch::randn({kBatch, 1, kClasses});

    const auto closed = dec.reconstructAll(base, parityOut);
    const auto generic = static_cast<Decoder&>(dec).Decoder::reconstructAll(base, parityOut);
    ForwardOnlySubtraction forwardOnly(c.k, 1, kClasses);
    const auto viaSubclass = forwardOnly.reconstructAll(base, parityOut);

    // rec[b, e] = Fp(P) - sum_{j != e} F(Xj), written out by hand.
    auto expected = torch::empty_like(base);
    for (int64_t b = 0; b < kBatch; ++b)
        for (int e = 0; e < c.k; ++e) {
            auto v = parityOut[b][0].clone();
            for (int j = 0; j < c.k; ++j)
                if (j != e)
                    v -= base[b][j];
            expected[b][e] = v;
        }
    EXPECT_TRUE(torch::allclose(closed, expected, 1e-5, 1e-5));
    EXPECT_TRUE(torch::allclose(generic, expected, 1e-5, 1e-5));
    EXPECT_TRUE(torch::allclose(viaSubclass, expected, 1e-5, 1e-5));
}

// The generic path picks entry e of scenario e, scenario rows grouped per
// group (row b*k + e, the original's erase_mask layout).
TEST_P(SummationCoders, GenericPathPicksErasedEntryOfEachScenario)
{
    const auto& c = GetParam();
    IdentityProbe probe(c.k, 1, kClasses);
    const auto base = torch::rand({kBatch, c.k, kClasses}) + 1.0; // never zero
    const auto parityOut = torch::rand({kBatch, 1, kClasses}) + 1.0;
    const auto rec = probe.reconstructAll(base, parityOut);
    ASSERT_EQ(rec.sizes(), base.sizes());
    EXPECT_TRUE(torch::equal(rec, torch::zeros_like(base)));
}

// SubtractionDecoder::forward on a hand-made decoder input.
TEST_P(SummationCoders, SubtractionForwardOnHandMadeInput)
{
    const auto& c = GetParam();
    SubtractionDecoder dec(c.k, 1, kClasses);
    const int64_t n = 4;
    auto in = torch::randn({n, c.k + 1, kClasses});
    for (int64_t i = 0; i < n; ++i)
        in[i][i % c.k].zero_(); // the erased entry
    const auto out = dec.forward(in);
    ASSERT_EQ(out.sizes(), (std::vector<int64_t>{n, c.k, kClasses}));
    for (int64_t i = 0; i < n; ++i) {
        auto expected = in[i][c.k].clone();
        for (int j = 0; j < c.k; ++j)
            expected -= in[i][j];
        for (int p = 0; p < c.k; ++p)
            EXPECT_TRUE(torch::allclose(out[i][p], expected, 1e-6, 1e-6)) << "row " << i << " pos " << p;
    }
}

// combine = sum of the k base outputs.
TEST_P(SummationCoders, CombineIsSum)
{
    const auto& c = GetParam();
    SubtractionDecoder dec(c.k, 1, kClasses);
    const auto base = torch::randn({kBatch, c.k, kClasses});
    auto expected = torch::zeros({kBatch, kClasses});
    for (int j = 0; j < c.k; ++j)
        expected += base.select(1, j);
    const auto combined = dec.combine(base);
    ASSERT_EQ(combined.sizes(), expected.sizes());
    EXPECT_TRUE(torch::allclose(combined, expected, 1e-6, 1e-6));
}

INSTANTIATE_TEST_SUITE_P(KAndShapes, SummationCoders,
                         testing::Values(SummationCase{2, {1, 28, 28}}, SummationCase{3, {1, 28, 28}},
                                         SummationCase{4, {1, 28, 28}}, SummationCase{2, {3, 4, 4}},
                                         SummationCase{3, {3, 4, 4}}, SummationCase{4, {3, 4, 4}}),
                         caseName);

// Exact integer values: a 3-channel sum leaves no room for rounding.
TEST(AdditionEncoder, ThreeChannelExactSum)
{
    const ImageShape shape{3, 4, 4};
    AdditionEncoder enc(3, 1, shape);
    auto x = torch::arange(2 * 3 * 48, torch::kFloat).reshape({2, 3, 48});
    const auto p = enc.forward(x).reshape({2, 3, 4, 4});
    const auto xs = x.reshape({2, 3, 3, 4, 4});
    for (int64_t b = 0; b < 2; ++b)
        for (int64_t ch = 0; ch < 3; ++ch)
            for (int64_t h = 0; h < 4; ++h)
                for (int64_t w = 0; w < 4; ++w) {
                    const float want = xs[b][0][ch][h][w].item<float>() + xs[b][1][ch][h][w].item<float>()
                                       + xs[b][2][ch][h][w].item<float>();
                    ASSERT_EQ(p[b][ch][h][w].item<float>(), want) << b << "," << ch << "," << h << "," << w;
                }
}

} // namespace
