/*
 * Debug logging (-d ITEMS, -D FILE): one list of categories shared by all
 * of mimic. Log lines go to stderr, or to the -D file.
 */
#ifndef SYSTEM_LOG_H
#define SYSTEM_LOG_H

#include <stdbool.h>
#include <stdio.h>

enum {
    LOG_IN_ASM = 1 << 0, /* guest code as it is translated (the decoder's disassembly) */
    LOG_OP = 1 << 1,     /* the IR of each translated block */
    LOG_EXEC = 1 << 2,   /* each block as it runs */
    LOG_INT = 1 << 3,    /* interrupts and exceptions as they are delivered */
    LOG_CPU = 1 << 4,    /* the registers before each block runs */
    LOG_UNIMP = 1 << 5,  /* guest use of something mimic does not implement */
    LOG_OUT_ASM = 1 << 6, /* host code of each translated block (tcg native backend) */
};

extern unsigned log_mask;

static inline bool log_enabled(unsigned mask)
{
    return (log_mask & mask) != 0;
}

/* Parse "in_asm,op,..." ("help" lists them). 0, or -1 with a one-line *err. */
int log_parse_items(const char *items, char **err);
/* Send the log to path instead of stderr. */
int log_set_file(const char *path, char **err);
void log_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_items_help(void);

#endif
