/* System control port B (port 0x61): PIT channel 2 gate, speaker, OUT2, refresh. */
#ifndef HW_MISC_PORT61_H
#define HW_MISC_PORT61_H

#include "hw/core/machine.h"
#include "hw/timer/i8254.h"

void port61_create(Machine *m, PITState *pit);

#endif
