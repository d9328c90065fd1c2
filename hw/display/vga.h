/*
 * The standard VGA with the Bochs VBE extensions ("stdvga", as QEMU's
 * -vga std and the Bochs display): register files, the four planes of video
 * memory with their read and write pipelines behind the legacy window, the
 * DAC, and the VBE "dispi" registers with a linear framebuffer.
 *
 * vga.c holds the guest-visible state and its ports; vga-render.c turns that
 * state into pixels on a console; vga-pci.c is the PCI function that puts it
 * on the pc machine. The split lets unit tests drive the core without PCI.
 */
#ifndef HW_DISPLAY_VGA_H
#define HW_DISPLAY_VGA_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include "hw/core/machine.h"
#include "ui/console.h"

#define VGA_PLANE_SIZE 0x10000       /* 64 KiB per plane, 256 KiB in all */
#define VGA_LEGACY_BASE 0xa0000
#define VGA_LEGACY_SIZE 0x20000

/* Bochs VBE "dispi" interface (vbe_display_api.txt). */
#define VBE_DISPI_IOPORT_INDEX 0x1ce
#define VBE_DISPI_IOPORT_DATA 0x1cf
#define VBE_DISPI_INDEX_ID 0x0
#define VBE_DISPI_INDEX_XRES 0x1
#define VBE_DISPI_INDEX_YRES 0x2
#define VBE_DISPI_INDEX_BPP 0x3
#define VBE_DISPI_INDEX_ENABLE 0x4
#define VBE_DISPI_INDEX_BANK 0x5
#define VBE_DISPI_INDEX_VIRT_WIDTH 0x6
#define VBE_DISPI_INDEX_VIRT_HEIGHT 0x7
#define VBE_DISPI_INDEX_X_OFFSET 0x8
#define VBE_DISPI_INDEX_Y_OFFSET 0x9
#define VBE_DISPI_INDEX_VIDEO_MEMORY_64K 0xa
#define VBE_DISPI_INDEX_NB 0xb
#define VBE_DISPI_ID0 0xb0c0
#define VBE_DISPI_ID5 0xb0c5
#define VBE_DISPI_ENABLED 0x01
#define VBE_DISPI_GETCAPS 0x02
#define VBE_DISPI_8BIT_DAC 0x20
#define VBE_DISPI_LFB_ENABLED 0x40
#define VBE_DISPI_NOCLEARMEM 0x80
#define VBE_DISPI_MAX_XRES 16000
#define VBE_DISPI_MAX_YRES 12000
#define VBE_DISPI_MAX_BPP 32

typedef struct VGAState {
    uint8_t *vram;     /* planes interleaved (byte 4*a+p is plane p, address a), then VBE memory */
    uint64_t vram_size;

    uint8_t misc;      /* Miscellaneous Output */
    uint8_t feature;   /* Feature Control */
    uint8_t sr_index;
    uint8_t sr[8];
    uint8_t gr_index;
    uint8_t gr[9];
    uint8_t ar_index;  /* with the Palette Address Source bit (0x20) */
    uint8_t ar[0x15];
    bool ar_flipflop;  /* true: the next 0x3C0 write is data */
    uint8_t cr_index;
    uint8_t cr[0x19];
    uint8_t pel_mask;
    uint8_t dac_read_index;
    uint8_t dac_write_index;
    uint8_t dac_sub;     /* which of R, G, B comes next */
    bool dac_reading;    /* last index written was 0x3C7 */
    uint8_t dac_cache[3];
    uint8_t palette[256 * 3];
    uint32_t latch;      /* byte p is plane p */
    unsigned st1_reads;  /* drives the retrace bits of Input Status 1 */

    uint16_t vbe_index;
    uint16_t vbe_regs[VBE_DISPI_INDEX_NB];
    uint8_t vbe_data_low; /* low byte of a 16-bit write to 0x1CF, see vga.c */

    DisplayConsole *con;
} VGAState;

/*
 * Create the VGA core: its ports (0x3B0-0x3DF, VBE 0x1CE-0x1D0), the legacy
 * window at 0xA0000 in m->mem, a reset hook and a console. vram_size is
 * a power of two from 1 MiB (the first 256 KiB are the planes). The state
 * belongs to the machine. NULL with *err if a region is taken.
 */
VGAState *vga_create(Machine *m, uint64_t vram_size, char **err);
void vga_reset(void *opaque);

/* The legacy window, offset from 0xA0000 (byte accesses). */
uint8_t vga_mem_readb(VGAState *s, uint32_t offset);
void vga_mem_writeb(VGAState *s, uint32_t offset, uint8_t v);

/* A register port 0x3B0-0x3DF as the guest sees it (the PCI MMIO BAR). */
uint8_t vga_port_access(VGAState *s, uint16_t port, bool write, uint8_t value);
/* A VBE register by index, without going through the index port. */
uint16_t vga_vbe_reg_read(VGAState *s, uint16_t index);
void vga_vbe_reg_write(VGAState *s, uint16_t index, uint16_t v);

bool vga_vbe_enabled(const VGAState *s);
/* VBE bytes per scan line and the byte offset of the visible origin. */
uint32_t vga_vbe_line_offset(const VGAState *s);
uint32_t vga_vbe_start(const VGAState *s);

/* vga-render.c: draw the current screen into the console's surface, and
 * the characters of a text mode (false when the adapter is in graphics). */
void vga_render(void *opaque);
bool vga_render_text(void *opaque, GString *out);

#endif
