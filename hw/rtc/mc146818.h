/* MC146818 RTC and CMOS RAM at 0x70/0x71; see mc146818.c. */
#ifndef HW_RTC_MC146818_H
#define HW_RTC_MC146818_H

#include "hw/core/machine.h"

typedef struct RTCState RTCState;

/* irq is IRQ8. The clock starts from the host's time (UTC). */
RTCState *mc146818_create(Machine *m, uint16_t iobase, IrqLine *irq);
/* CMOS bytes set by the machine (memory size, equipment); kept over resets. */
void mc146818_set_cmos(RTCState *s, int addr, uint8_t val);
uint8_t mc146818_get_cmos(RTCState *s, int addr);

#endif
