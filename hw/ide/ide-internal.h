/*
 * State shared by the IDE channel model (ide-core.c), its ATAPI half
 * (atapi.c) and the bus-master DMA engine (bmdma.c). Register and bit names
 * follow ATA/ATAPI-6 (T13/1410D) §7; the packet protocol is its §9.
 */
#ifndef HW_IDE_IDE_INTERNAL_H
#define HW_IDE_IDE_INTERNAL_H

#include "hw/ide/ide.h"

/* Status register (§7.15) */
#define ATA_SR_BSY 0x80
#define ATA_SR_DRDY 0x40
#define ATA_SR_DF 0x20
#define ATA_SR_DSC 0x10 /* "device seek complete"; SERV for packet devices */
#define ATA_SR_DRQ 0x08
#define ATA_SR_ERR 0x01

/* Error register (§7.11) */
#define ATA_ER_UNC 0x40
#define ATA_ER_IDNF 0x10
#define ATA_ER_ABRT 0x04

/* Device control register (§7.9) */
#define ATA_DC_HOB 0x80
#define ATA_DC_SRST 0x04
#define ATA_DC_NIEN 0x02

/* Device register (§7.10) */
#define ATA_DEV_LBA 0x40
#define ATA_DEV_DEV 0x10

/* Interrupt reason in the sector count register (§9.10, packet protocol) */
#define ATAPI_IR_COD 0x01
#define ATAPI_IR_IO 0x02

#define IDE_SECTOR_SIZE 512
#define CD_SECTOR_SIZE 2048
#define IDE_MAX_MULT 16            /* sectors per DRQ block of READ/WRITE MULTIPLE */
#define IDE_BUF_SIZE 0x10000       /* PIO window: 16 sectors, or one ATAPI DRQ chunk */

typedef struct IdeDevice IdeDevice;

/* Where a command's data comes from or goes: the image, or the buffer. */
typedef struct IdeXfer {
    bool active;
    bool to_host;     /* device -> host (a read) */
    bool dma;
    bool from_buf;    /* s->buf[off...] instead of the image at byte off */
    uint64_t off;
    uint64_t left;    /* bytes still to move */
} IdeXfer;

struct IdeDevice {
    IdeBus *bus;
    int unit;
    IdeKind kind;
    BlockBackend *blk;

    /* Command block registers: each device keeps its own copy, written by
     * every host write, and the HOB copies for 48-bit commands (§7.9). */
    uint8_t feature, nsector, sector, lcyl, hcyl, select;
    uint8_t hob_feature, hob_nsector, hob_sector, hob_lcyl, hob_hcyl;
    uint8_t status, error;
    bool irq_pending;

    /* Identity and settings */
    uint64_t nb_sectors;        /* 512-byte sectors (disk) */
    uint16_t cyls, heads, secs; /* default CHS translation */
    uint16_t cur_heads, cur_secs; /* INITIALIZE DEVICE PARAMETERS */
    uint8_t mult_sectors;       /* 0: READ/WRITE MULTIPLE disabled */
    bool wce;                   /* volatile write cache on */
    uint8_t xfer_mode;          /* SET FEATURES 03h value */
    char serial[21];

    /* Data-port window over buf while DRQ is set */
    uint8_t *buf;
    uint32_t buf_pos, buf_end;
    void (*window_done)(IdeDevice *s);

    /* The command in progress */
    uint8_t cmd;
    IdeXfer xfer;
    uint32_t drq_bytes;         /* ATA PIO: bytes per DRQ block */

    /* ATAPI */
    uint8_t packet[12];
    uint8_t sense_key, asc, ascq;
    bool unit_attention;
    bool tray_open, locked;
    bool has_medium;
    uint64_t cd_sectors;        /* 2048-byte sectors of the medium */
    uint16_t bcl;               /* byte count limit of the current packet */
    uint8_t event;              /* GET EVENT STATUS media event to report */
};

typedef struct IdeDmaOps {
    /* A device has a DMA transfer ready (xfer.dma): run it if started. */
    void (*kick)(void *opaque);
    /* The channel raised its interrupt (sets the BM interrupt status bit). */
    void (*irq)(void *opaque);
} IdeDmaOps;

struct IdeBus {
    Machine *m;
    uint16_t cmd_base, ctl_base;
    MemRegion *cmd_region, *ctl_region;
    IdeDevice dev[2];
    uint8_t devctl;
    IrqLine *irq;
    int irq_level;
    const IdeDmaOps *dma_ops;
    void *dma_opaque;
};

static inline IdeDevice *ide_selected(IdeBus *bus)
{
    return &bus->dev[bus->dev[0].select & ATA_DEV_DEV ? 1 : 0];
}

/* ide-core.c, for atapi.c and bmdma.c */
void ide_update_irq(IdeBus *bus);
void ide_raise_irq(IdeDevice *s);
void ide_set_signature(IdeDevice *s);
void ide_window(IdeDevice *s, uint32_t pos, uint32_t end, void (*done)(IdeDevice *));
void ide_stop_transfer(IdeDevice *s);
void ide_start_dma(IdeDevice *s);
void ide_bus_set_dma(IdeBus *bus, const IdeDmaOps *ops, void *opaque);
void ide_padstr(uint8_t *dst, const char *src, size_t len);
void ide_identify_strings(IdeDevice *s, uint16_t *id, const char *model);
void ide_id_checksum(uint16_t *id);

/* The engine moves n bytes of the pending DMA transfer through host buffer
 * p: out of the device (xfer.to_host) or into it. 0 or a negative errno
 * (the device has then ended the command with an error). */
int ide_dma_rw(IdeBus *bus, uint8_t *p, size_t n);
/* The transfer has moved every byte: the device completes the command. */
void ide_dma_done(IdeBus *bus);
/* The engine failed (a guest-memory error): the device aborts the command. */
void ide_dma_abort(IdeBus *bus);
/* The device whose DMA transfer is pending, or NULL. */
IdeDevice *ide_dma_device(IdeBus *bus);

/* ata.c */
#define ATA_CMD_EXECUTE_DIAGNOSTIC 0x90
void ata_exec(IdeDevice *s, uint8_t cmd);
void ata_execute_diagnostic(IdeBus *bus);
void ata_dma_done(IdeDevice *s);
void ata_dma_error(IdeDevice *s);

/* atapi.c */
void atapi_attach(IdeDevice *s);
void atapi_reset(IdeDevice *s);
void atapi_identify(IdeDevice *s);
void atapi_packet_cmd(IdeDevice *s);
void atapi_dma_done(IdeDevice *s);
void atapi_dma_error(IdeDevice *s, int ret);

#endif
