// RIFF/WAVE files (Google Speech Commands), with and without a required rate.
#include "FuzzSupport.h"
#include "data/WavReader.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string path = parity::fuzz::writeInput(data, size, ".wav");
    try {
        parity::readWav(path, size % 2 ? 16000 : 0);
    } catch (const parity::Error&) {
    }
    return 0;
}
