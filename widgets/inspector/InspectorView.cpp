#include "inspector/InspectorView.h"


#include "inspector/InspectedImageConversion.h"
#include "inspector/PositionPanel.h"
#include "common/ElidedLabel.h"
#include "common/RunAsync.h"
#include "common/FlowLayout.h"
#include "events/CancelToken.h"
#include "util/Error.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QImage>
#include <QPainter>
#include <QPixmap>
#include <QPushButton>
#include <QRandomGenerator>
#include <QScrollArea>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QTimer>
#include <QVBoxLayout>

#include <algorithm>
#include <exception>

namespace parity::gui {

namespace {

constexpr int kImageHeight = 112; // input tiles are enlarged to about this height

// The heading of position i's panel: how its prediction came about.
QString headingOf(const parity::InspectedGroup& g, int i, bool workers)
{
    if (!g.positions[size_t(i)].decoded)
        return QObject::tr("Position %1 available").arg(i + 1);
    if (workers)
        return QObject::tr("Position %1 decoded").arg(i + 1);
    return g.oneAtATime ? QObject::tr("Position %1 erased").arg(i + 1)
                        : QObject::tr("Position %1 missing, decoded").arg(i + 1);
}

struct OpenResult {
    std::shared_ptr<parity::ReconstructionInspector> inspector;
    QString error;
};

struct RefreshResult {
    QString error;
    QString path;
    int epoch = -1;
};

struct GroupResult {
    std::optional<parity::InspectedGroup> group;
    QString error;
};

struct SearchResult {
    std::optional<int64_t> group;
    bool cancelled = false;
    QString error;
};

parity::GroupOrder orderOf(bool epochOrder)
{
    return epochOrder ? parity::GroupOrder::EpochOrder : parity::GroupOrder::SplitOrder;
}

QString classText(const std::vector<std::string>& names, int64_t c)
{
    if (c >= 0 && c < int64_t(names.size()))
        return QString::fromStdString(names[size_t(c)]);
    return QString::number(c);
}

// An image tile keeps its picture's size: the row of inputs never shrinks
// (the page scrolls instead).
void setTile(QLabel* label, const QPixmap& pixmap)
{
    label->setPixmap(pixmap);
    label->setMinimumSize(pixmap.size());
}

} // namespace

InspectorView::InspectorView(QWidget* parent)
    : QWidget(parent)
{
    buildControls();
    setBusy(false, tr("Open a checkpoint (best.pth or current.pth) to inspect its reconstructions."));
}

InspectorView::~InspectorView()
{
    // A preparation or search still running stops at its next chunk or batch;
    // its result is dropped.
    if (m_cancel)
        m_cancel->cancel();
    if (m_searchCancel)
        m_searchCancel->cancel();
}

void InspectorView::buildControls()
{
    auto* layout = new QVBoxLayout(this);

    // The run's title on a row of its own, shortened to the width there is;
    // the controls below it. Neither may widen the window (issue 13, item 3).
    m_source = new ElidedLabel(this);
    m_source->setObjectName(QStringLiteral("inspector_title"));
    m_source->setBold(true);
    m_source->setText(tr("No checkpoint"));
    layout->addWidget(m_source);
    auto* controls = new FlowLayout;
    auto* open = new QPushButton(tr("Open…"), this);
    open->setObjectName(QStringLiteral("inspector_open"));
    open->setToolTip(tr("Open a checkpoint (best.pth or current.pth of a run directory)"));
    connect(open, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Open a checkpoint"), m_lastFolder,
                                                          tr("Checkpoints (*.pth);;All files (*)"));
        if (!path.isEmpty())
            openCheckpoint(path);
    });
    controls->addWidget(open);
    controls->addWidget(new QLabel(tr("Split"), this));
    m_split = new QComboBox(this);
    m_split->addItems({QStringLiteral("train"), QStringLiteral("val"), QStringLiteral("test")});
    m_split->setCurrentText(QStringLiteral("val"));
    controls->addWidget(m_split);
    controls->addWidget(new QLabel(tr("Group"), this));
    m_group = new QSpinBox(this);
    m_group->setRange(0, 0);
    controls->addWidget(m_group);
    m_groupCount = new QLabel(this);
    controls->addWidget(m_groupCount);
    m_random = new QPushButton(tr("Random"), this);
    controls->addWidget(m_random);
    m_nextMismatch = new QPushButton(tr("Next mismatch"), this);
    m_nextMismatch->setToolTip(tr("The next group where some reconstruction's top class differs from the base "
                                  "model's"));
    controls->addWidget(m_nextMismatch);
    m_softmax = new QCheckBox(tr("Softmax"), this);
    m_softmax->setToolTip(tr("Show probabilities (softmax of each output) instead of raw outputs"));
    m_softmax->setChecked(true);
    controls->addWidget(m_softmax);
    m_epochOrder = new QCheckBox(tr("Epoch order"), this);
    m_epochOrder->setToolTip(tr("Group the samples as the trainer did in the checkpoint's epoch (train and val "
                                "are reshuffled every epoch); off: the split's fixed order"));
    controls->addWidget(m_epochOrder);
    // The label and its box wrap to the next row together.
    m_missingBox = new QWidget(this);
    auto* missingLayout = new QHBoxLayout(m_missingBox);
    missingLayout->setContentsMargins(0, 0, 0, 0);
    missingLayout->addWidget(new QLabel(tr("Missing"), m_missingBox));
    m_missing = new QComboBox(m_missingBox);
    missingLayout->addWidget(m_missing);
    controls->addWidget(m_missingBox);
    m_missing->setObjectName(QStringLiteral("inspector_missing"));
    m_missing->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_missing->setToolTip(tr("Which predictions are unavailable: each position in turn (as the e = 1 metrics), "
                             "or one set at once, decoded from the rest (the sets the run is scored with)"));
    m_missingBox->hide();
    layout->addLayout(controls);

    m_status = new QLabel(this);
    m_status->setWordWrap(true);
    layout->addWidget(m_status);

    auto* content = new QWidget;
    m_content = content;
    auto* contentLayout = new QVBoxLayout(content);
    m_imagesLayout = new QHBoxLayout;
    contentLayout->addLayout(m_imagesLayout);
    m_panelsLayout = new QGridLayout;
    contentLayout->addLayout(m_panelsLayout, 1);
    auto* scroll = new QScrollArea(this);
    scroll->setWidgetResizable(true);
    scroll->setWidget(content);
    layout->addWidget(scroll, 1);

    connect(m_split, &QComboBox::currentTextChanged, this,
            [this](const QString& split) { showGroup(split, m_group->value()); });
    connect(m_group, &QSpinBox::valueChanged, this, [this](int g) { showGroup(currentSplit(), g); });
    connect(m_random, &QPushButton::clicked, this, &InspectorView::showRandomGroup);
    connect(m_nextMismatch, &QPushButton::clicked, this, &InspectorView::showNextMismatch);
    connect(m_softmax, &QCheckBox::toggled, this, &InspectorView::setSoftmax);
    connect(m_epochOrder, &QCheckBox::toggled, this, &InspectorView::setEpochOrder);
    connect(m_missing, &QComboBox::currentIndexChanged, this, [this] { showGroup(m_wantedSplit, m_wantedGroup); });

    m_evaluatingHint = new QTimer(this);
    m_evaluatingHint->setSingleShot(true);
    m_evaluatingHint->setInterval(200);
    connect(m_evaluatingHint, &QTimer::timeout, this, [this] {
        if (m_groupInFlight)
            m_status->setText(tr("Evaluating %1 group %2…").arg(m_wantedSplit).arg(m_wantedGroup));
    });
}

void InspectorView::setBusy(bool busy, const QString& text)
{
    m_busy = busy;
    updateControls();
    m_status->setText(text);
}

void InspectorView::updateControls()
{
    const bool usable = !m_busy && m_inspector;
    for (QWidget* w : {static_cast<QWidget*>(m_split), static_cast<QWidget*>(m_group), static_cast<QWidget*>(m_random),
                       static_cast<QWidget*>(m_epochOrder), static_cast<QWidget*>(m_missing)})
        w->setEnabled(usable);
    m_nextMismatch->setEnabled(usable && !m_searchCancel);
}

void InspectorView::openCheckpoint(const QString& path)
{
    m_lastFolder = QFileInfo(path).absolutePath();
    if (m_cancel)
        m_cancel->cancel();
    cancelSearch();
    auto cancel = std::make_shared<parity::CancelToken>();
    m_cancel = cancel;
    const int request = ++m_request;
    const bool epochOrder = m_epochOrder->isChecked();
    setBusy(true, tr("Loading %1…").arg(QFileInfo(path).fileName()));
    const std::string file = path.toStdString();
    runAsync<OpenResult>(
        this,
        [file, cancel, epochOrder]() {
            OpenResult r;
            try {
                r.inspector = parity::ReconstructionInspector::open(file, nullptr, cancel.get(),
                                                                    epochOrder ? parity::GroupOrder::EpochOrder
                                                                               : parity::GroupOrder::SplitOrder);
            } catch (const std::exception& e) {
                r.error = QString::fromStdString(e.what());
            }
            return r;
        },
        [this, request](const OpenResult& r) {
            if (request != m_request)
                return; // superseded by a newer request
            m_cancel.reset();
            if (!r.inspector) {
                fail(r.error);
                return;
            }
            adoptInspector(r.inspector);
            // First group 0 of the split on screen; whoever listens to
            // loaded() may ask for another, which then supersedes it.
            showGroup(m_wantedSplit, 0);
            Q_EMIT loaded();
        });
}

void InspectorView::refreshWeights(const QString& path)
{
    if (!m_inspector) {
        openCheckpoint(path);
        return;
    }
    const int request = ++m_request;
    auto inspector = m_inspector;
    const std::string file = path.toStdString();
    cancelSearch(); // it would hold the model until it is through the split
    setBusy(true, tr("Loading the weights of %1…").arg(QFileInfo(path).fileName()));
    runAsync<RefreshResult>(
        this,
        [inspector, file]() {
            RefreshResult r;
            try {
                inspector->reloadWeights(file);
                r.path = QString::fromStdString(inspector->checkpointPath());
                r.epoch = inspector->epoch();
            } catch (const std::exception& e) {
                r.error = QString::fromStdString(e.what());
            }
            return r;
        },
        [this, request, inspector](const RefreshResult& r) {
            if (request != m_request || inspector != m_inspector)
                return;
            if (!r.error.isEmpty()) {
                fail(r.error);
                return;
            }
            setBusy(false, QString());
            updateSourceLabel(r.path, r.epoch);
            showGroup(m_wantedSplit, m_wantedGroup);
            Q_EMIT weightsRefreshed(r.epoch);
        });
}

void InspectorView::adoptInspector(std::shared_ptr<parity::ReconstructionInspector> inspector)
{
    // Nothing else holds the new inspector yet, so asking it here cannot wait.
    m_inspector = std::move(inspector);
    m_shown.reset();
    const parity::RunConfig config = m_inspector->config();
    m_header = QString::fromStdString(config.header());
    m_title = QString::fromStdString(config.shortTitle());
    rebuildTiles(config.k);
    fillMissingChoices();
    updateSourceLabel(QString::fromStdString(m_inspector->checkpointPath()), m_inspector->epoch());
    setBusy(false, QString());
}

void InspectorView::updateSourceLabel(const QString& path, int epoch)
{
    // Epochs count from 1, as the result files' lines do (issue 13, item 9).
    m_source->setText(tr("%1 \u2014 %2 after epoch %3").arg(m_title, QFileInfo(path).fileName()).arg(epoch + 1));
    m_source->setToolTip(tr("%1\n%2\nafter epoch %3").arg(m_header, path).arg(epoch + 1));
}

void InspectorView::rebuildTiles(int k)
{
    while (QLayoutItem* item = m_imagesLayout->takeAt(0)) {
        delete item->widget();
        delete item;
    }
    for (PositionPanel* p : m_panels)
        delete p;
    m_panels.clear();
    m_inputImages.clear();
    m_inputCaptions.clear();

    auto addTile = [this](QLabel*& image, QLabel*& caption) {
        auto* tile = new QWidget;
        auto* v = new QVBoxLayout(tile);
        v->setContentsMargins(4, 0, 4, 0);
        image = new QLabel(tile);
        image->setAlignment(Qt::AlignCenter);
        caption = new QLabel(tile);
        caption->setAlignment(Qt::AlignCenter);
        v->addWidget(image);
        v->addWidget(caption);
        m_imagesLayout->addWidget(tile);
    };
    for (int i = 0; i < k; ++i) {
        QLabel *image = nullptr, *caption = nullptr;
        addTile(image, caption);
        m_inputImages.push_back(image);
        m_inputCaptions.push_back(caption);
    }
    auto* plus = new QLabel(QStringLiteral("&rarr;"));
    plus->setTextFormat(Qt::RichText);
    m_imagesLayout->addWidget(plus);
    QLabel* parityCaption = nullptr;
    addTile(m_parityImage, parityCaption);
    const int r = m_inspector ? m_inspector->config().r : 1;
    if (m_inspector && m_inspector->decodesEveryPosition())
        parityCaption->setText(tr("the %1 workers' queries, top to bottom\n(min-max scaled)").arg(k + r));
    else if (r > 1)
        parityCaption->setText(
            tr("parity queries P1..P%1 = E(X1..X%2),\ntop to bottom (min-max scaled)").arg(r).arg(k));
    else
        parityCaption->setText(tr("parity query P = E(X1..X%1)\n(min-max scaled)").arg(k));
    m_imagesLayout->addStretch(1);

    const int columns = k <= 1 ? 1 : 2;
    for (int i = 0; i < k; ++i) {
        auto* panel = new PositionPanel;
        m_panelsLayout->addWidget(panel, i / columns, i % columns);
        m_panels.push_back(panel);
    }
}

QString InspectorView::missingText(const std::vector<int>& units, bool workers)
{
    if (units.empty())
        return workers ? tr("no worker") : tr("none");
    QStringList names;
    for (int u : units)
        names << (workers ? QString::number(u + 1) : QStringLiteral("X%1").arg(u + 1));
    if (!workers)
        return names.join(QLatin1String(", "));
    return (units.size() == 1 ? tr("worker %1") : tr("workers %1")).arg(names.join(QLatin1String(", ")));
}

void InspectorView::fillMissingChoices()
{
    const QSignalBlocker block(m_missing);
    m_missing->clear();
    m_workers = m_inspector->decodesEveryPosition();
    const auto patterns = m_inspector->erasurePatterns();
    // Only single erasures (every r = 1 run): each position in turn says it all.
    const bool offered = m_workers
                         || std::any_of(patterns.begin(), patterns.end(), [](const auto& p) { return p.size() != 1; });
    m_missing->addItem(m_workers ? tr("none (every worker)") : tr("each position in turn"));
    if (offered)
        for (const auto& pattern : patterns) {
            if (m_workers && pattern.empty())
                continue; // the first entry already
            QVariantList units;
            for (int u : pattern)
                units << u;
            m_missing->addItem(missingText(pattern, m_workers), units);
        }
    m_missing->setCurrentIndex(0);
    m_missingBox->setVisible(offered);
}

void InspectorView::setMissing(const std::optional<std::vector<int>>& missing)
{
    int index = 0;
    if (missing && !(m_workers && missing->empty())) {
        std::vector<int> sorted = *missing;
        std::sort(sorted.begin(), sorted.end());
        QVariantList units;
        for (int u : sorted)
            units << u;
        index = m_missing->findData(units);
        if (index < 0) { // a set the run is not scored with (sampled): offered from now on
            m_missing->addItem(missingText(sorted, m_workers), units);
            index = m_missing->count() - 1;
        }
    }
    if (index == m_missing->currentIndex())
        showGroup(m_wantedSplit, m_wantedGroup);
    else
        m_missing->setCurrentIndex(index); // shows the group again
}

std::optional<std::vector<int>> InspectorView::missing() const
{
    const QVariant data = m_missing->currentData();
    if (!data.isValid())
        return m_workers ? std::optional<std::vector<int>>(std::vector<int>{}) : std::nullopt;
    std::vector<int> units;
    for (const QVariant& u : data.toList())
        units.push_back(u.toInt());
    return units;
}

QStringList InspectorView::missingChoices() const
{
    QStringList choices;
    if (m_missingBox->isHidden())
        return choices;
    for (int i = 0; i < m_missing->count(); ++i)
        choices << m_missing->itemText(i);
    return choices;
}

QString InspectorView::currentSplit() const { return m_split->currentText(); }

qint64 InspectorView::currentGroup() const { return m_shown ? m_shown->group : m_group->value(); }

void InspectorView::showGroup(const QString& split, qint64 group) { requestGroup({split, group, false, missing()}); }

void InspectorView::showRandomGroup() { requestGroup({currentSplit(), 0, true, missing()}); }

void InspectorView::requestGroup(const GroupRequest& request)
{
    if (!m_inspector)
        return;
    cancelSearch();
    ++m_groupRequest;
    m_wantedSplit = request.split;
    if (!request.random)
        m_wantedGroup = request.group;
    if (m_groupInFlight)
        m_queued = request; // replaces any older one still waiting
    else
        startGroupJob(request);
}

void InspectorView::startGroupJob(const GroupRequest& request)
{
    m_groupInFlight = true;
    m_evaluatingHint->start();
    const int id = m_groupRequest;
    auto inspector = m_inspector;
    const parity::GroupOrder order = orderOf(m_epochOrder->isChecked());
    runAsync<GroupResult>(
        this,
        [inspector, order, request]() {
            GroupResult r;
            try {
                std::string split = request.split.toStdString();
                inspector->setGroupOrder(order);
                // A run without a validation split (val_size 0): the view
                // opens on val by default, so show test instead.
                if (split == "val" && inspector->groupCount(split) == 0 && inspector->groupCount("test") > 0)
                    split = "test";
                const int64_t count = inspector->groupCount(split);
                if (count == 0) {
                    r.error = QObject::tr("The %1 split holds no complete group").arg(request.split);
                    return r;
                }
                const int64_t group = request.random ? int64_t(QRandomGenerator::global()->bounded(quint64(count)))
                                                     : std::clamp<int64_t>(request.group, 0, count - 1);
                r.group = request.missing ? inspector->inspectMissing(split, group, *request.missing)
                                          : inspector->inspect(split, group);
            } catch (const std::exception& e) {
                r.error = QString::fromStdString(e.what());
            }
            return r;
        },
        [this, id, inspector](const GroupResult& r) {
            m_groupInFlight = false;
            m_evaluatingHint->stop();
            if (m_queued) { // a newer request waited: this answer is stale
                const GroupRequest next = *m_queued;
                m_queued.reset();
                startGroupJob(next);
                return;
            }
            if (id != m_groupRequest || inspector != m_inspector)
                return;
            if (!r.group) {
                fail(r.error);
                return;
            }
            m_shown = r.group;
            const QString split = QString::fromStdString(m_shown->split);
            m_wantedSplit = split;
            m_wantedGroup = m_shown->group;
            {
                const QSignalBlocker b1(m_split), b2(m_group);
                m_split->setCurrentText(split);
                m_group->setRange(0, int(m_shown->groupCount - 1));
                m_group->setValue(int(m_shown->group));
            }
            m_groupCount->setText(tr("of %1").arg(m_shown->groupCount));
            render();
            Q_EMIT groupShown(m_shown->group);
        });
}

void InspectorView::render()
{
    const parity::InspectedGroup& g = *m_shown;
    const size_t k = std::min(g.inputs.size(), m_inputImages.size());
    for (size_t i = 0; i < k; ++i) {
        const auto& img = g.inputs[i];
        setTile(m_inputImages[i], QPixmap::fromImage(toQImage(img, scaleFor(img, kImageHeight))));
        const int64_t label = i < g.positions.size() ? g.positions[i].label : -1;
        // A localization set's labels are bird classes, its class names the box fields.
        m_inputCaptions[i]->setText(g.localization ? tr("X%1").arg(i + 1)
                                                   : tr("X%1: %2").arg(i + 1).arg(classText(g.classNames, label)));
    }
    // r parity queries (Berrut: the N workers' queries) stand one below the
    // other: up to three at the inputs' size, more smaller.
    const int planeHeight = g.inputs.empty() ? 0 : g.inputs.front().height;
    const int planes = planeHeight > 0 && g.parityQuery.height % planeHeight == 0 ? g.parityQuery.height / planeHeight
                                                                                  : 1;
    setTile(m_parityImage,
            QPixmap::fromImage(toQImage(g.parityQuery, scaleFor(g.parityQuery, kImageHeight * std::min(planes, 3)))));
    int matched = 0, decoded = 0;
    for (size_t i = 0; i < g.positions.size() && i < m_panels.size(); ++i) {
        if (g.localization && i < g.inputs.size())
            m_panels[i]->setBoxes(int(i), g.positions[i], g.inputs[i]);
        else
            m_panels[i]->setPosition(int(i), g.positions[i], g.classNames, m_softmax->isChecked(),
                                     headingOf(g, int(i), m_workers));
        if (g.positions[i].decoded) {
            matched += g.positions[i].matchesBase;
            ++decoded;
        }
    }
    const QString where =
        QStringLiteral("%1 group %2 of %3").arg(QString::fromStdString(g.split)).arg(g.group).arg(g.groupCount);
    if (g.oneAtATime)
        m_status->setText(
            tr("%1: %2 of %3 reconstructions match the base model's prediction").arg(where).arg(matched).arg(decoded));
    else
        m_status->setText(tr("%1, %2 missing: %3 of %4 decoded predictions match the base model's")
                              .arg(where, missingText(g.missing, m_workers))
                              .arg(matched)
                              .arg(decoded));
}

void InspectorView::showNextMismatch()
{
    if (!m_inspector || m_busy)
        return;
    cancelSearch();
    auto cancel = std::make_shared<parity::CancelToken>();
    m_searchCancel = cancel;
    const int id = ++m_groupRequest; // supersedes group requests still waiting
    m_queued.reset();
    updateControls();
    const QString split = m_wantedSplit;
    const qint64 after = m_wantedGroup;
    m_status->setText(tr("Searching the %1 split for a group with a mismatch…").arg(split));
    auto inspector = m_inspector;
    const parity::GroupOrder order = orderOf(m_epochOrder->isChecked());
    runAsync<SearchResult>(
        this,
        [inspector, order, split, after, cancel]() {
            SearchResult r;
            try {
                inspector->setGroupOrder(order);
                r.group = inspector->nextMismatch(split.toStdString(), after, cancel.get());
            } catch (const parity::Cancelled&) {
                r.cancelled = true;
            } catch (const std::exception& e) {
                r.error = QString::fromStdString(e.what());
            }
            return r;
        },
        [this, id, inspector, cancel, split](const SearchResult& r) {
            if (cancel == m_searchCancel) {
                m_searchCancel.reset();
                updateControls();
            }
            if (r.cancelled || id != m_groupRequest || inspector != m_inspector)
                return;
            if (!r.error.isEmpty()) {
                fail(r.error);
                return;
            }
            if (!r.group) {
                m_status->setText(tr("No group of the %1 split has a mismatch: every reconstruction matches the "
                                     "base model's prediction.")
                                      .arg(split));
                return;
            }
            showGroup(split, *r.group);
        });
}

void InspectorView::cancelSearch()
{
    if (!m_searchCancel)
        return;
    m_searchCancel->cancel();
    m_searchCancel.reset();
    updateControls();
}

void InspectorView::setSoftmax(bool on)
{
    if (m_softmax->isChecked() != on) {
        m_softmax->setChecked(on); // comes back here through toggled()
        return;
    }
    if (m_shown)
        render();
}

void InspectorView::setEpochOrder(bool on)
{
    if (m_epochOrder->isChecked() != on) {
        m_epochOrder->setChecked(on);
        return;
    }
    // The group job applies the order off the GUI thread.
    showGroup(m_wantedSplit, m_wantedGroup);
}

void InspectorView::fail(const QString& message)
{
    setBusy(false, tr("<span style='color:#c62828'>%1</span>").arg(message.toHtmlEscaped()));
    Q_EMIT failed(message);
}

QImage InspectorView::figure() const
{
    // A figure, not a screen grab (issue 13, item 10): the run's title and
    // the group above every panel (also those scrolled out of view), without
    // buttons or scroll bars.
    const QPixmap body = m_content->grab();
    QFont titleFont = font();
    titleFont.setBold(true);
    const QFontMetrics titleMetrics(titleFont);
    const QFontMetrics textMetrics(font());
    const int margin = 8;
    const QString title = m_source->text();
    const QString status = m_status->text();
    const int width = std::max({body.width(), titleMetrics.horizontalAdvance(title) + 2 * margin,
                                textMetrics.horizontalAdvance(status) + 2 * margin});
    const int header = margin + titleMetrics.height() + 4 + textMetrics.height() + margin;
    const qreal ratio = body.devicePixelRatio();
    QImage image(QSize(width, header + int(body.height() / ratio)) * ratio, QImage::Format_ARGB32);
    image.setDevicePixelRatio(ratio);
    image.fill(Qt::white);
    QPainter painter(&image);
    painter.setPen(Qt::black);
    painter.setFont(titleFont);
    painter.drawText(QPoint(margin, margin + titleMetrics.ascent()), title);
    painter.setFont(font());
    painter.drawText(QPoint(margin, margin + titleMetrics.height() + 4 + textMetrics.ascent()), status);
    painter.drawPixmap(QPoint(0, header), body);
    painter.end();
    return image;
}

bool InspectorView::exportImage(const QString& path, QString* error)
{
    const QImage image = figure();
    if (image.isNull() || !image.save(path, "PNG")) {
        if (error)
            *error = tr("%1: could not be written").arg(path);
        return false;
    }
    return true;
}

} // namespace parity::gui
