/*
 * ACPI table builder: checked against the ACPI 6.3 layouts (§5.2) by reading
 * the blob the way an OS does, starting from the RSDP, and with a small AML
 * decoder of its own (§20) that walks the DSDT's definitions: the sleep
 * objects, the PCI host bridge (IDs, _CRS descriptors per §6.4), _PRT and
 * the interrupt links. The links' methods run under ACPICA's acpiexec when
 * it is installed.
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "hw/acpi/pm.h"
#include "hw/acpi/tables.h"
#include "hw/core/memory.h"

#define BASE 0xe0000u

typedef struct Tables {
    GByteArray *blob;
    uint8_t rsdp[ACPI_RSDP_SIZE];
} Tables;

static AcpiConfig test_config(bool apic, int cpus)
{
    return (AcpiConfig){
        .pm_base = 0x600, .sci_irq = 9, .reset_port = 0xcf9, .reset_value = 0x06,
        .has_apic = apic, .lapic_addr = 0xfee00000u, .ioapic_addr = 0xfec00000u,
        .ioapic_id = 1, .cpus = cpus,
        .pci_mem_start = 0x10000000u, .pci_mem_end = 0xfebfffffu, /* 256 MiB of low RAM */
    };
}

static void tables_build(Tables *t, bool apic, int cpus)
{
    AcpiConfig cfg = test_config(apic, cpus);
    memset(t->rsdp, 0xcc, sizeof(t->rsdp));
    t->blob = acpi_build_tables(&cfg, BASE, t->rsdp);
    g_assert_nonnull(t->blob);
}

static uint8_t sum(const uint8_t *p, size_t len)
{
    uint8_t s = 0;
    for (size_t i = 0; i < len; i++) {
        s += p[i];
    }
    return s;
}

/* The table at guest address addr: inside the blob, its length inside too. */
static const uint8_t *table_at(Tables *t, uint64_t addr, const char *sig, uint32_t *len)
{
    g_assert_cmpuint(addr, >=, BASE);
    g_assert_cmpuint(addr - BASE + 8, <=, t->blob->len);
    const uint8_t *p = t->blob->data + (addr - BASE);
    g_assert_cmpmem(p, 4, sig, 4);
    uint32_t l = ld32(p + 4);
    g_assert_cmpuint(addr - BASE + l, <=, t->blob->len);
    if (len) {
        *len = l;
    }
    return p;
}

/* A table with the standard header: checksum, OEM ID. */
static const uint8_t *sdt_at(Tables *t, uint64_t addr, const char *sig, uint32_t *len)
{
    uint32_t l;
    const uint8_t *p = table_at(t, addr, sig, &l);
    g_assert_cmpuint(l, >=, 36);
    g_assert_cmpuint(sum(p, l), ==, 0);
    g_assert_cmpmem(p + 10, 6, "MIMIC ", 6);
    if (len) {
        *len = l;
    }
    return p;
}

static void test_rsdp(void)
{
    Tables t;
    tables_build(&t, true, 1);
    g_assert_cmpmem(t.rsdp, 8, "RSD PTR ", 8);
    g_assert_cmpuint(sum(t.rsdp, 20), ==, 0);
    g_assert_cmpuint(sum(t.rsdp, 36), ==, 0);
    g_assert_cmpmem(t.rsdp + 9, 6, "MIMIC ", 6);
    g_assert_cmpuint(t.rsdp[15], ==, 2);
    g_assert_cmpuint(ld32(t.rsdp + 20), ==, 36);
    g_assert_cmpuint(t.rsdp[33] | t.rsdp[34] | t.rsdp[35], ==, 0);
    sdt_at(&t, ld32(t.rsdp + 16), "RSDT", NULL);
    sdt_at(&t, ld64(t.rsdp + 24), "XSDT", NULL);
    g_byte_array_free(t.blob, TRUE);
}

/* Addresses listed by the RSDT (4-byte entries) or XSDT (8-byte entries). */
static unsigned root_entries(Tables *t, bool x, uint64_t *out, unsigned max)
{
    uint32_t len;
    const uint8_t *p = x ? sdt_at(t, ld64(t->rsdp + 24), "XSDT", &len) : sdt_at(t, ld32(t->rsdp + 16), "RSDT", &len);
    unsigned es = x ? 8 : 4;
    g_assert_cmpuint((len - 36) % es, ==, 0);
    unsigned n = (len - 36) / es;
    g_assert_cmpuint(n, <=, max);
    for (unsigned i = 0; i < n; i++) {
        out[i] = x ? ld64(p + 36 + 8 * i) : ld32(p + 36 + 4 * i);
    }
    return n;
}

static void test_root_tables(void)
{
    Tables t;
    uint64_t r[8], x[8];
    tables_build(&t, true, 1);
    unsigned n = root_entries(&t, false, r, 8);
    g_assert_cmpuint(n, ==, 2);
    g_assert_cmpuint(root_entries(&t, true, x, 8), ==, n);
    for (unsigned i = 0; i < n; i++) {
        g_assert_cmpuint(r[i], ==, x[i]);
    }
    sdt_at(&t, r[0], "FACP", NULL);
    sdt_at(&t, r[1], "APIC", NULL);
    g_byte_array_free(t.blob, TRUE);

    /* without an APIC there is no MADT */
    tables_build(&t, false, 1);
    g_assert_cmpuint(root_entries(&t, false, r, 8), ==, 1);
    sdt_at(&t, r[0], "FACP", NULL);
    g_assert_cmpuint(root_entries(&t, true, x, 8), ==, 1);
    g_byte_array_free(t.blob, TRUE);
}

static const uint8_t *find_fadt(Tables *t, uint32_t *len)
{
    uint64_t r[8];
    root_entries(t, false, r, 8);
    return sdt_at(t, r[0], "FACP", len);
}

static void check_gas(const uint8_t *g, uint8_t space, uint8_t width, uint64_t addr)
{
    g_assert_cmpuint(g[0], ==, space);
    g_assert_cmpuint(g[1], ==, width);
    g_assert_cmpuint(g[2], ==, 0);
    g_assert_cmpuint(ld64(g + 4), ==, addr);
}

static void test_fadt(void)
{
    Tables t;
    uint32_t len;
    tables_build(&t, true, 1);
    const uint8_t *f = find_fadt(&t, &len);
    g_assert_cmpuint(len, ==, 276);   /* ACPI 6.x FADT */
    g_assert_cmpuint(f[8], >=, 3);    /* the X_ fields exist */

    /* FACS: 64 bytes, 64-byte aligned; given by exactly one of the two fields */
    uint32_t facs = ld32(f + 36);
    g_assert_cmpuint(ld64(f + 132), ==, 0);
    g_assert_cmpuint(facs % 64, ==, 0);
    uint32_t facs_len;
    table_at(&t, facs, "FACS", &facs_len);
    g_assert_cmpuint(facs_len, ==, 64);

    uint32_t dsdt = ld32(f + 40);
    sdt_at(&t, dsdt, "DSDT", NULL);
    g_assert_cmpuint(ld64(f + 140), ==, dsdt);

    g_assert_cmpuint(ld16(f + 46), ==, 9);        /* SCI_INT */
    g_assert_cmpuint(ld32(f + 48), ==, 0);        /* SMI_CMD: always in ACPI mode */
    g_assert_cmpuint(ld32(f + 56), ==, 0x600 + ACPI_PM1_EVT_OFF);
    g_assert_cmpuint(ld32(f + 60), ==, 0);        /* no PM1b */
    g_assert_cmpuint(ld32(f + 64), ==, 0x600 + ACPI_PM1_CNT_OFF);
    g_assert_cmpuint(ld32(f + 76), ==, 0x600 + ACPI_PM_TMR_OFF);
    g_assert_cmpuint(f[88], ==, 4);               /* PM1_EVT_LEN */
    g_assert_cmpuint(f[89], ==, 2);               /* PM1_CNT_LEN */
    g_assert_cmpuint(f[91], ==, 4);               /* PM_TMR_LEN */
    g_assert_cmpuint(ld16(f + 109) & 0x2, ==, 0x2); /* 8042 present */

    uint32_t flags = ld32(f + 112);
    g_assert_true(flags & (1u << 10));  /* RESET_REG_SUP */
    g_assert_true(flags & (1u << 8));   /* TMR_VAL_EXT: 32-bit PM timer */
    g_assert_true(flags & (1u << 2));   /* PROC_C1 */
    g_assert_false(flags & (1u << 20)); /* not HW_REDUCED_ACPI */

    check_gas(f + 116, 1, 8, 0xcf9);    /* RESET_REG in system I/O */
    g_assert_cmpuint(f[128], ==, 0x06);

    check_gas(f + 148, 1, 32, 0x600 + ACPI_PM1_EVT_OFF);
    check_gas(f + 160, 0, 0, 0);
    check_gas(f + 172, 1, 16, 0x600 + ACPI_PM1_CNT_OFF);
    check_gas(f + 208, 1, 32, 0x600 + ACPI_PM_TMR_OFF);
    g_byte_array_free(t.blob, TRUE);
}

static void test_madt(void)
{
    Tables t;
    uint64_t r[8];
    uint32_t len;
    tables_build(&t, true, 2);
    root_entries(&t, false, r, 8);
    const uint8_t *m = sdt_at(&t, r[1], "APIC", &len);
    g_assert_cmpuint(ld32(m + 36), ==, 0xfee00000u);
    g_assert_cmpuint(ld32(m + 40) & 1, ==, 1); /* PCAT_COMPAT */

    int lapics = 0, ioapics = 0;
    bool irq0 = false, irq9 = false;
    for (uint32_t off = 44; off < len;) {
        const uint8_t *e = m + off;
        g_assert_cmpuint(e[1], >=, 2);
        g_assert_cmpuint(off + e[1], <=, len);
        switch (e[0]) {
        case 0: /* Processor Local APIC */
            g_assert_cmpuint(e[1], ==, 8);
            g_assert_cmpuint(e[2], ==, lapics); /* processor UID */
            g_assert_cmpuint(e[3], ==, lapics); /* APIC ID */
            g_assert_cmpuint(ld32(e + 4) & 1, ==, 1);
            lapics++;
            break;
        case 1: /* I/O APIC */
            g_assert_cmpuint(e[1], ==, 12);
            g_assert_cmpuint(e[2], ==, 1);
            g_assert_cmpuint(ld32(e + 4), ==, 0xfec00000u);
            g_assert_cmpuint(ld32(e + 8), ==, 0);
            ioapics++;
            break;
        case 2: /* Interrupt Source Override */
            g_assert_cmpuint(e[1], ==, 10);
            g_assert_cmpuint(e[2], ==, 0); /* ISA */
            if (e[3] == 0) {
                g_assert_cmpuint(ld32(e + 4), ==, 2);
                g_assert_cmpuint(ld16(e + 8), ==, 0); /* conforming: edge, high */
                irq0 = true;
            } else if (e[3] == 9) {
                g_assert_cmpuint(ld32(e + 4), ==, 9);
                g_assert_cmpuint(ld16(e + 8) & 3, ==, 1);        /* active high */
                g_assert_cmpuint((ld16(e + 8) >> 2) & 3, ==, 3); /* level */
                irq9 = true;
            } else {
                g_assert_not_reached();
            }
            break;
        default:
            break;
        }
        off += e[1];
    }
    g_assert_cmpint(lapics, ==, 2);
    g_assert_cmpint(ioapics, ==, 1);
    g_assert_true(irq0 && irq9);
    g_byte_array_free(t.blob, TRUE);
}

/* ---- a minimal AML reader (ACPI 6.3 §20.2), independent of the encoder ---- */

typedef struct AmlReader {
    const uint8_t *p;
    size_t pos, end;
} AmlReader;

static uint8_t aml_next(AmlReader *r)
{
    g_assert_cmpuint(r->pos, <, r->end);
    return r->p[r->pos++];
}

/* PkgLength: returns the end offset of the package it opens. */
static size_t aml_read_pkg_length(AmlReader *r)
{
    size_t start = r->pos;
    uint8_t lead = aml_next(r);
    unsigned follow = lead >> 6;
    size_t len;
    if (follow == 0) {
        len = lead & 0x3f;
    } else {
        g_assert_cmpuint(lead & 0x30, ==, 0);
        len = lead & 0x0f;
        for (unsigned i = 0; i < follow; i++) {
            len |= (size_t)aml_next(r) << (4 + 8 * i);
        }
    }
    g_assert_cmpuint(start + len, <=, r->end);
    return start + len;
}

static void aml_read_name_seg(AmlReader *r, GString *out)
{
    for (int i = 0; i < 4; i++) {
        char c = aml_next(r);
        g_assert_true(c == '_' || (c >= 'A' && c <= 'Z') || (i > 0 && c >= '0' && c <= '9'));
        g_string_append_c(out, c);
    }
}

static char *aml_read_name_string(AmlReader *r)
{
    GString *s = g_string_new(NULL);
    uint8_t c = r->p[r->pos];
    if (c == '\\') {
        g_string_append_c(s, aml_next(r));
    }
    while (r->p[r->pos] == '^') {
        g_string_append_c(s, aml_next(r));
    }
    unsigned segs = 1;
    if (r->p[r->pos] == 0x2e) {
        aml_next(r);
        segs = 2;
    } else if (r->p[r->pos] == 0x2f) {
        aml_next(r);
        segs = aml_next(r);
    } else if (r->p[r->pos] == 0x00) {
        aml_next(r);
        segs = 0;
    }
    for (unsigned i = 0; i < segs; i++) {
        if (i) {
            g_string_append_c(s, '.');
        }
        aml_read_name_seg(r, s);
    }
    return g_string_free(s, FALSE);
}

static uint64_t aml_read_le(AmlReader *r, unsigned n)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < n; i++) {
        v |= (uint64_t)aml_next(r) << (8 * i);
    }
    return v;
}

static uint64_t aml_read_integer(AmlReader *r)
{
    uint8_t op = aml_next(r);
    switch (op) {
    case 0x00: return 0;
    case 0x01: return 1;
    case 0xff: return ~0ull; /* OnesOp in a revision-2 table */
    case 0x0a: return aml_read_le(r, 1);
    case 0x0b: return aml_read_le(r, 2);
    case 0x0c: return aml_read_le(r, 4);
    case 0x0e: return aml_read_le(r, 8);
    }
    g_test_message("unexpected AML opcode 0x%02x in a package", op);
    g_assert_not_reached();
}

/* A named object the walker found: its absolute path and where its bytes are. */
typedef struct AmlObj {
    char *path;          /* "\_SB_.PCI0._HID": absolute, NameSegs joined by '.' */
    char kind;           /* 'N' Name, 'S' Scope, 'D' Device, 'M' Method, 'R' OpRegion, 'F' field unit */
    const uint8_t *data; /* N: the data object; M: the body; R: RegionSpace onwards */
    size_t len;
    unsigned nargs;      /* M */
    unsigned bit_off, bits; /* F: position in its region */
    char *region;        /* F: the region's path */
} AmlObj;

typedef struct AmlWalk {
    GPtrArray *objs;
} AmlWalk;

static void aml_obj_free(gpointer p)
{
    AmlObj *o = p;
    g_free(o->path);
    g_free(o->region);
    g_free(o);
}

/* Resolve a NameString read in scope (only the forms a definition may use). */
static char *aml_resolve(const char *scope, const char *name)
{
    if (name[0] == '\\') {
        return g_strdup(name);
    }
    g_autofree char *base = g_strdup(scope);
    while (*name == '^') {
        char *dot = strrchr(base, '.');
        g_assert_nonnull(dot); /* no '^' above the root */
        *dot = '\0';
        name++;
    }
    return strcmp(base, "\\") ? g_strdup_printf("%s.%s", base, name) : g_strdup_printf("\\%s", name);
}

/* The end of the data object (integer, string, buffer or package) at r. */
static size_t aml_data_end(AmlReader *r)
{
    uint8_t op = r->p[r->pos];
    switch (op) {
    case 0x00: case 0x01: case 0xff: return r->pos + 1;
    case 0x0a: return r->pos + 2;
    case 0x0b: return r->pos + 3;
    case 0x0c: return r->pos + 5;
    case 0x0e: return r->pos + 9;
    case 0x0d: { /* String: ASCII up to a NUL */
        size_t e = r->pos + 1;
        while (e < r->end && r->p[e]) {
            e++;
        }
        g_assert_cmpuint(e, <, r->end);
        return e + 1;
    }
    case 0x11: case 0x12: { /* Buffer, Package */
        AmlReader t = *r;
        aml_next(&t);
        return aml_read_pkg_length(&t);
    }
    }
    g_test_message("unexpected data object opcode 0x%02x", op);
    g_assert_not_reached();
}

static AmlObj *aml_add(AmlWalk *w, const char *path, char kind)
{
    AmlObj *o = g_new0(AmlObj, 1);
    o->path = g_strdup(path);
    o->kind = kind;
    g_ptr_array_add(w->objs, o);
    return o;
}

/* Walk a TermList of definitions (Name, Scope, Device, Method, OpRegion, Field). */
static void aml_walk_terms(AmlWalk *w, AmlReader *r, const char *scope)
{
    while (r->pos < r->end) {
        uint8_t op = aml_next(r);
        if (op == 0x08) { /* NameOp */
            g_autofree char *n = aml_read_name_string(r);
            g_autofree char *path = aml_resolve(scope, n);
            AmlObj *o = aml_add(w, path, 'N');
            size_t e = aml_data_end(r);
            o->data = r->p + r->pos;
            o->len = e - r->pos;
            r->pos = e;
        } else if (op == 0x10 || op == 0x14) { /* ScopeOp, MethodOp */
            size_t e = aml_read_pkg_length(r);
            g_autofree char *n = aml_read_name_string(r);
            g_autofree char *path = aml_resolve(scope, n);
            if (op == 0x10) {
                aml_add(w, path, 'S');
                AmlReader sub = { .p = r->p, .pos = r->pos, .end = e };
                aml_walk_terms(w, &sub, path);
            } else {
                AmlObj *o = aml_add(w, path, 'M');
                uint8_t flags = aml_next(r);
                o->nargs = flags & 7;
                o->data = r->p + r->pos;
                o->len = e - r->pos;
            }
            r->pos = e;
        } else if (op == 0x5b) {
            uint8_t ext = aml_next(r);
            if (ext == 0x82) { /* DeviceOp */
                size_t e = aml_read_pkg_length(r);
                g_autofree char *n = aml_read_name_string(r);
                g_autofree char *path = aml_resolve(scope, n);
                aml_add(w, path, 'D');
                AmlReader sub = { .p = r->p, .pos = r->pos, .end = e };
                aml_walk_terms(w, &sub, path);
                r->pos = e;
            } else if (ext == 0x80) { /* OpRegionOp: name, space, offset, length */
                g_autofree char *n = aml_read_name_string(r);
                g_autofree char *path = aml_resolve(scope, n);
                AmlObj *o = aml_add(w, path, 'R');
                o->data = r->p + r->pos;
                aml_next(r);
                r->pos = aml_data_end(r);
                r->pos = aml_data_end(r);
                o->len = r->p + r->pos - o->data;
            } else if (ext == 0x81) { /* FieldOp: region, flags, elements */
                size_t e = aml_read_pkg_length(r);
                g_autofree char *n = aml_read_name_string(r);
                g_autofree char *region = aml_resolve(scope, n);
                aml_next(r); /* FieldFlags */
                unsigned bit = 0;
                while (r->pos < e) {
                    bool reserved = r->p[r->pos] == 0x00;
                    GString *seg = g_string_new(NULL);
                    if (reserved) {
                        aml_next(r);
                    } else {
                        aml_read_name_seg(r, seg);
                    }
                    /* the width: PkgLength's encoding without its self count */
                    uint8_t lead = aml_next(r);
                    unsigned bits = lead & 0x3f;
                    if (lead >> 6) {
                        bits = lead & 0x0f;
                        for (unsigned i = 0; i < (unsigned)(lead >> 6); i++) {
                            bits |= (unsigned)aml_next(r) << (4 + 8 * i);
                        }
                    }
                    if (!reserved) {
                        g_autofree char *path = aml_resolve(scope, seg->str);
                        AmlObj *o = aml_add(w, path, 'F');
                        o->bit_off = bit;
                        o->bits = bits;
                        o->region = g_strdup(region);
                    }
                    g_string_free(seg, TRUE);
                    bit += bits;
                }
                g_assert_cmpuint(r->pos, ==, e);
            } else {
                g_test_message("unexpected extended opcode 0x5b 0x%02x", ext);
                g_assert_not_reached();
            }
        } else {
            g_test_message("unexpected opcode 0x%02x among definitions", op);
            g_assert_not_reached();
        }
    }
    g_assert_cmpuint(r->pos, ==, r->end); /* every PkgLength covered its block exactly */
}

/* The DSDT of a freshly built set of tables, walked. */
typedef struct Dsdt {
    Tables t;
    const uint8_t *p;
    uint32_t len;
    AmlWalk w;
} Dsdt;

static void dsdt_load_cfg(Dsdt *d, const AcpiConfig *cfg)
{
    uint32_t flen;
    memset(d->t.rsdp, 0xcc, sizeof(d->t.rsdp));
    d->t.blob = acpi_build_tables(cfg, BASE, d->t.rsdp);
    const uint8_t *f = find_fadt(&d->t, &flen);
    d->p = sdt_at(&d->t, ld32(f + 40), "DSDT", &d->len); /* length, checksum, OEM ID */
    g_assert_cmpuint(d->p[8], ==, 2); /* 64-bit AML integers */
    d->w.objs = g_ptr_array_new_with_free_func(aml_obj_free);
    AmlReader r = { .p = d->p, .pos = 36, .end = d->len };
    aml_walk_terms(&d->w, &r, "\\");
}

static void dsdt_load(Dsdt *d)
{
    AcpiConfig cfg = test_config(true, 1);
    dsdt_load_cfg(d, &cfg);
}

static void dsdt_free(Dsdt *d)
{
    g_ptr_array_free(d->w.objs, TRUE);
    g_byte_array_free(d->t.blob, TRUE);
}

static AmlObj *dsdt_find(Dsdt *d, const char *path)
{
    AmlObj *found = NULL;
    for (guint i = 0; i < d->w.objs->len; i++) {
        AmlObj *o = g_ptr_array_index(d->w.objs, i);
        if (!strcmp(o->path, path)) {
            g_assert_null(found); /* defined once */
            found = o;
        }
    }
    if (!found) {
        g_test_message("%s is not in the DSDT", path);
    }
    g_assert_nonnull(found);
    return found;
}

/* Name(path, integer) */
static uint64_t dsdt_int(Dsdt *d, const char *path)
{
    AmlObj *o = dsdt_find(d, path);
    g_assert_cmpint(o->kind, ==, 'N');
    AmlReader r = { .p = o->data, .pos = 0, .end = o->len };
    uint64_t v = aml_read_integer(&r);
    g_assert_cmpuint(r.pos, ==, o->len);
    return v;
}

/* Name(path, Buffer): its bytes, BufferSize checked against the byte list. */
static const uint8_t *aml_buffer_bytes(const uint8_t *p, size_t len, size_t *n)
{
    AmlReader r = { .p = p, .pos = 0, .end = len };
    g_assert_cmpuint(aml_next(&r), ==, 0x11); /* BufferOp */
    size_t end = aml_read_pkg_length(&r);
    g_assert_cmpuint(end, ==, len);
    uint64_t size = aml_read_integer(&r);
    g_assert_cmpuint(size, ==, end - r.pos);
    *n = size;
    return p + r.pos;
}

/*
 * A compressed EISA ID back to its 7 characters (§19.6.35): the DWordConst's
 * bytes hold, most significant bit first, a zero bit, three 5-bit letters
 * (value + 0x40) and four hex digits.
 */
static void eisaid_decode(uint64_t v, char out[8])
{
    uint32_t be = (uint32_t)((v & 0xff) << 24 | (v & 0xff00) << 8 | (v >> 8 & 0xff00) | (v >> 24 & 0xff));
    g_assert_cmpuint(be >> 31, ==, 0);
    out[0] = 0x40 + ((be >> 26) & 0x1f);
    out[1] = 0x40 + ((be >> 21) & 0x1f);
    out[2] = 0x40 + ((be >> 16) & 0x1f);
    for (int i = 0; i < 4; i++) {
        out[3 + i] = "0123456789ABCDEF"[(be >> (12 - 4 * i)) & 0xf];
    }
    out[7] = '\0';
}

static void check_hid(Dsdt *d, const char *path, const char *id)
{
    AmlObj *o = dsdt_find(d, path);
    g_assert_cmpuint(o->data[0], ==, 0x0c); /* a DWordConst, as compilers emit EISAID() */
    char s[8];
    eisaid_decode(dsdt_int(d, path), s);
    g_assert_cmpstr(s, ==, id);
}

/* Sleep objects: Name(\_Sx, Package(4){typ, typ, 0, 0}) at the root. */
static void dsdt_sleep(Dsdt *d, const char *path, uint64_t v[4])
{
    AmlObj *o = dsdt_find(d, path);
    AmlReader r = { .p = o->data, .pos = 0, .end = o->len };
    g_assert_cmpuint(aml_next(&r), ==, 0x12); /* PackageOp */
    size_t pkg_end = aml_read_pkg_length(&r);
    g_assert_cmpuint(aml_next(&r), ==, 4);
    for (unsigned i = 0; i < 4; i++) {
        v[i] = aml_read_integer(&r);
    }
    g_assert_cmpuint(r.pos, ==, pkg_end);
}

static void test_dsdt_sleep_states(void)
{
    Dsdt d;
    dsdt_load(&d);
    uint64_t s0[4], s5[4];
    /* ASL's \_S5 is the padded NameSeg "_S5_" under the root */
    dsdt_sleep(&d, "\\_S5_", s5);
    g_assert_cmpuint(s5[0], ==, ACPI_SLP_TYP_S5);
    g_assert_cmpuint(s5[1], ==, ACPI_SLP_TYP_S5);
    g_assert_cmpuint(s5[2], ==, 0);
    g_assert_cmpuint(s5[3], ==, 0);
    dsdt_sleep(&d, "\\_S0_", s0);
    g_assert_cmpuint(s0[0], !=, ACPI_SLP_TYP_S5);
    g_assert_cmpuint(s0[0], <=, 7); /* SLP_TYP is a 3-bit field */
    dsdt_free(&d);
}

/* ---- resource descriptors (§6.4) ---- */

/* A Word (0x88) or DWord (0x87) address space descriptor for a fixed window. */
static size_t check_addr_window(const uint8_t *p, size_t avail, bool dword, uint8_t type, uint8_t type_flags,
                                uint32_t min, uint32_t max)
{
    size_t n = dword ? 26 : 16;
    g_assert_cmpuint(avail, >=, n);
    g_assert_cmpuint(p[0], ==, dword ? 0x87 : 0x88);
    g_assert_cmpuint(ld16(p + 1), ==, n - 3);
    g_assert_cmpuint(p[3], ==, type);
    /* general flags: producer (bit 0 clear), positive decode, _MIF and _MAF */
    g_assert_cmpuint(p[4], ==, 0x0c);
    g_assert_cmpuint(p[5], ==, type_flags);
    uint32_t gra = dword ? ld32(p + 6) : ld16(p + 6);
    uint32_t lo = dword ? ld32(p + 10) : ld16(p + 8);
    uint32_t hi = dword ? ld32(p + 14) : ld16(p + 10);
    uint32_t tra = dword ? ld32(p + 18) : ld16(p + 12);
    uint32_t len = dword ? ld32(p + 22) : ld16(p + 14);
    g_assert_cmpuint(gra, ==, 0); /* fixed size and place: granularity 0 */
    g_assert_cmphex(lo, ==, min);
    g_assert_cmphex(hi, ==, max);
    g_assert_cmpuint(tra, ==, 0);
    g_assert_cmphex(len, ==, max - min + 1);
    return n;
}

static void check_pci0_crs(Dsdt *d, uint32_t hole_start, uint32_t hole_end)
{
    AmlObj *o = dsdt_find(d, "\\_SB_.PCI0._CRS");
    g_assert_cmpint(o->kind, ==, 'N');
    size_t n, off = 0;
    const uint8_t *b = aml_buffer_bytes(o->data, o->len, &n);
    off += check_addr_window(b + off, n - off, false, 2, 0, 0x00, 0xff); /* bus numbers */
    /* I/O port descriptor: 16-bit decode, 0xCF8 fixed, 8 ports, consumed */
    g_assert_cmpuint(n - off, >=, 8);
    static const uint8_t cfg_io[8] = { 0x47, 0x01, 0xf8, 0x0c, 0xf8, 0x0c, 0x01, 0x08 };
    g_assert_cmpmem(b + off, 8, cfg_io, 8);
    off += 8;
    /* I/O windows around it, all of each range (ISA and non-ISA aliases) */
    off += check_addr_window(b + off, n - off, false, 1, 0x03, 0x0000, 0x0cf7);
    off += check_addr_window(b + off, n - off, false, 1, 0x03, 0x0d00, 0xffff);
    /* the VGA window, read-write cacheable; the PCI hole read-write non-cacheable */
    off += check_addr_window(b + off, n - off, true, 0, 0x03, 0xa0000, 0xbffff);
    if (hole_end) {
        off += check_addr_window(b + off, n - off, true, 0, 0x01, hole_start, hole_end);
    }
    /* End Tag, and the checksum it carries makes the template sum to zero */
    g_assert_cmpuint(n - off, ==, 2);
    g_assert_cmpuint(b[off], ==, 0x79);
    g_assert_cmpuint(sum(b, n), ==, 0);
}

static void test_dsdt_pci0(void)
{
    Dsdt d;
    dsdt_load(&d);
    g_assert_cmpint(dsdt_find(&d, "\\_SB_")->kind, ==, 'S');
    g_assert_cmpint(dsdt_find(&d, "\\_SB_.PCI0")->kind, ==, 'D');
    check_hid(&d, "\\_SB_.PCI0._HID", "PNP0A03");
    g_assert_cmphex(dsdt_int(&d, "\\_SB_.PCI0._HID"), ==, 0x030ad041u);
    g_assert_cmpuint(dsdt_int(&d, "\\_SB_.PCI0._ADR"), ==, 0);
    g_assert_cmpuint(dsdt_int(&d, "\\_SB_.PCI0._UID"), ==, 0);
    g_assert_cmpuint(dsdt_int(&d, "\\_SB_.PCI0._BBN"), ==, 0);
    check_pci0_crs(&d, 0x10000000u, 0xfebfffffu);
    dsdt_free(&d);

    /* the hole follows the machine's low RAM */
    AcpiConfig cfg = test_config(true, 1);
    cfg.pci_mem_start = 0xc0000000u;
    dsdt_load_cfg(&d, &cfg);
    check_pci0_crs(&d, 0xc0000000u, 0xfebfffffu);
    dsdt_free(&d);

    /* and without one, only the fixed resources remain */
    cfg.pci_mem_start = cfg.pci_mem_end = 0;
    dsdt_load_cfg(&d, &cfg);
    check_pci0_crs(&d, 0, 0);
    dsdt_free(&d);
}

/* The PIIX3's PIRQRC registers as the links' state: a PCI_Config region of
 * the device at 01.0 (_ADR high word device, low word function). */
static void test_dsdt_pirq_region(void)
{
    Dsdt d;
    dsdt_load(&d);
    g_assert_cmpint(dsdt_find(&d, "\\_SB_.PCI0.ISA_")->kind, ==, 'D');
    g_assert_cmphex(dsdt_int(&d, "\\_SB_.PCI0.ISA_._ADR"), ==, 0x00010000u);
    AmlObj *rg = dsdt_find(&d, "\\_SB_.PCI0.ISA_.PIRQ");
    g_assert_cmpint(rg->kind, ==, 'R');
    AmlReader r = { .p = rg->data, .pos = 0, .end = rg->len };
    g_assert_cmpuint(aml_next(&r), ==, 0x02); /* PCI_Config */
    g_assert_cmphex(aml_read_integer(&r), ==, 0x60);
    g_assert_cmpuint(aml_read_integer(&r), ==, 4);
    for (int i = 0; i < 4; i++) {
        char path[32];
        g_snprintf(path, sizeof(path), "\\_SB_.PCI0.ISA_.PRQ%c", 'A' + i);
        AmlObj *f = dsdt_find(&d, path);
        g_assert_cmpint(f->kind, ==, 'F');
        g_assert_cmpstr(f->region, ==, "\\_SB_.PCI0.ISA_.PIRQ");
        g_assert_cmpuint(f->bit_off, ==, 8 * i);
        g_assert_cmpuint(f->bits, ==, 8);
    }
    dsdt_free(&d);
}

/* _PRT: Package of Package(4){address, pin, source, source index}. */
static void test_dsdt_prt(void)
{
    Dsdt d;
    dsdt_load(&d);
    AmlObj *o = dsdt_find(&d, "\\_SB_.PCI0._PRT");
    AmlReader r = { .p = o->data, .pos = 0, .end = o->len };
    g_assert_cmpuint(aml_next(&r), ==, 0x12);
    size_t end = aml_read_pkg_length(&r);
    unsigned n = aml_next(&r);
    g_assert_cmpuint(n, ==, 32 * 4); /* every slot of bus 0, four pins each */
    bool seen[32][4] = { { false } };
    for (unsigned i = 0; i < n; i++) {
        g_assert_cmpuint(aml_next(&r), ==, 0x12);
        size_t e = aml_read_pkg_length(&r);
        g_assert_cmpuint(aml_next(&r), ==, 4);
        uint64_t addr = aml_read_integer(&r);
        uint64_t pin = aml_read_integer(&r);
        g_autofree char *src = aml_read_name_string(&r);
        uint64_t idx = aml_read_integer(&r);
        g_assert_cmpuint(r.pos, ==, e);
        g_assert_cmphex(addr & 0xffff, ==, 0xffff); /* any function */
        unsigned slot = addr >> 16;
        g_assert_cmpuint(slot, <, 32);
        g_assert_cmpuint(pin, <, 4);
        g_assert_false(seen[slot][pin]);
        seen[slot][pin] = true;
        /*
         * The PIIX board swizzle: INTA# of slot S reaches PIRQ (S - 1) mod 4,
         * each further pin the next one. So the PIIX3's own slot 1 has INTA#
         * on PIRQA, slot 2 (the VGA) on PIRQB, slot 0 on PIRQD.
         */
        char want[16];
        g_snprintf(want, sizeof(want), "\\_SB_.LNK%c", 'A' + (int)((slot + pin + 3) % 4));
        g_assert_cmpstr(src, ==, want);
        g_assert_cmpuint(idx, ==, 0);
    }
    g_assert_cmpuint(r.pos, ==, end);
    dsdt_free(&d);
}

/* The interrupt links: IDs, the IRQs they offer, and their methods. */
static void test_dsdt_links(void)
{
    Dsdt d;
    dsdt_load(&d);
    for (int i = 0; i < 4; i++) {
        char base[32], path[48];
        g_snprintf(base, sizeof(base), "\\_SB_.LNK%c", 'A' + i);
        g_assert_cmpint(dsdt_find(&d, base)->kind, ==, 'D');
        g_snprintf(path, sizeof(path), "%s._HID", base);
        check_hid(&d, path, "PNP0C0F");
        g_snprintf(path, sizeof(path), "%s._UID", base);
        g_assert_cmpuint(dsdt_int(&d, path), ==, i);

        /* _PRS: one extended interrupt descriptor, then the End Tag */
        g_snprintf(path, sizeof(path), "%s._PRS", base);
        AmlObj *prs = dsdt_find(&d, path);
        size_t n;
        const uint8_t *b = aml_buffer_bytes(prs->data, prs->len, &n);
        g_assert_cmpuint(n, >=, 5 + 4 + 2);
        g_assert_cmpuint(b[0], ==, 0x89);
        unsigned count = b[4];
        g_assert_cmpuint(ld16(b + 1), ==, 2 + 4 * count);
        g_assert_cmpuint(n, ==, 3 + ld16(b + 1) + 2);
        /* consumer, level-triggered, active high, shared (bits 0-3) */
        g_assert_cmphex(b[3], ==, 0x09);
        g_assert_cmpuint(count, >=, 1);
        for (unsigned k = 0; k < count; k++) {
            uint32_t irq = ld32(b + 5 + 4 * k);
            /* a PIRQRC can name 3-7, 9-12, 14, 15; none of the board's ISA devices' */
            g_assert_true(irq < 16 && ((0xdef8u >> irq) & 1));
            g_assert_true(irq != 3 && irq != 4 && irq != 9 && irq != 12 && irq != 14 && irq != 15);
        }
        g_assert_cmpuint(b[n - 2], ==, 0x79);
        g_assert_cmpuint(sum(b, n), ==, 0);

        static const struct { const char *name; unsigned nargs; } methods[] = {
            { "_STA", 0 }, { "_CRS", 0 }, { "_SRS", 1 }, { "_DIS", 0 },
        };
        for (size_t m = 0; m < G_N_ELEMENTS(methods); m++) {
            g_snprintf(path, sizeof(path), "%s.%s", base, methods[m].name);
            AmlObj *mo = dsdt_find(&d, path);
            g_assert_cmpint(mo->kind, ==, 'M');
            g_assert_cmpuint(mo->nargs, ==, methods[m].nargs);
        }
    }
    dsdt_free(&d);
}

/*
 * The links' methods run under ACPICA's own interpreter (acpiexec, from
 * Debian's acpica-tools), whose simulated PCI_Config region starts filled
 * with 0x80: every PIRQRC at its reset value, routing disabled.
 */
static void test_dsdt_acpiexec(void)
{
    g_autofree char *exe = g_find_program_in_path("acpiexec");
    if (!exe) {
        g_test_skip("acpiexec (acpica-tools) is not installed");
        return;
    }
    Dsdt d;
    dsdt_load(&d);
    g_autofree char *dir = g_dir_make_tmp("acpi-tables-XXXXXX", NULL);
    g_assert_nonnull(dir);
    g_autofree char *file = g_build_filename(dir, "dsdt.aml", NULL);
    g_assert_true(g_file_set_contents(file, (const char *)d.p, d.len, NULL));

    /* each step is followed by a marker so the output can be cut into answers */
    static const char *const steps[] = {
        "evaluate \\_SB.LNKB._STA",
        "evaluate \\_SB.LNKB._CRS",
        /* the descriptor the OS builds from _PRS with IRQ 11 chosen */
        "execute \\_SB.LNKB._SRS (89 06 00 09 01 0B 00 00 00 79 00)",
        "evaluate \\_SB.LNKB._STA",
        "evaluate \\_SB.LNKB._CRS",
        "evaluate \\_SB.PCI0.ISA.PRQB",
        "evaluate \\_SB.PCI0.ISA.PRQA",
        "evaluate \\_SB.LNKB._DIS",
        "evaluate \\_SB.PCI0.ISA.PRQB",
        "evaluate \\_SB.LNKB._STA",
        "evaluate \\_SB.LNKB._CRS",
    };
    GString *batch = g_string_new(NULL);
    for (size_t i = 0; i < G_N_ELEMENTS(steps); i++) {
        g_string_append_printf(batch, "%s%s", i ? ";" : "", steps[i]);
    }
    const char *argv[] = { exe, "-fv", "0x80", "-b", batch->str, file, NULL };
    g_autofree char *out = NULL, *err = NULL;
    int status;
    g_assert_true(g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, NULL));
    bool clean = g_spawn_check_wait_status(status, NULL) && !strstr(out, "ACPI Error") &&
                 !strstr(out, "ACPI Warning") && !strstr(out, "AE_");
    if (!clean) {
        g_test_message("acpiexec:\n%s%s", out, err);
    }
    g_assert_true(clean);

    /* the answers, in order: integers as 16 hex digits, buffers as hex bytes */
    static const char *const want[] = {
        "[Integer] = 0000000000000009",                  /* disabled at reset */
        "89 06 00 09 01 00 00 00 00 79 00",              /* no IRQ routed */
        "[Integer] = 000000000000000B",                  /* enabled after _SRS */
        "89 06 00 09 01 0B 00 00 00 79 00",              /* routed to IRQ 11 */
        "[Integer] = 000000000000000B",                  /* PIRQRC[B] = 11 */
        "[Integer] = 0000000000000080",                  /* PIRQRC[A] untouched */
        "[Integer] = 000000000000008B",                  /* _DIS sets bit 7 */
        "[Integer] = 0000000000000009",
        "89 06 00 09 01 00 00 00 00 79 00",
    };
    const char *pos = out;
    for (size_t i = 0; i < G_N_ELEMENTS(want); i++) {
        const char *hit = strstr(pos, want[i]);
        if (!hit) {
            g_test_message("acpiexec:\n%s\nanswer %zu, %s, not found after offset %td", out, i, want[i],
                           pos - out);
        }
        g_assert_nonnull(hit);
        pos = hit + strlen(want[i]);
    }
    g_string_free(batch, TRUE);
    g_unlink(file);
    g_rmdir(dir);
    dsdt_free(&d);
}

/* A base that is not 64-byte aligned still gets an aligned FACS. */
static void test_unaligned_base(void)
{
    AcpiConfig cfg = test_config(true, 1);
    uint8_t rsdp[ACPI_RSDP_SIZE];
    GByteArray *blob = acpi_build_tables(&cfg, BASE + 0x10, rsdp);
    uint32_t rsdt = ld32(rsdp + 16) - (BASE + 0x10);
    uint32_t fadt = ld32(blob->data + rsdt + 36) - (BASE + 0x10);
    uint32_t facs = ld32(blob->data + fadt + 36);
    g_assert_cmpuint(facs % 64, ==, 0);
    g_assert_cmpmem(blob->data + facs - (BASE + 0x10), 4, "FACS", 4);
    g_byte_array_free(blob, TRUE);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/acpi/tables/rsdp", test_rsdp);
    g_test_add_func("/acpi/tables/root", test_root_tables);
    g_test_add_func("/acpi/tables/fadt", test_fadt);
    g_test_add_func("/acpi/tables/madt", test_madt);
    g_test_add_func("/acpi/tables/dsdt-sleep", test_dsdt_sleep_states);
    g_test_add_func("/acpi/tables/dsdt-pci0", test_dsdt_pci0);
    g_test_add_func("/acpi/tables/dsdt-pirq-region", test_dsdt_pirq_region);
    g_test_add_func("/acpi/tables/dsdt-prt", test_dsdt_prt);
    g_test_add_func("/acpi/tables/dsdt-links", test_dsdt_links);
    g_test_add_func("/acpi/tables/dsdt-acpiexec", test_dsdt_acpiexec);
    g_test_add_func("/acpi/tables/unaligned-base", test_unaligned_base);
    return g_test_run();
}
