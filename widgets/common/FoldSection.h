#pragma once
#include <QWidget>

class QToolButton;

namespace parity::gui {

/// A titled section that folds away: a header button with an arrow and,
/// below it, body() (shown when expanded). Folded by default. Opened by a
/// click inside a scroll area, it scrolls into view: a section opened at the
/// bottom of a panel showed nothing of what it had opened.
class FoldSection : public QWidget {
    Q_OBJECT
public:
    explicit FoldSection(const QString& title, QWidget* parent = nullptr);

    QWidget* body() const { return m_body; }
    bool isExpanded() const;
    void setExpanded(bool expanded);
    /// Scrolls the nearest scroll area holding this section, once its layout
    /// has settled, so that `part` (a widget inside the section, by default
    /// the whole section) is in view, or its top when it is taller than the
    /// view (QScrollArea::ensureWidgetVisible would centre it, hiding its header).
    void reveal(QWidget* part = nullptr);

Q_SIGNALS:
    void expandedChanged(bool expanded);

private:
    QToolButton* m_header;
    QWidget* m_body;
};

} // namespace parity::gui
