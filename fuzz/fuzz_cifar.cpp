// CIFAR-10 / CIFAR-100 binary batch files. The first input byte picks the
// variant, the rest is the file.
#include "FuzzSupport.h"
#include "data/CifarFiles.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size == 0)
        return 0;
    const bool cifar100 = data[0] & 1;
    const std::string path = parity::fuzz::writeInput(data + 1, size - 1, ".bin");
    try {
        parity::readCifarBatches({path}, cifar100 ? 2 : 1, cifar100 ? 100 : 10);
    } catch (const parity::Error&) {
    }
    return 0;
}
