#include "catalog/Catalog.h"

#include "coders/BerrutCoders.h"
#include "coders/AdditionEncoder.h"
#include "coders/ConcatenationEncoder.h"
#include "coders/ConvEncoder.h"
#include "coders/MlpDecoder.h"
#include "coders/MlpEncoder.h"
#include "coders/SubtractionDecoder.h"
#include "data/CifarFiles.h"
#include "data/CubFiles.h"
#include "data/ClassFolders.h"
#include "data/GCommandsFolder.h"
#include "data/ImageFolderSource.h"
#include "data/ImageAugment.h"
#include "data/ImageTransforms.h"
#include "losses/CrossEntropyLoss.h"
#include "losses/KlDivLoss.h"
#include "data/MnistFiles.h"
#include "models/BaseMlp.h"
#include "models/LeNet.h"
#include "models/ResNet.h"
#include "models/TorchScriptNetwork.h"
#include "models/Vgg.h"

#include "util/Error.h"

#include <algorithm>

namespace parity {

namespace {

DatasetEntry mnistFamily(const std::string& name, std::vector<std::string> classNames, std::string defaultDir)
{
    DatasetEntry d;
    d.name = name;
    d.numClasses = 10;
    d.shape = {1, 28, 28};
    d.classNames = std::move(classNames);
    d.defaultDataDir = std::move(defaultDir);
    d.valFromTrain = true;
    d.load = [](const std::string& dir) {
        MnistFiles files = loadMnistDirectory(dir, 10);
        RawDataset raw;
        raw.train = std::move(files.train);
        raw.test = std::move(files.test);
        return raw;
    };
    // torchvision's ToTensor: uint8 -> float in [0, 1].
    d.toInput = [](const at::Tensor& images) { return bytesToUnitFloat(images); };
    d.byteTable.resize(256);
    for (int b = 0; b < 256; ++b)
        d.byteTable[size_t(b)] = float(b) / 255.0f; // == bytesToUnitFloat
    return d;
}

// docs/BEHAVIOUR.md §4: ToTensor + Normalize with CIFAR's statistics; the training split's
// code transform adds RandomCrop(32, padding=4) + RandomHorizontalFlip.
DatasetEntry cifarFamily(const std::string& name, int numClasses, const std::vector<std::string>& classNames)
{
    DatasetEntry d;
    d.name = name;
    d.numClasses = numClasses;
    d.shape = {3, 32, 32};
    d.classNames = classNames;
    d.valFromTrain = true;
    d.load = [numClasses](const std::string& dir) { return loadCifarDirectory(dir, numClasses); };
    d.byteTable = normalizedByteTable({0.4914f, 0.4822f, 0.4465f}, {0.2023f, 0.1994f, 0.2010f});
    d.toInput = [table = d.byteTable](const at::Tensor& images) { return applyByteTable(images, table); };
    d.trainAugment = [](const uint8_t* src, uint8_t* dst, std::mt19937_64& rng) {
        randomCropFlip(src, dst, 3, 32, 32, 4, rng);
    };
    d.checkDir = [numClasses](const std::string& dir) { return missingCifarFiles(dir, numClasses); };
    return d;
}

// docs/BEHAVIOUR.md §4: spectrograms of 16 kHz WAV files, computed when a batch needs them.
DatasetEntry gcommands()
{
    DatasetEntry d;
    d.name = "gcommands";
    d.numClasses = 30;
    d.shape = {1, 161, 101};
    d.classNames = gcommandsClassNames();
    d.valFromTrain = false;
    d.load = [](const std::string& dir) { return loadGCommandsDirectory(dir, 30); };
    d.checkDir = [](const std::string& dir) { return missingSplitFolders(dir, {"train", "valid|val", "test"}); };
    // The spectrogram is the model input already (z-scored by the loader).
    d.toInput = [](const at::Tensor& spectrograms) { return spectrograms.to(at::kFloat).contiguous(); };
    return d;
}

// docs/BEHAVIOUR.md §4: JPEG / PNG class folders, decoded when a batch needs them;
// Resize(256) + CenterCrop(224) + ImageNet normalisation.
DatasetEntry catVDog()
{
    DatasetEntry d;
    d.name = "cat_v_dog";
    d.numClasses = 2;
    d.shape = {3, 224, 224};
    d.classNames = {"cat", "dog"};
    d.valFromTrain = false;
    d.load = [](const std::string& dir) { return loadImageFolderSplits(dir, 2); };
    d.checkDir = [](const std::string& dir) { return missingSplitFolders(dir, {"train", "val", "test"}); };
    d.toInput = [table = normalizedByteTable({0.485f, 0.456f, 0.406f}, {0.229f, 0.224f, 0.225f})](
                    const at::Tensor& images) { return applyByteTable(images, table); };
    return d;
}

// docs/BEHAVIOUR.md §4, object localization: CUB-200-2011 images resized to 224 x 224,
// ImageNet normalisation; the base model predicts one normalised box.
DatasetEntry cub()
{
    DatasetEntry d;
    d.name = "cub";
    d.task = Task::Localization;
    d.numClasses = 4;
    d.shape = {3, 224, 224};
    d.classNames = {"x", "y", "w", "h"};
    d.valFromTrain = true;
    d.load = [](const std::string& dir) { return loadCubDirectory(dir); };
    d.loadWithBaseOutputs = [](const std::string& dir, const std::string& boxes) {
        return loadCubDirectory(dir, boxes);
    };
    d.checkDir = [](const std::string& dir) { return missingCubFiles(dir); };
    d.toInput = [table = normalizedByteTable({0.485f, 0.456f, 0.406f}, {0.229f, 0.224f, 0.225f})](
                    const at::Tensor& images) { return applyByteTable(images, table); };
    return d;
}

std::string onlyFlat784(const DatasetEntry& d)
{
    if (d.shape.numel() != 784)
        return "base-mlp takes 784 inputs (28x28 grey); " + d.name + " has " + d.shape.toString() + " samples";
    return "";
}

// The original ties each architecture to the datasets it was built for.
std::function<std::string(const DatasetEntry&)> onlyFor(std::string model, std::vector<std::string> names)
{
    return [model, names](const DatasetEntry& d) -> std::string {
        if (std::find(names.begin(), names.end(), d.name) != names.end())
            return "";
        std::string list;
        for (const auto& n : names)
            list += (list.empty() ? "" : ", ") + n;
        return model + " is defined for " + list + ", not " + d.name;
    };
}

template <typename Entry>
const Entry* findByName(const std::vector<Entry>& entries, const std::string& name)
{
    for (const auto& e : entries) {
        if (e.className == name)
            return &e;
        if (std::find(e.aliases.begin(), e.aliases.end(), name) != e.aliases.end())
            return &e;
    }
    return nullptr;
}

} // namespace

const Catalog& Catalog::instance()
{
    static const Catalog catalog;
    return catalog;
}

Catalog::Catalog()
{
    // Datasets (docs/BEHAVIOUR.md §4).
    m_datasets.push_back(mnistFamily("mnist", {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"}, ""));
    m_datasets.push_back(mnistFamily("fashion-mnist",
                                     {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt",
                                      "Sneaker", "Bag", "Ankle boot"},
                                     "/usr/share/datasets/fashion-mnist"));
    m_datasets.push_back(cifarFamily("cifar10", 10, cifar10ClassNames()));
    m_datasets.push_back(cifarFamily("cifar100", 100, cifar100ClassNames()));
    m_datasets.push_back(gcommands());
    m_datasets.push_back(catVDog());
    m_datasets.push_back(cub());

    // Base / parity model architectures.
    m_models.push_back({"base-mlp", onlyFlat784, [](const DatasetEntry& d) {
                            return std::make_shared<BaseMlp>(d.shape.numel(), d.numClasses);
                        }});
    m_models.push_back({"resnet18",
                        onlyFor("resnet18", {"mnist", "fashion-mnist", "cifar10", "cifar100", "cat_v_dog", "cub"}),
                        [](const DatasetEntry& d) -> std::shared_ptr<Network> {
                            if (d.name == "cat_v_dog" || d.name == "cub")
                                return makeResNet18ImageNet(d.numClasses, d.shape.height, d.shape.width);
                            if (d.name == "cifar10" || d.name == "cifar100")
                                return makeResNet18Cifar(d.shape.channels, d.numClasses);
                            return makeResNet18Grey28(d.numClasses);
                        }});
    m_models.push_back({"resnet152", onlyFor("resnet152", {"cifar100"}),
                        [](const DatasetEntry& d) { return makeResNet152Cifar(d.numClasses); }});
    m_models.push_back(
        {"vgg11", onlyFor("vgg11", {"gcommands"}), [](const DatasetEntry& d) { return makeVgg11(d.numClasses); }});
    m_models.push_back(
        {"lenet", onlyFor("lenet", {"gcommands"}), [](const DatasetEntry& d) { return makeLeNet(d.numClasses); }});
    // Bring your own model: a TorchScript file (config key model_script).
    m_models.push_back({"torchscript", [](const DatasetEntry&) { return std::string(); },
                        [](const DatasetEntry&) -> std::shared_ptr<Network> {
                            throw Error("model torchscript needs its file: config key model_script");
                        },
                        [](const DatasetEntry& d, const std::string& file) {
                            return std::make_shared<TorchScriptNetwork>(file, d.shape);
                        }});

    // Encoders.
    m_encoders.push_back(
        {"coders.summation.AdditionEncoder",
         {"add"},
         false,
         [](int, const ImageShape&) { return std::string(); },
         [](int k, int r, const ImageShape& s) { return std::make_shared<AdditionEncoder>(k, r, s); }});
    m_encoders.push_back(
        {"coders.image.ConcatenationEncoder",
         {"concat"},
         false,
         [](int k, const ImageShape& s) {
             if (k != 2 && k != 4)
                 return "coders.image.ConcatenationEncoder needs k = 2 or 4, not k = " + std::to_string(k);
             if (s.height % 2 || s.width % 2)
                 return "coders.image.ConcatenationEncoder needs even image height and width, not " + s.toString();
             return std::string();
         },
         [](int k, int r, const ImageShape& s) { return std::make_shared<ConcatenationEncoder>(k, r, s); }});

    m_encoders.push_back({"coders.mlp.MLPEncoder",
                          {"mlp"},
                          true,
                          [](int k, const ImageShape& s) { return MlpEncoder::unsupportedReason(k, s); },
                          [](int k, int r, const ImageShape& s) { return std::make_shared<MlpEncoder>(k, r, s); }});
    m_encoders.push_back({"coders.conv.ConvEncoder",
                          {"conv"},
                          true,
                          [](int, const ImageShape&) { return std::string(); },
                          [](int k, int r, const ImageShape& s) { return std::make_shared<ConvEncoder>(k, r, s); }});

    // Berrut approximate coded computing: training-free, the base model answers every coded query.
    m_encoders.push_back({"coders.berrut.BerrutEncoder",
                          {"berrut"},
                          false,
                          [](int, const ImageShape&) { return std::string(); },
                          [](int k, int r, const ImageShape& s) { return std::make_shared<BerrutEncoder>(k, r, s); }});

    // Decoders.
    m_decoders.push_back({"coders.summation.SubtractionDecoder", {"sub"}, false, [](int k, int r, int64_t c) {
                              return std::make_shared<SubtractionDecoder>(k, r, c);
                          }});

    m_decoders.push_back({"coders.berrut.BerrutDecoder", {"berrut"}, false, [](int k, int r, int64_t c) {
                              return std::make_shared<BerrutDecoder>(k, r, c);
                          }});

    m_decoders.push_back({"coders.mlp.MLPDecoder", {"mlp"}, true, [](int k, int r, int64_t c) {
                              return std::make_shared<MlpDecoder>(k, r, c);
                          }});

    // Losses.
    m_losses.push_back({"torch.nn.MSELoss", {"mse", "MSE"}, false, [] { return std::make_unique<MseLoss>(); }});
    m_losses.push_back(
        {"loss.kldiv.KLDivLoss", {"kldiv", "KLDiv"}, true, [] { return std::make_unique<KlDivLoss>(); }});
    m_losses.push_back({"torch.nn.CrossEntropyLoss", {"ce", "crossentropy", "CrossEntropy"}, true, [] {
                            return std::make_unique<CrossEntropyLoss>();
                        }});
}

const DatasetEntry* Catalog::dataset(const std::string& name) const
{
    for (const auto& d : m_datasets)
        if (d.name == name)
            return &d;
    return nullptr;
}

const ModelEntry* Catalog::model(const std::string& name) const
{
    for (const auto& m : m_models)
        if (m.name == name)
            return &m;
    return nullptr;
}

std::shared_ptr<Network> ModelEntry::make(const DatasetEntry& dataset, const std::string& modelFile) const
{
    if (createFromFile) {
        if (modelFile.empty())
            throw Error("model " + name + " needs its file: config key model_script");
        return createFromFile(dataset, modelFile);
    }
    return create(dataset);
}

const EncoderEntry* Catalog::encoder(const std::string& n) const { return findByName(m_encoders, n); }
const DecoderEntry* Catalog::decoder(const std::string& n) const { return findByName(m_decoders, n); }
const LossEntry* Catalog::loss(const std::string& n) const { return findByName(m_losses, n); }

bool isKnownButUnavailable(const std::string& name)
{
    static const std::vector<std::string> pending = {}; // the catalogue is complete
    return std::find(pending.begin(), pending.end(), name) != pending.end();
}

} // namespace parity
