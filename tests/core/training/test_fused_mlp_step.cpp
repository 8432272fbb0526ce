// The autograd-free training step must compute what autograd computes.
#include "models/BaseMlp.h"
#include "training/FusedMlpStep.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

using namespace parity;

namespace {
double maxRelDiff(const at::Tensor& a, const at::Tensor& b)
{
    return ((a - b).abs() / (b.abs() + 1e-6)).max().item<double>();
}
} // namespace

TEST(FusedMlpStep, MatchesAutogradLossOutputAndGradients)
{
    torch::manual_seed(3);
    BaseMlp autogradNet(784, 10), fusedNet(784, 10);
    copyWeights(autogradNet, fusedNet);
    const at::Tensor input = at::rand({64, 784}) * 2;
    const at::Tensor target = at::randn({64, 10}) * 5;

    const at::Tensor expectedOut = autogradNet.forward(input);
    const at::Tensor expectedLoss = at::mse_loss(expectedOut, target);
    expectedLoss.backward();

    FusedMlpStep step(fusedNet.linearChain());
    double loss = 0;
    const at::Tensor out = step.run(input, target, &loss);
    EXPECT_NEAR(loss, expectedLoss.item<double>(), 1e-6 * std::abs(loss));
    EXPECT_LT((out - expectedOut.detach()).abs().max().item<double>(), 1e-5);

    const auto expected = autogradNet.named_parameters();
    const auto actual = fusedNet.named_parameters();
    ASSERT_EQ(expected.size(), 6u);
    for (const auto& item : expected) {
        const at::Tensor& g = actual[item.key()].grad();
        ASSERT_TRUE(g.defined()) << item.key();
        EXPECT_LT(maxRelDiff(g, item.value().grad()), 1e-4) << item.key();
        EXPECT_GT(g.abs().sum().item<double>(), 0) << item.key();
    }
}

TEST(FusedMlpStep, ReluMasksDeadUnits)
{
    // A hidden unit that is never active gets no gradient on its incoming row.
    torch::manual_seed(4);
    BaseMlp net(784, 10);
    {
        torch::NoGradGuard g;
        auto chain = net.linearChain();
        chain[0]->weight[5].fill_(-1.0);
        chain[0]->bias[5].fill_(-1.0);
    }
    FusedMlpStep step(net.linearChain());
    double loss = 0;
    step.run(at::rand({32, 784}), at::randn({32, 10}), &loss);
    auto chain = net.linearChain();
    EXPECT_EQ(chain[0]->weight.grad()[5].abs().sum().item<double>(), 0.0);
    EXPECT_EQ(chain[0]->bias.grad()[5].item<double>(), 0.0);
    EXPECT_GT(chain[0]->weight.grad()[4].abs().sum().item<double>()
                  + chain[0]->weight.grad()[6].abs().sum().item<double>(),
              0.0);
}

TEST(FusedMlpStep, BaseMlpExposesItsThreeLinearLayers)
{
    BaseMlp net(784, 10);
    const auto chain = net.linearChain();
    ASSERT_EQ(chain.size(), 3u);
    EXPECT_EQ(chain[0]->weight.sizes(), (std::vector<int64_t>{200, 784}));
    EXPECT_EQ(chain[2]->weight.sizes(), (std::vector<int64_t>{10, 100}));
}
