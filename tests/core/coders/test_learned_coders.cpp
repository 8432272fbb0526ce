// Learned coders (docs/BEHAVIOUR.md §4 "Coders", §5 per-channel fix, §7 parameter counts):
// coders.mlp.MLPEncoder, coders.conv.ConvEncoder, coders.mlp.MLPDecoder.
#include "coders/ConvEncoder.h"
#include "coders/MlpDecoder.h"
#include "coders/MlpEncoder.h"
#include "coders/SubtractionDecoder.h"
#include "data/ImageShape.h"
#include "losses/Loss.h"
#include "training/AdamOptimizer.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <functional>
#include <memory>
#include <string>
#include <vector>

using namespace parity;

namespace {

int64_t countParameters(torch::nn::Module& m)
{
    int64_t n = 0;
    for (const auto& p : m.parameters())
        n += p.numel();
    return n;
}

std::vector<std::string> parameterNames(torch::nn::Module& m)
{
    std::vector<std::string> names;
    for (const auto& item : m.named_parameters())
        names.push_back(item.key());
    return names;
}

std::vector<at::Tensor> parametersOf(torch::nn::Module& m)
{
    std::vector<at::Tensor> out;
    for (auto& p : m.parameters())
        out.push_back(p);
    return out;
}

/// Copies every parameter of `from` into `to` (same names and shapes).
void copyParameters(torch::nn::Module& from, torch::nn::Module& to)
{
    torch::NoGradGuard noGrad;
    auto src = from.named_parameters();
    for (auto& item : to.named_parameters())
        item.value().copy_(src[item.key()]);
}

/// Channel c of every image in a (B, n, C*H*W) tensor: (B, n, H*W).
at::Tensor channel(const at::Tensor& x, const ImageShape& s, int64_t c)
{
    const int64_t d = int64_t(s.height) * s.width;
    return x.reshape({x.size(0), x.size(1), s.channels, d}).select(2, c);
}

// ---------------------------------------------------------------- counts

TEST(LearnedCodersCounts, MlpEncoder784Inputs)
{
    const ImageShape mnist{1, 28, 28};
    const int64_t expected[] = {3690288, 7379008, 12297040};
    for (int k = 2; k <= 4; ++k) {
        MlpEncoder enc(k, 1, mnist);
        EXPECT_EQ(countParameters(enc), expected[k - 2]) << "k = " << k;
        EXPECT_EQ(MlpEncoder::parameterCount(k, 1, mnist), expected[k - 2]);
        EXPECT_EQ(MlpEncoder::unsupportedReason(k, mnist), "");
        EXPECT_EQ(MlpEncoder::unsupportedReason(k, {3, 32, 32}), "");
    }
}

// Sizes whose first layer would not fit in memory are refused with a reason.
TEST(LearnedCodersCounts, MlpEncoderRefusesHugeImages)
{
    EXPECT_NE(MlpEncoder::unsupportedReason(2, {3, 224, 224}).find("coders.mlp.MLPEncoder"), std::string::npos);
    EXPECT_NE(MlpEncoder::unsupportedReason(2, {1, 161, 101}), "");
}

TEST(LearnedCodersCounts, ConvEncoder32x32)
{
    const int64_t expected[] = {73001, 164041, 291441};
    for (int k = 2; k <= 4; ++k) {
        // Per colour channel: the count does not depend on the channel count.
        ConvEncoder grey(k, 1, {1, 32, 32});
        ConvEncoder colour(k, 1, {3, 32, 32});
        EXPECT_EQ(countParameters(grey), expected[k - 2]) << "k = " << k;
        EXPECT_EQ(countParameters(colour), expected[k - 2]) << "k = " << k;
    }
}

TEST(LearnedCodersCounts, MlpDecoderTenClasses)
{
    const int64_t expected[] = {1970, 3800, 6230};
    for (int k = 2; k <= 4; ++k) {
        MlpDecoder dec(k, 1, 10);
        EXPECT_EQ(countParameters(dec), expected[k - 2]) << "k = " << k;
    }
}

// The original's state_dict names (nn.Sequential called "nn").
TEST(LearnedCodersCounts, StateDictNamesAsOriginal)
{
    MlpEncoder mlp(2, 1, {1, 4, 4});
    EXPECT_EQ(parameterNames(mlp), (std::vector<std::string>{"nn.0.weight", "nn.0.bias", "nn.2.weight", "nn.2.bias"}));
    MlpDecoder dec(2, 1, 10);
    EXPECT_EQ(parameterNames(dec), (std::vector<std::string>{"nn.0.weight", "nn.0.bias", "nn.2.weight", "nn.2.bias",
                                                             "nn.4.weight", "nn.4.bias"}));
    ConvEncoder conv(2, 1, {1, 8, 8});
    std::vector<std::string> convNames;
    for (int i = 0; i <= 12; i += 2) {
        convNames.push_back("nn." + std::to_string(i) + ".weight");
        convNames.push_back("nn." + std::to_string(i) + ".bias");
    }
    EXPECT_EQ(parameterNames(conv), convNames);
    // Layer shapes: dilations 1, 1, 2, 4, 8, 1 with padding = dilation keep H x W.
    auto p = conv.named_parameters();
    EXPECT_EQ(p["nn.0.weight"].sizes(), (std::vector<int64_t>{40, 2, 3, 3}));
    EXPECT_EQ(p["nn.10.weight"].sizes(), (std::vector<int64_t>{40, 40, 3, 3}));
    EXPECT_EQ(p["nn.12.weight"].sizes(), (std::vector<int64_t>{1, 40, 1, 1}));
}

// ---------------------------------------------------------------- shapes

TEST(LearnedCodersShapes, EncodersMapGroupsToParityImages)
{
    torch::manual_seed(1);
    for (const ImageShape s : {ImageShape{1, 28, 28}, ImageShape{3, 8, 8}, ImageShape{3, 5, 7}}) {
        for (int k = 2; k <= 4; ++k) {
            const auto x = torch::randn({3, k, s.numel()});
            MlpEncoder mlp(k, 1, s);
            ConvEncoder conv(k, 1, s);
            const auto pm = mlp.forward(x);
            const auto pc = conv.forward(x);
            EXPECT_EQ(pm.sizes(), (std::vector<int64_t>{3, 1, s.numel()})) << s.toString() << " k " << k;
            EXPECT_EQ(pc.sizes(), (std::vector<int64_t>{3, 1, s.numel()})) << s.toString() << " k " << k;
            EXPECT_EQ(mlp.codeInputShape(), s);
            EXPECT_EQ(conv.codeInputShape(), s);
        }
    }
    // r = 2 gives two parity images.
    MlpEncoder mlp2(3, 2, {3, 4, 4});
    ConvEncoder conv2(3, 2, {3, 4, 4});
    const auto x = torch::randn({2, 3, 48});
    EXPECT_EQ(mlp2.forward(x).sizes(), (std::vector<int64_t>{2, 2, 48}));
    EXPECT_EQ(conv2.forward(x).sizes(), (std::vector<int64_t>{2, 2, 48}));
}

TEST(LearnedCodersShapes, MlpDecoderForwardAndReconstructAll)
{
    torch::manual_seed(2);
    for (int k = 2; k <= 4; ++k) {
        MlpDecoder dec(k, 1, 10);
        const auto in = torch::randn({7, k + 1, 10});
        EXPECT_EQ(dec.forward(in).sizes(), (std::vector<int64_t>{7, k, 10}));

        // reconstructAll: entry [b, e] is forward() of group b with e zeroed, at e.
        const auto base = torch::randn({4, k, 10});
        const auto parity = torch::randn({4, 1, 10});
        const auto all = dec.reconstructAll(base, parity);
        ASSERT_EQ(all.sizes(), (std::vector<int64_t>{4, k, 10}));
        for (int e = 0; e < k; ++e) {
            auto erased = torch::cat({base, parity}, 1).clone();
            erased.select(1, e).zero_();
            const auto expected = dec.forward(erased).select(1, e);
            EXPECT_TRUE(torch::allclose(all.select(1, e), expected, 1e-5, 1e-6)) << "k " << k << " e " << e;
        }
    }
}

// ---------------------------------------------------------------- per channel

template <class Enc>
void checkPerChannel(int k)
{
    const ImageShape colour{3, 6, 5};
    const ImageShape grey{1, 6, 5};
    torch::manual_seed(10 + k);
    Enc enc3(k, 1, colour);
    Enc enc1(k, 1, grey);
    copyParameters(enc3, enc1); // per channel: the very same weights
    torch::NoGradGuard noGrad;

    const auto x = torch::randn({4, k, colour.numel()});
    const auto p = enc3.forward(x);
    // Channel c of the parity is the one-channel encoder applied to channel c of the inputs.
    for (int64_t c = 0; c < 3; ++c) {
        const auto expected = enc1.forward(channel(x, colour, c).contiguous());
        EXPECT_TRUE(torch::allclose(channel(p, colour, c), expected, 1e-5, 1e-6)) << "channel " << c;
    }

    // Perturb channel 0 of input 1: only parity channel 0 changes.
    auto y = x.clone();
    channel(y, colour, 0).select(1, 1).add_(torch::randn({4, grey.numel()}));
    const auto q = enc3.forward(y);
    EXPECT_FALSE(torch::allclose(channel(q, colour, 0), channel(p, colour, 0)));
    EXPECT_TRUE(torch::equal(channel(q, colour, 1), channel(p, colour, 1)));
    EXPECT_TRUE(torch::equal(channel(q, colour, 2), channel(p, colour, 2)));
}

TEST(LearnedCodersPerChannel, MlpEncoder)
{
    for (int k = 2; k <= 4; ++k)
        checkPerChannel<MlpEncoder>(k);
}

TEST(LearnedCodersPerChannel, ConvEncoder)
{
    for (int k = 2; k <= 4; ++k)
        checkPerChannel<ConvEncoder>(k);
}

// ---------------------------------------------------------------- training

/// A frozen linear stand-in for the parity model F: (B, r, D) -> (B*r, C).
struct LinearStandIn {
    at::Tensor weight; // (C, D)
    at::Tensor operator()(const at::Tensor& x) const { return at::matmul(x.reshape({-1, weight.size(1)}), weight.t()); }
};

void checkEncoderLearns(const std::function<std::shared_ptr<Encoder>(int k, const ImageShape&)>& make,
                        const ImageShape& shape, int k, int steps, double lr)
{
    torch::manual_seed(20 + k);
    const int64_t b = 32, classes = 5;
    const LinearStandIn f{torch::randn({classes, shape.numel()}) / std::sqrt(double(shape.numel()))};
    const auto data = torch::rand({b, k, shape.numel()});
    const auto base = f(data).view({b, k, classes});

    auto enc = make(k, shape);
    SubtractionDecoder dec(k, 1, classes);
    MseLoss loss;
    AdamOptimizer::Options opt;
    opt.lr = lr;
    opt.weightDecay = 1e-5;
    AdamOptimizer adam(parametersOf(*enc), opt);

    auto lossNow = [&]() -> at::Tensor {
        const auto out = f(enc->forward(data)).view({b, 1, classes});
        return loss.parityLoss(out.select(1, 0), dec.combine(base));
    };
    const double first = lossNow().item<double>();
    for (int i = 0; i < steps; ++i) {
        auto l = lossNow();
        adam.zeroGrad();
        l.backward();
        for (const auto& p : enc->parameters())
            ASSERT_TRUE(p.grad().defined()); // gradients reach the encoder through the frozen F
        adam.step();
    }
    const double last = lossNow().item<double>();
    EXPECT_LT(last, 0.5 * first) << "first " << first << " last " << last;

    // The reconstructions follow: the masked loss through the subtraction decoder drops too.
    torch::NoGradGuard noGrad;
    const at::Tensor out = f(enc->forward(data)).view({b, 1, classes});
    const double masked =
        loss.maskedLoss(dec.reconstructAll(base, out), base, torch::zeros({b, k}, torch::kLong)).item<double>();
    EXPECT_TRUE(std::isfinite(masked));
}

std::shared_ptr<Encoder> makeMlp(int k, const ImageShape& s) { return std::make_shared<MlpEncoder>(k, 1, s); }
std::shared_ptr<Encoder> makeConv(int k, const ImageShape& s) { return std::make_shared<ConvEncoder>(k, 1, s); }

TEST(LearnedCodersTraining, MlpEncoderWithFrozenStandInAndSubtraction)
{
    checkEncoderLearns(makeMlp, {1, 4, 4}, 2, 60, 1e-3);
    checkEncoderLearns(makeMlp, {3, 4, 4}, 3, 60, 1e-3);
}

TEST(LearnedCodersTraining, ConvEncoderWithFrozenStandInAndSubtraction)
{
    checkEncoderLearns(makeConv, {1, 6, 6}, 2, 60, 1e-3);
}

TEST(LearnedCodersTraining, MlpDecoderAloneLearnsMaskedMse)
{
    torch::manual_seed(30);
    const int k = 2;
    const int64_t b = 64, classes = 10;
    const auto base = torch::randn({b, k, classes});
    const auto parity = base.sum(1, true); // an ideal parity output
    MlpDecoder dec(k, 1, classes);
    MseLoss loss;
    AdamOptimizer::Options opt;
    opt.lr = 1e-3;
    opt.weightDecay = 1e-5;
    AdamOptimizer adam(parametersOf(dec), opt);
    const auto labels = torch::zeros({b, k}, torch::kLong);

    auto lossNow = [&] { return loss.maskedLoss(dec.reconstructAll(base, parity), base, labels); };
    const double first = lossNow().item<double>();
    for (int i = 0; i < 150; ++i) {
        auto l = lossNow();
        adam.zeroGrad();
        l.backward();
        adam.step();
    }
    const double last = lossNow().item<double>();
    EXPECT_LT(last, 0.5 * first) << "first " << first << " last " << last;
}

} // namespace
