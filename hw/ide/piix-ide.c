/*
 * Intel 82371SB PIIX3, function 1: the PCI IDE controller, 8086:7010
 * (82371FB/SB datasheet §2.3, "PCI configuration registers - IDE
 * interface"). Both channels run in compatibility mode (programming
 * interface 80h: bus-master capable, legacy ports and ISA IRQ14/15, not
 * switchable to native mode), so BAR0-3 are not implemented; BAR4 (BMIBA,
 * 0x20) holds the 16 bytes of bus-master registers (bmdma.c). IDETIM
 * (0x40 primary, 0x42 secondary) bit 15 enables a channel's legacy port
 * decode, gated by the command register's I/O space enable like BMIBA.
 */
#include "hw/ide/ide-internal.h"

#include <stdio.h>

#include <glib.h>

#include "block/drive.h"
#include "hw/pci/pci.h"

#define PIIX_IDETIM 0x40    /* 16 bits per channel: 0x40, 0x42 */
#define PIIX_SIDETIM 0x44
#define IDETIM_IDE 0x8000   /* IDE decode enable */

struct PiixIdeState {
    Machine *m;
    PCIDevice *dev;
    IdeBus *bus[2];
    BmDmaState *bm;
    bool decode_at_reset;
};

static const struct {
    uint16_t cmd, ctl;
    int irq;
} piix_channels[2] = { { 0x1f0, 0x3f6, 14 }, { 0x170, 0x376, 15 } };

static void piix_ide_update_decode(PiixIdeState *s)
{
    bool iose = pci_get16(s->dev, PCI_COMMAND) & PCI_COMMAND_IO;
    for (int i = 0; i < 2; i++) {
        bool on = pci_get16(s->dev, PIIX_IDETIM + 2 * i) & IDETIM_IDE;
        ide_bus_set_decode(s->bus[i], iose && on);
    }
}

static void piix_ide_config_write(void *opaque, PCIDevice *d, unsigned addr, uint32_t value, unsigned size)
{
    if ((addr < PCI_COMMAND + 2 && addr + size > PCI_COMMAND) ||
        (addr < PIIX_IDETIM + 4 && addr + size > PIIX_IDETIM)) {
        piix_ide_update_decode(opaque);
    }
}

static void piix_ide_reset(void *opaque, PCIDevice *d)
{
    PiixIdeState *s = opaque;
    uint16_t idetim = s->decode_at_reset ? IDETIM_IDE : 0;
    pci_set16(d, PIIX_IDETIM, idetim);
    pci_set16(d, PIIX_IDETIM + 2, idetim);
    pci_set8(d, PIIX_SIDETIM, 0);
    if (s->decode_at_reset) {
        /* what firmware leaves behind: the legacy ports answer */
        pci_set16(d, PCI_COMMAND, pci_get16(d, PCI_COMMAND) | PCI_COMMAND_IO);
    }
    piix_ide_update_decode(s);
}

static const PCIDeviceOps piix_ide_ops = {
    .config_write = piix_ide_config_write,
    .reset = piix_ide_reset,
};

PiixIdeState *piix_ide_create(Machine *m, PCIBus *pci, int devfn, bool decode_at_reset, char **err)
{
    static const PCIDeviceInfo info = {
        .vendor_id = 0x8086,
        .device_id = 0x7010,
        .class_code = 0x010180, /* mass storage, IDE, bus master, compatibility mode */
        .header_type = PCI_HEADER_TYPE_NORMAL,
    };
    static const uint8_t timing_mask[5] = { 0xff, 0xff, 0xff, 0xff, 0xff };
    PiixIdeState *s = g_new0(PiixIdeState, 1);
    s->m = m;
    s->decode_at_reset = decode_at_reset;
    s->dev = pci_register(pci, devfn, "piix3-ide", &info, &piix_ide_ops, s, err);
    if (!s->dev) {
        g_free(s);
        return NULL;
    }
    machine_own(m, s, g_free);
    pci_set_wmask(s->dev, PIIX_IDETIM, timing_mask, sizeof(timing_mask));
    for (int i = 0; i < 2; i++) {
        s->bus[i] = ide_bus_create(m, piix_channels[i].cmd, piix_channels[i].ctl,
                                   &m->isa_irq[piix_channels[i].irq]);
    }
    s->bm = bmdma_create(m, s->bus[0], s->bus[1]);
    if (pci_register_bar(s->dev, 4, 16, PCI_BAR_IO, &bmdma_ops, s->bm, err) < 0) {
        return NULL;
    }
    piix_ide_reset(s, s->dev);
    return s;
}

IdeBus *piix_ide_bus(PiixIdeState *s, int channel)
{
    return s->bus[channel & 1];
}

PCIDevice *piix_ide_device(PiixIdeState *s)
{
    return s->dev;
}

int piix_ide_attach_drives(PiixIdeState *s, GPtrArray *drives, char **err)
{
    for (guint i = 0; drives && i < drives->len; i++) {
        const DriveConfig *d = g_ptr_array_index(drives, i);
        BlockBackend *blk = NULL;
        char *warning = NULL;
        if (d->file) {
            blk = drive_open(d, &warning, err);
            if (!blk) {
                return -1;
            }
            if (warning) {
                fprintf(stderr, "mimic: warning: %s\n", warning);
                g_free(warning);
            }
        }
        char *aerr = NULL;
        IdeKind kind = d->media == DRIVE_MEDIA_CDROM ? IDE_KIND_CD : IDE_KIND_HD;
        if (ide_attach(s->bus[d->bus], d->unit, kind, blk, &aerr) < 0) {
            *err = g_strdup_printf("%s: %s", d->origin, aerr);
            g_free(aerr);
            blk_close(blk);
            return -1;
        }
    }
    return 0;
}
