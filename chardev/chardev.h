/*
 * Character devices: the host end of a serial port or debug console.
 *
 * A chardev is created from a QEMU-style spec ("stdio", "file:PATH", "null",
 * "pty", "unix:PATH,server[,nowait]", "mon:stdio") and has one frontend (a
 * device) that receives the bytes the host side sends. Input arrives on the
 * main loop with the BQL held; chr_write() may be called with the BQL held
 * from any thread and never blocks forever on a slow or absent reader.
 */
#ifndef CHARDEV_CHARDEV_H
#define CHARDEV_CHARDEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct Chardev Chardev;

/* How many bytes the frontend can take now (0: hold the input back). */
typedef int (*ChrCanReceive)(void *opaque);
typedef void (*ChrReceive)(void *opaque, const uint8_t *buf, size_t len);

/* Create from a spec; NULL with a one-line *err on a bad spec or host error.
 * The stdio backend puts a terminal in raw mode; "mux" (the -nographic
 * console) adds QEMU's Ctrl-A escapes. */
Chardev *chr_new(const char *spec, char **err);
/* Close it and, for stdio, put the terminal back as it was. */
void chr_close(Chardev *chr);
/* Put every open terminal back (also run from atexit and fatal signals). */
void chr_restore_terminals(void);

void chr_set_frontend(Chardev *chr, ChrCanReceive can_receive, ChrReceive receive, void *opaque);
/* The frontend has room again after returning 0 from can_receive. */
void chr_accept_input(Chardev *chr);
/* Send bytes to the host side. Returns the count written (all, or fewer if
 * the host side is gone: a closed socket or pty drops output). */
size_t chr_write(Chardev *chr, const uint8_t *buf, size_t len);

/* A "mon:" chardev: Ctrl-A c switches its input between the frontend and
 * a monitor. focus(opaque, true) runs when the monitor gets the input. */
bool chr_is_mux(Chardev *chr);
void chr_mux_set_monitor(Chardev *chr, ChrReceive receive, void (*focus)(void *opaque, bool focused),
                         void *opaque);

/* For tests and the pty backend's banner: the pty's path, or NULL. */
const char *chr_pty_path(Chardev *chr);

#endif
