#include "ConsoleObserver.h"

#include "training/ProgressLine.h"

#include <cstdlib>
#include <string>
#include <unistd.h>

namespace parity {

ConsoleObserver::ConsoleObserver(std::FILE* out)
    : m_out(out)
    , m_tty(::isatty(::fileno(out)) == 1)
    , m_probe(std::getenv("PARITY_STARTUP_PROBE") != nullptr)
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
    if (m_probe && !m_probed && stats.split == "train") {
        m_probed = true;
        const auto began = std::chrono::steady_clock::now() - std::chrono::duration<double>(stats.elapsedSeconds);
        std::fprintf(stderr, "startup-probe: first-batch-ns=%lld\n",
                     (long long)std::chrono::duration_cast<std::chrono::nanoseconds>(began.time_since_epoch()).count());
    }
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
    if (result.split == "test") // the original computes test but does not print it
        return;
    draw(m_last, true);
}

void ConsoleObserver::draw(const BatchStats& s, bool final)
{
    const std::string line = progressLine(s);
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
