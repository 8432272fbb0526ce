// The training split's random code transform inside PreparedSet (issue 4):
// deterministic per (seed, sample), independent of batch order, applied
// before the encoder's resize.
#include "catalog/Catalog.h"
#include "data/ImageAugment.h"
#include "data/PilResize.h"
#include "training/PreparedData.h"
#include "util/Random.h"

#include <gtest/gtest.h>

using namespace parity;

namespace {

PreparedSet bytesSet(const at::Tensor& images, const DatasetEntry& d, ImageShape codeShape, bool resizeOnGather)
{
    PreparedSet s;
    const int64_t n = images.size(0);
    s.labels = at::zeros({n}, at::kLong);
    s.codeShape = codeShape;
    s.rowShape = resizeOnGather ? d.shape : codeShape;
    const at::Tensor rows = resizeOnGather || codeShape == d.shape
                                ? images
                                : resizeBilinearLikePil(images, codeShape.height, codeShape.width);
    s.codeBytes = rows.reshape({n, -1}).contiguous();
    s.codeTable = at::from_blob(const_cast<float*>(d.byteTable.data()), {3, 256}, at::kFloat).clone();
    s.byteAugment = d.trainAugment;
    return s;
}

at::Tensor gather(const PreparedSet& s, std::vector<int64_t> idx, std::optional<uint64_t> seed)
{
    at::Tensor out = at::empty({int64_t(idx.size()), s.codeDim()}, at::kFloat);
    s.gatherCodeInputs(idx.data(), int64_t(idx.size()), out.data_ptr<float>(), seed);
    return out;
}

} // namespace

TEST(PreparedAugmentation, DeterministicPerSampleAndIndependentOfOrder)
{
    const DatasetEntry& d = *Catalog::instance().dataset("cifar10");
    const at::Tensor images = at::randint(0, 256, {6, 3, 32, 32}, at::kByte);
    const PreparedSet s = bytesSet(images, d, d.shape, false);

    const at::Tensor plain = gather(s, {0, 1, 2, 3, 4, 5}, std::nullopt);
    EXPECT_TRUE(at::equal(plain.view({6, 3, 32, 32}), d.toInput(images))); // val/test: no augmentation

    const at::Tensor a = gather(s, {0, 1, 2, 3, 4, 5}, 77);
    EXPECT_TRUE(at::equal(a, gather(s, {0, 1, 2, 3, 4, 5}, 77)));
    EXPECT_FALSE(at::equal(a, gather(s, {0, 1, 2, 3, 4, 5}, 78))); // another epoch, other crops
    EXPECT_FALSE(at::equal(a, plain));
    const at::Tensor reversed = gather(s, {5, 4, 3, 2, 1, 0}, 77);
    for (int i = 0; i < 6; ++i)
        EXPECT_TRUE(at::equal(a[i], reversed[5 - i])) << i;

    // Row i is exactly the dataset's augmentation of sample i, then the table.
    std::mt19937_64 rng(deriveSeed(77, 3));
    std::vector<uint8_t> aug(3072);
    d.trainAugment(images[3].contiguous().data_ptr<uint8_t>(), aug.data(), rng);
    const at::Tensor expect = d.toInput(at::from_blob(aug.data(), {1, 3, 32, 32}, at::kByte));
    EXPECT_TRUE(at::equal(a[3], expect.view({-1})));
}

TEST(PreparedAugmentation, AugmentationComesBeforeTheEncodersResize)
{
    const DatasetEntry& d = *Catalog::instance().dataset("cifar10");
    const at::Tensor images = at::randint(0, 256, {4, 3, 32, 32}, at::kByte);
    const ImageShape half{3, 32, 16}; // ConcatenationEncoder k = 2
    const PreparedSet eager = bytesSet(images, d, half, false);
    const PreparedSet lazyResize = bytesSet(images, d, half, true);
    // Without augmentation both give the resized, normalised images.
    const at::Tensor expected = d.toInput(resizeBilinearLikePil(images, 32, 16)).view({4, -1});
    EXPECT_TRUE(at::equal(gather(eager, {0, 1, 2, 3}, std::nullopt), expected));
    EXPECT_TRUE(at::equal(gather(lazyResize, {0, 1, 2, 3}, std::nullopt), expected));

    std::mt19937_64 rng(deriveSeed(9, 2));
    std::vector<uint8_t> aug(3072);
    d.trainAugment(images[2].contiguous().data_ptr<uint8_t>(), aug.data(), rng);
    const at::Tensor augResized = resizeBilinearLikePil(at::from_blob(aug.data(), {1, 3, 32, 32}, at::kByte), 32, 16);
    EXPECT_TRUE(at::equal(gather(lazyResize, {2}, 9)[0], d.toInput(augResized).view({-1})));
}
