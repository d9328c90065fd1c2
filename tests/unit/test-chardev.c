/*
 * Character devices: spec errors, the file, null, unix socket and pty
 * backends end to end through the glib main context, flow control, the
 * one-stdio rule and the Ctrl-A escape state machine of "mon:".
 */
#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "chardev/chardev-internal.h"

/* A frontend that records what it is given and has room for `room` bytes. */
typedef struct Sink {
    GString *got;
    int room;
} Sink;

static int sink_can_receive(void *opaque)
{
    return ((Sink *)opaque)->room;
}

static void sink_receive(void *opaque, const uint8_t *buf, size_t len)
{
    Sink *s = opaque;
    g_assert_cmpint((int)len, <=, s->room);
    g_string_append_len(s->got, (const char *)buf, len);
    s->room -= len;
}

static void iterate_until_len(Sink *s, size_t len)
{
    gint64 end = g_get_monotonic_time() + 3 * G_USEC_PER_SEC;
    while (s->got->len < len && g_get_monotonic_time() < end) {
        g_main_context_iteration(NULL, FALSE);
        g_usleep(500);
    }
}

static void iterate_a_while(void)
{
    for (int i = 0; i < 30; i++) {
        g_main_context_iteration(NULL, FALSE);
        g_usleep(1000);
    }
}

static void expect_error(const char *spec, const char *msg)
{
    char *err = NULL;
    Chardev *chr = chr_new(spec, &err);
    g_assert_null(chr);
    g_assert_nonnull(err);
    if (!strstr(err, msg)) {
        g_error("spec '%s': error '%s' lacks '%s'", spec, err, msg);
    }
    g_assert_null(strchr(err, '\n')); /* one line */
    g_free(err);
}

static void test_spec_errors(void)
{
    expect_error("foo", "unknown chardev backend 'foo'");
    expect_error("foo:bar", "unknown chardev backend 'foo'");
    expect_error("mon:foo", "unknown chardev backend 'foo'");
    expect_error("tcp:localhost:4444", "unknown chardev backend 'tcp'");
    expect_error("", "empty");
    expect_error("null:x", "takes no options");
    expect_error("stdio:x", "takes no options");
    expect_error("file", "needs a path");
    expect_error("file:", "needs a path");
    expect_error("unix:", "needs a path");
    expect_error("unix:/tmp/x,bogus", "unknown option 'bogus'");
    expect_error("unix:/tmp/x,nowait", "only to a server");
    expect_error("unix:/tmp/x,server=maybe", "on or off");
    expect_error("file:/nonexistent-dir/out", "cannot open '/nonexistent-dir/out'");
    expect_error("unix:/nonexistent-dir/sock", "cannot connect to unix:/nonexistent-dir/sock");
    char *longpath = g_strnfill(200, 'a');
    char *spec = g_strconcat("unix:/tmp/", longpath, ",server,nowait", NULL);
    expect_error(spec, "too long");
    g_free(spec);
    g_free(longpath);
}

static void test_null_and_file(void)
{
    char *err = NULL;
    Chardev *chr = chr_new("null", &err);
    g_assert_nonnull(chr);
    g_assert_cmpuint(chr_write(chr, (const uint8_t *)"gone", 4), ==, 4);
    g_assert_null(chr_pty_path(chr));
    chr_close(chr);

    char *dir = g_dir_make_tmp("mimic-chr-XXXXXX", NULL);
    char *path = g_build_filename(dir, "log", NULL);
    char *spec = g_strconcat("file:", path, NULL);
    chr = chr_new(spec, &err);
    g_assert_nonnull(chr);
    g_assert_cmpuint(chr_write(chr, (const uint8_t *)"hello ", 6), ==, 6);
    g_assert_cmpuint(chr_write(chr, (const uint8_t *)"world\n", 6), ==, 6);
    chr_close(chr);
    char *text;
    g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
    g_assert_cmpstr(text, ==, "hello world\n");
    g_free(text);

    /* a new run truncates, as QEMU's file backend does */
    chr = chr_new(spec, &err);
    g_assert_cmpuint(chr_write(chr, (const uint8_t *)"2", 1), ==, 1);
    chr_close(chr);
    g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
    g_assert_cmpstr(text, ==, "2");
    g_free(text);

    g_unlink(path);
    g_rmdir(dir);
    g_free(spec);
    g_free(path);
    g_free(dir);
}

static char *sock_path(char **dir)
{
    *dir = g_dir_make_tmp("mimic-chr-XXXXXX", NULL);
    return g_build_filename(*dir, "sock", NULL);
}

static int unix_connect(const char *path)
{
    struct sockaddr_un a = { .sun_family = AF_UNIX };
    g_strlcpy(a.sun_path, path, sizeof(a.sun_path));
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    g_assert_cmpint(fd, >=, 0);
    if (connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
        close(fd);
        return -1;
    }
    return fd;
}

/* Read exactly len bytes with a deadline, iterating the main loop between. */
static char *read_n(int fd, size_t len)
{
    GString *s = g_string_new(NULL);
    gint64 end = g_get_monotonic_time() + 3 * G_USEC_PER_SEC;
    while (s->len < len && g_get_monotonic_time() < end) {
        struct pollfd p = { .fd = fd, .events = POLLIN };
        g_main_context_iteration(NULL, FALSE);
        if (poll(&p, 1, 5) == 1) {
            char buf[256];
            ssize_t n = read(fd, buf, MIN(sizeof(buf), len - s->len));
            if (n <= 0) {
                break;
            }
            g_string_append_len(s, buf, n);
        }
    }
    return g_string_free(s, FALSE);
}

static void test_unix_server(void)
{
    char *dir, *path = sock_path(&dir);
    char *spec = g_strconcat("unix:", path, ",server,nowait", NULL);
    char *err = NULL;
    Chardev *chr = chr_new(spec, &err);
    g_assert_nonnull(chr);
    Sink sink = { g_string_new(NULL), 100 };
    chr_set_frontend(chr, sink_can_receive, sink_receive, &sink);

    /* no client yet: output is dropped, without blocking */
    g_assert_cmpuint(chr_write(chr, (const uint8_t *)"lost", 4), ==, 0);

    int c = unix_connect(path);
    g_assert_cmpint(c, >=, 0);
    g_assert_cmpint(write(c, "hello", 5), ==, 5);
    iterate_until_len(&sink, 5);
    g_assert_cmpstr(sink.got->str, ==, "hello");

    g_assert_cmpuint(chr_write(chr, (const uint8_t *)"out", 3), ==, 3);
    char *got = read_n(c, 3);
    g_assert_cmpstr(got, ==, "out");
    g_free(got);

    /* flow control: only as much as the frontend has room for */
    g_string_truncate(sink.got, 0);
    sink.room = 2;
    g_assert_cmpint(write(c, "abcdef", 6), ==, 6);
    iterate_until_len(&sink, 2);
    iterate_a_while();
    g_assert_cmpstr(sink.got->str, ==, "ab");
    sink.room = 100;
    chr_accept_input(chr);
    iterate_until_len(&sink, 6);
    g_assert_cmpstr(sink.got->str, ==, "abcdef");

    /* the client goes; a new one is accepted */
    close(c);
    iterate_a_while();
    g_assert_cmpuint(chr_write(chr, (const uint8_t *)"x", 1), ==, 0);
    c = unix_connect(path);
    g_assert_cmpint(c, >=, 0);
    g_assert_cmpint(write(c, "again", 5), ==, 5);
    iterate_until_len(&sink, 11);
    g_assert_cmpstr(sink.got->str, ==, "abcdefagain");
    close(c);

    chr_close(chr);
    g_assert_false(g_file_test(path, G_FILE_TEST_EXISTS)); /* removed on close */
    g_string_free(sink.got, TRUE);
    g_free(spec);
    g_free(path);
    g_rmdir(dir);
    g_free(dir);
}

static gpointer connect_later(gpointer path)
{
    for (int i = 0; i < 500; i++) {
        int fd = unix_connect(path);
        if (fd >= 0) {
            if (write(fd, "w", 1) != 1) {
                close(fd);
                return NULL;
            }
            return GINT_TO_POINTER(fd);
        }
        g_usleep(10000);
    }
    return NULL;
}

static void test_unix_server_wait(void)
{
    char *dir, *path = sock_path(&dir);
    /* QEMU's newer spelling; wait is the default */
    char *spec = g_strconcat("unix:", path, ",server=on", NULL);
    GThread *t = g_thread_new("client", connect_later, path);
    char *err = NULL;
    Chardev *chr = chr_new(spec, &err); /* returns once the client is there */
    g_assert_nonnull(chr);
    int c = GPOINTER_TO_INT(g_thread_join(t));
    g_assert_cmpint(c, >, 0);
    g_assert_cmpuint(chr_write(chr, (const uint8_t *)"hi", 2), ==, 2);
    char *got = read_n(c, 2);
    g_assert_cmpstr(got, ==, "hi");
    g_free(got);

    /* input sent before the frontend was set is waiting in the socket */
    Sink sink = { g_string_new(NULL), 100 };
    chr_set_frontend(chr, sink_can_receive, sink_receive, &sink);
    iterate_until_len(&sink, 1);
    g_assert_cmpstr(sink.got->str, ==, "w");
    close(c);
    chr_close(chr);
    g_string_free(sink.got, TRUE);
    g_free(spec);
    g_free(path);
    g_rmdir(dir);
    g_free(dir);
}

static void test_unix_client(void)
{
    char *dir, *path = sock_path(&dir);
    struct sockaddr_un a = { .sun_family = AF_UNIX };
    g_strlcpy(a.sun_path, path, sizeof(a.sun_path));
    int l = socket(AF_UNIX, SOCK_STREAM, 0);
    g_assert_cmpint(bind(l, (struct sockaddr *)&a, sizeof(a)), ==, 0);
    g_assert_cmpint(listen(l, 1), ==, 0);

    char *spec = g_strconcat("unix:", path, NULL);
    char *err = NULL;
    Chardev *chr = chr_new(spec, &err);
    g_assert_nonnull(chr);
    int peer = accept(l, NULL, NULL);
    g_assert_cmpint(peer, >=, 0);
    Sink sink = { g_string_new(NULL), 100 };
    chr_set_frontend(chr, sink_can_receive, sink_receive, &sink);
    g_assert_cmpint(write(peer, "in", 2), ==, 2);
    iterate_until_len(&sink, 2);
    g_assert_cmpstr(sink.got->str, ==, "in");
    g_assert_cmpuint(chr_write(chr, (const uint8_t *)"up", 2), ==, 2);
    char *got = read_n(peer, 2);
    g_assert_cmpstr(got, ==, "up");
    g_free(got);

    /* the server goes away: writes are dropped, never SIGPIPE */
    close(peer);
    iterate_a_while();
    g_assert_cmpuint(chr_write(chr, (const uint8_t *)"zz", 2), ==, 0);
    chr_close(chr);
    close(l);
    g_unlink(path);
    g_string_free(sink.got, TRUE);
    g_free(spec);
    g_free(path);
    g_rmdir(dir);
    g_free(dir);
}

static void test_pty(void)
{
    char *err = NULL;
    Chardev *chr = chr_new("pty", &err);
    if (!chr) {
        g_test_skip(err);
        g_free(err);
        return;
    }
    const char *path = chr_pty_path(chr);
    g_assert_nonnull(path);
    g_assert_true(g_str_has_prefix(path, "/dev/pts/"));
    Sink sink = { g_string_new(NULL), 100 };
    chr_set_frontend(chr, sink_can_receive, sink_receive, &sink);

    /* nobody on the slave: output is dropped at once, however much */
    static uint8_t junk[4096];
    for (int i = 0; i < 256; i++) {
        g_assert_cmpuint(chr_write(chr, junk, sizeof(junk)), ==, 0);
    }

    int s = open(path, O_RDWR | O_NOCTTY);
    g_assert_cmpint(s, >=, 0);
    g_assert_cmpuint(chr_write(chr, (const uint8_t *)"a\nb", 3), ==, 3);
    char *got = read_n(s, 3);
    g_assert_cmpstr(got, ==, "a\nb"); /* raw: no \r added */
    g_free(got);
    g_assert_cmpint(write(s, "typed\r", 6), ==, 6);
    iterate_until_len(&sink, 6);
    g_assert_cmpstr(sink.got->str, ==, "typed\r"); /* raw: no \r -> \n */

    close(s);
    iterate_a_while(); /* the hangup is seen */
    g_assert_cmpuint(chr_write(chr, (const uint8_t *)"late", 4), ==, 0);

    /* someone opens it again: output flows again */
    s = open(path, O_RDWR | O_NOCTTY);
    g_assert_cmpuint(chr_write(chr, (const uint8_t *)"back", 4), ==, 4);
    got = read_n(s, 4);
    g_assert_cmpstr(got, ==, "back");
    g_free(got);
    close(s);
    chr_close(chr);
    g_string_free(sink.got, TRUE);
}

static void test_stdio_once(void)
{
    char *err = NULL;
    Chardev *a = chr_new("stdio", &err);
    g_assert_nonnull(a);
    expect_error("mon:stdio", "stdio is already used");
    expect_error("stdio", "stdio is already used");
    chr_close(a);
    Chardev *b = chr_new("mon:stdio", &err); /* free again after close */
    g_assert_nonnull(b);
    chr_close(b);
}

static void test_mux_escapes(void)
{
    MuxEscape st = { 0 };
    g_assert_cmpint(mux_escape_feed(&st, 'a'), ==, MUX_PASS);
    g_assert_cmpint(mux_escape_feed(&st, 0x03), ==, MUX_PASS); /* Ctrl-C goes through */
    g_assert_cmpint(mux_escape_feed(&st, 0x01), ==, MUX_DROP);
    g_assert_cmpint(mux_escape_feed(&st, 'x'), ==, MUX_EXIT);
    g_assert_cmpint(mux_escape_feed(&st, 'x'), ==, MUX_PASS); /* escape over */
    g_assert_cmpint(mux_escape_feed(&st, 0x01), ==, MUX_DROP);
    g_assert_cmpint(mux_escape_feed(&st, 'h'), ==, MUX_HELP);
    g_assert_cmpint(mux_escape_feed(&st, 0x01), ==, MUX_DROP);
    g_assert_cmpint(mux_escape_feed(&st, 'c'), ==, MUX_MONITOR);
    g_assert_cmpint(mux_escape_feed(&st, 0x01), ==, MUX_DROP);
    g_assert_cmpint(mux_escape_feed(&st, 0x01), ==, MUX_PASS); /* C-a C-a: one C-a */
    g_assert_cmpint(mux_escape_feed(&st, 0x01), ==, MUX_DROP); /* and a fresh escape */
    g_assert_cmpint(mux_escape_feed(&st, 'q'), ==, MUX_DROP);  /* unknown: dropped */
    g_assert_cmpint(mux_escape_feed(&st, 'q'), ==, MUX_PASS);
    g_assert_cmpint(mux_escape_feed(&st, 0x01), ==, MUX_DROP);
    g_assert_cmpint(mux_escape_feed(&st, 'X'), ==, MUX_DROP);  /* case matters */
}

static void test_mux_over_socket(void)
{
    char *dir, *path = sock_path(&dir);
    char *spec = g_strconcat("mon:unix:", path, ",server,nowait", NULL);
    char *err = NULL;
    Chardev *chr = chr_new(spec, &err);
    g_assert_nonnull(chr);
    Sink sink = { g_string_new(NULL), 100 };
    chr_set_frontend(chr, sink_can_receive, sink_receive, &sink);
    int c = unix_connect(path);
    g_assert_cmpint(c, >=, 0);

    /* guest output mid-line, then C-a c: the message gets a line of its own */
    iterate_a_while();
    g_assert_cmpuint(chr_write(chr, (const uint8_t *)"login:", 6), ==, 6);
    const char in[] = "a\001\001b\001qc\001c";
    g_assert_cmpint(write(c, in, sizeof(in) - 1), ==, sizeof(in) - 1);
    iterate_until_len(&sink, 4);
    iterate_a_while();
    g_assert_cmpstr(sink.got->str, ==, "a\001bc");
    const char expect[] = "login:\r\nmimic: no monitor on this console\r\n";
    char *got = read_n(c, sizeof(expect) - 1);
    g_assert_cmpstr(got, ==, expect);
    g_free(got);

    /* C-a h lists the escapes, at the start of a line */
    g_assert_cmpint(write(c, "\001h", 2), ==, 2);
    got = read_n(c, 16);
    g_assert_true(g_str_has_prefix(got, "mimic console es"));
    g_free(got);
    close(c);
    chr_close(chr);
    g_string_free(sink.got, TRUE);
    g_free(spec);
    g_free(path);
    g_rmdir(dir);
    g_free(dir);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/chardev/spec-errors", test_spec_errors);
    g_test_add_func("/chardev/null-file", test_null_and_file);
    g_test_add_func("/chardev/unix-server", test_unix_server);
    g_test_add_func("/chardev/unix-server-wait", test_unix_server_wait);
    g_test_add_func("/chardev/unix-client", test_unix_client);
    g_test_add_func("/chardev/pty", test_pty);
    g_test_add_func("/chardev/stdio-once", test_stdio_once);
    g_test_add_func("/chardev/mux-escapes", test_mux_escapes);
    g_test_add_func("/chardev/mux-over-socket", test_mux_over_socket);
    return g_test_run();
}
