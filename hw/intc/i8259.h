/* The 8259A PIC pair (master at 0x20, slave at 0xA0, ELCR at 0x4D0); see i8259.c. */
#ifndef HW_INTC_I8259_H
#define HW_INTC_I8259_H

#include "hw/core/machine.h"

typedef struct PICState PICState;

/* intr is the master's INT output (the CPU's INTR pin). */
PICState *i8259_create(Machine *m, IrqLine *intr);
/* The 16 input lines, IRQ0-15 (IRQ2 is the cascade and not wired). */
IrqLine *i8259_inputs(PICState *s);
/* The CPU's interrupt acknowledge cycle: returns the vector to run. */
int i8259_intack(void *opaque);

#endif
