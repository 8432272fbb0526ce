#pragma once
#include "data/RawDataset.h"
#include "data/SampleSource.h"

#include <string>
#include <vector>

namespace parity {

/// The image files of one cat_v_dog split, decoded on demand (JPEG / PNG,
/// decodeImageFile) with the transforms of docs/BEHAVIOUR.md §4:
/// - base transform (load): Resize(256) on the shorter side (PIL bilinear),
///   CenterCrop(224) -> uint8 (3, 224, 224); ImageNet normalisation is the
///   dataset's toInput.
/// - training code transform (loadForCode with a generator):
///   RandomResizedCrop(224) + RandomHorizontalFlip on the decoded image.
/// - val / test code transform (loadForCode without one): the decoded image
///   as it is. As in the original, only the encoder's own resize follows
///   (PreparedSet resizes to the encoder's input: Resize((224, 112)) for
///   concatenation, (224, 224) for addition, where the original would fail
///   to batch images of other sizes); no Resize(256) + CenterCrop(224).
class ImageFolderSource : public SampleSource {
public:
    explicit ImageFolderSource(std::vector<std::string> files);

    int64_t size() const override { return int64_t(m_files.size()); }
    at::Tensor load(int64_t i) const override;
    at::Tensor loadForCode(int64_t i, std::mt19937_64* rng) const override;
    std::string path(int64_t i) const override { return m_files[size_t(i)]; }

    static constexpr int kResize = 256;
    static constexpr int kCrop = 224;

private:
    std::vector<std::string> m_files;
};

/// torchvision's IMG_EXTENSIONS test (.jpg .jpeg .png .ppm .bmp .pgm .tif
/// .tiff .webp, any case): ImageFolder skips every other file, and so does
/// this loader; a file with one of these extensions that is not a JPEG or
/// PNG is an error naming it when it is decoded (during preparation).
bool hasImageExtension(const std::string& path);

/// Loads `dir` with sub-folders train/, val/ and test/, each with one
/// sub-folder per class (sorted names of train/'s folders, at most
/// `numClasses`). Only the file list is read here.
RawDataset loadImageFolderSplits(const std::string& dir, int numClasses);

} // namespace parity
