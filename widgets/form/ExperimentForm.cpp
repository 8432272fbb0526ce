#include "form/ExperimentForm.h"

#include "common/FoldSection.h"
#include "common/SeedSpinBox.h"
#include "common/WheelGuard.h"
#include "config/SweepConfig.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QAbstractSpinBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QEvent>
#include <QFormLayout>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QSpinBox>
#include <QStandardItemModel>
#include <QToolButton>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <cmath>
#include <set>

namespace parity::gui {

namespace {

const std::string kBerrutEncoder = "coders.berrut.BerrutEncoder";
const std::string kBerrutDecoder = "coders.berrut.BerrutDecoder";
const std::string kDefaultDecoder = parity::RunConfig{}.decoderClass;

/// The Berrut encoder and decoder go together and train nothing
/// (docs/CODES.md): choosing one brings the other and leaves the parity
/// model untrained; leaving one returns the other to the default decoder
/// (or the addition encoder) and trains the parity model again. Otherwise
/// each alone would add a problem, be greyed out, and Berrut could never be
/// chosen in the form.
void pairBerrut(parity::RunConfig& c, bool encoderChosen)
{
    const parity::RunConfig defaults;
    const bool encoder = c.encoderClass == kBerrutEncoder;
    const bool decoder = c.decoderClass == kBerrutDecoder;
    if (encoder == decoder)
        return;
    if (encoderChosen) {
        c.decoder = c.decoderClass = encoder ? kBerrutDecoder : kDefaultDecoder;
        c.trainDecoder = false; // neither has anything to learn
    } else {
        c.encoder = c.encoderClass = decoder ? kBerrutEncoder : defaults.encoderClass;
        c.trainEncoder = false;
    }
    c.trainParityModel = c.encoderClass == kBerrutEncoder ? false : defaults.trainParityModel;
}

enum BaseMode { kBaseAuto = 0, kBaseTrain = 1, kBaseFile = 2 };

/// "coders.summation.AdditionEncoder" -> "AdditionEncoder"
QString shortName(const std::string& className)
{
    const QString s = QString::fromStdString(className);
    return s.section(QLatin1Char('.'), -1);
}

void setItemEnabled(QComboBox* combo, int row, bool enabled, const QString& why)
{
    auto* model = qobject_cast<QStandardItemModel*>(combo->model());
    if (!model)
        return;
    QStandardItem* item = model->item(row);
    item->setEnabled(enabled);
    item->setToolTip(why);
}

/// A form that puts a field under its label when the panel is narrow.
QFormLayout* narrowForm(QWidget* parent)
{
    auto* form = new QFormLayout(parent);
    form->setRowWrapPolicy(QFormLayout::WrapLongRows);
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    return form;
}

QWidget* withButton(QWidget* field, QToolButton* button)
{
    auto* box = new QWidget;
    auto* row = new QHBoxLayout(box);
    row->setContentsMargins(0, 0, 0, 0);
    row->addWidget(field, 1);
    row->addWidget(button);
    return box;
}

} // namespace

ExperimentForm::ExperimentForm(QWidget* parent)
    : QWidget(parent)
{
    build();
    fillChoices();
    m_probeTimer.setSingleShot(true);
    m_probeTimer.setInterval(250); // typing a path checks it once, when the typing pauses
    connect(&m_probeTimer, &QTimer::timeout, this, &ExperimentForm::startProbe);
    setConfig(parity::RunConfig{});
}

ExperimentForm::~ExperimentForm()
{
    if (m_probe)
        m_probe->waitForFinished();
}

void ExperimentForm::build()
{
    auto named = [](auto* w, const char* name) {
        w->setObjectName(QLatin1String(name));
        return w;
    };
    auto browseButton = [this](QLineEdit* target, bool directory, const QString& title) {
        auto* b = new QToolButton;
        b->setText(QStringLiteral("…"));
        b->setToolTip(title);
        connect(b, &QToolButton::clicked, this, [this, target, directory, title] {
            const QString start = target->text().isEmpty() ? QDir::currentPath() : target->text();
            const QString path = directory ? QFileDialog::getExistingDirectory(this, title, start)
                                           : QFileDialog::getOpenFileName(this, title, start,
                                                                          tr("Weights (*.pt *.pth);;All files (*)"));
            if (!path.isEmpty())
                target->setText(path);
        });
        return b;
    };

    m_dataset = named(new QComboBox, "dataset");
    m_dataDir = named(new QLineEdit, "data_dir");
    m_dataDir->setClearButtonEnabled(true);
    m_dataStatus = named(new QLabel, "data_status");
    m_dataStatus->setWordWrap(true);
    m_dataStatus->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_model = named(new QComboBox, "model");
    m_model->setToolTip(
        tr("Architecture of the base model F; the parity model uses the same one (docs/BEHAVIOUR.md §4)"));
    m_baseMode = named(new QComboBox, "base_weights_mode");
    m_baseMode->addItem(tr("Bundled or cached, else train here"));
    m_baseMode->addItem(tr("Train here"));
    m_baseMode->addItem(tr("Import weights file"));
    m_baseWeights = named(new QLineEdit, "base_weights");
    m_baseWeights->setPlaceholderText(tr("state_dict saved with torch.save, or a checkpoint"));
    // The hints are cut in the narrow form (at 1280x800 "state_dict saved
    // wit..."): the tooltips say them whole, with the setting's key.
    m_baseWeights->setToolTip(tr("base_weights: the base model's weights, a state_dict saved with torch.save, or a "
                                 "checkpoint (\"Import weights file\")"));
    m_baseBrowse = browseButton(m_baseWeights, false, tr("Base model weights"));
    m_baseEpochs = named(new QSpinBox, "base_train_epochs");
    m_baseEpochs->setRange(1, 1000);
    m_modelScript = named(new QLineEdit, "model_script");
    m_modelScript->setPlaceholderText(tr("for architecture \"torchscript\": a file saved with torch.jit.save"));
    m_modelScript->setToolTip(
        tr("model_script: for architecture \"torchscript\", the base model as a file saved with torch.jit.save"));
    m_baseBoxes = named(new QLineEdit, "base_boxes");
    m_baseBoxes->setPlaceholderText(tr("localization: the base model's boxes (id x y w h), optional"));
    m_baseBoxes->setToolTip(tr("base_boxes: for localization (cub), the base model's boxes, a line \"id x y w h\" "
                               "per image; optional: without it a base model is trained here"));
    // Where a base model trained here is kept and found again: a setting of
    // the run like any other, so it is shown, never carried unseen from a file.
    const QString defaultModels = QString::fromStdString(parity::defaultModelsDir());
    m_modelsDir = named(new QLineEdit, "models_dir");
    m_modelsDir->setPlaceholderText(defaultModels);
    m_modelsDir->setToolTip(
        tr("models_dir: base models trained here are saved in this folder and used again by later runs. Empty: %1")
            .arg(defaultModels));
    m_k = named(new QSpinBox, "k");
    m_k->setRange(2, 16);
    // Several parities (docs/CODES.md): shown and set here, never carried
    // unseen from a loaded file.
    m_r = named(new QSpinBox, "r");
    m_r->setRange(1, parity::kMaxParities);
    m_r->setToolTip(tr("ec_r: parity queries per group. Up to r of a group's k predictions can be missing and "
                       "still be rebuilt; 1 is the original's single parity. Berrut codes k queries for k + r "
                       "workers."));
    m_encoder = named(new QComboBox, "encoder");
    m_decoder = named(new QComboBox, "decoder");
    m_loss = named(new QComboBox, "loss");
    m_trainEncoder = named(new QCheckBox(tr("encoder")), "train_encoder");
    m_trainParity = named(new QCheckBox(tr("parity model")), "train_parity_model");
    m_trainDecoder = named(new QCheckBox(tr("decoder")), "train_decoder");
    auto* learns = new QWidget;
    auto* learnRow = new QGridLayout(learns); // two columns: no box is ever clipped
    learnRow->setContentsMargins(0, 0, 0, 0);
    learnRow->addWidget(m_trainEncoder, 0, 0);
    learnRow->addWidget(m_trainDecoder, 0, 1);
    learnRow->addWidget(m_trainParity, 1, 0, 1, 2);

    m_epochs = named(new QSpinBox, "num_epoch");
    // 0 is a Berrut run's "evaluate once" (config/*-berrut.json); a trained
    // run with 0 is refused by the rules below the essentials.
    m_epochs->setRange(0, 100000);
    m_epochs->setSpecialValueText(tr("0: evaluate once"));
    m_batchSize = named(new QSpinBox, "batch_size");
    m_batchSize->setRange(1, 65536);
    m_batchSize->setToolTip(tr("Groups of k queries per minibatch (the original: 64 for k = 2, else 32)"));
    m_lr = named(new QDoubleSpinBox, "lr");
    m_lr->setDecimals(6);
    m_lr->setRange(0.000001, 10.0);
    m_lr->setSingleStep(0.0001);
    m_weightDecay = named(new QDoubleSpinBox, "weight_decay");
    m_weightDecay->setDecimals(7);
    m_weightDecay->setRange(0.0, 1.0);
    m_weightDecay->setSingleStep(0.00001);
    m_valSize = named(new QSpinBox, "val_size");
    m_valSize->setRange(0, 10000000);
    // 0: no validation split, as the original's cub-localization (issue 11, item 3).
    m_valSize->setSpecialValueText(tr("none (localization)"));
    // Short: a checkbox's text sets the narrow form's minimum width.
    m_freezeParityBn = named(new QCheckBox(tr("frozen: base model's statistics")), "freeze_parity_bn");
    m_freezeParityBn->setToolTip(freezeParityBnToolTip());
    m_seed = named(new SeedSpinBox, "seed"); // 0 to 2^64 - 1, as the config file takes it
    m_threads = named(new QSpinBox, "threads");
    m_threads->setRange(0, 1024);
    m_threads->setSpecialValueText(tr("all cores"));
    m_device = named(new QComboBox, "device");
    m_device->addItem(QStringLiteral("cpu"));
    m_device->addItem(QStringLiteral("cuda"));
    m_saveDir = named(new QLineEdit, "save_dir");

    // The essentials first, none of them below the fold at 1280x800; what
    // most runs leave alone folds away (issue 13, item 5).
    auto* essentials = new QGroupBox(tr("Essentials"));
    auto* mainForm = narrowForm(essentials);
    mainForm->addRow(tr("Dataset"), m_dataset);
    mainForm->addRow(m_dataStatus); // both columns: no empty label line above it when narrow
    mainForm->addRow(tr("Architecture"), m_model);
    mainForm->addRow(tr("k (queries per group)"), m_k);
    mainForm->addRow(tr("r (parities per group)"), m_r);
    mainForm->addRow(tr("Encoder"), m_encoder);
    mainForm->addRow(tr("Decoder"), m_decoder);
    mainForm->addRow(tr("Loss"), m_loss);
    mainForm->addRow(tr("Trained"), learns);
    mainForm->addRow(tr("Epochs"), m_epochs);
    mainForm->addRow(tr("Save directory"), withButton(m_saveDir, browseButton(m_saveDir, true, tr("Save directory"))));

    m_dataFold = new FoldSection(tr("Data and base model"));
    m_dataFold->setObjectName(QStringLiteral("fold_data"));
    auto* dataForm = narrowForm(m_dataFold->body());
    dataForm->addRow(tr("Data directory"), withButton(m_dataDir, browseButton(m_dataDir, true, tr("Data directory"))));
    // The data check's problem again under the field that puts it right: the
    // line under Dataset is out of view once the form is scrolled down here.
    m_dataDirNote = named(new QLabel, "data_dir_note");
    m_dataDirNote->setWordWrap(true);
    m_dataDirNote->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_dataDirNote->setStyleSheet(QStringLiteral("color: #b00020"));
    m_dataDirNote->hide();
    dataForm->addRow(m_dataDirNote);
    dataForm->addRow(tr("Base model"), m_baseMode);
    dataForm->addRow(tr("Weights file"), withButton(m_baseWeights, m_baseBrowse));
    dataForm->addRow(tr("Base training epochs"), m_baseEpochs);
    dataForm->addRow(tr("Base model cache"),
                     withButton(m_modelsDir, browseButton(m_modelsDir, true, tr("Base model cache"))));
    dataForm->addRow(tr("TorchScript file"),
                     withButton(m_modelScript, browseButton(m_modelScript, false, tr("TorchScript base model"))));
    dataForm->addRow(tr("Base boxes file"),
                     withButton(m_baseBoxes, browseButton(m_baseBoxes, false, tr("Base model boxes"))));

    m_trainingFold = new FoldSection(tr("Training details"));
    m_trainingFold->setObjectName(QStringLiteral("fold_training"));
    auto* trainForm = narrowForm(m_trainingFold->body());
    trainForm->addRow(tr("Batch size (groups)"), m_batchSize);
    trainForm->addRow(tr("Learning rate"), m_lr);
    trainForm->addRow(tr("Weight decay"), m_weightDecay);
    trainForm->addRow(tr("Validation samples"), m_valSize);
    m_valNote = named(new QLabel, "val_note");
    m_valNote->setWordWrap(true);
    m_valNote->setStyleSheet(QStringLiteral("color: #8a4b00"));
    m_valNote->hide();
    trainForm->addRow(m_valNote);
    trainForm->addRow(tr("Parity BatchNorm"), m_freezeParityBn);
    trainForm->addRow(tr("Seed"), m_seed);
    trainForm->addRow(tr("Threads"), m_threads);
    trainForm->addRow(tr("Device"), m_device);


    m_problemsLabel = named(new QLabel, "problems");
    m_problemsLabel->setWordWrap(true);
    m_problemsLabel->setStyleSheet(QStringLiteral("color: #b00020"));

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    for (QWidget* w : {static_cast<QWidget*>(essentials), static_cast<QWidget*>(m_problemsLabel),
                       static_cast<QWidget*>(m_dataFold), static_cast<QWidget*>(m_trainingFold)})
        layout->addWidget(w);
    guardFieldsFromTheWheel(this);
    // Long class names must not widen the panel: combo boxes shorten them.
    for (QComboBox* c : {m_dataset, m_model, m_baseMode, m_encoder, m_decoder, m_loss, m_device}) {
        c->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
        c->setMinimumContentsLength(8);
    }
    layout->addStretch();

    // Before onEdited: the form never shows a Berrut coder without its partner.
    connect(m_encoder, &QComboBox::currentIndexChanged, this, [this] { followBerrutPair(true); });
    connect(m_decoder, &QComboBox::currentIndexChanged, this, [this] { followBerrutPair(false); });
    for (QComboBox* c : {m_dataset, m_model, m_baseMode, m_encoder, m_decoder, m_loss, m_device})
        connect(c, &QComboBox::currentIndexChanged, this, &ExperimentForm::onEdited);
    for (QSpinBox* s : {m_k, m_r, m_baseEpochs, m_epochs, m_batchSize, m_valSize, m_threads})
        connect(s, &QSpinBox::valueChanged, this, &ExperimentForm::onEdited);
    connect(m_seed, &SeedSpinBox::valueChanged, this, &ExperimentForm::onEdited);
    for (QDoubleSpinBox* s : {m_lr, m_weightDecay})
        connect(s, &QDoubleSpinBox::valueChanged, this, &ExperimentForm::onEdited);
    for (QCheckBox* c : {m_trainEncoder, m_trainParity, m_trainDecoder, m_freezeParityBn})
        connect(c, &QCheckBox::toggled, this, &ExperimentForm::onEdited);
    for (QLineEdit* e : {m_dataDir, m_baseWeights, m_saveDir, m_modelScript, m_baseBoxes, m_modelsDir})
        connect(e, &QLineEdit::textChanged, this, &ExperimentForm::onEdited);
    // k = 2 trains with 64 groups per batch, larger k with 32 (docs/BEHAVIOUR.md §2): follow
    // the default unless the user chose another size.
    connect(m_k, &QSpinBox::valueChanged, this, [this](int k) {
        if (m_updating)
            return;
        const int other = k == 2 ? parity::defaultBatchSize(3) : parity::defaultBatchSize(2);
        if (m_batchSize->value() == other)
            m_batchSize->setValue(parity::defaultBatchSize(k));
    });
}

void ExperimentForm::fillChoices()
{
    const CatalogInfo& info = catalogInfo();
    for (const auto& d : info.datasets) {
        m_dataset->addItem(QString::fromStdString(d.name), QString::fromStdString(d.name));
        if (!d.available)
            setItemEnabled(m_dataset, m_dataset->count() - 1, false,
                           tr("%1 of the original framework is not available in this build yet")
                               .arg(QString::fromStdString(d.name)));
    }
    for (const auto& m : info.models)
        m_model->addItem(QString::fromStdString(m.name), QString::fromStdString(m.name));
    for (const auto& e : info.encoders)
        m_encoder->addItem(shortName(e.name), QString::fromStdString(e.name));
    for (const auto& d : info.decoders)
        m_decoder->addItem(shortName(d.name), QString::fromStdString(d.name));
    for (const auto& l : info.losses)
        m_loss->addItem(shortName(l.name), QString::fromStdString(l.name));
}

QComboBox* ExperimentForm::comboFor(const QString& field) const { return findChild<QComboBox*>(field); }

void ExperimentForm::setConfig(const parity::RunConfig& c)
{
    m_updating = true;
    m_loaded = c;
    auto select = [](QComboBox* combo, const std::string& value) {
        const int i = combo->findData(QString::fromStdString(value));
        combo->setCurrentIndex(i >= 0 ? i : 0);
    };
    select(m_dataset, c.dataset);
    m_dataDir->setText(QString::fromStdString(c.dataDir));
    select(m_model, c.model);
    if (c.baseWeights.empty())
        m_baseMode->setCurrentIndex(kBaseAuto);
    else if (c.baseWeights == "train")
        m_baseMode->setCurrentIndex(kBaseTrain);
    else {
        m_baseMode->setCurrentIndex(kBaseFile);
        m_baseWeights->setText(QString::fromStdString(c.baseWeights));
    }
    if (c.baseWeights.empty() || c.baseWeights == "train")
        m_baseWeights->clear();
    m_baseEpochs->setValue(c.baseTrainEpochs);
    m_modelScript->setText(QString::fromStdString(c.modelScript));
    m_baseBoxes->setText(QString::fromStdString(c.baseBoxes));
    m_modelsDir->setText(QString::fromStdString(c.modelsDir));
    m_k->setValue(c.k);
    m_r->setValue(c.r);
    select(m_encoder, c.encoderClass);
    select(m_decoder, c.decoderClass);
    select(m_loss, c.lossClass);
    m_trainEncoder->setChecked(c.trainEncoder);
    m_trainParity->setChecked(c.trainParityModel);
    m_trainDecoder->setChecked(c.trainDecoder);
    m_freezeParityBn->setChecked(c.freezeParityBn);
    m_epochs->setValue(c.numEpochs);
    m_batchSize->setValue(c.batchSize);
    m_lr->setValue(c.lr);
    m_weightDecay->setValue(c.weightDecay);
    m_valSize->setValue(c.valSize);
    m_seed->setValue(c.seed);
    m_threads->setValue(c.threads);
    m_device->setCurrentIndex(c.device == "cuda" ? 1 : 0);
    m_saveDir->setText(QString::fromStdString(c.saveDir));
    // A folded section never hides a setting that differs from the defaults.
    const parity::RunConfig d;
    if (!c.dataDir.empty() || !c.baseWeights.empty() || !c.modelScript.empty() || !c.baseBoxes.empty()
        || !c.modelsDir.empty() || c.baseTrainEpochs != d.baseTrainEpochs)
        m_dataFold->setExpanded(true);
    if (c.batchSize != parity::defaultBatchSize(c.k) || c.lr != d.lr || c.weightDecay != d.weightDecay
        || c.valSize != d.valSize || c.seed != d.seed || c.threads != d.threads || c.device != d.device
        || c.freezeParityBn != d.freezeParityBn)
        m_trainingFold->setExpanded(true);
    m_updating = false;
    onEdited();
}

QStringList ExperimentForm::cannotShow(const parity::RunConfig& c) const
{
    QStringList why;
    const auto outside = [&](const char* key, const QString& value, const QString& lowest, const QString& highest) {
        why << tr("%1: %2 is outside the form's %3 to %4").arg(QLatin1String(key), value, lowest, highest);
    };
    const auto whole = [&](const QSpinBox* box, long long value, const char* key) {
        if (value < box->minimum() || value > box->maximum())
            outside(key, QString::number(value), QString::number(box->minimum()), QString::number(box->maximum()));
    };
    whole(m_k, c.k, "k");
    whole(m_r, c.r, "ec_r");
    whole(m_epochs, c.numEpochs, "num_epoch");
    whole(m_batchSize, c.batchSize, "batch_size");
    whole(m_valSize, c.valSize, "val_size");
    whole(m_threads, c.threads, "threads");
    whole(m_baseEpochs, c.baseTrainEpochs, "base_train_epochs");
    const auto real = [&](const QDoubleSpinBox* box, double value, const char* key) {
        const double scale = std::pow(10.0, box->decimals());
        if (value < box->minimum() || value > box->maximum())
            outside(key, QString::number(value, 'g', QLocale::FloatingPointShortest),
                    QString::number(box->minimum(), 'g', 6), QString::number(box->maximum(), 'g', 6));
        else if (std::abs(std::round(value * scale) / scale - value) > 1e-9 * std::abs(value))
            why << tr("%1: %2 has more than the form's %3 decimals")
                       .arg(QLatin1String(key), QString::number(value, 'g', QLocale::FloatingPointShortest))
                       .arg(box->decimals());
    };
    real(m_lr, c.lr, "lr");
    real(m_weightDecay, c.weightDecay, "weight_decay");
    const auto choice = [&](const QComboBox* combo, const std::string& value, const char* key) {
        if (combo->findData(QString::fromStdString(value)) < 0 && combo->findText(QString::fromStdString(value)) < 0)
            why << tr("%1: \"%2\" is not among the form's choices")
                       .arg(QLatin1String(key), QString::fromStdString(value));
    };
    choice(m_dataset, c.dataset, "dataset");
    choice(m_model, c.model, "model");
    choice(m_encoder, c.encoderClass, "encoder");
    choice(m_decoder, c.decoderClass, "decoder");
    choice(m_loss, c.lossClass, "loss");
    choice(m_device, c.device, "device");
    return why;
}

parity::RunConfig ExperimentForm::config() const
{
    parity::RunConfig c = m_loaded;
    c.dataset = m_dataset->currentData().toString().toStdString();
    c.dataDir = m_dataDir->text().trimmed().toStdString();
    c.model = m_model->currentData().toString().toStdString();
    switch (m_baseMode->currentIndex()) {
    case kBaseTrain:
        c.baseWeights = "train";
        break;
    case kBaseFile:
        c.baseWeights = m_baseWeights->text().trimmed().toStdString();
        break;
    default:
        c.baseWeights.clear();
    }
    c.baseTrainEpochs = m_baseEpochs->value();
    c.modelScript = m_modelScript->text().trimmed().toStdString();
    c.baseBoxes = m_baseBoxes->text().trimmed().toStdString();
    c.modelsDir = m_modelsDir->text().trimmed().toStdString();
    c.k = m_k->value();
    c.r = m_r->value();
    // A name keeps the config file's spelling while its class is unchanged (it is part of the run's path).
    auto pick = [](QComboBox* combo, std::string& name, std::string& cls) {
        const std::string chosen = combo->currentData().toString().toStdString();
        if (chosen != cls)
            name = chosen;
        cls = chosen;
    };
    pick(m_encoder, c.encoder, c.encoderClass);
    pick(m_decoder, c.decoder, c.decoderClass);
    pick(m_loss, c.loss, c.lossClass);
    c.trainEncoder = m_trainEncoder->isChecked();
    c.trainParityModel = m_trainParity->isChecked();
    c.trainDecoder = m_trainDecoder->isChecked();
    // A trained parity model has no frozen statistics: the box (disabled
    // then) says nothing about the run.
    c.freezeParityBn = m_freezeParityBn->isChecked() && !m_trainParity->isChecked();
    c.numEpochs = m_epochs->value();
    c.batchSize = m_batchSize->value();
    c.lr = m_lr->value();
    c.weightDecay = m_weightDecay->value();
    c.valSize = m_valSize->value();
    c.seed = m_seed->value();
    c.threads = m_threads->value();
    c.device = m_device->currentText().toStdString();
    c.saveDir = m_saveDir->text().trimmed().toStdString();
    return c;
}

void ExperimentForm::onEdited()
{
    if (m_updating)
        return;
    m_updating = true;
    deriveTrainFlags();
    const bool fromFile = m_baseMode->currentIndex() == kBaseFile;
    m_baseWeights->setEnabled(fromFile);
    m_baseBrowse->setEnabled(fromFile);
    refreshRules();
    updateValidationNote();
    m_updating = false;
    scheduleProbe();
    Q_EMIT configChanged();
}

void ExperimentForm::followBerrutPair(bool encoderChosen)
{
    if (m_updating)
        return;
    parity::RunConfig c = config();
    const parity::RunConfig before = c;
    pairBerrut(c, encoderChosen);
    if (c.encoderClass == before.encoderClass && c.decoderClass == before.decoderClass
        && c.trainParityModel == before.trainParityModel)
        return;
    const QSignalBlocker blockEncoder(m_encoder); // onEdited follows once, from the combo the user changed
    const QSignalBlocker blockDecoder(m_decoder);
    const QSignalBlocker blockParity(m_trainParity);
    m_encoder->setCurrentIndex(m_encoder->findData(QString::fromStdString(c.encoderClass)));
    m_decoder->setCurrentIndex(m_decoder->findData(QString::fromStdString(c.decoderClass)));
    m_trainParity->setChecked(c.trainParityModel);
}

void ExperimentForm::deriveTrainFlags()
{
    // A learned coder is always trained, a fixed one never (docs/BEHAVIOUR.md §2): the
    // boxes show it and cannot contradict it.
    const CatalogInfo& info = catalogInfo();
    auto learnable = [](const std::vector<ComponentInfo>& list, const QString& name) {
        for (const auto& c : list) {
            if (QString::fromStdString(c.name) == name)
                return c.learnable;
        }
        return false;
    };
    const bool encLearns = learnable(info.encoders, m_encoder->currentData().toString());
    const bool decLearns = learnable(info.decoders, m_decoder->currentData().toString());
    m_trainEncoder->setChecked(encLearns);
    m_trainEncoder->setEnabled(false);
    m_trainEncoder->setToolTip(encLearns ? tr("%1 is learned: it is trained").arg(m_encoder->currentText())
                                         : tr("%1 has nothing to learn").arg(m_encoder->currentText()));
    m_trainDecoder->setChecked(decLearns);
    m_trainDecoder->setEnabled(false);
    m_trainDecoder->setToolTip(decLearns ? tr("%1 is learned: it is trained").arg(m_decoder->currentText())
                                         : tr("%1 has nothing to learn").arg(m_decoder->currentText()));
    m_trainParity->setToolTip(tr("Train the parity model (off: it stays a copy of the base model, the learned "
                                 "mode of docs/BEHAVIOUR.md §5)"));
    // A code that trains nothing (Berrut) computes no loss and takes no
    // step: the fields only training reads are greyed out and say why.
    const bool trainsNothing = config().trainsNothing(); // the core's rule, on the boxes just set
    const QString idle = tr("Nothing is trained (%1 and %2 have nothing to learn, the parity model is the base model)")
                             .arg(m_encoder->currentText(), m_decoder->currentText());
    m_loss->setEnabled(!trainsNothing);
    m_loss->setToolTip(trainsNothing ? tr("%1: no loss is computed. Its name still names the run's folder.").arg(idle)
                                     : QString());
    for (QDoubleSpinBox* s : {m_lr, m_weightDecay}) {
        s->setEnabled(!trainsNothing);
        s->setToolTip(trainsNothing ? tr("%1: no optimiser step is taken.").arg(idle) : QString());
    }
    m_epochs->setToolTip(trainsNothing ? tr("%1: each epoch evaluates the code once more, over that epoch's group "
                                            "order; 0 evaluates once.")
                                             .arg(idle)
                                       : QString());
    // Only a parity model that is not trained has statistics to keep, and
    // only one that is run in training mode on the train split.
    m_freezeParityBn->setEnabled(!m_trainParity->isChecked() && !trainsNothing);
    m_freezeParityBn->setToolTip(trainsNothing
                                     ? tr("%1: the base model runs in eval mode with its own statistics.").arg(idle)
                                     : freezeParityBnToolTip());
}

QString ExperimentForm::freezeParityBnToolTip()
{
    return tr("When the parity model is not trained, the original still runs it in training mode on the train split: "
              "BatchNorm uses batch statistics and updates its running statistics (the default here too). Tick to keep "
              "it in eval mode with the base model's statistics (docs/DIFFERENCES.md).");
}

parity::RunConfig ExperimentForm::withChoice(const parity::RunConfig& base, const QString& field,
                                             const QString& value) const
{
    parity::RunConfig c = base;
    const std::string v = value.toStdString();
    const CatalogInfo& info = catalogInfo();
    auto learnable = [&](const std::vector<ComponentInfo>& list) {
        for (const auto& e : list) {
            if (e.name == v)
                return e.learnable;
        }
        return false;
    };
    if (field == QLatin1String("dataset"))
        c.dataset = v;
    else if (field == QLatin1String("model"))
        c.model = v;
    else if (field == QLatin1String("encoder")) {
        c.encoder = c.encoderClass = v;
        c.trainEncoder = learnable(info.encoders);
        pairBerrut(c, true);
    } else if (field == QLatin1String("decoder")) {
        c.decoder = c.decoderClass = v;
        c.trainDecoder = learnable(info.decoders);
        pairBerrut(c, false);
    } else if (field == QLatin1String("loss"))
        c.loss = c.lossClass = v;
    else if (field == QLatin1String("device"))
        c.device = v;
    return c;
}

void ExperimentForm::refreshRules()
{
    const parity::RunConfig current = config();
    const auto now = parity::validateRun(current);
    const std::set<std::string> currentProblems(now.begin(), now.end());
    // A choice is disabled when it would add a problem the form does not
    // already have; its tooltip gives the core's reason.
    for (const QString& field : {QStringLiteral("dataset"), QStringLiteral("model"), QStringLiteral("encoder"),
                                 QStringLiteral("decoder"), QStringLiteral("loss"), QStringLiteral("device")}) {
        QComboBox* combo = comboFor(field);
        for (int i = 0; i < combo->count(); ++i) {
            const QString value = field == QLatin1String("device") ? combo->itemText(i) : combo->itemData(i).toString();
            const auto problems = parity::validateRun(withChoice(current, field, value));
            QStringList added;
            for (const auto& p : problems) {
                if (!currentProblems.count(p))
                    added << QString::fromStdString(p);
            }
            setItemEnabled(combo, i, added.isEmpty(), added.join(QLatin1Char('\n')));
        }
    }
    m_problems.clear();
    for (const auto& p : now)
        m_problems << QString::fromStdString(p);
    m_problemsLabel->setText(m_problems.isEmpty() ? QString()
                                                  : QStringLiteral("• ") + m_problems.join(QStringLiteral("\n• ")));
    m_problemsLabel->setVisible(!m_problems.isEmpty());
}

bool ExperimentForm::isChoiceEnabled(const QString& field, const QString& value) const
{
    QComboBox* combo = comboFor(field);
    if (!combo)
        return false;
    int i = combo->findData(value);
    if (i < 0)
        i = combo->findText(value);
    auto* model = qobject_cast<QStandardItemModel*>(combo->model());
    return i >= 0 && model && model->item(i)->isEnabled();
}

QString ExperimentForm::choiceToolTip(const QString& field, const QString& value) const
{
    QComboBox* combo = comboFor(field);
    if (!combo)
        return {};
    int i = combo->findData(value);
    if (i < 0)
        i = combo->findText(value);
    auto* model = qobject_cast<QStandardItemModel*>(combo->model());
    return i >= 0 && model ? model->item(i)->toolTip() : QString();
}

QString ExperimentForm::dataStatus() const { return m_dataText; }

void ExperimentForm::updateValidationNote()
{
    // The trainer's rule (docs/DIFFERENCES.md row 15), said where the value is set.
    const int k = m_k->value();
    const int64_t usable = m_probeTrain / k * k;
    const int64_t asked = m_valSize->value();
    QString note;
    if (m_probeTrain > 0 && m_probeOwnVal && asked > 0) {
        note = tr("The data has a validation split of its own: this value is not used.");
    } else if (m_probeTrain > 0 && asked > 0 && usable < 2 * asked) {
        QLocale locale(QLocale::English);
        const int64_t drawn = parity::validationSamples(usable, asked, k);
        note = drawn >= usable
                   ? tr("%1 training samples are too few to split off a validation set: the run will stop with "
                        "an error.")
                         .arg(locale.toString(qlonglong(usable)))
                   : tr("More than half of the %1 training samples: the run validates on a tenth of them (%2) "
                        "instead.")
                         .arg(locale.toString(qlonglong(usable)), locale.toString(qlonglong(drawn)));
    }
    m_valNote->setText(note);
    m_valNote->setVisible(!note.isEmpty());
}

void ExperimentForm::scheduleProbe()
{
    const QString key = m_dataset->currentData().toString() + QLatin1Char('|') + m_dataDir->text().trimmed();
    if (key == m_probeKey)
        return;
    m_probeKey = key;
    m_dataChecked = false;
    m_probeTrain = 0; // the note waits for this data's count
    m_probeOwnVal = false;
    updateValidationNote();
    m_dataText.clear();
    // The fields below keep their place while the user types: the line keeps
    // its height and the note its text until the check answers.
    if (m_dataStatus->isVisible()) // laid out: a height worth keeping
        m_dataStatus->setMinimumHeight(m_dataStatus->height());
    m_dataStatus->setText(tr("Checking the data…"));
    m_probeTimer.start();
}

void ExperimentForm::startProbe()
{
    if (m_probe && m_probe->isRunning()) {
        m_probeTimer.start(); // one check at a time; the newest wins
        return;
    }
    const std::string dataset = m_dataset->currentData().toString().toStdString();
    const std::string dir = m_dataDir->text().trimmed().toStdString();
    const QString key = m_probeKey;
    delete m_probe;
    m_probe = new QFutureWatcher<parity::DataProbe>(this);
    connect(m_probe, &QFutureWatcher<parity::DataProbe>::finished, this, [this, key] {
        if (key == m_probeKey)
            onProbeDone();
        else
            m_probeTimer.start();
    });
    m_probe->setFuture(QtConcurrent::run([dataset, dir] { return parity::probeData(dataset, dir); }));
}

void ExperimentForm::onProbeDone()
{
    const parity::DataProbe p = m_probe->result();
    QLocale locale(QLocale::English);
    m_dataReadable = p.readable;
    m_dataChecked = true;
    m_probeTrain = p.readable ? p.trainCount : 0;
    m_probeOwnVal = p.valCount > 0;
    updateValidationNote();
    m_dataStatus->setMinimumHeight(0);
    if (p.readable) {
        m_dataDirNote->hide();
        QString counts = tr("%1 train").arg(locale.toString(qlonglong(p.trainCount)));
        if (p.valCount > 0)
            counts += tr(", %1 val").arg(locale.toString(qlonglong(p.valCount)));
        counts += tr(", %1 test samples").arg(locale.toString(qlonglong(p.testCount)));
        m_dataText = tr("✓ %1 in %2").arg(counts, QString::fromStdString(p.dir));
        m_dataStatus->setStyleSheet(QStringLiteral("color: #1b5e20"));
    } else {
        m_dataText = tr("✗ %1").arg(QString::fromStdString(p.problem));
        m_dataStatus->setStyleSheet(QStringLiteral("color: #b00020"));
        m_dataFold->setExpanded(true); // the data directory field, to put it right
        m_dataDirNote->setText(m_dataText);
        m_dataDirNote->show();
        m_dataFold->reveal(m_dataDirNote);
    }
    m_dataStatus->setText(m_dataText);
    m_dataStatus->setToolTip(m_dataText);
    Q_EMIT dataChecked(p.readable, m_dataText);
}

} // namespace parity::gui
