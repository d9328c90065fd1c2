/* mimic-test: */
/*
 * The 16550A UART at COM1 (0x3f8, IRQ4), by the National PC16550D
 * datasheet: scratch register, divisor latch, IER's four bits, FIFO status
 * in IIR, internal loopback (MCR bit 4) with the receive FIFO of 16 bytes,
 * overrun and the interrupt priorities, MCR outputs looped to MSR with
 * their delta bits, and the THRE interrupt on IRQ4. On the PC the UART's
 * INTR reaches IRQ4 only through a gate driven by OUT2 (IBM PC/AT
 * Technical Reference, asynchronous communications adapter); loopback
 * forces the OUT2 pin inactive, so interrupt delivery to the PIC is tested
 * outside loopback and the loopback interrupts are checked in IIR.
 *
 * COM1 is also the console, so output is held in memory while the test
 * takes the UART apart and released when it is put back.
 */
#include "guest.h"

#define COM1 0x3f8
#define UART_RBR (COM1 + 0)
#define UART_THR (COM1 + 0)
#define UART_DLL (COM1 + 0)
#define UART_IER (COM1 + 1)
#define UART_DLM (COM1 + 1)
#define UART_IIR (COM1 + 2)
#define UART_FCR (COM1 + 2)
#define UART_LCR (COM1 + 3)
#define UART_MCR (COM1 + 4)
#define UART_LSR (COM1 + 5)
#define UART_MSR (COM1 + 6)
#define UART_SCR (COM1 + 7)

#define UART_IER_ERBFI 0x01
#define UART_IER_ETBEI 0x02
#define UART_IER_ELSI 0x04
#define UART_IER_EDSSI 0x08
#define UART_IIR_NONE 0x01
#define UART_IIR_MSR 0x00
#define UART_IIR_THRE 0x02
#define UART_IIR_RDA 0x04
#define UART_IIR_RLS 0x06
#define UART_IIR_FIFO 0xc0
#define UART_FCR_ENABLE_CLEAR 0x07
#define UART_LCR_DLAB 0x80
#define UART_LCR_8N1 0x03
#define UART_MCR_DTR 0x01
#define UART_MCR_RTS 0x02
#define UART_MCR_OUT1 0x04
#define UART_MCR_OUT2 0x08
#define UART_MCR_LOOP 0x10
#define UART_LSR_DR 0x01
#define UART_LSR_OE 0x02
#define UART_LSR_THRE 0x20
#define UART_LSR_TEMT 0x40

#define SPINS 100000

static volatile uint32_t irq4_count, irq4_bad_vector;
static volatile uint8_t irq4_iir;

static void irq4_handler(struct irq_frame *f)
{
    if (f->vector != IRQ_VECTOR(4)) {
        irq4_bad_vector++;
    }
    irq4_iir = inb(UART_IIR);
    irq4_count++;
    pic_eoi(4);
}

static bool wait_lsr(uint8_t bits)
{
    for (int i = 0; i < SPINS; i++) {
        if ((inb(UART_LSR) & bits) == bits) {
            return true;
        }
    }
    return false;
}

static void drain_rx(void)
{
    for (int i = 0; i < 64 && (inb(UART_LSR) & UART_LSR_DR); i++) {
        inb(UART_RBR);
    }
}

static void test_registers(void)
{
    outb(UART_SCR, 0x5a);
    check_eq(inb(UART_SCR), 0x5a, "scratch register holds 0x5a");
    outb(UART_SCR, 0xa5);
    check_eq(inb(UART_SCR), 0xa5, "scratch register holds 0xa5");

    outb(UART_LCR, UART_LCR_DLAB | UART_LCR_8N1);
    outb(UART_DLL, 0x34);
    outb(UART_DLM, 0x12);
    check_eq(inb(UART_LCR), UART_LCR_DLAB | UART_LCR_8N1, "LCR reads back with DLAB");
    check_eq(inb(UART_DLL) | (inb(UART_DLM) << 8), 0x1234, "divisor latch");
    outb(UART_DLL, 1);
    outb(UART_DLM, 0);
    outb(UART_LCR, UART_LCR_8N1);
    check_eq(inb(UART_IER), 0, "IER (not DLM) at offset 1 once DLAB is clear");

    outb(UART_IER, 0xff);
    check_eq(inb(UART_IER), 0x0f, "IER after writing 0xff: bits 4-7 read 0");
    outb(UART_IER, 0);

    outb(UART_FCR, 0);
    check_eq(inb(UART_IIR), UART_IIR_NONE, "IIR with FIFOs off, nothing pending");
    outb(UART_FCR, UART_FCR_ENABLE_CLEAR);
    check_eq(inb(UART_IIR), UART_IIR_FIFO | UART_IIR_NONE, "IIR with FIFOs on, nothing pending");
    check_eq(inb(UART_LSR), UART_LSR_THRE | UART_LSR_TEMT, "LSR idle: THRE and TEMT");
}

static void test_loopback_data(void)
{
    outb(UART_MCR, UART_MCR_LOOP);
    outb(UART_FCR, UART_FCR_ENABLE_CLEAR);

    outb(UART_THR, 0x55);
    check(wait_lsr(UART_LSR_DR), "loopback: LSR.DR after sending a byte");
    check_eq(inb(UART_RBR), 0x55, "loopback: byte received");
    check_eq(inb(UART_LSR) & UART_LSR_DR, 0, "loopback: LSR.DR after reading it");

    outb(UART_IER, UART_IER_ERBFI);
    outb(UART_THR, 0xa5);
    wait_lsr(UART_LSR_DR);
    check_eq(inb(UART_IIR), UART_IIR_FIFO | UART_IIR_RDA, "loopback: IIR received data available");
    check_eq(inb(UART_RBR), 0xa5, "loopback: second byte received");
    check_eq(inb(UART_IIR), UART_IIR_FIFO | UART_IIR_NONE, "loopback: IIR after reading it");

    /* 17 bytes into a 16-byte receive FIFO: the 17th is an overrun and is
     * lost (PC16550D: the shift register is overwritten, not transferred) */
    outb(UART_IER, UART_IER_ERBFI | UART_IER_ELSI);
    for (int i = 0; i < 17; i++) {
        wait_lsr(UART_LSR_THRE);
        outb(UART_THR, (uint8_t)(0x41 + i));
    }
    /* wait on IIR, not LSR: reading LSR would clear OE and the line
     * status interrupt with it */
    uint8_t iir = 0;
    for (int i = 0; i < SPINS && iir != (UART_IIR_FIFO | UART_IIR_RLS); i++) {
        iir = inb(UART_IIR);
    }
    check_eq(iir, UART_IIR_FIFO | UART_IIR_RLS, "overrun: IIR receiver line status first");
    check_eq(inb(UART_LSR), UART_LSR_TEMT | UART_LSR_THRE | UART_LSR_OE | UART_LSR_DR, "overrun: LSR");
    check_eq(inb(UART_LSR) & UART_LSR_OE, 0, "overrun: OE cleared by reading LSR");
    check_eq(inb(UART_IIR), UART_IIR_FIFO | UART_IIR_RDA, "overrun: IIR then received data available");
    int good = 0;
    for (int i = 0; i < 16; i++) {
        good += inb(UART_RBR) == 0x41 + i;
    }
    check_eq(good, 16, "overrun: the first 16 bytes read back in order");
    check_eq(inb(UART_LSR) & UART_LSR_DR, 0, "overrun: the 17th byte was not kept");

    /* THRE interrupt: pending while THR is empty, cleared by reading IIR,
     * back once a sent byte has left */
    outb(UART_IER, UART_IER_ETBEI);
    check_eq(inb(UART_IIR), UART_IIR_FIFO | UART_IIR_THRE, "IIR THR empty after ETBEI is set");
    check_eq(inb(UART_IIR), UART_IIR_FIFO | UART_IIR_NONE, "IIR after reading the THRE identification");
    outb(UART_THR, 0x5a);
    wait_lsr(UART_LSR_TEMT);
    check_eq(inb(UART_IIR), UART_IIR_FIFO | UART_IIR_THRE, "IIR THR empty again after a byte was sent");
    outb(UART_IER, 0);
    drain_rx();
}

/* In loopback DTR, RTS, OUT1 and OUT2 drive DSR, CTS, RI and DCD. */
static void test_loopback_modem(void)
{
    outb(UART_MCR, UART_MCR_LOOP);
    inb(UART_MSR);
    check_eq(inb(UART_MSR), 0x00, "loopback MSR with the MCR outputs off");

    outb(UART_MCR, UART_MCR_LOOP | UART_MCR_OUT2 | UART_MCR_RTS);
    uint8_t msr = inb(UART_MSR);
    check_eq(msr & 0xf0, 0x90, "loopback MSR status with OUT2 and RTS (CTS, DCD)");
    check_eq(msr & 0x0f, 0x09, "loopback MSR deltas DCTS and DDCD");
    check_eq(inb(UART_MSR), 0x90, "loopback MSR deltas cleared by reading MSR");

    outb(UART_MCR, UART_MCR_LOOP | 0x0f);
    msr = inb(UART_MSR);
    check_eq(msr & 0xf0, 0xf0, "loopback MSR status with all four outputs");
    check_eq(msr & 0x0f, 0x02, "loopback MSR delta DDSR (TERI waits for RI to fall)");

    outb(UART_IER, UART_IER_EDSSI);
    outb(UART_MCR, UART_MCR_LOOP);
    check_eq(inb(UART_IIR), UART_IIR_FIFO | UART_IIR_MSR, "IIR modem status with EDSSI");
    msr = inb(UART_MSR);
    check_eq(msr, 0x0f, "loopback MSR: all four fell, DCTS DDSR TERI DDCD");
    check_eq(inb(UART_IIR), UART_IIR_FIFO | UART_IIR_NONE, "IIR after reading MSR");
    outb(UART_IER, 0);
}

static void test_irq4(void)
{
    outb(UART_MCR, UART_MCR_DTR | UART_MCR_RTS);
    inb(UART_MSR);
    set_handler(IRQ_VECTOR(4), irq4_handler);

    /* THRE pending with OUT2 off: the PC's gate keeps IRQ4 low */
    outb(UART_IER, UART_IER_ETBEI);
    check_eq(pic_irr() & 0x10, 0, "IRR bit 4 with a THRE interrupt pending and OUT2 off");
    outb(UART_MCR, UART_MCR_DTR | UART_MCR_RTS | UART_MCR_OUT2);
    check_eq(pic_irr() & 0x10, 0x10, "IRR bit 4 once OUT2 is on");

    pic_unmask(4);
    check(poll_irq(&irq4_count, 1, 1000), "THRE interrupt delivered on IRQ4");
    check_eq(irq4_bad_vector, 0, "IRQ4 interrupts not on vector 0x24");
    check_eq(irq4_iir, UART_IIR_FIFO | UART_IIR_THRE, "IIR read in the IRQ4 handler");
    check_eq(inb(UART_IIR), UART_IIR_FIFO | UART_IIR_NONE, "IIR after the handler");
    check_eq(pic_irr() & 0x10, 0, "IRR bit 4 once the interrupt is identified");
    pic_mask(4);
    outb(UART_IER, 0);
}

void test_main(void)
{
    printf("(results held while COM1 is under test)\n");
    console_hold();
    wait_lsr(UART_LSR_TEMT);
    test_registers();
    test_loopback_data();
    test_loopback_modem();
    test_irq4();

    outb(UART_LCR, UART_LCR_8N1);
    outb(UART_FCR, UART_FCR_ENABLE_CLEAR);
    outb(UART_MCR, UART_MCR_DTR | UART_MCR_RTS);
    outb(UART_IER, 0);
    drain_rx();
    console_release();
}
