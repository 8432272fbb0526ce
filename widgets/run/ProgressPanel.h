#pragma once
#include "events/TrainingEvents.h"

#include <QTimer>
#include <QWidget>

class QLabel;
class QProgressBar;

namespace parity::gui {

/// Where the current run is: a progress bar over the whole run (epoch and
/// batch), the split, throughput and ETA. Batches arrive faster than anyone
/// reads; the view is refreshed at most ~25 times a second.
class ProgressPanel : public QWidget {
    Q_OBJECT
public:
    explicit ProgressPanel(QWidget* parent = nullptr);

    /// Total epochs of the run about to start (for the overall bar and ETA).
    void startRun(int numEpochs, int firstEpoch = 0);
    void showBatch(const parity::BatchStats& stats);
    /// An epoch's length makes the ETA of the whole run.
    void epochDone(const parity::EpochSummary& summary);
    /// Preparation stages (loading, base model, dataset preparation).
    void showStage(const QString& stage, qint64 done, qint64 total);
    void showIdle(const QString& text);
    /// How a run (or queue) ended.
    enum class Outcome { Finished, Stopped, Failed };
    /// The run ended: the bar says how (and, finished, how many epochs), the
    /// line below says what happened and where things are.
    /// `epochsDone` < 0: the run trained no epochs (a test of a checkpoint).
    void showDone(Outcome outcome, const QString& text, int epochsDone = 0);
    /// After showDone: the queue was edited since, so Start would run
    /// something other than what ended. The bar keeps how the last run ended;
    /// the line below says so, once.
    void noteEditedSince();

    QString text() const;
    int value() const;

private:
    void refresh();

    QProgressBar* m_bar;
    QLabel* m_label;
    QTimer m_timer;
    QString m_doneText; ///< showDone's line while it shows; empty otherwise
    parity::BatchStats m_last;
    bool m_pending = false;
    int m_numEpochs = 1;
    double m_epochSeconds = 0; ///< seconds of one whole epoch (train+val+test), from the last one
    double m_trainShare = 0.8; ///< part of an epoch spent in train, for the ETA
};

} // namespace parity::gui
