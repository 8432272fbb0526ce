#include "training/ProgressLine.h"

#include <cmath>
#include <cstdio>

namespace parity {

std::string formatClock(double seconds)
{
    if (seconds < 0 || seconds > 1e7)
        seconds = 0;
    const long s = long(seconds + 0.5);
    char buf[32];
    if (s >= 3600)
        std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", s / 3600, (s / 60) % 60, s % 60);
    else
        std::snprintf(buf, sizeof buf, "%02ld:%02ld", s / 60, s % 60);
    return buf;
}

std::string progressLine(const BatchStats& s)
{
    const int percent = s.batches ? int(100 * s.batch / s.batches) : 100;
    constexpr int kBarWidth = 30;
    const int filled = s.batches ? int(kBarWidth * s.batch / s.batches) : kBarWidth;
    const double batchesPerSecond = s.elapsedSeconds > 0 ? double(s.batch) / s.elapsedSeconds : 0;
    char head[160];
    std::snprintf(head, sizeof head,
                  s.localization ? "Epoch %d. %s. Loc=%.4f, Rec=%.4f" : "Epoch %d. %s. Top-1=%.4f, Top-5=%.4f", s.epoch,
                  s.split.c_str(), s.runningTop1, s.runningTop5);
    std::string line = head;
    if (!std::isnan(s.runningLoss)) { // a run that trains nothing has no loss
        std::snprintf(head, sizeof head, ", Loss=%.4f", s.runningLoss);
        line += head;
    }
    std::snprintf(head, sizeof head, ": %3d%%|", percent);
    line += head;
    line += std::string(size_t(filled), '#') + std::string(size_t(kBarWidth - filled), ' ');
    char tail[160];
    std::snprintf(tail, sizeof tail, "| %lld/%lld [%s<%s, %.2fit/s, %.0f groups/s]", (long long)s.batch,
                  (long long)s.batches, formatClock(s.elapsedSeconds).c_str(), formatClock(s.etaSeconds).c_str(),
                  batchesPerSecond, s.groupsPerSecond);
    return line + tail;
}

} // namespace parity
