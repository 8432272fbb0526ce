#pragma once
#include "data/RawDataset.h"
#include "data/SampleSource.h"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace parity {

/// CUB-200-2011 images decoded on demand: JPEG / PNG -> Resize((224, 224))
/// (PIL bilinear, aspect ratio not kept) -> uint8 (3, 224, 224); ImageNet
/// normalisation is the dataset's toInput. No random code transform.
class CubImageSource : public SampleSource {
public:
    explicit CubImageSource(std::vector<std::string> files);

    int64_t size() const override { return int64_t(m_files.size()); }
    at::Tensor load(int64_t i) const override;
    std::string path(int64_t i) const override { return m_files[size_t(i)]; }

    static constexpr int kSize = 224;

private:
    std::vector<std::string> m_files;
};

/// Width and height of a JPEG or PNG file from its header, without decoding.
/// Throws parity::Error naming the file.
std::pair<int, int> imageFileSize(const std::string& path);

/// The fraction of each class that goes to the test split, and the seed
/// that draws it: the original's (box_util.py split: random.seed(32)), so
/// every run sees the same test images as the original.
constexpr double kCubTestFraction = 0.2;
constexpr std::uint64_t kCubSplitSeed = 32;

/// Reads CUB-200-2011 as distributed (docs/BEHAVIOUR.md §4, object localization):
/// `images.txt` (`id relative/path.jpg`), `bounding_boxes.txt` (`id x y w h`,
/// pixels) and `images/`. The class of an image is its path's first folder
/// (classes in sorted order are the labels). Test = ceil(20%) of each
/// class, drawn as the original draws them (PythonRandom seeded with
/// kCubSplitSeed, random.sample per class in the order classes first appear
/// in images.txt), in that order; the rest trains, in images.txt order. Each split carries the
/// true boxes clipped and normalised (normaliseBox, with the image size read
/// from the file's header) and the image ids. With `baseBoxesFile` (the same
/// `id x y w h` format: a base model's predicted boxes), each split also
/// carries those boxes, normalised the same way, as its base outputs.
/// Only file headers are read here; images are decoded on demand.
RawDataset loadCubDirectory(const std::string& dir, const std::string& baseBoxesFile = "");

/// "" when `dir` holds images.txt, bounding_boxes.txt and images/, else what is missing.
std::string missingCubFiles(const std::string& dir);

} // namespace parity
