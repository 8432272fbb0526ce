#include "data/MnistFiles.h"

#include "data/IdxReader.h"
#include "util/Error.h"

#include <exception>
#include <filesystem>
#include <thread>

namespace parity {
namespace {

namespace fs = std::filesystem;

constexpr std::int64_t kMnistImageSide = 28;

/// Finds `name` or `name.gz` in `dir`, then in `dir/raw`; raw files win over .gz.
std::string findIdxFile(const std::string& dir, const std::string& name)
{
    const fs::path base(dir);
    for (const fs::path& folder : {base, base / "raw"}) {
        for (const std::string& fileName : {name, name + ".gz"}) {
            const fs::path candidate = folder / fileName;
            std::error_code ec;
            if (fs::is_regular_file(candidate, ec))
                return candidate.string();
        }
    }
    throw Error("data directory '" + dir + "': cannot find " + name + " (looked for " + name + " and " + name
                + ".gz in '" + base.string() + "' and '" + (base / "raw").string() + "')");
}

ImageSet loadHalf(const std::string& dir, const std::string& prefix, int numClasses)
{
    const std::string imagePath = findIdxFile(dir, prefix + "-images-idx3-ubyte");
    const std::string labelPath = findIdxFile(dir, prefix + "-labels-idx1-ubyte");

    ImageSet set;
    set.images = readIdxImages(imagePath);
    if (set.images.size(2) != kMnistImageSide || set.images.size(3) != kMnistImageSide)
        throw Error("IDX file '" + imagePath + "': images are " + std::to_string(set.images.size(2)) + "x"
                    + std::to_string(set.images.size(3)) + ", expected 28x28 for an MNIST-family dataset");
    set.labels = readIdxLabels(labelPath);
    if (set.images.size(0) != set.labels.size(0))
        throw Error("MNIST files do not match: '" + imagePath + "' holds " + std::to_string(set.images.size(0))
                    + " images but '" + labelPath + "' holds " + std::to_string(set.labels.size(0)) + " labels");

    const std::int64_t* labels = set.labels.data_ptr<std::int64_t>();
    const std::int64_t count = set.labels.size(0);
    for (std::int64_t i = 0; i < count; ++i) {
        if (labels[i] >= numClasses)
            throw Error("IDX file '" + labelPath + "': label " + std::to_string(labels[i]) + " at index "
                        + std::to_string(i) + " is outside [0, " + std::to_string(numClasses) + ")");
    }
    return set;
}

} // namespace

MnistFiles loadMnistDirectory(const std::string& dir, int numClasses)
{
    if (numClasses < 1)
        throw Error("data directory '" + dir + "': number of classes must be positive, got "
                    + std::to_string(numClasses));
    std::error_code ec;
    if (!fs::is_directory(dir, ec))
        throw Error("data directory '" + dir + "' does not exist or is not a directory");

    MnistFiles files;
    std::exception_ptr testError;
    std::thread testThread([&] {
        try {
            files.test = loadHalf(dir, "t10k", numClasses);
        } catch (...) {
            testError = std::current_exception();
        }
    });
    std::exception_ptr trainError;
    try {
        files.train = loadHalf(dir, "train", numClasses);
    } catch (...) {
        trainError = std::current_exception();
    }
    testThread.join();
    if (trainError)
        std::rethrow_exception(trainError);
    if (testError)
        std::rethrow_exception(testError);
    return files;
}

} // namespace parity
