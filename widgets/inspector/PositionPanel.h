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
/// reconstruction when this position was erased.
class PositionPanel : public QWidget {
    Q_OBJECT
public:
    explicit PositionPanel(QWidget* parent = nullptr);

    /// Shows `position` (index `index` in its group). With `softmax` the bars
    /// are probabilities (softmax of each output vector), else raw outputs.
    void setPosition(int index, const parity::InspectedPosition& position,
                     const std::vector<std::string>& classNames, bool softmax);

    QCustomPlot* plot() const { return m_plot; }
    QString caption() const;

private:
    QLabel* m_caption;
    QCustomPlot* m_plot;
    QCPBars* m_base;
    QCPBars* m_reconstructed;
};

} // namespace parity::gui
