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
    appendPlainText(QString::fromStdString(parity::progressLine(m_last)));
}

} // namespace parity::gui
