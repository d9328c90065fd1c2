/*
 * The VGA through its ports and the 0xA0000 window, as a guest and its BIOS
 * drive it: register files and their quirks (CRTC port selection, write
 * protection, the attribute flip-flop), the DAC, the write modes 0-3 and
 * read modes 0-1 with latches, chain-4 and odd/even addressing, memory map
 * selection, then the pixels scan-out produces for text, mode 13h, planar
 * 16-colour and Bochs VBE modes, and the PPM screendump.
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>

#include "hw/display/vga.h"

typedef struct TestMachine {
    Machine m;
    VGAState *vga;
} TestMachine;

static TestMachine *tm_new(void)
{
    TestMachine *t = g_new0(TestMachine, 1);
    t->m.mem = as_create("memory", 1ull << 32);
    t->m.io = as_create("io", 0x10000);
    char *err = NULL;
    t->vga = vga_create(&t->m, 16 << 20, &err);
    g_assert_null(err);
    g_assert_nonnull(t->vga);
    return t;
}

static void tm_free(TestMachine *t)
{
    g_ptr_array_free(t->m.owned, TRUE);
    g_array_free(t->m.reset_hooks, TRUE);
    as_destroy(t->m.io);
    as_destroy(t->m.mem);
    g_free(t);
}

static void outb(TestMachine *t, uint16_t port, uint8_t v)
{
    as_write(t->m.io, port, v, 1);
}

static uint8_t inb(TestMachine *t, uint16_t port)
{
    return as_read(t->m.io, port, 1);
}

static void sr(TestMachine *t, uint8_t i, uint8_t v)
{
    as_write(t->m.io, 0x3c4, i | v << 8, 2); /* outw, as BIOSes write index and data */
}

static void gr(TestMachine *t, uint8_t i, uint8_t v)
{
    as_write(t->m.io, 0x3ce, i | v << 8, 2);
}

static void cr(TestMachine *t, uint8_t i, uint8_t v)
{
    outb(t, 0x3d4, i);
    outb(t, 0x3d5, v);
}

/* An attribute register, leaving the palette to the display (PAS set). */
static void ar(TestMachine *t, uint8_t i, uint8_t v)
{
    inb(t, 0x3da);
    outb(t, 0x3c0, i);
    outb(t, 0x3c0, v);
    outb(t, 0x3c0, 0x20);
}

static void memw(TestMachine *t, uint32_t addr, uint8_t v)
{
    as_write(t->m.mem, addr, v, 1);
}

static uint8_t memr(TestMachine *t, uint32_t addr)
{
    return as_read(t->m.mem, addr, 1);
}

static void dac_set(TestMachine *t, uint8_t index, uint8_t r, uint8_t g, uint8_t b)
{
    outb(t, 0x3c8, index);
    outb(t, 0x3c9, r);
    outb(t, 0x3c9, g);
    outb(t, 0x3c9, b);
}

static void vbe_write(TestMachine *t, uint16_t index, uint16_t v)
{
    as_write(t->m.io, VBE_DISPI_IOPORT_INDEX, index, 2);
    as_write(t->m.io, VBE_DISPI_IOPORT_DATA, v, 2);
}

static uint16_t vbe_read(TestMachine *t, uint16_t index)
{
    as_write(t->m.io, VBE_DISPI_IOPORT_INDEX, index, 2);
    return as_read(t->m.io, VBE_DISPI_IOPORT_DATA, 2);
}

/* Plane p at plane address a, read back through read mode 0. */
static uint8_t plane_read(TestMachine *t, unsigned p, uint16_t a)
{
    sr(t, 4, 0x06);
    gr(t, 5, 0x00);
    gr(t, 6, 0x05);
    gr(t, 4, p);
    return memr(t, 0xa0000 + a);
}

/* Sequential planar addressing at 0xA0000, all planes, ALU off. */
static void planar_setup(TestMachine *t)
{
    sr(t, 2, 0x0f);
    sr(t, 4, 0x06);
    gr(t, 0, 0);
    gr(t, 1, 0);
    gr(t, 3, 0);
    gr(t, 5, 0);
    gr(t, 6, 0x05);
    gr(t, 8, 0xff);
}

static DisplaySurface *render(TestMachine *t)
{
    return console_update(t->vga->con);
}

static void test_registers(void)
{
    TestMachine *t = tm_new();
    /* Misc Output bit 0 moves the CRTC between 0x3Bx and 0x3Dx */
    outb(t, 0x3c2, 0x67);
    g_assert_cmphex(inb(t, 0x3cc), ==, 0x67);
    cr(t, 0x0e, 0x12);
    g_assert_cmphex(inb(t, 0x3d5), ==, 0x12);
    g_assert_cmphex(inb(t, 0x3b5), ==, 0xff);
    outb(t, 0x3c2, 0x66);
    outb(t, 0x3b4, 0x0e);
    g_assert_cmphex(inb(t, 0x3b5), ==, 0x12);
    outb(t, 0x3b5, 0x34);
    outb(t, 0x3c2, 0x67);
    g_assert_cmphex(inb(t, 0x3d5), ==, 0x34);

    /* CR11 bit 7 protects CR0-7 but not CR7's line compare bit */
    cr(t, 0x01, 0x4f);
    cr(t, 0x07, 0x00);
    cr(t, 0x11, 0x80);
    cr(t, 0x01, 0x27);
    cr(t, 0x07, 0xff);
    outb(t, 0x3d4, 0x01);
    g_assert_cmphex(inb(t, 0x3d5), ==, 0x4f);
    outb(t, 0x3d4, 0x07);
    g_assert_cmphex(inb(t, 0x3d5), ==, 0x10);

    /* register masks */
    sr(t, 4, 0xff);
    g_assert_cmphex(inb(t, 0x3c5), ==, 0x0e);
    gr(t, 5, 0xff);
    g_assert_cmphex(inb(t, 0x3cf), ==, 0x7b);

    /* the attribute flip-flop: index, data, and reset by Input Status 1 */
    inb(t, 0x3da);
    outb(t, 0x3c0, 0x10);
    outb(t, 0x3c0, 0x41);
    g_assert_cmphex(inb(t, 0x3c0), ==, 0x10);
    g_assert_cmphex(inb(t, 0x3c1), ==, 0x41);
    outb(t, 0x3c0, 0x11); /* index again */
    inb(t, 0x3da);
    outb(t, 0x3c0, 0x12); /* so this is an index too */
    outb(t, 0x3c0, 0x0f);
    g_assert_cmphex(inb(t, 0x3c0), ==, 0x12);
    g_assert_cmphex(inb(t, 0x3c1), ==, 0x0f);
    /* palette registers are written only while PAS is clear */
    inb(t, 0x3da);
    outb(t, 0x3c0, 0x25);
    outb(t, 0x3c0, 0x11);
    inb(t, 0x3da);
    outb(t, 0x3c0, 0x05);
    g_assert_cmphex(inb(t, 0x3c1), ==, 0x00);
    outb(t, 0x3c0, 0x2a);
    g_assert_cmphex(inb(t, 0x3c1), ==, 0x2a);

    /* Input Status 1 shows vertical retrace within a few reads */
    bool seen_on = false, seen_off = false;
    for (int i = 0; i < 16; i++) {
        uint8_t st = inb(t, 0x3da);
        seen_on |= (st & 0x08) != 0;
        seen_off |= (st & 0x08) == 0;
    }
    g_assert_true(seen_on && seen_off);
    tm_free(t);
}

static void test_dac(void)
{
    TestMachine *t = tm_new();
    dac_set(t, 5, 0x3f, 0x7f, 0x12); /* 6-bit DAC: 0x7f keeps 0x3f */
    dac_set(t, 6, 1, 2, 3);          /* write index auto-incremented to 6 */
    g_assert_cmphex(inb(t, 0x3c8), ==, 7);
    g_assert_cmphex(inb(t, 0x3c7), ==, 0x00);
    outb(t, 0x3c7, 5);
    g_assert_cmphex(inb(t, 0x3c7), ==, 0x03);
    uint8_t want[] = { 0x3f, 0x3f, 0x12, 1, 2, 3 };
    for (int i = 0; i < 6; i++) {
        g_assert_cmphex(inb(t, 0x3c9), ==, want[i]);
    }
    outb(t, 0x3c6, 0xff);
    g_assert_cmphex(inb(t, 0x3c6), ==, 0xff);
    /* with VBE's 8-bit DAC flag, all eight bits stay */
    vbe_write(t, VBE_DISPI_INDEX_ENABLE, VBE_DISPI_8BIT_DAC);
    dac_set(t, 9, 0xff, 0x80, 0x01);
    outb(t, 0x3c7, 9);
    g_assert_cmphex(inb(t, 0x3c9), ==, 0xff);
    g_assert_cmphex(inb(t, 0x3c9), ==, 0x80);
    tm_free(t);
}

static void test_write_modes(void)
{
    TestMachine *t = tm_new();
    planar_setup(t);

    /* mode 0, Map Mask: only planes 0 and 2 take the byte */
    sr(t, 2, 0x05);
    memw(t, 0xa0010, 0xa5);
    sr(t, 2, 0x0f);
    g_assert_cmphex(plane_read(t, 0, 0x10), ==, 0xa5);
    g_assert_cmphex(plane_read(t, 1, 0x10), ==, 0x00);
    g_assert_cmphex(plane_read(t, 2, 0x10), ==, 0xa5);
    g_assert_cmphex(plane_read(t, 3, 0x10), ==, 0x00);

    /* mode 0 with set/reset on planes 1 and 3 (value 0b1010), rotate by 4 */
    planar_setup(t);
    gr(t, 0, 0x0a);
    gr(t, 1, 0x0a);
    gr(t, 3, 0x04);
    memw(t, 0xa0020, 0x3c); /* rotated: 0xc3 */
    planar_setup(t);
    g_assert_cmphex(plane_read(t, 0, 0x20), ==, 0xc3);
    g_assert_cmphex(plane_read(t, 1, 0x20), ==, 0xff);
    g_assert_cmphex(plane_read(t, 2, 0x20), ==, 0xc3);
    g_assert_cmphex(plane_read(t, 3, 0x20), ==, 0xff);

    /* bit mask keeps the latched bits; XOR with the latches */
    planar_setup(t);
    memw(t, 0xa0030, 0xf0);
    memr(t, 0xa0030);          /* load latches: 0xf0 on every plane */
    gr(t, 8, 0x3c);
    gr(t, 3, 0x18);            /* XOR */
    memw(t, 0xa0030, 0xff);
    planar_setup(t);
    g_assert_cmphex(plane_read(t, 0, 0x30), ==, 0xcc); /* 0xf0 ^ 0x3c in the mask */

    /* AND and OR */
    planar_setup(t);
    memr(t, 0xa0030);
    gr(t, 3, 0x08);            /* AND */
    memw(t, 0xa0031, 0x0f);
    gr(t, 3, 0x10);            /* OR */
    memw(t, 0xa0032, 0x0f);
    planar_setup(t);
    g_assert_cmphex(plane_read(t, 1, 0x31), ==, 0xcc & 0x0f);
    g_assert_cmphex(plane_read(t, 1, 0x32), ==, 0xcc | 0x0f);

    /* mode 1 copies the latches (a 4-plane copy in one byte) */
    planar_setup(t);
    sr(t, 2, 0x01);
    memw(t, 0xa0040, 0x11);
    sr(t, 2, 0x08);
    memw(t, 0xa0040, 0x88);
    sr(t, 2, 0x0f);
    memr(t, 0xa0040);
    gr(t, 5, 0x01);
    memw(t, 0xa0050, 0x00);
    g_assert_cmphex(plane_read(t, 0, 0x50), ==, 0x11);
    g_assert_cmphex(plane_read(t, 3, 0x50), ==, 0x88);
    g_assert_cmphex(plane_read(t, 1, 0x50), ==, 0x00);

    /* mode 2: the CPU byte's low nibble is a colour, bit mask selects pixels */
    planar_setup(t);
    memr(t, 0xa0060);
    gr(t, 5, 0x02);
    gr(t, 8, 0x81);
    memw(t, 0xa0060, 0x05);
    g_assert_cmphex(plane_read(t, 0, 0x60), ==, 0x81);
    g_assert_cmphex(plane_read(t, 1, 0x60), ==, 0x00);
    g_assert_cmphex(plane_read(t, 2, 0x60), ==, 0x81);

    /* mode 3: set/reset is the colour, rotated CPU data ANDs the bit mask */
    planar_setup(t);
    memr(t, 0xa0070);
    gr(t, 5, 0x03);
    gr(t, 0, 0x06);
    gr(t, 8, 0xf0);
    memw(t, 0xa0070, 0x3c);
    g_assert_cmphex(plane_read(t, 0, 0x70), ==, 0x00);
    g_assert_cmphex(plane_read(t, 1, 0x70), ==, 0x30);
    g_assert_cmphex(plane_read(t, 2, 0x70), ==, 0x30);
    tm_free(t);
}

static void test_read_modes(void)
{
    TestMachine *t = tm_new();
    planar_setup(t);
    uint8_t planes[4] = { 0xf0, 0xcc, 0xaa, 0x0f };
    for (int p = 0; p < 4; p++) {
        sr(t, 2, 1 << p);
        memw(t, 0xa0100, planes[p]);
    }
    sr(t, 2, 0x0f);
    for (int p = 0; p < 4; p++) {
        gr(t, 4, p);
        g_assert_cmphex(memr(t, 0xa0100), ==, planes[p]);
    }
    /* read mode 1: pixels whose colour is 0b0101 (planes 0 and 2 set) */
    gr(t, 5, 0x08);
    gr(t, 2, 0x05);
    gr(t, 7, 0x0f);
    uint8_t want = 0;
    for (int b = 0; b < 8; b++) {
        unsigned c = 0;
        for (int p = 0; p < 4; p++) {
            c |= ((planes[p] >> b) & 1) << p;
        }
        want |= (c == 5) << b;
    }
    g_assert_cmphex(memr(t, 0xa0100), ==, want);
    /* Color Don't Care: only plane 3 compared against 0 */
    gr(t, 7, 0x08);
    g_assert_cmphex(memr(t, 0xa0100), ==, 0xf0);
    gr(t, 7, 0x00);
    g_assert_cmphex(memr(t, 0xa0100), ==, 0xff);
    tm_free(t);
}

static void test_chain4_oddeven(void)
{
    TestMachine *t = tm_new();
    planar_setup(t);
    /* chain-4: A1:A0 pick the plane, the plane address is A & ~3 */
    sr(t, 4, 0x0e);
    for (int i = 0; i < 8; i++) {
        memw(t, 0xa0200 + i, 0x10 + i);
    }
    for (int i = 0; i < 8; i++) {
        g_assert_cmphex(memr(t, 0xa0200 + i), ==, 0x10 + i);
    }
    g_assert_cmphex(plane_read(t, 1, 0x200), ==, 0x11);
    g_assert_cmphex(plane_read(t, 3, 0x204), ==, 0x17);
    g_assert_cmphex(plane_read(t, 0, 0x201), ==, 0x00);

    /* odd/even text addressing at 0xB8000: even bytes plane 0, odd plane 1 */
    sr(t, 4, 0x02);
    gr(t, 5, 0x10);
    gr(t, 6, 0x0e);
    gr(t, 4, 0x00);
    memw(t, 0xb8000 + 0x40, 'M');
    memw(t, 0xb8000 + 0x41, 0x1f);
    g_assert_cmphex(memr(t, 0xb8040), ==, 'M');
    g_assert_cmphex(memr(t, 0xb8041), ==, 0x1f);
    /* the window ends where GR6 says: 0xA0000 and 0xB0000 are not ours */
    g_assert_cmphex(memr(t, 0xa0000), ==, 0xff);
    g_assert_cmphex(memr(t, 0xb0000), ==, 0xff);
    g_assert_cmphex(plane_read(t, 0, 0x40), ==, 'M');
    g_assert_cmphex(plane_read(t, 1, 0x40), ==, 0x1f);
    g_assert_cmphex(plane_read(t, 0, 0x41), ==, 0x00);
    /* 128 KiB map: 0xB0000 wraps onto plane address 0 */
    gr(t, 6, 0x01);
    g_assert_cmphex(memr(t, 0xb0040), ==, plane_read(t, 0, 0x40));
    tm_free(t);
}

/* 80x25 colour text as the BIOS sets mode 3 (9-dot cells, 16 lines). */
static void text_mode_setup(TestMachine *t)
{
    outb(t, 0x3c2, 0x67);
    sr(t, 1, 0x00);
    sr(t, 2, 0x03);
    sr(t, 3, 0x00);
    sr(t, 4, 0x02);
    gr(t, 5, 0x10);
    gr(t, 6, 0x0e);
    gr(t, 8, 0xff);
    static const uint8_t crtc[0x19] = {
        0x5f, 0x4f, 0x50, 0x82, 0x55, 0x81, 0xbf, 0x1f, 0x00, 0x4f, 0x0d, 0x0e, 0x00,
        0x00, 0x00, 0x00, 0x9c, 0x8e, 0x8f, 0x28, 0x1f, 0x96, 0xb9, 0xa3, 0xff,
    };
    cr(t, 0x11, 0x00);
    for (int i = 0; i < 0x19; i++) {
        cr(t, i, crtc[i]);
    }
    for (int i = 0; i < 16; i++) {
        ar(t, i, i);
    }
    ar(t, 0x10, 0x0c);
    ar(t, 0x12, 0x0f);
    ar(t, 0x14, 0x00);
    dac_set(t, 0x01, 0x00, 0x00, 0x2a); /* blue */
    dac_set(t, 0x0e, 0x3f, 0x3f, 0x15); /* yellow */
    dac_set(t, 0x00, 0x00, 0x00, 0x00);
}

/* Glyph rows of a character into plane 2, as a BIOS loads its font. */
static void font_load(TestMachine *t, uint8_t ch, const uint8_t *rows, int n)
{
    sr(t, 2, 0x04);
    sr(t, 4, 0x06);
    gr(t, 4, 0x02);
    gr(t, 5, 0x00);
    gr(t, 6, 0x04);
    for (int i = 0; i < n; i++) {
        memw(t, 0xa0000 + ch * 32 + i, rows[i]);
    }
    sr(t, 2, 0x03);
    sr(t, 4, 0x02);
    gr(t, 4, 0x00);
    gr(t, 5, 0x10);
    gr(t, 6, 0x0e);
}

static void test_text_render(void)
{
    TestMachine *t = tm_new();
    text_mode_setup(t);
    uint8_t glyph[16];
    for (int i = 0; i < 16; i++) {
        glyph[i] = (i & 1) ? 0x81 : 0x7e;
    }
    font_load(t, 'H', glyph, 16);
    uint8_t box[16];
    memset(box, 0x01, sizeof(box));
    font_load(t, 0xc4, box, 16);
    const char *msg = "Hi there";
    for (int i = 0; msg[i]; i++) {
        memw(t, 0xb8000 + 160 + 2 * i, msg[i]);
        memw(t, 0xb8000 + 160 + 2 * i + 1, 0x1e);
    }
    memw(t, 0xb8000 + 2 * 79, 0xc4);
    memw(t, 0xb8000 + 2 * 79 + 1, 0x0e);
    cr(t, 0x0a, 0x20); /* cursor off */

    DisplaySurface *s = render(t);
    g_assert_cmpint(s->width, ==, 720);
    g_assert_cmpint(s->height, ==, 400);
    uint32_t yellow = 0xffff55, blue = 0x0000aa;
    /* 'H' at row 1, column 0: line 0 is 0x7e, line 1 is 0x81 */
    g_assert_cmphex(surface_pixel(s, 0, 16), ==, blue);
    g_assert_cmphex(surface_pixel(s, 1, 16), ==, yellow);
    g_assert_cmphex(surface_pixel(s, 6, 16), ==, yellow);
    g_assert_cmphex(surface_pixel(s, 7, 16), ==, blue);
    g_assert_cmphex(surface_pixel(s, 8, 16), ==, blue); /* 9th dot: background */
    g_assert_cmphex(surface_pixel(s, 0, 17), ==, yellow);
    g_assert_cmphex(surface_pixel(s, 7, 17), ==, yellow);
    /* a line-drawing character repeats its 8th dot in the 9th */
    g_assert_cmphex(surface_pixel(s, 79 * 9 + 7, 3), ==, yellow);
    g_assert_cmphex(surface_pixel(s, 79 * 9 + 8, 3), ==, yellow);
    g_assert_cmphex(surface_pixel(s, 79 * 9 + 6, 3), ==, 0);
    /* cursor: lines 13-14 of its cell in the foreground colour */
    cr(t, 0x0a, 0x0d);
    cr(t, 0x0b, 0x0e);
    cr(t, 0x0e, 0x00);
    cr(t, 0x0f, 80 + 1);
    s = render(t);
    g_assert_cmphex(surface_pixel(s, 9 + 4, 16 + 13), ==, yellow);
    g_assert_cmphex(surface_pixel(s, 9 + 4, 16 + 12), ==, blue);

    GString *text = g_string_new(NULL);
    g_assert_true(console_text(t->vga->con, text));
    gchar **lines = g_strsplit(text->str, "\n", -1);
    g_assert_cmpuint(g_strv_length(lines), ==, 26);
    g_assert_cmpstr(lines[1], ==, "Hi there");
    g_strfreev(lines);
    g_string_free(text, TRUE);

    /* 8-dot cells make it 640 wide; start address scrolls by a row */
    sr(t, 1, 0x01);
    cr(t, 0x0c, 0);
    cr(t, 0x0d, 80);
    s = render(t);
    g_assert_cmpint(s->width, ==, 640);
    g_assert_cmphex(surface_pixel(s, 1, 0), ==, yellow);
    /* Screen Off blanks the picture */
    sr(t, 1, 0x21);
    s = render(t);
    g_assert_cmphex(surface_pixel(s, 1, 0), ==, 0);
    tm_free(t);
}

static void mode13_setup(TestMachine *t)
{
    outb(t, 0x3c2, 0x63);
    sr(t, 1, 0x01);
    sr(t, 2, 0x0f);
    sr(t, 4, 0x0e);
    gr(t, 5, 0x40);
    gr(t, 6, 0x05);
    gr(t, 8, 0xff);
    static const uint8_t crtc[0x19] = {
        0x5f, 0x4f, 0x50, 0x82, 0x54, 0x80, 0xbf, 0x1f, 0x00, 0x41, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x9c, 0x8e, 0x8f, 0x28, 0x40, 0x96, 0xb9, 0xa3, 0xff,
    };
    cr(t, 0x11, 0x00);
    for (int i = 0; i < 0x19; i++) {
        cr(t, i, crtc[i]);
    }
    for (int i = 0; i < 16; i++) {
        ar(t, i, i);
    }
    ar(t, 0x10, 0x41);
}

static void test_mode13(void)
{
    TestMachine *t = tm_new();
    mode13_setup(t);
    dac_set(t, 7, 0x3f, 0x00, 0x00);
    dac_set(t, 200, 0x00, 0x20, 0x3f);
    memw(t, 0xa0000 + 2 * 320 + 3, 7);
    memw(t, 0xa0000 + 199 * 320 + 319, 200);
    DisplaySurface *s = render(t);
    g_assert_cmpint(s->width, ==, 320);
    g_assert_cmpint(s->height, ==, 200);
    g_assert_cmphex(surface_pixel(s, 3, 2), ==, 0xff0000);
    g_assert_cmphex(surface_pixel(s, 4, 2), ==, 0);
    g_assert_cmphex(surface_pixel(s, 2, 2), ==, 0);
    g_assert_cmphex(surface_pixel(s, 319, 199), ==, 0x0082ff);
    /* the PEL mask filters the DAC index */
    dac_set(t, 200 & 0x0f, 0x00, 0x3f, 0x00);
    outb(t, 0x3c6, 0x0f);
    s = render(t);
    g_assert_cmphex(surface_pixel(s, 319, 199), ==, 0x00ff00);
    tm_free(t);
}

static void test_mode12(void)
{
    TestMachine *t = tm_new();
    outb(t, 0x3c2, 0xe3);
    sr(t, 1, 0x01);
    sr(t, 2, 0x0f);
    sr(t, 4, 0x06);
    gr(t, 5, 0x00);
    gr(t, 6, 0x05);
    static const uint8_t crtc[0x19] = {
        0x5f, 0x4f, 0x50, 0x82, 0x54, 0x80, 0x0b, 0x3e, 0x00, 0x40, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0xea, 0x8c, 0xdf, 0x28, 0x00, 0xe7, 0x04, 0xe3, 0xff,
    };
    cr(t, 0x11, 0x00);
    for (int i = 0; i < 0x19; i++) {
        cr(t, i, crtc[i]);
    }
    for (int i = 0; i < 16; i++) {
        ar(t, i, i);
    }
    ar(t, 0x10, 0x01);
    ar(t, 0x12, 0x0f);
    dac_set(t, 0x0c, 0x3f, 0x15, 0x15);
    /* pixel (641 % 8 == 1) of line 10 in colour 12 with write mode 2 */
    gr(t, 5, 0x02);
    gr(t, 8, 0x80 >> 3);
    memr(t, 0xa0000 + 10 * 80 + 5);
    memw(t, 0xa0000 + 10 * 80 + 5, 0x0c);
    DisplaySurface *s = render(t);
    g_assert_cmpint(s->width, ==, 640);
    g_assert_cmpint(s->height, ==, 480);
    g_assert_cmphex(surface_pixel(s, 5 * 8 + 3, 10), ==, 0xff5555);
    g_assert_cmphex(surface_pixel(s, 5 * 8 + 2, 10), ==, 0);
    g_assert_cmphex(surface_pixel(s, 5 * 8 + 3, 11), ==, 0);
    /* Color Plane Enable drops plane 3: colour 12 becomes 4 */
    dac_set(t, 0x04, 0x2a, 0x00, 0x00);
    ar(t, 0x12, 0x07);
    s = render(t);
    g_assert_cmphex(surface_pixel(s, 5 * 8 + 3, 10), ==, 0xaa0000);
    GString *text = g_string_new(NULL);
    g_assert_false(console_text(t->vga->con, text)); /* graphics: no characters */
    g_string_free(text, TRUE);
    tm_free(t);
}

static void test_vbe(void)
{
    TestMachine *t = tm_new();
    g_assert_cmphex(vbe_read(t, VBE_DISPI_INDEX_ID), ==, VBE_DISPI_ID0);
    vbe_write(t, VBE_DISPI_INDEX_ID, VBE_DISPI_ID5);
    g_assert_cmphex(vbe_read(t, VBE_DISPI_INDEX_ID), ==, VBE_DISPI_ID5);
    vbe_write(t, VBE_DISPI_INDEX_ID, 0x1234);
    g_assert_cmphex(vbe_read(t, VBE_DISPI_INDEX_ID), ==, VBE_DISPI_ID5);
    g_assert_cmpuint(vbe_read(t, VBE_DISPI_INDEX_VIDEO_MEMORY_64K), ==, 256);
    vbe_write(t, VBE_DISPI_INDEX_ENABLE, VBE_DISPI_GETCAPS);
    g_assert_cmpuint(vbe_read(t, VBE_DISPI_INDEX_XRES), ==, VBE_DISPI_MAX_XRES);
    g_assert_cmpuint(vbe_read(t, VBE_DISPI_INDEX_BPP), ==, 32);
    vbe_write(t, VBE_DISPI_INDEX_ENABLE, 0);

    /* 640x480x32 with the linear framebuffer */
    memset(t->vga->vram, 0x5a, 640 * 4);
    vbe_write(t, VBE_DISPI_INDEX_XRES, 640);
    vbe_write(t, VBE_DISPI_INDEX_YRES, 480);
    vbe_write(t, VBE_DISPI_INDEX_BPP, 32);
    vbe_write(t, VBE_DISPI_INDEX_ENABLE, VBE_DISPI_ENABLED | VBE_DISPI_LFB_ENABLED);
    g_assert_cmphex(t->vga->vram[0], ==, 0); /* cleared */
    g_assert_cmpuint(vbe_read(t, VBE_DISPI_INDEX_VIRT_WIDTH), ==, 640);
    g_assert_cmpuint(vbe_read(t, VBE_DISPI_INDEX_VIRT_HEIGHT), ==, (16 << 20) / (640 * 4));
    /* geometry is fixed while the mode is on */
    vbe_write(t, VBE_DISPI_INDEX_XRES, 800);
    g_assert_cmpuint(vbe_read(t, VBE_DISPI_INDEX_XRES), ==, 640);
    st32(t->vga->vram + (10 * 640 + 20) * 4, 0x00123456);
    DisplaySurface *s = render(t);
    g_assert_cmpint(s->width, ==, 640);
    g_assert_cmpint(s->height, ==, 480);
    g_assert_cmphex(surface_pixel(s, 20, 10), ==, 0x123456);
    g_assert_cmphex(surface_pixel(s, 21, 10), ==, 0);
    /* banked window: bank 1 at 0xA0000 is framebuffer offset 64 KiB */
    vbe_write(t, VBE_DISPI_INDEX_BANK, 1);
    memw(t, 0xa0000 + 4, 0x77);
    g_assert_cmphex(t->vga->vram[0x10004], ==, 0x77);
    g_assert_cmphex(memr(t, 0xa0004), ==, 0x77);
    g_assert_cmphex(memr(t, 0xb0000), ==, 0xff);
    vbe_write(t, VBE_DISPI_INDEX_BANK, 0x1000); /* past video memory: ignored */
    g_assert_cmpuint(vbe_read(t, VBE_DISPI_INDEX_BANK), ==, 1);
    /* Y offset scrolls: line 10 shows at the top */
    vbe_write(t, VBE_DISPI_INDEX_Y_OFFSET, 10);
    s = render(t);
    g_assert_cmphex(surface_pixel(s, 20, 0), ==, 0x123456);
    /* a wider virtual screen changes the line pitch */
    vbe_write(t, VBE_DISPI_INDEX_Y_OFFSET, 0);
    vbe_write(t, VBE_DISPI_INDEX_VIRT_WIDTH, 1024);
    g_assert_cmpuint(vbe_read(t, VBE_DISPI_INDEX_VIRT_HEIGHT), ==, (16 << 20) / 4096);
    st32(t->vga->vram + (2 * 1024 + 5) * 4, 0x00abcdef);
    s = render(t);
    g_assert_cmphex(surface_pixel(s, 5, 2), ==, 0xabcdef);

    /* 16 bpp, memory kept */
    vbe_write(t, VBE_DISPI_INDEX_ENABLE, 0);
    vbe_write(t, VBE_DISPI_INDEX_BPP, 16);
    vbe_write(t, VBE_DISPI_INDEX_XRES, 320);
    vbe_write(t, VBE_DISPI_INDEX_YRES, 200);
    st16(t->vga->vram + 2, 0xf800);
    st16(t->vga->vram + 4, 0x07e0);
    vbe_write(t, VBE_DISPI_INDEX_ENABLE, VBE_DISPI_ENABLED | VBE_DISPI_NOCLEARMEM);
    s = render(t);
    g_assert_cmpint(s->width, ==, 320);
    g_assert_cmphex(surface_pixel(s, 1, 0), ==, 0xff0000);
    g_assert_cmphex(surface_pixel(s, 2, 0), ==, 0x00ff00);
    /* 15 bpp and 24 bpp */
    vbe_write(t, VBE_DISPI_INDEX_ENABLE, 0);
    vbe_write(t, VBE_DISPI_INDEX_BPP, 15);
    st16(t->vga->vram, 0x001f);
    vbe_write(t, VBE_DISPI_INDEX_ENABLE, VBE_DISPI_ENABLED | VBE_DISPI_NOCLEARMEM);
    g_assert_cmphex(surface_pixel(render(t), 0, 0), ==, 0x0000ff);
    vbe_write(t, VBE_DISPI_INDEX_ENABLE, 0);
    vbe_write(t, VBE_DISPI_INDEX_BPP, 24);
    memcpy(t->vga->vram + 3, "\x11\x22\x33", 3);
    vbe_write(t, VBE_DISPI_INDEX_ENABLE, VBE_DISPI_ENABLED | VBE_DISPI_NOCLEARMEM);
    g_assert_cmphex(surface_pixel(render(t), 1, 0), ==, 0x332211);
    /* 8 bpp through the 8-bit DAC */
    vbe_write(t, VBE_DISPI_INDEX_ENABLE, 0);
    vbe_write(t, VBE_DISPI_INDEX_BPP, 8);
    t->vga->vram[7] = 42;
    vbe_write(t, VBE_DISPI_INDEX_ENABLE,
              VBE_DISPI_ENABLED | VBE_DISPI_NOCLEARMEM | VBE_DISPI_8BIT_DAC);
    dac_set(t, 42, 0x80, 0x40, 0x20);
    g_assert_cmphex(surface_pixel(render(t), 7, 0), ==, 0x804020);
    GString *text = g_string_new(NULL);
    g_assert_false(console_text(t->vga->con, text));
    g_string_free(text, TRUE);
    /* modes that do not fit are refused */
    vbe_write(t, VBE_DISPI_INDEX_ENABLE, 0);
    vbe_write(t, VBE_DISPI_INDEX_XRES, 4096);
    vbe_write(t, VBE_DISPI_INDEX_YRES, 4096);
    vbe_write(t, VBE_DISPI_INDEX_BPP, 32);
    vbe_write(t, VBE_DISPI_INDEX_ENABLE, VBE_DISPI_ENABLED);
    g_assert_cmphex(vbe_read(t, VBE_DISPI_INDEX_ENABLE) & VBE_DISPI_ENABLED, ==, 0);
    tm_free(t);
}

static void test_screendump(void)
{
    TestMachine *t = tm_new();
    mode13_setup(t);
    dac_set(t, 1, 0x3f, 0x00, 0x3f);
    memw(t, 0xa0000 + 320 + 2, 1);
    DisplaySurface *s = render(t);
    char *dir = g_dir_make_tmp("test-vga-XXXXXX", NULL);
    char *path = g_build_filename(dir, "shot.ppm", NULL);
    char *err = NULL;
    g_assert_cmpint(screendump_ppm(s, path, &err), ==, 0);
    gchar *data;
    gsize len;
    g_assert_true(g_file_get_contents(path, &data, &len, NULL));
    const char *hdr = "P6\n320 200\n255\n";
    g_assert_cmpuint(len, ==, strlen(hdr) + 320 * 200 * 3);
    g_assert_cmpint(memcmp(data, hdr, strlen(hdr)), ==, 0);
    const uint8_t *px = (const uint8_t *)data + strlen(hdr) + (320 + 2) * 3;
    g_assert_cmphex(px[0], ==, 0xff);
    g_assert_cmphex(px[1], ==, 0x00);
    g_assert_cmphex(px[2], ==, 0xff);
    g_free(data);
    g_assert_cmpint(screendump_ppm(s, "/nonexistent-dir/x.ppm", &err), ==, -1);
    g_assert_nonnull(err);
    g_free(err);
    g_unlink(path);
    g_rmdir(dir);
    g_free(path);
    g_free(dir);
    tm_free(t);
}

/* Whatever a guest writes, rendering stays inside its buffers (ASan). */
static void test_random_registers(void)
{
    TestMachine *t = tm_new();
    GRand *r = g_rand_new_with_seed(7);
    static const uint16_t ports[] = { 0x3c0, 0x3c2, 0x3c4, 0x3c5, 0x3ce, 0x3cf, 0x3d4, 0x3d5,
                                      0x3b4, 0x3b5, 0x3da, 0x3c8, 0x3c9 };
    for (int round = 0; round < 200; round++) {
        for (int i = 0; i < 64; i++) {
            outb(t, ports[g_rand_int_range(r, 0, G_N_ELEMENTS(ports))], g_rand_int(r));
            memw(t, 0xa0000 + g_rand_int_range(r, 0, 0x20000), g_rand_int(r));
        }
        if (round % 10 == 0) {
            vbe_write(t, g_rand_int_range(r, 0, 12), g_rand_int(r));
        }
        inb(t, 0x3da);
        outb(t, 0x3c0, 0x20);
        DisplaySurface *s = render(t);
        g_assert_cmpint(s->width, >, 0);
        GString *text = g_string_new(NULL);
        console_text(t->vga->con, text);
        g_string_free(text, TRUE);
    }
    g_rand_free(r);
    tm_free(t);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/vga/registers", test_registers);
    g_test_add_func("/vga/dac", test_dac);
    g_test_add_func("/vga/write-modes", test_write_modes);
    g_test_add_func("/vga/read-modes", test_read_modes);
    g_test_add_func("/vga/chain4-oddeven", test_chain4_oddeven);
    g_test_add_func("/vga/text", test_text_render);
    g_test_add_func("/vga/mode13h", test_mode13);
    g_test_add_func("/vga/mode12h", test_mode12);
    g_test_add_func("/vga/vbe", test_vbe);
    g_test_add_func("/vga/screendump", test_screendump);
    g_test_add_func("/vga/random-registers", test_random_registers);
    return g_test_run();
}
