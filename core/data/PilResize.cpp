#include "data/PilResize.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

namespace parity {
namespace {

// Mirrors Pillow's src/libImaging/Resample.c (8 bits per channel path, BILINEAR filter).
// The double-precision arithmetic of the coefficient computation is kept in exactly the
// same order so that the fixed-point coefficients, and thus the results, are identical.

/// Fixed-point precision of the coefficients: 8 bits for the result, 2 for overflow.
constexpr int kPrecisionBits = 32 - 8 - 2;

double bilinearFilter(double x)
{
    if (x < 0.0)
        x = -x;
    if (x < 1.0)
        return 1.0 - x;
    return 0.0;
}

/// Per output pixel: the first input index and the number of taps, plus ksize
/// fixed-point weights (only the first `count` of each row are used).
struct ResampleCoeffs {
    int ksize = 0;
    std::vector<int> first;
    std::vector<int> count;
    std::vector<std::int32_t> weights;
};

ResampleCoeffs precomputeCoeffs(int inSize, int outSize)
{
    const float in0 = 0.0f;
    const float in1 = static_cast<float>(inSize);
    const double scale = static_cast<double>(in1 - in0) / outSize;
    const double filterScale = scale < 1.0 ? 1.0 : scale;
    const double support = 1.0 * filterScale; // BILINEAR support is 1.0
    const int ksize = static_cast<int>(std::ceil(support)) * 2 + 1;

    ResampleCoeffs coeffs;
    coeffs.ksize = ksize;
    coeffs.first.resize(outSize);
    coeffs.count.resize(outSize);
    coeffs.weights.assign(static_cast<std::size_t>(outSize) * ksize, 0);
    std::vector<double> k(ksize);
    for (int xx = 0; xx < outSize; ++xx) {
        const double center = in0 + (xx + 0.5) * scale;
        double ww = 0.0;
        const double ss = 1.0 / filterScale;
        int xmin = static_cast<int>(center - support + 0.5);
        if (xmin < 0)
            xmin = 0;
        int xmax = static_cast<int>(center + support + 0.5);
        if (xmax > inSize)
            xmax = inSize;
        xmax -= xmin;
        for (int x = 0; x < xmax; ++x) {
            const double w = bilinearFilter((x + xmin - center + 0.5) * ss);
            k[x] = w;
            ww += w;
        }
        for (int x = 0; x < xmax; ++x) {
            if (ww != 0.0)
                k[x] /= ww;
        }
        std::int32_t* out = &coeffs.weights[static_cast<std::size_t>(xx) * ksize];
        for (int x = 0; x < xmax; ++x) { // normalize_coeffs_8bpc
            if (k[x] < 0)
                out[x] = static_cast<int>(-0.5 + k[x] * (1 << kPrecisionBits));
            else
                out[x] = static_cast<int>(0.5 + k[x] * (1 << kPrecisionBits));
        }
        coeffs.first[xx] = xmin;
        coeffs.count[xx] = std::max(xmax, 0);
    }
    return coeffs;
}

constexpr std::int32_t kHalf = 1 << (kPrecisionBits - 1);

// The planes (images x channels) are processed in blocks of kLanes, stored "lane-major":
// pixel i of lane p at [i * kLanes + p]. Both passes then become sums of whole vectors of
// kLanes bytes times a scalar weight, which the compiler vectorises; the integer sums are
// exactly Pillow's, only computed for many planes at once.
constexpr int kLanes = 32;

#if defined(__GNUC__) && defined(__x86_64__) && defined(__linux__) && !defined(PARITY_NO_TARGET_CLONES)
#define PARITY_SIMD_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define PARITY_SIMD_CLONES
#endif

/// One resampling pass over lane-major data: for each output index o and each of `inner`
/// columns j, dst[o * dstStride + j * kLanes + p] = clip8(sum over taps t of
/// weight(o, t) * src[(first(o) + t - offset) * srcStride + j * kLanes + p]).
PARITY_SIMD_CLONES
void resamplePassLanes(const std::uint8_t* src, std::ptrdiff_t srcStride, int offset, const ResampleCoeffs& c,
                       int numOut, int inner, std::uint8_t* dst, std::ptrdiff_t dstStride)
{
    for (int o = 0; o < numOut; ++o) {
        const std::int32_t* k = &c.weights[static_cast<std::size_t>(o) * c.ksize];
        const int n = c.count[o];
        const std::uint8_t* base = src + static_cast<std::ptrdiff_t>(c.first[o] - offset) * srcStride;
        std::uint8_t* out = dst + static_cast<std::ptrdiff_t>(o) * dstStride;
        for (int j = 0; j < inner; ++j) {
            std::int32_t acc[kLanes];
            for (int p = 0; p < kLanes; ++p)
                acc[p] = kHalf;
            for (int t = 0; t < n; ++t) {
                const std::uint8_t* in = base + t * srcStride + j * kLanes;
                const std::int32_t w = k[t];
                for (int p = 0; p < kLanes; ++p)
                    acc[p] += static_cast<std::int32_t>(in[p]) * w;
            }
            std::uint8_t* o8 = out + j * kLanes;
            for (int p = 0; p < kLanes; ++p) { // Pillow's clip8
                const std::int32_t v = acc[p] >> kPrecisionBits;
                o8[p] = static_cast<std::uint8_t>(v < 0 ? 0 : (v > 255 ? 255 : v));
            }
        }
    }
}

/// Transposes a 16x16 byte tile: dst row r, column c = src row c, column r.
inline void transpose16x16(const std::uint8_t* src, std::ptrdiff_t srcStride, std::uint8_t* dst,
                           std::ptrdiff_t dstStride)
{
#ifdef __SSE2__
    __m128i a[16], b[16];
    for (int r = 0; r < 16; ++r)
        a[r] = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + r * srcStride));
    for (int r = 0; r < 8; ++r) {
        b[2 * r] = _mm_unpacklo_epi8(a[2 * r], a[2 * r + 1]);
        b[2 * r + 1] = _mm_unpackhi_epi8(a[2 * r], a[2 * r + 1]);
    }
    for (int q = 0; q < 4; ++q) {
        for (int h = 0; h < 2; ++h) {
            a[4 * q + h] = _mm_unpacklo_epi16(b[4 * q + h], b[4 * q + h + 2]);
            a[4 * q + h + 2] = _mm_unpackhi_epi16(b[4 * q + h], b[4 * q + h + 2]);
        }
    }
    for (int q = 0; q < 2; ++q) {
        for (int h = 0; h < 4; ++h) {
            b[8 * q + h] = _mm_unpacklo_epi32(a[8 * q + h], a[8 * q + h + 4]);
            b[8 * q + h + 4] = _mm_unpackhi_epi32(a[8 * q + h], a[8 * q + h + 4]);
        }
    }
    for (int h = 0; h < 8; ++h) {
        a[h] = _mm_unpacklo_epi64(b[h], b[h + 8]);
        a[h + 8] = _mm_unpackhi_epi64(b[h], b[h + 8]);
    }
    // a[k] now holds source column perm(k); undo the interleaving order of the stages.
    static constexpr int kOrder[16] = {0, 8, 4, 12, 2, 10, 6, 14, 1, 9, 5, 13, 3, 11, 7, 15};
    for (int k = 0; k < 16; ++k)
        _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + kOrder[k] * dstStride), a[k]);
#else
    for (int r = 0; r < 16; ++r)
        for (int c = 0; c < 16; ++c)
            dst[c * dstStride + r] = src[r * srcStride + c];
#endif
}

/// Gathers `lanes` planes of `size` bytes each (plane p at in + p * size) into lane-major
/// order; lanes beyond `lanes` are zero.
void toLaneMajor(const std::uint8_t* in, std::int64_t size, int lanes, std::uint8_t* out)
{
    std::int64_t done = 0;
    if (lanes == kLanes) {
        for (; done + 16 <= size; done += 16)
            for (int p = 0; p < kLanes; p += 16)
                transpose16x16(in + p * size + done, size, out + done * kLanes + p, kLanes);
    } else {
        std::memset(out, 0, static_cast<std::size_t>(size) * kLanes);
    }
    for (int p = 0; p < lanes; ++p) {
        const std::uint8_t* src = in + p * size;
        for (std::int64_t i = done; i < size; ++i)
            out[i * kLanes + p] = src[i];
    }
}

/// Inverse of toLaneMajor for the first `lanes` lanes.
void fromLaneMajor(const std::uint8_t* in, std::int64_t size, int lanes, std::uint8_t* out)
{
    std::int64_t done = 0;
    if (lanes == kLanes) {
        for (; done + 16 <= size; done += 16)
            for (int p = 0; p < kLanes; p += 16)
                transpose16x16(in + done * kLanes + p, kLanes, out + p * size + done, size);
    }
    for (int p = 0; p < lanes; ++p) {
        std::uint8_t* dst = out + p * size;
        for (std::int64_t i = done; i < size; ++i)
            dst[i] = in[i * kLanes + p];
    }
}

} // namespace

at::Tensor resizeBilinearLikePil(const at::Tensor& images, int outH, int outW)
{
    if (images.dim() != 4 || images.scalar_type() != at::kByte)
        throw std::invalid_argument("resizeBilinearLikePil: expected a uint8 tensor (N, C, H, W), got "
                                    + std::string(images.dtype().name()) + " with " + std::to_string(images.dim())
                                    + " dims");
    if (outH < 1 || outW < 1)
        throw std::invalid_argument("resizeBilinearLikePil: output size " + std::to_string(outH) + "x"
                                    + std::to_string(outW) + " is not positive");
    const std::int64_t inH64 = images.size(2);
    const std::int64_t inW64 = images.size(3);
    if (inH64 < 1 || inW64 < 1 || inH64 > INT32_MAX / 4 || inW64 > INT32_MAX / 4)
        throw std::invalid_argument("resizeBilinearLikePil: invalid input size " + std::to_string(inH64) + "x"
                                    + std::to_string(inW64));
    const int inH = static_cast<int>(inH64);
    const int inW = static_cast<int>(inW64);

    const at::Tensor input = images.contiguous();
    const std::int64_t planes = images.size(0) * images.size(1);
    at::Tensor output = at::empty({images.size(0), images.size(1), outH, outW}, at::kByte);
    if (planes == 0)
        return output;
    const bool needHorizontal = outW != inW;
    const bool needVertical = outH != inH;
    if (!needHorizontal && !needVertical) {
        output.copy_(input);
        return output;
    }

    const ResampleCoeffs vertical = precomputeCoeffs(inH, outH);
    const ResampleCoeffs horizontal = needHorizontal ? precomputeCoeffs(inW, outW) : ResampleCoeffs{};
    // Input rows the vertical pass reads: the horizontal pass only needs these.
    const int rowBegin = vertical.first[0];
    const int rowEnd = vertical.first[outH - 1] + vertical.count[outH - 1];

    const std::uint8_t* in = input.data_ptr<std::uint8_t>();
    std::uint8_t* out = output.data_ptr<std::uint8_t>();
    const std::int64_t inPlane = static_cast<std::int64_t>(inH) * inW;
    const std::int64_t outPlane = static_cast<std::int64_t>(outH) * outW;
    const std::int64_t blocks = (planes + kLanes - 1) / kLanes;
    const std::int64_t blockWork = (inPlane + outPlane) * kLanes;
    const std::int64_t grain = std::max<std::int64_t>(1, (1 << 20) / std::max<std::int64_t>(blockWork, 1));

    at::parallel_for(0, blocks, grain, [&](std::int64_t begin, std::int64_t end) {
        const int tempRows = rowEnd - rowBegin;
        std::vector<std::uint8_t> laneIn(static_cast<std::size_t>(inPlane) * kLanes);
        std::vector<std::uint8_t> laneTemp(
            needHorizontal && needVertical ? static_cast<std::size_t>(tempRows) * outW * kLanes : 0);
        std::vector<std::uint8_t> laneOut(static_cast<std::size_t>(outPlane) * kLanes);
        for (std::int64_t b = begin; b < end; ++b) {
            const std::int64_t first = b * kLanes;
            const int lanes = static_cast<int>(std::min<std::int64_t>(kLanes, planes - first));
            toLaneMajor(in + first * inPlane, inPlane, lanes, laneIn.data());
            if (needHorizontal) {
                // Horizontal pass, one row at a time (only the rows the vertical pass reads).
                std::uint8_t* target = needVertical ? laneTemp.data() : laneOut.data();
                const int y0 = needVertical ? rowBegin : 0;
                const int y1 = needVertical ? rowEnd : inH;
                for (int y = y0; y < y1; ++y)
                    resamplePassLanes(laneIn.data() + static_cast<std::ptrdiff_t>(y) * inW * kLanes, kLanes, 0,
                                      horizontal, outW, 1, target + static_cast<std::ptrdiff_t>(y - y0) * outW * kLanes,
                                      kLanes);
            }
            if (needVertical) {
                const std::uint8_t* source = needHorizontal ? laneTemp.data() : laneIn.data();
                const int offset = needHorizontal ? rowBegin : 0;
                const std::ptrdiff_t rowStride = static_cast<std::ptrdiff_t>(outW) * kLanes;
                resamplePassLanes(source, rowStride, offset, vertical, outH, outW, laneOut.data(), rowStride);
            }
            fromLaneMajor(laneOut.data(), outPlane, lanes, out + first * outPlane);
        }
    });
    return output;
}

} // namespace parity
