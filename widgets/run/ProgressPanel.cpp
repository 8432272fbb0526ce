#include "run/ProgressPanel.h"

#include "training/ProgressLine.h"

#include <QLabel>
#include <QProgressBar>
#include <QVBoxLayout>

#include <cmath>

namespace parity::gui {

ProgressPanel::ProgressPanel(QWidget* parent)
    : QWidget(parent)
    , m_bar(new QProgressBar)
    , m_label(new QLabel)
{
    m_bar->setObjectName(QStringLiteral("progress_bar"));
    m_label->setObjectName(QStringLiteral("progress_text"));
    m_bar->setRange(0, 1000);
    m_bar->setTextVisible(true);
    m_label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_label->setWordWrap(true); // a long message wraps; it never widens the panel
    // Two lines are kept for it, as long as the running line is in the narrow
    // panel: the buttons and the queue above do not move as the text changes.
    m_label->setAlignment(Qt::AlignLeft | Qt::AlignTop);
    m_label->setMinimumHeight(2 * m_label->fontMetrics().lineSpacing());
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_bar);
    layout->addWidget(m_label);
    m_timer.setSingleShot(true);
    m_timer.setInterval(40);
    connect(&m_timer, &QTimer::timeout, this, &ProgressPanel::refresh);
    showIdle(tr("Idle"));
}

void ProgressPanel::startRun(int numEpochs, int firstEpoch)
{
    m_numEpochs = qMax(1, numEpochs);
    m_epochSeconds = 0;
    m_last = {};
    m_last.epoch = firstEpoch;
    m_bar->setValue(int(1000.0 * firstEpoch / m_numEpochs));
    m_bar->setFormat(tr("Epoch %1 / %2").arg(firstEpoch + 1).arg(m_numEpochs));
    m_label->setText(tr("Starting…"));
    m_doneText.clear();
}

void ProgressPanel::showBatch(const parity::BatchStats& stats)
{
    m_last = stats;
    if (!m_timer.isActive())
        m_timer.start();
}

void ProgressPanel::epochDone(const parity::EpochSummary& summary) { m_epochSeconds = summary.seconds; }

void ProgressPanel::refresh()
{
    const parity::BatchStats& s = m_last;
    // Within an epoch: train counts for its share of the time, val and test the rest.
    double inEpoch = s.batches ? double(s.batch) / double(s.batches) : 0.0;
    if (s.split == "train")
        inEpoch *= m_trainShare;
    else
        inEpoch = m_trainShare + (1.0 - m_trainShare) * (s.split == "val" ? 0.5 * inEpoch : 0.5 + 0.5 * inEpoch);
    const double overall = (s.epoch + inEpoch) / m_numEpochs;
    m_bar->setValue(int(1000.0 * qBound(0.0, overall, 1.0)));
    m_bar->setFormat(tr("Epoch %1 / %2 — %3 batch %4 / %5")
                         .arg(s.epoch + 1)
                         .arg(m_numEpochs)
                         .arg(QString::fromStdString(s.split))
                         .arg(s.batch)
                         .arg(s.batches));
    QString eta = QString::fromStdString(parity::formatClock(s.etaSeconds));
    if (m_epochSeconds > 0) {
        const double left = (m_numEpochs - s.epoch - inEpoch) * m_epochSeconds;
        eta = QString::fromStdString(parity::formatClock(left));
    }
    // A run that trains nothing (Berrut) computes no loss (NaN): none is shown.
    const QString loss = std::isnan(s.runningLoss) ? QString() : tr(" · loss %1").arg(s.runningLoss, 0, 'g', 5);
    m_label->setText(tr("%1 groups/s%2 · top-1 %3 · %4 left")
                         .arg(s.groupsPerSecond, 0, 'f', 0)
                         .arg(loss)
                         .arg(s.runningTop1, 0, 'f', 4)
                         .arg(eta));
}

void ProgressPanel::showStage(const QString& stage, qint64 done, qint64 total)
{
    m_timer.stop();
    m_bar->setValue(total > 0 ? int(1000 * done / total) : 0);
    m_bar->setFormat(tr("%1: %2 / %3").arg(stage).arg(done).arg(total));
}

void ProgressPanel::showIdle(const QString& text)
{
    m_timer.stop();
    m_label->setText(text);
    m_doneText.clear();
}

void ProgressPanel::noteEditedSince()
{
    if (m_doneText.isEmpty())
        return;
    const QString end = m_doneText.endsWith(QLatin1Char('.')) || m_doneText.endsWith(QLatin1Char(':'))
                            ? QStringLiteral(" ")
                            : QStringLiteral(". ");
    m_label->setText(m_doneText + end + tr("The settings were edited since."));
}

void ProgressPanel::showDone(Outcome outcome, const QString& text, int epochsDone)
{
    m_timer.stop();
    const QString epochs = epochsDone == 1 ? tr("1 epoch") : tr("%1 epochs").arg(epochsDone);
    switch (outcome) {
    case Outcome::Finished:
        m_bar->setValue(m_bar->maximum());
        m_bar->setFormat(epochsDone < 0 ? tr("Done") : tr("Done — %1").arg(epochs)); // < 0: no epochs (a test)
        break;
    case Outcome::Stopped:
        m_bar->setValue(int(1000.0 * epochsDone / m_numEpochs));
        m_bar->setFormat(tr("Stopped — %1 of %2 done").arg(epochs).arg(m_numEpochs));
        break;
    case Outcome::Failed:
        m_bar->setFormat(tr("Failed"));
        break;
    }
    m_label->setText(text);
    m_doneText = text;
}

QString ProgressPanel::text() const { return m_bar->format() + QLatin1Char('\n') + m_label->text(); }

int ProgressPanel::value() const { return m_bar->value(); }

} // namespace parity::gui
