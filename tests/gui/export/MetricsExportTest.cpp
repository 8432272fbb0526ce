// writeMetricsCsv / writeMetricsJson: what they write parses back to the record.
#include "export/MetricsExport.h"
#include "browser/RunRecordLoader.h"
#include "events/MetricNames.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <limits>

using parity::gui::RunRecord;

namespace {
RunRecord makeRecord(int epochs, bool withNan)
{
    RunRecord r;
    r.header = "mnist base-mlp 2 mse add sub";
    r.status = "finished";
    r.runDir = "/runs/x";
    r.config = QJsonObject{{"dataset", "mnist"}, {"k", 2}, {"lr", 0.001}};
    r.classNames = {"0", "1", "2"};
    r.baseAccuracies = {{"train", 450, 500}, {"test", 88, 100}};
    r.bestValReconstructionTop1 = 0.6875;
    r.started = "2024-05-01T10:00:00";
    r.updated = "2024-05-01T10:05:00";
    for (int e = 0; e < epochs; ++e) {
        parity::EpochSummary s;
        s.epoch = e;
        s.seconds = 1.25 + e;
        for (const char* split : {"train", "val", "test"}) {
            auto& m = s.splits[split];
            m.loss = (withNan && e == 0) ? std::numeric_limits<double>::quiet_NaN() : 3.0 / (e + 1) + 1e-7;
            m.accuracy["reconstruction_top1"] = 0.1 + 0.2 * e;
            m.accuracy["overall_top1"] = 0.05 + 0.2 * e;
            m.accuracy["reconstruction_top2"] = 0.3 + 0.1 * e;
            m.accuracy["overall_top2"] = 1.0 / 3.0;
            r.splitTimings[e][split] = {64 + e, 0.125 * (e + 1)};
        }
        r.epochs.push_back(s);
    }
    return r;
}

bool sameNumber(double a, double b) { return (std::isnan(a) && std::isnan(b)) || a == b; }
} // namespace

class MetricsExportTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void records_data()
    {
        QTest::addColumn<int>("epochs");
        QTest::addColumn<bool>("withNan");
        QTest::newRow("no epochs") << 0 << false;
        QTest::newRow("three epochs") << 3 << false;
        QTest::newRow("a nan loss") << 2 << true;
    }

    void csvParsesBack_data() { records_data(); }
    void csvParsesBack()
    {
        QFETCH(int, epochs);
        QFETCH(bool, withNan);
        const RunRecord record = makeRecord(epochs, withNan);
        QTemporaryDir tmp;
        const QString path = tmp.filePath("m.csv");
        QString error;
        QVERIFY2(parity::gui::writeMetricsCsv(record, path, &error), qPrintable(error));
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray header = file.readLine().trimmed();
        if (epochs > 0)
            QCOMPARE(header, QByteArray("epoch,split,loss,reconstruction_top1,overall_top1,reconstruction_top2,"
                                        "overall_top2,groups,split_seconds,epoch_seconds"));
        file.close();

        RunRecord back;
        QVERIFY2(parity::gui::RunRecordLoader::readMetricsCsv(path, &back, &error), qPrintable(error));
        QCOMPARE(back.epochs.size(), record.epochs.size());
        for (size_t e = 0; e < record.epochs.size(); ++e) {
            QCOMPARE(back.epochs[e].epoch, record.epochs[e].epoch);
            QCOMPARE(back.epochs[e].seconds, record.epochs[e].seconds);
            for (const auto& [split, m] : record.epochs[e].splits) {
                const auto& b = back.epochs[e].splits.at(split);
                QVERIFY(sameNumber(b.loss, m.loss));
                QCOMPARE(b.accuracy, m.accuracy); // exact: shortest round-trip digits
                QCOMPARE(back.splitTimings.at(int(e)).at(split).groups,
                         record.splitTimings.at(int(e)).at(split).groups);
                QCOMPARE(back.splitTimings.at(int(e)).at(split).seconds,
                         record.splitTimings.at(int(e)).at(split).seconds);
            }
        }
    }

    // r > 1 and Berrut runs measure each accuracy with 0, 1, 2, ...
    // predictions missing ("<metric>_e<n>"): one row each, in an erased column.
    void severalErasuresParseBack()
    {
        RunRecord record = makeRecord(2, false);
        for (auto& epoch : record.epochs)
            for (auto& [split, m] : epoch.splits)
                for (const int e : {0, 2})
                    for (const char* metric : {"reconstruction_top1", "overall_top1"})
                        m.accuracy[parity::erasedMetricName(metric, e)] = 0.5 + 0.1 * e + epoch.epoch / 100.0;
        QCOMPARE(record.erasedCounts(), (std::vector<int>{0, 1, 2}));
        QCOMPARE(record.accuracyMetricNames(),
                 (QStringList{"reconstruction_top1", "overall_top1", "reconstruction_top2", "overall_top2"}));
        QTemporaryDir tmp;
        const QString path = tmp.filePath("m.csv");
        QString error;
        QVERIFY2(parity::gui::writeMetricsCsv(record, path, &error), qPrintable(error));
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = file.readAll().trimmed().split('\n');
        QCOMPARE(lines.value(0), QByteArray("epoch,split,erased,loss,reconstruction_top1,overall_top1,"
                                            "reconstruction_top2,overall_top2,groups,split_seconds,epoch_seconds"));
        QCOMPARE(lines.size(), 1 + 2 * 3 * 3);
        QVERIFY2(lines.value(1).startsWith("0,train,0,") && lines.value(3).startsWith("0,train,2,"),
                 lines.value(3).constData());
        RunRecord back;
        QVERIFY2(parity::gui::RunRecordLoader::readMetricsCsv(path, &back, &error), qPrintable(error));
        QCOMPARE(back.epochs.size(), record.epochs.size());
        for (size_t e = 0; e < record.epochs.size(); ++e)
            for (const auto& [split, m] : record.epochs[e].splits) {
                // e = 0 and 2 have no top-2: "nan" in the file, absent or nan when read.
                for (const auto& [key, value] : m.accuracy)
                    QCOMPARE(back.epochs[e].splits.at(split).accuracy.at(key), value);
            }
    }

    // Walkthrough: the Runs tab suggested "Sub · MSE-metrics.csv" for four
    // runs (the first one's name, cut at the "/" of "Add/Sub").
    void theSuggestedFileNameIsAPlainName()
    {
        RunRecord one = makeRecord(1, false);
        one.title = QStringLiteral("k=2 · Add/Sub · MSE");
        QCOMPARE(parity::gui::metricsFileStem({one}), QStringLiteral("k_2_Add_Sub_MSE-metrics"));
        one.title = QStringLiteral("·/·");
        one.header.clear();
        QCOMPARE(parity::gui::metricsFileStem({one}), QStringLiteral("run-metrics"));
        QCOMPARE(parity::gui::metricsFileStem({one, one, one, one}), QStringLiteral("metrics-of-4-runs"));
    }

    void jsonParsesBack_data() { records_data(); }
    void jsonParsesBack()
    {
        QFETCH(int, epochs);
        QFETCH(bool, withNan);
        const RunRecord record = makeRecord(epochs, withNan);
        QTemporaryDir tmp;
        const QString path = tmp.filePath("m.json");
        QString error;
        QVERIFY2(parity::gui::writeMetricsJson(record, path, &error), qPrintable(error));
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QJsonParseError parseError;
        const QJsonObject j = QJsonDocument::fromJson(file.readAll(), &parseError).object();
        QCOMPARE(parseError.error, QJsonParseError::NoError);
        QCOMPARE(j["format"].toString(), QStringLiteral("parity-workbench-metrics"));
        QCOMPARE(j["header"].toString(), record.header);
        QCOMPARE(j["status"].toString(), record.status);
        QCOMPARE(j["config"].toObject(), record.config);
        QCOMPARE(j["classes"].toArray().size(), 3);
        QCOMPARE(j["best_val_reconstruction_top1"].toDouble(), 0.6875);
        const QJsonObject train = j["base_model"].toObject()["train_accuracy"].toObject();
        QCOMPARE(train["correct"].toInteger(), 450);
        QCOMPARE(train["total"].toInteger(), 500);
        QCOMPARE(train["accuracy"].toDouble(), 0.9);
        const QJsonArray arr = j["epochs"].toArray();
        QCOMPARE(arr.size(), qsizetype(epochs));
        for (int e = 0; e < epochs; ++e) {
            const QJsonObject je = arr[e].toObject();
            QCOMPARE(je["epoch"].toInt(), e);
            QCOMPARE(je["seconds"].toDouble(), record.epochs[size_t(e)].seconds);
            for (const auto& [split, m] : record.epochs[size_t(e)].splits) {
                const QJsonObject js = je["splits"].toObject()[QString::fromStdString(split)].toObject();
                if (std::isnan(m.loss))
                    QVERIFY(js["loss"].isNull());
                else
                    QCOMPARE(js["loss"].toDouble(), m.loss);
                QCOMPARE(js["groups"].toInteger(), record.splitTimings.at(e).at(split).groups);
                for (const auto& [name, value] : m.accuracy)
                    QCOMPARE(js["accuracy"].toObject()[QString::fromStdString(name)].toDouble(), value);
            }
        }
    }

    void unwritablePathIsAnError_data()
    {
        QTest::addColumn<bool>("json");
        QTest::newRow("csv") << false;
        QTest::newRow("json") << true;
    }
    void unwritablePathIsAnError()
    {
        QFETCH(bool, json);
        const QString path = QStringLiteral("/nonexistent-dir/sub/m.out");
        QString error;
        const RunRecord record = makeRecord(1, false);
        const bool ok = json ? parity::gui::writeMetricsJson(record, path, &error)
                             : parity::gui::writeMetricsCsv(record, path, &error);
        QVERIFY(!ok);
        QVERIFY2(error.contains(path), qPrintable(error));
    }
};

QTEST_MAIN(MetricsExportTest)
#include "MetricsExportTest.moc"
