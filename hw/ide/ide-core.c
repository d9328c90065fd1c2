/*
 * An IDE channel: the command and control block registers, device
 * selection, interrupts (INTRQ of the selected device, nIEN), software and
 * hardware resets with their signatures, the data-port window PIO moves
 * through, and the device side of bus-master DMA. The ATA command set is in
 * ata.c, the packet command set in atapi.c.
 *
 * Follows ATA/ATAPI-6 (T13/1410D): registers §7, reset protocol §9.2,
 * signatures §9.12.
 *
 * Commands run to completion inside the register write that issues them
 * (block I/O is synchronous, see block/block.h), so BSY is never observed
 * except while SRST is held; the host still sees each protocol's DRQ and
 * interrupt sequence.
 */
#include "hw/ide/ide-internal.h"

#include <errno.h>
#include <string.h>

#include <glib.h>

/* ---- interrupts, windows, signatures ---- */

void ide_update_irq(IdeBus *bus)
{
    IdeDevice *s = ide_selected(bus);
    /* INTRQ is driven by the selected device only, and floats with nIEN */
    int level = s->kind != IDE_KIND_NONE && s->irq_pending && !(bus->devctl & ATA_DC_NIEN);
    if (level != bus->irq_level) {
        bus->irq_level = level;
        irq_set(bus->irq, level);
    }
}

void ide_raise_irq(IdeDevice *s)
{
    s->irq_pending = true;
    ide_update_irq(s->bus);
    if (s->bus->irq_level && s->bus->dma_ops && s->bus->dma_ops->irq) {
        s->bus->dma_ops->irq(s->bus->dma_opaque);
    }
}

void ide_window(IdeDevice *s, uint32_t pos, uint32_t end, void (*done)(IdeDevice *))
{
    s->buf_pos = pos;
    s->buf_end = end;
    s->window_done = done;
    s->status |= ATA_SR_DRQ;
}

void ide_stop_transfer(IdeDevice *s)
{
    s->buf_pos = s->buf_end = 0;
    s->window_done = NULL;
    s->xfer.active = false;
    s->status &= ~ATA_SR_DRQ;
}

/* §9.12: the register contents after a reset or EXECUTE DEVICE DIAGNOSTIC
 * tell the host what is attached. */
void ide_set_signature(IdeDevice *s)
{
    s->nsector = 1;
    s->sector = 1;
    if (s->kind == IDE_KIND_CD) {
        s->lcyl = 0x14;
        s->hcyl = 0xeb;
    } else {
        s->lcyl = 0;
        s->hcyl = 0;
    }
    s->select = 0;
    s->error = 0x01; /* diagnostic: device 0 passed, device 1 passed or absent */
}

/* ---- IDENTIFY data common to ATA and ATAPI ---- */

/* ATA strings are space-padded with the first character of each pair in
 * the high byte of its word (§8.15.9). */
void ide_padstr(uint8_t *dst, const char *src, size_t len)
{
    size_t n = strlen(src);
    for (size_t i = 0; i < len; i++) {
        dst[i ^ 1] = i < n ? src[i] : ' ';
    }
}

void ide_identify_strings(IdeDevice *s, uint16_t *id, const char *model)
{
    ide_padstr((uint8_t *)&id[10], s->serial, 20);
    ide_padstr((uint8_t *)&id[23], MIMIC_VERSION, 8);
    ide_padstr((uint8_t *)&id[27], model, 40);
}

/* Word 255: signature A5h and a checksum making all 512 bytes sum to 0. */
void ide_id_checksum(uint16_t *id)
{
    uint8_t sum = 0xa5;
    const uint8_t *b = (const uint8_t *)id;
    for (int i = 0; i < 510; i++) {
        sum += b[i];
    }
    id[255] = (uint16_t)((uint8_t)-sum) << 8 | 0xa5;
}

/* ---- DMA, for the bus-master engine ---- */

void ide_start_dma(IdeDevice *s)
{
    s->xfer.dma = true;
    if (s->bus->dma_ops && s->bus->dma_ops->kick) {
        s->bus->dma_ops->kick(s->bus->dma_opaque);
    }
}

IdeDevice *ide_dma_device(IdeBus *bus)
{
    IdeDevice *s = ide_selected(bus);
    return s->kind != IDE_KIND_NONE && s->xfer.active && s->xfer.dma ? s : NULL;
}

static void ide_dma_fail(IdeDevice *s, int ret)
{
    if (s->kind == IDE_KIND_CD) {
        atapi_dma_error(s, ret);
    } else {
        ata_dma_error(s);
    }
}

int ide_dma_rw(IdeBus *bus, uint8_t *p, size_t n)
{
    IdeDevice *s = ide_dma_device(bus);
    int ret = 0;
    if (!s) {
        return -EIO;
    }
    n = MIN(n, s->xfer.left);
    if (s->xfer.from_buf) {
        if (s->xfer.off + n > IDE_BUF_SIZE) {
            ret = -EIO;
        } else if (s->xfer.to_host) {
            memcpy(p, s->buf + s->xfer.off, n);
        } else {
            memcpy(s->buf + s->xfer.off, p, n);
        }
    } else if (s->xfer.to_host) {
        ret = blk_pread(s->blk, s->xfer.off, p, n);
    } else {
        ret = blk_pwrite(s->blk, s->xfer.off, p, n);
    }
    if (ret < 0) {
        ide_dma_fail(s, ret);
        return ret;
    }
    s->xfer.off += n;
    s->xfer.left -= n;
    return 0;
}

void ide_dma_done(IdeBus *bus)
{
    IdeDevice *s = ide_dma_device(bus);
    if (!s) {
        return;
    }
    if (s->kind == IDE_KIND_CD) {
        atapi_dma_done(s);
    } else {
        ata_dma_done(s);
    }
}

void ide_dma_abort(IdeBus *bus)
{
    IdeDevice *s = ide_dma_device(bus);
    if (s) {
        ide_dma_fail(s, -EFAULT);
    }
}

void ide_bus_set_dma(IdeBus *bus, const IdeDmaOps *ops, void *opaque)
{
    bus->dma_ops = ops;
    bus->dma_opaque = opaque;
}

static void ide_exec_cmd(IdeBus *bus, uint8_t cmd)
{
    IdeDevice *s = ide_selected(bus);
    if (cmd == ATA_CMD_EXECUTE_DIAGNOSTIC) {
        /* addressed to both devices whatever DEV says */
        if (bus->dev[0].kind != IDE_KIND_NONE || bus->dev[1].kind != IDE_KIND_NONE) {
            ata_execute_diagnostic(bus);
        }
        return;
    }
    if (s->kind == IDE_KIND_NONE || (s->status & ATA_SR_BSY)) {
        return; /* nobody answers, or the device ignores writes while busy */
    }
    ide_stop_transfer(s);
    s->irq_pending = false;
    ide_update_irq(bus);
    s->cmd = cmd;
    ata_exec(s, cmd);
}

/* ---- register access ---- */

static uint32_t ide_data_read(IdeBus *bus, unsigned size)
{
    IdeDevice *s = ide_selected(bus);
    uint32_t v = 0;
    if (s->kind == IDE_KIND_NONE || !(s->status & ATA_SR_DRQ) || !s->window_done ||
        (s->xfer.active && !s->xfer.to_host)) {
        return size == 4 ? 0xffffffff : 0xffff;
    }
    for (unsigned i = 0; i < size && s->buf_pos < s->buf_end; i++) {
        v |= (uint32_t)s->buf[s->buf_pos++] << (8 * i);
    }
    if (s->buf_pos >= s->buf_end) {
        void (*done)(IdeDevice *) = s->window_done;
        s->status &= ~ATA_SR_DRQ;
        s->window_done = NULL;
        done(s);
    }
    return v;
}

static void ide_data_write(IdeBus *bus, uint32_t v, unsigned size)
{
    IdeDevice *s = ide_selected(bus);
    if (s->kind == IDE_KIND_NONE || !(s->status & ATA_SR_DRQ) || !s->window_done ||
        (s->xfer.active && s->xfer.to_host)) {
        return;
    }
    for (unsigned i = 0; i < size && s->buf_pos < s->buf_end; i++) {
        s->buf[s->buf_pos++] = v >> (8 * i);
    }
    if (s->buf_pos >= s->buf_end) {
        void (*done)(IdeDevice *) = s->window_done;
        s->status &= ~ATA_SR_DRQ;
        s->window_done = NULL;
        done(s);
    }
}

static uint8_t ide_reg_read(IdeBus *bus, unsigned reg)
{
    IdeDevice *s = ide_selected(bus);
    bool hob = bus->devctl & ATA_DC_HOB;
    if (s->kind == IDE_KIND_NONE) {
        IdeDevice *other = &bus->dev[s->unit ^ 1];
        if (other->kind == IDE_KIND_NONE || reg == 7) {
            return 0; /* an empty channel, or device 0 answering for absent device 1 */
        }
        s = other;
    }
    switch (reg) {
    case 1:
        return s->error;
    case 2:
        return hob ? s->hob_nsector : s->nsector;
    case 3:
        return hob ? s->hob_sector : s->sector;
    case 4:
        return hob ? s->hob_lcyl : s->lcyl;
    case 5:
        return hob ? s->hob_hcyl : s->hcyl;
    case 6:
        return s->select | 0xa0;
    case 7:
        s->irq_pending = false; /* reading Status acknowledges INTRQ */
        ide_update_irq(bus);
        return s->status;
    }
    return 0xff;
}

static void ide_reg_write(IdeBus *bus, unsigned reg, uint8_t v)
{
    if (reg == 7) {
        bus->devctl &= ~ATA_DC_HOB;
        ide_exec_cmd(bus, v);
        return;
    }
    if (ide_selected(bus)->status & ATA_SR_BSY) {
        return;
    }
    bus->devctl &= ~ATA_DC_HOB;
    for (int i = 0; i < 2; i++) {
        IdeDevice *s = &bus->dev[i];
        switch (reg) {
        case 1:
            s->hob_feature = s->feature;
            s->feature = v;
            break;
        case 2:
            s->hob_nsector = s->nsector;
            s->nsector = v;
            break;
        case 3:
            s->hob_sector = s->sector;
            s->sector = v;
            break;
        case 4:
            s->hob_lcyl = s->lcyl;
            s->lcyl = v;
            break;
        case 5:
            s->hob_hcyl = s->hcyl;
            s->hcyl = v;
            break;
        case 6:
            s->select = v & (ATA_DEV_LBA | ATA_DEV_DEV | 0x0f);
            break;
        }
    }
    if (reg == 6) {
        ide_update_irq(bus); /* INTRQ follows the selected device */
    }
}

static uint64_t ide_cmd_read(void *opaque, uint64_t off, unsigned size)
{
    IdeBus *bus = opaque;
    if (off == 0) {
        return ide_data_read(bus, size);
    }
    uint64_t v = 0;
    for (unsigned i = 0; i < size; i++) {
        v |= (uint64_t)(off + i < 8 ? ide_reg_read(bus, off + i) : 0xff) << (8 * i);
    }
    return v;
}

static void ide_cmd_write(void *opaque, uint64_t off, uint64_t v, unsigned size)
{
    IdeBus *bus = opaque;
    if (off == 0) {
        ide_data_write(bus, v, size);
        return;
    }
    for (unsigned i = 0; i < size && off + i < 8; i++) {
        ide_reg_write(bus, off + i, v >> (8 * i));
    }
}

static const MemOps ide_cmd_ops = {
    .read = ide_cmd_read,
    .write = ide_cmd_write,
    .min_size = 1,
    .max_size = 4, /* the data port takes 16- and 32-bit PIO */
};

/* Software reset (§9.2): SRST set puts both devices in reset; cleared, they
 * come up with their signatures. */
static void ide_soft_reset(IdeBus *bus, bool assert)
{
    for (int i = 0; i < 2; i++) {
        IdeDevice *s = &bus->dev[i];
        if (s->kind == IDE_KIND_NONE) {
            continue;
        }
        ide_stop_transfer(s);
        s->irq_pending = false;
        if (assert) {
            s->status = ATA_SR_BSY;
        } else {
            ide_set_signature(s);
            s->status = s->kind == IDE_KIND_CD ? 0 : ATA_SR_DRDY | ATA_SR_DSC;
        }
    }
}

static uint64_t ide_ctl_read(void *opaque, uint64_t off, unsigned size)
{
    IdeBus *bus = opaque;
    IdeDevice *s = ide_selected(bus);
    return s->kind == IDE_KIND_NONE ? 0 : s->status; /* alternate status: no acknowledge */
}

static void ide_ctl_write(void *opaque, uint64_t off, uint64_t v, unsigned size)
{
    IdeBus *bus = opaque;
    uint8_t old = bus->devctl;
    bus->devctl = v & (ATA_DC_HOB | ATA_DC_SRST | ATA_DC_NIEN);
    if ((v ^ old) & ATA_DC_SRST) {
        ide_soft_reset(bus, v & ATA_DC_SRST);
    }
    ide_update_irq(bus);
}

static const MemOps ide_ctl_ops = {
    .read = ide_ctl_read,
    .write = ide_ctl_write,
    .min_size = 1,
    .max_size = 1,
};

/* ---- creation, attach, reset ---- */

static void ide_device_reset(IdeDevice *s)
{
    ide_stop_transfer(s);
    s->irq_pending = false;
    s->feature = s->hob_feature = 0;
    s->hob_nsector = s->hob_sector = s->hob_lcyl = s->hob_hcyl = 0;
    s->mult_sectors = 0;
    s->wce = true;
    s->xfer_mode = 0;
    s->cur_heads = s->heads;
    s->cur_secs = s->secs;
    ide_set_signature(s);
    if (s->kind == IDE_KIND_CD) {
        atapi_reset(s);
        s->status = 0;
    } else {
        s->status = s->kind == IDE_KIND_HD ? ATA_SR_DRDY | ATA_SR_DSC : 0;
    }
}

void ide_bus_reset(IdeBus *bus)
{
    bus->devctl = 0;
    for (int i = 0; i < 2; i++) {
        ide_device_reset(&bus->dev[i]);
    }
    ide_update_irq(bus);
}

static void ide_bus_reset_hook(void *opaque)
{
    ide_bus_reset(opaque);
}

void ide_bus_set_decode(IdeBus *bus, bool on)
{
    if (on && !bus->cmd_region) {
        /* NULL when something else claimed the ports: the channel then
         * decodes nothing, as on a board with a conflicting card */
        bus->cmd_region = as_add_io(bus->m->io, "ide-cmd", bus->cmd_base, 8, &ide_cmd_ops, bus, NULL);
        bus->ctl_region = as_add_io(bus->m->io, "ide-ctl", bus->ctl_base, 1, &ide_ctl_ops, bus, NULL);
    } else if (!on && bus->cmd_region) {
        as_remove(bus->m->io, bus->cmd_region);
        if (bus->ctl_region) {
            as_remove(bus->m->io, bus->ctl_region);
        }
        bus->cmd_region = bus->ctl_region = NULL;
    }
}

static void ide_bus_free(void *opaque)
{
    IdeBus *bus = opaque;
    for (int i = 0; i < 2; i++) {
        blk_close(bus->dev[i].blk);
        g_free(bus->dev[i].buf);
    }
    g_free(bus);
}

IdeBus *ide_bus_create(Machine *m, uint16_t cmd_base, uint16_t ctl_base, IrqLine *irq)
{
    IdeBus *bus = g_new0(IdeBus, 1);
    bus->m = m;
    bus->irq = irq;
    bus->cmd_base = cmd_base;
    for (int i = 0; i < 2; i++) {
        bus->dev[i].bus = bus;
        bus->dev[i].unit = i;
    }
    bus->ctl_base = ctl_base;
    ide_bus_set_decode(bus, true);
    machine_add_reset(m, ide_bus_reset_hook, bus);
    machine_own(m, bus, ide_bus_free);
    ide_bus_reset(bus);
    return bus;
}

int ide_attach(IdeBus *bus, int unit, IdeKind kind, BlockBackend *blk, char **err)
{
    if (unit < 0 || unit > 1 || kind == IDE_KIND_NONE || bus->dev[unit].kind != IDE_KIND_NONE) {
        *err = g_strdup_printf("IDE unit %d: %s", unit, unit < 0 || unit > 1 ? "no such unit"
                                                                          : "already in use");
        return -1;
    }
    IdeDevice *s = &bus->dev[unit];
    if (kind == IDE_KIND_HD) {
        if (!blk || blk_size(blk) < IDE_SECTOR_SIZE) {
            *err = g_strdup_printf("%s: a disk image needs at least one 512-byte sector",
                                   blk ? blk->filename : "(none)");
            return -1;
        }
        s->nb_sectors = blk_size(blk) / IDE_SECTOR_SIZE;
        /* the customary default translation: 16 heads, 63 sectors */
        s->heads = 16;
        s->secs = 63;
        s->cyls = MAX(1, MIN(s->nb_sectors / (16 * 63), 16383));
    }
    s->kind = kind;
    s->blk = blk;
    s->buf = g_malloc0(IDE_BUF_SIZE);
    /* unique per slot, stable across runs: Linux names by-id links from it */
    g_snprintf(s->serial, sizeof(s->serial), "MM%04X%d", bus->cmd_base, unit);
    if (kind == IDE_KIND_CD) {
        atapi_attach(s);
    }
    ide_device_reset(s);
    ide_update_irq(bus);
    return 0;
}

bool ide_disk_geometry(IdeBus *bus, int unit, uint32_t *cyls, uint32_t *heads, uint32_t *secs)
{
    if (unit < 0 || unit > 1 || bus->dev[unit].kind != IDE_KIND_HD) {
        return false;
    }
    *cyls = bus->dev[unit].cyls;
    *heads = bus->dev[unit].heads;
    *secs = bus->dev[unit].secs;
    return true;
}
