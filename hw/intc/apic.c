/*
 * The local xAPIC of mimic's one CPU, following the Intel SDM vol. 3A,
 * ch. 10 "Advanced Programmable Interrupt Controller": the 4 KiB register
 * page at IA32_APIC_BASE (Table 10-1; 32-bit registers at 16-byte slots),
 * IRR/ISR/TMR with TPR/PPR priorities (10.8), EOI and its broadcast for
 * level-triggered vectors (10.8.5), the LVT (10.5.1), ESR (10.5.3), the
 * timer in one-shot and periodic modes (10.5.4; no TSC-deadline mode, which
 * CPUID does not offer), and the ICR (10.6) for the IPIs one CPU can send:
 * itself by shorthand or by a destination that names it; IPIs for absent
 * CPUs go nowhere.
 *
 * How the two disabled states are read (10.4.3, 10.4.7):
 *
 * - IA32_APIC_BASE.EN = 0 (globally disabled): "functionally equivalent to a
 *   processor without an on-chip APIC". The register page is unmapped, no
 *   message is accepted, and the APIC is bypassed: the LINT0 pin is the
 *   core's INTR (the 8259 drives it directly, and the acknowledge goes
 *   straight to the 8259) and LINT1 is its NMI. Clearing EN returns the
 *   registers to the power-up state ("prior initialization to the APIC may be
 *   lost"), and setting EN again starts from there.
 *
 * - SVR bit 8 = 0 (software disabled): the APIC accepts no fixed interrupt,
 *   neither from the IOAPIC, nor from IPIs, nor from its own LVT. What is
 *   already in IRR/ISR is "held and requires masking or handling by the
 *   CPU", so it is still dispatched. Only an explicit write of SVR with bit
 *   8 clear (10.4.7.2: "as opposed to being cleared during a power up or
 *   RESET") sets every LVT mask bit and keeps them set on LVT writes until
 *   the APIC is enabled again. The power-up state, though it also has SVR bit
 *   8 clear, leaves LVT writes alone, and its NMI and ExtINT inputs work as
 *   their LVT entries say (10.4.7.1: the APIC "will respond normally to INIT
 *   and NMI").
 *
 * The reset state of LVT LINT0 on the BSP is ExtINT, unmasked: the virtual
 * wire mode firmware sets up (MP spec 1.4, 3.6.2.2) before it starts an OS.
 * mimic boots kernels directly, without firmware, so its reset stands in for
 * that step; a guest that never touches the APIC (PIC-only bare-metal code)
 * then gets its 8259 interrupts through LINT0, and Linux finds LINT0
 * unmasked and keeps ExtINT on the BSP as on real boards. It is also the
 * state KVM's in-kernel APIC resets to, so both accelerators agree.
 *
 * ExtINT is level-sensitive (10.5.1): while LINT0 is ExtINT, unmasked and
 * high, INTR is asserted, and the acknowledge cycle goes to the 8259 without
 * touching IRR/ISR or the priorities. It is served before fixed interrupts.
 *
 * Not modelled, by design: INIT, SIPI and SMI (one CPU, no SMM; an INIT to
 * itself is dropped rather than resetting the only processor), the thermal
 * and performance-counter LVT sources (the CPU has neither sensor nor PMU:
 * their entries hold what is written and never fire), and level-triggered
 * LINT1 (10.5.1: "LINT1 does not support level-sensitive interrupts").
 *
 * Deliberate deviation: a periodic timer fires at most once per
 * APIC_MIN_PERIOD_NS of virtual time; a shorter period gives an interrupt
 * every whole number of periods, so a silly count cannot bury the main loop
 * in callbacks. The current-count register stays exact.
 */
#include "hw/intc/apic.h"

#include <string.h>

#include "hw/core/timer.h"

/* Register offsets (SDM vol. 3A, Table 10-1) */
#define APIC_ID 0x020
#define APIC_LVR 0x030
#define APIC_TPR 0x080
#define APIC_APR 0x090
#define APIC_PPR 0x0a0
#define APIC_EOI 0x0b0
#define APIC_RRD 0x0c0
#define APIC_LDR 0x0d0
#define APIC_DFR 0x0e0
#define APIC_SVR 0x0f0
#define APIC_ISR 0x100
#define APIC_TMR 0x180
#define APIC_IRR 0x200
#define APIC_ESR 0x280
#define APIC_ICR_LO 0x300
#define APIC_ICR_HI 0x310
#define APIC_LVT_BASE 0x320 /* timer, thermal, perf, LINT0, LINT1, error */
#define APIC_TIMER_ICR 0x380
#define APIC_TIMER_CCR 0x390
#define APIC_TIMER_DCR 0x3e0

enum { LVT_TIMER, LVT_THERMAL, LVT_PERF, LVT_LINT0, LVT_LINT1, LVT_ERROR, LVT_COUNT };

#define APIC_LVT_DM(v) (((v) >> 8) & 7)
#define APIC_LVT_POLARITY_LOW (1u << 13)
#define APIC_LVT_REMOTE_IRR (1u << 14)
#define APIC_LVT_LEVEL (1u << 15)
#define APIC_LVT_MASKED (1u << 16)
#define APIC_LVT_TIMER_PERIODIC (1u << 17)

#define APIC_SVR_ENABLE (1u << 8)
#define APIC_SVR_WRITABLE 0x3ffu /* vector, enable, focus checking */

#define APIC_ICR_WRITABLE 0x000ccfffu
#define APIC_ICR_DEST_LOGICAL (1u << 11)
#define APIC_ICR_SHORTHAND(v) (((v) >> 18) & 3)
enum { APIC_SH_NONE, APIC_SH_SELF, APIC_SH_ALL, APIC_SH_OTHERS };

#define APIC_ESR_SEND_ILLEGAL_VECTOR (1u << 5)
#define APIC_ESR_RECV_ILLEGAL_VECTOR (1u << 6)
#define APIC_ESR_ILLEGAL_REGISTER (1u << 7)

#define APIC_MIN_PERIOD_NS 10000

/* Writable bits of each LVT entry (Figure 10-8): the timer has no delivery
 * mode; LINT0/1 add polarity and trigger; error has a vector only. */
static const uint32_t apic_lvt_writable[LVT_COUNT] = {
    0x000300ff, 0x000107ff, 0x000107ff, 0x0001a7ff, 0x0001a7ff, 0x000100ff,
};

struct ApicState {
    Machine *m;
    ApicConfig cfg;
    MemRegion *mmio;
    uint64_t base; /* IA32_APIC_BASE */

    uint32_t id, tpr, ldr, dfr, svr;
    uint32_t irr[8], isr[8], tmr[8];
    uint32_t esr, esr_pending;
    bool error_armed;   /* an error may signal LVT error (rearmed by an ESR write) */
    uint32_t icr_lo, icr_hi;
    uint32_t lvt[LVT_COUNT];
    bool soft_disabled; /* SVR bit 8 explicitly cleared: LVT masks forced */
    int lint[2];        /* LINT0/LINT1 pin levels */
    int intr_out;       /* the level driven on INTR, -1 before the first */

    /* Timer: timer_base_count counts are left at timer_base_ns; the next
     * expiry is when timer_next_k counts have passed since then. */
    Timer *timer;
    uint32_t timer_initial, dcr;
    bool timer_running;
    int64_t timer_base_ns;
    int64_t timer_base_count;
    int64_t timer_next_k;
};

static bool vec_test(const uint32_t *r, int v)
{
    return r[v >> 5] >> (v & 31) & 1;
}

static void vec_set(uint32_t *r, int v)
{
    r[v >> 5] |= 1u << (v & 31);
}

static void vec_clear(uint32_t *r, int v)
{
    r[v >> 5] &= ~(1u << (v & 31));
}

static int vec_highest(const uint32_t *r)
{
    for (int i = 7; i >= 0; i--) {
        if (r[i]) {
            return i * 32 + 31 - __builtin_clz(r[i]);
        }
    }
    return -1;
}

static bool apic_enabled(const ApicState *s)
{
    return s->base & APIC_BASE_EN;
}

/* 10.8.3.1: the task priority, or the class of the highest vector in
 * service if that is higher (with TPR = ISRV class, TPR is taken). */
static uint32_t apic_ppr(const ApicState *s)
{
    int isrv = vec_highest(s->isr);
    uint32_t isr_class = isrv < 0 ? 0 : (uint32_t)isrv & 0xf0;
    return (s->tpr & 0xf0) >= isr_class ? s->tpr : isr_class;
}

/* 10.6.2.4's arbitration priority formula (one CPU: for reads only). */
static uint32_t apic_apr(const ApicState *s)
{
    int irrv = vec_highest(s->irr), isrv = vec_highest(s->isr);
    uint32_t irr_class = irrv < 0 ? 0 : (uint32_t)irrv & 0xf0;
    uint32_t isr_class = isrv < 0 ? 0 : (uint32_t)isrv & 0xf0;
    uint32_t tpr_class = s->tpr & 0xf0;
    if (tpr_class >= irr_class && tpr_class > isr_class) {
        return s->tpr;
    }
    return MAX(tpr_class & isr_class, irr_class);
}

/* The vector the core would take now, or -1. */
static int apic_pending_vector(const ApicState *s)
{
    int v = vec_highest(s->irr);
    if (v < 0 || ((uint32_t)v & 0xf0) <= (apic_ppr(s) & 0xf0)) {
        return -1;
    }
    return v;
}

static bool apic_lint_asserted(const ApicState *s, int pin)
{
    bool low = s->lvt[LVT_LINT0 + pin] & APIC_LVT_POLARITY_LOW;
    return (s->lint[pin] != 0) != low;
}

static bool apic_extint_active(const ApicState *s)
{
    uint32_t l = s->lvt[LVT_LINT0];
    return !(l & APIC_LVT_MASKED) && APIC_LVT_DM(l) == APIC_DM_EXTINT && apic_lint_asserted(s, 0);
}

static void apic_update(ApicState *s)
{
    int level;
    if (!apic_enabled(s)) {
        level = s->lint[0] != 0; /* bypassed: LINT0 is INTR */
    } else {
        level = apic_extint_active(s) || apic_pending_vector(s) >= 0;
    }
    if (level != s->intr_out) {
        s->intr_out = level;
        irq_set(s->cfg.intr, level);
    }
}

static bool apic_accept_fixed(ApicState *s, int vector, bool level);

static void apic_error(ApicState *s, uint32_t bit)
{
    s->esr_pending |= bit;
    uint32_t l = s->lvt[LVT_ERROR];
    if (s->error_armed && !(l & APIC_LVT_MASKED)) {
        s->error_armed = false; /* before delivering: the vector may be illegal too */
        apic_accept_fixed(s, l & 0xff, false);
    }
}

/* A fixed interrupt arrives (10.8.4): into IRR, TMR says its trigger mode. */
static bool apic_accept_fixed(ApicState *s, int vector, bool level)
{
    if (!apic_enabled(s) || !(s->svr & APIC_SVR_ENABLE)) {
        return false;
    }
    if (vector < 16) {
        apic_error(s, APIC_ESR_RECV_ILLEGAL_VECTOR);
        return false;
    }
    if (level) {
        vec_set(s->tmr, vector);
    } else {
        vec_clear(s->tmr, vector);
    }
    vec_set(s->irr, vector);
    apic_update(s);
    return true;
}

bool apic_deliver(ApicState *s, int delivery_mode, int vector, bool level)
{
    if (!apic_enabled(s)) {
        return false;
    }
    switch (delivery_mode) {
    case APIC_DM_FIXED:
    case APIC_DM_LOWEST: /* one CPU: it is the lowest-priority one */
        return apic_accept_fixed(s, vector & 0xff, level);
    case APIC_DM_NMI:
        irq_pulse(s->cfg.nmi);
        return true;
    default:
        /* SMI, INIT, SIPI: no SMM, no second CPU. ExtINT messages: the
         * 8259 reaches this CPU only through LINT0. */
        return false;
    }
}

bool apic_set_irq(ApicState *s, int vector, bool level)
{
    return apic_deliver(s, APIC_DM_FIXED, vector, level);
}

/* A local source signals its LVT entry (timer, error: edge, fixed only). */
static void apic_lvt_signal(ApicState *s, int idx)
{
    uint32_t l = s->lvt[idx];
    if (!(l & APIC_LVT_MASKED)) {
        apic_accept_fixed(s, l & 0xff, false);
    }
}

/* LINT0/LINT1 after a pin change (was: asserted before it) or an LVT write. */
static void apic_lint_eval(ApicState *s, int pin, bool was)
{
    uint32_t *l = &s->lvt[LVT_LINT0 + pin];
    bool now = apic_lint_asserted(s, pin);
    if (!(*l & APIC_LVT_MASKED)) {
        switch (APIC_LVT_DM(*l)) {
        case APIC_DM_FIXED:
            if (pin == 0 && (*l & APIC_LVT_LEVEL)) {
                /* remote IRR holds off re-delivery until the EOI */
                if (now && !(*l & APIC_LVT_REMOTE_IRR) && apic_accept_fixed(s, *l & 0xff, true)) {
                    *l |= APIC_LVT_REMOTE_IRR;
                }
            } else if (now && !was) {
                apic_accept_fixed(s, *l & 0xff, false);
            }
            break;
        case APIC_DM_NMI:
            if (now && !was) {
                irq_pulse(s->cfg.nmi);
            }
            break;
        default:
            break; /* ExtINT is read by apic_update; SMI, INIT: not modelled */
        }
    }
    apic_update(s);
}

void apic_set_lint(void *opaque, int pin, int level)
{
    ApicState *s = opaque;
    pin &= 1;
    level = level != 0;
    bool was = apic_lint_asserted(s, pin);
    int old = s->lint[pin];
    s->lint[pin] = level;
    if (!apic_enabled(s)) {
        if (pin == 1 && level && !old) {
            irq_pulse(s->cfg.nmi); /* bypassed: LINT1 is NMI */
        }
        apic_update(s);
        return;
    }
    apic_lint_eval(s, pin, was);
}

int apic_intack(void *opaque)
{
    ApicState *s = opaque;
    if (!apic_enabled(s) || apic_extint_active(s)) {
        int v = s->cfg.extint_ack ? s->cfg.extint_ack(s->cfg.extint_opaque) : (int)(s->svr & 0xff);
        apic_update(s);
        return v;
    }
    int v = apic_pending_vector(s);
    if (v < 0) {
        /* 10.9: the interrupt became masked (TPR) before the acknowledge */
        apic_update(s);
        return s->svr & 0xff;
    }
    vec_clear(s->irr, v);
    vec_set(s->isr, v);
    apic_update(s);
    return v;
}

/* 10.8.5: the highest vector in service is done. */
static void apic_eoi(ApicState *s)
{
    int v = vec_highest(s->isr);
    if (v < 0) {
        return;
    }
    vec_clear(s->isr, v);
    if (vec_test(s->tmr, v)) {
        for (int pin = 0; pin < 2; pin++) {
            uint32_t *l = &s->lvt[LVT_LINT0 + pin];
            if ((*l & APIC_LVT_REMOTE_IRR) && (*l & 0xff) == (uint32_t)v) {
                *l &= ~APIC_LVT_REMOTE_IRR;
            }
        }
        if (s->cfg.eoi_broadcast) {
            s->cfg.eoi_broadcast(s->cfg.eoi_opaque, v);
        }
        for (int pin = 0; pin < 2; pin++) {
            apic_lint_eval(s, pin, apic_lint_asserted(s, pin));
        }
    }
    apic_update(s);
}

bool apic_match_dest(ApicState *s, uint8_t dest, bool logical)
{
    if (!apic_enabled(s)) {
        return false;
    }
    if (dest == 0xff) {
        return true;
    }
    if (!logical) {
        return dest == s->id >> 24;
    }
    uint8_t ldr = s->ldr >> 24;
    switch (s->dfr >> 28) {
    case 0xf: /* flat: a bit per APIC */
        return dest & ldr;
    case 0x0: /* cluster: cluster number in 7:4 (15 = all), a bit per APIC in 3:0 */
        return ((dest >> 4) == 0xf || (dest >> 4) == (ldr >> 4)) && (dest & ldr & 0xf);
    default:
        return false; /* reserved models */
    }
}

/* 10.6.1: the ICR low half was written, send the IPI. */
static void apic_send_ipi(ApicState *s)
{
    uint32_t lo = s->icr_lo;
    int mode = APIC_LVT_DM(lo), vector = lo & 0xff;
    bool to_self;
    switch (APIC_ICR_SHORTHAND(lo)) {
    case APIC_SH_NONE:
        to_self = apic_match_dest(s, s->icr_hi >> 24, lo & APIC_ICR_DEST_LOGICAL);
        break;
    case APIC_SH_SELF:
    case APIC_SH_ALL:
        to_self = true;
        break;
    default:
        to_self = false; /* all excluding self: there is no other CPU */
        break;
    }
    if ((mode == APIC_DM_FIXED || mode == APIC_DM_LOWEST) && vector < 16) {
        apic_error(s, APIC_ESR_SEND_ILLEGAL_VECTOR);
        return;
    }
    if (to_self) {
        /* IPIs are edge-triggered: the trigger bit only qualifies INIT de-assert */
        apic_deliver(s, mode, vector, false);
    }
}

/* Timer (10.5.4): the count runs at APIC_BUS_HZ / divisor. */
static int64_t apic_timer_divisor(const ApicState *s)
{
    unsigned v = (s->dcr & 3) | ((s->dcr >> 1) & 4);
    return v == 7 ? 1 : 2 << v;
}

static int64_t apic_timer_counts(const ApicState *s, int64_t now)
{
    return ns_to_ticks(now - s->timer_base_ns, APIC_BUS_HZ) / apic_timer_divisor(s);
}

/* The first instant at which k counts have passed since the base. */
static int64_t apic_timer_when(const ApicState *s, int64_t k)
{
    int64_t ticks = k * apic_timer_divisor(s);
    int64_t ns = ticks_to_ns(ticks, APIC_BUS_HZ);
    if (ns_to_ticks(ns, APIC_BUS_HZ) < ticks) {
        ns++;
    }
    return s->timer_base_ns + ns;
}

static bool apic_timer_periodic(const ApicState *s)
{
    return s->lvt[LVT_TIMER] & APIC_LVT_TIMER_PERIODIC;
}

static uint32_t apic_timer_count(const ApicState *s, int64_t now)
{
    if (!s->timer_running) {
        return 0;
    }
    int64_t k = apic_timer_counts(s, now);
    if (k < s->timer_base_count) {
        return s->timer_base_count - k;
    }
    if (!apic_timer_periodic(s)) {
        return 0;
    }
    return s->timer_initial - (k - s->timer_base_count) % s->timer_initial;
}

static void apic_timer_arm(ApicState *s)
{
    if (s->timer_running) {
        timer_mod(s->timer, apic_timer_when(s, s->timer_next_k));
    } else {
        timer_del(s->timer);
    }
}

static void apic_timer_expire(void *opaque)
{
    ApicState *s = opaque;
    if (!s->timer_running) {
        return;
    }
    apic_lvt_signal(s, LVT_TIMER);
    if (!apic_timer_periodic(s)) {
        s->timer_running = false;
        timer_del(s->timer);
        return;
    }
    /* reload: the next zero after now, and not sooner than the clamp */
    int64_t k = apic_timer_counts(s, clock_ns());
    int64_t div = apic_timer_divisor(s);
    int64_t min_counts = (ns_to_ticks(APIC_MIN_PERIOD_NS, APIC_BUS_HZ) + div - 1) / div;
    int64_t target = MAX(k + 1, s->timer_next_k + min_counts);
    int64_t n = (target - s->timer_base_count + s->timer_initial - 1) / s->timer_initial;
    s->timer_next_k = s->timer_base_count + n * s->timer_initial;
    apic_timer_arm(s);
}

/* Before the divisor or the mode changes: continue from the current count. */
static void apic_timer_rebase(ApicState *s)
{
    if (!s->timer_running) {
        return;
    }
    int64_t now = clock_ns();
    if (timer_pending(s->timer) && timer_expire_time(s->timer) <= now) {
        apic_timer_expire(s); /* an expiry that is due is not lost */
        if (!s->timer_running) {
            return;
        }
    }
    uint32_t c = apic_timer_count(s, now);
    s->timer_base_ns = now;
    s->timer_base_count = c;
    s->timer_next_k = c;
}

static void apic_timer_start(ApicState *s, uint32_t initial)
{
    s->timer_initial = initial;
    s->timer_running = initial != 0; /* writing 0 stops the timer */
    s->timer_base_ns = clock_ns();
    s->timer_base_count = initial;
    s->timer_next_k = initial;
    apic_timer_arm(s);
}

static void apic_write_lvt(ApicState *s, int idx, uint32_t val)
{
    uint32_t w = apic_lvt_writable[idx];
    if (s->soft_disabled) {
        val |= APIC_LVT_MASKED;
    }
    if (idx == LVT_TIMER) {
        apic_timer_rebase(s);
    }
    s->lvt[idx] = (s->lvt[idx] & ~w) | (val & w);
    if (idx == LVT_TIMER) {
        apic_timer_arm(s);
    } else if (idx == LVT_LINT0 || idx == LVT_LINT1) {
        /* no edge from reprogramming; a level source already asserted is
         * delivered once unmasked */
        apic_lint_eval(s, idx - LVT_LINT0, apic_lint_asserted(s, idx - LVT_LINT0));
    }
}

static void apic_write_svr(ApicState *s, uint32_t val)
{
    s->svr = val & APIC_SVR_WRITABLE;
    s->soft_disabled = !(val & APIC_SVR_ENABLE);
    if (s->soft_disabled) {
        for (int i = 0; i < LVT_COUNT; i++) {
            s->lvt[i] |= APIC_LVT_MASKED;
        }
    }
    apic_update(s);
}

static bool apic_reg_implemented(uint64_t off)
{
    switch (off) {
    case APIC_ID: case APIC_LVR: case APIC_TPR: case APIC_APR: case APIC_PPR:
    case APIC_EOI: case APIC_RRD: case APIC_LDR: case APIC_DFR: case APIC_SVR:
    case APIC_ESR: case APIC_ICR_LO: case APIC_ICR_HI:
    case APIC_TIMER_ICR: case APIC_TIMER_CCR: case APIC_TIMER_DCR:
        return true;
    default:
        return (off >= APIC_ISR && off < APIC_ESR) ||
               (off >= APIC_LVT_BASE && off < APIC_LVT_BASE + LVT_COUNT * 0x10);
    }
}

static uint64_t apic_read(void *opaque, uint64_t off, unsigned size)
{
    ApicState *s = opaque;
    if (off & 0xf) {
        return 0; /* the other three dwords of a slot */
    }
    if (!apic_reg_implemented(off)) {
        apic_error(s, APIC_ESR_ILLEGAL_REGISTER);
        return 0;
    }
    if (off >= APIC_ISR && off < APIC_ESR) {
        const uint32_t *bank = off < APIC_TMR ? s->isr : off < APIC_IRR ? s->tmr : s->irr;
        return bank[(off >> 4) & 7];
    }
    if (off >= APIC_LVT_BASE && off < APIC_LVT_BASE + LVT_COUNT * 0x10) {
        return s->lvt[(off - APIC_LVT_BASE) >> 4];
    }
    switch (off) {
    case APIC_ID:
        return s->id;
    case APIC_LVR:
        return APIC_VERSION;
    case APIC_TPR:
        return s->tpr;
    case APIC_APR:
        return apic_apr(s);
    case APIC_PPR:
        return apic_ppr(s);
    case APIC_LDR:
        return s->ldr;
    case APIC_DFR:
        return s->dfr;
    case APIC_SVR:
        return s->svr;
    case APIC_ESR:
        return s->esr;
    case APIC_ICR_LO:
        return s->icr_lo; /* delivery status: always idle, sent at once */
    case APIC_ICR_HI:
        return s->icr_hi;
    case APIC_TIMER_ICR:
        return s->timer_initial;
    case APIC_TIMER_CCR:
        return apic_timer_count(s, clock_ns());
    case APIC_TIMER_DCR:
        return s->dcr;
    default:
        return 0; /* EOI (write-only), remote read (not on xAPIC) */
    }
}

static void apic_write(void *opaque, uint64_t off, uint64_t value, unsigned size)
{
    ApicState *s = opaque;
    uint32_t val = value;
    if (off & 0xf) {
        return;
    }
    if (!apic_reg_implemented(off)) {
        apic_error(s, APIC_ESR_ILLEGAL_REGISTER);
        return;
    }
    if (off >= APIC_LVT_BASE && off < APIC_LVT_BASE + LVT_COUNT * 0x10) {
        apic_write_lvt(s, (off - APIC_LVT_BASE) >> 4, val);
        return;
    }
    switch (off) {
    case APIC_ID:
        s->id = val & 0xff000000;
        break;
    case APIC_TPR:
        s->tpr = val & 0xff;
        apic_update(s);
        break;
    case APIC_EOI:
        apic_eoi(s);
        break;
    case APIC_LDR:
        s->ldr = val & 0xff000000;
        break;
    case APIC_DFR:
        s->dfr = val | 0x0fffffff;
        break;
    case APIC_SVR:
        apic_write_svr(s, val);
        break;
    case APIC_ESR:
        /* 10.5.3: latch the errors since the last write, rearm the interrupt */
        s->esr = s->esr_pending;
        s->esr_pending = 0;
        s->error_armed = true;
        break;
    case APIC_ICR_LO:
        s->icr_lo = val & APIC_ICR_WRITABLE;
        apic_send_ipi(s);
        break;
    case APIC_ICR_HI:
        s->icr_hi = val & 0xff000000;
        break;
    case APIC_TIMER_ICR:
        apic_timer_start(s, val);
        break;
    case APIC_TIMER_DCR:
        apic_timer_rebase(s);
        s->dcr = val & 0xb;
        apic_timer_arm(s);
        break;
    default:
        break; /* read-only registers */
    }
}

static const MemOps apic_ops = {
    .read = apic_read, .write = apic_write,
    .min_size = 4, .max_size = 4, /* 10.4.1: 32-bit accesses only */
};

/* 10.4.7.1: the power-up register state (also what clearing EN leaves). */
static void apic_reset_regs(ApicState *s)
{
    s->id = (uint32_t)s->cfg.id << 24;
    s->tpr = s->ldr = 0;
    s->dfr = 0xffffffff;
    s->svr = 0xff;
    memset(s->irr, 0, sizeof(s->irr));
    memset(s->isr, 0, sizeof(s->isr));
    memset(s->tmr, 0, sizeof(s->tmr));
    s->esr = s->esr_pending = 0;
    s->error_armed = true;
    s->icr_lo = s->icr_hi = 0;
    for (int i = 0; i < LVT_COUNT; i++) {
        s->lvt[i] = APIC_LVT_MASKED;
    }
    s->soft_disabled = false;
    s->timer_initial = s->dcr = 0;
    s->timer_running = false;
    timer_del(s->timer);
}

/* Put the register page where base says, or nowhere while EN is clear. */
static void apic_map(ApicState *s, uint64_t base)
{
    bool moved = (base ^ s->base) & (APIC_BASE_ADDR_MASK | APIC_BASE_EN);
    s->base = base;
    if (!moved && (s->mmio || !apic_enabled(s))) {
        return;
    }
    if (s->mmio) {
        as_remove(s->m->mem, s->mmio);
        s->mmio = NULL;
    }
    if (apic_enabled(s)) {
        /* a base over RAM or another device leaves the page unreachable:
         * the flat address space cannot overlay one region on another */
        s->mmio = as_add_io(s->m->mem, "lapic", base & APIC_BASE_ADDR_MASK, 0x1000, &apic_ops, s, NULL);
    }
}

bool apic_set_base(ApicState *s, uint64_t msr)
{
    if (msr & ~(APIC_BASE_ADDR_MASK | APIC_BASE_EN | APIC_BASE_BSP)) {
        return false; /* bits 0-7, 9 and 10 (no x2APIC) are reserved */
    }
    msr = (msr & ~(uint64_t)APIC_BASE_BSP) | (s->base & APIC_BASE_BSP); /* BSP is the hardware's */
    if (apic_enabled(s) && !(msr & APIC_BASE_EN)) {
        apic_reset_regs(s);
    }
    apic_map(s, msr);
    apic_update(s);
    return true;
}

uint64_t apic_get_base(ApicState *s)
{
    return s->base;
}

void apic_set_cr8(ApicState *s, uint64_t cr8)
{
    s->tpr = (cr8 & 0xf) << 4;
    apic_update(s);
}

uint64_t apic_get_cr8(ApicState *s)
{
    return s->tpr >> 4;
}

static void apic_reset(void *opaque)
{
    ApicState *s = opaque;
    bool bsp = s->cfg.id == 0;
    apic_reset_regs(s);
    if (bsp) {
        s->lvt[LVT_LINT0] = APIC_DM_EXTINT << 8; /* virtual wire: see the top */
    }
    apic_map(s, APIC_DEFAULT_BASE | APIC_BASE_EN | (bsp ? APIC_BASE_BSP : 0));
    s->intr_out = -1;
    apic_update(s);
}

static void apic_free(void *opaque)
{
    ApicState *s = opaque;
    timer_free(s->timer);
    irq_lines_free(s->cfg.intr);
    irq_lines_free(s->cfg.nmi);
    g_free(s);
}

ApicState *apic_create(Machine *m, const ApicConfig *cfg)
{
    ApicState *s = g_new0(ApicState, 1);
    s->m = m;
    s->cfg = *cfg;
    s->timer = timer_new(apic_timer_expire, s);
    apic_reset(s);
    machine_add_reset(m, apic_reset, s);
    machine_own(m, s, apic_free);
    return s;
}
