#pragma once
#include "events/TrainingEvents.h"

#include <chrono>
#include <cstdio>

namespace parity {

/// Prints what the original printed (docs/BEHAVIOUR.md §3/§6): the run header, base-model
/// accuracy lines, and per train/val split one tqdm-style live line
///   Epoch 3. train. Top-1=0.5585, Top-5=0.9221, Loss=62.2081: 36%|###   | 154/430 [00:00<00:01, 195.82it/s]
/// redrawn in place on a terminal (at most ~10 times a second) and printed
/// once, finished, when the output is a file or pipe.
class ConsoleObserver : public TrainingObserver {
public:
    explicit ConsoleObserver(std::FILE* out = stdout);

    void message(const std::string& line) override;
    void progress(const std::string& stage, int64_t done, int64_t total) override;
    void batchFinished(const BatchStats& stats) override;
    void splitFinished(const SplitResult& result) override;

private:
    void draw(const BatchStats& stats, bool final);
    void clearLine();

    std::FILE* m_out;
    bool m_tty;
    bool m_lineOpen = false;
    BatchStats m_last;
    std::chrono::steady_clock::time_point m_lastDraw;
    /// PARITY_STARTUP_PROBE=1: the moment the first training batch began is
    /// written to standard error (steady clock = CLOCK_MONOTONIC, comparable
    /// across processes), for parity_bench_startup.
    bool m_probe;
    bool m_probed = false;
};

} // namespace parity
