#pragma once
#include <string>
#include <string_view>

namespace parity {

/// Writes `bytes` to `path` so that a crash or full disk never leaves a broken
/// file behind: the bytes go to `path.tmp-<pid>`, are flushed to disk, and the
/// temporary file is renamed over `path`. Throws parity::Error naming the file
/// on failure; the previous content of `path` is then untouched.
///
/// Fault injection for the kill drill (bench/kill_drill.sh, issue 5): with the
/// environment variable PARITY_FAULT_KILL="<n>:<where>" the process sends
/// itself SIGKILL during its n-th call (counted from 1): <where> is a byte
/// count (killed after writing that many bytes of the temporary file),
/// "synced" (file complete and flushed, not yet renamed) or "renamed" (just
/// after the rename). Unset, nothing changes.
void writeFileAtomically(const std::string& path, std::string_view bytes);

/// Deletes the temporary files (`<name>.tmp-<pid>`) in `dir` that a killed
/// process left behind: those whose process no longer exists. Returns how
/// many it removed.
int removeStaleTemporaryFiles(const std::string& dir);

/// Reads a whole file; throws parity::Error naming the file if it can't.
std::string readWholeFile(const std::string& path);

} // namespace parity
