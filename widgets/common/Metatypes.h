#pragma once
// The core's plain event structs travel through queued signals between the
// training thread and the GUI: registered here once.
#include "common/RunRecord.h"
#include "events/TrainingEvents.h"

#include <QMetaType>

#include <vector>

Q_DECLARE_METATYPE(parity::BatchStats)
Q_DECLARE_METATYPE(parity::SplitResult)
Q_DECLARE_METATYPE(parity::EpochSummary)
Q_DECLARE_METATYPE(parity::RunSummary)
Q_DECLARE_METATYPE(parity::BaseAccuracy)
Q_DECLARE_METATYPE(std::vector<parity::BaseAccuracy>)
Q_DECLARE_METATYPE(parity::gui::RunRecord)

namespace parity::gui {
/// Registers the structs above with Qt's meta-type system (idempotent).
void registerMetatypes();
} // namespace parity::gui
