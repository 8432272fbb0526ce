#include "data/GCommandsFolder.h"

#include "data/ClassFolders.h"
#include "data/Spectrogram.h"
#include "data/WavReader.h"
#include "util/Error.h"

#include <filesystem>

namespace parity {

namespace fs = std::filesystem;

GCommandsSource::GCommandsSource(std::vector<std::string> files, int sampleRate)
    : m_files(std::move(files))
    , m_sampleRate(sampleRate)
{
}

at::Tensor GCommandsSource::load(int64_t i) const
{
    const std::string& file = m_files[size_t(i)];
    const WavAudio audio = readWav(file, m_sampleRate);
    if (audio.samples.empty())
        throw Error(file + ": the WAV file holds no samples");
    return gcommandsSpectrogram(audio.samples, audio.sampleRate);
}

const std::vector<std::string>& gcommandsClassNames()
{
    static const std::vector<std::string> names = {"bed",    "bird",  "cat",    "dog",   "down",  "eight",
                                                   "five",   "four",  "go",     "happy", "house", "left",
                                                   "marvin", "nine",  "no",     "off",   "on",    "one",
                                                   "right",  "seven", "sheila", "six",   "stop",  "three",
                                                   "tree",   "two",   "up",     "wow",   "yes",   "zero"};
    return names;
}

RawDataset loadGCommandsDirectory(const std::string& dir, int numClasses)
{
    auto splitDir = [&](std::initializer_list<const char*> names) {
        std::error_code ec;
        for (const char* name : names)
            if (fs::is_directory(fs::path(dir) / name, ec))
                return (fs::path(dir) / name).string();
        std::string list;
        for (const char* name : names)
            list += (list.empty() ? "" : " or ") + std::string(name) + "/";
        throw Error(dir + ": no " + list
                    + " folder (GCommands needs train/, valid/ and test/, one sub-folder per word)");
    };
    const std::string trainDir = splitDir({"train"});
    const std::string validDir = splitDir({"valid", "val"});
    const std::string testDir = splitDir({"test"});

    const std::vector<std::string> classes = listClassFolders(trainDir);
    if (classes.empty())
        throw Error(trainDir + ": no class folders (one sub-folder per word)");
    if (int(classes.size()) > numClasses)
        throw Error(trainDir + ": " + std::to_string(classes.size()) + " class folders, GCommands has "
                    + std::to_string(numClasses));
    auto isWav = [](const std::string& path) { return lowerExtension(path) == ".wav"; };
    auto split = [&](const std::string& folder) {
        ClassFolderListing listing = listClassFiles(folder, classes, isWav);
        ImageSet set;
        set.source = folder;
        set.labels = at::tensor(listing.labels, at::kLong);
        if (listing.files.empty())
            set.labels = at::empty({0}, at::kLong);
        set.lazy = std::make_shared<GCommandsSource>(std::move(listing.files));
        return set;
    };
    RawDataset raw;
    raw.train = split(trainDir);
    raw.val = split(validDir);
    raw.test = split(testDir);
    return raw;
}

} // namespace parity
