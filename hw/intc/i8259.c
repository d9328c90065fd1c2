/*
 * The PC/AT's cascaded pair of Intel 8259A programmable interrupt
 * controllers, following the 8259A datasheet: ICW1-ICW4 initialisation,
 * OCW1-OCW3, fully nested priority with rotation, special mask mode, poll
 * mode, AEOI and special fully nested mode. The master sits at 0x20/0x21
 * and drives the CPU's INTR; the slave at 0xA0/0xA1 drives the master's IR2.
 * The edge/level control registers at 0x4D0/0x4D1 are those of the
 * PIIX/PIIX3 ISA bridge: IRQ0, 1, 2, 8 and 13 are wired edge-only there, so
 * their ELCR bits are reserved and read 0.
 *
 * Edge-triggered inputs latch their request in IRR on a rising edge and keep
 * it until the INTA cycle takes it, even if the line falls meanwhile (the
 * CPU then gets the request anyway). Level-triggered inputs only request
 * while the line is high.
 */
#include "hw/intc/i8259.h"

#define PIC_ICW1 0x10      /* A0=0, D4=1: ICW1 */
#define PIC_ICW1_IC4 0x01  /* ICW4 follows */
#define PIC_ICW1_SNGL 0x02 /* single 8259A, no ICW3 */
#define PIC_ICW1_LTIM 0x08 /* level-triggered inputs */
#define PIC_ICW4_AEOI 0x02
#define PIC_ICW4_SFNM 0x10
#define PIC_OCW3 0x08      /* A0=0, D4=0, D3=1: OCW3, else OCW2 */
#define PIC_OCW3_ESMM 0x40
#define PIC_OCW3_SMM 0x20
#define PIC_OCW3_P 0x04
#define PIC_OCW3_RR 0x02
#define PIC_OCW3_RIS 0x01
#define PIC_POLL_I 0x80    /* poll word: an interrupt is pending */

/* OCW2 R, SL, EOI (bits 7-5) */
enum {
    PIC_OCW2_CLEAR_ROTATE_AEOI = 0,
    PIC_OCW2_EOI = 1,
    PIC_OCW2_NOP = 2,
    PIC_OCW2_SPECIFIC_EOI = 3,
    PIC_OCW2_SET_ROTATE_AEOI = 4,
    PIC_OCW2_ROTATE_EOI = 5,
    PIC_OCW2_SET_PRIORITY = 6,
    PIC_OCW2_ROTATE_SPECIFIC_EOI = 7,
};

#define PIC_CASCADE_IR 2   /* the slave's INT is wired to master IR2 */

typedef struct Pic8259 {
    uint8_t irr, isr, imr;
    uint8_t level;      /* input pins now; the edge detector compares against it */
    uint8_t elcr;       /* PIIX ELCR: 1 = level-triggered */
    uint8_t elcr_mask;  /* ELCR bits that exist */
    uint8_t lowest;     /* IR with the lowest priority (rotation) */
    uint8_t base;       /* ICW2: T7-T3 */
    uint8_t icw3;       /* master: IRs with a slave; slave: its ID */
    uint8_t next_icw;   /* 2, 3 or 4 while initialising, 0 when ready */
    bool icw4_needed, single, ltim, aeoi, sfnm, rotate_aeoi;
    bool read_isr, poll, special_mask;
    bool master;
} Pic8259;

struct PICState {
    Pic8259 chip[2];
    IrqLine *intr;
    IrqLine *inputs;
    int out;
};

static uint8_t pic_level_mask(const Pic8259 *p)
{
    return p->ltim ? 0xff : p->elcr;
}

/* 0 is the highest priority. */
static int pic_priority(const Pic8259 *p, int ir)
{
    return (ir - p->lowest - 1) & 7;
}

/* The highest-priority IR whose bit is set in mask, or -1. */
static int pic_highest(const Pic8259 *p, uint8_t mask)
{
    for (int i = 1; i <= 8; i++) {
        int ir = (p->lowest + i) & 7;
        if (mask & (1u << ir)) {
            return ir;
        }
    }
    return -1;
}

/*
 * The priority resolver: the unmasked request that beats everything in
 * service, or -1. In special mask mode an in-service level that is masked no
 * longer holds off the others; in special fully nested mode the master lets
 * its slave's IR through again while it is in service, so that a
 * higher-priority slave input can nest.
 */
static int pic_pending(const Pic8259 *p)
{
    int ir = pic_highest(p, p->irr & ~p->imr);
    if (ir < 0) {
        return -1;
    }
    uint8_t in_service = p->special_mask ? p->isr & ~p->imr : p->isr;
    int cur = pic_highest(p, in_service);
    if (cur < 0 || pic_priority(p, ir) < pic_priority(p, cur)) {
        return ir;
    }
    if (ir == cur && p->master && p->sfnm && !p->single && (p->icw3 & (1u << ir))) {
        return ir;
    }
    return -1;
}

static void pic_set_input(Pic8259 *p, int ir, int level)
{
    uint8_t bit = 1u << ir;
    if (level) {
        if (!(p->level & bit) || (pic_level_mask(p) & bit)) {
            p->irr |= bit;
        }
        p->level |= bit;
    } else {
        p->level &= ~bit;
        if (pic_level_mask(p) & bit) {
            p->irr &= ~bit;
        }
    }
}

/* The chip's half of an INTA sequence (or of a poll read) for ir. */
static void pic_ack(Pic8259 *p, int ir)
{
    uint8_t bit = 1u << ir;
    if (!(pic_level_mask(p) & bit)) {
        p->irr &= ~bit;
    }
    if (p->aeoi) {
        if (p->rotate_aeoi) {
            p->lowest = ir;
        }
    } else {
        p->isr |= bit;
    }
}

/* Propagate the slave's INT to master IR2, then the master's INT to the CPU. */
static void pic_update(PICState *s)
{
    pic_set_input(&s->chip[0], PIC_CASCADE_IR, pic_pending(&s->chip[1]) >= 0);
    int out = pic_pending(&s->chip[0]) >= 0;
    if (out != s->out) {
        s->out = out;
        irq_set(s->intr, out);
    }
}

int i8259_intack(void *opaque)
{
    PICState *s = opaque;
    Pic8259 *m = &s->chip[0], *sl = &s->chip[1];
    int vec;
    int ir = pic_pending(m);
    if (ir < 0) {
        /* The request went away before INTA: the 8259A answers with IR7. */
        vec = m->base | 7;
    } else {
        pic_ack(m, ir);
        if (!m->single && (m->icw3 & (1u << ir))) {
            if (ir != (sl->icw3 & 7)) {
                vec = 0xff; /* no slave answers this cascade address: the bus floats */
            } else {
                int sir = pic_pending(sl);
                if (sir < 0) {
                    vec = sl->base | 7; /* spurious IRQ15; master IR2 stays in service */
                } else {
                    pic_ack(sl, sir);
                    vec = sl->base | sir;
                }
            }
        } else {
            vec = m->base | ir;
        }
    }
    pic_update(s);
    return vec;
}

static uint8_t pic_poll(PICState *s, Pic8259 *p)
{
    p->poll = false;
    int ir = pic_pending(p);
    if (ir < 0) {
        return 0;
    }
    pic_ack(p, ir);
    pic_update(s);
    return PIC_POLL_I | ir;
}

static void pic_icw1(Pic8259 *p, uint8_t v)
{
    p->next_icw = 2;
    p->icw4_needed = v & PIC_ICW1_IC4;
    p->single = v & PIC_ICW1_SNGL;
    p->ltim = v & PIC_ICW1_LTIM;
    p->imr = 0;
    p->isr = 0;
    p->lowest = 7;
    p->special_mask = false;
    p->read_isr = false;
    p->poll = false;
    p->rotate_aeoi = false;
    p->icw3 = p->master ? 0 : 7;
    if (!p->icw4_needed) {
        p->aeoi = false;
        p->sfnm = false;
    }
    /*
     * The edge sense circuit is reset: an input already high must go low and
     * high again before it requests. Level-triggered inputs request while high.
     */
    p->irr = p->level & pic_level_mask(p);
}

static void pic_ocw2(Pic8259 *p, uint8_t v)
{
    int l = v & 7;
    int ir;
    switch (v >> 5) {
    case PIC_OCW2_CLEAR_ROTATE_AEOI:
        p->rotate_aeoi = false;
        break;
    case PIC_OCW2_SET_ROTATE_AEOI:
        p->rotate_aeoi = true;
        break;
    case PIC_OCW2_EOI:
    case PIC_OCW2_ROTATE_EOI:
        ir = pic_highest(p, p->isr);
        if (ir >= 0) {
            p->isr &= ~(1u << ir);
            if (v >> 5 == PIC_OCW2_ROTATE_EOI) {
                p->lowest = ir;
            }
        }
        break;
    case PIC_OCW2_SPECIFIC_EOI:
        p->isr &= ~(1u << l);
        break;
    case PIC_OCW2_ROTATE_SPECIFIC_EOI:
        p->isr &= ~(1u << l);
        p->lowest = l;
        break;
    case PIC_OCW2_SET_PRIORITY:
        p->lowest = l;
        break;
    case PIC_OCW2_NOP:
        break;
    }
}

static void pic_ocw3(Pic8259 *p, uint8_t v)
{
    if (v & PIC_OCW3_ESMM) {
        p->special_mask = v & PIC_OCW3_SMM;
    }
    if (v & PIC_OCW3_P) {
        p->poll = true;
    }
    if (v & PIC_OCW3_RR) {
        p->read_isr = v & PIC_OCW3_RIS;
    }
}

static void pic_write(PICState *s, Pic8259 *p, uint64_t offset, uint8_t v)
{
    if (offset == 0) {
        if (v & PIC_ICW1) {
            pic_icw1(p, v);
        } else if (v & PIC_OCW3) {
            pic_ocw3(p, v);
        } else {
            pic_ocw2(p, v);
        }
    } else {
        switch (p->next_icw) {
        case 2:
            p->base = v & 0xf8;
            p->next_icw = !p->single ? 3 : p->icw4_needed ? 4 : 0;
            break;
        case 3:
            p->icw3 = v;
            p->next_icw = p->icw4_needed ? 4 : 0;
            break;
        case 4:
            /* uPM, BUF and M/S change nothing on a PC: always 8086 mode, wired cascade */
            p->aeoi = v & PIC_ICW4_AEOI;
            p->sfnm = v & PIC_ICW4_SFNM;
            p->next_icw = 0;
            break;
        default:
            p->imr = v;
            break;
        }
    }
    pic_update(s);
}

static uint8_t pic_read(PICState *s, Pic8259 *p, uint64_t offset)
{
    if (p->poll) {
        return pic_poll(s, p);
    }
    if (offset == 0) {
        return p->read_isr ? p->isr : p->irr;
    }
    return p->imr;
}

static uint64_t pic_master_read(void *opaque, uint64_t offset, unsigned size)
{
    PICState *s = opaque;
    return pic_read(s, &s->chip[0], offset);
}

static void pic_master_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
    PICState *s = opaque;
    pic_write(s, &s->chip[0], offset, value);
}

static uint64_t pic_slave_read(void *opaque, uint64_t offset, unsigned size)
{
    PICState *s = opaque;
    return pic_read(s, &s->chip[1], offset);
}

static void pic_slave_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
    PICState *s = opaque;
    pic_write(s, &s->chip[1], offset, value);
}

static uint64_t pic_elcr_read(void *opaque, uint64_t offset, unsigned size)
{
    PICState *s = opaque;
    return s->chip[offset].elcr;
}

static void pic_elcr_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
    PICState *s = opaque;
    Pic8259 *p = &s->chip[offset];
    p->elcr = value & p->elcr_mask;
    /* Inputs now level-triggered request exactly while their line is high. */
    uint8_t lvl = pic_level_mask(p);
    p->irr = (p->irr & ~lvl) | (p->level & lvl);
    pic_update(s);
}

static const MemOps pic_master_ops = {
    .read = pic_master_read, .write = pic_master_write, .min_size = 1, .max_size = 1,
};
static const MemOps pic_slave_ops = {
    .read = pic_slave_read, .write = pic_slave_write, .min_size = 1, .max_size = 1,
};
static const MemOps pic_elcr_ops = {
    .read = pic_elcr_read, .write = pic_elcr_write, .min_size = 1, .max_size = 1,
};

static void pic_set_irq(void *opaque, int n, int level)
{
    PICState *s = opaque;
    if (n == PIC_CASCADE_IR || n < 0 || n > 15) {
        return; /* master IR2 is the slave's INT, wired internally */
    }
    pic_set_input(&s->chip[n >> 3], n & 7, level);
    pic_update(s);
}

/*
 * Power-on: both chips uninitialised with everything cleared, ELCR all edge
 * (the PIIX default). The input pins keep their levels: the devices behind
 * them drive them, not the PIC.
 */
static void pic_reset(void *opaque)
{
    PICState *s = opaque;
    for (int i = 0; i < 2; i++) {
        Pic8259 *p = &s->chip[i];
        uint8_t level = p->level;
        *p = (Pic8259){
            .level = level,
            .lowest = 7,
            .master = i == 0,
            .icw3 = i == 0 ? 1u << PIC_CASCADE_IR : PIC_CASCADE_IR,
            /* PIIX ELCR1 bits 2:0 and ELCR2 bits 0 and 5 are reserved */
            .elcr_mask = i == 0 ? 0xf8 : 0xde,
        };
    }
    s->out = 0;
    irq_set(s->intr, 0);
    pic_update(s);
}

static void pic_free(void *opaque)
{
    PICState *s = opaque;
    irq_lines_free(s->inputs);
    irq_lines_free(s->intr);
    g_free(s);
}

PICState *i8259_create(Machine *m, IrqLine *intr)
{
    PICState *s = g_new0(PICState, 1);
    s->intr = intr;
    s->inputs = irq_lines_new(pic_set_irq, s, 0, 16);
    as_add_io(m->io, "pic-master", 0x20, 2, &pic_master_ops, s, NULL);
    as_add_io(m->io, "pic-slave", 0xa0, 2, &pic_slave_ops, s, NULL);
    as_add_io(m->io, "elcr", 0x4d0, 2, &pic_elcr_ops, s, NULL);
    pic_reset(s);
    machine_add_reset(m, pic_reset, s);
    machine_own(m, s, pic_free);
    return s;
}

IrqLine *i8259_inputs(PICState *s)
{
    return s->inputs;
}
