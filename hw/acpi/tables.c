/*
 * ACPI tables for direct boot: what firmware would hand the OS on a PC with
 * a fixed-hardware ACPI PM block (hw/acpi/pm.c), an 8042 and a PC/AT PIC
 * pair, plus a local APIC and an IOAPIC when the accelerator models them.
 *
 * Follows the ACPI Specification 6.3: §5.2.5 RSDP, §5.2.6 table header,
 * §5.2.7 RSDT, §5.2.8 XSDT, §5.2.9 FADT (revision 6), §5.2.10 FACS,
 * §5.2.11.1 DSDT, §5.2.12 MADT, §5.2.3.2 Generic Address Structure, and
 * §20 for the AML the DSDT holds.
 *
 * The DSDT is built by a small AML encoder below rather than kept as a hex
 * blob, so that what it says can be read here and checked by the test's own
 * decoder.
 */
#include "hw/acpi/tables.h"

#include <string.h>

#include "hw/acpi/pm.h"
#include "hw/core/memory.h"

#define ACPI_OEM_ID "MIMIC "
#define ACPI_OEM_TABLE_ID "MIMICPC "
#define ACPI_OEM_REVISION 1
#define ACPI_CREATOR_ID "MIMC"
#define ACPI_CREATOR_REVISION 1
#define ACPI_HEADER_LEN 36

/*
 * \_S0's SLP_TYP. Any value but ACPI_SLP_TYP_S5 will do: the OS writes it
 * only without SLP_EN (when it returns to the working state), and pm.c
 * treats SLP_EN with any type but S5's as a request it does not support.
 */
#define ACPI_SLP_TYP_S0 5

/* FADT (§5.2.9) field offsets used below. */
#define FADT_FIRMWARE_CTRL 36
#define FADT_DSDT 40
#define FADT_PREFERRED_PM_PROFILE 45
#define FADT_SCI_INT 46
#define FADT_SMI_CMD 48
#define FADT_PM1A_EVT_BLK 56
#define FADT_PM1A_CNT_BLK 64
#define FADT_PM_TMR_BLK 76
#define FADT_PM1_EVT_LEN 88
#define FADT_PM1_CNT_LEN 89
#define FADT_PM_TMR_LEN 91
#define FADT_P_LVL2_LAT 96
#define FADT_P_LVL3_LAT 98
#define FADT_IAPC_BOOT_ARCH 109
#define FADT_FLAGS 112
#define FADT_RESET_REG 116
#define FADT_RESET_VALUE 128
#define FADT_MINOR_VERSION 131
#define FADT_X_DSDT 140
#define FADT_X_PM1A_EVT_BLK 148
#define FADT_X_PM1A_CNT_BLK 172
#define FADT_X_PM_TMR_BLK 208
#define FADT_LEN 276

/* FADT Flags (§5.2.9, Table 5-34). */
#define FADT_F_WBINVD (1u << 0)
#define FADT_F_PROC_C1 (1u << 2)
#define FADT_F_SLP_BUTTON (1u << 5)
#define FADT_F_FIX_RTC (1u << 6)
#define FADT_F_TMR_VAL_EXT (1u << 8)
#define FADT_F_RESET_REG_SUP (1u << 10)

/* IA-PC Boot Architecture Flags (§5.2.9.3). */
#define IAPC_LEGACY_DEVICES (1u << 0)
#define IAPC_8042 (1u << 1)

/* Generic Address Structure (§5.2.3.2). */
#define GAS_SYSTEM_IO 1
#define GAS_ACCESS_BYTE 1
#define GAS_ACCESS_WORD 2
#define GAS_ACCESS_DWORD 3
#define GAS_LEN 12

/* FACS (§5.2.10). */
#define FACS_LEN 64
#define FACS_VERSION 2

/* MADT (§5.2.12). */
#define MADT_PCAT_COMPAT (1u << 0)
#define MADT_LOCAL_APIC 0
#define MADT_IO_APIC 1
#define MADT_INT_SRC_OVERRIDE 2
#define MADT_LOCAL_APIC_NMI 4
#define MADT_LAPIC_ENABLED (1u << 0)
/* MPS INTI flags: polarity in bits 0-1, trigger mode in bits 2-3. */
#define MPS_INTI_CONFORMING 0x0
#define MPS_INTI_ACTIVE_HIGH 0x1
#define MPS_INTI_EDGE (0x1 << 2)
#define MPS_INTI_LEVEL (0x3 << 2)

/* AML opcodes and prefixes (§20.2). */
#define AML_ZERO_OP 0x00
#define AML_ONE_OP 0x01
#define AML_NAME_OP 0x08
#define AML_BYTE_PREFIX 0x0a
#define AML_WORD_PREFIX 0x0b
#define AML_DWORD_PREFIX 0x0c
#define AML_QWORD_PREFIX 0x0e
#define AML_PACKAGE_OP 0x12
#define AML_DUAL_NAME_PREFIX 0x2e
#define AML_MULTI_NAME_PREFIX 0x2f
#define AML_ROOT_CHAR '\\'
#define AML_PARENT_PREFIX_CHAR '^'

/* ---- AML encoder (§20.2) ---- */

static void aml_byte(GByteArray *a, uint8_t b)
{
    g_byte_array_append(a, &b, 1);
}

static void aml_bytes(GByteArray *a, const GByteArray *b)
{
    g_byte_array_append(a, b->data, b->len);
}

/*
 * ComputationalData for an integer: the one-byte constants where they fit,
 * else the shortest prefixed form. OnesOp is not used: its value depends on
 * the DSDT's revision, and an explicit QWordConst says the same thing.
 */
static void aml_integer(GByteArray *a, uint64_t v)
{
    if (v == 0) {
        aml_byte(a, AML_ZERO_OP);
    } else if (v == 1) {
        aml_byte(a, AML_ONE_OP);
    } else if (v <= 0xff) {
        aml_byte(a, AML_BYTE_PREFIX);
        aml_byte(a, v);
    } else if (v <= 0xffff) {
        aml_byte(a, AML_WORD_PREFIX);
        aml_byte(a, v);
        aml_byte(a, v >> 8);
    } else if (v <= 0xffffffff) {
        uint8_t b[4];
        st32(b, v);
        aml_byte(a, AML_DWORD_PREFIX);
        g_byte_array_append(a, b, 4);
    } else {
        uint8_t b[8];
        st64(b, v);
        aml_byte(a, AML_QWORD_PREFIX);
        g_byte_array_append(a, b, 8);
    }
}

/* One NameSeg: a lead character, up to three more, padded with '_'. */
static void aml_name_seg(GByteArray *a, const char *seg, size_t len)
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
 * a MultiNamePath (§20.2.2). The names are this file's own constants, so a
 * malformed one is a programming error.
 */
static void aml_name_string(GByteArray *a, const char *path)
{
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
}

/*
 * PkgLength (§20.2.4) for content_len bytes that follow it. The encoded
 * length counts the PkgLength bytes themselves, so the byte count is chosen
 * first: one byte holds up to 63, otherwise bits 7-6 of the lead byte give
 * the number of following bytes, its bits 3-0 the low nibble and each
 * following byte the next eight bits.
 */
static void aml_pkg_length(GByteArray *a, size_t content_len)
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

/* DefPackage: PackageOp PkgLength NumElements PackageElementList. */
static void aml_package(GByteArray *a, uint8_t num_elements, const GByteArray *elements)
{
    aml_byte(a, AML_PACKAGE_OP);
    aml_pkg_length(a, 1 + elements->len);
    aml_byte(a, num_elements);
    aml_bytes(a, elements);
}

/* DefName: NameOp NameString DataRefObject. */
static void aml_name(GByteArray *a, const char *path, const GByteArray *object)
{
    aml_byte(a, AML_NAME_OP);
    aml_name_string(a, path);
    aml_bytes(a, object);
}

/*
 * Name(path, Package(4){typ, typ, 0, 0}): a sleep state object (§7.4.2).
 * The two values are SLP_TYP for PM1a_CNT and PM1b_CNT; there is no PM1b,
 * but the package keeps the spec's shape. The last two are reserved.
 */
static void aml_sleep_state(GByteArray *a, const char *path, uint8_t slp_typ)
{
    GByteArray *el = g_byte_array_new();
    aml_integer(el, slp_typ);
    aml_integer(el, slp_typ);
    aml_integer(el, 0);
    aml_integer(el, 0);
    GByteArray *pkg = g_byte_array_new();
    aml_package(pkg, 4, el);
    aml_name(a, path, pkg);
    g_byte_array_free(pkg, TRUE);
    g_byte_array_free(el, TRUE);
}

/* ---- tables ---- */

typedef struct AcpiBuilder {
    GByteArray *blob;
    uint32_t base; /* guest-physical address of blob->data[0] */
} AcpiBuilder;

static uint8_t acpi_checksum(const uint8_t *p, size_t len)
{
    uint8_t sum = 0;
    for (size_t i = 0; i < len; i++) {
        sum += p[i];
    }
    return (uint8_t)-sum;
}

/* Pad with zeros so the next table starts at a multiple of align. */
static void acpi_align(AcpiBuilder *b, uint32_t align)
{
    static const uint8_t zero[64];
    while ((b->base + b->blob->len) % align) {
        uint32_t n = align - (b->base + b->blob->len) % align;
        g_byte_array_append(b->blob, zero, MIN(n, sizeof(zero)));
    }
}

/* Start a table of len bytes (grown later if need be); returns its offset. */
static uint32_t acpi_table_begin(AcpiBuilder *b, uint32_t len, uint32_t align)
{
    acpi_align(b, align);
    uint32_t off = b->blob->len;
    g_byte_array_set_size(b->blob, off + len);
    memset(b->blob->data + off, 0, len);
    return off;
}

static uint8_t *acpi_at(AcpiBuilder *b, uint32_t off)
{
    return b->blob->data + off;
}

static uint32_t acpi_addr(AcpiBuilder *b, uint32_t off)
{
    return b->base + off;
}

/* Fill in the standard header (§5.2.6) of the table that runs from off to
 * the end of the blob, checksum last. */
static void acpi_table_end(AcpiBuilder *b, uint32_t off, const char *sig, uint8_t revision)
{
    uint8_t *h = acpi_at(b, off);
    uint32_t len = b->blob->len - off;
    memcpy(h, sig, 4);
    st32(h + 4, len);
    h[8] = revision;
    h[9] = 0;
    memcpy(h + 10, ACPI_OEM_ID, 6);
    memcpy(h + 16, ACPI_OEM_TABLE_ID, 8);
    st32(h + 24, ACPI_OEM_REVISION);
    memcpy(h + 28, ACPI_CREATOR_ID, 4);
    st32(h + 32, ACPI_CREATOR_REVISION);
    h[9] = acpi_checksum(h, len);
}

static void acpi_gas(uint8_t *p, uint8_t space, uint8_t bit_width, uint8_t access_size, uint64_t addr)
{
    p[0] = space;
    p[1] = bit_width;
    p[2] = 0; /* bit offset */
    p[3] = access_size;
    st64(p + 4, addr);
}

/* FACS: no checksum and no standard header, but it must be 64-byte aligned. */
static uint32_t acpi_build_facs(AcpiBuilder *b)
{
    uint32_t off = acpi_table_begin(b, FACS_LEN, 64);
    uint8_t *p = acpi_at(b, off);
    memcpy(p, "FACS", 4);
    st32(p + 4, FACS_LEN);
    /* hardware signature 0, no waking vector, global lock free, no S4BIOS */
    p[32] = FACS_VERSION;
    return off;
}

static uint32_t acpi_build_dsdt(AcpiBuilder *b)
{
    uint32_t off = acpi_table_begin(b, ACPI_HEADER_LEN, 16);
    GByteArray *aml = g_byte_array_new();
    aml_sleep_state(aml, "\\_S0", ACPI_SLP_TYP_S0);
    aml_sleep_state(aml, "\\_S5", ACPI_SLP_TYP_S5);
    g_byte_array_append(b->blob, aml->data, aml->len);
    g_byte_array_free(aml, TRUE);
    /* revision 2: AML integers are 64 bits wide */
    acpi_table_end(b, off, "DSDT", 2);
    return off;
}

static uint32_t acpi_build_fadt(AcpiBuilder *b, const AcpiConfig *cfg, uint32_t facs, uint32_t dsdt)
{
    uint32_t off = acpi_table_begin(b, FADT_LEN, 16);
    uint8_t *p = acpi_at(b, off);
    uint16_t pm1_evt = cfg->pm_base + ACPI_PM1_EVT_OFF;
    uint16_t pm1_cnt = cfg->pm_base + ACPI_PM1_CNT_OFF;
    uint16_t pm_tmr = cfg->pm_base + ACPI_PM_TMR_OFF;

    /*
     * FACS through the 32-bit field only: the spec wants one of
     * FIRMWARE_CTRL/X_FIRMWARE_CTRL zero, and the tables sit below 1 MiB.
     * The DSDT may be given in both, and is, for OSes that read either.
     */
    st32(p + FADT_FIRMWARE_CTRL, acpi_addr(b, facs));
    st32(p + FADT_DSDT, acpi_addr(b, dsdt));
    st64(p + FADT_X_DSDT, acpi_addr(b, dsdt));
    p[FADT_PREFERRED_PM_PROFILE] = 0; /* unspecified: mimic is whatever it is used as */
    st16(p + FADT_SCI_INT, cfg->sci_irq);
    /*
     * SMI_CMD 0: there is no SMM firmware to hand ACPI mode over, so the
     * hardware is always in ACPI mode and SCI_EN reads 1. This is the legacy
     * (not hardware-reduced) model; ACPI_ENABLE/ACPI_DISABLE stay 0.
     */
    st32(p + FADT_SMI_CMD, 0);

    st32(p + FADT_PM1A_EVT_BLK, pm1_evt);
    st32(p + FADT_PM1A_CNT_BLK, pm1_cnt);
    st32(p + FADT_PM_TMR_BLK, pm_tmr);
    p[FADT_PM1_EVT_LEN] = 4;
    p[FADT_PM1_CNT_LEN] = 2;
    p[FADT_PM_TMR_LEN] = 4;
    /* no GPE blocks: no device raises general-purpose events yet */

    /* latencies above 100 and 1000 us mean "C2/C3 not supported" */
    st16(p + FADT_P_LVL2_LAT, 101);
    st16(p + FADT_P_LVL3_LAT, 1001);

    /*
     * A PC with ISA-style legacy devices (COM ports, PIT, RTC) and an 8042.
     * "VGA Not Present" stays clear: probing an absent VGA is harmless, while
     * the flag would keep the OS off a VGA added by -vga later. MSI is not
     * declared unsupported, for the same reason, nor the CMOS RTC absent.
     */
    st16(p + FADT_IAPC_BOOT_ARCH, IAPC_LEGACY_DEVICES | IAPC_8042);

    /*
     * WBINVD works and C1 (HLT) is supported on every CPU. The power button
     * is the fixed-feature one (PWR_BUTTON clear: PWRBTN_STS/EN exist in
     * PM1); there is no sleep button. RTC wake is not in the fixed registers
     * (FIX_RTC). The PM timer is 32 bits wide (TMR_VAL_EXT). The reset
     * register is supported.
     */
    st32(p + FADT_FLAGS, FADT_F_WBINVD | FADT_F_PROC_C1 | FADT_F_SLP_BUTTON | FADT_F_FIX_RTC |
                             FADT_F_TMR_VAL_EXT | FADT_F_RESET_REG_SUP);

    acpi_gas(p + FADT_RESET_REG, GAS_SYSTEM_IO, 8, GAS_ACCESS_BYTE, cfg->reset_port);
    p[FADT_RESET_VALUE] = cfg->reset_value;
    p[FADT_MINOR_VERSION] = 3; /* ACPI 6.3 */

    acpi_gas(p + FADT_X_PM1A_EVT_BLK, GAS_SYSTEM_IO, 32, GAS_ACCESS_WORD, pm1_evt);
    acpi_gas(p + FADT_X_PM1A_CNT_BLK, GAS_SYSTEM_IO, 16, GAS_ACCESS_WORD, pm1_cnt);
    acpi_gas(p + FADT_X_PM_TMR_BLK, GAS_SYSTEM_IO, 32, GAS_ACCESS_DWORD, pm_tmr);

    acpi_table_end(b, off, "FACP", 6);
    return off;
}

static void acpi_madt_entry(AcpiBuilder *b, const uint8_t *e, uint8_t len)
{
    g_byte_array_append(b->blob, e, len);
}

static void acpi_madt_override(AcpiBuilder *b, uint8_t irq, uint32_t gsi, uint16_t flags)
{
    uint8_t e[10] = { MADT_INT_SRC_OVERRIDE, 10, 0 /* ISA bus */, irq };
    st32(e + 4, gsi);
    st16(e + 8, flags);
    acpi_madt_entry(b, e, sizeof(e));
}

static uint32_t acpi_build_madt(AcpiBuilder *b, const AcpiConfig *cfg)
{
    uint32_t off = acpi_table_begin(b, ACPI_HEADER_LEN + 8, 16);
    uint8_t *p = acpi_at(b, off);
    st32(p + 36, cfg->lapic_addr);
    /* the PC/AT 8259 pair is there too; the OS masks it when using the IOAPIC */
    st32(p + 40, MADT_PCAT_COMPAT);

    for (int i = 0; i < cfg->cpus && i < 255; i++) {
        /* ACPI processor UID and APIC ID both count from 0 */
        uint8_t e[8] = { MADT_LOCAL_APIC, 8, (uint8_t)i, (uint8_t)i };
        st32(e + 4, MADT_LAPIC_ENABLED);
        acpi_madt_entry(b, e, sizeof(e));
    }

    uint8_t io[12] = { MADT_IO_APIC, 12, cfg->ioapic_id, 0 };
    st32(io + 4, cfg->ioapic_addr);
    st32(io + 8, 0); /* GSI base: ISA IRQ n is GSI n unless overridden */
    acpi_madt_entry(b, io, sizeof(io));

    /* The PIT's IRQ0 is wired to IOAPIC pin 2 (pin 0 carries the 8259's INTR). */
    acpi_madt_override(b, 0, 2, MPS_INTI_CONFORMING);
    /* The SCI is level-triggered; ISA's default would be edge (§5.2.9, SCI_INT). */
    acpi_madt_override(b, cfg->sci_irq, cfg->sci_irq, MPS_INTI_ACTIVE_HIGH | MPS_INTI_LEVEL);

    /* LINT1 of every local APIC is the NMI input, as on PC boards. */
    uint8_t nmi[6] = { MADT_LOCAL_APIC_NMI, 6, 0xff /* all processors */ };
    st16(nmi + 3, MPS_INTI_CONFORMING);
    nmi[5] = 1; /* LINT1 */
    acpi_madt_entry(b, nmi, sizeof(nmi));

    acpi_table_end(b, off, "APIC", 5);
    return off;
}

/* RSDT (32-bit entries) or XSDT (64-bit entries) listing the given tables. */
static uint32_t acpi_build_sdt(AcpiBuilder *b, const char *sig, unsigned entry_size, const uint32_t *tables,
                               unsigned n)
{
    uint32_t off = acpi_table_begin(b, ACPI_HEADER_LEN + entry_size * n, 16);
    for (unsigned i = 0; i < n; i++) {
        uint8_t *e = acpi_at(b, off + ACPI_HEADER_LEN + entry_size * i);
        if (entry_size == 4) {
            st32(e, acpi_addr(b, tables[i]));
        } else {
            st64(e, acpi_addr(b, tables[i]));
        }
    }
    acpi_table_end(b, off, sig, 1);
    return off;
}

static void acpi_build_rsdp(uint8_t rsdp[ACPI_RSDP_SIZE], uint32_t rsdt, uint32_t xsdt)
{
    memset(rsdp, 0, ACPI_RSDP_SIZE);
    memcpy(rsdp, "RSD PTR ", 8);
    memcpy(rsdp + 9, ACPI_OEM_ID, 6);
    rsdp[15] = 2; /* ACPI 2.0+ RSDP */
    st32(rsdp + 16, rsdt);
    st32(rsdp + 20, ACPI_RSDP_SIZE);
    st64(rsdp + 24, xsdt);
    /* the first checksum covers the ACPI 1.0 part, the second all 36 bytes */
    rsdp[8] = acpi_checksum(rsdp, 20);
    rsdp[32] = acpi_checksum(rsdp, ACPI_RSDP_SIZE);
}

GByteArray *acpi_build_tables(const AcpiConfig *cfg, uint32_t base, uint8_t rsdp[ACPI_RSDP_SIZE])
{
    AcpiBuilder b = { .blob = g_byte_array_new(), .base = base };
    uint32_t facs = acpi_build_facs(&b);
    uint32_t dsdt = acpi_build_dsdt(&b);
    uint32_t tables[2];
    unsigned n = 0;
    tables[n++] = acpi_build_fadt(&b, cfg, facs, dsdt);
    if (cfg->has_apic) {
        tables[n++] = acpi_build_madt(&b, cfg);
    }
    /* both root tables: an ACPI 2.0+ OS takes the XSDT, an older one the RSDT */
    uint32_t xsdt = acpi_build_sdt(&b, "XSDT", 8, tables, n);
    uint32_t rsdt = acpi_build_sdt(&b, "RSDT", 4, tables, n);
    acpi_build_rsdp(rsdp, acpi_addr(&b, rsdt), acpi_addr(&b, xsdt));
    return b.blob;
}
