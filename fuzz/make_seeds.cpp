// Writes tiny valid inputs for every fuzz target into <out>/<target>/ (the
// seed corpora fuzz/run.sh starts from). Usage: fuzz_make_seeds <out> <repo>
#include "config/RunConfig.h"
#include "io/Checkpoint.h"
#include "io/StateDict.h"
#include "support/TinyAudio.h"
#include "support/TinyImages.h"

#include <torch/torch.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>
#include <random>

namespace fs = std::filesystem;

namespace {

void writeBytes(const fs::path& path, const std::string& bytes) { std::ofstream(path, std::ios::binary) << bytes; }

std::string be32(std::uint32_t v) { return {char(v >> 24), char(v >> 16), char(v >> 8), char(v)}; }

std::string gzipped(const std::string& raw)
{
    uLongf n = compressBound(raw.size()) + 32;
    std::string out(n, '\0');
    z_stream z{};
    deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(raw.data()));
    z.avail_in = uInt(raw.size());
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = uInt(out.size());
    deflate(&z, Z_FINISH);
    out.resize(z.total_out);
    deflateEnd(&z);
    return out;
}

} // namespace

int main(int argc, char** argv)
{
    if (argc != 3) {
        std::fprintf(stderr, "usage: %s <out-dir> <repo-root>\n", argv[0]);
        return 2;
    }
    const fs::path out = argv[1];
    const fs::path repo = argv[2];
    for (const char* t :
         {"fuzz_idx", "fuzz_cifar", "fuzz_wav", "fuzz_image", "fuzz_config", "fuzz_state_dict", "fuzz_checkpoint"})
        fs::create_directories(out / t);
    std::mt19937 rng(5);

    // IDX: 3 images of 4x5 and 3 labels, raw and gzip.
    std::string images = be32(0x803) + be32(3) + be32(4) + be32(5);
    for (int i = 0; i < 60; ++i)
        images += char(rng());
    const std::string labels = be32(0x801) + be32(3) + std::string("\x01\x07\x03", 3);
    writeBytes(out / "fuzz_idx/images.idx", images);
    writeBytes(out / "fuzz_idx/labels.idx", labels);
    writeBytes(out / "fuzz_idx/images.idx.gz", gzipped(images));
    writeBytes(out / "fuzz_idx/labels.idx.gz", gzipped(labels));

    // CIFAR: first byte 0 (CIFAR-10) / 1 (CIFAR-100), then two records.
    for (int variant = 0; variant < 2; ++variant) {
        std::string bytes(1, char(variant));
        for (int r = 0; r < 2; ++r) {
            if (variant)
                bytes += char(rng() % 20);
            bytes += char(rng() % (variant ? 100 : 10));
            for (int p = 0; p < 3072; ++p)
                bytes += char(rng());
        }
        writeBytes(out / "fuzz_cifar" / (variant ? "cifar100.bin" : "cifar10.bin"), bytes);
    }

    // WAV: mono 16-bit, stereo 8-bit, one with a LIST chunk.
    parity::test::writeWav((out / "fuzz_wav/mono16.wav").string(), parity::test::tone(440, 64), 16000);
    parity::test::writeWav((out / "fuzz_wav/stereo8.wav").string(), parity::test::tone(300, 64, 8000, 100), 8000, 2, 8);
    parity::test::writeWav((out / "fuzz_wav/list.wav").string(), parity::test::tone(440, 33), 16000, 1, 16, true);

    // Images: small RGB and grey PNG, RGBA PNG, a JPEG.
    std::vector<uint8_t> rgb(6 * 5 * 3), grey(6 * 5), rgba(6 * 5 * 4);
    for (auto* v : {&rgb, &grey, &rgba})
        for (auto& b : *v)
            b = uint8_t(rng());
    parity::test::writePng((out / "fuzz_image/rgb.png").string(), rgb, 6, 5);
    parity::test::writePng((out / "fuzz_image/grey.png").string(), grey, 6, 5, 1);
    parity::test::writePng((out / "fuzz_image/rgba.png").string(), rgba, 6, 5, 4);
    parity::test::writeJpeg((out / "fuzz_image/rgb.jpg").string(), rgb, 6, 5);

    // Config: the shipped configuration files.
    for (const auto& e : fs::directory_iterator(repo / "config"))
        if (e.path().extension() == ".json")
            fs::copy_file(e.path(), out / "fuzz_config" / e.path().filename(), fs::copy_options::overwrite_existing);

    // state_dict: the fixtures of the state_dict tests plus one written here.
    for (const auto& e : fs::directory_iterator(repo / "tests/data/state_dict"))
        if (e.path().extension() == ".pt")
            fs::copy_file(e.path(), out / "fuzz_state_dict" / e.path().filename(),
                          fs::copy_options::overwrite_existing);
    const parity::StateDict small = {{"w", torch::arange(6, torch::kFloat32).reshape({2, 3})},
                                     {"b", torch::tensor({1.5, -2.0}, torch::kFloat64)},
                                     {"n", torch::tensor(int64_t(3))}};
    parity::writeStateDict((out / "fuzz_state_dict/small.pt").string(), small);

    // Checkpoint: a tiny one with two entries.
    parity::Checkpoint c;
    c.epoch = 2;
    c.bestValAcc = 0.5;
    c.tensors["parity_model"] = {{"nn.0.weight", torch::ones({2, 2})}, {"nn.0.bias", torch::zeros({2})}};
    c.tensors["opt"] = {{"step", torch::tensor(int64_t(4))}};
    c.save((out / "fuzz_checkpoint/small.pth").string());
    return 0;
}
