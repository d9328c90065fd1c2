/* The 8254 PIT at 0x40-0x43; see i8254.c. */
#ifndef HW_TIMER_I8254_H
#define HW_TIMER_I8254_H

#include "hw/core/machine.h"

#define PIT_FREQ 1193182

typedef struct PITState PITState;

/* Channel 0 drives irq0; channel 2's gate and output go to port 0x61. */
PITState *i8254_create(Machine *m, uint16_t iobase, IrqLine *irq0);
void i8254_set_gate(PITState *s, int channel, int level);
int i8254_get_gate(PITState *s, int channel);
int i8254_get_out(PITState *s, int channel);

#endif
