#pragma once
#include <stdexcept>
#include <string>

namespace parity {

/// The one exception type the core throws for bad input: corrupt data files,
/// invalid configurations, wrong weights, mismatched checkpoints. The message
/// always names the file (or config key) and the problem, ready to show a user.
class Error : public std::runtime_error {
public:
    explicit Error(const std::string& message)
        : std::runtime_error(message)
    {
    }
};

/// Thrown when a run is stopped through its CancelToken.
class Cancelled : public std::runtime_error {
public:
    Cancelled()
        : std::runtime_error("run stopped by request")
    {
    }
};

} // namespace parity
