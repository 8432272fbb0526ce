#include "io/TorchFile.h"

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
    case Kind::None: return "None";
    case Kind::Bool: return "bool";
    case Kind::Int: return "int";
    case Kind::Double: return "float";
    case Kind::String: return "str";
    case Kind::Tensor: return "tensor";
    case Kind::List: return "list";
    case Kind::Tuple: return "tuple";
    case Kind::Dict: return "dict";
    }
    return "?";
}

namespace {

constexpr size_t kMaxDepth = 200;          // nesting of containers in the result
constexpr size_t kMaxDims = 64;            // tensor dimensions
constexpr int64_t kMaxNumel = int64_t(1) << 50;

uint16_t le16(const unsigned char* p) { return uint16_t(p[0] | (p[1] << 8)); }
uint32_t le32(const unsigned char* p) { return uint32_t(le16(p)) | (uint32_t(le16(p + 2)) << 16); }
uint64_t le64(const unsigned char* p) { return uint64_t(le32(p)) | (uint64_t(le32(p + 4)) << 32); }

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
    if (eocd >= 20 && le32(data + eocd - 20) == 0x07064b50) {   // zip64 locator
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
        if (le16(data + pos + 8) & 0x61)   // encrypted, strongly encrypted or patch data
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
            if (unpacked / 1032 > entry.packed + 1)   // deflate cannot expand more than ~1032:1
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
            continue;   // never written compressed; leave it to miniz
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

/// Bounds-checked in-memory input for PyTorchStreamReader.
class MemoryAdapter final : public caffe2::serialize::ReadAdapterInterface {
public:
    explicit MemoryAdapter(const std::string& bytes) : m_bytes(bytes) {}
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
    std::string text;                                   // String; Global: "module.name"
    at::Tensor tensor;
    std::vector<Obj*> items;                            // List, Tuple
    std::vector<std::pair<Obj*, Obj*>> entries;         // Dict
    std::unique_ptr<std::unordered_map<std::string, size_t>> keyIndex;   // Dict: str/int key -> entry
    GlobalKind globalKind = GlobalKind::Function;
    at::ScalarType dtype = at::ScalarType::Undefined;   // StorageType / Dtype globals
    const StorageRef* storage = nullptr;                // Storage
};

struct DtypeName {
    const char* name;
    at::ScalarType type;
};

const DtypeName kStorageTypes[] = {
    {"FloatStorage", at::kFloat},    {"DoubleStorage", at::kDouble}, {"HalfStorage", at::kHalf},
    {"BFloat16Storage", at::kBFloat16}, {"LongStorage", at::kLong}, {"IntStorage", at::kInt},
    {"ShortStorage", at::kShort},    {"CharStorage", at::kChar},     {"ByteStorage", at::kByte},
    {"BoolStorage", at::kBool},
};

const DtypeName kDtypes[] = {
    {"float32", at::kFloat}, {"float", at::kFloat},   {"float64", at::kDouble}, {"double", at::kDouble},
    {"float16", at::kHalf},  {"half", at::kHalf},     {"bfloat16", at::kBFloat16}, {"int64", at::kLong},
    {"long", at::kLong},     {"int32", at::kInt},     {"int", at::kInt},        {"int16", at::kShort},
    {"short", at::kShort},   {"int8", at::kChar},     {"uint8", at::kByte},     {"bool", at::kBool},
};

using StorageLoader = std::function<std::pair<const char*, uint64_t>(const std::string& key)>;

class Unpickler {
public:
    Unpickler(const std::string& name, std::string_view pickle, StorageLoader loader, uint64_t tensorByteLimit)
        : m_name(name), m_data(pickle), m_loader(std::move(loader)), m_tensorByteLimit(tensorByteLimit),
          m_nodeBudget(std::max<uint64_t>(uint64_t(1) << 18, uint64_t(pickle.size()) * 8))
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
    Obj* rebuildTensor(const Obj* storage, at::ScalarType dtype, const Obj* offset, const Obj* size,
                       const Obj* stride);
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

    std::deque<Obj> m_objects;         // owns every object; pointers stay valid
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
        case 0x80: {   // PROTO
            const uint8_t version = u8();
            if (version > 5)
                fail("unsupported pickle protocol " + std::to_string(version));
            break;
        }
        case 0x95:   // FRAME
            take(8);
            break;
        case '.': {   // STOP
            Obj* result = pop();
            return convert(result, 0);
        }
        case '(':   // MARK
            m_marks.push_back(m_stack.size());
            break;
        case '0':   // POP
            if (m_stack.size() > base())
                m_stack.pop_back();
            else if (!m_marks.empty())
                popMark();
            else
                fail("pickle stack underflow");
            break;
        case '1':   // POP_MARK
            popMark();
            break;
        case '2':   // DUP
            push(top());
            break;
        case 'N':
            push(&m_none);
            break;
        case 0x88:   // NEWTRUE
            push(&m_true);
            break;
        case 0x89:   // NEWFALSE
            push(&m_false);
            break;
        case 'J':   // BININT
            push(makeInt(int32_t(u32())));
            break;
        case 'K':   // BININT1
            push(makeInt(u8()));
            break;
        case 'M':   // BININT2
            push(makeInt(u16()));
            break;
        case 0x8a:    // LONG1
        case 0x8b: {  // LONG4
            const uint64_t n = op == 0x8a ? u8() : u32();
            if (n > 8)
                fail("integer does not fit in 64 bits");
            const unsigned char* p = take(n);
            uint64_t v = 0;
            for (uint64_t i = 0; i < n; ++i)
                v |= uint64_t(p[i]) << (8 * i);
            if (n > 0 && n < 8 && (p[n - 1] & 0x80))
                v |= ~uint64_t(0) << (8 * n);   // sign-extend
            push(makeInt(int64_t(v)));
            break;
        }
        case 'G': {   // BINFLOAT, big-endian
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
        case 'X':   // BINUNICODE
        case 'B':   // BINBYTES
            push(makeString(bytes(u32())));
            break;
        case 0x8c:   // SHORT_BINUNICODE
        case 'U':    // SHORT_BINSTRING
        case 'C':    // SHORT_BINBYTES
            push(makeString(bytes(u8())));
            break;
        case 0x8d:   // BINUNICODE8
        case 0x8e:   // BINBYTES8
            push(makeString(bytes(u64())));
            break;
        case 'T': {   // BINSTRING
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
        case 'l': {   // LIST
            Obj* o = make(ObjType::List);
            o->items = popMark();
            push(o);
            break;
        }
        case 't': {   // TUPLE
            Obj* o = make(ObjType::Tuple);
            o->items = popMark();
            push(o);
            break;
        }
        case 0x85:    // TUPLE1
        case 0x86:    // TUPLE2
        case 0x87: {  // TUPLE3
            const size_t n = size_t(op - 0x84);
            Obj* o = make(ObjType::Tuple);
            o->items.resize(n);
            for (size_t i = n; i-- > 0;)
                o->items[i] = pop();
            push(o);
            break;
        }
        case 'd': {   // DICT
            std::vector<Obj*> items = popMark();
            if (items.size() % 2 != 0)
                fail("odd number of items for a dict");
            Obj* o = make(ObjType::Dict);
            for (size_t i = 0; i < items.size(); i += 2)
                setItem(o, items[i], items[i + 1]);
            push(o);
            break;
        }
        case 'a': {   // APPEND
            Obj* value = pop();
            Obj* list = top();
            if (list->type != ObjType::List)
                fail("APPEND to something that is not a list");
            list->items.push_back(value);
            break;
        }
        case 'e': {   // APPENDS
            std::vector<Obj*> items = popMark();
            Obj* list = top();
            if (list->type != ObjType::List)
                fail("APPENDS to something that is not a list");
            list->items.insert(list->items.end(), items.begin(), items.end());
            break;
        }
        case 's': {   // SETITEM
            Obj* value = pop();
            Obj* key = pop();
            setItem(top(), key, value);
            break;
        }
        case 'u': {   // SETITEMS
            std::vector<Obj*> items = popMark();
            if (items.size() % 2 != 0)
                fail("odd number of items for SETITEMS");
            Obj* dict = top();
            for (size_t i = 0; i < items.size(); i += 2)
                setItem(dict, items[i], items[i + 1]);
            break;
        }
        case 'q':   // BINPUT
            memoPut(u8());
            break;
        case 'r':   // LONG_BINPUT
            memoPut(u32());
            break;
        case 0x94:   // MEMOIZE
            memoPut(m_memo.size());
            break;
        case 'h':   // BINGET
            push(memoGet(u8()));
            break;
        case 'j':   // LONG_BINGET
            push(memoGet(u32()));
            break;
        case 'c': {   // GLOBAL
            const std::string module = line();
            const std::string name = line();
            push(global(module, name));
            break;
        }
        case 0x93: {   // STACK_GLOBAL
            Obj* name = pop();
            Obj* module = pop();
            if (name->type != ObjType::String || module->type != ObjType::String)
                fail("STACK_GLOBAL without module and name strings");
            push(global(module->text, name->text));
            break;
        }
        case 'Q': {   // BINPERSID
            Obj* pid = pop();
            push(persistentLoad(pid));
            break;
        }
        case 'R': {   // REDUCE
            Obj* args = pop();
            Obj* fn = pop();
            push(call(fn, args));
            break;
        }
        case 0x81: {   // NEWOBJ
            Obj* args = pop();
            Obj* cls = pop();
            if (cls->type != ObjType::Global || cls->text != "collections.OrderedDict")
                fail("cannot create an object of type '" + (cls->type == ObjType::Global ? cls->text : "?") + "'");
            push(call(cls, args));
            break;
        }
        case 'b': {   // BUILD
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
        dict->entries[it->second].second = value;   // Python semantics: the last value wins
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
    int64_t last = offsetObj->integer;   // the largest element index the tensor touches
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
        fail("tensor reaches element " + std::to_string(last) + " of a storage with "
             + std::to_string(storageNumel) + " elements");
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
    case ObjType::None: v.kind = TorchValue::Kind::None; break;
    case ObjType::Bool: v.kind = TorchValue::Kind::Bool; v.boolean = o->boolean; break;
    case ObjType::Int: v.kind = TorchValue::Kind::Int; v.integer = o->integer; break;
    case ObjType::Double: v.kind = TorchValue::Kind::Double; v.real = o->real; break;
    case ObjType::String: v.kind = TorchValue::Kind::String; v.string = o->text; break;
    case ObjType::Tensor: v.kind = TorchValue::Kind::Tensor; v.tensor = o->tensor; break;
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

bool isLegacyTorchFile(const std::string& bytes)
{
    // Pre-1.6 torch.save: a pickle starting with a magic number; before that, a tar file.
    if (bytes.size() >= 2 && static_cast<unsigned char>(bytes[0]) == 0x80 && static_cast<unsigned char>(bytes[1]) <= 5)
        return true;
    return bytes.size() >= 262 && bytes.compare(257, 5, "ustar") == 0;
}

// ---------------------------------------------------------------- the writer

/// Pickles an IValue the way Python's torch.save does (protocol 2, tensors by
/// _rebuild_tensor_v2 with one storage record each), using only globals that
/// torch.load(weights_only=True) accepts.
class Pickler {
public:
    explicit Pickler(const std::string& path) : m_path(path) { m_out = "\x80\x02"; }

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
            op('\x8a');   // LONG1, 8 bytes two's complement
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
    op('(');   // persistent id: ('storage', torch.XStorage, key, 'cpu', numel)
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
    op('\x89');   // requires_grad False
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

TorchValue readTorchBytes(const std::string& bytes, const std::string& name)
{
    if (bytes.empty())
        throw Error(notAZip(name, "the file is empty"));
    if (isLegacyTorchFile(bytes))
        throw Error(name + ": a legacy torch.save file (the pre-1.6 format, or saved with "
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
        Unpickler unpickler(name, std::string_view(static_cast<const char*>(pickle.get()), pickleSize), loadStorage,
                            uint64_t(bytes.size()) * 4 + (uint64_t(64) << 20));
        return unpickler.run();
    } catch (const Error&) {
        throw;
    } catch (const std::bad_alloc&) {
        throw Error(name + ": out of memory while reading the file");
    } catch (const std::exception& e) {
        throw Error(name + ": cannot read the file (" + errorText(e) + ")");
    }
}

TorchValue readTorchFile(const std::string& path)
{
    return readTorchBytes(readWholeFile(path), path);
}

void writeTorchFile(const std::string& path, const c10::IValue& value)
{
    // Not torch::pickle_save: it tags typed containers with
    // torch.jit._pickle.restore_type_tag, which torch.load(weights_only=True),
    // the default since torch 2.6, refuses.
    Pickler pickler(path);
    pickler.write(value);
    const std::string pickle = pickler.finish();
    std::string bytes;
    try {
        caffe2::serialize::PyTorchStreamWriter writer([&](const void* data, size_t n) {
            bytes.append(static_cast<const char*>(data), n);
            return n;
        });
        writer.writeRecord("data.pkl", pickle.data(), pickle.size());
        writer.writeRecord("byteorder", "little", 6);
        for (size_t i = 0; i < pickler.storages().size(); ++i) {
            const at::Tensor& t = pickler.storages()[i];
            writer.writeRecord("data/" + std::to_string(i), t.data_ptr(), t.nbytes());
        }
        writer.writeEndOfFile();
    } catch (const std::exception& e) {
        throw Error("cannot write " + path + ": " + errorText(e));
    }
    writeFileAtomically(path, bytes);
}

} // namespace parity
