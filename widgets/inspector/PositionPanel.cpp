#include "inspector/PositionPanel.h"

#include "plots/QcpInclude.h"

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
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_caption->setTextFormat(Qt::RichText);
    m_caption->setWordWrap(true);
    layout->addWidget(m_caption);
    layout->addWidget(m_plot, 1);
    m_plot->setMinimumSize(320, 240);

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
    m_plot->xAxis->grid()->setVisible(false);
    m_plot->legend->setVisible(true);
    m_plot->legend->setFont(QFont(font().family(), 8));
    m_plot->legend->setBrush(QColor(255, 255, 255, 170));   // bars stay visible behind it
    m_plot->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignRight);
}

void PositionPanel::setPosition(int index, const parity::InspectedPosition& p,
                                const std::vector<std::string>& classNames, bool softmax)
{
    const QString mark = p.matchesBase
                             ? QStringLiteral("<span style='color:#1a7f37'>&#10004; matched</span>")
                             : QStringLiteral("<span style='color:#c62828'>&#10008; not matched</span>");
    m_caption->setText(tr("<b>Position %1 erased</b> (sample %2) &mdash; true: <b>%3</b> &middot; base: <b>%4</b> "
                          "&middot; reconstructed: <b>%5</b> &mdash; %6")
                           .arg(index + 1)
                           .arg(p.sample)
                           .arg(className(classNames, p.label).toHtmlEscaped(),
                                className(classNames, p.basePrediction).toHtmlEscaped(),
                                className(classNames, p.reconstructedPrediction).toHtmlEscaped(), mark));

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

QString PositionPanel::caption() const { return m_caption->text(); }

} // namespace parity::gui
