#include "data/ImageDecoder.h"

#include "util/Error.h"

#include <csetjmp>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>

#include <jpeglib.h>
#include <jerror.h>
#include <png.h>

namespace parity {

namespace {

// libjpeg reports errors through error_exit, which must not return: jump
// back out of the decoder with the message.
struct JpegError {
    jpeg_error_mgr manager;
    std::jmp_buf jump;
    char message[JMSG_LENGTH_MAX];
};

void jpegErrorExit(j_common_ptr info)
{
    auto* err = reinterpret_cast<JpegError*>(info->err);
    (*info->err->format_message)(info, err->message);
    std::longjmp(err->jump, 1);
}

// Warnings are ignored, except premature end of data: PIL refuses truncated
// images, where libjpeg would pad them with grey.
void jpegMessage(j_common_ptr info, int level)
{
    if (level < 0 && info->err->msg_code == JWRN_JPEG_EOF)
        jpegErrorExit(info);
}

std::string tooManyPixels(std::uint64_t width, std::uint64_t height)
{
    return "the header claims " + std::to_string(width) + " x " + std::to_string(height) + " pixels, more than the "
           + std::to_string(kMaxImagePixels) + " this reader (like PIL) accepts";
}

// Everything with a non-trivial destructor lives outside the setjmp frame.
bool decodeJpegInto(const std::vector<unsigned char>& bytes, std::vector<unsigned char>& pixels, int& height,
                    int& width, int& components, bool& cmyk, bool& adobeInverted, std::string& error)
{
    jpeg_decompress_struct info;
    JpegError err;
    info.err = jpeg_std_error(&err.manager);
    err.manager.error_exit = jpegErrorExit;
    err.manager.emit_message = jpegMessage;
    if (setjmp(err.jump)) {
        error = err.message;
        jpeg_destroy_decompress(&info);
        return false;
    }
    jpeg_create_decompress(&info);
    jpeg_mem_src(&info, bytes.data(), static_cast<unsigned long>(bytes.size()));
    jpeg_read_header(&info, TRUE);
    cmyk = info.jpeg_color_space == JCS_CMYK || info.jpeg_color_space == JCS_YCCK;
    adobeInverted = cmyk && info.saw_Adobe_marker;
    info.out_color_space = cmyk ? JCS_CMYK : info.jpeg_color_space == JCS_GRAYSCALE ? JCS_GRAYSCALE : JCS_RGB;
    if (std::uint64_t(info.image_width) * info.image_height > kMaxImagePixels) {
        error = tooManyPixels(info.image_width, info.image_height);
        jpeg_destroy_decompress(&info);
        return false;
    }
    // Sequential Huffman coding spends at least 2 bits on every 8x8 block (a
    // DC code and an end-of-block code). A file too short for that cannot be
    // complete: libjpeg would grey-fill the rest, for as long as the header's
    // size claims (a 212-byte file asking for 140 megapixels, issue 5).
    if (!info.progressive_mode && !info.arith_code) {
        std::uint64_t blocks = 0;
        for (int c = 0; c < info.num_components; ++c)
            blocks += std::uint64_t(info.comp_info[c].width_in_blocks) * info.comp_info[c].height_in_blocks;
        if (blocks / 4 > bytes.size()) {
            error = "the file is too short for its " + std::to_string(info.image_width) + " x "
                    + std::to_string(info.image_height) + " pixels (corrupt or truncated)";
            jpeg_destroy_decompress(&info);
            return false;
        }
    }
    jpeg_start_decompress(&info);
    height = int(info.output_height);
    width = int(info.output_width);
    components = info.output_components;
    pixels.resize(size_t(height) * size_t(width) * size_t(components));
    while (info.output_scanline < info.output_height) {
        JSAMPROW row = pixels.data() + size_t(info.output_scanline) * size_t(width) * size_t(components);
        jpeg_read_scanlines(&info, &row, 1);
    }
    jpeg_finish_decompress(&info);
    jpeg_destroy_decompress(&info);
    return true;
}

at::Tensor decodeJpeg(const std::vector<unsigned char>& bytes, const std::string& name)
{
    std::vector<unsigned char> pixels;
    int height = 0, width = 0, components = 0;
    bool cmyk = false, inverted = false;
    std::string error;
    if (!decodeJpegInto(bytes, pixels, height, width, components, cmyk, inverted, error))
        throw Error(name + ": cannot decode the JPEG image (" + error + ")");
    at::Tensor out = at::empty({3, height, width}, at::kByte);
    uint8_t* dst = out.data_ptr<uint8_t>();
    const size_t plane = size_t(height) * size_t(width);
    for (size_t p = 0; p < plane; ++p) {
        const unsigned char* px = pixels.data() + p * size_t(components);
        if (components == 1) {
            dst[p] = dst[plane + p] = dst[2 * plane + p] = px[0];
        } else if (cmyk) {
            // Pillow: Adobe CMYK is stored inverted ("CMYK;I"); then
            // channel = 255 - k' - c' * (255 - k') / 255, rounded.
            int c[4];
            for (int i = 0; i < 4; ++i)
                c[i] = inverted ? 255 - px[i] : px[i];
            const int nk = 255 - c[3];
            for (int i = 0; i < 3; ++i) {
                const int t = c[i] * nk + 128;
                const int v = nk - ((t + (t >> 8)) >> 8);
                dst[size_t(i) * plane + p] = uint8_t(v < 0 ? 0 : v > 255 ? 255 : v);
            }
        } else {
            for (int i = 0; i < 3; ++i)
                dst[size_t(i) * plane + p] = px[i];
        }
    }
    return out;
}

struct PngReadState {
    const std::vector<unsigned char>* bytes;
    size_t pos;
};

void pngRead(png_structp png, png_bytep out, png_size_t length)
{
    auto* s = static_cast<PngReadState*>(png_get_io_ptr(png));
    if (s->pos + length > s->bytes->size())
        png_error(png, "truncated PNG data");
    std::memcpy(out, s->bytes->data() + s->pos, length);
    s->pos += length;
}

void pngErrorFn(png_structp png, png_const_charp message)
{
    auto* error = static_cast<std::string*>(png_get_error_ptr(png));
    *error = message;
    png_longjmp(png, 1);
}

void pngWarningFn(png_structp, png_const_charp) {}

bool decodePngInto(const std::vector<unsigned char>& bytes, std::vector<unsigned char>& pixels,
                   std::vector<png_bytep>& rows, int& height, int& width, std::string& error)
{
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &error, pngErrorFn, pngWarningFn);
    if (!png) {
        error = "out of memory";
        return false;
    }
    png_infop info = png_create_info_struct(png);
    PngReadState state{&bytes, 0};
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_read_struct(&png, &info, nullptr);
        return false;
    }
    png_set_read_fn(png, &state, pngRead);
    png_read_info(png, info);
    if (std::uint64_t(png_get_image_width(png, info)) * png_get_image_height(png, info) > kMaxImagePixels) {
        error = tooManyPixels(png_get_image_width(png, info), png_get_image_height(png, info));
        png_destroy_read_struct(&png, &info, nullptr);
        return false;
    }
    const int colorType = png_get_color_type(png, info);
    const int bitDepth = png_get_bit_depth(png, info);
    if (colorType == PNG_COLOR_TYPE_PALETTE)
        png_set_palette_to_rgb(png);
    if (colorType == PNG_COLOR_TYPE_GRAY && bitDepth < 8)
        png_set_expand_gray_1_2_4_to_8(png);
    if (bitDepth == 16)
        png_set_strip_16(png);
    if (colorType == PNG_COLOR_TYPE_GRAY || colorType == PNG_COLOR_TYPE_GRAY_ALPHA)
        png_set_gray_to_rgb(png);
    png_set_strip_alpha(png); // convert('RGB') drops the alpha channel
    png_set_interlace_handling(png);
    png_read_update_info(png, info);
    width = int(png_get_image_width(png, info));
    height = int(png_get_image_height(png, info));
    const size_t rowBytes = png_get_rowbytes(png, info);
    if (rowBytes != size_t(width) * 3) {
        error = "unexpected PNG layout after conversion to RGB";
        png_destroy_read_struct(&png, &info, nullptr);
        return false;
    }
    pixels.resize(rowBytes * size_t(height));
    rows.resize(static_cast<size_t>(height));
    for (int y = 0; y < height; ++y)
        rows[size_t(y)] = pixels.data() + size_t(y) * rowBytes;
    png_read_image(png, rows.data());
    png_read_end(png, nullptr);
    png_destroy_read_struct(&png, &info, nullptr);
    return true;
}

at::Tensor decodePng(const std::vector<unsigned char>& bytes, const std::string& name)
{
    std::vector<unsigned char> pixels;
    std::vector<png_bytep> rows;
    int height = 0, width = 0;
    std::string error;
    if (!decodePngInto(bytes, pixels, rows, height, width, error))
        throw Error(name + ": cannot decode the PNG image (" + error + ")");
    // (H, W, 3) -> (3, H, W)
    return at::from_blob(pixels.data(), {height, width, 3}, at::kByte).permute({2, 0, 1}).contiguous();
}

} // namespace

at::Tensor decodeImage(const std::vector<unsigned char>& bytes, const std::string& name)
{
    static const unsigned char kPng[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    if (bytes.size() >= 3 && bytes[0] == 0xFF && bytes[1] == 0xD8 && bytes[2] == 0xFF)
        return decodeJpeg(bytes, name);
    if (bytes.size() >= 8 && std::memcmp(bytes.data(), kPng, 8) == 0)
        return decodePng(bytes, name);
    throw Error(name + ": not a JPEG or PNG image (only those two formats are read)");
}

at::Tensor decodeImageFile(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw Error(path + ": cannot open the image file");
    const std::vector<unsigned char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    return decodeImage(bytes, path);
}

} // namespace parity
