/*
 * An IDE channel: the command and control block registers, device
 * selection, resets and signatures, and the ATA command set of a disk.
 *
 * Follows ATA/ATAPI-6 (T13/1410D): registers §7, commands §8, protocols §9
 * (PIO data-in/out with one interrupt per DRQ block, DMA, non-data), the
 * signatures of §9.12, IDENTIFY DEVICE word layout of §8.15. Packet devices
 * (ATAPI) share the channel logic and keep their command set in atapi.c.
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

/* ATA commands (§8) */
enum {
    ATA_NOP = 0x00,
    ATA_DEVICE_RESET = 0x08,
    ATA_RECALIBRATE = 0x10,
    ATA_READ_SECTORS = 0x20,
    ATA_READ_SECTORS_NR = 0x21,
    ATA_READ_SECTORS_EXT = 0x24,
    ATA_READ_DMA_EXT = 0x25,
    ATA_READ_MULTIPLE_EXT = 0x29,
    ATA_WRITE_SECTORS = 0x30,
    ATA_WRITE_SECTORS_NR = 0x31,
    ATA_WRITE_SECTORS_EXT = 0x34,
    ATA_WRITE_DMA_EXT = 0x35,
    ATA_WRITE_MULTIPLE_EXT = 0x39,
    ATA_READ_VERIFY = 0x40,
    ATA_READ_VERIFY_NR = 0x41,
    ATA_READ_VERIFY_EXT = 0x42,
    ATA_SEEK = 0x70,
    ATA_EXECUTE_DIAGNOSTIC = 0x90,
    ATA_INIT_DEV_PARAMS = 0x91,
    ATA_PACKET = 0xa0,
    ATA_IDENTIFY_PACKET = 0xa1,
    ATA_READ_MULTIPLE = 0xc4,
    ATA_WRITE_MULTIPLE = 0xc5,
    ATA_SET_MULTIPLE = 0xc6,
    ATA_READ_DMA = 0xc8,
    ATA_READ_DMA_NR = 0xc9,
    ATA_WRITE_DMA = 0xca,
    ATA_WRITE_DMA_NR = 0xcb,
    ATA_STANDBY_IMMEDIATE = 0xe0,
    ATA_IDLE_IMMEDIATE = 0xe1,
    ATA_STANDBY = 0xe2,
    ATA_IDLE = 0xe3,
    ATA_CHECK_POWER_MODE = 0xe5,
    ATA_SLEEP = 0xe6,
    ATA_FLUSH_CACHE = 0xe7,
    ATA_IDENTIFY = 0xec,
    ATA_FLUSH_CACHE_EXT = 0xea,
    ATA_SET_FEATURES = 0xef,
};

/* ---- interrupts, windows, errors ---- */

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

/* End the command with ERR and the given error bits (§9: error outputs). */
static void ata_cmd_error(IdeDevice *s, uint8_t err)
{
    ide_stop_transfer(s);
    s->error = err;
    s->status = ATA_SR_DRDY | ATA_SR_DSC | ATA_SR_ERR;
    ide_raise_irq(s);
}

static void ata_cmd_ok(IdeDevice *s)
{
    ide_stop_transfer(s);
    s->error = 0;
    s->status = ATA_SR_DRDY | ATA_SR_DSC;
    ide_raise_irq(s);
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

/* ---- IDENTIFY ---- */

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

static uint16_t ide_cur_cyls(IdeDevice *s)
{
    uint64_t c = s->nb_sectors / ((uint64_t)s->cur_heads * s->cur_secs);
    return MIN(c, 65535);
}

static void ata_identify_build(IdeDevice *s, uint16_t *id)
{
    uint64_t lba28 = MIN(s->nb_sectors, 0x0fffffffull);
    uint16_t cur_cyls = ide_cur_cyls(s);
    uint32_t chs_cap = (uint32_t)cur_cyls * s->cur_heads * s->cur_secs;

    memset(id, 0, 512);
    id[0] = 0x0040;                 /* fixed device, not removable */
    id[1] = s->cyls;
    id[3] = s->heads;
    id[6] = s->secs;
    ide_identify_strings(s, id, "MIMIC HARDDISK");
    id[47] = 0x8000 | IDE_MAX_MULT;
    id[49] = 1 << 11 | 1 << 9 | 1 << 8; /* IORDY, LBA, DMA */
    id[50] = 0x4000;
    id[51] = 0x0200;                /* PIO timing mode 2 (obsolete field) */
    id[53] = 0x0007;                /* words 54-58, 64-70 and 88 valid */
    id[54] = cur_cyls;
    id[55] = s->cur_heads;
    id[56] = s->cur_secs;
    id[57] = chs_cap;
    id[58] = chs_cap >> 16;
    id[59] = 0x0100 | s->mult_sectors;
    id[60] = lba28;
    id[61] = lba28 >> 16;
    id[63] = 0x0007;                /* multiword DMA 0-2 */
    if (s->xfer_mode >= 0x20 && s->xfer_mode <= 0x22) {
        id[63] |= 1 << (8 + (s->xfer_mode & 7));
    }
    id[64] = 0x0003;                /* PIO 3 and 4 */
    id[65] = 120;
    id[66] = 120;
    id[67] = 120;
    id[68] = 120;
    id[80] = 0x007e;                /* ATA-1 to ATA-6 */
    id[82] = 1 << 14 | 1 << 5 | 1 << 3; /* NOP, write cache, power management */
    id[83] = 0x4000 | 1 << 13 | 1 << 12 | 1 << 10; /* FLUSH EXT, FLUSH, 48-bit */
    id[84] = 0x4000;
    id[85] = 1 << 14 | (s->wce ? 1 << 5 : 0) | 1 << 3;
    id[86] = 1 << 13 | 1 << 12 | 1 << 10;
    id[87] = 0x4000;
    id[88] = 0x003f;                /* Ultra DMA 0-5 */
    if (s->xfer_mode >= 0x40 && s->xfer_mode <= 0x45) {
        id[88] |= 1 << (8 + (s->xfer_mode & 7));
    }
    id[100] = s->nb_sectors;
    id[101] = s->nb_sectors >> 16;
    id[102] = s->nb_sectors >> 32;
    id[103] = s->nb_sectors >> 48;
    ide_id_checksum(id);
}

static void ide_window_finished(IdeDevice *s)
{
    s->status = ATA_SR_DRDY | ATA_SR_DSC;
}

static void ata_identify(IdeDevice *s)
{
    uint16_t id[256];
    ata_identify_build(s, id);
    for (int i = 0; i < 256; i++) {
        st16(s->buf + 2 * i, id[i]);
    }
    s->error = 0;
    s->status = ATA_SR_DRDY | ATA_SR_DSC;
    ide_window(s, 0, 512, ide_window_finished);
    ide_raise_irq(s);
}

/* ---- addressing ---- */

/* The starting sector and count of a read/write command, or false with
 * the error to report (§7: CHS, LBA28 and the 48-bit register pairs). */
static bool ata_decode(IdeDevice *s, bool lba48, uint64_t *lba, uint32_t *count)
{
    if (lba48) {
        *lba = (uint64_t)s->hob_hcyl << 40 | (uint64_t)s->hob_lcyl << 32 |
               (uint64_t)s->hob_sector << 24 | (uint32_t)s->hcyl << 16 | s->lcyl << 8 | s->sector;
        *count = s->hob_nsector << 8 | s->nsector;
        if (!*count) {
            *count = 65536;
        }
    } else {
        if (s->select & ATA_DEV_LBA) {
            *lba = (uint32_t)(s->select & 0x0f) << 24 | (uint32_t)s->hcyl << 16 | s->lcyl << 8 |
                   s->sector;
        } else {
            uint32_t cyl = s->hcyl << 8 | s->lcyl, head = s->select & 0x0f;
            if (!s->sector || s->sector > s->cur_secs || head >= s->cur_heads) {
                return false;
            }
            *lba = ((uint64_t)cyl * s->cur_heads + head) * s->cur_secs + s->sector - 1;
        }
        *count = s->nsector ? s->nsector : 256;
    }
    return *lba < s->nb_sectors && *count <= s->nb_sectors - *lba;
}

/* ---- PIO data-in / data-out (§9.5, §9.6) ---- */

static void ata_pio_read_block(IdeDevice *s);

static void ata_pio_read_done(IdeDevice *s)
{
    if (s->xfer.left) {
        ata_pio_read_block(s);
    } else {
        s->xfer.active = false;
        s->status = ATA_SR_DRDY | ATA_SR_DSC; /* no interrupt after the last block */
    }
}

static void ata_pio_read_block(IdeDevice *s)
{
    uint32_t n = MIN(s->xfer.left, s->drq_bytes);
    if (blk_pread(s->blk, s->xfer.off, s->buf, n) < 0) {
        ata_cmd_error(s, ATA_ER_UNC);
        return;
    }
    s->xfer.off += n;
    s->xfer.left -= n;
    s->status = ATA_SR_DRDY | ATA_SR_DSC;
    ide_window(s, 0, n, ata_pio_read_done);
    ide_raise_irq(s);
}

/* Without a volatile cache every write reaches the medium before it is
 * acknowledged; with one, FLUSH CACHE does that. */
static int ata_write_through(IdeDevice *s)
{
    return s->wce ? 0 : blk_flush(s->blk);
}

static void ata_pio_write_done(IdeDevice *s)
{
    uint32_t n = s->buf_end;
    if (blk_pwrite(s->blk, s->xfer.off, s->buf, n) < 0) {
        ata_cmd_error(s, ATA_ER_ABRT);
        return;
    }
    s->xfer.off += n;
    s->xfer.left -= n;
    if (s->xfer.left) {
        s->status = ATA_SR_DRDY | ATA_SR_DSC;
        ide_window(s, 0, MIN(s->xfer.left, s->drq_bytes), ata_pio_write_done);
        ide_raise_irq(s);
        return;
    }
    if (ata_write_through(s) < 0) {
        ata_cmd_error(s, ATA_ER_ABRT);
        return;
    }
    ata_cmd_ok(s);
}

static void ata_rw(IdeDevice *s, bool write, bool lba48, bool dma, unsigned mult)
{
    uint64_t lba;
    uint32_t count;
    if (write && blk_is_read_only(s->blk)) {
        ata_cmd_error(s, ATA_ER_ABRT); /* a write-protected disk: nothing is written */
        return;
    }
    if (!ata_decode(s, lba48, &lba, &count)) {
        ata_cmd_error(s, ATA_ER_IDNF);
        return;
    }
    s->xfer = (IdeXfer){ .active = true, .to_host = !write, .dma = dma,
                         .off = lba * IDE_SECTOR_SIZE, .left = (uint64_t)count * IDE_SECTOR_SIZE };
    s->drq_bytes = mult * IDE_SECTOR_SIZE;
    s->error = 0;
    if (dma) {
        s->status = ATA_SR_DRDY | ATA_SR_DSC | ATA_SR_DRQ;
        ide_start_dma(s);
    } else if (write) {
        /* the first DRQ block is requested without an interrupt */
        s->status = ATA_SR_DRDY | ATA_SR_DSC;
        ide_window(s, 0, MIN(s->xfer.left, s->drq_bytes), ata_pio_write_done);
    } else {
        ata_pio_read_block(s);
    }
}

static void ata_read_verify(IdeDevice *s, bool lba48)
{
    uint64_t lba;
    uint32_t count;
    if (!ata_decode(s, lba48, &lba, &count)) {
        ata_cmd_error(s, ATA_ER_IDNF);
        return;
    }
    ata_cmd_ok(s);
}

static void ata_flush(IdeDevice *s)
{
    if (blk_flush(s->blk) < 0) {
        ata_cmd_error(s, ATA_ER_ABRT);
        return;
    }
    ata_cmd_ok(s);
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
        ata_cmd_error(s, s->xfer.to_host ? ATA_ER_UNC : ATA_ER_ABRT);
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
        return;
    }
    if (!s->xfer.to_host && ata_write_through(s) < 0) {
        ata_cmd_error(s, ATA_ER_ABRT);
        return;
    }
    ata_cmd_ok(s);
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

/* ---- the remaining commands ---- */

static void ata_set_features(IdeDevice *s)
{
    switch (s->feature) {
    case 0x02: /* enable volatile write cache */
        if (s->kind == IDE_KIND_HD) {
            s->wce = true;
            break;
        }
        ata_cmd_error(s, ATA_ER_ABRT);
        return;
    case 0x82: /* disable it: what is cached reaches the medium first */
        if (s->kind == IDE_KIND_HD) {
            if (blk_flush(s->blk) < 0) {
                ata_cmd_error(s, ATA_ER_ABRT);
                return;
            }
            s->wce = false;
            break;
        }
        ata_cmd_error(s, ATA_ER_ABRT);
        return;
    case 0x03: { /* set transfer mode from the sector count */
        uint8_t mode = s->nsector;
        bool ok = mode <= 0x01 || (mode >= 0x08 && mode <= 0x0c) || (mode >= 0x20 && mode <= 0x22) ||
                  (mode >= 0x40 && mode <= 0x45);
        if (!ok) {
            ata_cmd_error(s, ATA_ER_ABRT);
            return;
        }
        s->xfer_mode = mode;
        break;
    }
    case 0x55: /* read look-ahead off/on, reverting to defaults off/on: accepted */
    case 0xaa:
    case 0x66:
    case 0xcc:
        break;
    default:
        ata_cmd_error(s, ATA_ER_ABRT);
        return;
    }
    ata_cmd_ok(s);
}

static void ata_set_multiple(IdeDevice *s)
{
    uint8_t n = s->nsector;
    if (n > IDE_MAX_MULT || (n & (n - 1))) {
        ata_cmd_error(s, ATA_ER_ABRT);
        return;
    }
    s->mult_sectors = n;
    ata_cmd_ok(s);
}

static void ata_init_dev_params(IdeDevice *s)
{
    if (!s->nsector) {
        ata_cmd_error(s, ATA_ER_ABRT);
        return;
    }
    s->cur_secs = s->nsector;
    s->cur_heads = (s->select & 0x0f) + 1;
    ata_cmd_ok(s);
}

static void ide_execute_diagnostic(IdeBus *bus)
{
    for (int i = 0; i < 2; i++) {
        IdeDevice *d = &bus->dev[i];
        if (d->kind == IDE_KIND_NONE) {
            continue;
        }
        ide_stop_transfer(d);
        ide_set_signature(d);
        d->status = d->kind == IDE_KIND_CD ? 0 : ATA_SR_DRDY | ATA_SR_DSC;
    }
    /* device 0 reports for the pair and interrupts */
    ide_raise_irq(&bus->dev[bus->dev[0].kind != IDE_KIND_NONE ? 0 : 1]);
}

/* Commands a packet device accepts besides PACKET (§8 per-command "packet
 * command feature set" rules); the rest abort. */
static void ide_exec_cd(IdeDevice *s, uint8_t cmd)
{
    switch (cmd) {
    case ATA_PACKET:
        atapi_packet_cmd(s);
        break;
    case ATA_IDENTIFY_PACKET:
        atapi_identify(s);
        break;
    case ATA_IDENTIFY:
        /* aborts with the signature in place, so the host learns what
         * it is talking to */
        ide_stop_transfer(s);
        ide_set_signature(s);
        s->select = s->unit ? ATA_DEV_DEV : 0;
        s->bus->dev[s->unit ^ 1].select = s->select;
        s->error = ATA_ER_ABRT;
        s->status = ATA_SR_DRDY | ATA_SR_ERR;
        ide_raise_irq(s);
        break;
    case ATA_DEVICE_RESET:
        ide_stop_transfer(s);
        ide_set_signature(s);
        s->select = s->unit ? ATA_DEV_DEV : 0;
        s->bus->dev[s->unit ^ 1].select = s->select;
        s->status = 0;
        break;
    case ATA_SET_FEATURES:
        ata_set_features(s);
        break;
    case ATA_CHECK_POWER_MODE:
        s->nsector = 0xff;
        ata_cmd_ok(s);
        break;
    case ATA_IDLE_IMMEDIATE:
    case ATA_STANDBY_IMMEDIATE:
    case ATA_SLEEP:
        ata_cmd_ok(s);
        break;
    default:
        ata_cmd_error(s, ATA_ER_ABRT);
        break;
    }
}

static void ide_exec_hd(IdeDevice *s, uint8_t cmd)
{
    unsigned mult = s->mult_sectors;
    switch (cmd) {
    case ATA_IDENTIFY:
        ata_identify(s);
        break;
    case ATA_READ_SECTORS:
    case ATA_READ_SECTORS_NR:
        ata_rw(s, false, false, false, 1);
        break;
    case ATA_READ_SECTORS_EXT:
        ata_rw(s, false, true, false, 1);
        break;
    case ATA_WRITE_SECTORS:
    case ATA_WRITE_SECTORS_NR:
        ata_rw(s, true, false, false, 1);
        break;
    case ATA_WRITE_SECTORS_EXT:
        ata_rw(s, true, true, false, 1);
        break;
    case ATA_READ_MULTIPLE:
    case ATA_READ_MULTIPLE_EXT:
    case ATA_WRITE_MULTIPLE:
    case ATA_WRITE_MULTIPLE_EXT:
        if (!mult) {
            ata_cmd_error(s, ATA_ER_ABRT); /* SET MULTIPLE MODE first */
            break;
        }
        ata_rw(s, cmd == ATA_WRITE_MULTIPLE || cmd == ATA_WRITE_MULTIPLE_EXT,
               cmd == ATA_READ_MULTIPLE_EXT || cmd == ATA_WRITE_MULTIPLE_EXT, false, mult);
        break;
    case ATA_READ_DMA:
    case ATA_READ_DMA_NR:
        ata_rw(s, false, false, true, 1);
        break;
    case ATA_READ_DMA_EXT:
        ata_rw(s, false, true, true, 1);
        break;
    case ATA_WRITE_DMA:
    case ATA_WRITE_DMA_NR:
        ata_rw(s, true, false, true, 1);
        break;
    case ATA_WRITE_DMA_EXT:
        ata_rw(s, true, true, true, 1);
        break;
    case ATA_READ_VERIFY:
    case ATA_READ_VERIFY_NR:
        ata_read_verify(s, false);
        break;
    case ATA_READ_VERIFY_EXT:
        ata_read_verify(s, true);
        break;
    case ATA_FLUSH_CACHE:
    case ATA_FLUSH_CACHE_EXT:
        ata_flush(s);
        break;
    case ATA_SET_FEATURES:
        ata_set_features(s);
        break;
    case ATA_SET_MULTIPLE:
        ata_set_multiple(s);
        break;
    case ATA_INIT_DEV_PARAMS:
        ata_init_dev_params(s);
        break;
    case ATA_CHECK_POWER_MODE:
        s->nsector = 0xff; /* active or idle */
        ata_cmd_ok(s);
        break;
    case ATA_IDLE:
    case ATA_IDLE_IMMEDIATE:
    case ATA_STANDBY:
    case ATA_STANDBY_IMMEDIATE:
    case ATA_SLEEP:
    case ATA_SEEK:
        ata_cmd_ok(s);
        break;
    default:
        if (cmd >= ATA_RECALIBRATE && cmd <= ATA_RECALIBRATE + 0x0f) {
            ata_cmd_ok(s); /* obsolete, still sent by old BIOSes and DOS */
            break;
        }
        ata_cmd_error(s, ATA_ER_ABRT); /* NOP and everything unknown */
        break;
    }
}

static void ide_exec_cmd(IdeBus *bus, uint8_t cmd)
{
    IdeDevice *s = ide_selected(bus);
    if (cmd == ATA_EXECUTE_DIAGNOSTIC) {
        if (bus->dev[0].kind != IDE_KIND_NONE || bus->dev[1].kind != IDE_KIND_NONE) {
            ide_execute_diagnostic(bus);
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
    if (s->kind == IDE_KIND_CD) {
        ide_exec_cd(s, cmd);
    } else {
        ide_exec_hd(s, cmd);
    }
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
