#pragma once
#include "training/ReconstructionInspector.h"

#include <QWidget>

#include <string>
#include <vector>

class QCustomPlot;
class QCPBars;
class QLabel;

namespace parity::gui {

/// One erasure position of an inspected group: a caption (true label, base
/// prediction, reconstructed prediction, matched or not) above a bar chart
/// pair over the classes — the base model's output next to the decoder's
/// reconstruction when this position was erased. For a localization run
/// (setBoxes) the input image with three boxes instead: the true box
/// (green), the base model's (blue) and the reconstruction (orange).
class PositionPanel : public QWidget {
    Q_OBJECT
public:
    explicit PositionPanel(QWidget* parent = nullptr);

    /// Shows `position` (index `index` in its group). With `softmax` the bars
    /// are probabilities (softmax of each output vector), else raw outputs.
    /// `heading` says how the prediction came about (default "Position <i>
    /// erased"); a position that was available (not decoded) is captioned as
    /// served as it is.
    void setPosition(int index, const parity::InspectedPosition& position, const std::vector<std::string>& classNames,
                     bool softmax, const QString& heading = QString());

    /// A localization run's position: `input` is the erased query's image.
    void setBoxes(int index, const parity::InspectedPosition& position, const parity::InspectedImage& input);

    QCustomPlot* plot() const { return m_plot; }
    /// The image with the boxes (localization), else a null image.
    QImage boxImage() const;
    QString caption() const;

private:
    QLabel* m_caption;
    QCustomPlot* m_plot;
    QLabel* m_boxes;
    QCPBars* m_base;
    QCPBars* m_reconstructed;
};

} // namespace parity::gui
