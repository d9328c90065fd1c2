/* mimic-test: */
/*
 * The local APIC and the IOAPIC as an OS drives them, after Intel SDM vol.
 * 3A chapter 10 (10.4 IA32_APIC_BASE, ID, version, the software-disabled
 * state; 10.5 LVT and the timer in one-shot and periodic modes; 10.6 ICR
 * and self-IPIs in physical and logical mode; 10.8 IRR/ISR, TPR/PPR,
 * priority order, EOI; 10.9 the spurious-interrupt vector register), the
 * 82093AA IOAPIC datasheet (ID, version, redirection entries: trigger
 * mode, polarity, mask, remote IRR) and the ACPI MADT that tells where
 * the ISA interrupts go (ACPI 6.4, 5.2.12: IOAPIC and interrupt source
 * override entries; an ISA IRQ without an override is edge-triggered,
 * active high on the GSI of its number). The PIT goes to IOAPIC pin 2 as
 * the MADT's override says, the RTC to pin 8, and the 8259 pair reaches the
 * CPU through LINT0 in ExtINT mode. Timer rates are measured against the
 * PIT; only verdicts are printed.
 *
 * Under kvm-irqchip-off and tcg this is mimic's APIC (hw/intc/apic.c) and
 * IOAPIC; under kvm, KVM's in-kernel ones.
 */
#include "sys.h"

#define LAPIC 0xfee00000u
#define IOAPIC 0xfec00000u

#define APIC_ID 0x20
#define APIC_VER 0x30
#define APIC_TPR 0x80
#define APIC_PPR 0xa0
#define APIC_EOI 0xb0
#define APIC_LDR 0xd0
#define APIC_DFR 0xe0
#define APIC_SVR 0xf0
#define APIC_ISR 0x100
#define APIC_TMR 0x180
#define APIC_IRR 0x200
#define APIC_ESR 0x280
#define APIC_ICR_LO 0x300
#define APIC_ICR_HI 0x310
#define APIC_LVT_TIMER 0x320
#define APIC_LVT_LINT0 0x350
#define APIC_LVT_LINT1 0x360
#define APIC_LVT_ERROR 0x370
#define APIC_TIMER_ICR 0x380
#define APIC_TIMER_CCR 0x390
#define APIC_TIMER_DCR 0x3e0

#define SVR_ENABLE 0x100u
#define LVT_MASKED 0x10000u
#define LVT_PERIODIC 0x20000u
#define LVT_EXTINT 0x700u
#define ICR_SELF 0x40000u        /* destination shorthand: self */
#define ICR_ASSERT 0x4000u
#define ICR_LOGICAL 0x800u
#define ICR_PENDING 0x1000u
#define DCR_DIV1 0xbu
#define DCR_DIV16 0x3u

#define IOREGSEL 0x00
#define IOWIN 0x10
#define IOAPIC_REG_ID 0x00
#define IOAPIC_REG_VER 0x01
#define IOAPIC_REDIR(pin) (0x10 + 2 * (pin))
#define RTE_MASKED 0x10000u
#define RTE_LEVEL 0x8000u
#define RTE_REMOTE_IRR 0x4000u
#define RTE_ACTIVE_LOW 0x2000u

#define V_SELF 0x50
#define V_TIMER 0x70
#define V_DELAY 0x71
#define V_PIT 0x78
#define V_RTC 0x79
#define V_SPURIOUS 0xff

#define RTC_REG_A 0x0a
#define RTC_REG_B 0x0b
#define RTC_REG_C 0x0c
#define RTC_B_PIE 0x40
#define RTC_RATE_64HZ 0x0a

#define TICK_HZ 100

SYS_CATCH_DEFINE

static uint32_t apic_rd(uint32_t off)
{
    return mmio_read32(LAPIC + off);
}

static void apic_wr(uint32_t off, uint32_t v)
{
    mmio_write32(LAPIC + off, v);
}

static uint32_t io_rd(uint32_t reg)
{
    mmio_write32(IOAPIC + IOREGSEL, reg);
    return mmio_read32(IOAPIC + IOWIN);
}

static void io_wr(uint32_t reg, uint32_t v)
{
    mmio_write32(IOAPIC + IOREGSEL, reg);
    mmio_write32(IOAPIC + IOWIN, v);
}

static void io_route(int pin, uint32_t low)
{
    io_wr(IOAPIC_REDIR(pin) + 1, 0); /* destination: APIC ID 0 */
    io_wr(IOAPIC_REDIR(pin), low);
}

static bool vec_bit(uint32_t bank, int v)
{
    return (apic_rd(bank + (uint32_t)(v / 32) * 0x10) >> (v % 32)) & 1;
}

/* Let an interrupt already accepted into IRR be taken: masking its source
 * does not withdraw it (a virtual CPU may take it only at its next exit). */
static void drain(int v)
{
    sti();
    for (int i = 0; i < 1000 && vec_bit(APIC_IRR, v); i++) {
        cpu_pause();
    }
    cli();
}

/* ---- interrupt handlers ---- */

static volatile uint32_t hits[256];
static volatile uint8_t order[8];
static volatile uint32_t norder;
static volatile uint32_t ppr_in_handler, isr_in_handler;

static void apic_handler(struct irq_frame *f)
{
    int v = f->vector & 0xff;
    hits[v]++;
    if (norder < sizeof(order)) {
        order[norder++] = (uint8_t)v;
    }
    ppr_in_handler = apic_rd(APIC_PPR);
    isr_in_handler = vec_bit(APIC_ISR, v);
    apic_wr(APIC_EOI, 0);
}

/* The spurious vector gets no EOI (SDM 10.9). */
static void spurious_handler(struct irq_frame *f)
{
    hits[V_SPURIOUS]++;
}

static volatile uint32_t rtc_hits, rtc_rirr, rtc_tmr, rtc_ack_after;

/* RTC: register C is read (IRQ8 drops) only from the rtc_ack_after-th
 * interrupt on. */
static void rtc_handler(struct irq_frame *f)
{
    rtc_hits++;
    rtc_rirr |= (io_rd(IOAPIC_REDIR(8)) & RTE_REMOTE_IRR) ? 1 : 0;
    rtc_tmr |= vec_bit(APIC_TMR, V_RTC);
    if (rtc_hits >= rtc_ack_after) {
        cmos_read(RTC_REG_C);
    }
    apic_wr(APIC_EOI, 0);
}

/* An active-low pin whose line idles low asserts at once: the handler
 * masks it. */
static void masking_handler(struct irq_frame *f)
{
    hits[f->vector & 0xff]++;
    io_wr(IOAPIC_REDIR(8), io_rd(IOAPIC_REDIR(8)) | RTE_MASKED);
    apic_wr(APIC_EOI, 0);
}

/* ---- the MADT ---- */

static uint8_t sum8(const uint8_t *p, uint32_t n)
{
    uint8_t s = 0;
    while (n--) {
        s += *p++;
    }
    return s;
}

static uint32_t rd32(const uint8_t *p)
{
    return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static bool sig_is(const uint8_t *p, const char *s)
{
    return p[0] == s[0] && p[1] == s[1] && p[2] == s[2] && p[3] == s[3];
}

struct madt_info {
    bool found;
    uint32_t lapic_addr, ioapic_addr, ioapic_gsi_base;
    uint8_t ioapic_id;
    uint32_t gsi[16];    /* ISA IRQ -> GSI */
    uint16_t flags[16];  /* MPS INTI flags of an override, 0 = conforming */
};

static void madt_read(struct madt_info *m)
{
    for (int i = 0; i < 16; i++) {
        m->gsi[i] = (uint32_t)i;
        m->flags[i] = 0;
    }
    m->found = false;
    const uint8_t *rsdp = NULL;
    for (uint32_t a = 0xe0000; a < 0x100000 && !rsdp; a += 16) {
        const uint8_t *p = (const uint8_t *)(uintptr_t)a;
        if (sig_is(p, "RSD ") && sig_is(p + 4, "PTR ") && sum8(p, 20) == 0) {
            rsdp = p;
        }
    }
    if (!rsdp) {
        return;
    }
    const uint8_t *rsdt = (const uint8_t *)(uintptr_t)rd32(rsdp + 16);
    uint32_t n = (rd32(rsdt + 4) - 36) / 4;
    for (uint32_t i = 0; i < n; i++) {
        const uint8_t *t = (const uint8_t *)(uintptr_t)rd32(rsdt + 36 + 4 * i);
        if (!sig_is(t, "APIC") || sum8(t, rd32(t + 4)) != 0) {
            continue;
        }
        m->found = true;
        m->lapic_addr = rd32(t + 36);
        for (uint32_t off = 44; off + 2 <= rd32(t + 4); off += t[off + 1]) {
            const uint8_t *e = t + off;
            if (e[1] < 2) {
                break;
            }
            if (e[0] == 1) { /* I/O APIC */
                m->ioapic_id = e[2];
                m->ioapic_addr = rd32(e + 4);
                m->ioapic_gsi_base = rd32(e + 8);
            } else if (e[0] == 2 && e[2] == 0 && e[3] < 16) { /* ISA override */
                m->gsi[e[3]] = rd32(e + 4);
                m->flags[e[3]] = (uint16_t)(e[8] | e[9] << 8);
            }
        }
    }
}

/* ---- time ---- */

static void pit_stop(void)
{
    outb(0x43, 0x30); /* channel 0, mode 0, no reload: OUT stays high, quiet */
    outb(0x40, 0);
    outb(0x40, 0);
}

/* APIC timer counts per second at divide-by-1, measured over PIT ticks. */
static uint32_t timer_hz;

static uint32_t measure_counts(uint32_t dcr, uint32_t ticks)
{
    apic_wr(APIC_LVT_TIMER, LVT_MASKED | V_TIMER);
    apic_wr(APIC_TIMER_DCR, dcr);
    apic_wr(APIC_TIMER_ICR, 0xffffffffu);
    delay_ticks(1);
    uint32_t c0 = apic_rd(APIC_TIMER_CCR);
    delay_ticks(ticks);
    uint32_t c1 = apic_rd(APIC_TIMER_CCR);
    apic_wr(APIC_TIMER_ICR, 0);
    return c0 - c1;
}

/* Sleep with the APIC timer in one-shot mode (after calibration). */
static void apic_delay_ms(uint32_t ms)
{
    uint32_t h = hits[V_DELAY];
    apic_wr(APIC_TIMER_DCR, DCR_DIV16);
    apic_wr(APIC_LVT_TIMER, V_DELAY);
    apic_wr(APIC_TIMER_ICR, timer_hz / 16 / 1000 * ms);
    wait_irq(&hits[V_DELAY], h + 1, 100000);
}

/* ---- tests ---- */

static void reset_state(void)
{
    printf("local APIC after reset:\n");
    check_eq((uint32_t)rdmsr(MSR_APIC_BASE), 0xfee00900, "IA32_APIC_BASE: base, EN, BSP");
    check_eq(apic_rd(APIC_ID), 0, "ID");
    check_eq(apic_rd(APIC_VER), 0x00050014, "version: integrated APIC, 6 LVT entries");
    check_eq(apic_rd(APIC_TPR), 0, "TPR");
    check_eq(apic_rd(APIC_SVR), 0xff, "SVR: software disabled, vector 0xff");
    check_eq(apic_rd(APIC_DFR), 0xffffffff, "DFR: flat model");
    check_eq(apic_rd(APIC_LDR), 0, "LDR");
    check_eq(apic_rd(APIC_LVT_TIMER), LVT_MASKED, "LVT timer masked");
    check_eq(apic_rd(APIC_LVT_LINT0), LVT_EXTINT, "LVT LINT0: ExtINT (virtual wire)");
    check_eq(apic_rd(APIC_LVT_LINT1), LVT_MASKED, "LVT LINT1 masked");
    check_eq(apic_rd(APIC_LVT_ERROR), LVT_MASKED, "LVT error masked");
    check_eq(apic_rd(APIC_TIMER_ICR) | apic_rd(APIC_TIMER_CCR), 0, "timer counts zero");
    check_eq(apic_rd(APIC_TIMER_DCR), 0, "timer divide configuration");
}

static void svr_tests(void)
{
    printf("spurious-interrupt vector register:\n");
    apic_wr(APIC_SVR, SVR_ENABLE | 0xf5);
    check_eq(apic_rd(APIC_SVR), SVR_ENABLE | 0xf5, "SVR: vector bits writable, enabled");
    apic_wr(APIC_LVT_TIMER, V_TIMER);
    check_eq(apic_rd(APIC_LVT_TIMER), V_TIMER, "enabled: LVT timer unmasked by a write");
    apic_wr(APIC_SVR, 0xf5);
    check_eq(apic_rd(APIC_LVT_TIMER), LVT_MASKED | V_TIMER, "software disable masks the LVT");
    apic_wr(APIC_LVT_TIMER, V_TIMER);
    check_eq(apic_rd(APIC_LVT_TIMER), LVT_MASKED | V_TIMER, "software disabled: mask stays set");
    apic_wr(APIC_SVR, SVR_ENABLE | V_SPURIOUS);
    check_eq(apic_rd(APIC_LVT_TIMER), LVT_MASKED | V_TIMER, "enabling again leaves the mask set");
    check_eq(apic_rd(APIC_LVT_LINT0), LVT_MASKED | LVT_EXTINT, "software disable masked LINT0 too");
    apic_wr(APIC_LVT_LINT0, LVT_EXTINT);
    apic_wr(APIC_LVT_TIMER, LVT_MASKED | V_TIMER);
    apic_wr(APIC_ESR, 0);
    check_eq(apic_rd(APIC_ESR), 0, "ESR: no error");
}

static void ipi_tests(void)
{
    printf("self-IPIs, priorities, EOI:\n");
    apic_wr(APIC_ICR_HI, 0);
    apic_wr(APIC_ICR_LO, ICR_SELF | ICR_ASSERT | V_SELF);
    check_eq(apic_rd(APIC_ICR_LO) & (ICR_PENDING | 0xff), V_SELF, "ICR: sent, not pending");
    check(vec_bit(APIC_IRR, V_SELF), "self-IPI with IF=0: in IRR");
    check(!vec_bit(APIC_TMR, V_SELF), "self-IPI: TMR clear (edge)");
    check(poll_irq(&hits[V_SELF], 1, 100000), "self-IPI taken after STI");
    check(isr_in_handler, "in the handler: ISR bit set");
    check(!vec_bit(APIC_ISR, V_SELF) && !vec_bit(APIC_IRR, V_SELF), "after EOI: ISR and IRR clear");

    apic_wr(APIC_ICR_LO, ICR_ASSERT | (V_SELF + 1)); /* physical, destination ID 0 */
    check(poll_irq(&hits[V_SELF + 1], 1, 100000), "IPI to APIC ID 0 (physical)");
    apic_wr(APIC_LDR, 0x01000000);
    apic_wr(APIC_ICR_HI, 0x01000000);
    apic_wr(APIC_ICR_LO, ICR_ASSERT | ICR_LOGICAL | (V_SELF + 2));
    check(poll_irq(&hits[V_SELF + 2], 1, 100000), "IPI to logical ID 1 (flat model, LDR 1)");
    apic_wr(APIC_ICR_HI, 0x02000000);
    apic_wr(APIC_ICR_LO, ICR_ASSERT | ICR_LOGICAL | (V_SELF + 3));
    poll_irq(&hits[V_SELF + 3], 1, 20000);
    check_eq(hits[V_SELF + 3], 0, "IPI to logical ID 2: not for us");
    apic_wr(APIC_ICR_HI, 0);

    apic_wr(APIC_TPR, 0x60);
    check_eq(apic_rd(APIC_PPR), 0x60, "PPR is TPR with nothing in service");
    apic_wr(APIC_ICR_LO, ICR_SELF | ICR_ASSERT | 0x65);
    poll_irq(&hits[0x65], 1, 20000);
    check_eq(hits[0x65], 0, "vector 0x65 held by TPR 0x60");
    check(vec_bit(APIC_IRR, 0x65), "held vector stays in IRR");
    apic_wr(APIC_TPR, 0x5f);
    check(poll_irq(&hits[0x65], 1, 100000), "vector 0x65 taken with TPR 0x5f");
    apic_wr(APIC_TPR, 0x20);
    apic_wr(APIC_ICR_LO, ICR_SELF | ICR_ASSERT | 0x85);
    poll_irq(&hits[0x85], 1, 100000);
    check_eq(ppr_in_handler, 0x80, "PPR in the handler of 0x85 with TPR 0x20: ISR class");
    apic_wr(APIC_TPR, 0);

    norder = 0;
    apic_wr(APIC_ICR_LO, ICR_SELF | ICR_ASSERT | 0x61);
    apic_wr(APIC_ICR_LO, ICR_SELF | ICR_ASSERT | 0xa1);
    apic_wr(APIC_ICR_LO, ICR_SELF | ICR_ASSERT | 0x81);
    poll_irq(&hits[0x61], 1, 100000);
    check_eq(norder, 3, "three pending self-IPIs taken");
    check_eq(order[0] | order[1] << 8 | order[2] << 16, 0x6181a1, "highest vector first");
}

static void timer_tests(void)
{
    printf("APIC timer:\n");
    pit_tick_start(TICK_HZ);
    uint32_t c1 = measure_counts(DCR_DIV1, 5);
    timer_hz = c1 * (TICK_HZ / 5);
    check(timer_hz >= 10000000u && timer_hz <= 4000000000u,
          "timer input clock measured against the PIT: 10 MHz to 4 GHz");
    uint32_t c16 = measure_counts(DCR_DIV16, 5);
    check(c16 * 8 <= c1 && c16 * 32 >= c1, "divide by 16: about a sixteenth of the rate");

    /* one-shot, ~30 ms */
    uint32_t init = timer_hz / 16 / 1000 * 30;
    apic_wr(APIC_TIMER_DCR, DCR_DIV16);
    apic_wr(APIC_LVT_TIMER, V_TIMER);
    apic_wr(APIC_TIMER_ICR, init);
    uint32_t r1 = apic_rd(APIC_TIMER_CCR);
    uint32_t r2 = apic_rd(APIC_TIMER_CCR);
    check(r1 <= init && r2 <= r1 && r1 > 0,
          "one-shot: current count runs down from the initial count");
    check(wait_irq(&hits[V_TIMER], 1, 20), "one-shot: interrupt");
    check_eq(apic_rd(APIC_TIMER_CCR), 0, "one-shot: current count 0 after expiry");
    delay_ticks(5);
    check_eq(hits[V_TIMER], 1, "one-shot: fires once");

    /* periodic, ~10 ms, counted over 20 PIT ticks (200 ms) */
    apic_wr(APIC_LVT_TIMER, LVT_PERIODIC | V_TIMER);
    uint32_t h0 = hits[V_TIMER];
    apic_wr(APIC_TIMER_ICR, timer_hz / 16 / 100);
    delay_ticks(20);
    uint32_t n = hits[V_TIMER] - h0;
    check(n >= 10 && n <= 30, "periodic: about 20 interrupts in 20 PIT ticks");
    check(apic_rd(APIC_TIMER_CCR) <= timer_hz / 16 / 100,
          "periodic: current count within the period");
    apic_wr(APIC_LVT_TIMER, LVT_MASKED | LVT_PERIODIC | V_TIMER);
    drain(V_TIMER);
    h0 = hits[V_TIMER];
    uint32_t cc0 = apic_rd(APIC_TIMER_CCR);
    delay_ticks(3);
    check_eq(hits[V_TIMER] - h0, 0, "masked: no interrupts");
    check(apic_rd(APIC_TIMER_CCR) != cc0, "masked: the count keeps running");
    apic_wr(APIC_TIMER_ICR, 0);
    check_eq(apic_rd(APIC_TIMER_CCR), 0, "initial count 0 stops the timer");

    /* LINT0 in ExtINT mode carried the PIT through the 8259 so far */
    check(pit_ticks > 0, "8259 interrupts through LINT0 (ExtINT)");
    apic_wr(APIC_LVT_LINT0, LVT_MASKED | LVT_EXTINT);
    uint32_t t0 = pit_ticks;
    apic_delay_ms(50);
    check_eq(pit_ticks - t0, 0, "LINT0 masked: no 8259 interrupts");
    apic_wr(APIC_LVT_LINT0, LVT_EXTINT);
    check(wait_irq(&pit_ticks, pit_ticks + 1, 100000), "LINT0 unmasked: 8259 interrupts again");
    pit_tick_stop();
}

static void ioapic_tests(const struct madt_info *m)
{
    printf("IOAPIC:\n");
    check(m->found, "MADT found");
    check_eq(m->lapic_addr, LAPIC, "MADT: local APIC address");
    check_eq(m->ioapic_addr, IOAPIC, "MADT: IOAPIC address");
    check_eq(m->ioapic_gsi_base, 0, "MADT: IOAPIC GSI base");
    check_eq(io_rd(IOAPIC_REG_ID) >> 24 & 0xf, m->ioapic_id, "IOAPIC ID as the MADT says");
    check_eq(io_rd(IOAPIC_REG_VER) & 0x00ff00ff, 0x00170011, "IOAPIC version 0x11, 24 entries");
    uint32_t masked = 0;
    for (int pin = 0; pin < 24; pin++) {
        masked += (io_rd(IOAPIC_REDIR(pin)) & RTE_MASKED) ? 1 : 0;
    }
    check_eq(masked, 24, "every redirection entry masked after reset");
    check_eq(m->gsi[0], 2, "MADT: IRQ0 (PIT) on GSI 2");
    check_eq(m->gsi[8], 8, "MADT: IRQ8 (RTC) on GSI 8");
    check_eq(m->flags[8], 0, "MADT: IRQ8 conforming (ISA: edge, active high)");

    /* PIT on its GSI, 8259 input masked */
    uint32_t pin = m->gsi[0];
    io_route((int)pin, V_PIT);
    outb(0x43, 0x34);
    outb(0x40, (PIT_HZ / TICK_HZ) & 0xff);
    outb(0x40, (PIT_HZ / TICK_HZ) >> 8);
    check(wait_irq(&hits[V_PIT], 5, 100000), "PIT through the IOAPIC: 5 interrupts");
    check(pic_irr() & 1, "the masked 8259 latched IRQ0 as well");
    io_wr(IOAPIC_REDIR(pin), RTE_MASKED | V_PIT);
    drain(V_PIT);
    uint32_t h = hits[V_PIT];
    apic_delay_ms(50);
    check_eq(hits[V_PIT] - h, 0, "PIT pin masked: no interrupts");
    pit_stop();

    /* RTC on pin 8, edge: IRQ8 stays high until register C is read, so
     * one edge only */
    set_handler(V_RTC, rtc_handler);
    cmos_write(RTC_REG_A, (cmos_read(RTC_REG_A) & 0xf0) | RTC_RATE_64HZ);
    cmos_read(RTC_REG_C);
    rtc_hits = 0;
    rtc_ack_after = 100;
    io_route(8, V_RTC);
    cmos_write(RTC_REG_B, cmos_read(RTC_REG_B) | RTC_B_PIE);
    check(wait_irq(&rtc_hits, 1, 100000), "RTC through the IOAPIC pin 8 (edge)");
    apic_delay_ms(100);
    check_eq(rtc_hits, 1, "edge: one interrupt while register C is unread");
    rtc_ack_after = 0;
    cmos_read(RTC_REG_C);
    check(wait_irq(&rtc_hits, 2, 100000), "edge: the next period's interrupt after reading C");

    /* level: delivered again after each EOI while IRQ8 is high */
    io_wr(IOAPIC_REDIR(8), RTE_MASKED | V_RTC);
    cmos_read(RTC_REG_C);
    rtc_hits = 0;
    rtc_rirr = 0;
    rtc_tmr = 0;
    rtc_ack_after = 3;
    io_wr(IOAPIC_REDIR(8), RTE_LEVEL | V_RTC);
    wait_irq(&rtc_hits, 3, 100000);
    cmos_write(RTC_REG_B, cmos_read(RTC_REG_B) & ~RTC_B_PIE);
    cmos_read(RTC_REG_C);
    check_eq(rtc_hits, 3, "level: delivered again until register C is read");
    check_eq(rtc_rirr, 1, "level: remote IRR set in the handler");
    check_eq(io_rd(IOAPIC_REDIR(8)) & RTE_REMOTE_IRR, 0, "level: remote IRR clear after the EOI");
    check_eq(rtc_tmr, 1, "level: TMR bit set in the handler");

    /* polarity: active low with the line idle (low) is asserted */
    io_wr(IOAPIC_REDIR(8), RTE_MASKED | V_RTC);
    set_handler(V_RTC, masking_handler);
    hits[V_RTC] = 0;
    io_wr(IOAPIC_REDIR(8), RTE_LEVEL | RTE_ACTIVE_LOW | V_RTC);
    check(poll_irq(&hits[V_RTC], 1, 100000), "level, active low, line idle: asserted");
    io_wr(IOAPIC_REDIR(8), RTE_MASKED | V_RTC);
}

void test_main(void)
{
    sys_catch_init();
    for (int v = 0x40; v < 0xff; v++) {
        set_handler(v, apic_handler);
    }
    set_handler(V_SPURIOUS, spurious_handler);
    struct madt_info m = { 0 };
    madt_read(&m);

    reset_state();
    svr_tests();
    ipi_tests();
    timer_tests();
    ioapic_tests(&m);
    check_eq(hits[V_SPURIOUS], 0, "no spurious interrupts");
    uint32_t isr = 0;
    for (int i = 0; i < 8; i++) {
        isr |= apic_rd(APIC_ISR + 0x10 * (uint32_t)i);
    }
    check_eq(isr, 0, "nothing left in service");
}
