#pragma once
#include <ATen/core/Tensor.h>
#include <ATen/core/ivalue.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace parity {

/// A value read from a torch.save / torch::pickle_save zip file. Tensors are
/// owned, contiguous CPU tensors; containers hold their elements by value.
struct TorchValue {
    enum class Kind { None, Bool, Int, Double, String, Tensor, List, Tuple, Dict };

    Kind kind = Kind::None;
    bool boolean = false;
    int64_t integer = 0;
    double real = 0;
    std::string string; ///< String (also a torch.device or torch dtype, as text like "cpu", "torch.float32")
    at::Tensor tensor;
    std::vector<TorchValue> items;                          ///< List / Tuple
    std::vector<std::pair<TorchValue, TorchValue>> entries; ///< Dict, in insertion order

    /// Dict lookup by string key; nullptr if absent or if this is not a Dict.
    const TorchValue* find(const std::string& key) const;

    bool isNone() const { return kind == Kind::None; }
    bool isBool() const { return kind == Kind::Bool; }
    bool isInt() const { return kind == Kind::Int; }
    bool isDouble() const { return kind == Kind::Double; }
    bool isString() const { return kind == Kind::String; }
    bool isTensor() const { return kind == Kind::Tensor; }
    bool isList() const { return kind == Kind::List; }
    bool isTuple() const { return kind == Kind::Tuple; }
    bool isDict() const { return kind == Kind::Dict; }

    /// A short name of the kind for messages: "None", "int", "dict", ...
    static const char* kindName(Kind kind);
};

/// Reads a file written by Python's torch.save (zip format, torch >= 1.6) or by
/// torch::pickle_save, without Python. Throws parity::Error naming the file for
/// anything unreadable: not a zip, a legacy pre-1.6 file, truncated or hostile
/// content, or a pickled object this reader does not know.
TorchValue readTorchFile(const std::string& path);

/// Same as readTorchFile, from the bytes of such a file; `sourceName` names it
/// in error messages.
TorchValue readTorchBytes(const std::string& bytes, const std::string& sourceName);

/// Writes `value` as Python's torch.save would (zip format, pickle protocol 2),
/// atomically. Python's torch.load (also with weights_only=True, the default
/// since torch 2.6; torch 1.13's weights-only loader lacks floats), LibTorch's
/// torch::pickle_load and readTorchFile read it. Supports None, bool, int,
/// double, string, tensors (detached, saved to CPU), lists, tuples and dicts.
/// Throws parity::Error naming the file.
void writeTorchFile(const std::string& path, const c10::IValue& value);

} // namespace parity
