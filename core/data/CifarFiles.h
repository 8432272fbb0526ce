#pragma once
#include "data/RawDataset.h"

#include <string>
#include <vector>

namespace parity {

/// Reads CIFAR binary batch files: fixed-size records of `labelBytes` label
/// bytes (CIFAR-10: 1; CIFAR-100: 2, coarse then fine) followed by 3072
/// pixel bytes (1024 red, 1024 green, 1024 blue, rows top to bottom). The
/// last label byte is the label (the fine one for CIFAR-100). Throws
/// parity::Error naming the file when it is missing, empty, not a whole
/// number of records (truncated) or holds a label outside [0, numClasses).
ImageSet readCifarBatches(const std::vector<std::string>& files, int labelBytes, int numClasses);

/// Loads CIFAR-10 (numClasses 10: data_batch_1..5.bin, test_batch.bin) or
/// CIFAR-100 (numClasses 100: train.bin, test.bin) from `dir`, or from the
/// folder the official archive unpacks to inside it (cifar-10-batches-bin/,
/// cifar-100-binary/). The Python pickle versions are not read: a clear
/// error says to use the binary version.
RawDataset loadCifarDirectory(const std::string& dir, int numClasses);

/// "" when `dir` (or its archive folder) holds the test file of CIFAR-10 /
/// CIFAR-100, else what is missing; reads nothing.
std::string missingCifarFiles(const std::string& dir, int numClasses);

/// The class names in label order.
const std::vector<std::string>& cifar10ClassNames();
const std::vector<std::string>& cifar100ClassNames(); ///< the 100 fine labels

} // namespace parity
