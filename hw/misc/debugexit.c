/*
 * isa-debug-exit: a port that ends mimic, for test programs running in the
 * guest. Writing V ends the emulator with exit status (V << 1) | 1, the
 * convention QEMU's device of the same name established (odd statuses, so
 * that 0 still means the guest powered off normally). The value is the whole
 * access: a 16-bit write of 0x0102 gives (0x0102 << 1) | 1, of which the
 * process's exit status keeps the low 8 bits.
 *
 *   -device isa-debug-exit[,iobase=0x501][,iosize=2]
 */
#include "hw/core/device.h"
#include "system/runstate.h"

#define DEBUG_EXIT_IOBASE 0x501
#define DEBUG_EXIT_IOSIZE 2

static uint64_t debug_exit_read(void *opaque, uint64_t offset, unsigned size)
{
    /* nothing to read: all-ones, as from a port nobody claims */
    return ~0ull;
}

static void debug_exit_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
    runstate_request_exit((int)((value << 1) | 1));
}

static const MemOps debug_exit_ops = {
    .read = debug_exit_read, .write = debug_exit_write, .min_size = 1, .max_size = 4,
};

int isa_debug_exit_create(Machine *m, DeviceProps *props, char **err)
{
    uint64_t iobase, iosize;
    if (!props_get_u64(props, "iobase", DEBUG_EXIT_IOBASE, &iobase, err) ||
        !props_get_u64(props, "iosize", DEBUG_EXIT_IOSIZE, &iosize, err)) {
        return -1;
    }
    if (iosize != 1 && iosize != 2 && iosize != 4) {
        *err = g_strdup_printf("iosize=%" G_GUINT64_FORMAT ": must be 1, 2 or 4", iosize);
        return -1;
    }
    if (iobase > 0xffff || iobase + iosize > 0x10000) {
        *err = g_strdup_printf("iobase=0x%" G_GINT64_MODIFIER "x, iosize=%" G_GUINT64_FORMAT
                               ": does not fit the I/O space (0-0xffff)", iobase, iosize);
        return -1;
    }
    /* the port has no state: the opaque is unused and nothing needs freeing */
    if (!as_add_io(m->io, "isa-debug-exit", iobase, iosize, &debug_exit_ops, NULL, err)) {
        return -1;
    }
    return 0;
}
