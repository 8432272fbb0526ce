#include "data/WavReader.h"

#include "util/Error.h"

#include <cstdint>
#include <cstring>
#include <fstream>
#include <iterator>

namespace parity {

namespace {

uint32_t le32(const unsigned char* p)
{
    return uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24;
}
uint16_t le16(const unsigned char* p) { return uint16_t(p[0] | p[1] << 8); }

constexpr uint16_t kFormatPcm = 1;
constexpr uint16_t kFormatExtensible = 0xFFFE;

} // namespace

WavAudio readWav(const std::string& path, int requiredRate)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw Error(path + ": cannot open the WAV file");
    const std::vector<unsigned char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const size_t size = bytes.size();
    if (size < 12 || std::memcmp(bytes.data(), "RIFF", 4) != 0 || std::memcmp(bytes.data() + 8, "WAVE", 4) != 0)
        throw Error(path + ": not a WAV file (no RIFF/WAVE header)");

    const unsigned char* fmt = nullptr;
    size_t fmtSize = 0;
    const unsigned char* data = nullptr;
    size_t dataSize = 0;
    size_t pos = 12;
    while (pos + 8 <= size) {
        const unsigned char* chunk = bytes.data() + pos;
        const size_t chunkSize = le32(chunk + 4);
        const size_t body = pos + 8;
        if (std::memcmp(chunk, "fmt ", 4) == 0) {
            if (chunkSize < 16 || body + chunkSize > size)
                throw Error(path + ": truncated or malformed WAV 'fmt ' chunk");
            fmt = bytes.data() + body;
            fmtSize = chunkSize;
        } else if (std::memcmp(chunk, "data", 4) == 0) {
            if (body + chunkSize > size)
                throw Error(path + ": truncated WAV file: the data chunk declares " + std::to_string(chunkSize)
                            + " bytes, " + std::to_string(size - body) + " are there");
            data = bytes.data() + body;
            dataSize = chunkSize;
            break;
        }
        pos = body + chunkSize + (chunkSize & 1); // chunks are padded to even sizes
    }
    if (!fmt)
        throw Error(path + ": WAV file without a 'fmt ' chunk before its data");
    if (!data)
        throw Error(path + ": WAV file without a 'data' chunk");

    WavAudio audio;
    uint16_t format = le16(fmt);
    audio.channels = le16(fmt + 2);
    audio.sampleRate = int(le32(fmt + 4));
    const uint16_t blockAlign = le16(fmt + 12);
    audio.bitsPerSample = le16(fmt + 14);
    if (format == kFormatExtensible && fmtSize >= 26)
        format = le16(fmt + 24); // the sub-format GUID starts with the format tag
    if (format != kFormatPcm)
        throw Error(path + ": WAV format " + std::to_string(format) + " is not supported (only integer PCM)");
    if (audio.bitsPerSample != 8 && audio.bitsPerSample != 16)
        throw Error(path + ": " + std::to_string(audio.bitsPerSample)
                    + "-bit WAV samples are not supported (8- or 16-bit PCM)");
    if (audio.channels < 1 || blockAlign != audio.channels * audio.bitsPerSample / 8)
        throw Error(path + ": inconsistent WAV header (" + std::to_string(audio.channels) + " channels, block "
                    + std::to_string(blockAlign) + " bytes)");
    if (requiredRate > 0 && audio.sampleRate != requiredRate)
        throw Error(path + ": sampled at " + std::to_string(audio.sampleRate) + " Hz, expected "
                    + std::to_string(requiredRate) + " Hz (the files are not resampled)");

    const size_t frames = dataSize / blockAlign;
    audio.samples.resize(frames);
    const int channels = audio.channels;
    for (size_t f = 0; f < frames; ++f) {
        const unsigned char* frame = data + f * blockAlign;
        float sum = 0;
        for (int c = 0; c < channels; ++c) {
            const float v = audio.bitsPerSample == 16 ? float(int16_t(le16(frame + 2 * c))) / 32768.0f
                                                      : (float(frame[c]) - 128.0f) / 128.0f;
            sum = c == 0 ? v : sum + v;
        }
        audio.samples[f] = channels == 1 ? sum : sum / float(channels);
    }
    return audio;
}

} // namespace parity
