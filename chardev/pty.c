/*
 * The pty backend: a pseudo-terminal pair (POSIX posix_openpt, grantpt,
 * unlockpt, ptsname); mimic keeps the master and the user opens the slave
 * (screen /dev/pts/N, minicom, a test harness).
 *
 * Output while nobody has the slave open is dropped, not queued: the master
 * reports POLLHUP while no slave is open, which tells the two states apart.
 * Opening and closing the slave once at start puts the pair in that state
 * from the beginning (a never-opened slave does not report POLLHUP). While
 * disconnected, a one-second timer looks for the slave to come back, since
 * POLLHUP cannot be waited away.
 */
#include "chardev/chardev-internal.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <termios.h>
#include <unistd.h>

#define PTY_POLL_MS 1000

static bool pty_slave_open(Chardev *chr)
{
    struct pollfd p = { .fd = chr->out_fd, .events = POLLIN };
    return poll(&p, 1, 0) >= 0 && !(p.revents & POLLHUP);
}

static void pty_set_connected(Chardev *chr, bool connected);

static gboolean pty_poll(gpointer opaque)
{
    Chardev *chr = opaque;
    if (pty_slave_open(chr)) {
        chr->poll_timer = 0;
        pty_set_connected(chr, true);
        return G_SOURCE_REMOVE;
    }
    return G_SOURCE_CONTINUE;
}

static void pty_set_connected(Chardev *chr, bool connected)
{
    chr->connected = connected;
    if (connected) {
        chr->in_fd = chr->out_fd;
        chr_update_watch(chr);
    } else {
        chr_stop_watch(chr);
        chr->in_fd = -1;
        if (!chr->poll_timer) {
            chr->poll_timer = g_timeout_add(PTY_POLL_MS, pty_poll, chr);
        }
    }
}

static int pty_open(Chardev *chr, const char *args, char **err)
{
    int master = posix_openpt(O_RDWR | O_NOCTTY);
    if (master < 0) {
        *err = g_strdup_printf("cannot open a pseudo-terminal: %s", g_strerror(errno));
        return -1;
    }
    const char *name;
    if (grantpt(master) < 0 || unlockpt(master) < 0 || !(name = ptsname(master))) {
        *err = g_strdup_printf("cannot set up the pseudo-terminal: %s", g_strerror(errno));
        close(master);
        return -1;
    }
    chr->path = g_strdup(name);

    int slave = open(chr->path, O_RDWR | O_NOCTTY);
    if (slave < 0) {
        *err = g_strdup_printf("cannot open %s: %s", chr->path, g_strerror(errno));
        close(master);
        return -1;
    }
    struct termios t;
    if (tcgetattr(slave, &t) == 0) {
        cfmakeraw(&t);
        tcsetattr(slave, TCSANOW, &t);
    }
    close(slave);

    fcntl(master, F_SETFL, fcntl(master, F_GETFL) | O_NONBLOCK);
    fcntl(master, F_SETFD, FD_CLOEXEC);
    chr->out_fd = master;
    chr->crlf = true;
    pty_set_connected(chr, false);
    fprintf(stderr, "char device redirected to %s (label %s)\n", chr->path, chr->label);
    return 0;
}

static size_t pty_write(Chardev *chr, const uint8_t *buf, size_t len)
{
    if (!chr->connected) {
        if (!pty_slave_open(chr)) {
            return 0;
        }
        pty_set_connected(chr, true);
    }
    bool gone;
    size_t n = chr_fd_write_nb(chr->out_fd, buf, len, false, &gone);
    /* a master accepts (and the kernel queues) writes after the slave has
     * closed, until its buffer fills: look again when it stops taking data */
    if (gone || (n < len && !pty_slave_open(chr))) {
        pty_set_connected(chr, false);
    }
    return n;
}

static void pty_hangup(Chardev *chr)
{
    pty_set_connected(chr, false);
}

static void pty_close(Chardev *chr)
{
    if (chr->poll_timer) {
        g_source_remove(chr->poll_timer);
        chr->poll_timer = 0;
    }
    close(chr->out_fd);
    chr->in_fd = chr->out_fd = -1;
}

const ChrDriver chr_driver_pty = {
    .name = "pty",
    .open = pty_open,
    .write = pty_write,
    .hangup = pty_hangup,
    .close = pty_close,
};
