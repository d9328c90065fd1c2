/* ACPI tables: RSDP, RSDT, XSDT, FADT, FACS, DSDT, MADT; see tables.c. */
#ifndef HW_ACPI_TABLES_H
#define HW_ACPI_TABLES_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

typedef struct AcpiConfig {
    uint16_t pm_base;      /* the PM block (hw/acpi/pm.h) */
    uint8_t sci_irq;       /* ISA IRQ of the SCI */
    uint16_t reset_port;   /* FADT reset register: I/O port */
    uint8_t reset_value;
    bool has_apic;         /* add a MADT: the CPU's local APIC and the IOAPIC */
    uint32_t lapic_addr;
    uint32_t ioapic_addr;
    uint8_t ioapic_id;
    int cpus;
    /* the PCI host bridge's 32-bit memory window (inclusive; none if end <= start) */
    uint32_t pci_mem_start;
    uint32_t pci_mem_end;
} AcpiConfig;

#define ACPI_RSDP_SIZE 36

/*
 * Build the tables as they will sit at guest-physical address base. Returns
 * the blob (RSDT, FADT, FACS, DSDT, [MADT]), and writes into rsdp the 36-byte
 * ACPI 2.0 RSDP pointing at the RSDT in the blob.
 */
GByteArray *acpi_build_tables(const AcpiConfig *cfg, uint32_t base, uint8_t rsdp[ACPI_RSDP_SIZE]);

#endif
