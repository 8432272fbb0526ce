#pragma once
#include <ATen/ATen.h>

#include <vector>

namespace parity {

/// The GCommands spectrogram of docs/BEHAVIOUR.md §4, as the original's loader computes it
/// with librosa (stft with center=True and reflect padding, librosa < 0.10's
/// default) and torch:
///   n_fft = win = int(0.02 * sr) (320 at 16 kHz), hop = int(0.01 * sr) (160);
///   window: periodic Hamming w[n] = 0.54 - 0.46 cos(2 pi n / n_fft);
///   the signal reflect-padded by n_fft / 2 on both sides, frame t covering
///   padded samples [t * hop, t * hop + n_fft): 1 + len / hop frames;
///   S[f, t] = |sum_n w[n] x_t[n] e^{-2 pi i f n / n_fft}|, f = 0 .. n_fft / 2
///   (computed in double, rounded to complex64 before the magnitude);
///   log(1 + S) in float32; zero columns appended (before the normalisation)
///   or columns cut to `maxFrames`; then z-scored with the mean and the
///   unbiased standard deviation of the whole spectrogram (left as is when
///   that is 0).
/// Returns float (1, n_fft / 2 + 1, maxFrames): 1 x 161 x 101 at 16 kHz.
/// `samples` must not be empty.
at::Tensor gcommandsSpectrogram(const std::vector<float>& samples, int sampleRate, int maxFrames = 101);

} // namespace parity
