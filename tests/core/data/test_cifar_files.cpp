// CIFAR-10 / CIFAR-100 binary readers, normalisation and the training
// split's crop + flip (issue 4).
#include "support/ErrorOf.h"
#include "support/TinyCifar.h"
#include "support/TinyDataset.h"

#include "catalog/Catalog.h"
#include "data/CifarFiles.h"
#include "data/ImageAugment.h"
#include "data/ImageTransforms.h"
#include "util/Error.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>

namespace fs = std::filesystem;
using namespace parity;
using parity::test::errorOf;

TEST(CifarFiles, ReadsCifar10RecordsInOrder)
{
    test::TempDir tmp;
    test::writeTinyCifar(tmp / "c10", 10, 4, 6);
    const RawDataset raw = loadCifarDirectory(tmp / "c10", 10);
    ASSERT_EQ(raw.train.size(), 20);
    ASSERT_EQ(raw.test.size(), 6);
    EXPECT_FALSE(raw.val.has_value());
    EXPECT_EQ(raw.train.images.sizes(), (std::vector<int64_t>{20, 3, 32, 32}));

    // The first record of data_batch_1.bin, byte for byte.
    std::ifstream in(tmp / "c10/data_batch_1.bin", std::ios::binary);
    std::vector<char> rec(3073);
    in.read(rec.data(), 3073);
    EXPECT_EQ(raw.train.labels[0].item<int64_t>(), uint8_t(rec[0]));
    const uint8_t* px = raw.train.images.data_ptr<uint8_t>();
    for (int i = 0; i < 3072; ++i)
        ASSERT_EQ(px[i], uint8_t(rec[size_t(1 + i)])) << i;
    // Red plane first: pixel (c=1, y=0, x=0) is byte 1024 of the pixels.
    EXPECT_EQ(raw.train.images[0][1][0][0].item<uint8_t>(), uint8_t(rec[1 + 1024]));
}

TEST(CifarFiles, FindsTheArchiveFolderAndUsesTheFineLabelOfCifar100)
{
    test::TempDir tmp;
    test::writeTinyCifar(tmp / "c100/cifar-100-binary", 100, 6, 5);
    const RawDataset raw = loadCifarDirectory(tmp / "c100", 100);
    ASSERT_EQ(raw.train.size(), 30);
    std::ifstream in(tmp / "c100/cifar-100-binary/train.bin", std::ios::binary);
    for (int r = 0; r < 30; ++r) {
        std::vector<char> rec(3074);
        in.read(rec.data(), 3074);
        EXPECT_EQ(raw.train.labels[r].item<int64_t>(), uint8_t(rec[1])) << r; // fine, not coarse
    }
    test::writeTinyCifar(tmp / "c10/cifar-10-batches-bin", 10, 2, 2);
    EXPECT_EQ(loadCifarDirectory(tmp / "c10", 10).train.size(), 10);
}

TEST(CifarFiles, TruncatedRecordNamesTheFile)
{
    test::TempDir tmp;
    test::writeTinyCifar(tmp / "c10", 10, 3, 3);
    fs::resize_file(tmp / "c10/data_batch_3.bin", 3 * 3073 - 100);
    const std::string msg = errorOf([&] { loadCifarDirectory(tmp / "c10", 10); });
    EXPECT_NE(msg.find("data_batch_3.bin"), std::string::npos) << msg;
    EXPECT_NE(msg.find("truncated"), std::string::npos) << msg;

    // A CIFAR-10 file read as CIFAR-100 (3073-byte records, not 3074).
    test::writeTinyCifar(tmp / "wrong", 10, 2, 2);
    fs::copy_file(tmp / "wrong/test_batch.bin", tmp / "wrong/test.bin");
    {
        std::ofstream f(tmp / "wrong/train.bin", std::ios::binary);
        f << std::string(3074 * 2, '\0');
    }
    const std::string msg100 = errorOf([&] { loadCifarDirectory(tmp / "wrong", 100); });
    EXPECT_NE(msg100.find("test.bin"), std::string::npos) << msg100;
}

TEST(CifarFiles, MissingFilesAndBadLabelsAreReported)
{
    test::TempDir tmp;
    const std::string none = errorOf([&] { loadCifarDirectory(tmp.path(), 10); });
    EXPECT_NE(none.find("test_batch.bin"), std::string::npos) << none;

    test::writeTinyCifar(tmp / "c10", 10, 2, 2);
    fs::remove(tmp / "c10/data_batch_4.bin");
    const std::string missing = errorOf([&] { loadCifarDirectory(tmp / "c10", 10); });
    EXPECT_NE(missing.find("data_batch_4.bin"), std::string::npos) << missing;

    fs::create_directories(tmp / "py/cifar-10-batches-py");
    const std::string python = errorOf([&] { loadCifarDirectory(tmp / "py", 10); });
    EXPECT_NE(python.find("binary version"), std::string::npos) << python;

    test::writeTinyCifar(tmp / "bad", 10, 2, 2);
    {
        std::fstream f(tmp / "bad/test_batch.bin", std::ios::in | std::ios::out | std::ios::binary);
        f.seekp(3073);
        f.put(char(12)); // label 12 in CIFAR-10
    }
    const std::string label = errorOf([&] { loadCifarDirectory(tmp / "bad", 10); });
    EXPECT_NE(label.find("test_batch.bin"), std::string::npos) << label;
    EXPECT_NE(label.find("record 1"), std::string::npos) << label;
}

TEST(CifarFiles, ClassNames)
{
    EXPECT_EQ(cifar10ClassNames().size(), 10u);
    EXPECT_EQ(cifar10ClassNames()[0], "airplane");
    EXPECT_EQ(cifar10ClassNames()[9], "truck");
    const auto& names = cifar100ClassNames();
    ASSERT_EQ(names.size(), 100u);
    EXPECT_EQ(std::set<std::string>(names.begin(), names.end()).size(), 100u);
    EXPECT_TRUE(std::is_sorted(names.begin(), names.end())); // the fine labels are alphabetical
    EXPECT_EQ(names[0], "apple");
    EXPECT_EQ(names[99], "worm");
    const DatasetEntry* d = Catalog::instance().dataset("cifar100");
    ASSERT_NE(d, nullptr);
    EXPECT_EQ(d->numClasses, 100);
    EXPECT_EQ(d->classNames, names);
}

TEST(CifarFiles, NormalisationMatchesToTensorThenNormalize)
{
    const DatasetEntry* d = Catalog::instance().dataset("cifar10");
    ASSERT_NE(d, nullptr);
    const at::Tensor bytes = at::randint(0, 256, {2, 3, 32, 32}, at::kByte);
    const at::Tensor mean = at::tensor({0.4914f, 0.4822f, 0.4465f}).view({1, 3, 1, 1});
    const at::Tensor std = at::tensor({0.2023f, 0.1994f, 0.2010f}).view({1, 3, 1, 1});
    const at::Tensor expected = bytes.to(at::kFloat).div(255).sub(mean).div(std);
    EXPECT_TRUE(at::equal(d->toInput(bytes), expected));
    EXPECT_EQ(d->byteTable.size(), 3u * 256u);
}

TEST(ImageAugment, RandomCropFlipIsAShiftedOrMirroredWindow)
{
    const at::Tensor image = at::randint(1, 256, {3, 32, 32}, at::kByte);
    const uint8_t* src = image.data_ptr<uint8_t>();
    std::vector<uint8_t> out(3072);
    std::mt19937_64 rng(5);
    std::set<std::pair<int, int>> offsets;
    int flips = 0;
    for (int draw = 0; draw < 200; ++draw) {
        randomCropFlip(src, out.data(), 3, 32, 32, 4, rng);
        bool matched = false;
        for (int top = -4; top <= 4 && !matched; ++top)
            for (int left = -4; left <= 4 && !matched; ++left)
                for (int flip = 0; flip < 2 && !matched; ++flip) {
                    bool same = true;
                    for (int c = 0; c < 3 && same; ++c)
                        for (int y = 0; y < 32 && same; ++y)
                            for (int x = 0; x < 32 && same; ++x) {
                                const int sy = y + top, sx = (flip ? 31 - x : x) + left;
                                const uint8_t want = sy < 0 || sy > 31 || sx < 0 || sx > 31
                                                         ? 0
                                                         : src[c * 1024 + sy * 32 + sx];
                                same = out[size_t(c * 1024 + y * 32 + x)] == want;
                            }
                    if (same) {
                        matched = true;
                        offsets.insert({top, left});
                        flips += flip;
                    }
                }
        ASSERT_TRUE(matched) << "draw " << draw;
    }
    EXPECT_GT(offsets.size(), 40u); // of 81 possible offsets
    EXPECT_GT(flips, 60);
    EXPECT_LT(flips, 140);
}
