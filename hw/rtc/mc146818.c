/*
 * Motorola MC146818A real-time clock and its 128 bytes of CMOS RAM, as on
 * the PC/AT: index port at iobase (bit 7 of the index is the chipset's NMI
 * mask, not part of the address), data at iobase+1, IRQ8. Follows the
 * MC146818A datasheet: time and calendar in BCD or binary, 12/24 hour,
 * daylight saving (the datasheet's last-Sunday rules), registers A-D, the
 * periodic, alarm and update-ended interrupts, UIP, SET and the divider
 * reset. Byte 0x32 holds the century, as IBM defined it.
 *
 * The clock starts from the host's UTC time and runs on the virtual clock.
 * While it runs, the time registers are computed from it; while SET is 1 or
 * the divider is stopped they are plain bytes the guest may rewrite, and
 * when the clock restarts it continues from them, so a date set by the guest
 * is kept (as an offset from the host's time) until the process ends.
 *
 * Flags in register C are worked out lazily from the virtual clock; a Timer
 * runs only while an enabled interrupt is still to come and IRQF is clear.
 */
#include "hw/rtc/mc146818.h"

#include "hw/core/timer.h"

#define RTC_SECONDS 0x00
#define RTC_SECONDS_ALARM 0x01
#define RTC_MINUTES 0x02
#define RTC_MINUTES_ALARM 0x03
#define RTC_HOURS 0x04
#define RTC_HOURS_ALARM 0x05
#define RTC_DAY_OF_WEEK 0x06
#define RTC_DATE 0x07
#define RTC_MONTH 0x08
#define RTC_YEAR 0x09
#define RTC_REG_A 0x0a
#define RTC_REG_B 0x0b
#define RTC_REG_C 0x0c
#define RTC_REG_D 0x0d
#define RTC_CENTURY 0x32

#define RTC_A_UIP 0x80
#define RTC_A_DV_MASK 0x70
#define RTC_A_DV_32K 0x20 /* DV2-DV0 = 010: 32.768 kHz time base, running */
#define RTC_A_RS_MASK 0x0f
#define RTC_B_SET 0x80
#define RTC_B_PIE 0x40
#define RTC_B_AIE 0x20
#define RTC_B_UIE 0x10
#define RTC_B_SQWE 0x08
#define RTC_B_DM 0x04     /* 1: binary, 0: BCD */
#define RTC_B_24_12 0x02  /* 1: 24-hour mode */
#define RTC_B_DSE 0x01
#define RTC_C_IRQF 0x80
#define RTC_C_PF 0x40
#define RTC_C_AF 0x20
#define RTC_C_UF 0x10
#define RTC_D_VRT 0x80
#define RTC_HOUR_PM 0x80
#define RTC_ALARM_DONT_CARE 0xc0

#define RTC_XTAL_HZ 32768
/* UIP rises tBUC = 244 us before the update cycle, which lasts tUC = 1984 us
 * with the 32.768 kHz time base; the new time and UF appear at its end. */
#define RTC_UIP_NS ((244 + 1984) * 1000LL)
#define RTC_NEVER INT64_MAX

struct RTCState {
    uint8_t cmos[128];  /* NVRAM, alarms, A, B; time registers only while frozen */
    uint8_t index;
    uint8_t flags;      /* register C's PF, AF, UF */
    int irq_level;
    IrqLine *irq;
    Timer *timer;
    /* Running clock: standard time = base_sec + whole seconds since base_ns. */
    int64_t base_ns;    /* a second boundary of the divider chain */
    int64_t base_sec;
    int dow_offset;     /* day-of-week register minus the true weekday, mod 7 */
    bool frozen;        /* SET or divider stopped: the registers hold the time */
    int64_t synced_ns;  /* flags account for everything up to here */
};

static int64_t fdiv(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

static int64_t fmod_pos(int64_t a, int64_t b)
{
    return a - fdiv(a, b) * b;
}

/* Proleptic Gregorian calendar <-> days since 1970-01-01, in 400-year eras. */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = fdiv(y, 400);
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
    z += 719468;
    int64_t era = fdiv(z, 146097);
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = yoe + era * 400 + (*m <= 2);
}

static bool rtc_running(const RTCState *s)
{
    return (s->cmos[RTC_REG_A] & RTC_A_DV_MASK) == RTC_A_DV_32K;
}

static int64_t rtc_sidx(const RTCState *s, int64_t now)
{
    return fdiv(now - s->base_ns, NS_PER_SEC);
}

/* Periodic interrupt period in crystal clocks, 0 for none (datasheet table 5). */
static int64_t rtc_period(const RTCState *s)
{
    int rs = s->cmos[RTC_REG_A] & RTC_A_RS_MASK;
    if (!rs || !rtc_running(s)) {
        return 0;
    }
    if (rs < 3) {
        rs += 7; /* with 32.768 kHz, RS 1 and 2 give the rates of 8 and 9 */
    }
    return 1LL << (rs - 1);
}

/* Crystal clocks since base_ns, rounded down. */
static int64_t rtc_xtal(const RTCState *s, int64_t now)
{
    __int128 v = (__int128)(now - s->base_ns) * RTC_XTAL_HZ;
    int64_t q = v / NS_PER_SEC;
    return v % NS_PER_SEC < 0 ? q - 1 : q;
}

static int64_t rtc_xtal_ns(const RTCState *s, int64_t clocks)
{
    return s->base_ns + (int64_t)(((__int128)clocks * NS_PER_SEC + RTC_XTAL_HZ - 1) / RTC_XTAL_HZ);
}

static uint8_t rtc_to_reg(const RTCState *s, int64_t v)
{
    if (s->cmos[RTC_REG_B] & RTC_B_DM) {
        return v & 0xff;
    }
    v = fmod_pos(v, 100);
    return (v / 10) << 4 | v % 10;
}

static int rtc_from_reg(const RTCState *s, uint8_t r)
{
    return (s->cmos[RTC_REG_B] & RTC_B_DM) ? r : (r >> 4) * 10 + (r & 15);
}

/* The day-of-week register (1 = Sunday) for a day since the epoch (a Thursday). */
static int rtc_weekday(const RTCState *s, int64_t days)
{
    return fmod_pos(days + 4 + s->dow_offset, 7) + 1;
}

static int64_t rtc_last_sunday(const RTCState *s, int64_t y, int month, int last)
{
    int64_t days = days_from_civil(y, month, last - 6);
    while (rtc_weekday(s, days) != 1) {
        days++;
    }
    return days;
}

/* DSE: April's last Sunday 1:59:59 -> 3:00:00, October's 1:59:59 -> 1:00:00. */
static bool rtc_in_dst(const RTCState *s, int64_t std)
{
    int64_t y;
    int m, d;
    civil_from_days(fdiv(std, 86400), &y, &m, &d);
    int64_t start = rtc_last_sunday(s, y, 4, 30) * 86400 + 2 * 3600;
    int64_t end = rtc_last_sunday(s, y, 10, 31) * 86400 + 1 * 3600;
    return std >= start && std < end;
}

static int64_t rtc_displayed(const RTCState *s, int64_t std)
{
    return (s->cmos[RTC_REG_B] & RTC_B_DSE) && rtc_in_dst(s, std) ? std + 3600 : std;
}

static int64_t rtc_standard(const RTCState *s, int64_t disp)
{
    return (s->cmos[RTC_REG_B] & RTC_B_DSE) && rtc_in_dst(s, disp - 3600) ? disp - 3600 : disp;
}

static int64_t rtc_now_displayed(const RTCState *s, int64_t now)
{
    return rtc_displayed(s, s->base_sec + rtc_sidx(s, now));
}

static bool rtc_is_time_reg(int reg)
{
    return reg == RTC_SECONDS || reg == RTC_MINUTES || reg == RTC_HOURS ||
           (reg >= RTC_DAY_OF_WEEK && reg <= RTC_YEAR) || reg == RTC_CENTURY;
}

/* Time register reg, in the current format, for displayed time disp. */
static uint8_t rtc_time_reg(const RTCState *s, int64_t disp, int reg)
{
    int64_t days = fdiv(disp, 86400), sod = disp - days * 86400, y;
    int m, d, h;
    civil_from_days(days, &y, &m, &d);
    switch (reg) {
    case RTC_SECONDS:
        return rtc_to_reg(s, sod % 60);
    case RTC_MINUTES:
        return rtc_to_reg(s, sod / 60 % 60);
    case RTC_HOURS:
        h = sod / 3600;
        if (s->cmos[RTC_REG_B] & RTC_B_24_12) {
            return rtc_to_reg(s, h);
        }
        return rtc_to_reg(s, h % 12 ? h % 12 : 12) | (h >= 12 ? RTC_HOUR_PM : 0);
    case RTC_DAY_OF_WEEK:
        return rtc_to_reg(s, rtc_weekday(s, days));
    case RTC_DATE:
        return rtc_to_reg(s, d);
    case RTC_MONTH:
        return rtc_to_reg(s, m);
    case RTC_YEAR:
        return rtc_to_reg(s, fmod_pos(y, 100));
    default:
        return rtc_to_reg(s, fdiv(y, 100));
    }
}

static int rtc_clamp(int v, int lo, int hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

/* Copy the running time into the time registers. */
static void rtc_snapshot(RTCState *s, int64_t now)
{
    int64_t disp = rtc_now_displayed(s, now);
    for (int reg = 0; reg < 128; reg++) {
        if (rtc_is_time_reg(reg)) {
            s->cmos[reg] = rtc_time_reg(s, disp, reg);
        }
    }
}

/*
 * Restart the clock from the time registers, keeping the divider's phase.
 * Out-of-range fields are clamped; days past a month's end roll over.
 */
static void rtc_restart_from_regs(RTCState *s, int64_t now)
{
    const uint8_t *r = s->cmos;
    int hour;
    if (r[RTC_REG_B] & RTC_B_24_12) {
        hour = rtc_from_reg(s, r[RTC_HOURS]);
    } else {
        hour = rtc_from_reg(s, r[RTC_HOURS] & ~RTC_HOUR_PM) % 12 +
               (r[RTC_HOURS] & RTC_HOUR_PM ? 12 : 0);
    }
    int64_t year = rtc_clamp(rtc_from_reg(s, r[RTC_CENTURY]), 0, 99) * 100 +
                   rtc_clamp(rtc_from_reg(s, r[RTC_YEAR]), 0, 99);
    int64_t days = days_from_civil(year, rtc_clamp(rtc_from_reg(s, r[RTC_MONTH]), 1, 12),
                                   rtc_clamp(rtc_from_reg(s, r[RTC_DATE]), 1, 31));
    int64_t disp = days * 86400 + rtc_clamp(hour, 0, 23) * 3600 +
                   rtc_clamp(rtc_from_reg(s, r[RTC_MINUTES]), 0, 59) * 60 +
                   rtc_clamp(rtc_from_reg(s, r[RTC_SECONDS]), 0, 59);
    s->dow_offset = fmod_pos(rtc_from_reg(s, r[RTC_DAY_OF_WEEK]) - 1 - fmod_pos(days + 4, 7), 7);
    s->base_sec = rtc_standard(s, disp) - rtc_sidx(s, now);
}

static bool rtc_alarm_match(const RTCState *s, int64_t std)
{
    static const int pairs[3][2] = {
        { RTC_SECONDS_ALARM, RTC_SECONDS },
        { RTC_MINUTES_ALARM, RTC_MINUTES },
        { RTC_HOURS_ALARM, RTC_HOURS },
    };
    int64_t disp = rtc_displayed(s, std);
    for (int i = 0; i < 3; i++) {
        uint8_t a = s->cmos[pairs[i][0]];
        if ((a & RTC_ALARM_DONT_CARE) != RTC_ALARM_DONT_CARE && a != rtc_time_reg(s, disp, pairs[i][1])) {
            return false;
        }
    }
    return true;
}

/* Set the flags for every periodic tap edge and update cycle in (synced_ns, now]. */
static void rtc_sync(RTCState *s, int64_t now)
{
    if (now <= s->synced_ns) {
        return;
    }
    int64_t p = rtc_period(s);
    if (p && fdiv(rtc_xtal(s, now), p) > fdiv(rtc_xtal(s, s->synced_ns), p)) {
        s->flags |= RTC_C_PF;
    }
    if (!s->frozen) {
        int64_t from = rtc_sidx(s, s->synced_ns) + 1, to = rtc_sidx(s, now);
        if (to >= from) {
            s->flags |= RTC_C_UF;
            if (to - from >= 86400) {
                from = to - 86399; /* a day's updates meet every alarm setting */
            }
            for (int64_t i = from; i <= to && !(s->flags & RTC_C_AF); i++) {
                if (rtc_alarm_match(s, s->base_sec + i)) {
                    s->flags |= RTC_C_AF;
                }
            }
        }
    }
    s->synced_ns = now;
}

static bool rtc_irqf(const RTCState *s)
{
    uint8_t b = s->cmos[RTC_REG_B];
    return ((s->flags & RTC_C_PF) && (b & RTC_B_PIE)) || ((s->flags & RTC_C_AF) && (b & RTC_B_AIE)) ||
           ((s->flags & RTC_C_UF) && (b & RTC_B_UIE));
}

/* Drive IRQ8 from IRQF and arm the timer for the next event that could set it. */
static void rtc_update(RTCState *s, int64_t now)
{
    int level = rtc_irqf(s);
    if (level != s->irq_level) {
        s->irq_level = level;
        irq_set(s->irq, level);
    }
    int64_t at = RTC_NEVER;
    uint8_t b = s->cmos[RTC_REG_B];
    int64_t p = rtc_period(s);
    if (!level && (b & RTC_B_PIE) && p) {
        at = rtc_xtal_ns(s, (fdiv(rtc_xtal(s, now), p) + 1) * p);
    }
    if (!level && (b & (RTC_B_UIE | RTC_B_AIE)) && !s->frozen) {
        int64_t next = s->base_ns + (rtc_sidx(s, now) + 1) * NS_PER_SEC;
        at = next < at ? next : at;
    }
    if (at == RTC_NEVER) {
        timer_del(s->timer);
    } else {
        timer_mod(s->timer, at);
    }
}

static void rtc_timer_cb(void *opaque)
{
    RTCState *s = opaque;
    int64_t now = clock_ns();
    rtc_sync(s, now);
    rtc_update(s, now);
}

/* Freeze or restart the clock as SET and the divider now say. */
static void rtc_set_frozen(RTCState *s, int64_t now, bool frozen)
{
    if (frozen && !s->frozen) {
        rtc_snapshot(s, now);
    } else if (!frozen && s->frozen) {
        rtc_restart_from_regs(s, now);
    }
    s->frozen = frozen;
}

static bool rtc_want_frozen(const RTCState *s)
{
    return (s->cmos[RTC_REG_B] & RTC_B_SET) || !rtc_running(s);
}

static void rtc_write_reg(RTCState *s, int reg, uint8_t v)
{
    int64_t now = clock_ns();
    rtc_sync(s, now);
    switch (reg) {
    case RTC_REG_A: {
        bool was_running = rtc_running(s);
        s->cmos[RTC_REG_A] = v & ~RTC_A_UIP;
        if (!was_running && rtc_running(s)) {
            s->base_ns = now - NS_PER_SEC / 2; /* the first update comes 500 ms later */
        }
        rtc_set_frozen(s, now, rtc_want_frozen(s));
        break;
    }
    case RTC_REG_B: {
        if (v & RTC_B_SET) {
            v &= ~RTC_B_UIE; /* SET going to 1 clears UIE */
            rtc_set_frozen(s, now, true);
        }
        bool dse_changed = (v ^ s->cmos[RTC_REG_B]) & RTC_B_DSE;
        int64_t disp = rtc_now_displayed(s, now);
        s->cmos[RTC_REG_B] = v;
        if (dse_changed && !s->frozen) {
            /* DSE only changes the two special updates, not the time shown now */
            s->base_sec = rtc_standard(s, disp) - rtc_sidx(s, now);
        }
        rtc_set_frozen(s, now, rtc_want_frozen(s));
        break;
    }
    case RTC_REG_C:
    case RTC_REG_D:
        break; /* read-only */
    default:
        if (rtc_is_time_reg(reg) && !s->frozen) {
            rtc_snapshot(s, now);
            s->cmos[reg] = v;
            rtc_restart_from_regs(s, now);
        } else {
            s->cmos[reg] = v;
        }
        break;
    }
    rtc_update(s, now);
}

/* A register's value; reading C also clears it (when consume is set). */
static uint8_t rtc_read_reg(RTCState *s, int reg, bool consume)
{
    int64_t now = clock_ns();
    uint8_t v;
    rtc_sync(s, now);
    switch (reg) {
    case RTC_REG_A:
        v = s->cmos[RTC_REG_A];
        if (!s->frozen && fmod_pos(now - s->base_ns, NS_PER_SEC) >= NS_PER_SEC - RTC_UIP_NS) {
            v |= RTC_A_UIP;
        }
        return v;
    case RTC_REG_C:
        v = s->flags | (rtc_irqf(s) ? RTC_C_IRQF : 0);
        if (consume) {
            s->flags = 0;
            rtc_update(s, now);
        }
        return v;
    case RTC_REG_D:
        return RTC_D_VRT;
    default:
        if (rtc_is_time_reg(reg) && !s->frozen) {
            return rtc_time_reg(s, rtc_now_displayed(s, now), reg);
        }
        return s->cmos[reg];
    }
}

static uint64_t rtc_io_read(void *opaque, uint64_t offset, unsigned size)
{
    RTCState *s = opaque;
    if (offset == 0) {
        return 0xff; /* the index register is write-only */
    }
    return rtc_read_reg(s, s->index, true);
}

static void rtc_io_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
    RTCState *s = opaque;
    if (offset == 0) {
        s->index = value & 0x7f; /* bit 7 masks NMI in the chipset */
    } else {
        rtc_write_reg(s, s->index, value);
    }
}

static const MemOps rtc_ops = {
    .read = rtc_io_read, .write = rtc_io_write, .min_size = 1, .max_size = 1,
};

/* The RESET pin: interrupt enables and flags only; time, A and the RAM stay. */
static void rtc_reset(void *opaque)
{
    RTCState *s = opaque;
    int64_t now = clock_ns();
    rtc_sync(s, now);
    s->cmos[RTC_REG_B] &= ~(RTC_B_PIE | RTC_B_AIE | RTC_B_UIE | RTC_B_SQWE);
    s->flags = 0;
    rtc_update(s, now);
}

void mc146818_set_cmos(RTCState *s, int addr, uint8_t val)
{
    rtc_write_reg(s, addr & 0x7f, val);
}

uint8_t mc146818_get_cmos(RTCState *s, int addr)
{
    return rtc_read_reg(s, addr & 0x7f, false);
}

void mc146818_set_time(RTCState *s, time_t t)
{
    int64_t now = clock_ns();
    rtc_sync(s, now);
    s->base_ns = now;
    s->base_sec = t;
    s->dow_offset = 0;
    s->synced_ns = now;
    if (s->frozen) {
        rtc_snapshot(s, now);
    }
    rtc_update(s, now);
}

static void rtc_free(void *opaque)
{
    RTCState *s = opaque;
    timer_free(s->timer);
    g_free(s);
}

RTCState *mc146818_create(Machine *m, uint16_t iobase, IrqLine *irq)
{
    RTCState *s = g_new0(RTCState, 1);
    int64_t now = clock_ns(), host_us = g_get_real_time();
    s->irq = irq;
    s->timer = timer_new(rtc_timer_cb, s);
    /* what the PC BIOS leaves in the battery-backed registers */
    s->cmos[RTC_REG_A] = RTC_A_DV_32K | 0x06;
    s->cmos[RTC_REG_B] = RTC_B_24_12;
    s->base_sec = fdiv(host_us, G_USEC_PER_SEC);
    s->base_ns = now - fmod_pos(host_us, G_USEC_PER_SEC) * 1000;
    s->synced_ns = now;
    as_add_io(m->io, "rtc", iobase, 2, &rtc_ops, s, NULL);
    machine_add_reset(m, rtc_reset, s);
    machine_own(m, s, rtc_free);
    return s;
}
