/*
 * Local APIC: driven through its MMIO page as a guest does, checked against
 * the SDM vol. 3A ch. 10 (reset state, priorities, EOI, timer, LVT, ESR)
 * and the PC's virtual-wire wiring (the 8259 through LINT0).
 */
#include <glib.h>

#include "hw/core/timer.h"
#include "hw/intc/apic.h"

#define BASE 0xfee00000u

static Machine m;
static ApicState *apic;
static int intr, nmis, pic_acks, pic_vector;
static int eois[8], n_eois;

static void intr_set(void *opaque, int n, int level)
{
    intr = level;
}

static void nmi_set(void *opaque, int n, int level)
{
    nmis += level != 0;
}

static int fake_pic_ack(void *opaque)
{
    pic_acks++;
    return pic_vector;
}

static void eoi_seen(void *opaque, int vector)
{
    if (n_eois < 8) {
        eois[n_eois++] = vector;
    }
}

static ApicState *make_apic(Machine *mm, uint8_t id)
{
    ApicConfig cfg = {
        .id = id,
        .intr = irq_line_new(intr_set, NULL, 0),
        .nmi = irq_line_new(nmi_set, NULL, 0),
        .extint_ack = fake_pic_ack,
        .eoi_broadcast = eoi_seen,
    };
    return apic_create(mm, &cfg);
}

static void machine_init(Machine *mm)
{
    *mm = (Machine){ 0 };
    mm->mem = as_create("memory", 1ull << 32);
    mm->io = as_create("io", 0x10000);
}

static void machine_fini(Machine *mm)
{
    g_ptr_array_free(mm->owned, TRUE);
    g_array_free(mm->reset_hooks, TRUE);
    as_destroy(mm->io);
    as_destroy(mm->mem);
}

static void setup(void)
{
    clock_set_manual(true);
    machine_init(&m);
    intr = -1;
    nmis = pic_acks = n_eois = 0;
    pic_vector = 0x28;
    apic = make_apic(&m, 0);
}

static void teardown(void)
{
    machine_fini(&m);
    clock_set_manual(false);
}

static uint32_t rd(uint32_t off)
{
    return as_read(m.mem, BASE + off, 4);
}

static void wr(uint32_t off, uint32_t v)
{
    as_write(m.mem, BASE + off, v, 4);
}

static bool irr(int v)
{
    return rd(0x200 + (v / 32) * 0x10) >> (v % 32) & 1;
}

static bool isr(int v)
{
    return rd(0x100 + (v / 32) * 0x10) >> (v % 32) & 1;
}

static bool tmr(int v)
{
    return rd(0x180 + (v / 32) * 0x10) >> (v % 32) & 1;
}

static void self_ipi(int vector)
{
    wr(0x300, 0x40000 | vector); /* shorthand self, fixed */
}

static void enable(void)
{
    wr(0xf0, 0x1ff);
}

static void test_reset_values(void)
{
    setup();
    g_assert_cmphex(rd(0x20), ==, 0);
    g_assert_cmphex(rd(0x30), ==, 0x00050014);
    g_assert_cmphex(rd(0x80), ==, 0);
    g_assert_cmphex(rd(0xa0), ==, 0);
    g_assert_cmphex(rd(0xd0), ==, 0);
    g_assert_cmphex(rd(0xe0), ==, 0xffffffff);
    g_assert_cmphex(rd(0xf0), ==, 0xff);
    for (int i = 0; i < 8; i++) {
        g_assert_cmphex(rd(0x100 + i * 0x10), ==, 0);
        g_assert_cmphex(rd(0x180 + i * 0x10), ==, 0);
        g_assert_cmphex(rd(0x200 + i * 0x10), ==, 0);
    }
    g_assert_cmphex(rd(0x280), ==, 0);
    g_assert_cmphex(rd(0x300), ==, 0);
    g_assert_cmphex(rd(0x310), ==, 0);
    g_assert_cmphex(rd(0x320), ==, 0x10000);
    g_assert_cmphex(rd(0x330), ==, 0x10000);
    g_assert_cmphex(rd(0x340), ==, 0x10000);
    g_assert_cmphex(rd(0x350), ==, 0x700); /* BSP: virtual wire, as firmware leaves it */
    g_assert_cmphex(rd(0x360), ==, 0x10000);
    g_assert_cmphex(rd(0x370), ==, 0x10000);
    g_assert_cmphex(rd(0x380), ==, 0);
    g_assert_cmphex(rd(0x390), ==, 0);
    g_assert_cmphex(rd(0x3e0), ==, 0);
    g_assert_cmphex(apic_get_base(apic), ==, 0xfee00900); /* EN, BSP */
    g_assert_cmpint(intr, ==, 0);

    /* a machine reset undoes what the guest programmed */
    enable();
    wr(0x80, 0x40);
    wr(0xd0, 0x01000000);
    wr(0x350, 0x10000);
    self_ipi(0x99);
    machine_reset(&m);
    g_assert_cmphex(rd(0x80), ==, 0);
    g_assert_cmphex(rd(0xd0), ==, 0);
    g_assert_cmphex(rd(0xf0), ==, 0xff);
    g_assert_cmphex(rd(0x350), ==, 0x700);
    g_assert_false(irr(0x99));
    g_assert_cmpint(intr, ==, 0);
    teardown();

    /* an AP: its own ID, LINT0 masked, no BSP flag */
    Machine m2;
    machine_init(&m2);
    ApicState *ap = make_apic(&m2, 3);
    g_assert_cmphex(as_read(m2.mem, BASE + 0x20, 4), ==, 0x03000000);
    g_assert_cmphex(as_read(m2.mem, BASE + 0x350, 4), ==, 0x10000);
    g_assert_cmphex(apic_get_base(ap), ==, 0xfee00800);
    machine_fini(&m2);
}

static void test_register_masks(void)
{
    setup();
    wr(0x80, 0xffffffff);
    g_assert_cmphex(rd(0x80), ==, 0xff);
    wr(0x80, 0);
    wr(0xd0, 0xffffffff);
    g_assert_cmphex(rd(0xd0), ==, 0xff000000);
    wr(0xe0, 0);
    g_assert_cmphex(rd(0xe0), ==, 0x0fffffff);
    wr(0x20, 0x05ffffff);
    g_assert_cmphex(rd(0x20), ==, 0x05000000);
    wr(0x30, 0);
    g_assert_cmphex(rd(0x30), ==, 0x00050014); /* read-only */
    wr(0x310, 0xffffffff);
    g_assert_cmphex(rd(0x310), ==, 0xff000000);
    wr(0x320, 0xffffffff);
    g_assert_cmphex(rd(0x320), ==, 0x000300ff); /* no TSC-deadline mode */
    wr(0x330, 0xffffffff);
    g_assert_cmphex(rd(0x330), ==, 0x000107ff);
    wr(0x340, 0xffffffff);
    g_assert_cmphex(rd(0x340), ==, 0x000107ff);
    wr(0x360, 0xffffffff);
    g_assert_cmphex(rd(0x360), ==, 0x0001a7ff); /* remote IRR, status read-only */
    wr(0x370, 0xffffffff);
    g_assert_cmphex(rd(0x370), ==, 0x000100ff);
    wr(0x3e0, 0xffffffff);
    g_assert_cmphex(rd(0x3e0), ==, 0xb);
    wr(0xf0, 0xffffffff);
    g_assert_cmphex(rd(0xf0), ==, 0x3ff);
    /* the other dwords of a slot are not the register */
    g_assert_cmphex(rd(0x84), ==, 0);
    teardown();
}

static void test_tpr_ppr(void)
{
    setup();
    enable();
    wr(0x80, 0x5a);
    g_assert_cmphex(rd(0xa0), ==, 0x5a);
    self_ipi(0x45); /* class 4 <= 5: held */
    g_assert_true(irr(0x45));
    g_assert_cmpint(intr, ==, 0);
    wr(0x80, 0x30);
    g_assert_cmpint(intr, ==, 1);
    g_assert_cmpint(apic_intack(apic), ==, 0x45);
    g_assert_true(isr(0x45));
    g_assert_false(irr(0x45));
    g_assert_cmphex(rd(0xa0), ==, 0x40); /* ISRV class above TPR: sub-class 0 */
    wr(0x80, 0x4a);
    g_assert_cmphex(rd(0xa0), ==, 0x4a); /* equal classes: TPR */
    wr(0x80, 0x70);
    g_assert_cmphex(rd(0xa0), ==, 0x70);
    wr(0xb0, 0);
    g_assert_false(isr(0x45));

    /* CR8 is TPR[7:4] */
    apic_set_cr8(apic, 0x3);
    g_assert_cmphex(rd(0x80), ==, 0x30);
    wr(0x80, 0xbc);
    g_assert_cmphex(apic_get_cr8(apic), ==, 0xb);
    teardown();
}

static void test_self_ipi(void)
{
    setup();
    enable();
    self_ipi(0x80);
    g_assert_true(irr(0x80));
    g_assert_false(tmr(0x80));
    g_assert_cmpint(intr, ==, 1);
    g_assert_cmphex(rd(0x300), ==, 0x40080); /* delivery status idle */
    g_assert_cmpint(apic_intack(apic), ==, 0x80);
    g_assert_true(isr(0x80));
    g_assert_cmpint(intr, ==, 0);
    wr(0xb0, 0);
    g_assert_false(isr(0x80));

    /* physical destination: its own ID, broadcast; another ID goes nowhere */
    wr(0x310, 0x00000000);
    wr(0x300, 0x81);
    g_assert_true(irr(0x81));
    wr(0x310, 0x05000000);
    wr(0x300, 0x82);
    g_assert_false(irr(0x82));
    wr(0x310, 0xff000000);
    wr(0x300, 0x83);
    g_assert_true(irr(0x83));
    /* shorthands: all including self, all excluding self */
    wr(0x300, 0x80000 | 0x84);
    g_assert_true(irr(0x84));
    wr(0x300, 0xc0000 | 0x85);
    g_assert_false(irr(0x85));

    /* logical, flat model */
    wr(0xd0, 0x04000000);
    wr(0x310, 0x04000000);
    wr(0x300, 0x800 | 0x86);
    g_assert_true(irr(0x86));
    wr(0x310, 0x02000000);
    wr(0x300, 0x800 | 0x87);
    g_assert_false(irr(0x87));
    /* logical, cluster model: cluster 2, member bit 0 */
    wr(0xe0, 0x0fffffff);
    wr(0xd0, 0x21000000);
    wr(0x310, 0x21000000);
    wr(0x300, 0x800 | 0x88);
    g_assert_true(irr(0x88));
    wr(0x310, 0x11000000);
    wr(0x300, 0x800 | 0x89);
    g_assert_false(irr(0x89));
    wr(0x310, 0xf1000000);
    wr(0x300, 0x800 | 0x8a);
    g_assert_true(irr(0x8a));
    g_assert_true(apic_match_dest(apic, 0x21, true));
    g_assert_false(apic_match_dest(apic, 0x22, true));
    g_assert_true(apic_match_dest(apic, 0x00, false));

    /* NMI IPI to self */
    wr(0x300, 0x40000 | 0x400);
    g_assert_cmpint(nmis, ==, 1);
    /* INIT and SIPI to self are dropped */
    wr(0x300, 0x40000 | 0x500);
    wr(0x300, 0x40000 | 0x600 | 0x10);
    g_assert_cmpint(nmis, ==, 1);
    teardown();
}

static void test_priority(void)
{
    setup();
    enable();
    self_ipi(0x40);
    self_ipi(0x90);
    self_ipi(0x61);
    g_assert_cmpint(apic_intack(apic), ==, 0x90);
    g_assert_cmpint(intr, ==, 0); /* 0x61 and 0x40 are below class 9 */
    self_ipi(0x95);
    g_assert_cmpint(intr, ==, 0); /* same class as the one in service */
    self_ipi(0xa0);
    g_assert_cmpint(intr, ==, 1); /* a higher class nests */
    g_assert_cmpint(apic_intack(apic), ==, 0xa0);
    g_assert_cmphex(rd(0xa0), ==, 0xa0);
    wr(0xb0, 0); /* ends 0xa0, the highest in service */
    g_assert_false(isr(0xa0));
    g_assert_true(isr(0x90));
    g_assert_cmpint(intr, ==, 0);
    wr(0xb0, 0);
    g_assert_cmpint(intr, ==, 1);
    g_assert_cmpint(apic_intack(apic), ==, 0x95);
    wr(0xb0, 0);
    g_assert_cmpint(apic_intack(apic), ==, 0x61);
    wr(0xb0, 0);
    g_assert_cmpint(apic_intack(apic), ==, 0x40);
    wr(0xb0, 0);
    g_assert_cmpint(intr, ==, 0);
    g_assert_cmphex(rd(0xa0), ==, 0);
    /* an EOI with nothing in service changes nothing */
    wr(0xb0, 0);
    g_assert_cmpint(n_eois, ==, 0);
    teardown();
}

static void test_eoi_broadcast(void)
{
    setup();
    /* the power-up state takes no fixed interrupt */
    g_assert_false(apic_set_irq(apic, 0x70, true));
    g_assert_false(irr(0x70));
    enable();
    g_assert_true(apic_set_irq(apic, 0x70, true));
    g_assert_true(tmr(0x70));
    g_assert_true(apic_set_irq(apic, 0x71, false));
    g_assert_false(tmr(0x71));
    g_assert_cmpint(apic_intack(apic), ==, 0x71);
    wr(0xb0, 0);
    g_assert_cmpint(n_eois, ==, 0); /* edge: no broadcast */
    g_assert_cmpint(apic_intack(apic), ==, 0x70);
    wr(0xb0, 0);
    g_assert_cmpint(n_eois, ==, 1);
    g_assert_cmpint(eois[0], ==, 0x70);
    teardown();
}

static void test_spurious(void)
{
    setup();
    wr(0xf0, 0x1ef);
    self_ipi(0x50);
    g_assert_cmpint(intr, ==, 1);
    wr(0x80, 0x60); /* masked by TPR before the acknowledge */
    g_assert_cmpint(apic_intack(apic), ==, 0xef);
    g_assert_true(irr(0x50));
    g_assert_false(isr(0x50));
    g_assert_cmpint(apic_intack(apic), ==, 0xef);
    wr(0x80, 0);
    g_assert_cmpint(apic_intack(apic), ==, 0x50);
    teardown();
}

/* Move the clock to t (ns from the start), running timers on the way. */
static void run_to(int64_t t)
{
    for (;;) {
        int64_t next = timers_run();
        if (next < 0 || next > t) {
            break;
        }
        clock_advance(next - clock_ns());
    }
    clock_advance(t - clock_ns());
    timers_run();
}

static void test_timer_oneshot(void)
{
    setup();
    enable();
    wr(0x320, 0x30);
    wr(0x3e0, 0x0); /* divide by 2 */
    wr(0x380, 1000);
    g_assert_cmpuint(rd(0x390), ==, 1000);
    run_to(500);
    g_assert_cmpuint(rd(0x390), ==, 750);
    run_to(1999);
    g_assert_cmpuint(rd(0x390), ==, 1);
    g_assert_false(irr(0x30));
    run_to(2000);
    g_assert_cmpuint(rd(0x390), ==, 0);
    g_assert_true(irr(0x30));
    g_assert_cmpint(apic_intack(apic), ==, 0x30);
    wr(0xb0, 0);
    run_to(100000);
    g_assert_false(irr(0x30)); /* once */
    g_assert_cmpuint(rd(0x390), ==, 0);
    g_assert_cmpuint(rd(0x380), ==, 1000);
    teardown();
}

static void test_timer_divide(void)
{
    static const struct {
        uint32_t dcr;
        int64_t div;
    } divs[] = {
        { 0x0, 2 }, { 0x1, 4 }, { 0x2, 8 }, { 0x3, 16 },
        { 0x8, 32 }, { 0x9, 64 }, { 0xa, 128 }, { 0xb, 1 },
    };
    for (size_t i = 0; i < G_N_ELEMENTS(divs); i++) {
        setup();
        enable();
        wr(0x320, 0x31);
        wr(0x3e0, divs[i].dcr);
        wr(0x380, 100);
        run_to(divs[i].div * 100 - 1);
        g_assert_cmpuint(rd(0x390), ==, 1);
        g_assert_false(irr(0x31));
        run_to(divs[i].div * 100);
        g_assert_cmpuint(rd(0x390), ==, 0);
        g_assert_true(irr(0x31));
        teardown();
    }

    /* a new divisor mid-count continues from the current count */
    setup();
    enable();
    wr(0x320, 0x32);
    wr(0x3e0, 0xb);
    wr(0x380, 1000);
    run_to(400);
    g_assert_cmpuint(rd(0x390), ==, 600);
    wr(0x3e0, 0x1); /* by 4 */
    g_assert_cmpuint(rd(0x390), ==, 600);
    run_to(800);
    g_assert_cmpuint(rd(0x390), ==, 500);
    run_to(2799);
    g_assert_false(irr(0x32));
    run_to(2800);
    g_assert_true(irr(0x32));
    teardown();
}

/* Acknowledge and end whatever is pending; returns how many. */
static int drain(void)
{
    int n = 0;
    while (intr == 1) {
        apic_intack(apic);
        wr(0xb0, 0);
        n++;
    }
    return n;
}

static void test_timer_periodic(void)
{
    const int64_t P = 100000; /* 100 us, well above the 10 us clamp */
    setup();
    enable();
    wr(0x320, 0x20040); /* periodic, vector 0x40 */
    wr(0x3e0, 0xb);
    wr(0x380, P);
    run_to(P - 1);
    g_assert_false(irr(0x40));
    run_to(P);
    g_assert_true(irr(0x40));
    g_assert_cmpuint(rd(0x390), ==, P); /* reloaded */
    g_assert_cmpint(drain(), ==, 1);
    run_to(P + P / 2);
    g_assert_cmpuint(rd(0x390), ==, P / 2);
    int fired = 0;
    for (int64_t t = 2 * P; t <= 5 * P; t += P) {
        run_to(t - 1);
        g_assert_false(irr(0x40));
        run_to(t);
        fired += drain();
    }
    g_assert_cmpint(fired, ==, 4);

    /* masked: it keeps counting but delivers nothing */
    wr(0x320, 0x30040);
    run_to(7 * P + P / 2);
    g_assert_false(irr(0x40));
    g_assert_cmpuint(rd(0x390), ==, P / 2);
    wr(0x320, 0x20040);
    run_to(8 * P - 1);
    g_assert_false(irr(0x40));
    run_to(8 * P);
    g_assert_true(irr(0x40));
    drain();

    /* switched to one-shot: one more expiry, then it stays at 0 */
    run_to(8 * P + P / 4);
    wr(0x320, 0x00040);
    g_assert_cmpuint(rd(0x390), ==, 3 * P / 4);
    run_to(9 * P);
    g_assert_cmpint(drain(), ==, 1);
    run_to(20 * P);
    g_assert_cmpint(drain(), ==, 0);
    g_assert_cmpuint(rd(0x390), ==, 0);

    /* initial count 0 stops a periodic timer */
    wr(0x320, 0x20040);
    wr(0x380, P);
    run_to(21 * P);
    g_assert_cmpint(drain(), ==, 1);
    wr(0x380, 0);
    g_assert_cmpuint(rd(0x390), ==, 0);
    run_to(30 * P);
    g_assert_cmpint(drain(), ==, 0);
    teardown();

    /* a 10 ns period: interrupts are clamped, the count stays exact */
    setup();
    enable();
    wr(0x320, 0x20040);
    wr(0x3e0, 0xb);
    wr(0x380, 10);
    int n = 0;
    for (int64_t t = 0; t <= 100000; t += 500) {
        run_to(t);
        n += drain();
    }
    g_assert_cmpint(n, >=, 9);
    g_assert_cmpint(n, <=, 11);
    run_to(112345);
    g_assert_cmpuint(rd(0x390), ==, 10 - 112345 % 10);
    teardown();
}

static void test_lvt_masks(void)
{
    setup();
    /* the power-up state does not force masks (SDM 10.4.7.2) */
    wr(0x360, 0x400);
    g_assert_cmphex(rd(0x360), ==, 0x400);
    enable();
    wr(0x320, 0x30);
    wr(0x370, 0xe0);
    /* an explicit software disable sets every mask and keeps them set */
    wr(0xf0, 0xff);
    for (int i = 0; i < 6; i++) {
        g_assert_cmphex(rd(0x320 + i * 0x10) & 0x10000, ==, 0x10000);
    }
    wr(0x320, 0x30);
    g_assert_cmphex(rd(0x320), ==, 0x10030);
    /* nor does it take fixed interrupts, but what is held is still served */
    g_assert_false(apic_set_irq(apic, 0x50, false));
    enable();
    self_ipi(0x60);
    wr(0xf0, 0xff);
    g_assert_cmpint(intr, ==, 1);
    g_assert_cmpint(apic_intack(apic), ==, 0x60);
    wr(0xb0, 0);
    /* enabled again: the masks stay until rewritten */
    enable();
    g_assert_cmphex(rd(0x320), ==, 0x10030);
    wr(0x320, 0x30);
    g_assert_cmphex(rd(0x320), ==, 0x30);

    /* a masked timer expiry is not delivered */
    wr(0x320, 0x10031);
    wr(0x3e0, 0xb);
    wr(0x380, 100);
    run_to(200);
    g_assert_false(irr(0x31));
    g_assert_cmpuint(rd(0x390), ==, 0);

    /* LINT1 as NMI: an edge each rise; masked: nothing */
    wr(0x360, 0x400);
    apic_set_lint(apic, 1, 1);
    apic_set_lint(apic, 1, 1);
    g_assert_cmpint(nmis, ==, 1);
    apic_set_lint(apic, 1, 0);
    wr(0x360, 0x10400);
    apic_set_lint(apic, 1, 1);
    g_assert_cmpint(nmis, ==, 1);
    apic_set_lint(apic, 1, 0);
    teardown();
}

static void test_lint_fixed_level(void)
{
    setup();
    enable();
    wr(0x350, 0x8055); /* LINT0: fixed, level, vector 0x55 */
    apic_set_lint(apic, 0, 1);
    g_assert_true(irr(0x55));
    g_assert_true(tmr(0x55));
    g_assert_cmphex(rd(0x350), ==, 0xc055); /* remote IRR */
    g_assert_cmpint(apic_intack(apic), ==, 0x55);
    wr(0xb0, 0);
    g_assert_cmpint(n_eois, ==, 1);
    g_assert_true(irr(0x55)); /* still high: again */
    g_assert_cmphex(rd(0x350), ==, 0xc055);
    g_assert_cmpint(apic_intack(apic), ==, 0x55);
    apic_set_lint(apic, 0, 0);
    wr(0xb0, 0);
    g_assert_false(irr(0x55));
    g_assert_cmphex(rd(0x350), ==, 0x8055);

    /* edge, active low: the falling edge requests */
    wr(0x350, 0x2056);
    apic_set_lint(apic, 0, 1);
    g_assert_false(irr(0x56));
    apic_set_lint(apic, 0, 0);
    g_assert_true(irr(0x56));
    teardown();
}

static void test_esr(void)
{
    setup();
    enable();
    wr(0x300, 0x40005); /* illegal vector */
    g_assert_false(irr(5));
    g_assert_cmphex(rd(0x280), ==, 0); /* not latched until written */
    wr(0x280, 0);
    g_assert_cmphex(rd(0x280), ==, 0x20);
    wr(0x280, 0);
    g_assert_cmphex(rd(0x280), ==, 0);
    rd(0x3f0); /* unimplemented */
    wr(0x280, 0);
    g_assert_cmphex(rd(0x280), ==, 0x80);
    g_assert_false(apic_set_irq(apic, 8, false));
    wr(0x280, 0);
    g_assert_cmphex(rd(0x280), ==, 0x40);

    /* the error interrupt, rearmed by each ESR write */
    wr(0x370, 0xe0);
    wr(0x300, 0x40001);
    g_assert_true(irr(0xe0));
    g_assert_cmpint(apic_intack(apic), ==, 0xe0);
    wr(0xb0, 0);
    wr(0x300, 0x40002);
    g_assert_false(irr(0xe0));
    wr(0x280, 0);
    g_assert_cmphex(rd(0x280), ==, 0x20);
    wr(0x2f0, 1); /* no CMCI entry on this APIC */
    g_assert_true(irr(0xe0));
    wr(0x280, 0);
    g_assert_cmphex(rd(0x280), ==, 0x80);
    /* an illegal error vector records itself and stops */
    apic_intack(apic);
    wr(0xb0, 0);
    wr(0x370, 0x03);
    rd(0x3f0);
    wr(0x280, 0);
    g_assert_cmphex(rd(0x280), ==, 0xc0);
    teardown();
}

static void test_extint(void)
{
    setup();
    /* straight after reset: the 8259 reaches the CPU through LINT0 */
    apic_set_lint(apic, 0, 1);
    g_assert_cmpint(intr, ==, 1);
    g_assert_cmpint(apic_intack(apic), ==, 0x28);
    g_assert_cmpint(pic_acks, ==, 1);
    g_assert_cmphex(rd(0x100 + 0x10), ==, 0); /* ISR untouched */
    apic_set_lint(apic, 0, 0);
    g_assert_cmpint(intr, ==, 0);

    /* ExtINT goes before fixed interrupts */
    enable();
    self_ipi(0xf0);
    apic_set_lint(apic, 0, 1);
    pic_vector = 0x21;
    g_assert_cmpint(apic_intack(apic), ==, 0x21);
    apic_set_lint(apic, 0, 0);
    g_assert_cmpint(intr, ==, 1);
    g_assert_cmpint(apic_intack(apic), ==, 0xf0);
    wr(0xb0, 0);

    /* masked LINT0: the 8259 is cut off */
    wr(0x350, 0x10700);
    apic_set_lint(apic, 0, 1);
    g_assert_cmpint(intr, ==, 0);
    wr(0x350, 0x700);
    g_assert_cmpint(intr, ==, 1);
    apic_set_lint(apic, 0, 0);
    g_assert_cmpint(intr, ==, 0);
    teardown();
}

static void test_global_disable(void)
{
    setup();
    enable();
    wr(0x80, 0x20);
    self_ipi(0x70);
    /* bits 0-7, 9, 10 are reserved */
    g_assert_false(apic_set_base(apic, 0xfee00900 | 0x400));
    g_assert_false(apic_set_base(apic, 0xfee00900 | 0x1));
    g_assert_cmphex(apic_get_base(apic), ==, 0xfee00900);

    g_assert_true(apic_set_base(apic, 0xfee00000)); /* EN off; BSP is kept */
    g_assert_cmphex(apic_get_base(apic), ==, 0xfee00100);
    g_assert_cmphex(rd(0x30), ==, 0xffffffff); /* page gone */
    g_assert_cmpint(intr, ==, 0);
    g_assert_false(apic_set_irq(apic, 0x80, false));
    g_assert_false(apic_match_dest(apic, 0xff, false));
    /* bypassed: LINT0 is INTR, the acknowledge goes to the 8259, LINT1 is NMI */
    apic_set_lint(apic, 0, 1);
    g_assert_cmpint(intr, ==, 1);
    g_assert_cmpint(apic_intack(apic), ==, 0x28);
    apic_set_lint(apic, 0, 0);
    g_assert_cmpint(intr, ==, 0);
    apic_set_lint(apic, 1, 1);
    g_assert_cmpint(nmis, ==, 1);
    apic_set_lint(apic, 1, 0);

    /* enabled again, elsewhere: the power-up registers */
    g_assert_true(apic_set_base(apic, 0xfed00800));
    g_assert_cmphex(as_read(m.mem, 0xfed00030, 4), ==, 0x00050014);
    g_assert_cmphex(as_read(m.mem, 0xfed00080, 4), ==, 0);
    g_assert_cmphex(as_read(m.mem, 0xfed00200 + 0x30, 4), ==, 0);
    g_assert_cmphex(as_read(m.mem, 0xfed00350, 4), ==, 0x10000);
    g_assert_cmphex(rd(0x30), ==, 0xffffffff);
    apic_set_lint(apic, 0, 1);
    g_assert_cmpint(intr, ==, 0); /* LINT0 masked now */
    apic_set_lint(apic, 0, 0);
    /* moved back */
    g_assert_true(apic_set_base(apic, 0xfee00800));
    g_assert_cmphex(rd(0x30), ==, 0x00050014);
    g_assert_cmphex(as_read(m.mem, 0xfed00030, 4), ==, 0xffffffff);
    teardown();
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/apic/reset-values", test_reset_values);
    g_test_add_func("/apic/register-masks", test_register_masks);
    g_test_add_func("/apic/tpr-ppr", test_tpr_ppr);
    g_test_add_func("/apic/self-ipi", test_self_ipi);
    g_test_add_func("/apic/priority", test_priority);
    g_test_add_func("/apic/eoi-broadcast", test_eoi_broadcast);
    g_test_add_func("/apic/spurious", test_spurious);
    g_test_add_func("/apic/timer-oneshot", test_timer_oneshot);
    g_test_add_func("/apic/timer-divide", test_timer_divide);
    g_test_add_func("/apic/timer-periodic", test_timer_periodic);
    g_test_add_func("/apic/lvt-masks", test_lvt_masks);
    g_test_add_func("/apic/lint-fixed-level", test_lint_fixed_level);
    g_test_add_func("/apic/esr", test_esr);
    g_test_add_func("/apic/extint", test_extint);
    g_test_add_func("/apic/global-disable", test_global_disable);
    return g_test_run();
}
