#pragma once
// The command line of a benchmark. Each one used to skip what it did not
// know, so `--help` or a typo such as `--run 3` started a full run on the
// defaults, and `--runs x` ran 0 times. Here an unknown option, a missing
// value or one that is not a number in range stops before anything runs,
// naming the option, and `--help` prints the usage.
#include <cerrno>
#include <climits>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <utility>

namespace parity::bench {

class BenchArgs {
public:
    /// `usage` is what follows the program's name in the usage line, e.g.
    /// "[RUN_DIR] [--runs N] [--check]"; the options are read from it: an
    /// "--name" followed by a word takes a value, one followed by another
    /// option (or nothing) is a switch, and a word before any option is the
    /// one positional argument.
    BenchArgs(int argc, char** argv, std::string usage)
        : m_program(argc > 0 ? argv[0] : "benchmark")
        , m_usage(std::move(usage))
    {
        readUsage();
        for (int i = 1; i < argc; ++i) {
            const std::string a = argv[i];
            if (a == "--help" || a == "-h") {
                std::printf("usage: %s%s%s\n", m_program.c_str(), m_usage.empty() ? "" : " ", m_usage.c_str());
                std::exit(0);
            }
            if (m_valued.count(a)) {
                // "--config --epochs 3" lacks the config; "--load -1" is a (bad) number.
                if (i + 1 >= argc || std::string(argv[i + 1]).rfind("--", 0) == 0)
                    fail(a + " needs a value");
                m_values[a] = argv[++i];
            } else if (m_switches.count(a)) {
                m_values[a] = "";
            } else if (a.rfind("-", 0) != 0 && m_hasPositional && !m_positional) {
                m_positional = true;
                m_values[""] = a;
            } else {
                fail(a.rfind("-", 0) == 0 ? "unknown option " + a : "unexpected argument " + a);
            }
        }
    }

    bool has(const std::string& name) const { return m_values.count(name) > 0; }

    std::string text(const std::string& name, const std::string& fallback) const
    {
        const auto it = m_values.find(name);
        return it == m_values.end() ? fallback : it->second;
    }

    /// The positional argument, or `fallback`.
    std::string positional(const std::string& fallback) const { return text("", fallback); }

    /// An int from `lowest` to INT_MAX (a larger number would wrap when narrowed).
    int integer(const std::string& name, int fallback, int lowest) const
    {
        return int(integer64(name, fallback, lowest, INT_MAX));
    }

    /// A 64-bit integer from `lowest` to `highest`.
    long long integer64(const std::string& name, long long fallback, long long lowest,
                        long long highest = LLONG_MAX) const
    {
        if (!has(name))
            return fallback;
        const std::string& s = m_values.at(name);
        char* end = nullptr;
        errno = 0;
        const long long v = std::strtoll(s.c_str(), &end, 10);
        if (s.empty() || *end || errno || v < lowest || v > highest)
            fail(label(name) + ": '" + s + "' is not an integer from " + std::to_string(lowest) + " to "
                 + std::to_string(highest));
        return v;
    }

    /// A finite number above 0.
    double positive(const std::string& name, double fallback) const
    {
        if (!has(name))
            return fallback;
        const std::string& s = m_values.at(name);
        char* end = nullptr;
        errno = 0;
        const double v = std::strtod(s.c_str(), &end);
        if (s.empty() || *end || errno || !(v > 0) || !std::isfinite(v))
            fail(label(name) + ": '" + s + "' is not a number above 0");
        return v;
    }

private:
    void readUsage()
    {
        std::string words = m_usage;
        for (char& c : words)
            if (c == '[' || c == ']')
                c = ' ';
        std::istringstream in(words);
        std::string word, option;
        bool seenOption = false;
        while (in >> word) {
            if (word.rfind("--", 0) == 0) {
                if (!option.empty())
                    m_switches.insert(option);
                option = word;
                seenOption = true;
            } else if (!option.empty()) {
                m_valued.insert(option);
                option.clear();
            } else if (!seenOption) {
                m_hasPositional = true;
            }
        }
        if (!option.empty())
            m_switches.insert(option);
    }

    std::string label(const std::string& name) const { return name.empty() ? "the argument" : name; }

    [[noreturn]] void fail(const std::string& problem) const
    {
        std::fprintf(stderr, "%s: %s\nusage: %s%s%s\n", m_program.c_str(), problem.c_str(), m_program.c_str(),
                     m_usage.empty() ? "" : " ", m_usage.c_str());
        std::exit(2);
    }

    std::string m_program, m_usage;
    std::set<std::string> m_valued, m_switches;
    bool m_hasPositional = false, m_positional = false;
    std::map<std::string, std::string> m_values; ///< "" holds the positional argument
};

} // namespace parity::bench
