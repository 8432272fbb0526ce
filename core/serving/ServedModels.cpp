#include "serving/ServedModels.h"

#include "data/PilResize.h"
#include "io/Checkpoint.h"
#include "serving/ServiceMeasurement.h"
#include "training/PreparedData.h"
#include "training/RunComponents.h"
#include "util/Error.h"
#include "util/Threads.h"

#include <c10/core/InferenceMode.h>

#include <algorithm>
#include <filesystem>
#include <numeric>

namespace fs = std::filesystem;

namespace parity::serving {

ServedModels::ServedModels() = default;
ServedModels::~ServedModels() = default;
ServedModels::ServedModels(ServedModels&&) noexcept = default;
ServedModels& ServedModels::operator=(ServedModels&&) noexcept = default;

Network& ServedModels::codedModel(int64_t j) const
{
    return *parts->parities[std::min(size_t(j), parts->parities.size() - 1)];
}

ServedModels loadServedModels(const std::string& runDir, int64_t samples, int threads, TrainingObserver* observer)
{
    std::string path;
    for (const char* name : {"best.pth", "current.pth"})
        if (fs::exists(fs::path(runDir) / name)) {
            path = (fs::path(runDir) / name).string();
            break;
        }
    if (path.empty())
        throw Error(runDir + ": no best.pth or current.pth: not a run directory with trained models (train it first)");
    const Checkpoint checkpoint = Checkpoint::load(path);
    ServedModels models;
    models.config = checkpoint.config;
    models.checkpoint = path;
    const RunConfig& c = models.config;
    models.berrut = isBerrut(c);
    if (!models.berrut && c.trainsNothing())
        throw Error(path
                    + ": this run trained no parity model (train_parity_model false): there is no parity model "
                      "to serve");

    models.parts = std::make_unique<RunComponents>(c, Purpose::Evaluation);
    RunComponents& parts = *models.parts;
    applyThreadLocalSettings(plannedThreadSettings(threads, workloadOfModel(c.model)));
    const RawDataset raw = parts.loadData(observer, path);
    parts.build(raw, &checkpoint, path);
    const int64_t available = raw.test.labels.size(0);
    if (available < c.k)
        throw Error(path + ": the test split holds fewer than k = " + std::to_string(c.k) + " samples");
    const int64_t n = std::max<int64_t>(c.k, std::min(samples, available));
    std::vector<int64_t> idx(static_cast<size_t>(n));
    std::iota(idx.begin(), idx.end(), 0);

    c10::InferenceMode inference;
    const DatasetEntry& dataset = parts.dataset();
    models.inputs = raw.test.lazy ? loadBaseInputs(raw.test, dataset, idx.data(), n)
                                  : dataset.toInput(raw.test.images.narrow(0, 0, n));
    const ImageShape code = parts.encoder->codeInputShape();
    if (code == dataset.shape)
        models.codeInputs = models.inputs.reshape({n, -1});
    else if (!raw.test.lazy)
        models.codeInputs = dataset
                                .toInput(
                                    resizeBilinearLikePil(raw.test.images.narrow(0, 0, n), code.height, code.width))
                                .reshape({n, -1});
    else
        models.codeInputs = at::rand({n, code.numel()}, at::kFloat);
    return models;
}

} // namespace parity::serving
