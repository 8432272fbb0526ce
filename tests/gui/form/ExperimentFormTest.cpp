// Issue 3: the experiment form offers only what docs/BEHAVIOUR.md §2 allows, checks the
// data directory on the spot and round-trips the CLI's configuration.
#include "form/ExperimentForm.h"

#include "common/SeedSpinBox.h"
#include "common/ToolTips.h"

#include "support/TinyDataset.h"

#include <QCheckBox>
#include <QApplication>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QWheelEvent>
#include <QLabel>
#include <QLineEdit>
#include <QRegularExpression>
#include <QScrollArea>
#include <QScrollBar>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTest>
#include <QHelpEvent>
#include <QHeaderView>
#include <QTableView>
#include <QStandardItemModel>
#include <QTextDocument>
#include <QToolTip>

using parity::gui::ExperimentForm;

namespace {
const QString kAdd = QStringLiteral("coders.summation.AdditionEncoder");
const QString kSub = QStringLiteral("coders.summation.SubtractionDecoder");
const QString kMlpEnc = QStringLiteral("coders.mlp.MLPEncoder");
const QString kMlpDec = QStringLiteral("coders.mlp.MLPDecoder");
const QString kBerrutEnc = QStringLiteral("coders.berrut.BerrutEncoder");
const QString kBerrutDec = QStringLiteral("coders.berrut.BerrutDecoder");
const QString kKl = QStringLiteral("loss.kldiv.KLDivLoss");
const QString kMse = QStringLiteral("torch.nn.MSELoss");

// A run of mnist on a tiny copy written under `tmp`/data.
parity::RunConfig tinyMnistRun(const parity::test::TempDir& tmp, int train, int test)
{
    parity::test::writeTinyMnist(tmp / "data", train, test);
    parity::RunConfig c;
    c.dataset = "mnist";
    c.dataDir = tmp / "data";
    return c;
}
} // namespace

class ExperimentFormTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    // Issue 13 (walkthrough): a wheel turned over the form scrolls it; it
    // never changes a field that was not clicked (the learning rate did).
    void theWheelChangesNoUnfocusedField()
    {
        ExperimentForm form;
        form.show();
        QVERIFY(QTest::qWaitForWindowExposed(&form));
        auto* lr = form.findChild<QDoubleSpinBox*>(QStringLiteral("lr"));
        auto* model = form.findChild<QComboBox*>(QStringLiteral("model"));
        QVERIFY(lr && model);
        const double before = lr->value();
        const int modelBefore = model->currentIndex();
        for (QWidget* field : {static_cast<QWidget*>(lr), static_cast<QWidget*>(model)}) {
            QWheelEvent wheel(QPointF(5, 5), field->mapToGlobal(QPointF(5, 5)), QPoint(), QPoint(0, -120), Qt::NoButton,
                              Qt::NoModifier, Qt::NoScrollPhase, false);
            QApplication::sendEvent(field, &wheel);
        }
        QCOMPARE(lr->value(), before);
        QCOMPARE(model->currentIndex(), modelBefore);
        QCOMPARE(lr->focusPolicy(), Qt::StrongFocus);
    }

    // Issue 11, items 2 and 3: what a configuration file says about the
    // parity model's BatchNorm and about validation (val_size 0: none) is
    // what the form shows and what it runs; nothing is changed on the way.
    void freezeParityBnAndNoValidationRoundTrip()
    {
        ExperimentForm form;
        auto* freeze = form.findChild<QCheckBox*>(QStringLiteral("freeze_parity_bn"));
        auto* valSize = form.findChild<QSpinBox*>(QStringLiteral("val_size"));
        auto* trainParity = form.findChild<QCheckBox*>(QStringLiteral("train_parity_model"));
        QVERIFY(freeze && valSize && trainParity);
        QVERIFY(!form.config().freezeParityBn);
        QVERIFY(!freeze->isEnabled()); // the default trains the parity model: nothing to freeze

        parity::RunConfig c;
        c.encoder = c.encoderClass = kMlpEnc.toStdString();
        c.decoder = c.decoderClass = kMlpDec.toStdString();
        c.trainEncoder = c.trainDecoder = true;
        c.trainParityModel = false;
        c.freezeParityBn = true;
        form.setConfig(c);
        QVERIFY(freeze->isEnabled());
        QVERIFY(freeze->isChecked());
        QVERIFY(form.config().freezeParityBn);
        freeze->setChecked(false);
        QVERIFY(!form.config().freezeParityBn);

        // CUB without validation: 0 shows as "none" and stays 0.
        parity::RunConfig cub;
        cub.dataset = "cub";
        cub.model = "resnet18";
        cub.valSize = 0;
        form.setConfig(cub);
        QCOMPARE(valSize->value(), 0);
        QCOMPARE(valSize->text(), valSize->specialValueText());
        QCOMPARE(form.config().valSize, 0);
        // Where the original always validates, 0 is a problem the form names.
        parity::RunConfig mnist;
        mnist.valSize = 0;
        form.setConfig(mnist);
        QCOMPARE(form.config().valSize, 0);
        QVERIFY(!form.isValid());
        QVERIFY2(form.problems().join('\n').contains(QStringLiteral("val_size 0")),
                 qPrintable(form.problems().join('\n')));
    }

    void defaultsAreTheReferenceExperiment()
    {
        ExperimentForm form;
        const parity::RunConfig c = form.config();
        QCOMPARE(QString::fromStdString(c.dataset), QStringLiteral("fashion-mnist"));
        QCOMPARE(QString::fromStdString(c.model), QStringLiteral("base-mlp"));
        QCOMPARE(c.k, 2);
        QCOMPARE(QString::fromStdString(c.encoderClass), kAdd);
        QCOMPARE(QString::fromStdString(c.decoderClass), kSub);
        QCOMPARE(QString::fromStdString(c.lossClass), kMse);
        QVERIFY(form.isValid());
    }

    void choiceRules_data()
    {
        QTest::addColumn<QString>("encoder");
        QTest::addColumn<QString>("decoder");
        QTest::addColumn<QString>("loss");
        QTest::addColumn<QString>("field");
        QTest::addColumn<QString>("value");
        QTest::addColumn<bool>("enabled");
        QTest::addColumn<QString>("whyContains");

        QTest::newRow("KLDiv needs learned coders") << kAdd << kSub << kMse << "loss" << kKl << false << "KLDiv";
        QTest::newRow("CrossEntropy needs learned coders")
            << kAdd << kSub << kMse << "loss"
            << "torch.nn.CrossEntropyLoss" << false << "encoder and the decoder";
        QTest::newRow("KLDiv with learned coders") << kMlpEnc << kMlpDec << kMse << "loss" << kKl << true << "";
        QTest::newRow("fixed encoder refused under KLDiv")
            << kMlpEnc << kMlpDec << kKl << "encoder" << kAdd << false << "trained";
        QTest::newRow("MSE always allowed") << kAdd << kSub << kMse << "loss" << kMse << true << "";
        QTest::newRow("cuda without a CUDA build") << kAdd << kSub << kMse << "device"
                                                   << "cuda" << false << "cuda";
        QTest::newRow("model for another input shape") << kAdd << kSub << kMse << "model"
                                                       << "vgg11" << false << "";
        // Each half of the Berrut pair brings the other (it was greyed out: alone, each broke the pair).
        QTest::newRow("Berrut encoder from the defaults")
            << kAdd << kSub << kMse << "encoder" << kBerrutEnc << true << "";
        QTest::newRow("Berrut decoder from the defaults")
            << kAdd << kSub << kMse << "decoder" << kBerrutDec << true << "";
    }

    // Choosing Berrut in the form: its decoder follows, the parity model is
    // not trained, the run is valid; leaving it trains the parity model again.
    void theBerrutPairIsChosenTogether()
    {
        ExperimentForm form;
        auto* encoder = form.findChild<QComboBox*>(QStringLiteral("encoder"));
        auto* decoder = form.findChild<QComboBox*>(QStringLiteral("decoder"));
        auto* parity = form.findChild<QCheckBox*>(QStringLiteral("train_parity_model"));
        QSignalSpy changed(&form, &ExperimentForm::configChanged);
        encoder->setCurrentIndex(encoder->findData(kBerrutEnc));
        QCOMPARE(decoder->currentData().toString(), kBerrutDec);
        QVERIFY(!parity->isChecked());
        QVERIFY2(form.isValid(), qPrintable(form.problems().join('\n')));
        QCOMPARE(changed.count(), 1); // one edit, one change
        parity::RunConfig c = form.config();
        QCOMPARE(c.decoderClass, kBerrutDec.toStdString());
        QVERIFY(!c.trainParityModel && !c.trainEncoder && !c.trainDecoder);
        // What only training reads is greyed out and says why; the loss
        // keeps its value (it names the run's folder).
        const QStringList trainingOnly{QStringLiteral("loss"), QStringLiteral("lr"), QStringLiteral("weight_decay"),
                                       QStringLiteral("freeze_parity_bn")};
        for (const QString& name : trainingOnly) {
            auto* field = form.findChild<QWidget*>(name);
            QVERIFY2(field && !field->isEnabled(), qPrintable(name));
        }
        QVERIFY(form.findChild<QWidget*>(QStringLiteral("loss"))->toolTip().contains(QStringLiteral("no loss")));
        QVERIFY(
            form.findChild<QWidget*>(QStringLiteral("lr"))->toolTip().contains(QStringLiteral("Nothing is trained")));
        QVERIFY(form.findChild<QWidget*>(QStringLiteral("num_epoch"))->isEnabled());
        QVERIFY(form.findChild<QWidget*>(QStringLiteral("freeze_parity_bn"))
                    ->toolTip()
                    .contains(QStringLiteral("Nothing is trained")));

        encoder->setCurrentIndex(encoder->findData(kAdd));
        QCOMPARE(decoder->currentData().toString(), kSub);
        QVERIFY(parity->isChecked());
        QVERIFY(form.isValid());
        for (const QString& name : {QStringLiteral("loss"), QStringLiteral("lr"), QStringLiteral("weight_decay")}) {
            auto* field = form.findChild<QWidget*>(name);
            QVERIFY2(field->isEnabled() && field->toolTip().isEmpty(), qPrintable(name));
        }

        decoder->setCurrentIndex(decoder->findData(kBerrutDec));
        QCOMPARE(encoder->currentData().toString(), kBerrutEnc);
        QVERIFY(!parity->isChecked());
        QVERIFY(form.isValid());
        decoder->setCurrentIndex(decoder->findData(kSub));
        QCOMPARE(encoder->currentData().toString(), kAdd);
        QVERIFY(parity->isChecked());
        QVERIFY(form.isValid());
    }

    // Walkthrough: a field's long tooltip was one line of ~1700 px at
    // 1920x1080. The workbench wraps it; a short one is shown as it is.
    void aLongToolTipIsShownWrapped()
    {
        parity::gui::wrapLongToolTips(QCoreApplication::instance());
        parity::gui::wrapLongToolTips(QCoreApplication::instance()); // once is enough, twice does no harm
        ExperimentForm form;
        form.show();
        QVERIFY(QTest::qWaitForWindowExposed(&form));
        auto tipFor = [](QWidget* w) {
            QToolTip::hideText();
            QHelpEvent help(QEvent::ToolTip, QPoint(2, 2), w->mapToGlobal(QPoint(2, 2)));
            QCoreApplication::sendEvent(w, &help);
            return QToolTip::text();
        };
        auto* bn = form.findChild<QWidget*>(QStringLiteral("freeze_parity_bn"));
        QVERIFY(bn->toolTip().size() > 200);
        QCOMPARE(tipFor(bn), parity::gui::wrappedToolTip(bn->toolTip()));
        QVERIFY(Qt::mightBeRichText(QToolTip::text()));
        QWidget* label = nullptr;
        for (QWidget* w : QApplication::topLevelWidgets())
            if (w->objectName() == QLatin1String("qtooltip_label") && w->isVisible())
                label = w;
        QVERIFY(label);
        const int chars = label->width() / label->fontMetrics().averageCharWidth();
        QVERIFY2(chars > 40 && chars < 90,
                 qPrintable(QString::number(chars)));                 // neither a narrow column nor a wide line
        QVERIFY(label->height() > 2 * label->fontMetrics().height()); // wrapped: several lines
        auto* batch = form.findChild<QWidget*>(QStringLiteral("batch_size"));
        QCOMPARE(tipFor(batch), batch->toolTip());
        // Many short lines (the status bar's machine report) are left as they are.
        const QString report = QStringLiteral("BLAS      OpenBLAS 0.3.21\nkernel    SkylakeX\n").repeated(8);
        batch->setToolTip(report);
        QCOMPARE(tipFor(batch), report);
        // Escaped; line breaks and runs of spaces kept.
        const QString cell = parity::gui::wrappedToolTip(QStringLiteral("a <  b\nc"));
        QVERIFY2(cell.contains(QStringLiteral(">a &lt;  b\nc</td>")) && cell.contains(QStringLiteral("pre-wrap")),
                 qPrintable(cell));

        // An item view's and a header's tooltips come from the model: wrapped too.
        const QString longTip =
            QStringLiteral("The best validation reconstruction top-1 of the run's epochs; ").repeated(4);
        QStandardItemModel model(2, 2);
        model.setItem(0, 0, new QStandardItem(QStringLiteral("cell")));
        model.item(0, 0)->setToolTip(longTip);
        model.setHeaderData(1, Qt::Horizontal, longTip, Qt::ToolTipRole);
        QTableView table;
        table.setModel(&model);
        table.resize(400, 200);
        table.show();
        QVERIFY(QTest::qWaitForWindowExposed(&table));
        auto tipAt = [](QWidget* viewport, const QPoint& at) {
            QToolTip::hideText();
            QHelpEvent help(QEvent::ToolTip, at, viewport->mapToGlobal(at));
            QCoreApplication::sendEvent(viewport, &help);
            return QToolTip::text();
        };
        QCOMPARE(tipAt(table.viewport(), table.visualRect(model.index(0, 0)).center()),
                 parity::gui::wrappedToolTip(longTip));
        QHeaderView* header = table.horizontalHeader();
        QCOMPARE(tipAt(header->viewport(), QPoint(header->sectionViewportPosition(1) + 5, 5)),
                 parity::gui::wrappedToolTip(longTip));
        QToolTip::hideText();
    }

    void choiceRules()
    {
        QFETCH(QString, encoder);
        QFETCH(QString, decoder);
        QFETCH(QString, loss);
        QFETCH(QString, field);
        QFETCH(QString, value);
        QFETCH(bool, enabled);
        QFETCH(QString, whyContains);

        parity::RunConfig c;
        c.encoder = c.encoderClass = encoder.toStdString();
        c.decoder = c.decoderClass = decoder.toStdString();
        c.loss = c.lossClass = loss.toStdString();
        c.trainEncoder = encoder == kMlpEnc;
        c.trainDecoder = decoder == kMlpDec;
        ExperimentForm form;
        form.setConfig(c);
        QVERIFY2(form.isValid(), qPrintable(form.problems().join('\n')));
        QCOMPARE(form.isChoiceEnabled(field, value), enabled);
        if (!enabled) {
            QVERIFY(!form.choiceToolTip(field, value).isEmpty());
            QVERIFY2(form.choiceToolTip(field, value).contains(whyContains, Qt::CaseInsensitive),
                     qPrintable(form.choiceToolTip(field, value)));
        }
    }

    void learnedCodersAreTrainedFixedOnesNot()
    {
        ExperimentForm form;
        auto* encoder = form.findChild<QComboBox*>(QStringLiteral("encoder"));
        auto* trainEncoder = form.findChild<QCheckBox*>(QStringLiteral("train_encoder"));
        QVERIFY(encoder && trainEncoder);
        QVERIFY(!trainEncoder->isChecked());
        encoder->setCurrentIndex(encoder->findData(kMlpEnc));
        QVERIFY(trainEncoder->isChecked());
        QVERIFY(!trainEncoder->isEnabled());
        QVERIFY(form.config().trainEncoder);
    }

    void batchSizeFollowsK()
    {
        ExperimentForm form;
        auto* k = form.findChild<QSpinBox*>(QStringLiteral("k"));
        auto* batch = form.findChild<QSpinBox*>(QStringLiteral("batch_size"));
        QCOMPARE(batch->value(), 64);
        k->setValue(3);
        QCOMPARE(batch->value(), 32);
        batch->setValue(50); // the user's choice stays
        k->setValue(4);
        QCOMPARE(batch->value(), 50);
    }

    // The number of parities is a field of the form: shown when a file sets
    // it (it was carried unseen before, so Start ran r = 2 under a form that
    // said nothing of it), set by the user, and checked with the other rules.
    void parityCountIsAFieldOfItsOwn()
    {
        parity::RunConfig c;
        c.k = 3;
        c.r = 2;
        ExperimentForm form;
        form.setConfig(c);
        auto* r = form.findChild<QSpinBox*>(QStringLiteral("r"));
        QVERIFY(r);
        QCOMPARE(r->value(), 2);
        QCOMPARE(form.config().r, 2);
        QVERIFY2(form.problems().isEmpty(), qPrintable(form.problems().join('\n')));
        QSignalSpy changed(&form, &ExperimentForm::configChanged);
        r->setValue(3);
        QVERIFY(changed.count() > 0);
        QCOMPARE(form.config().r, 3);
        r->setValue(4); // more parities than queries: the core's reason, at once
        QVERIFY2(form.problems().join('\n').contains(QStringLiteral("exceeds k = 3")),
                 qPrintable(form.problems().join('\n')));
        r->setValue(2);
        QVERIFY(form.problems().isEmpty());
        // The concatenation encoder makes one parity image: disabled while r = 2.
        form.findChild<QSpinBox*>(QStringLiteral("k"))->setValue(2); // it tiles two images, not three
        QVERIFY(form.problems().isEmpty());
        QVERIFY(!form.isChoiceEnabled(QStringLiteral("encoder"), QStringLiteral("coders.image.ConcatenationEncoder")));
        r->setValue(1);
        QVERIFY(form.isChoiceEnabled(QStringLiteral("encoder"), QStringLiteral("coders.image.ConcatenationEncoder")));
    }

    void configRoundTripsKeepingSpellings()
    {
        parity::RunConfig c;
        c.dataset = "mnist";
        c.k = 3;
        c.batchSize = 32;
        c.encoder = "AdditionEncoder"; // an alias the config file used: part of the run path
        c.numEpochs = 7;
        c.lr = 0.0005;
        c.seed = 42;
        c.r = 2;
        c.saveDir = "/tmp/somewhere";
        c.baseWeights = "train";
        ExperimentForm form;
        form.setConfig(c);
        const parity::RunConfig back = form.config();
        QCOMPARE(back.toJson().dump(), c.toJson().dump());
    }

    // A seed is any 64-bit number (the config file's and --seed's range):
    // one above 2^31 - 1 was clamped by the field, so the form ran a seed
    // the file never named.
    void aLargeSeedIsKeptShownAndTyped()
    {
        parity::RunConfig c;
        c.seed = 18446744073709551615ULL;
        ExperimentForm form;
        form.setConfig(c);
        auto* seed = form.findChild<parity::gui::SeedSpinBox*>(QStringLiteral("seed"));
        QVERIFY(seed);
        QCOMPARE(seed->text(), QStringLiteral("18446744073709551615"));
        QCOMPARE(form.config().seed, c.seed);
        seed->stepUp(); // at the top it stays there
        QCOMPARE(form.config().seed, c.seed);
        seed->stepDown();
        QCOMPARE(form.config().seed, 18446744073709551614ULL);

        form.show();
        QVERIFY(QTest::qWaitForWindowExposed(&form));
        QSignalSpy changed(&form, &ExperimentForm::configChanged);
        seed->setFocus();
        seed->selectAll();
        QTest::keyClicks(seed, QStringLiteral("5000000000"));
        QCOMPARE(seed->text(), QStringLiteral("5000000000"));
        QCOMPARE(form.config().seed, 5000000000ULL);
        QVERIFY(changed.count() > 0);
        QTest::keyClicks(seed, QStringLiteral("x")); // not a digit: refused
        QCOMPARE(seed->text(), QStringLiteral("5000000000"));
        seed->selectAll();
        QTest::keyClicks(seed, QStringLiteral("99999999999999999999")); // above 2^64 - 1: the last digit is refused
        QCOMPARE(form.config().seed, 9999999999999999999ULL);
        seed->setValue(0);
        seed->stepDown(); // at the bottom it stays there
        QCOMPARE(form.config().seed, 0ULL);
    }

    // Walkthrough at 1280x800: the file fields' hints are cut ("state_dict
    // saved wit..."). Each hint is said whole in its field's tooltip, with the
    // setting's key (the name a configuration file uses).
    void everyHintIsSaidWholeInItsTooltip()
    {
        ExperimentForm form;
        int hinted = 0;
        for (QLineEdit* field : form.findChildren<QLineEdit*>()) {
            const QString hint = field->placeholderText();
            if (hint.isEmpty() || field->objectName().isEmpty())
                continue;
            ++hinted;
            QVERIFY2(field->toolTip().startsWith(field->objectName() + QLatin1Char(':')),
                     qPrintable(field->objectName() + QStringLiteral(": ") + field->toolTip()));
            // The hint's words are in the tooltip (its wording may differ).
            for (const QString& word : hint.split(QRegularExpression(QStringLiteral("[^\\w/.-]+")), Qt::SkipEmptyParts))
                QVERIFY2(field->toolTip().contains(word),
                         qPrintable(QStringLiteral("%1: \"%2\" not in \"%3\"")
                                        .arg(field->objectName(), word, field->toolTip())));
        }
        QCOMPARE(hinted, 4); // base_weights, model_script, base_boxes, models_dir
    }

    // models_dir (where base models trained here are kept) is a field of the
    // form: a loaded file's value is shown, edited and run, never carried unseen.
    void theBaseModelCacheIsShown()
    {
        parity::RunConfig c;
        c.modelsDir = "/tmp/cache-of-models";
        ExperimentForm form;
        form.setConfig(c);
        auto* models = form.findChild<QLineEdit*>(QStringLiteral("models_dir"));
        QVERIFY(models);
        QCOMPARE(models->text(), QStringLiteral("/tmp/cache-of-models"));
        QVERIFY(models->isVisibleTo(&form)); // its fold opens: it differs from the default
        QVERIFY(models->placeholderText().endsWith(QStringLiteral("parity-workbench/models")));
        QCOMPARE(form.config().modelsDir, c.modelsDir);
        models->clear();
        QVERIFY(form.config().modelsDir.empty());
        models->setText(QStringLiteral("/srv/models"));
        QCOMPARE(form.config().modelsDir, std::string("/srv/models"));
    }

    void dataDirectoryIsCheckedOnTheSpot()
    {
        parity::test::TempDir tmp;
        const parity::RunConfig c = tinyMnistRun(tmp, 120, 40);
        ExperimentForm form;
        QSignalSpy checked(&form, &ExperimentForm::dataChecked);
        form.setConfig(c);
        QTRY_VERIFY_WITH_TIMEOUT(form.dataReadable(), 10000);
        QVERIFY2(form.dataStatus().contains(QStringLiteral("120 train")), qPrintable(form.dataStatus()));
        QVERIFY(form.dataStatus().contains(QStringLiteral("40 test")));

        auto* dir = form.findChild<QLineEdit*>(QStringLiteral("data_dir"));
        dir->setText(QString::fromStdString(tmp / "nowhere"));
        QTRY_VERIFY_WITH_TIMEOUT(!form.dataStatus().isEmpty() && !form.dataReadable(), 10000);
        QVERIFY2(form.dataStatus().contains(QStringLiteral("nowhere")), qPrintable(form.dataStatus()));
    }

    // The problem is said under the data directory field too: the line under
    // Dataset is out of view when the form is scrolled down to that field.
    // In a scroll area too short for the form, the field and its note come
    // into view.
    void aDataProblemIsSaidAtTheDataDirectoryInView()
    {
        parity::test::TempDir tmp;
        const parity::RunConfig c = tinyMnistRun(tmp, 120, 40);
        QScrollArea area;
        area.setWidgetResizable(true);
        auto* form = new ExperimentForm;
        area.setWidget(form);
        area.resize(360, 260);
        area.show();
        QVERIFY(QTest::qWaitForWindowExposed(&area));
        form->setConfig(c);
        QTRY_VERIFY_WITH_TIMEOUT(form->dataReadable(), 10000);
        auto* note = form->findChild<QLabel*>(QStringLiteral("data_dir_note"));
        QVERIFY(note);
        QVERIFY(note->isHidden());
        area.verticalScrollBar()->setValue(0);

        parity::RunConfig bad = c;
        bad.dataDir = tmp / "nowhere";
        form->setConfig(bad);
        QTRY_VERIFY_WITH_TIMEOUT(!note->isHidden(), 10000);
        QVERIFY2(note->text().contains(QStringLiteral("nowhere")), qPrintable(note->text()));
        auto* field = form->findChild<QLineEdit*>(QStringLiteral("data_dir"));
        const auto inView = [&](QWidget* w) {
            const QRect r(w->mapTo(area.viewport(), QPoint(0, 0)), w->size());
            return area.viewport()->rect().contains(r);
        };
        QTRY_VERIFY2(inView(note) && inView(field), qPrintable(QStringLiteral("note at %1, scrolled %2 of %3")
                                                                   .arg(note->mapTo(form, QPoint(0, 0)).y())
                                                                   .arg(area.verticalScrollBar()->value())
                                                                   .arg(area.viewport()->height())));

        // Typing in the field moves nothing while the check runs: the note
        // stays until the answer, the line under Dataset keeps its height.
        const int fieldAt = field->mapTo(form, QPoint(0, 0)).y();
        field->setText(field->text() + QStringLiteral("2"));
        QVERIFY(!note->isHidden());
        QApplication::processEvents();
        QCOMPARE(field->mapTo(form, QPoint(0, 0)).y(), fieldAt);

        form->setConfig(c); // put right: the note goes
        QTRY_VERIFY_WITH_TIMEOUT(form->dataReadable(), 10000);
        QVERIFY(note->isHidden());
    }

    void aValidationSizeTheDataCannotGiveIsSaidAtTheField()
    {
        parity::test::TempDir tmp;
        parity::RunConfig c = tinyMnistRun(tmp, 120, 40);
        c.k = 2;
        c.valSize = 5000; // the default, more than the 120 samples hold
        ExperimentForm form;
        form.show();
        form.setConfig(c);
        QTRY_VERIFY_WITH_TIMEOUT(form.dataReadable(), 10000);
        auto* note = form.findChild<QLabel*>(QStringLiteral("val_note"));
        QVERIFY(note);
        QVERIFY(!note->isHidden());
        // What the trainer does (docs/DIFFERENCES.md row 15): a tenth, 12.
        QVERIFY2(note->text().contains(QStringLiteral("120 training samples"))
                     && note->text().contains(QStringLiteral("a tenth of them (12)")),
                 qPrintable(note->text()));
        QCOMPARE(parity::validationSamples(120, 5000, 2), int64_t(12));

        auto* valSize = form.findChild<QSpinBox*>(QStringLiteral("val_size"));
        valSize->setValue(60); // half: drawn as asked
        QVERIFY(note->isHidden());
        valSize->setValue(61);
        QVERIFY(!note->isHidden());
        auto* k = form.findChild<QSpinBox*>(QStringLiteral("k"));
        k->setValue(7); // 119 usable, a tenth 11, rounded up to 14
        QVERIFY2(note->text().contains(QStringLiteral("119 training samples"))
                     && note->text().contains(QStringLiteral("(14)")),
                 qPrintable(note->text()));
        valSize->setValue(0);
        QVERIFY(note->isHidden());
    }

    void truncatedDataFileIsNamed()
    {
        parity::test::TempDir tmp;
        parity::test::writeTinyMnist(tmp / "data", 60, 20);
        // Cut the training images short.
        const std::string images = tmp / "data/train-images-idx3-ubyte";
        std::filesystem::resize_file(images, 1000);
        parity::RunConfig c;
        c.dataset = "mnist";
        c.dataDir = tmp / "data";
        ExperimentForm form;
        form.setConfig(c);
        QTRY_VERIFY_WITH_TIMEOUT(!form.dataStatus().isEmpty(), 10000);
        QVERIFY(!form.dataReadable());
        QVERIFY2(form.dataStatus().contains(QStringLiteral("train-images-idx3-ubyte")), qPrintable(form.dataStatus()));
    }
};

QTEST_MAIN(ExperimentFormTest)
#include "ExperimentFormTest.moc"
