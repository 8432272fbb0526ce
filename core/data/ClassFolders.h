#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace parity {

/// The files of a split laid out as one sub-folder per class (torchvision's
/// ImageFolder, GCommands' loader).
struct ClassFolderListing {
    std::vector<std::string> files; ///< full paths
    std::vector<int64_t> labels;    ///< index into the class list, per file
};

/// The names of the sub-folders of `dir`, sorted (byte order, as Python's
/// sorted()): the classes, in label order. Throws parity::Error when `dir`
/// is not a directory.
std::vector<std::string> listClassFolders(const std::string& dir);

/// Every file under `dir/<class>/` (sub-folders included, as os.walk), class
/// by class in the order of `classes`, folders and file names sorted within.
/// Files for which `accept(path)` is false are skipped (the originals skip
/// files without an image / audio extension). A sub-folder of `dir` that is
/// not in `classes` is an error naming it; a class without a folder is
/// allowed (its label just has no samples in this split).
ClassFolderListing listClassFiles(const std::string& dir, const std::vector<std::string>& classes,
                                  const std::function<bool(const std::string& path)>& accept);

/// "" when `dir` has every split folder in `names` ("valid|val": either),
/// else which are missing.
std::string missingSplitFolders(const std::string& dir, const std::vector<std::string>& names);

/// The extension of `path`, lower-cased, with the dot (".wav").
std::string lowerExtension(const std::string& path);

} // namespace parity
