#include "common/Metatypes.h"

namespace parity::gui {

void registerMetatypes()
{
    qRegisterMetaType<parity::BatchStats>();
    qRegisterMetaType<parity::SplitResult>();
    qRegisterMetaType<parity::EpochSummary>();
    qRegisterMetaType<parity::RunSummary>();
    qRegisterMetaType<parity::BaseAccuracy>();
    qRegisterMetaType<std::vector<parity::BaseAccuracy>>();
    qRegisterMetaType<parity::gui::RunRecord>();
}

} // namespace parity::gui
