/* The BIOS boot path: the firmware image below 4 GiB and what the pc machine
 * tells it through fw_cfg (memory map, ACPI tables, console, boot policy). */
#ifndef HW_PC_FIRMWARE_H
#define HW_PC_FIRMWARE_H

#include <stddef.h>
#include <stdint.h>

#include "hw/acpi/tables.h"
#include "hw/core/machine.h"
#include "hw/pc/e820.h"
#include "hw/pc/fw_cfg.h"

#define FIRMWARE_DEFAULT "/usr/share/seabios/bios.bin"
#define FIRMWARE_MAX_SIZE (16u << 20)

/*
 * Read the firmware image (a multiple of 64 KiB, at most 16 MiB) and map it
 * read-only so that it ends at 4 GiB, where the reset vector is. Returns the
 * host copy (owned by the machine) or NULL with *err.
 */
uint8_t *firmware_load(Machine *m, const char *path, size_t *size, char **err);

/*
 * The fw_cfg items SeaBIOS reads on a pc: RAM size and CPU counts, the
 * "etc/e820" RAM map, the ACPI tables (built by hw/acpi/tables.c, placed by
 * SeaBIOS through "etc/table-loader"), "etc/boot-fail-wait" and, with
 * -nographic, "etc/sercon-port" so its console reaches COM1.
 */
void firmware_setup_fw_cfg(Machine *m, FWCfgState *fw, const E820Map *ram_map, const AcpiConfig *acpi);

/* Linker/loader commands (QEMU's "etc/table-loader" format, 128 bytes each). */
#define LOADER_ALLOCATE 1
#define LOADER_ADD_POINTER 2
#define LOADER_ADD_CHECKSUM 3
#define LOADER_ZONE_HIGH 1
#define LOADER_ZONE_FSEG 2
#define LOADER_CMD_SIZE 128

/* Publish tables (built for base address 0) and their RSDP as
 * "etc/acpi/tables" and "etc/acpi/rsdp" with the loader script that
 * relocates them. */
void firmware_add_acpi(FWCfgState *fw, const GByteArray *tables, const uint8_t rsdp[ACPI_RSDP_SIZE]);

#endif
