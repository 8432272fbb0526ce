#pragma once
#include "data/ImageShape.h"

#include <torch/nn/module.h>

#include <ATen/ATen.h>

namespace parity {

/// E: makes r parity queries from k queries.
/// Input (B, k, D) where D is the flattened code input (C x H x W, after the
/// encoder's own code transform); output (B, outputs(), C*H*W): parity images
/// shaped like the base model's input.
class Encoder : public torch::nn::Module {
public:
    Encoder(int k, int r, ImageShape image)
        : m_k(k)
        , m_r(r)
        , m_image(image)
    {
    }

    virtual at::Tensor forward(const at::Tensor& groups) = 0;

    /// The shape each query has when it reaches the encoder. Encoders that
    /// tile images ask for smaller pieces (the resize of the code transform).
    virtual ImageShape codeInputShape() const { return m_image; }

    /// Coded queries per group: r (a code that codes every query, Berrut: k + r).
    virtual int outputs() const { return m_r; }

    int k() const { return m_k; }
    int r() const { return m_r; }
    const ImageShape& image() const { return m_image; }

protected:
    int m_k;
    int m_r;
    ImageShape m_image;
};

} // namespace parity
