// JPEG / PNG decoding for the image-folder datasets (cat_v_dog).
#include "FuzzSupport.h"
#include "data/ImageDecoder.h"

#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::vector<unsigned char> bytes(data, data + size);
    try {
        parity::decodeImage(bytes, "fuzz-input");
    } catch (const parity::Error&) {
    }
    return 0;
}
