#include "common/FoldSection.h"

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
}

bool FoldSection::isExpanded() const { return m_header->isChecked(); }

void FoldSection::setExpanded(bool expanded) { m_header->setChecked(expanded); }

} // namespace parity::gui
