// Conv + BatchNorm evaluated as one convolution in eval passes (ConvBnFold):
// the same outputs as the two layers up to rounding, in every network that
// uses it, and never a stale fold after the weights change.
#include "models/ConvBnFold.h"
#include "models/Network.h"
#include "models/ResNet.h"
#include "models/Vgg.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

using namespace parity;

namespace {

// Running statistics and affine parameters far from their initial 0/1, so
// that a fold which ignored one of them could not pass.
void randomiseBatchNorms(torch::nn::Module& m)
{
    torch::NoGradGuard noGrad;
    for (const auto& child : m.modules()) {
        if (auto* bn = child->as<torch::nn::BatchNorm2d>()) {
            bn->running_mean.uniform_(-0.5, 0.5);
            bn->running_var.uniform_(0.5, 2.0);
            bn->weight.uniform_(0.5, 1.5);
            bn->bias.uniform_(-0.2, 0.2);
        }
    }
}

// The two layers as they are: eval mode with grad mode on never folds.
at::Tensor unfolded(Network& net, const at::Tensor& x)
{
    torch::AutoGradMode gradOn(true);
    return net.forward(x).detach();
}

at::Tensor folded(Network& net, const at::Tensor& x)
{
    torch::NoGradGuard noGrad;
    return net.forward(x);
}

void expectClose(const at::Tensor& a, const at::Tensor& b, const std::string& what)
{
    const double scale = b.abs().max().item<double>();
    const double diff = (a - b).abs().max().item<double>();
    EXPECT_LE(diff, 2e-5 * scale + 1e-6) << what << ": max |folded - unfolded| = " << diff << " of " << scale;
    EXPECT_FALSE(a.equal(at::zeros_like(a))) << what;
}

struct Case {
    std::string name;
    std::function<std::shared_ptr<Network>()> create;
    std::vector<int64_t> shape;
};

const std::vector<Case> kCases = {
    {"ResNet18Grey28", [] { return makeResNet18Grey28(10); }, {3, 1, 28, 28}},
    {"ResNet18Cifar", [] { return makeResNet18Cifar(3, 10); }, {3, 3, 32, 32}},
    {"ResNet18ImageNet", [] { return makeResNet18ImageNet(10, 64, 64); }, {2, 3, 64, 64}},
    {"Vgg11", [] { return makeVgg11(12); }, {2, 1, 161, 101}},
};

} // namespace

TEST(ConvBnFold, EvalOutputsMatchTheTwoLayersInEveryNetwork)
{
    for (const auto& c : kCases) {
        torch::manual_seed(3);
        auto net = c.create();
        randomiseBatchNorms(*net);
        net->eval();
        const at::Tensor x = torch::randn(c.shape);
        expectClose(folded(*net, x), unfolded(*net, x), c.name);
        // InferenceMode folds too (preparation and serving use it).
        c10::InferenceMode inference;
        expectClose(net->forward(x), unfolded(*net, x), c.name + " in InferenceMode");
    }
}

// Whether the network runs its eval chain on MKL-DNN tensors for `x`.
bool onMkldnn(Network& net, const at::Tensor& x)
{
    if (auto* r = dynamic_cast<ResNet*>(&net))
        return r->usesMkldnn(x);
    return dynamic_cast<Vgg&>(net).usesMkldnn(x);
}

// The MKL-DNN path (the default where LibTorch has MKL-DNN) is taken in eval
// passes without gradients only, and gives the dense fold's outputs up to
// rounding.
TEST(ConvBnFold, TheMkldnnPathMatchesTheDenseFold)
{
    if (!at::hasMKLDNN())
        GTEST_SKIP() << "LibTorch built without MKL-DNN";
    for (const auto& c : kCases) {
        torch::manual_seed(4);
        auto net = c.create();
        randomiseBatchNorms(*net);
        const at::Tensor x = torch::randn(c.shape);
        EXPECT_FALSE(onMkldnn(*net, x)) << c.name << " in training mode";
        net->eval();
        EXPECT_FALSE(onMkldnn(*net, x)) << c.name << " with grad mode on";
        torch::NoGradGuard noGrad;
        EXPECT_TRUE(onMkldnn(*net, x)) << c.name;
        EXPECT_FALSE(onMkldnn(*net, x.to(at::kDouble))) << c.name << " on double input";
        EXPECT_FALSE(onMkldnn(*net, x.narrow(0, 0, 0))) << c.name << " on an empty batch";
        const at::Tensor viaMkldnn = net->forward(x);
        EXPECT_FALSE(viaMkldnn.is_mkldnn()) << c.name;
        ConvBnFold::setMkldnnEnabled(false);
        EXPECT_FALSE(onMkldnn(*net, x)) << c.name << " switched off";
        const at::Tensor dense = net->forward(x);
        ConvBnFold::setMkldnnEnabled(true);
        expectClose(viaMkldnn, dense, c.name + " MKL-DNN vs dense fold");
        ConvBnFold::setEnabled(false);
        EXPECT_FALSE(onMkldnn(*net, x)) << c.name << " without folding";
        ConvBnFold::setEnabled(true);
    }
}

TEST(ConvBnFold, OnlyEvalPassesWithoutGradientsFold)
{
    torch::nn::Conv2d conv(torch::nn::Conv2dOptions(2, 3, 3).padding(1).bias(false));
    torch::nn::BatchNorm2d bn(3);
    EXPECT_FALSE(ConvBnFold::folds(*conv, *bn)); // training mode
    conv->eval();
    bn->eval();
    EXPECT_FALSE(ConvBnFold::folds(*conv, *bn)); // grad mode on
    torch::NoGradGuard noGrad;
    EXPECT_TRUE(ConvBnFold::folds(*conv, *bn));
    ConvBnFold::setEnabled(false);
    EXPECT_FALSE(ConvBnFold::folds(*conv, *bn));
    ConvBnFold::setEnabled(true);
    torch::nn::Conv2d reflect(torch::nn::Conv2dOptions(2, 3, 3).padding(1).padding_mode(torch::kReflect));
    reflect->eval();
    EXPECT_FALSE(ConvBnFold::folds(*reflect, *bn));
}

TEST(ConvBnFold, TrainingStillRunsTheBatchNormOnTheBatch)
{
    torch::manual_seed(5);
    auto net = makeResNet18Grey28(10);
    randomiseBatchNorms(*net);
    net->train();
    const at::Tensor x = torch::randn({4, 1, 28, 28});
    const at::Tensor out = net->forward(x);
    EXPECT_TRUE(out.requires_grad());
    out.sum().backward();
    for (const auto& p : net->named_parameters())
        EXPECT_TRUE(p.value().grad().defined()) << p.key();
}

class ConvBnFoldLayouts : public ::testing::TestWithParam<bool> {
protected:
    void SetUp() override { ConvBnFold::setMkldnnEnabled(GetParam()); }
    void TearDown() override { ConvBnFold::setMkldnnEnabled(true); }
};

INSTANTIATE_TEST_SUITE_P(ConvBnFold, ConvBnFoldLayouts, ::testing::Values(true, false),
                         [](const auto& info) { return info.param ? "Mkldnn" : "Dense"; });

TEST_P(ConvBnFoldLayouts, NeverKeepsAStaleFoldAfterTheWeightsChange)
{
    torch::manual_seed(7);
    auto net = makeResNet18Grey28(10);
    randomiseBatchNorms(*net);
    net->eval();
    const at::Tensor x = torch::randn({2, 1, 28, 28});
    const at::Tensor before = folded(*net, x);

    // An in-place write (as loading a checkpoint does) in eval mode.
    {
        torch::NoGradGuard noGrad;
        for (const auto& p : net->named_parameters())
            if (p.key().find("conv") != std::string::npos)
                p.value().mul_(0.9);
        for (const auto& b : net->named_buffers())
            if (b.key().find("running_var") != std::string::npos)
                b.value().mul_(1.5);
    }
    const at::Tensor afterCopy = folded(*net, x);
    EXPECT_FALSE(afterCopy.allclose(before));
    expectClose(afterCopy, unfolded(*net, x), "after in-place writes");

    // A write through a raw pointer (as the fused Adam step does, in training
    // mode): no version counter moves, the switch back to eval drops the fold.
    net->train();
    {
        torch::NoGradGuard noGrad;
        for (const auto& p : net->named_parameters()) {
            float* data = p.value().data_ptr<float>();
            for (int64_t i = 0; i < p.value().numel(); ++i)
                data[i] += 0.01f;
        }
    }
    net->eval();
    expectClose(folded(*net, x), unfolded(*net, x), "after raw writes in training mode");
}

TEST_P(ConvBnFoldLayouts, ThreadsShareOneNetwork)
{
    torch::manual_seed(9);
    auto net = makeResNet18Grey28(10);
    randomiseBatchNorms(*net);
    net->eval();
    const at::Tensor x = torch::randn({2, 1, 28, 28});
    const at::Tensor expected = unfolded(*net, x);
    std::vector<at::Tensor> outs(4);
    std::vector<std::thread> threads;
    for (size_t i = 0; i < outs.size(); ++i)
        threads.emplace_back([&, i] {
            c10::InferenceMode inference;
            outs[i] = net->forward(x);
        });
    for (auto& t : threads)
        t.join();
    for (const auto& out : outs)
        expectClose(out, expected, "concurrent forward");
}
