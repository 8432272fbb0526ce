#pragma once
#include <ctime>
#include <string>
#include <string_view>

namespace parity {

/// `s` without the white space (spaces, tabs, line ends) at either end.
inline std::string trimmed(std::string_view s)
{
    constexpr std::string_view space = " \t\r\n";
    const auto first = s.find_first_not_of(space);
    if (first == std::string_view::npos)
        return {};
    return std::string(s.substr(first, s.find_last_not_of(space) - first + 1));
}

/// The local time now, as strftime writes it with `format` (by default
/// ISO 8601 with the offset: "2026-12-02T07:17:01+0000").
inline std::string localTimeText(const char* format = "%Y-%m-%dT%H:%M:%S%z")
{
    char buf[64];
    const std::time_t t = std::time(nullptr);
    std::tm local{};
    localtime_r(&t, &local);
    return std::strftime(buf, sizeof buf, format, &local) ? buf : "";
}

} // namespace parity
