#pragma once
#include <QString>
#include <QWidget>

namespace parity::gui {

class RunController;
class InspectorView;

/// The reconstruction inspector, kept on the latest parity model: during a
/// run it follows the checkpoint written after each epoch (loaded when the
/// page is visible, so a hidden inspector costs the training nothing); for a
/// finished or opened run it shows the best checkpoint.
class InspectorPage : public QWidget {
    Q_OBJECT
public:
    explicit InspectorPage(RunController* controller, QWidget* parent = nullptr);

    InspectorView* view() const { return m_view; }
    /// Opens `runDir`'s best.pth (else current.pth) and then shows `group` of `split`.
    void openRun(const QString& runDir, const QString& split = QStringLiteral("val"), qint64 group = 0);
    /// A checkpoint is shown or being opened.
    bool hasRun() const;
    bool exportImage(const QString& path, QString* error);

Q_SIGNALS:
    /// The group asked for in openRun() is on screen.
    void groupReady();
    void failed(const QString& message);

protected:
    void showEvent(QShowEvent* event) override;

private:
    void syncWithRun();

    RunController* m_controller;
    InspectorView* m_view;
    QString m_shownCheckpoint;  ///< the file the view has open
    QString m_latestCheckpoint; ///< the newest one the current run wrote
    QString m_pendingSplit;
    qint64 m_pendingGroup = -1;   ///< asked for in openRun(), shown once the checkpoint is loaded
    bool m_awaitingGroup = false; ///< that group is being evaluated: groupReady() when it is on screen
};

} // namespace parity::gui
