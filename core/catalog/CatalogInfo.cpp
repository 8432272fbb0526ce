#include "catalog/CatalogInfo.h"

#include "catalog/Catalog.h"
#include "util/Error.h"

#include <torch/cuda.h>

#include <algorithm>

namespace parity {

namespace {

/// Every dataset name the original framework accepts (docs/BEHAVIOUR.md §2, §4).
const char* const kOriginalDatasets[] = {"mnist",     "fashion-mnist", "cifar10", "cifar100",
                                         "cat_v_dog", "gcommands",     "cub"};

CatalogInfo build()
{
    const Catalog& catalog = Catalog::instance();
    CatalogInfo info;
    for (const auto& d : catalog.datasets())
        info.datasets.push_back({d.name, d.numClasses, d.shape.toString(), d.classNames, d.defaultDataDir, true});
    for (const char* name : kOriginalDatasets) {
        if (!catalog.dataset(name) && isKnownButUnavailable(name))
            info.datasets.push_back({name, 0, "", {}, "", false});
    }
    for (const auto& m : catalog.models())
        info.models.push_back({m.name, {}, false, false});
    for (const auto& e : catalog.encoders())
        info.encoders.push_back({e.className, e.aliases, e.learnable, false});
    for (const auto& d : catalog.decoders())
        info.decoders.push_back({d.className, d.aliases, d.learnable, false});
    for (const auto& l : catalog.losses())
        info.losses.push_back({l.className, l.aliases, false, l.needsTrainedCoders});
    info.cudaAvailable = torch::cuda::is_available();
    return info;
}

} // namespace

const DatasetInfo* CatalogInfo::dataset(const std::string& name) const
{
    for (const auto& d : datasets) {
        if (d.name == name)
            return &d;
    }
    return nullptr;
}

const CatalogInfo& catalogInfo()
{
    static const CatalogInfo info = build();
    return info;
}

int64_t validationSamples(int64_t usable, int64_t valSize, int k)
{
    if (valSize <= 0)
        return 0;
    int64_t n = usable < 2 * valSize ? std::max<int64_t>(k, usable / 10) : valSize;
    if (n % k)
        n += k - n % k;
    return n;
}

DataProbe probeData(const std::string& dataset, const std::string& dir)
{
    DataProbe probe;
    const DatasetEntry* entry = Catalog::instance().dataset(dataset);
    probe.dir = dir.empty() && entry ? entry->defaultDataDir : dir;
    if (!entry) {
        probe.problem = "unknown dataset \"" + dataset + "\"";
        return probe;
    }
    if (probe.dir.empty()) {
        probe.problem = dataset + " has no standard location: choose its data directory";
        return probe;
    }
    try {
        const RawDataset raw = entry->load(probe.dir);
        probe.trainCount = raw.train.size();
        probe.testCount = raw.test.size();
        probe.valCount = raw.val ? raw.val->size() : 0;
        probe.readable = true;
    } catch (const std::exception& e) {
        probe.problem = e.what();
    }
    return probe;
}

} // namespace parity
