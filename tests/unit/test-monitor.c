/*
 * The human monitor through the bytes a user types: line editing and echo,
 * "\r\n" output, each command of the table (help, info status, info
 * vga-text, screendump, system_reset, quit, unknown ones), and a "mon:"
 * chardev's Ctrl-A c handing the input from the serial frontend to the
 * monitor and back. Output goes to a file: chardev and read back.
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "chardev/chardev-internal.h"
#include "monitor/monitor.h"
#include "system/runstate.h"
#include "ui/console.h"

typedef struct Fixture {
    char *dir;
    char *out;   /* the chardev's file */
    Chardev *chr;
    Monitor *mon;
} Fixture;

static void fixture_open(Fixture *f, bool mux)
{
    f->dir = g_dir_make_tmp("test-monitor-XXXXXX", NULL);
    f->out = g_build_filename(f->dir, "out.txt", NULL);
    char *spec = g_strdup_printf("%sfile:%s", mux ? "mon:" : "", f->out);
    char *err = NULL;
    f->chr = chr_new(spec, &err);
    g_assert_nonnull(f->chr);
    g_free(spec);
    f->mon = mux ? monitor_new_mux(f->chr) : monitor_new(f->chr);
}

static void fixture_close(Fixture *f)
{
    monitor_free(f->mon);
    chr_close(f->chr);
    g_unlink(f->out);
    g_rmdir(f->dir);
    g_free(f->out);
    g_free(f->dir);
}

/* Everything written since the last call. */
static char *output(Fixture *f)
{
    static gsize seen;
    static const char *seen_path;
    if (seen_path != f->out) {
        seen = 0;
        seen_path = f->out;
    }
    gchar *all;
    gsize len;
    g_assert_true(g_file_get_contents(f->out, &all, &len, NULL));
    char *s = g_strdup(all + MIN(seen, len));
    seen = len;
    g_free(all);
    return s;
}

static void type(Fixture *f, const char *s)
{
    monitor_input(f->mon, (const uint8_t *)s, strlen(s));
}

static void expect(Fixture *f, const char *want)
{
    char *got = output(f);
    g_assert_cmpstr(got, ==, want);
    g_free(got);
}

static void test_editing(void)
{
    Fixture f;
    fixture_open(&f, false);
    char *banner = output(&f);
    g_assert_true(g_str_has_prefix(banner, "mimic "));
    g_assert_true(g_str_has_suffix(banner, "information\r\n(qemu) "));
    g_free(banner);
    /* typed text is echoed; backspace rubs out; a cursor key is ignored */
    type(&f, "info stx\x7f");
    expect(&f, "info stx\b \b");
    type(&f, "\x1b[Datus\r\n");
    expect(&f, "atus\r\nVM status: running\r\n(qemu) ");
    /* "\r\n" ends one line, not two; blanks around words do not matter */
    type(&f, "  info   status  \r\n\r\n");
    expect(&f, "  info   status  \r\nVM status: running\r\n(qemu) \r\n(qemu) ");
    type(&f, "frobnicate 1\n");
    expect(&f, "frobnicate 1\r\nunknown command: 'frobnicate'\r\n(qemu) ");
    type(&f, "info nothing\n");
    expect(&f, "info nothing\r\nunknown info command 'nothing' (try: info)\r\n(qemu) ");
    type(&f, "help quit\n");
    expect(&f, "help quit\r\nquit -- end mimic\r\n(qemu) ");
    /* a line longer than the buffer is cut, not overflowed */
    char *lng = g_strnfill(5000, 'a');
    type(&f, lng);
    type(&f, "\n");
    char *got = output(&f);
    g_assert_true(strstr(got, "unknown command: 'aaaa") != NULL);
    g_assert_cmpuint(strlen(got), <, 2200);
    g_free(got);
    g_free(lng);
    fixture_close(&f);
}

static void checker_update(void *opaque)
{
    DisplayConsole *con = *(DisplayConsole **)opaque;
    DisplaySurface *s = console_resize(con, 3, 2);
    uint32_t *px = pixman_image_get_data(s->image);
    size_t stride = pixman_image_get_stride(s->image) / 4;
    for (int y = 0; y < 2; y++) {
        for (int x = 0; x < 3; x++) {
            px[y * stride + x] = (x + y) & 1 ? 0xff8000 : 0x0000ff;
        }
    }
}

static bool checker_text(void *opaque, GString *out)
{
    g_string_append(out, "HELLO\n\nWORLD\n");
    return true;
}

static const GraphicHwOps checker_ops = { .update = checker_update, .text = checker_text };

static void test_screen_commands(void)
{
    Fixture f;
    fixture_open(&f, false);
    g_free(output(&f));
    char *shot = g_build_filename(f.dir, "shot.ppm", NULL);
    char *cmd = g_strdup_printf("screendump %s\n", shot);

    g_assert_null(console_default());
    type(&f, cmd);
    char *got = output(&f);
    g_assert_true(g_str_has_suffix(got, "screendump: no graphic console\r\n(qemu) "));
    g_free(got);
    type(&f, "info vga-text\n");
    expect(&f, "info vga-text\r\nno graphic console\r\n(qemu) ");

    DisplayConsole *con = NULL;
    con = console_create("checker", &checker_ops, &con);
    type(&f, cmd);
    got = output(&f);
    g_assert_true(g_str_has_suffix(got, ".ppm\r\n(qemu) ")); /* nothing printed: success */
    g_free(got);
    gchar *ppm;
    gsize len;
    g_assert_true(g_file_get_contents(shot, &ppm, &len, NULL));
    static const uint8_t want[] = "P6\n3 2\n255\n"
                                  "\x00\x00\xff\xff\x80\x00\x00\x00\xff"
                                  "\xff\x80\x00\x00\x00\xff\xff\x80\x00";
    g_assert_cmpuint(len, ==, sizeof(want) - 1);
    g_assert_cmpmem(ppm, len, want, sizeof(want) - 1);
    g_free(ppm);
    g_unlink(shot);

    type(&f, "screendump x.png -f png\n");
    got = output(&f);
    g_assert_true(strstr(got, "format 'png' is not supported") != NULL);
    g_free(got);
    type(&f, "screendump /nonexistent-dir/x.ppm\n");
    got = output(&f);
    g_assert_true(strstr(got, "screendump: cannot create '/nonexistent-dir/x.ppm'") != NULL);
    g_free(got);
    type(&f, "screendump\n");
    got = output(&f);
    g_assert_true(strstr(got, "usage: screendump FILENAME") != NULL);
    g_free(got);

    /* the text hook's lines, "\n" turned into "\r\n" */
    type(&f, "info vga-text\n");
    expect(&f, "info vga-text\r\nHELLO\r\n\r\nWORLD\r\n(qemu) ");
    console_destroy(con);
    g_free(cmd);
    g_free(shot);
    fixture_close(&f);
}

static void test_run_state(void)
{
    Fixture f;
    fixture_open(&f, false);
    g_free(output(&f));
    runstate_take_reset();
    type(&f, "system_reset\n");
    g_assert_true(runstate_take_reset());
    g_assert_false(runstate_exit_requested());
    type(&f, "quit\n");
    g_assert_true(runstate_exit_requested());
    fixture_close(&f);
}

typedef struct Sink {
    GString *got;
} Sink;

static void sink_receive(void *opaque, const uint8_t *buf, size_t len)
{
    Sink *s = opaque;
    g_string_append_len(s->got, (const char *)buf, len);
}

static int sink_room(void *opaque)
{
    return 64;
}

static void feed(Fixture *f, const char *s)
{
    char *copy = g_strdup(s); /* mux_receive filters in place */
    mux_receive(f->chr, (uint8_t *)copy, strlen(copy));
    g_free(copy);
}

static void test_mux_toggle(void)
{
    Fixture f;
    fixture_open(&f, true);
    Sink sink = { g_string_new(NULL) };
    chr_set_frontend(f.chr, sink_room, sink_receive, &sink);
    expect(&f, ""); /* no banner until someone switches to the monitor */

    feed(&f, "ls\r\x01" "cinfo status\r");
    g_assert_cmpstr(sink.got->str, ==, "ls\r");
    char *got = output(&f);
    g_assert_true(g_str_has_prefix(got, "mimic "));
    g_assert_true(g_str_has_suffix(got, "(qemu) info status\r\nVM status: running\r\n(qemu) "));
    g_free(got);
    /* back to the guest: input reaches the serial frontend again */
    feed(&f, "\x01" "cpwd\r");
    g_assert_cmpstr(sink.got->str, ==, "ls\rpwd\r");
    expect(&f, "");
    /* and to the monitor once more: just a prompt this time, on a line of
     * its own after the unfinished one */
    feed(&f, "\x01" "c");
    expect(&f, "\n(qemu) ");
    g_string_free(sink.got, TRUE);
    fixture_close(&f);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/monitor/editing", test_editing);
    g_test_add_func("/monitor/screen", test_screen_commands);
    g_test_add_func("/monitor/run-state", test_run_state);
    g_test_add_func("/monitor/mux-toggle", test_mux_toggle);
    return g_test_run();
}
