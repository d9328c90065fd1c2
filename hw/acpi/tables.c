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
 * The DSDT (sleep states, the PCI host bridge with its resources and
 * interrupt routing, §6.1-6.2) is built with hw/acpi/aml.c rather than kept
 * as a hex blob, so that what it says can be read here and checked by the
 * test's own decoder.
 */
#include "hw/acpi/tables.h"

#include <string.h>

#include "hw/acpi/aml.h"
#include "hw/acpi/pm.h"
#include "hw/core/memory.h"
#include "hw/pci/pci.h"

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

/* ---- DSDT ---- */

#define PCI_CONFIG_PORTS 0xcf8 /* CONFIG_ADDRESS and CONFIG_DATA, 8 ports */
#define PCI_SLOTS 32

/*
 * Name(path, Package(4){typ, typ, 0, 0}): a sleep state object (§7.4.2).
 * The two values are SLP_TYP for PM1a_CNT and PM1b_CNT; there is no PM1b,
 * but the package keeps the spec's shape. The last two are reserved.
 */
static Aml *dsdt_sleep_state(const char *path, uint8_t slp_typ)
{
    return aml_name(path, aml_package(4, aml_list(aml_int(slp_typ), aml_int(slp_typ), aml_int(0),
                                                  aml_int(0), NULL)));
}

/*
 * The PCI host bridge's _CRS (§6.2.2, resources as a Buffer built from §6.4
 * descriptors): what the i440FX decodes for the bus behind it. Bus numbers
 * 0-255; the configuration ports it consumes itself (an I/O port descriptor,
 * which has no producer flag: a consumed range); the rest of the I/O space
 * as two windows around them; the legacy VGA window; and the 32-bit PCI hole
 * from the end of low RAM to the machine's top (below the IOAPIC and local
 * APIC). All windows are fixed (_MIF and _MAF) and positively decoded.
 */
static Aml *dsdt_pci0_crs(const AcpiConfig *cfg)
{
    const uint8_t fixed = AML_RES_MIN_FIXED | AML_RES_MAX_FIXED;
    GByteArray *r = g_byte_array_new();
    aml_res_word(r, AML_RES_BUS, fixed, 0, 0x00, 0xff);
    aml_res_io(r, PCI_CONFIG_PORTS, PCI_CONFIG_PORTS, 1, 8);
    aml_res_word(r, AML_RES_IO, fixed, AML_RES_IO_ENTIRE_RANGE, 0x0000, PCI_CONFIG_PORTS - 1);
    aml_res_word(r, AML_RES_IO, fixed, AML_RES_IO_ENTIRE_RANGE, 0x0d00, 0xffff);
    aml_res_dword(r, AML_RES_MEMORY, fixed, AML_RES_MEM_RW | AML_RES_MEM_CACHEABLE, 0xa0000, 0xbffff);
    if (cfg->pci_mem_end > cfg->pci_mem_start) {
        aml_res_dword(r, AML_RES_MEMORY, fixed, AML_RES_MEM_RW, cfg->pci_mem_start, cfg->pci_mem_end);
    }
    return aml_resource_template(r, true);
}

/*
 * The ISA IRQs a PCI interrupt link offers. The PIIX3 can route a PIRQ to
 * 3-7, 9-12, 14 and 15; these are the ones no ISA device of the pc machine
 * uses (3/4 serial, 6 floppy, 7 parallel, 9 SCI, 12 mouse, 14/15 IDE).
 * Level-triggered and shareable as PCI INTx# is; active high, because that
 * is how the machine's ISA IRQ lines carry them to the 8259 (ELCR level
 * mode) and to the IOAPIC pins (whose polarity bit inverts the input).
 */
static const uint32_t dsdt_link_irqs[] = { 5, 10, 11 };
#define DSDT_LINK_IRQ_FLAGS (AML_IRQ_CONSUMER | AML_IRQ_SHARED)
/* byte offset of the first interrupt number in an extended interrupt descriptor */
#define RES_EXT_IRQ_FIRST 5

/* PIIX3 PIRQRC[A:D] (82371SB datasheet §2.2.9): bit 7 disables the route,
 * bits 3:0 are the ISA IRQ. */
#define PIRQRC_OFFSET 0x60
#define PIRQRC_DISABLE 0x80
#define PIRQRC_IRQ_MASK 0x0f

/* _STA values (§6.3.7): present, enabled, functioning; or present and
 * functioning but disabled. */
#define STA_ENABLED 0x0b
#define STA_DISABLED 0x09

/*
 * Device(\_SB.LNKx): one PCI interrupt link (PNP0C0F, §6.2.13) per PIRQ
 * line, its state kept in the PIIX3's PIRQRC register for that line (read
 * and written through the field ISA.PRQx), as the OS reprograms it:
 *   _STA  disabled while PIRQRC bit 7 is set;
 *   _PRS  the IRQs above;
 *   _CRS  the routed IRQ (an empty-looking descriptor, IRQ 0, when off);
 *   _SRS  route to the IRQ of the descriptor the OS passes (shaped as _PRS);
 *   _DIS  set bit 7.
 */
static Aml *dsdt_link(int pirq)
{
    char dev[5], reg[32];
    g_snprintf(dev, sizeof(dev), "LNK%c", 'A' + pirq);
    g_snprintf(reg, sizeof(reg), "\\_SB.PCI0.ISA.PRQ%c", 'A' + pirq);

    GByteArray *prs = g_byte_array_new();
    aml_res_ext_irq(prs, DSDT_LINK_IRQ_FLAGS, dsdt_link_irqs, G_N_ELEMENTS(dsdt_link_irqs));
    const uint32_t none = 0;
    GByteArray *crs = g_byte_array_new();
    aml_res_ext_irq(crs, DSDT_LINK_IRQ_FLAGS, &none, 1);

    Aml *sta = aml_method("_STA", 0, false, aml_list(
        aml_if(aml_and(aml_path(reg), aml_int(PIRQRC_DISABLE)), aml_return(aml_int(STA_DISABLED))),
        aml_return(aml_int(STA_ENABLED)), NULL));
    /* the template is patched at run time, so its End Tag carries no checksum */
    Aml *crs_m = aml_method("_CRS", 0, false, aml_list(
        aml_store(aml_resource_template(crs, false), aml_local(0)),
        aml_if(aml_and(aml_path(reg), aml_int(PIRQRC_DISABLE)), aml_return(aml_local(0))),
        aml_store(aml_and(aml_path(reg), aml_int(PIRQRC_IRQ_MASK)),
                  aml_index(aml_local(0), aml_int(RES_EXT_IRQ_FIRST))),
        aml_return(aml_local(0)), NULL));
    Aml *srs = aml_method("_SRS", 1, false,
        aml_store(aml_and(aml_derefof(aml_index(aml_arg(0), aml_int(RES_EXT_IRQ_FIRST))),
                          aml_int(PIRQRC_IRQ_MASK)),
                  aml_path(reg)));
    Aml *dis = aml_method("_DIS", 0, false,
        aml_store(aml_or(aml_path(reg), aml_int(PIRQRC_DISABLE)), aml_path(reg)));

    return aml_device(dev, aml_list(
        aml_name("_HID", aml_eisaid("PNP0C0F")),
        aml_name("_UID", aml_int(pirq)),
        aml_name("_PRS", aml_resource_template(prs, true)),
        sta, crs_m, srs, dis, NULL));
}

/*
 * _PRT (§6.2.13): for every slot on bus 0 and each of its four pins, the
 * link its INTx# reaches through the board's swizzle (pci_pirq_of, the one
 * rule hw/pci uses to drive the PIRQ lines). The address is the slot in the
 * high word with 0xFFFF for "any function"; pins count from 0 for INTA#.
 */
static Aml *dsdt_pci0_prt(void)
{
    Aml *entries = aml_new();
    unsigned n = 0;
    for (int slot = 0; slot < PCI_SLOTS; slot++) {
        for (int pin = 0; pin < 4; pin++) {
            char link[16];
            g_snprintf(link, sizeof(link), "\\_SB.LNK%c", 'A' + pci_pirq_of(slot, pin + 1));
            aml_append(entries, aml_package(4, aml_list(aml_int(((uint32_t)slot << 16) | 0xffff),
                                                        aml_int(pin), aml_path(link), aml_int(0), NULL)));
            n++;
        }
    }
    g_assert(n <= 255);
    return aml_name("_PRT", aml_package(n, entries));
}

/*
 * \_SB.PCI0: the i440FX host bridge (PNP0A03, conventional PCI: not the
 * PCI Express PNP0A08), segment 0, bus 0. Its child ISA, the PIIX3 at
 * 01.0, holds the PIRQRC registers as a PCI_Config region, which the
 * interpreter reaches through ISA's _ADR under the root's _BBN.
 */
static Aml *dsdt_pci0(const AcpiConfig *cfg)
{
    static const AmlField pirqrc[] = { { "PRQA", 8 }, { "PRQB", 8 }, { "PRQC", 8 }, { "PRQD", 8 } };
    Aml *isa = aml_device("ISA", aml_list(
        aml_name("_ADR", aml_int(0x00010000)), /* device 1, function 0 */
        aml_opregion("PIRQ", AML_REGION_PCI_CONFIG, PIRQRC_OFFSET, 4),
        aml_field("PIRQ", AML_FIELD_BYTE_ACC, pirqrc, G_N_ELEMENTS(pirqrc)), NULL));
    return aml_device("PCI0", aml_list(
        aml_name("_HID", aml_eisaid("PNP0A03")),
        aml_name("_ADR", aml_int(0)),
        aml_name("_UID", aml_int(0)),
        aml_name("_BBN", aml_int(0)),
        aml_name("_CRS", dsdt_pci0_crs(cfg)),
        dsdt_pci0_prt(),
        isa, NULL));
}

static uint32_t acpi_build_dsdt(AcpiBuilder *b, const AcpiConfig *cfg)
{
    uint32_t off = acpi_table_begin(b, ACPI_HEADER_LEN, 16);
    /* the links come first: _PRT names them */
    Aml *sb = aml_list(dsdt_link(0), dsdt_link(1), dsdt_link(2), dsdt_link(3), dsdt_pci0(cfg), NULL);
    Aml *aml = aml_list(dsdt_sleep_state("\\_S0", ACPI_SLP_TYP_S0),
                        dsdt_sleep_state("\\_S5", ACPI_SLP_TYP_S5),
                        aml_scope("\\_SB", sb), NULL);
    g_byte_array_append(b->blob, aml->data, aml->len);
    aml_free(aml);
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
    uint32_t dsdt = acpi_build_dsdt(&b, cfg);
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
