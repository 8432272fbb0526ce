// MainWindow at the sizes users have: the window, its form and its pages fit
// the screen (1280x800 first), what opens comes into view, and greyed fields
// read as greyed. Split from MainWindowTest, which drives runs and sessions.
#include "MainWindow.h"
#include "InspectorPage.h"
#include "RunController.h"
#include "RunPanel.h"
#include "common/ElidedLabel.h"
#include "common/FoldSection.h"
#include "form/ExperimentForm.h"
#include "inspector/InspectorView.h"
#include "inspector/PositionPanel.h"
#include "plots/QcpInclude.h"

#include "support/GuiTestRuns.h"

#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QImage>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QPalette>
#include <QPushButton>
#include <QScreen>
#include <QScrollArea>
#include <QScrollBar>
#include <QSettings>
#include <QSignalSpy>
#include <QStatusBar>
#include <QStandardPaths>
#include <QTest>
#include <QToolButton>

#include <algorithm>

using namespace parity::gui;

namespace {

/// Settings cleared before the window reads them, as on a first start.
struct ClearedSettings {
    ClearedSettings() { QSettings().clear(); }
};

/// A first start's window shown at `width` x `height` and laid out.
struct FirstStart : ClearedSettings {
    MainWindow window;
    FirstStart(int width, int height)
    {
        window.setInteractive(false);
        window.resize(width, height);
        window.show();
        if (QTest::qWaitForWindowExposed(&window))
            QApplication::processEvents();
    }
    /// The scroll area the experiment form sits in.
    QScrollArea* formScrollArea() const
    {
        return qobject_cast<QScrollArea*>(window.runPanel()->form()->parentWidget()->parentWidget());
    }
};

} // namespace

class MainWindowLayoutTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true); // QSettings go to a test location
        QSettings().clear();
    }

    void aDisabledFieldsHintIsNoDarkerThanDisabledText()
    {
        // Walkthrough: during a run the greyed form's empty file fields showed
        // their hints in near-black, as if filled in.
        MainWindow window;
        window.show();
        QApplication::processEvents(); // the palette change reaches the widgets as the event loop runs
        auto* weights = window.findChild<QLineEdit*>(QStringLiteral("base_weights"));
        QVERIFY(weights && !weights->placeholderText().isEmpty());
        window.runPanel()->form()->setEnabled(false);
        QVERIFY(!weights->isEnabled());
        const QPalette& p = weights->palette();
        QCOMPARE(p.color(QPalette::Disabled, QPalette::PlaceholderText), p.color(QPalette::Disabled, QPalette::Text));
        QVERIFY(p.color(QPalette::Disabled, QPalette::PlaceholderText).lightness()
                > p.color(QPalette::Active, QPalette::Text).lightness() + 100);
    }

    // Issue 13, item 3: on a 1280x800 screen no page widens the window, the
    // inspector's title shortens itself, its controls stay on screen and its
    // images keep their size, for k = 3 and a long title.
    void theInspectorFitsA1280By800Window()
    {
        parity::test::TempDir tmp;
        parity::test::writeTinyMnist(tmp / "data", 600, 200);
        auto config = parity::test::tinyRunConfig(tmp / "data",
                                                  tmp / "a-save-directory-with-a-rather-long-name-for-the-title", 1);
        config.k = 3;
        config.batchSize = 8;
        MainWindow window;
        window.setInteractive(false);
        window.resize(1280, 800);
        window.show();
        window.runPanel()->form()->setConfig(config);
        QSignalSpy done(window.controller(), &RunController::queueFinished);
        QVERIFY(window.runPanel()->start());
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, 120000);

        InspectorPage* page = window.inspectorPage();
        QSignalSpy ready(page, &InspectorPage::groupReady);
        window.tabs()->setCurrentWidget(page);
        page->openRun(QString::fromStdString(config.runDir()), QStringLiteral("val"), 0);
        QTRY_COMPARE_WITH_TIMEOUT(ready.count(), 1, 120000);
        QApplication::processEvents();
        for (int tab = 0; tab < window.tabs()->count(); ++tab) {
            window.tabs()->setCurrentIndex(tab);
            QApplication::processEvents();
            QVERIFY2(window.minimumSizeHint().width() <= 1024,
                     qPrintable(
                         QStringLiteral("tab %1: minimum width %2").arg(tab).arg(window.minimumSizeHint().width())));
        }
        window.tabs()->setCurrentWidget(page);
        QApplication::processEvents();
        QCOMPARE(window.width(), 1280);

        auto* title = page->findChild<ElidedLabel*>(QStringLiteral("inspector_title"));
        QVERIFY(title);
        QVERIFY(title->text().contains(QStringLiteral("k=3")));
        QVERIFY(title->mapTo(&window, QPoint(title->width(), 0)).x() <= window.width());
        for (QPushButton* button : page->findChildren<QPushButton*>()) {
            QVERIFY2(button->isVisible(), qPrintable(button->text()));
            QVERIFY2(button->mapTo(&window, QPoint(button->width(), 0)).x() <= window.width(),
                     qPrintable(button->text()));
        }
        int tiles = 0;
        for (QLabel* label : page->findChildren<QLabel*>()) {
            if (label->pixmap().isNull())
                continue;
            ++tiles;
            QVERIFY2(label->height() >= label->pixmap().height(),
                     qPrintable(QStringLiteral("%1 < %2").arg(label->height()).arg(label->pixmap().height())));
        }
        QCOMPARE(tiles, 4); // three inputs and the parity query
        QCOMPARE(page->view()->barChartCount(), 3);

        // Walkthrough: the first row of bar charts showed its class names
        // only after a scroll of about 30 px.
        QWidget* first = page->view()->positionPanel(0);
        auto* scroll = qobject_cast<QScrollArea*>(first->parentWidget()->parentWidget()->parentWidget());
        QVERIFY(scroll);
        const int firstBottom = first->mapTo(scroll->viewport(), QPoint(0, first->height())).y();
        QVERIFY2(
            firstBottom <= scroll->viewport()->height(),
            qPrintable(
                QStringLiteral("the first charts end at %1 of %2").arg(firstBottom).arg(scroll->viewport()->height())));

        // Issue 13, item 6: the bars' legend is above them, over none of them.
        for (int i = 0; i < 3; ++i) {
            QCustomPlot* bars = page->view()->positionPanel(i)->plot();
            QVERIFY(!bars->legend->outerRect().intersects(bars->axisRect()->rect()));
        }

        // Issue 13, item 10: the exported view is a figure with every panel,
        // also the third one scrolled out of view.
        const QImage figure = page->view()->figure();
        QWidget* third = page->view()->positionPanel(2);
        QVERIFY(third->mapTo(page, QPoint(0, third->height())).y() > page->height()); // not on screen
        QVERIFY(figure.height() / figure.devicePixelRatio() > third->geometry().bottom());
    }

    // Issue 13, item 5: at 1280x800 the essentials are on screen without
    // scrolling, nothing is clipped, nothing scrolls sideways; the folded
    // sections open by themselves when they hold something not default.
    void theEssentialsNeedNoScrollingAt1280By800()
    {
        FirstStart start(1280, 800);
        MainWindow& window = start.window;
        ExperimentForm* form = window.runPanel()->form();
        QScrollArea* scroll = start.formScrollArea();
        const QRect viewport = scroll->viewport()->rect();
        for (const char* name : {"dataset", "model", "k", "r", "encoder", "decoder", "loss", "train_encoder",
                                 "train_parity_model", "train_decoder", "num_epoch", "save_dir"}) {
            auto* field = form->findChild<QWidget*>(QLatin1String(name));
            QVERIFY2(field && field->isVisible(), name);
            const QRect inViewport(field->mapTo(scroll->viewport(), QPoint(0, 0)), field->size());
            QVERIFY2(viewport.contains(inViewport),
                     qPrintable(QStringLiteral("%1 at %2,%3 %4x%5 outside the %6x%7 view")
                                    .arg(QLatin1String(name))
                                    .arg(inViewport.x())
                                    .arg(inViewport.y())
                                    .arg(inViewport.width())
                                    .arg(inViewport.height())
                                    .arg(viewport.width())
                                    .arg(viewport.height())));
            QVERIFY2(field->width() >= field->minimumSizeHint().width(), name);
        }
        QVERIFY(!scroll->horizontalScrollBar()->isVisible());
        QVERIFY(form->width() <= scroll->viewport()->width());

        auto* dataFold = form->findChild<FoldSection*>(QStringLiteral("fold_data"));
        auto* trainingFold = form->findChild<FoldSection*>(QStringLiteral("fold_training"));
        QVERIFY(dataFold && trainingFold);
        QVERIFY(!dataFold->isExpanded());
        QVERIFY(!trainingFold->isExpanded());
        parity::RunConfig custom;
        custom.baseWeights = "/some/weights.pt";
        form->setConfig(custom);
        QVERIFY(dataFold->isExpanded());
        QVERIFY(form->findChild<QWidget*>(QStringLiteral("base_weights"))->isVisible());
        QVERIFY(!trainingFold->isExpanded());
        custom.seed = 7;
        form->setConfig(custom);
        QVERIFY(trainingFold->isExpanded());
        // Open, the folds clip nothing either: every field of the training
        // details lies across the view's width (issue 11's BatchNorm checkbox
        // first widened the form past it and cut every field's right end).
        custom.trainParityModel = false;
        custom.freezeParityBn = true;
        custom.valSize = 500;
        form->setConfig(custom);
        QApplication::processEvents();
        QVERIFY2(form->width() <= scroll->viewport()->width(),
                 qPrintable(QStringLiteral("form %1, view %2").arg(form->width()).arg(scroll->viewport()->width())));
        for (const char* name :
             {"batch_size", "lr", "weight_decay", "val_size", "freeze_parity_bn", "seed", "threads", "device"}) {
            auto* field = form->findChild<QWidget*>(QLatin1String(name));
            QVERIFY2(field && field->isVisible(), name);
            const QRect inViewport(field->mapTo(scroll->viewport(), QPoint(0, 0)), field->size());
            QVERIFY2(inViewport.left() >= 0 && inViewport.right() <= viewport.right(),
                     qPrintable(QStringLiteral("%1 spans x %2..%3 of a %4 px view")
                                    .arg(QLatin1String(name))
                                    .arg(inViewport.left())
                                    .arg(inViewport.right())
                                    .arg(viewport.width())));
            QVERIFY2(field->width() >= field->minimumSizeHint().width(), name);
        }
    }

    // A fold opened at the bottom of the form comes into view (it opened
    // below the panel's edge before), and the queue of one run keeps two
    // rows rather than a fifth of the panel, so the form has the height.
    void anOpenedFoldComesIntoViewAndTheQueueTakesWhatItNeeds()
    {
        FirstStart start(1280, 800);
        MainWindow& window = start.window;
        ExperimentForm* form = window.runPanel()->form();
        QScrollArea* scroll = start.formScrollArea();
        auto* queue = window.runPanel()->findChild<QListView*>(QStringLiteral("queue"));
        QVERIFY(queue);
        QCOMPARE(window.controller()->queue()->size(), 1);
        const int row = queue->sizeHintForRow(0);
        QTRY_VERIFY2(queue->height() <= 3 * row + 2 * queue->frameWidth(),
                     qPrintable(QStringLiteral("queue %1 px for rows of %2").arg(queue->height()).arg(row)));
        QVERIFY(queue->height() >= 2 * row);

        auto* training = form->findChild<FoldSection*>(QStringLiteral("fold_training"));
        auto* header = training->findChild<QToolButton*>(QStringLiteral("fold_header"));
        QVERIFY(header);
        QCOMPARE(scroll->verticalScrollBar()->value(), 0);
        QTest::mouseClick(header, Qt::LeftButton);
        QVERIFY(training->isExpanded());
        const auto inView = [&](QWidget* w) {
            const QRect r(w->mapTo(scroll->viewport(), QPoint(0, 0)), w->size());
            return scroll->viewport()->rect().contains(r);
        };
        for (const char* name : {"batch_size", "lr", "seed", "device"}) {
            auto* field = form->findChild<QWidget*>(QLatin1String(name));
            QTRY_VERIFY2(inView(field), qPrintable(QStringLiteral("%1 at %2 of a %3 px view scrolled %4")
                                                       .arg(QLatin1String(name))
                                                       .arg(field->mapTo(form, QPoint(0, 0)).y())
                                                       .arg(scroll->viewport()->height())
                                                       .arg(scroll->verticalScrollBar()->value())));
        }
        QVERIFY(inView(header));
    }

    // Walkthrough leftover: at 1280x800 "Running: <run directory>" was cut
    // at the machine line, so the run's own folders (encoder, decoder) were
    // the part lost. Now it is elided in the middle and whole in a tooltip.
    void aLongStatusKeepsItsEndAt1280By800()
    {
        FirstStart start(1280, 800);
        QStatusBar* bar = start.window.statusBar();
        // The machine line's final text (its GEMM rate, measured off the GUI
        // thread) sets the room left.
        QTRY_VERIFY_WITH_TIMEOUT(start.window.machineLabel()->text().contains(QStringLiteral("GFLOP/s")), 30000);
        QApplication::processEvents();
        const QString dir = QStringLiteral("/home/someone/a-save-directory-with-a-rather-long-name/fashion-mnist/"
                                           "base-mlp/k2/mse/coders.summation.AdditionEncoder/"
                                           "coders.subtraction.SubtractionDecoder");
        const QString text = QStringLiteral("Running: ") + dir;
        start.window.showStatus(text);
        const QString shown = bar->currentMessage();
        QVERIFY2(shown != text, qPrintable(shown));
        QVERIFY2(shown.startsWith(QStringLiteral("Running: /home/")), qPrintable(shown));
        QVERIFY2(shown.endsWith(QStringLiteral("SubtractionDecoder")), qPrintable(shown));
        const int room = bar->width() - start.window.machineLabel()->width();
        QVERIFY2(bar->fontMetrics().horizontalAdvance(shown) < room,
                 qPrintable(QStringLiteral("%1 px of text, %2 px of room")
                                .arg(bar->fontMetrics().horizontalAdvance(shown))
                                .arg(room)));
        QCOMPARE(bar->toolTip(), text);
        // Elided afresh when the room changes (review of 07cc4d0): whole in a
        // wider window, elided again in a narrower one.
        start.window.resize(1900, 800);
        QTRY_COMPARE(bar->currentMessage(), text);
        QCOMPARE(bar->toolTip(), QString());
        start.window.resize(1280, 800);
        QTRY_COMPARE(bar->currentMessage(), shown);
        QCOMPARE(bar->toolTip(), text);
        // A message with a time goes after it, its tooltip too, also when
        // elided again on the way.
        start.window.showStatus(text, 300);
        start.window.resize(1270, 800);
        QTRY_COMPARE(bar->currentMessage(), QString());
        QCOMPARE(bar->toolTip(), QString());
        start.window.resize(1280, 800);
        QApplication::processEvents();
        QCOMPARE(bar->currentMessage(), QString());
        // A short one is shown as it is, and the tooltip goes with the message.
        start.window.showStatus(QStringLiteral("Finished"));
        QCOMPARE(bar->currentMessage(), QStringLiteral("Finished"));
        QCOMPARE(bar->toolTip(), QString());
        start.window.showStatus(text);
        bar->clearMessage();
        QCOMPARE(bar->toolTip(), QString());
        // Another message in its place (a status tip) is not covered by the
        // old one when the window is resized.
        start.window.showStatus(text);
        bar->showMessage(QStringLiteral("a status tip"));
        start.window.resize(1900, 800);
        QApplication::processEvents();
        QCOMPARE(bar->currentMessage(), QStringLiteral("a status tip"));
    }

    // The first start uses more of a large screen (1400x900 on 1920x1080 left
    // a third of it unused), not more than a small one.
    void theFirstStartSizeFollowsTheScreen()
    {
        QCOMPARE(MainWindow::firstStartSize(QSize(1280, 800)), QSize(1400, 900)); // fitToScreen shrinks it
        const QSize fullHd = MainWindow::firstStartSize(QSize(1920, 1080));
        QVERIFY(fullHd.width() > 1400 && fullHd.height() > 900);
        QVERIFY(fullHd.width() < 1920 && fullHd.height() < 1080);
        QCOMPARE(MainWindow::firstStartSize(QSize(5120, 2880)), QSize(1800, 1200));
    }

    // The form's first-start width: what it asks for in a small window, a
    // quarter of a wide one, never more than 480 px (unless it asks for more).
    void theFirstStartFormWidthFollowsTheWindow()
    {
        QCOMPARE(MainWindow::firstStartFormWidth(1280, 356), 356);
        QCOMPARE(MainWindow::firstStartFormWidth(1728, 356), 432);
        QCOMPARE(MainWindow::firstStartFormWidth(2400, 356), 480);
        QCOMPARE(MainWindow::firstStartFormWidth(2400, 520), 520);
    }

    // Walkthrough at 1920x1080: the form kept its 1280x800 width (356 px) in
    // a 1728 px window, so "Bundled or cached, else train here" read "Bundled
    // or cached, else tra" and the BatchNorm checkbox wrapped below its label.
    // Run on a 1920x1080 screen by gui.MainWindowLayoutTest.fullHd.
    void aFullHdFirstStartShowsTheFormWhole()
    {
        if (QApplication::primaryScreen()->availableGeometry().width() < 1920)
            QSKIP("needs a 1920x1080 screen: ctest gui.MainWindowLayoutTest.fullHd");
        ClearedSettings cleared;
        MainWindow window;
        window.setInteractive(false);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QApplication::processEvents();
        QCOMPARE(window.size(), MainWindow::firstStartSize(QSize(1920, 1080)));
        ExperimentForm* form = window.runPanel()->form();
        for (const char* fold : {"fold_data", "fold_training"})
            form->findChild<FoldSection*>(QLatin1String(fold))->setExpanded(true);
        QApplication::processEvents();

        auto* baseMode = form->findChild<QComboBox*>(QStringLiteral("base_weights_mode"));
        QVERIFY(baseMode && baseMode->isVisible());
        QComboBox whole; // sized to show its one item whole
        whole.addItem(baseMode->currentText());
        QVERIFY2(baseMode->width() >= whole.sizeHint().width(), qPrintable(QStringLiteral("\"%1\" in %2 px, needs %3")
                                                                               .arg(baseMode->currentText())
                                                                               .arg(baseMode->width())
                                                                               .arg(whole.sizeHint().width())));
        auto* freeze = form->findChild<QCheckBox*>(QStringLiteral("freeze_parity_bn"));
        auto* rows = qobject_cast<QFormLayout*>(freeze->parentWidget()->layout());
        QVERIFY(rows);
        QWidget* label = rows->labelForField(freeze);
        QVERIFY(label);
        QVERIFY2(freeze->geometry().top() < label->geometry().bottom(),
                 qPrintable(QStringLiteral("checkbox at y %1, its label at y %2..%3")
                                .arg(freeze->geometry().top())
                                .arg(label->geometry().top())
                                .arg(label->geometry().bottom())));
        // The plots keep most of the window.
        QVERIFY2(window.centralWidget()->width() >= window.width() * 7 / 10,
                 qPrintable(
                     QStringLiteral("plots %1 of %2 px").arg(window.centralWidget()->width()).arg(window.width())));
    }

    // A window saved on a large screen comes back on a small one within it.
    void theWindowFitsItsScreen()
    {
        MainWindow window;
        window.resize(4000, 3000);
        window.fitToScreen();
        const QRect available = window.screen()->availableGeometry();
        QVERIFY2(window.width() <= std::max(available.width(), window.minimumSizeHint().width()),
                 qPrintable(QStringLiteral("%1 on %2").arg(window.width()).arg(available.width())));
        QVERIFY(window.height() <= std::max(available.height(), window.minimumSizeHint().height()));
    }
};

QTEST_MAIN(MainWindowLayoutTest)
#include "MainWindowLayoutTest.moc"
