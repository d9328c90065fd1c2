/*
 * Standard VGA registers and video memory, plus the Bochs VBE "dispi"
 * registers. Follows the IBM VGA register descriptions as FreeVGA documents
 * them (sequencer, graphics controller, attribute controller, CRTC, DAC,
 * external registers; "VGA memory organization", "read/write modes") and
 * Bochs' vbe_display_api.txt for ports 0x1CE/0x1CF.
 *
 * Video memory is four 64 KiB planes stored interleaved: plane p of address
 * a is vram[4a + p], so one 32-bit load reads all four planes into the
 * latches. Addressing modes as the hardware decodes a CPU address:
 *   chain-4 (SR4 bit 3)        plane = A1:A0, plane address = A & ~3
 *   odd/even (SR4 bit 2 = 0)   plane = A0 (| GR4 bit 1 on reads), address A & ~1
 *   sequential                 planes from the Map Mask, address A
 * The CRTC's doubleword and word address modes undo these on scan-out (see
 * vga-render.c). Behind the planes the same buffer holds the VBE modes'
 * framebuffer, reached through the banked window and the PCI BAR.
 */
#include "hw/display/vga.h"

#include <string.h>
#include <sys/mman.h>

#define VGA_PORT_BASE 0x3b0
#define VGA_PORT_COUNT 0x30

/* Writable bits of each register (FreeVGA's register maps). */
static const uint8_t sr_mask[8] = { 0x03, 0x3d, 0x0f, 0x3f, 0x0e, 0x00, 0x00, 0x00 };
static const uint8_t gr_mask[9] = { 0x0f, 0x0f, 0x0f, 0x1f, 0x03, 0x7b, 0x0f, 0x0f, 0xff };

/* ---- video memory ---- */

static inline uint32_t plane_word(VGAState *s, uint32_t a)
{
    return ld32(s->vram + ((a & 0xffff) << 2));
}

/* Each bit of a 4-bit plane mask widened to a byte of a 32-bit word. */
static inline uint32_t expand4(unsigned nibble)
{
    uint32_t w = 0;
    for (int p = 0; p < 4; p++) {
        if (nibble & (1u << p)) {
            w |= 0xffu << (p * 8);
        }
    }
    return w;
}

static inline uint8_t ror8(uint8_t v, unsigned n)
{
    n &= 7;
    return n ? (uint8_t)((v >> n) | (v << (8 - n))) : v;
}

bool vga_vbe_enabled(const VGAState *s)
{
    return s->vbe_regs[VBE_DISPI_INDEX_ENABLE] & VBE_DISPI_ENABLED;
}

/*
 * Which part of 0xA0000-0xBFFFF the card answers (GR6 Memory Map Select);
 * a VBE mode shows its current 64 KiB bank at 0xA0000.
 */
static bool vga_decode(VGAState *s, uint32_t off, uint32_t *addr)
{
    switch ((s->gr[6] >> 2) & 3) {
    case 0: /* A0000-BFFFF: plane addresses wrap at 64 KiB */
        *addr = off & 0xffff;
        return true;
    case 1:
        *addr = off;
        return off < 0x10000;
    case 2:
        *addr = off - 0x10000;
        return off >= 0x10000 && off < 0x18000;
    default:
        *addr = off - 0x18000;
        return off >= 0x18000;
    }
}

static bool vbe_bank_addr(VGAState *s, uint32_t off, uint64_t *addr)
{
    if (off >= 0x10000) {
        return false;
    }
    *addr = ((uint64_t)s->vbe_regs[VBE_DISPI_INDEX_BANK] << 16) + off;
    return *addr < s->vram_size;
}

uint8_t vga_mem_readb(VGAState *s, uint32_t offset)
{
    uint32_t a;
    if (vga_vbe_enabled(s)) {
        uint64_t va;
        return vbe_bank_addr(s, offset, &va) ? s->vram[va] : 0xff;
    }
    if (!vga_decode(s, offset, &a)) {
        return 0xff;
    }
    unsigned plane;
    if (s->sr[4] & 0x08) {
        plane = a & 3;
        a &= ~3u;
    } else if (s->gr[5] & 0x10) {
        plane = (s->gr[4] & 2) | (a & 1);
        a &= ~1u;
    } else {
        plane = s->gr[4] & 3;
    }
    s->latch = plane_word(s, a);
    if (!(s->gr[5] & 0x08)) {
        return s->latch >> (plane * 8);
    }
    /* read mode 1: bits where every plane in Color Don't Care matches Color Compare */
    uint32_t diff = (s->latch ^ expand4(s->gr[2])) & expand4(s->gr[7]);
    return ~(diff | diff >> 8 | diff >> 16 | diff >> 24) & 0xff;
}

void vga_mem_writeb(VGAState *s, uint32_t offset, uint8_t v)
{
    uint32_t a;
    if (vga_vbe_enabled(s)) {
        uint64_t va;
        if (vbe_bank_addr(s, offset, &va)) {
            s->vram[va] = v;
        }
        return;
    }
    if (!vga_decode(s, offset, &a)) {
        return;
    }
    unsigned planes = s->sr[2] & 0xf;
    if (s->sr[4] & 0x08) {
        planes &= 1u << (a & 3);
        a &= ~3u;
    } else if (!(s->sr[4] & 0x04)) {
        planes &= (a & 1) ? 0xa : 0x5;
        a &= ~1u;
    }
    uint8_t bit_mask = s->gr[8];
    uint32_t data;
    switch (s->gr[5] & 3) {
    case 0: {
        uint32_t sr_enable = expand4(s->gr[1]);
        data = ror8(v, s->gr[3]) * 0x01010101u;
        data = (data & ~sr_enable) | (expand4(s->gr[0]) & sr_enable);
        break;
    }
    case 1: /* the latches, untouched by the ALU and the bit mask */
        data = s->latch;
        bit_mask = 0xff;
        goto store;
    case 2:
        data = expand4(v);
        break;
    default:
        bit_mask &= ror8(v, s->gr[3]);
        data = expand4(s->gr[0]);
        break;
    }
    switch ((s->gr[3] >> 3) & 3) {
    case 1:
        data &= s->latch;
        break;
    case 2:
        data |= s->latch;
        break;
    case 3:
        data ^= s->latch;
        break;
    }
    uint32_t bm = bit_mask * 0x01010101u;
    data = (data & bm) | (s->latch & ~bm);
store:;
    uint32_t pm = expand4(planes);
    uint8_t *p = s->vram + ((a & 0xffff) << 2);
    st32(p, (ld32(p) & ~pm) | (data & pm));
}

static uint64_t vga_window_read(void *opaque, uint64_t offset, unsigned size)
{
    return vga_mem_readb(opaque, offset);
}

static void vga_window_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
    vga_mem_writeb(opaque, offset, value);
}

/* Byte-wide: every byte goes through the latches on its own. */
static const MemOps vga_window_ops = {
    .read = vga_window_read, .write = vga_window_write, .min_size = 1, .max_size = 1,
};

/* ---- registers at 0x3B0-0x3DF ---- */

/* The CRTC and Input Status 1 answer at 0x3Dx with a colour Misc Output
 * (bit 0, I/O Address Select) and at 0x3Bx with a monochrome one. */
static bool vga_port_active(VGAState *s, uint16_t port)
{
    if (port >= 0x3b0 && port < 0x3c0) {
        return !(s->misc & 1);
    }
    if (port >= 0x3d0) {
        return s->misc & 1;
    }
    return true;
}

static uint8_t vga_dac_read(VGAState *s)
{
    uint8_t v = s->palette[s->dac_read_index * 3 + s->dac_sub];
    if (++s->dac_sub == 3) {
        s->dac_sub = 0;
        s->dac_read_index++;
    }
    return v;
}

static void vga_dac_write(VGAState *s, uint8_t v)
{
    bool wide = s->vbe_regs[VBE_DISPI_INDEX_ENABLE] & VBE_DISPI_8BIT_DAC;
    s->dac_cache[s->dac_sub] = wide ? v : v & 0x3f;
    if (++s->dac_sub == 3) {
        memcpy(&s->palette[s->dac_write_index * 3], s->dac_cache, 3);
        s->dac_sub = 0;
        s->dac_write_index++;
    }
}

static uint8_t vga_port_read(VGAState *s, uint16_t port)
{
    if (!vga_port_active(s, port)) {
        return 0xff;
    }
    switch (port) {
    case 0x3c0:
        return s->ar_index;
    case 0x3c1:
        return (s->ar_index & 0x1f) < 0x15 ? s->ar[s->ar_index & 0x1f] : 0;
    case 0x3c2:
        return 0; /* Input Status 0: no switch sense, no CRT interrupt */
    case 0x3c4:
        return s->sr_index;
    case 0x3c5:
        return s->sr[s->sr_index & 7];
    case 0x3c6:
        return s->pel_mask;
    case 0x3c7:
        return s->dac_reading ? 3 : 0;
    case 0x3c8:
        return s->dac_write_index;
    case 0x3c9:
        return vga_dac_read(s);
    case 0x3ca:
        return s->feature;
    case 0x3cc:
        return s->misc;
    case 0x3ce:
        return s->gr_index;
    case 0x3cf:
        return s->gr_index < 9 ? s->gr[s->gr_index] : 0;
    case 0x3b4:
    case 0x3d4:
        return s->cr_index;
    case 0x3b5:
    case 0x3d5:
        return s->cr_index < sizeof(s->cr) ? s->cr[s->cr_index] : 0;
    case 0x3ba:
    case 0x3da: {
        /*
         * Input Status 1; reading it also resets the attribute flip-flop.
         * No clock drives the raster, so each read advances it: bit 0
         * (display disabled) toggles, bit 3 (vertical retrace) is on for two
         * reads in eight, so both "wait for retrace" loops end quickly.
         */
        unsigned n = s->st1_reads++;
        s->ar_flipflop = false;
        uint8_t v = n & 1;
        if ((n & 7) >= 6) {
            v |= 0x09;
        }
        return v;
    }
    default:
        return 0xff;
    }
}

static void vga_ar_write(VGAState *s, uint8_t v)
{
    if (!s->ar_flipflop) {
        s->ar_index = v & 0x3f;
        s->ar_flipflop = true;
        return;
    }
    s->ar_flipflop = false;
    unsigned i = s->ar_index & 0x1f;
    if (i < 0x10) {
        /* the palette is the CPU's only while the display does not use it */
        if (!(s->ar_index & 0x20)) {
            s->ar[i] = v & 0x3f;
        }
    } else if (i == 0x10) {
        s->ar[i] = v & 0xef;
    } else if (i == 0x11) {
        s->ar[i] = v;
    } else if (i < 0x15) {
        s->ar[i] = v & (i == 0x12 ? 0x3f : 0x0f);
    }
}

static void vga_cr_write(VGAState *s, uint8_t v)
{
    uint8_t i = s->cr_index;
    if (i >= sizeof(s->cr)) {
        return;
    }
    /* CR11 bit 7 protects CR0-CR7, except CR7's line compare bit 8 */
    if ((s->cr[0x11] & 0x80) && i <= 7) {
        if (i == 7) {
            s->cr[7] = (s->cr[7] & ~0x10) | (v & 0x10);
        }
        return;
    }
    s->cr[i] = v;
}

static void vga_port_write(VGAState *s, uint16_t port, uint8_t v)
{
    if (!vga_port_active(s, port)) {
        return;
    }
    switch (port) {
    case 0x3c0:
        vga_ar_write(s, v);
        break;
    case 0x3c2:
        s->misc = v & 0xef;
        break;
    case 0x3c4:
        s->sr_index = v & 7;
        break;
    case 0x3c5:
        s->sr[s->sr_index] = v & sr_mask[s->sr_index];
        break;
    case 0x3c6:
        s->pel_mask = v;
        break;
    case 0x3c7:
        s->dac_read_index = v;
        s->dac_sub = 0;
        s->dac_reading = true;
        break;
    case 0x3c8:
        s->dac_write_index = v;
        s->dac_sub = 0;
        s->dac_reading = false;
        break;
    case 0x3c9:
        vga_dac_write(s, v);
        break;
    case 0x3ce:
        s->gr_index = v & 0x0f;
        break;
    case 0x3cf:
        if (s->gr_index < 9) {
            s->gr[s->gr_index] = v & gr_mask[s->gr_index];
        }
        break;
    case 0x3b4:
    case 0x3d4:
        s->cr_index = v;
        break;
    case 0x3b5:
    case 0x3d5:
        vga_cr_write(s, v);
        break;
    case 0x3ba:
    case 0x3da:
        s->feature = v & 0x03;
        break;
    default:
        break;
    }
}

uint8_t vga_port_access(VGAState *s, uint16_t port, bool write, uint8_t value)
{
    if (write) {
        vga_port_write(s, port, value);
        return 0;
    }
    return vga_port_read(s, port);
}

static uint64_t vga_ports_read(void *opaque, uint64_t offset, unsigned size)
{
    return vga_port_read(opaque, VGA_PORT_BASE + offset);
}

static void vga_ports_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
    vga_port_write(opaque, VGA_PORT_BASE + offset, value);
}

static const MemOps vga_port_ops = {
    .read = vga_ports_read, .write = vga_ports_write, .min_size = 1, .max_size = 1,
};

/* ---- Bochs VBE ---- */

static unsigned vbe_bytes_pp(const VGAState *s)
{
    return (s->vbe_regs[VBE_DISPI_INDEX_BPP] + 7) / 8;
}

uint32_t vga_vbe_line_offset(const VGAState *s)
{
    return s->vbe_regs[VBE_DISPI_INDEX_VIRT_WIDTH] * vbe_bytes_pp(s);
}

uint32_t vga_vbe_start(const VGAState *s)
{
    uint64_t start = (uint64_t)s->vbe_regs[VBE_DISPI_INDEX_Y_OFFSET] * vga_vbe_line_offset(s) +
                     (uint64_t)s->vbe_regs[VBE_DISPI_INDEX_X_OFFSET] * vbe_bytes_pp(s);
    return start < s->vram_size ? start : 0;
}

/* The virtual screen is as tall as video memory allows at its width. */
static void vbe_update_virt(VGAState *s)
{
    uint32_t line = vga_vbe_line_offset(s);
    uint64_t h = line ? s->vram_size / line : 0;
    s->vbe_regs[VBE_DISPI_INDEX_VIRT_HEIGHT] = MIN(h, 0xffff);
}

static bool vbe_bpp_valid(unsigned bpp)
{
    return bpp == 8 || bpp == 15 || bpp == 16 || bpp == 24 || bpp == 32;
}

static void vbe_enable(VGAState *s, uint16_t v)
{
    uint16_t *r = s->vbe_regs;
    /* flag changes in a running mode (the DAC width) keep the mode as it is */
    if (!(v & VBE_DISPI_ENABLED) || vga_vbe_enabled(s)) {
        r[VBE_DISPI_INDEX_ENABLE] = v;
        return;
    }
    unsigned bpp = r[VBE_DISPI_INDEX_BPP] ? r[VBE_DISPI_INDEX_BPP] : 8;
    uint64_t need = (uint64_t)r[VBE_DISPI_INDEX_XRES] * r[VBE_DISPI_INDEX_YRES] * ((bpp + 7) / 8);
    /* a mode that is empty or does not fit in video memory is not set */
    if (!r[VBE_DISPI_INDEX_XRES] || !r[VBE_DISPI_INDEX_YRES] || need > s->vram_size) {
        return;
    }
    r[VBE_DISPI_INDEX_BPP] = bpp;
    r[VBE_DISPI_INDEX_ENABLE] = v;
    r[VBE_DISPI_INDEX_VIRT_WIDTH] = r[VBE_DISPI_INDEX_XRES];
    r[VBE_DISPI_INDEX_X_OFFSET] = 0;
    r[VBE_DISPI_INDEX_Y_OFFSET] = 0;
    r[VBE_DISPI_INDEX_BANK] = 0;
    vbe_update_virt(s);
    if (!(v & VBE_DISPI_NOCLEARMEM)) {
        memset(s->vram, 0, need);
    }
}

void vga_vbe_reg_write(VGAState *s, uint16_t index, uint16_t v)
{
    uint16_t *r = s->vbe_regs;
    bool enabled = vga_vbe_enabled(s);
    switch (index) {
    case VBE_DISPI_INDEX_ID:
        if (v >= VBE_DISPI_ID0 && v <= VBE_DISPI_ID5) {
            r[VBE_DISPI_INDEX_ID] = v;
        }
        break;
    case VBE_DISPI_INDEX_XRES:
        /* the geometry changes only while no VBE mode is on */
        if (!enabled && v <= VBE_DISPI_MAX_XRES && !(v & 7)) {
            r[VBE_DISPI_INDEX_XRES] = v;
        }
        break;
    case VBE_DISPI_INDEX_YRES:
        if (!enabled && v <= VBE_DISPI_MAX_YRES) {
            r[VBE_DISPI_INDEX_YRES] = v;
        }
        break;
    case VBE_DISPI_INDEX_BPP:
        if (!enabled && (v == 0 || vbe_bpp_valid(v))) {
            r[VBE_DISPI_INDEX_BPP] = v;
        }
        break;
    case VBE_DISPI_INDEX_ENABLE:
        vbe_enable(s, v);
        break;
    case VBE_DISPI_INDEX_BANK:
        if (((uint64_t)v << 16) < s->vram_size) {
            r[VBE_DISPI_INDEX_BANK] = v;
        }
        break;
    case VBE_DISPI_INDEX_VIRT_WIDTH:
        if (enabled && v >= r[VBE_DISPI_INDEX_XRES] &&
            (uint64_t)v * vbe_bytes_pp(s) * r[VBE_DISPI_INDEX_YRES] <= s->vram_size) {
            r[VBE_DISPI_INDEX_VIRT_WIDTH] = v;
            vbe_update_virt(s);
        }
        break;
    case VBE_DISPI_INDEX_X_OFFSET:
    case VBE_DISPI_INDEX_Y_OFFSET:
        r[index] = v;
        break;
    default:
        break; /* VIRT_HEIGHT and VIDEO_MEMORY_64K are computed */
    }
}

uint16_t vga_vbe_reg_read(VGAState *s, uint16_t index)
{
    const uint16_t *r = s->vbe_regs;
    bool caps = r[VBE_DISPI_INDEX_ENABLE] & VBE_DISPI_GETCAPS;
    switch (index) {
    case VBE_DISPI_INDEX_XRES:
        return caps ? VBE_DISPI_MAX_XRES : r[VBE_DISPI_INDEX_XRES];
    case VBE_DISPI_INDEX_YRES:
        return caps ? VBE_DISPI_MAX_YRES : r[VBE_DISPI_INDEX_YRES];
    case VBE_DISPI_INDEX_BPP:
        return caps ? VBE_DISPI_MAX_BPP : r[VBE_DISPI_INDEX_BPP];
    case VBE_DISPI_INDEX_VIDEO_MEMORY_64K:
        return MIN(s->vram_size >> 16, 0xffff);
    default:
        return index < VBE_DISPI_INDEX_NB ? r[index] : 0;
    }
}

/*
 * Ports 0x1CE (index) and 0x1CF (data) are 16 bits wide, the data port at
 * an odd address. The address space hands a 16-bit access at 0x1CF to us
 * as two byte accesses, 0x1CF then 0x1D0, so the low byte waits for the
 * high one and the register is written once, whole.
 */
static uint64_t vbe_port_read(void *opaque, uint64_t offset, unsigned size)
{
    VGAState *s = opaque;
    if (offset == 0) {
        return size == 2 ? s->vbe_index : s->vbe_index & 0xff;
    }
    uint16_t v = vga_vbe_reg_read(s, s->vbe_index);
    return offset == 1 ? v & 0xff : v >> 8;
}

static void vbe_port_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
    VGAState *s = opaque;
    if (offset == 0) {
        s->vbe_index = size == 2 ? value : (s->vbe_index & 0xff00) | (value & 0xff);
    } else if (offset == 1) {
        s->vbe_data_low = value;
    } else {
        vga_vbe_reg_write(s, s->vbe_index, s->vbe_data_low | (uint16_t)(value & 0xff) << 8);
    }
}

static const MemOps vbe_index_ops = {
    .read = vbe_port_read, .write = vbe_port_write, .min_size = 1, .max_size = 2,
};

static uint64_t vbe_high_read(void *opaque, uint64_t offset, unsigned size)
{
    return vbe_port_read(opaque, 2, 1);
}

static void vbe_high_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
    vbe_port_write(opaque, 2, value, 1);
}

static const MemOps vbe_high_ops = {
    .read = vbe_high_read, .write = vbe_high_write, .min_size = 1, .max_size = 1,
};

/* ---- life cycle ---- */

void vga_reset(void *opaque)
{
    VGAState *s = opaque;
    s->misc = 0;
    s->feature = 0;
    s->sr_index = s->gr_index = s->ar_index = s->cr_index = 0;
    memset(s->sr, 0, sizeof(s->sr));
    memset(s->gr, 0, sizeof(s->gr));
    memset(s->ar, 0, sizeof(s->ar));
    memset(s->cr, 0, sizeof(s->cr));
    s->ar_flipflop = false;
    s->pel_mask = 0xff;
    s->dac_read_index = s->dac_write_index = s->dac_sub = 0;
    s->dac_reading = false;
    s->latch = 0;
    s->st1_reads = 0;
    s->vbe_index = 0;
    memset(s->vbe_regs, 0, sizeof(s->vbe_regs));
    s->vbe_regs[VBE_DISPI_INDEX_ID] = VBE_DISPI_ID0;
    s->vbe_data_low = 0;
}

static void vga_free(void *opaque)
{
    VGAState *s = opaque;
    console_destroy(s->con);
    munmap(s->vram, s->vram_size);
    g_free(s);
}

static const GraphicHwOps vga_console_ops = {
    .update = vga_render,
    .text = vga_render_text,
};

VGAState *vga_create(Machine *m, uint64_t vram_size, char **err)
{
    if (vram_size < (1u << 20) || (vram_size & (vram_size - 1))) {
        *err = g_strdup_printf("VGA: video memory of %" G_GUINT64_FORMAT
                               " bytes: must be a power of two of at least 1 MiB", vram_size);
        return NULL;
    }
    void *vram = mmap(NULL, vram_size, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (vram == MAP_FAILED) {
        *err = g_strdup_printf("VGA: cannot allocate %" G_GUINT64_FORMAT " MiB of video memory",
                               vram_size >> 20);
        return NULL;
    }
    VGAState *s = g_new0(VGAState, 1);
    s->vram = vram;
    s->vram_size = vram_size;
    MemRegion *r[4] = { NULL };
    if (!(r[0] = as_add_io(m->io, "vga", VGA_PORT_BASE, VGA_PORT_COUNT, &vga_port_ops, s, err)) ||
        !(r[1] = as_add_io(m->io, "vbe", VBE_DISPI_IOPORT_INDEX, 2, &vbe_index_ops, s, err)) ||
        !(r[2] = as_add_io(m->io, "vbe-data-high", VBE_DISPI_IOPORT_INDEX + 2, 1, &vbe_high_ops, s,
                           err)) ||
        !(r[3] = as_add_io(m->mem, "vga-window", VGA_LEGACY_BASE, VGA_LEGACY_SIZE, &vga_window_ops,
                           s, err))) {
        for (int i = 0; i < 3 && r[i]; i++) {
            as_remove(m->io, r[i]);
        }
        munmap(vram, vram_size);
        g_free(s);
        return NULL;
    }
    s->con = console_create("VGA", &vga_console_ops, s);
    vga_reset(s);
    machine_add_reset(m, vga_reset, s);
    machine_own(m, s, vga_free);
    return s;
}
