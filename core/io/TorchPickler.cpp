// The torch.save writer: the pickle layout of Python's torch.save.
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

namespace {

// ---------------------------------------------------------------- the writer

/// Pickles an IValue the way Python's torch.save does (protocol 2, tensors by
/// _rebuild_tensor_v2 with one storage record each), using only globals that
/// torch.load(weights_only=True) accepts.
class Pickler {
public:
    explicit Pickler(const std::string& path)
        : m_path(path)
    {
        m_out = "\x80\x02";
    }

    void write(const c10::IValue& v, size_t depth = 0);
    std::string finish() { return m_out + "."; }
    const std::vector<at::Tensor>& storages() const { return m_storages; }

private:
    [[noreturn]] void fail(const std::string& what) const { throw Error("cannot write " + m_path + ": " + what); }
    void op(char c) { m_out += c; }
    void u32(uint32_t v)
    {
        for (int i = 0; i < 4; ++i)
            m_out += char((v >> (8 * i)) & 0xFF);
    }
    void integer(int64_t v)
    {
        if (v >= 0 && v < 256) {
            op('K');
            m_out += char(v);
        } else if (v >= 0 && v < 65536) {
            op('M');
            m_out += char(v & 0xFF);
            m_out += char(v >> 8);
        } else if (v >= INT32_MIN && v <= INT32_MAX) {
            op('J');
            u32(uint32_t(int32_t(v)));
        } else {
            op('\x8a'); // LONG1, 8 bytes two's complement
            m_out += char(8);
            for (int i = 0; i < 8; ++i)
                m_out += char((uint64_t(v) >> (8 * i)) & 0xFF);
        }
    }
    void string(const std::string& s)
    {
        if (s.size() > UINT32_MAX)
            fail("string too long");
        op('X');
        u32(uint32_t(s.size()));
        m_out += s;
    }
    void global(const char* module, const char* name)
    {
        op('c');
        m_out += module;
        m_out += '\n';
        m_out += name;
        m_out += '\n';
    }
    void tensor(const at::Tensor& t);

    std::string m_path;
    std::string m_out;
    std::vector<at::Tensor> m_storages;
};

void Pickler::tensor(const at::Tensor& value)
{
    if (!value.defined())
        fail("undefined tensor");
    const char* storageType = nullptr;
    for (const auto& s : kStorageTypes)
        if (s.type == value.scalar_type())
            storageType = s.name;
    if (!storageType)
        fail(std::string("tensors of type ") + c10::toString(value.scalar_type()) + " are not supported");
    at::Tensor t = value.detach().to(at::kCPU).contiguous();
    if (t.storage_offset() != 0 || t.storage().nbytes() != t.nbytes())
        t = t.clone();
    const std::string key = std::to_string(m_storages.size());
    m_storages.push_back(t);

    global("torch._utils", "_rebuild_tensor_v2");
    op('(');
    op('('); // persistent id: ('storage', torch.XStorage, key, 'cpu', numel)
    string("storage");
    global("torch", storageType);
    string(key);
    string("cpu");
    integer(t.numel());
    op('t');
    op('Q');
    integer(0);
    op('(');
    for (int64_t size : t.sizes())
        integer(size);
    op('t');
    op('(');
    for (int64_t stride : t.strides())
        integer(stride);
    op('t');
    op('\x89'); // requires_grad False
    global("collections", "OrderedDict");
    op(')');
    op('R');
    op('t');
    op('R');
}

void Pickler::write(const c10::IValue& v, size_t depth)
{
    if (depth > kMaxDepth)
        fail("objects nested too deeply");
    if (v.isNone()) {
        op('N');
    } else if (v.isBool()) {
        op(v.toBool() ? '\x88' : '\x89');
    } else if (v.isInt()) {
        integer(v.toInt());
    } else if (v.isDouble()) {
        const double d = v.toDouble();
        uint64_t bits;
        std::memcpy(&bits, &d, sizeof bits);
        op('G');
        for (int i = 7; i >= 0; --i)
            m_out += char((bits >> (8 * i)) & 0xFF);
    } else if (v.isString()) {
        string(v.toStringRef());
    } else if (v.isTensor()) {
        tensor(v.toTensor());
    } else if (v.isList()) {
        op(']');
        const auto items = v.toListRef();
        if (!items.empty()) {
            op('(');
            for (const auto& item : items)
                write(item, depth + 1);
            op('e');
        }
    } else if (v.isTuple()) {
        op('(');
        for (const auto& item : v.toTupleRef().elements())
            write(item, depth + 1);
        op('t');
    } else if (v.isGenericDict()) {
        op('}');
        const auto dict = v.toGenericDict();
        if (!dict.empty()) {
            op('(');
            for (const auto& entry : dict) {
                write(entry.key(), depth + 1);
                write(entry.value(), depth + 1);
            }
            op('u');
        }
    } else {
        fail("values of kind " + v.tagKind() + " are not supported");
    }
}

} // namespace

std::string pickleForTorchSave(const std::string& path, const c10::IValue& value, std::vector<at::Tensor>& storages)
{
    Pickler pickler(path);
    pickler.write(value);
    storages = pickler.storages();
    return pickler.finish();
}

} // namespace parity::detail
