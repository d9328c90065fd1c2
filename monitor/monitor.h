/*
 * The human monitor (HMP): a line of text in, a command out, as QEMU's
 * "(qemu) " prompt offers it. A monitor sits on a chardev of its own
 * (-monitor DEV) or shares a "mon:" chardev with a serial port, reached with
 * Ctrl-A c. Input arrives on the main loop with the BQL held, like a device's.
 */
#ifndef MONITOR_MONITOR_H
#define MONITOR_MONITOR_H

#include <glib.h>

#include "chardev/chardev.h"

typedef struct Monitor Monitor;

/* A monitor owning chr's input (-monitor DEV). The chardev stays the caller's. */
Monitor *monitor_new(Chardev *chr);
/* A monitor behind a "mon:" chardev's Ctrl-A c. */
Monitor *monitor_new_mux(Chardev *chr);
void monitor_free(Monitor *mon);

/* Feed input bytes (what the chardev delivers); public for tests. */
void monitor_input(Monitor *mon, const uint8_t *buf, size_t len);
/* Run one command line; its output goes to the monitor's chardev. */
void monitor_run_line(Monitor *mon, const char *line);

/* Create the monitors the command line asks for (-monitor specs, and one
 * behind each "mon:" chardev of the machine). 0, or -1 with *err. */
typedef struct Machine Machine;
int monitor_init_all(Machine *m, GPtrArray *specs, char **err);
void monitor_cleanup_all(void);

#endif
