#pragma once
#include "data/RawDataset.h"

#include <ATen/ATen.h>

#include <string>

namespace parity {

/// Both halves of an MNIST-family dataset as stored on disk.
struct MnistFiles {
    ImageSet train;
    ImageSet test;
};

/// Loads train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte and
/// t10k-labels-idx1-ubyte (each raw or with .gz; raw preferred when both exist) from `dir`,
/// or from `dir/raw` (torchvision's layout). Throws parity::Error: naming both files on an
/// image/label count mismatch; listing the names and places it looked in for a missing
/// file; naming the file for labels outside [0, numClasses) or images that are not 28x28.
/// Loads the train and test halves on two threads.
MnistFiles loadMnistDirectory(const std::string& dir, int numClasses = 10);

} // namespace parity
