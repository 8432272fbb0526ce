// RunListModel over a save directory filled by parity-train: two runs of a
// sweep, a rerun that moved older results into previous-<timestamp>/, a
// result directory of the original framework and a damaged run.
#include "browser/RunListModel.h"
#include "support/CliRun.h"

#include <cmath>
#include <QDateTime>
#include <QJsonObject>
#include <QJsonDocument>
#include <QAbstractItemModelTester>
#include <QSortFilterProxyModel>
#include <QTemporaryDir>
#include <QTimer>
#include <QtTest>

using parity::gui::RunListModel;

namespace {
constexpr int kScanTimeoutMs = 60000;

// setRoot() and refresh() scan in the background.
void waitForScan(RunListModel& model) { QTRY_VERIFY_WITH_TIMEOUT(!model.isScanning(), kScanTimeoutMs); }
void setRootAndWait(RunListModel& model, const QString& root)
{
    model.setRoot(root);
    waitForScan(model);
}
void refreshAndWait(RunListModel& model)
{
    model.refresh();
    waitForScan(model);
}
} // namespace

class RunListModelTest : public QObject {
    Q_OBJECT
    QTemporaryDir m_tmp;
    QString m_save;

    int rowWhere(const RunListModel& model, int k, bool previous)
    {
        for (int row = 0; row < model.rowCount(); ++row)
            if (model.recordAt(row).config.value("k").toInt() == k && model.isPreviousAt(row) == previous
                && model.errorAt(row).isEmpty() && !model.recordAt(row).status.isEmpty())
                return row;
        return -1;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_tmp.isValid());
        m_save = m_tmp.filePath("save");
        auto run = parity::test::runParityTrain(m_tmp.path(), m_save, {2, 3}, 2);
        QVERIFY2(run.exitCode == 0, qPrintable(run.output));
        // A fresh run of k = 2 moves the first one's results aside.
        run = parity::test::runParityTrain(m_tmp.path(), m_save, {2}, 1);
        QVERIFY2(run.exitCode == 0, qPrintable(run.output));

        const QString k2 = parity::test::runDirFor(m_save, 2);
        const QString original = m_save + "/fashion-mnist/base-mlp/k4/mse/add/sub";
        parity::test::copyFiles(k2, original);
        for (const auto& name : QDir(original).entryList(QDir::Files))
            if (!name.endsWith(".txt"))
                QFile::remove(original + "/" + name);
        const QString broken = m_save + "/mnist/base-mlp/k5/mse/add/sub";
        parity::test::copyFiles(k2, broken);
        parity::test::writeAll(broken + "/run.json", "{ broken");
    }

    void passesTheModelTester()
    {
        RunListModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        setRootAndWait(model, m_save);
        QVERIFY(model.rowCount() >= 2);
        refreshAndWait(model);
        setRootAndWait(model, m_tmp.filePath("absent"));
        QCOMPARE(model.rowCount(), 0);
        setRootAndWait(model, m_save);
        QSortFilterProxyModel proxy;
        proxy.setSourceModel(&model);
        proxy.setSortRole(RunListModel::SortRole);
        QAbstractItemModelTester proxyTester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
        for (int column = 0; column < RunListModel::ColumnCount; ++column)
            proxy.sort(column, Qt::DescendingOrder);
        refreshAndWait(model);
    }

    void listsTheCliRunsPreviousResultsOriginalAndBrokenRuns()
    {
        RunListModel model;
        setRootAndWait(model, m_save);
        QCOMPARE(model.rowCount(), 5); // k2, k2 previous, k3, original k4, broken k5

        const int k2 = rowWhere(model, 2, false);
        const int k2previous = rowWhere(model, 2, true);
        const int k3 = rowWhere(model, 3, false);
        QVERIFY(k2 >= 0 && k2previous >= 0 && k3 >= 0);
        QCOMPARE(model.recordAt(k2).epochs.size(), size_t(1));
        QCOMPARE(model.recordAt(k2previous).epochs.size(), size_t(2));
        QCOMPARE(model.recordAt(k3).epochs.size(), size_t(2));
        QVERIFY(QFileInfo(model.runDirAt(k2previous)).fileName().startsWith("previous-"));
        QCOMPARE(QFileInfo(model.runDirAt(k2previous)).absolutePath(), model.runDirAt(k2));

        auto text = [&](int row, int column) { return model.index(row, column).data().toString(); };
        QCOMPARE(text(k3, RunListModel::DatasetColumn), QStringLiteral("mnist"));
        QCOMPARE(text(k3, RunListModel::ModelColumn), QStringLiteral("base-mlp"));
        QCOMPARE(text(k3, RunListModel::KColumn), QStringLiteral("3"));
        QCOMPARE(text(k3, RunListModel::EpochsColumn), QStringLiteral("2"));
        QCOMPARE(text(k3, RunListModel::StatusColumn), QStringLiteral("finished"));
        QCOMPARE(text(k2previous, RunListModel::StatusColumn), QStringLiteral("previous, finished"));
        QVERIFY(text(k2previous, RunListModel::RunColumn).contains("previous-"));
        QVERIFY(model.index(k2previous, 0).data(RunListModel::IsPreviousRole).toBool());
        QCOMPARE(text(k3, RunListModel::BestValColumn),
                 QString::number(model.recordAt(k3).bestValReconstructionTop1, 'f', 4));
        QVERIFY(!text(k3, RunListModel::UpdatedColumn).isEmpty());
        QCOMPARE(text(k3, RunListModel::EncoderColumn), QStringLiteral("AdditionEncoder"));
        QCOMPARE(text(k3, RunListModel::LossColumn), QStringLiteral("MSELoss"));
        QCOMPARE(model.index(k3, RunListModel::DecoderColumn).data(Qt::ToolTipRole).toString(),
                 QStringLiteral("coders.summation.SubtractionDecoder"));
        QVERIFY(text(k3, RunListModel::DirectoryColumn).startsWith("mnist/base-mlp/k3/"));
        QCOMPARE(model.rowOfRunDir(model.runDirAt(k3)), k3);

        int original = -1, broken = -1;
        for (int row = 0; row < model.rowCount(); ++row) {
            if (model.recordAt(row).config.value("k").toInt() == 4)
                original = row;
            if (model.recordAt(row).config.value("k").toInt() == 5)
                broken = row;
        }
        QVERIFY(original >= 0 && broken >= 0);
        QCOMPARE(text(original, RunListModel::StatusColumn), QStringLiteral("original format"));
        QCOMPARE(text(original, RunListModel::DatasetColumn), QStringLiteral("fashion-mnist"));
        QCOMPARE(model.recordAt(original).epochs.size(), size_t(1));
        QVERIFY(model.errorAt(original).isEmpty());

        QCOMPARE(text(broken, RunListModel::StatusColumn), QStringLiteral("unreadable"));
        const QString tip = model.index(broken, RunListModel::StatusColumn).data(Qt::ToolTipRole).toString();
        QVERIFY2(tip.contains("/k5/mse/add/sub/run.json"), qPrintable(tip));
        QCOMPARE(model.index(broken, 0).data(RunListModel::ErrorRole).toString(), model.errorAt(broken));
        QCOMPARE(text(broken, RunListModel::DatasetColumn), QStringLiteral("mnist")); // from the path
    }

    // The scan runs off the GUI thread; refreshes asked for meanwhile end in
    // one more scan, not one each, and it sees what was added since.
    void scansInTheBackgroundAndCoalescesRefreshes()
    {
        RunListModel model;
        QSignalSpy finished(&model, &RunListModel::scanFinished);
        QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
        model.setRoot(m_save);
        QVERIFY(model.isScanning());
        QCOMPARE(model.rowCount(), 0);
        waitForScan(model);
        QCOMPARE(finished.count(), 1);
        const int before = model.rowCount();
        QVERIFY(before >= 2);

        const QString added = m_tmp.filePath("added-save");
        parity::test::copyFiles(parity::test::runDirFor(m_save, 3), added + "/mnist/base-mlp/k3/mse/add/sub");
        setRootAndWait(model, added);
        QCOMPARE(model.rowCount(), 1);
        finished.clear();
        reset.clear();
        parity::test::copyFiles(parity::test::runDirFor(m_save, 3), added + "/mnist/base-mlp/k6/mse/add/sub");
        for (int i = 0; i < 5; ++i)
            model.refresh();
        waitForScan(model);
        QCOMPARE(finished.count(), 1);
        QCOMPARE(reset.count(), 1);
        QCOMPARE(model.rowCount(), 2);

        // Another directory: the old rows go at once, not when the scan ends.
        model.setRoot(m_save);
        QCOMPARE(model.rowCount(), 0);
        waitForScan(model);
        QCOMPARE(model.rowCount(), before);
    }

    // Runs that appear, change or go in the save directory (parity-train's
    // too) show without a refresh; an update of the same runs changes the
    // rows in place.
    void followsTheSaveDirectory()
    {
        const QString save = m_tmp.filePath("followed-save");
        const QString first = save + "/mnist/base-mlp/k3/mse/add/sub";
        parity::test::copyFiles(parity::test::runDirFor(m_save, 3), first);
        RunListModel model;
        setRootAndWait(model, save);
        QCOMPARE(model.rowCount(), 1);
        QVERIFY(model.watchedDirectories().contains(QFileInfo(save).absoluteFilePath()));
        QVERIFY(model.watchedDirectories().contains(QFileInfo(first).absoluteFilePath()));

        QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        // A run writes a file (as a checkpoint's atomic rename does).
        parity::test::writeAll(first + "/extra.bin.tmp", "x");
        QVERIFY(QFile::rename(first + "/extra.bin.tmp", first + "/extra.bin"));
        QTRY_VERIFY_WITH_TIMEOUT(changed.count() >= 1, kScanTimeoutMs);
        waitForScan(model);
        QCOMPARE(reset.count(), 0);
        QCOMPARE(model.rowCount(), 1);

        // A new run, several directories deep.
        const QString second = save + "/mnist/base-mlp/k2/mse/add/sub";
        parity::test::copyFiles(parity::test::runDirFor(m_save, 2), second);
        QTRY_COMPARE_WITH_TIMEOUT(model.rowCount(), 2, kScanTimeoutMs);
        QVERIFY(model.watchedDirectories().contains(QFileInfo(second).absoluteFilePath()));

        // A run removed.
        QVERIFY(QDir(save + "/mnist/base-mlp/k3").removeRecursively());
        QTRY_COMPARE_WITH_TIMEOUT(model.rowCount(), 1, kScanTimeoutMs);
        QCOMPARE(model.recordAt(0).runDir, QFileInfo(second).absoluteFilePath());

        // Another root: the old directories are no longer watched.
        setRootAndWait(model, m_save);
        QVERIFY(!model.watchedDirectories().contains(QFileInfo(save).absoluteFilePath()));
    }

    // Issue 11, item 3: a run without a validation split (val_size 0:
    // run.json's best is null, no val rows) has no best, not a best of 0.
    void aRunWithoutValidationHasNoBest()
    {
        QTemporaryDir root;
        QVERIFY(root.isValid());
        const QString dir = root.filePath("save/mnist/base-mlp/k3/mse/add/sub");
        parity::test::copyFiles(parity::test::runDirFor(m_save, 3), dir);
        for (const QString& name : QDir(dir).entryList({QStringLiteral("val_*.txt")}, QDir::Files))
            QVERIFY(QFile::remove(dir + "/" + name));
        QByteArrayList rows;
        for (const QByteArray& row : parity::test::readAll(dir + "/metrics.csv").split('\n'))
            if (!row.contains(",val,"))
                rows << row;
        parity::test::writeAll(dir + "/metrics.csv", rows.join('\n'));
        QJsonObject record = QJsonDocument::fromJson(parity::test::readAll(dir + "/run.json")).object();
        QVERIFY(record.contains("best_val_reconstruction_top1"));
        record["best_val_reconstruction_top1"] = QJsonValue();
        parity::test::writeAll(dir + "/run.json", QJsonDocument(record).toJson());

        RunListModel model;
        setRootAndWait(model, root.filePath("save"));
        QCOMPARE(model.rowCount(), 1);
        QCOMPARE(model.recordAt(0).epochs.size(), size_t(2));
        QVERIFY(std::isnan(model.recordAt(0).bestValReconstructionTop1));
        QCOMPARE(model.index(0, RunListModel::BestValColumn).data().toString(), QStringLiteral("no val"));
    }

    void showsTheLastUpdateInLocalTimeAndSortsByTheMoment()
    {
        // run.json's "updated" is the writer's local time with its offset.
        QTemporaryDir root;
        QVERIFY(root.isValid());
        const QStringList updated = {QStringLiteral("2026-12-02T23:59:30+0000"), // 23:59 UTC
                                     QStringLiteral("2026-12-03T00:10:00+0100"), // 23:10 UTC: earlier
                                     QStringLiteral("not a time")};
        for (int i = 0; i < updated.size(); ++i) {
            const QString dir = root.filePath(QStringLiteral("save/mnist/base-mlp/k%1/mse/add/sub").arg(i + 2));
            parity::test::copyFiles(parity::test::runDirFor(m_save, 3), dir);
            QJsonObject record = QJsonDocument::fromJson(parity::test::readAll(dir + "/run.json")).object();
            QVERIFY(record.contains("updated"));
            record["updated"] = updated[i];
            parity::test::writeAll(dir + "/run.json", QJsonDocument(record).toJson());
        }
        RunListModel model;
        setRootAndWait(model, root.filePath("save"));
        QCOMPARE(model.rowCount(), 3);
        auto rowOf = [&](const QString& text) {
            for (int row = 0; row < model.rowCount(); ++row)
                if (model.recordAt(row).updated == text)
                    return row;
            return -1;
        };
        auto cell = [&](int row, int role) { return model.index(row, RunListModel::UpdatedColumn).data(role); };
        const auto local = [](int hour, int minute) {
            return QDateTime(QDate(2026, 12, 2), QTime(hour, minute), Qt::UTC)
                .toLocalTime()
                .toString(QStringLiteral("yyyy-MM-dd HH:mm"));
        };
        QCOMPARE(cell(rowOf(updated[0]), Qt::DisplayRole).toString(), local(23, 59));
        QCOMPARE(cell(rowOf(updated[1]), Qt::DisplayRole).toString(), local(23, 10));
        QCOMPARE(cell(rowOf(updated[2]), Qt::DisplayRole).toString(), updated[2]); // as written
        for (const QString& text : updated)
            QCOMPARE(cell(rowOf(text), Qt::ToolTipRole).toString(), text);

        QSortFilterProxyModel proxy;
        proxy.setSourceModel(&model);
        proxy.setSortRole(RunListModel::SortRole);
        proxy.sort(RunListModel::UpdatedColumn, Qt::DescendingOrder);
        QStringList order;
        for (int row = 0; row < proxy.rowCount(); ++row)
            order << model.recordAt(proxy.mapToSource(proxy.index(row, 0)).row()).updated;
        QCOMPARE(order, QStringList({updated[0], updated[1], updated[2]}));
    }

    void aRunCaughtBetweenTwoOfItsWritesIsReadAgain()
    {
        // metrics.csv made but its header not yet written: the state a scan
        // can meet while a run starts. Written a moment later, the row is
        // read, not shown as unreadable.
        QTemporaryDir root;
        QVERIFY(root.isValid());
        const QString dir = root.filePath("save/mnist/base-mlp/k3/mse/add/sub");
        parity::test::copyFiles(parity::test::runDirFor(m_save, 3), dir);
        const QByteArray metrics = parity::test::readAll(dir + "/metrics.csv");
        parity::test::writeAll(dir + "/metrics.csv", QByteArray());
        QTimer::singleShot(100, this, [&] { parity::test::writeAll(dir + "/metrics.csv", metrics); });
        RunListModel model;
        setRootAndWait(model, root.filePath("save"));
        QCOMPARE(model.rowCount(), 1);
        QVERIFY2(model.errorAt(0).isEmpty(), qPrintable(model.errorAt(0)));
        QCOMPARE(model.recordAt(0).epochs.size(), size_t(2));

        // Still empty after the second look: unreadable, with the reason.
        parity::test::writeAll(dir + "/metrics.csv", QByteArray());
        refreshAndWait(model);
        QCOMPARE(model.rowCount(), 1);
        QVERIFY2(model.errorAt(0).contains("metrics.csv: empty file"), qPrintable(model.errorAt(0)));
    }

    void sortsNumbersAsNumbers()
    {
        RunListModel model;
        setRootAndWait(model, m_save);
        QSortFilterProxyModel proxy;
        proxy.setSourceModel(&model);
        proxy.setSortRole(RunListModel::SortRole);
        proxy.sort(RunListModel::KColumn, Qt::AscendingOrder);
        QStringList ks;
        for (int row = 0; row < proxy.rowCount(); ++row)
            ks << proxy.index(row, RunListModel::KColumn).data().toString();
        QCOMPARE(ks, QStringList({"2", "2", "3", "4", "5"}));
        proxy.sort(RunListModel::EpochsColumn, Qt::DescendingOrder);
        QCOMPARE(proxy.index(0, RunListModel::EpochsColumn).data().toInt(), 2);
        QVERIFY(proxy.index(4, RunListModel::EpochsColumn).data().isNull()); // the broken run
    }

    void headersNameEveryColumn()
    {
        RunListModel model;
        for (int column = 0; column < RunListModel::ColumnCount; ++column)
            QVERIFY(!model.headerData(column, Qt::Horizontal).toString().isEmpty());
        QCOMPARE(model.headerData(RunListModel::BestValColumn, Qt::Horizontal).toString(),
                 QStringLiteral("Best val top-1"));
        QVERIFY(model.headerData(RunListModel::BestValColumn, Qt::Horizontal, Qt::ToolTipRole)
                    .toString()
                    .contains("reconstruction top-1"));
        // Which of several erased counts it is (a Berrut or r = 2 run has e = 0, 1, 2).
        QVERIFY(model.headerData(RunListModel::BestValColumn, Qt::Horizontal, Qt::ToolTipRole)
                    .toString()
                    .contains("(e = 1)"));
    }

    // Issue 16, item 4: runs submitted to Slurm show their task's state in
    // the Job column, matched by run directory; a task whose run has no
    // directory yet still has a row; another set of sweeps replaces them.
    void showsTheJobsOfSlurmSweeps()
    {
        using parity::slurm::RunStatus;
        RunListModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        setRootAndWait(model, m_save);
        const int listed = model.rowCount();
        const int k3 = rowWhere(model, 3, false);
        const int k2 = rowWhere(model, 2, false);
        QVERIFY(k3 >= 0 && k2 >= 0);
        QVERIFY(!model.hasJobs());
        QCOMPARE(model.index(k3, RunListModel::JobColumn).data().toString(), QString());

        parity::slurm::SweepStatus sweep;
        sweep.sweep.jobId = "5150";
        sweep.sweep.dir = (m_save + "/slurm/sweep-1").toStdString();
        auto task = [&](int index, RunStatus::State state, const QString& runDir) {
            RunStatus r;
            r.index = index;
            r.state = state;
            r.runDir = runDir.toStdString();
            r.epochs = 10;
            r.header = "mnist base-mlp " + std::to_string(index + 2) + " mse add sub";
            return r;
        };
        RunStatus running = task(1, RunStatus::State::Running,
                                 model.runDirAt(k3) + "/."); // same directory, spelt otherwise
        running.epochsCompleted = 3;
        running.slurmState = "RUNNING";
        RunStatus failed = task(0, RunStatus::State::Failed, model.runDirAt(k2));
        failed.slurmState = "FAILED";
        failed.logTail = {"error: out of memory"};
        RunStatus pending = task(4, RunStatus::State::Pending, m_save + "/mnist/base-mlp/k6/mse/add/sub");
        pending.reason = "Priority";
        pending.slurmState = "PENDING";
        sweep.runs = {failed, running, pending};

        QSignalSpy jobsChanged(&model, &RunListModel::jobsChanged);
        model.setSweeps({sweep});
        QCOMPARE(jobsChanged.count(), 1);
        QVERIFY(model.hasJobs());
        QCOMPARE(model.rowCount(), listed + 1);
        auto text = [&](int row, int column) { return model.index(row, column).data().toString(); };
        const int runningRow = model.rowOfRunDir(QString::fromStdString(running.runDir));
        QVERIFY(runningRow >= 0);
        QCOMPARE(text(runningRow, RunListModel::JobColumn), QStringLiteral("running 3/10"));
        QCOMPARE(text(runningRow, RunListModel::StatusColumn), QStringLiteral("finished")); // the directory's word
        const QString tip = model.index(runningRow, RunListModel::JobColumn).data(Qt::ToolTipRole).toString();
        QVERIFY2(tip.contains("Slurm job 5150, task 1") && tip.contains("RUNNING"), qPrintable(tip));
        const int failedRow = model.rowOfRunDir(model.runDirAt(k2));
        QCOMPARE(text(failedRow, RunListModel::JobColumn), QStringLiteral("failed"));
        QVERIFY(model.index(failedRow, RunListModel::JobColumn)
                    .data(Qt::ToolTipRole)
                    .toString()
                    .contains("error: out of memory"));
        QVERIFY(model.index(failedRow, RunListModel::JobColumn).data(Qt::ForegroundRole).isValid()); // red
        // The previous-* run of the same directory is another run: no job.
        QCOMPARE(text(rowWhere(model, 2, true), RunListModel::JobColumn), QString());

        const int pendingRow = model.rowOfRunDir(QString::fromStdString(pending.runDir));
        QVERIFY(pendingRow >= 0);
        QVERIFY(model.isNotStartedAt(pendingRow));
        QVERIFY(model.index(pendingRow, 0).data(RunListModel::NotStartedRole).toBool());
        QCOMPARE(model.jobAt(pendingRow)->index, 4);
        QCOMPARE(text(pendingRow, RunListModel::JobColumn), QStringLiteral("pending (Priority)"));
        QCOMPARE(text(pendingRow, RunListModel::StatusColumn), QStringLiteral("not started"));
        QCOMPARE(text(pendingRow, RunListModel::KColumn), QStringLiteral("6"));
        QCOMPARE(text(pendingRow, RunListModel::EpochsColumn), QString());
        QVERIFY2(text(pendingRow, RunListModel::RunColumn).contains("k=6"), qPrintable(text(pendingRow, 0)));
        QVERIFY(text(pendingRow, RunListModel::DirectoryColumn).startsWith("mnist/base-mlp/k6/"));

        // A task that started has no directory for a moment; one that ended
        // without making it never started the run.
        sweep.runs[2].state = RunStatus::State::Running;
        model.setSweeps({sweep});
        QCOMPARE(text(pendingRow, RunListModel::StatusColumn), QStringLiteral("starting"));
        sweep.runs[2].state = RunStatus::State::Failed;
        model.setSweeps({sweep});
        QCOMPARE(text(pendingRow, RunListModel::StatusColumn), QStringLiteral("never started"));
        QCOMPARE(text(pendingRow, RunListModel::JobColumn), QStringLiteral("failed"));
        sweep.runs[2] = pending;
        model.setSweeps({sweep});

        // A rescan keeps the row of the run not started and the job states.
        refreshAndWait(model);
        QCOMPARE(model.rowCount(), listed + 1);
        QCOMPARE(text(model.rowOfRunDir(QString::fromStdString(pending.runDir)), RunListModel::JobColumn),
                 QStringLiteral("pending (Priority)"));

        // Slurm's epochs lag behind the directory's (read more often): the fresher count shows.
        sweep.runs[1].epochsCompleted = 0;
        model.setSweeps({sweep});
        QCOMPARE(text(model.rowOfRunDir(QString::fromStdString(running.runDir)), RunListModel::JobColumn),
                 QStringLiteral("running 2/10"));

        // The task started and ended: the same rows, updated in place.
        sweep.runs[1].state = RunStatus::State::Done;
        sweep.runs[1].epochsCompleted = 10;
        QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
        model.setSweeps({sweep});
        QCOMPARE(reset.count(), 0);
        QCOMPARE(text(model.rowOfRunDir(QString::fromStdString(running.runDir)), RunListModel::JobColumn),
                 QStringLiteral("done"));

        // No sweeps: the rows of the directory only.
        model.setSweeps({});
        QVERIFY(!model.hasJobs());
        QCOMPARE(model.rowCount(), listed);
        QCOMPARE(model.rowOfRunDir(QString::fromStdString(pending.runDir)), -1);
    }
};

QTEST_MAIN(RunListModelTest)
#include "RunListModelTest.moc"
