/*
 * An ATAPI CD/DVD-ROM drive: the PACKET protocol of ATA/ATAPI-6 §9.10/§9.11
 * (command packet, byte count limit, interrupt reason, PIO or DMA data-in)
 * and the MMC commands firmware and Linux's sr driver send (MMC-3 /
 * SPC-3): TEST UNIT READY, REQUEST SENSE, INQUIRY, MODE SENSE (read error
 * recovery and capabilities pages), READ CAPACITY, READ(10/12), READ TOC
 * formats 0-2, GET CONFIGURATION, GET EVENT STATUS NOTIFICATION (media
 * class, polled), START STOP UNIT, PREVENT ALLOW MEDIUM REMOVAL, READ DISC
 * INFORMATION, SET CD SPEED, MECHANISM STATUS. Errors are CHECK CONDITION
 * with fixed-format sense data; the error register carries the sense key.
 */
#include "hw/ide/ide-internal.h"

#include <errno.h>
#include <string.h>

#include <glib.h>

enum {
    MMC_TEST_UNIT_READY = 0x00,
    MMC_REQUEST_SENSE = 0x03,
    MMC_INQUIRY = 0x12,
    MMC_MODE_SENSE_6 = 0x1a,
    MMC_START_STOP_UNIT = 0x1b,
    MMC_PREVENT_ALLOW = 0x1e,
    MMC_READ_CAPACITY = 0x25,
    MMC_READ_10 = 0x28,
    MMC_SEEK_10 = 0x2b,
    MMC_READ_TOC = 0x43,
    MMC_GET_CONFIGURATION = 0x46,
    MMC_GET_EVENT_STATUS = 0x4a,
    MMC_READ_DISC_INFO = 0x51,
    MMC_MODE_SENSE_10 = 0x5a,
    MMC_READ_12 = 0xa8,
    MMC_SET_CD_SPEED = 0xbb,
    MMC_MECHANISM_STATUS = 0xbd,
};

/* Sense keys and additional sense codes (SPC-3 §4.5.6, annex D) */
enum {
    SK_NO_SENSE = 0x00,
    SK_NOT_READY = 0x02,
    SK_MEDIUM_ERROR = 0x03,
    SK_ILLEGAL_REQUEST = 0x05,
    SK_UNIT_ATTENTION = 0x06,
    SK_ABORTED_COMMAND = 0x0b,
};
enum {
    ASC_UNRECOVERED_READ = 0x11,
    ASC_INVALID_OPCODE = 0x20,
    ASC_LBA_OUT_OF_RANGE = 0x21,
    ASC_INVALID_FIELD = 0x24,
    ASC_MEDIUM_CHANGED = 0x28,
    ASC_SAVING_NOT_SUPPORTED = 0x39,
    ASC_MEDIUM_NOT_PRESENT = 0x3a,
    ASC_REMOVAL_PREVENTED = 0x53,
};

/* GET EVENT STATUS NOTIFICATION media event codes (MMC-3 Table 105) */
enum { MEV_NONE = 0, MEV_NEW_MEDIA = 2, MEV_MEDIA_REMOVAL = 3 };

/* A CD holds at most about 80 minutes; anything larger is reported as a DVD. */
#define CD_MAX_SECTORS (80 * 60 * 75)

static inline void be16(uint8_t *p, uint16_t v)
{
    p[0] = v >> 8;
    p[1] = v;
}

static inline void be32(uint8_t *p, uint32_t v)
{
    be16(p, v >> 16);
    be16(p + 2, v);
}

static inline uint16_t rd_be16(const uint8_t *p)
{
    return p[0] << 8 | p[1];
}

static inline uint32_t rd_be32(const uint8_t *p)
{
    return (uint32_t)rd_be16(p) << 16 | rd_be16(p + 2);
}

/* ---- completion ---- */

static void atapi_ok(IdeDevice *s)
{
    ide_stop_transfer(s);
    s->sense_key = SK_NO_SENSE;
    s->asc = s->ascq = 0;
    s->error = 0;
    s->nsector = ATAPI_IR_IO | ATAPI_IR_COD;
    s->status = ATA_SR_DRDY | ATA_SR_DSC;
    ide_raise_irq(s);
}

static void atapi_check(IdeDevice *s, uint8_t key, uint8_t asc, uint8_t ascq)
{
    ide_stop_transfer(s);
    s->sense_key = key;
    s->asc = asc;
    s->ascq = ascq;
    s->error = key << 4;
    s->nsector = ATAPI_IR_IO | ATAPI_IR_COD;
    s->status = ATA_SR_DRDY | ATA_SR_DSC | ATA_SR_ERR;
    ide_raise_irq(s);
}

static void atapi_invalid_field(IdeDevice *s)
{
    atapi_check(s, SK_ILLEGAL_REQUEST, ASC_INVALID_FIELD, 0);
}

static bool atapi_need_medium(IdeDevice *s)
{
    if (s->has_medium && !s->tray_open) {
        return true;
    }
    atapi_check(s, SK_NOT_READY, ASC_MEDIUM_NOT_PRESENT, s->tray_open ? 0x02 : 0x01);
    return false;
}

void atapi_dma_done(IdeDevice *s)
{
    atapi_ok(s);
}

void atapi_dma_error(IdeDevice *s, int ret)
{
    if (ret == -EFAULT) {
        atapi_check(s, SK_ABORTED_COMMAND, 0, 0); /* the host's DMA failed */
    } else {
        atapi_check(s, SK_MEDIUM_ERROR, ASC_UNRECOVERED_READ, 0);
    }
}

/* ---- data-in (§9.11 PIO: one DRQ chunk per interrupt, at most the byte
 * count limit; or one DMA transfer) ---- */

static void atapi_pio_next(IdeDevice *s);

static void atapi_pio_chunk_done(IdeDevice *s)
{
    if (s->xfer.left) {
        atapi_pio_next(s);
    } else {
        atapi_ok(s);
    }
}

static void atapi_pio_next(IdeDevice *s)
{
    uint32_t limit = s->bcl ? MIN(s->bcl, 0xfffe) : 0xfffe;
    uint32_t n;
    if (s->xfer.left <= limit) {
        n = s->xfer.left;
    } else {
        n = MAX(limit & ~1u, 2); /* only the last chunk may be odd */
    }
    if (s->xfer.from_buf) {
        ide_window(s, s->xfer.off, s->xfer.off + n, atapi_pio_chunk_done);
    } else {
        if (blk_pread(s->blk, s->xfer.off, s->buf, n) < 0) {
            atapi_check(s, SK_MEDIUM_ERROR, ASC_UNRECOVERED_READ, 0);
            return;
        }
        ide_window(s, 0, n, atapi_pio_chunk_done);
    }
    s->xfer.off += n;
    s->xfer.left -= n;
    s->lcyl = n;
    s->hcyl = n >> 8;
    s->nsector = ATAPI_IR_IO;
    s->status = ATA_SR_DRDY | ATA_SR_DSC | ATA_SR_DRQ;
    ide_raise_irq(s);
}

static void atapi_start_data(IdeDevice *s, bool from_buf, uint64_t off, uint64_t len)
{
    bool dma = s->feature & 1;
    s->xfer = (IdeXfer){ .active = true, .to_host = true, .from_buf = from_buf, .off = off,
                         .left = len };
    if (dma) {
        s->nsector = ATAPI_IR_IO;
        s->status = ATA_SR_DRDY | ATA_SR_DSC | ATA_SR_DRQ;
        ide_start_dma(s);
    } else {
        atapi_pio_next(s);
    }
}

/* Send the first min(len, alloc) bytes of s->buf. */
static void atapi_reply(IdeDevice *s, uint32_t len, uint32_t alloc)
{
    uint32_t n = MIN(len, alloc);
    if (!n) {
        atapi_ok(s);
        return;
    }
    atapi_start_data(s, true, 0, n);
}

/* ---- the commands ---- */

static void atapi_request_sense(IdeDevice *s, const uint8_t *cdb)
{
    uint8_t *b = s->buf;
    memset(b, 0, 18);
    b[0] = 0x70; /* current error, fixed format */
    if (s->unit_attention) {
        s->unit_attention = false;
        b[2] = SK_UNIT_ATTENTION;
        b[12] = ASC_MEDIUM_CHANGED;
    } else {
        b[2] = s->sense_key;
        b[12] = s->asc;
        b[13] = s->ascq;
    }
    b[7] = 10;
    /* the sense is reported once; atapi_ok() clears it */
    atapi_reply(s, 18, cdb[4]);
}

static void atapi_inquiry(IdeDevice *s, const uint8_t *cdb)
{
    uint8_t *b = s->buf;
    uint32_t alloc = rd_be16(cdb + 3);
    memset(b, 0, 96);
    b[0] = 0x05; /* CD/DVD device */
    if (cdb[1] & 1) { /* vital product data */
        b[1] = cdb[2];
        switch (cdb[2]) {
        case 0x00: /* supported pages */
            b[3] = 2;
            b[4] = 0x00;
            b[5] = 0x80;
            atapi_reply(s, 6, alloc);
            return;
        case 0x80: /* unit serial number */
            b[3] = strlen(s->serial);
            memcpy(b + 4, s->serial, b[3]);
            atapi_reply(s, 4 + b[3], alloc);
            return;
        }
        atapi_invalid_field(s);
        return;
    }
    if (cdb[2]) {
        atapi_invalid_field(s);
        return;
    }
    b[1] = 0x80; /* removable */
    b[2] = 0x05; /* SPC-3 */
    b[3] = 0x02; /* response data format */
    b[4] = 36 - 5;
    memcpy(b + 8, "MIMIC   ", 8);
    memset(b + 16, ' ', 20);
    memcpy(b + 16, "DVD-ROM", 7);
    memcpy(b + 32, MIMIC_VERSION, MIN(strlen(MIMIC_VERSION), 4));
    atapi_reply(s, 36, alloc);
}

static void atapi_read_capacity(IdeDevice *s)
{
    if (!atapi_need_medium(s)) {
        return;
    }
    be32(s->buf, s->cd_sectors - 1);
    be32(s->buf + 4, CD_SECTOR_SIZE);
    atapi_reply(s, 8, 8);
}

static void atapi_read(IdeDevice *s, const uint8_t *cdb)
{
    if (!atapi_need_medium(s)) {
        return;
    }
    uint32_t lba = rd_be32(cdb + 2);
    uint32_t n = cdb[0] == MMC_READ_10 ? rd_be16(cdb + 7) : rd_be32(cdb + 6);
    if (lba > s->cd_sectors || n > s->cd_sectors - lba) {
        atapi_check(s, SK_ILLEGAL_REQUEST, ASC_LBA_OUT_OF_RANGE, 0);
        return;
    }
    if (!n) {
        atapi_ok(s);
        return;
    }
    atapi_start_data(s, false, (uint64_t)lba * CD_SECTOR_SIZE, (uint64_t)n * CD_SECTOR_SIZE);
}

/* An address field of READ TOC: an LBA, or 0/M/S/F with the 2-second
 * pre-gap (150 frames) added (MMC-3 §5.2.3). */
static void atapi_put_addr(uint8_t *p, uint32_t lba, bool msf)
{
    if (!msf) {
        be32(p, lba);
        return;
    }
    lba += 150;
    p[0] = 0;
    p[1] = MIN(lba / (60 * 75), 255);
    p[2] = (lba / 75) % 60;
    p[3] = lba % 75;
}

static void atapi_read_toc(IdeDevice *s, const uint8_t *cdb)
{
    if (!atapi_need_medium(s)) {
        return;
    }
    bool msf = cdb[1] & 2;
    uint8_t format = cdb[2] & 0x0f;
    uint8_t track = cdb[6];
    uint32_t alloc = rd_be16(cdb + 7);
    uint8_t *b = s->buf;
    uint32_t len;
    if (!format) {
        format = cdb[9] >> 6; /* the older SFF-8020 place for the format */
    }
    memset(b, 0, 64);
    switch (format) {
    case 0: { /* TOC: track 1 and the lead-out */
        uint8_t *p = b + 4;
        if (track > 1 && track != 0xaa) {
            atapi_invalid_field(s);
            return;
        }
        if (track <= 1) {
            p[1] = 0x14; /* ADR 1, data track */
            p[2] = 1;
            atapi_put_addr(p + 4, 0, msf);
            p += 8;
        }
        p[1] = 0x14;
        p[2] = 0xaa;
        atapi_put_addr(p + 4, s->cd_sectors, msf);
        p += 8;
        len = p - b;
        b[2] = 1;
        b[3] = 1;
        break;
    }
    case 1: /* session information: one complete session */
        len = 12;
        b[2] = 1;
        b[3] = 1;
        b[5] = 0x14;
        b[6] = 1;
        atapi_put_addr(b + 8, 0, msf);
        break;
    case 2: { /* full TOC: points A0, A1, A2 and track 1 (MSF always) */
        static const uint8_t points[] = { 0xa0, 0xa1, 0xa2, 0x01 };
        uint8_t *p = b + 4;
        for (size_t i = 0; i < G_N_ELEMENTS(points); i++, p += 11) {
            p[0] = 1;
            p[1] = 0x14;
            p[3] = points[i];
            switch (points[i]) {
            case 0xa0: /* first track number, disc type CD-ROM */
            case 0xa1: /* last track number */
                p[8] = 1;
                break;
            case 0xa2:
                atapi_put_addr(p + 7, s->cd_sectors, true);
                break;
            default:
                atapi_put_addr(p + 7, 0, true);
                break;
            }
        }
        len = p - b;
        b[2] = 1;
        b[3] = 1;
        break;
    }
    default:
        atapi_invalid_field(s);
        return;
    }
    be16(b, len - 2);
    atapi_reply(s, len, alloc);
}

static uint32_t atapi_caps_page(IdeDevice *s, uint8_t *p, bool changeable)
{
    memset(p, 0, 22);
    p[0] = 0x2a;
    p[1] = 0x14;
    if (changeable) {
        return 22;
    }
    p[2] = 0x0b; /* reads CD-R, CD-RW, DVD-ROM */
    p[4] = 0x70; /* mode 2 form 1 and 2, multi-session */
    p[6] = 0x29 | (s->locked ? 0x02 : 0); /* tray, eject, lock (+ state) */
    be16(p + 8, 2816);  /* 16x, kB/s */
    be16(p + 12, 512);  /* buffer, KiB */
    be16(p + 14, 2816);
    return 22;
}

static void atapi_mode_sense(IdeDevice *s, const uint8_t *cdb)
{
    bool ten = cdb[0] == MMC_MODE_SENSE_10;
    uint8_t pc = cdb[2] >> 6, page = cdb[2] & 0x3f;
    uint32_t alloc = ten ? rd_be16(cdb + 7) : cdb[4];
    uint32_t hdr = ten ? 8 : 4, len = hdr;
    uint8_t *b = s->buf;
    if (pc == 3) {
        atapi_check(s, SK_ILLEGAL_REQUEST, ASC_SAVING_NOT_SUPPORTED, 0);
        return;
    }
    memset(b, 0, 64);
    if (page == 0x01 || page == 0x3f) { /* read error recovery */
        b[len] = 0x01;
        b[len + 1] = 0x0a;
        if (pc != 1) {
            b[len + 3] = 5; /* read retry count */
        }
        len += 12;
    }
    if (page == 0x2a || page == 0x3f) {
        len += atapi_caps_page(s, b + len, pc == 1);
    }
    if (len == hdr) {
        atapi_invalid_field(s);
        return;
    }
    if (ten) {
        be16(b, len - 2);
    } else {
        b[0] = len - 1;
    }
    atapi_reply(s, len, alloc);
}

static uint16_t atapi_profile(IdeDevice *s)
{
    if (!s->has_medium || s->tray_open) {
        return 0;
    }
    return s->cd_sectors > CD_MAX_SECTORS ? 0x0010 : 0x0008; /* DVD-ROM : CD-ROM */
}

static void atapi_get_configuration(IdeDevice *s, const uint8_t *cdb)
{
    uint8_t rt = cdb[1] & 3;
    uint16_t start = rd_be16(cdb + 2);
    uint32_t alloc = rd_be16(cdb + 7);
    uint16_t profile = atapi_profile(s);
    uint8_t *b = s->buf, *p = b + 8;
    if (rt == 3) {
        atapi_invalid_field(s);
        return;
    }
    memset(b, 0, 128);
    be16(b + 6, profile);
    for (uint16_t code = 0; code <= 0x10; code++) {
        uint8_t d[16] = { 0 };
        uint8_t n;
        bool current = true;
        switch (code) {
        case 0x0000: /* profile list */
            d[2] = 0x03;
            n = 8;
            be16(d + 4, 0x0010);
            d[6] = profile == 0x0010;
            be16(d + 8, 0x0008);
            d[10] = profile == 0x0008;
            break;
        case 0x0001: /* core: ATAPI */
            d[2] = 0x0b;
            n = 8;
            be32(d + 4, 2);
            break;
        case 0x0002: /* morphing: operational change events */
            d[2] = 0x07;
            n = 4;
            d[4] = 0x02;
            break;
        case 0x0003: /* removable medium: tray, eject, lock */
            d[2] = 0x03;
            n = 4;
            d[4] = 0x29;
            break;
        case 0x0010: /* random readable, 2048-byte blocks */
            current = profile != 0;
            d[2] = current ? 0x01 : 0;
            n = 8;
            be32(d + 4, CD_SECTOR_SIZE);
            be16(d + 8, profile == 0x0010 ? 16 : 1);
            break;
        default:
            continue;
        }
        if ((rt == 2 && code != start) || code < start || (rt == 1 && !current)) {
            continue;
        }
        be16(d, code);
        d[3] = n;
        memcpy(p, d, 4 + n);
        p += 4 + n;
    }
    be32(b, p - b - 4);
    atapi_reply(s, p - b, alloc);
}

static void atapi_get_event_status(IdeDevice *s, const uint8_t *cdb)
{
    uint32_t alloc = rd_be16(cdb + 7);
    uint8_t *b = s->buf;
    if (!(cdb[1] & 1)) {
        atapi_invalid_field(s); /* only polled operation */
        return;
    }
    memset(b, 0, 8);
    b[3] = 0x10; /* supported classes: media */
    if (!(cdb[4] & 0x10)) {
        b[2] = 0x80; /* no event available (of the classes asked for) */
        be16(b, 2);
        atapi_reply(s, 4, alloc);
        return;
    }
    b[2] = 4;
    be16(b, 6);
    b[4] = s->event;
    b[5] = (s->tray_open ? 0x01 : 0) | (s->has_medium && !s->tray_open ? 0x02 : 0);
    s->event = MEV_NONE;
    atapi_reply(s, 8, alloc);
}

static void atapi_start_stop(IdeDevice *s, const uint8_t *cdb)
{
    bool start = cdb[4] & 1, loej = cdb[4] & 2;
    if (loej && !start) {
        if (s->locked) {
            atapi_check(s, SK_ILLEGAL_REQUEST, ASC_REMOVAL_PREVENTED, 0x02);
            return;
        }
        if (!s->tray_open && s->has_medium) {
            s->event = MEV_MEDIA_REMOVAL;
        }
        s->tray_open = true;
    } else if (loej && start && s->tray_open) {
        s->tray_open = false;
        if (s->has_medium) {
            s->event = MEV_NEW_MEDIA;
            s->unit_attention = true;
        }
    }
    atapi_ok(s);
}

static void atapi_read_disc_info(IdeDevice *s, const uint8_t *cdb)
{
    uint32_t alloc = rd_be16(cdb + 7);
    uint8_t *b = s->buf;
    if (cdb[1] & 7) {
        atapi_invalid_field(s); /* only standard disc information */
        return;
    }
    if (!atapi_need_medium(s)) {
        return;
    }
    memset(b, 0, 34);
    be16(b, 32);
    b[2] = 0x0e; /* last session complete, disc finalized */
    b[3] = 1;    /* first track */
    b[4] = 1;    /* sessions */
    b[5] = 1;    /* first track in last session */
    b[6] = 1;    /* last track in last session */
    memset(b + 16, 0xff, 8); /* no lead-in/lead-out addresses on a finalized disc */
    atapi_reply(s, 34, alloc);
}

static void atapi_mechanism_status(IdeDevice *s, const uint8_t *cdb)
{
    memset(s->buf, 0, 8);
    s->buf[1] = s->tray_open ? 0x10 : 0;
    atapi_reply(s, 8, rd_be16(cdb + 8));
}

static void atapi_dispatch(IdeDevice *s)
{
    const uint8_t *cdb = s->packet;
    uint8_t op = cdb[0];
    /* a pending medium change is reported by the first command that is
     * not one of these (MMC-3 §4.1.6.1) */
    if (s->unit_attention && op != MMC_INQUIRY && op != MMC_REQUEST_SENSE &&
        op != MMC_GET_EVENT_STATUS && op != MMC_GET_CONFIGURATION) {
        s->unit_attention = false;
        atapi_check(s, SK_UNIT_ATTENTION, ASC_MEDIUM_CHANGED, 0);
        return;
    }
    switch (op) {
    case MMC_TEST_UNIT_READY:
    case MMC_SEEK_10:
        if (atapi_need_medium(s)) {
            atapi_ok(s);
        }
        break;
    case MMC_REQUEST_SENSE:
        atapi_request_sense(s, cdb);
        break;
    case MMC_INQUIRY:
        atapi_inquiry(s, cdb);
        break;
    case MMC_MODE_SENSE_6:
    case MMC_MODE_SENSE_10:
        atapi_mode_sense(s, cdb);
        break;
    case MMC_START_STOP_UNIT:
        atapi_start_stop(s, cdb);
        break;
    case MMC_PREVENT_ALLOW:
        s->locked = cdb[4] & 1;
        atapi_ok(s);
        break;
    case MMC_READ_CAPACITY:
        atapi_read_capacity(s);
        break;
    case MMC_READ_10:
    case MMC_READ_12:
        atapi_read(s, cdb);
        break;
    case MMC_READ_TOC:
        atapi_read_toc(s, cdb);
        break;
    case MMC_GET_CONFIGURATION:
        atapi_get_configuration(s, cdb);
        break;
    case MMC_GET_EVENT_STATUS:
        atapi_get_event_status(s, cdb);
        break;
    case MMC_READ_DISC_INFO:
        atapi_read_disc_info(s, cdb);
        break;
    case MMC_SET_CD_SPEED:
        atapi_ok(s);
        break;
    case MMC_MECHANISM_STATUS:
        atapi_mechanism_status(s, cdb);
        break;
    default:
        atapi_check(s, SK_ILLEGAL_REQUEST, ASC_INVALID_OPCODE, 0);
        break;
    }
}

static void atapi_packet_received(IdeDevice *s)
{
    memcpy(s->packet, s->buf, sizeof(s->packet));
    atapi_dispatch(s);
}

/* PACKET (§8.21): take the byte count limit, ask for the 12-byte command
 * with DRQ and CoD set; the drive's word 0 promises DRQ without an
 * interrupt. */
void atapi_packet_cmd(IdeDevice *s)
{
    s->bcl = s->hcyl << 8 | s->lcyl;
    s->error = 0;
    s->nsector = ATAPI_IR_COD;
    s->status = ATA_SR_DRDY | ATA_SR_DSC;
    ide_window(s, 0, sizeof(s->packet), atapi_packet_received);
}

static void atapi_identify_build(IdeDevice *s, uint16_t *id)
{
    memset(id, 0, 512);
    /* ATAPI, CD-ROM class, removable, DRQ within 50 us, 12-byte packets */
    id[0] = 0x8000 | 0x05 << 8 | 0x80 | 0x40;
    ide_identify_strings(s, id, "MIMIC DVD-ROM");
    id[49] = 1 << 11 | 1 << 9 | 1 << 8; /* IORDY, LBA, DMA */
    id[50] = 0x4000;
    id[53] = 0x0006;                    /* words 64-70 and 88 valid */
    id[63] = 0x0007;
    if (s->xfer_mode >= 0x20 && s->xfer_mode <= 0x22) {
        id[63] |= 1 << (8 + (s->xfer_mode & 7));
    }
    id[64] = 0x0003;
    id[65] = 120;
    id[66] = 120;
    id[67] = 120;
    id[68] = 120;
    id[80] = 0x007e;
    id[82] = 1 << 9 | 1 << 4;           /* DEVICE RESET, PACKET */
    id[83] = 0x4000;
    id[84] = 0x4000;
    id[85] = 1 << 9 | 1 << 4;
    id[87] = 0x4000;
    id[88] = 0x003f;
    if (s->xfer_mode >= 0x40 && s->xfer_mode <= 0x45) {
        id[88] |= 1 << (8 + (s->xfer_mode & 7));
    }
    ide_id_checksum(id);
}

static void atapi_identify_done(IdeDevice *s)
{
    s->status = ATA_SR_DRDY | ATA_SR_DSC;
}

void atapi_identify(IdeDevice *s)
{
    uint16_t id[256];
    atapi_identify_build(s, id);
    for (int i = 0; i < 256; i++) {
        st16(s->buf + 2 * i, id[i]);
    }
    s->error = 0;
    s->status = ATA_SR_DRDY | ATA_SR_DSC;
    ide_window(s, 0, 512, atapi_identify_done);
    ide_raise_irq(s);
}

void atapi_attach(IdeDevice *s)
{
    /* an empty image file is a drive without a disc, not a disc of 0 blocks */
    s->cd_sectors = s->blk ? (blk_size(s->blk) + CD_SECTOR_SIZE - 1) / CD_SECTOR_SIZE : 0;
    s->has_medium = s->cd_sectors > 0;
}

void atapi_reset(IdeDevice *s)
{
    s->sense_key = SK_NO_SENSE;
    s->asc = s->ascq = 0;
    s->unit_attention = false;
    s->tray_open = false;
    s->locked = false;
    s->event = MEV_NONE;
    s->bcl = 0;
}
