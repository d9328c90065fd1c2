/*
 * The ATA command set (ATA/ATAPI-6, T13/1410D §8) of an IDE disk, and the
 * ATA commands a packet device answers: IDENTIFY DEVICE (§8.15 word
 * layout), READ/WRITE SECTORS, MULTIPLE and DMA in 28- and 48-bit forms
 * with CHS, LBA28 and LBA48 addressing, READ VERIFY, FLUSH CACHE, SET
 * FEATURES, SET MULTIPLE MODE, INITIALIZE DEVICE PARAMETERS, the power
 * commands and EXECUTE DEVICE DIAGNOSTIC. Protocols §9: PIO data-in with an
 * interrupt per DRQ block and none after the last, PIO data-out with the
 * first block requested without one, DMA through the channel's engine.
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

/* ---- completion ---- */

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

/* ---- IDENTIFY DEVICE ---- */

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

void ata_execute_diagnostic(IdeBus *bus)
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

void ata_exec(IdeDevice *s, uint8_t cmd)
{
    if (s->kind == IDE_KIND_CD) {
        ide_exec_cd(s, cmd);
    } else {
        ide_exec_hd(s, cmd);
    }
}

void ata_dma_done(IdeDevice *s)
{
    if (!s->xfer.to_host && ata_write_through(s) < 0) {
        ata_cmd_error(s, ATA_ER_ABRT);
        return;
    }
    ata_cmd_ok(s);
}

void ata_dma_error(IdeDevice *s)
{
    ata_cmd_error(s, s->xfer.to_host ? ATA_ER_UNC : ATA_ER_ABRT);
}
