/*
 * 16550A UART and debug console, driven through port I/O as a guest drives
 * them. Expected values come from the PC16550D datasheet: reset values
 * (Table III), interrupt identification and priority (Table IV), loopback
 * wiring of MCR to MSR, FIFO trigger levels and the four-character timeout.
 */
#include <fcntl.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "chardev/chardev.h"
#include "hw/char/debugcon.h"
#include "hw/char/serial.h"
#include "hw/core/timer.h"

#define COM1 0x3f8
#define RBR (COM1 + 0)
#define THR (COM1 + 0)
#define DLL (COM1 + 0)
#define IER (COM1 + 1)
#define DLM (COM1 + 1)
#define IIR (COM1 + 2)
#define FCR (COM1 + 2)
#define LCR (COM1 + 3)
#define MCR (COM1 + 4)
#define LSR (COM1 + 5)
#define MSR (COM1 + 6)
#define SCR (COM1 + 7)

typedef struct IrqRecord {
    int level;
    int raises;
} IrqRecord;

static void record_irq(void *opaque, int n, int level)
{
    IrqRecord *r = opaque;
    if (level && !r->level) {
        r->raises++;
    }
    r->level = level;
}

typedef struct Fixture {
    Machine m;
    IrqRecord irq_rec;
    IrqLine irq;
    Chardev *chr;
    char *dir;
} Fixture;

static uint8_t in8(Fixture *f, uint16_t port)
{
    return as_read(f->m.io, port, 1);
}

static void out8(Fixture *f, uint16_t port, uint8_t v)
{
    as_write(f->m.io, port, v, 1);
}

static void fixture_init(Fixture *f, const char *spec)
{
    memset(f, 0, sizeof(*f));
    clock_set_manual(true);
    f->m.mem = as_create("memory", 1ull << 32);
    f->m.io = as_create("io", 0x10000);
    f->irq = (IrqLine){ .handler = record_irq, .opaque = &f->irq_rec, .n = 4 };
    if (spec) {
        char *err = NULL;
        f->chr = chr_new(spec, &err);
        g_assert_null(err);
        g_assert_nonnull(f->chr);
    }
    g_assert_nonnull(serial_create(&f->m, COM1, &f->irq, f->chr));
}

/* A fixture whose serial output goes to a file in a fresh directory. */
static char *fixture_init_file(Fixture *f)
{
    char *dir = g_dir_make_tmp("mimic-serial-XXXXXX", NULL);
    char *path = g_build_filename(dir, "out", NULL);
    char *spec = g_strconcat("file:", path, NULL);
    fixture_init(f, spec);
    f->dir = dir;
    g_free(spec);
    return path;
}

static void fixture_fini(Fixture *f)
{
    chr_close(f->chr); /* before the devices, as the pc machine does */
    if (f->m.owned) {
        g_ptr_array_free(f->m.owned, TRUE);
    }
    if (f->m.reset_hooks) {
        g_array_free(f->m.reset_hooks, TRUE);
    }
    as_destroy(f->m.mem);
    as_destroy(f->m.io);
    if (f->dir) {
        g_rmdir(f->dir);
        g_free(f->dir);
    }
}

static char *file_contents(const char *path)
{
    char *text = NULL;
    g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
    return text;
}

static void test_reset_values(void)
{
    Fixture f;
    fixture_init(&f, NULL);
    g_assert_cmpuint(in8(&f, IER), ==, 0x00);
    g_assert_cmpuint(in8(&f, IIR), ==, 0x01); /* no interrupt pending, FIFOs off */
    g_assert_cmpuint(in8(&f, LCR), ==, 0x00);
    g_assert_cmpuint(in8(&f, MCR), ==, 0x00);
    g_assert_cmpuint(in8(&f, LSR), ==, 0x60); /* THRE and TEMT */
    /* deltas clear; the inputs of a connected line: CTS, DSR, DCD, no RI */
    g_assert_cmpuint(in8(&f, MSR), ==, 0xb0);
    g_assert_cmpint(f.irq_rec.level, ==, 0);

    /* change everything, then a machine reset brings Table III back */
    out8(&f, IER, 0x0f);
    out8(&f, FCR, 0xc1);
    out8(&f, LCR, 0x1b);
    out8(&f, MCR, 0x0b); /* DTR, RTS, OUT2: the PC's IRQ gate open */
    out8(&f, SCR, 0x42);
    g_assert_cmpint(f.irq_rec.level, ==, 1);
    machine_reset(&f.m);
    g_assert_cmpint(f.irq_rec.level, ==, 0);
    g_assert_cmpuint(in8(&f, IER), ==, 0x00);
    g_assert_cmpuint(in8(&f, IIR), ==, 0x01);
    g_assert_cmpuint(in8(&f, LCR), ==, 0x00);
    g_assert_cmpuint(in8(&f, MCR), ==, 0x00);
    g_assert_cmpuint(in8(&f, LSR), ==, 0x60);
    g_assert_cmpuint(in8(&f, MSR), ==, 0xb0);
    g_assert_cmpuint(in8(&f, SCR), ==, 0x42); /* not in the reset table */
    fixture_fini(&f);
}

static void test_divisor_and_scratch(void)
{
    Fixture f;
    fixture_init(&f, NULL);
    out8(&f, IER, 0xff);
    g_assert_cmpuint(in8(&f, IER), ==, 0x0f); /* IER bits 4-7 are always 0 */
    out8(&f, IER, 0x00);

    out8(&f, LCR, 0x83); /* DLAB, 8 data bits */
    out8(&f, DLL, 0x01);
    out8(&f, DLM, 0x02);
    g_assert_cmpuint(in8(&f, DLL), ==, 0x01);
    g_assert_cmpuint(in8(&f, DLM), ==, 0x02);
    g_assert_cmpuint(in8(&f, LCR), ==, 0x83);
    g_assert_cmpuint(in8(&f, LSR) & 0x01, ==, 0); /* DLL write sent nothing */
    out8(&f, LCR, 0x03);
    g_assert_cmpuint(in8(&f, IER), ==, 0x00); /* offset 1 is IER again */
    out8(&f, IER, 0x05);
    out8(&f, LCR, 0x83);
    g_assert_cmpuint(in8(&f, DLM), ==, 0x02); /* IER write left DLM alone */
    out8(&f, LCR, 0x03);
    g_assert_cmpuint(in8(&f, IER), ==, 0x05);

    for (unsigned v = 0; v < 256; v += 51) {
        out8(&f, SCR, v);
        g_assert_cmpuint(in8(&f, SCR), ==, v);
    }
    fixture_fini(&f);
}

static void test_loopback_data(void)
{
    Fixture f;
    char *path = fixture_init_file(&f);
    out8(&f, LCR, 0x03);
    out8(&f, THR, 'X'); /* normal mode: goes to the chardev */
    out8(&f, MCR, 0x10);
    out8(&f, THR, 'A');
    g_assert_cmpuint(in8(&f, LSR), ==, 0x61); /* DR, THRE, TEMT */
    g_assert_cmpuint(in8(&f, RBR), ==, 'A');
    g_assert_cmpuint(in8(&f, LSR), ==, 0x60);

    /* 5-bit words: only the low five bits travel */
    out8(&f, LCR, 0x00);
    out8(&f, THR, 0xff);
    g_assert_cmpuint(in8(&f, RBR), ==, 0x1f);

    char *text = file_contents(path);
    g_assert_cmpstr(text, ==, "X"); /* the looped byte never left */
    g_free(text);
    g_unlink(path);
    g_free(path);
    fixture_fini(&f);
}

static void test_loopback_modem(void)
{
    Fixture f;
    fixture_init(&f, NULL);
    /* RTS -> CTS, OUT2 -> DCD; DSR drops from its outside value */
    out8(&f, MCR, 0x10 | 0x02 | 0x08);
    g_assert_cmpuint(in8(&f, MSR), ==, 0x90 | 0x02);
    g_assert_cmpuint(in8(&f, MSR), ==, 0x90); /* reading clears the deltas */
    /* OUT1 -> RI rising: no TERI; CTS and DCD fall */
    out8(&f, MCR, 0x10 | 0x04);
    g_assert_cmpuint(in8(&f, MSR), ==, 0x40 | 0x01 | 0x08);
    /* RI falling: TERI */
    out8(&f, MCR, 0x10);
    g_assert_cmpuint(in8(&f, MSR), ==, 0x04);
    /* DTR -> DSR */
    out8(&f, MCR, 0x10 | 0x01);
    g_assert_cmpuint(in8(&f, MSR), ==, 0x20 | 0x02);
    g_assert_cmpuint(in8(&f, MCR), ==, 0x11);

    /* a delta with EDSSI is a modem status interrupt, cleared by MSR read */
    out8(&f, IER, 0x08);
    out8(&f, MCR, 0x10 | 0x01 | 0x02);
    g_assert_cmpuint(in8(&f, IIR), ==, 0x00);
    g_assert_cmpint(f.irq_rec.level, ==, 0); /* loopback forces OUT2 off */
    in8(&f, MSR);
    g_assert_cmpuint(in8(&f, IIR), ==, 0x01);

    /* leaving loopback: the outside inputs come back */
    out8(&f, IER, 0x00);
    out8(&f, MCR, 0x00);
    g_assert_cmpuint(in8(&f, MSR) & 0xf0, ==, 0xb0);
    fixture_fini(&f);
}

static void test_fifo_overrun(void)
{
    Fixture f;
    fixture_init(&f, NULL);
    out8(&f, LCR, 0x03);
    out8(&f, FCR, 0x01);
    g_assert_cmpuint(in8(&f, IIR) & 0xc0, ==, 0xc0);
    out8(&f, MCR, 0x10);
    for (int i = 0; i < 16; i++) {
        out8(&f, THR, 'a' + i);
    }
    g_assert_cmpuint(in8(&f, LSR), ==, 0x61); /* 16 fit: no overrun */
    out8(&f, THR, '!');
    g_assert_cmpuint(in8(&f, LSR), ==, 0x63); /* OE */
    g_assert_cmpuint(in8(&f, LSR), ==, 0x61); /* cleared by the read */
    for (int i = 0; i < 16; i++) {
        g_assert_cmpuint(in8(&f, LSR) & 0x01, ==, 1);
        g_assert_cmpuint(in8(&f, RBR), ==, 'a' + i); /* the 17th was lost */
    }
    g_assert_cmpuint(in8(&f, LSR), ==, 0x60);

    /* RCVR FIFO reset empties it */
    out8(&f, THR, '1');
    out8(&f, THR, '2');
    out8(&f, FCR, 0x03);
    g_assert_cmpuint(in8(&f, LSR), ==, 0x60);
    out8(&f, THR, '3');
    g_assert_cmpuint(in8(&f, RBR), ==, '3');

    /* leaving FIFO mode clears the FIFO; in 16450 mode the next character
     * overwrites an unread RBR */
    out8(&f, THR, '4');
    out8(&f, FCR, 0x00);
    g_assert_cmpuint(in8(&f, IIR) & 0xc0, ==, 0);
    g_assert_cmpuint(in8(&f, LSR), ==, 0x60);
    out8(&f, THR, 'p');
    out8(&f, THR, 'q');
    g_assert_cmpuint(in8(&f, LSR), ==, 0x63);
    g_assert_cmpuint(in8(&f, RBR), ==, 'q');
    g_assert_cmpuint(in8(&f, LSR), ==, 0x60);
    fixture_fini(&f);
}

static void test_iir_priority(void)
{
    Fixture f;
    fixture_init(&f, NULL);
    out8(&f, LCR, 0x83);
    out8(&f, DLL, 1); /* 115200 baud */
    out8(&f, DLM, 0);
    out8(&f, LCR, 0x03); /* 8N1: ten bits a character */
    out8(&f, FCR, 0x41); /* FIFO on, trigger level 4 */
    out8(&f, MCR, 0x10);
    in8(&f, MSR);
    out8(&f, IER, 0x0f);
    g_assert_cmpuint(in8(&f, IIR), ==, 0xc2); /* ETBEI with THR empty */
    g_assert_cmpuint(in8(&f, IIR), ==, 0xc1); /* the IIR read acknowledged it */

    for (int i = 0; i < 3; i++) {
        out8(&f, THR, i);
    }
    g_assert_cmpuint(in8(&f, IIR), ==, 0xc2); /* below trigger: THRE shows */
    g_assert_cmpuint(in8(&f, IIR), ==, 0xc1);

    out8(&f, THR, 3); /* the fourth reaches the trigger level */
    g_assert_cmpuint(in8(&f, IIR), ==, 0xc4);
    g_assert_cmpuint(in8(&f, IIR), ==, 0xc4); /* RDA outranks THRE, is not acked */
    for (int i = 4; i < 17; i++) {
        out8(&f, THR, i);
    }
    g_assert_cmpuint(in8(&f, IIR), ==, 0xc6); /* overrun: line status first */
    g_assert_cmpuint(in8(&f, LSR) & 0x02, ==, 0x02);
    g_assert_cmpuint(in8(&f, IIR), ==, 0xc4);
    for (int i = 0; i < 12; i++) {
        g_assert_cmpuint(in8(&f, RBR), ==, i);
    }
    g_assert_cmpuint(in8(&f, IIR), ==, 0xc4); /* 4 left: still at trigger */
    in8(&f, RBR);
    g_assert_cmpuint(in8(&f, IIR), ==, 0xc2); /* 3 left, below trigger */
    g_assert_cmpuint(in8(&f, IIR), ==, 0xc1);

    /* four character times of 86.8 us after the last read: timeout */
    clock_advance(340000);
    timers_run();
    g_assert_cmpuint(in8(&f, IIR), ==, 0xc1);
    clock_advance(8000);
    timers_run();
    g_assert_cmpuint(in8(&f, IIR), ==, 0xcc);
    in8(&f, RBR); /* a read clears the timeout and restarts the count */
    g_assert_cmpuint(in8(&f, IIR), ==, 0xc1);
    clock_advance(348000);
    timers_run();
    g_assert_cmpuint(in8(&f, IIR), ==, 0xcc);
    in8(&f, RBR);
    in8(&f, RBR);
    clock_advance(NS_PER_SEC);
    timers_run();
    g_assert_cmpuint(in8(&f, IIR), ==, 0xc1); /* empty FIFO: no timeout */

    /* lowest priority last: a modem status change */
    out8(&f, MCR, 0x11);
    g_assert_cmpuint(in8(&f, IIR), ==, 0xc0);
    in8(&f, MSR);

    /* ERBFI off hides received data; ELSI off hides overrun */
    out8(&f, IER, 0x00);
    for (int i = 0; i < 17; i++) {
        out8(&f, THR, i);
    }
    g_assert_cmpuint(in8(&f, IIR), ==, 0xc1);
    fixture_fini(&f);
}

static void test_thre_interrupt(void)
{
    Fixture f;
    fixture_init(&f, NULL);
    out8(&f, MCR, 0x08); /* OUT2 */
    g_assert_cmpuint(in8(&f, IIR), ==, 0x01);
    out8(&f, IER, 0x02);
    g_assert_cmpint(f.irq_rec.level, ==, 1);
    g_assert_cmpint(f.irq_rec.raises, ==, 1);
    g_assert_cmpuint(in8(&f, IIR), ==, 0x02);
    g_assert_cmpint(f.irq_rec.level, ==, 0);
    g_assert_cmpuint(in8(&f, IIR), ==, 0x01); /* stays acknowledged */
    out8(&f, IER, 0x02);                      /* still enabled: no new one */
    g_assert_cmpint(f.irq_rec.level, ==, 0);

    out8(&f, THR, 'x'); /* sent at once, THR empty again: interrupt */
    g_assert_cmpint(f.irq_rec.level, ==, 1);
    g_assert_cmpint(f.irq_rec.raises, ==, 2);
    g_assert_cmpuint(in8(&f, LSR), ==, 0x60);
    out8(&f, IER, 0x00); /* disabling drops the line */
    g_assert_cmpint(f.irq_rec.level, ==, 0);
    g_assert_cmpuint(in8(&f, IIR), ==, 0x01);
    out8(&f, IER, 0x02); /* enabling again with THR empty raises it again */
    g_assert_cmpint(f.irq_rec.level, ==, 1);
    g_assert_cmpint(f.irq_rec.raises, ==, 3);
    fixture_fini(&f);
}

/* The PC's adapter passes INTR to the IRQ line only while the OUT2 pin is
 * active; loopback forces the pin inactive. */
static void test_irq_out2_gate(void)
{
    Fixture f;
    fixture_init(&f, NULL);
    out8(&f, MCR, 0x03);
    out8(&f, IER, 0x02);
    g_assert_cmpint(f.irq_rec.level, ==, 0); /* THRE pending, gate shut */
    out8(&f, MCR, 0x0b);
    g_assert_cmpint(f.irq_rec.level, ==, 1);
    out8(&f, MCR, 0x1b);
    g_assert_cmpint(f.irq_rec.level, ==, 0); /* loopback: OUT2 pin inactive */
    out8(&f, MCR, 0x0b);
    g_assert_cmpint(f.irq_rec.level, ==, 1);
    g_assert_cmpint(f.irq_rec.raises, ==, 2);
    g_assert_cmpuint(in8(&f, IIR), ==, 0x02);
    g_assert_cmpint(f.irq_rec.level, ==, 0);

    /* received data: RDA, then timeout, both reach the line */
    out8(&f, FCR, 0x81); /* trigger 8 */
    in8(&f, IIR);
    out8(&f, IER, 0x01);
    out8(&f, MCR, 0x1b);
    for (int i = 0; i < 8; i++) {
        out8(&f, THR, i);
    }
    g_assert_cmpuint(in8(&f, IIR), ==, 0xc4);
    g_assert_cmpint(f.irq_rec.level, ==, 0);
    out8(&f, MCR, 0x0b); /* leaving loopback keeps the FIFO's data */
    g_assert_cmpint(f.irq_rec.level, ==, 1);
    in8(&f, RBR);
    g_assert_cmpint(f.irq_rec.level, ==, 0); /* 7 left: below the trigger */
    clock_advance(NS_PER_SEC);
    timers_run();
    g_assert_cmpuint(in8(&f, IIR), ==, 0xcc);
    g_assert_cmpint(f.irq_rec.level, ==, 1);
    fixture_fini(&f);
}

/* ---- input through a real chardev: a pty, as a user's terminal would be ---- */

static void iterate_until(Fixture *f, uint8_t lsr_bits, bool set)
{
    gint64 end = g_get_monotonic_time() + 3 * G_USEC_PER_SEC;
    while (((in8(f, LSR) & lsr_bits) != 0) != set && g_get_monotonic_time() < end) {
        g_main_context_iteration(NULL, FALSE);
        g_usleep(1000);
    }
}

static void iterate_a_while(void)
{
    for (int i = 0; i < 50; i++) {
        g_main_context_iteration(NULL, FALSE);
        g_usleep(1000);
    }
}

static void test_chardev_io(void)
{
    Fixture f;
    char *err = NULL;
    Chardev *probe = chr_new("pty", &err);
    if (!probe) {
        g_test_skip(err);
        g_free(err);
        return;
    }
    chr_close(probe);
    fixture_init(&f, "pty");
    int slave = open(chr_pty_path(f.chr), O_RDWR | O_NOCTTY);
    g_assert_cmpint(slave, >=, 0);

    /* output: THR bytes arrive at the far end untouched (raw pty) */
    out8(&f, LCR, 0x03);
    out8(&f, THR, 'O');
    out8(&f, THR, '\n');
    char got[8] = { 0 };
    g_assert_cmpint(read(slave, got, 2), ==, 2);
    g_assert_cmpstr(got, ==, "O\n");

    /* input in 16450 mode: one character at a time, the rest held back */
    g_assert_cmpint(write(slave, "hi!", 3), ==, 3);
    iterate_until(&f, 0x01, true);
    iterate_a_while();
    g_assert_cmpuint(in8(&f, LSR), ==, 0x61); /* no overrun: flow control */
    g_assert_cmpuint(in8(&f, RBR), ==, 'h');
    iterate_until(&f, 0x01, true);
    g_assert_cmpuint(in8(&f, RBR), ==, 'i');
    iterate_until(&f, 0x01, true);
    g_assert_cmpuint(in8(&f, RBR), ==, '!');
    g_assert_cmpuint(in8(&f, LSR), ==, 0x60);

    /* FIFO mode: up to 16 at once, the rest waits for room */
    out8(&f, FCR, 0xc1); /* trigger 14 */
    out8(&f, MCR, 0x08);
    out8(&f, IER, 0x01);
    const char *msg = "abcdefghijklmnopqrstuvwxyz";
    g_assert_cmpint(write(slave, msg, 26), ==, 26);
    gint64 end = g_get_monotonic_time() + 3 * G_USEC_PER_SEC;
    while (in8(&f, IIR) != 0xc4 && g_get_monotonic_time() < end) {
        g_main_context_iteration(NULL, FALSE);
    }
    g_assert_cmpint(f.irq_rec.level, ==, 1);
    iterate_a_while();
    g_assert_cmpuint(in8(&f, LSR), ==, 0x61);
    GString *rx = g_string_new(NULL);
    while (rx->len < 26) {
        iterate_until(&f, 0x01, true);
        if (!(in8(&f, LSR) & 0x01)) {
            break;
        }
        g_string_append_c(rx, in8(&f, RBR));
    }
    g_assert_cmpstr(rx->str, ==, msg);
    g_assert_cmpuint(in8(&f, LSR), ==, 0x60);
    g_string_free(rx, TRUE);

    /* loopback disconnects SIN: host input waits until it ends */
    out8(&f, MCR, 0x10);
    g_assert_cmpint(write(slave, "L", 1), ==, 1);
    iterate_a_while();
    g_assert_cmpuint(in8(&f, LSR) & 0x01, ==, 0);
    out8(&f, MCR, 0x00);
    iterate_until(&f, 0x01, true);
    g_assert_cmpuint(in8(&f, RBR), ==, 'L');
    close(slave);
    fixture_fini(&f);
}

static void test_debugcon(void)
{
    Fixture f;
    char *path = fixture_init_file(&f);
    char *err = NULL;
    char *dspec = g_strconcat("file:", path, ".dbg", NULL);
    Chardev *dbg = chr_new(dspec, &err);
    g_assert_nonnull(dbg);
    debugcon_create(&f.m, 0xe9, dbg);
    g_assert_cmpuint(in8(&f, 0xe9), ==, 0xe9);
    for (const char *p = "boot ok\n"; *p; p++) {
        out8(&f, 0xe9, *p);
    }
    chr_close(dbg);
    char *dpath = g_strconcat(path, ".dbg", NULL);
    char *text = file_contents(dpath);
    g_assert_cmpstr(text, ==, "boot ok\n");
    g_free(text);
    g_unlink(dpath);
    g_free(dpath);
    g_free(dspec);
    g_unlink(path);
    g_free(path);
    fixture_fini(&f);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/serial/reset-values", test_reset_values);
    g_test_add_func("/serial/divisor-scratch", test_divisor_and_scratch);
    g_test_add_func("/serial/loopback-data", test_loopback_data);
    g_test_add_func("/serial/loopback-modem", test_loopback_modem);
    g_test_add_func("/serial/fifo-overrun", test_fifo_overrun);
    g_test_add_func("/serial/iir-priority", test_iir_priority);
    g_test_add_func("/serial/thre-interrupt", test_thre_interrupt);
    g_test_add_func("/serial/irq-out2-gate", test_irq_out2_gate);
    g_test_add_func("/serial/chardev-io", test_chardev_io);
    g_test_add_func("/debugcon/write-read", test_debugcon);
    return g_test_run();
}
