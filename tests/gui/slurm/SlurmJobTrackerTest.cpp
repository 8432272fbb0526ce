// Issue 16, item 4: the Runs tab asks Slurm again only while it is on screen
// and a task is pending or running; a read for another save directory is
// dropped. The reader is a seam: no Slurm needed.
#include "slurm/SlurmJobTracker.h"

#include "TestPaths.h"
#include "util/Error.h"

#include <QMutex>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QThread>
#include <QtTest>

#include <atomic>

using parity::gui::SlurmJobTracker;
using parity::slurm::RunStatus;
using parity::slurm::SweepStatus;

namespace {

SweepStatus sweepOf(const std::string& dir, std::vector<RunStatus::State> states)
{
    SweepStatus s;
    s.sweep.dir = dir;
    s.sweep.jobId = "77";
    for (size_t i = 0; i < states.size(); ++i) {
        RunStatus r;
        r.index = int(i);
        r.state = states[i];
        r.runDir = dir + "/run" + std::to_string(i);
        s.runs.push_back(r);
    }
    return s;
}

/// A reader that answers what `answer` holds and counts its calls.
struct FakeSlurm {
    std::atomic<int> reads{0};
    std::atomic<int> everything{0};
    std::vector<SweepStatus> answer;
    QMutex mutex;

    SlurmJobTracker::Reader reader()
    {
        return [this](const QString& saveDir, const std::vector<SweepStatus>&, bool all) {
            ++reads;
            everything += all ? 1 : 0;
            QMutexLocker lock(&mutex);
            std::vector<SweepStatus> result = answer;
            for (auto& s : result)
                s.sweep.id = saveDir.toStdString(); // which save directory this read was for
            return result;
        };
    }
    void set(std::vector<SweepStatus> a)
    {
        QMutexLocker lock(&mutex);
        answer = std::move(a);
    }
};

} // namespace

class SlurmJobTrackerTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void pollsWhileActiveAndATaskIsWaiting()
    {
        FakeSlurm slurm;
        slurm.set({sweepOf("/s/a", {RunStatus::State::Pending, RunStatus::State::Running})});
        SlurmJobTracker tracker;
        tracker.setReader(slurm.reader());
        tracker.setInterval(50);
        tracker.setSaveDir(QStringLiteral("/s"));
        QTest::qWait(200);
        QCOMPARE(slurm.reads.load(), 0); // not on screen: nothing asked

        QSignalSpy updated(&tracker, &SlurmJobTracker::updated);
        tracker.setActive(true);
        QTRY_VERIFY_WITH_TIMEOUT(updated.count() >= 3, 5000); // again and again
        QCOMPARE(tracker.sweeps().size(), size_t(1));
        QVERIFY(tracker.hasActiveTasks());
        QCOMPARE(slurm.everything.load(), 1); // the first read reads everything, the polls what may change

        // Every task ended: the polling stops.
        slurm.set({sweepOf("/s/a", {RunStatus::State::Done, RunStatus::State::Failed})});
        QTRY_VERIFY_WITH_TIMEOUT(!tracker.hasActiveTasks(), 5000);
        QTRY_VERIFY(!tracker.isReading());
        const int reads = slurm.reads.load();
        QTest::qWait(300);
        QCOMPARE(slurm.reads.load(), reads);

        // A refresh reads again (the Refresh button, a submission).
        tracker.refresh();
        QTRY_COMPARE(slurm.reads.load(), reads + 1);
    }

    // A scheduler that could not be asked once (a controller restarting, a
    // timeout) leaves running tasks Unknown for that read: the tracker asks
    // again instead of taking them for ended.
    void keepsAskingWhileTheSchedulerCannotSay()
    {
        FakeSlurm slurm;
        SweepStatus unreachable = sweepOf("/s/a", {RunStatus::State::Done, RunStatus::State::Unknown});
        unreachable.schedulerUnreachable = true;
        slurm.set({unreachable});
        SlurmJobTracker tracker;
        tracker.setReader(slurm.reader());
        tracker.setInterval(50);
        tracker.setSaveDir(QStringLiteral("/s"));
        tracker.setActive(true);
        QTRY_VERIFY_WITH_TIMEOUT(slurm.reads.load() >= 3, 5000);
        QVERIFY(tracker.hasActiveTasks());
        // The scheduler answers again: the task is running, then it ends.
        slurm.set({sweepOf("/s/a", {RunStatus::State::Done, RunStatus::State::Running})});
        QTRY_COMPARE_WITH_TIMEOUT(tracker.sweeps().at(0).runs.at(1).state, RunStatus::State::Running, 5000);
        slurm.set({sweepOf("/s/a", {RunStatus::State::Done, RunStatus::State::Done})});
        QTRY_VERIFY_WITH_TIMEOUT(!tracker.hasActiveTasks(), 5000);
        // Unknown with a scheduler that did answer (it has forgotten the
        // task): nothing more will come, and the polling stops.
        slurm.set({sweepOf("/s/a", {RunStatus::State::Unknown})});
        tracker.refresh();
        QTRY_VERIFY(!tracker.isReading());
        QTRY_COMPARE(tracker.sweeps().at(0).runs.at(0).state, RunStatus::State::Unknown);
        QVERIFY(!tracker.hasActiveTasks());
    }

    void stopsWhenHidden()
    {
        FakeSlurm slurm;
        slurm.set({sweepOf("/s/a", {RunStatus::State::Running})});
        SlurmJobTracker tracker;
        tracker.setReader(slurm.reader());
        tracker.setInterval(50);
        tracker.setSaveDir(QStringLiteral("/s"));
        tracker.setActive(true);
        QTRY_VERIFY(slurm.reads.load() >= 2);
        tracker.setActive(false);
        QTRY_VERIFY(!tracker.isReading());
        const int reads = slurm.reads.load();
        QTest::qWait(300);
        QCOMPARE(slurm.reads.load(), reads);
        tracker.setActive(true); // on screen again: it asks at once
        QTRY_VERIFY(slurm.reads.load() > reads);
    }

    void aReadForAnotherSaveDirectoryIsDropped()
    {
        std::atomic<bool> slow{true};
        SlurmJobTracker tracker;
        tracker.setReader([&](const QString& saveDir, const std::vector<SweepStatus>&, bool) {
            if (saveDir == QLatin1String("/old"))
                while (slow)
                    QThread::msleep(5);
            auto s = sweepOf(saveDir.toStdString() + "/sweep", {RunStatus::State::Done});
            return std::vector<SweepStatus>{s};
        });
        tracker.setSaveDir(QStringLiteral("/old"));
        tracker.setActive(true);
        QVERIFY(tracker.isReading());
        tracker.setSaveDir(QStringLiteral("/new"));
        slow = false;
        QTRY_VERIFY(!tracker.isReading() && !tracker.sweeps().empty());
        QCOMPARE(tracker.sweeps().front().sweep.dir, std::string("/new/sweep"));
    }

    // Cancelling runs the canceller off the GUI thread, one call per sweep:
    // a sweep Slurm refuses is reported without keeping the other from its
    // cancellation; then every sweep is read again, and again a little later.
    void cancelsOffTheGuiThreadAndAsksAgain()
    {
        FakeSlurm slurm;
        slurm.set({sweepOf("/s/a", {RunStatus::State::Running, RunStatus::State::Pending})});
        SlurmJobTracker tracker;
        tracker.setReader(slurm.reader());
        tracker.setInterval(60000); // only the cancellation's reads
        tracker.setSaveDir(QStringLiteral("/s"));
        tracker.setActive(true);
        QTRY_VERIFY(!tracker.isReading() && !tracker.sweeps().empty());

        QMutex mutex;
        std::vector<std::pair<std::string, std::vector<int>>> calls;
        std::atomic<bool> onGuiThread{false};
        QThread* gui = QThread::currentThread();
        tracker.setCanceller([&](const parity::slurm::Sweep& sweep, const std::vector<int>& indices) {
            onGuiThread = onGuiThread || QThread::currentThread() == gui;
            if (sweep.jobId == "78")
                throw parity::Error("scancel 78_3 failed: Invalid job id specified");
            QMutexLocker lock(&mutex);
            calls.emplace_back(sweep.jobId, indices);
            return sweep.jobId == "79" ? std::string("not recorded: disk full") : std::string();
        });
        std::vector<parity::gui::CancelOutcome> outcomes;
        connect(&tracker, &SlurmJobTracker::cancelFinished, this,
                [&](const parity::gui::CancelOutcome& outcome) { outcomes.push_back(outcome); });
        const int readsBefore = slurm.reads.load();
        SlurmJobTracker::Cancellation refused{sweepOf("/s/b", {}).sweep, {3}},
            unrecorded{sweepOf("/s/c", {}).sweep, {0}};
        refused.sweep.jobId = "78";
        unrecorded.sweep.jobId = "79";
        tracker.cancelTasks({{sweepOf("/s/a", {}).sweep, {0, 1}}, refused, unrecorded});
        QVERIFY(tracker.isCancelling());
        tracker.cancelTasks({{sweepOf("/s/a", {}).sweep, {0}}}); // one at a time: ignored
        QTRY_COMPARE(outcomes.size(), size_t(1));
        QVERIFY(!tracker.isCancelling());
        QVERIFY(!onGuiThread);
        QCOMPARE(calls.size(), size_t(2));
        QCOMPARE(calls[0].first, std::string("77"));
        QCOMPARE(calls[0].second, (std::vector<int>{0, 1}));
        QCOMPARE(outcomes[0].cancelled, (QStringList{"tasks 0, 1 of job 77", "task 0 of job 79"}));
        QCOMPARE(outcomes[0].problems,
                 (QStringList{"scancel 78_3 failed: Invalid job id specified", "not recorded: disk full"}));
        QTRY_VERIFY(slurm.reads.load() >= readsBefore + 1);                    // read again at once
        QTRY_VERIFY_WITH_TIMEOUT(slurm.reads.load() >= readsBefore + 2, 5000); // and once more a little later
        QCOMPARE(slurm.everything.load(), slurm.reads.load());                 // each of them everything
    }

    // The default reader on a save directory without sweeps, or none at
    // all, and with only a dry run's sweep (no job to follow).
    void readsNothingWithoutSubmittedSweeps()
    {
        QTemporaryDir tmp;
        QVERIFY(SlurmJobTracker::readSweeps(tmp.path(), {}, true).empty());
        QVERIFY(SlurmJobTracker::readSweeps(tmp.filePath("absent"), {}, true).empty());
        QVERIFY(SlurmJobTracker::readSweeps(QString(), {}, true).empty());
        const nlohmann::json config = {{"datasets", {"mnist"}},
                                       {"models", {"base-mlp"}},
                                       {"k_vals", {2}},
                                       {"losses", {"mse"}},
                                       {"enc_dec_types",
                                        nlohmann::json::array({nlohmann::json::array({"add", "sub"})})},
                                       {"num_epoch", 1},
                                       {"train_parity_model", true},
                                       {"save_dir", tmp.path().toStdString()}};
        const auto sweep = parity::slurm::writeSweep(parity::SweepConfig::fromJson(config, "test"),
                                                     tmp.filePath("test.json").toStdString(), tmp.path().toStdString(),
                                                     {}, PARITY_TRAIN_EXE);
        QCOMPARE(parity::slurm::sweepDirs(tmp.path().toStdString()), std::vector<std::string>{sweep.dir});
        QVERIFY(SlurmJobTracker::readSweeps(tmp.path(), {}, true).empty());
    }
};

QTEST_MAIN(SlurmJobTrackerTest)
#include "SlurmJobTrackerTest.moc"
