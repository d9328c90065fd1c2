/*
 * The raw format: the image file is the disk, byte for byte. Reads and
 * writes are pread/pwrite loops (short transfers and EINTR retried); flush
 * is fdatasync. A block device or a regular file both work; the size is
 * where the file ends.
 */
#include "block/block.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib.h>

typedef struct RawState {
    int fd;
} RawState;

static int raw_open(BlockBackend *bb, const char *filename, bool read_only, char **err)
{
    int fd = open(filename, (read_only ? O_RDONLY : O_RDWR) | O_CLOEXEC);
    if (fd < 0) {
        *err = g_strdup_printf("%s: %s", filename, g_strerror(errno));
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st) < 0 || S_ISDIR(st.st_mode)) {
        *err = g_strdup_printf("%s: %s", filename, S_ISDIR(st.st_mode) ? "is a directory"
                                                                        : g_strerror(errno));
        close(fd);
        return -1;
    }
    off_t end = lseek(fd, 0, SEEK_END);
    if (end < 0) {
        *err = g_strdup_printf("%s: cannot find its size: %s", filename, g_strerror(errno));
        close(fd);
        return -1;
    }
    RawState *s = g_new0(RawState, 1);
    s->fd = fd;
    bb->opaque = s;
    bb->size = end;
    return 0;
}

static int raw_pread(BlockBackend *bb, uint64_t offset, void *buf, size_t len)
{
    RawState *s = bb->opaque;
    uint8_t *p = buf;
    while (len) {
        ssize_t n = pread(s->fd, p, len, offset);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return -errno;
        }
        if (n == 0) {
            memset(p, 0, len); /* past the end of the file */
            break;
        }
        p += n;
        offset += n;
        len -= n;
    }
    return 0;
}

static int raw_pwrite(BlockBackend *bb, uint64_t offset, const void *buf, size_t len)
{
    RawState *s = bb->opaque;
    const uint8_t *p = buf;
    while (len) {
        ssize_t n = pwrite(s->fd, p, len, offset);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return -errno;
        }
        if (n == 0) {
            return -EIO;
        }
        p += n;
        offset += n;
        len -= n;
    }
    if (offset > bb->size) {
        bb->size = offset;
    }
    return 0;
}

static int raw_flush(BlockBackend *bb)
{
    RawState *s = bb->opaque;
    while (fdatasync(s->fd) < 0) {
        if (errno != EINTR) {
            return -errno;
        }
    }
    return 0;
}

static void raw_close(BlockBackend *bb)
{
    RawState *s = bb->opaque;
    if (s) {
        close(s->fd);
        g_free(s);
    }
}

const BlockDriver blk_driver_raw = {
    .format = "raw",
    .open = raw_open,
    .pread = raw_pread,
    .pwrite = raw_pwrite,
    .flush = raw_flush,
    .close = raw_close,
};
