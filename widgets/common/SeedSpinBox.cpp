#include "common/SeedSpinBox.h"

#include <QLineEdit>

#include <limits>

namespace parity::gui {

namespace {
constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();
}

SeedSpinBox::SeedSpinBox(QWidget* parent)
    : QAbstractSpinBox(parent)
{
    // Keyboard tracking off would hide a typed seed from value() until the
    // field lost focus; the form reads value() when a run starts.
    setKeyboardTracking(true);
    lineEdit()->setText(QStringLiteral("0"));
    connect(lineEdit(), &QLineEdit::textEdited, this, &SeedSpinBox::takeText);
}

bool SeedSpinBox::parse(const QString& text, std::uint64_t* value)
{
    const QString digits = text.trimmed();
    if (digits.isEmpty() || digits.size() > 20)
        return false;
    for (const QChar c : digits)
        if (!c.isDigit() || c.unicode() > '9')
            return false;
    bool ok = false;
    const qulonglong v = digits.toULongLong(&ok); // false above 2^64 - 1
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
    std::uint64_t v = m_value;
    if (steps > 0)
        v = kMax - v < std::uint64_t(steps) ? kMax : v + std::uint64_t(steps);
    else if (steps < 0)
        v = v < std::uint64_t(-std::int64_t(steps)) ? 0 : v - std::uint64_t(-std::int64_t(steps));
    setValue(v);
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
