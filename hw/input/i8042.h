/* 8042 keyboard controller at 0x60/0x64: self-test, command byte, A20, reset pulse. */
#ifndef HW_INPUT_I8042_H
#define HW_INPUT_I8042_H

#include "hw/core/machine.h"

typedef struct I8042State I8042State;

I8042State *i8042_create(Machine *m, IrqLine *kbd_irq, IrqLine *aux_irq);

#endif
