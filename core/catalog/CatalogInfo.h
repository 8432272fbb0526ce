#pragma once
// A LibTorch-free view of the catalogue for user interfaces: what can be
// chosen, and a quick check of a data directory. (Catalog.h itself carries
// tensor types; widgets must not compile LibTorch headers.)
#include <cstdint>
#include <string>
#include <vector>

namespace parity {

struct DatasetInfo {
    std::string name;
    int64_t numClasses = 0;
    std::string shape; ///< "1x28x28"
    std::vector<std::string> classNames;
    std::string defaultDataDir; ///< "" when there is no standard location
    bool available = true;      ///< false: the original has it, this build not yet
};

struct ComponentInfo {
    std::string name; ///< canonical (dotted class name for coders and losses)
    std::vector<std::string> aliases;
    bool learnable = false;          ///< coders with parameters (MLPEncoder, ...)
    bool needsTrainedCoders = false; ///< losses allowed only with a trained encoder and decoder
};

struct CatalogInfo {
    std::vector<DatasetInfo> datasets;
    std::vector<ComponentInfo> models;
    std::vector<ComponentInfo> encoders;
    std::vector<ComponentInfo> decoders;
    std::vector<ComponentInfo> losses;
    bool cudaAvailable = false;

    const DatasetInfo* dataset(const std::string& name) const;
};

/// The catalogue as it stands in this build (computed once).
const CatalogInfo& catalogInfo();

/// What a data directory holds for a dataset, found by reading it.
struct DataProbe {
    std::string dir; ///< the directory looked at (the default when none given)
    bool readable = false;
    std::string problem; ///< why not, naming the file, when !readable
    int64_t trainCount = 0;
    int64_t valCount = 0; ///< only for sets shipped with their own val split
    int64_t testCount = 0;
};

/// Reads the dataset from `dir` ("" = its default location) and counts the
/// samples; never throws.
DataProbe probeData(const std::string& dataset, const std::string& dir);

/// How many validation samples a run draws from `usable` training samples
/// with `valSize` asked for (docs/DIFFERENCES.md row 15): valSize rounded up
/// to a multiple of k; when the split holds fewer than 2 x valSize, a tenth
/// of it (at least k), rounded up the same way. 0 when valSize is 0. The
/// caller refuses a result that leaves nothing to train on (>= usable).
int64_t validationSamples(int64_t usable, int64_t valSize, int k);

} // namespace parity
