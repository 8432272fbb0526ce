#include "inspector/PositionPanel.h"

#include "common/PlotLegend.h"

#include "inspector/InspectedImageConversion.h"
#include "plots/PlotGraphs.h"
#include "plots/QcpInclude.h"

#include <QPainter>

#include <QLabel>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace parity::gui {

namespace {

QVector<double> shown(const std::vector<float>& v, bool softmax)
{
    QVector<double> out(qsizetype(v.size()));
    if (v.empty())
        return out;
    if (!softmax) {
        std::copy(v.begin(), v.end(), out.begin());
        return out;
    }
    const double top = *std::max_element(v.begin(), v.end());
    double sum = 0;
    for (size_t i = 0; i < v.size(); ++i)
        sum += out[qsizetype(i)] = std::exp(double(v[i]) - top);
    for (double& x : out)
        x /= sum;
    return out;
}

QString className(const std::vector<std::string>& names, int64_t c)
{
    if (c >= 0 && c < int64_t(names.size()))
        return QString::fromStdString(names[size_t(c)]);
    return QString::number(c);
}

} // namespace

PositionPanel::PositionPanel(QWidget* parent)
    : QWidget(parent)
    , m_caption(new QLabel(this))
    , m_plot(new QCustomPlot(this))
    , m_boxes(new QLabel(this))
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_caption->setTextFormat(Qt::RichText);
    m_caption->setWordWrap(true);
    layout->addWidget(m_caption);
    layout->addWidget(m_plot, 1);
    layout->addWidget(m_boxes, 1);
    m_boxes->setAlignment(Qt::AlignCenter);
    m_boxes->hide();
    // Room for the rotated class names under the bars; at 1280x800 the first
    // row of charts fits without a scroll (260: the names stay whole).
    m_plot->setMinimumSize(320, 260);
    letWheelScrollPast(m_plot); // the bars do not zoom: the page scrolls on

    m_base = new QCPBars(m_plot->xAxis, m_plot->yAxis);
    m_reconstructed = new QCPBars(m_plot->xAxis, m_plot->yAxis);
    auto* group = new QCPBarsGroup(m_plot);
    for (QCPBars* bars : {m_base, m_reconstructed}) {
        bars->setWidth(0.38);
        bars->setBarsGroup(group);
    }
    m_base->setName(tr("Base model F(X)"));
    m_base->setPen(QPen(QColor(31, 119, 180)));
    m_base->setBrush(QColor(31, 119, 180, 170));
    m_reconstructed->setName(tr("Reconstruction"));
    m_reconstructed->setPen(QPen(QColor(255, 127, 14)));
    m_reconstructed->setBrush(QColor(255, 127, 14, 170));
    m_plot->xAxis->setTickLabelRotation(60);
    // The last class name slants right past the axes: room for it, or QCustomPlot drops it.
    m_plot->axisRect()->setMinimumMargins(QMargins(0, 0, 48, 0));
    m_plot->xAxis->grid()->setVisible(false);
    // The legend sits in a row of its own above the bars, where it hides
    // none of them (issue 13, item 6).
    m_plot->legend->setVisible(true);
    m_plot->legend->setFont(QFont(font().family(), 8));
    placeLegendAbove(m_plot);
    // The caption wraps onto two lines in a narrow panel: room is kept for them.
    m_caption->setMinimumHeight(2 * fontMetrics().lineSpacing() + 2);
}

void PositionPanel::setPosition(int index, const parity::InspectedPosition& p,
                                const std::vector<std::string>& classNames, bool softmax, const QString& heading)
{
    m_boxes->hide();
    m_boxes->clear();
    m_plot->show();
    const QString title = (heading.isEmpty() ? tr("Position %1 erased").arg(index + 1) : heading).toHtmlEscaped();
    if (!p.decoded) {
        m_caption->setText(tr("<b>%1</b> (sample %2) &mdash; true: <b>%3</b> &middot; base: <b>%4</b>, served as it is")
                               .arg(title)
                               .arg(p.sample)
                               .arg(className(classNames, p.label).toHtmlEscaped(),
                                    className(classNames, p.basePrediction).toHtmlEscaped()));
    } else {
        const QString mark = p.matchesBase ? QStringLiteral("<span style='color:#1a7f37'>&#10004; matched</span>")
                                           : QStringLiteral("<span style='color:#c62828'>&#10008; not matched</span>");
        m_caption->setText(tr("<b>%1</b> (sample %2) &mdash; true: <b>%3</b> &middot; base: <b>%4</b> "
                              "&middot; reconstructed: <b>%5</b> &mdash; %6")
                               .arg(title)
                               .arg(p.sample)
                               .arg(className(classNames, p.label).toHtmlEscaped(),
                                    className(classNames, p.basePrediction).toHtmlEscaped(),
                                    className(classNames, p.reconstructedPrediction).toHtmlEscaped(), mark));
    }

    const int64_t c = int64_t(p.baseOutput.size());
    QVector<double> keys(static_cast<qsizetype>(c));
    QVector<QString> labels(static_cast<qsizetype>(c));
    for (int64_t i = 0; i < c; ++i) {
        keys[qsizetype(i)] = double(i);
        labels[qsizetype(i)] = className(classNames, i);
    }
    auto ticker = QSharedPointer<QCPAxisTickerText>::create();
    ticker->setTicks(keys, labels);
    m_plot->xAxis->setTicker(ticker);
    m_plot->xAxis->setRange(-0.7, double(c) - 0.3);
    m_base->setData(keys, shown(p.baseOutput, softmax), true);
    m_reconstructed->setData(keys, shown(p.reconstructed, softmax), true);
    m_plot->yAxis->setLabel(softmax ? tr("probability (softmax)") : tr("output (logit)"));
    m_plot->rescaleAxes(true);
    m_plot->xAxis->setRange(-0.7, double(c) - 0.3);
    QCPRange y = m_plot->yAxis->range();
    y.lower = std::min(0.0, y.lower);
    y.upper = std::max(0.0, y.upper);
    const double pad = 0.05 * (y.size() > 0 ? y.size() : 1.0);
    m_plot->yAxis->setRange(y.lower - (y.lower < 0 ? pad : 0), y.upper + pad);
    m_plot->replot();
}

void PositionPanel::setBoxes(int index, const parity::InspectedPosition& p, const parity::InspectedImage& input)
{
    const auto mark = [](bool hit) {
        return hit ? QStringLiteral("<span style='color:#1a7f37'>&#10004;</span>")
                   : QStringLiteral("<span style='color:#c62828'>&#10008;</span>");
    };
    m_caption->setText(tr("<b>Position %1 erased</b> (sample %2) &mdash; IoU with the base box: <b>%3</b> %4 "
                          "&middot; with the true box: <b>%5</b> %6")
                           .arg(index + 1)
                           .arg(p.sample)
                           .arg(p.iouWithBase, 0, 'f', 3)
                           .arg(mark(p.matchesBase))
                           .arg(p.iouWithTruth, 0, 'f', 3)
                           .arg(mark(p.correct)));
    QImage image = toQImage(input, 1);
    if (image.isNull())
        image = QImage(224, 224, QImage::Format_RGB32);
    image = image.convertToFormat(QImage::Format_RGB32).scaled(320, 320, Qt::KeepAspectRatio, Qt::SmoothTransformation);
    QPainter painter(&image);
    // Normalised (x, y, w, h): x, y in [-1, 1], w, h in [0, 2] of the image size.
    const auto draw = [&](const std::vector<float>& b, const QColor& colour, Qt::PenStyle style) {
        if (b.size() < 4)
            return;
        const double W = image.width(), H = image.height();
        painter.setPen(QPen(colour, 2.5, style));
        painter.drawRect(QRectF((b[0] + 1) / 2 * W, (b[1] + 1) / 2 * H, b[2] / 2 * W, b[3] / 2 * H));
    };
    draw(p.trueBox, QColor(26, 160, 55), Qt::SolidLine);
    draw(p.baseOutput, QColor(31, 119, 180), Qt::DashLine);
    draw(p.reconstructed, QColor(255, 127, 14), Qt::SolidLine);
    painter.end();
    m_boxes->setPixmap(QPixmap::fromImage(image));
    m_boxes->setToolTip(tr("green: true box · blue, dashed: base model · orange: reconstruction"));
    m_plot->hide();
    m_boxes->show();
}

QImage PositionPanel::boxImage() const
{
    return m_boxes->pixmap().toImage(); // null after setPosition (cleared)
}

QString PositionPanel::caption() const { return m_caption->text(); }

} // namespace parity::gui
