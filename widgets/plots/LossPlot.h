#pragma once
#include "plots/LivePlot.h"

#include <QSharedPointer>
#include <QVector>

class QCheckBox;
class QCPAxisTicker;
class QLabel;
class QSlider;

namespace parity::gui {

/// Loss while training: per batch of the training split ("train batch loss",
/// smoothable, and "train running loss") at x = epoch + batch/batches, and per
/// epoch ("train loss", "val loss", "test loss") at x = epoch + 1, so that the
/// end of an epoch's batches and its epoch point line up.
/// Batches of other splits are ignored (their epoch loss is plotted).
/// Toolbar: smoothing (EMA over the batch loss), log scale, reset view.
/// A run that trains nothing (a Berrut code) computes no loss (NaN): nothing
/// is drawn, and the note on the empty axes says why (noLossText).
class LossPlot : public LivePlot {
    Q_OBJECT
public:
    static constexpr const char* kBatchLoss = "train batch loss";
    static constexpr const char* kRunningLoss = "train running loss";
    /// Name of the per-epoch series of `split` ("train loss", ...).
    static QString epochSeriesName(const QString& split);
    /// The empty axes' note before any batch ...
    static QString emptyText();
    /// ... and for a run that computes no loss ...
    static QString noLossText();
    /// ... and, before Start, for runs to come that will compute none.
    static QString noLossToComeText();

    explicit LossPlot(QWidget* parent = nullptr);
    ~LossPlot() override;

    void addBatch(const parity::BatchStats& stats) override;
    void addEpoch(const parity::EpochSummary& summary) override;
    /// Per-epoch losses only (a record has no batches).
    void showRecord(const RunRecord& record) override;
    void clear() override;
    /// Before a run: whether the runs about to start all train nothing. The
    /// empty axes then say that no loss will come, without a legend of loss
    /// series; a plot that holds data is left as it is.
    void expectNoLoss(bool none);

    /// EMA weight of the previous smoothed value in percent, 0 (raw) .. 99.
    void setSmoothing(int percent);
    int smoothing() const { return m_smoothing; }
    /// Logarithmic loss axis; non-positive losses are left out there.
    void setLogScale(bool on);
    bool logScale() const { return m_logScale; }

    /// Says on the empty axes that the run shown computes no loss (`text`),
    /// without the legend of series that never come.
    void noteNoLoss(const QString& text = noLossText());

protected:
    void fitAxes() override;

private:
    bool holdsData() const;
    /// The values as they came, so smoothing and log scale can be redone.
    struct Series {
        QCPGraph* graph = nullptr;
        QVector<double> keys;
        QVector<double> values;
    };

    QCPGraph* addSeries(const QString& name, const QColor& colour, bool perEpoch);
    Series* find(const QString& name);
    void append(Series& series, double key, double value);
    double shown(double value) const;
    double smoothedNext(double raw);
    void rebuild(Series& series);

    std::vector<Series> m_series; ///< batch, running, then per-epoch series
    QSlider* m_smoothingSlider;
    QLabel* m_smoothingLabel;
    QCheckBox* m_logCheck;
    QSharedPointer<QCPAxisTicker> m_linearTicker;
    QSharedPointer<QCPAxisTicker> m_logTicker;
    int m_smoothing = 0;
    bool m_logScale = false;
    double m_ema = 0;
    bool m_emaStarted = false;
};

} // namespace parity::gui
