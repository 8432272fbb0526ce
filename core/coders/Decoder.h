#pragma once
#include <torch/nn/module.h>

#include <ATen/ATen.h>

#include <algorithm>
#include <vector>

namespace parity {

/// D: rebuilds an unavailable prediction from the available ones and the
/// parity model's outputs.
class Decoder : public torch::nn::Module {
public:
    Decoder(int k, int r, int64_t numClasses)
        : m_k(k)
        , m_r(r)
        , m_numClasses(numClasses)
    {
    }

    /// The original's interface: `in` is (N, k + r, C) — the k base outputs
    /// followed by the r parity outputs, the erased entry already zeroed.
    /// Returns (N, k, C); entry e is the reconstruction of position e.
    virtual at::Tensor forward(const at::Tensor& in) = 0;

    /// What the parity model must output for exact recovery when the decoder
    /// is fixed: (B, k, C) base outputs -> (B, C). Default: their sum.
    virtual at::Tensor combine(const at::Tensor& baseOutputs) const { return baseOutputs.sum(1); }

    /// Reconstructions for every single-erasure scenario at once:
    /// base (B, k, C), parity (B, r, C) -> (B, k, C) where [b, e] is the
    /// rebuilt output of position e when e is the one erased (docs/BEHAVIOUR.md §3.5).
    /// The default builds the k erased copies of the decoder input, runs
    /// forward() and picks entry e of scenario e; closed-form decoders
    /// override it.
    virtual at::Tensor reconstructAll(const at::Tensor& base, const at::Tensor& parity);

    /// What the r parity models must output for exact recovery: (B, k, C)
    /// base outputs -> (B, r, C). Default: combine() as the only parity.
    virtual at::Tensor combineAll(const at::Tensor& baseOutputs) const { return combine(baseOutputs).unsqueeze(1); }

    // Erasures beyond one (docs/CODES.md). A code has `units()` outputs that
    // can be missing: the k data positions (ParM), or the N coded workers of a
    // code that sends every query through the base model coded (Berrut).

    /// Outputs of a group that can be missing.
    virtual int units() const { return m_k; }
    /// The numbers of missing units the code is scored with: ParM 1..min(r, k).
    virtual int minErased() const { return 1; }
    virtual int maxErased() const { return std::min(m_r, m_k); }
    /// True when every position is decoded (Berrut: all k predictions are
    /// approximate), false when only the missing positions are (ParM).
    virtual bool decodesEveryPosition() const { return false; }

    /// The reconstruction with the units `missing` (sorted) unavailable:
    /// base (B, k, C), parity (B, outputs, C) -> (B, m, C), m = |missing|
    /// (their positions in order) or k (decodesEveryPosition). The default
    /// zeroes the missing entries of the decoder input, runs forward() and
    /// picks the missing positions.
    virtual at::Tensor reconstruct(const at::Tensor& base, const at::Tensor& parity, const std::vector<int>& missing);

    int k() const { return m_k; }
    int r() const { return m_r; }

protected:
    int m_k;
    int m_r;
    int64_t m_numClasses;
};

} // namespace parity
