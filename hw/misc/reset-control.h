/* Platform reset sources: the PIIX reset control register (port 0xCF9) and
 * the PS/2 system control port A (port 0x92, fast A20 and fast reset). */
#ifndef HW_MISC_RESET_CONTROL_H
#define HW_MISC_RESET_CONTROL_H

#include "hw/core/machine.h"

void reset_control_create(Machine *m);

#endif
