/* Bochs-style debug console: bytes written to an I/O port go to a chardev. */
#ifndef HW_CHAR_DEBUGCON_H
#define HW_CHAR_DEBUGCON_H

#include "chardev/chardev.h"
#include "hw/core/machine.h"

void debugcon_create(Machine *m, uint16_t port, Chardev *chr);

#endif
