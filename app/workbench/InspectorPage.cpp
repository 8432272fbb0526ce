#include "InspectorPage.h"

#include "RunController.h"
#include "inspector/InspectorView.h"
#include "io/RunDirectory.h"

#include <QDir>
#include <QFileInfo>
#include <QVBoxLayout>

namespace parity::gui {

InspectorPage::InspectorPage(RunController* controller, QWidget* parent)
    : QWidget(parent)
    , m_controller(controller)
    , m_view(new InspectorView)
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_view);

    connect(controller, &RunController::runStarted, this, [this] { m_latestCheckpoint.clear(); });
    connect(controller, &RunController::checkpointWritten, this, [this](const QString& path, int) {
        m_latestCheckpoint = path;
        if (isVisible())
            syncWithRun();
    });
    connect(m_view, &InspectorView::loaded, this, [this] {
        if (m_pendingGroup >= 0) {
            const qint64 group = m_pendingGroup;
            m_pendingGroup = -1;
            m_awaitingGroup = true;
            m_view->showGroup(m_pendingSplit, group);
            m_pendingSplit.clear();
        }
    });
    connect(m_view, &InspectorView::groupShown, this, [this] {
        if (m_awaitingGroup) {
            m_awaitingGroup = false;
            Q_EMIT groupReady();
        }
    });
    connect(m_view, &InspectorView::failed, this, [this](const QString& message) {
        m_pendingGroup = -1;
        m_awaitingGroup = false;
        Q_EMIT failed(message);
    });
}

void InspectorPage::showEvent(QShowEvent* event)
{
    QWidget::showEvent(event);
    syncWithRun();
}

void InspectorPage::syncWithRun()
{
    if (m_latestCheckpoint.isEmpty())
        return;
    // The same run: refresh the weights only, keeping the group on screen.
    if (QFileInfo(m_shownCheckpoint).absolutePath() == QFileInfo(m_latestCheckpoint).absolutePath()
        && !m_shownCheckpoint.isEmpty())
        m_view->refreshWeights(m_latestCheckpoint);
    else
        m_view->openCheckpoint(m_latestCheckpoint);
    m_shownCheckpoint = m_latestCheckpoint;
}

void InspectorPage::openRun(const QString& runDir, const QString& split, qint64 group)
{
    const parity::RunDirectory dir(runDir.toStdString());
    const QString path = QString::fromStdString(dir.checkpoint(dir.hasCheckpoint(parity::CheckpointKind::Best)
                                                                   ? parity::CheckpointKind::Best
                                                                   : parity::CheckpointKind::Current));
    m_pendingSplit = split;
    m_pendingGroup = group;
    m_shownCheckpoint = path;
    m_latestCheckpoint.clear();
    m_view->openCheckpoint(path);
}

bool InspectorPage::hasRun() const { return m_view->isLoaded() || m_view->isBusy(); }

bool InspectorPage::exportImage(const QString& path, QString* error) { return m_view->exportImage(path, error); }

} // namespace parity::gui
