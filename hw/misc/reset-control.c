/*
 * Platform reset sources outside the keyboard controller:
 *
 * - Port 0xCF9, the Reset Control Register of the PIIX3/PIIX4 PCI-to-ISA
 *   bridge (Intel 82371SB/82371AB datasheets, "RC: Reset Control Register").
 *   Bit 1 (SYS_RST) chooses a hard reset of the whole board over a soft
 *   reset (INIT) of the CPU; bit 2 (RST_CPU) going from 0 to 1 starts it.
 *   mimic has one kind of reset, so both choices end in a platform reset.
 *   This is also the FADT's RESET_REG (value 0x06), the path Linux takes
 *   first on reboot. The register is a byte at 0xCF9, inside the dword of the
 *   PCI configuration address register at 0xCF8: only the byte is claimed
 *   here, so a PCI host bridge can take 0xCF8 (dword accesses) later and pass
 *   byte accesses at 0xCF9 on to this one.
 *
 * - Port 0x92, System Control Port A of the PS/2 (IBM PS/2 Hardware
 *   Interface Technical Reference): bit 0 (fast reset) going from 0 to 1
 *   resets the system, bit 1 gates A20. mimic's memory map keeps A20
 *   always enabled, so bit 1 is stored and read back only.
 */
#include "hw/misc/reset-control.h"

#include "system/runstate.h"

#define RCR_PORT 0xcf9
#define RCR_SYS_RST 0x02
#define RCR_RST_CPU 0x04
#define RCR_MASK (RCR_SYS_RST | RCR_RST_CPU)

#define PORT_A 0x92
#define PORT_A_FAST_RESET 0x01
#define PORT_A_A20 0x02

typedef struct ResetControlState {
    uint8_t rcr;
    uint8_t port_a;
} ResetControlState;

static uint64_t rcr_read(void *opaque, uint64_t offset, unsigned size)
{
    ResetControlState *s = opaque;
    return s->rcr;
}

static void rcr_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
    ResetControlState *s = opaque;
    uint8_t old = s->rcr;
    s->rcr = value & RCR_MASK;
    if (!(old & RCR_RST_CPU) && (s->rcr & RCR_RST_CPU)) {
        runstate_request_reset();
    }
}

static uint64_t port_a_read(void *opaque, uint64_t offset, unsigned size)
{
    ResetControlState *s = opaque;
    return s->port_a;
}

static void port_a_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
    ResetControlState *s = opaque;
    uint8_t old = s->port_a;
    s->port_a = value;
    if (!(old & PORT_A_FAST_RESET) && (value & PORT_A_FAST_RESET)) {
        runstate_request_reset();
    }
}

static const MemOps rcr_ops = {
    .read = rcr_read, .write = rcr_write, .min_size = 1, .max_size = 1,
};

static const MemOps port_a_ops = {
    .read = port_a_read, .write = port_a_write, .min_size = 1, .max_size = 1,
};

static void reset_control_reset(void *opaque)
{
    ResetControlState *s = opaque;
    s->rcr = 0;
    /* A20 reads as enabled because it is */
    s->port_a = PORT_A_A20;
}

void reset_control_create(Machine *m)
{
    ResetControlState *s = g_new0(ResetControlState, 1);
    char *err = NULL;
    if (!as_add_io(m->io, "reset-control", RCR_PORT, 1, &rcr_ops, s, &err) ||
        !as_add_io(m->io, "port-a", PORT_A, 1, &port_a_ops, s, &err)) {
        /* the machine places these ports; a clash is a board layout bug */
        g_error("reset-control: %s", err);
    }
    reset_control_reset(s);
    machine_add_reset(m, reset_control_reset, s);
    machine_own(m, s, g_free);
}
