// The base-model accuracy lines of docs/BEHAVIOUR.md §6, with the reference weights on the
// real Fashion-MNIST (skipped where either is missing).
#include "TestPaths.h"

#include "catalog/Catalog.h"
#include "training/PreparedData.h"
#include "io/StateDict.h"

#include <gtest/gtest.h>

#include <filesystem>

using namespace parity;

TEST(ReferenceFidelity, FashionMnistBaseModelAccuraciesEqualSpec)
{
    const std::string weights = std::string(PARITY_REFERENCE_DIR) + "/fashion-mnist-base-mlp.pt";
    const std::string data = "/usr/share/datasets/fashion-mnist";
    if (!std::filesystem::exists(weights) || !std::filesystem::exists(data))
        GTEST_SKIP() << "needs " << weights << " and Debian's dataset-fashion-mnist";
    const Catalog& catalog = Catalog::instance();
    const DatasetEntry& dataset = *catalog.dataset("fashion-mnist");
    auto model = catalog.model("base-mlp")->create(dataset);
    loadStateDict(*model, readStateDict(weights), weights);
    const RawDataset raw = dataset.load(data);
    DatasetPreparer preparer(dataset, dataset.shape, 2, 5000, 1);
    const PreparedData prepared = preparer.prepare(raw, *model, nullptr, nullptr);
    ASSERT_EQ(prepared.baseAccuracies.size(), 2u);
    EXPECT_EQ(prepared.baseAccuracies[0].correct, 57882);
    EXPECT_EQ(prepared.baseAccuracies[0].total, 60000);
    EXPECT_EQ(prepared.baseAccuracies[1].correct, 8947);
    EXPECT_EQ(prepared.baseAccuracies[1].total, 10000);
    EXPECT_EQ(prepared.val.indices.size(), 5000u);
    EXPECT_EQ(prepared.train.indices.size(), 55000u);
}
