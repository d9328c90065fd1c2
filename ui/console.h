/*
 * Graphic consoles: what a display adapter shows, as a host image.
 *
 * A display adapter registers a console with two hooks: update() renders the
 * guest's current screen into the console's surface, and text() returns the
 * characters of a text mode. The surface is a pixman image in x8r8g8b8 (one
 * 32-bit word per pixel, 0x00RRGGBB), so a window backend can hand it to its
 * toolkit unchanged and the screendump can read it directly.
 *
 * Nothing renders on its own: a consumer (the monitor's screendump, later a
 * window on a refresh timer) calls console_update(), then reads the surface
 * and the dirty rectangle the renderer left. Everything here runs with the
 * BQL held.
 */
#ifndef UI_CONSOLE_H
#define UI_CONSOLE_H

#include <glib.h>
#include <pixman.h>
#include <stdbool.h>
#include <stdint.h>

typedef struct DisplaySurface {
    pixman_image_t *image; /* PIXMAN_x8r8g8b8 */
    int width;
    int height;
} DisplaySurface;

typedef struct GraphicHwOps {
    /* Bring the console's surface up to date with the guest's screen. */
    void (*update)(void *opaque);
    /* Append the screen's characters, one line per row, if the adapter is
     * in a text mode; return false in a graphics mode. May be NULL. */
    bool (*text)(void *opaque, GString *out);
} GraphicHwOps;

typedef struct DisplayConsole DisplayConsole;

/* Create a console (640x480, black) and add it to the list of consoles. */
DisplayConsole *console_create(const char *name, const GraphicHwOps *ops, void *opaque);
void console_destroy(DisplayConsole *con);

/* The first console still registered (what screendump shows), or NULL. */
DisplayConsole *console_default(void);
const char *console_name(DisplayConsole *con);

/* Run the adapter's update hook; returns the surface it left. */
DisplaySurface *console_update(DisplayConsole *con);
DisplaySurface *console_surface(DisplayConsole *con);
/* For the renderer: a surface of w x h (a new, black one when the size
 * changes, which marks it all dirty). Sizes are clamped to 1..16384. */
DisplaySurface *console_resize(DisplayConsole *con, int w, int h);

/* The renderer changed these pixels; a window backend redraws the union. */
void console_mark_dirty(DisplayConsole *con, int x, int y, int w, int h);
/* Take the dirty rectangle accumulated since the last call (false: none). */
bool console_take_dirty(DisplayConsole *con, pixman_box32_t *box);

bool console_text(DisplayConsole *con, GString *out);

/* Pixel at (x, y) as 0x00RRGGBB (tests and the screendump). */
static inline uint32_t surface_pixel(const DisplaySurface *s, int x, int y)
{
    const uint32_t *row = (const uint32_t *)((const uint8_t *)pixman_image_get_data(s->image) +
                                             (size_t)y * pixman_image_get_stride(s->image));
    return row[x] & 0xffffff;
}

/* Write the surface as a binary PPM (P6). -1 with *err on a host error. */
int screendump_ppm(const DisplaySurface *s, const char *path, char **err);

#endif
