// GCommands: WAV reader, spectrogram (docs/BEHAVIOUR.md §4) and the folder loader (issue 4).
#include "support/ErrorOf.h"
#include "support/TinyAudio.h"
#include "support/TinyDataset.h"

#include "catalog/Catalog.h"
#include "data/GCommandsFolder.h"
#include "data/Spectrogram.h"
#include "data/WavReader.h"
#include "util/Error.h"

#include <gtest/gtest.h>

#include <complex>
#include <filesystem>
#include <fstream>

namespace fs = std::filesystem;
using namespace parity;
using parity::test::errorOf;

namespace {

// An independent, slow reference of the original's spectrogram: explicit
// reflect padding, a naive DFT in double, z-score in double.
std::vector<double> naiveSpectrogram(const std::vector<float>& y)
{
    const int nFft = 320, hop = 160, bins = 161, maxFrames = 101;
    std::vector<double> padded;
    const int n = int(y.size());
    for (int i = 160; i >= 1; --i)
        padded.push_back(y[size_t(i)]);
    padded.insert(padded.end(), y.begin(), y.end());
    for (int i = 1; i <= 160; ++i)
        padded.push_back(y[size_t(n - 1 - i)]);
    const int frames = 1 + (int(padded.size()) - nFft) / hop;
    std::vector<double> s(size_t(bins * maxFrames), 0.0);
    for (int t = 0; t < std::min(frames, maxFrames); ++t)
        for (int f = 0; f < bins; ++f) {
            std::complex<double> acc = 0;
            for (int i = 0; i < nFft; ++i) {
                const double w = 0.54 - 0.46 * std::cos(2 * M_PI * i / nFft);
                acc += w * padded[size_t(t * hop + i)] * std::polar(1.0, -2 * M_PI * f * i / nFft);
            }
            s[size_t(f * maxFrames + t)] = std::log1p(std::abs(acc));
        }
    double mean = 0, var = 0;
    for (double v : s)
        mean += v;
    mean /= double(s.size());
    for (double v : s)
        var += (v - mean) * (v - mean);
    const double sd = std::sqrt(var / double(s.size() - 1));
    for (double& v : s)
        v = (v - mean) / sd;
    return s;
}

} // namespace

TEST(WavReader, ReadsSixteenBitMonoAndWalksChunks)
{
    test::TempDir tmp;
    test::writeWav(tmp / "a.wav", {0, 1, -1, 32767, -32768, 1000}, 16000, 1, 16, /*extraChunk=*/true);
    const WavAudio a = readWav(tmp / "a.wav", 16000);
    EXPECT_EQ(a.sampleRate, 16000);
    EXPECT_EQ(a.channels, 1);
    ASSERT_EQ(a.samples.size(), 6u);
    EXPECT_EQ(a.samples[1], 1.0f / 32768.0f);
    EXPECT_EQ(a.samples[3], 32767.0f / 32768.0f);
    EXPECT_EQ(a.samples[4], -1.0f);
}

TEST(WavReader, StereoIsAveragedAndEightBitIsScaled)
{
    test::TempDir tmp;
    test::writeWav(tmp / "stereo.wav", {1000, 3000, -200, 200}, 16000, 2);
    const WavAudio s = readWav(tmp / "stereo.wav", 16000);
    EXPECT_EQ(s.channels, 2);
    ASSERT_EQ(s.samples.size(), 2u);
    EXPECT_FLOAT_EQ(s.samples[0], 2000.0f / 32768.0f);
    EXPECT_EQ(s.samples[1], 0.0f);

    test::writeWav(tmp / "byte.wav", {-128, 0, 64}, 16000, 1, 8);
    const WavAudio b = readWav(tmp / "byte.wav", 16000);
    ASSERT_EQ(b.samples.size(), 3u);
    EXPECT_EQ(b.samples[0], -1.0f);
    EXPECT_EQ(b.samples[1], 0.0f);
    EXPECT_EQ(b.samples[2], 0.5f);
}

TEST(WavReader, BadFilesAreErrorsNamingTheFile)
{
    test::TempDir tmp;
    test::writeWav(tmp / "slow.wav", test::tone(440, 800, 8000), 8000);
    const std::string rate = errorOf([&] { readWav(tmp / "slow.wav", 16000); });
    EXPECT_NE(rate.find("slow.wav"), std::string::npos) << rate;
    EXPECT_NE(rate.find("8000 Hz"), std::string::npos) << rate;

    {
        std::ofstream f(tmp / "text.wav");
        f << "this is not a RIFF file at all";
    }
    const std::string header = errorOf([&] { readWav(tmp / "text.wav"); });
    EXPECT_NE(header.find("text.wav"), std::string::npos) << header;
    EXPECT_NE(header.find("RIFF"), std::string::npos) << header;

    test::writeWav(tmp / "cut.wav", test::tone(440, 1600), 16000);
    fs::resize_file(tmp / "cut.wav", fs::file_size(tmp / "cut.wav") - 100);
    const std::string cut = errorOf([&] { readWav(tmp / "cut.wav"); });
    EXPECT_NE(cut.find("cut.wav"), std::string::npos) << cut;
    EXPECT_NE(cut.find("truncated"), std::string::npos) << cut;

    // 24-bit samples: refused, not misread.
    test::writeWav(tmp / "deep.wav", {1, 2}, 16000, 1, 16);
    {
        std::fstream f(tmp / "deep.wav", std::ios::in | std::ios::out | std::ios::binary);
        f.seekp(34);
        f.put(char(24));
    }
    const std::string deep = errorOf([&] { readWav(tmp / "deep.wav"); });
    EXPECT_NE(deep.find("deep.wav"), std::string::npos) << deep;
}

// Issue 5 (hostile sizes): a data chunk claiming 4 GiB in a small file is
// refused from its header, before anything is allocated.
TEST(WavReader, DataChunkClaimingGigabytesIsRefused)
{
    test::TempDir tmp;
    test::writeWav(tmp / "huge.wav", test::tone(440, 40), 16000);
    std::string bytes;
    {
        std::ifstream in(tmp / "huge.wav", std::ios::binary);
        bytes.assign(std::istreambuf_iterator<char>(in), {});
    }
    const size_t data = bytes.find("data");
    ASSERT_NE(data, std::string::npos);
    bytes.replace(data + 4, 4, "\xff\xff\xff\xff");
    std::ofstream(tmp / "huge.wav", std::ios::binary) << bytes;
    const std::string msg = errorOf([&] { readWav(tmp / "huge.wav"); });
    EXPECT_NE(msg.find("huge.wav"), std::string::npos) << msg;
    EXPECT_NE(msg.find("4294967295 bytes"), std::string::npos) << msg;
}

TEST(Spectrogram, OneSecondGives161By101)
{
    std::vector<float> y(16000);
    std::mt19937 rng(1);
    for (auto& v : y)
        v = float(int(rng() % 2001) - 1000) / 32768.0f;
    const at::Tensor s = gcommandsSpectrogram(y, 16000);
    EXPECT_EQ(s.sizes(), (std::vector<int64_t>{1, 161, 101}));
    EXPECT_NEAR(s.mean().item<double>(), 0.0, 1e-5);
    EXPECT_NEAR(s.std().item<double>(), 1.0, 1e-5); // unbiased, as torch's std()
}

TEST(Spectrogram, PureTonePeaksInItsBin)
{
    // 50 Hz per bin (16000 / 320): 1000 Hz is bin 20, 3150 Hz bin 63.
    for (const auto& [hz, bin] : std::vector<std::pair<double, int64_t>>{{1000, 20}, {3150, 63}}) {
        std::vector<float> y;
        for (int v : test::tone(hz, 16000))
            y.push_back(float(v) / 32768.0f);
        const at::Tensor s = gcommandsSpectrogram(y, 16000).select(0, 0);
        for (int64_t t : {1, 30, 50, 99})
            EXPECT_EQ(s.select(1, t).argmax().item<int64_t>(), bin) << hz << " Hz, frame " << t;
    }
}

TEST(Spectrogram, MatchesANaiveReferenceAndPadsShortClipsWithZeros)
{
    std::mt19937 rng(2);
    for (int length : {16000, 9600, 16500}) {
        std::vector<float> y(static_cast<size_t>(length));
        for (size_t i = 0; i < y.size(); ++i)
            y[i] = float(std::lround(8000 * std::sin(0.05 * double(i)) + int(rng() % 801) - 400)) / 32768.0f;
        const at::Tensor s = gcommandsSpectrogram(y, 16000).contiguous();
        const std::vector<double> ref = naiveSpectrogram(y);
        const float* got = s.data_ptr<float>();
        double worst = 0;
        for (size_t i = 0; i < ref.size(); ++i)
            worst = std::max(worst, std::abs(double(got[i]) - ref[i]));
        EXPECT_LT(worst, 2e-4) << length;
        if (length == 9600) { // 61 frames, then zero columns (the same value after the z-score)
            const at::Tensor pad = s.select(0, 0).narrow(1, 61, 40);
            EXPECT_TRUE(at::equal(pad, at::full_like(pad, pad[0][0].item<float>())));
            EXPECT_FALSE(at::equal(s.select(0, 0).select(1, 60), pad.select(1, 0)));
        }
    }
    // Silence: the std is 0 and the spectrogram is left as log(1 + 0) = 0.
    EXPECT_TRUE(at::equal(gcommandsSpectrogram(std::vector<float>(16000, 0.0f), 16000), at::zeros({1, 161, 101})));
}

TEST(GCommandsFolder, ListsSortedWordsAndDecodesOnDemand)
{
    test::TempDir tmp;
    test::writeTinyGCommands(tmp / "gc", {"yes", "no", "up"}, 3, 2);
    {
        std::ofstream f(tmp / "gc/train/no/README.txt"); // not a .wav: skipped, as in the original
        f << "notes";
    }
    const RawDataset raw = loadGCommandsDirectory(tmp / "gc");
    ASSERT_EQ(raw.train.size(), 9);
    ASSERT_TRUE(raw.val.has_value());
    EXPECT_EQ(raw.val->size(), 6);
    EXPECT_EQ(raw.test.size(), 6);
    ASSERT_TRUE(raw.train.isLazy());
    // Classes sorted: no = 0, up = 1, yes = 2.
    EXPECT_EQ(raw.train.labels[0].item<int64_t>(), 0);
    EXPECT_EQ(raw.train.labels[8].item<int64_t>(), 2);
    EXPECT_NE(raw.train.lazy->path(0).find("/no/1000_nohash_0.wav"), std::string::npos);
    const at::Tensor s = raw.train.lazy->load(8);
    EXPECT_EQ(s.sizes(), (std::vector<int64_t>{1, 161, 101}));
    EXPECT_EQ(s.select(0, 0).select(1, 50).argmax().item<int64_t>(), 8); // yes: word 0, 400 Hz

    const DatasetEntry* d = Catalog::instance().dataset("gcommands");
    ASSERT_NE(d, nullptr);
    EXPECT_EQ(d->classNames.size(), 30u);
    EXPECT_FALSE(d->valFromTrain);
}

TEST(GCommandsFolder, LayoutProblemsAreReported)
{
    test::TempDir tmp;
    test::writeTinyGCommands(tmp / "gc", {"yes", "no"}, 1, 1);
    fs::create_directories(tmp / "gc/test/maybe");
    const std::string extra = errorOf([&] { loadGCommandsDirectory(tmp / "gc"); });
    EXPECT_NE(extra.find("maybe"), std::string::npos) << extra;
    fs::remove_all(tmp / "gc/test/maybe");

    fs::rename(tmp / "gc/valid", tmp / "gc/validation");
    const std::string noValid = errorOf([&] { loadGCommandsDirectory(tmp / "gc"); });
    EXPECT_NE(noValid.find("valid/"), std::string::npos) << noValid;

    // A bad file is reported by name when it is decoded.
    fs::rename(tmp / "gc/validation", tmp / "gc/val");
    test::writeWav(tmp / "gc/train/yes/zz_stereo8k.wav", test::tone(300, 1600, 8000), 8000);
    const RawDataset raw = loadGCommandsDirectory(tmp / "gc");
    const std::string bad = errorOf([&] { raw.train.lazy->load(raw.train.size() - 1); });
    EXPECT_NE(bad.find("zz_stereo8k.wav"), std::string::npos) << bad;
}
