// Issue 16, item 4: the "Submit to Slurm" dialog. Its options round-trip
// through QSettings and become the right SubmitOptions; a dry run writes the
// sweep's directory; a submission goes through sbatch (a stand-in script on
// PATH, no Slurm needed) and records the job; a refusal keeps the form and
// says why; without sbatch the dialog offers the dry run.
#include "slurm/SlurmSubmitDialog.h"

#include "TestPaths.h"
#include "config/SweepConfig.h"
#include "slurm/SlurmSweep.h"

#include <QCheckBox>
#include <QDir>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

using parity::gui::SlurmSubmitDialog;
using parity::slurm::SubmitOptions;

namespace {

QString readAll(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()) : QString();
}

/// Two runs (k = 2 and 3) saving under `saveDir`; the data need not exist to write a sweep.
SlurmSubmitDialog::Request twoRuns(const QString& saveDir)
{
    const nlohmann::json config = {
        {"datasets", {"mnist"}},
        {"models", {"base-mlp"}},
        {"k_vals", {2, 3}},
        {"losses", {"mse"}},
        {"enc_dec_types", nlohmann::json::array({nlohmann::json::array({"add", "sub"})})},
        {"train_parity_model", true},
        {"num_epoch", 2},
        {"save_dir", saveDir.toStdString()},
    };
    SlurmSubmitDialog::Request r;
    r.sweep = parity::SweepConfig::fromJson(config, "test");
    r.configStem = "mnist-test";
    r.saveDir = saveDir.toStdString();
    r.parityTrain = PARITY_TRAIN_EXE;
    r.description = QStringLiteral("two runs");
    return r;
}

/// PATH holds only `dir` while it lives.
class PathOnly {
public:
    explicit PathOnly(const QString& dir)
        : m_old(qgetenv("PATH"))
    {
        qputenv("PATH", dir.toLocal8Bit());
    }
    ~PathOnly() { qputenv("PATH", m_old); }

private:
    QByteArray m_old;
};

template <typename T>
T* child(QWidget& parent, const char* name)
{
    auto* w = parent.findChild<T*>(QLatin1String(name));
    if (!w)
        qWarning("no child %s", name);
    return w;
}

} // namespace

class SlurmSubmitDialogTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("ParityWorkbenchTest"));
        QCoreApplication::setApplicationName(QStringLiteral("SlurmSubmitDialogTest"));
    }
    void init() { QSettings().clear(); }

    void splitsExtraArguments_data()
    {
        QTest::addColumn<QString>("line");
        QTest::addColumn<QStringList>("args");
        QTest::newRow("empty") << QString() << QStringList();
        QTest::newRow("spaces only") << QStringLiteral("   ") << QStringList();
        QTest::newRow("one") << QStringLiteral("--qos=short") << QStringList{"--qos=short"};
        QTest::newRow("runs of blanks and tabs") << QStringLiteral("  --qos=short \t --constraint=avx2  -C  gpu ")
                                                 << QStringList{"--qos=short", "--constraint=avx2", "-C", "gpu"};
    }
    void splitsExtraArguments()
    {
        QFETCH(QString, line);
        QFETCH(QStringList, args);
        QStringList got;
        for (const auto& a : SlurmSubmitDialog::splitArguments(line))
            got << QString::fromStdString(a);
        QCOMPARE(got, args);
    }

    // The form's fields make the SubmitOptions, and what Submit saved comes
    // back in the next dialog (the next session reads the same QSettings).
    void optionsRoundTripThroughQSettings()
    {
        QTemporaryDir tmp;
        {
            SlurmSubmitDialog dialog(twoRuns(tmp.filePath("save")));
            QCOMPARE(dialog.options().signalSeconds, SubmitOptions{}.signalSeconds); // the defaults at first
            QVERIFY(!dialog.dryRun());
            QTest::keyClicks(child<QLineEdit>(dialog, "slurm_partition"), "gpu");
            QTest::keyClicks(child<QLineEdit>(dialog, "slurm_time"), "2:00:00");
            child<QSpinBox>(dialog, "slurm_cpus")->setValue(8);
            QTest::keyClicks(child<QLineEdit>(dialog, "slurm_gpus"), "a100:2");
            QTest::keyClicks(child<QLineEdit>(dialog, "slurm_mem"), "16G");
            QTest::keyClicks(child<QLineEdit>(dialog, "slurm_account"), "lab");
            child<QSpinBox>(dialog, "slurm_max_parallel")->setValue(4);
            child<QSpinBox>(dialog, "slurm_signal_seconds")->setValue(300);
            QTest::keyClicks(child<QLineEdit>(dialog, "slurm_extra_args"), " --qos=short   --constraint=avx2 ");
            child<QCheckBox>(dialog, "slurm_dry_run")->setChecked(true);

            const SubmitOptions o = dialog.options();
            QCOMPARE(o.partition, std::string("gpu"));
            QCOMPARE(o.time, std::string("2:00:00"));
            QCOMPARE(o.cpusPerTask, 8);
            QCOMPARE(o.gpus, std::string("a100:2"));
            QCOMPARE(o.mem, std::string("16G"));
            QCOMPARE(o.account, std::string("lab"));
            QCOMPARE(o.maxParallel, 4);
            QCOMPARE(o.signalSeconds, 300);
            QCOMPARE(o.extraArgs, (std::vector<std::string>{"--qos=short", "--constraint=avx2"}));
            QVERIFY(dialog.dryRun());

            dialog.show();
            QSignalSpy done(&dialog, &QDialog::accepted);
            QTest::mouseClick(child<QPushButton>(dialog, "slurm_submit_button"), Qt::LeftButton);
            QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, 30000);
            QCOMPARE(parity::slurm::Sweep::read(dialog.sweep().dir).options.toJson(), o.toJson());
        }
        SlurmSubmitDialog again(twoRuns(tmp.filePath("save")));
        const SubmitOptions o = again.options();
        QCOMPARE(o.toJson(), SlurmSubmitDialog::savedOptions().toJson());
        QCOMPARE(o.partition, std::string("gpu"));
        QCOMPARE(o.cpusPerTask, 8);
        QCOMPARE(o.maxParallel, 4);
        QCOMPARE(o.signalSeconds, 300);
        QCOMPARE(o.extraArgs, (std::vector<std::string>{"--qos=short", "--constraint=avx2"}));
        QCOMPARE(child<QLineEdit>(again, "slurm_extra_args")->text(), QStringLiteral("--qos=short --constraint=avx2"));
        QVERIFY(again.dryRun());
    }

    // A dry run writes the sweep's directory, its batch script an array of
    // one task per run, and submits nothing; a sweep from no file gets its
    // configuration saved where the record names it.
    void aDryRunWritesTheSweepDirectory()
    {
        QTemporaryDir tmp;
        SlurmSubmitDialog dialog(twoRuns(tmp.filePath("save")));
        dialog.setDryRun(true);
        QCOMPARE(child<QPushButton>(dialog, "slurm_submit_button")->text(), QStringLiteral("Write script"));
        QSignalSpy submitted(&dialog, &SlurmSubmitDialog::submitted);
        dialog.submit();
        QVERIFY(dialog.isBusy());
        QTRY_COMPARE_WITH_TIMEOUT(submitted.count(), 1, 30000);
        QCOMPARE(dialog.result(), int(QDialog::Accepted));
        const parity::slurm::Sweep& sweep = dialog.sweep();
        QVERIFY(sweep.jobId.empty());
        QCOMPARE(submitted.first().at(0).toString(), QString());
        const QString dir = QString::fromStdString(sweep.dir);
        QCOMPARE(QFileInfo(dir).absolutePath(), QDir(tmp.filePath("save/slurm")).absolutePath());
        QVERIFY2(QFileInfo(dir).fileName().startsWith("mnist-test-"), qPrintable(dir));
        const QString script = readAll(QString::fromStdString(sweep.scriptPath()));
        QVERIFY2(script.contains("#SBATCH --array=0-1"), qPrintable(script));
        QVERIFY2(script.contains("Written by Parity Workbench on"), qPrintable(script));
        QVERIFY(script.contains(QStringLiteral(PARITY_TRAIN_EXE)));
        QCOMPARE(int(sweep.runs.size()), 2);
        const QString config = QString::fromStdString(sweep.configPath);
        QVERIFY2(config.startsWith(tmp.filePath("save/slurm/workbench/")) && config.endsWith("/mnist-test.json"),
                 qPrintable(config));
        QCOMPARE(int(parity::SweepConfig::load(sweep.configPath).runs().size()), 2);
        QCOMPARE(parity::slurm::sweepDirs(tmp.filePath("save").toStdString()), std::vector<std::string>{sweep.dir});
    }

    // Submit runs sbatch and records the job it answers with (a stand-in
    // sbatch that answers as Slurm's does).
    void aSubmissionRecordsTheJob()
    {
        QTemporaryDir tmp;
        const QString bin = tmp.filePath("bin");
        QDir().mkpath(bin);
        QFile fake(bin + "/sbatch");
        QVERIFY(fake.open(QIODevice::WriteOnly));
        fake.write("#!/bin/sh\necho \"$@\" > \"$(dirname \"$0\")/args\"\necho '4242;cluster'\n");
        fake.close();
        fake.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
        const PathOnly path(bin + ":/usr/bin:/bin");
        SlurmSubmitDialog dialog(twoRuns(tmp.filePath("save")));
        QVERIFY(dialog.sbatchFound());
        QSignalSpy submitted(&dialog, &SlurmSubmitDialog::submitted);
        dialog.submit();
        QTRY_COMPARE_WITH_TIMEOUT(submitted.count(), 1, 30000);
        QCOMPARE(submitted.first().at(0).toString(), QStringLiteral("4242"));
        QCOMPARE(dialog.sweep().jobId, std::string("4242"));
        QCOMPARE(parity::slurm::Sweep::read(dialog.sweep().dir).jobId, std::string("4242"));
        QVERIFY(readAll(bin + "/args").contains(QString::fromStdString(dialog.sweep().scriptPath())));
    }

    // sbatch refuses: the dialog stays, with everything typed, and says what
    // sbatch said; nothing is left in the save directory.
    void aRefusalKeepsTheFormAndSaysWhy()
    {
        QTemporaryDir tmp;
        const QString bin = tmp.filePath("bin");
        QDir().mkpath(bin);
        QFile fake(bin + "/sbatch");
        QVERIFY(fake.open(QIODevice::WriteOnly));
        fake.write("#!/bin/sh\necho 'sbatch: error: invalid partition specified: nowhere' >&2\nexit 1\n");
        fake.close();
        fake.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
        const PathOnly path(bin + ":/usr/bin:/bin");
        SlurmSubmitDialog dialog(twoRuns(tmp.filePath("save")));
        dialog.show();
        QTest::keyClicks(child<QLineEdit>(dialog, "slurm_partition"), "nowhere");
        QSignalSpy failed(&dialog, &SlurmSubmitDialog::failed);
        dialog.submit();
        QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, 30000);
        QVERIFY(dialog.isVisible());
        QVERIFY(!dialog.isBusy());
        QVERIFY2(dialog.errorText().contains("invalid partition specified: nowhere"), qPrintable(dialog.errorText()));
        auto* error = child<QLabel>(dialog, "slurm_error");
        QVERIFY(error->isVisible());
        QCOMPARE(error->text(), dialog.errorText());
        auto* box = dialog.findChild<QMessageBox*>(QStringLiteral("slurm_failed"));
        QVERIFY(box);
        QVERIFY(box->informativeText().contains("invalid partition specified"));
        box->close();
        QCOMPARE(child<QLineEdit>(dialog, "slurm_partition")->text(), QStringLiteral("nowhere"));
        QVERIFY(child<QPushButton>(dialog, "slurm_submit_button")->isEnabled());
        QVERIFY(parity::slurm::sweepDirs(tmp.filePath("save").toStdString()).empty());
        QVERIFY(!QFileInfo::exists(tmp.filePath("save/slurm/workbench")) // the saved configuration went too
                || QDir(tmp.filePath("save/slurm/workbench")).isEmpty());
        // Bad options are refused before anything is written.
        child<QLineEdit>(dialog, "slurm_extra_args")->setText("qos=short");
        dialog.submit();
        QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 2, 30000);
        QVERIFY2(dialog.errorText().contains("qos=short"), qPrintable(dialog.errorText()));
        QVERIFY(dialog.isVisible());
        // Walkthrough: a time limit of "abc" went into '#SBATCH --time=abc'.
        child<QLineEdit>(dialog, "slurm_extra_args")->clear();
        child<QLineEdit>(dialog, "slurm_time")->setText("abc");
        dialog.submit();
        QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 3, 30000);
        QVERIFY2(dialog.errorText().contains("time 'abc' is not a Slurm time limit"), qPrintable(dialog.errorText()));
        QCOMPARE(child<QLineEdit>(dialog, "slurm_time")->text(), QStringLiteral("abc"));
        QVERIFY(parity::slurm::sweepDirs(tmp.filePath("save").toStdString()).empty());
    }

    // No sbatch on PATH: the dialog says so, Submit is off, and it offers the dry run.
    void withoutSbatchItOffersTheDryRun()
    {
        QTemporaryDir tmp;
        const PathOnly path(tmp.path()); // nothing there
        SlurmSubmitDialog dialog(twoRuns(tmp.filePath("save")));
        dialog.show();
        QVERIFY(!dialog.sbatchFound());
        auto* note = child<QLabel>(dialog, "slurm_sbatch_note");
        auto* offer = child<QPushButton>(dialog, "slurm_offer_dry_run");
        auto* submit = child<QPushButton>(dialog, "slurm_submit_button");
        QVERIFY(note->isVisible());
        QVERIFY(note->text().contains("sbatch"));
        QVERIFY(!submit->isEnabled());
        QTest::mouseClick(offer, Qt::LeftButton);
        QVERIFY(dialog.dryRun());
        QVERIFY(!note->isVisible());
        QVERIFY(submit->isEnabled());
        QSignalSpy submitted(&dialog, &SlurmSubmitDialog::submitted);
        QTest::mouseClick(submit, Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(submitted.count(), 1, 30000);
        QVERIFY(QFileInfo::exists(QString::fromStdString(dialog.sweep().scriptPath())));
    }
};

QTEST_MAIN(SlurmSubmitDialogTest)
#include "SlurmSubmitDialogTest.moc"
