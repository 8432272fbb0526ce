// IDX image and label files (raw or gzip), as MNIST / Fashion-MNIST ship them.
#include "FuzzSupport.h"
#include "data/IdxReader.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string path = parity::fuzz::writeInput(data, size, ".idx");
    try {
        parity::readIdxImages(path);
    } catch (const parity::Error&) {
    }
    try {
        parity::readIdxLabels(path);
    } catch (const parity::Error&) {
    }
    return 0;
}
