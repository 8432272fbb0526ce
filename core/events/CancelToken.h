#pragma once
#include <atomic>

namespace parity {

/// Checked by the trainer once per batch; a stop finishes the current batch
/// and keeps the last checkpoint.
class CancelToken {
public:
    void cancel() { m_cancelled.store(true, std::memory_order_relaxed); }
    void reset() { m_cancelled.store(false, std::memory_order_relaxed); }
    bool isCancelled() const { return m_cancelled.load(std::memory_order_relaxed); }

private:
    std::atomic<bool> m_cancelled{false};
};

} // namespace parity
