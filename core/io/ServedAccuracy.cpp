#include "io/ServedAccuracy.h"

#include "io/ResultWriter.h"
#include "util/AtomicFile.h"
#include "util/Error.h"

#include <cmath>
#include <cstdlib>
#include <sstream>

namespace parity {

namespace {

constexpr int kFractionSteps = 10; // f = 0, 0.05, ..., 0.5

double decodedAt(const ServedAccuracyInputs& in, int e)
{
    const auto it = in.decoded.find(e);
    if (it == in.decoded.end())
        throw Error("served accuracy: no test accuracy measured with " + std::to_string(e) + " missing");
    return it->second;
}

std::vector<std::string> fieldsOf(const std::string& line)
{
    std::vector<std::string> out;
    std::stringstream ss(line);
    std::string field;
    while (std::getline(ss, field, ','))
        out.push_back(field);
    return out;
}

} // namespace

double expectedServedAccuracy(const std::vector<double>& byErased, double f)
{
    const int k = int(byErased.size()) - 1;
    double sum = 0;
    double choose = 1; // C(k, e)
    for (int e = 0; e <= k; ++e) {
        sum += choose * std::pow(f, e) * std::pow(1 - f, k - e) * byErased[size_t(e)];
        choose = choose * double(k - e) / double(e + 1);
    }
    return sum;
}

ServedAccuracy computeServedAccuracy(const ServedAccuracyInputs& in)
{
    ServedAccuracy s;
    const double k = in.k;
    for (int e = 0; e <= in.k; ++e) {
        // Without redundancy the available predictions are the base model's
        // and a missing one gets the default answer.
        const double none = ((k - e) * in.baseAccuracy + e * in.defaultAccuracy) / k;
        s.noRedundancyByErased.push_back(none);
        if (in.decodesEveryPosition)
            s.byErased.push_back(decodedAt(in, e)); // all k decoded from N - e workers
        else if (e == 0)
            s.byErased.push_back(in.baseAccuracy);
        else if (e <= in.r)
            s.byErased.push_back(((k - e) * in.baseAccuracy + e * decodedAt(in, e)) / k);
        else
            s.byErased.push_back(none); // more missing than parities: nothing to decode
    }
    for (int i = 0; i <= kFractionSteps; ++i) {
        const double f = double(i) / 20.0;
        s.fractions.push_back(f);
        s.byFraction.push_back(expectedServedAccuracy(s.byErased, f));
        s.noRedundancyByFraction.push_back(expectedServedAccuracy(s.noRedundancyByErased, f));
    }
    return s;
}

std::string servedAccuracyCsv(const ServedAccuracy& s)
{
    std::string out = "measure,value,served_accuracy,no_redundancy\n";
    for (size_t e = 0; e < s.byErased.size(); ++e)
        out += "erased," + std::to_string(e) + "," + pythonFloatRepr(s.byErased[e]) + ","
               + pythonFloatRepr(s.noRedundancyByErased[e]) + "\n";
    for (size_t i = 0; i < s.fractions.size(); ++i)
        out += "fraction," + pythonFloatRepr(s.fractions[i]) + "," + pythonFloatRepr(s.byFraction[i]) + ","
               + pythonFloatRepr(s.noRedundancyByFraction[i]) + "\n";
    return out;
}

ServedAccuracy readServedAccuracyCsv(const std::string& path)
{
    std::stringstream text(readWholeFile(path));
    std::string line;
    if (!std::getline(text, line) || line != "measure,value,served_accuracy,no_redundancy")
        throw Error(path + ": line 1: expected the header \"measure,value,served_accuracy,no_redundancy\"");
    ServedAccuracy s;
    for (int lineNo = 2; std::getline(text, line); ++lineNo) {
        const auto f = fieldsOf(line);
        double values[3] = {0, 0, 0};
        bool ok = f.size() == 4;
        for (size_t i = 0; ok && i < 3; ++i) {
            char* end = nullptr;
            values[i] = std::strtod(f[i + 1].c_str(), &end);
            ok = end && *end == '\0' && !f[i + 1].empty();
        }
        if (!ok || (f[0] != "erased" && f[0] != "fraction"))
            throw Error(path + ": line " + std::to_string(lineNo)
                        + ": expected \"erased|fraction,<value>,<served>,<no redundancy>\"");
        if (f[0] == "erased") {
            if (values[0] != double(s.byErased.size()))
                throw Error(path + ": line " + std::to_string(lineNo) + ": erased counts must run 0, 1, 2, ...");
            s.byErased.push_back(values[1]);
            s.noRedundancyByErased.push_back(values[2]);
        } else {
            s.fractions.push_back(values[0]);
            s.byFraction.push_back(values[1]);
            s.noRedundancyByFraction.push_back(values[2]);
        }
    }
    if (s.byErased.empty() || s.fractions.empty())
        throw Error(path + ": no erased or fraction rows");
    return s;
}

} // namespace parity
