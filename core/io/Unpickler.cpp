// The pickle VM of the torch.save reader (protocol 2-4, the subset torch.save emits).
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

// ---------------------------------------------------------------- the pickle VM

enum class ObjType { None, Bool, Int, Double, String, Tensor, List, Tuple, Dict, Global, Storage };
enum class GlobalKind { Function, Class, StorageType, Dtype };

/// The bytes of one storage record, viewed with a dtype (from the persistent id).
struct StorageRef {
    const char* data = nullptr;
    uint64_t nbytes = 0;
    at::ScalarType dtype = at::ScalarType::Byte;
};

struct Obj {
    ObjType type = ObjType::None;
    bool boolean = false;
    int64_t integer = 0;
    double real = 0;
    std::string text; // String; Global: "module.name"
    at::Tensor tensor;
    std::vector<Obj*> items;                                           // List, Tuple
    std::vector<std::pair<Obj*, Obj*>> entries;                        // Dict
    std::unique_ptr<std::unordered_map<std::string, size_t>> keyIndex; // Dict: str/int key -> entry
    GlobalKind globalKind = GlobalKind::Function;
    at::ScalarType dtype = at::ScalarType::Undefined; // StorageType / Dtype globals
    const StorageRef* storage = nullptr;              // Storage
};


class Unpickler {
public:
    Unpickler(const std::string& name, std::string_view pickle, StorageLoader loader, uint64_t tensorByteLimit)
        : m_name(name)
        , m_data(pickle)
        , m_loader(std::move(loader))
        , m_tensorByteLimit(tensorByteLimit)
        , m_nodeBudget(std::max<uint64_t>(uint64_t(1) << 18, uint64_t(pickle.size()) * 8))
    {
        m_none.type = ObjType::None;
        m_true.type = ObjType::Bool;
        m_true.boolean = true;
        m_false.type = ObjType::Bool;
    }

    TorchValue run();

private:
    [[noreturn]] void fail(const std::string& what) const
    {
        throw Error(m_name + ": " + what + " (data.pkl byte " + std::to_string(m_opPos) + ")");
    }

    // input
    const unsigned char* take(uint64_t n)
    {
        if (n > m_data.size() - m_pos)
            fail("the pickle ends early; the file is truncated or damaged");
        const auto* p = reinterpret_cast<const unsigned char*>(m_data.data()) + m_pos;
        m_pos += size_t(n);
        return p;
    }
    uint8_t u8() { return *take(1); }
    uint16_t u16() { return le16(take(2)); }
    uint32_t u32() { return le32(take(4)); }
    uint64_t u64() { return le64(take(8)); }
    std::string bytes(uint64_t n)
    {
        const auto* p = take(n);
        return std::string(reinterpret_cast<const char*>(p), size_t(n));
    }
    std::string line()
    {
        const size_t end = m_data.find('\n', m_pos);
        if (end == std::string_view::npos)
            fail("the pickle ends early; the file is truncated or damaged");
        std::string s(m_data.substr(m_pos, end - m_pos));
        m_pos = end + 1;
        return s;
    }

    // objects and stacks
    Obj* make(ObjType type)
    {
        m_objects.emplace_back();
        m_objects.back().type = type;
        return &m_objects.back();
    }
    Obj* makeInt(int64_t v)
    {
        Obj* o = make(ObjType::Int);
        o->integer = v;
        return o;
    }
    Obj* makeString(std::string s)
    {
        Obj* o = make(ObjType::String);
        o->text = std::move(s);
        return o;
    }
    size_t base() const { return m_marks.empty() ? 0 : m_marks.back(); }
    void push(Obj* o) { m_stack.push_back(o); }
    Obj* pop()
    {
        if (m_stack.size() <= base())
            fail("pickle stack underflow");
        Obj* o = m_stack.back();
        m_stack.pop_back();
        return o;
    }
    Obj* top()
    {
        if (m_stack.size() <= base())
            fail("pickle stack underflow");
        return m_stack.back();
    }
    std::vector<Obj*> popMark()
    {
        if (m_marks.empty())
            fail("pickle MARK missing");
        const size_t b = m_marks.back();
        m_marks.pop_back();
        std::vector<Obj*> items(m_stack.begin() + std::ptrdiff_t(b), m_stack.end());
        m_stack.resize(b);
        return items;
    }
    void memoPut(uint64_t index) { m_memo[index] = top(); }
    Obj* memoGet(uint64_t index)
    {
        const auto it = m_memo.find(index);
        if (it == m_memo.end())
            fail("pickle memo entry " + std::to_string(index) + " missing");
        return it->second;
    }

    void setItem(Obj* dict, Obj* key, Obj* value);
    Obj* global(const std::string& module, const std::string& name);
    Obj* call(Obj* fn, Obj* args);
    Obj* persistentLoad(Obj* pid);
    Obj* rebuildTensor(const Obj* storage, at::ScalarType dtype, const Obj* offset, const Obj* size, const Obj* stride);
    std::vector<int64_t> intSequence(const Obj* o, const char* what);
    TorchValue convert(const Obj* o, size_t depth);

    std::string m_name;
    std::string_view m_data;
    size_t m_pos = 0;
    size_t m_opPos = 0;
    StorageLoader m_loader;
    uint64_t m_tensorByteLimit;
    uint64_t m_tensorBytes = 0;
    uint64_t m_nodeBudget;

    std::deque<Obj> m_objects; // owns every object; pointers stay valid
    std::deque<StorageRef> m_storages;
    Obj m_none, m_true, m_false;
    std::vector<Obj*> m_stack;
    std::vector<size_t> m_marks;
    std::unordered_map<uint64_t, Obj*> m_memo;
};

TorchValue Unpickler::run()
{
    for (;;) {
        m_opPos = m_pos;
        const uint8_t op = u8();
        switch (op) {
        case 0x80: { // PROTO
            const uint8_t version = u8();
            if (version > 5)
                fail("unsupported pickle protocol " + std::to_string(version));
            break;
        }
        case 0x95: // FRAME
            take(8);
            break;
        case '.': { // STOP
            Obj* result = pop();
            return convert(result, 0);
        }
        case '(': // MARK
            m_marks.push_back(m_stack.size());
            break;
        case '0': // POP
            if (m_stack.size() > base())
                m_stack.pop_back();
            else if (!m_marks.empty())
                popMark();
            else
                fail("pickle stack underflow");
            break;
        case '1': // POP_MARK
            popMark();
            break;
        case '2': // DUP
            push(top());
            break;
        case 'N':
            push(&m_none);
            break;
        case 0x88: // NEWTRUE
            push(&m_true);
            break;
        case 0x89: // NEWFALSE
            push(&m_false);
            break;
        case 'J': // BININT
            push(makeInt(int32_t(u32())));
            break;
        case 'K': // BININT1
            push(makeInt(u8()));
            break;
        case 'M': // BININT2
            push(makeInt(u16()));
            break;
        case 0x8a:   // LONG1
        case 0x8b: { // LONG4
            const uint64_t n = op == 0x8a ? u8() : u32();
            if (n > 8)
                fail("integer does not fit in 64 bits");
            const unsigned char* p = take(n);
            uint64_t v = 0;
            for (uint64_t i = 0; i < n; ++i)
                v |= uint64_t(p[i]) << (8 * i);
            if (n > 0 && n < 8 && (p[n - 1] & 0x80))
                v |= ~uint64_t(0) << (8 * n); // sign-extend
            push(makeInt(int64_t(v)));
            break;
        }
        case 'G': { // BINFLOAT, big-endian
            const unsigned char* p = take(8);
            uint64_t bits = 0;
            for (int i = 0; i < 8; ++i)
                bits = (bits << 8) | p[i];
            double d;
            std::memcpy(&d, &bits, sizeof d);
            Obj* o = make(ObjType::Double);
            o->real = d;
            push(o);
            break;
        }
        case 'X': // BINUNICODE
        case 'B': // BINBYTES
            push(makeString(bytes(u32())));
            break;
        case 0x8c: // SHORT_BINUNICODE
        case 'U':  // SHORT_BINSTRING
        case 'C':  // SHORT_BINBYTES
            push(makeString(bytes(u8())));
            break;
        case 0x8d: // BINUNICODE8
        case 0x8e: // BINBYTES8
            push(makeString(bytes(u64())));
            break;
        case 'T': { // BINSTRING
            const int32_t n = int32_t(u32());
            if (n < 0)
                fail("negative string length");
            push(makeString(bytes(uint64_t(n))));
            break;
        }
        case ']':
            push(make(ObjType::List));
            break;
        case '}':
            push(make(ObjType::Dict));
            break;
        case ')':
            push(make(ObjType::Tuple));
            break;
        case 'l': { // LIST
            Obj* o = make(ObjType::List);
            o->items = popMark();
            push(o);
            break;
        }
        case 't': { // TUPLE
            Obj* o = make(ObjType::Tuple);
            o->items = popMark();
            push(o);
            break;
        }
        case 0x85:   // TUPLE1
        case 0x86:   // TUPLE2
        case 0x87: { // TUPLE3
            const size_t n = size_t(op - 0x84);
            Obj* o = make(ObjType::Tuple);
            o->items.resize(n);
            for (size_t i = n; i-- > 0;)
                o->items[i] = pop();
            push(o);
            break;
        }
        case 'd': { // DICT
            std::vector<Obj*> items = popMark();
            if (items.size() % 2 != 0)
                fail("odd number of items for a dict");
            Obj* o = make(ObjType::Dict);
            for (size_t i = 0; i < items.size(); i += 2)
                setItem(o, items[i], items[i + 1]);
            push(o);
            break;
        }
        case 'a': { // APPEND
            Obj* value = pop();
            Obj* list = top();
            if (list->type != ObjType::List)
                fail("APPEND to something that is not a list");
            list->items.push_back(value);
            break;
        }
        case 'e': { // APPENDS
            std::vector<Obj*> items = popMark();
            Obj* list = top();
            if (list->type != ObjType::List)
                fail("APPENDS to something that is not a list");
            list->items.insert(list->items.end(), items.begin(), items.end());
            break;
        }
        case 's': { // SETITEM
            Obj* value = pop();
            Obj* key = pop();
            setItem(top(), key, value);
            break;
        }
        case 'u': { // SETITEMS
            std::vector<Obj*> items = popMark();
            if (items.size() % 2 != 0)
                fail("odd number of items for SETITEMS");
            Obj* dict = top();
            for (size_t i = 0; i < items.size(); i += 2)
                setItem(dict, items[i], items[i + 1]);
            break;
        }
        case 'q': // BINPUT
            memoPut(u8());
            break;
        case 'r': // LONG_BINPUT
            memoPut(u32());
            break;
        case 0x94: // MEMOIZE
            memoPut(m_memo.size());
            break;
        case 'h': // BINGET
            push(memoGet(u8()));
            break;
        case 'j': // LONG_BINGET
            push(memoGet(u32()));
            break;
        case 'c': { // GLOBAL
            const std::string module = line();
            const std::string name = line();
            push(global(module, name));
            break;
        }
        case 0x93: { // STACK_GLOBAL
            Obj* name = pop();
            Obj* module = pop();
            if (name->type != ObjType::String || module->type != ObjType::String)
                fail("STACK_GLOBAL without module and name strings");
            push(global(module->text, name->text));
            break;
        }
        case 'Q': { // BINPERSID
            Obj* pid = pop();
            push(persistentLoad(pid));
            break;
        }
        case 'R': { // REDUCE
            Obj* args = pop();
            Obj* fn = pop();
            push(call(fn, args));
            break;
        }
        case 0x81: { // NEWOBJ
            Obj* args = pop();
            Obj* cls = pop();
            if (cls->type != ObjType::Global || cls->text != "collections.OrderedDict")
                fail("cannot create an object of type '" + (cls->type == ObjType::Global ? cls->text : "?") + "'");
            push(call(cls, args));
            break;
        }
        case 'b': { // BUILD
            Obj* state = pop();
            Obj* target = top();
            // An OrderedDict state_dict carries its `_metadata` (module versions)
            // as state; a tensor may carry Python attributes. Neither matters here.
            if (target->type != ObjType::Dict && target->type != ObjType::Tensor)
                fail("cannot set the state of a pickled object of this kind");
            (void)state;
            break;
        }
        default: {
            static const char* hex = "0123456789abcdef";
            fail(std::string("unsupported pickle opcode 0x") + hex[op >> 4] + hex[op & 15]);
        }
        }
    }
}

void Unpickler::setItem(Obj* dict, Obj* key, Obj* value)
{
    if (dict->type != ObjType::Dict)
        fail("SETITEM on something that is not a dict");
    std::string index;
    if (key->type == ObjType::String)
        index = "s" + key->text;
    else if (key->type == ObjType::Int)
        index = "i" + std::to_string(key->integer);
    if (index.empty()) {
        dict->entries.emplace_back(key, value);
        return;
    }
    if (!dict->keyIndex)
        dict->keyIndex = std::make_unique<std::unordered_map<std::string, size_t>>();
    const auto [it, inserted] = dict->keyIndex->emplace(index, dict->entries.size());
    if (inserted)
        dict->entries.emplace_back(key, value);
    else
        dict->entries[it->second].second = value; // Python semantics: the last value wins
}

Obj* Unpickler::global(const std::string& module, const std::string& name)
{
    static const char* const kFunctions[] = {
        "collections.OrderedDict",
        "torch._utils._rebuild_tensor_v2",
        "torch._utils._rebuild_tensor_v3",
        "torch._utils._rebuild_parameter",
        "torch._utils._rebuild_parameter_with_state",
        "torch._tensor._rebuild_from_type_v2",
        "torch.jit._pickle.restore_type_tag",
        "torch.jit._pickle.build_intlist",
        "torch.jit._pickle.build_doublelist",
        "torch.jit._pickle.build_boollist",
        "torch.jit._pickle.build_tensorlist",
        "torch.jit._pickle.build_genericlist",
        "torch.device",
        "torch.Size",
    };
    static const char* const kClasses[] = {"torch.Tensor", "torch._tensor.Tensor", "torch.nn.parameter.Parameter"};

    const std::string full = module + "." + name;
    Obj* o = make(ObjType::Global);
    o->text = full;
    for (const char* f : kFunctions)
        if (full == f)
            return o;
    o->globalKind = GlobalKind::Class;
    for (const char* c : kClasses)
        if (full == c)
            return o;
    if (module == "torch" || module == "torch.cuda" || module == "torch.storage") {
        o->globalKind = GlobalKind::StorageType;
        if (name == "UntypedStorage" || name == "_UntypedStorage") {
            o->dtype = at::kByte;
            return o;
        }
        if (module != "torch.storage")
            for (const auto& s : kStorageTypes)
                if (name == s.name) {
                    o->dtype = s.type;
                    return o;
                }
    }
    if (module == "torch") {
        o->globalKind = GlobalKind::Dtype;
        for (const auto& d : kDtypes)
            if (name == d.name) {
                o->dtype = d.type;
                return o;
            }
    }
    std::string hint;
    if (module.rfind("__torch__", 0) == 0)
        hint = "; this looks like a TorchScript module (torch.jit.save): save its state_dict() with torch.save instead";
    fail("unsupported Python object '" + full + "' in the file" + hint);
}

std::vector<int64_t> Unpickler::intSequence(const Obj* o, const char* what)
{
    if (o->type != ObjType::Tuple && o->type != ObjType::List)
        fail(std::string("tensor ") + what + " is not a tuple");
    if (o->items.size() > kMaxDims)
        fail(std::string("tensor ") + what + " has too many dimensions");
    std::vector<int64_t> values;
    for (const Obj* item : o->items) {
        if (item->type != ObjType::Int || item->integer < 0)
            fail(std::string("tensor ") + what + " holds something other than a non-negative integer");
        values.push_back(item->integer);
    }
    return values;
}

Obj* Unpickler::rebuildTensor(const Obj* storage, at::ScalarType dtype, const Obj* offsetObj, const Obj* sizeObj,
                              const Obj* strideObj)
{
    if (storage->type != ObjType::Storage)
        fail("tensor without a storage");
    if (offsetObj->type != ObjType::Int || offsetObj->integer < 0)
        fail("tensor with a bad storage offset");
    const StorageRef& ref = *storage->storage;
    const std::vector<int64_t> sizes = intSequence(sizeObj, "size");
    const std::vector<int64_t> strides = intSequence(strideObj, "stride");
    if (sizes.size() != strides.size())
        fail("tensor size and stride differ in length");
    const uint64_t itemSize = c10::elementSize(dtype);
    const uint64_t storageNumel = ref.nbytes / itemSize;

    // numel, and the same product with zeros counted as ones to rule out overflow anywhere.
    int64_t numel = 1;
    int64_t bound = 1;
    int64_t last = offsetObj->integer; // the largest element index the tensor touches
    for (size_t i = 0; i < sizes.size(); ++i) {
        if (__builtin_mul_overflow(bound, std::max<int64_t>(sizes[i], 1), &bound) || bound > kMaxNumel)
            fail("tensor size is implausibly large");
        numel *= sizes[i];
        int64_t reach = 0;
        if (sizes[i] > 0
            && (__builtin_mul_overflow(sizes[i] - 1, strides[i], &reach) || __builtin_add_overflow(last, reach, &last)))
            fail("tensor stride is implausibly large");
    }
    Obj* o = make(ObjType::Tensor);
    if (numel == 0) {
        o->tensor = at::empty(sizes, at::TensorOptions().dtype(dtype));
        return o;
    }
    if (uint64_t(last) >= storageNumel)
        fail("tensor reaches element " + std::to_string(last) + " of a storage with " + std::to_string(storageNumel)
             + " elements");
    m_tensorBytes += uint64_t(numel) * itemSize;
    if (m_tensorBytes > m_tensorByteLimit)
        fail("tensors add up to more data than the file can hold");

    // Bool bytes other than 0/1 would be undefined behaviour: read them as bytes.
    const at::ScalarType readAs = dtype == at::kBool ? at::kByte : dtype;
    at::Tensor all = at::from_blob(const_cast<char*>(ref.data), {int64_t(storageNumel)},
                                   at::TensorOptions().dtype(readAs));
    at::Tensor t = all.as_strided(sizes, strides, offsetObj->integer).clone(at::MemoryFormat::Contiguous);
    if (dtype == at::kBool)
        t = t.ne(0);
    o->tensor = t;
    return o;
}

Obj* Unpickler::persistentLoad(Obj* pid)
{
    // ('storage', <storage type>, key, location, numel)
    if (pid->type != ObjType::Tuple || pid->items.size() != 5 || pid->items[0]->type != ObjType::String
        || pid->items[0]->text != "storage")
        fail("unsupported persistent id (expected a torch.save storage reference)");
    const Obj* type = pid->items[1];
    const Obj* key = pid->items[2];
    const Obj* numel = pid->items[4];
    if (type->type != ObjType::Global || type->globalKind != GlobalKind::StorageType)
        fail("storage reference without a storage type");
    if (key->type != ObjType::String || numel->type != ObjType::Int || numel->integer < 0)
        fail("damaged storage reference");
    const uint64_t itemSize = c10::elementSize(type->dtype);
    if (uint64_t(numel->integer) > (uint64_t(1) << 62) / itemSize)
        fail("storage '" + key->text + "' is implausibly large");
    const uint64_t need = uint64_t(numel->integer) * itemSize;
    const auto [data, size] = m_loader(key->text);
    if (size < need)
        fail("storage '" + key->text + "' holds " + std::to_string(size) + " bytes but " + std::to_string(need)
             + " are needed; the file is damaged");
    m_storages.push_back({data, need, type->dtype});
    Obj* o = make(ObjType::Storage);
    o->storage = &m_storages.back();
    o->dtype = type->dtype;
    return o;
}

Obj* Unpickler::call(Obj* fn, Obj* argsObj)
{
    if (fn->type != ObjType::Global || fn->globalKind != GlobalKind::Function)
        fail("cannot call " + (fn->type == ObjType::Global ? "'" + fn->text + "'" : std::string("this object")));
    if (argsObj->type != ObjType::Tuple)
        fail("arguments of '" + fn->text + "' are not a tuple");
    const std::vector<Obj*>& args = argsObj->items;
    const std::string& f = fn->text;
    auto need = [&](size_t lo, size_t hi) {
        if (args.size() < lo || args.size() > hi)
            fail("'" + f + "' called with " + std::to_string(args.size()) + " arguments");
    };

    if (f == "collections.OrderedDict") {
        need(0, 0);
        return make(ObjType::Dict);
    }
    if (f == "torch._utils._rebuild_tensor_v2") {
        // (storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])
        need(6, 7);
        if (args[0]->type != ObjType::Storage)
            fail("tensor without a storage");
        return rebuildTensor(args[0], args[0]->dtype, args[1], args[2], args[3]);
    }
    if (f == "torch._utils._rebuild_tensor_v3") {
        // (storage, storage_offset, size, stride, requires_grad, backward_hooks, dtype[, metadata])
        need(7, 8);
        if (args[6]->type != ObjType::Global || args[6]->globalKind != GlobalKind::Dtype)
            fail("tensor without a dtype");
        return rebuildTensor(args[0], args[6]->dtype, args[1], args[2], args[3]);
    }
    if (f == "torch._utils._rebuild_parameter" || f == "torch._utils._rebuild_parameter_with_state") {
        need(f == "torch._utils._rebuild_parameter" ? 3 : 4, f == "torch._utils._rebuild_parameter" ? 3 : 4);
        if (args[0]->type != ObjType::Tensor)
            fail("parameter without a tensor");
        return args[0];
    }
    if (f == "torch._tensor._rebuild_from_type_v2") {
        // (func, new_type, args, state)
        need(4, 4);
        if (args[1]->type != ObjType::Global || args[1]->globalKind != GlobalKind::Class)
            fail("tensor of an unsupported subclass");
        Obj* result = call(args[0], args[2]);
        if (result->type != ObjType::Tensor)
            fail("tensor subclass without a tensor");
        return result;
    }
    if (f == "torch.jit._pickle.restore_type_tag") {
        need(2, 2);
        return args[0];
    }
    if (f.rfind("torch.jit._pickle.build_", 0) == 0) {
        need(1, 1);
        if (args[0]->type != ObjType::List)
            fail("'" + f + "' without a list");
        return args[0];
    }
    if (f == "torch.device") {
        need(1, 2);
        if (args[0]->type != ObjType::String || (args.size() == 2 && args[1]->type != ObjType::Int))
            fail("damaged torch.device");
        return makeString(args[0]->text + (args.size() == 2 ? ":" + std::to_string(args[1]->integer) : ""));
    }
    if (f == "torch.Size") {
        need(1, 1);
        if (args[0]->type != ObjType::Tuple && args[0]->type != ObjType::List)
            fail("damaged torch.Size");
        Obj* o = make(ObjType::Tuple);
        o->items = args[0]->items;
        return o;
    }
    fail("cannot call '" + f + "'");
}

TorchValue Unpickler::convert(const Obj* o, size_t depth)
{
    if (depth > kMaxDepth)
        fail("objects nested more than " + std::to_string(kMaxDepth) + " levels deep");
    if (m_nodeBudget == 0)
        fail("the pickle expands to too many objects");
    --m_nodeBudget;
    TorchValue v;
    switch (o->type) {
    case ObjType::None:
        v.kind = TorchValue::Kind::None;
        break;
    case ObjType::Bool:
        v.kind = TorchValue::Kind::Bool;
        v.boolean = o->boolean;
        break;
    case ObjType::Int:
        v.kind = TorchValue::Kind::Int;
        v.integer = o->integer;
        break;
    case ObjType::Double:
        v.kind = TorchValue::Kind::Double;
        v.real = o->real;
        break;
    case ObjType::String:
        v.kind = TorchValue::Kind::String;
        v.string = o->text;
        break;
    case ObjType::Tensor:
        v.kind = TorchValue::Kind::Tensor;
        v.tensor = o->tensor;
        break;
    case ObjType::List:
    case ObjType::Tuple:
        v.kind = o->type == ObjType::List ? TorchValue::Kind::List : TorchValue::Kind::Tuple;
        v.items.reserve(o->items.size());
        for (const Obj* item : o->items)
            v.items.push_back(convert(item, depth + 1));
        break;
    case ObjType::Dict:
        v.kind = TorchValue::Kind::Dict;
        v.entries.reserve(o->entries.size());
        for (const auto& [key, value] : o->entries) {
            TorchValue k = convert(key, depth + 1);
            v.entries.emplace_back(std::move(k), convert(value, depth + 1));
        }
        break;
    case ObjType::Global:
        if (o->globalKind != GlobalKind::Dtype)
            fail("the file holds a bare '" + o->text + "' object");
        v.kind = TorchValue::Kind::String;
        v.string = o->text;
        break;
    case ObjType::Storage:
        fail("the file holds a bare storage, not a tensor");
    }
    return v;
}

} // namespace

TorchValue unpickle(const std::string& name, std::string_view pickle, StorageLoader loader, uint64_t tensorByteLimit)
{
    Unpickler unpickler(name, pickle, std::move(loader), tensorByteLimit);
    return unpickler.run();
}

} // namespace parity::detail
