// state_dict import: torch.save zip, pickle, tensor storage records.
#include "FuzzSupport.h"
#include "io/StateDict.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string bytes(reinterpret_cast<const char*>(data), size);
    try {
        for (const auto& [name, tensor] : parity::readStateDictBytes(bytes, "fuzz.pt"))
            (void)tensor.sum(); // touch every element: storage bounds must hold
    } catch (const parity::Error&) {
    }
    return 0;
}
