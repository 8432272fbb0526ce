#pragma once
#include "config/RunConfig.h"

#include <QMetaType>
#include <QString>

namespace parity::gui {

/// What the worker is asked to do for one run.
struct RunRequest {
    parity::RunConfig config;
    QString continueFrom;  ///< checkpoint to resume from ("" = fresh run)
    bool onlyTest = false; ///< with continueFrom: evaluate the test split once
};

} // namespace parity::gui

Q_DECLARE_METATYPE(parity::gui::RunRequest)
