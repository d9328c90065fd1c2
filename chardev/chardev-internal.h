/*
 * What the chardev backends share: the Chardev struct, the driver table row
 * each backend provides, and the fd helpers in chardev.c. Only the chardev
 * sources and the chardev unit test include this.
 */
#ifndef CHARDEV_CHARDEV_INTERNAL_H
#define CHARDEV_CHARDEV_INTERNAL_H

#include <glib.h>

#include "chardev/chardev.h"

typedef struct ChrDriver ChrDriver;

/* The Ctrl-A escape state of a "mon:" chardev; see mux.c. */
typedef enum MuxAction {
    MUX_PASS,    /* hand the byte to the frontend */
    MUX_DROP,    /* swallow it (escape prefix or unknown escape) */
    MUX_HELP,    /* print the list of escapes */
    MUX_EXIT,    /* end mimic */
    MUX_MONITOR, /* switch to the monitor */
} MuxAction;

#define MUX_ESCAPE_CHAR 0x01 /* Ctrl-A */

typedef struct MuxEscape {
    bool after_escape; /* the previous byte was a lone Ctrl-A */
} MuxEscape;

struct Chardev {
    const ChrDriver *drv;
    char *label;

    /* Input: watched with g_unix_fd_add while the frontend has room. */
    int in_fd;       /* -1: nothing to read now */
    guint in_watch;  /* 0 when not watching */
    int out_fd;      /* -1: output is dropped */

    ChrCanReceive can_receive;
    ChrReceive receive;
    void *fe_opaque;

    /* "mon:" prefix: Ctrl-A escapes filter the input. */
    bool mux;
    MuxEscape mux_state;
    ChrReceive mon_receive; /* the monitor behind Ctrl-A c, or NULL */
    void (*mon_focus)(void *opaque, bool focused);
    void *mon_opaque;
    bool mon_focused;       /* input goes to the monitor, not the frontend */
    bool out_midline; /* the last byte sent was not a newline */
    bool crlf;        /* the far end wants "\r\n" (no output post-processing) */

    /* Backend state. */
    char *path;       /* socket path or pty slave path */
    int listen_fd;    /* unix server: -1 when not a server */
    guint listen_watch;
    guint poll_timer; /* pty: looking for a slave to appear */
    bool connected;   /* pty: someone has the slave open */
};

struct ChrDriver {
    const char *name;
    bool takes_args;
    /* Set up in_fd/out_fd and backend state; -1 with *err on failure. */
    int (*open)(Chardev *chr, const char *args, char **err);
    /* Output; returns the count written. */
    size_t (*write)(Chardev *chr, const uint8_t *buf, size_t len);
    /* The input side hit EOF or an error. in_watch is already 0. */
    void (*hangup)(Chardev *chr);
    void (*close)(Chardev *chr);
};

extern const ChrDriver chr_driver_stdio;
extern const ChrDriver chr_driver_pty;
extern const ChrDriver chr_driver_unix;

/* Start or stop watching in_fd to match the frontend and backend state. */
void chr_update_watch(Chardev *chr);
void chr_stop_watch(Chardev *chr);

/* Write all of buf to a blocking-style fd (regular file, stdout): retry on
 * EINTR and wait in poll on EAGAIN. Returns the count written; stops early
 * only on a hard error. */
size_t chr_fd_write_all(int fd, const uint8_t *buf, size_t len);
/* Write what a non-blocking fd takes now; *gone is set when the peer is
 * gone (EPIPE, ECONNRESET, EIO). Never raises SIGPIPE. */
size_t chr_fd_write_nb(int fd, const uint8_t *buf, size_t len, bool is_socket, bool *gone);

/* The mux: escape state machine and its input filter. */
MuxAction mux_escape_feed(MuxEscape *st, uint8_t c);
/* Run input through the escapes and hand the rest to the frontend (buf is
 * overwritten). The frontend gets at most len bytes. */
void mux_receive(Chardev *chr, uint8_t *buf, size_t len);
void mux_note_output(Chardev *chr, const uint8_t *buf, size_t len);

#endif
