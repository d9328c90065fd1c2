/*
 * The firmware configuration device (QEMU's fw_cfg, docs/specs/fw_cfg.rst
 * of QEMU describes the guest interface): a selector register at port
 * 0x510 (16-bit), a data register at 0x511 (byte stream), and the DMA
 * address register at 0x514 (64-bit, big-endian). SeaBIOS reads the RAM
 * size, CPU count, e820 map, boot order and ACPI tables through it.
 *
 * Items are either numbered keys (FW_CFG_*) or named files listed in the
 * file directory (key 0x19); files get keys from FW_CFG_FILE_FIRST on.
 * Data is copied in; adding a file or key again replaces its contents.
 */
#ifndef HW_PC_FW_CFG_H
#define HW_PC_FW_CFG_H

#include <stddef.h>
#include <stdint.h>

#include "hw/core/machine.h"

#define FW_CFG_PORT_SEL 0x510
#define FW_CFG_PORT_DATA 0x511
#define FW_CFG_PORT_DMA 0x514

/* Numbered keys. */
#define FW_CFG_SIGNATURE 0x00
#define FW_CFG_ID 0x01
#define FW_CFG_UUID 0x02
#define FW_CFG_RAM_SIZE 0x03
#define FW_CFG_NOGRAPHIC 0x04
#define FW_CFG_NB_CPUS 0x05
#define FW_CFG_MACHINE_ID 0x06
#define FW_CFG_KERNEL_ADDR 0x07
#define FW_CFG_KERNEL_SIZE 0x08
#define FW_CFG_KERNEL_CMDLINE 0x09
#define FW_CFG_INITRD_ADDR 0x0a
#define FW_CFG_INITRD_SIZE 0x0b
#define FW_CFG_BOOT_DEVICE 0x0c
#define FW_CFG_NUMA 0x0d
#define FW_CFG_BOOT_MENU 0x0e
#define FW_CFG_MAX_CPUS 0x0f
#define FW_CFG_KERNEL_ENTRY 0x10
#define FW_CFG_KERNEL_DATA 0x11
#define FW_CFG_INITRD_DATA 0x12
#define FW_CFG_CMDLINE_ADDR 0x13
#define FW_CFG_CMDLINE_SIZE 0x14
#define FW_CFG_CMDLINE_DATA 0x15
#define FW_CFG_SETUP_ADDR 0x16
#define FW_CFG_SETUP_SIZE 0x17
#define FW_CFG_SETUP_DATA 0x18
#define FW_CFG_FILE_DIR 0x19
#define FW_CFG_FILE_FIRST 0x20
#define FW_CFG_MAX_FILES 256   /* keys 0x20-0x11f */
#define FW_CFG_ARCH_LOCAL 0x8000
#define FW_CFG_E820_TABLE (FW_CFG_ARCH_LOCAL + 3)

#define FW_CFG_MAX_FILE_NAME 56

/* FW_CFG_ID bits */
#define FW_CFG_VERSION 0x01
#define FW_CFG_VERSION_DMA 0x02

/* DMA control word bits (FWCfgDmaAccess.control, big-endian in memory). */
#define FW_CFG_DMA_CTL_ERROR 0x01
#define FW_CFG_DMA_CTL_READ 0x02
#define FW_CFG_DMA_CTL_SKIP 0x04
#define FW_CFG_DMA_CTL_SELECT 0x08
#define FW_CFG_DMA_CTL_WRITE 0x10

/* Big-endian "QEMU CFG" read from the DMA address register's high half. */
#define FW_CFG_DMA_SIGNATURE 0x51454d5520434647ull

typedef struct FWCfgState FWCfgState;

/* Create the device at its ports on m->io. Fills signature and ID itself. */
FWCfgState *fw_cfg_create(Machine *m);
/* Test hook: an instance with no ports, DMA into the given address space. */
FWCfgState *fw_cfg_new(AddressSpace *dma_as);
void fw_cfg_free(FWCfgState *fw);

/* Numbered items (little-endian integers, as the spec says). */
void fw_cfg_add_bytes(FWCfgState *fw, uint16_t key, const void *data, size_t len);
void fw_cfg_add_i16(FWCfgState *fw, uint16_t key, uint16_t value);
void fw_cfg_add_i32(FWCfgState *fw, uint16_t key, uint32_t value);
void fw_cfg_add_i64(FWCfgState *fw, uint16_t key, uint64_t value);
void fw_cfg_add_string(FWCfgState *fw, uint16_t key, const char *s); /* NUL included */

/* A named file; returns its key, or -1 when the directory is full or the name
 * is too long (a mimic bug, not guest input). */
int fw_cfg_add_file(FWCfgState *fw, const char *name, const void *data, size_t len);
/* Contents of an item (for tests and for building other items), or NULL. */
const uint8_t *fw_cfg_get_file(FWCfgState *fw, const char *name, size_t *len);

/*
 * Boot order: devices add their OpenFirmware path, e.g.
 * "/pci@i0cf8/ide@1,1/drive@0/disk@0" for the primary master of the PIIX
 * IDE function at 01.1, "/rom@genroms/linuxboot_dma.bin" for a ROM. SeaBIOS
 * reads the "bootorder" file (one path per line, first boots first) and
 * tries the devices it matches in that order, the rest after. Lower
 * priority values come first; equal priorities keep the order of calls.
 */
void fw_cfg_add_bootdev(FWCfgState *fw, int priority, const char *path);

/* Port handlers' core, also driven directly by the unit test. */
void fw_cfg_select(FWCfgState *fw, uint16_t key);
uint8_t fw_cfg_read_data(FWCfgState *fw);
/* Run the DMA descriptor at guest-physical addr (what writing the low half of
 * the DMA address register does). */
void fw_cfg_dma(FWCfgState *fw, uint64_t addr);

#endif
