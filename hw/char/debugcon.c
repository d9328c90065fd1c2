/*
 * Bochs-style debug console: every byte the guest writes to the port goes to
 * a chardev, with no handshake and no interrupt. Reading the port returns
 * 0xE9, the value by which guests (SeaBIOS, some kernels) check that the
 * console is there before using it, as Bochs and QEMU answer by default.
 */
#include "hw/char/debugcon.h"

#include <stdio.h>

#define DEBUGCON_READBACK 0xe9

typedef struct DebugconState {
    Chardev *chr;
} DebugconState;

static uint64_t debugcon_read(void *opaque, uint64_t offset, unsigned size)
{
    return DEBUGCON_READBACK;
}

static void debugcon_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
    DebugconState *s = opaque;
    uint8_t c = value;
    chr_write(s->chr, &c, 1);
}

static const MemOps debugcon_ops = {
    .read = debugcon_read,
    .write = debugcon_write,
    .min_size = 1,
    .max_size = 1,
};

void debugcon_create(Machine *m, uint16_t port, Chardev *chr)
{
    DebugconState *s = g_new0(DebugconState, 1);
    char *err = NULL;
    s->chr = chr;
    if (!as_add_io(m->io, "debugcon", port, 1, &debugcon_ops, s, &err)) {
        fprintf(stderr, "debugcon at 0x%x: %s\n", port, err ? err : "cannot map port");
        g_free(err);
        g_free(s);
        return;
    }
    machine_own(m, s, g_free);
}
