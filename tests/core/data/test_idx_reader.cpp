#include "TestPaths.h"
#include "data/IdxReader.h"
#include "data/MnistFiles.h"
#include "support/ErrorOf.h"
#include "util/Error.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#ifdef __linux__
#include <sys/resource.h>
#include <unistd.h>
#endif

namespace fs = std::filesystem;
using parity::Error;
using parity::test::errorOf;

namespace {

using Bytes = std::vector<std::uint8_t>;

void putBigEndian32(Bytes& out, std::uint32_t v)
{
    out.push_back(static_cast<std::uint8_t>(v >> 24));
    out.push_back(static_cast<std::uint8_t>(v >> 16));
    out.push_back(static_cast<std::uint8_t>(v >> 8));
    out.push_back(static_cast<std::uint8_t>(v));
}

Bytes imageHeader(std::uint32_t n, std::uint32_t rows, std::uint32_t cols)
{
    Bytes out;
    putBigEndian32(out, 0x00000803);
    putBigEndian32(out, n);
    putBigEndian32(out, rows);
    putBigEndian32(out, cols);
    return out;
}

Bytes imageFile(const Bytes& pixels, std::uint32_t n, std::uint32_t rows = 28, std::uint32_t cols = 28)
{
    Bytes out = imageHeader(n, rows, cols);
    out.insert(out.end(), pixels.begin(), pixels.end());
    return out;
}

Bytes labelFile(const Bytes& labels)
{
    Bytes out;
    putBigEndian32(out, 0x00000801);
    putBigEndian32(out, static_cast<std::uint32_t>(labels.size()));
    out.insert(out.end(), labels.begin(), labels.end());
    return out;
}

Bytes randomBytes(std::size_t n, std::uint32_t seed, int modulo = 256)
{
    std::mt19937 rng(seed);
    Bytes out(n);
    for (auto& b : out)
        b = static_cast<std::uint8_t>(rng() % modulo);
    return out;
}

void writeRaw(const fs::path& path, const Bytes& bytes)
{
    std::ofstream f(path, std::ios::binary);
    f.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    ASSERT_TRUE(f.good()) << path;
}

void writeGz(const fs::path& path, const Bytes& bytes)
{
    gzFile f = gzopen(path.string().c_str(), "wb");
    ASSERT_NE(f, nullptr) << path;
    if (!bytes.empty()) {
        ASSERT_EQ(gzwrite(f, bytes.data(), static_cast<unsigned>(bytes.size())), static_cast<int>(bytes.size()));
    }
    ASSERT_EQ(gzclose(f), Z_OK);
}

Bytes readRaw(const fs::path& path)
{
    std::ifstream f(path, std::ios::binary);
    return Bytes(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
}

#define EXPECT_CONTAINS(haystack, needle) \
    EXPECT_NE(std::string(haystack).find(needle), std::string::npos) << "message: " << (haystack)

class IdxReaderTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        static std::atomic<int> counter{0};
        std::string name = "parity_idx_test_";
#ifdef __linux__
        name += std::to_string(getpid()) + "_";
#endif
        name += std::to_string(counter++);
        m_dir = fs::temp_directory_path() / name;
        fs::remove_all(m_dir);
        fs::create_directories(m_dir);
    }
    void TearDown() override
    {
        std::error_code ec;
        fs::remove_all(m_dir, ec);
    }
    fs::path file(const std::string& name) const { return m_dir / name; }

    /// Writes a complete MNIST-style directory (small: nTrain/nTest images) into `dir`.
    void writeMnist(const fs::path& dir, bool gz, std::uint32_t nTrain = 7, std::uint32_t nTest = 3)
    {
        fs::create_directories(dir);
        const auto write = [&](const std::string& name, const Bytes& bytes) {
            if (gz)
                writeGz(dir / (name + ".gz"), bytes);
            else
                writeRaw(dir / name, bytes);
        };
        m_trainPixels = randomBytes(nTrain * 784, 1);
        m_testPixels = randomBytes(nTest * 784, 2);
        m_trainLabels = randomBytes(nTrain, 3, 10);
        m_testLabels = randomBytes(nTest, 4, 10);
        write("train-images-idx3-ubyte", imageFile(m_trainPixels, nTrain));
        write("train-labels-idx1-ubyte", labelFile(m_trainLabels));
        write("t10k-images-idx3-ubyte", imageFile(m_testPixels, nTest));
        write("t10k-labels-idx1-ubyte", labelFile(m_testLabels));
    }

    void expectImages(const at::Tensor& images, const Bytes& pixels, std::int64_t n, std::int64_t rows = 28,
                      std::int64_t cols = 28)
    {
        ASSERT_EQ(images.scalar_type(), at::kByte);
        ASSERT_EQ(images.sizes(), (at::IntArrayRef{n, 1, rows, cols}));
        ASSERT_TRUE(images.is_contiguous());
        const std::uint8_t* data = images.data_ptr<std::uint8_t>();
        EXPECT_TRUE(std::equal(pixels.begin(), pixels.end(), data));
    }

    void expectLabels(const at::Tensor& labels, const Bytes& expected)
    {
        ASSERT_EQ(labels.scalar_type(), at::kLong);
        ASSERT_EQ(labels.sizes(), (at::IntArrayRef{static_cast<std::int64_t>(expected.size())}));
        for (std::size_t i = 0; i < expected.size(); ++i)
            EXPECT_EQ(labels[static_cast<std::int64_t>(i)].item<std::int64_t>(), expected[i]);
    }

    fs::path m_dir;
    Bytes m_trainPixels, m_testPixels, m_trainLabels, m_testLabels;
};

} // namespace

TEST_F(IdxReaderTest, RawImagesRoundTrip)
{
    const Bytes pixels = randomBytes(5 * 6 * 7, 11);
    writeRaw(file("img"), imageFile(pixels, 5, 6, 7));
    expectImages(parity::readIdxImages(file("img").string()), pixels, 5, 6, 7);
}

TEST_F(IdxReaderTest, GzipImagesRoundTripRegardlessOfName)
{
    const Bytes pixels = randomBytes(9 * 28 * 28, 12);
    writeGz(file("img.gz"), imageFile(pixels, 9));
    expectImages(parity::readIdxImages(file("img.gz").string()), pixels, 9);
    // Detected by content, not by name.
    fs::rename(file("img.gz"), file("img.raw"));
    expectImages(parity::readIdxImages(file("img.raw").string()), pixels, 9);
}

TEST_F(IdxReaderTest, LargeGzipImagesRoundTrip)
{
    // Bigger than the initial decompression buffer guess (8x the compressed size), so the
    // buffer has to grow: zeros compress extremely well.
    Bytes pixels(4000 * 784, 0);
    for (std::size_t i = 0; i < pixels.size(); i += 997)
        pixels[i] = static_cast<std::uint8_t>(i);
    writeGz(file("img.gz"), imageFile(pixels, 4000));
    expectImages(parity::readIdxImages(file("img.gz").string()), pixels, 4000);
}

TEST_F(IdxReaderTest, MultiMemberGzip)
{
    const Bytes pixels = randomBytes(3 * 784, 13);
    const Bytes whole = imageFile(pixels, 3);
    writeGz(file("a.gz"), Bytes(whole.begin(), whole.begin() + 100));
    writeGz(file("b.gz"), Bytes(whole.begin() + 100, whole.end()));
    Bytes joined = readRaw(file("a.gz"));
    const Bytes second = readRaw(file("b.gz"));
    joined.insert(joined.end(), second.begin(), second.end());
    writeRaw(file("joined.gz"), joined);
    expectImages(parity::readIdxImages(file("joined.gz").string()), pixels, 3);
}

TEST_F(IdxReaderTest, LabelsRoundTripRawAndGzip)
{
    const Bytes labels = randomBytes(1000, 14);
    writeRaw(file("lab"), labelFile(labels));
    writeGz(file("lab.gz"), labelFile(labels));
    expectLabels(parity::readIdxLabels(file("lab").string()), labels);
    expectLabels(parity::readIdxLabels(file("lab.gz").string()), labels);
}

TEST_F(IdxReaderTest, EmptySetIsAccepted)
{
    writeRaw(file("img"), imageHeader(0, 28, 28));
    EXPECT_EQ(parity::readIdxImages(file("img").string()).sizes(), (at::IntArrayRef{0, 1, 28, 28}));
    writeGz(file("lab.gz"), labelFile({}));
    EXPECT_EQ(parity::readIdxLabels(file("lab.gz").string()).numel(), 0);
}

TEST_F(IdxReaderTest, WrongMagicNamesFileFoundAndExpected)
{
    writeRaw(file("labels-not-images"), labelFile({1, 2, 3}));
    std::string msg = errorOf([&] { parity::readIdxImages(file("labels-not-images").string()); });
    EXPECT_CONTAINS(msg, file("labels-not-images").string());
    EXPECT_CONTAINS(msg, "0x00000801");
    EXPECT_CONTAINS(msg, "0x00000803");

    writeGz(file("images.gz"), imageFile(randomBytes(784, 1), 1));
    msg = errorOf([&] { parity::readIdxLabels(file("images.gz").string()); });
    EXPECT_CONTAINS(msg, "images.gz");
    EXPECT_CONTAINS(msg, "0x00000803");
    EXPECT_CONTAINS(msg, "0x00000801");

    writeRaw(file("text"), Bytes{'h', 'e', 'l', 'l', 'o', ' ', 'w', 'o', 'r', 'l', 'd', '!', '!', '!', '!', '!'});
    msg = errorOf([&] { parity::readIdxImages(file("text").string()); });
    EXPECT_CONTAINS(msg, "0x68656C6C");
}

TEST_F(IdxReaderTest, TruncatedFiles)
{
    const Bytes full = imageFile(randomBytes(4 * 784, 15), 4);
    const Bytes cut(full.begin(), full.end() - 1);
    writeRaw(file("cut"), cut);
    std::string msg = errorOf([&] { parity::readIdxImages(file("cut").string()); });
    EXPECT_CONTAINS(msg, file("cut").string());
    EXPECT_CONTAINS(msg, "truncated");

    // A complete gzip stream whose content is too short.
    writeGz(file("cut.gz"), cut);
    msg = errorOf([&] { parity::readIdxImages(file("cut.gz").string()); });
    EXPECT_CONTAINS(msg, "cut.gz");
    EXPECT_CONTAINS(msg, "truncated");

    // A gzip file cut in the middle of the compressed stream.
    writeGz(file("full.gz"), full);
    Bytes gz = readRaw(file("full.gz"));
    gz.resize(gz.size() / 2);
    writeRaw(file("halfgz"), gz);
    msg = errorOf([&] { parity::readIdxImages(file("halfgz").string()); });
    EXPECT_CONTAINS(msg, "halfgz");
    EXPECT_CONTAINS(msg, "truncated");

    // Header itself incomplete; empty file.
    writeRaw(file("header"), Bytes(full.begin(), full.begin() + 10));
    msg = errorOf([&] { parity::readIdxImages(file("header").string()); });
    EXPECT_CONTAINS(msg, "truncated header");
    writeRaw(file("empty"), {});
    msg = errorOf([&] { parity::readIdxLabels(file("empty").string()); });
    EXPECT_CONTAINS(msg, "empty");
}

TEST_F(IdxReaderTest, TrailingGarbage)
{
    Bytes data = labelFile({1, 2, 3});
    data.push_back(7);
    writeRaw(file("lab"), data);
    std::string msg = errorOf([&] { parity::readIdxLabels(file("lab").string()); });
    EXPECT_CONTAINS(msg, file("lab").string());
    EXPECT_CONTAINS(msg, "trailing");

    writeGz(file("lab.gz"), data);
    msg = errorOf([&] { parity::readIdxLabels(file("lab.gz").string()); });
    EXPECT_CONTAINS(msg, "lab.gz");
    EXPECT_CONTAINS(msg, "trailing");

    // Junk after a complete gzip stream.
    writeGz(file("ok.gz"), labelFile({1, 2, 3}));
    Bytes gz = readRaw(file("ok.gz"));
    gz.insert(gz.end(), {'j', 'u', 'n', 'k'});
    writeRaw(file("junk.gz"), gz);
    msg = errorOf([&] { parity::readIdxLabels(file("junk.gz").string()); });
    EXPECT_CONTAINS(msg, "junk.gz");
    EXPECT_CONTAINS(msg, "after the end of the gzip stream");
}

TEST_F(IdxReaderTest, CorruptGzip)
{
    writeGz(file("img.gz"), imageFile(randomBytes(20 * 784, 16), 20));
    Bytes gz = readRaw(file("img.gz"));
    for (std::size_t i = gz.size() / 3; i < gz.size() / 3 + 64; ++i)
        gz[i] ^= 0x5a;
    writeRaw(file("bad.gz"), gz);
    const std::string msg = errorOf([&] { parity::readIdxImages(file("bad.gz").string()); });
    EXPECT_CONTAINS(msg, "bad.gz");
    EXPECT_CONTAINS(msg, "gzip");

    // Damaged CRC only: detected at the end of the stream.
    Bytes crc = readRaw(file("img.gz"));
    crc[crc.size() - 8] ^= 1;
    writeRaw(file("crc.gz"), crc);
    EXPECT_CONTAINS(errorOf([&] { parity::readIdxImages(file("crc.gz").string()); }), "corrupt gzip");
}

TEST_F(IdxReaderTest, AbsurdHeaderRejectedWithoutAllocating)
{
#ifdef __linux__
    rusage before{};
    getrusage(RUSAGE_SELF, &before);
#endif
    // 4,294,967,295 images of 28x28 (3.4 TB) and 10^9 x 1000 x 1000: over the 4 GiB limit.
    writeRaw(file("huge"), imageFile(randomBytes(784, 17), 0xFFFFFFFFu));
    std::string msg = errorOf([&] { parity::readIdxImages(file("huge").string()); });
    EXPECT_CONTAINS(msg, file("huge").string());
    EXPECT_CONTAINS(msg, "4294967295 images");
    writeGz(file("huge.gz"), imageFile(randomBytes(784, 17), 1000000000u, 1000, 1000));
    msg = errorOf([&] { parity::readIdxImages(file("huge.gz").string()); });
    EXPECT_CONTAINS(msg, "huge.gz");
    EXPECT_CONTAINS(msg, "GiB");
    writeRaw(file("hugelab"), [] {
        Bytes b;
        putBigEndian32(b, 0x801);
        putBigEndian32(b, 0xFFFFFFFFu);
        return b;
    }());
    EXPECT_CONTAINS(errorOf([&] { parity::readIdxLabels(file("hugelab").string()); }), "truncated");

    // Under the limit (3.9 GB) but far more than the data: raw is checked against the file
    // size, gzip grows its buffer only as data arrives.
    writeRaw(file("big"), imageFile(randomBytes(784, 18), 5000000));
    EXPECT_CONTAINS(errorOf([&] { parity::readIdxImages(file("big").string()); }), "truncated");
    writeGz(file("big.gz"), imageFile(randomBytes(784, 18), 5000000));
    EXPECT_CONTAINS(errorOf([&] { parity::readIdxImages(file("big.gz").string()); }), "truncated");
#ifdef __linux__
    rusage after{};
    getrusage(RUSAGE_SELF, &after);
    EXPECT_LT(after.ru_maxrss - before.ru_maxrss, 200 * 1024) << "peak RSS grew (KiB)";
#endif
}

// Issue 12: the whole-file libdeflate path is taken only when the gzip
// trailer announces exactly what the IDX header claims. A file whose header
// claims 3 labels but which inflates to 64 MiB must not be decompressed
// whole: the streaming reader stops after the claim and names the problem.
TEST_F(IdxReaderTest, AHeaderThatUnderstatesTheDataIsNotInflatedWhole)
{
    Bytes b;
    putBigEndian32(b, 0x801);
    putBigEndian32(b, 3);
    b.resize(b.size() + (std::size_t(64) << 20), 0);
    writeGz(file("understated.gz"), b);
#ifdef __linux__
    rusage before{};
    getrusage(RUSAGE_SELF, &before);
#endif
    const std::string msg = errorOf([&] { parity::readIdxLabels(file("understated.gz").string()); });
    EXPECT_CONTAINS(msg, "understated.gz");
    EXPECT_CONTAINS(msg, "trailing data");
#ifdef __linux__
    rusage after{};
    getrusage(RUSAGE_SELF, &after);
    EXPECT_LT(after.ru_maxrss - before.ru_maxrss, 32 * 1024) << "peak RSS grew (KiB)";
#endif
}

TEST_F(IdxReaderTest, ZeroSizedImagesRejected)
{
    writeRaw(file("img"), imageHeader(3, 0, 28));
    EXPECT_CONTAINS(errorOf([&] { parity::readIdxImages(file("img").string()); }), "at least one row");
}

TEST_F(IdxReaderTest, MissingOrUnreadablePaths)
{
    std::string msg = errorOf([&] { parity::readIdxImages(file("nope").string()); });
    EXPECT_CONTAINS(msg, file("nope").string());
    EXPECT_CONTAINS(msg, "not found");
    msg = errorOf([&] { parity::readIdxLabels(m_dir.string()); });
    EXPECT_CONTAINS(msg, "not a regular file");
}

TEST_F(IdxReaderTest, RandomMutationsNeverCrash)
{
    const Bytes raw = imageFile(randomBytes(2 * 784, 19), 2);
    writeGz(file("seed.gz"), raw);
    const Bytes gz = readRaw(file("seed.gz"));
    std::mt19937 rng(20);
    for (int round = 0; round < 300; ++round) {
        Bytes data = (round % 2) ? gz : raw;
        const int edits = 1 + static_cast<int>(rng() % 4);
        for (int e = 0; e < edits; ++e) {
            switch (rng() % 3) {
            case 0:
                data[rng() % data.size()] = static_cast<std::uint8_t>(rng());
                break;
            case 1:
                data.resize(rng() % (data.size() + 1));
                break;
            default:
                data.push_back(static_cast<std::uint8_t>(rng()));
            }
            if (data.empty())
                break;
        }
        writeRaw(file("fuzz"), data);
        try {
            const at::Tensor t = parity::readIdxImages(file("fuzz").string());
            EXPECT_EQ(t.dim(), 4);
        } catch (const Error&) {
        }
        try {
            parity::readIdxLabels(file("fuzz").string());
        } catch (const Error&) {
        }
    }
}

// ---- loadMnistDirectory ----

TEST_F(IdxReaderTest, MnistDirectoryRawAndGzip)
{
    for (bool gz : {false, true}) {
        const fs::path dir = m_dir / (gz ? "gz" : "raw_files");
        writeMnist(dir, gz);
        const parity::MnistFiles files = parity::loadMnistDirectory(dir.string());
        expectImages(files.train.images, m_trainPixels, 7);
        expectLabels(files.train.labels, m_trainLabels);
        expectImages(files.test.images, m_testPixels, 3);
        expectLabels(files.test.labels, m_testLabels);
    }
}

TEST_F(IdxReaderTest, MnistDirectoryTorchvisionRawLayout)
{
    writeMnist(m_dir / "FashionMNIST" / "raw", true);
    const parity::MnistFiles files = parity::loadMnistDirectory((m_dir / "FashionMNIST").string());
    expectImages(files.train.images, m_trainPixels, 7);
    expectLabels(files.test.labels, m_testLabels);
}

TEST_F(IdxReaderTest, MnistDirectoryMissingFileListsCandidates)
{
    writeMnist(m_dir, false);
    fs::remove(m_dir / "t10k-labels-idx1-ubyte");
    const std::string msg = errorOf([&] { parity::loadMnistDirectory(m_dir.string()); });
    EXPECT_CONTAINS(msg, "t10k-labels-idx1-ubyte.gz");
    EXPECT_CONTAINS(msg, m_dir.string());
    EXPECT_CONTAINS(msg, (m_dir / "raw").string());

    EXPECT_CONTAINS(errorOf([&] { parity::loadMnistDirectory((m_dir / "absent").string()); }), "absent");
}

TEST_F(IdxReaderTest, MnistDirectoryCountMismatchNamesBothFiles)
{
    writeMnist(m_dir, false);
    writeRaw(m_dir / "train-labels-idx1-ubyte", labelFile(randomBytes(6, 5, 10)));
    const std::string msg = errorOf([&] { parity::loadMnistDirectory(m_dir.string()); });
    EXPECT_CONTAINS(msg, (m_dir / "train-images-idx3-ubyte").string());
    EXPECT_CONTAINS(msg, (m_dir / "train-labels-idx1-ubyte").string());
    EXPECT_CONTAINS(msg, "7 images");
    EXPECT_CONTAINS(msg, "6 labels");
}

TEST_F(IdxReaderTest, MnistDirectoryLabelOutOfRange)
{
    writeMnist(m_dir, true);
    Bytes labels = m_testLabels;
    labels[1] = 10;
    writeGz(m_dir / "t10k-labels-idx1-ubyte.gz", labelFile(labels));
    const std::string msg = errorOf([&] { parity::loadMnistDirectory(m_dir.string()); });
    EXPECT_CONTAINS(msg, "t10k-labels-idx1-ubyte.gz");
    EXPECT_CONTAINS(msg, "label 10 at index 1");
    // Fine with more classes.
    EXPECT_NO_THROW(parity::loadMnistDirectory(m_dir.string(), 11));
}

TEST_F(IdxReaderTest, MnistDirectoryRejectsNon28x28)
{
    writeMnist(m_dir, false);
    writeRaw(m_dir / "train-images-idx3-ubyte", imageFile(randomBytes(7 * 32 * 32, 6), 7, 32, 32));
    EXPECT_CONTAINS(errorOf([&] { parity::loadMnistDirectory(m_dir.string()); }), "expected 28x28");
}

TEST(FashionMnist, LoadsRealFilesWhenPresent)
{
    const std::string dir = "/usr/share/datasets/fashion-mnist";
    if (!fs::exists(dir + "/train-images-idx3-ubyte.gz"))
        GTEST_SKIP() << "Fashion-MNIST not installed at " << dir;
    const parity::MnistFiles files = parity::loadMnistDirectory(dir);
    EXPECT_EQ(files.train.images.sizes(), (at::IntArrayRef{60000, 1, 28, 28}));
    EXPECT_EQ(files.test.images.sizes(), (at::IntArrayRef{10000, 1, 28, 28}));
    EXPECT_EQ(files.train.labels.size(0), 60000);
    EXPECT_EQ(files.test.labels.size(0), 10000);
    // Fashion-MNIST is balanced: 6000 / 1000 per class.
    const at::Tensor counts = at::bincount(files.train.labels);
    EXPECT_EQ(counts.min().item<std::int64_t>(), 6000);
    EXPECT_EQ(counts.max().item<std::int64_t>(), 6000);
}
