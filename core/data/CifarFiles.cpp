#include "data/CifarFiles.h"

#include "util/Error.h"

#include <filesystem>
#include <fstream>

namespace parity {

namespace {

namespace fs = std::filesystem;

constexpr int64_t kPixels = 3 * 32 * 32;

bool hasFile(const fs::path& dir, const std::string& name)
{
    std::error_code ec;
    return fs::is_regular_file(dir / name, ec);
}

} // namespace

ImageSet readCifarBatches(const std::vector<std::string>& files, int labelBytes, int numClasses)
{
    const int64_t record = labelBytes + kPixels;
    std::vector<int64_t> counts;
    int64_t total = 0;
    for (const auto& file : files) {
        std::error_code ec;
        const auto bytes = fs::file_size(file, ec);
        if (ec)
            throw Error(file + ": cannot read the CIFAR batch file (" + ec.message() + ")");
        if (bytes == 0 || bytes % uintmax_t(record) != 0)
            throw Error(file + ": " + std::to_string(bytes) + " bytes is not a whole number of "
                        + std::to_string(record) + "-byte CIFAR records (truncated or not a CIFAR"
                        + (labelBytes == 1 ? "-10" : "-100") + " binary batch file)");
        counts.push_back(int64_t(bytes / uintmax_t(record)));
        total += counts.back();
    }

    ImageSet set;
    set.images = at::empty({total, 3, 32, 32}, at::kByte);
    set.labels = at::empty({total}, at::kLong);
    set.source = files.empty() ? std::string() : fs::path(files.front()).parent_path().string();
    uint8_t* images = set.images.data_ptr<uint8_t>();
    int64_t* labels = set.labels.data_ptr<int64_t>();
    std::vector<char> buffer;
    int64_t row = 0;
    for (size_t f = 0; f < files.size(); ++f) {
        std::ifstream in(files[f], std::ios::binary);
        buffer.resize(size_t(counts[f] * record));
        if (!in.read(buffer.data(), std::streamsize(buffer.size())))
            throw Error(files[f] + ": read error (the file shrank while being read?)");
        for (int64_t r = 0; r < counts[f]; ++r, ++row) {
            const auto* rec = reinterpret_cast<const uint8_t*>(buffer.data()) + r * record;
            const int label = rec[labelBytes - 1];
            if (label >= numClasses)
                throw Error(files[f] + ": record " + std::to_string(r) + " has label " + std::to_string(label)
                            + ", outside [0, " + std::to_string(numClasses) + ")");
            labels[row] = label;
            std::copy(rec + labelBytes, rec + record, images + row * kPixels);
        }
    }
    return set;
}

RawDataset loadCifarDirectory(const std::string& dir, int numClasses)
{
    const bool ten = numClasses == 10;
    const std::vector<std::string> trainNames = ten ? std::vector<std::string>{"data_batch_1.bin", "data_batch_2.bin",
                                                                               "data_batch_3.bin", "data_batch_4.bin",
                                                                               "data_batch_5.bin"}
                                                    : std::vector<std::string>{"train.bin"};
    const std::string testName = ten ? "test_batch.bin" : "test.bin";
    const std::string archiveFolder = ten ? "cifar-10-batches-bin" : "cifar-100-binary";
    const std::string pythonFolder = ten ? "cifar-10-batches-py" : "cifar-100-python";

    fs::path root(dir);
    if (!hasFile(root, testName) && hasFile(root / archiveFolder, testName))
        root /= archiveFolder;
    if (!hasFile(root, testName)) {
        std::error_code ec;
        std::string hint;
        if (fs::is_directory(root / pythonFolder, ec))
            hint = " (" + (root / pythonFolder).string()
                   + " is the Python version, which is not read: use the "
                     "binary version, "
                   + archiveFolder + ")";
        throw Error(dir + ": no CIFAR-" + std::to_string(numClasses) + " binary files: looked for " + testName
                    + " in it and in " + archiveFolder + "/" + hint);
    }
    std::vector<std::string> trainFiles;
    for (const auto& name : trainNames) {
        if (!hasFile(root, name))
            throw Error((root / name).string() + ": missing (CIFAR-" + std::to_string(numClasses) + " needs "
                        + (ten ? "data_batch_1.bin .. data_batch_5.bin" : "train.bin") + " and " + testName + ")");
        trainFiles.push_back((root / name).string());
    }
    const int labelBytes = ten ? 1 : 2;
    RawDataset raw;
    raw.train = readCifarBatches(trainFiles, labelBytes, numClasses);
    raw.test = readCifarBatches({(root / testName).string()}, labelBytes, numClasses);
    return raw;
}

std::string missingCifarFiles(const std::string& dir, int numClasses)
{
    const std::string testName = numClasses == 10 ? "test_batch.bin" : "test.bin";
    const std::string archiveFolder = numClasses == 10 ? "cifar-10-batches-bin" : "cifar-100-binary";
    if (hasFile(dir, testName) || hasFile(fs::path(dir) / archiveFolder, testName))
        return "";
    return "no " + testName + " in it or in " + archiveFolder + "/";
}

const std::vector<std::string>& cifar10ClassNames()
{
    static const std::vector<std::string> names = {"airplane", "automobile", "bird",  "cat",  "deer",
                                                   "dog",      "frog",       "horse", "ship", "truck"};
    return names;
}

const std::vector<std::string>& cifar100ClassNames()
{
    static const std::vector<std::string> names = {
        "apple",      "aquarium_fish", "baby",         "bear",       "beaver",      "bed",         "bee",
        "beetle",     "bicycle",       "bottle",       "bowl",       "boy",         "bridge",      "bus",
        "butterfly",  "camel",         "can",          "castle",     "caterpillar", "cattle",      "chair",
        "chimpanzee", "clock",         "cloud",        "cockroach",  "couch",       "crab",        "crocodile",
        "cup",        "dinosaur",      "dolphin",      "elephant",   "flatfish",    "forest",      "fox",
        "girl",       "hamster",       "house",        "kangaroo",   "keyboard",    "lamp",        "lawn_mower",
        "leopard",    "lion",          "lizard",       "lobster",    "man",         "maple_tree",  "motorcycle",
        "mountain",   "mouse",         "mushroom",     "oak_tree",   "orange",      "orchid",      "otter",
        "palm_tree",  "pear",          "pickup_truck", "pine_tree",  "plain",       "plate",       "poppy",
        "porcupine",  "possum",        "rabbit",       "raccoon",    "ray",         "road",        "rocket",
        "rose",       "sea",           "seal",         "shark",      "shrew",       "skunk",       "skyscraper",
        "snail",      "snake",         "spider",       "squirrel",   "streetcar",   "sunflower",   "sweet_pepper",
        "table",      "tank",          "telephone",    "television", "tiger",       "tractor",     "train",
        "trout",      "tulip",         "turtle",       "wardrobe",   "whale",       "willow_tree", "wolf",
        "woman",      "worm"};
    return names;
}

} // namespace parity
