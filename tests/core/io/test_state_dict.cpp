#include "TestPaths.h"
#include "io/StateDict.h"
#include "io/TorchFile.h"
#include "util/AtomicFile.h"
#include "util/Error.h"

#include <caffe2/serialize/inline_container.h>
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cstdio>
#include <filesystem>
#include <string>
#include <unistd.h>

using namespace parity;
using namespace std::string_literals;

namespace {

const std::string kDir = std::string(PARITY_TEST_DATA_DIR) + "/state_dict/";

const std::vector<std::pair<std::string, std::vector<int64_t>>> kShapes = {
    {"nn.0.weight", {4, 6}}, {"nn.0.bias", {4}},      {"nn.2.weight", {3, 4}},
    {"nn.2.bias", {3}},      {"nn.4.weight", {2, 3}}, {"nn.4.bias", {2}},
};

/// The fixture values of make_fixtures.py: (arange(n) + 100 * k) / 8.
at::Tensor known(int64_t k, const std::vector<int64_t>& shape, at::ScalarType dtype = at::kFloat)
{
    int64_t n = 1;
    for (int64_t s : shape)
        n *= s;
    return ((torch::arange(n, torch::kDouble) + 100.0 * double(k)) / 8.0).to(dtype).reshape(shape);
}

struct BaseMlpImpl : torch::nn::Module {
    explicit BaseMlpImpl(bool withBn = false)
    {
        if (withBn)
            nn = register_module("nn", torch::nn::Sequential(torch::nn::Linear(6, 4), torch::nn::BatchNorm1d(4),
                                                             torch::nn::ReLU(), torch::nn::Linear(4, 2)));
        else
            nn = register_module("nn", torch::nn::Sequential(torch::nn::Linear(6, 4), torch::nn::ReLU(),
                                                             torch::nn::Linear(4, 3), torch::nn::ReLU(),
                                                             torch::nn::Linear(3, 2)));
    }
    torch::nn::Sequential nn{nullptr};
};

/// Runs `f`, expecting a parity::Error whose message contains every one of `parts`.
template <typename F>
void expectError(F&& f, const std::vector<std::string>& parts)
{
    try {
        f();
        ADD_FAILURE() << "no parity::Error thrown";
    } catch (const Error& e) {
        const std::string what = e.what();
        for (const auto& part : parts)
            EXPECT_NE(what.find(part), std::string::npos) << "'" << part << "' not in: " << what;
    }
}

void expectPlainValues(const StateDict& dict)
{
    ASSERT_EQ(dict.size(), kShapes.size());
    for (size_t k = 0; k < kShapes.size(); ++k) {
        EXPECT_EQ(dict[k].first, kShapes[k].first);
        EXPECT_EQ(dict[k].second.dtype(), at::kFloat);
        EXPECT_EQ(dict[k].second.sizes().vec(), kShapes[k].second);
        EXPECT_TRUE(dict[k].second.equal(known(int64_t(k), kShapes[k].second))) << dict[k].first;
    }
}

std::string tempPath(const std::string& name)
{
    return (std::filesystem::temp_directory_path() / (name + "-" + std::to_string(::getpid()) + ".pt")).string();
}

/// A torch.save-style zip holding `pickle` as data.pkl and `storages` as data/0, data/1, ...
std::string makeZip(const std::string& pickle, const std::vector<std::string>& storages = {})
{
    std::string out;
    {
        caffe2::serialize::PyTorchStreamWriter writer([&](const void* data, size_t n) {
            out.append(static_cast<const char*>(data), n);
            return n;
        });
        writer.writeRecord("data.pkl", pickle.data(), pickle.size());
        for (size_t i = 0; i < storages.size(); ++i)
            writer.writeRecord("data/" + std::to_string(i), storages[i].data(), storages[i].size());
        writer.writeEndOfFile();
    }
    return out;
}

/// Pickle of `_rebuild_tensor_v2(FloatStorage '0' of `numel`, offset, size, stride, False, OrderedDict())`.
std::string tensorPickle(int numel, int offset, const std::vector<int>& size, const std::vector<int>& stride)
{
    auto int32 = [](int v) {
        std::string s = "J";
        for (int i = 0; i < 4; ++i)
            s += char((uint32_t(v) >> (8 * i)) & 0xFF);
        return s;
    };
    std::string p = "\x80\x02"
                    "ctorch._utils\n_rebuild_tensor_v2\n((X\x07\x00\x00\x00storage"
                    "ctorch\nFloatStorage\nX\x01\x00\x00\x00"
                    "0X\x03\x00\x00\x00"
                    "cpu"s;
    p += int32(numel) + "tQ" + int32(offset) + "(";
    for (int s : size)
        p += int32(s);
    p += "t(";
    for (int s : stride)
        p += int32(s);
    p += std::string("t\x89") + "ccollections\nOrderedDict\n)RtR.";
    return p;
}

} // namespace

TEST(StateDict, ReadsPlainDict) { expectPlainValues(readStateDict(kDir + "plain.pt")); }

TEST(StateDict, ReadsOrderedDictWithMetadata) { expectPlainValues(readStateDict(kDir + "ordered.pt")); }

TEST(StateDict, ReadsPickleProtocol4) { expectPlainValues(readStateDict(kDir + "protocol4.pt")); }

TEST(StateDict, LoadsIntoModule)
{
    BaseMlpImpl model;
    loadStateDict(model, readStateDict(kDir + "ordered.pt"), "ordered.pt");
    const auto params = model.named_parameters();
    for (size_t k = 0; k < kShapes.size(); ++k)
        EXPECT_TRUE(params[kShapes[k].first].equal(known(int64_t(k), kShapes[k].second))) << kShapes[k].first;
    EXPECT_TRUE(model.nn[4]->as<torch::nn::Linear>()->bias.equal(known(5, {2})));
    EXPECT_TRUE(params["nn.0.weight"].requires_grad());
}

TEST(StateDict, ConvertsDoubleToFloat)
{
    const StateDict dict = readStateDict(kDir + "double.pt");
    ASSERT_EQ(dict.size(), 6u);
    EXPECT_EQ(dict[0].second.dtype(), at::kDouble);
    BaseMlpImpl model;
    loadStateDict(model, dict, "double.pt");
    EXPECT_EQ(model.nn[0]->as<torch::nn::Linear>()->weight.dtype(), at::kFloat);
    EXPECT_TRUE(model.nn[0]->as<torch::nn::Linear>()->weight.equal(known(0, {4, 6})));
}

TEST(StateDict, BatchNormBuffersInPyTorchOrder)
{
    const StateDict dict = readStateDict(kDir + "with_bn.pt");
    BaseMlpImpl model(true);
    const StateDict own = stateDictOf(model);
    ASSERT_EQ(own.size(), dict.size());
    for (size_t i = 0; i < own.size(); ++i)
        EXPECT_EQ(own[i].first, dict[i].first); // same order as PyTorch's state_dict()
    loadStateDict(model, dict, "with_bn.pt");
    auto bn = model.nn[1]->as<torch::nn::BatchNorm1d>();
    EXPECT_EQ(bn->num_batches_tracked.dtype(), at::kLong);
    EXPECT_EQ(bn->num_batches_tracked.item<int64_t>(), 7);
    EXPECT_TRUE(bn->running_var.equal(known(5, {4})));
    EXPECT_TRUE(model.nn[3]->as<torch::nn::Linear>()->bias.equal(known(8, {2})));
}

TEST(StateDict, MissingTensorIsNamed)
{
    BaseMlpImpl model;
    const StateDict dict = readStateDict(kDir + "missing.pt");
    expectError([&] { loadStateDict(model, dict, "missing.pt"); }, {"missing.pt", "missing 'nn.4.bias'"});
}

TEST(StateDict, WrongShapeIsNamedAndNothingIsCopied)
{
    BaseMlpImpl model;
    const at::Tensor before = model.nn[2]->as<torch::nn::Linear>()->weight.clone();
    const StateDict dict = readStateDict(kDir + "wrong_shape.pt");
    expectError([&] { loadStateDict(model, dict, "wrong_shape.pt"); },
                {"wrong_shape.pt: tensor 'nn.0.weight' has shape [5, 6] but the model expects [4, 6]"});
    EXPECT_TRUE(model.nn[2]->as<torch::nn::Linear>()->weight.equal(before));
}

TEST(StateDict, AllProblemsInOneError)
{
    BaseMlpImpl model;
    StateDict dict = readStateDict(kDir + "plain.pt");
    dict[0].second = torch::zeros({200, 784});
    dict.erase(dict.begin() + 5);
    dict.emplace_back("extra", torch::zeros({1}));
    expectError([&] { loadStateDict(model, dict, "w.pt"); },
                {"w.pt: tensor 'nn.0.weight' has shape [200, 784] but the model expects [4, 6]", "unexpected 'extra'",
                 "missing 'nn.4.bias'"});
}

TEST(StateDict, NotAStateDict)
{
    expectError([] { readStateDict(kDir + "not_a_state_dict.pt"); },
                {"not_a_state_dict.pt", "not a state_dict", "list"});
}

TEST(StateDict, TruncatedAndGarbageFiles)
{
    expectError([] { readStateDict(kDir + "truncated.pt"); }, {"truncated.pt", "not a readable torch.save zip file"});
    expectError([] { readStateDict(kDir + "garbage.pt"); }, {"garbage.pt", "not a readable torch.save zip file"});
    expectError([] { readStateDict(kDir + "no_such_file.pt"); }, {"no_such_file.pt"});
}

TEST(StateDict, LegacyFileAsksForResave)
{
    expectError([] { readStateDict(kDir + "legacy.pt"); }, {"legacy.pt", "legacy", "re-save"});
}

TEST(StateDict, EntryOfNestedCheckpoint)
{
    // Python-style checkpoint: {"epoch": 5, "state_dict": ..., ...}
    expectPlainValues(readStateDict(kDir + "nested.pt"));

    // Our own checkpoint layout: nested dicts, the weights under "base_model".
    const std::string path = tempPath("checkpoint");
    c10::impl::GenericDict top(c10::StringType::get(), c10::AnyType::get());
    top.insert("format", std::string("parity-workbench-checkpoint"));
    top.insert("epoch", int64_t(3));
    c10::Dict<std::string, at::Tensor> base, other;
    for (size_t k = 0; k < kShapes.size(); ++k)
        base.insert(kShapes[k].first, known(int64_t(k), kShapes[k].second));
    other.insert("w", torch::ones({2}));
    top.insert("base_model", base);
    top.insert("parity_model", other);
    writeTorchFile(path, c10::IValue(top));
    expectPlainValues(readStateDict(path));
    const StateDict parity = readStateDict(path, "parity_model");
    ASSERT_EQ(parity.size(), 1u);
    EXPECT_TRUE(parity[0].second.equal(torch::ones({2})));
    expectError([&] { readStateDict(path, "encoder"); }, {path, "'encoder'"});
    std::remove(path.c_str());
}

TEST(StateDict, WriteReadRoundTrip)
{
    const std::string path = tempPath("roundtrip");
    StateDict dict = readStateDict(kDir + "plain.pt");
    const at::Tensor big = torch::arange(20, torch::kFloat).reshape({4, 5});
    dict.emplace_back("view", big.slice(1, 1, 4).t()); // non-contiguous view with an offset
    dict.emplace_back("count", torch::tensor(int64_t(42)));
    dict.emplace_back("mask", torch::tensor({true, false}));
    writeStateDict(path, dict);
    const StateDict back = readStateDict(path);
    ASSERT_EQ(back.size(), dict.size());
    for (size_t i = 0; i < dict.size(); ++i) {
        EXPECT_EQ(back[i].first, dict[i].first);
        EXPECT_EQ(back[i].second.dtype(), dict[i].second.dtype());
        EXPECT_TRUE(back[i].second.equal(dict[i].second)) << dict[i].first;
    }
    std::remove(path.c_str());
}

TEST(StateDict, StateDictOfSharesModuleMemory)
{
    BaseMlpImpl model;
    const StateDict own = stateDictOf(model);
    ASSERT_EQ(own.size(), 6u);
    EXPECT_EQ(own[0].first, "nn.0.weight");
    EXPECT_FALSE(own[0].second.requires_grad());
    EXPECT_EQ(own[0].second.data_ptr(), model.nn[0]->as<torch::nn::Linear>()->weight.data_ptr());
}

TEST(StateDict, ReferenceBaseModel)
{
    const std::string path = std::string(PARITY_REFERENCE_DIR) + "/fashion-mnist-base-mlp.pt";
    if (!std::filesystem::exists(path))
        GTEST_SKIP() << path << " not present";
    const StateDict dict = readStateDict(path);
    const std::vector<std::pair<std::string, std::vector<int64_t>>> expected = {
        {"nn.0.weight", {200, 784}}, {"nn.0.bias", {200}},       {"nn.2.weight", {100, 200}},
        {"nn.2.bias", {100}},        {"nn.4.weight", {10, 100}}, {"nn.4.bias", {10}},
    };
    ASSERT_EQ(dict.size(), expected.size());
    for (size_t i = 0; i < expected.size(); ++i) {
        EXPECT_EQ(dict[i].first, expected[i].first);
        EXPECT_EQ(dict[i].second.sizes().vec(), expected[i].second);
        EXPECT_EQ(dict[i].second.dtype(), at::kFloat);
        EXPECT_TRUE(dict[i].second.isfinite().all().item<bool>());
    }
}

TEST(TorchFile, NestedPythonValues)
{
    const TorchValue v = readTorchFile(kDir + "nested.pt");
    ASSERT_TRUE(v.isDict());
    ASSERT_NE(v.find("epoch"), nullptr);
    EXPECT_EQ(v.find("epoch")->integer, 5);
    EXPECT_EQ(v.find("nope"), nullptr);

    const TorchValue* views = v.find("views");
    ASSERT_TRUE(views && views->isDict());
    const at::Tensor base = torch::arange(12, torch::kFloat).reshape({3, 4});
    EXPECT_TRUE(views->find("base")->tensor.equal(base));
    EXPECT_TRUE(views->find("rows")->tensor.equal(base.slice(0, 1)));
    EXPECT_TRUE(views->find("cols")->tensor.equal(base.slice(1, 0, 4, 2)));
    EXPECT_TRUE(views->find("t")->tensor.equal(base.t()));
    EXPECT_TRUE(views->find("t")->tensor.is_contiguous());

    const TorchValue* meta = v.find("meta");
    ASSERT_TRUE(meta && meta->isDict());
    EXPECT_EQ(meta->find("lr")->real, 0.125);
    EXPECT_EQ(meta->find("name")->string, "mlp");
    const TorchValue* flags = meta->find("flags");
    ASSERT_TRUE(flags->isList() && flags->items.size() == 3);
    EXPECT_TRUE(flags->items[0].isBool() && flags->items[0].boolean);
    EXPECT_TRUE(flags->items[1].isBool() && !flags->items[1].boolean);
    EXPECT_TRUE(flags->items[2].isNone());
    const TorchValue* pair = meta->find("pair");
    ASSERT_TRUE(pair->isTuple() && pair->items.size() == 2);
    EXPECT_EQ(pair->items[0].integer, 1);
    EXPECT_EQ(pair->items[1].real, -2.5);
    EXPECT_EQ(meta->find("big")->integer, int64_t(1) << 40);
    EXPECT_EQ(meta->find("neg")->integer, -7);
    EXPECT_EQ(meta->find("device")->string, "cpu");

    EXPECT_TRUE(v.find("param")->tensor.equal(known(0, {2, 2})));
    EXPECT_TRUE(v.find("ints")->tensor.equal(torch::tensor({1, -2, 3}, torch::kInt)));
    EXPECT_TRUE(v.find("half")->tensor.equal(torch::tensor({0.5, -1.0}).to(torch::kHalf)));
    EXPECT_TRUE(v.find("mask")->tensor.equal(torch::tensor({true, false, true})));
}

TEST(TorchFile, WriteReadRoundTrip)
{
    const std::string path = tempPath("values");
    c10::List<int64_t> ints({1, 2, 3});
    c10::List<double> doubles({0.5});
    c10::List<at::Tensor> tensors({torch::ones({2}, torch::kDouble)});
    c10::impl::GenericDict inner(c10::IntType::get(), c10::StringType::get());
    inner.insert(int64_t(7), std::string("seven"));
    const at::Tensor matrix = torch::arange(6, torch::kFloat).reshape({2, 3});
    writeTorchFile(path,
                   c10::IValue(std::make_tuple(std::string("x"), 1.5, true, c10::IValue(), ints, doubles, tensors,
                                               int64_t(-5000000000), inner, matrix.t(), torch::tensor(int64_t(300)))));
    const TorchValue v = readTorchFile(path);
    ASSERT_TRUE(v.isTuple());
    ASSERT_EQ(v.items.size(), 11u);
    EXPECT_EQ(v.items[0].string, "x");
    EXPECT_EQ(v.items[1].real, 1.5);
    EXPECT_TRUE(v.items[2].boolean);
    EXPECT_TRUE(v.items[3].isNone());
    ASSERT_TRUE(v.items[4].isList());
    EXPECT_EQ(v.items[4].items[2].integer, 3);
    EXPECT_EQ(v.items[5].items[0].real, 0.5);
    EXPECT_TRUE(v.items[6].items[0].tensor.equal(torch::ones({2}, torch::kDouble)));
    EXPECT_EQ(v.items[7].integer, -5000000000);
    ASSERT_TRUE(v.items[8].isDict());
    EXPECT_EQ(v.items[8].entries[0].first.integer, 7);
    EXPECT_EQ(v.items[8].entries[0].second.string, "seven");
    EXPECT_TRUE(v.items[9].tensor.equal(matrix.t()));
    EXPECT_EQ(v.items[10].tensor.dim(), 0);
    EXPECT_EQ(v.items[10].tensor.item<int64_t>(), 300);

    // LibTorch's own reader agrees.
    const std::string bytes = readWholeFile(path);
    const c10::IValue back = torch::pickle_load(std::vector<char>(bytes.begin(), bytes.end()));
    ASSERT_TRUE(back.isTuple());
    // Copied out: indexing TupleElements directly makes GCC 12 warn about its
    // three-element inline storage (-Warray-bounds, a false positive).
    const auto& elements = back.toTupleRef().elements();
    const std::vector<c10::IValue> items(elements.begin(), elements.end());
    ASSERT_EQ(items.size(), 11u);
    EXPECT_EQ(items[0].toStringRef(), "x");
    EXPECT_TRUE(items[9].toTensor().equal(matrix.t()));
    std::remove(path.c_str());
}

TEST(TorchFile, HostileTensorsAreRejected)
{
    const std::string storage(6 * 4, '\0'); // 6 floats
    // Well-formed control case.
    const TorchValue ok = readTorchBytes(makeZip(tensorPickle(6, 1, {2, 2}, {2, 1}), {storage}), "ok.pt");
    ASSERT_TRUE(ok.isTensor());
    EXPECT_EQ(ok.tensor.sizes().vec(), (std::vector<int64_t>{2, 2}));

    expectError(
        [&] {
            readTorchBytes(makeZip(tensorPickle(6, 0, {3, 3}, {3, 1}), {storage}), "h.pt");
        },
        {"h.pt", "reaches element 8 of a storage with 6 elements"});
    expectError([&] { readTorchBytes(makeZip(tensorPickle(6, 5, {2}, {1}), {storage}), "h.pt"); }, {"h.pt"});
    expectError([&] { readTorchBytes(makeZip(tensorPickle(6, 0, {-1}, {1}), {storage}), "h.pt"); }, {"h.pt"});
    expectError(
        [&] {
            readTorchBytes(makeZip(tensorPickle(6, 0, {65536, 65536, 65536, 65536}, {0, 0, 0, 0}), {storage}), "h.pt");
        },
        {"h.pt", "implausibly large"});
    expectError([&] { readTorchBytes(makeZip(tensorPickle(6, 0, {2}, {0x7fffffff}), {storage}), "h.pt"); }, {"h.pt"});
    // Storage claims more elements than its record holds.
    expectError([&] { readTorchBytes(makeZip(tensorPickle(1000, 0, {2}, {1}), {storage}), "h.pt"); },
                {"h.pt", "storage '0'"});
    // Storage record missing.
    expectError([&] { readTorchBytes(makeZip(tensorPickle(6, 0, {2}, {1})), "h.pt"); }, {"h.pt", "data/0"});
    // Expanding a 1-element storage to 1e9 elements with stride 0: over the size budget.
    expectError([&] { readTorchBytes(makeZip(tensorPickle(6, 0, {1000000000}, {0}), {storage}), "h.pt"); }, {"h.pt"});
}

TEST(TorchFile, HostilePicklesAreRejected)
{
    auto read = [](const std::string& pickle) { return readTorchBytes(makeZip(pickle), "h.pt"); };
    expectError(
        [&] {
            read("\x80\x02"
                 "cos\nsystem\n."s);
        },
        {"h.pt", "'os.system'"});
    expectError(
        [&] {
            read("\x80\x02"
                 "0."s);
        },
        {"h.pt", "underflow"});
    expectError(
        [&] {
            read("\x80\x02"
                 "h\x05."s);
        },
        {"h.pt", "memo"});
    expectError(
        [&] {
            read("\x80\x02"
                 "u."s);
        },
        {"h.pt"});
    expectError(
        [&] {
            read("\x80\x02"
                 "}("s);
        },
        {"h.pt", "ends early"});
    expectError(
        [&] {
            read("\x80\x02"
                 "X\xff\xff\xff\x7f"
                 "abc."s);
        },
        {"h.pt", "ends early"});
    expectError(
        [&] {
            read("\x80\x02"
                 "\x8a\x09"
                 "123456789."s);
        },
        {"h.pt", "64 bits"});
    expectError(
        [&] {
            read("\x80\x02"
                 "(K\x01"
                 "a."s);
        },
        {"h.pt", "underflow"});
    expectError(
        [&] {
            read("\x80\x02"
                 "K\x01K\x02"
                 "a."s);
        },
        {"h.pt", "not a list"});
    expectError(
        [&] {
            read("\x80\x02"
                 "\xff."s);
        },
        {"h.pt", "opcode 0xff"});
    expectError([&] { read(""s); }, {"h.pt"});
    // A list that contains itself, and deep nesting.
    expectError(
        [&] {
            read("\x80\x02"
                 "]q\x00h\x00"
                 "a."s);
        },
        {"h.pt", "nested"});
    expectError([&] { read("\x80\x02" + std::string(5000, ']') + std::string(4999, 'a') + "."s); }, {"h.pt", "nested"});
    // Shared references that would expand exponentially.
    std::string bomb = "\x80\x02"
                       "N"s;
    for (int i = 0; i < 60; ++i)
        bomb += "q\x00h\x00\x86"s; // x = (x, x)
    expectError([&] { read(bomb + "."); }, {"h.pt", "too many objects"});
    // A well-formed pickle still works through the same path.
    const TorchValue v = read("\x80\x02"
                              "]q\x00(K\x01K\x02"
                              "e."s);
    ASSERT_TRUE(v.isList());
    EXPECT_EQ(v.items.size(), 2u);
}

TEST(TorchFile, BadZipsAreRejected)
{
    std::string zip = makeZip("\x80\x02N.");
    EXPECT_TRUE(readTorchBytes(zip, "ok.pt").isNone());
    for (size_t cut : {size_t(10), zip.size() / 2, zip.size() - 1})
        expectError([&] { readTorchBytes(zip.substr(0, cut), "cut.pt"); }, {"cut.pt", "not a readable torch.save"});
    expectError([] { readTorchBytes(std::string(), "empty.pt"); }, {"empty.pt", "empty"});
    // Flip every byte in turn: an Error or a value, never a crash.
    for (size_t i = 0; i < zip.size(); ++i) {
        std::string bad = zip;
        bad[i] = char(bad[i] ^ 0x5A);
        try {
            readTorchBytes(bad, "flip.pt");
        } catch (const Error& e) {
            EXPECT_NE(std::string(e.what()).find("flip.pt"), std::string::npos) << e.what();
        }
    }
}

TEST(TorchFile, WriteErrorsNameTheFile)
{
    expectError([] { writeTorchFile("/nonexistent-dir/x.pt", c10::IValue(int64_t(1))); }, {"/nonexistent-dir/x.pt"});
    expectError(
        [] {
            writeStateDict("/tmp/x.pt", {{"a", torch::ones(1)}, {"a", torch::ones(1)}});
        },
        {"/tmp/x.pt", "'a' appears twice"});
}
