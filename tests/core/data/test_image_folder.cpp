// cat_v_dog: JPEG / PNG decoding, the ImageNet-style transforms and the
// class-folder loader (issue 4).
#include "TestPaths.h"
#include "support/ErrorOf.h"
#include "support/TinyDataset.h"
#include "support/TinyImages.h"

#include "catalog/Catalog.h"
#include "data/ImageAugment.h"
#include "data/ImageDecoder.h"
#include "data/ImageFolderSource.h"
#include "data/ImageTransforms.h"
#include "data/PilResize.h"
#include "training/PreparedData.h"
#include "util/Error.h"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>

#include <zlib.h>

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

namespace {

void putBigEndian(std::string& out, uint32_t v)
{
    for (int shift = 24; shift >= 0; shift -= 8)
        out += char(v >> shift);
}

std::string pngChunk(const char* type, const std::string& body)
{
    std::string chunk;
    putBigEndian(chunk, uint32_t(body.size()));
    const std::string typed = std::string(type, 4) + body;
    chunk += typed;
    putBigEndian(chunk, uint32_t(crc32(0, reinterpret_cast<const Bytef*>(typed.data()), uInt(typed.size()))));
    return chunk;
}

} // namespace

// Issue 5 (hostile sizes): a few bytes claiming 100,000 x 100,000 pixels (30 GB
// of RGB) are refused from the header, before anything is allocated.
TEST(ImageDecoder, AbsurdDimensionsAreRefusedBeforeAllocating)
{
    std::string ihdr;
    putBigEndian(ihdr, 100000);
    putBigEndian(ihdr, 100000);
    ihdr += std::string("\x08\x02\x00\x00\x00", 5); // 8-bit RGB, deflate, no filter, no interlace
    const std::string png = std::string("\x89PNG\r\n\x1a\n", 8) + pngChunk("IHDR", ihdr) + pngChunk("IDAT", "x")
                            + pngChunk("IEND", "");
    const std::string pngError = errorOf([&] { decodeImage({png.begin(), png.end()}, "bomb.png"); });
    EXPECT_NE(pngError.find("bomb.png"), std::string::npos) << pngError;
    EXPECT_NE(pngError.find("100000 x 100000"), std::string::npos) << pngError;

    // A valid small JPEG whose frame header is patched to 60,000 x 60,000.
    test::TempDir tmp;
    std::mt19937 rng(3);
    test::writeJpeg(tmp / "small.jpg", test::classPicture(1, 16, 16, rng), 16, 16);
    std::ifstream in(tmp / "small.jpg", std::ios::binary);
    std::vector<unsigned char> jpeg((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    bool patched = false;
    for (size_t i = 0; i + 9 < jpeg.size() && !patched; ++i)
        if (jpeg[i] == 0xFF && jpeg[i + 1] == 0xC0) { // SOF0: length, precision, height, width
            jpeg[i + 5] = jpeg[i + 7] = 60000 >> 8;
            jpeg[i + 6] = jpeg[i + 8] = 60000 & 0xFF;
            patched = true;
        }
    ASSERT_TRUE(patched);
    const std::string jpegError = errorOf([&] { decodeImage(jpeg, "bomb.jpg"); });
    EXPECT_NE(jpegError.find("bomb.jpg"), std::string::npos) << jpegError;
    EXPECT_NE(jpegError.find("60000 x 60000"), std::string::npos) << jpegError;
}

// Issue 5, found by fuzz_image (a timeout): 212 bytes of baseline JPEG whose
// header claims 32258 x 4354 pixels, ending in EOI right after a few bytes of
// scan data; libjpeg would grey-fill 140 megapixels. Refused from the header.
TEST(ImageDecoder, JpegTooShortForItsSizeIsRefusedAtOnce)
{
    const std::string path = std::string(PARITY_TEST_DATA_DIR) + "/fuzz/image-jpeg-grey-fill-bomb.jpg";
    const auto t0 = std::chrono::steady_clock::now();
    const std::string msg = errorOf([&] { decodeImageFile(path); });
    EXPECT_NE(msg.find("image-jpeg-grey-fill-bomb.jpg"), std::string::npos) << msg;
    EXPECT_NE(msg.find("too short for its 4354 x 32258 pixels"), std::string::npos) << msg;
    EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(), 1.0);
}

TEST(ImageTransforms, ResizeShorterSideAndCenterCropAsTorchvision)
{
    const at::Tensor img = at::randint(0, 256, {3, 260, 300}, at::kByte); // H 260, W 300
    const at::Tensor r = resizeShorterSide(img, 256);
    ASSERT_EQ(r.sizes(), (std::vector<int64_t>{3, 256, 295})); // int(256 * 300 / 260)
    EXPECT_TRUE(at::equal(r, resizeBilinearLikePil(img.unsqueeze(0), 256, 295).squeeze(0)));
    const at::Tensor c = centerCrop(r, 224);
    // top = round(16.0) = 16, left = round(35.5) = 36 (half to even)
    EXPECT_TRUE(at::equal(c, r.narrow(1, 16, 224).narrow(2, 36, 224)));
    const at::Tensor odd = at::randint(0, 256, {3, 257, 229}, at::kByte);
    EXPECT_TRUE(at::equal(centerCrop(odd, 224), odd.narrow(1, 16, 224).narrow(2, 2, 224))); // 16.5 -> 16, 2.5 -> 2
    const at::Tensor tall = at::randint(0, 256, {3, 300, 256}, at::kByte);
    EXPECT_TRUE(at::equal(resizeShorterSide(tall, 256), tall)); // shorter side 256 already: unchanged
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
        if (area < 0.999) { // not the fallback: within scale and ratio (up to rounding)
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
        std::ofstream f(tmp / "cvd/train/cat/notes.txt"); // no image extension: skipped, as ImageFolder does
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
        // Val / test code input: the decoded image as it is (issue 11,
        // item 11); only the encoder's own resize follows (below).
        EXPECT_TRUE(at::equal(source.loadForCode(i, nullptr), decoded));
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

TEST(ImageFolder, ValTestEncoderInputIsOnlyTheEncodersResize)
{
    // Issue 11, item 11: the original's cat_v_dog val/test code transform is
    // [*encoder_transforms, ToTensor, Normalize], e.g. Resize((224, 112))
    // for concatenation, straight on the file's image: no Resize(256) +
    // CenterCrop(224) first. Test images here are 224 x 224, 150 x 120 and
    // 300 x 260.
    test::TempDir tmp;
    test::writeTinyCatVDog(tmp / "cvd", 1, 3);
    const RawDataset raw = loadImageFolderSplits(tmp / "cvd", 2);
    const DatasetEntry* d = Catalog::instance().dataset("cat_v_dog");
    ASSERT_NE(d, nullptr);
    PreparedSet set;
    set.labels = raw.test.labels;
    set.codeSource = raw.test.lazy;
    set.sourceToInput = d->toInput;
    set.codeShape = {3, 224, 112}; // the concatenation encoder's input for k = 2
    int notSquare = 0;
    for (int64_t i = 0; i < raw.test.size(); ++i) {
        const at::Tensor decoded = decodeImageFile(raw.test.lazy->path(i));
        notSquare += decoded.size(1) != 224;
        std::vector<float> got(size_t(set.codeDim()));
        set.gatherCodeInputs(&i, 1, got.data());
        const at::Tensor expected =
            d->toInput(resizeBilinearLikePil(decoded.unsqueeze(0), 224, 112)).contiguous().view({-1});
        EXPECT_TRUE(at::equal(at::from_blob(got.data(), {set.codeDim()}, at::kFloat), expected)) << i;
        // What we did before: the base transform first, a different input.
        const at::Tensor viaCrop =
            d->toInput(resizeBilinearLikePil(centerCrop(resizeShorterSide(decoded, 256), 224).unsqueeze(0), 224, 112))
                .contiguous()
                .view({-1});
        if (decoded.size(1) != 224) {
            EXPECT_FALSE(at::equal(expected, viaCrop)) << i;
        }
    }
    EXPECT_EQ(notSquare, 4);
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
