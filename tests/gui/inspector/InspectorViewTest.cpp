// InspectorView on a checkpoint of a tiny parity-train run (issue:
// gui-inspector, items 3-4).
#include "TestPaths.h"
#include "support/TinyCub.h"
#include "support/TinyDataset.h"

#include "inspector/InspectorView.h"
#include "inspector/PositionPanel.h"
#include "plots/QcpInclude.h"

#include <QApplication>
#include <QFile>
#include <QFileInfo>
#include <QImage>
#include <QProcess>
#include <QScrollArea>
#include <QScrollBar>
#include <QWheelEvent>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using parity::gui::InspectorView;

namespace {
constexpr int kTimeoutMs = 120000;

bool hasMismatch(const parity::InspectedGroup& g)
{
    for (const auto& p : g.positions)
        if (!p.matchesBase)
            return true;
    return false;
}
} // namespace

class InspectorViewTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void opensACheckpointWithoutBlocking();
    void theWheelOverABarChartScrollsThePage();
    void showsEverySplit_data();
    void showsEverySplit();
    void nextMismatchMovesToAMismatchingGroup();
    void groupRequestsAreCoalesced();
    void aGroupRequestGivesUpTheSearch();
    void refreshKeepsTheShownGroup();
    void badCheckpointFailsNamingTheFile();
    void exportsALoadablePng();
    void localizationShowsBoxes();
    void aRunWithoutValidationOpensOnTest();
    void aChosenMissingSetIsDecodedAtOnce();
    void berrutChoosesTheMissingWorkers();

private:
    void openAndWait(InspectorView& view, const QString& path);
    /// Writes `json` as m_tmp/`name` and trains it with parity-train `args`.
    void trainWithCli(const QString& name, const QByteArray& json, const QStringList& args);
    /// A tiny CUB set with base boxes 3 px off the truth, trained one epoch
    /// into m_tmp/save-`tag` with `extraKeys` (JSON members, e.g.
    /// `, "val_size": 0`); returns that run's directory.
    QString trainTinyCub(const QString& tag, const QString& extraKeys);
    /// showGroup() and wait until that group is on screen.
    void showAndWait(InspectorView& view, const QString& split, qint64 group, qint64 expected);

    QTemporaryDir m_tmp;
    QString m_best;
    QString m_current;
};

void InspectorViewTest::initTestCase()
{
    QVERIFY(m_tmp.isValid());
    const QString data = m_tmp.filePath(QStringLiteral("data"));
    parity::test::writeTinyMnist(data.toStdString(), 600, 120);
    trainWithCli(QStringLiteral("c.json"),
                 R"({"num_epoch": 2, "k_vals": [2], "enc_dec_types": [["add", "sub"]], "datasets": ["mnist"],
                     "models": ["base-mlp"], "losses": ["mse"], "batch_size": 16, "val_size": 100})",
                 {m_tmp.filePath(QStringLiteral("save")), QStringLiteral("--data-dir"), data, QStringLiteral("--seed"),
                  QStringLiteral("3")});
    if (QTest::currentTestFailed())
        return;
    const QString dir = m_tmp.filePath(QStringLiteral("save/mnist/base-mlp/k2/mse/add/sub"));
    m_best = dir + QStringLiteral("/best.pth");
    m_current = dir + QStringLiteral("/current.pth");
    QVERIFY(QFileInfo::exists(m_best));
    QVERIFY(QFileInfo::exists(m_current));
}

void InspectorViewTest::trainWithCli(const QString& name, const QByteArray& json, const QStringList& args)
{
    const QString config = m_tmp.filePath(name);
    QFile f(config);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(json);
    f.close();
    QProcess cli;
    cli.setProcessChannelMode(QProcess::MergedChannels);
    cli.start(QStringLiteral(PARITY_TRAIN_EXE), QStringList{config} + args);
    QVERIFY(cli.waitForFinished(kTimeoutMs));
    QVERIFY2(cli.exitCode() == 0, cli.readAll().constData());
}

QString InspectorViewTest::trainTinyCub(const QString& tag, const QString& extraKeys)
{
    const QString data = m_tmp.filePath(QStringLiteral("cub-") + tag);
    const auto images = parity::test::writeTinyCub(data.toStdString(), 2, 5);
    const QString boxes = m_tmp.filePath(QStringLiteral("base_boxes-%1.txt").arg(tag));
    parity::test::writeShiftedBoxes(boxes.toStdString(), images, 3.0f);
    const QString json = QStringLiteral(R"({"num_epoch": 1, "k_vals": [2], "enc_dec_types": [["add", "sub"]],
        "datasets": ["cub"], "models": ["resnet18"], "losses": ["mse"], "batch_size": 2, "threads": 2%1})")
                             .arg(extraKeys);
    trainWithCli(QStringLiteral("cub-%1.json").arg(tag), json.toUtf8(),
                 {m_tmp.filePath(QStringLiteral("save-") + tag), QStringLiteral("--data-dir"), data,
                  QStringLiteral("--base-boxes"), boxes});
    return m_tmp.filePath(QStringLiteral("save-%1/cub/resnet18/k2/mse/add/sub").arg(tag));
}

void InspectorViewTest::openAndWait(InspectorView& view, const QString& path)
{
    QSignalSpy loaded(&view, &InspectorView::loaded);
    QSignalSpy failed(&view, &InspectorView::failed);
    view.openCheckpoint(path);
    QTRY_COMPARE_WITH_TIMEOUT(loaded.count() + failed.count(), 1, kTimeoutMs);
    QVERIFY2(failed.isEmpty(), failed.isEmpty() ? "" : qPrintable(failed.first().first().toString()));
}

void InspectorViewTest::showAndWait(InspectorView& view, const QString& split, qint64 group, qint64 expected)
{
    QSignalSpy shown(&view, &InspectorView::groupShown);
    QSignalSpy failed(&view, &InspectorView::failed);
    view.showGroup(split, group);
    // Evaluated off the GUI thread: nothing is shown before the event loop runs.
    QVERIFY(view.isEvaluating());
    QTRY_VERIFY_WITH_TIMEOUT(!view.isEvaluating(), kTimeoutMs);
    QVERIFY2(failed.isEmpty(), failed.isEmpty() ? "" : qPrintable(failed.first().first().toString()));
    QCOMPARE(shown.count(), 1);
    QCOMPARE(shown.first().first().toLongLong(), expected);
    QVERIFY(view.shownGroup().has_value());
    QCOMPARE(QString::fromStdString(view.shownGroup()->split), split);
    QCOMPARE(view.shownGroup()->group, expected);
}

void InspectorViewTest::opensACheckpointWithoutBlocking()
{
    InspectorView view;
    view.resize(1200, 900);
    view.show();
    QSignalSpy loaded(&view, &InspectorView::loaded);
    QSignalSpy shown(&view, &InspectorView::groupShown);
    view.openCheckpoint(m_best);
    // The data are prepared off the GUI thread: the call returns at once.
    QVERIFY(view.isBusy());
    QCOMPARE(loaded.count(), 0);
    QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, kTimeoutMs);
    QVERIFY(!view.isBusy());
    QTRY_COMPARE_WITH_TIMEOUT(shown.count(), 1, kTimeoutMs);
    QCOMPARE(shown.first().first().toLongLong(), 0);
    QCOMPARE(view.currentSplit(), QStringLiteral("val"));
    QCOMPARE(view.inputImageCount(), 2);
    QCOMPARE(view.barChartCount(), 2);
    QVERIFY(view.shownGroup().has_value());
    QCOMPARE(view.shownGroup()->positions.size(), size_t(2));
    QCOMPARE(view.shownGroup()->classNames.size(), size_t(10));
}

// Found in a walkthrough: the wheel scrolled the page until the pointer came
// over a bar chart, and stopped there (QCustomPlot takes every wheel event,
// though these charts do not zoom).
void InspectorViewTest::theWheelOverABarChartScrollsThePage()
{
    InspectorView view;
    openAndWait(view, m_best);
    view.resize(1000, 420); // shorter than the page: it scrolls
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QScrollArea* page = nullptr;
    for (QScrollArea* area : view.findChildren<QScrollArea*>())
        if (area->isAncestorOf(view.positionPanel(0)))
            page = area;
    QVERIFY(page);
    QScrollBar* bar = page->verticalScrollBar();
    QTRY_VERIFY2(bar->maximum() > 0, qPrintable(QString::number(bar->maximum())));
    bar->setValue(0);
    // One notch over the chart, delivered as Qt delivers one from the mouse:
    // to the widget under the pointer, then up its parents while ignored. (The
    // walk is made here: Qt does not pass on a wheel event sent by a test.)
    QCustomPlot* chart = view.positionPanel(0)->plot();
    const QPoint spot = chart->mapToGlobal(chart->rect().center());
    QWidget* taker = nullptr;
    for (QWidget* w = chart; w && !taker; w = w->isWindow() ? nullptr : w->parentWidget()) {
        const QPointF at = w->mapFromGlobal(QPointF(spot));
        QWheelEvent wheel(at, QPointF(spot), QPoint(), QPoint(0, -120), Qt::NoButton, Qt::NoModifier, Qt::NoScrollPhase,
                          false);
        QApplication::sendEvent(w, &wheel);
        if (wheel.isAccepted())
            taker = w;
    }
    QVERIFY2(bar->value() > 0, "the page did not scroll");
}

void InspectorViewTest::showsEverySplit_data()
{
    QTest::addColumn<QString>("split");
    QTest::addColumn<qint64>("group");
    QTest::addColumn<qint64>("expected");
    QTest::newRow("train") << QStringLiteral("train") << qint64(5) << qint64(5);
    QTest::newRow("val") << QStringLiteral("val") << qint64(49) << qint64(49);
    QTest::newRow("test") << QStringLiteral("test") << qint64(7) << qint64(7);
    QTest::newRow("val, past the end") << QStringLiteral("val") << qint64(1000) << qint64(49);
}

void InspectorViewTest::showsEverySplit()
{
    QFETCH(QString, split);
    QFETCH(qint64, group);
    QFETCH(qint64, expected);
    InspectorView view;
    openAndWait(view, m_best);
    showAndWait(view, split, group, expected);
    QCOMPARE(view.currentSplit(), split);
    QCOMPARE(view.currentGroup(), expected);
    QCOMPARE(view.inputImageCount(), 2);
    QCOMPARE(view.barChartCount(), 2);
}

void InspectorViewTest::nextMismatchMovesToAMismatchingGroup()
{
    InspectorView view;
    openAndWait(view, m_best);
    showAndWait(view, QStringLiteral("val"), 0, 0);
    QSignalSpy shown(&view, &InspectorView::groupShown);
    view.showNextMismatch();
    QVERIFY(view.isEvaluating());
    QTRY_VERIFY_WITH_TIMEOUT(!view.isEvaluating(), kTimeoutMs);
    QVERIFY2(shown.count() == 1, "no group of the tiny run's val split has a mismatch");
    QVERIFY(hasMismatch(*view.shownGroup()));
    const qint64 first = view.currentGroup();
    view.showNextMismatch();
    QTRY_VERIFY_WITH_TIMEOUT(!view.isEvaluating(), kTimeoutMs);
    QCOMPARE(shown.count(), 2);
    QVERIFY(hasMismatch(*view.shownGroup()));
    const qint64 second = view.currentGroup();
    // Nothing was skipped: the groups in between (wrapping) all match.
    const qint64 groups = view.shownGroup()->groupCount;
    QList<qint64> between;
    for (qint64 g = 1; g < first; ++g)
        between << g;
    for (qint64 g = (first + 1) % groups; g != second; g = (g + 1) % groups)
        between << g;
    for (qint64 g : std::as_const(between)) {
        showAndWait(view, QStringLiteral("val"), g, g);
        QVERIFY2(!hasMismatch(*view.shownGroup()), qPrintable(QStringLiteral("group %1 skipped").arg(g)));
    }
}

// Holding an arrow key on the group box: every request but the newest is
// dropped, and only the newest group is shown.
void InspectorViewTest::groupRequestsAreCoalesced()
{
    InspectorView view;
    openAndWait(view, m_best);
    QTRY_VERIFY_WITH_TIMEOUT(!view.isEvaluating(), kTimeoutMs);
    QSignalSpy shown(&view, &InspectorView::groupShown);
    for (qint64 g = 1; g <= 30; ++g)
        view.showGroup(QStringLiteral("train"), g);
    QTRY_VERIFY_WITH_TIMEOUT(!view.isEvaluating(), kTimeoutMs);
    // The first request was already running when the others came; it is
    // dropped as stale, and of the rest only the newest ran.
    QCOMPARE(shown.count(), 1);
    QCOMPARE(shown.first().first().toLongLong(), 30);
    QCOMPARE(view.currentSplit(), QStringLiteral("train"));
    QCOMPARE(view.currentGroup(), qint64(30));
}

// Asking for a group while a mismatch search runs gives the search up: the
// asked-for group is shown, not the search's answer.
void InspectorViewTest::aGroupRequestGivesUpTheSearch()
{
    InspectorView view;
    openAndWait(view, m_best);
    showAndWait(view, QStringLiteral("val"), 0, 0);
    QSignalSpy shown(&view, &InspectorView::groupShown);
    view.showNextMismatch();
    QVERIFY(view.isEvaluating());
    view.showGroup(QStringLiteral("test"), 3);
    QTRY_VERIFY_WITH_TIMEOUT(!view.isEvaluating(), kTimeoutMs);
    QCOMPARE(shown.count(), 1);
    QCOMPARE(shown.first().first().toLongLong(), 3);
    QCOMPARE(view.currentSplit(), QStringLiteral("test"));
}

void InspectorViewTest::refreshKeepsTheShownGroup()
{
    InspectorView view;
    openAndWait(view, m_best);
    // Asked for, not yet shown, when the refresh comes: it is still the group shown after it.
    view.showGroup(QStringLiteral("test"), 11);
    QSignalSpy refreshed(&view, &InspectorView::weightsRefreshed);
    QSignalSpy failed(&view, &InspectorView::failed);
    view.refreshWeights(m_current);
    QTRY_COMPARE_WITH_TIMEOUT(refreshed.count() + failed.count(), 1, kTimeoutMs);
    QCOMPARE(failed.count(), 0);
    QCOMPARE(refreshed.first().first().toInt(), 1); // current.pth holds the last epoch
    QTRY_VERIFY_WITH_TIMEOUT(!view.isEvaluating(), kTimeoutMs);
    QCOMPARE(view.currentSplit(), QStringLiteral("test"));
    QCOMPARE(view.currentGroup(), qint64(11));
}

void InspectorViewTest::badCheckpointFailsNamingTheFile()
{
    InspectorView view;
    QSignalSpy failed(&view, &InspectorView::failed);
    QSignalSpy loaded(&view, &InspectorView::loaded);
    view.openCheckpoint(m_tmp.filePath(QStringLiteral("nowhere.pth")));
    QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, kTimeoutMs);
    QVERIFY2(failed.first().first().toString().contains(QStringLiteral("nowhere.pth")),
             qPrintable(failed.first().first().toString()));
    QCOMPARE(loaded.count(), 0);
    QVERIFY(!view.isLoaded());
    QVERIFY(!view.isBusy());
}

void InspectorViewTest::exportsALoadablePng()
{
    InspectorView view;
    view.resize(1000, 800);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    openAndWait(view, m_best);
    const QString png = m_tmp.filePath(QStringLiteral("inspector.png"));
    QString error;
    QVERIFY2(view.exportImage(png, &error), qPrintable(error));
    const QImage image(png);
    QVERIFY(!image.isNull());
    // A figure of the panels and a title, not a grab of the view with its controls.
    QVERIFY(image.width() >= view.positionPanel(0)->width());
    QVERIFY(image.height() > view.positionPanel(0)->geometry().bottom());
    QVERIFY(!view.exportImage(m_tmp.filePath(QStringLiteral("missing-dir/x.png")), &error));
    QVERIFY(error.contains(QStringLiteral("x.png")));
}

// Issue 4, item 7: a localization run's positions are boxes, drawn on the
// erased query's image instead of bar charts.
void InspectorViewTest::localizationShowsBoxes()
{
    const QString runDir = trainTinyCub(QStringLiteral("boxes"), QString());
    if (QTest::currentTestFailed())
        return;
    const QString checkpoint = runDir + QStringLiteral("/current.pth");

    InspectorView view;
    view.resize(1200, 900);
    openAndWait(view, checkpoint);
    showAndWait(view, QStringLiteral("test"), 0, 0);
    const parity::InspectedGroup& g = *view.shownGroup();
    QVERIFY(g.localization);
    QCOMPARE(g.positions.size(), size_t(2));
    for (int i = 0; i < 2; ++i) {
        const parity::InspectedPosition& p = g.positions[size_t(i)];
        QCOMPARE(p.trueBox.size(), size_t(4));
        QCOMPARE(p.baseOutput.size(), size_t(4));
        QVERIFY(p.iouWithBase >= 0 && p.iouWithBase <= 1);
        QCOMPARE(p.matchesBase, p.iouWithBase >= 0.75);
        parity::gui::PositionPanel* panel = view.positionPanel(i);
        QVERIFY(panel);
        QVERIFY(!panel->boxImage().isNull());
        QVERIFY(panel->caption().contains(QStringLiteral("IoU with the base box")));
    }
}

// Issue 11, item 3: a CUB run with val_size 0 has no validation split; the
// view, which opens on val, shows the test split instead of an error.
void InspectorViewTest::aRunWithoutValidationOpensOnTest()
{
    const QString runDir = trainTinyCub(QStringLiteral("noval"), QStringLiteral(R"(, "val_size": 0)"));
    if (QTest::currentTestFailed())
        return;
    const QString checkpoint = runDir + QStringLiteral("/current.pth");
    QVERIFY(QFileInfo::exists(checkpoint));
    QVERIFY(!QFileInfo::exists(runDir + QStringLiteral("/best.pth")));

    InspectorView view;
    view.resize(1200, 900);
    view.show();
    QSignalSpy shown(&view, &InspectorView::groupShown);
    QSignalSpy failed(&view, &InspectorView::failed);
    view.openCheckpoint(checkpoint);
    QTRY_COMPARE_WITH_TIMEOUT(shown.count() + failed.count(), 1, kTimeoutMs);
    QVERIFY2(failed.isEmpty(), failed.isEmpty() ? "" : qPrintable(failed.first().first().toString()));
    QCOMPARE(view.currentSplit(), QStringLiteral("test"));
    QCOMPARE(QString::fromStdString(view.shownGroup()->split), QStringLiteral("test"));
}

// Issue 14: a run with two parities offers every missing set it is scored
// with; the chosen one is decoded at once, the other positions are served as
// they are. An r = 1 run offers no choice.
void InspectorViewTest::aChosenMissingSetIsDecodedAtOnce()
{
    InspectorView single;
    openAndWait(single, m_current);
    QVERIFY(single.missingChoices().isEmpty());
    QVERIFY(!single.missing());

    const QString data = m_tmp.filePath(QStringLiteral("data"));
    trainWithCli(QStringLiteral("r2.json"),
                 R"({"num_epoch": 1, "k_vals": [3], "ec_r": 2, "enc_dec_types": [["add", "sub"]],
                     "datasets": ["mnist"], "models": ["base-mlp"], "losses": ["mse"], "batch_size": 16,
                     "val_size": 99})",
                 {m_tmp.filePath(QStringLiteral("save-r2")), QStringLiteral("--data-dir"), data});
    if (QTest::currentTestFailed())
        return;
    InspectorView view;
    view.resize(1280, 800);
    view.show();
    QSignalSpy shown(&view, &InspectorView::groupShown);
    openAndWait(view, m_tmp.filePath(QStringLiteral("save-r2/mnist/base-mlp/k3_r2/mse/add/sub/current.pth")));
    QTRY_COMPARE_WITH_TIMEOUT(shown.count(), 1, kTimeoutMs);
    QCOMPARE(view.missingChoices(),
             (QStringList{"each position in turn", "X1", "X2", "X3", "X1, X2", "X1, X3", "X2, X3"}));
    QVERIFY(view.shownGroup()->oneAtATime);
    // The parity tile holds both parity queries, one below the other.
    QCOMPARE(view.shownGroup()->parityQuery.height, 2 * view.shownGroup()->inputs.front().height);

    view.setMissing(std::vector<int>{2, 0});
    QTRY_COMPARE_WITH_TIMEOUT(shown.count(), 2, kTimeoutMs);
    QCOMPARE(view.missing(), std::optional<std::vector<int>>(std::vector<int>{0, 2}));
    const parity::InspectedGroup& g = *view.shownGroup();
    QVERIFY(!g.oneAtATime);
    QCOMPARE(g.missing, (std::vector<int>{0, 2}));
    QVERIFY(g.positions[0].decoded && !g.positions[1].decoded && g.positions[2].decoded);
    QVERIFY2(view.positionPanel(1)->caption().contains("Position 2 available"),
             qPrintable(view.positionPanel(1)->caption()));
    QVERIFY(view.positionPanel(1)->caption().contains("served as it is"));
    QVERIFY2(view.positionPanel(0)->caption().contains("Position 1 missing, decoded"),
             qPrintable(view.positionPanel(0)->caption()));
    // Another group keeps the chosen set.
    showAndWait(view, QStringLiteral("val"), 3, 3);
    QCOMPARE(view.shownGroup()->missing, (std::vector<int>{0, 2}));
    // Back to each position in turn.
    view.setMissing(std::nullopt);
    QTRY_COMPARE_WITH_TIMEOUT(shown.count(), 4, kTimeoutMs);
    QVERIFY(view.shownGroup()->oneAtATime);
    QVERIFY(view.positionPanel(1)->caption().contains("Position 2 erased"));
}

void InspectorViewTest::berrutChoosesTheMissingWorkers()
{
    const QString data = m_tmp.filePath(QStringLiteral("data"));
    trainWithCli(QStringLiteral("berrut.json"),
                 R"({"num_epoch": 0, "k_vals": [2], "ec_r": 1, "enc_dec_types": [["berrut", "berrut"]],
                     "train_parity_model": false, "datasets": ["mnist"], "models": ["base-mlp"], "losses": ["mse"],
                     "batch_size": 16, "val_size": 100})",
                 {m_tmp.filePath(QStringLiteral("save-berrut")), QStringLiteral("--data-dir"), data});
    if (QTest::currentTestFailed())
        return;
    InspectorView view;
    QSignalSpy shown(&view, &InspectorView::groupShown);
    openAndWait(view, m_tmp.filePath(QStringLiteral("save-berrut/mnist/base-mlp/k2/mse/berrut/berrut/current.pth")));
    QTRY_COMPARE_WITH_TIMEOUT(shown.count(), 1, kTimeoutMs);
    QCOMPARE(view.missingChoices(), (QStringList{"none (every worker)", "worker 1", "worker 2", "worker 3",
                                                 "workers 1, 2", "workers 1, 3", "workers 2, 3"}));
    QCOMPARE(view.shownGroup()->missing, std::vector<int>{});
    QVERIFY(view.positionPanel(0)->caption().contains("Position 1 decoded"));
    QCOMPARE(view.shownGroup()->parityQuery.height, 3 * view.shownGroup()->inputs.front().height); // N = 3 workers
    view.setMissing(std::vector<int>{0, 1});
    QTRY_COMPARE_WITH_TIMEOUT(shown.count(), 2, kTimeoutMs);
    QVERIFY(view.shownGroup()->positions[0].decoded && view.shownGroup()->positions[1].decoded);
    QCOMPARE(view.shownGroup()->missing, (std::vector<int>{0, 1}));
}

QTEST_MAIN(InspectorViewTest)
#include "InspectorViewTest.moc"
