/*
 * Intel 82441FX PCI and Memory Controller (i440FX host bridge), device 00.0,
 * 8086:1237. Modelled: the Programmable Attribute Map registers PAM0-PAM6
 * (0x59-0x5F, 82441FX datasheet §3.2.18) that decide, per segment of
 * 0xC0000-0xFFFFF, whether reads and writes go to DRAM or to the PCI bus
 * (where the BIOS ROM answers in 0xE0000-0xFFFFF), and the SMRAM control
 * register (0x72, §3.2.23), stored with its lock bit. The DRAM controller,
 * caches and error reporting have nothing to emulate.
 *
 * PAM nibble bits: bit 0 RE (reads from DRAM), bit 1 WE (writes to DRAM).
 * RE=0/WE=1 reads the bus and writes DRAM, which BIOSes use to copy
 * themselves into shadow RAM; that mode is a callback region here.
 * Neighbouring segments with the same mode become one region, to keep the
 * number of KVM memory slots down.
 */
#include "hw/pci/i440fx.h"

#include <glib.h>
#include <string.h>

#define I440FX_PAM0 0x59
#define I440FX_SMRAM 0x72
#define SMRAM_D_OPEN 0x40
#define SMRAM_D_CLS 0x20
#define SMRAM_D_LCK 0x10
#define SMRAM_G_SMRAME 0x08
#define SMRAM_DEFAULT 0x02 /* C_BASE_SEG: SMRAM at 0xA0000 */

#define PAM_RE 1
#define PAM_WE 2

#define LEGACY_BASE 0xc0000u
#define LEGACY_END 0x100000u
#define BIOS_WINDOW 0xe0000u
#define NSEG 13 /* 12 x 16 KiB in 0xC0000-0xEFFFF, 64 KiB at 0xF0000 */

typedef struct PAMRun {
    I440FXState *s;
    uint32_t base, size;
    int mode;
    bool rom_only; /* mode 0 over the BIOS window: the ROM itself */
    MemRegion *region;
} PAMRun;

struct I440FXState {
    Machine *m;
    PCIDevice *dev;
    const uint8_t *bios_window; /* the ROM's last 128 KiB (or less), at BIOS_WINDOW */
    uint32_t window_base;       /* where it starts (0xE0000 for >= 128 KiB) */
    bool ram_at_reset;
    PAMRun runs[NSEG];          /* runs[i]: the run starting at segment i */
};

static uint32_t seg_base(int i)
{
    return i < 12 ? LEGACY_BASE + i * 0x4000u : 0xf0000u;
}

static uint32_t seg_size(int i)
{
    return i < 12 ? 0x4000u : 0x10000u;
}

/* Segment i's mode from PAM1-PAM6 (low nibble first) and PAM0's high nibble. */
static int seg_mode(I440FXState *s, int i)
{
    if (i == 12) {
        return (s->dev->config[I440FX_PAM0] >> 4) & 3;
    }
    uint8_t pam = s->dev->config[I440FX_PAM0 + 1 + i / 2];
    return (i & 1 ? pam >> 4 : pam) & 3;
}

int i440fx_pam_mode(I440FXState *s, uint32_t addr)
{
    for (int i = 0; i < NSEG; i++) {
        if (addr >= seg_base(i) && addr - seg_base(i) < seg_size(i)) {
            return seg_mode(s, i);
        }
    }
    return -1;
}

/* What a bus read of the legacy area finds: the BIOS window, or nothing. */
static const uint8_t *bus_rom(I440FXState *s, uint32_t addr)
{
    if (s->bios_window && addr >= s->window_base && addr < LEGACY_END) {
        return s->bios_window + (addr - s->window_base);
    }
    return NULL;
}

/* RE=0, WE=1: reads reach the bus, writes reach DRAM. */
static uint64_t pam_wo_read(void *opaque, uint64_t offset, unsigned size)
{
    PAMRun *r = opaque;
    const uint8_t *rom = bus_rom(r->s, r->base + (uint32_t)offset);
    uint64_t v = ~0ull;
    if (rom) {
        v = 0;
        memcpy(&v, rom, size);
    }
    return v;
}

static void pam_wo_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
    PAMRun *r = opaque;
    memcpy(r->s->m->ram + r->base + offset, &value, size);
}

static const MemOps pam_wo_ops = {
    .read = pam_wo_read, .write = pam_wo_write,
    .min_size = 1, .max_size = 8,
};

/* The runs the registers ask for: consecutive segments with one mode, and
 * mode 0 split where the BIOS window starts (ROM beyond it, nothing before). */
static void pam_plan(I440FXState *s, PAMRun *plan)
{
    memset(plan, 0, sizeof(PAMRun) * NSEG);
    int start = -1;
    for (int i = 0; i <= NSEG; i++) {
        int mode = i < NSEG ? seg_mode(s, i) : -1;
        bool rom = i < NSEG && mode == 0 && bus_rom(s, seg_base(i));
        if (start >= 0) {
            PAMRun *r = &plan[start];
            if (mode == r->mode && rom == r->rom_only) {
                r->size += seg_size(i);
                continue;
            }
        }
        if (i < NSEG) {
            start = i;
            plan[i] = (PAMRun){ .s = s, .base = seg_base(i), .size = seg_size(i), .mode = mode,
                                .rom_only = rom };
        }
    }
}

static MemRegion *pam_map(I440FXState *s, PAMRun *r)
{
    AddressSpace *mem = s->m->mem;
    switch (r->mode) {
    case PAM_RE | PAM_WE:
        return as_add_ram(mem, "pam-ram", r->base, r->size, s->m->ram + r->base, false, NULL);
    case PAM_RE:
        return as_add_ram(mem, "pam-ram-ro", r->base, r->size, s->m->ram + r->base, true, NULL);
    case PAM_WE:
        return as_add_io(mem, "pam-shadow-wo", r->base, r->size, &pam_wo_ops, r, NULL);
    default:
        if (r->rom_only) {
            return as_add_ram(mem, "bios-legacy", r->base, r->size, (uint8_t *)bus_rom(s, r->base), true,
                              NULL);
        }
        return NULL; /* unclaimed: reads all-ones, writes vanish */
    }
}

static void pam_update(I440FXState *s)
{
    PAMRun plan[NSEG];
    pam_plan(s, plan);
    /* drop what changed first, so the new regions never overlap old ones */
    for (int i = 0; i < NSEG; i++) {
        PAMRun *cur = &s->runs[i];
        if (cur->size && (cur->size != plan[i].size || cur->mode != plan[i].mode ||
                          cur->rom_only != plan[i].rom_only)) {
            if (cur->region) {
                as_remove(s->m->mem, cur->region);
            }
            memset(cur, 0, sizeof(*cur));
        }
    }
    for (int i = 0; i < NSEG; i++) {
        PAMRun *cur = &s->runs[i];
        if (plan[i].size && !cur->size) {
            *cur = plan[i];
            /* a PCI BAR the guest parked here keeps the area; the run then
             * stays unmapped (the BAR wins, as positive decode would) */
            cur->region = pam_map(s, cur);
        }
    }
}

static void i440fx_config_write(void *opaque, PCIDevice *d, unsigned addr, uint32_t value, unsigned size)
{
    I440FXState *s = opaque;
    if (addr < I440FX_PAM0 + 7 && addr + size > I440FX_PAM0) {
        pam_update(s);
    }
    if (addr <= I440FX_SMRAM && addr + size > I440FX_SMRAM && (d->config[I440FX_SMRAM] & SMRAM_D_LCK)) {
        /* D_LCK: D_OPEN clears and the register is read-only until reset */
        d->config[I440FX_SMRAM] &= ~SMRAM_D_OPEN;
        d->wmask[I440FX_SMRAM] = 0;
    }
}

static void i440fx_reset(void *opaque, PCIDevice *d)
{
    I440FXState *s = opaque;
    uint8_t pam = s->ram_at_reset ? 0x33 : 0x00;
    d->config[I440FX_PAM0] = pam & 0x30;
    for (int i = 1; i < 7; i++) {
        d->config[I440FX_PAM0 + i] = pam;
    }
    /* the host bridge always decodes memory and masters (82441FX §3.2.3) */
    pci_set16(d, PCI_COMMAND, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
    d->config[I440FX_SMRAM] = SMRAM_DEFAULT;
    d->wmask[I440FX_SMRAM] = SMRAM_D_OPEN | SMRAM_D_CLS | SMRAM_D_LCK | SMRAM_G_SMRAME;
    pam_update(s);
}

static const PCIDeviceOps i440fx_ops = {
    .config_write = i440fx_config_write,
    .reset = i440fx_reset,
};

PCIDevice *i440fx_device(I440FXState *s)
{
    return s->dev;
}

I440FXState *i440fx_create(Machine *m, PCIBus *bus, const uint8_t *bios, size_t bios_size, bool ram_at_reset,
                           char **err)
{
    static const PCIDeviceInfo info = {
        .vendor_id = 0x8086, .device_id = 0x1237, .revision = 0x02,
        .class_code = 0x060000, /* host bridge */
        .header_type = PCI_HEADER_TYPE_NORMAL,
    };
    I440FXState *s = g_new0(I440FXState, 1);
    s->m = m;
    s->ram_at_reset = ram_at_reset;
    if (bios && bios_size) {
        size_t window = MIN(bios_size, (size_t)(LEGACY_END - BIOS_WINDOW));
        s->bios_window = bios + bios_size - window;
        s->window_base = LEGACY_END - (uint32_t)window;
    }
    s->dev = pci_register(bus, PCI_DEVFN(0, 0), "i440fx", &info, &i440fx_ops, s, err);
    if (!s->dev) {
        g_free(s);
        return NULL;
    }
    pci_set16(s->dev, PCI_STATUS, 0x0280); /* fast back-to-back, medium DEVSEL */
    static const uint8_t pam_mask[7] = { 0x30, 0x33, 0x33, 0x33, 0x33, 0x33, 0x33 };
    pci_set_wmask(s->dev, I440FX_PAM0, pam_mask, sizeof(pam_mask));
    machine_own(m, s, g_free);
    i440fx_reset(s, s->dev);
    return s;
}
