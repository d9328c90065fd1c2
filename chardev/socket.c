/*
 * The unix socket backend (AF_UNIX stream sockets, see unix(7)):
 *   unix:PATH                     connect to a listening socket
 *   unix:PATH,server[,nowait]     listen on PATH, one client at a time
 * "server=on|off" and "wait=on|off" are accepted as QEMU spells them now.
 * A server waits for its first client in chr_new() unless nowait is given;
 * later clients are accepted from the main loop after the previous one has
 * gone. Output with no client is dropped, as is output the client does not
 * read fast enough: serial data carries no acknowledgement to hold it for.
 */
#include "chardev/chardev-internal.h"

#include <errno.h>
#include <fcntl.h>
#include <glib-unix.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

static gboolean unix_accept_ready(gint fd, GIOCondition cond, gpointer opaque);

static void unix_set_client(Chardev *chr, int fd)
{
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    chr->in_fd = chr->out_fd = fd;
    chr_update_watch(chr);
}

static void unix_listen_later(Chardev *chr)
{
    if (chr->listen_fd >= 0 && !chr->listen_watch) {
        chr->listen_watch = g_unix_fd_add(chr->listen_fd, G_IO_IN, unix_accept_ready, chr);
    }
}

static void unix_disconnect(Chardev *chr)
{
    chr_stop_watch(chr);
    if (chr->out_fd >= 0) {
        close(chr->out_fd);
    }
    chr->in_fd = chr->out_fd = -1;
    unix_listen_later(chr);
}

static gboolean unix_accept_ready(gint fd, GIOCondition cond, gpointer opaque)
{
    Chardev *chr = opaque;
    int client = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (client < 0) {
        return G_SOURCE_CONTINUE; /* the client gave up meanwhile, or EINTR */
    }
    chr->listen_watch = 0; /* further clients wait in the backlog */
    unix_set_client(chr, client);
    return G_SOURCE_REMOVE;
}

static bool unix_parse_bool(const char *opt, const char *val, bool *out, char **err)
{
    if (!val || !strcmp(val, "on")) {
        *out = true;
    } else if (!strcmp(val, "off")) {
        *out = false;
    } else {
        *err = g_strdup_printf("unix: '%s' must be on or off, not '%s'", opt, val);
        return false;
    }
    return true;
}

static int unix_open(Chardev *chr, const char *args, char **err)
{
    g_auto(GStrv) parts = g_strsplit(args, ",", -1);
    const char *path = parts[0];
    bool server = false, wait = true, wait_given = false;
    for (int i = 1; parts[i]; i++) {
        char *eq = strchr(parts[i], '=');
        if (eq) {
            *eq++ = '\0';
        }
        if (!strcmp(parts[i], "server")) {
            if (!unix_parse_bool("server", eq, &server, err)) {
                return -1;
            }
        } else if (!strcmp(parts[i], "wait")) {
            if (!unix_parse_bool("wait", eq, &wait, err)) {
                return -1;
            }
            wait_given = true;
        } else if (!strcmp(parts[i], "nowait") && !eq) {
            wait = false;
            wait_given = true;
        } else {
            *err = g_strdup_printf("unix: unknown option '%s'", parts[i]);
            return -1;
        }
    }
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    if (!*path) {
        *err = g_strdup("unix: missing socket path");
        return -1;
    }
    if (strlen(path) >= sizeof(addr.sun_path)) {
        *err = g_strdup_printf("unix: socket path too long (at most %zu bytes)",
                               sizeof(addr.sun_path) - 1);
        return -1;
    }
    if (wait_given && !server) {
        *err = g_strdup("unix: wait/nowait apply only to a server");
        return -1;
    }
    strcpy(addr.sun_path, path);

    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        *err = g_strdup_printf("unix: cannot create socket: %s", g_strerror(errno));
        return -1;
    }
    chr->crlf = true;
    if (!server) {
        if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
            *err = g_strdup_printf("cannot connect to unix:%s: %s", path, g_strerror(errno));
            close(fd);
            return -1;
        }
        unix_set_client(chr, fd);
        return 0;
    }

    /* a socket left behind by an earlier run is in the way; anything else
     * at PATH is the user's and makes bind fail below */
    struct stat st;
    if (lstat(path, &st) == 0 && S_ISSOCK(st.st_mode)) {
        unlink(path);
    }
    if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0 || listen(fd, 1) < 0) {
        *err = g_strdup_printf("cannot listen on unix:%s: %s", path, g_strerror(errno));
        close(fd);
        return -1;
    }
    chr->listen_fd = fd;
    chr->path = g_strdup(path);
    if (wait) {
        fprintf(stderr, "mimic: waiting for connection on unix:%s\n", path);
        int client;
        do {
            client = accept4(fd, NULL, NULL, SOCK_CLOEXEC);
        } while (client < 0 && errno == EINTR);
        if (client < 0) {
            *err = g_strdup_printf("accept on unix:%s: %s", path, g_strerror(errno));
            close(fd);
            unlink(path);
            return -1;
        }
        unix_set_client(chr, client);
    }
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    if (chr->out_fd < 0) {
        unix_listen_later(chr);
    }
    return 0;
}

static size_t unix_write(Chardev *chr, const uint8_t *buf, size_t len)
{
    if (chr->out_fd < 0) {
        return 0;
    }
    bool gone;
    size_t n = chr_fd_write_nb(chr->out_fd, buf, len, true, &gone);
    if (gone) {
        unix_disconnect(chr);
    }
    return n;
}

static void unix_close(Chardev *chr)
{
    if (chr->listen_watch) {
        g_source_remove(chr->listen_watch);
        chr->listen_watch = 0;
    }
    if (chr->out_fd >= 0) {
        close(chr->out_fd);
    }
    chr->in_fd = chr->out_fd = -1;
    if (chr->listen_fd >= 0) {
        close(chr->listen_fd);
        unlink(chr->path);
        chr->listen_fd = -1;
    }
}

const ChrDriver chr_driver_unix = {
    .name = "unix",
    .takes_args = true,
    .open = unix_open,
    .write = unix_write,
    .hangup = unix_disconnect,
    .close = unix_close,
};
