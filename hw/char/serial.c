/*
 * 16550A UART, after the National Semiconductor PC16550D datasheet (June
 * 1995): register set (Table II), FIFO control, interrupt identification and
 * priorities (Table IV), loopback (MCR bit 4) and the modem status deltas.
 *
 * Transmission is instant: a byte written to THR goes to the chardev at once
 * and THRE/TEMT are set again before the write returns, yet the THRE
 * interrupt still comes and goes as the datasheet says. Reception is paced
 * by the chardev asking how much room there is (serial_can_receive), so host
 * input never overruns the FIFO; only loopback can cause OE. The character
 * timeout runs on the virtual clock, four character times at the programmed
 * divisor and line format.
 *
 * The IRQ line is wired as on the PC's serial adapters (IBM PC/AT Technical
 * Reference, asynchronous communications adapter): INTR reaches the PIC only
 * through a gate driven by the OUT2 pin, which loopback forces inactive. So
 * drivers set MCR.OUT2 to get interrupts, as Linux and DOS drivers do.
 *
 * Not modelled: break generation and detection, parity and framing errors
 * (a chardev carries neither) and DMA mode signalling (TXRDY/RXRDY pins).
 */
#include "hw/char/serial.h"

#include <stdio.h>

#include "hw/core/timer.h"

#define UART_RBR 0 /* DLAB=0 read */
#define UART_THR 0 /* DLAB=0 write */
#define UART_DLL 0 /* DLAB=1 */
#define UART_IER 1 /* DLAB=0 */
#define UART_DLM 1 /* DLAB=1 */
#define UART_IIR 2 /* read */
#define UART_FCR 2 /* write */
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define UART_MSR 6
#define UART_SCR 7

#define UART_IER_ERBFI 0x01 /* received data available (and timeout) */
#define UART_IER_ETBEI 0x02 /* transmitter holding register empty */
#define UART_IER_ELSI  0x04 /* receiver line status */
#define UART_IER_EDSSI 0x08 /* modem status */

#define UART_IIR_NO_INT 0x01
#define UART_IIR_RLS    0x06 /* priority 1: receiver line status */
#define UART_IIR_RDA    0x04 /* priority 2: received data available */
#define UART_IIR_CTI    0x0c /* priority 2: character timeout */
#define UART_IIR_THRE   0x02 /* priority 3 */
#define UART_IIR_MSI    0x00 /* priority 4: modem status */
#define UART_IIR_FIFO   0xc0 /* both set when FCR0 = 1 */

#define UART_FCR_FIFO_EN     0x01
#define UART_FCR_RCVR_RESET  0x02
#define UART_FCR_XMIT_RESET  0x04
#define UART_FCR_DMA_MODE    0x08
#define UART_FCR_TRIGGER     0xc0

#define UART_LCR_WLS  0x03 /* word length select: 5 + WLS bits */
#define UART_LCR_STB  0x04 /* 1.5 (5-bit words) or 2 stop bits */
#define UART_LCR_PEN  0x08
#define UART_LCR_DLAB 0x80

#define UART_MCR_DTR  0x01
#define UART_MCR_RTS  0x02
#define UART_MCR_OUT1 0x04
#define UART_MCR_OUT2 0x08
#define UART_MCR_LOOP 0x10

#define UART_LSR_DR   0x01
#define UART_LSR_OE   0x02
#define UART_LSR_PE   0x04
#define UART_LSR_FE   0x08
#define UART_LSR_BI   0x10
#define UART_LSR_THRE 0x20
#define UART_LSR_TEMT 0x40
#define UART_LSR_RCVR_ERR 0x80 /* an error in the RCVR FIFO (FIFO mode) */
#define UART_LSR_INT_ANY (UART_LSR_OE | UART_LSR_PE | UART_LSR_FE | UART_LSR_BI)

#define UART_MSR_DCTS 0x01
#define UART_MSR_DDSR 0x02
#define UART_MSR_TERI 0x04
#define UART_MSR_DDCD 0x08
#define UART_MSR_CTS  0x10
#define UART_MSR_DSR  0x20
#define UART_MSR_RI   0x40
#define UART_MSR_DCD  0x80
#define UART_MSR_DELTAS 0x0f

#define UART_FIFO_SIZE 16
#define UART_XTAL_HZ 1843200 /* the PC's 1.8432 MHz reference; baud = XTAL / (16 * divisor) */
#define UART_POWERON_DIVISOR 12 /* 9600 baud until the guest programs it */

struct SerialState {
    IrqLine *irq;
    Chardev *chr;
    Timer *timeout_timer;
    int irq_level;

    uint16_t divisor;
    uint8_t ier, lcr, mcr, lsr, msr, scr;
    uint8_t fcr;   /* FIFO_EN, DMA_MODE and TRIGGER as programmed */
    uint8_t rbr;   /* the last character read, returned again on an empty read */
    bool thr_ipending;     /* THRE interrupt latched, cleared by IIR read / THR write */
    bool timeout_ipending; /* character timeout indication */

    /* The receiver: a 16-entry FIFO in FIFO mode, one entry (RBR) otherwise. */
    uint8_t rx[UART_FIFO_SIZE];
    unsigned rx_head, rx_count;
};

static bool serial_fifo_on(const SerialState *s)
{
    return s->fcr & UART_FCR_FIFO_EN;
}

static unsigned serial_rx_trigger(const SerialState *s)
{
    static const unsigned levels[4] = { 1, 4, 8, 14 };
    return levels[s->fcr >> 6];
}

/* Interrupt identification in the datasheet's priority order (Table IV). */
static uint8_t serial_iir_id(const SerialState *s)
{
    if ((s->ier & UART_IER_ELSI) && (s->lsr & UART_LSR_INT_ANY)) {
        return UART_IIR_RLS;
    }
    if (s->ier & UART_IER_ERBFI) {
        if (serial_fifo_on(s) ? s->rx_count >= serial_rx_trigger(s) : s->rx_count > 0) {
            return UART_IIR_RDA;
        }
        if (serial_fifo_on(s) && s->timeout_ipending) {
            return UART_IIR_CTI;
        }
    }
    if ((s->ier & UART_IER_ETBEI) && s->thr_ipending) {
        return UART_IIR_THRE;
    }
    if ((s->ier & UART_IER_EDSSI) && (s->msr & UART_MSR_DELTAS)) {
        return UART_IIR_MSI;
    }
    return UART_IIR_NO_INT;
}

static void serial_update_irq(SerialState *s)
{
    bool out2_pin = (s->mcr & (UART_MCR_OUT2 | UART_MCR_LOOP)) == UART_MCR_OUT2;
    int level = out2_pin && serial_iir_id(s) != UART_IIR_NO_INT;
    if (level != s->irq_level) {
        s->irq_level = level;
        irq_set(s->irq, level);
    }
}

/* One character time in ns: start bit, data bits, parity, stop bits. */
static int64_t serial_char_ns(const SerialState *s)
{
    unsigned data = 5 + (s->lcr & UART_LCR_WLS);
    unsigned half_bits = 2 * (1 + data + !!(s->lcr & UART_LCR_PEN));
    half_bits += !(s->lcr & UART_LCR_STB) ? 2 : data == 5 ? 3 : 4;
    int64_t div = s->divisor ? s->divisor : 0x10000; /* 0 counts a full wrap */
    return half_bits * div * 16 * NS_PER_SEC / (2 * (int64_t)UART_XTAL_HZ);
}

/* The FIFO timeout counts from the last character in or out of the FIFO. */
static void serial_restart_timeout(SerialState *s)
{
    s->timeout_ipending = false;
    if (serial_fifo_on(s) && s->rx_count) {
        timer_mod(s->timeout_timer, clock_ns() + 4 * serial_char_ns(s));
    } else {
        timer_del(s->timeout_timer);
    }
}

static void serial_timeout(void *opaque)
{
    SerialState *s = opaque;
    if (serial_fifo_on(s) && s->rx_count) {
        s->timeout_ipending = true;
        serial_update_irq(s);
    }
}

static uint8_t serial_word_mask(const SerialState *s)
{
    return (1u << (5 + (s->lcr & UART_LCR_WLS))) - 1;
}

static void serial_rx_clear(SerialState *s)
{
    s->rx_count = 0;
    s->rx_head = 0;
    s->lsr &= ~(UART_LSR_DR | UART_LSR_RCVR_ERR);
    serial_restart_timeout(s);
}

/* A character has been assembled in the receiver shift register. */
static void serial_rx_byte(SerialState *s, uint8_t c)
{
    c &= serial_word_mask(s);
    unsigned cap = serial_fifo_on(s) ? UART_FIFO_SIZE : 1;
    if (s->rx_count == cap) {
        s->lsr |= UART_LSR_OE;
        if (!serial_fifo_on(s)) {
            s->rx[s->rx_head] = c; /* 16450 mode: RBR is overwritten */
        }
        /* FIFO mode: the shift register's character is lost */
    } else {
        s->rx[(s->rx_head + s->rx_count) % UART_FIFO_SIZE] = c;
        s->rx_count++;
    }
    s->lsr |= UART_LSR_DR;
    serial_restart_timeout(s);
}

static uint8_t serial_rx_read(SerialState *s)
{
    if (s->rx_count) {
        s->rbr = s->rx[s->rx_head];
        s->rx_head = (s->rx_head + 1) % UART_FIFO_SIZE;
        s->rx_count--;
    }
    if (!s->rx_count) {
        s->lsr &= ~UART_LSR_DR;
    }
    serial_restart_timeout(s);
    serial_update_irq(s);
    chr_accept_input(s->chr);
    return s->rbr;
}

/* The modem control inputs as MSR bits 4-7 present them. */
static uint8_t serial_modem_inputs(const SerialState *s)
{
    if (s->mcr & UART_MCR_LOOP) {
        return (s->mcr & UART_MCR_RTS ? UART_MSR_CTS : 0) |
               (s->mcr & UART_MCR_DTR ? UART_MSR_DSR : 0) |
               (s->mcr & UART_MCR_OUT1 ? UART_MSR_RI : 0) |
               (s->mcr & UART_MCR_OUT2 ? UART_MSR_DCD : 0);
    }
    /* the host end is a connected null-modem line: carrier and handshakes
     * asserted, no ring, so guests that wait for DCD/CTS can talk */
    return UART_MSR_CTS | UART_MSR_DSR | UART_MSR_DCD;
}

static void serial_update_msr(SerialState *s)
{
    uint8_t old = s->msr, now = serial_modem_inputs(s);
    uint8_t changed = old ^ now;
    uint8_t delta = 0;
    delta |= changed & UART_MSR_CTS ? UART_MSR_DCTS : 0;
    delta |= changed & UART_MSR_DSR ? UART_MSR_DDSR : 0;
    delta |= changed & UART_MSR_DCD ? UART_MSR_DDCD : 0;
    /* TERI: the RI input went inactive, i.e. MSR.RI from 1 to 0 */
    delta |= (old & UART_MSR_RI) && !(now & UART_MSR_RI) ? UART_MSR_TERI : 0;
    s->msr = (old & UART_MSR_DELTAS) | delta | now;
}

static void serial_thr_write(SerialState *s, uint8_t c)
{
    c &= serial_word_mask(s);
    if (s->mcr & UART_MCR_LOOP) {
        serial_rx_byte(s, c); /* TSR looped to RSR; SOUT stays marking */
    } else if (s->chr) {
        chr_write(s->chr, &c, 1);
    }
    /* sent at once: THR (or the XMIT FIFO) and TSR are empty again */
    s->lsr |= UART_LSR_THRE | UART_LSR_TEMT;
    s->thr_ipending = true;
}

static void serial_fcr_write(SerialState *s, uint8_t val)
{
    bool was_on = serial_fifo_on(s), on = val & UART_FCR_FIFO_EN;
    if (was_on != on) {
        /* changing mode empties both FIFOs */
        s->fcr = on ? UART_FCR_FIFO_EN : 0;
        serial_rx_clear(s);
        s->thr_ipending = true;
    }
    /* the other bits are only programmed while FCR0 = 1 */
    if (on) {
        s->fcr = val & (UART_FCR_FIFO_EN | UART_FCR_DMA_MODE | UART_FCR_TRIGGER);
        if (val & UART_FCR_RCVR_RESET) {
            serial_rx_clear(s);
        }
        /* XMIT FIFO reset: transmission is instant, it is already empty */
    }
    chr_accept_input(s->chr); /* the receiver may have room again */
}

static uint64_t serial_read(void *opaque, uint64_t offset, unsigned size)
{
    SerialState *s = opaque;
    uint8_t v;
    switch (offset) {
    case UART_RBR:
        return s->lcr & UART_LCR_DLAB ? (s->divisor & 0xff) : serial_rx_read(s);
    case UART_IER:
        return s->lcr & UART_LCR_DLAB ? s->divisor >> 8 : s->ier;
    case UART_IIR:
        v = serial_iir_id(s);
        if (v == UART_IIR_THRE) {
            s->thr_ipending = false; /* reading IIR acknowledges THRE */
            serial_update_irq(s);
        }
        return v | (serial_fifo_on(s) ? UART_IIR_FIFO : 0);
    case UART_LCR:
        return s->lcr;
    case UART_MCR:
        return s->mcr;
    case UART_LSR:
        v = s->lsr;
        s->lsr &= ~(UART_LSR_INT_ANY | UART_LSR_RCVR_ERR);
        serial_update_irq(s);
        return v;
    case UART_MSR:
        v = s->msr;
        s->msr &= ~UART_MSR_DELTAS;
        serial_update_irq(s);
        return v;
    default:
        return s->scr;
    }
}

static void serial_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
    SerialState *s = opaque;
    uint8_t val = value;
    switch (offset) {
    case UART_THR:
        if (s->lcr & UART_LCR_DLAB) {
            s->divisor = (s->divisor & 0xff00) | val;
        } else {
            serial_thr_write(s, val);
        }
        break;
    case UART_IER:
        if (s->lcr & UART_LCR_DLAB) {
            s->divisor = (s->divisor & 0x00ff) | val << 8;
            break;
        }
        val &= 0x0f;
        /* enabling ETBEI while THR is empty raises THRE at once */
        if ((val & ~s->ier & UART_IER_ETBEI) && (s->lsr & UART_LSR_THRE)) {
            s->thr_ipending = true;
        }
        s->ier = val;
        break;
    case UART_FCR:
        serial_fcr_write(s, val);
        break;
    case UART_LCR:
        s->lcr = val;
        break;
    case UART_MCR: {
        bool was_loop = s->mcr & UART_MCR_LOOP;
        s->mcr = val & 0x1f;
        serial_update_msr(s);
        if (was_loop && !(s->mcr & UART_MCR_LOOP)) {
            chr_accept_input(s->chr); /* SIN is connected again */
        }
        break;
    }
    case UART_LSR:
    case UART_MSR:
        break; /* status registers; writes are for factory test only */
    default:
        s->scr = val;
        break;
    }
    serial_update_irq(s);
}

static const MemOps serial_ops = {
    .read = serial_read,
    .write = serial_write,
    .min_size = 1,
    .max_size = 1,
};

static int serial_can_receive(void *opaque)
{
    SerialState *s = opaque;
    if (s->mcr & UART_MCR_LOOP) {
        return 0; /* SIN is disconnected in loopback: hold host input back */
    }
    return (serial_fifo_on(s) ? UART_FIFO_SIZE : 1) - s->rx_count;
}

static void serial_receive(void *opaque, const uint8_t *buf, size_t len)
{
    SerialState *s = opaque;
    for (size_t i = 0; i < len; i++) {
        serial_rx_byte(s, buf[i]);
    }
    serial_update_irq(s);
}

/* Master reset values (datasheet Table III); DLL, DLM and SCR keep theirs. */
static void serial_reset(void *opaque)
{
    SerialState *s = opaque;
    s->ier = 0;
    s->lcr = 0;
    s->mcr = 0;
    s->fcr = 0;
    s->lsr = UART_LSR_THRE | UART_LSR_TEMT;
    s->msr = serial_modem_inputs(s);
    s->thr_ipending = false;
    serial_rx_clear(s);
    s->irq_level = 0;
    irq_lower(s->irq);
    chr_accept_input(s->chr);
}

static void serial_destroy(void *opaque)
{
    SerialState *s = opaque;
    timer_free(s->timeout_timer);
    g_free(s);
}

SerialState *serial_create(Machine *m, uint16_t iobase, IrqLine *irq, Chardev *chr)
{
    SerialState *s = g_new0(SerialState, 1);
    char *err = NULL;
    if (!as_add_io(m->io, "serial", iobase, 8, &serial_ops, s, &err)) {
        fprintf(stderr, "serial at 0x%x: %s\n", iobase, err ? err : "cannot map ports");
        g_free(err);
        g_free(s);
        return NULL;
    }
    s->irq = irq;
    s->chr = chr;
    s->timeout_timer = timer_new(serial_timeout, s);
    s->divisor = UART_POWERON_DIVISOR;
    serial_reset(s);
    machine_add_reset(m, serial_reset, s);
    machine_own(m, s, serial_destroy);
    if (chr) {
        chr_set_frontend(chr, serial_can_receive, serial_receive, s);
    }
    return s;
}
