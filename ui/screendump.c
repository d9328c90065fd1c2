/*
 * Screendump: a console surface as a binary PPM (netpbm's P6: "P6\n<w>
 * <h>\n255\n" and then rows of R, G, B bytes, top to bottom). Written to a
 * temporary file next to the target and renamed into place, so a reader
 * polling for the file never sees half of it.
 */
#include <errno.h>
#include <stdio.h>

#include "ui/console.h"

int screendump_ppm(const DisplaySurface *s, const char *path, char **err)
{
    char *tmp = g_strdup_printf("%s.tmp%u", path, g_random_int());
    FILE *f = fopen(tmp, "wb");
    if (!f) {
        *err = g_strdup_printf("cannot create '%s': %s", path, g_strerror(errno));
        g_free(tmp);
        return -1;
    }
    fprintf(f, "P6\n%d %d\n255\n", s->width, s->height);
    uint8_t *row = g_malloc((size_t)s->width * 3);
    bool ok = true;
    for (int y = 0; y < s->height && ok; y++) {
        for (int x = 0; x < s->width; x++) {
            uint32_t p = surface_pixel(s, x, y);
            row[x * 3] = p >> 16;
            row[x * 3 + 1] = p >> 8;
            row[x * 3 + 2] = p;
        }
        ok = fwrite(row, 3, s->width, f) == (size_t)s->width;
    }
    g_free(row);
    ok = (fclose(f) == 0) && ok;
    if (!ok || rename(tmp, path) < 0) {
        *err = g_strdup_printf("cannot write '%s': %s", path, g_strerror(errno));
        remove(tmp);
        g_free(tmp);
        return -1;
    }
    g_free(tmp);
    return 0;
}
