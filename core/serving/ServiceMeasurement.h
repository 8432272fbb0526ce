#pragma once
// What a finished run's real models cost per query on this machine: the
// service times the serving simulator draws (docs/SERVING.md).
#include "config/RunConfig.h"
#include "serving/ServingSimulator.h"

#include <nlohmann/json.hpp>

#include <string>

namespace parity {
class TrainingObserver;
}

namespace parity::serving {

struct MeasuredRun {
    RunConfig config;
    std::string checkpoint; ///< the file the models came from
    ServiceTimes times;
    bool berrut = false;
    /// ParM with r > 1 and the addition code: which missing sets the
    /// returned parity outputs decode (SimulationOptions::decodable), from
    /// the rank of the code matrix's rows and columns; empty otherwise.
    std::vector<uint8_t> decodable;
    int threads = 1;
};

/// A Berrut run (its coders are coders.berrut.*): every query is coded.
bool isBerrut(const RunConfig& config);

/// Loads RUN_DIR's best.pth (else current.pth) through the run's own
/// construction path and times, batch size 1 and `threads` threads (one
/// instance = that many cores), `repetitions` calls each after a warm-up:
/// the base model on one test query, a parity model on one parity query
/// (Berrut: the base model on a coded query), the encoder on a group of k
/// and the decoder rebuilding one missing prediction (Berrut: a group from
/// k of its k + r workers). Throws parity::Error naming the directory when it
/// holds no checkpoint, and for a run whose parity model was never trained
/// (train_parity_model false with a parity code: nothing to serve).
MeasuredRun measureRun(const std::string& runDir, int repetitions, int threads, TrainingObserver* observer = nullptr);

/// The run in RUN_DIR with service times from elsewhere (--service-file):
/// its configuration from run.json, whether it is Berrut and its
/// decodability table. Throws parity::Error naming the directory.
MeasuredRun describeRun(const std::string& runDir, ServiceTimes times);

/// Fills in what simulating `run` at options.k takes from its code: r, and
/// its decodability table when k is the run's (the table is k's).
void adoptRunCode(const MeasuredRun& run, SimulationOptions& options);

/// The decodability table of the addition code's r x k matrix A: entry
/// (missing << r) | returned is 1 when A[returned, missing] has full column rank.
std::vector<uint8_t> decodabilityTable(int k, int r);

/// {"base_ms": [...], "parity_ms": [...], "encoder_ms": [...], "decoder_ms": [...]}:
/// what --service-file reads and the simulator's JSON records.
nlohmann::json serviceTimesJson(const ServiceTimes& times);
/// Reads what serviceTimesJson wrote, alone or as the "service_times" member
/// of a serving.json; throws parity::Error naming `path` and the key.
ServiceTimes readServiceTimes(const std::string& path);

} // namespace parity::serving
