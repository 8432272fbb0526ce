// The zip container of torch.save files: checked before LibTorch's reader sees it.
#include "io/TorchIoDetail.h"

#include "util/AtomicFile.h"
#include "util/Error.h"

#include <ATen/Functions.h>
#include <c10/util/Exception.h>
#include <caffe2/serialize/inline_container.h>
#include <caffe2/serialize/read_adapter_interface.h>
#include <caffe2/serialize/versions.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstring>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <new>
#include <string_view>
#include <unordered_map>

namespace parity::detail {

std::string notAZip(const std::string& name, const std::string& why)
{
    return name + ": not a readable torch.save zip file (" + why + ")";
}

uint32_t crc32(const unsigned char* p, uint64_t n)
{
    static const auto table = [] {
        std::array<uint32_t, 256> t{};
        for (uint32_t i = 0; i < 256; ++i) {
            uint32_t c = i;
            for (int k = 0; k < 8; ++k)
                c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            t[i] = c;
        }
        return t;
    }();
    uint32_t c = 0xFFFFFFFFu;
    for (uint64_t i = 0; i < n; ++i)
        c = table[(c ^ p[i]) & 0xFF] ^ (c >> 8);
    return c ^ 0xFFFFFFFFu;
}

bool equalsIgnoringCase(const std::string& a, const std::string& b)
{
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
}

struct ZipEntry {
    std::string name;
    unsigned method = 0;
    uint32_t crc = 0;
    uint64_t packed = 0;
    uint64_t localOffset = 0;
};

/// Walks the zip central directory the way miniz does, before PyTorchStreamReader
/// sees the file: rejects entries whose declared size the file cannot back
/// (PyTorchStreamReader allocates the declared size of a record), and checks
/// what the PyTorchStreamReader constructor checks (a subdirectory and a
/// valid version record), because that constructor leaks when it throws.
void checkZip(const std::string& bytes, const std::string& name)
{
    const auto* data = reinterpret_cast<const unsigned char*>(bytes.data());
    const uint64_t size = bytes.size();
    auto fail = [&](const std::string& why) { throw Error(notAZip(name, why)); };
    if (size < 22)
        fail("too short to be a zip file");

    // End of central directory record: the last one, before an optional comment.
    const uint64_t lowest = size > 22 + 0xFFFF ? size - 22 - 0xFFFF : 0;
    uint64_t eocd = size - 22;
    while (le32(data + eocd) != 0x06054b50) {
        if (eocd == lowest)
            fail("no zip directory found; the file is truncated or not a zip file");
        --eocd;
    }
    uint64_t count = le16(data + eocd + 10);
    uint64_t dirSize = le32(data + eocd + 12);
    uint64_t dirOffset = le32(data + eocd + 16);
    if (eocd >= 20 && le32(data + eocd - 20) == 0x07064b50) { // zip64 locator
        const uint64_t z = le64(data + eocd - 20 + 8);
        if (z > size || size - z < 56 || le32(data + z) != 0x06064b50)
            fail("damaged zip64 directory record");
        count = le64(data + z + 32);
        dirSize = le64(data + z + 40);
        dirOffset = le64(data + z + 48);
    } else if (count == 0xFFFF || dirSize == 0xFFFFFFFF || dirOffset == 0xFFFFFFFF) {
        fail("zip64 directory record missing");
    }
    if (dirOffset > size || dirSize > size - dirOffset)
        fail("zip directory lies outside the file; the file is truncated");
    if (count == 0)
        fail("the zip file is empty");
    if (count > dirSize / 46)
        fail("damaged zip directory");

    std::vector<ZipEntry> entries;
    uint64_t pos = dirOffset;
    const uint64_t end = dirOffset + dirSize;
    for (uint64_t i = 0; i < count; ++i) {
        if (end - pos < 46 || le32(data + pos) != 0x02014b50)
            fail("damaged zip directory");
        ZipEntry entry;
        entry.method = le16(data + pos + 10);
        entry.crc = le32(data + pos + 16);
        entry.packed = le32(data + pos + 20);
        uint64_t unpacked = le32(data + pos + 24);
        entry.localOffset = le32(data + pos + 42);
        const uint64_t nameLen = le16(data + pos + 28);
        const uint64_t extraLen = le16(data + pos + 30);
        const uint64_t commentLen = le16(data + pos + 32);
        const uint64_t entryLen = 46 + nameLen + extraLen + commentLen;
        if (end - pos < entryLen)
            fail("damaged zip directory");
        entry.name.assign(reinterpret_cast<const char*>(data + pos + 46), nameLen);
        if (entry.packed == 0xFFFFFFFF || unpacked == 0xFFFFFFFF || entry.localOffset == 0xFFFFFFFF) {
            // zip64 extended information: the 64-bit values, in this order, for the fields that are 0xFFFFFFFF
            const unsigned char* extra = data + pos + 46 + nameLen;
            uint64_t e = 0;
            bool found = false;
            while (!found && extraLen - e >= 4) {
                const uint64_t id = le16(extra + e);
                const uint64_t len = le16(extra + e + 2);
                if (extraLen - e - 4 < len)
                    break;
                if (id == 1) {
                    const unsigned char* f = extra + e + 4;
                    uint64_t left = len;
                    found = true;
                    for (uint64_t* field : {&unpacked, &entry.packed, &entry.localOffset}) {
                        if (*field != 0xFFFFFFFF)
                            continue;
                        if (left < 8) {
                            found = false;
                            break;
                        }
                        *field = le64(f);
                        f += 8;
                        left -= 8;
                    }
                }
                e += 4 + len;
            }
            if (!found)
                fail("damaged zip64 sizes of '" + entry.name + "'");
        }
        if (entry.packed > size || entry.localOffset > size - entry.packed)
            fail("'" + entry.name + "' lies outside the file; the file is truncated");
        if (le16(data + pos + 8) & 0x61) // encrypted, strongly encrypted or patch data
            fail("'" + entry.name + "' is encrypted");
        // miniz "extracts" a directory without writing to the buffer: a directory
        // entry with data would come back as uninitialised memory.
        const bool directory = (le32(data + pos + 38) & 0x10) || (nameLen > 0 && entry.name.back() == '/');
        if (directory && (entry.packed != 0 || unpacked != 0))
            fail("damaged zip entry '" + entry.name + "'");
        if (entry.method == 0) {
            if (unpacked != entry.packed)
                fail("damaged size of '" + entry.name + "'");
        } else if (entry.method == 8) {
            if (unpacked / 1032 > entry.packed + 1) // deflate cannot expand more than ~1032:1
                fail("implausible compressed size of '" + entry.name + "'");
        } else {
            fail("'" + entry.name + "' uses unsupported compression method " + std::to_string(entry.method));
        }
        entries.push_back(std::move(entry));
        pos += entryLen;
    }

    // What PyTorchStreamReader's constructor requires: the first entry inside a
    // folder, and a readable "<folder>/.data/version" or "<folder>/version"
    // (found case-insensitively, as miniz does) holding a supported number.
    const size_t slash = entries[0].name.find('/');
    if (slash == std::string::npos)
        fail("its files are not in a folder");
    const std::string folder = entries[0].name.substr(0, slash + 1);
    bool hasDataVersion = false;
    for (const ZipEntry& e : entries)
        hasDataVersion = hasDataVersion || equalsIgnoringCase(e.name, folder + ".data/version");
    const std::string versionName = folder + (hasDataVersion ? ".data/version" : "version");
    bool hasVersion = false;
    for (const ZipEntry& e : entries) {
        if (!equalsIgnoringCase(e.name, versionName))
            continue;
        hasVersion = true;
        const uint64_t at = e.localOffset;
        if (size - at < 30 || le32(data + at) != 0x04034b50)
            fail("damaged zip entry '" + e.name + "'");
        const uint64_t start = at + 30 + le16(data + at + 26) + le16(data + at + 28);
        if (start > size || e.packed > size - start)
            fail("damaged zip entry '" + e.name + "'");
        if (e.method != 0)
            continue; // never written compressed; leave it to miniz
        if (crc32(data + start, e.packed) != e.crc)
            fail("damaged zip entry '" + e.name + "' (checksum mismatch)");
        const std::string text(reinterpret_cast<const char*>(data + start), e.packed);
        uint64_t version = 0;
        try {
            version = std::stoull(text);
        } catch (const std::exception&) {
            fail("unreadable format version '" + text.substr(0, 20) + "'");
        }
        if (version < caffe2::serialize::kMinSupportedFileFormatVersion
            || version > caffe2::serialize::kMaxSupportedFileFormatVersion)
            fail("format version " + std::to_string(version) + " is not supported by this LibTorch");
    }
    if (!hasVersion)
        fail("no version record");
}

std::string errorText(const std::exception& e)
{
    std::string text;
    if (const auto* c10Error = dynamic_cast<const c10::Error*>(&e))
        text = c10Error->what_without_backtrace();
    else
        text = e.what();
    const size_t newline = text.find('\n');
    if (newline != std::string::npos)
        text.resize(newline);
    return text;
}

bool isLegacyTorchFile(const std::string& bytes)
{
    // Pre-1.6 torch.save: a pickle starting with a magic number; before that, a tar file.
    if (bytes.size() >= 2 && static_cast<unsigned char>(bytes[0]) == 0x80 && static_cast<unsigned char>(bytes[1]) <= 5)
        return true;
    return bytes.size() >= 262 && bytes.compare(257, 5, "ustar") == 0;
}

} // namespace parity::detail
