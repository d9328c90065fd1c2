/* MC146818 RTC and CMOS RAM at 0x70/0x71; see mc146818.c. */
#ifndef HW_RTC_MC146818_H
#define HW_RTC_MC146818_H

#include <time.h>

#include "hw/core/machine.h"

typedef struct RTCState RTCState;

/* irq is IRQ8. The clock starts from the host's time (UTC). */
RTCState *mc146818_create(Machine *m, uint16_t iobase, IrqLine *irq);
/* CMOS bytes set by the machine (memory size, equipment); kept over resets. */
void mc146818_set_cmos(RTCState *s, int addr, uint8_t val);
uint8_t mc146818_get_cmos(RTCState *s, int addr);
/* Restart the clock from t (seconds since the epoch, UTC), as if the host
 * clock read exactly t now. For tests; the guest's own setting is lost. */
void mc146818_set_time(RTCState *s, time_t t);

#endif
