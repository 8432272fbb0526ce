#pragma once
#include <string>
#include <vector>

namespace parity {

/// A decoded WAV file: mono samples as floats in [-1, 1).
struct WavAudio {
    int sampleRate = 0;
    int channels = 0;      ///< of the file, before the down-mix
    int bitsPerSample = 0; ///< of the file
    std::vector<float> samples;
};

/// Reads a RIFF/WAVE file by walking its chunks ("fmt " and "data"; other
/// chunks such as LIST are skipped, odd-sized chunks padded), as librosa.load
/// (path, sr=None) sees it:
/// - 16-bit PCM: sample / 32768; 8-bit PCM (unsigned): (sample - 128) / 128.
///   Other sample formats (24/32-bit, float, compressed) are refused.
/// - Several channels are down-mixed to mono by averaging them (librosa's
///   mono=True).
/// - The sample rate is not converted: when `requiredRate` > 0 a file at
///   another rate (e.g. 8 kHz) is an error, since resampling would change
///   the spectrogram the original computes.
/// Throws parity::Error naming the file for a wrong header, a missing or
/// truncated chunk, an unsupported format or sample rate.
WavAudio readWav(const std::string& path, int requiredRate = 0);

} // namespace parity
