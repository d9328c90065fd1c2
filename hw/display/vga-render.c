/*
 * VGA scan-out: the CRTC's timing registers give the size of the picture,
 * its address counter walks video memory, and the attribute controller and
 * the DAC turn what it fetches into colours (FreeVGA: "CRT controller
 * registers", "attribute controller registers", "DAC operation"). Drawn on
 * request into the console's surface, one full frame at a time:
 *   text         characters from plane 0, attributes from plane 1, glyphs
 *                from the plane-2 font SR3 selects; 8- or 9-dot cells
 *   planar       16 colours, one bit per plane (modes 0Dh-12h)
 *   CGA          2 bits per pixel, shift-register interleave (modes 4/5)
 *   256-colour   a byte per pixel (mode 13h and unchained variants)
 *   VBE          the Bochs linear modes, 8/15/16/24/32 bits per pixel
 * The blink and cursor phases are frozen "on": a screendump is a still.
 */
#include <string.h>

#include "hw/display/vga.h"

typedef struct VGAGeometry {
    unsigned cols;    /* character clocks per line */
    unsigned lines;   /* scan lines shown, after double scanning */
    unsigned maxscan; /* CR9: last row-scan line of a character row */
    unsigned offset;  /* address counter advance per character row */
    unsigned start;
} VGAGeometry;

static void vga_geometry(const VGAState *s, VGAGeometry *g)
{
    unsigned vdisp = (s->cr[0x12] | (s->cr[7] & 0x02) << 7 | (s->cr[7] & 0x40) << 3) + 1;
    g->cols = s->cr[1] + 1;
    g->lines = (s->cr[9] & 0x80) ? vdisp / 2 : vdisp;
    g->maxscan = s->cr[9] & 0x1f;
    g->offset = s->cr[0x13] * 2;
    g->start = s->cr[0x0c] << 8 | s->cr[0x0d];
}

/*
 * Plane address the CRTC fetches for address counter ma on row-scan line
 * rs: doubleword mode rotates left by two, word mode by one (MA13 or MA15
 * into bit 0), and the CGA compatibility bits put the row-scan counter on
 * address bits 13 and 14 (CR17 bits 0 and 1 clear).
 */
static uint32_t vga_scan_addr(const VGAState *s, uint32_t ma, unsigned rs)
{
    uint32_t a;
    if (s->cr[0x14] & 0x40) {
        a = ma << 2 | ((ma >> 14) & 3);
    } else if (!(s->cr[0x17] & 0x40)) {
        a = ma << 1 | ((ma >> ((s->cr[0x17] & 0x20) ? 15 : 13)) & 1);
    } else {
        a = ma;
    }
    if (!(s->cr[0x17] & 0x01)) {
        a = (a & ~0x2000u) | (rs & 1) << 13;
    }
    if (!(s->cr[0x17] & 0x02)) {
        a = (a & ~0x4000u) | (rs & 2) << 13;
    }
    return a & 0xffff;
}

static inline const uint8_t *vga_fetch(const VGAState *s, uint32_t addr)
{
    return s->vram + ((addr & 0xffff) << 2);
}

static uint32_t dac_rgb(const VGAState *s, uint8_t index)
{
    const uint8_t *c = &s->palette[(index & s->pel_mask) * 3];
    if (s->vbe_regs[VBE_DISPI_INDEX_ENABLE] & VBE_DISPI_8BIT_DAC) {
        return (uint32_t)c[0] << 16 | c[1] << 8 | c[2];
    }
    /* 6-bit DAC values widened so that 0x3f is full intensity */
    uint32_t r = c[0] << 2 | c[0] >> 4, g = c[1] << 2 | c[1] >> 4, b = c[2] << 2 | c[2] >> 4;
    return r << 16 | g << 8 | b;
}

/* A 4-bit pixel through Color Plane Enable, the palette and Color Select. */
static uint8_t ar_dac_index(const VGAState *s, unsigned v)
{
    uint8_t p = s->ar[v & s->ar[0x12] & 0x0f];
    if (s->ar[0x10] & 0x80) {
        p = (p & 0x0f) | (s->ar[0x14] & 0x03) << 4;
    }
    return (p & 0x3f) | (s->ar[0x14] & 0x0c) << 4;
}

typedef struct Canvas {
    uint32_t *bits;
    size_t stride; /* in pixels */
    int w, h;
} Canvas;

static Canvas canvas_for(VGAState *s, int w, int h)
{
    DisplaySurface *surf = console_resize(s->con, w, h);
    Canvas c = { .bits = pixman_image_get_data(surf->image),
                 .stride = pixman_image_get_stride(surf->image) / 4,
                 .w = surf->width, .h = surf->height };
    return c;
}

static uint32_t *canvas_row(Canvas *c, int y)
{
    return c->bits + (size_t)y * c->stride;
}

static void canvas_fill(Canvas *c, uint32_t rgb)
{
    for (int y = 0; y < c->h; y++) {
        uint32_t *row = canvas_row(c, y);
        for (int x = 0; x < c->w; x++) {
            row[x] = rgb;
        }
    }
}

/* Font block of SR3's map A (attribute bit 3 set) or map B, in plane 2. */
static uint32_t font_base(uint8_t sr3, bool map_a)
{
    unsigned sel = map_a ? ((sr3 >> 2) & 3) | ((sr3 >> 3) & 4) : (sr3 & 3) | ((sr3 >> 2) & 4);
    return (sel & 3) * 0x4000 + ((sel & 4) ? 0x2000 : 0);
}

static void vga_text_size(const VGAState *s, const VGAGeometry *g, unsigned *rows, unsigned *cw,
                          unsigned *ch)
{
    *cw = (s->sr[1] & 1) ? 8 : 9;
    *ch = g->maxscan + 1;
    *rows = g->lines / *ch;
}

static void vga_draw_text(VGAState *s, const VGAGeometry *g, const uint32_t *pal16)
{
    unsigned rows, cw, ch;
    vga_text_size(s, g, &rows, &cw, &ch);
    Canvas c = canvas_for(s, g->cols * cw, MAX(rows, 1) * ch);
    canvas_fill(&c, 0);
    unsigned cursor = s->cr[0x0e] << 8 | s->cr[0x0f];
    bool cursor_on = !(s->cr[0x0a] & 0x20);
    unsigned cur_start = s->cr[0x0a] & 0x1f, cur_end = s->cr[0x0b] & 0x1f;
    bool blink = s->ar[0x10] & 0x08;
    bool line_gfx = s->ar[0x10] & 0x04;
    uint32_t base_a = font_base(s->sr[3], true), base_b = font_base(s->sr[3], false);

    for (unsigned r = 0; r < rows; r++) {
        for (unsigned col = 0; col < g->cols; col++) {
            uint32_t ma = g->start + r * g->offset + col;
            const uint8_t *cell = vga_fetch(s, vga_scan_addr(s, ma, 0));
            uint8_t code = cell[0], attr = cell[1];
            uint32_t fg = pal16[attr & 0x0f];
            uint32_t bg = pal16[blink ? (attr >> 4) & 7 : attr >> 4];
            uint32_t glyph = ((attr & 0x08) ? base_a : base_b) + code * 32;
            bool has_cursor = cursor_on && (ma & 0xffff) == cursor;
            for (unsigned line = 0; line < ch; line++) {
                uint8_t bits = vga_fetch(s, glyph + line)[2];
                if (has_cursor && line >= cur_start && line <= cur_end) {
                    bits = 0xff;
                }
                uint32_t *px = canvas_row(&c, r * ch + line) + col * cw;
                for (unsigned x = 0; x < 8; x++) {
                    px[x] = (bits & (0x80 >> x)) ? fg : bg;
                }
                if (cw == 9) {
                    /* the line-drawing characters extend their 8th dot */
                    bool ninth = line_gfx && code >= 0xc0 && code <= 0xdf && (bits & 1);
                    px[8] = (ninth || (has_cursor && bits == 0xff)) ? fg : bg;
                }
            }
        }
    }
}

static void vga_draw_graphics(VGAState *s, const VGAGeometry *g, const uint32_t *pal16,
                              const uint32_t *dac)
{
    unsigned shift = (s->gr[5] >> 5) & 3;
    bool c256 = shift >= 2 || (s->ar[0x10] & 0x40);
    unsigned per_clock = c256 ? 4 : 8;
    /* without the CGA address substitution, the row-scan lines of one row
     * repeat the same pixels: show each row once (mode 13h is 320x200) */
    unsigned rep = (s->cr[0x17] & 0x03) == 0x03 ? g->maxscan + 1 : 1;
    unsigned h = MAX(g->lines / rep, 1);
    Canvas c = canvas_for(s, g->cols * per_clock, h);

    for (int y = 0; y < c.h; y++) {
        unsigned row = rep > 1 ? (unsigned)y : y / (g->maxscan + 1);
        unsigned rs = rep > 1 ? 0 : y % (g->maxscan + 1);
        uint32_t *px = canvas_row(&c, y);
        for (unsigned col = 0; col < g->cols; col++, px += per_clock) {
            const uint8_t *p = vga_fetch(s, vga_scan_addr(s, g->start + row * g->offset + col, rs));
            if (c256) {
                for (int i = 0; i < 4; i++) {
                    px[i] = dac[p[i]];
                }
            } else if (shift == 1) {
                for (int i = 0; i < 8; i++) {
                    unsigned sh = 6 - 2 * (i & 3), b = i >> 2;
                    unsigned v = ((p[b] >> sh) & 3) | ((p[b + 2] >> sh) & 3) << 2;
                    px[i] = pal16[v];
                }
            } else {
                for (int i = 0; i < 8; i++) {
                    unsigned bit = 7 - i;
                    unsigned v = ((p[0] >> bit) & 1) | ((p[1] >> bit) & 1) << 1 |
                                 ((p[2] >> bit) & 1) << 2 | ((p[3] >> bit) & 1) << 3;
                    px[i] = pal16[v];
                }
            }
        }
    }
}

static void vga_draw_vbe(VGAState *s, const uint32_t *dac)
{
    const uint16_t *r = s->vbe_regs;
    unsigned bpp = r[VBE_DISPI_INDEX_BPP];
    unsigned bytes = (bpp + 7) / 8;
    uint64_t line = vga_vbe_line_offset(s);
    uint64_t start = vga_vbe_start(s);
    Canvas c = canvas_for(s, r[VBE_DISPI_INDEX_XRES], r[VBE_DISPI_INDEX_YRES]);

    for (int y = 0; y < c.h; y++) {
        uint32_t *px = canvas_row(&c, y);
        uint64_t off = start + y * line;
        if (off + (uint64_t)c.w * bytes > s->vram_size) {
            memset(px, 0, c.w * 4); /* past the end of video memory */
            continue;
        }
        const uint8_t *src = s->vram + off;
        for (int x = 0; x < c.w; x++, src += bytes) {
            uint32_t v, rr, gg, bb;
            switch (bpp) {
            case 8:
                px[x] = dac[src[0]];
                continue;
            case 15:
                v = ld16(src);
                rr = (v >> 10) & 31, gg = (v >> 5) & 31, bb = v & 31;
                px[x] = (rr << 3 | rr >> 2) << 16 | (gg << 3 | gg >> 2) << 8 | (bb << 3 | bb >> 2);
                continue;
            case 16:
                v = ld16(src);
                rr = v >> 11, gg = (v >> 5) & 63, bb = v & 31;
                px[x] = (rr << 3 | rr >> 2) << 16 | (gg << 2 | gg >> 4) << 8 | (bb << 3 | bb >> 2);
                continue;
            default: /* 24 and 32: blue, green, red in memory order */
                px[x] = (uint32_t)src[2] << 16 | src[1] << 8 | src[0];
                continue;
            }
        }
    }
}

void vga_render(void *opaque)
{
    VGAState *s = opaque;
    uint32_t dac[256], pal16[16];
    for (int i = 0; i < 256; i++) {
        dac[i] = dac_rgb(s, i);
    }
    for (int i = 0; i < 16; i++) {
        pal16[i] = dac[ar_dac_index(s, i)];
    }
    if (vga_vbe_enabled(s)) {
        vga_draw_vbe(s, dac);
    } else {
        VGAGeometry g;
        vga_geometry(s, &g);
        if (s->ar[0x10] & 0x01) {
            vga_draw_graphics(s, &g, pal16, dac);
        } else {
            vga_draw_text(s, &g, pal16);
        }
        /* Screen Off (SR1 bit 5), or the palette handed to the CPU (the
         * attribute index's PAS bit clear): the monitor sees black */
        if ((s->sr[1] & 0x20) || !(s->ar_index & 0x20)) {
            Canvas c = canvas_for(s, console_surface(s->con)->width, console_surface(s->con)->height);
            canvas_fill(&c, 0);
        }
    }
    DisplaySurface *surf = console_surface(s->con);
    console_mark_dirty(s->con, 0, 0, surf->width, surf->height);
}

bool vga_render_text(void *opaque, GString *out)
{
    VGAState *s = opaque;
    if (vga_vbe_enabled(s) || (s->ar[0x10] & 0x01)) {
        return false;
    }
    VGAGeometry g;
    unsigned rows, cw, ch;
    vga_geometry(s, &g);
    vga_text_size(s, &g, &rows, &cw, &ch);
    for (unsigned r = 0; r < rows; r++) {
        gsize line_start = out->len;
        for (unsigned col = 0; col < g.cols; col++) {
            uint32_t ma = g.start + r * g.offset + col;
            uint8_t code = vga_fetch(s, vga_scan_addr(s, ma, 0))[0];
            /* printable ASCII as itself; the rest of code page 437 as '?' */
            g_string_append_c(out, code == 0 ? ' ' : (code >= 0x20 && code < 0x7f) ? code : '?');
        }
        while (out->len > line_start && out->str[out->len - 1] == ' ') {
            g_string_truncate(out, out->len - 1);
        }
        g_string_append_c(out, '\n');
    }
    return true;
}
