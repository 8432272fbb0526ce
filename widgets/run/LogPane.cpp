#include "run/LogPane.h"

#include "training/ProgressLine.h"

#include <QFontDatabase>

namespace parity::gui {

LogPane::LogPane(QWidget* parent)
    : QPlainTextEdit(parent)
{
    setObjectName(QStringLiteral("log"));
    setReadOnly(true);
    setMaximumBlockCount(20000);
    setLineWrapMode(QPlainTextEdit::NoWrap);
    setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
}

void LogPane::appendMessage(const QString& line) { appendPlainText(line); }

void LogPane::appendError(const QString& line)
{
    appendHtml(QStringLiteral("<span style=\"color:#b00020\">%1</span>")
                   .arg(line.toHtmlEscaped().replace(QLatin1Char('\n'), QStringLiteral("<br>"))));
}

void LogPane::noteBatch(const parity::BatchStats& stats) { m_last = stats; }

void LogPane::noteSplitFinished(const parity::SplitResult& result)
{
    // The original prints train and val progress, not test (docs/BEHAVIOUR.md §3.6).
    if (result.split == "test" || m_last.split != result.split)
        return;
    // The workbench counts epochs from 1 everywhere, its log included
    // (issue 13, item 9); parity-train keeps the original's "Epoch 0." lines.
    parity::BatchStats shown = m_last;
    shown.epoch += 1;
    appendPlainText(QString::fromStdString(parity::progressLine(shown)));
}

} // namespace parity::gui
