#pragma once
#include "catalog/CatalogInfo.h"
#include "config/RunConfig.h"

#include <QFutureWatcher>
#include <QStringList>
#include <QTimer>
#include <QWidget>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QSpinBox;
class QToolButton;

namespace parity::gui {

class FoldSection;
class SeedSpinBox;

/// Every setting of one run (docs/BEHAVIOUR.md §2 plus our own keys) as a form. Choices
/// that docs/BEHAVIOUR.md §2 forbids together with the rest of the form are disabled, with
/// a tooltip saying why (the core's validateRun decides). Whether a coder
/// learns follows from the coder. The data directory is checked on the spot
/// (off the GUI thread): sample counts, or why it cannot be read.
///
/// Child widgets carry object names after the config keys ("dataset",
/// "data_dir", "model", "base_weights_mode", "base_weights", "k", "encoder",
/// "decoder", "loss", "train_encoder", "train_parity_model", "train_decoder",
/// "num_epoch", "batch_size", "lr", "weight_decay", "val_size", "seed",
/// "threads", "device", "save_dir", "base_train_epochs", "model_script",
/// "base_boxes", "models_dir"), for tests and scripts.
class ExperimentForm : public QWidget {
    Q_OBJECT
public:
    explicit ExperimentForm(QWidget* parent = nullptr);
    ~ExperimentForm() override;

    void setConfig(const parity::RunConfig& config);
    parity::RunConfig config() const;
    /// The settings of `config` this form cannot show as they are, one line
    /// each ("k: 99 is outside the form's 2 to 16"): a field would clamp,
    /// round or replace them, and the form would show (and save) another run
    /// than the one queued. Empty: setConfig() shows every setting exactly.
    QStringList cannotShow(const parity::RunConfig& config) const;
    /// Why the current settings cannot run (empty: they can).
    QStringList problems() const { return m_problems; }
    bool isValid() const { return m_problems.isEmpty(); }

    /// Whether a choice of a combo box (by object name) can be picked now,
    /// and the tooltip explaining why not.
    bool isChoiceEnabled(const QString& field, const QString& value) const;
    QString choiceToolTip(const QString& field, const QString& value) const;
    /// The data check's last verdict ("" while it runs).
    QString dataStatus() const;
    bool dataReadable() const { return m_dataReadable; }
    /// The check of the data has ended and found it unreadable (false while
    /// it runs): the run cannot start.
    bool dataUnreadable() const { return m_dataChecked && !m_dataReadable; }

Q_SIGNALS:
    void configChanged();
    /// The data directory was checked.
    void dataChecked(bool readable, const QString& text);

private:
    void build();
    void fillChoices();
    void onEdited();
    void refreshRules();
    void deriveTrainFlags();
    static QString freezeParityBnToolTip();
    /// After the user chose an encoder (or a decoder): the Berrut pair's
    /// other half follows, and the parity model's training with it.
    void followBerrutPair(bool encoderChosen);
    void scheduleProbe();
    void startProbe();
    void onProbeDone();
    /// Says what the validation split will be when val_size cannot be had
    /// from the training samples the data check counted.
    void updateValidationNote();
    QComboBox* comboFor(const QString& field) const;
    parity::RunConfig withChoice(const parity::RunConfig& base, const QString& field, const QString& value) const;

    bool m_updating = false;
    parity::RunConfig m_loaded; ///< keeps the config file's spellings of unchanged names
    QStringList m_problems;

    QComboBox* m_dataset = nullptr;
    QLineEdit* m_dataDir = nullptr;
    QLabel* m_dataStatus = nullptr;
    QLabel* m_dataDirNote = nullptr; ///< the data check's problem, under the data directory field
    QComboBox* m_model = nullptr;
    QComboBox* m_baseMode = nullptr;
    QLineEdit* m_baseWeights = nullptr;
    QToolButton* m_baseBrowse = nullptr;
    QSpinBox* m_baseEpochs = nullptr;
    QLineEdit* m_modelScript = nullptr;
    QLineEdit* m_baseBoxes = nullptr;
    QLineEdit* m_modelsDir = nullptr; ///< the base-model cache: shown, never carried unseen
    QSpinBox* m_k = nullptr;
    QSpinBox* m_r = nullptr;
    QComboBox* m_encoder = nullptr;
    QComboBox* m_decoder = nullptr;
    QComboBox* m_loss = nullptr;
    QCheckBox* m_trainEncoder = nullptr;
    QCheckBox* m_trainParity = nullptr;
    QCheckBox* m_trainDecoder = nullptr;
    QCheckBox* m_freezeParityBn = nullptr;
    QSpinBox* m_epochs = nullptr;
    QSpinBox* m_batchSize = nullptr;
    QDoubleSpinBox* m_lr = nullptr;
    QDoubleSpinBox* m_weightDecay = nullptr;
    QSpinBox* m_valSize = nullptr;
    QLabel* m_valNote = nullptr;
    int64_t m_probeTrain = 0;   ///< training samples the last data check counted (0: none)
    bool m_probeOwnVal = false; ///< the data has a validation split of its own
    SeedSpinBox* m_seed = nullptr;
    QSpinBox* m_threads = nullptr;
    QComboBox* m_device = nullptr;
    QLineEdit* m_saveDir = nullptr;
    QLabel* m_problemsLabel = nullptr;
    FoldSection* m_dataFold = nullptr;
    FoldSection* m_trainingFold = nullptr;

    QTimer m_probeTimer;
    QFutureWatcher<parity::DataProbe>* m_probe = nullptr;
    QString m_probeKey; ///< dataset|dir of the check in flight
    bool m_dataReadable = false;
    bool m_dataChecked = false; ///< the newest data check has ended
    QString m_dataText;
};

} // namespace parity::gui
