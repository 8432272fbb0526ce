#pragma once
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

} // namespace parity
