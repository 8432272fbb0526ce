#include "common/FoldSection.h"

#include <QPointer>
#include <QScrollArea>
#include <QScrollBar>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>

namespace parity::gui {

FoldSection::FoldSection(const QString& title, QWidget* parent)
    : QWidget(parent)
    , m_header(new QToolButton(this))
    , m_body(new QWidget(this))
{
    m_header->setObjectName(QStringLiteral("fold_header"));
    m_header->setText(title);
    m_header->setCheckable(true);
    m_header->setAutoRaise(true);
    m_header->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_header->setArrowType(Qt::RightArrow);
    QFont bold = m_header->font();
    bold.setBold(true);
    m_header->setFont(bold);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(m_header);
    layout->addWidget(m_body);
    m_body->setVisible(false);
    connect(m_header, &QToolButton::toggled, this, [this](bool on) {
        m_header->setArrowType(on ? Qt::DownArrow : Qt::RightArrow);
        m_body->setVisible(on);
        Q_EMIT expandedChanged(on);
    });
    connect(m_header, &QToolButton::clicked, this, [this](bool on) {
        if (on)
            reveal();
    });
}

bool FoldSection::isExpanded() const { return m_header->isChecked(); }

void FoldSection::setExpanded(bool expanded) { m_header->setChecked(expanded); }

void FoldSection::reveal(QWidget* part)
{
    QPointer<QWidget> target = part ? part : this;
    // Queued: the body just shown has not been laid out, nor the scroll area's content resized.
    QTimer::singleShot(0, this, [this, target] {
        if (!target)
            return;
        for (QWidget* p = parentWidget(); p; p = p->parentWidget()) {
            auto* area = qobject_cast<QScrollArea*>(p);
            if (!area || !area->widget() || !area->widget()->isAncestorOf(target))
                continue;
            QScrollBar* bar = area->verticalScrollBar();
            const int view = area->viewport()->height();
            const int top = target->mapTo(area->widget(), QPoint(0, 0)).y();
            const int bottom = top + target->height();
            if (target->height() > view || top < bar->value())
                bar->setValue(top);
            else if (bottom > bar->value() + view)
                bar->setValue(bottom - view);
            return;
        }
    });
}

} // namespace parity::gui
