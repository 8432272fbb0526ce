#pragma once
// Tiny real runs for the GUI tests: generated MNIST-format data, the bundled
// base model, a few hundred samples, so a run takes a second or two.
#include "config/RunConfig.h"
#include "support/TinyDataset.h"

#include <QFile>
#include <QString>
#include <QStringList>
#include <QTextStream>

#include <nlohmann/json.hpp>

#include <fstream>
#include <string>

namespace parity::test {

inline parity::RunConfig tinyRunConfig(const std::string& dataDir, const std::string& saveDir, int epochs)
{
    parity::RunConfig c;
    c.dataset = "mnist";
    c.model = "base-mlp";
    c.dataDir = dataDir;
    c.saveDir = saveDir;
    c.numEpochs = epochs;
    c.batchSize = 16;
    c.valSize = 100;
    c.seed = 11;
    c.threads = 1;
    return c;
}

/// The same run as a configuration file the CLI reads.
inline std::string writeTinyConfig(const std::string& path, const parity::RunConfig& c)
{
    std::ofstream(path) << c.toConfigFile().dump(2);
    return path;
}

/// Lines of a text file (empty when it does not exist).
inline QStringList fileLines(const QString& path)
{
    QFile f(path);
    QStringList lines;
    if (!f.open(QIODevice::ReadOnly | QIODevice::Text))
        return lines;
    QTextStream in(&f);
    while (!in.atEnd())
        lines << in.readLine();
    return lines;
}

} // namespace parity::test
