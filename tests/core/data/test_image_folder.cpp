// cat_v_dog: JPEG / PNG decoding, the ImageNet-style transforms and the
// class-folder loader (issue 4).
#include "support/ErrorOf.h"
#include "support/TinyDataset.h"
#include "support/TinyImages.h"

#include "catalog/Catalog.h"
#include "data/ImageAugment.h"
#include "data/ImageDecoder.h"
#include "data/ImageFolderSource.h"
#include "data/ImageTransforms.h"
#include "data/PilResize.h"
#include "util/Error.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace fs = std::filesystem;
using namespace parity;
using parity::test::errorOf;

namespace {

at::Tensor chw(const std::vector<uint8_t>& interleaved, int w, int h)
{
    return at::from_blob(const_cast<uint8_t*>(interleaved.data()), {h, w, 3}, at::kByte).permute({2, 0, 1}).clone();
}

} // namespace

TEST(ImageDecoder, PngIsExactAndGreyIsReplicated)
{
    test::TempDir tmp;
    std::mt19937 rng(1);
    const auto px = test::classPicture(1, 37, 21, rng);
    test::writePng(tmp / "a.png", px, 37, 21);
    const at::Tensor img = decodeImageFile(tmp / "a.png");
    EXPECT_TRUE(at::equal(img, chw(px, 37, 21)));

    std::vector<uint8_t> grey(12 * 5);
    for (size_t i = 0; i < grey.size(); ++i)
        grey[i] = uint8_t(i * 4);
    test::writePng(tmp / "g.png", grey, 12, 5, 1);
    const at::Tensor g = decodeImageFile(tmp / "g.png");
    ASSERT_EQ(g.sizes(), (std::vector<int64_t>{3, 5, 12}));
    EXPECT_TRUE(at::equal(g[0], g[2]));
    EXPECT_EQ(g[1][1][3].item<uint8_t>(), grey[15]);
}

TEST(ImageDecoder, JpegDecodesCloseToItsSource)
{
    test::TempDir tmp;
    std::vector<uint8_t> px(64 * 48 * 3);
    for (int y = 0; y < 48; ++y)
        for (int x = 0; x < 64; ++x)
            for (int c = 0; c < 3; ++c)
                px[size_t((y * 64 + x) * 3 + c)] = uint8_t(c == 0 ? x * 4 : c == 1 ? y * 5 : 128);
    test::writeJpeg(tmp / "smooth.jpg", px, 64, 48, 98);
    const at::Tensor img = decodeImageFile(tmp / "smooth.jpg");
    ASSERT_EQ(img.sizes(), (std::vector<int64_t>{3, 48, 64}));
    const double err = (img.to(at::kFloat) - chw(px, 64, 48).to(at::kFloat)).abs().mean().item<double>();
    EXPECT_LT(err, 3.0);
}

TEST(ImageDecoder, BadFilesAreErrorsNamingTheFile)
{
    test::TempDir tmp;
    {
        std::ofstream f(tmp / "fake.jpg");
        f << "just some text";
    }
    const std::string fake = errorOf([&] { decodeImageFile(tmp / "fake.jpg"); });
    EXPECT_NE(fake.find("fake.jpg"), std::string::npos) << fake;
    EXPECT_NE(fake.find("not a JPEG or PNG"), std::string::npos) << fake;

    std::mt19937 rng(2);
    const auto px = test::classPicture(0, 80, 60, rng);
    test::writeJpeg(tmp / "cut.jpg", px, 80, 60);
    fs::resize_file(tmp / "cut.jpg", fs::file_size(tmp / "cut.jpg") / 2);
    const std::string cutJpeg = errorOf([&] { decodeImageFile(tmp / "cut.jpg"); });
    EXPECT_NE(cutJpeg.find("cut.jpg"), std::string::npos) << cutJpeg;

    test::writePng(tmp / "cut.png", px, 80, 60);
    fs::resize_file(tmp / "cut.png", fs::file_size(tmp / "cut.png") / 2);
    const std::string cutPng = errorOf([&] { decodeImageFile(tmp / "cut.png"); });
    EXPECT_NE(cutPng.find("cut.png"), std::string::npos) << cutPng;
}

TEST(ImageTransforms, ResizeShorterSideAndCenterCropAsTorchvision)
{
    const at::Tensor img = at::randint(0, 256, {3, 260, 300}, at::kByte);   // H 260, W 300
    const at::Tensor r = resizeShorterSide(img, 256);
    ASSERT_EQ(r.sizes(), (std::vector<int64_t>{3, 256, 295}));              // int(256 * 300 / 260)
    EXPECT_TRUE(at::equal(r, resizeBilinearLikePil(img.unsqueeze(0), 256, 295).squeeze(0)));
    const at::Tensor c = centerCrop(r, 224);
    // top = round(16.0) = 16, left = round(35.5) = 36 (half to even)
    EXPECT_TRUE(at::equal(c, r.narrow(1, 16, 224).narrow(2, 36, 224)));
    const at::Tensor odd = at::randint(0, 256, {3, 257, 229}, at::kByte);
    EXPECT_TRUE(at::equal(centerCrop(odd, 224), odd.narrow(1, 16, 224).narrow(2, 2, 224)));   // 16.5 -> 16, 2.5 -> 2
    const at::Tensor tall = at::randint(0, 256, {3, 300, 256}, at::kByte);
    EXPECT_TRUE(at::equal(resizeShorterSide(tall, 256), tall));   // shorter side 256 already: unchanged
}

TEST(ImageAugment, RandomResizedCropBoxesFitAndRepeat)
{
    std::mt19937_64 a(4), b(4);
    for (int i = 0; i < 200; ++i) {
        const CropBox box = randomResizedCropBox(120, 333, a);
        const CropBox again = randomResizedCropBox(120, 333, b);
        EXPECT_EQ(box.top, again.top);
        EXPECT_EQ(box.width, again.width);
        ASSERT_GT(box.height, 0);
        ASSERT_GT(box.width, 0);
        ASSERT_LE(box.top + box.height, 120);
        ASSERT_LE(box.left + box.width, 333);
        const double ratio = double(box.width) / double(box.height);
        const double area = double(box.width * box.height) / (120.0 * 333.0);
        if (area < 0.999) {   // not the fallback: within scale and ratio (up to rounding)
            EXPECT_GT(ratio, 0.7);
            EXPECT_LT(ratio, 1.4);
            EXPECT_GT(area, 0.07);
        }
    }
    const at::Tensor img = at::randint(0, 256, {3, 90, 70}, at::kByte);
    std::mt19937_64 c(8);
    EXPECT_EQ(randomResizedCropFlip(img, 224, c).sizes(), (std::vector<int64_t>{3, 224, 224}));
}

TEST(ImageFolder, ListsClassesSkipsNonImagesAndAppliesTheTransforms)
{
    test::TempDir tmp;
    test::writeTinyCatVDog(tmp / "cvd", 3, 1);
    {
        std::ofstream f(tmp / "cvd/train/cat/notes.txt");   // no image extension: skipped, as ImageFolder does
        f << "not an image";
    }
    const RawDataset raw = loadImageFolderSplits(tmp / "cvd", 2);
    ASSERT_EQ(raw.train.size(), 6);
    ASSERT_TRUE(raw.val.has_value());
    EXPECT_EQ(raw.val->size(), 2);
    EXPECT_EQ(raw.test.size(), 2);
    EXPECT_EQ(raw.train.labels[2].item<int64_t>(), 0);
    EXPECT_EQ(raw.train.labels[3].item<int64_t>(), 1);
    EXPECT_NE(raw.train.lazy->path(0).find("/cat/0.0.png"), std::string::npos);

    const auto& source = *raw.train.lazy;
    for (int64_t i = 0; i < 3; ++i) {
        const at::Tensor base = source.load(i);
        EXPECT_EQ(base.sizes(), (std::vector<int64_t>{3, 224, 224}));
        const at::Tensor decoded = decodeImageFile(source.path(i));
        EXPECT_TRUE(at::equal(base, centerCrop(resizeShorterSide(decoded, 256), 224)));
        const at::Tensor code = source.loadForCode(i, nullptr);
        if (decoded.size(1) == 224 && decoded.size(2) == 224)
            EXPECT_TRUE(at::equal(code, decoded));   // the original's val/test code input
        else
            EXPECT_TRUE(at::equal(code, base));
        std::mt19937_64 r1(11), r2(11);
        const at::Tensor augmented = source.loadForCode(i, &r1);
        EXPECT_EQ(augmented.sizes(), (std::vector<int64_t>{3, 224, 224}));
        EXPECT_TRUE(at::equal(augmented, source.loadForCode(i, &r2)));
    }
    const DatasetEntry* d = Catalog::instance().dataset("cat_v_dog");
    ASSERT_NE(d, nullptr);
    const at::Tensor input = d->toInput(source.load(0).unsqueeze(0));
    const at::Tensor mean = at::tensor({0.485f, 0.456f, 0.406f}).view({1, 3, 1, 1});
    const at::Tensor std = at::tensor({0.229f, 0.224f, 0.225f}).view({1, 3, 1, 1});
    EXPECT_TRUE(at::equal(input, source.load(0).unsqueeze(0).to(at::kFloat).div(255).sub(mean).div(std)));
}

TEST(ImageFolder, NonImageWithAnImageExtensionAndMissingSplitsAreReported)
{
    test::TempDir tmp;
    test::writeTinyCatVDog(tmp / "cvd", 1, 1);
    {
        std::ofstream f(tmp / "cvd/train/dog/readme.jpg");
        f << "this is text, not a JPEG";
    }
    const RawDataset raw = loadImageFolderSplits(tmp / "cvd", 2);
    int64_t bad = -1;
    for (int64_t i = 0; i < raw.train.size(); ++i)
        if (raw.train.lazy->path(i).find("readme.jpg") != std::string::npos)
            bad = i;
    ASSERT_GE(bad, 0);
    const std::string msg = errorOf([&] { raw.train.lazy->load(bad); });
    EXPECT_NE(msg.find("readme.jpg"), std::string::npos) << msg;

    fs::remove_all(tmp / "cvd/val");
    const std::string missing = errorOf([&] { loadImageFolderSplits(tmp / "cvd", 2); });
    EXPECT_NE(missing.find("val/"), std::string::npos) << missing;
}
