#pragma once
// Generated PNG / JPEG files and image-folder datasets for tests (written
// with libpng and libjpeg, the libraries the reader uses).
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include <jpeglib.h>
#include <png.h>

namespace parity::test {

/// Writes interleaved RGB (or grey, channels = 1) pixels as an 8-bit PNG.
inline void writePng(const std::string& path, const std::vector<uint8_t>& pixels, int width, int height,
                     int channels = 3)
{
    std::FILE* f = std::fopen(path.c_str(), "wb");
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
    png_infop info = png_create_info_struct(png);
    png_init_io(png, f);
    png_set_IHDR(png, info, uint32_t(width), uint32_t(height), 8,
                 channels == 1 ? PNG_COLOR_TYPE_GRAY : PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
    for (int y = 0; y < height; ++y)
        png_write_row(png, const_cast<uint8_t*>(pixels.data()) + size_t(y) * size_t(width) * size_t(channels));
    png_write_end(png, nullptr);
    png_destroy_write_struct(&png, &info);
    std::fclose(f);
}

/// Writes interleaved RGB pixels as a baseline JPEG of the given quality.
inline void writeJpeg(const std::string& path, const std::vector<uint8_t>& pixels, int width, int height,
                      int quality = 95)
{
    std::FILE* f = std::fopen(path.c_str(), "wb");
    jpeg_compress_struct info;
    jpeg_error_mgr err;
    info.err = jpeg_std_error(&err);
    jpeg_create_compress(&info);
    jpeg_stdio_dest(&info, f);
    info.image_width = JDIMENSION(width);
    info.image_height = JDIMENSION(height);
    info.input_components = 3;
    info.in_color_space = JCS_RGB;
    jpeg_set_defaults(&info);
    jpeg_set_quality(&info, quality, TRUE);
    jpeg_start_compress(&info, TRUE);
    while (info.next_scanline < info.image_height) {
        JSAMPROW row = const_cast<uint8_t*>(pixels.data()) + size_t(info.next_scanline) * size_t(width) * 3;
        jpeg_write_scanlines(&info, &row, 1);
    }
    jpeg_finish_compress(&info);
    jpeg_destroy_compress(&info);
    std::fclose(f);
}

/// An RGB picture of class `label`: class 0 reddish left half, class 1
/// bluish right half, plus noise; interleaved.
inline std::vector<uint8_t> classPicture(int label, int width, int height, std::mt19937& rng)
{
    std::vector<uint8_t> px(size_t(width) * size_t(height) * 3);
    for (int y = 0; y < height; ++y)
        for (int x = 0; x < width; ++x) {
            const bool lit = label == 0 ? x < width / 2 : x >= width / 2;
            uint8_t* p = px.data() + (size_t(y) * size_t(width) + size_t(x)) * 3;
            p[0] = uint8_t((lit && label == 0 ? 180 : 40) + rng() % 40);
            p[1] = uint8_t(60 + rng() % 40);
            p[2] = uint8_t((lit && label == 1 ? 180 : 40) + rng() % 40);
        }
    return px;
}

/// cat_v_dog layout: dir/{train,val,test}/{cat,dog}/ with PNG and JPEG
/// files of assorted sizes (some 224 x 224, some smaller, some larger).
inline void writeTinyCatVDog(const std::string& dir, int trainPerClass, int otherPerClass, uint32_t seed = 6)
{
    std::mt19937 rng(seed);
    const int sizes[][2] = {{224, 224}, {150, 120}, {300, 260}};
    for (const auto& [split, count] :
         {std::pair<std::string, int>{"train", trainPerClass}, {"val", otherPerClass}, {"test", otherPerClass}}) {
        for (int label = 0; label < 2; ++label) {
            const std::string folder = dir + "/" + split + "/" + (label == 0 ? "cat" : "dog");
            std::filesystem::create_directories(folder);
            for (int i = 0; i < count; ++i) {
                const int w = sizes[i % 3][0], h = sizes[i % 3][1];
                const auto px = classPicture(label, w, h, rng);
                const std::string stem = folder + "/" + std::to_string(label) + "." + std::to_string(i);
                if (i % 2)
                    writeJpeg(stem + ".jpg", px, w, h);
                else
                    writePng(stem + ".png", px, w, h);
            }
        }
    }
}

} // namespace parity::test
