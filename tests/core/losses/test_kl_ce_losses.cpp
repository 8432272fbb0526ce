// KLDivLoss and CrossEntropyLoss (docs/BEHAVIOUR.md §2, §3.5): masked form only — per-row
// loss summed over C, averaged over the B*k erased positions, exactly as the
// original's MaskedLoss(loss.kldiv.KLDivLoss / torch.nn.CrossEntropyLoss with
// reduction "none") over its (B*k, k, C) erasure layout.
#include "coders/Decoder.h"
#include "support/OriginalErasureLayout.h"
#include "losses/CrossEntropyLoss.h"
#include "losses/KlDivLoss.h"
#include "util/Error.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <string>

using namespace parity;

namespace {

constexpr int64_t kC = 10;

/// The original's MaskedLoss (loss/kldiv.py, or CrossEntropyLoss with
/// reduction "none") over its erasure layout.
at::Tensor originalMasked(const at::Tensor& base, const at::Tensor& parityOut, const at::Tensor& trueLabels,
                          Decoder& dec, bool crossEntropy)
{
    const int64_t c = base.size(2);
    const auto layout = test::originalErasure(base, parityOut, trueLabels, dec);
    const auto predictions = layout.decoded.view({-1, c});
    at::Tensor loss;
    if (crossEntropy) {
        loss = torch::nn::functional::cross_entropy(predictions, layout.trueLabels.view(-1),
                                                    torch::nn::functional::CrossEntropyFuncOptions().reduction(
                                                        torch::kNone));
        loss = loss * layout.mask;
    } else {
        const auto preds = torch::log_softmax(predictions, 1);
        const auto targets = torch::softmax(layout.baseTargets.view({-1, c}), 1);
        loss = torch::kl_div(preds, targets, at::Reduction::None);
        loss = loss * layout.mask.unsqueeze(1).expand_as(loss);
    }
    return loss.sum() / double(layout.numAttempt);
}

// ---------------------------------------------------------------- KLDiv

TEST(KlCeKlDiv, HandComputedCase)
{
    KlDivLoss loss;
    // B = 1, k = 2, C = 2.
    // Row 0: pred [0, 0] -> q = (1/2, 1/2); target [0, ln 3] -> p = (1/4, 3/4):
    //   KL = 1/4 ln(1/2) + 3/4 ln(3/2).
    // Row 1: pred = target + 5 (same softmax) -> 0.
    const float ln3 = std::log(3.0f);
    const auto rec = torch::tensor({{{0.f, 0.f}, {6.f, 7.f}}});
    const auto base = torch::tensor({{{0.f, ln3}, {1.f, 2.f}}});
    const auto labels = torch::zeros({1, 2}, torch::kLong);
    const double row0 = 0.25 * std::log(0.5) + 0.75 * std::log(1.5);
    EXPECT_NEAR(loss.maskedLoss(rec, base, labels).item<double>(), row0 / 2.0, 1e-6);
    EXPECT_FALSE(loss.usesTrueLabels());
}

TEST(KlCeKlDiv, MatchesFormulaAndAtKlDiv)
{
    torch::manual_seed(41);
    KlDivLoss loss;
    const int64_t b = 6, k = 3;
    const auto rec = torch::randn({b, k, kC}) * 3;
    const auto base = torch::randn({b, k, kC}) * 3;
    const auto labels = torch::randint(0, kC, {b, k}, torch::kLong);
    const auto p = torch::softmax(base, 2);
    const auto logq = torch::log_softmax(rec, 2);
    const auto formula = (p * (p.log() - logq)).sum() / double(b * k);
    const auto viaAten = at::kl_div(logq.reshape({-1, kC}), p.reshape({-1, kC}), at::Reduction::Sum) / double(b * k);
    const auto ours = loss.maskedLoss(rec, base, labels);
    EXPECT_EQ(ours.dim(), 0);
    EXPECT_NEAR(ours.item<double>(), formula.item<double>(), 1e-5);
    EXPECT_NEAR(ours.item<double>(), viaAten.item<double>(), 1e-5);
    EXPECT_GT(ours.item<double>(), 0.0);
    // Zero for identical distributions (also after a per-row shift of the logits).
    EXPECT_NEAR(loss.maskedLoss(base + 2.5, base, labels).item<double>(), 0.0, 1e-6);
}

TEST(KlCeKlDiv, ParityFormIsRefused)
{
    KlDivLoss loss;
    EXPECT_THROW(loss.parityLoss(torch::zeros({2, kC}), torch::zeros({2, kC})), Error);
}

// ---------------------------------------------------------------- CrossEntropy

TEST(KlCeCrossEntropy, HandComputedCase)
{
    CrossEntropyLoss loss;
    // Row 0: logits [0, 0], label 1 -> ln 2.  Row 1: logits [ln 3, 0], label 0 -> -ln(3/4).
    const float ln3 = std::log(3.0f);
    const auto rec = torch::tensor({{{0.f, 0.f}, {ln3, 0.f}}});
    const auto base = torch::zeros({1, 2, 2}); // ignored
    const auto labels = torch::tensor({{1, 0}}, torch::kLong);
    const double expected = (std::log(2.0) + std::log(4.0 / 3.0)) / 2.0;
    EXPECT_NEAR(loss.maskedLoss(rec, base, labels).item<double>(), expected, 1e-6);
    EXPECT_TRUE(loss.usesTrueLabels());
}

TEST(KlCeCrossEntropy, MatchesAtCrossEntropyMean)
{
    torch::manual_seed(42);
    CrossEntropyLoss loss;
    const int64_t b = 5, k = 4;
    const auto rec = torch::randn({b, k, kC}) * 2;
    const auto labels = torch::randint(0, kC, {b, k}, torch::kLong);
    const auto expected = at::cross_entropy_loss(rec.reshape({-1, kC}), labels.reshape(-1)); // mean
    const auto ours = loss.maskedLoss(rec, torch::randn({b, k, kC}), labels);
    EXPECT_EQ(ours.dim(), 0);
    EXPECT_NEAR(ours.item<double>(), expected.item<double>(), 1e-5);
}

TEST(KlCeCrossEntropy, ParityFormIsRefused)
{
    CrossEntropyLoss loss;
    EXPECT_THROW(loss.parityLoss(torch::zeros({2, kC}), torch::zeros({2, kC})), Error);
}

// ---------------------------------------------------------------- vs the original

class KlCeOriginal : public testing::TestWithParam<std::tuple<int, bool>> {};

// Value and decoder gradient through Decoder::reconstructAll equal the
// original's MaskedLoss over its erasure layout.
TEST_P(KlCeOriginal, EqualsOriginalMaskedLoss)
{
    const auto [k, crossEntropy] = GetParam();
    const int64_t b = 5;
    torch::manual_seed(200 + k + (crossEntropy ? 10 : 0));
    const auto base = torch::randn({b, k, kC}) * 2;
    const auto parityOut = torch::randn({b, 1, kC}) * 2;
    const auto labels = torch::randint(0, kC, {b, k}, torch::kLong);
    const auto w0 = torch::randn({(k + 1) * kC, k * kC}) / 5.0;

    auto wOrig = w0.clone().requires_grad_(true);
    test::LinearProbeDecoder decOrig(k, wOrig);
    const auto orig = originalMasked(base, parityOut, labels, decOrig, crossEntropy);
    orig.backward();

    auto wOurs = w0.clone().requires_grad_(true);
    test::LinearProbeDecoder decOurs(k, wOurs);
    std::unique_ptr<Loss> loss;
    if (crossEntropy)
        loss = std::make_unique<CrossEntropyLoss>();
    else
        loss = std::make_unique<KlDivLoss>();
    const auto ours = loss->maskedLoss(decOurs.reconstructAll(base, parityOut), base, labels);
    EXPECT_NEAR(ours.item<double>(), orig.item<double>(), 1e-5 * std::max(1.0, std::abs(orig.item<double>())));
    ours.backward();
    EXPECT_TRUE(torch::allclose(wOurs.grad(), wOrig.grad(), 1e-4, 1e-6));
}

INSTANTIATE_TEST_SUITE_P(KlCe, KlCeOriginal, testing::Combine(testing::Values(2, 3, 4), testing::Bool()),
                         [](const testing::TestParamInfo<std::tuple<int, bool>>& i) {
                             return std::string(std::get<1>(i.param) ? "ce" : "kldiv") + "_k"
                                    + std::to_string(std::get<0>(i.param));
                         });

} // namespace
