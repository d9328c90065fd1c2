/* 16550A UART; see serial.c. */
#ifndef HW_CHAR_SERIAL_H
#define HW_CHAR_SERIAL_H

#include "chardev/chardev.h"
#include "hw/core/machine.h"

typedef struct SerialState SerialState;

/* A UART at iobase (8 ports) raising irq, connected to chr (may be NULL:
 * output is dropped, no input). Registers its ports and reset hook. */
SerialState *serial_create(Machine *m, uint16_t iobase, IrqLine *irq, Chardev *chr);

#endif
