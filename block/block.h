/*
 * The block layer: a disk image opened through a format driver.
 *
 * A BlockBackend is what a device holds: byte-addressed reads and writes,
 * the size, and flush. Format drivers (block/raw.c; qcow2 later) sit behind
 * a small ops table, chosen by name from the table in block/block.c.
 *
 * I/O is synchronous: a call returns when the host's pread/pwrite/fdatasync
 * has. Device code calls it with the BQL held, so a slow host disk stalls the
 * guest for that long; an asynchronous path (a worker thread completing into
 * the main loop) is the next step and will keep this interface for callers
 * that may wait.
 *
 * Durability: a write that returned has reached the host kernel (it survives
 * a mimic crash); blk_flush() returns only once fdatasync() has, so a write
 * acknowledged after a flush survives a host crash too. Every function
 * returns 0 or a negative errno, which devices turn into their own error
 * reporting (an ATA ABRT/UNC, a SCSI MEDIUM ERROR).
 */
#ifndef BLOCK_BLOCK_H
#define BLOCK_BLOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct BlockBackend BlockBackend;

typedef struct BlockDriver {
    const char *format;     /* "raw" */
    int (*open)(BlockBackend *bb, const char *filename, bool read_only, char **err);
    int (*pread)(BlockBackend *bb, uint64_t offset, void *buf, size_t len);
    int (*pwrite)(BlockBackend *bb, uint64_t offset, const void *buf, size_t len);
    int (*flush)(BlockBackend *bb);
    void (*close)(BlockBackend *bb);
} BlockDriver;

struct BlockBackend {
    const BlockDriver *drv;
    char *filename;
    bool read_only;
    uint64_t size;          /* guest-visible size in bytes */
    void *opaque;           /* the driver's state */
};

/*
 * Open filename. format NULL probes the file (raw unless a known header says
 * otherwise). read_only asks for a read-only open; a file the user cannot
 * write is opened read-only as well, with *warning set (to be printed) when
 * warning is non-NULL. NULL with a one-line *err on failure.
 */
BlockBackend *blk_open(const char *filename, const char *format, bool read_only, char **warning,
                       char **err);
void blk_close(BlockBackend *bb);

/* Reads past the end of the image return zeros; writes there extend it. */
int blk_pread(BlockBackend *bb, uint64_t offset, void *buf, size_t len);
/* -EROFS on a read-only backend (nothing is written). */
int blk_pwrite(BlockBackend *bb, uint64_t offset, const void *buf, size_t len);
int blk_flush(BlockBackend *bb);

static inline uint64_t blk_size(const BlockBackend *bb)
{
    return bb->size;
}

static inline bool blk_is_read_only(const BlockBackend *bb)
{
    return bb->read_only;
}

/* The format table, for messages and tests. */
const BlockDriver *blk_driver_find(const char *format);
/* true if format names a driver; else false and a one-line *err. */
bool blk_format_check(const char *format, char **err);

/* Drivers (block/<format>.c). */
extern const BlockDriver blk_driver_raw;

#endif
