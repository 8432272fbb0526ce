#pragma once
#include "data/RawDataset.h"
#include "data/SampleSource.h"

#include <string>
#include <vector>

namespace parity {

/// The WAV files of one GCommands split, turned into spectrograms on demand
/// (gcommandsSpectrogram): 16 kHz WAV (readWav: 8/16-bit PCM, several
/// channels averaged to mono, other rates refused) -> float (1, 161, 101).
class GCommandsSource : public SampleSource {
public:
    GCommandsSource(std::vector<std::string> files, int sampleRate = kSampleRate);

    int64_t size() const override { return int64_t(m_files.size()); }
    at::Tensor load(int64_t i) const override;
    std::string path(int64_t i) const override { return m_files[size_t(i)]; }

    static constexpr int kSampleRate = 16000;

private:
    std::vector<std::string> m_files;
    int m_sampleRate;
};

/// The 30 words of the original's GCommands set, in label order (sorted).
const std::vector<std::string>& gcommandsClassNames();

/// Loads `dir` with sub-folders train/, valid/ (or val/) and test/, each with
/// one sub-folder per word holding .wav files (the original's layout, made
/// by its make_gcommands_dataset.py). The classes are the sorted folder
/// names of train/ (at most `numClasses`); valid/ and test/ use the same
/// labels. Files without a .wav extension are skipped, as in the original.
/// Only the file list is read here: samples are decoded when used.
RawDataset loadGCommandsDirectory(const std::string& dir, int numClasses = 30);

} // namespace parity
