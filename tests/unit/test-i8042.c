/*
 * 8042 keyboard controller through ports 0x60/0x64, as firmware and Linux's
 * i8042 driver drive it: controller self-test and command byte, the PS/2
 * keyboard and mouse protocols, IRQ1/IRQ12, and the reset line.
 */
#include <glib.h>

#include "hw/input/i8042.h"
#include "system/runstate.h"

#define DATA 0x60
#define CMD 0x64

#define STAT_OBF 0x01
#define STAT_SYS 0x04
#define STAT_A2 0x08
#define STAT_KEYLOCK 0x10
#define STAT_AUXB 0x20

typedef struct TestMachine {
    Machine m;
    IrqLine irq[2];
    int level[2];
    int edges[2];
} TestMachine;

static void irq_handler(void *opaque, int n, int level)
{
    TestMachine *t = opaque;
    if (level && !t->level[n]) {
        t->edges[n]++;
    }
    t->level[n] = level;
}

static void tm_init(TestMachine *t)
{
    *t = (TestMachine){ 0 };
    t->m.mem = as_create("memory", 1ull << 32);
    t->m.io = as_create("io", 0x10000);
    t->irq[0] = (IrqLine){ .handler = irq_handler, .opaque = t, .n = 0 };
    t->irq[1] = (IrqLine){ .handler = irq_handler, .opaque = t, .n = 1 };
    i8042_create(&t->m, &t->irq[0], &t->irq[1]);
    runstate_take_reset();
}

static void tm_free(TestMachine *t)
{
    g_ptr_array_free(t->m.owned, TRUE);
    g_array_free(t->m.reset_hooks, TRUE);
    as_destroy(t->m.io);
    as_destroy(t->m.mem);
}

static uint8_t status(TestMachine *t)
{
    return as_read(t->m.io, CMD, 1);
}

static void command(TestMachine *t, uint8_t c)
{
    as_write(t->m.io, CMD, c, 1);
}

static void data_write(TestMachine *t, uint8_t v)
{
    as_write(t->m.io, DATA, v, 1);
}

/* The next output byte: OBF must be set, and AUXB must say where it came from. */
static uint8_t data_read(TestMachine *t, bool aux)
{
    uint8_t st = status(t);
    g_assert_cmphex(st & STAT_OBF, ==, STAT_OBF);
    g_assert_cmphex(st & STAT_AUXB, ==, aux ? STAT_AUXB : 0);
    return as_read(t->m.io, DATA, 1);
}

static void assert_empty(TestMachine *t)
{
    g_assert_cmphex(status(t) & STAT_OBF, ==, 0);
}

static void test_self_test(void)
{
    TestMachine t;
    tm_init(&t);
    uint8_t st = status(&t);
    g_assert_cmphex(st & STAT_OBF, ==, 0);
    g_assert_cmphex(st & STAT_KEYLOCK, ==, STAT_KEYLOCK);
    command(&t, 0xaa);
    g_assert_cmphex(status(&t) & (STAT_A2 | STAT_SYS), ==, STAT_A2 | STAT_SYS);
    g_assert_cmphex(data_read(&t, false), ==, 0x55);
    assert_empty(&t);
    /* the buffer keeps its last byte when read empty */
    g_assert_cmphex(as_read(t.m.io, DATA, 1), ==, 0x55);
    command(&t, 0xab); /* keyboard interface test */
    g_assert_cmphex(data_read(&t, false), ==, 0x00);
    command(&t, 0xa9); /* aux interface test */
    g_assert_cmphex(data_read(&t, false), ==, 0x00);
    tm_free(&t);
}

static void test_command_byte(void)
{
    TestMachine t;
    tm_init(&t);
    command(&t, 0x20);
    uint8_t ctr = data_read(&t, false);
    g_assert_cmphex(ctr & 0x04, ==, 0x04); /* SYS: POST passed */
    command(&t, 0x60);
    g_assert_cmphex(status(&t) & STAT_A2, ==, STAT_A2);
    data_write(&t, 0x47);
    g_assert_cmphex(status(&t) & STAT_A2, ==, 0);
    command(&t, 0x20);
    g_assert_cmphex(data_read(&t, false), ==, 0x47);
    /* the command byte's SYS bit is the status register's */
    command(&t, 0x60);
    data_write(&t, 0x00);
    g_assert_cmphex(status(&t) & STAT_SYS, ==, 0);
    /* 0xad/0xae and 0xa7/0xa8 flip the disable bits 4 and 5 */
    command(&t, 0xad);
    command(&t, 0xa7);
    command(&t, 0x20);
    g_assert_cmphex(data_read(&t, false), ==, 0x30);
    command(&t, 0xae);
    command(&t, 0x20);
    g_assert_cmphex(data_read(&t, false), ==, 0x20);
    command(&t, 0xa8);
    command(&t, 0x20);
    g_assert_cmphex(data_read(&t, false), ==, 0x00);
    /* other RAM bytes hold what is written */
    command(&t, 0x65);
    data_write(&t, 0x9c);
    command(&t, 0x25);
    g_assert_cmphex(data_read(&t, false), ==, 0x9c);
    /* a machine reset restores the command byte */
    machine_reset(&t.m);
    command(&t, 0x20);
    g_assert_cmphex(data_read(&t, false), ==, ctr);
    tm_free(&t);
}

static void test_keyboard(void)
{
    TestMachine t;
    tm_init(&t);
    data_write(&t, 0xff); /* reset */
    g_assert_cmphex(data_read(&t, false), ==, 0xfa);
    g_assert_cmphex(data_read(&t, false), ==, 0xaa);
    assert_empty(&t);

    data_write(&t, 0xf2); /* identify: MF-II */
    g_assert_cmphex(data_read(&t, false), ==, 0xfa);
    g_assert_cmphex(data_read(&t, false), ==, 0xab);
    g_assert_cmphex(data_read(&t, false), ==, 0x83);
    assert_empty(&t);

    data_write(&t, 0xee);
    g_assert_cmphex(data_read(&t, false), ==, 0xee);
    data_write(&t, 0xf5);
    g_assert_cmphex(data_read(&t, false), ==, 0xfa);
    data_write(&t, 0xf4);
    g_assert_cmphex(data_read(&t, false), ==, 0xfa);

    /* parameter commands ACK the command and then the parameter */
    data_write(&t, 0xed);
    g_assert_cmphex(data_read(&t, false), ==, 0xfa);
    data_write(&t, 0x07);
    g_assert_cmphex(data_read(&t, false), ==, 0xfa);
    data_write(&t, 0xf3);
    g_assert_cmphex(data_read(&t, false), ==, 0xfa);
    data_write(&t, 0x20);
    g_assert_cmphex(data_read(&t, false), ==, 0xfa);
    assert_empty(&t);

    /* scancode set: get (0) answers the set; set 3, then get */
    data_write(&t, 0xf0);
    data_write(&t, 0x00);
    g_assert_cmphex(data_read(&t, false), ==, 0xfa);
    g_assert_cmphex(data_read(&t, false), ==, 0xfa);
    g_assert_cmphex(data_read(&t, false), ==, 2);
    data_write(&t, 0xf0);
    data_write(&t, 0x03);
    data_write(&t, 0xf0);
    data_write(&t, 0x00);
    for (int i = 0; i < 4; i++) { /* F0, 03, F0, 00 */
        g_assert_cmphex(data_read(&t, false), ==, 0xfa);
    }
    g_assert_cmphex(data_read(&t, false), ==, 3);

    /* a command where a parameter was due starts that command */
    data_write(&t, 0xed);
    data_write(&t, 0xee);
    g_assert_cmphex(data_read(&t, false), ==, 0xfa);
    g_assert_cmphex(data_read(&t, false), ==, 0xee);

    /* unknown commands ask for a resend; resend repeats the last byte */
    data_write(&t, 0x42);
    g_assert_cmphex(data_read(&t, false), ==, 0xfe);
    data_write(&t, 0xee);
    g_assert_cmphex(data_read(&t, false), ==, 0xee);
    data_write(&t, 0xfe);
    g_assert_cmphex(data_read(&t, false), ==, 0xee);
    assert_empty(&t);

    /* the queue is bounded: a flood of commands cannot grow it */
    for (int i = 0; i < 1000; i++) {
        data_write(&t, 0xee);
    }
    int n = 0;
    while (status(&t) & STAT_OBF) {
        g_assert_cmphex(as_read(t.m.io, DATA, 1), ==, 0xee);
        n++;
    }
    g_assert_cmpint(n, >=, 2);
    g_assert_cmpint(n, <=, 32);
    tm_free(&t);
}

static void test_irq(void)
{
    TestMachine t;
    tm_init(&t);
    g_assert_cmpint(t.level[0], ==, 0);
    /* the reset command byte enables IRQ1 */
    data_write(&t, 0xff);
    g_assert_cmpint(t.level[0], ==, 1);
    g_assert_cmpint(t.edges[0], ==, 1);
    /* reading the first byte ends that interrupt and the second starts another */
    g_assert_cmphex(as_read(t.m.io, DATA, 1), ==, 0xfa);
    g_assert_cmpint(t.edges[0], ==, 2);
    g_assert_cmpint(t.level[0], ==, 1);
    g_assert_cmphex(as_read(t.m.io, DATA, 1), ==, 0xaa);
    g_assert_cmpint(t.level[0], ==, 0);
    g_assert_cmpint(t.edges[1], ==, 0);

    /* with bit 0 of the command byte clear, no IRQ1 */
    command(&t, 0x60);
    data_write(&t, 0x44);
    data_write(&t, 0xee);
    g_assert_cmphex(status(&t) & STAT_OBF, ==, STAT_OBF);
    g_assert_cmpint(t.level[0], ==, 0);
    /* enabling it with a byte waiting raises the line */
    command(&t, 0x60);
    data_write(&t, 0x45);
    g_assert_cmpint(t.level[0], ==, 1);
    as_read(t.m.io, DATA, 1);
    g_assert_cmpint(t.level[0], ==, 0);

    /* the keyboard interface disabled: its bytes wait, controller bytes do not */
    command(&t, 0xad);
    data_write(&t, 0xee);
    assert_empty(&t);
    command(&t, 0xaa);
    g_assert_cmphex(data_read(&t, false), ==, 0x55);
    assert_empty(&t);
    command(&t, 0xae);
    g_assert_cmpint(t.level[0], ==, 1);
    g_assert_cmphex(data_read(&t, false), ==, 0xee);
    g_assert_cmpint(t.level[0], ==, 0);
    tm_free(&t);
}

static void test_aux(void)
{
    TestMachine t;
    tm_init(&t);
    /* IRQ12 on: command byte bit 1 */
    command(&t, 0x60);
    data_write(&t, 0x47);
    command(&t, 0xd4);
    data_write(&t, 0xff);
    g_assert_cmpint(t.level[1], ==, 1);
    g_assert_cmpint(t.level[0], ==, 0);
    g_assert_cmphex(data_read(&t, true), ==, 0xfa);
    g_assert_cmphex(data_read(&t, true), ==, 0xaa);
    g_assert_cmphex(data_read(&t, true), ==, 0x00);
    g_assert_cmpint(t.level[1], ==, 0);
    g_assert_cmpint(t.edges[1], ==, 3);
    assert_empty(&t);

    command(&t, 0xd4);
    data_write(&t, 0xf2);
    g_assert_cmphex(data_read(&t, true), ==, 0xfa);
    g_assert_cmphex(data_read(&t, true), ==, 0x00);

    /* sample rate 200, then status: ACK, flags, resolution, rate */
    command(&t, 0xd4);
    data_write(&t, 0xf3);
    command(&t, 0xd4);
    data_write(&t, 200);
    command(&t, 0xd4);
    data_write(&t, 0xf4);
    command(&t, 0xd4);
    data_write(&t, 0xe9);
    for (int i = 0; i < 4; i++) {
        g_assert_cmphex(data_read(&t, true), ==, 0xfa);
    }
    g_assert_cmphex(data_read(&t, true), ==, 0x20); /* reporting enabled, stream mode */
    g_assert_cmphex(data_read(&t, true), ==, 2);
    g_assert_cmphex(data_read(&t, true), ==, 200);
    assert_empty(&t);

    /* 0xd3 puts a byte in the buffer as mouse data (Linux's AUX probe) */
    command(&t, 0xd3);
    data_write(&t, 0x5a);
    g_assert_cmphex(data_read(&t, true), ==, 0x5a);
    /* 0xd2 likewise as keyboard data */
    command(&t, 0xd2);
    data_write(&t, 0xa5);
    g_assert_cmphex(data_read(&t, false), ==, 0xa5);

    /* without bit 1, mouse bytes raise no IRQ12 */
    command(&t, 0x60);
    data_write(&t, 0x45);
    command(&t, 0xd4);
    data_write(&t, 0xf2);
    g_assert_cmpint(t.level[1], ==, 0);
    g_assert_cmpint(t.level[0], ==, 0);
    g_assert_cmphex(data_read(&t, true), ==, 0xfa);
    g_assert_cmphex(data_read(&t, true), ==, 0x00);
    tm_free(&t);
}

static void test_reset_line(void)
{
    TestMachine t;
    tm_init(&t);
    /* output port: reset line high (not in reset), A20 on */
    command(&t, 0xd0);
    g_assert_cmphex(data_read(&t, false) & 0x03, ==, 0x03);
    /* A20 off through the output port: stored, no reset */
    command(&t, 0xd1);
    data_write(&t, 0x01);
    g_assert_false(runstate_take_reset());
    command(&t, 0xd0);
    g_assert_cmphex(data_read(&t, false) & 0x03, ==, 0x01);
    command(&t, 0xdf);
    command(&t, 0xd0);
    g_assert_cmphex(data_read(&t, false) & 0x03, ==, 0x03);
    /* bit 0 written 0 drives the system reset line */
    command(&t, 0xd1);
    data_write(&t, 0x02);
    g_assert_true(runstate_take_reset());
    machine_reset(&t.m);
    /* pulse commands: 0xff pulses nothing, 0xfe pulses bit 0 */
    command(&t, 0xff);
    g_assert_false(runstate_take_reset());
    command(&t, 0xfd); /* bit 1 only (A20 briefly) */
    g_assert_false(runstate_take_reset());
    command(&t, 0xfe);
    g_assert_true(runstate_take_reset());
    command(&t, 0xf0);
    g_assert_true(runstate_take_reset());
    assert_empty(&t);
    tm_free(&t);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/i8042/self-test", test_self_test);
    g_test_add_func("/i8042/command-byte", test_command_byte);
    g_test_add_func("/i8042/keyboard", test_keyboard);
    g_test_add_func("/i8042/irq", test_irq);
    g_test_add_func("/i8042/aux", test_aux);
    g_test_add_func("/i8042/reset-line", test_reset_line);
    return g_test_run();
}
