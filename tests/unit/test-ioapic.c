/*
 * 82093AA I/O APIC with a real local APIC behind it: registers read through
 * IOREGSEL/IOWIN, edge and level pins, masking, polarity, Remote IRR and the
 * EOI broadcast, checked against the 82093AA datasheet.
 */
#include <glib.h>

#include "hw/intc/apic.h"
#include "hw/intc/ioapic.h"

#define LAPIC 0xfee00000u
#define IOAPIC 0xfec00000u

static Machine m;
static ApicState *apic;
static IOAPICState *ioapic;
static IrqLine *pin;
static int intr, nmis;

static void intr_set(void *opaque, int n, int level)
{
    intr = level;
}

static void nmi_set(void *opaque, int n, int level)
{
    nmis += level != 0;
}

/* What the pc board does: the APIC's EOI broadcast goes to the IOAPIC. */
static void eoi_to_ioapic(void *opaque, int vector)
{
    ioapic_eoi(ioapic, vector);
}

static void lapic_wr(uint32_t off, uint32_t v)
{
    as_write(m.mem, LAPIC + off, v, 4);
}

static uint32_t lapic_rd(uint32_t off)
{
    return as_read(m.mem, LAPIC + off, 4);
}

static uint32_t io_rd(uint32_t idx)
{
    as_write(m.mem, IOAPIC, idx, 4);
    return as_read(m.mem, IOAPIC + 0x10, 4);
}

static void io_wr(uint32_t idx, uint32_t v)
{
    as_write(m.mem, IOAPIC, idx, 4);
    as_write(m.mem, IOAPIC + 0x10, v, 4);
}

static void redir(int n, uint32_t lo, uint32_t hi)
{
    io_wr(0x11 + 2 * n, hi);
    io_wr(0x10 + 2 * n, lo);
}

static bool irr(int v)
{
    return lapic_rd(0x200 + (v / 32) * 0x10) >> (v % 32) & 1;
}

static bool tmr(int v)
{
    return lapic_rd(0x180 + (v / 32) * 0x10) >> (v % 32) & 1;
}

/* The CPU takes the interrupt and its handler writes EOI. */
static int take(void)
{
    int v = apic_intack(apic);
    lapic_wr(0xb0, 0);
    return v;
}

static void setup(void)
{
    m = (Machine){ 0 };
    m.mem = as_create("memory", 1ull << 32);
    m.io = as_create("io", 0x10000);
    intr = -1;
    nmis = 0;
    ApicConfig cfg = {
        .id = 0,
        .intr = irq_line_new(intr_set, NULL, 0),
        .nmi = irq_line_new(nmi_set, NULL, 0),
        .eoi_broadcast = eoi_to_ioapic,
    };
    apic = apic_create(&m, &cfg);
    ioapic = ioapic_create(&m, IOAPIC, 1, apic);
    pin = ioapic_inputs(ioapic);
    lapic_wr(0xf0, 0x1ff); /* software-enable the local APIC */
}

static void teardown(void)
{
    g_ptr_array_free(m.owned, TRUE);
    g_array_free(m.reset_hooks, TRUE);
    as_destroy(m.io);
    as_destroy(m.mem);
}

static void test_registers(void)
{
    setup();
    g_assert_cmphex(io_rd(0x00), ==, 0x01000000);
    g_assert_cmphex(io_rd(0x01), ==, 0x00170011);
    g_assert_cmphex(io_rd(0x02), ==, 0x01000000);
    for (int n = 0; n < 24; n++) {
        g_assert_cmphex(io_rd(0x10 + 2 * n), ==, 0x00010000);
        g_assert_cmphex(io_rd(0x11 + 2 * n), ==, 0);
    }
    g_assert_cmphex(io_rd(0x03), ==, 0);
    g_assert_cmphex(io_rd(0x40), ==, 0); /* past the 24th entry */

    as_write(m.mem, IOAPIC, 0xffffff12, 4);
    g_assert_cmphex(as_read(m.mem, IOAPIC, 4), ==, 0x12);

    io_wr(0x00, 0xffffffff);
    g_assert_cmphex(io_rd(0x00), ==, 0x0f000000);
    g_assert_cmphex(io_rd(0x02), ==, 0x0f000000); /* loaded with the ID */
    io_wr(0x01, 0);
    io_wr(0x02, 0);
    g_assert_cmphex(io_rd(0x01), ==, 0x00170011);
    g_assert_cmphex(io_rd(0x02), ==, 0x0f000000);

    /* delivery status and Remote IRR are read-only; bits 55:17 reserved */
    io_wr(0x2e, 0xffffffff);
    io_wr(0x2f, 0xffffffff);
    g_assert_cmphex(io_rd(0x2e), ==, 0x0001afff);
    g_assert_cmphex(io_rd(0x2f), ==, 0xff000000);

    /* reset: every entry masked again, the ID back to the MADT's */
    machine_reset(&m);
    g_assert_cmphex(io_rd(0x00), ==, 0x01000000);
    g_assert_cmphex(io_rd(0x2e), ==, 0x00010000);
    g_assert_cmphex(io_rd(0x2f), ==, 0);
    teardown();
}

static void test_edge(void)
{
    setup();
    redir(1, 0x31, 0); /* fixed, physical, high, edge, unmasked, to APIC 0 */
    irq_raise(&pin[1]);
    g_assert_true(irr(0x31));
    g_assert_false(tmr(0x31));
    g_assert_cmpint(intr, ==, 1);
    g_assert_cmpint(take(), ==, 0x31);
    irq_raise(&pin[1]); /* no new edge */
    g_assert_false(irr(0x31));
    irq_lower(&pin[1]);
    g_assert_false(irr(0x31));
    irq_pulse(&pin[1]);
    g_assert_true(irr(0x31));
    g_assert_cmpint(take(), ==, 0x31);
    g_assert_cmphex(io_rd(0x12) & (1u << 14), ==, 0); /* no Remote IRR for edges */
    teardown();
}

static void test_masking(void)
{
    setup();
    redir(4, 0x10000 | 0x34, 0);
    irq_pulse(&pin[4]);
    g_assert_false(irr(0x34));
    redir(4, 0x34, 0); /* an edge while masked is gone */
    g_assert_false(irr(0x34));
    g_assert_cmpint(intr, ==, 0);
    irq_pulse(&pin[4]);
    g_assert_true(irr(0x34));
    take();

    /* a level pin asserted while masked is delivered on unmask */
    redir(10, 0x10000 | 0x8000 | 0x3a, 0);
    irq_raise(&pin[10]);
    g_assert_false(irr(0x3a));
    redir(10, 0x8000 | 0x3a, 0);
    g_assert_true(irr(0x3a));
    g_assert_true(tmr(0x3a));
    teardown();
}

static void test_level(void)
{
    setup();
    redir(9, 0x8000 | 0x39, 0); /* level, active high */
    irq_raise(&pin[9]);
    g_assert_true(irr(0x39));
    g_assert_true(tmr(0x39));
    g_assert_cmphex(io_rd(0x22), ==, 0xc039); /* Remote IRR set */
    g_assert_cmpint(apic_intack(apic), ==, 0x39);
    irq_raise(&pin[9]); /* no second message while Remote IRR is set */
    g_assert_false(irr(0x39));
    lapic_wr(0xb0, 0); /* EOI broadcast: still asserted, so again */
    g_assert_true(irr(0x39));
    g_assert_cmphex(io_rd(0x22), ==, 0xc039);
    g_assert_cmpint(apic_intack(apic), ==, 0x39);
    irq_lower(&pin[9]);
    lapic_wr(0xb0, 0);
    g_assert_false(irr(0x39));
    g_assert_cmphex(io_rd(0x22), ==, 0x8039);
    g_assert_cmpint(intr, ==, 0);

    /* rewriting the entry as edge clears a stuck Remote IRR */
    irq_raise(&pin[9]);
    g_assert_cmphex(io_rd(0x22), ==, 0xc039);
    apic_intack(apic); /* the handler never writes EOI */
    redir(9, 0x10000 | 0x39, 0);
    g_assert_cmphex(io_rd(0x22), ==, 0x10039);
    redir(9, 0x8000 | 0x39, 0);
    g_assert_true(irr(0x39)); /* still asserted: sent again */

    /* an EOI for another vector leaves Remote IRR alone */
    ioapic_eoi(ioapic, 0x38);
    g_assert_cmphex(io_rd(0x22), ==, 0xc039);
    teardown();
}

static void test_polarity(void)
{
    setup();
    /* level, active low: a low pin is asserted the moment it is unmasked */
    redir(5, 0x8000 | 0x2000 | 0x35, 0);
    g_assert_true(irr(0x35));
    g_assert_cmphex(io_rd(0x1a), ==, 0xe035);
    apic_intack(apic);
    irq_raise(&pin[5]); /* deasserted */
    lapic_wr(0xb0, 0);
    g_assert_false(irr(0x35));
    g_assert_cmphex(io_rd(0x1a), ==, 0xa035);
    irq_lower(&pin[5]);
    g_assert_true(irr(0x35));
    take();

    /* edge, active low: the falling edge requests */
    redir(6, 0x2000 | 0x36, 0);
    irq_raise(&pin[6]);
    g_assert_false(irr(0x36));
    irq_lower(&pin[6]);
    g_assert_true(irr(0x36));
    teardown();
}

static void test_destination(void)
{
    setup();
    redir(3, 0x33, 0x01000000); /* physical APIC 1: not this CPU */
    irq_pulse(&pin[3]);
    g_assert_false(irr(0x33));
    redir(3, 0x33, 0x0f000000); /* physical 0xF: everyone */
    irq_pulse(&pin[3]);
    g_assert_true(irr(0x33));
    take();

    lapic_wr(0xd0, 0x01000000); /* LDR: logical bit 0, flat model */
    redir(3, 0x800 | 0x33, 0x02000000);
    irq_pulse(&pin[3]);
    g_assert_false(irr(0x33));
    redir(3, 0x800 | 0x33, 0x03000000);
    irq_pulse(&pin[3]);
    g_assert_true(irr(0x33));
    take();
    redir(3, 0x800 | 0x100 | 0x33, 0x01000000); /* lowest priority: this CPU */
    irq_pulse(&pin[3]);
    g_assert_true(irr(0x33));
    take();

    /* NMI delivery mode */
    redir(7, 0x400, 0);
    irq_pulse(&pin[7]);
    g_assert_cmpint(nmis, ==, 1);
    teardown();
}

static void test_not_accepted(void)
{
    setup();
    /* a software-disabled APIC takes no fixed interrupt: no Remote IRR */
    lapic_wr(0xf0, 0xff);
    redir(9, 0x8000 | 0x39, 0);
    irq_raise(&pin[9]);
    g_assert_false(irr(0x39));
    g_assert_cmphex(io_rd(0x22), ==, 0x8039);
    irq_lower(&pin[9]);
    lapic_wr(0xf0, 0x1ff);

    /* an illegal vector is refused by the APIC and logged in its ESR */
    redir(2, 0x05, 0);
    irq_pulse(&pin[2]);
    lapic_wr(0x280, 0);
    g_assert_cmphex(lapic_rd(0x280), ==, 0x40);

    /* globally disabled: nothing reaches it */
    g_assert_true(apic_set_base(apic, 0xfee00100));
    redir(2, 0x32, 0);
    irq_pulse(&pin[2]);
    g_assert_cmpint(intr, ==, 0);
    teardown();
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/ioapic/registers", test_registers);
    g_test_add_func("/ioapic/edge", test_edge);
    g_test_add_func("/ioapic/masking", test_masking);
    g_test_add_func("/ioapic/level", test_level);
    g_test_add_func("/ioapic/polarity", test_polarity);
    g_test_add_func("/ioapic/destination", test_destination);
    g_test_add_func("/ioapic/not-accepted", test_not_accepted);
    return g_test_run();
}
