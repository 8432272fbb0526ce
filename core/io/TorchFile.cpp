// torch.save files: reading (any torch.save / pickle_save zip) and writing.
#include "io/TorchFile.h"
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
namespace parity {

const TorchValue* TorchValue::find(const std::string& key) const
{
    if (kind != Kind::Dict)
        return nullptr;
    for (const auto& [k, v] : entries)
        if (k.kind == Kind::String && k.string == key)
            return &v;
    return nullptr;
}

const char* TorchValue::kindName(Kind kind)
{
    switch (kind) {
    case Kind::None:
        return "None";
    case Kind::Bool:
        return "bool";
    case Kind::Int:
        return "int";
    case Kind::Double:
        return "float";
    case Kind::String:
        return "str";
    case Kind::Tensor:
        return "tensor";
    case Kind::List:
        return "list";
    case Kind::Tuple:
        return "tuple";
    case Kind::Dict:
        return "dict";
    }
    return "?";
}

using namespace detail;

TorchValue readTorchBytes(const std::string& bytes, const std::string& name)
{
    if (bytes.empty())
        throw Error(notAZip(name, "the file is empty"));
    if (isLegacyTorchFile(bytes))
        throw Error(name
                    + ": a legacy torch.save file (the pre-1.6 format, or saved with "
                      "_use_new_zipfile_serialization=False), which this program cannot read; re-save it with a "
                      "current torch.save in Python: torch.save(torch.load(path), path)");
    checkZip(bytes, name);

    std::unique_ptr<caffe2::serialize::PyTorchStreamReader> reader;
    at::DataPtr pickle;
    size_t pickleSize = 0;
    try {
        reader = std::make_unique<caffe2::serialize::PyTorchStreamReader>(std::make_shared<MemoryAdapter>(bytes));
        if (!reader->hasRecord("data.pkl"))
            throw Error(notAZip(name, "no data.pkl record"));
        if (reader->hasRecord("byteorder")) {
            const auto [order, orderSize] = reader->getRecord("byteorder");
            if (std::string(static_cast<const char*>(order.get()), orderSize) != "little")
                throw Error(name + ": saved on a big-endian machine, which this program cannot read");
        }
        std::tie(pickle, pickleSize) = reader->getRecord("data.pkl");
    } catch (const Error&) {
        throw;
    } catch (const std::exception& e) {
        throw Error(notAZip(name, errorText(e)));
    }

    std::map<std::string, std::tuple<at::DataPtr, size_t>> records;
    auto loadStorage = [&](const std::string& key) -> std::pair<const char*, uint64_t> {
        auto it = records.find(key);
        if (it == records.end()) {
            const std::string record = "data/" + key;
            try {
                if (!reader->hasRecord(record))
                    throw Error(name + ": tensor data '" + record + "' missing; the file is damaged");
                it = records.emplace(key, reader->getRecord(record)).first;
            } catch (const Error&) {
                throw;
            } catch (const std::exception& e) {
                throw Error(name + ": cannot read tensor data '" + record + "' (" + errorText(e) + ")");
            }
        }
        return {static_cast<const char*>(std::get<0>(it->second).get()), std::get<1>(it->second)};
    };

    try {
        return unpickle(name, std::string_view(static_cast<const char*>(pickle.get()), pickleSize), loadStorage,
                        uint64_t(bytes.size()) * 4 + (uint64_t(64) << 20));
    } catch (const Error&) {
        throw;
    } catch (const std::bad_alloc&) {
        throw Error(name + ": out of memory while reading the file");
    } catch (const std::exception& e) {
        throw Error(name + ": cannot read the file (" + errorText(e) + ")");
    }
}

TorchValue readTorchFile(const std::string& path) { return readTorchBytes(readWholeFile(path), path); }

void writeTorchFile(const std::string& path, const c10::IValue& value)
{
    // Not torch::pickle_save: it tags typed containers with
    // torch.jit._pickle.restore_type_tag, which torch.load(weights_only=True),
    // the default since torch 2.6, refuses.
    std::vector<at::Tensor> storages;
    const std::string pickle = pickleForTorchSave(path, value, storages);
    std::string bytes;
    try {
        caffe2::serialize::PyTorchStreamWriter writer([&](const void* data, size_t n) {
            bytes.append(static_cast<const char*>(data), n);
            return n;
        });
        writer.writeRecord("data.pkl", pickle.data(), pickle.size());
        writer.writeRecord("byteorder", "little", 6);
        for (size_t i = 0; i < storages.size(); ++i) {
            const at::Tensor& t = storages[i];
            writer.writeRecord("data/" + std::to_string(i), t.data_ptr(), t.nbytes());
        }
        writer.writeEndOfFile();
    } catch (const std::exception& e) {
        throw Error("cannot write " + path + ": " + errorText(e));
    }
    writeFileAtomically(path, bytes);
}

} // namespace parity
