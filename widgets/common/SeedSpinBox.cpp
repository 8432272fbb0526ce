#include "common/SeedSpinBox.h"

#include <QLineEdit>
#include <QStyle>
#include <QStyleOptionSpinBox>

#include <algorithm>
#include <cstdlib>
#include <limits>

namespace parity::gui {

namespace {
constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();
}

SeedSpinBox::SeedSpinBox(QWidget* parent)
    : QAbstractSpinBox(parent)
{
    lineEdit()->setText(QStringLiteral("0"));
    connect(lineEdit(), &QLineEdit::textEdited, this, &SeedSpinBox::takeText);
}

QSize SeedSpinBox::sizeHint() const
{
    // As QSpinBox measures its range: the widest text, a space and room for
    // the cursor, then the style's frame and buttons around it.
    ensurePolished();
    const int width = fontMetrics().horizontalAdvance(QString::number(qulonglong(kMax)) + u' ') + 2;
    QStyleOptionSpinBox option;
    initStyleOption(&option);
    return style()->sizeFromContents(QStyle::CT_SpinBox, &option, QSize(width, lineEdit()->sizeHint().height()), this);
}

bool SeedSpinBox::parse(const QString& text, std::uint64_t* value)
{
    // Digits only: toULongLong alone would take a sign or spaces.
    if (text.isEmpty() || std::any_of(text.begin(), text.end(), [](QChar c) { return c < u'0' || c > u'9'; }))
        return false;
    bool ok = false;
    const qulonglong v = text.toULongLong(&ok); // false above 2^64 - 1
    if (ok)
        *value = v;
    return ok;
}

void SeedSpinBox::setValue(std::uint64_t value)
{
    const QString text = QString::number(qulonglong(value));
    if (lineEdit()->text() != text)
        lineEdit()->setText(text);
    if (value == m_value)
        return;
    m_value = value;
    Q_EMIT valueChanged(m_value);
}

void SeedSpinBox::takeText()
{
    std::uint64_t v = 0;
    if (parse(lineEdit()->text(), &v) && v != m_value) {
        m_value = v;
        Q_EMIT valueChanged(m_value);
    }
}

void SeedSpinBox::stepBy(int steps)
{
    const auto n = std::uint64_t(std::abs(std::int64_t(steps)));
    if (steps > 0)
        setValue(kMax - m_value < n ? kMax : m_value + n);
    else
        setValue(m_value < n ? 0 : m_value - n);
    selectAll();
}

QValidator::State SeedSpinBox::validate(QString& input, int&) const
{
    if (input.isEmpty())
        return QValidator::Intermediate; // while the field is cleared to type a new seed
    std::uint64_t v = 0;
    return parse(input, &v) ? QValidator::Acceptable : QValidator::Invalid;
}

void SeedSpinBox::fixup(QString& input) const
{
    // Left empty: the seed it had.
    std::uint64_t v = 0;
    if (!parse(input, &v))
        input = QString::number(qulonglong(m_value));
}

QAbstractSpinBox::StepEnabled SeedSpinBox::stepEnabled() const
{
    StepEnabled e = StepNone;
    if (m_value > 0)
        e |= StepDownEnabled;
    if (m_value < kMax)
        e |= StepUpEnabled;
    return e;
}

} // namespace parity::gui
