#pragma once
// The accuracy users are served when predictions are unavailable, for one
// run or overlaid for several (docs/CODES.md, "Served accuracy").
#include "common/RunRecord.h"

#include <QPointF>
#include <QSet>
#include <QString>
#include <QStringList>
#include <QVector>
#include <QWidget>

#include <vector>

class QComboBox;
class QCustomPlot;
class QLabel;

namespace parity::gui {

class LegendList;

/// Draws each run's served_accuracy.csv (RunRecord::served): the expected
/// accuracy of what users are served when every prediction is unavailable
/// with probability f (x = f, 0..0.5), or with e of a group's k predictions
/// unavailable (x = e, 0..k). One solid curve per run, named by
/// RunRecord::displayName() and coloured as in ComparePlot (runColour of its
/// index); dashed grey "no redundancy" curves (missing predictions answered
/// with the most frequent training class), one per distinct baseline, named
/// "no redundancy" or, when the runs' baselines differ, "no redundancy
/// (k=<the runs' k that share it, e.g. 2,4>, base <accuracy>)". Runs without the file are listed in the note above the
/// plot, with the reason when the file does not read. The legend beside the
/// plot (a LegendList) hides and shows a curve; the plot and the table export as PNG/PDF and CSV.
class ServedAccuracyPlot : public QWidget {
    Q_OBJECT
public:
    enum class Axis {
        Fraction, ///< x = f, the probability that a prediction is unavailable
        Erased,   ///< x = e, unavailable predictions in a group of k
    };

    explicit ServedAccuracyPlot(QWidget* parent = nullptr);

    void setRecords(std::vector<RunRecord> records);
    const std::vector<RunRecord>& records() const { return m_records; }

    void setAxis(Axis axis);
    Axis axis() const { return m_axis; }

    /// Legend names of the curves, in legend order.
    QStringList graphNames() const;
    /// The points of the curve named `name` (empty if none).
    QVector<QPointF> graphPoints(const QString& name) const;
    bool isGraphVisible(const QString& name) const;
    /// As (un)checking its legend row does (the first curve of that name).
    bool setGraphVisible(const QString& name, bool visible);
    /// The note above the plot: what is drawn, and which runs are not (and why).
    QString note() const;

    QCustomPlot* plot() const { return m_plot; }
    LegendList* legend() const { return m_legend; }
    /// PNG or PDF by suffix, the legend beside the axes (savePlotWithLegend).
    bool exportImage(const QString& path, QString* error = nullptr);
    /// The drawn runs' tables as one CSV:
    /// `run,run_dir,measure,value,served_accuracy,no_redundancy`, with the
    /// rows of each run's served_accuracy.csv (measure erased or fraction).
    bool exportCsv(const QString& path, QString* error = nullptr) const;
    static QString tableCsv(const std::vector<RunRecord>& records);

public Q_SLOTS:
    void resetView();

private:
    void rebuild();
    /// Shows or hides curve `index`, remembered across redraws by its run's
    /// directory (a baseline: its name).
    void showCurve(int index, bool visible);
    void askExportImage();
    void askExportCsv();

    std::vector<RunRecord> m_records;
    Axis m_axis = Axis::Fraction;
    QSet<QString> m_hidden; ///< keys (kCurveKey) of the curves the user switched off
    QComboBox* m_axisCombo = nullptr;
    QLabel* m_note = nullptr;
    QCustomPlot* m_plot = nullptr;
    LegendList* m_legend = nullptr;
};

} // namespace parity::gui
