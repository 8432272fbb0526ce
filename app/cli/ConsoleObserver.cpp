#include "ConsoleObserver.h"

#include <string>
#include <unistd.h>

namespace parity {

namespace {

std::string clock(double seconds)
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

} // namespace

ConsoleObserver::ConsoleObserver(std::FILE* out)
    : m_out(out)
    , m_tty(::isatty(::fileno(out)) == 1)
{
}

void ConsoleObserver::clearLine()
{
    if (m_lineOpen) {
        std::fputs("\r\033[K", m_out);
        m_lineOpen = false;
    }
}

void ConsoleObserver::message(const std::string& line)
{
    clearLine();
    std::fprintf(m_out, "%s\n", line.c_str());
    std::fflush(m_out);
}

void ConsoleObserver::progress(const std::string& stage, int64_t done, int64_t total)
{
    if (!m_tty)
        return;
    std::fprintf(m_out, "\r\033[K%s: %lld/%lld", stage.c_str(), (long long)done, (long long)total);
    m_lineOpen = true;
    if (done >= total)
        clearLine();
    std::fflush(m_out);
}

void ConsoleObserver::batchFinished(const BatchStats& stats)
{
    m_last = stats;
    if (!m_tty || stats.split == "test")
        return;
    const auto now = std::chrono::steady_clock::now();
    if (stats.batch != 1 && now - m_lastDraw < std::chrono::milliseconds(100))
        return;
    m_lastDraw = now;
    draw(stats, false);
}

void ConsoleObserver::splitFinished(const SplitResult& result)
{
    if (result.split == "test")   // the original computes test but does not print it
        return;
    draw(m_last, true);
}

void ConsoleObserver::draw(const BatchStats& s, bool final)
{
    const int percent = s.batches ? int(100 * s.batch / s.batches) : 100;
    constexpr int kBarWidth = 30;
    const int filled = s.batches ? int(kBarWidth * s.batch / s.batches) : kBarWidth;
    const double batchesPerSecond = s.elapsedSeconds > 0 ? double(s.batch) / s.elapsedSeconds : 0;
    char head[160];
    std::snprintf(head, sizeof head, "Epoch %d. %s. Top-1=%.4f, Top-5=%.4f, Loss=%.4f: %3d%%|", s.epoch,
                  s.split.c_str(), s.runningTop1, s.runningTop5, s.runningLoss, percent);
    std::string line = head;
    line += std::string(size_t(filled), '#') + std::string(size_t(kBarWidth - filled), ' ');
    char tail[160];
    std::snprintf(tail, sizeof tail, "| %lld/%lld [%s<%s, %.2fit/s, %.0f groups/s]", (long long)s.batch,
                  (long long)s.batches, clock(s.elapsedSeconds).c_str(), clock(s.etaSeconds).c_str(),
                  batchesPerSecond, s.groupsPerSecond);
    line += tail;
    if (m_tty)
        std::fprintf(m_out, "\r\033[K%s", line.c_str());
    else
        std::fputs(line.c_str(), m_out);
    m_lineOpen = m_tty;
    if (final) {
        std::fputc('\n', m_out);
        m_lineOpen = false;
    }
    std::fflush(m_out);
}

} // namespace parity
