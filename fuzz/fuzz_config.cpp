// Configuration files: JSON parse, sweep expansion and validation, and the
// run configuration a checkpoint carries.
#include "FuzzSupport.h"
#include "config/SweepConfig.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const nlohmann::json j = nlohmann::json::parse(data, data + size, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded())
        return 0;
    try {
        const parity::SweepConfig sweep = parity::SweepConfig::fromJson(j, "fuzz.json");
        for (const parity::RunConfig& run : sweep.runs()) {
            parity::validateRun(run);
            (void)run.runDir();
            (void)parity::RunConfig::fromJson(run.toJson());
        }
    } catch (const parity::Error&) {
    }
    try {
        (void)parity::RunConfig::fromJson(j);
    } catch (const parity::Error&) {
    }
    return 0;
}
