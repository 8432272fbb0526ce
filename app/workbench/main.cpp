#include "common/Metatypes.h"

#include <QApplication>
#include <QMainWindow>

int main(int argc, char** argv)
{
    QApplication app(argc, argv);
    parity::gui::registerMetatypes();
    QMainWindow window;
    window.show();
    return app.exec();
}
