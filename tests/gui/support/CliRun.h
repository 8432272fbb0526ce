#pragma once
// Real runs for GUI tests: parity-train on a tiny generated MNIST, so the
// browser reads exactly what the trainer writes.
#include "TestPaths.h"
#include "support/TinyDataset.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QString>

namespace parity::test {

struct CliRun {
    int exitCode = -1;
    QString output;
};

/// Trains base-mlp with add/sub and MSE for each k in `ks` (one sweep, one
/// process) into `saveDir`, on tiny data kept in `workDir`/data.
inline CliRun runParityTrain(const QString& workDir, const QString& saveDir, const QList<int>& ks, int epochs)
{
    const QString data = workDir + QStringLiteral("/data");
    if (!QFile::exists(data + QStringLiteral("/train-images-idx3-ubyte")))
        writeTinyMnist(data.toStdString(), 600, 200);
    QJsonArray kVals;
    for (int k : ks)
        kVals.append(k);
    // Appended, not QJsonArray { QJsonArray { ... } }: clang takes a braced
    // list holding one QJsonArray for a copy of it, which flattens the pair.
    QJsonArray coderPairs;
    coderPairs.append(QJsonArray{QStringLiteral("coders.summation.AdditionEncoder"),
                                 QStringLiteral("coders.summation.SubtractionDecoder")});
    const QJsonObject config{
        {QStringLiteral("num_epoch"), epochs},
        {QStringLiteral("k_vals"), kVals},
        {QStringLiteral("enc_dec_types"), coderPairs},
        {QStringLiteral("datasets"), QJsonArray{QStringLiteral("mnist")}},
        {QStringLiteral("models"), QJsonArray{QStringLiteral("base-mlp")}},
        {QStringLiteral("losses"), QJsonArray{QStringLiteral("torch.nn.MSELoss")}},
        {QStringLiteral("train_parity_model"), true},
        {QStringLiteral("data_dir"), data},
        {QStringLiteral("save_dir"), saveDir},
        {QStringLiteral("batch_size"), 16},
        {QStringLiteral("val_size"), 100},
        {QStringLiteral("seed"), 11},
    };
    const QString configPath = workDir + QStringLiteral("/config.json");
    QFile file(configPath);
    file.open(QIODevice::WriteOnly | QIODevice::Truncate);
    file.write(QJsonDocument(config).toJson());
    file.close();

    QProcess process;
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.start(QStringLiteral(PARITY_TRAIN_EXE), {configPath, saveDir});
    CliRun run;
    if (!process.waitForFinished(240000)) {
        process.kill();
        process.waitForFinished();
        run.output = QStringLiteral("parity-train did not finish: ") + process.errorString();
        return run;
    }
    run.output = QString::fromLocal8Bit(process.readAll());
    run.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    return run;
}

/// `<saveDir>/mnist/base-mlp/k<k>/<loss>/<encoder>/<decoder>` as the config
/// above names it (the directory is found, not spelled, so short names work too).
inline QString runDirFor(const QString& saveDir, int k)
{
    QDir dir(saveDir + QStringLiteral("/mnist/base-mlp/k%1").arg(k));
    for (int level = 0; level < 3; ++level) {
        const auto subs = dir.entryList(QDir::Dirs | QDir::NoDotAndDotDot);
        QString next;
        for (const auto& s : subs)
            if (!s.startsWith(QLatin1String("previous-")))
                next = s;
        if (next.isEmpty())
            return {};
        dir.cd(next);
    }
    return dir.absolutePath();
}

inline QByteArray readAll(const QString& path)
{
    QFile file(path);
    file.open(QIODevice::ReadOnly);
    return file.readAll();
}

inline void writeAll(const QString& path, const QByteArray& bytes)
{
    QFile file(path);
    file.open(QIODevice::WriteOnly | QIODevice::Truncate);
    file.write(bytes);
}

/// Copies the files (not subfolders) of one directory into a new one.
inline void copyFiles(const QString& from, const QString& to)
{
    QDir().mkpath(to);
    for (const auto& name : QDir(from).entryList(QDir::Files))
        QFile::copy(from + QLatin1Char('/') + name, to + QLatin1Char('/') + name);
}

} // namespace parity::test
