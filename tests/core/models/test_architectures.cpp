// Base / parity model architectures (docs/BEHAVIOUR.md §4): shapes, exact parameter counts
// (docs/BEHAVIOUR.md §7) and state_dict names as the original's PyTorch modules.
#include "io/StateDict.h"
#include "models/BaseMlp.h"
#include "models/LeNet.h"
#include "models/Network.h"
#include "models/ResNet.h"
#include "models/Vgg.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <unistd.h>
#include <vector>

using namespace parity;

namespace {

struct Architecture {
    std::string name;
    std::function<std::shared_ptr<Network>()> create;
    std::vector<int64_t> sampleShape; ///< C, H, W
    int64_t numClasses;
    int64_t parameters; ///< docs/BEHAVIOUR.md §7
    int64_t batch;      ///< 0: too slow for a unit test, no forward
};

std::ostream& operator<<(std::ostream& os, const Architecture& a) { return os << a.name; }

const std::vector<Architecture> kArchitectures = {
    {"BaseMlp", [] { return std::make_shared<BaseMlp>(784, 10); }, {1, 28, 28}, 10, 178110, 2},
    {"ResNet18Grey28", [] { return makeResNet18Grey28(10); }, {1, 28, 28}, 10, 2776522, 2},
    {"ResNet18Cifar10", [] { return makeResNet18Cifar(3, 10); }, {3, 32, 32}, 10, 11173962, 2},
    {"ResNet18Cifar100", [] { return makeResNet18Cifar(3, 100); }, {3, 32, 32}, 100, 11220132, 2},
    {"ResNet152Cifar100", [] { return makeResNet152Cifar(100); }, {3, 32, 32}, 100, 57930148, 0},
    {"ResNet18ImageNet2", [] { return makeResNet18ImageNet(2); }, {3, 224, 224}, 2, 11177538, 1},
    {"Vgg11", [] { return makeVgg11(30); }, {1, 161, 101}, 30, 13172894, 2},
    {"LeNet", [] { return makeLeNet(30); }, {1, 161, 101}, 30, 16321570, 2},
};

class ArchitectureTable : public ::testing::TestWithParam<Architecture> {};

TEST_P(ArchitectureTable, TrainableParameterCountMatchesOriginal)
{
    const Architecture& a = GetParam();
    auto net = a.create();
    EXPECT_EQ(countParameters(*net), a.parameters);
}

TEST_P(ArchitectureTable, OutputShapeForBatchedAndFlattenedInput)
{
    const Architecture& a = GetParam();
    if (a.batch == 0)
        GTEST_SKIP() << "construct + count only (too slow for a unit test)";
    torch::manual_seed(3);
    auto net = a.create();
    net->eval();
    torch::NoGradGuard noGrad;
    std::vector<int64_t> shape{a.batch};
    shape.insert(shape.end(), a.sampleShape.begin(), a.sampleShape.end());
    const at::Tensor x = torch::randn(shape);
    const at::Tensor batched = net->forward(x);
    EXPECT_EQ(batched.sizes(), (std::vector<int64_t>{a.batch, a.numClasses}));
    EXPECT_TRUE(batched.isfinite().all().item<bool>());
    // Flattened samples (N, C*H*W) and a fully flat vector view to the same input.
    const at::Tensor flatRows = net->forward(x.reshape({a.batch, -1}));
    const at::Tensor flatAll = net->forward(x.reshape({-1}));
    EXPECT_TRUE(torch::equal(flatRows, batched));
    EXPECT_TRUE(torch::equal(flatAll, batched));
    // A size that is not a whole number of samples is refused.
    EXPECT_ANY_THROW(net->forward(torch::zeros({x.numel() + 1})));
}

INSTANTIATE_TEST_SUITE_P(Architectures, ArchitectureTable, ::testing::ValuesIn(kArchitectures),
                         [](const ::testing::TestParamInfo<Architecture>& info) { return info.param.name; });

std::vector<std::string> namesOf(const StateDict& dict)
{
    std::vector<std::string> names;
    for (const auto& item : dict)
        names.push_back(item.first);
    return names;
}

bool contains(const std::vector<std::string>& names, const std::string& name)
{
    return std::find(names.begin(), names.end(), name) != names.end();
}

TEST(ArchitecturesStateDict, CifarResNet18NamesAsTheOriginal)
{
    auto net = makeResNet18Cifar(3, 10);
    const auto names = namesOf(stateDictOf(*net));
    ASSERT_EQ(names.size(), 122u);
    const std::vector<std::string> first{"conv1.weight",         "bn1.weight",      "bn1.bias",
                                         "bn1.running_mean",     "bn1.running_var", "bn1.num_batches_tracked",
                                         "layer1.0.conv1.weight"};
    EXPECT_EQ(std::vector<std::string>(names.begin(), names.begin() + 7), first);
    // One block in full, in PyTorch's order.
    const auto at = std::find(names.begin(), names.end(), "layer2.0.conv1.weight");
    ASSERT_NE(at, names.end());
    const std::vector<std::string> block{"layer2.0.conv1.weight",
                                         "layer2.0.bn1.weight",
                                         "layer2.0.bn1.bias",
                                         "layer2.0.bn1.running_mean",
                                         "layer2.0.bn1.running_var",
                                         "layer2.0.bn1.num_batches_tracked",
                                         "layer2.0.conv2.weight",
                                         "layer2.0.bn2.weight",
                                         "layer2.0.bn2.bias",
                                         "layer2.0.bn2.running_mean",
                                         "layer2.0.bn2.running_var",
                                         "layer2.0.bn2.num_batches_tracked",
                                         "layer2.0.downsample.0.weight",
                                         "layer2.0.downsample.1.weight",
                                         "layer2.0.downsample.1.bias",
                                         "layer2.0.downsample.1.running_mean",
                                         "layer2.0.downsample.1.running_var",
                                         "layer2.0.downsample.1.num_batches_tracked",
                                         "layer2.1.conv1.weight"};
    EXPECT_EQ(std::vector<std::string>(at, at + long(block.size())), block);
    EXPECT_FALSE(contains(names, "layer1.0.downsample.0.weight")); // 64 -> 64, stride 1
    EXPECT_TRUE(contains(names, "layer3.0.downsample.1.running_var"));
    EXPECT_TRUE(contains(names, "layer4.1.bn2.num_batches_tracked"));
    EXPECT_EQ(names[120], "fc.weight");
    EXPECT_EQ(names[121], "fc.bias");

    // The ImageNet variant has the same names (torchvision's resnet18).
    EXPECT_EQ(namesOf(stateDictOf(*makeResNet18ImageNet(2))), names);
    // The grey variant stops after layer3.
    const auto grey = namesOf(stateDictOf(*makeResNet18Grey28(10)));
    EXPECT_EQ(grey.size(), 122u - 30u);
    EXPECT_FALSE(contains(grey, "layer4.0.conv1.weight"));
    EXPECT_EQ(grey.back(), "fc.bias");
}

TEST(ArchitecturesStateDict, ShapesOfStemAndHead)
{
    auto cifar = stateDictOf(*makeResNet18Cifar(3, 100));
    EXPECT_EQ(cifar.front().second.sizes(), (std::vector<int64_t>{64, 3, 3, 3}));
    EXPECT_EQ(cifar.back().second.sizes(), (std::vector<int64_t>{100}));
    auto imagenet = stateDictOf(*makeResNet18ImageNet(2));
    EXPECT_EQ(imagenet.front().second.sizes(), (std::vector<int64_t>{64, 3, 7, 7}));
    auto grey = stateDictOf(*makeResNet18Grey28(10));
    EXPECT_EQ(grey.front().second.sizes(), (std::vector<int64_t>{64, 1, 3, 3}));
    EXPECT_EQ(grey[grey.size() - 2].second.sizes(), (std::vector<int64_t>{10, 256}));
}

TEST(ArchitecturesStateDict, VggAndLeNetNamesAsTheOriginal)
{
    const auto lenet = namesOf(stateDictOf(*makeLeNet(30)));
    EXPECT_EQ(lenet, (std::vector<std::string>{"conv1.weight", "conv1.bias", "conv2.weight", "conv2.bias", "fc1.weight",
                                               "fc1.bias", "fc2.weight", "fc2.bias"}));

    std::vector<std::string> vgg;
    for (int conv : {0, 4, 8, 11, 15, 18, 22, 25}) {
        const std::string c = "features." + std::to_string(conv) + ".";
        const std::string b = "features." + std::to_string(conv + 1) + ".";
        for (const std::string& n : {c + "weight", c + "bias", b + "weight", b + "bias", b + "running_mean",
                                     b + "running_var", b + "num_batches_tracked"})
            vgg.push_back(n);
    }
    for (const char* n : {"fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"})
        vgg.push_back(n);
    EXPECT_EQ(namesOf(stateDictOf(*makeVgg11(30))), vgg);
}

TEST(ArchitecturesStateDict, RoundTripThroughAFileGivesIdenticalOutputs)
{
    torch::manual_seed(11);
    auto source = makeResNet18Cifar(3, 10);
    {
        // Non-trivial running statistics.
        torch::NoGradGuard noGrad;
        source->train();
        source->forward(torch::randn({4, 3, 32, 32}) * 2 + 0.5);
    }
    const std::string path = (std::filesystem::temp_directory_path()
                              / ("parity-arch-roundtrip-" + std::to_string(::getpid()) + ".pt"))
                                 .string();
    writeStateDict(path, stateDictOf(*source));
    const StateDict read = readStateDict(path);
    std::remove(path.c_str());
    EXPECT_EQ(read.size(), 122u);

    auto target = makeResNet18Cifar(3, 10);
    loadStateDict(*target, read, path);
    source->eval();
    target->eval();
    torch::NoGradGuard noGrad;
    const at::Tensor x = torch::randn({2, 3, 32, 32});
    EXPECT_TRUE(torch::equal(source->forward(x), target->forward(x)));
    const auto a = stateDictOf(*source), b = stateDictOf(*target);
    ASSERT_EQ(a.size(), b.size());
    for (size_t i = 0; i < a.size(); ++i)
        EXPECT_TRUE(torch::equal(a[i].second, b[i].second)) << a[i].first;
}

TEST(ArchitecturesInit, ResNetConstructionAsTheOriginal)
{
    torch::manual_seed(5);
    auto net = makeResNet18Cifar(3, 10);
    for (const auto& item : net->named_parameters()) {
        const std::string& n = item.key();
        if (n.find("bn") != std::string::npos || n.find("downsample.1") != std::string::npos) {
            const double fill = n.size() > 6 && n.substr(n.size() - 6) == "weight" ? 1.0 : 0.0;
            EXPECT_TRUE(torch::equal(item.value(), torch::full_like(item.value(), fill))) << n;
        }
    }
    // Conv weights ~ N(0, sqrt(2 / (k * k * out_channels))).
    const at::Tensor w = net->named_parameters()["layer4.0.conv2.weight"];
    EXPECT_NEAR(w.std().item<double>(), std::sqrt(2.0 / (9.0 * 512.0)), 0.002);
}

TEST(ArchitecturesInit, FreshWeightsResetBatchNormAndBiases)
{
    torch::manual_seed(7);
    auto net = makeResNet18Grey28(10);
    {
        torch::NoGradGuard noGrad;
        for (auto& p : net->parameters())
            p.fill_(0.25);
    }
    initFreshWeights(*net);
    int batchNorms = 0;
    for (const auto& m : net->modules(false)) {
        if (auto* bn = m->as<torch::nn::BatchNorm2d>()) {
            ++batchNorms;
            EXPECT_TRUE(torch::equal(bn->weight, torch::ones_like(bn->weight)));
            EXPECT_TRUE(torch::equal(bn->bias, torch::zeros_like(bn->bias)));
        } else if (auto* conv = m->as<torch::nn::Conv2d>()) {
            // Xavier-uniform with gain sqrt(2): |w| <= sqrt(2) * sqrt(6 / (fan_in + fan_out)).
            const auto s = conv->weight.sizes();
            const double fanIn = double(s[1] * s[2] * s[3]), fanOut = double(s[0] * s[2] * s[3]);
            EXPECT_LE(conv->weight.abs().max().item<double>(), std::sqrt(2.0) * std::sqrt(6.0 / (fanIn + fanOut)));
            EXPECT_FALSE(torch::equal(conv->weight, torch::full_like(conv->weight, 0.25)));
        }
    }
    EXPECT_EQ(batchNorms, 1 + 6 * 2 + 2); // stem, 6 blocks x 2, 2 downsamples
    const at::Tensor fcBias = net->named_parameters()["fc.bias"];
    EXPECT_TRUE(torch::equal(fcBias, torch::zeros_like(fcBias)));
}

} // namespace
