#pragma once
#include <QWidget>

class QToolButton;

namespace parity::gui {

/// A titled section that folds away: a header button with an arrow and,
/// below it, body() (shown when expanded). Folded by default.
class FoldSection : public QWidget {
    Q_OBJECT
public:
    explicit FoldSection(const QString& title, QWidget* parent = nullptr);

    QWidget* body() const { return m_body; }
    bool isExpanded() const;
    void setExpanded(bool expanded);

Q_SIGNALS:
    void expandedChanged(bool expanded);

private:
    QToolButton* m_header;
    QWidget* m_body;
};

} // namespace parity::gui
