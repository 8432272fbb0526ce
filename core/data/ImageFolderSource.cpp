#include "data/ImageFolderSource.h"

#include "data/ClassFolders.h"
#include "data/ImageAugment.h"
#include "data/ImageDecoder.h"
#include "data/ImageTransforms.h"
#include "util/Error.h"

#include <algorithm>
#include <filesystem>

namespace parity {

namespace fs = std::filesystem;

ImageFolderSource::ImageFolderSource(std::vector<std::string> files)
    : m_files(std::move(files))
{
}

at::Tensor ImageFolderSource::load(int64_t i) const
{
    const at::Tensor image = decodeImageFile(m_files[size_t(i)]);
    return centerCrop(resizeShorterSide(image, kResize), kCrop);
}

at::Tensor ImageFolderSource::loadForCode(int64_t i, std::mt19937_64* rng) const
{
    const at::Tensor image = decodeImageFile(m_files[size_t(i)]);
    if (rng)
        return randomResizedCropFlip(image, kCrop, *rng);
    // Val / test: the original's code transform is only the encoder's own
    // (e.g. Resize((224, 112)) for concatenation), applied by the caller.
    return image;
}

bool hasImageExtension(const std::string& path)
{
    static const char* const kExtensions[] = {".jpg", ".jpeg", ".png",  ".ppm", ".bmp",
                                              ".pgm", ".tif",  ".tiff", ".webp"};
    const std::string ext = lowerExtension(path);
    return std::any_of(std::begin(kExtensions), std::end(kExtensions), [&](const char* e) { return ext == e; });
}

RawDataset loadImageFolderSplits(const std::string& dir, int numClasses)
{
    auto splitDir = [&](const std::string& name) {
        std::error_code ec;
        const fs::path p = fs::path(dir) / name;
        if (!fs::is_directory(p, ec))
            throw Error(dir + ": no " + name + "/ folder (needs train/, val/ and test/, one sub-folder per class)");
        return p.string();
    };
    const std::string trainDir = splitDir("train");
    const std::vector<std::string> classes = listClassFolders(trainDir);
    if (classes.empty())
        throw Error(trainDir + ": no class folders (one sub-folder per class)");
    if (int(classes.size()) > numClasses)
        throw Error(trainDir + ": " + std::to_string(classes.size()) + " class folders, the dataset has "
                    + std::to_string(numClasses) + " classes");
    auto split = [&](const std::string& folder) {
        ClassFolderListing listing = listClassFiles(folder, classes, hasImageExtension);
        ImageSet set;
        set.source = folder;
        set.labels = at::tensor(listing.labels, at::kLong);
        set.lazy = std::make_shared<ImageFolderSource>(std::move(listing.files));
        return set;
    };
    RawDataset raw;
    raw.train = split(trainDir);
    raw.val = split(splitDir("val"));
    raw.test = split(splitDir("test"));
    return raw;
}

} // namespace parity
