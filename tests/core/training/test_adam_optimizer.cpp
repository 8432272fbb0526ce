// AdamOptimizer (docs/BEHAVIOUR.md §2: Adam, lr 1e-3, weight_decay 1e-5): the fused update
// must follow torch.optim.Adam, and its checkpoint state must resume exactly.
#include "training/AdamOptimizer.h"
#include "util/Error.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <string>
#include <vector>

using namespace parity;

namespace {

constexpr int kSteps = 20;

AdamOptimizer::Options specOptions()
{
    AdamOptimizer::Options o;
    o.lr = 1e-3;
    o.weightDecay = 1e-5;
    return o;
}

/// Parameter shapes of a small MLP plus one tensor above the 1 << 16 grain of
/// the parallel loop (so the chunked path is exercised).
std::vector<at::Tensor> makeParams(uint64_t seed)
{
    torch::manual_seed(seed);
    return {torch::randn({20, 30}), torch::randn({20}), torch::randn({300, 300}), torch::randn({1})};
}

std::vector<at::Tensor> cloneAll(const std::vector<at::Tensor>& v)
{
    std::vector<at::Tensor> out;
    for (const auto& t : v)
        out.push_back(t.clone());
    return out;
}

/// The gradients of step s: deterministic, varied in scale, different per step.
std::vector<at::Tensor> gradsFor(const std::vector<at::Tensor>& params, int step)
{
    torch::manual_seed(1000 + step);
    std::vector<at::Tensor> g;
    for (const auto& p : params)
        g.push_back(torch::randn(p.sizes()) * (0.1 * (step % 5 + 1)));
    return g;
}

void setGrads(std::vector<at::Tensor>& params, const std::vector<at::Tensor>& grads)
{
    for (size_t i = 0; i < params.size(); ++i)
        params[i].mutable_grad() = grads[i].clone();
}

void runSteps(AdamOptimizer& opt, std::vector<at::Tensor>& params, int from, int to)
{
    for (int s = from; s < to; ++s) {
        opt.zeroGrad();
        setGrads(params, gradsFor(params, s));
        opt.step();
    }
}

/// Largest |a - b| / max(|b|, 1): relative for parameters of order one and
/// above, absolute near zero (where a float ulp is far below the 1e-3 steps).
double maxRelDiff(const at::Tensor& a, const at::Tensor& b)
{
    return ((a - b).abs() / b.abs().clamp_min(1.0)).max().item<double>();
}

// Same parameters, same gradients: torch::optim::Adam and ours agree.
TEST(AdamOptimizer, MatchesTorchAdam)
{
    auto ours = makeParams(5);
    auto theirs = cloneAll(ours);
    for (auto& t : theirs)
        t.requires_grad_(true);
    torch::optim::Adam reference(theirs, torch::optim::AdamOptions(1e-3).weight_decay(1e-5));
    AdamOptimizer opt(ours, specOptions());

    for (int s = 0; s < kSteps; ++s) {
        const auto g = gradsFor(ours, s);
        opt.zeroGrad();
        setGrads(ours, g);
        opt.step();
        reference.zero_grad();
        for (size_t i = 0; i < theirs.size(); ++i)
            theirs[i].mutable_grad() = g[i].clone();
        reference.step();
    }
    EXPECT_EQ(opt.stepCount(), kSteps);
    for (size_t i = 0; i < ours.size(); ++i) {
        torch::NoGradGuard noGrad;
        EXPECT_LT(maxRelDiff(ours[i], theirs[i].detach()), 1e-6) << "parameter " << i;
        // Moved a visible distance (the test would notice a no-op step).
        EXPECT_GT((ours[i] - makeParams(5)[i]).abs().max().item<double>(), 1e-5) << "parameter " << i;
    }
    // The moment estimates match torch's state as well.
    const auto state = opt.state();
    for (size_t i = 0; i < theirs.size(); ++i) {
        auto& ts = static_cast<torch::optim::AdamParamState&>(
            *reference.state().at(c10::guts::to_string(theirs[i].unsafeGetTensorImpl())));
        EXPECT_EQ(ts.step(), kSteps);
        const auto& avg = state[1 + 2 * i];
        const auto& avgSq = state[2 + 2 * i];
        ASSERT_EQ(avg.first, "exp_avg." + std::to_string(i));
        ASSERT_EQ(avgSq.first, "exp_avg_sq." + std::to_string(i));
        EXPECT_TRUE(torch::allclose(avg.second, ts.exp_avg(), 1e-5, 1e-7)) << i;
        EXPECT_TRUE(torch::allclose(avgSq.second, ts.exp_avg_sq(), 1e-5, 1e-9)) << i;
    }
}

// Checkpoint / resume: stop at step 10, restore into a fresh optimizer, run
// 10 more: bitwise the same as 20 uninterrupted steps.
TEST(AdamOptimizer, StateRoundTripContinuesBitwise)
{
    auto straight = makeParams(9);
    AdamOptimizer a(straight, specOptions());
    runSteps(a, straight, 0, kSteps);

    auto first = makeParams(9);
    AdamOptimizer b(first, specOptions());
    runSteps(b, first, 0, kSteps / 2);
    const auto saved = b.state();
    EXPECT_EQ(saved.front().first, "step");
    EXPECT_EQ(saved.front().second.item<int64_t>(), kSteps / 2);

    auto resumed = cloneAll(first); // the weights a checkpoint would restore
    AdamOptimizer c(resumed, specOptions());
    c.loadState(saved, "checkpoint.pth");
    EXPECT_EQ(c.stepCount(), kSteps / 2);
    runSteps(c, resumed, kSteps / 2, kSteps);
    EXPECT_EQ(c.stepCount(), kSteps);
    for (size_t i = 0; i < straight.size(); ++i)
        EXPECT_TRUE(torch::equal(resumed[i], straight[i])) << "parameter " << i;

    // Without the state (fresh moments, step 0) the result differs: the test
    // above is sensitive to the restored state.
    auto fresh = cloneAll(first);
    AdamOptimizer d(fresh, specOptions());
    runSteps(d, fresh, kSteps / 2, kSteps);
    EXPECT_FALSE(torch::equal(fresh[0], straight[0]));
}

// state() hands out copies: stepping afterwards leaves the saved state alone.
TEST(AdamOptimizer, StateIsASnapshot)
{
    auto p = makeParams(2);
    AdamOptimizer opt(p, specOptions());
    runSteps(opt, p, 0, 3);
    const auto saved = opt.state();
    const auto avgBefore = saved[1].second.clone();
    runSteps(opt, p, 3, 5);
    EXPECT_TRUE(torch::equal(saved[1].second, avgBefore));
    EXPECT_EQ(saved[0].second.item<int64_t>(), 3);
}

struct BadState {
    const char* name;
    const char* mustContain;
    std::function<void(std::vector<std::pair<std::string, at::Tensor>>&)> corrupt;
};

class AdamLoadStateRejects : public testing::TestWithParam<BadState> {};

// loadState refuses mismatched state with a parity::Error naming the source,
// and leaves the optimizer as it was.
TEST_P(AdamLoadStateRejects, ThrowsParityError)
{
    auto p = makeParams(4);
    AdamOptimizer opt(p, specOptions());
    runSteps(opt, p, 0, 2);
    auto state = opt.state();
    GetParam().corrupt(state);

    auto q = makeParams(4);
    AdamOptimizer target(q, specOptions());
    runSteps(target, q, 0, 1);
    try {
        target.loadState(state, "my-checkpoint.pth");
        FAIL() << "no exception";
    } catch (const Error& e) {
        const std::string what = e.what();
        EXPECT_NE(what.find("my-checkpoint.pth"), std::string::npos) << what;
        EXPECT_NE(what.find(GetParam().mustContain), std::string::npos) << what;
    }
    EXPECT_EQ(target.stepCount(), 1);
}

INSTANTIATE_TEST_SUITE_P(
    Corruptions, AdamLoadStateRejects,
    testing::Values(BadState{"wrongShape", "wrong shape",
                             [](auto& s) {
                                 s[1].second = torch::zeros({30, 20});
                             }},
                    BadState{"wrongShapeSq", "wrong shape", [](auto& s) { s[4].second = torch::zeros({21}); }},
                    BadState{"missingEntry", "exp_avg_sq.3", [](auto& s) { s.pop_back(); }},
                    BadState{"missingStep", "step", [](auto& s) { s.erase(s.begin()); }},
                    BadState{"stepNotScalar", "step", [](auto& s) { s[0].second = torch::zeros({2}, torch::kLong); }}),
    [](const testing::TestParamInfo<BadState>& i) { return std::string(i.param.name); });

// zeroGrad sets gradients to none (zero_grad(set_to_none=True)); a step
// without gradients leaves the parameters where they are.
TEST(AdamOptimizer, ZeroGradSetsToNoneAndStepSkipsMissingGradients)
{
    auto p = makeParams(3);
    const auto before = cloneAll(p);
    AdamOptimizer opt(p, specOptions());
    setGrads(p, gradsFor(p, 0));
    opt.zeroGrad();
    for (const auto& t : p)
        EXPECT_FALSE(t.grad().defined());
    opt.step();
    for (size_t i = 0; i < p.size(); ++i)
        EXPECT_TRUE(torch::equal(p[i], before[i])) << i;
}

// A non-contiguous gradient (e.g. from a transposed product) gives the same
// update as its contiguous copy.
TEST(AdamOptimizer, NonContiguousGradient)
{
    auto a = makeParams(6);
    auto b = cloneAll(a);
    AdamOptimizer optA(a, specOptions()), optB(b, specOptions());
    for (int s = 0; s < 3; ++s) {
        const auto g = torch::randn({30, 20}).t(); // (20, 30), not contiguous
        ASSERT_FALSE(g.is_contiguous());
        optA.zeroGrad();
        optB.zeroGrad();
        a[0].mutable_grad() = g;
        b[0].mutable_grad() = g.contiguous();
        optA.step();
        optB.step();
    }
    EXPECT_TRUE(torch::equal(a[0], b[0]));
    EXPECT_FALSE(torch::equal(a[0], makeParams(6)[0]));
}

// Non-float or non-contiguous parameters are refused at construction.
TEST(AdamOptimizer, RejectsUnsupportedParameters)
{
    EXPECT_THROW(AdamOptimizer({torch::zeros({3}, torch::kDouble)}, specOptions()), Error);
    EXPECT_THROW(AdamOptimizer({torch::zeros({4, 3}).t()}, specOptions()), Error);
}

} // namespace
