/*
 * The Intel 82093AA I/O APIC, following its datasheet (290566): the
 * indirect register window IOREGSEL (offset 0x00) / IOWIN (0x10), the ID,
 * version (0x11, 24 entries) and arbitration registers, and 24 redirection
 * entries turning pin events into interrupt messages for the local APIC.
 *
 * An input line's level is the pin's electrical level; INTPOL says which
 * level is asserted. Edge-triggered pins send a message on the transition to
 * asserted; one that comes while the entry is masked is dropped, as the
 * datasheet says. Level-triggered pins send a message while asserted and
 * unmasked with Remote IRR clear; the local APIC's acceptance sets Remote IRR
 * and its EOI broadcast for the vector clears it, after which a pin that is
 * still asserted sends again. Unmasking (or otherwise rewriting) an entry of
 * an asserted level pin sends too. Writing an entry as edge-triggered clears
 * Remote IRR: software without an EOI register (this is version 0x11)
 * relies on that to recover a stuck level entry.
 *
 * Destinations, with the one local APIC of this machine: a physical
 * destination is the 4-bit APIC ID in bits 59:56 (0xF is everyone); a
 * logical one is the 8-bit set in bits 63:56, matched by the local APIC
 * against its LDR and DFR (apic_match_dest). A message goes to the APIC
 * when the destination includes it, else nowhere. Lowest-priority delivery
 * is fixed delivery to that one APIC; NMI is passed on; SMI, INIT and
 * ExtINT entries send nothing (no SMM, no other CPU, and the 8259 reaches
 * the CPU through LINT0, not through a pin here).
 *
 * The ID register resets to the ID the machine's MADT announces (the chip
 * itself resets it to 0 and firmware programs it; mimic boots without
 * firmware). Delivery status always reads idle: a message is accepted or
 * dropped at once.
 */
#include "hw/intc/ioapic.h"

#define IOAPIC_IOREGSEL 0x00
#define IOAPIC_IOWIN 0x10

/* register indices behind IOREGSEL */
#define IOAPIC_REG_ID 0x00
#define IOAPIC_REG_VER 0x01
#define IOAPIC_REG_ARB 0x02
#define IOAPIC_REG_REDTBL 0x10
#define IOAPIC_VERSION 0x00170011u /* max redirection entry 0x17, version 0x11 */

/* redirection entry bits */
#define IOAPIC_DELMOD(e) (((e) >> 8) & 7)
#define IOAPIC_DESTMOD_LOGICAL (1ull << 11)
#define IOAPIC_INTPOL_LOW (1ull << 13)
#define IOAPIC_REMOTE_IRR (1ull << 14)
#define IOAPIC_TRIGGER_LEVEL (1ull << 15)
#define IOAPIC_MASK (1ull << 16)
#define IOAPIC_LOW_WRITABLE 0x0001afffull /* not delivery status, not remote IRR */
#define IOAPIC_HIGH_WRITABLE 0xff000000ull

struct IOAPICState {
    ApicState *apic;
    IrqLine *inputs;
    uint8_t reset_id;
    uint32_t regsel;
    uint32_t id, arb;
    uint64_t redir[IOAPIC_PINS];
    int level[IOAPIC_PINS];
};

static bool ioapic_asserted(const IOAPICState *s, int pin)
{
    return (s->level[pin] != 0) != !!(s->redir[pin] & IOAPIC_INTPOL_LOW);
}

/* Send the entry's message to the local APIC. */
static void ioapic_send(IOAPICState *s, int pin)
{
    uint64_t *e = &s->redir[pin];
    bool level = *e & IOAPIC_TRIGGER_LEVEL;
    if ((*e & IOAPIC_MASK) || (level && (*e & IOAPIC_REMOTE_IRR))) {
        return;
    }
    bool logical = *e & IOAPIC_DESTMOD_LOGICAL;
    uint8_t dest = *e >> 56;
    if (!logical) {
        dest &= 0xf;
        dest = dest == 0xf ? 0xff : dest;
    }
    if (!apic_match_dest(s->apic, dest, logical)) {
        return;
    }
    int mode = IOAPIC_DELMOD(*e);
    bool fixed = mode == APIC_DM_FIXED || mode == APIC_DM_LOWEST;
    /* NMI is edge-triggered whatever the entry says */
    if (apic_deliver(s->apic, mode, *e & 0xff, level && fixed) && level && fixed) {
        *e |= IOAPIC_REMOTE_IRR;
    }
}

static void ioapic_set_irq(void *opaque, int pin, int level)
{
    IOAPICState *s = opaque;
    if (pin < 0 || pin >= IOAPIC_PINS) {
        return;
    }
    bool was = ioapic_asserted(s, pin);
    s->level[pin] = level != 0;
    bool now = ioapic_asserted(s, pin);
    if (s->redir[pin] & IOAPIC_TRIGGER_LEVEL ? now : now && !was) {
        ioapic_send(s, pin);
    }
}

void ioapic_eoi(IOAPICState *s, int vector)
{
    for (int pin = 0; pin < IOAPIC_PINS; pin++) {
        uint64_t *e = &s->redir[pin];
        if ((*e & IOAPIC_REMOTE_IRR) && (*e & 0xff) == (uint64_t)(vector & 0xff)) {
            *e &= ~IOAPIC_REMOTE_IRR;
            if ((*e & IOAPIC_TRIGGER_LEVEL) && ioapic_asserted(s, pin)) {
                ioapic_send(s, pin);
            }
        }
    }
}

static uint32_t ioapic_reg_read(IOAPICState *s, uint32_t idx)
{
    if (idx >= IOAPIC_REG_REDTBL && idx < IOAPIC_REG_REDTBL + 2 * IOAPIC_PINS) {
        uint64_t e = s->redir[(idx - IOAPIC_REG_REDTBL) / 2];
        return idx & 1 ? e >> 32 : (uint32_t)e;
    }
    switch (idx) {
    case IOAPIC_REG_ID:
        return s->id;
    case IOAPIC_REG_VER:
        return IOAPIC_VERSION;
    case IOAPIC_REG_ARB:
        return s->arb;
    default:
        return 0; /* no register there */
    }
}

static void ioapic_reg_write(IOAPICState *s, uint32_t idx, uint32_t val)
{
    if (idx >= IOAPIC_REG_REDTBL && idx < IOAPIC_REG_REDTBL + 2 * IOAPIC_PINS) {
        int pin = (idx - IOAPIC_REG_REDTBL) / 2;
        uint64_t *e = &s->redir[pin];
        if (idx & 1) {
            *e = (*e & ~(IOAPIC_HIGH_WRITABLE << 32)) | ((uint64_t)val & IOAPIC_HIGH_WRITABLE) << 32;
            return;
        }
        *e = (*e & ~IOAPIC_LOW_WRITABLE) | (val & IOAPIC_LOW_WRITABLE);
        if (!(*e & IOAPIC_TRIGGER_LEVEL)) {
            *e &= ~IOAPIC_REMOTE_IRR;
        } else if (ioapic_asserted(s, pin)) {
            ioapic_send(s, pin);
        }
        return;
    }
    if (idx == IOAPIC_REG_ID) {
        /* the arbitration ID is loaded whenever the ID is written */
        s->id = s->arb = val & 0x0f000000;
    }
}

static uint64_t ioapic_read(void *opaque, uint64_t off, unsigned size)
{
    IOAPICState *s = opaque;
    switch (off) {
    case IOAPIC_IOREGSEL:
        return s->regsel;
    case IOAPIC_IOWIN:
        return ioapic_reg_read(s, s->regsel);
    default:
        return 0;
    }
}

static void ioapic_write(void *opaque, uint64_t off, uint64_t val, unsigned size)
{
    IOAPICState *s = opaque;
    switch (off) {
    case IOAPIC_IOREGSEL:
        s->regsel = val & 0xff;
        break;
    case IOAPIC_IOWIN:
        ioapic_reg_write(s, s->regsel, val);
        break;
    default:
        break;
    }
}

static const MemOps ioapic_ops = {
    .read = ioapic_read, .write = ioapic_write,
    .min_size = 4, .max_size = 4, /* the datasheet: registers are accessed as dwords */
};

/* Every entry masked; the pins keep their levels (devices drive them). */
static void ioapic_reset(void *opaque)
{
    IOAPICState *s = opaque;
    s->regsel = 0;
    s->id = s->arb = (uint32_t)(s->reset_id & 0xf) << 24;
    for (int pin = 0; pin < IOAPIC_PINS; pin++) {
        s->redir[pin] = IOAPIC_MASK;
    }
}

static void ioapic_free(void *opaque)
{
    IOAPICState *s = opaque;
    irq_lines_free(s->inputs);
    g_free(s);
}

IOAPICState *ioapic_create(Machine *m, uint64_t base, uint8_t id, ApicState *apic)
{
    IOAPICState *s = g_new0(IOAPICState, 1);
    s->apic = apic;
    s->reset_id = id;
    s->inputs = irq_lines_new(ioapic_set_irq, s, 0, IOAPIC_PINS);
    as_add_io(m->mem, "ioapic", base, 0x20, &ioapic_ops, s, NULL);
    ioapic_reset(s);
    machine_add_reset(m, ioapic_reset, s);
    machine_own(m, s, ioapic_free);
    return s;
}

IrqLine *ioapic_inputs(IOAPICState *s)
{
    return s->inputs;
}
