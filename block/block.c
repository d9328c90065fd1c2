/*
 * The block layer's generic half: the format driver table, format probing
 * and the checks every driver shares (read-only, bounds). See block.h.
 */
#include "block/block.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>

static const BlockDriver *const blk_drivers[] = {
    &blk_driver_raw,
};

/* Formats QEMU users will name that mimic cannot open yet. */
static const char *const blk_formats_later[] = { "qcow2", "qcow", "qed", "vmdk", "vdi", "vpc",
                                                 "vhdx", "luks", "dmg", "parallels" };

const BlockDriver *blk_driver_find(const char *format)
{
    for (size_t i = 0; i < G_N_ELEMENTS(blk_drivers); i++) {
        if (!strcmp(blk_drivers[i]->format, format)) {
            return blk_drivers[i];
        }
    }
    return NULL;
}

bool blk_format_check(const char *format, char **err)
{
    if (blk_driver_find(format)) {
        return true;
    }
    for (size_t i = 0; i < G_N_ELEMENTS(blk_formats_later); i++) {
        if (!strcmp(blk_formats_later[i], format)) {
            *err = g_strdup_printf("format=%s is not supported yet (only raw)", format);
            return false;
        }
    }
    *err = g_strdup_printf("format=%s: unknown image format (only raw)", format);
    return false;
}

/* The header magic of formats mimic does not read yet: opening such an
 * image as raw would show the guest its metadata, so refuse instead. */
static const char *blk_probe_foreign(const char *filename)
{
    static const struct {
        const char *format;
        const char *magic;
        size_t len;
    } magics[] = {
        { "qcow2", "QFI\xfb", 4 },
        { "vdi", "<<< ", 4 },
        { "vmdk", "KDMV", 4 },
        { "vhdx", "vhdxfile", 8 },
        { "qed", "QED\0", 4 },
    };
    uint8_t head[8] = { 0 };
    int fd = open(filename, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return NULL; /* the driver's open reports why */
    }
    ssize_t n = pread(fd, head, sizeof(head), 0);
    close(fd);
    for (size_t i = 0; n > 0 && i < G_N_ELEMENTS(magics); i++) {
        if ((size_t)n >= magics[i].len && !memcmp(head, magics[i].magic, magics[i].len)) {
            return magics[i].format;
        }
    }
    return NULL;
}

BlockBackend *blk_open(const char *filename, const char *format, bool read_only, char **warning,
                       char **err)
{
    const BlockDriver *drv;
    if (!format) {
        const char *foreign = blk_probe_foreign(filename);
        if (foreign) {
            *err = g_strdup_printf("%s: image format %s is not supported yet (only raw)", filename,
                                   foreign);
            return NULL;
        }
        format = "raw";
    }
    if (!blk_format_check(format, err)) {
        return NULL;
    }
    drv = blk_driver_find(format);
    BlockBackend *bb = g_new0(BlockBackend, 1);
    bb->drv = drv;
    bb->filename = g_strdup(filename);
    bb->read_only = read_only;
    if (!read_only && access(filename, W_OK) < 0 && access(filename, R_OK) == 0) {
        /* the user can read but not write it: a read-only disk, and the
         * guest's writes fail, rather than refusing to start */
        bb->read_only = true;
        if (warning) {
            *warning = g_strdup_printf("%s: no write permission, opened read-only", filename);
        }
    }
    if (drv->open(bb, filename, bb->read_only, err) < 0) {
        g_free(bb->filename);
        g_free(bb);
        return NULL;
    }
    return bb;
}

void blk_close(BlockBackend *bb)
{
    if (!bb) {
        return;
    }
    bb->drv->close(bb);
    g_free(bb->filename);
    g_free(bb);
}

int blk_pread(BlockBackend *bb, uint64_t offset, void *buf, size_t len)
{
    if (offset + len < offset) {
        return -EINVAL;
    }
    return bb->drv->pread(bb, offset, buf, len);
}

int blk_pwrite(BlockBackend *bb, uint64_t offset, const void *buf, size_t len)
{
    if (bb->read_only) {
        return -EROFS;
    }
    if (offset + len < offset) {
        return -EINVAL;
    }
    return bb->drv->pwrite(bb, offset, buf, len);
}

int blk_flush(BlockBackend *bb)
{
    if (bb->read_only) {
        return 0;
    }
    return bb->drv->flush(bb);
}
