/* mimic-test: */
/*
 * The MC146818A real-time clock and its CMOS RAM, by the Motorola MC146818A
 * datasheet: time and calendar bytes in BCD and binary (register B DM bit,
 * set while register B SET holds the updates), UIP in register A, the three
 * interrupt sources with their flags in register C (update-ended, periodic,
 * alarm with "don't care" bytes), VRT in register D and a byte of NVRAM.
 * Interrupts arrive on IRQ8, vector 0x28 after the runtime's PIC remap.
 *
 * The clock itself differs between runs, so only verdicts are printed.
 */
#include "guest.h"

#define RTC_SEC 0x00
#define RTC_SEC_ALARM 0x01
#define RTC_MIN 0x02
#define RTC_MIN_ALARM 0x03
#define RTC_HOUR 0x04
#define RTC_HOUR_ALARM 0x05
#define RTC_WDAY 0x06
#define RTC_MDAY 0x07
#define RTC_MONTH 0x08
#define RTC_YEAR 0x09
#define RTC_REG_A 0x0a
#define RTC_REG_B 0x0b
#define RTC_REG_C 0x0c
#define RTC_REG_D 0x0d
#define CMOS_CENTURY 0x32     /* IBM PC/AT convention, named by the ACPI FADT */
#define CMOS_SCRATCH 0x3f

#define RTC_A_UIP 0x80
#define RTC_A_DV_MASK 0x70
#define RTC_A_DV_32KHZ 0x20
#define RTC_A_RS_MASK 0x0f
#define RTC_RATE_64HZ 0x0a
#define RTC_B_SET 0x80
#define RTC_B_PIE 0x40
#define RTC_B_AIE 0x20
#define RTC_B_UIE 0x10
#define RTC_B_DM 0x04
#define RTC_B_24H 0x02
#define RTC_C_IRQF 0x80
#define RTC_C_PF 0x40
#define RTC_C_AF 0x20
#define RTC_C_UF 0x10
#define RTC_D_VRT 0x80
#define RTC_ALARM_DONT_CARE 0xc0

struct rtc_time {
    uint8_t sec, min, hour, wday, mday, month, year;
};

static volatile uint32_t rtc_irqs, rtc_bad_vector;
static volatile uint8_t rtc_last_c, rtc_and_c, rtc_or_c;

static void rtc_irq(struct irq_frame *f)
{
    if (f->vector != IRQ_VECTOR(8)) {
        rtc_bad_vector++;
    }
    uint8_t c = cmos_read(RTC_REG_C);
    rtc_last_c = c;
    rtc_and_c &= c;
    rtc_or_c |= c;
    rtc_irqs++;
    pic_eoi(8);
}

static void rtc_irq_reset(void)
{
    rtc_irqs = 0;
    rtc_and_c = 0xff;
    rtc_or_c = 0;
}

static uint8_t bcd_to_bin(uint8_t v)
{
    return (v >> 4) * 10 + (v & 15);
}

static uint8_t bin_to_bcd(uint8_t v)
{
    return (uint8_t)(((v / 10) << 4) | (v % 10));
}

static bool bcd_valid(uint8_t v)
{
    return (v >> 4) <= 9 && (v & 15) <= 9;
}

static void rtc_wait_not_uip(void)
{
    for (int i = 0; i < 100000 && (cmos_read(RTC_REG_A) & RTC_A_UIP); i++) {
        cpu_pause();
    }
}

static void rtc_read_once(struct rtc_time *t)
{
    rtc_wait_not_uip();
    t->sec = cmos_read(RTC_SEC);
    t->min = cmos_read(RTC_MIN);
    t->hour = cmos_read(RTC_HOUR);
    t->wday = cmos_read(RTC_WDAY);
    t->mday = cmos_read(RTC_MDAY);
    t->month = cmos_read(RTC_MONTH);
    t->year = cmos_read(RTC_YEAR);
}

/* The datasheet's way to read a consistent set: wait for UIP clear, read,
 * and read again until two passes agree (an update may fall in between). */
static void rtc_read(struct rtc_time *t)
{
    struct rtc_time again;
    rtc_read_once(t);
    for (int i = 0; i < 5; i++) {
        rtc_read_once(&again);
        if (again.sec == t->sec && again.min == t->min && again.hour == t->hour &&
            again.mday == t->mday && again.month == t->month && again.year == t->year) {
            return;
        }
        *t = again;
    }
}

static void rtc_to_bin(struct rtc_time *t)
{
    uint8_t *b = &t->sec;
    for (unsigned i = 0; i < sizeof(*t); i++) {
        b[i] = bcd_to_bin(b[i]);
    }
}

static bool rtc_in_range(const struct rtc_time *t)
{
    return t->sec <= 59 && t->min <= 59 && t->hour <= 23 && t->wday >= 1 && t->wday <= 7 &&
           t->mday >= 1 && t->mday <= 31 && t->month >= 1 && t->month <= 12 && t->year <= 99;
}

static uint32_t rtc_seconds_of_day(const struct rtc_time *t)
{
    return (t->hour * 60u + t->min) * 60u + t->sec;
}

/* Change the data mode: the datasheet leaves the time bytes to the program
 * after DM changes, so read the time in the old format, switch, and write
 * it back in the new one while SET holds the updates. (QEMU 7.2 garbles
 * the time if DM changes in the same write that sets SET, so DM changes
 * in a write of its own first.) */
static void rtc_set_mode(bool binary)
{
    struct rtc_time t;
    rtc_read(&t);
    static const uint8_t regs[] = { RTC_SEC, RTC_MIN, RTC_HOUR, RTC_WDAY, RTC_MDAY, RTC_MONTH, RTC_YEAR };
    uint8_t *v = &t.sec;
    for (unsigned i = 0; i < sizeof(regs); i++) {
        v[i] = binary ? bcd_to_bin(v[i]) : bin_to_bcd(v[i]);
    }
    uint8_t b = cmos_read(RTC_REG_B);
    b = binary ? (b | RTC_B_DM) : (b & ~RTC_B_DM);
    cmos_write(RTC_REG_B, b);
    cmos_write(RTC_REG_B, b | RTC_B_SET);
    for (unsigned i = 0; i < sizeof(regs); i++) {
        cmos_write(regs[i], v[i]);
    }
    cmos_write(RTC_REG_B, b);
}

static void test_registers(void)
{
    check_eq(cmos_read(RTC_REG_D), RTC_D_VRT, "register D: VRT set, other bits zero");
    check_eq(cmos_read(RTC_REG_A) & RTC_A_DV_MASK, RTC_A_DV_32KHZ, "register A DV: 32.768 kHz time base running");
    check_eq(cmos_read(RTC_REG_B) & (RTC_B_SET | RTC_B_DM | RTC_B_24H), RTC_B_24H,
             "register B at boot: running, BCD, 24-hour");
}

static void test_time(void)
{
    struct rtc_time bcd, bin;
    rtc_read(&bcd);
    const uint8_t *raw = &bcd.sec;
    bool valid = true;
    for (unsigned i = 0; i < sizeof(bcd); i++) {
        valid = valid && bcd_valid(raw[i]);
    }
    check(valid, "time and date bytes are valid BCD");
    rtc_to_bin(&bcd);
    check(rtc_in_range(&bcd), "BCD time and date within their ranges");
    uint8_t century = cmos_read(CMOS_CENTURY);
    check_eq(century, 0x20, "century byte (CMOS 0x32, BCD)");
    check(bcd_to_bin(century) * 100 + bcd.year >= 2024, "year >= 2024");

    rtc_set_mode(true);
    check_eq(cmos_read(RTC_REG_B) & (RTC_B_SET | RTC_B_DM), RTC_B_DM, "register B: binary mode, running");
    rtc_read(&bin);
    check(rtc_in_range(&bin), "binary time and date within their ranges");
    uint32_t d = (rtc_seconds_of_day(&bin) + 86400 - rtc_seconds_of_day(&bcd)) % 86400;
    check(d <= 3 && (d > 0 || (bin.mday == bcd.mday && bin.month == bcd.month && bin.year == bcd.year)),
          "binary reading agrees with the BCD one");

    rtc_set_mode(false);
    check_eq(cmos_read(RTC_REG_B) & (RTC_B_SET | RTC_B_DM), 0, "register B: back to BCD, running");
    rtc_read(&bcd);
    rtc_to_bin(&bcd);
    d = (rtc_seconds_of_day(&bcd) + 86400 - rtc_seconds_of_day(&bin)) % 86400;
    check(d <= 3, "BCD reading after the switch back agrees");
}

/* Update-ended interrupts come once a second; each finds the seconds one
 * further, and right after one UIP is clear (the next update is ~1 s off). */
static void test_update_interrupt(void)
{
    /* C is read before UIE is set: UF is set every second whatever UIE
     * says, and an edge raised by enabling UIE over it must find the flag
     * still there when the handler reads C. */
    cmos_read(RTC_REG_C);
    rtc_irq_reset();
    cmos_write(RTC_REG_B, cmos_read(RTC_REG_B) | RTC_B_UIE);
    pic_unmask(8);
    bool ok = wait_irq(&rtc_irqs, 1, 150);
    check(ok, "update-ended interrupt on IRQ8 within 1.5 s");
    uint8_t s1 = cmos_read(RTC_SEC);
    check_eq(cmos_read(RTC_REG_A) & RTC_A_UIP, 0, "UIP right after the update-ended interrupt");
    check_eq(rtc_last_c & (RTC_C_IRQF | RTC_C_UF), RTC_C_IRQF | RTC_C_UF, "register C: IRQF and UF");
    check_eq(cmos_read(RTC_REG_C) & (RTC_C_IRQF | RTC_C_UF), 0, "register C after it was read");
    ok = ok && wait_irq(&rtc_irqs, 2, 150);
    uint8_t s2 = cmos_read(RTC_SEC);
    check(ok, "second update-ended interrupt within 1.5 s");
    check(bcd_to_bin(s2) == (bcd_to_bin(s1) + 1) % 60, "seconds one further at the next update");
    check_eq(rtc_bad_vector, 0, "RTC interrupts not on vector 0x28");
    cmos_write(RTC_REG_B, cmos_read(RTC_REG_B) & ~RTC_B_UIE);

    /* UIP rises 244 us before the update: poll for it near the end of a
     * second. Only the PIT interrupts, so the index stays on register A. A
     * virtual CPU that stalls for a moment can miss so short a window, so up
     * to three seconds are tried. */
    bool seen_set = false, seen_clear = false;
    uint8_t before = 0, after = 0;
    for (int attempt = 0; attempt < 3 && !(seen_set && seen_clear); attempt++) {
        uint8_t s0 = cmos_read(RTC_SEC);
        for (uint32_t end = pit_ticks + 150; cmos_read(RTC_SEC) == s0 && pit_ticks < end;) {
            delay_ticks(1);
        }
        delay_ticks(85);
        before = cmos_read(RTC_SEC);
        seen_set = seen_clear = false;
        uint32_t end = pit_ticks + 40;
        outb(0x70, RTC_REG_A);
        sti();
        while (pit_ticks < end) {
            uint8_t a = inb(0x71);
            if (a & RTC_A_UIP) {
                seen_set = true;
            } else if (seen_set) {
                seen_clear = true;
                break;
            }
        }
        cli();
        after = cmos_read(RTC_SEC);
    }
    check(seen_set, "UIP seen set before the update");
    check(seen_clear, "UIP clear again after the update");
    check(bcd_to_bin(after) == (bcd_to_bin(before) + 1) % 60, "seconds one further once UIP cleared");
}

static void test_periodic(void)
{
    uint8_t a = cmos_read(RTC_REG_A);
    cmos_write(RTC_REG_A, (a & ~RTC_A_RS_MASK) | RTC_RATE_64HZ);
    cmos_read(RTC_REG_C);
    rtc_irq_reset();
    cmos_write(RTC_REG_B, cmos_read(RTC_REG_B) | RTC_B_PIE);
    bool ok = wait_irq(&rtc_irqs, 1, 50);
    uint32_t start = pit_ticks;
    ok = ok && wait_irq(&rtc_irqs, 17, 200);
    uint32_t ticks = pit_ticks - start;
    cmos_write(RTC_REG_B, cmos_read(RTC_REG_B) & ~RTC_B_PIE);
    check(ok, "16 periodic interrupts at 64 Hz");
    check_eq(rtc_and_c & (RTC_C_IRQF | RTC_C_PF), RTC_C_IRQF | RTC_C_PF, "register C: IRQF and PF in every one");
    if (!check(ticks >= 12 && ticks <= 50, "rtc periodic rate ok (against the PIT's 100 Hz)")) {
        printf("  %u PIT ticks in 16 RTC periods, expected about 25\n", ticks);
    }

    /* The flag is set at the selected rate whether or not PIE lets it
     * interrupt; IRQF stays clear then. */
    cmos_read(RTC_REG_C);
    delay_ticks(5); /* >= 30 ms: two 64 Hz periods even if ticks were queued */
    check_eq(cmos_read(RTC_REG_C) & (RTC_C_IRQF | RTC_C_PF), RTC_C_PF, "register C with PIE off: PF without IRQF");
    cmos_write(RTC_REG_A, a);
}

/* Alarm two seconds ahead with minutes and hours "don't care". */
static void test_alarm(void)
{
    struct rtc_time t;
    rtc_read(&t);
    uint8_t want = (bcd_to_bin(t.sec) + 2) % 60;
    cmos_write(RTC_SEC_ALARM, bin_to_bcd(want));
    cmos_write(RTC_MIN_ALARM, RTC_ALARM_DONT_CARE);
    cmos_write(RTC_HOUR_ALARM, RTC_ALARM_DONT_CARE);
    cmos_read(RTC_REG_C);
    rtc_irq_reset();
    uint32_t start = pit_ticks;
    cmos_write(RTC_REG_B, cmos_read(RTC_REG_B) | RTC_B_AIE);
    bool ok = wait_irq(&rtc_irqs, 1, 400);
    uint32_t ticks = pit_ticks - start;
    uint8_t sec = cmos_read(RTC_SEC);
    cmos_write(RTC_REG_B, cmos_read(RTC_REG_B) & ~RTC_B_AIE);
    check(ok, "alarm interrupt within 4 s");
    check_eq(rtc_last_c & (RTC_C_IRQF | RTC_C_AF), RTC_C_IRQF | RTC_C_AF, "register C: IRQF and AF");
    check(bcd_to_bin(sec) == want, "seconds when the alarm rang equal the alarm seconds");
    check(ticks >= 90 && ticks <= 300, "alarm rang after 1-3 s");
}

static void test_nvram(void)
{
    uint8_t saved = cmos_read(CMOS_SCRATCH);
    cmos_write(CMOS_SCRATCH, 0x55);
    check_eq(cmos_read(CMOS_SCRATCH), 0x55, "CMOS byte 0x3f holds 0x55");
    cmos_write(CMOS_SCRATCH, 0xaa);
    check_eq(cmos_read(CMOS_SCRATCH), 0xaa, "CMOS byte 0x3f holds 0xaa");
    /* port 0x70 bit 7 is the NMI mask, not part of the index */
    outb(0x70, 0x80 | CMOS_SCRATCH);
    check_eq(inb(0x71), 0xaa, "index 0xbf (NMI masked) reaches byte 0x3f");
    cmos_write(CMOS_SCRATCH, saved);
    check(cmos_read(CMOS_SCRATCH) == saved, "CMOS byte 0x3f restored");
}

void test_main(void)
{
    set_handler(IRQ_VECTOR(8), rtc_irq);
    pit_tick_start(100);
    test_registers();
    test_time();
    test_update_interrupt();
    test_periodic();
    test_alarm();
    test_nvram();
    pic_mask(8);
    pit_tick_stop();
    cmos_read(RTC_REG_C);
}
