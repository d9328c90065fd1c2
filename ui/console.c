/*
 * Graphic consoles: the list of registered display adapters, each with the
 * surface its renderer draws into and the rectangle it has changed since a
 * consumer last looked. See console.h.
 */
#include "ui/console.h"

#include <string.h>

#define SURFACE_MAX 16384

struct DisplayConsole {
    char *name;
    const GraphicHwOps *ops;
    void *opaque;
    DisplaySurface surface;
    bool dirty;
    pixman_box32_t dirty_box;
};

static GList *consoles; /* DisplayConsole *, in creation order */

static void surface_alloc(DisplaySurface *s, int w, int h)
{
    if (s->image) {
        pixman_image_unref(s->image);
    }
    /* pixman allocates (and zeroes) the bits itself when given NULL */
    s->image = pixman_image_create_bits(PIXMAN_x8r8g8b8, w, h, NULL, w * 4);
    s->width = w;
    s->height = h;
}

DisplayConsole *console_create(const char *name, const GraphicHwOps *ops, void *opaque)
{
    DisplayConsole *con = g_new0(DisplayConsole, 1);
    con->name = g_strdup(name);
    con->ops = ops;
    con->opaque = opaque;
    surface_alloc(&con->surface, 640, 480);
    console_mark_dirty(con, 0, 0, 640, 480);
    consoles = g_list_append(consoles, con);
    return con;
}

void console_destroy(DisplayConsole *con)
{
    if (!con) {
        return;
    }
    consoles = g_list_remove(consoles, con);
    if (con->surface.image) {
        pixman_image_unref(con->surface.image);
    }
    g_free(con->name);
    g_free(con);
}

DisplayConsole *console_default(void)
{
    return consoles ? consoles->data : NULL;
}

const char *console_name(DisplayConsole *con)
{
    return con->name;
}

DisplaySurface *console_update(DisplayConsole *con)
{
    if (con->ops->update) {
        con->ops->update(con->opaque);
    }
    return &con->surface;
}

DisplaySurface *console_surface(DisplayConsole *con)
{
    return &con->surface;
}

DisplaySurface *console_resize(DisplayConsole *con, int w, int h)
{
    w = CLAMP(w, 1, SURFACE_MAX);
    h = CLAMP(h, 1, SURFACE_MAX);
    if (w != con->surface.width || h != con->surface.height) {
        surface_alloc(&con->surface, w, h);
        console_mark_dirty(con, 0, 0, w, h);
    }
    return &con->surface;
}

void console_mark_dirty(DisplayConsole *con, int x, int y, int w, int h)
{
    pixman_box32_t b = { x, y, x + w, y + h };
    b.x1 = MAX(b.x1, 0);
    b.y1 = MAX(b.y1, 0);
    b.x2 = MIN(b.x2, con->surface.width);
    b.y2 = MIN(b.y2, con->surface.height);
    if (b.x1 >= b.x2 || b.y1 >= b.y2) {
        return;
    }
    if (!con->dirty) {
        con->dirty_box = b;
        con->dirty = true;
        return;
    }
    con->dirty_box.x1 = MIN(con->dirty_box.x1, b.x1);
    con->dirty_box.y1 = MIN(con->dirty_box.y1, b.y1);
    con->dirty_box.x2 = MAX(con->dirty_box.x2, b.x2);
    con->dirty_box.y2 = MAX(con->dirty_box.y2, b.y2);
}

bool console_take_dirty(DisplayConsole *con, pixman_box32_t *box)
{
    if (!con->dirty) {
        return false;
    }
    *box = con->dirty_box;
    con->dirty = false;
    return true;
}

bool console_text(DisplayConsole *con, GString *out)
{
    return con->ops->text && con->ops->text(con->opaque, out);
}
