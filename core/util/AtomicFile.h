#pragma once
#include <string>
#include <string_view>

namespace parity {

/// Writes `bytes` to `path` so that a crash or full disk never leaves a broken
/// file behind: the bytes go to `path.tmp-<pid>`, are flushed to disk, and the
/// temporary file is renamed over `path`. Throws parity::Error naming the file
/// on failure; the previous content of `path` is then untouched.
void writeFileAtomically(const std::string& path, std::string_view bytes);

/// Reads a whole file; throws parity::Error naming the file if it can't.
std::string readWholeFile(const std::string& path);

} // namespace parity
