/*
 * ACPI table builder: checked against the ACPI 6.3 layouts (§5.2) by reading
 * the blob the way an OS does, starting from the RSDP, and with a small AML
 * decoder of its own (§20) for the DSDT's sleep objects.
 */
#include <glib.h>
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

typedef struct SleepObj {
    bool found;
    unsigned count;
    uint64_t v[8];
} SleepObj;

/* Walk the DSDT's top-level terms (only Name() is expected) for _S0/_S5. */
static void aml_find_sleep_objects(const uint8_t *dsdt, uint32_t len, SleepObj *s0, SleepObj *s5)
{
    AmlReader r = { .p = dsdt, .pos = 36, .end = len };
    while (r.pos < r.end) {
        g_assert_cmpuint(aml_next(&r), ==, 0x08); /* NameOp */
        char *name = aml_read_name_string(&r);
        /* ASL's \_S5 is the padded NameSeg "_S5_" under the root */
        SleepObj *o = !strcmp(name, "\\_S0_") ? s0 : !strcmp(name, "\\_S5_") ? s5 : NULL;
        g_assert_cmpuint(aml_next(&r), ==, 0x12); /* PackageOp */
        size_t pkg_end = aml_read_pkg_length(&r);
        unsigned n = aml_next(&r);
        g_assert_cmpuint(n, <=, 8);
        for (unsigned i = 0; i < n; i++) {
            uint64_t v = aml_read_integer(&r);
            if (o) {
                o->v[i] = v;
            }
        }
        g_assert_cmpuint(r.pos, ==, pkg_end); /* PkgLength covered exactly the package */
        if (o) {
            g_assert_false(o->found); /* one definition each */
            o->found = true;
            o->count = n;
        }
        g_free(name);
    }
}

static void test_dsdt_sleep_states(void)
{
    Tables t;
    uint32_t len, dsdt_len;
    tables_build(&t, false, 1);
    const uint8_t *f = find_fadt(&t, &len);
    const uint8_t *d = sdt_at(&t, ld32(f + 40), "DSDT", &dsdt_len);
    g_assert_cmpuint(d[8], ==, 2); /* 64-bit AML integers */

    SleepObj s0 = { 0 }, s5 = { 0 };
    aml_find_sleep_objects(d, dsdt_len, &s0, &s5);
    g_assert_true(s5.found);
    g_assert_cmpuint(s5.count, ==, 4);
    g_assert_cmpuint(s5.v[0], ==, ACPI_SLP_TYP_S5);
    g_assert_cmpuint(s5.v[1], ==, ACPI_SLP_TYP_S5);
    g_assert_cmpuint(s5.v[2], ==, 0);
    g_assert_cmpuint(s5.v[3], ==, 0);
    g_assert_true(s0.found);
    g_assert_cmpuint(s0.count, ==, 4);
    g_assert_cmpuint(s0.v[0], !=, ACPI_SLP_TYP_S5);
    g_assert_cmpuint(s0.v[0], <=, 7); /* SLP_TYP is a 3-bit field */
    g_byte_array_free(t.blob, TRUE);
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
    g_test_add_func("/acpi/tables/unaligned-base", test_unaligned_base);
    return g_test_run();
}
