/*
 * ACPI fixed hardware: the PM1a event and control blocks and the PM timer
 * (ACPI Specification 6.3, §4.8.3.1 PM1 event grouping, §4.8.3.2 PM1
 * control grouping, §4.8.3.3 power management timer, §16.1.3.1 sleeping
 * states). The FADT (tables.c) places these at pm_base.
 *
 *   pm_base+0  PM1_STS  16 bits, write 1 to clear
 *   pm_base+2  PM1_EN   16 bits
 *   pm_base+4  PM1_CNT  16 bits
 *   pm_base+8  PM_TMR   32 bits, read-only (FADT TMR_VAL_EXT)
 *
 * There is no SMM firmware (FADT SMI_CMD = 0), so the block is always in
 * ACPI mode: SCI_EN reads 1. The SCI is level-triggered and asserted while
 * any enabled fixed event's status bit is set.
 *
 * Sleeping: SLP_EN with SLP_TYP = S5 (soft off) ends mimic with status 0.
 * No other sleep state is offered in the DSDT, so SLP_EN with any other type
 * is a request for a state the platform does not have; it is ignored, and the
 * OS finds itself still running, as on a board whose chipset does not decode
 * that type.
 */
#include "hw/acpi/pm.h"

#include "hw/core/timer.h"
#include "system/runstate.h"

/* PM1_STS */
#define PM1_TMR_STS (1u << 0)
#define PM1_BM_STS (1u << 4)
#define PM1_GBL_STS (1u << 5)
#define PM1_PWRBTN_STS (1u << 8)
#define PM1_SLPBTN_STS (1u << 9)
#define PM1_RTC_STS (1u << 10)
#define PM1_PCIEXP_WAKE_STS (1u << 14)
#define PM1_WAK_STS (1u << 15)
/* PM1_EN */
#define PM1_TMR_EN (1u << 0)
#define PM1_GBL_EN (1u << 5)
#define PM1_PWRBTN_EN (1u << 8)
#define PM1_SLPBTN_EN (1u << 9)
#define PM1_RTC_EN (1u << 10)
#define PM1_EN_MASK (PM1_TMR_EN | PM1_GBL_EN | PM1_PWRBTN_EN | PM1_SLPBTN_EN | PM1_RTC_EN)
/* PM1_CNT */
#define PM1_SCI_EN (1u << 0)
#define PM1_BM_RLD (1u << 1)
#define PM1_GBL_RLS (1u << 2)
#define PM1_SLP_TYP_SHIFT 10
#define PM1_SLP_TYP (7u << PM1_SLP_TYP_SHIFT)
#define PM1_SLP_EN (1u << 13)

/* Register offsets within the block. */
#define PM1_STS_OFF (ACPI_PM1_EVT_OFF + 0)
#define PM1_EN_OFF (ACPI_PM1_EVT_OFF + 2)

/* TMR_STS is set each time the counter's most significant bit changes. */
#define PM_TMR_MSB_SHIFT 31

struct AcpiPMState {
    IrqLine *sci;
    Timer *tmr_timer;    /* armed only while TMR_EN is set */
    uint16_t sts;
    uint16_t en;
    uint16_t cnt;        /* BM_RLD and SLP_TYP; SCI_EN is implied */
    uint64_t tmr_epoch;  /* ticks >> 31 when TMR_STS was last brought up to date */
};

static uint64_t pm_ticks(void)
{
    return ns_to_ticks(clock_ns(), ACPI_PM_TIMER_FREQ);
}

/* Guest time at which the counter reaches ticks, rounded up. */
static int64_t pm_ticks_to_ns_ceil(uint64_t ticks)
{
    return (int64_t)(((__int128)ticks * NS_PER_SEC + ACPI_PM_TIMER_FREQ - 1) / ACPI_PM_TIMER_FREQ);
}

/* Latch TMR_STS if the counter's MSB toggled since the last look. */
static void pm_tmr_sync(AcpiPMState *s)
{
    uint64_t epoch = pm_ticks() >> PM_TMR_MSB_SHIFT;
    if (epoch != s->tmr_epoch) {
        s->tmr_epoch = epoch;
        s->sts |= PM1_TMR_STS;
    }
}

static void pm_update_sci(AcpiPMState *s)
{
    irq_set(s->sci, (s->sts & s->en) != 0);
}

/*
 * The timer only has to wake us when the toggle would raise an SCI; with
 * TMR_EN clear, TMR_STS is brought up to date when PM1_STS is read.
 */
static void pm_tmr_rearm(AcpiPMState *s)
{
    if (s->en & PM1_TMR_EN) {
        timer_mod(s->tmr_timer, pm_ticks_to_ns_ceil((s->tmr_epoch + 1) << PM_TMR_MSB_SHIFT));
    } else {
        timer_del(s->tmr_timer);
    }
}

static void pm_tmr_expired(void *opaque)
{
    AcpiPMState *s = opaque;
    pm_tmr_sync(s);
    pm_update_sci(s);
    pm_tmr_rearm(s);
}

static void pm_sleep(AcpiPMState *s, unsigned slp_typ)
{
    if (slp_typ == ACPI_SLP_TYP_S5) {
        runstate_request_exit(0);
    }
    /* other types: not a state this platform has; see the top of the file */
}

/* The whole block as the guest sees it at this instant, one byte per offset. */
static void pm_snapshot(AcpiPMState *s, uint8_t regs[ACPI_PM_LEN])
{
    pm_tmr_sync(s);
    for (unsigned i = 0; i < ACPI_PM_LEN; i++) {
        regs[i] = 0;
    }
    st16(regs + PM1_STS_OFF, s->sts);
    st16(regs + PM1_EN_OFF, s->en);
    st16(regs + ACPI_PM1_CNT_OFF, s->cnt | PM1_SCI_EN);
    st32(regs + ACPI_PM_TMR_OFF, (uint32_t)pm_ticks());
}

/* One snapshot per access, so a 32-bit timer read cannot tear. */
static uint64_t pm_read(void *opaque, uint64_t offset, unsigned size)
{
    AcpiPMState *s = opaque;
    uint8_t regs[ACPI_PM_LEN];
    uint64_t v = 0;
    pm_snapshot(s, regs);
    for (unsigned i = 0; i < size && offset + i < ACPI_PM_LEN; i++) {
        v |= (uint64_t)regs[offset + i] << (8 * i);
    }
    return v;
}

/*
 * Writes are taken a byte at a time: every register here is defined bit by
 * bit, and status bits must be cleared only where the guest wrote ones
 * (never by a read-modify-write of a wider access).
 */
static void pm_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
    AcpiPMState *s = opaque;
    int sleep_typ = -1;
    for (unsigned i = 0; i < size && offset + i < ACPI_PM_LEN; i++) {
        unsigned off = offset + i;
        unsigned shift = (off & 1) * 8;
        uint16_t byte = ((value >> (8 * i)) & 0xff) << shift;
        uint16_t lane = 0xffu << shift;
        switch (off) {
        case PM1_STS_OFF:
        case PM1_STS_OFF + 1:
            pm_tmr_sync(s);
            s->sts &= ~byte;
            break;
        case PM1_EN_OFF:
        case PM1_EN_OFF + 1:
            s->en = (s->en & ~lane) | (byte & PM1_EN_MASK);
            break;
        case ACPI_PM1_CNT_OFF:
        case ACPI_PM1_CNT_OFF + 1:
            /* SCI_EN is fixed; GBL_RLS would signal firmware, of which there is none */
            s->cnt = (s->cnt & ~lane) | (byte & (PM1_BM_RLD | PM1_SLP_TYP));
            if (byte & PM1_SLP_EN) {
                sleep_typ = (s->cnt & PM1_SLP_TYP) >> PM1_SLP_TYP_SHIFT;
            }
            break;
        default:
            break; /* the timer is read-only; the rest is reserved */
        }
    }
    pm_tmr_sync(s);
    pm_update_sci(s);
    pm_tmr_rearm(s);
    if (sleep_typ >= 0) {
        pm_sleep(s, sleep_typ);
    }
}

/* The spec defines 16- and 32-bit registers, but OSes use byte to dword accesses. */
static const MemOps pm_ops = {
    .read = pm_read,
    .write = pm_write,
    .min_size = 1,
    .max_size = 4,
};

static void pm_reset(void *opaque)
{
    AcpiPMState *s = opaque;
    s->sts = 0;
    s->en = 0;
    s->cnt = 0;
    /* the timer runs on through a reset; only toggles from now on count */
    s->tmr_epoch = pm_ticks() >> PM_TMR_MSB_SHIFT;
    timer_del(s->tmr_timer);
    pm_update_sci(s);
}

static void pm_free(void *opaque)
{
    AcpiPMState *s = opaque;
    timer_free(s->tmr_timer);
    g_free(s);
}

AcpiPMState *acpi_pm_create(Machine *m, uint16_t pm_base, IrqLine *sci)
{
    AcpiPMState *s = g_new0(AcpiPMState, 1);
    s->sci = sci;
    s->tmr_timer = timer_new(pm_tmr_expired, s);
    char *err = NULL;
    if (!as_add_io(m->io, "acpi-pm", pm_base, ACPI_PM_LEN, &pm_ops, s, &err)) {
        /* the machine places the block; a clash is a board layout bug */
        g_error("acpi-pm: %s", err);
    }
    pm_reset(s);
    machine_add_reset(m, pm_reset, s);
    machine_own(m, s, pm_free);
    return s;
}
