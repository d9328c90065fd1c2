/*
 * 8254 PIT through ports 0x40-0x43 on the manual clock, checked against the
 * 82C54 datasheet's timing: a count is loaded on the first clock edge after
 * it is written, then each edge decrements it.
 */
#include <glib.h>

#include "hw/core/timer.h"
#include "hw/timer/i8254.h"

static Machine m;
static PITState *pit;
static IrqLine *irq0;
static int irq_level;
static int64_t edges[4096];
static int nedges;

static void irq0_set(void *opaque, int n, int level)
{
    if (level && !irq_level && nedges < (int)G_N_ELEMENTS(edges)) {
        edges[nedges++] = clock_ns();
    }
    irq_level = level;
}

static void outb(uint16_t port, uint8_t v)
{
    as_write(m.io, port, v, 1);
}

static uint8_t inb(uint16_t port)
{
    return as_read(m.io, port, 1);
}

/* Clock edges of the 1.193182 MHz input up to time ns. */
static int64_t tick_at(int64_t ns)
{
    return (int64_t)((__int128)ns * 1193182 / 1000000000);
}

/* The first ns at which edge t has happened. */
static int64_t edge_ns(int64_t t)
{
    int64_t ns = (int64_t)((__int128)t * 1000000000 / 1193182);
    while (tick_at(ns) < t) {
        ns++;
    }
    return ns;
}

/* Move the clock to ns, running every timer at its exact deadline on the way. */
static void run_to(int64_t ns)
{
    for (;;) {
        int64_t next = timers_run();
        if (next < 0 || next > ns) {
            break;
        }
        clock_advance(next - clock_ns());
    }
    clock_advance(ns - clock_ns());
    timers_run();
}

static void setup(void)
{
    clock_set_manual(true);
    m = (Machine){ 0 };
    m.mem = as_create("memory", 1ull << 32);
    m.io = as_create("io", 0x10000);
    irq_level = 0;
    nedges = 0;
    irq0 = irq_line_new(irq0_set, NULL, 0);
    pit = i8254_create(&m, 0x40, irq0);
    nedges = 0;
    clock_advance(100); /* writes land mid-way through clock period 0 */
}

static void teardown(void)
{
    g_ptr_array_free(m.owned, TRUE);
    g_array_free(m.reset_hooks, TRUE);
    irq_lines_free(irq0);
    as_destroy(m.io);
    as_destroy(m.mem);
    clock_set_manual(false);
}

static void write_word(int ch, uint16_t v)
{
    outb(0x40 + ch, v & 0xff);
    outb(0x40 + ch, v >> 8);
}

static uint16_t latch_read(int ch)
{
    outb(0x43, ch << 6); /* counter latch command */
    uint16_t lo = inb(0x40 + ch);
    return lo | inb(0x40 + ch) << 8;
}

static void test_mode2_rate(void)
{
    setup();
    outb(0x43, 0x34); /* ch0, LSB then MSB, mode 2, binary: Linux's periodic tick */
    write_word(0, 1000);
    g_assert_cmpint(nedges, ==, 0); /* OUT was already high */
    run_to(edge_ns(1 + 10 * 1000));
    /* loaded on edge 1; OUT low while the count is 1, high again on reload */
    g_assert_cmpint(nedges, ==, 10);
    for (int k = 1; k <= 10; k++) {
        g_assert_cmpint(edges[k - 1], ==, edge_ns(1 + k * 1000));
    }
    run_to(edge_ns(1 + 1000) * 1000 - 1);
    int n = nedges;
    g_assert_cmpint(n, >=, 999);
    g_assert_cmpint(n, <=, 1001);
    /* OUT is low exactly for the edge at which the count is 1 */
    run_to(edge_ns(1 + 2000 * 1000 - 1) - 1);
    g_assert_cmpint(i8254_get_out(pit, 0), ==, 1);
    run_to(edge_ns(1 + 2000 * 1000 - 1));
    g_assert_cmpint(i8254_get_out(pit, 0), ==, 0);
    run_to(edge_ns(1 + 2000 * 1000));
    g_assert_cmpint(i8254_get_out(pit, 0), ==, 1);
    teardown();
}

/* Callbacks that run late do not shift the edges: deadlines stay on the grid. */
static void test_mode2_phase(void)
{
    setup();
    outb(0x43, 0x34);
    write_word(0, 1193);
    for (int i = 0; i < 500; i++) {
        clock_advance(2345677); /* about two periods, never on an edge */
        int64_t next = timers_run();
        int64_t t = tick_at(next);
        g_assert_cmpint((t - 1) % 1193, ==, 0);
        g_assert_cmpint(tick_at(next - 1), ==, t - 1);
        g_assert_cmpint(t, >, tick_at(clock_ns()));
        g_assert_cmpint(t - tick_at(clock_ns()), <=, 1193);
    }
    teardown();
}

static void test_mode0_oneshot(void)
{
    setup();
    outb(0x43, 0x30); /* ch0 mode 0 */
    g_assert_cmpint(irq_level, ==, 0); /* OUT goes low on the control word */
    write_word(0, 100);
    /* datasheet: OUT goes high N + 1 clocks after the count is written */
    run_to(edge_ns(101) - 1);
    g_assert_cmpint(irq_level, ==, 0);
    g_assert_cmpint(i8254_get_out(pit, 0), ==, 0);
    run_to(edge_ns(101));
    g_assert_cmpint(irq_level, ==, 1);
    g_assert_cmpint(nedges, ==, 1);
    g_assert_cmpint(edges[0], ==, edge_ns(101));
    /* stays high while the counter wraps on: 0, 0xffff, ... */
    run_to(edge_ns(105));
    g_assert_cmpint(latch_read(0), ==, 0x10000 - 4);
    g_assert_cmpint(i8254_get_out(pit, 0), ==, 1);
    /* a new count drops OUT and starts over */
    write_word(0, 10);
    g_assert_cmpint(irq_level, ==, 0);
    run_to(edge_ns(105 + 11) - 1);
    g_assert_cmpint(irq_level, ==, 0);
    run_to(edge_ns(105 + 11));
    g_assert_cmpint(irq_level, ==, 1);
    /* mode 0 word write: the first byte stops counting and lowers OUT */
    outb(0x40, 50);
    g_assert_cmpint(irq_level, ==, 0);
    uint16_t held = latch_read(0);
    run_to(edge_ns(200));
    g_assert_cmpint(latch_read(0), ==, held);
    outb(0x40, 0);
    run_to(edge_ns(200 + 51));
    g_assert_cmpint(irq_level, ==, 1);
    teardown();
}

static void test_latch(void)
{
    setup();
    outb(0x43, 0x30);
    write_word(0, 50000);
    int64_t times[] = { 5000, 123456, 1000000, 9999999, 30000000 };
    uint16_t last = 50001;
    for (size_t i = 0; i < G_N_ELEMENTS(times); i++) {
        run_to(times[i]);
        uint16_t v = latch_read(0);
        g_assert_cmpint(v, ==, 50000 - (tick_at(times[i]) - 1));
        g_assert_cmpint(v, <, last);
        last = v;
    }
    /* the latch holds its value, and a second latch before reading is ignored */
    outb(0x43, 0x00);
    uint16_t expect = 50000 - (tick_at(clock_ns()) - 1);
    run_to(clock_ns() + 1000000);
    outb(0x43, 0x00);
    uint16_t lo = inb(0x40);
    g_assert_cmpint(lo | inb(0x40) << 8, ==, expect);
    /* unlatched reads follow the counter */
    uint16_t now = 50000 - (tick_at(clock_ns()) - 1);
    lo = inb(0x40);
    g_assert_cmpint(lo | inb(0x40) << 8, ==, now);
    teardown();
}

static void test_readback(void)
{
    setup();
    outb(0x43, 0xb4); /* ch2, word, mode 2 */
    outb(0x43, 0xe8); /* read-back: status of counter 2 */
    /* OUT high, null count, RW=11, mode 010, binary */
    g_assert_cmphex(inb(0x42), ==, 0xf4);
    write_word(2, 0x1234);
    outb(0x43, 0xe8);
    g_assert_cmphex(inb(0x42), ==, 0xf4); /* not loaded until the next edge */
    run_to(edge_ns(1));
    outb(0x43, 0xe8);
    g_assert_cmphex(inb(0x42), ==, 0xb4);
    /* gate 2 is low: the loaded count does not move */
    run_to(edge_ns(100));
    outb(0x43, 0xc8); /* count and status: status comes first */
    g_assert_cmphex(inb(0x42), ==, 0xb4);
    g_assert_cmphex(inb(0x42), ==, 0x34);
    g_assert_cmphex(inb(0x42), ==, 0x12);

    outb(0x43, 0x31); /* ch0, mode 0, BCD */
    outb(0x43, 0xe2);
    g_assert_cmphex(inb(0x40), ==, 0x71); /* OUT low, null count, mode 0, BCD */
    write_word(0, 0x0005);
    run_to(edge_ns(100 + 1 + 5));
    outb(0x43, 0xe2);
    g_assert_cmphex(inb(0x40), ==, 0xb1);
    /* count latch via read-back of two counters at once */
    i8254_set_gate(pit, 2, 1); /* mode 2: the trigger reloads on the next edge */
    run_to(edge_ns(100 + 1 + 5 + 1));
    outb(0x43, 0xda); /* count only, counters 0 and 2 */
    uint16_t c0 = inb(0x40);
    c0 |= inb(0x40) << 8;
    g_assert_cmphex(c0, ==, 0x9999); /* BCD wraps 0 -> 9999 */
    uint16_t c2 = inb(0x42);
    c2 |= inb(0x42) << 8;
    g_assert_cmphex(c2, ==, 0x1234);
    teardown();
}

static void test_mode3_square(void)
{
    setup();
    i8254_set_gate(pit, 2, 1);
    outb(0x43, 0xb6); /* ch2 mode 3: the PC speaker's square wave */
    write_word(2, 1000);
    /* even count: high for N/2 edges, low for N/2 */
    static const struct { int64_t tick; int out; } even[] = {
        { 1, 1 }, { 500, 1 }, { 501, 0 }, { 1000, 0 }, { 1001, 1 }, { 1500, 1 }, { 1501, 0 },
    };
    for (size_t i = 0; i < G_N_ELEMENTS(even); i++) {
        run_to(edge_ns(even[i].tick));
        g_assert_cmpint(i8254_get_out(pit, 2), ==, even[i].out);
    }
    /* counts down by two, reloading each half */
    run_to(edge_ns(1001));
    g_assert_cmpint(latch_read(2), ==, 1000);
    run_to(edge_ns(1002));
    g_assert_cmpint(latch_read(2), ==, 998);
    run_to(edge_ns(1501));
    g_assert_cmpint(latch_read(2), ==, 1000);

    /* odd count: high (N+1)/2, low (N-1)/2 */
    outb(0x43, 0xb6);
    int64_t w = tick_at(clock_ns());
    write_word(2, 5);
    int pattern[] = { 1, 1, 1, 0, 0, 1, 1, 1, 0, 0 };
    for (int i = 0; i < 10; i++) {
        run_to(edge_ns(w + 1 + i));
        g_assert_cmpint(i8254_get_out(pit, 2), ==, pattern[i]);
    }

    /* channel 0 in mode 3 raises IRQ0 once per period */
    outb(0x43, 0x36);
    w = tick_at(clock_ns());
    nedges = 0;
    write_word(0, 600);
    run_to(edge_ns(w + 1 + 5 * 600));
    g_assert_cmpint(nedges, ==, 5);
    g_assert_cmpint(edges[4], ==, edge_ns(w + 1 + 5 * 600));
    teardown();
}

static void test_bcd(void)
{
    setup();
    i8254_set_gate(pit, 2, 1);
    outb(0x43, 0xb1); /* ch2 mode 0 BCD */
    write_word(2, 0x0100);
    run_to(edge_ns(51));
    g_assert_cmphex(latch_read(2), ==, 0x0050);
    run_to(edge_ns(100));
    g_assert_cmphex(latch_read(2), ==, 0x0001);
    g_assert_cmpint(i8254_get_out(pit, 2), ==, 0);
    run_to(edge_ns(101));
    g_assert_cmpint(i8254_get_out(pit, 2), ==, 1);
    g_assert_cmphex(latch_read(2), ==, 0x0000);
    run_to(edge_ns(102));
    g_assert_cmphex(latch_read(2), ==, 0x9999);
    /* count 0 is 10000 in BCD */
    outb(0x43, 0xb1);
    int64_t w = tick_at(clock_ns());
    write_word(2, 0);
    run_to(edge_ns(w + 2));
    g_assert_cmphex(latch_read(2), ==, 0x9999);
    run_to(edge_ns(w + 10000));
    g_assert_cmpint(i8254_get_out(pit, 2), ==, 0);
    run_to(edge_ns(w + 10001));
    g_assert_cmpint(i8254_get_out(pit, 2), ==, 1);
    /* binary count 0 is 65536 */
    outb(0x43, 0xb0);
    w = tick_at(clock_ns());
    write_word(2, 0);
    run_to(edge_ns(w + 65536));
    g_assert_cmpint(i8254_get_out(pit, 2), ==, 0);
    run_to(edge_ns(w + 65537));
    g_assert_cmpint(i8254_get_out(pit, 2), ==, 1);
    teardown();
}

static void test_access_modes(void)
{
    setup();
    i8254_set_gate(pit, 2, 1);
    outb(0x43, 0x90); /* ch2 mode 0, LSB only */
    outb(0x42, 0x20);
    run_to(edge_ns(11));
    g_assert_cmphex(inb(0x42), ==, 0x20 - 10);
    g_assert_cmphex(inb(0x42), ==, 0x20 - 10); /* every read is the LSB */
    outb(0x43, 0xa0); /* MSB only: count = 0x0200 */
    int64_t w = tick_at(clock_ns());
    outb(0x42, 0x02);
    run_to(edge_ns(w + 1 + 0x100));
    g_assert_cmphex(inb(0x42), ==, 0x01);
    g_assert_cmpint(i8254_get_out(pit, 2), ==, 0);
    run_to(edge_ns(w + 1 + 0x200));
    g_assert_cmpint(i8254_get_out(pit, 2), ==, 1);
    /* word access: reads alternate LSB, MSB */
    outb(0x43, 0xb0);
    w = tick_at(clock_ns());
    write_word(2, 0xabcd);
    run_to(edge_ns(w + 1));
    g_assert_cmphex(inb(0x42), ==, 0xcd);
    g_assert_cmphex(inb(0x42), ==, 0xab);
    g_assert_cmphex(inb(0x42), ==, 0xcd);
    /* a control word resets the flip-flops: a half-written count is dropped */
    outb(0x42, 0x11);
    outb(0x43, 0xb0);
    w = tick_at(clock_ns());
    write_word(2, 0x0300);
    run_to(edge_ns(w + 1));
    g_assert_cmphex(inb(0x42), ==, 0x00);
    g_assert_cmphex(inb(0x42), ==, 0x03);
    teardown();
}

static void test_gate(void)
{
    setup();
    g_assert_cmpint(i8254_get_gate(pit, 0), ==, 1);
    g_assert_cmpint(i8254_get_gate(pit, 2), ==, 0);
    /* mode 0 with gate low: loaded, but not counting */
    outb(0x43, 0xb0);
    write_word(2, 100);
    run_to(edge_ns(500));
    g_assert_cmpint(latch_read(2), ==, 100);
    g_assert_cmpint(i8254_get_out(pit, 2), ==, 0);
    /* gate high: OUT goes high N clocks later */
    run_to(edge_ns(1000) + 50);
    i8254_set_gate(pit, 2, 1);
    run_to(edge_ns(1040));
    g_assert_cmpint(latch_read(2), ==, 60);
    /* gate low suspends, high resumes */
    i8254_set_gate(pit, 2, 0);
    run_to(edge_ns(5000));
    g_assert_cmpint(latch_read(2), ==, 60);
    run_to(edge_ns(5000) + 50);
    i8254_set_gate(pit, 2, 1);
    run_to(edge_ns(5059));
    g_assert_cmpint(i8254_get_out(pit, 2), ==, 0);
    run_to(edge_ns(5060));
    g_assert_cmpint(i8254_get_out(pit, 2), ==, 1);

    /* mode 2: gate low forces OUT high; the rising gate reloads */
    outb(0x43, 0xb4);
    int64_t w = tick_at(clock_ns());
    write_word(2, 10);
    run_to(edge_ns(w + 10));
    g_assert_cmpint(i8254_get_out(pit, 2), ==, 0);
    i8254_set_gate(pit, 2, 0);
    g_assert_cmpint(i8254_get_out(pit, 2), ==, 1);
    run_to(edge_ns(w + 100) + 50);
    i8254_set_gate(pit, 2, 1);
    run_to(edge_ns(w + 101));
    g_assert_cmpint(latch_read(2), ==, 10);
    run_to(edge_ns(w + 101 + 9));
    g_assert_cmpint(i8254_get_out(pit, 2), ==, 0);

    /* mode 1: each rising gate starts a one-shot N clocks long */
    i8254_set_gate(pit, 2, 0);
    outb(0x43, 0xb2);
    write_word(2, 20);
    run_to(edge_ns(w + 200));
    g_assert_cmpint(i8254_get_out(pit, 2), ==, 1);
    run_to(edge_ns(w + 300) + 50);
    i8254_set_gate(pit, 2, 1);
    run_to(edge_ns(w + 301));
    g_assert_cmpint(i8254_get_out(pit, 2), ==, 0);
    run_to(edge_ns(w + 320));
    g_assert_cmpint(i8254_get_out(pit, 2), ==, 0);
    run_to(edge_ns(w + 321));
    g_assert_cmpint(i8254_get_out(pit, 2), ==, 1);
    teardown();
}

static void test_mode4_strobe(void)
{
    setup();
    outb(0x43, 0x38); /* ch0 mode 4 */
    write_word(0, 30);
    g_assert_cmpint(irq_level, ==, 1);
    run_to(edge_ns(30));
    g_assert_cmpint(i8254_get_out(pit, 0), ==, 1);
    run_to(edge_ns(31)); /* low for one clock, N+1 after the write */
    g_assert_cmpint(i8254_get_out(pit, 0), ==, 0);
    g_assert_cmpint(nedges, ==, 0);
    run_to(edge_ns(32));
    g_assert_cmpint(i8254_get_out(pit, 0), ==, 1);
    g_assert_cmpint(nedges, ==, 1);
    run_to(edge_ns(100000));
    g_assert_cmpint(nedges, ==, 1); /* once only */
    teardown();
}

static void test_mode2_new_count(void)
{
    setup();
    outb(0x43, 0x34);
    write_word(0, 1000);
    run_to(edge_ns(300));
    write_word(0, 500);
    /* the current period finishes with the old count */
    outb(0x43, 0xe2);
    g_assert_cmphex(inb(0x40) & 0x40, ==, 0x40);
    run_to(edge_ns(1 + 1000 + 500 * 3));
    g_assert_cmpint(nedges, ==, 4);
    g_assert_cmpint(edges[0], ==, edge_ns(1001));
    g_assert_cmpint(edges[1], ==, edge_ns(1501));
    g_assert_cmpint(edges[3], ==, edge_ns(2501));
    outb(0x43, 0xe2);
    g_assert_cmphex(inb(0x40) & 0x40, ==, 0);
    teardown();
}

static void test_no_storm(void)
{
    setup();
    outb(0x43, 0x34);
    write_word(0, 2); /* a 1.7 us period */
    int runs = 0;
    while (clock_ns() < 1000000) {
        int64_t next = timers_run();
        g_assert_cmpint(next, >, 0);
        clock_advance(next - clock_ns());
        runs++;
    }
    timers_run();
    /* at most one callback per ~10 us, but some */
    g_assert_cmpint(runs, <=, 101);
    g_assert_cmpint(nedges, >=, 90);
    g_assert_cmpint(nedges, <=, 101);
    /* reads still count every clock */
    run_to(edge_ns(1000001));
    g_assert_cmpint(latch_read(0), ==, 2 - (1000001 - 1) % 2);
    teardown();
}

static void test_reset(void)
{
    setup();
    outb(0x43, 0x34);
    write_word(0, 100);
    i8254_set_gate(pit, 2, 1);
    machine_reset(&m);
    g_assert_cmpint(i8254_get_gate(pit, 2), ==, 0);
    g_assert_cmpint(i8254_get_gate(pit, 0), ==, 1);
    nedges = 0;
    run_to(edge_ns(100000));
    g_assert_cmpint(nedges, ==, 0); /* nothing counts until programmed */
    teardown();
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/i8254/mode2-rate", test_mode2_rate);
    g_test_add_func("/i8254/mode2-phase", test_mode2_phase);
    g_test_add_func("/i8254/mode2-new-count", test_mode2_new_count);
    g_test_add_func("/i8254/mode0-oneshot", test_mode0_oneshot);
    g_test_add_func("/i8254/mode3-square", test_mode3_square);
    g_test_add_func("/i8254/mode4-strobe", test_mode4_strobe);
    g_test_add_func("/i8254/latch", test_latch);
    g_test_add_func("/i8254/readback", test_readback);
    g_test_add_func("/i8254/bcd", test_bcd);
    g_test_add_func("/i8254/access-modes", test_access_modes);
    g_test_add_func("/i8254/gate", test_gate);
    g_test_add_func("/i8254/no-storm", test_no_storm);
    g_test_add_func("/i8254/reset", test_reset);
    return g_test_run();
}
