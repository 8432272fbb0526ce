#include "TestPaths.h"
#include "data/PilResize.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#ifndef PARITY_TEST_DATA_DIR
#error "PARITY_TEST_DATA_DIR must point at tests/data"
#endif

namespace {

struct ResizeCase {
    at::Tensor input;                // uint8 (1, C, H, W)
    std::vector<at::Tensor> outputs; // PIL's results, uint8 (1, C, h, w)
};

/// Reads tests/data/resize/pil_resize_fixture.bin (see make_resize_fixture.py).
class FixtureReader {
public:
    explicit FixtureReader(const std::string& path)
        : m_in(path, std::ios::binary)
    {
        if (!m_in)
            throw std::runtime_error("cannot open " + path);
    }
    std::uint32_t u32()
    {
        std::uint8_t b[4];
        bytes(b, 4);
        return b[0] | (b[1] << 8) | (b[2] << 16) | (std::uint32_t(b[3]) << 24);
    }
    void bytes(void* dst, std::size_t n)
    {
        m_in.read(static_cast<char*>(dst), static_cast<std::streamsize>(n));
        if (!m_in)
            throw std::runtime_error("fixture truncated");
    }
    at::Tensor planes(std::int64_t c, std::int64_t h, std::int64_t w)
    {
        at::Tensor t = at::empty({1, c, h, w}, at::kByte);
        bytes(t.data_ptr<std::uint8_t>(), static_cast<std::size_t>(c * h * w));
        return t;
    }
    bool atEnd() { return m_in.peek() == std::char_traits<char>::eof(); }

private:
    std::ifstream m_in;
};

std::vector<ResizeCase> loadFixture(std::string* pilVersion)
{
    FixtureReader in(std::string(PARITY_TEST_DATA_DIR) + "/resize/pil_resize_fixture.bin");
    char magic[8];
    in.bytes(magic, 8);
    if (std::memcmp(magic, "PILRSZ01", 8) != 0)
        throw std::runtime_error("bad fixture magic");
    pilVersion->resize(in.u32());
    in.bytes(pilVersion->data(), pilVersion->size());
    std::vector<ResizeCase> cases(in.u32());
    for (ResizeCase& c : cases) {
        const std::uint32_t channels = in.u32(), h = in.u32(), w = in.u32();
        c.input = in.planes(channels, h, w);
        const std::uint32_t outputs = in.u32();
        for (std::uint32_t i = 0; i < outputs; ++i) {
            const std::uint32_t oh = in.u32(), ow = in.u32();
            c.outputs.push_back(in.planes(channels, oh, ow));
        }
    }
    if (!in.atEnd())
        throw std::runtime_error("trailing bytes in fixture");
    return cases;
}

} // namespace

TEST(PilResize, MatchesPilExactly)
{
    std::string version;
    const std::vector<ResizeCase> cases = loadFixture(&version);
    ASSERT_EQ(cases.size(), 4u);
    int compared = 0;
    for (const ResizeCase& c : cases) {
        for (const at::Tensor& expected : c.outputs) {
            const int oh = static_cast<int>(expected.size(2));
            const int ow = static_cast<int>(expected.size(3));
            const at::Tensor got = parity::resizeBilinearLikePil(c.input, oh, ow);
            ASSERT_EQ(got.sizes(), expected.sizes());
            ASSERT_EQ(got.scalar_type(), at::kByte);
            const at::Tensor diff = (got.to(at::kInt) - expected.to(at::kInt)).abs();
            EXPECT_TRUE(at::equal(got, expected))
                << "input " << c.input.sizes() << " -> " << oh << "x" << ow << " differs from PIL " << version << " in "
                << diff.gt(0).sum().item<std::int64_t>() << " values (max diff " << diff.max().item<int>() << ")";
            ++compared;
        }
    }
    EXPECT_EQ(compared, 4 * 7);
}

TEST(PilResize, BatchEqualsPerImage)
{
    std::string version;
    const std::vector<ResizeCase> cases = loadFixture(&version);
    // Both grey images in one batch, resized together, and the RGB images likewise.
    for (int first : {0, 2}) {
        const at::Tensor batch = at::cat({cases[first].input, cases[first + 1].input}).repeat({50, 1, 1, 1});
        for (std::size_t o = 0; o < cases[first].outputs.size(); ++o) {
            const at::Tensor& e0 = cases[first].outputs[o];
            const at::Tensor expected = at::cat({e0, cases[first + 1].outputs[o]}).repeat({50, 1, 1, 1});
            const at::Tensor got = parity::resizeBilinearLikePil(batch, static_cast<int>(e0.size(2)),
                                                                 static_cast<int>(e0.size(3)));
            EXPECT_TRUE(at::equal(got, expected)) << "output " << e0.sizes();
        }
    }
}

TEST(PilResize, NonContiguousInputAndIdentity)
{
    const at::Tensor images = at::randint(0, 256, {3, 2, 20, 28}, at::kByte);
    const at::Tensor transposed = images.transpose(2, 3); // (3, 2, 28, 20), not contiguous
    EXPECT_TRUE(at::equal(parity::resizeBilinearLikePil(transposed, 14, 10),
                          parity::resizeBilinearLikePil(transposed.contiguous(), 14, 10)));
    EXPECT_TRUE(at::equal(parity::resizeBilinearLikePil(images, 20, 28), images));
    EXPECT_EQ(parity::resizeBilinearLikePil(images.slice(0, 0, 0), 5, 5).sizes(), (at::IntArrayRef{0, 2, 5, 5}));
}

TEST(PilResize, ConstantImageStaysConstant)
{
    const at::Tensor images = at::full({2, 1, 28, 28}, 200, at::kByte);
    for (auto [h, w] : {std::pair{14, 14}, std::pair{9, 40}, std::pair{56, 3}, std::pair{1, 1}})
        EXPECT_TRUE(at::equal(parity::resizeBilinearLikePil(images, h, w), at::full({2, 1, h, w}, 200, at::kByte)));
}

TEST(PilResize, RejectsBadArguments)
{
    EXPECT_THROW(parity::resizeBilinearLikePil(at::zeros({1, 1, 4, 4}, at::kFloat), 2, 2), std::invalid_argument);
    EXPECT_THROW(parity::resizeBilinearLikePil(at::zeros({1, 4, 4}, at::kByte), 2, 2), std::invalid_argument);
    EXPECT_THROW(parity::resizeBilinearLikePil(at::zeros({1, 1, 4, 4}, at::kByte), 0, 2), std::invalid_argument);
    EXPECT_THROW(parity::resizeBilinearLikePil(at::zeros({1, 1, 0, 4}, at::kByte), 2, 2), std::invalid_argument);
}
