/*
 * AML encoder: the subset of ACPI 6.3 §20.2 (AML grammar) and §6.4
 * (resource data types) that mimic's DSDT uses. Opcode values are the
 * grammar's; see aml.h for the calling convention.
 */
#include "hw/acpi/aml.h"

#include <stdarg.h>
#include <string.h>

#include "hw/core/memory.h"

/* §20.3 opcodes */
#define AML_ZERO_OP 0x00
#define AML_ONE_OP 0x01
#define AML_NAME_OP 0x08
#define AML_BYTE_PREFIX 0x0a
#define AML_WORD_PREFIX 0x0b
#define AML_DWORD_PREFIX 0x0c
#define AML_QWORD_PREFIX 0x0e
#define AML_SCOPE_OP 0x10
#define AML_BUFFER_OP 0x11
#define AML_PACKAGE_OP 0x12
#define AML_METHOD_OP 0x14
#define AML_DUAL_NAME_PREFIX 0x2e
#define AML_MULTI_NAME_PREFIX 0x2f
#define AML_EXT_OP_PREFIX 0x5b
#define AML_EXT_OP_REGION_OP 0x80 /* after the prefix */
#define AML_EXT_FIELD_OP 0x81
#define AML_EXT_DEVICE_OP 0x82
#define AML_ROOT_CHAR '\\'
#define AML_PARENT_PREFIX_CHAR '^'
#define AML_LOCAL0_OP 0x60
#define AML_ARG0_OP 0x68
#define AML_STORE_OP 0x70
#define AML_AND_OP 0x7b
#define AML_OR_OP 0x7d
#define AML_DEREF_OF_OP 0x83
#define AML_INDEX_OP 0x88
#define AML_IF_OP 0xa0
#define AML_RETURN_OP 0xa4
#define AML_NULL_NAME 0x00 /* an empty Target: the result is not stored */

/* §6.4 descriptor tags: small items are (name << 3) | length */
#define RES_IO_PORT 0x47    /* I/O port descriptor, 7 bytes */
#define RES_END_TAG 0x79    /* End Tag, 1 byte */
#define RES_DWORD_ADDR 0x87 /* large items: bit 7 set, then the item name */
#define RES_WORD_ADDR 0x88
#define RES_EXT_IRQ 0x89

Aml *aml_new(void)
{
    return g_byte_array_new();
}

void aml_free(Aml *a)
{
    if (a) {
        g_byte_array_free(a, TRUE);
    }
}

static void aml_byte(Aml *a, uint8_t b)
{
    g_byte_array_append(a, &b, 1);
}

void aml_append(Aml *dst, Aml *src)
{
    g_byte_array_append(dst, src->data, src->len);
    aml_free(src);
}

Aml *aml_list(Aml *first, ...)
{
    Aml *a = aml_new();
    va_list ap;
    va_start(ap, first);
    for (Aml *t = first; t; t = va_arg(ap, Aml *)) {
        aml_append(a, t);
    }
    va_end(ap);
    return a;
}

/*
 * ComputationalData for an integer: the one-byte constants where they fit,
 * else the shortest prefixed form. OnesOp is not used: its value depends on
 * the DSDT's revision, and an explicit QWordConst says the same thing.
 */
Aml *aml_int(uint64_t v)
{
    Aml *a = aml_new();
    uint8_t b[8];
    if (v == 0) {
        aml_byte(a, AML_ZERO_OP);
    } else if (v == 1) {
        aml_byte(a, AML_ONE_OP);
    } else if (v <= 0xff) {
        aml_byte(a, AML_BYTE_PREFIX);
        aml_byte(a, v);
    } else if (v <= 0xffff) {
        aml_byte(a, AML_WORD_PREFIX);
        st16(b, v);
        g_byte_array_append(a, b, 2);
    } else if (v <= 0xffffffff) {
        aml_byte(a, AML_DWORD_PREFIX);
        st32(b, v);
        g_byte_array_append(a, b, 4);
    } else {
        aml_byte(a, AML_QWORD_PREFIX);
        st64(b, v);
        g_byte_array_append(a, b, 8);
    }
    return a;
}

/*
 * A compressed EISA ID (§19.6.35, EISAID): three upper-case letters, five
 * bits each as (letter - 0x40), packed big-endian into the first two bytes
 * after a zero bit, then the four hex digits as two bytes, most significant
 * first. Always a DWordConst, as ASL compilers emit it, so that OSes that
 * compare the encoded _HID see the usual form.
 */
Aml *aml_eisaid(const char *id)
{
    g_assert(strlen(id) == 7);
    uint32_t v = 0;
    for (int i = 0; i < 3; i++) {
        g_assert(g_ascii_isupper(id[i]));
        v = (v << 5) | (uint32_t)(id[i] - 0x40);
    }
    for (int i = 3; i < 7; i++) {
        g_assert(g_ascii_isxdigit(id[i]) && !g_ascii_islower(id[i]));
        v = (v << 4) | (uint32_t)g_ascii_xdigit_value(id[i]);
    }
    Aml *a = aml_new();
    uint8_t b[4] = { v >> 24, v >> 16, v >> 8, v };
    aml_byte(a, AML_DWORD_PREFIX);
    g_byte_array_append(a, b, 4);
    return a;
}

/* One NameSeg: a lead character, up to three more, padded with '_'. */
static void aml_name_seg(Aml *a, const char *seg, size_t len)
{
    g_assert(len >= 1 && len <= 4);
    g_assert(seg[0] == '_' || g_ascii_isupper(seg[0]));
    for (size_t i = 0; i < 4; i++) {
        char c = i < len ? seg[i] : '_';
        g_assert(c == '_' || g_ascii_isupper(c) || g_ascii_isdigit(c));
        aml_byte(a, c);
    }
}

/*
 * NameString from ASL spelling: an optional root '\' or '^' prefixes, then
 * NameSegs separated by '.', encoded as a single NameSeg, a DualNamePath or
 * a MultiNamePath (§20.2.2).
 */
Aml *aml_path(const char *path)
{
    Aml *a = aml_new();
    if (*path == AML_ROOT_CHAR) {
        aml_byte(a, AML_ROOT_CHAR);
        path++;
    } else {
        while (*path == AML_PARENT_PREFIX_CHAR) {
            aml_byte(a, AML_PARENT_PREFIX_CHAR);
            path++;
        }
    }
    gchar **segs = g_strsplit(path, ".", -1);
    guint n = g_strv_length(segs);
    g_assert(n >= 1 && n <= 255);
    if (n == 2) {
        aml_byte(a, AML_DUAL_NAME_PREFIX);
    } else if (n > 2) {
        aml_byte(a, AML_MULTI_NAME_PREFIX);
        aml_byte(a, n);
    }
    for (guint i = 0; i < n; i++) {
        aml_name_seg(a, segs[i], strlen(segs[i]));
    }
    g_strfreev(segs);
    return a;
}

Aml *aml_arg(unsigned n)
{
    g_assert(n <= 6);
    Aml *a = aml_new();
    aml_byte(a, AML_ARG0_OP + n);
    return a;
}

Aml *aml_local(unsigned n)
{
    g_assert(n <= 7);
    Aml *a = aml_new();
    aml_byte(a, AML_LOCAL0_OP + n);
    return a;
}

/*
 * PkgLength (§20.2.4) for content_len bytes that follow it. The encoded
 * length counts the PkgLength bytes themselves, so the byte count is chosen
 * first: one byte holds up to 63, otherwise bits 7-6 of the lead byte give
 * the number of following bytes, its bits 3-0 the low nibble and each
 * following byte the next eight bits.
 */
static void aml_pkg_length(Aml *a, size_t content_len)
{
    static const size_t limit[] = { 0x3f, 0xfff, 0xfffff, 0xfffffff };
    unsigned n = 1;
    while (content_len + n > limit[n - 1]) {
        n++;
        g_assert(n <= 4);
    }
    size_t total = content_len + n;
    if (n == 1) {
        aml_byte(a, total);
        return;
    }
    aml_byte(a, ((n - 1) << 6) | (total & 0xf));
    for (unsigned i = 1; i < n; i++) {
        aml_byte(a, total >> (4 + 8 * (i - 1)));
    }
}

/* op [ext] PkgLength body: the shape of every block-structured term. */
static Aml *aml_pkg(const uint8_t *op, size_t op_len, Aml *body)
{
    Aml *a = aml_new();
    g_byte_array_append(a, op, op_len);
    aml_pkg_length(a, body->len);
    aml_append(a, body);
    return a;
}

/* DefPackage: PackageOp PkgLength NumElements PackageElementList. */
Aml *aml_package(uint8_t count, Aml *elements)
{
    static const uint8_t op = AML_PACKAGE_OP;
    Aml *body = aml_new();
    aml_byte(body, count);
    aml_append(body, elements);
    return aml_pkg(&op, 1, body);
}

/* DefBuffer: BufferOp PkgLength BufferSize ByteList. */
Aml *aml_buffer(const uint8_t *bytes, size_t len)
{
    static const uint8_t op = AML_BUFFER_OP;
    Aml *body = aml_int(len);
    g_byte_array_append(body, bytes, len);
    return aml_pkg(&op, 1, body);
}

/* DefName: NameOp NameString DataRefObject. */
Aml *aml_name(const char *path, Aml *object)
{
    Aml *a = aml_new();
    aml_byte(a, AML_NAME_OP);
    aml_append(a, aml_path(path));
    aml_append(a, object);
    return a;
}

/* DefScope / DefDevice: op PkgLength NameString TermList. */
static Aml *aml_named_block(const uint8_t *op, size_t op_len, const char *path, Aml *body)
{
    Aml *inner = aml_path(path);
    aml_append(inner, body);
    return aml_pkg(op, op_len, inner);
}

Aml *aml_scope(const char *path, Aml *body)
{
    static const uint8_t op = AML_SCOPE_OP;
    return aml_named_block(&op, 1, path, body);
}

Aml *aml_device(const char *path, Aml *body)
{
    static const uint8_t op[2] = { AML_EXT_OP_PREFIX, AML_EXT_DEVICE_OP };
    return aml_named_block(op, 2, path, body);
}

/* DefMethod: MethodOp PkgLength NameString MethodFlags TermList. MethodFlags:
 * argument count in bits 2:0, SerializeFlag bit 3, SyncLevel 0. */
Aml *aml_method(const char *path, unsigned nargs, bool serialized, Aml *body)
{
    static const uint8_t op = AML_METHOD_OP;
    g_assert(nargs <= 7);
    Aml *inner = aml_path(path);
    aml_byte(inner, nargs | (serialized ? 0x08 : 0));
    aml_append(inner, body);
    return aml_pkg(&op, 1, inner);
}

/* DefOpRegion: OpRegionOp NameString RegionSpace RegionOffset RegionLen. */
Aml *aml_opregion(const char *path, uint8_t space, uint64_t offset, uint64_t len)
{
    Aml *a = aml_new();
    aml_byte(a, AML_EXT_OP_PREFIX);
    aml_byte(a, AML_EXT_OP_REGION_OP);
    aml_append(a, aml_path(path));
    aml_byte(a, space);
    aml_append(a, aml_int(offset));
    aml_append(a, aml_int(len));
    return a;
}

/*
 * DefField: FieldOp PkgLength NameString FieldFlags FieldList. A NamedField
 * is a NameSeg and its width in bits as a PkgLength-style number (no self
 * count); a ReservedField is a zero byte and a width.
 */
static void aml_field_width(Aml *a, unsigned bits)
{
    g_assert(bits >= 1 && bits <= 0xfffffff);
    if (bits <= 0x3f) {
        aml_byte(a, bits);
        return;
    }
    unsigned n = bits <= 0xfff ? 1 : bits <= 0xfffff ? 2 : 3;
    aml_byte(a, (n << 6) | (bits & 0xf));
    for (unsigned i = 0; i < n; i++) {
        aml_byte(a, bits >> (4 + 8 * i));
    }
}

Aml *aml_field(const char *region, uint8_t flags, const AmlField *fields, size_t n)
{
    static const uint8_t op[2] = { AML_EXT_OP_PREFIX, AML_EXT_FIELD_OP };
    Aml *inner = aml_path(region);
    aml_byte(inner, flags);
    for (size_t i = 0; i < n; i++) {
        if (fields[i].name) {
            aml_name_seg(inner, fields[i].name, strlen(fields[i].name));
        } else {
            aml_byte(inner, 0x00);
        }
        aml_field_width(inner, fields[i].bits);
    }
    return aml_pkg(op, 2, inner);
}

Aml *aml_return(Aml *value)
{
    Aml *a = aml_new();
    aml_byte(a, AML_RETURN_OP);
    aml_append(a, value);
    return a;
}

/* DefIfElse without Else: IfOp PkgLength Predicate TermList. */
Aml *aml_if(Aml *predicate, Aml *body)
{
    static const uint8_t op = AML_IF_OP;
    aml_append(predicate, body);
    return aml_pkg(&op, 1, predicate);
}

Aml *aml_store(Aml *value, Aml *target)
{
    Aml *a = aml_new();
    aml_byte(a, AML_STORE_OP);
    aml_append(a, value);
    aml_append(a, target);
    return a;
}

/* op Operand Operand Target, with NullName as the target. */
static Aml *aml_op2(uint8_t op, Aml *x, Aml *y)
{
    Aml *a = aml_new();
    aml_byte(a, op);
    aml_append(a, x);
    aml_append(a, y);
    aml_byte(a, AML_NULL_NAME);
    return a;
}

Aml *aml_and(Aml *x, Aml *y)
{
    return aml_op2(AML_AND_OP, x, y);
}

Aml *aml_or(Aml *x, Aml *y)
{
    return aml_op2(AML_OR_OP, x, y);
}

Aml *aml_index(Aml *object, Aml *index)
{
    return aml_op2(AML_INDEX_OP, object, index);
}

Aml *aml_derefof(Aml *ref)
{
    Aml *a = aml_new();
    aml_byte(a, AML_DEREF_OF_OP);
    aml_append(a, ref);
    return a;
}

/* ---- resource descriptors (§6.4) ---- */

/* I/O port descriptor (§6.4.2.5): 16-bit decode, fixed or relocatable range. */
void aml_res_io(GByteArray *r, uint16_t min, uint16_t max, uint8_t align, uint8_t len)
{
    uint8_t d[8] = { RES_IO_PORT, 0x01 /* decodes 16 address bits */ };
    st16(d + 2, min);
    st16(d + 4, max);
    d[6] = align;
    d[7] = len;
    g_byte_array_append(r, d, sizeof(d));
}

/*
 * Word and DWord address space descriptors (§6.4.3.5.3, §6.4.3.5.2): tag,
 * 16-bit length of what follows, resource type, general flags, type-specific
 * flags, then granularity, minimum, maximum, translation offset and length.
 * A fixed window: granularity 0 (the spec's value for a bridge window whose
 * bounds are both fixed), no translation, length max - min + 1.
 */
void aml_res_word(GByteArray *r, uint8_t type, uint8_t flags, uint8_t type_flags, uint16_t min, uint16_t max)
{
    uint8_t d[16] = { RES_WORD_ADDR };
    st16(d + 1, sizeof(d) - 3);
    d[3] = type;
    d[4] = flags;
    d[5] = type_flags;
    st16(d + 6, 0);
    st16(d + 8, min);
    st16(d + 10, max);
    st16(d + 12, 0);
    st16(d + 14, max - min + 1);
    g_byte_array_append(r, d, sizeof(d));
}

void aml_res_dword(GByteArray *r, uint8_t type, uint8_t flags, uint8_t type_flags, uint32_t min, uint32_t max)
{
    uint8_t d[26] = { RES_DWORD_ADDR };
    st16(d + 1, sizeof(d) - 3);
    d[3] = type;
    d[4] = flags;
    d[5] = type_flags;
    st32(d + 6, 0);
    st32(d + 10, min);
    st32(d + 14, max);
    st32(d + 18, 0);
    st32(d + 22, max - min + 1);
    g_byte_array_append(r, d, sizeof(d));
}

/* Extended interrupt descriptor (§6.4.3.6): flags, count, 32-bit numbers. */
void aml_res_ext_irq(GByteArray *r, uint8_t flags, const uint32_t *irqs, uint8_t n)
{
    g_assert(n >= 1);
    uint8_t d[5] = { RES_EXT_IRQ };
    st16(d + 1, 2 + 4 * n);
    d[3] = flags;
    d[4] = n;
    g_byte_array_append(r, d, sizeof(d));
    for (uint8_t i = 0; i < n; i++) {
        uint8_t v[4];
        st32(v, irqs[i]);
        g_byte_array_append(r, v, 4);
    }
}

/* End Tag (§6.4.2.9): the checksum byte makes the whole template sum to 0. */
Aml *aml_resource_template(GByteArray *r, bool checksum)
{
    aml_byte(r, RES_END_TAG);
    uint8_t sum = 0;
    for (guint i = 0; checksum && i < r->len; i++) {
        sum += r->data[i];
    }
    aml_byte(r, (uint8_t)-sum);
    Aml *buf = aml_buffer(r->data, r->len);
    g_byte_array_free(r, TRUE);
    return buf;
}
