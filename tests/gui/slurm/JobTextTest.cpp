// Issue 16, item 4: how the Runs tab words a Slurm task's state, its tooltip
// and a sweep's summary.
#include "slurm/JobText.h"

#include <QtTest>

using parity::slurm::RunStatus;
namespace jobtext = parity::gui::jobtext;

Q_DECLARE_METATYPE(RunStatus::State)

class JobTextTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void wordsTheState_data()
    {
        QTest::addColumn<RunStatus::State>("state");
        QTest::addColumn<QString>("reason");
        QTest::addColumn<int>("done");
        QTest::addColumn<int>("epochs");
        QTest::addColumn<int>("restarts");
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("active");
        using S = RunStatus::State;
        QTest::newRow("pending") << S::Pending << "Priority" << 0 << 10 << 0 << "pending (Priority)" << true;
        QTest::newRow("pending, no reason") << S::Pending << "None" << 0 << 10 << 0 << "pending" << true;
        QTest::newRow("pending, the array's limit")
            << S::Pending << "JobArrayTaskLimit" << 0 << 10 << 0 << "pending (tasks at once)" << true;
        QTest::newRow("running") << S::Running << "" << 3 << 10 << 0 << "running 3/10" << true;
        QTest::newRow("running, epochs unknown") << S::Running << "" << 0 << 0 << 0 << "running" << true;
        QTest::newRow("requeued") << S::Pending << "BeginTime" << 4 << 10 << 1 << "pending (BeginTime) · requeued ×1"
                                  << true;
        QTest::newRow("done") << S::Done << "" << 10 << 10 << 0 << "done" << false;
        QTest::newRow("failed") << S::Failed << "OUT_OF_MEMORY" << 2 << 10 << 0 << "failed" << false;
        QTest::newRow("stopped") << S::Stopped << "" << 4 << 10 << 2 << "stopped 4/10 · requeued ×2" << false;
        QTest::newRow("cancelled") << S::Cancelled << "" << 0 << 10 << 0 << "cancelled" << false;
        QTest::newRow("unknown") << S::Unknown << "" << 0 << 10 << 0 << "unknown" << false;
    }
    void wordsTheState()
    {
        QFETCH(RunStatus::State, state);
        QFETCH(QString, reason);
        QFETCH(int, done);
        QFETCH(int, epochs);
        QFETCH(int, restarts);
        QFETCH(QString, text);
        QFETCH(bool, active);
        RunStatus run;
        run.state = state;
        run.reason = reason.toStdString();
        run.epochsCompleted = done;
        run.epochs = epochs;
        run.restarts = restarts;
        QCOMPARE(jobtext::state(run), text);
        QCOMPARE(jobtext::isActive(run), active);
    }

    void theTooltipOfAFailedRunHasItsLog()
    {
        parity::slurm::Sweep sweep;
        sweep.jobId = "1234";
        sweep.dir = "/save/slurm/s1";
        RunStatus run;
        run.index = 3;
        run.state = RunStatus::State::Failed;
        run.slurmState = "FAILED";
        run.reason = "FAILED, exit 1:0";
        run.epochsCompleted = 2;
        run.epochs = 10;
        run.restarts = 1;
        run.error = "mnist: data not found";
        run.logPath = "/save/slurm/s1/logs/1234_3.out";
        run.logTail = {"Epoch 1. train.", "error: mnist: data not found"};
        const QString tip = jobtext::toolTip(sweep, run);
        for (const char* part : {"Slurm job 1234, task 3 (1234_3)", "Slurm: FAILED, exit 1:0", "Epochs done: 2 of 10",
                                 "Requeued once", "Error: mnist: data not found", "Log: /save/slurm/s1/logs/1234_3.out",
                                 "Last lines of the log:", "  error: mnist: data not found"})
            QVERIFY2(tip.contains(QLatin1String(part)), qPrintable(tip + "\n-- lacks: " + part));
    }

    void summarisesASweep()
    {
        parity::slurm::SweepStatus s;
        s.sweep.jobId = "99";
        for (auto state : {RunStatus::State::Running, RunStatus::State::Pending, RunStatus::State::Pending,
                           RunStatus::State::Done}) {
            RunStatus r;
            r.state = state;
            s.runs.push_back(r);
        }
        QCOMPARE(jobtext::summary(s), QStringLiteral("job 99: 2 pending, 1 running, 1 done"));
    }
};

QTEST_MAIN(JobTextTest)
#include "JobTextTest.moc"
