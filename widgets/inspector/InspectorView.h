#pragma once
#include "training/ReconstructionInspector.h"

#include <QImage>
#include <QString>
#include <QWidget>

#include <memory>
#include <optional>
#include <vector>

class QCheckBox;
class QComboBox;
class QGridLayout;
class QHBoxLayout;
class QLabel;
class QPushButton;
class QSpinBox;
class QTimer;

namespace parity {
class CancelToken;
}

namespace parity::gui {

class ElidedLabel;
class PositionPanel;

/// The reconstruction inspector: for one group of k queries of a run's
/// train / val / test split, the k input images, the parity query, and per
/// erasure position the base model's output next to the decoder's
/// reconstruction (bar chart pair), marked matched or not.
///
/// Everything that touches the model runs off the GUI thread: opening a
/// checkpoint (it prepares the run's data, "Loading…" meanwhile), reloading
/// weights, evaluating a group (one minibatch) and the mismatch search (which
/// may evaluate a whole split, and is given up as soon as the user asks for
/// something else). Requests are coalesced: while one group is evaluated
/// only the newest request waits, older answers are dropped, so holding an
/// arrow key on the group box never queues up work.
class InspectorView : public QWidget {
    Q_OBJECT
public:
    explicit InspectorView(QWidget* parent = nullptr);
    ~InspectorView() override;

    /// Opens a best.pth / current.pth asynchronously: loaded() or failed().
    /// Shows group 0 of the val split once loaded.
    void openCheckpoint(const QString& path);
    /// During a run, after each epoch: reloads only the weights of `path`
    /// (same run) asynchronously and shows the same group again, then
    /// emits weightsRefreshed(). Opens it when nothing is loaded yet.
    void refreshWeights(const QString& path);
    /// Shows group `group` of `split` ("train", "val", "test") asynchronously
    /// (a group past the end shows the last one); emits groupShown() or
    /// failed(), unless a newer request supersedes it.
    void showGroup(const QString& split, qint64 group);
    /// Searches, asynchronously, for the next group (wrapping) of the current
    /// split where some position's reconstruction argmax differs from the
    /// base model's, and shows it.
    void showNextMismatch();
    void showRandomGroup();
    /// Probabilities (softmax of each output vector) or raw outputs.
    void setSoftmax(bool on);
    /// Cut splits into groups as the trainer did in the checkpoint's epoch
    /// (true) or in the split's fixed order (false, the default).
    void setEpochOrder(bool on);
    /// Decode the groups shown with these units missing all at once (data
    /// positions; Berrut: workers), or each position in turn (nullopt, the
    /// default). Offered ("Missing" in the controls) for runs scored with
    /// more than single erasures: r > 1 and Berrut. Shows the group again.
    void setMissing(const std::optional<std::vector<int>>& missing);
    std::optional<std::vector<int>> missing() const;
    /// The choices of the "Missing" box, in order (empty when it is hidden).
    QStringList missingChoices() const;
    /// "X1, X3" (data positions) or "workers 1, 3"; 1-based, as the captions.
    static QString missingText(const std::vector<int>& units, bool workers);

    bool isLoaded() const { return m_inspector != nullptr; }
    bool isBusy() const { return m_busy; }
    /// A group evaluation or mismatch search is running.
    bool isEvaluating() const { return m_groupInFlight || m_searchCancel != nullptr; }
    QString currentSplit() const;
    qint64 currentGroup() const;
    /// The group on screen, if any.
    const std::optional<parity::InspectedGroup>& shownGroup() const { return m_shown; }

    int inputImageCount() const { return int(m_inputImages.size()); }
    int barChartCount() const { return int(m_panels.size()); }
    /// The panel of erasure position `i` (for tests), nullptr when there is none.
    PositionPanel* positionPanel(int i) const
    {
        return i >= 0 && i < int(m_panels.size()) ? m_panels[size_t(i)] : nullptr;
    }
    /// Saves figure() as a PNG; false (and `error`) on failure.
    bool exportImage(const QString& path, QString* error = nullptr);
    /// What exportImage writes: the title, the group's status line and every
    /// panel (images, bars, captions), whatever part is scrolled into view.
    QImage figure() const;

Q_SIGNALS:
    void loaded();
    void weightsRefreshed(int epoch);
    void groupShown(qint64 group);
    void failed(const QString& message);

private:
    struct GroupRequest {
        QString split;
        qint64 group = 0;
        bool random = false;
        std::optional<std::vector<int>> missing; ///< inspectMissing; nullopt: each position in turn
    };

    void buildControls();
    void setBusy(bool busy, const QString& text);
    void updateControls();
    void adoptInspector(std::shared_ptr<parity::ReconstructionInspector> inspector);
    void rebuildTiles(int k);
    void fillMissingChoices();
    void updateSourceLabel(const QString& path, int epoch);
    void requestGroup(const GroupRequest& request);
    void startGroupJob(const GroupRequest& request);
    void cancelSearch();
    void render();
    void fail(const QString& message);

    std::shared_ptr<parity::ReconstructionInspector> m_inspector;
    std::shared_ptr<parity::CancelToken> m_cancel; ///< of the open in flight
    int m_request = 0;                             ///< numbers opens and refreshes; late answers are dropped
    bool m_busy = false;
    std::optional<parity::InspectedGroup> m_shown;
    QString m_header; ///< the open run's configuration, one line
    QString m_title;  ///< RunConfig::shortTitle() of the open run

    // Group evaluation: at most one job in flight, the newest request queued.
    int m_groupRequest = 0; ///< numbers group requests and searches
    bool m_groupInFlight = false;
    std::optional<GroupRequest> m_queued;
    QString m_wantedSplit = QStringLiteral("val"); ///< the newest split / group asked for
    qint64 m_wantedGroup = 0;
    std::shared_ptr<parity::CancelToken> m_searchCancel; ///< of the mismatch search in flight
    QTimer* m_evaluatingHint = nullptr;                  ///< shows "Evaluating…" when a group takes a while

    ElidedLabel* m_source = nullptr;
    QComboBox* m_split = nullptr;
    QSpinBox* m_group = nullptr;
    QLabel* m_groupCount = nullptr;
    QPushButton* m_random = nullptr;
    QPushButton* m_nextMismatch = nullptr;
    QCheckBox* m_softmax = nullptr;
    QCheckBox* m_epochOrder = nullptr;
    QWidget* m_missingBox = nullptr; ///< "Missing" and its box, hidden for single erasures
    QComboBox* m_missing = nullptr;
    bool m_workers = false; ///< the open run decodes every position from workers (Berrut)
    QLabel* m_status = nullptr;
    QString m_lastFolder;         ///< of the last checkpoint opened, where Open… starts
    QWidget* m_content = nullptr; ///< images and panels, inside the scroll area
    QHBoxLayout* m_imagesLayout = nullptr;
    QGridLayout* m_panelsLayout = nullptr;
    std::vector<QLabel*> m_inputImages;
    std::vector<QLabel*> m_inputCaptions;
    QLabel* m_parityImage = nullptr;
    std::vector<PositionPanel*> m_panels;
};

} // namespace parity::gui
