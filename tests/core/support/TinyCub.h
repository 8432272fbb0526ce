#pragma once
// A generated CUB-200-2011 directory for the localization tests: pictures
// with one drawn rectangle (the "bird") whose pixel box goes to
// bounding_boxes.txt, in CUB's layout (images.txt, bounding_boxes.txt,
// images/<class>/<file>).
#include "support/TinyImages.h"

#include <fstream>
#include <map>

namespace parity::test {

struct TinyCubImage {
    int id = 0;
    std::string relative; ///< path under images/
    int width = 0, height = 0;
    float x = 0, y = 0, w = 0, h = 0; ///< the true box, pixels (may reach past the image)
};

/// `classes` folders of `perClass` images each, ids 1.. in images.txt order
/// (class-major). Sizes alternate 96 x 64 (JPEG) and 64 x 80 (PNG). Every
/// fifth box reaches past the right and bottom edges (CUB has a few such).
inline std::vector<TinyCubImage> writeTinyCub(const std::string& dir, int classes, int perClass, uint32_t seed = 8)
{
    std::mt19937 rng(seed);
    std::filesystem::create_directories(dir);
    std::vector<TinyCubImage> out;
    std::ofstream list(dir + "/images.txt");
    std::ofstream boxes(dir + "/bounding_boxes.txt");
    int id = 0;
    for (int c = 0; c < classes; ++c) {
        char folder[32];
        std::snprintf(folder, sizeof folder, "%03d.Bird_%d", c + 1, c + 1);
        std::filesystem::create_directories(dir + "/images/" + folder);
        for (int i = 0; i < perClass; ++i) {
            TinyCubImage im;
            im.id = ++id;
            const bool jpeg = i % 2 == 0;
            im.width = jpeg ? 96 : 64;
            im.height = jpeg ? 64 : 80;
            im.relative = std::string(folder) + "/bird_" + std::to_string(i) + (jpeg ? ".jpg" : ".png");
            im.x = float(4 + rng() % 20);
            im.y = float(4 + rng() % 16);
            im.w = float(16 + rng() % 24);
            im.h = float(16 + rng() % 24);
            if (i % 5 == 4) {
                im.w = float(im.width) - im.x + 10;
                im.h = float(im.height) - im.y + 6;
            }
            std::vector<uint8_t> px(size_t(im.width) * size_t(im.height) * 3);
            for (int y = 0; y < im.height; ++y)
                for (int x = 0; x < im.width; ++x) {
                    const bool inside = x >= im.x && x < im.x + im.w && y >= im.y && y < im.y + im.h;
                    uint8_t* p = px.data() + (size_t(y) * size_t(im.width) + size_t(x)) * 3;
                    p[0] = uint8_t(inside ? 220 - rng() % 20 : 30 + rng() % 20);
                    p[1] = uint8_t(inside ? 180 - rng() % 20 : 40 + rng() % 20);
                    p[2] = uint8_t(inside ? 60 + rng() % 20 : 50 + rng() % 20);
                }
            const std::string file = dir + "/images/" + im.relative;
            if (jpeg)
                writeJpeg(file, px, im.width, im.height);
            else
                writePng(file, px, im.width, im.height);
            list << im.id << ' ' << im.relative << '\n';
            boxes << im.id << ' ' << im.x << ' ' << im.y << ' ' << im.w << ' ' << im.h << '\n';
            out.push_back(im);
        }
    }
    return out;
}

/// A base model's predicted boxes in the same format: the true boxes shifted
/// by `shift` pixels right and down.
inline void writeShiftedBoxes(const std::string& file, const std::vector<TinyCubImage>& images, float shift)
{
    std::ofstream f(file);
    for (const auto& im : images)
        f << im.id << ' ' << im.x + shift << ' ' << im.y + shift << ' ' << im.w << ' ' << im.h << '\n';
}

} // namespace parity::test
