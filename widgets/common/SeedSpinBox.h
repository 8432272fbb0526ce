#pragma once
#include <QAbstractSpinBox>

#include <cstdint>

namespace parity::gui {

/// A spin box for a random seed: every value from 0 to 2^64 - 1, as the
/// config file and `--seed` take it. QSpinBox stops at 2^31 - 1 and would
/// clamp a larger seed from a loaded file, so the run would use a seed the
/// file never named.
class SeedSpinBox : public QAbstractSpinBox {
    Q_OBJECT
public:
    explicit SeedSpinBox(QWidget* parent = nullptr);

    std::uint64_t value() const { return m_value; }
    void setValue(std::uint64_t value);

    /// Wide enough for the widest seed (20 digits); QAbstractSpinBox's own
    /// hint knows no range and fits about one digit.
    QSize sizeHint() const override;

    void stepBy(int steps) override;
    QValidator::State validate(QString& input, int& pos) const override;
    void fixup(QString& input) const override;

Q_SIGNALS:
    void valueChanged(std::uint64_t value);

protected:
    StepEnabled stepEnabled() const override;

private:
    /// The number a text spells, if it is one in range.
    static bool parse(const QString& text, std::uint64_t* value);
    void takeText();

    std::uint64_t m_value = 0;
};

} // namespace parity::gui
