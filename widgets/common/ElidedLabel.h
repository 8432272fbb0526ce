#pragma once
#include <QFrame>
#include <QString>

namespace parity::gui {

/// One line of plain text that shortens itself with "…" when it does not
/// fit, instead of widening the window (a run's title, a path). Its minimum
/// width is a few characters; the whole text is in text() (and, by default,
/// the tooltip).
class ElidedLabel : public QFrame {
    Q_OBJECT
public:
    explicit ElidedLabel(QWidget* parent = nullptr, Qt::TextElideMode mode = Qt::ElideMiddle);

    void setText(const QString& text);
    QString text() const { return m_text; }
    /// What is painted now (the text, or its shortened form).
    QString shownText() const;
    void setBold(bool bold);

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    QString m_text;
    Qt::TextElideMode m_mode;
};

} // namespace parity::gui
