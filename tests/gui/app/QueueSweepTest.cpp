// Issue 16, item 4: the queue submitted to Slurm is one sweep with exactly
// the queue's runs: the opened file when it still describes them, else a
// sweep made of them; a queue no sweep describes is refused with the reason.
#include "QueueSweep.h"

#include "support/GuiTestRuns.h"

#include <QDir>
#include <QtTest>

#include <filesystem>
#include <fstream>

using parity::gui::QueueSweep;

namespace {
QString q(const std::string& s) { return QString::fromStdString(s); }

std::vector<parity::RunConfig> runsOf(const parity::SweepConfig& sweep) { return sweep.runs(); }
} // namespace

class QueueSweepTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void theOpenedFileWhenTheQueueIsItsRuns()
    {
        parity::test::TempDir tmp;
        auto c = parity::test::tinyRunConfig(tmp / "data", tmp / "save", 1);
        nlohmann::json j = c.toConfigFile();
        j["k_vals"] = {2, 3};
        j["description"] = "two k";
        std::ofstream(tmp / "sweep.json") << j.dump(2);
        const auto runs = runsOf(parity::SweepConfig::load(tmp / "sweep.json"));
        QString error;
        const auto sweep = QueueSweep::of(runs, q(tmp / "sweep.json"), &error);
        QVERIFY2(sweep, qPrintable(error));
        QVERIFY(sweep->fromFile);
        QCOMPARE(sweep->sweep.source().value("description", ""), std::string("two k"));
        QCOMPARE(int(sweep->sweep.runs().size()), 2);
    }

    // Axes in the queue's order; batch sizes that differ by k (the default per
    // k) are left to the default; paths made absolute.
    void aSweepOfTheQueuesOwn()
    {
        // The runs as a queue holds them (the k axis is inner to the datasets).
        const auto reference = parity::SweepConfig::fromJson(
            {{"datasets", {"fashion-mnist", "mnist"}},
             {"models", {"base-mlp"}},
             {"k_vals", {3, 2}},
             {"losses", {"mse"}},
             {"enc_dec_types", nlohmann::json::array({nlohmann::json::array(
                                   {"coders.summation.AdditionEncoder", "coders.summation.SubtractionDecoder"})})},
             {"num_epoch", 10},
             {"train_parity_model", true},
             {"save_dir", "relative-save"},
             {"data_dir", "data"}},
            "reference");
        const auto runs = reference.runs(); // in the sweep's order: fashion-mnist k = 3, 2; mnist k = 3, 2
        QCOMPARE(int(runs.size()), 4);
        QString error;
        const auto sweep = QueueSweep::of(runs, QString(), &error);
        QVERIFY2(sweep, qPrintable(error));
        QVERIFY(!sweep->fromFile);
        QCOMPARE(sweep->sweep.source().at("k_vals"), nlohmann::json({3, 2}));
        QCOMPARE(sweep->sweep.source().at("datasets"), nlohmann::json({"fashion-mnist", "mnist"}));
        QVERIFY(!sweep->sweep.source().contains("batch_size")); // 32 and 64: the default per k
        const std::string save = QDir::cleanPath(QDir::current().absoluteFilePath("relative-save")).toStdString();
        for (size_t i = 0; i < runs.size(); ++i) {
            QCOMPARE(sweep->sweep.runs()[i].k, runs[i].k);
            QCOMPARE(sweep->sweep.runs()[i].dataset, runs[i].dataset);
            QCOMPARE(sweep->sweep.runs()[i].batchSize, runs[i].batchSize);
            QCOMPARE(sweep->sweep.runs()[i].saveDir, save);
        }
    }

    void aQueueNoSweepDescribesIsRefused_data()
    {
        QTest::addColumn<int>("edit");
        QTest::newRow("epochs of one run") << 0;
        QTest::newRow("a combination missing") << 1;
        QTest::newRow("out of the sweep's order") << 2;
    }
    void aQueueNoSweepDescribesIsRefused()
    {
        QFETCH(int, edit);
        const auto reference = parity::SweepConfig::fromJson(
            {{"datasets", {"fashion-mnist", "mnist"}},
             {"models", {"base-mlp"}},
             {"k_vals", {2, 3}},
             {"losses", {"mse"}},
             {"enc_dec_types", nlohmann::json::array({nlohmann::json::array({"add", "sub"})})},
             {"train_parity_model", true},
             {"num_epoch", 1}},
            "reference");
        auto runs = reference.runs(); // fashion-mnist k = 2, 3; mnist k = 2, 3
        if (edit == 0)
            runs[1].numEpochs = 4;
        else if (edit == 1)
            runs.erase(runs.begin() + 1);
        else
            std::swap(runs[1], runs[2]);
        QString error;
        QVERIFY(!QueueSweep::of(runs, QString(), &error));
        QVERIFY2(error.contains("not one sweep"), qPrintable(error));
    }

    void anEmptyQueueIsRefused()
    {
        QString error;
        QVERIFY(!QueueSweep::of({}, QString(), &error));
        QVERIFY(!error.isEmpty());
    }
};

QTEST_MAIN(QueueSweepTest)
#include "QueueSweepTest.moc"
