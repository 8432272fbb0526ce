#pragma once
// Torch-free: the workbench draws served accuracy from a run's files.
#include <map>
#include <string>
#include <vector>

namespace parity {

/// What a run's test metrics say about the predictions users are served when
/// some are unavailable (docs/CODES.md, "Served accuracy").
struct ServedAccuracyInputs {
    int k = 2;
    int r = 1;
    /// Berrut: every prediction is decoded from the workers that returned.
    bool decodesEveryPosition = false;
    double baseAccuracy = 0;    ///< the base model's test accuracy (an available prediction)
    double defaultAccuracy = 0; ///< test accuracy of always answering the most frequent training class
    /// e -> overall top-1 of the decoded predictions with e units missing
    /// (ParM: the e reconstructed ones, e = 1..r; Berrut: all k, e = 0..k).
    std::map<int, double> decoded;
};

struct ServedAccuracy {
    /// e = 0..k unavailable predictions of a group: the code's served
    /// accuracy, and without redundancy (missing -> the default prediction).
    std::vector<double> byErased;
    std::vector<double> noRedundancyByErased;
    /// f = 0, 0.05, ..., 0.5: each prediction unavailable independently with
    /// probability f, the expectation over e ~ Binomial(k, f).
    std::vector<double> fractions;
    std::vector<double> byFraction;
    std::vector<double> noRedundancyByFraction;
};

/// Throws parity::Error when `in.decoded` lacks an e the code needs.
ServedAccuracy computeServedAccuracy(const ServedAccuracyInputs& in);
/// sum_e C(k, e) f^e (1 - f)^(k - e) byErased[e], k = byErased.size() - 1.
double expectedServedAccuracy(const std::vector<double>& byErased, double f);
/// served_accuracy.csv: `measure,value,served_accuracy,no_redundancy`, rows
/// `erased,<e>,...` for e = 0..k then `fraction,<f>,...`.
std::string servedAccuracyCsv(const ServedAccuracy& s);
/// Reads what servedAccuracyCsv wrote; throws parity::Error naming `path`.
ServedAccuracy readServedAccuracyCsv(const std::string& path);

} // namespace parity
