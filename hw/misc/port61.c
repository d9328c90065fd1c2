/*
 * System control port B at 0x61, the "NMI status and control register" of
 * the PIIX/ICH ISA bridges (PIIX3 datasheet, NMISC; ICH datasheets, NMI_SC):
 *
 *   bit 7 SERR# NMI source status  ro, 0 (no PCI SERR# is ever signalled)
 *   bit 6 IOCHK# NMI source status ro, 0 (no ISA IOCHK# either)
 *   bit 5 timer counter 2 OUT      ro
 *   bit 4 refresh cycle toggle     ro, flips every refresh period
 *   bit 3 IOCHK# NMI enable        rw (active low)
 *   bit 2 PCI SERR# enable         rw (active low)
 *   bit 1 speaker data enable      rw
 *   bit 0 timer counter 2 enable   rw, the gate of PIT channel 2
 *
 * Firmware and Linux time short delays with bit 4 and calibrate the TSC
 * with bits 0 and 5, so both follow the virtual clock.
 */
#include "hw/misc/port61.h"

#include "hw/core/timer.h"

#define PORT61_TIM_CNT2_EN 0x01
#define PORT61_SPKR_DAT_EN 0x02
#define PORT61_PCI_SERR_EN 0x04
#define PORT61_IOCHK_NMI_EN 0x08
#define PORT61_REF_TOGGLE 0x10
#define PORT61_TMR2_OUT_STS 0x20
#define PORT61_RW_MASK 0x0f

#define PORT61_REFRESH_NS 15085 /* the ISA DRAM refresh period, 15.085 us */

typedef struct Port61State {
    PITState *pit;
    uint8_t reg; /* the rw bits 3-0 */
} Port61State;

static uint64_t port61_read(void *opaque, uint64_t offset, unsigned size)
{
    Port61State *s = opaque;
    uint8_t v = s->reg;
    if ((clock_ns() / PORT61_REFRESH_NS) & 1) {
        v |= PORT61_REF_TOGGLE;
    }
    if (i8254_get_out(s->pit, 2)) {
        v |= PORT61_TMR2_OUT_STS;
    }
    return v;
}

static void port61_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
    Port61State *s = opaque;
    s->reg = value & PORT61_RW_MASK;
    i8254_set_gate(s->pit, 2, s->reg & PORT61_TIM_CNT2_EN);
}

static const MemOps port61_ops = {
    .read = port61_read, .write = port61_write, .min_size = 1, .max_size = 1,
};

static void port61_reset(void *opaque)
{
    Port61State *s = opaque;
    s->reg = 0;
    i8254_set_gate(s->pit, 2, 0);
}

void port61_create(Machine *m, PITState *pit)
{
    Port61State *s = g_new0(Port61State, 1);
    s->pit = pit;
    port61_reset(s);
    as_add_io(m->io, "port61", 0x61, 1, &port61_ops, s, NULL);
    machine_add_reset(m, port61_reset, s);
    machine_own(m, s, g_free);
}
