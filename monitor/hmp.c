/*
 * The human monitor: QEMU's HMP command language for the commands mimic
 * has, with its "(qemu) " prompt so scripts written for QEMU drive it
 * unchanged. Input is edited a little (backspace, escape sequences of
 * cursor keys are ignored) and echoed, as QEMU's readline does; output
 * lines end in "\r\n" on every chardev, as QEMU's do.
 *
 * Commands are rows of one table. "info vga-text" is mimic's own: the
 * characters of the VGA text screen, for tests.
 */
#include "monitor/monitor.h"

#include <stdarg.h>
#include <string.h>

#include "hw/core/machine.h"
#include "system/runstate.h"
#include "ui/console.h"

#define MON_LINE_MAX 1024
#define MON_PROMPT "(qemu) "

typedef enum { ESC_NONE, ESC_START, ESC_CSI } EscState;

struct Monitor {
    Chardev *chr;
    bool mux;
    bool banner_shown;
    char line[MON_LINE_MAX];
    size_t len;
    bool last_cr;      /* a "\r\n" pair ends one line, not two */
    EscState esc;
};

static GPtrArray *monitors;       /* Monitor *, freed by monitor_cleanup_all() */
static GPtrArray *monitor_chardevs; /* the -monitor chardevs, closed with them */

static void monitor_puts(Monitor *mon, const char *s)
{
    GString *out = g_string_sized_new(strlen(s) + 16);
    for (; *s; s++) {
        if (*s == '\n') {
            g_string_append_c(out, '\r');
        }
        g_string_append_c(out, *s);
    }
    chr_write(mon->chr, (const uint8_t *)out->str, out->len);
    g_string_free(out, TRUE);
}

static void G_GNUC_PRINTF(2, 3) monitor_printf(Monitor *mon, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    monitor_puts(mon, s);
    g_free(s);
}

/* ---- commands ---- */

typedef struct MonCmd {
    const char *name;
    const char *args;
    const char *help;
    void (*fn)(Monitor *mon, char **argv);
} MonCmd;

static void cmd_help(Monitor *mon, char **argv);

static void cmd_info_status(Monitor *mon, char **argv)
{
    /* mimic has no pause yet: a VM that exists is running */
    monitor_printf(mon, "VM status: running\n");
}

static void cmd_info_vga_text(Monitor *mon, char **argv)
{
    DisplayConsole *con = console_default();
    if (!con) {
        monitor_printf(mon, "no graphic console\n");
        return;
    }
    GString *text = g_string_new(NULL);
    if (console_text(con, text)) {
        monitor_puts(mon, text->str);
    } else {
        monitor_printf(mon, "the display is not in a text mode\n");
    }
    g_string_free(text, TRUE);
}

static const MonCmd info_cmds[] = {
    { "status", "", "the VM's run state", cmd_info_status },
    { "vga-text", "", "the characters of the VGA text screen (mimic's own)", cmd_info_vga_text },
};

static void cmd_info(Monitor *mon, char **argv)
{
    if (!argv[1]) {
        for (size_t i = 0; i < G_N_ELEMENTS(info_cmds); i++) {
            monitor_printf(mon, "info %s -- %s\n", info_cmds[i].name, info_cmds[i].help);
        }
        return;
    }
    for (size_t i = 0; i < G_N_ELEMENTS(info_cmds); i++) {
        if (!strcmp(argv[1], info_cmds[i].name)) {
            info_cmds[i].fn(mon, argv + 1);
            return;
        }
    }
    monitor_printf(mon, "unknown info command '%s' (try: info)\n", argv[1]);
}

/* screendump FILENAME [-f ppm]: the default console as PPM, as QEMU writes
 * it whatever the file name says. */
static void cmd_screendump(Monitor *mon, char **argv)
{
    const char *file = NULL, *format = "ppm";
    for (int i = 1; argv[i]; i++) {
        if (!strcmp(argv[i], "-f") && argv[i + 1]) {
            format = argv[++i];
        } else if (!file) {
            file = argv[i];
        }
    }
    if (!file) {
        monitor_printf(mon, "usage: screendump FILENAME [-f ppm]\n");
        return;
    }
    if (strcmp(format, "ppm") != 0) {
        monitor_printf(mon, "screendump: format '%s' is not supported (ppm)\n", format);
        return;
    }
    DisplayConsole *con = console_default();
    if (!con) {
        monitor_printf(mon, "screendump: no graphic console\n");
        return;
    }
    char *err = NULL;
    if (screendump_ppm(console_update(con), file, &err) < 0) {
        monitor_printf(mon, "screendump: %s\n", err);
        g_free(err);
    }
}

static void cmd_system_reset(Monitor *mon, char **argv)
{
    runstate_request_reset();
}

static void cmd_quit(Monitor *mon, char **argv)
{
    runstate_request_exit(0);
}

static const MonCmd commands[] = {
    { "help", "[command]", "list the commands", cmd_help },
    { "?", "[command]", "same as help", cmd_help },
    { "info", "subcommand", "show something about the VM (info alone lists what)", cmd_info },
    { "screendump", "FILENAME [-f ppm]", "save the screen as a PPM image", cmd_screendump },
    { "system_reset", "", "reset the machine", cmd_system_reset },
    { "quit", "", "end mimic", cmd_quit },
    { "q", "", "same as quit", cmd_quit },
};

static void cmd_help(Monitor *mon, char **argv)
{
    for (size_t i = 0; i < G_N_ELEMENTS(commands); i++) {
        if (argv[1] && strcmp(argv[1], commands[i].name) != 0) {
            continue;
        }
        monitor_printf(mon, "%s%s%s -- %s\n", commands[i].name, *commands[i].args ? " " : "",
                       commands[i].args, commands[i].help);
    }
}

void monitor_run_line(Monitor *mon, const char *line)
{
    char *copy = g_strstrip(g_strdup(line));
    gchar **argv = g_strsplit_set(copy, " \t", -1);
    g_free(copy);
    /* drop the empty words that runs of blanks leave */
    int n = 0;
    for (int i = 0; argv[i]; i++) {
        if (*argv[i]) {
            argv[n++] = argv[i];
        } else {
            g_free(argv[i]);
        }
    }
    argv[n] = NULL;
    if (n > 0) {
        const MonCmd *cmd = NULL;
        for (size_t i = 0; i < G_N_ELEMENTS(commands); i++) {
            if (!strcmp(argv[0], commands[i].name)) {
                cmd = &commands[i];
            }
        }
        if (cmd) {
            cmd->fn(mon, argv);
        } else {
            monitor_printf(mon, "unknown command: '%s'\n", argv[0]);
        }
    }
    g_strfreev(argv);
}

/* ---- input ---- */

static void monitor_prompt(Monitor *mon)
{
    monitor_puts(mon, MON_PROMPT);
}

static void monitor_banner(Monitor *mon)
{
    if (!mon->banner_shown) {
        monitor_printf(mon, "mimic %s monitor - type 'help' for more information\n", MIMIC_VERSION);
        mon->banner_shown = true;
    }
    monitor_prompt(mon);
}

void monitor_input(Monitor *mon, const uint8_t *buf, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        uint8_t c = buf[i];
        bool was_cr = mon->last_cr;
        mon->last_cr = false;
        if (mon->esc == ESC_START) {
            mon->esc = c == '[' || c == 'O' ? ESC_CSI : ESC_NONE;
            continue;
        }
        if (mon->esc == ESC_CSI) {
            if (c >= 0x40 && c <= 0x7e) {
                mon->esc = ESC_NONE; /* the final byte of a cursor key */
            }
            continue;
        }
        if (c == '\r' || c == '\n') {
            if (c == '\n' && was_cr) {
                continue;
            }
            mon->last_cr = c == '\r';
            monitor_puts(mon, "\n");
            mon->line[mon->len] = '\0';
            mon->len = 0;
            monitor_run_line(mon, mon->line);
            monitor_prompt(mon);
        } else if (c == 0x7f || c == 0x08) {
            if (mon->len) {
                mon->len--;
                monitor_puts(mon, "\b \b");
            }
        } else if (c == 0x1b) {
            mon->esc = ESC_START;
        } else if (c >= 0x20 && mon->len < MON_LINE_MAX - 1) {
            mon->line[mon->len++] = c;
            chr_write(mon->chr, &c, 1);
        }
    }
}

static int monitor_can_receive(void *opaque)
{
    return MON_LINE_MAX;
}

static void monitor_receive(void *opaque, const uint8_t *buf, size_t len)
{
    monitor_input(opaque, buf, len);
}

static void monitor_focus(void *opaque, bool focused)
{
    if (focused) {
        monitor_banner(opaque);
    }
}

Monitor *monitor_new(Chardev *chr)
{
    Monitor *mon = g_new0(Monitor, 1);
    mon->chr = chr;
    chr_set_frontend(chr, monitor_can_receive, monitor_receive, mon);
    monitor_banner(mon);
    return mon;
}

Monitor *monitor_new_mux(Chardev *chr)
{
    Monitor *mon = g_new0(Monitor, 1);
    mon->chr = chr;
    mon->mux = true;
    chr_mux_set_monitor(chr, monitor_receive, monitor_focus, mon);
    return mon;
}

void monitor_free(Monitor *mon)
{
    g_free(mon);
}

int monitor_init_all(Machine *m, GPtrArray *specs, char **err)
{
    monitors = g_ptr_array_new_with_free_func((GDestroyNotify)monitor_free);
    monitor_chardevs = g_ptr_array_new_with_free_func((GDestroyNotify)chr_close);
    for (guint i = 0; m->chardevs && i < m->chardevs->len; i++) {
        Chardev *chr = g_ptr_array_index(m->chardevs, i);
        if (chr_is_mux(chr)) {
            g_ptr_array_add(monitors, monitor_new_mux(chr));
        }
    }
    for (guint i = 0; specs && i < specs->len; i++) {
        const char *spec = g_ptr_array_index(specs, i);
        if (!strcmp(spec, "none")) {
            continue;
        }
        char *cerr = NULL;
        Chardev *chr = chr_new(spec, &cerr);
        if (!chr) {
            *err = g_strdup_printf("-monitor %s: %s", spec, cerr);
            g_free(cerr);
            return -1;
        }
        g_ptr_array_add(monitor_chardevs, chr);
        if (chr_is_mux(chr)) {
            g_ptr_array_add(monitors, monitor_new_mux(chr));
        } else {
            g_ptr_array_add(monitors, monitor_new(chr));
        }
    }
    return 0;
}

void monitor_cleanup_all(void)
{
    if (monitor_chardevs) {
        g_ptr_array_free(monitor_chardevs, TRUE);
        monitor_chardevs = NULL;
    }
    if (monitors) {
        g_ptr_array_free(monitors, TRUE);
        monitors = NULL;
    }
}
