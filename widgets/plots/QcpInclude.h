#pragma once
// qcustomplot.h uses Qt's `signals` and `foreach` keywords, which this
// project switches off (QT_NO_KEYWORDS, docs/BEHAVIOUR.md §8: they clash with LibTorch).
// Include QCustomPlot through this header only.
#ifdef QT_NO_KEYWORDS
#define signals Q_SIGNALS
#define foreach Q_FOREACH
#include <qcustomplot.h>
#undef signals
#undef foreach
#else
#include <qcustomplot.h>
#endif
