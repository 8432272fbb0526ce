#include "data/CubFiles.h"

#include "data/Boxes.h"
#include "data/ImageDecoder.h"
#include "data/PilResize.h"
#include "util/Error.h"
#include "util/PythonRandom.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

namespace fs = std::filesystem;

namespace parity {

CubImageSource::CubImageSource(std::vector<std::string> files)
    : m_files(std::move(files))
{
}

at::Tensor CubImageSource::load(int64_t i) const
{
    const at::Tensor image = decodeImageFile(m_files[size_t(i)]);
    return resizeBilinearLikePil(image.unsqueeze(0), kSize, kSize).squeeze(0);
}

std::pair<int, int> imageFileSize(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw Error(path + ": cannot open the image");
    auto byte = [&]() -> int {
        const int c = in.get();
        if (c == EOF)
            throw Error(path + ": truncated image header");
        return c;
    };
    auto be16 = [&]() {
        const int hi = byte();
        return (hi << 8) | byte();
    };
    const int b0 = byte(), b1 = byte();
    if (b0 == 0x89 && b1 == 'P') {
        // PNG: signature (8 bytes), IHDR length + type (8), width, height (big-endian).
        in.seekg(16);
        const int w = (be16() << 16) | be16();
        const int h = (be16() << 16) | be16();
        return {w, h};
    }
    if (b0 != 0xFF || b1 != 0xD8)
        throw Error(path + ": neither a JPEG nor a PNG file");
    for (;;) {
        int marker = byte();
        if (marker != 0xFF)
            throw Error(path + ": damaged JPEG header");
        while (marker == 0xFF)
            marker = byte();
        if (marker == 0xD8 || (marker >= 0xD0 && marker <= 0xD7) || marker == 0x01)
            continue; // no length field
        const int length = be16();
        const bool sof = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
        if (sof) {
            byte(); // precision
            const int h = be16();
            const int w = be16();
            return {w, h};
        }
        if (marker == 0xD9 || length < 2)
            throw Error(path + ": JPEG without a frame header");
        in.seekg(length - 2, std::ios::cur);
    }
}

std::string missingCubFiles(const std::string& dir)
{
    std::string missing;
    for (const char* name : {"images.txt", "bounding_boxes.txt", "images"})
        if (!fs::exists(fs::path(dir) / name))
            missing += (missing.empty() ? "" : ", ") + std::string(name);
    return missing.empty() ? "" : "missing " + missing;
}

namespace {

struct CubImage {
    int64_t id = 0;
    std::string relative;
    std::string file;
    int64_t label = 0;
    Box box;     // normalised
    Box baseBox; // normalised, when base boxes are given
    int width = 0, height = 0;
};

ImageSet makeSet(const std::vector<const CubImage*>& images, const std::string& source, bool withBase)
{
    const int64_t n = int64_t(images.size());
    ImageSet set;
    set.source = source;
    set.labels = at::empty({n}, at::kLong);
    set.ids = at::empty({n}, at::kLong);
    set.boxes = at::empty({n, 4}, at::kFloat);
    set.imageSizes = at::empty({n, 2}, at::kFloat);
    if (withBase)
        set.givenBaseOutputs = at::empty({n, 4}, at::kFloat);
    std::vector<std::string> files;
    for (int64_t i = 0; i < n; ++i) {
        const CubImage& im = *images[size_t(i)];
        set.labels[i] = im.label;
        set.ids[i] = im.id;
        float* b = set.boxes.data_ptr<float>() + 4 * i;
        b[0] = im.box.x, b[1] = im.box.y, b[2] = im.box.w, b[3] = im.box.h;
        float* size = set.imageSizes.data_ptr<float>() + 2 * i;
        size[0] = float(im.width), size[1] = float(im.height);
        if (withBase) {
            float* p = set.givenBaseOutputs.data_ptr<float>() + 4 * i;
            p[0] = im.baseBox.x, p[1] = im.baseBox.y, p[2] = im.baseBox.w, p[3] = im.baseBox.h;
        }
        files.push_back(im.file);
    }
    set.lazy = std::make_shared<CubImageSource>(std::move(files));
    return set;
}

} // namespace

RawDataset loadCubDirectory(const std::string& dir, const std::string& baseBoxesFile)
{
    if (const std::string missing = missingCubFiles(dir); !missing.empty())
        throw Error(dir + ": not a CUB-200-2011 directory (" + missing + ")");
    const std::string listPath = (fs::path(dir) / "images.txt").string();
    std::ifstream list(listPath);
    std::vector<CubImage> images;
    std::string line;
    for (int number = 1; std::getline(list, line); ++number) {
        if (line.find_first_not_of(" \t\r") == std::string::npos)
            continue;
        std::istringstream fields(line);
        CubImage im;
        if (!(fields >> im.id >> im.relative))
            throw Error(listPath + ":" + std::to_string(number) + ": expected 'id relative/path.jpg', got '" + line
                        + "'");
        im.file = (fs::path(dir) / "images" / im.relative).string();
        images.push_back(std::move(im));
    }
    if (images.empty())
        throw Error(listPath + ": no images listed");

    const auto boxes = readBoxFile((fs::path(dir) / "bounding_boxes.txt").string());
    std::map<int64_t, Box> baseBoxes;
    if (!baseBoxesFile.empty())
        baseBoxes = readBoxFile(baseBoxesFile);

    // Classes in the order they first appear in images.txt, as the
    // original's dict of class groups (box_util.py split); the label is the
    // class's rank by name.
    std::vector<std::string> classOrder;
    std::map<std::string, std::vector<size_t>> byClass;
    for (size_t i = 0; i < images.size(); ++i) {
        CubImage& im = images[i];
        const auto slash = im.relative.find('/');
        const std::string name = slash == std::string::npos ? std::string() : im.relative.substr(0, slash);
        auto& members = byClass[name];
        if (members.empty())
            classOrder.push_back(name);
        members.push_back(i);
        const auto box = boxes.find(im.id);
        if (box == boxes.end())
            throw Error(dir + "/bounding_boxes.txt: no box for image " + std::to_string(im.id) + " (" + im.relative
                        + ")");
        const auto [w, h] = imageFileSize(im.file);
        im.width = w, im.height = h;
        im.box = normaliseBox(box->second, w, h);
        if (!baseBoxesFile.empty()) {
            const auto base = baseBoxes.find(im.id);
            if (base == baseBoxes.end())
                throw Error(baseBoxesFile + ": no box for image " + std::to_string(im.id) + " (" + im.relative + ")");
            im.baseBox = normaliseBox(base->second, w, h);
        }
    }
    int64_t label = 0;
    for (const auto& [name, members] : byClass) {
        for (size_t i : members)
            images[i].label = label;
        ++label;
    }

    // The original's test split, draw for draw: random.seed(32), then per
    // class random.sample(group, ceil(0.2 * n)); the test images in that
    // order (its test loader does not shuffle), the rest trains.
    PythonRandom random(kCubSplitSeed);
    std::vector<const CubImage*> train, test;
    std::vector<bool> isTest(images.size(), false);
    for (const std::string& name : classOrder) {
        const std::vector<size_t>& members = byClass[name];
        const auto numTest = int64_t(std::ceil(double(members.size()) * kCubTestFraction));
        for (const int64_t pick : random.sample(int64_t(members.size()), numTest)) {
            isTest[members[size_t(pick)]] = true;
            test.push_back(&images[members[size_t(pick)]]);
        }
    }
    for (size_t i = 0; i < images.size(); ++i)
        if (!isTest[i])
            train.push_back(&images[i]);
    if (test.empty())
        throw Error(dir + ": too few images per class for a 20% test split");

    RawDataset raw;
    raw.train = makeSet(train, dir + " (train)", !baseBoxesFile.empty());
    raw.test = makeSet(test, dir + " (test)", !baseBoxesFile.empty());
    return raw;
}

} // namespace parity
