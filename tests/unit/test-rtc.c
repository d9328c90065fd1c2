/*
 * MC146818A RTC and CMOS through ports 0x70/0x71 on the manual clock,
 * checked against the datasheet and calendar dates worked out by hand.
 */
#include <glib.h>

#include "hw/core/timer.h"
#include "hw/rtc/mc146818.h"

#define T_2023_11_14_221320 1700000000 /* a Tuesday */
#define T_2023_12_31_235959 1704067199 /* a Sunday */
#define T_2023_04_30_015959 1682819999 /* last Sunday of April */
#define T_2023_10_29_005959 1698541199 /* last Sunday of October */

static Machine m;
static RTCState *rtc;
static IrqLine *irq8;
static int irq_level, irq_rises;

static void irq8_set(void *opaque, int n, int level)
{
    irq_rises += level && !irq_level;
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

static uint8_t cmos_read(uint8_t idx)
{
    outb(0x70, idx);
    return inb(0x71);
}

static void cmos_write(uint8_t idx, uint8_t v)
{
    outb(0x70, idx);
    outb(0x71, v);
}

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
    irq_level = irq_rises = 0;
    irq8 = irq_line_new(irq8_set, NULL, 8);
    rtc = mc146818_create(&m, 0x70, irq8);
    mc146818_set_time(rtc, T_2023_11_14_221320);
}

static void teardown(void)
{
    g_ptr_array_free(m.owned, TRUE);
    g_array_free(m.reset_hooks, TRUE);
    irq_lines_free(irq8);
    as_destroy(m.io);
    as_destroy(m.mem);
    clock_set_manual(false);
}

/* seconds, minutes, hours, day of week, date, month, year, century */
static void check_time(const uint8_t expect[8])
{
    static const uint8_t regs[] = { 0x00, 0x02, 0x04, 0x06, 0x07, 0x08, 0x09, 0x32 };
    for (size_t i = 0; i < G_N_ELEMENTS(regs); i++) {
        g_assert_cmphex(cmos_read(regs[i]), ==, expect[i]);
    }
}

static void test_time_formats(void)
{
    setup();
    g_assert_cmphex(cmos_read(0x0a), ==, 0x26);
    g_assert_cmphex(cmos_read(0x0b), ==, 0x02);
    /* BCD, 24 h: 22:13:20, Tuesday (3), 14 Nov (20)23 */
    check_time((const uint8_t[]){ 0x20, 0x13, 0x22, 0x03, 0x14, 0x11, 0x23, 0x20 });
    cmos_write(0x0b, 0x06); /* binary */
    check_time((const uint8_t[]){ 20, 13, 22, 3, 14, 11, 23, 20 });
    cmos_write(0x0b, 0x00); /* BCD, 12 h: 10 PM */
    g_assert_cmphex(cmos_read(0x04), ==, 0x90);
    cmos_write(0x0b, 0x04); /* binary, 12 h */
    g_assert_cmphex(cmos_read(0x04), ==, 0x8a);
    /* midnight and noon in 12-hour mode */
    cmos_write(0x0b, 0x00);
    mc146818_set_time(rtc, T_2023_11_14_221320 - 22 * 3600 - 13 * 60 - 20);
    g_assert_cmphex(cmos_read(0x04), ==, 0x12);
    mc146818_set_time(rtc, T_2023_11_14_221320 - 10 * 3600 - 13 * 60 - 20);
    g_assert_cmphex(cmos_read(0x04), ==, 0x92);
    mc146818_set_time(rtc, T_2023_11_14_221320 - 9 * 3600 - 13 * 60 - 20);
    g_assert_cmphex(cmos_read(0x04), ==, 0x81); /* 13:00 is 1 PM */
    teardown();
}

static void test_advance(void)
{
    setup();
    clock_advance(999999999);
    g_assert_cmphex(cmos_read(0x00), ==, 0x20);
    clock_advance(1);
    g_assert_cmphex(cmos_read(0x00), ==, 0x21);
    clock_advance(40 * NS_PER_SEC);
    g_assert_cmphex(cmos_read(0x00), ==, 0x01);
    g_assert_cmphex(cmos_read(0x02), ==, 0x14);
    /* over midnight into a new year, century and weekday */
    mc146818_set_time(rtc, T_2023_12_31_235959);
    check_time((const uint8_t[]){ 0x59, 0x59, 0x23, 0x01, 0x31, 0x12, 0x23, 0x20 });
    clock_advance(NS_PER_SEC);
    check_time((const uint8_t[]){ 0x00, 0x00, 0x00, 0x02, 0x01, 0x01, 0x24, 0x20 });
    teardown();
}

static void test_update_interrupt(void)
{
    setup();
    cmos_write(0x0a, 0x20); /* no periodic tap: PF would be set at the RS rate */
    cmos_write(0x0b, 0x12); /* UIE, 24 h, BCD */
    run_to(NS_PER_SEC - 1);
    g_assert_cmpint(irq_level, ==, 0);
    run_to(NS_PER_SEC);
    g_assert_cmpint(irq_level, ==, 1);
    g_assert_cmphex(cmos_read(0x00), ==, 0x21);
    g_assert_cmphex(cmos_read(0x0c), ==, 0x90); /* IRQF | UF */
    g_assert_cmpint(irq_level, ==, 0);
    g_assert_cmphex(cmos_read(0x0c), ==, 0x00); /* read clears */
    run_to(2 * NS_PER_SEC - 1);
    g_assert_cmpint(irq_level, ==, 0);
    run_to(2 * NS_PER_SEC);
    g_assert_cmpint(irq_level, ==, 1);
    cmos_read(0x0c);
    /* once per second */
    irq_rises = 0;
    for (int i = 0; i < 10; i++) {
        run_to(clock_ns() + NS_PER_SEC / 2);
        if (irq_level) {
            g_assert_cmphex(cmos_read(0x0c), ==, 0x90);
        }
    }
    g_assert_cmpint(irq_rises, ==, 5);
    /* UF is set without UIE, but IRQF and IRQ8 are not */
    cmos_write(0x0b, 0x02);
    cmos_read(0x0c);
    run_to(clock_ns() + NS_PER_SEC);
    g_assert_cmphex(cmos_read(0x0c), ==, 0x10);
    g_assert_cmpint(irq_level, ==, 0);
    teardown();
}

static int count_periodic(int64_t duration)
{
    int n = 0;
    int64_t end = clock_ns() + duration;
    while (clock_ns() < end) {
        int64_t next = timers_run();
        if (next < 0 || next > end) {
            break;
        }
        clock_advance(next - clock_ns());
        timers_run();
        if (irq_level) {
            g_assert_cmphex(cmos_read(0x0c) & 0xc0, ==, 0xc0); /* IRQF | PF */
            n++;
        }
    }
    run_to(end);
    return n;
}

static void test_periodic(void)
{
    setup();
    cmos_write(0x0b, 0x42); /* PIE */
    /* RS=6: 1024 Hz, the first tap edge 976.5625 us after the divider's second */
    run_to(976562);
    g_assert_cmpint(irq_level, ==, 0);
    run_to(976563);
    g_assert_cmpint(irq_level, ==, 1);
    g_assert_cmphex(cmos_read(0x0c), ==, 0xc0);
    g_assert_cmpint(count_periodic(NS_PER_SEC), ==, 1024);
    cmos_write(0x0a, 0x2f); /* 2 Hz */
    g_assert_cmpint(count_periodic(NS_PER_SEC), ==, 2);
    cmos_write(0x0a, 0x23); /* 8192 Hz */
    g_assert_cmpint(count_periodic(NS_PER_SEC), ==, 8192);
    cmos_write(0x0a, 0x21); /* RS=1 is 256 Hz with a 32.768 kHz time base */
    g_assert_cmpint(count_periodic(NS_PER_SEC), ==, 256);
    cmos_write(0x0a, 0x20); /* none */
    g_assert_cmpint(count_periodic(NS_PER_SEC), ==, 0);
    /* PF is set without PIE */
    cmos_write(0x0a, 0x26);
    cmos_write(0x0b, 0x02);
    cmos_read(0x0c);
    run_to(clock_ns() + 2000000);
    g_assert_cmphex(cmos_read(0x0c), ==, 0x40);
    g_assert_cmpint(irq_level, ==, 0);
    teardown();
}

static void test_alarm(void)
{
    setup();
    cmos_write(0x0a, 0x20); /* no periodic tap: PF would be set at the RS rate */
    cmos_write(0x01, 0x25);
    cmos_write(0x03, 0x13);
    cmos_write(0x05, 0x22);
    cmos_write(0x0b, 0x22); /* AIE */
    run_to(5 * NS_PER_SEC - 1);
    g_assert_cmpint(irq_level, ==, 0);
    run_to(5 * NS_PER_SEC);
    g_assert_cmpint(irq_level, ==, 1);
    g_assert_cmphex(cmos_read(0x0c), ==, 0xb0); /* IRQF | AF | UF */
    run_to(100 * NS_PER_SEC);
    g_assert_cmpint(irq_level, ==, 0);
    /* "don't care" hours and minutes: every minute at :30 */
    cmos_write(0x01, 0x30);
    cmos_write(0x03, 0xff);
    cmos_write(0x05, 0xc0);
    cmos_read(0x0c);
    irq_rises = 0;
    for (int i = 0; i < 180; i++) {
        run_to(clock_ns() + NS_PER_SEC);
        if (irq_level) {
            g_assert_cmphex(cmos_read(0x00), ==, 0x30);
            g_assert_cmphex(cmos_read(0x0c), ==, 0xb0);
        }
    }
    g_assert_cmpint(irq_rises, ==, 3);
    /* 12-hour mode compares the PM bit too */
    cmos_write(0x0b, 0x20);
    cmos_write(0x01, 0xc0);
    cmos_write(0x03, 0xc0);
    cmos_write(0x05, 0x10); /* 10 AM: never today */
    cmos_read(0x0c);
    irq_rises = 0;
    run_to(clock_ns() + 10 * NS_PER_SEC);
    g_assert_cmpint(irq_rises, ==, 0);
    cmos_write(0x05, 0x90); /* 10 PM: every second now */
    run_to(clock_ns() + NS_PER_SEC);
    g_assert_cmpint(irq_rises, ==, 1);
    teardown();
}

static void test_set(void)
{
    setup();
    cmos_write(0x0b, 0x12);
    cmos_write(0x0b, 0x82); /* SET (clears UIE) */
    g_assert_cmphex(cmos_read(0x0b), ==, 0x82);
    cmos_write(0x0b, 0x92);
    g_assert_cmphex(cmos_read(0x0b), ==, 0x82);
    run_to(3 * NS_PER_SEC);
    g_assert_cmphex(cmos_read(0x00), ==, 0x20); /* frozen */
    g_assert_cmphex(cmos_read(0x0a) & 0x80, ==, 0);
    g_assert_cmphex(cmos_read(0x0c) & 0x10, ==, 0); /* no update cycles */
    /* 2030-06-15 12:00:00, a Saturday (7) */
    cmos_write(0x00, 0x00);
    cmos_write(0x02, 0x00);
    cmos_write(0x04, 0x12);
    cmos_write(0x06, 0x07);
    cmos_write(0x07, 0x15);
    cmos_write(0x08, 0x06);
    cmos_write(0x09, 0x30);
    cmos_write(0x32, 0x20);
    run_to(3 * NS_PER_SEC + NS_PER_SEC / 2);
    cmos_write(0x0b, 0x02);
    check_time((const uint8_t[]){ 0x00, 0x00, 0x12, 0x07, 0x15, 0x06, 0x30, 0x20 });
    /* the divider kept its phase: the next update is at the next whole second */
    run_to(4 * NS_PER_SEC - 1);
    g_assert_cmphex(cmos_read(0x00), ==, 0x00);
    run_to(4 * NS_PER_SEC);
    g_assert_cmphex(cmos_read(0x00), ==, 0x01);
    /* the guest's date survives a machine reset; the interrupt enables do not */
    cmos_write(0x0b, 0x72);
    machine_reset(&m);
    g_assert_cmphex(cmos_read(0x0b), ==, 0x02);
    run_to(6 * NS_PER_SEC);
    check_time((const uint8_t[]){ 0x03, 0x00, 0x12, 0x07, 0x15, 0x06, 0x30, 0x20 });
    /* writing a time register while running moves the clock from there */
    cmos_write(0x02, 0x45);
    run_to(7 * NS_PER_SEC);
    g_assert_cmphex(cmos_read(0x02), ==, 0x45);
    g_assert_cmphex(cmos_read(0x00), ==, 0x04);
    /* set in binary 12-hour mode: 11 PM */
    cmos_write(0x0b, 0x80 | 0x04);
    /* changing DM converts nothing: the registers keep their BCD bytes */
    g_assert_cmphex(cmos_read(0x02), ==, 0x45);
    cmos_write(0x04, 0x8b);
    cmos_write(0x0b, 0x04);
    cmos_write(0x0b, 0x06);
    g_assert_cmpint(cmos_read(0x04), ==, 23);
    teardown();
}

static void test_uip(void)
{
    setup();
    /* UIP: 244 us before the update cycle, and during its 1984 us */
    run_to(NS_PER_SEC - 2228000 - 1);
    g_assert_cmphex(cmos_read(0x0a), ==, 0x26);
    run_to(NS_PER_SEC - 2228000);
    g_assert_cmphex(cmos_read(0x0a), ==, 0xa6);
    g_assert_cmphex(cmos_read(0x00), ==, 0x20);
    run_to(NS_PER_SEC - 1);
    g_assert_cmphex(cmos_read(0x0a), ==, 0xa6);
    run_to(NS_PER_SEC);
    g_assert_cmphex(cmos_read(0x0a), ==, 0x26);
    g_assert_cmphex(cmos_read(0x00), ==, 0x21);
    /* SET inhibits updates and clears UIP */
    run_to(2 * NS_PER_SEC - 1000000);
    g_assert_cmphex(cmos_read(0x0a) & 0x80, ==, 0x80);
    cmos_write(0x0b, 0x82);
    g_assert_cmphex(cmos_read(0x0a) & 0x80, ==, 0);
    /* register D: valid RAM and time */
    g_assert_cmphex(cmos_read(0x0d), ==, 0x80);
    cmos_write(0x0d, 0x00);
    g_assert_cmphex(cmos_read(0x0d), ==, 0x80);
    teardown();
}

static void test_divider(void)
{
    setup();
    cmos_write(0x0b, 0x12);
    run_to(NS_PER_SEC / 4);
    cmos_write(0x0a, 0x76); /* divider reset: the clock stops */
    run_to(10 * NS_PER_SEC);
    g_assert_cmphex(cmos_read(0x00), ==, 0x20);
    g_assert_cmpint(irq_level, ==, 0);
    cmos_write(0x0a, 0x26);
    /* the first update comes half a second after release */
    run_to(10 * NS_PER_SEC + NS_PER_SEC / 2 - 1);
    g_assert_cmphex(cmos_read(0x00), ==, 0x20);
    g_assert_cmpint(irq_level, ==, 0);
    run_to(10 * NS_PER_SEC + NS_PER_SEC / 2);
    g_assert_cmphex(cmos_read(0x00), ==, 0x21);
    g_assert_cmpint(irq_level, ==, 1);
    teardown();
}

static void test_dse(void)
{
    setup();
    cmos_write(0x0b, 0x03); /* DSE, 24 h, BCD */
    mc146818_set_time(rtc, T_2023_04_30_015959);
    g_assert_cmphex(cmos_read(0x04), ==, 0x01);
    clock_advance(NS_PER_SEC);
    g_assert_cmphex(cmos_read(0x04), ==, 0x03);
    g_assert_cmphex(cmos_read(0x02), ==, 0x00);
    g_assert_cmphex(cmos_read(0x00), ==, 0x00);
    /* October: 1:59:59 summer time falls back to 1:00:00 */
    mc146818_set_time(rtc, T_2023_10_29_005959);
    g_assert_cmphex(cmos_read(0x04), ==, 0x01);
    g_assert_cmphex(cmos_read(0x02), ==, 0x59);
    clock_advance(NS_PER_SEC);
    g_assert_cmphex(cmos_read(0x04), ==, 0x01);
    g_assert_cmphex(cmos_read(0x02), ==, 0x00);
    g_assert_cmphex(cmos_read(0x00), ==, 0x00);
    /* turning DSE on or off in summer does not move the time shown */
    cmos_write(0x0b, 0x02);
    mc146818_set_time(rtc, T_2023_04_30_015959 + 60 * 86400); /* 29 June, 01:59:59 */
    g_assert_cmphex(cmos_read(0x04), ==, 0x01);
    cmos_write(0x0b, 0x03);
    g_assert_cmphex(cmos_read(0x04), ==, 0x01);
    g_assert_cmphex(cmos_read(0x02), ==, 0x59);
    cmos_write(0x0b, 0x02);
    g_assert_cmphex(cmos_read(0x04), ==, 0x01);
    teardown();
}

static void test_nvram(void)
{
    setup();
    cmos_write(0x0a, 0x20); /* no periodic tap: PF would be set at the RS rate */
    for (int i = 0x0e; i < 0x80; i++) {
        if (i != 0x32) {
            cmos_write(i, i ^ 0xa5);
        }
    }
    outb(0x70, 0x80 | 0x40); /* bit 7 is the NMI mask, not the address */
    g_assert_cmphex(inb(0x71), ==, 0x40 ^ 0xa5);
    g_assert_cmphex(inb(0x70), ==, 0xff);
    machine_reset(&m);
    for (int i = 0x0e; i < 0x80; i++) {
        if (i != 0x32) {
            g_assert_cmphex(cmos_read(i), ==, i ^ 0xa5);
        }
    }
    mc146818_set_cmos(rtc, 0x15, 0x80);
    g_assert_cmphex(cmos_read(0x15), ==, 0x80);
    g_assert_cmphex(mc146818_get_cmos(rtc, 0x16), ==, 0x16 ^ 0xa5);
    /* the machine's peek at C does not clear it */
    cmos_write(0x0b, 0x12);
    run_to(NS_PER_SEC);
    g_assert_cmphex(mc146818_get_cmos(rtc, 0x0c), ==, 0x90);
    g_assert_cmpint(irq_level, ==, 1);
    g_assert_cmphex(cmos_read(0x0c), ==, 0x90);
    teardown();
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/rtc/time-formats", test_time_formats);
    g_test_add_func("/rtc/advance", test_advance);
    g_test_add_func("/rtc/update-interrupt", test_update_interrupt);
    g_test_add_func("/rtc/periodic", test_periodic);
    g_test_add_func("/rtc/alarm", test_alarm);
    g_test_add_func("/rtc/set", test_set);
    g_test_add_func("/rtc/uip", test_uip);
    g_test_add_func("/rtc/divider", test_divider);
    g_test_add_func("/rtc/dse", test_dse);
    g_test_add_func("/rtc/nvram", test_nvram);
    return g_test_run();
}
