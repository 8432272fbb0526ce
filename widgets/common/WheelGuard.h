#pragma once
class QWidget;

namespace parity::gui {

/// The wheel scrolls a form; it changes a spin box or combo box of `form`
/// only once that field has been clicked or tabbed into (issue 13: a scroll
/// over the form changed the learning rate). Covers the fields `form` has now.
void guardFieldsFromTheWheel(QWidget* form);

} // namespace parity::gui
