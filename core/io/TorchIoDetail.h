#pragma once
// Internal to core/io: shared pieces of the torch.save reader and writer.
#include "io/TorchFile.h"

#include <c10/core/ScalarType.h>
#include <caffe2/serialize/read_adapter_interface.h>

#include <algorithm>
#include <cstring>

#include <cstdint>
#include <exception>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace parity::detail {

constexpr size_t kMaxDepth = 200; // nesting of containers in the result
constexpr size_t kMaxDims = 64;   // tensor dimensions
constexpr int64_t kMaxNumel = int64_t(1) << 50;

inline uint16_t le16(const unsigned char* p) { return uint16_t(p[0] | (p[1] << 8)); }
inline uint32_t le32(const unsigned char* p) { return uint32_t(le16(p)) | (uint32_t(le16(p + 2)) << 16); }
inline uint64_t le64(const unsigned char* p) { return uint64_t(le32(p)) | (uint64_t(le32(p + 4)) << 32); }

struct DtypeName {
    const char* name;
    at::ScalarType type;
};

inline constexpr DtypeName kStorageTypes[] = {
    {"FloatStorage", at::kFloat},       {"DoubleStorage", at::kDouble}, {"HalfStorage", at::kHalf},
    {"BFloat16Storage", at::kBFloat16}, {"LongStorage", at::kLong},     {"IntStorage", at::kInt},
    {"ShortStorage", at::kShort},       {"CharStorage", at::kChar},     {"ByteStorage", at::kByte},
    {"BoolStorage", at::kBool},
};

inline constexpr DtypeName kDtypes[] = {
    {"float32", at::kFloat}, {"float", at::kFloat}, {"float64", at::kDouble},    {"double", at::kDouble},
    {"float16", at::kHalf},  {"half", at::kHalf},   {"bfloat16", at::kBFloat16}, {"int64", at::kLong},
    {"long", at::kLong},     {"int32", at::kInt},   {"int", at::kInt},           {"int16", at::kShort},
    {"short", at::kShort},   {"int8", at::kChar},   {"uint8", at::kByte},        {"bool", at::kBool},
};

/// "<name>: not a readable torch.save zip file (<why>)".
std::string notAZip(const std::string& name, const std::string& why);
/// Checks the zip container before PyTorchStreamReader sees it (see TorchZip.cpp).
void checkZip(const std::string& bytes, const std::string& name);
/// A pre-1.6 (non-zip) torch.save file.
bool isLegacyTorchFile(const std::string& bytes);
/// The first line of an exception's message (c10 errors carry a backtrace).
std::string errorText(const std::exception& e);

/// Bounds-checked in-memory input for PyTorchStreamReader.
class MemoryAdapter final : public caffe2::serialize::ReadAdapterInterface {
public:
    explicit MemoryAdapter(const std::string& bytes)
        : m_bytes(bytes)
    {
    }
    size_t size() const override { return m_bytes.size(); }
    size_t read(uint64_t pos, void* buf, size_t n, const char* = "") const override
    {
        if (pos >= m_bytes.size())
            return 0;
        n = size_t(std::min<uint64_t>(n, m_bytes.size() - pos));
        std::memcpy(buf, m_bytes.data() + pos, n);
        return n;
    }

private:
    const std::string& m_bytes;
};

using StorageLoader = std::function<std::pair<const char*, uint64_t>(const std::string& key)>;
/// Runs the pickle VM over a data.pkl record; tensors come from `loader`.
TorchValue unpickle(const std::string& name, std::string_view pickle, StorageLoader loader, uint64_t tensorByteLimit);

/// Pickles an IValue as Python's torch.save does; returns the pickle and
/// fills `storages` with one tensor per storage record.
std::string pickleForTorchSave(const std::string& path, const c10::IValue& value, std::vector<at::Tensor>& storages);

} // namespace parity::detail
