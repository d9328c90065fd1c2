/*
 * IDE (ATA/ATAPI) channels and the PIIX3 IDE function that holds two of
 * them. The machine calls these; the register-level model is in
 * ide-core.c (ATA), atapi.c (ATAPI/MMC), bmdma.c (bus-master DMA) and
 * piix-ide.c (the PCI function).
 */
#ifndef HW_IDE_IDE_H
#define HW_IDE_IDE_H

#include <stdbool.h>
#include <stdint.h>

#include "block/block.h"
#include "hw/core/machine.h"

typedef struct IdeBus IdeBus;
typedef struct BmDmaState BmDmaState;

typedef enum IdeKind {
    IDE_KIND_NONE,
    IDE_KIND_HD,     /* ATA disk */
    IDE_KIND_CD,     /* ATAPI CD/DVD-ROM */
} IdeKind;

/*
 * A channel with its command block at cmd_base (8 ports) and its control
 * block at ctl_base (1 port: alternate status / device control), driving
 * irq. Registers the ports and a reset hook; owned by the machine.
 */
IdeBus *ide_bus_create(Machine *m, uint16_t cmd_base, uint16_t ctl_base, IrqLine *irq);

/*
 * Attach a device at unit (0 master, 1 slave). blk may be NULL only for a
 * CD-ROM (an empty drive); the machine keeps ownership of blk's lifetime by
 * handing it over here (closed with the machine). 0 or -1 with *err.
 */
int ide_attach(IdeBus *bus, int unit, IdeKind kind, BlockBackend *blk, char **err);

/* Power-on state of the channel (also run by the machine's reset). */
void ide_bus_reset(IdeBus *bus);

/*
 * BIOS geometry of an attached disk (the CHS its IDENTIFY reports), for the
 * CMOS bytes firmware reads. false when the unit is not a disk.
 */
bool ide_disk_geometry(IdeBus *bus, int unit, uint32_t *cyls, uint32_t *heads, uint32_t *secs);

/*
 * The bus-master DMA block of a PIIX-style controller (SFF-8038i): 16 bytes
 * of I/O space, channel 0 at +0 and channel 1 at +8, moving data between the
 * two channels and guest memory m->mem. The PCI function maps bmdma_ops at
 * its BAR4; state survives remapping.
 */
BmDmaState *bmdma_create(Machine *m, IdeBus *bus0, IdeBus *bus1);
extern const MemOps bmdma_ops;

/* Decode the channel's legacy ports or not (the PIIX's IDETIM enable). */
void ide_bus_set_decode(IdeBus *bus, bool on);

/*
 * The PIIX3 IDE function (82371SB function 1, 8086:7010) in compatibility
 * mode: channel 0 at 0x1F0/0x3F6 on IRQ14, channel 1 at 0x170/0x376 on
 * IRQ15, bus-master registers at BAR4. A channel decodes its ports while
 * the command register's I/O enable and its IDETIM decode-enable bit are
 * set; decode_at_reset sets the IDETIM bits at reset, which firmware does
 * on real boards (direct kernel boot has none).
 */
typedef struct PiixIdeState PiixIdeState;
typedef struct PCIBus PCIBus;
typedef struct PCIDevice PCIDevice;
typedef struct DriveConfig DriveConfig;

PiixIdeState *piix_ide_create(Machine *m, PCIBus *pci, int devfn, bool decode_at_reset, char **err);
IdeBus *piix_ide_bus(PiixIdeState *s, int channel);
PCIDevice *piix_ide_device(PiixIdeState *s);

/* Open the images of the command line's drives (GPtrArray of DriveConfig *)
 * and attach them. Warnings (read-only fallback) are printed; errors are one
 * line in *err. */
int piix_ide_attach_drives(PiixIdeState *s, GPtrArray *drives, char **err);

#endif
