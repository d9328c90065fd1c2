/*
 * Bus-master IDE DMA as the PIIX3/PIIX4 implement it (82371SB/AB
 * datasheets, "Bus Master IDE I/O registers"; SFF-8038i): per channel a
 * command register (start/stop, direction), a status register (active,
 * error, interrupt, drive DMA-capable bits) and the descriptor table
 * pointer. The engine walks the Physical Region Descriptor table: 8-byte
 * entries of a physical address and a byte count (0 means 64 KiB), the
 * last one marked by bit 31 of its second dword; a table may not cross a
 * 64 KiB boundary.
 *
 * A transfer runs to its end as soon as both sides are ready (the device
 * has a DMA command pending and the start bit is set), so the guest sees
 * the completed state on its next register read. Guest memory is reached
 * only through as_read_buf/as_write_buf: an address that decodes nothing
 * is a master abort, reported with the error bit and the command aborted.
 */
#include "hw/ide/ide-internal.h"

#include <glib.h>
#include <string.h>

#define BM_CMD_START 0x01
#define BM_CMD_WRITE 0x08  /* the controller writes memory: a device-to-host transfer */

#define BM_ST_ACTIVE 0x01
#define BM_ST_ERROR 0x02
#define BM_ST_INTR 0x04
#define BM_ST_DMA_CAP 0x60 /* drive 0/1 DMA capable: plain storage for the BIOS */

#define BM_PRD_EOT 0x80000000u
#define BM_MAX_PRD (0x10000 / 8)
#define BM_CHUNK 0x10000

typedef struct BmChannel {
    BmDmaState *bm;
    IdeBus *bus;
    uint8_t cmd, status;
    uint32_t prdt;
} BmChannel;

struct BmDmaState {
    Machine *m;
    BmChannel ch[2];
    uint8_t *bounce;
};

/* Run the transfer the device has pending, if the engine is started. */
static void bm_run(BmChannel *c)
{
    AddressSpace *mem = c->bm->m->mem;
    IdeDevice *s;
    uint32_t addr = c->prdt;

    if (!(c->cmd & BM_CMD_START) || !(c->status & BM_ST_ACTIVE) || !(s = ide_dma_device(c->bus))) {
        return;
    }
    if (s->xfer.to_host != !!(c->cmd & BM_CMD_WRITE)) {
        /* programmed for the wrong direction: nothing sensible moves */
        c->status = (c->status & ~BM_ST_ACTIVE) | BM_ST_ERROR;
        ide_dma_abort(c->bus);
        return;
    }
    for (int i = 0; i < BM_MAX_PRD; i++) {
        uint8_t prd[8];
        if (!as_read_buf(mem, addr, prd, sizeof(prd))) {
            goto master_abort;
        }
        uint32_t base = ld32(prd) & ~1u;
        uint32_t len = ld16(prd + 4) & ~1u;
        bool eot = ld32(prd + 4) & BM_PRD_EOT;
        if (!len) {
            len = 0x10000;
        }
        while (len && s->xfer.left) {
            uint32_t n = MIN(MIN(len, BM_CHUNK), s->xfer.left);
            if (s->xfer.to_host) {
                if (ide_dma_rw(c->bus, c->bm->bounce, n) < 0) {
                    goto device_error;
                }
                if (!as_write_buf(mem, base, c->bm->bounce, n)) {
                    goto master_abort;
                }
            } else {
                if (!as_read_buf(mem, base, c->bm->bounce, n)) {
                    goto master_abort;
                }
                if (ide_dma_rw(c->bus, c->bm->bounce, n) < 0) {
                    goto device_error;
                }
            }
            base += n;
            len -= n;
        }
        if (!s->xfer.left) {
            /* the device is done; Active stays set if descriptors remain */
            if (eot && !len) {
                c->status &= ~BM_ST_ACTIVE;
            }
            ide_dma_done(c->bus);
            return;
        }
        if (eot) {
            break;
        }
        /* the table wraps within its 64 KiB page */
        addr = (addr & ~0xffffu) | ((addr + 8) & 0xffffu);
    }
    /* the table ran out before the device: stop without an interrupt; the
     * device keeps waiting until the host resets it */
    c->status &= ~BM_ST_ACTIVE;
    return;

master_abort:
    c->status = (c->status & ~BM_ST_ACTIVE) | BM_ST_ERROR;
    ide_dma_abort(c->bus);
    return;
device_error:
    c->status &= ~BM_ST_ACTIVE;
}

static void bm_kick(void *opaque)
{
    bm_run(opaque);
}

static void bm_irq(void *opaque)
{
    BmChannel *c = opaque;
    c->status |= BM_ST_INTR;
}

static const IdeDmaOps bm_dma_ops = {
    .kick = bm_kick,
    .irq = bm_irq,
};

static uint8_t bm_read_byte(BmDmaState *bm, unsigned off)
{
    BmChannel *c = &bm->ch[off >> 3 & 1];
    switch (off & 7) {
    case 0:
        return c->cmd;
    case 2:
        return c->status;
    case 4:
    case 5:
    case 6:
    case 7:
        return c->prdt >> (8 * (off & 3));
    }
    return 0;
}

static void bm_write_byte(BmDmaState *bm, unsigned off, uint8_t v)
{
    BmChannel *c = &bm->ch[off >> 3 & 1];
    switch (off & 7) {
    case 0: {
        uint8_t old = c->cmd;
        if (old & BM_CMD_START) {
            v = (v & ~BM_CMD_WRITE) | (old & BM_CMD_WRITE); /* direction frozen while running */
        }
        c->cmd = v & (BM_CMD_START | BM_CMD_WRITE);
        if (!(old & BM_CMD_START) && (v & BM_CMD_START)) {
            /* a start begins at the top of the table; a stopped transfer
             * cannot be resumed */
            c->status |= BM_ST_ACTIVE;
            bm_run(c);
        } else if ((old & BM_CMD_START) && !(v & BM_CMD_START)) {
            c->status &= ~BM_ST_ACTIVE;
        }
        break;
    }
    case 2:
        c->status = (c->status & ~(v & (BM_ST_ERROR | BM_ST_INTR)) & ~BM_ST_DMA_CAP) |
                    (v & BM_ST_DMA_CAP);
        break;
    case 4:
    case 5:
    case 6:
    case 7: {
        unsigned sh = 8 * (off & 3);
        c->prdt = ((c->prdt & ~(0xffu << sh)) | (uint32_t)v << sh) & ~3u;
        break;
    }
    }
}

static uint64_t bm_read(void *opaque, uint64_t off, unsigned size)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < size; i++) {
        v |= (uint64_t)bm_read_byte(opaque, (off + i) & 15) << (8 * i);
    }
    return v;
}

static void bm_write(void *opaque, uint64_t off, uint64_t v, unsigned size)
{
    for (unsigned i = 0; i < size; i++) {
        bm_write_byte(opaque, (off + i) & 15, v >> (8 * i));
    }
}

const MemOps bmdma_ops = {
    .read = bm_read,
    .write = bm_write,
    .min_size = 1,
    .max_size = 4,
};

static void bm_reset(void *opaque)
{
    BmDmaState *bm = opaque;
    for (int i = 0; i < 2; i++) {
        bm->ch[i].cmd = 0;
        bm->ch[i].status = 0;
        bm->ch[i].prdt = 0;
    }
}

static void bm_free(void *opaque)
{
    BmDmaState *bm = opaque;
    g_free(bm->bounce);
    g_free(bm);
}

BmDmaState *bmdma_create(Machine *m, IdeBus *bus0, IdeBus *bus1)
{
    BmDmaState *bm = g_new0(BmDmaState, 1);
    bm->m = m;
    bm->bounce = g_malloc(BM_CHUNK);
    IdeBus *buses[2] = { bus0, bus1 };
    for (int i = 0; i < 2; i++) {
        bm->ch[i].bm = bm;
        bm->ch[i].bus = buses[i];
        ide_bus_set_dma(buses[i], &bm_dma_ops, &bm->ch[i]);
    }
    machine_add_reset(m, bm_reset, bm);
    machine_own(m, bm, bm_free);
    return bm;
}
