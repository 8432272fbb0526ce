// Checkpoint load (a torch.save zip holding config JSON, counters and tensors).
#include "FuzzSupport.h"
#include "io/Checkpoint.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string bytes(reinterpret_cast<const char*>(data), size);
    try {
        const parity::Checkpoint c = parity::Checkpoint::fromBytes(bytes, "fuzz.pth");
        for (const auto& [key, dict] : c.tensors)
            for (const auto& [name, tensor] : dict)
                (void)tensor.sum();
    } catch (const parity::Error&) {
    }
    return 0;
}
