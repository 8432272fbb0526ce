#include "slurm/SlurmJobTracker.h"

#include "common/RunAsync.h"

#include <QStringList>
#include <QTimer>

#include <algorithm>
#include <exception>

namespace parity::gui {

SlurmJobTracker::SlurmJobTracker(QObject* parent)
    : QObject(parent)
    , m_reader(&SlurmJobTracker::readSweeps)
    , m_canceller(&parity::slurm::cancelTasks)
    , m_timer(new QTimer(this))
{
    m_timer->setSingleShot(true);
    connect(m_timer, &QTimer::timeout, this, [this] { startRead(false); });
}

std::vector<parity::slurm::SweepStatus>
SlurmJobTracker::readSweeps(const QString& saveDir, const std::vector<parity::slurm::SweepStatus>& known,
                            bool everything)
{
    std::vector<parity::slurm::SweepStatus> sweeps;
    if (saveDir.isEmpty())
        return sweeps;
    for (const std::string& dir : parity::slurm::sweepDirs(saveDir.toStdString())) {
        const auto before = std::find_if(known.begin(), known.end(), [&](const auto& s) { return s.sweep.dir == dir; });
        if (!everything && before != known.end() && !before->followed()) {
            sweeps.push_back(*before); // every task had ended: Slurm has nothing new to say
            continue;
        }
        try {
            // A dry run's sweep was never submitted: no job to follow.
            if (parity::slurm::Sweep::read(dir).jobId.empty())
                continue;
            sweeps.push_back(parity::slurm::readStatus(dir));
        } catch (const std::exception& e) {
            // An unreadable sweep.json (being written, or damaged) says so instead of vanishing.
            parity::slurm::SweepStatus broken;
            broken.sweep.dir = dir;
            broken.notes.push_back(e.what());
            sweeps.push_back(std::move(broken));
        }
    }
    return sweeps;
}

void SlurmJobTracker::setSaveDir(const QString& saveDir)
{
    if (saveDir == m_saveDir)
        return;
    m_saveDir = saveDir;
    ++m_generation;
    m_timer->stop();
    if (!m_sweeps.empty()) {
        m_sweeps.clear();
        Q_EMIT updated();
    }
    if (m_active)
        refresh();
}

void SlurmJobTracker::setActive(bool active)
{
    if (active == m_active)
        return;
    m_active = active;
    if (active)
        refresh();
    else
        m_timer->stop();
}

bool SlurmJobTracker::hasActiveTasks() const
{
    return std::any_of(m_sweeps.begin(), m_sweeps.end(),
                       [](const parity::slurm::SweepStatus& s) { return s.followed(); });
}

void SlurmJobTracker::refresh()
{
    if (m_reading)
        m_readAgain = true;
    else
        startRead(true);
}

void SlurmJobTracker::pollSoon()
{
    if (m_active && !m_reading && !m_timer->isActive())
        startRead(false);
}

void SlurmJobTracker::pollNow()
{
    if (m_active && !m_reading)
        startRead(false);
}

void SlurmJobTracker::cancelTasks(std::vector<Cancellation> cancellations)
{
    if (m_cancelling || cancellations.empty())
        return;
    m_cancelling = true;
    runAsync<CancelOutcome>(
        this,
        [canceller = m_canceller, cancellations = std::move(cancellations)] {
            CancelOutcome outcome;
            for (const Cancellation& c : cancellations) {
                QStringList tasks;
                for (const int index : c.indices)
                    tasks << QString::number(index);
                const QString what = (c.indices.size() == 1 ? tr("task %1 of job %2") : tr("tasks %1 of job %2"))
                                         .arg(tasks.join(QStringLiteral(", ")), QString::fromStdString(c.sweep.jobId));
                try {
                    const std::string note = canceller(c.sweep, c.indices);
                    outcome.cancelled << what;
                    if (!note.empty())
                        outcome.problems << QString::fromStdString(note);
                } catch (const std::exception& e) {
                    outcome.problems << QString::fromStdString(e.what());
                }
            }
            return outcome;
        },
        [this](const CancelOutcome& outcome) {
            m_cancelling = false;
            Q_EMIT cancelFinished(outcome);
            refresh();
            // A running task ends once parity-train has stopped at a batch boundary.
            QTimer::singleShot(kAfterCancelMs, this, [this] {
                if (m_active)
                    refresh();
            });
        });
}

void SlurmJobTracker::startRead(bool everything)
{
    m_timer->stop();
    m_reading = true;
    m_readAgain = false;
    const int generation = m_generation;
    runAsync<std::vector<parity::slurm::SweepStatus>>(
        this,
        [reader = m_reader, saveDir = m_saveDir, known = m_sweeps, everything] {
            try {
                return reader(saveDir, known, everything);
            } catch (const std::exception&) {
                return known; // a save directory that went away: keep what was known
            }
        },
        [this, generation](const std::vector<parity::slurm::SweepStatus>& sweeps) {
            m_reading = false;
            if (generation != m_generation || m_readAgain) { // asked again meanwhile: this read may be stale
                startRead(true);
                return;
            }
            m_sweeps = sweeps;
            Q_EMIT updated();
            scheduleNext();
        });
}

void SlurmJobTracker::scheduleNext()
{
    if (m_active && hasActiveTasks())
        m_timer->start(m_intervalMs);
}

} // namespace parity::gui
