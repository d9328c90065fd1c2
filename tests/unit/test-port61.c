/*
 * Port 0x61 with the PIT behind it, on the manual clock: the gate of
 * channel 2, OUT2 in bit 5 the way Linux calibrates the TSC, and the
 * refresh toggle.
 */
#include <glib.h>

#include "hw/core/timer.h"
#include "hw/misc/port61.h"

static Machine m;
static PITState *pit;

static void outb(uint16_t port, uint8_t v)
{
    as_write(m.io, port, v, 1);
}

static uint8_t inb(uint16_t port)
{
    return as_read(m.io, port, 1);
}

static int64_t tick_at(int64_t ns)
{
    return (int64_t)((__int128)ns * 1193182 / 1000000000);
}

static void setup(void)
{
    clock_set_manual(true);
    m = (Machine){ 0 };
    m.mem = as_create("memory", 1ull << 32);
    m.io = as_create("io", 0x10000);
    pit = i8254_create(&m, 0x40, NULL);
    port61_create(&m, pit);
}

static void teardown(void)
{
    g_ptr_array_free(m.owned, TRUE);
    g_array_free(m.reset_hooks, TRUE);
    as_destroy(m.io);
    as_destroy(m.mem);
    clock_set_manual(false);
}

static uint16_t latch2(void)
{
    outb(0x43, 0x80);
    uint16_t lo = inb(0x42);
    return lo | inb(0x42) << 8;
}

static void test_bits(void)
{
    setup();
    g_assert_cmphex(inb(0x61) & 0x0f, ==, 0);
    outb(0x61, 0xff); /* bits 7-4 are read-only */
    g_assert_cmphex(inb(0x61) & 0xcf, ==, 0x0f);
    g_assert_cmpint(i8254_get_gate(pit, 2), ==, 1);
    outb(0x61, 0x02);
    g_assert_cmphex(inb(0x61) & 0xcf, ==, 0x02);
    g_assert_cmpint(i8254_get_gate(pit, 2), ==, 0);
    outb(0x61, 0x0d);
    machine_reset(&m);
    g_assert_cmphex(inb(0x61) & 0x0f, ==, 0);
    g_assert_cmpint(i8254_get_gate(pit, 2), ==, 0);
    teardown();
}

static void test_gate_counts(void)
{
    setup();
    outb(0x43, 0xb0); /* ch2 mode 0 */
    outb(0x42, 0x00);
    outb(0x42, 0x10); /* 4096 */
    clock_advance(1000000);
    g_assert_cmpint(latch2(), ==, 4096); /* gate closed: loaded, not counting */
    outb(0x61, 0x01);
    int64_t opened = tick_at(clock_ns());
    clock_advance(1000000);
    g_assert_cmpint(latch2(), ==, 4096 - (tick_at(clock_ns()) - opened));
    outb(0x61, 0x00);
    uint16_t held = latch2();
    clock_advance(1000000);
    g_assert_cmpint(latch2(), ==, held);
    teardown();
}

/* arch/x86/kernel/tsc.c pit_calibrate_tsc(): gate on, speaker off, mode 0,
 * then poll bit 5 until OUT2 rises. */
static void test_linux_calibration(void)
{
    setup();
    const uint16_t latch = 1193182 / (1000 / 50); /* 50 ms */
    clock_advance(12345);
    outb(0x61, (inb(0x61) & ~0x02) | 0x01);
    outb(0x43, 0xb0);
    outb(0x42, latch & 0xff);
    outb(0x42, latch >> 8);
    int64_t written = clock_ns();
    g_assert_cmphex(inb(0x61) & 0x20, ==, 0);
    int polls = 0;
    while (!(inb(0x61) & 0x20)) {
        clock_advance(1000);
        polls++;
        g_assert_cmpint(polls, <, 100000);
    }
    /* OUT rises on the edge N + 1 after the write */
    int64_t elapsed = clock_ns() - written;
    int64_t expect = (int64_t)(latch + 1) * 1000000000 / 1193182;
    g_assert_cmpint(elapsed, >=, expect - 1000);
    g_assert_cmpint(elapsed, <=, expect + 1000);
    g_assert_cmpint(tick_at(clock_ns()), >=, tick_at(written) + latch + 1);
    g_assert_cmpint(tick_at(clock_ns() - 1000), <, tick_at(written) + latch + 1);
    /* and stays high */
    clock_advance(10000000);
    g_assert_cmphex(inb(0x61) & 0x20, ==, 0x20);
    teardown();
}

static void test_refresh_toggle(void)
{
    setup();
    g_assert_cmphex(inb(0x61) & 0x10, ==, 0);
    clock_advance(15084);
    g_assert_cmphex(inb(0x61) & 0x10, ==, 0);
    clock_advance(1);
    g_assert_cmphex(inb(0x61) & 0x10, ==, 0x10);
    clock_advance(15085);
    g_assert_cmphex(inb(0x61) & 0x10, ==, 0);
    /* about 66,290 toggles a second */
    int toggles = 0;
    uint8_t last = inb(0x61) & 0x10;
    for (int i = 0; i < 100000; i++) {
        clock_advance(1000);
        uint8_t now = inb(0x61) & 0x10;
        toggles += now != last;
        last = now;
    }
    g_assert_cmpint(toggles, >=, 6628);
    g_assert_cmpint(toggles, <=, 6630);
    teardown();
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/port61/bits", test_bits);
    g_test_add_func("/port61/gate-counts", test_gate_counts);
    g_test_add_func("/port61/linux-calibration", test_linux_calibration);
    g_test_add_func("/port61/refresh-toggle", test_refresh_toggle);
    return g_test_run();
}
