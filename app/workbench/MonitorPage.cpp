#include "MonitorPage.h"

#include "RunController.h"
#include "browser/RunRecordLoader.h"
#include "plots/AccuracyPlot.h"
#include "plots/LossPlot.h"
#include "plots/QcpInclude.h"
#include "plots/ServedAccuracyPlot.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>
#include <QSplitter>
#include <QTabWidget>
#include <QVBoxLayout>

namespace parity::gui {

MonitorPage::MonitorPage(RunController* controller, QWidget* parent)
    : QWidget(parent)
    , m_controller(controller)
    , m_loss(new LossPlot)
    , m_accuracy(new AccuracyPlot)
    , m_served(new ServedAccuracyPlot)
    , m_lowerTabs(new QTabWidget)
{
    m_lowerTabs->addTab(m_accuracy, tr("Accuracy"));
    m_lowerTabs->addTab(m_served, tr("Served accuracy"));
    m_lowerTabs->setTabToolTip(1, tr("The accuracy users are served when predictions are unavailable"));
    m_lowerTabs->setDocumentMode(true);
    auto* split = new QSplitter(Qt::Vertical);
    split->addWidget(m_loss);
    split->addWidget(m_lowerTabs);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(split);

    connect(controller, &RunController::runStarted, this, &MonitorPage::onRunStarted);
    // Before the first run, the loss plot says whether the runs on the form
    // will draw a loss at all (a Berrut code trains nothing).
    RunQueueModel* queue = controller->queue();
    connect(queue, &QAbstractItemModel::modelReset, this, &MonitorPage::onQueueChanged);
    connect(queue, &QAbstractItemModel::dataChanged, this, &MonitorPage::onQueueChanged);
    connect(queue, &QAbstractItemModel::rowsInserted, this, &MonitorPage::onQueueChanged);
    connect(queue, &QAbstractItemModel::rowsRemoved, this, &MonitorPage::onQueueChanged);
    onQueueChanged();
    connect(controller, &RunController::baseModelEvaluated, this,
            [this](const std::vector<parity::BaseAccuracy>& accuracies) {
                m_record.baseAccuracies = accuracies;
                m_accuracy->setBaseAccuracies(accuracies);
            });
    connect(controller, &RunController::batchFinished, m_loss, &LossPlot::addBatch);
    connect(controller, &RunController::epochFinished, this, [this](const parity::EpochSummary& summary) {
        m_record.epochs.push_back(summary);
        m_record.bestValReconstructionTop1 = summary.bestValReconstructionTop1;
        m_loss->addEpoch(summary);
        m_accuracy->addEpoch(summary);
        // The trainer wrote served_accuracy.csv before it reported the epoch.
        RunRecordLoader::readServed(m_record.runDir, &m_record);
        m_served->setRecords({m_record});
    });
    connect(controller, &RunController::runFinished, this, [this](const parity::RunSummary& summary) {
        m_record.status = summary.stopped ? QStringLiteral("stopped") : QStringLiteral("finished");
    });
    connect(controller, &RunController::runFailed, this, [this] { m_record.status = QStringLiteral("failed"); });
}

void MonitorPage::onRunStarted()
{
    const parity::RunConfig& config = m_controller->currentConfig();
    m_record = RunRecord{};
    m_record.runDir = m_controller->currentRunDir();
    m_record.header = QString::fromStdString(config.header());
    m_record.status = QStringLiteral("running");
    m_record.config = QJsonDocument::fromJson(QByteArray::fromStdString(config.toJson().dump())).object();
    m_record.title = QString::fromStdString(config.shortTitle());
    m_loss->clear();
    if (config.trainsNothing()) // said now, not at its first batch (after the data and the base model)
        m_loss->noteNoLoss();
    m_accuracy->clear();
    m_served->setRecords({});
    setTitles(QString::fromStdString(config.shortTitle()));
    // A resumed run shows its earlier epochs too (the trainer drops any the
    // checkpoint does not cover, and so do we).
    const auto& entry = m_controller->queue()->entry(m_controller->currentRow());
    if (!entry.request.continueFrom.isEmpty()) {
        QString error;
        RunRecord earlier;
        if (RunRecordLoader::load(m_record.runDir, &earlier, &error)) {
            for (const auto& e : earlier.epochs) {
                m_record.epochs.push_back(e);
                m_loss->addEpoch(e);
                m_accuracy->addEpoch(e);
            }
        }
    }
    replotNow(); // the previous run's curves go now, not at the first batch (issue 13, item 12)
}

void MonitorPage::onQueueChanged()
{
    // Only while nothing has been shown: a run shown (live, finished or
    // opened) keeps its plots whatever the form says now.
    if (!m_record.runDir.isEmpty() || m_controller->isBusy())
        return;
    const RunQueueModel* queue = m_controller->queue();
    bool none = queue->size() > 0;
    for (int i = 0; i < queue->size() && none; ++i)
        none = queue->entry(i).request.config.trainsNothing();
    m_loss->expectNoLoss(none);
}

void MonitorPage::setTitles(const QString& title)
{
    m_loss->setTitle(title);
    m_accuracy->setTitle(title);
}

void MonitorPage::showRecord(const RunRecord& record)
{
    m_record = record;
    setTitles(record.title.isEmpty() ? record.displayName() : record.title);
    m_loss->showRecord(record);
    m_accuracy->showRecord(record);
    m_served->setRecords({record});
}

void MonitorPage::showServedTab(bool served) { m_lowerTabs->setCurrentIndex(served ? 1 : 0); }

bool MonitorPage::exportPlots(const QString& path, QString* error)
{
    const QFileInfo info(path);
    const QString second = info.dir().filePath(info.completeBaseName() + QStringLiteral("-accuracy.") + info.suffix());
    const QString served = info.dir().filePath(info.completeBaseName() + QStringLiteral("-served.") + info.suffix());
    return m_loss->exportImage(path, error) && m_accuracy->exportImage(second, error)
           && (!m_record.served || m_served->exportImage(served, error));
}

void MonitorPage::replotNow()
{
    m_loss->redrawNow();
    m_accuracy->redrawNow();
}

} // namespace parity::gui
