#include "data/ClassFolders.h"

#include "util/Error.h"

#include <algorithm>
#include <cctype>
#include <filesystem>

namespace parity {

namespace fs = std::filesystem;

std::vector<std::string> listClassFolders(const std::string& dir)
{
    std::error_code ec;
    if (!fs::is_directory(dir, ec))
        throw Error(dir + ": folder not found");
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(dir, fs::directory_options::follow_directory_symlink, ec))
        if (e.is_directory())
            names.push_back(e.path().filename().string());
    if (ec)
        throw Error(dir + ": cannot list the folder (" + ec.message() + ")");
    std::sort(names.begin(), names.end());
    return names;
}

ClassFolderListing listClassFiles(const std::string& dir, const std::vector<std::string>& classes,
                                  const std::function<bool(const std::string& path)>& accept)
{
    for (const auto& name : listClassFolders(dir))
        if (std::find(classes.begin(), classes.end(), name) == classes.end())
            throw Error((fs::path(dir) / name).string() + ": a class folder that the train split does not have");
    ClassFolderListing out;
    for (size_t label = 0; label < classes.size(); ++label) {
        const fs::path classDir = fs::path(dir) / classes[label];
        std::error_code ec;
        if (!fs::is_directory(classDir, ec))
            continue;
        // os.walk order after sorted(): folders by path, files by name.
        std::vector<std::pair<std::string, std::string>> files;
        for (fs::recursive_directory_iterator it(classDir, fs::directory_options::follow_directory_symlink, ec), end;
             it != end; it.increment(ec)) {
            if (ec)
                break;
            if (it->is_regular_file())
                files.emplace_back(it->path().parent_path().string(), it->path().filename().string());
        }
        if (ec)
            throw Error(classDir.string() + ": cannot list the folder (" + ec.message() + ")");
        std::sort(files.begin(), files.end());
        for (const auto& [folder, name] : files) {
            const std::string path = (fs::path(folder) / name).string();
            if (!accept(path))
                continue;
            out.files.push_back(path);
            out.labels.push_back(int64_t(label));
        }
    }
    return out;
}

std::string missingSplitFolders(const std::string& dir, const std::vector<std::string>& names)
{
    std::string missing;
    for (const auto& alternatives : names) {
        bool found = false;
        size_t start = 0;
        while (!found && start <= alternatives.size()) {
            const size_t bar = std::min(alternatives.find('|', start), alternatives.size());
            std::error_code ec;
            found = fs::is_directory(fs::path(dir) / alternatives.substr(start, bar - start), ec);
            start = bar + 1;
        }
        if (!found)
            missing += (missing.empty() ? "" : ", ") + alternatives + "/";
    }
    return missing.empty() ? "" : "no " + missing + " folder in it";
}

std::string lowerExtension(const std::string& path)
{
    std::string ext = fs::path(path).extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    return ext;
}

} // namespace parity
