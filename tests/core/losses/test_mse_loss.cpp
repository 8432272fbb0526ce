// MseLoss (docs/BEHAVIOUR.md §3.5): the parity form is at::mse_loss with mean reduction;
// the masked form equals the original's MaskedLoss(MSELoss(reduction=none))
// over its (B*k, k, C) erasure layout (erase_mask / acc_mask).
#include "coders/Decoder.h"
#include "support/OriginalErasureLayout.h"
#include "losses/Loss.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <string>

using namespace parity;

namespace {

constexpr int64_t kC = 10;

struct OriginalMasked {
    at::Tensor decoded; // (B*k, k, C)
    at::Tensor loss;
};

/// The original's MaskedLoss(MSELoss(reduction=none)) over its erasure layout.
OriginalMasked originalMaskedMse(const at::Tensor& base, const at::Tensor& parityOut, Decoder& dec)
{
    const int64_t c = base.size(2);
    const auto layout = test::originalErasure(base, parityOut, torch::zeros({base.size(0), base.size(1)}, torch::kLong),
                                              dec);
    auto perElement = torch::mse_loss(layout.decoded.view({-1, c}), layout.baseTargets.view({-1, c}),
                                      at::Reduction::None); // (B*k*k, C)
    auto masked = perElement * layout.mask.unsqueeze(1).expand_as(perElement);
    return {layout.decoded, masked.sum() / double(layout.numAttempt)};
}

// Parity form: mean over all elements, also for an output shaped (B, 1, C).
TEST(MseLoss, ParityLossIsMeanSquaredError)
{
    torch::manual_seed(3);
    MseLoss loss;
    const auto out = torch::randn({6, kC});
    const auto target = torch::randn({6, kC});
    EXPECT_TRUE(torch::allclose(loss.parityLoss(out, target), torch::mse_loss(out, target), 1e-6, 1e-7));
    EXPECT_TRUE(torch::allclose(loss.parityLoss(out.unsqueeze(1), target), torch::mse_loss(out, target), 1e-6, 1e-7));
    // Hand value: differences 1 and 3 -> (1 + 9) / 2.
    EXPECT_FLOAT_EQ(loss.parityLoss(torch::tensor({{1.f, 3.f}}), torch::zeros({1, 2})).item<float>(), 5.0f);
    EXPECT_FALSE(loss.usesTrueLabels());
}

class MseMaskedLoss : public testing::TestWithParam<int> {};

// Masked form against the original's layout, value and gradient.
TEST_P(MseMaskedLoss, EqualsOriginalMaskedLoss)
{
    const int k = GetParam();
    const int64_t b = 5;
    torch::manual_seed(100 + k);
    const auto base = torch::randn({b, k, kC});
    const auto parityOut = torch::randn({b, 1, kC});
    const auto labels = torch::randint(0, kC, {b, k}, torch::kLong);
    const auto w0 = torch::randn({(k + 1) * kC, k * kC}) / 5.0;

    // Original.
    auto wOrig = w0.clone().requires_grad_(true);
    test::LinearProbeDecoder decOrig(k, wOrig);
    const auto orig = originalMaskedMse(base, parityOut, decOrig);
    orig.loss.backward();

    // Ours, from reconstructed[b, e] = decoded[b*k + e, e].
    auto reconstructed = torch::empty({b, k, kC});
    for (int64_t g = 0; g < b; ++g)
        for (int e = 0; e < k; ++e)
            reconstructed[g][e] = orig.decoded[g * k + e][e].detach();
    MseLoss loss;
    const auto ours = loss.maskedLoss(reconstructed, base, labels);
    EXPECT_EQ(ours.dim(), 0);
    EXPECT_NEAR(ours.item<double>(), orig.loss.item<double>(), 1e-5 * std::abs(orig.loss.item<double>()));

    // Ours through Decoder::reconstructAll (the trainer's path), with gradient.
    auto wOurs = w0.clone().requires_grad_(true);
    test::LinearProbeDecoder decOurs(k, wOurs);
    const auto viaDecoder = loss.maskedLoss(decOurs.reconstructAll(base, parityOut), base, labels);
    EXPECT_NEAR(viaDecoder.item<double>(), orig.loss.item<double>(), 1e-5 * std::abs(orig.loss.item<double>()));
    viaDecoder.backward();
    EXPECT_TRUE(torch::allclose(wOurs.grad(), wOrig.grad(), 1e-4, 1e-6));
}

INSTANTIATE_TEST_SUITE_P(K, MseMaskedLoss, testing::Values(2, 3, 4),
                         [](const testing::TestParamInfo<int>& i) { return "k" + std::to_string(i.param); });

// Hand value: per-row sums over C, averaged over the B*k erased positions
// (not over B*k*C elements).
TEST(MseLoss, MaskedLossSumsOverClassesAndAveragesOverPositions)
{
    MseLoss loss;
    // B = 1, k = 2, C = 2: squared errors (1 + 4) and (9 + 0) -> 14 / 2 = 7.
    const auto rec = torch::tensor({{{1.f, 2.f}, {3.f, 0.f}}});
    const auto base = torch::zeros({1, 2, 2});
    const auto labels = torch::zeros({1, 2}, torch::kLong);
    EXPECT_FLOAT_EQ(loss.maskedLoss(rec, base, labels).item<float>(), 7.0f);
}

} // namespace
