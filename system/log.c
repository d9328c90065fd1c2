/* Debug logging categories and their output; see log.h. */
#include "system/log.h"

#include <errno.h>
#include <glib.h>
#include <stdarg.h>
#include <string.h>

unsigned log_mask;
static FILE *log_file;

static const struct {
    const char *name;
    unsigned mask;
    const char *help;
} log_items[] = {
    { "in_asm", LOG_IN_ASM, "guest code of each translated block (tcg)" },
    { "out_asm", LOG_OUT_ASM, "host code of each block, as hex bytes (tcg native backend)" },
    { "op", LOG_OP, "the IR of each translated block (tcg)" },
    { "exec", LOG_EXEC, "each translated block as it runs (tcg)" },
    { "int", LOG_INT, "interrupts and exceptions delivered (tcg)" },
    { "cpu", LOG_CPU, "registers before each block runs (tcg)" },
    { "unimp", LOG_UNIMP, "guest use of unimplemented features" },
};

int log_parse_items(const char *items, char **err)
{
    gchar **parts = g_strsplit(items, ",", -1);
    unsigned mask = 0;
    int r = 0;
    for (gchar **p = parts; *p; p++) {
        size_t i;
        for (i = 0; i < G_N_ELEMENTS(log_items); i++) {
            if (!strcmp(*p, log_items[i].name)) {
                mask |= log_items[i].mask;
                break;
            }
        }
        if (i == G_N_ELEMENTS(log_items)) {
            *err = g_strdup_printf("-d: unknown log item '%s' (try -d help)", *p);
            r = -1;
            break;
        }
    }
    g_strfreev(parts);
    if (r == 0) {
        log_mask |= mask;
    }
    return r;
}

int log_set_file(const char *path, char **err)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        *err = g_strdup_printf("-D %s: %s", path, g_strerror(errno));
        return -1;
    }
    if (log_file) {
        fclose(log_file);
    }
    setvbuf(f, NULL, _IOLBF, 0);
    log_file = f;
    return 0;
}

void log_printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfprintf(log_file ? log_file : stderr, fmt, ap);
    va_end(ap);
}

void log_items_help(void)
{
    printf("Log items (-d item,...):\n");
    for (size_t i = 0; i < G_N_ELEMENTS(log_items); i++) {
        printf("  %-16s %s\n", log_items[i].name, log_items[i].help);
    }
}
