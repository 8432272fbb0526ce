#include "data/Spectrogram.h"

#include "util/Error.h"

#include <cmath>

namespace parity {

namespace {

// numpy's pad(mode='reflect') for any pad width: mirror about the end
// samples (the end samples themselves are not repeated), repeatedly.
int64_t reflectIndex(int64_t i, int64_t n)
{
    if (n == 1)
        return 0;
    const int64_t period = 2 * (n - 1);
    i %= period;
    if (i < 0)
        i += period;
    return i < n ? i : period - i;
}

} // namespace

at::Tensor gcommandsSpectrogram(const std::vector<float>& samples, int sampleRate, int maxFrames)
{
    if (samples.empty())
        throw Error("gcommandsSpectrogram: no samples");
    const int64_t nFft = int64_t(double(sampleRate) * 0.02);
    const int64_t hop = int64_t(double(sampleRate) * 0.01);
    const int64_t bins = nFft / 2 + 1;
    const int64_t n = int64_t(samples.size());
    const int64_t frames = 1 + n / hop; // librosa, center=True: 1 + (n + 2 * (nFft / 2) - nFft) / hop
    const int64_t half = nFft / 2;

    // scipy.signal.get_window('hamming', nFft) (fftbins=True: periodic).
    std::vector<double> window(static_cast<size_t>(nFft));
    for (int64_t i = 0; i < nFft; ++i)
        window[size_t(i)] = 0.54 - 0.46 * std::cos(2.0 * M_PI * double(i) / double(nFft));

    const int64_t used = std::min<int64_t>(frames, maxFrames);
    at::Tensor windowed = at::empty({used, nFft}, at::kDouble);
    double* w = windowed.data_ptr<double>();
    for (int64_t t = 0; t < used; ++t)
        for (int64_t i = 0; i < nFft; ++i)
            w[t * nFft + i] = window[size_t(i)] * double(samples[size_t(reflectIndex(t * hop + i - half, n))]);
    const at::Tensor spectrum = at::fft_rfft(windowed, nFft, 1);              // (used, bins) complex128
    const at::Tensor magnitude = at::abs(spectrum.to(at::kComplexFloat)).t(); // (bins, used) float32
    at::Tensor spect = at::zeros({1, bins, maxFrames}, at::kFloat);
    spect.select(0, 0).narrow(1, 0, used).copy_(at::log1p(magnitude));

    const at::Tensor mean = spect.mean();
    const at::Tensor std = spect.std();
    if (std.item<float>() != 0.0f) {
        spect.sub_(mean);
        spect.div_(std);
    }
    return spect;
}

} // namespace parity
