#include "common/WheelGuard.h"

#include <QAbstractSpinBox>
#include <QComboBox>
#include <QEvent>
#include <QWidget>

namespace parity::gui {

namespace {

class WheelGuard : public QObject {
public:
    using QObject::QObject;

protected:
    bool eventFilter(QObject* watched, QEvent* event) override
    {
        if (event->type() == QEvent::Wheel) {
            auto* field = qobject_cast<QWidget*>(watched);
            if (field && !field->hasFocus()) {
                event->ignore(); // goes on to the scroll area around the form
                return true;
            }
        }
        return QObject::eventFilter(watched, event);
    }
};

} // namespace

void guardFieldsFromTheWheel(QWidget* form)
{
    auto* guard = new WheelGuard(form);
    for (QWidget* w : form->findChildren<QWidget*>())
        if (qobject_cast<QAbstractSpinBox*>(w) || qobject_cast<QComboBox*>(w)) {
            w->setFocusPolicy(Qt::StrongFocus);
            w->installEventFilter(guard);
        }
}

} // namespace parity::gui
