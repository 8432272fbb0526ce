#pragma once
#include "events/TrainingEvents.h"

#include <QPlainTextEdit>

namespace parity::gui {

/// The lines the CLI prints (run header, base-model accuracy, notices, and
/// per train/val split its finished progress line), plus the workbench's own
/// notes and errors.
class LogPane : public QPlainTextEdit {
    Q_OBJECT
public:
    explicit LogPane(QWidget* parent = nullptr);

public Q_SLOTS:
    void appendMessage(const QString& line);
    void appendError(const QString& line);
    void noteBatch(const parity::BatchStats& stats);
    void noteSplitFinished(const parity::SplitResult& result);

private:
    parity::BatchStats m_last;
};

} // namespace parity::gui
