/*
 * Character devices: spec parsing, the frontend connection, input through
 * glib fd watches with flow control, and the two simplest backends (null and
 * file). The other backends live in stdio.c, pty.c and socket.c; the Ctrl-A
 * escapes of "mon:" chardevs in mux.c.
 *
 * Flow control: a watch on the input fd exists only while the frontend says
 * it has room (can_receive > 0); it reads at most that many bytes. When the
 * frontend is full the watch goes away, and chr_accept_input() brings it back,
 * so unread host input stays in the kernel instead of piling up here.
 */
#include "chardev/chardev-internal.h"

#include <errno.h>
#include <fcntl.h>
#include <glib-unix.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static unsigned chr_count; /* names the pty banner's label */

/* ---- null: discards output, never has input ---- */

static int null_open(Chardev *chr, const char *args, char **err)
{
    return 0;
}

static size_t null_write(Chardev *chr, const uint8_t *buf, size_t len)
{
    return len;
}

static const ChrDriver chr_driver_null = {
    .name = "null",
    .open = null_open,
    .write = null_write,
};

/* ---- file:PATH: output truncates and then appends to a file ---- */

static int file_open(Chardev *chr, const char *path, char **err)
{
    chr->out_fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    if (chr->out_fd < 0) {
        *err = g_strdup_printf("cannot open '%s': %s", path, g_strerror(errno));
        return -1;
    }
    return 0;
}

static size_t file_write(Chardev *chr, const uint8_t *buf, size_t len)
{
    return chr_fd_write_all(chr->out_fd, buf, len);
}

static void file_close(Chardev *chr)
{
    close(chr->out_fd);
    chr->out_fd = -1;
}

static const ChrDriver chr_driver_file = {
    .name = "file",
    .takes_args = true,
    .open = file_open,
    .write = file_write,
    .close = file_close,
};

static const ChrDriver *const chr_drivers[] = {
    &chr_driver_null, &chr_driver_file, &chr_driver_stdio, &chr_driver_pty, &chr_driver_unix,
};

/* ---- fd helpers ---- */

size_t chr_fd_write_all(int fd, const uint8_t *buf, size_t len)
{
    size_t done = 0;
    while (done < len) {
        ssize_t n = write(fd, buf + done, len - done);
        if (n > 0) {
            done += n;
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            /* someone made the fd non-blocking: wait for the reader */
            struct pollfd p = { .fd = fd, .events = POLLOUT };
            if (poll(&p, 1, -1) < 0 && errno != EINTR) {
                break;
            }
        } else {
            break;
        }
    }
    return done;
}

size_t chr_fd_write_nb(int fd, const uint8_t *buf, size_t len, bool is_socket, bool *gone)
{
    size_t done = 0;
    *gone = false;
    while (done < len) {
        ssize_t n = is_socket ? send(fd, buf + done, len - done, MSG_NOSIGNAL | MSG_DONTWAIT)
                              : write(fd, buf + done, len - done);
        if (n > 0) {
            done += n;
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            break; /* the peer is not reading: drop the rest */
        } else {
            *gone = true;
            break;
        }
    }
    return done;
}

/* ---- input ---- */

/* Bytes the current reader takes: a monitor behind the mux takes lines of
 * any length, whatever room the serial port has. */
static int chr_room(Chardev *chr)
{
    if (chr->mux && chr->mon_focused) {
        return 1024;
    }
    return chr->can_receive ? chr->can_receive(chr->fe_opaque) : 1;
}

static gboolean chr_input_ready(gint fd, GIOCondition cond, gpointer opaque)
{
    Chardev *chr = opaque;
    int room = chr_room(chr);
    if (room <= 0) {
        chr->in_watch = 0; /* chr_accept_input() watches again */
        return G_SOURCE_REMOVE;
    }
    uint8_t buf[1024];
    ssize_t n = read(fd, buf, MIN((size_t)room, sizeof(buf)));
    if (n < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)) {
        return G_SOURCE_CONTINUE;
    }
    if (n <= 0) {
        chr->in_watch = 0;
        if (chr->drv->hangup) {
            chr->drv->hangup(chr);
        } else {
            chr->in_fd = -1;
        }
        return G_SOURCE_REMOVE;
    }
    if (chr->mux) {
        mux_receive(chr, buf, n);
    } else if (chr->receive) {
        chr->receive(chr->fe_opaque, buf, n);
    }
    return G_SOURCE_CONTINUE;
}

void chr_stop_watch(Chardev *chr)
{
    if (chr->in_watch) {
        g_source_remove(chr->in_watch);
        chr->in_watch = 0;
    }
}

void chr_update_watch(Chardev *chr)
{
    bool want = chr->in_fd >= 0 && (chr->receive || chr->mon_receive) && chr_room(chr) > 0;
    if (want && !chr->in_watch) {
        chr->in_watch = g_unix_fd_add(chr->in_fd, G_IO_IN | G_IO_HUP | G_IO_ERR,
                                      chr_input_ready, chr);
    } else if (!want) {
        chr_stop_watch(chr);
    }
}

/* ---- the public API ---- */

Chardev *chr_new(const char *spec, char **err)
{
    bool mux = false;
    if (!spec || !*spec) {
        *err = g_strdup("empty chardev spec");
        return NULL;
    }
    if (g_str_has_prefix(spec, "mon:")) {
        mux = true;
        spec += 4;
    }
    const char *colon = strchr(spec, ':');
    size_t namelen = colon ? (size_t)(colon - spec) : strlen(spec);
    const char *args = colon ? colon + 1 : NULL;

    const ChrDriver *drv = NULL;
    for (size_t i = 0; i < G_N_ELEMENTS(chr_drivers); i++) {
        if (strlen(chr_drivers[i]->name) == namelen &&
            !strncmp(chr_drivers[i]->name, spec, namelen)) {
            drv = chr_drivers[i];
        }
    }
    if (!drv) {
        *err = g_strdup_printf("unknown chardev backend '%.*s'", (int)namelen, spec);
        return NULL;
    }
    if (!drv->takes_args && args) {
        *err = g_strdup_printf("chardev backend '%s' takes no options", drv->name);
        return NULL;
    }
    if (drv->takes_args && (!args || !*args)) {
        *err = g_strdup_printf("chardev backend '%s' needs a path: %s:PATH", drv->name, drv->name);
        return NULL;
    }

    Chardev *chr = g_new0(Chardev, 1);
    chr->drv = drv;
    chr->in_fd = chr->out_fd = chr->listen_fd = -1;
    chr->mux = mux;
    chr->label = g_strdup_printf("serial%u", chr_count);
    if (drv->open(chr, args, err) < 0) {
        g_free(chr->label);
        g_free(chr->path);
        g_free(chr);
        return NULL;
    }
    chr_count++;
    return chr;
}

void chr_close(Chardev *chr)
{
    if (!chr) {
        return;
    }
    chr_stop_watch(chr);
    if (chr->drv->close) {
        chr->drv->close(chr);
    }
    g_free(chr->label);
    g_free(chr->path);
    g_free(chr);
}

void chr_set_frontend(Chardev *chr, ChrCanReceive can_receive, ChrReceive receive, void *opaque)
{
    chr->can_receive = can_receive;
    chr->receive = receive;
    chr->fe_opaque = opaque;
    chr_update_watch(chr);
}

void chr_accept_input(Chardev *chr)
{
    if (chr && !chr->in_watch) {
        chr_update_watch(chr);
    }
}

size_t chr_write(Chardev *chr, const uint8_t *buf, size_t len)
{
    if (!chr || !len) {
        return 0;
    }
    if (chr->mux) {
        mux_note_output(chr, buf, len);
    }
    return chr->drv->write(chr, buf, len);
}

bool chr_is_mux(Chardev *chr)
{
    return chr && chr->mux;
}

void chr_mux_set_monitor(Chardev *chr, ChrReceive receive, void (*focus)(void *opaque, bool focused),
                         void *opaque)
{
    chr->mon_receive = receive;
    chr->mon_focus = focus;
    chr->mon_opaque = opaque;
    chr->mon_focused = false;
    chr_update_watch(chr);
}

const char *chr_pty_path(Chardev *chr)
{
    return chr && chr->drv == &chr_driver_pty ? chr->path : NULL;
}
