/* The CPU's local xAPIC (MMIO page at IA32_APIC_BASE, default 0xFEE00000); see apic.c. */
#ifndef HW_INTC_APIC_H
#define HW_INTC_APIC_H

#include "hw/core/machine.h"

#define APIC_DEFAULT_BASE 0xfee00000u
#define APIC_VERSION 0x00050014u /* integrated APIC, 6 LVT entries */
#define APIC_BUS_HZ 1000000000   /* the timer's input clock (one count per ns, as KVM's) */

/* IA32_APIC_BASE MSR (SDM vol. 3A, 10.4.4) */
#define MSR_IA32_APIC_BASE 0x1b
#define APIC_BASE_BSP (1ull << 8)
#define APIC_BASE_EN (1ull << 11)
#define APIC_BASE_ADDR_MASK 0x000ffffffffff000ull

/* Delivery modes of interrupt messages, LVT entries and the ICR (10.5.1, 10.6.1) */
enum {
    APIC_DM_FIXED = 0,
    APIC_DM_LOWEST = 1,
    APIC_DM_SMI = 2,
    APIC_DM_NMI = 4,
    APIC_DM_INIT = 5,
    APIC_DM_STARTUP = 6,
    APIC_DM_EXTINT = 7,
};

typedef struct ApicState ApicState;

typedef struct ApicConfig {
    uint8_t id;    /* APIC ID; ID 0 is the bootstrap processor */
    IrqLine *intr; /* the CPU's INTR pin; the APIC owns (and frees) the line */
    IrqLine *nmi;  /* the CPU's NMI pin, pulsed; NULL while the CPU has none; owned */
    /* The INTA cycle of the 8259 behind LINT0 (ExtINT): returns its vector. */
    int (*extint_ack)(void *opaque);
    void *extint_opaque;
    /* EOI of a level-triggered vector, broadcast to the IOAPIC. */
    void (*eoi_broadcast)(void *opaque, int vector);
    void *eoi_opaque;
} ApicConfig;

/* Map the registers at APIC_DEFAULT_BASE in m->mem; reset with the machine. */
ApicState *apic_create(Machine *m, const ApicConfig *cfg);

/* The LINT0/LINT1 pins, an IrqHandler: irq_line_new(apic_set_lint, apic, pin). */
void apic_set_lint(void *opaque, int pin, int level);

/* The CPU's interrupt acknowledge (X86CPU.intack): the vector to run. */
int apic_intack(void *opaque);

/*
 * An interrupt message for this APIC (from the IOAPIC): accept it into IRR
 * (fixed, lowest priority) or pass it on (NMI). level is the trigger mode.
 * Returns whether the APIC accepted it (a level interrupt's remote IRR).
 */
bool apic_deliver(ApicState *s, int delivery_mode, int vector, bool level);
bool apic_set_irq(ApicState *s, int vector, bool level); /* fixed delivery */

/* Whether a message's destination includes this APIC (physical ID or
 * logical LDR/DFR match, 0xFF broadcast); never while globally disabled. */
bool apic_match_dest(ApicState *s, uint8_t dest, bool logical);

/* IA32_APIC_BASE: returns false (the CPU raises #GP) for reserved bits. The
 * caller checks the address against the CPU's MAXPHYADDR. */
bool apic_set_base(ApicState *s, uint64_t msr);
uint64_t apic_get_base(ApicState *s);

/* CR8 is TPR[7:4] (SDM vol. 3A, 10.8.6.1). */
void apic_set_cr8(ApicState *s, uint64_t cr8);
uint64_t apic_get_cr8(ApicState *s);

#endif
