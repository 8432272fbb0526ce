// Issue 16, item 4: the workbench finds the parity-train its Slurm tasks run,
// in the build tree and installed, and says where it looked when it cannot.
#include "SiblingProgram.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

using parity::gui::findSiblingProgram;

namespace {
void makeExecutable(const QString& path)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("#!/bin/sh\n");
    f.close();
    f.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
}
} // namespace

class SiblingProgramTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void findsParityTrain_data()
    {
        QTest::addColumn<QString>("appDir");
        QTest::addColumn<QStringList>("files");
        QTest::addColumn<QString>("found");
        QTest::newRow("build tree") << "build/app/workbench"
                                    << QStringList{"build/app/cli/parity-train", "build/app/cli/parity-train-bin"}
                                    << "build/app/cli/parity-train";
        QTest::newRow("installed, the launcher")
            << "usr/libexec/parity-workbench"
            << QStringList{"usr/bin/parity-train", "usr/libexec/parity-workbench/parity-train-bin"}
            << "usr/bin/parity-train";
        QTest::newRow("installed, the program only")
            << "usr/libexec/parity-workbench" << QStringList{"usr/libexec/parity-workbench/parity-train-bin"}
            << "usr/libexec/parity-workbench/parity-train-bin";
        QTest::newRow("beside") << "opt/pw" << QStringList{"opt/pw/parity-train"} << "opt/pw/parity-train";
        QTest::newRow("none") << "opt/pw" << QStringList{"opt/pw/parity-train.txt"} << "";
    }
    void findsParityTrain()
    {
        QFETCH(QString, appDir);
        QFETCH(QStringList, files);
        QFETCH(QString, found);
        QTemporaryDir tmp;
        QDir().mkpath(tmp.filePath(appDir));
        for (const QString& f : files)
            makeExecutable(tmp.filePath(f));
        QStringList lookedIn;
        const QString path = findSiblingProgram(tmp.filePath(appDir), QStringLiteral("parity-train"), &lookedIn);
        QCOMPARE(path, found.isEmpty() ? QString() : QDir::cleanPath(tmp.filePath(found)));
        if (found.isEmpty()) {
            QCOMPARE(lookedIn.size(), 4);
            QVERIFY(lookedIn.contains(QDir::cleanPath(tmp.filePath(appDir + "/parity-train"))));
        }
    }
};

QTEST_MAIN(SiblingProgramTest)
#include "SiblingProgramTest.moc"
