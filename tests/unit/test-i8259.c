/*
 * 8259A pair: programmed and driven through its ports as Linux and SeaBIOS
 * do, checked against the 8259A datasheet's rules.
 */
#include <glib.h>

#include "hw/intc/i8259.h"

static Machine m;
static PICState *pic;
static IrqLine *irq;
static int intr;

static void intr_set(void *opaque, int n, int level)
{
    intr = level;
}

static void outb(uint16_t port, uint8_t v)
{
    as_write(m.io, port, v, 1);
}

static uint8_t inb(uint16_t port)
{
    return as_read(m.io, port, 1);
}

static void setup(void)
{
    m = (Machine){ 0 };
    m.mem = as_create("memory", 1ull << 32);
    m.io = as_create("io", 0x10000);
    intr = -1;
    pic = i8259_create(&m, irq_line_new(intr_set, NULL, 0));
    irq = i8259_inputs(pic);
}

static void teardown(void)
{
    g_ptr_array_free(m.owned, TRUE);
    g_array_free(m.reset_hooks, TRUE);
    as_destroy(m.io);
    as_destroy(m.mem);
}

/* arch/x86/kernel/i8259.c: init_8259A(0), vectors 0x30/0x38 */
static void init_linux(void)
{
    outb(0x21, 0xff);
    outb(0xa1, 0xff);
    outb(0x20, 0x11); /* ICW1: edge, cascade, ICW4 */
    outb(0x21, 0x30); /* ICW2 */
    outb(0x21, 0x04); /* ICW3: slave on IR2 */
    outb(0x21, 0x01); /* ICW4: 8086, normal EOI */
    outb(0xa0, 0x11);
    outb(0xa1, 0x38);
    outb(0xa1, 0x02); /* slave ID 2 */
    outb(0xa1, 0x01);
    outb(0x21, 0x00);
    outb(0xa1, 0x00);
}

/* SeaBIOS pic_setup: vectors 0x08/0x70 */
static void init_seabios(void)
{
    outb(0x20, 0x11);
    outb(0xa0, 0x11);
    outb(0x21, 0x08);
    outb(0xa1, 0x70);
    outb(0x21, 0x04);
    outb(0xa1, 0x02);
    outb(0x21, 0x01);
    outb(0xa1, 0x01);
    outb(0x21, 0xfb); /* all masked but the cascade */
    outb(0xa1, 0xff);
}

static uint8_t read_irr(uint16_t base)
{
    outb(base, 0x0a); /* OCW3: RR=1, RIS=0 */
    return inb(base);
}

static uint8_t read_isr(uint16_t base)
{
    outb(base, 0x0b); /* OCW3: RR=1, RIS=1 */
    return inb(base);
}

static void test_irq0_ack_eoi(void)
{
    setup();
    init_linux();
    g_assert_cmpint(intr, ==, 0);
    irq_set(&irq[0], 1);
    g_assert_cmpint(intr, ==, 1);
    g_assert_cmphex(read_irr(0x20), ==, 0x01);
    g_assert_cmpint(i8259_intack(pic), ==, 0x30);
    g_assert_cmpint(intr, ==, 0);
    g_assert_cmphex(read_isr(0x20), ==, 0x01);
    g_assert_cmphex(read_irr(0x20), ==, 0x00); /* edge: consumed by INTA */
    irq_set(&irq[0], 0);
    /* IRQ1 is lower priority than IRQ0 in service: held off until EOI */
    irq_set(&irq[1], 1);
    g_assert_cmpint(intr, ==, 0);
    outb(0x20, 0x20); /* non-specific EOI */
    g_assert_cmphex(read_isr(0x20), ==, 0x00);
    g_assert_cmpint(intr, ==, 1);
    g_assert_cmpint(i8259_intack(pic), ==, 0x31);
    outb(0x20, 0x61); /* specific EOI for IR1 */
    g_assert_cmphex(read_isr(0x20), ==, 0x00);
    /* an edge input held high does not request again */
    g_assert_cmpint(intr, ==, 0);
    teardown();
}

static void test_mask(void)
{
    setup();
    init_linux();
    outb(0x21, 0x02);
    g_assert_cmphex(inb(0x21), ==, 0x02);
    irq_set(&irq[1], 1);
    g_assert_cmpint(intr, ==, 0);
    g_assert_cmphex(read_irr(0x20), ==, 0x02); /* masked requests still show in IRR */
    outb(0x21, 0x00);
    g_assert_cmpint(intr, ==, 1);
    g_assert_cmpint(i8259_intack(pic), ==, 0x31);
    /* masking the slave's cascade input on the master hides IRQ8-15 */
    outb(0x21, 0x04);
    irq_set(&irq[8], 1);
    g_assert_cmpint(intr, ==, 0);
    outb(0x21, 0x00);
    g_assert_cmpint(intr, ==, 0); /* IR1 in service outranks IR2 */
    outb(0x20, 0x20);
    g_assert_cmpint(intr, ==, 1);
    g_assert_cmpint(i8259_intack(pic), ==, 0x38);
    teardown();
}

static void test_priority(void)
{
    setup();
    init_linux();
    irq_set(&irq[5], 1);
    irq_set(&irq[3], 1);
    g_assert_cmpint(i8259_intack(pic), ==, 0x33);
    g_assert_cmpint(intr, ==, 0); /* IR5 waits behind IR3 */
    irq_set(&irq[1], 1);          /* higher priority nests */
    g_assert_cmpint(intr, ==, 1);
    g_assert_cmpint(i8259_intack(pic), ==, 0x31);
    g_assert_cmphex(read_isr(0x20), ==, 0x0a);
    outb(0x20, 0x20); /* clears the highest in service: IR1 */
    g_assert_cmphex(read_isr(0x20), ==, 0x08);
    g_assert_cmpint(intr, ==, 0);
    outb(0x20, 0x20);
    g_assert_cmpint(i8259_intack(pic), ==, 0x35);
    outb(0x20, 0x20);

    /* set priority: IR4 lowest, so IR5 highest, then 6, 7, 0, ... */
    outb(0x20, 0xc4);
    irq_set(&irq[3], 0);
    irq_set(&irq[3], 1);
    irq_set(&irq[6], 1);
    g_assert_cmpint(i8259_intack(pic), ==, 0x36);
    g_assert_cmpint(intr, ==, 0); /* IR3 now ranks below IR6 in service */
    /* rotate on non-specific EOI: IR6 becomes lowest, IR7 highest */
    outb(0x20, 0xa0);
    g_assert_cmpint(i8259_intack(pic), ==, 0x33);
    irq_set(&irq[6], 0);
    irq_set(&irq[6], 1);
    g_assert_cmpint(intr, ==, 0); /* IR6 is now lowest, IR3 outranks it */
    outb(0x20, 0xe3);             /* rotate on specific EOI: IR3 lowest */
    g_assert_cmpint(i8259_intack(pic), ==, 0x36);
    outb(0x20, 0x20);
    teardown();
}

static void test_cascade(void)
{
    setup();
    init_seabios();
    outb(0xa1, 0x00);
    irq_set(&irq[8], 1);
    g_assert_cmpint(intr, ==, 1);
    g_assert_cmpint(i8259_intack(pic), ==, 0x70);
    g_assert_cmphex(read_isr(0x20), ==, 0x04);
    g_assert_cmphex(read_isr(0xa0), ==, 0x01);
    irq_set(&irq[12], 1);
    g_assert_cmpint(intr, ==, 0);
    outb(0xa0, 0x20); /* EOI to the slave alone is not enough */
    g_assert_cmphex(read_isr(0xa0), ==, 0x00);
    g_assert_cmpint(intr, ==, 0);
    outb(0x20, 0x20);
    g_assert_cmpint(intr, ==, 1);
    g_assert_cmpint(i8259_intack(pic), ==, 0x74);
    outb(0xa0, 0x20);
    outb(0x20, 0x20);
    g_assert_cmpint(intr, ==, 0);

    /* the slave's inputs rank at IR2: above IRQ3 */
    outb(0x21, 0x00);
    irq_set(&irq[3], 1);
    irq_set(&irq[10], 1);
    g_assert_cmpint(i8259_intack(pic), ==, 0x72);
    outb(0xa0, 0x20);
    outb(0x20, 0x20);
    g_assert_cmpint(i8259_intack(pic), ==, 0x0b);
    outb(0x20, 0x20);
    g_assert_cmpint(intr, ==, 0);
    teardown();
}

static void test_level_elcr(void)
{
    setup();
    init_linux();
    outb(0x4d0, 0xff);
    outb(0x4d1, 0xff);
    /* IRQ0, 1, 2, 8, 13 are edge-only */
    g_assert_cmphex(inb(0x4d0), ==, 0xf8);
    g_assert_cmphex(inb(0x4d1), ==, 0xde);
    outb(0x4d0, 0x20); /* IRQ5 level */
    outb(0x4d1, 0x04); /* IRQ10 level */
    g_assert_cmphex(inb(0x4d0), ==, 0x20);
    g_assert_cmphex(inb(0x4d1), ==, 0x04);

    irq_set(&irq[5], 1);
    g_assert_cmpint(i8259_intack(pic), ==, 0x35);
    outb(0x20, 0x20);
    /* still high after EOI: requests again */
    g_assert_cmpint(intr, ==, 1);
    g_assert_cmpint(i8259_intack(pic), ==, 0x35);
    irq_set(&irq[5], 0);
    outb(0x20, 0x20);
    g_assert_cmpint(intr, ==, 0);
    g_assert_cmphex(read_irr(0x20), ==, 0x00);

    /* level: a request that goes away before INTA is gone; edge: it stays */
    irq_set(&irq[5], 1);
    irq_set(&irq[5], 0);
    g_assert_cmpint(intr, ==, 0);
    irq_set(&irq[4], 1);
    irq_set(&irq[4], 0);
    g_assert_cmpint(intr, ==, 1);
    g_assert_cmpint(i8259_intack(pic), ==, 0x34);
    outb(0x20, 0x20);

    /* level-triggered slave input: still high after both EOIs, it requests again */
    irq_set(&irq[10], 1);
    g_assert_cmpint(i8259_intack(pic), ==, 0x3a);
    outb(0xa0, 0x20);
    outb(0x20, 0x20);
    g_assert_cmpint(intr, ==, 1);
    g_assert_cmpint(i8259_intack(pic), ==, 0x3a);
    irq_set(&irq[10], 0);
    outb(0xa0, 0x20);
    outb(0x20, 0x20);
    g_assert_cmpint(intr, ==, 0);
    teardown();
}

static void test_spurious(void)
{
    setup();
    init_linux();
    outb(0x4d0, 0x20);
    irq_set(&irq[5], 1);
    g_assert_cmpint(intr, ==, 1);
    irq_set(&irq[5], 0);
    /* a CPU that already sampled INTR runs INTA anyway: IR7, nothing in service */
    g_assert_cmpint(i8259_intack(pic), ==, 0x37);
    g_assert_cmphex(read_isr(0x20), ==, 0x00);

    /* slave: the master latched IR2's edge; the slave answers IR7 */
    outb(0x4d1, 0x04);
    irq_set(&irq[10], 1);
    irq_set(&irq[10], 0);
    g_assert_cmpint(intr, ==, 1);
    g_assert_cmpint(i8259_intack(pic), ==, 0x3f);
    g_assert_cmphex(read_isr(0x20), ==, 0x04);
    g_assert_cmphex(read_isr(0xa0), ==, 0x00);
    outb(0x20, 0x20);
    g_assert_cmphex(read_isr(0x20), ==, 0x00);
    teardown();
}

static void test_poll(void)
{
    setup();
    init_linux();
    outb(0x20, 0x0c); /* OCW3 poll */
    g_assert_cmphex(inb(0x20) & 0x80, ==, 0);
    irq_set(&irq[3], 1);
    irq_set(&irq[6], 1);
    outb(0x20, 0x0c);
    g_assert_cmphex(inb(0x20), ==, 0x83);
    g_assert_cmphex(read_isr(0x20), ==, 0x08);
    g_assert_cmphex(read_irr(0x20), ==, 0x40);
    /* poll applies to one read only */
    g_assert_cmphex(inb(0x20), ==, 0x40);
    outb(0x20, 0x20);
    outb(0x20, 0x0c);
    g_assert_cmphex(inb(0x20), ==, 0x86);
    outb(0x20, 0x20);
    /* slave: the master reports IR2, then the slave its own level */
    irq_set(&irq[9], 1);
    outb(0x20, 0x0c);
    g_assert_cmphex(inb(0x20), ==, 0x82);
    outb(0xa0, 0x0c);
    g_assert_cmphex(inb(0xa0), ==, 0x81);
    teardown();
}

static void test_aeoi(void)
{
    setup();
    outb(0x20, 0x11);
    outb(0x21, 0x20);
    outb(0x21, 0x04);
    outb(0x21, 0x03); /* ICW4: AEOI */
    irq_set(&irq[4], 1);
    g_assert_cmpint(i8259_intack(pic), ==, 0x24);
    g_assert_cmphex(read_isr(0x20), ==, 0x00);
    irq_set(&irq[6], 1); /* no EOI needed before a lower level */
    g_assert_cmpint(intr, ==, 1);
    g_assert_cmpint(i8259_intack(pic), ==, 0x26);
    /* rotate in AEOI mode: the acknowledged level becomes lowest */
    outb(0x20, 0x80);
    irq_set(&irq[4], 0);
    irq_set(&irq[6], 0);
    irq_set(&irq[4], 1);
    g_assert_cmpint(i8259_intack(pic), ==, 0x24);
    irq_set(&irq[4], 0);
    irq_set(&irq[4], 1);
    irq_set(&irq[6], 1);
    g_assert_cmpint(i8259_intack(pic), ==, 0x26); /* IR4 now lowest */
    teardown();
}

static void test_single_no_icw4(void)
{
    setup();
    outb(0x20, 0x12); /* single, no ICW4: ICW2 then ready */
    outb(0x21, 0x40);
    outb(0x21, 0xfd); /* this is OCW1 already */
    g_assert_cmphex(inb(0x21), ==, 0xfd);
    irq_set(&irq[1], 1);
    g_assert_cmpint(i8259_intack(pic), ==, 0x41);
    teardown();
}

static void test_special_mask(void)
{
    setup();
    init_linux();
    irq_set(&irq[3], 1);
    g_assert_cmpint(i8259_intack(pic), ==, 0x33);
    irq_set(&irq[5], 1);
    g_assert_cmpint(intr, ==, 0);
    outb(0x21, 0x08); /* mask the level in service... */
    g_assert_cmpint(intr, ==, 0);
    outb(0x20, 0x68); /* ...and enter special mask mode: lower levels get through */
    g_assert_cmpint(intr, ==, 1);
    g_assert_cmpint(i8259_intack(pic), ==, 0x35);
    outb(0x20, 0x65); /* specific EOI IR5 */
    outb(0x20, 0x48); /* leave special mask mode */
    outb(0x21, 0x00);
    outb(0x20, 0x63);
    g_assert_cmphex(read_isr(0x20), ==, 0x00);
    teardown();
}

static void test_icw1_resets_edge(void)
{
    setup();
    irq_set(&irq[4], 1); /* high before the guest programs the PIC */
    init_linux();
    g_assert_cmpint(intr, ==, 0);
    g_assert_cmphex(read_irr(0x20), ==, 0x00);
    irq_set(&irq[4], 0);
    irq_set(&irq[4], 1);
    g_assert_cmpint(intr, ==, 1);
    g_assert_cmpint(i8259_intack(pic), ==, 0x34);
    teardown();
}

static void test_reset(void)
{
    setup();
    init_linux();
    outb(0x4d0, 0x20);
    outb(0x21, 0x55);
    irq_set(&irq[1], 1);
    i8259_intack(pic);
    machine_reset(&m);
    g_assert_cmpint(intr, ==, 0);
    g_assert_cmphex(inb(0x21), ==, 0x00);
    g_assert_cmphex(inb(0x4d0), ==, 0x00);
    g_assert_cmphex(read_isr(0x20), ==, 0x00);
    teardown();
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/i8259/irq0-ack-eoi", test_irq0_ack_eoi);
    g_test_add_func("/i8259/mask", test_mask);
    g_test_add_func("/i8259/priority-rotation", test_priority);
    g_test_add_func("/i8259/cascade", test_cascade);
    g_test_add_func("/i8259/level-elcr", test_level_elcr);
    g_test_add_func("/i8259/spurious", test_spurious);
    g_test_add_func("/i8259/poll", test_poll);
    g_test_add_func("/i8259/aeoi", test_aeoi);
    g_test_add_func("/i8259/single-no-icw4", test_single_no_icw4);
    g_test_add_func("/i8259/special-mask", test_special_mask);
    g_test_add_func("/i8259/icw1-resets-edge", test_icw1_resets_edge);
    g_test_add_func("/i8259/reset", test_reset);
    return g_test_run();
}
