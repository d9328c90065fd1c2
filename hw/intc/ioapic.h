/* The 82093AA I/O APIC (MMIO at 0xFEC00000: IOREGSEL, IOWIN); see ioapic.c. */
#ifndef HW_INTC_IOAPIC_H
#define HW_INTC_IOAPIC_H

#include "hw/core/machine.h"
#include "hw/intc/apic.h"

#define IOAPIC_DEFAULT_BASE 0xfec00000u
#define IOAPIC_PINS 24

typedef struct IOAPICState IOAPICState;

/* Registers at base in m->mem; id is the I/O APIC ID the MADT announces.
 * Interrupt messages go to apic. */
IOAPICState *ioapic_create(Machine *m, uint64_t base, uint8_t id, ApicState *apic);
/* The 24 input pins INTIN0-23; a line's level is the pin's electrical level. */
IrqLine *ioapic_inputs(IOAPICState *s);
/* The local APIC's EOI broadcast for a level-triggered vector. */
void ioapic_eoi(IOAPICState *s, int vector);

#endif
