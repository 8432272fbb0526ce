#pragma once
#include "coders/Decoder.h"
#include "coders/Encoder.h"
#include "data/ImageShape.h"
#include "data/RawDataset.h"
#include "losses/Loss.h"
#include "models/Network.h"

#include <ATen/ATen.h>

#include <functional>
#include <memory>
#include <random>
#include <string>
#include <vector>

namespace parity {

/// What the base model predicts, and so how reconstructions are scored.
enum class Task {
    Classification, ///< logits of numClasses classes; top-n accuracies (docs/BEHAVIOUR.md §3.6)
    Localization,   ///< one box (x, y, w, h) normalised; IoU metrics (LocalizationMetrics)
};

/// A dataset the core can read (docs/BEHAVIOUR.md §4).
struct DatasetEntry {
    std::string name;
    Task task = Task::Classification;
    /// Number of base-model outputs: the classes, or 4 for a box.
    int64_t numClasses = 10;
    ImageShape shape;
    std::vector<std::string> classNames;
    std::string defaultDataDir; ///< "" when there is no standard location
    /// True for the downloadable sets whose val split is drawn from train.
    bool valFromTrain = true;
    std::function<RawDataset(const std::string& dir)> load;
    /// Optional (localization): `load` plus the base model's outputs read
    /// from a file (config key base_boxes) instead of computed.
    std::function<RawDataset(const std::string& dir, const std::string& baseOutputsFile)> loadWithBaseOutputs;
    /// The base transform after decoding: uint8 (N, C, H, W) -> model input
    /// float (N, C, H, W) (e.g. ToTensor's /255, then normalisation).
    std::function<at::Tensor(const at::Tensor& images)> toInput;
    /// Optional: when toInput maps each byte of channel c to table[c * 256 + b]
    /// (ToTensor, Normalize), that table. Prepared code inputs then stay bytes
    /// (4x less memory) and become floats batch by batch, bit for bit the same.
    std::vector<float> byteTable;
    /// Optional: the training split's random code transform on one decoded
    /// in-memory sample (uint8, `shape`), drawn from `rng`, e.g. CIFAR's
    /// random crop with padding 4 + horizontal flip. It runs before the
    /// encoder's resize and the byte table. (Sets decoded on demand do this
    /// in SampleSource::loadForCode instead.)
    std::function<void(const uint8_t* src, uint8_t* dst, std::mt19937_64& rng)> trainAugment;
    /// Optional quick look at a data directory without reading it (for
    /// --describe): "" when the files the loader needs seem to be there,
    /// else what is missing. Without it, an existing directory counts.
    std::function<std::string(const std::string& dir)> checkDir;
};

/// A base / parity model architecture.
struct ModelEntry {
    ModelEntry(std::string name_, std::function<std::string(const DatasetEntry&)> unsupportedReason_,
               std::function<std::shared_ptr<Network>(const DatasetEntry&)> create_,
               std::function<std::shared_ptr<Network>(const DatasetEntry&, const std::string&)> createFromFile_ = {})
        : name(std::move(name_))
        , unsupportedReason(std::move(unsupportedReason_))
        , create(std::move(create_))
        , createFromFile(std::move(createFromFile_))
    {
    }

    std::string name;
    /// "" when the architecture fits the dataset, else why not.
    std::function<std::string(const DatasetEntry&)> unsupportedReason;
    std::function<std::shared_ptr<Network>(const DatasetEntry&)> create;
    /// Set for architectures that come from a file (TorchScript): builds the
    /// network from `file` (the run's model_script); `create` is then unused.
    std::function<std::shared_ptr<Network>(const DatasetEntry&, const std::string& file)> createFromFile;

    bool needsModelFile() const { return bool(createFromFile); }
    /// The network for `dataset`: from `modelFile` for file-based
    /// architectures, else built by `create`.
    std::shared_ptr<Network> make(const DatasetEntry& dataset, const std::string& modelFile) const;
};

struct EncoderEntry {
    std::string className;
    std::vector<std::string> aliases;
    bool learnable = false;
    /// "" when (k, image) is allowed, else why not.
    std::function<std::string(int k, const ImageShape&)> unsupportedReason;
    std::function<std::shared_ptr<Encoder>(int k, int r, const ImageShape&)> create;
};

struct DecoderEntry {
    std::string className;
    std::vector<std::string> aliases;
    bool learnable = false;
    std::function<std::shared_ptr<Decoder>(int k, int r, int64_t numClasses)> create;
};

struct LossEntry {
    std::string className;
    std::vector<std::string> aliases;
    /// KLDiv and CrossEntropy: only with a trained encoder and decoder.
    bool needsTrainedCoders = false;
    std::function<std::unique_ptr<Loss>()> create;
};

/// Every component the core knows, by the name a config file uses. New
/// datasets, models, coders and losses are one registration line each in
/// Catalog.cpp.
class Catalog {
public:
    static const Catalog& instance();

    const DatasetEntry* dataset(const std::string& name) const;
    const ModelEntry* model(const std::string& name) const;
    const EncoderEntry* encoder(const std::string& nameOrAlias) const;
    const DecoderEntry* decoder(const std::string& nameOrAlias) const;
    const LossEntry* loss(const std::string& nameOrAlias) const;

    const std::vector<DatasetEntry>& datasets() const { return m_datasets; }
    const std::vector<ModelEntry>& models() const { return m_models; }
    const std::vector<EncoderEntry>& encoders() const { return m_encoders; }
    const std::vector<DecoderEntry>& decoders() const { return m_decoders; }
    const std::vector<LossEntry>& losses() const { return m_losses; }

private:
    Catalog();
    std::vector<DatasetEntry> m_datasets;
    std::vector<ModelEntry> m_models;
    std::vector<EncoderEntry> m_encoders;
    std::vector<DecoderEntry> m_decoders;
    std::vector<LossEntry> m_losses;
};

/// Names the original framework accepts but this build does not provide yet
/// (its catalogue is being completed): a config naming one is told so.
bool isKnownButUnavailable(const std::string& name);

} // namespace parity
