// RunRecordLoader on what parity-train really writes, on damaged copies of it
// and on a result directory of the original framework (text files only).
#include "browser/RunRecordLoader.h"
#include "support/CliRun.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

using parity::gui::RunRecord;
using parity::gui::RunRecordLoader;

namespace {
// metrics.csv parsed independently of the loader: (epoch, split, column) -> text.
std::map<std::tuple<int, QString, QString>, QString> parseCsv(const QString& path, int* rows)
{
    std::map<std::tuple<int, QString, QString>, QString> cells;
    const QStringList lines = QString::fromUtf8(parity::test::readAll(path)).split('\n', Qt::SkipEmptyParts);
    const QStringList header = lines.first().split(',');
    *rows = int(lines.size()) - 1;
    for (int i = 1; i < lines.size(); ++i) {
        const QStringList f = lines[i].split(',');
        for (int c = 2; c < header.size(); ++c)
            cells[{f[0].toInt(), f[1], header[c]}] = f[c];
    }
    return cells;
}
} // namespace

class RunRecordLoaderTest : public QObject {
    Q_OBJECT
    QTemporaryDir m_tmp;
    QString m_runDir;

    QString copyRun(const QString& name)
    {
        const QString dir = m_tmp.filePath(QStringLiteral("copies/") + name);
        parity::test::copyFiles(m_runDir, dir);
        return dir;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_tmp.isValid());
        const auto run = parity::test::runParityTrain(m_tmp.path(), m_tmp.filePath("save"), {2}, 2);
        QVERIFY2(run.exitCode == 0, qPrintable(run.output));
        m_runDir = parity::test::runDirFor(m_tmp.filePath("save"), 2);
        QVERIFY(!m_runDir.isEmpty());
    }

    void loadsACliRunWithTheValuesOfMetricsCsv()
    {
        QCOMPARE(RunRecordLoader::detect(m_runDir), RunRecordLoader::Layout::Workbench);
        RunRecord record;
        QString error;
        QVERIFY2(RunRecordLoader::load(m_runDir, &record, &error), qPrintable(error));
        QCOMPARE(record.epochs.size(), size_t(2));
        QCOMPARE(record.epochsCompleted, 2);
        QCOMPARE(record.status, QStringLiteral("finished"));
        QVERIFY(record.header.startsWith(QStringLiteral("mnist base-mlp 2 ")));
        QCOMPARE(record.config.value("dataset").toString(), QStringLiteral("mnist"));
        QCOMPARE(record.config.value("k").toInt(), 2);
        QCOMPARE(record.classNames.size(), 10);
        QCOMPARE(record.baseAccuracies.size(), size_t(2));
        QCOMPARE(record.baseAccuracies[0].split, std::string("train"));
        QVERIFY(record.baseAccuracies[0].total > 0);
        QVERIFY(!record.started.isEmpty());

        int rows = 0;
        const auto cells = parseCsv(m_runDir + "/metrics.csv", &rows);
        QCOMPARE(rows, 6); // 2 epochs x train, val, test
        int checked = 0;
        for (const auto& [key, text] : cells) {
            const auto& [epoch, split, column] = key;
            const auto& e = record.epochs.at(size_t(epoch));
            QCOMPARE(e.epoch, epoch);
            const auto& s = e.splits.at(split.toStdString());
            double expected = text.toDouble();
            double actual = 0;
            if (column == "loss")
                actual = s.loss;
            else if (column == "groups")
                actual = double(record.splitTimings.at(epoch).at(split.toStdString()).groups);
            else if (column == "split_seconds")
                actual = record.splitTimings.at(epoch).at(split.toStdString()).seconds;
            else if (column == "epoch_seconds")
                actual = e.seconds;
            else
                actual = s.accuracy.at(column.toStdString());
            QCOMPARE(actual, expected);
            ++checked;
        }
        QVERIFY(checked >= 6 * 8);
        double best = 0;
        for (const auto& e : record.epochs)
            best = std::max(best, e.splits.at("val").accuracy.at("reconstruction_top1"));
        QCOMPARE(record.bestValReconstructionTop1, best);
        QCOMPARE(record.epochs.back().bestValReconstructionTop1, best);
        QCOMPARE(record.accuracyMetricNames().mid(0, 3),
                 QStringList({"reconstruction_top1", "overall_top1", "reconstruction_top2"}));
        QCOMPARE(record.splitNames(), QStringList({"train", "val", "test"}));
    }

    void corruptRunJsonIsAnErrorNamingTheFile_data()
    {
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<QString>("problem");
        QTest::newRow("cut in the middle")
            << QByteArray("{\"format\": \"parity-workbench-run\", \"hea") << QStringLiteral("not valid JSON");
        QTest::newRow("empty") << QByteArray() << QStringLiteral("not valid JSON");
        QTest::newRow("an array") << QByteArray("[1, 2]") << QStringLiteral("expected a JSON object");
        QTest::newRow("another format") << QByteArray("{\"format\": \"something-else\"}")
                                        << QStringLiteral("\"format\"");
        QTest::newRow("config not an object")
            << QByteArray("{\"format\": \"parity-workbench-run\", \"config\": 3}") << QStringLiteral("config");
    }
    void corruptRunJsonIsAnErrorNamingTheFile()
    {
        QFETCH(QByteArray, content);
        QFETCH(QString, problem);
        const QString dir = copyRun(QStringLiteral("json-") + QTest::currentDataTag());
        parity::test::writeAll(dir + "/run.json", content);
        RunRecord record;
        QString error;
        QVERIFY(!RunRecordLoader::load(dir, &record, &error));
        QVERIFY2(error.contains(dir + "/run.json"), qPrintable(error));
        QVERIFY2(error.contains(problem), qPrintable(error));
    }

    void truncatedMetricsCsvIsAnErrorNamingTheFile_data()
    {
        QTest::addColumn<int>("keepPercent"); // of the file's bytes; -1: drop the last line
        QTest::addColumn<QString>("problem");
        QTest::newRow("cut mid-line") << 60 << QStringLiteral("truncated?");
        QTest::newRow("last line lost") << -1 << QStringLiteral("truncated?");
        QTest::newRow("cut in the header") << 1 << QStringLiteral("header");
        QTest::newRow("empty") << 0 << QStringLiteral("empty file");
    }
    void truncatedMetricsCsvIsAnErrorNamingTheFile()
    {
        QFETCH(int, keepPercent);
        QFETCH(QString, problem);
        const QString dir = copyRun(QStringLiteral("csv-") + QTest::currentDataTag());
        QByteArray csv = parity::test::readAll(dir + "/metrics.csv");
        if (keepPercent >= 0)
            csv.truncate(csv.size() * keepPercent / 100);
        else
            csv.truncate(csv.lastIndexOf('\n', csv.size() - 2) + 1);
        parity::test::writeAll(dir + "/metrics.csv", csv);
        RunRecord record;
        QString error;
        QVERIFY(!RunRecordLoader::load(dir, &record, &error));
        QVERIFY2(error.contains(dir + "/metrics.csv"), qPrintable(error));
        QVERIFY2(error.contains(problem), qPrintable(error));
    }

    void aValueThatIsNoNumberIsAnErrorWithItsLine()
    {
        const QString dir = copyRun(QStringLiteral("csv-not-a-number"));
        QByteArray csv = parity::test::readAll(dir + "/metrics.csv");
        const int lineStart = csv.indexOf('\n') + 1; // first data row: "0,train,<loss>,..."
        const int lossStart = csv.indexOf(",train,", lineStart) + 7;
        csv.replace(lossStart, csv.indexOf(',', lossStart) - lossStart, "abc");
        parity::test::writeAll(dir + "/metrics.csv", csv);
        QString error;
        RunRecord record;
        QVERIFY(!RunRecordLoader::load(dir, &record, &error));
        QVERIFY2(error.contains("metrics.csv: line 2") && error.contains("\"abc\""), qPrintable(error));
    }

    // Issue 14: served_accuracy.csv comes with the record; a damaged one
    // leaves the run readable and says why, naming the file and line.
    void servedAccuracyComesWithTheRecord()
    {
        RunRecord record;
        QString error;
        QVERIFY2(RunRecordLoader::load(m_runDir, &record, &error), qPrintable(error));
        QVERIFY(record.served);
        QCOMPARE(record.served->byErased.size(), size_t(3)); // k = 2: e = 0, 1, 2
        QCOMPARE(record.served->fractions.size(), size_t(11));
        QVERIFY(record.servedProblem.isEmpty());

        const QString dir = copyRun(QStringLiteral("served-damaged"));
        QByteArray csv = parity::test::readAll(dir + "/served_accuracy.csv");
        csv.replace("erased,1,", "erased,1,x");
        parity::test::writeAll(dir + "/served_accuracy.csv", csv);
        QVERIFY2(RunRecordLoader::load(dir, &record, &error), qPrintable(error));
        QVERIFY(!record.served);
        QVERIFY2(record.servedProblem.contains(dir + "/served_accuracy.csv: line 3"), qPrintable(record.servedProblem));

        QFile::remove(dir + "/served_accuracy.csv");
        RunRecordLoader::readServed(dir, &record);
        QVERIFY(!record.served);
        QVERIFY(record.servedProblem.isEmpty());
    }

    void originalTextFilesAloneLoad()
    {
        // The original framework's layout: <save>/<dataset>/<model>/k<k>/<loss>/<enc>/<dec>/ with txt files only.
        const QString dir = m_tmp.filePath("original/mnist/base-mlp/k2/mse/add/sub");
        parity::test::copyFiles(m_runDir, dir);
        for (const auto& name : QDir(dir).entryList(QDir::Files))
            if (!name.endsWith(".txt"))
                QVERIFY(QFile::remove(dir + "/" + name));
        QCOMPARE(RunRecordLoader::detect(dir), RunRecordLoader::Layout::Original);
        RunRecord fromText;
        RunRecord fromCsv;
        QString error;
        QVERIFY2(RunRecordLoader::load(dir, &fromText, &error), qPrintable(error));
        QVERIFY2(RunRecordLoader::load(m_runDir, &fromCsv, &error), qPrintable(error));
        QCOMPARE(fromText.header, QStringLiteral("mnist base-mlp 2 mse add sub"));
        QCOMPARE(fromText.config.value("k").toInt(), 2);
        QVERIFY(fromText.status.isEmpty());
        QCOMPARE(fromText.epochs.size(), size_t(2));
        QCOMPARE(fromText.epochsCompleted, 2);
        for (size_t e = 0; e < 2; ++e)
            for (const auto& [split, metrics] : fromCsv.epochs[e].splits) {
                QCOMPARE(fromText.epochs[e].splits.at(split).loss, metrics.loss);
                QCOMPARE(fromText.epochs[e].splits.at(split).accuracy, metrics.accuracy);
            }
        QCOMPARE(fromText.bestValReconstructionTop1, fromCsv.bestValReconstructionTop1);
    }

    void originalTextFiles_data()
    {
        QTest::addColumn<QByteArray>("trainLoss");
        QTest::addColumn<QByteArray>("valTop1");
        QTest::addColumn<int>("epochs"); // -1: an error naming the file
        QTest::newRow("two epochs") << QByteArray("1.5\n0.75\n") << QByteArray("0.5\n0.625\n") << 2;
        QTest::newRow("no final newline") << QByteArray("1.5\n0.75") << QByteArray("0.5\n0.625") << 2;
        QTest::newRow("interrupted: shorter file wins") << QByteArray("1.5\n0.75\n") << QByteArray("0.5\n") << 1;
        QTest::newRow("python repr values") << QByteArray("nan\n1e-05\n") << QByteArray("inf\n0.1\n") << 2;
        QTest::newRow("garbage") << QByteArray("1.5\nx\n") << QByteArray("0.5\n0.6\n") << -1;
    }
    void originalTextFiles()
    {
        QFETCH(QByteArray, trainLoss);
        QFETCH(QByteArray, valTop1);
        QFETCH(int, epochs);
        const QString dir = m_tmp.filePath(QStringLiteral("handmade/") + QTest::currentDataTag());
        QDir().mkpath(dir);
        parity::test::writeAll(dir + "/train_loss.txt", trainLoss);
        parity::test::writeAll(dir + "/val_reconstruction_top1.txt", valTop1);
        parity::test::writeAll(dir + "/notes.txt", "not a metric\n");
        RunRecord record;
        QString error;
        const bool ok = RunRecordLoader::load(dir, &record, &error);
        if (epochs < 0) {
            QVERIFY(!ok);
            QVERIFY2(error.contains(dir + "/train_loss.txt: line 2"), qPrintable(error));
            return;
        }
        QVERIFY2(ok, qPrintable(error));
        QCOMPARE(int(record.epochs.size()), epochs);
        QCOMPARE(record.displayName(), QString::fromLatin1(QTest::currentDataTag()));
        const double first = record.epochs[0].splits.at("train").loss;
        QCOMPARE(first == 1.5 || std::isnan(first), true);
        QVERIFY(record.epochs[0].splits.at("val").accuracy.count("reconstruction_top1"));
    }

    void aDirectoryWithoutRunFilesIsAnError()
    {
        RunRecord record;
        QString error;
        QVERIFY(!RunRecordLoader::load(m_tmp.path(), &record, &error));
        QVERIFY(error.contains(m_tmp.path()));
        QVERIFY(!RunRecordLoader::load(m_tmp.filePath("absent"), &record, &error));
    }
};

QTEST_MAIN(RunRecordLoaderTest)
#include "RunRecordLoaderTest.moc"
