/*
 * Intel 82371SB PIIX3, function 0: the PCI-to-ISA bridge, 8086:7000, at
 * 01.0 (a multi-function device: the IDE controller is 01.1). Modelled: the
 * PIRQ route control registers PIRQRC[A:D] (0x60-0x63, 82371FB/SB datasheet
 * §2.2.9) that steer the four PCI interrupt lines onto ISA IRQs; the other
 * configuration registers (ISA clock, XBCS, top of memory, motherboard IRQ
 * and DMA routing, APIC base, SMI control) are storage with their reset
 * values, for firmware that programs them. The ELCR the PIRQ lines need
 * (level-triggered) lives in the 8259 model; the reset control register at
 * 0xCF9 in hw/misc/reset-control.c.
 *
 * PIRQRCx: bit 7 set disables the route; bits 3:0 name the IRQ, of which
 * 3-7, 9-12, 14 and 15 are valid (others are reserved: nothing is driven).
 * Several PIRQs may share an IRQ; the line is the OR of them.
 */
#include "hw/pci/piix3.h"

#include <glib.h>

#define PIIX3_PIRQRC 0x60
#define PIRQRC_DISABLE 0x80
#define PIIX3_VALID_IRQS 0xdef8 /* 3-7, 9-12, 14, 15 */

struct PIIX3State {
    Machine *m;
    PCIDevice *dev;
    uint16_t driven; /* ISA IRQs this bridge drives high now */
};

int piix3_pirq_route(PIIX3State *s, int pirq)
{
    if (pirq < 0 || pirq > 3) {
        return -1;
    }
    uint8_t v = s->dev->config[PIIX3_PIRQRC + pirq];
    int irq = v & 0xf;
    if ((v & PIRQRC_DISABLE) || !(PIIX3_VALID_IRQS & (1u << irq))) {
        return -1;
    }
    return irq;
}

/* Drive each ISA IRQ with the OR of the asserted PIRQs routed to it. */
static void piix3_update(PIIX3State *s)
{
    uint16_t want = 0;
    for (int p = 0; p < 4; p++) {
        int irq = piix3_pirq_route(s, p);
        if (irq >= 0 && pci_bus_pirq_level(s->dev->bus, p)) {
            want |= 1u << irq;
        }
    }
    uint16_t changed = want ^ s->driven;
    s->driven = want;
    for (int irq = 0; irq < 16; irq++) {
        if (changed & (1u << irq)) {
            irq_set(&s->m->isa_irq[irq], (want >> irq) & 1);
        }
    }
}

static void piix3_set_pirq(void *opaque, int pirq, int level)
{
    (void)pirq;
    (void)level;
    piix3_update(opaque);
}

static void piix3_config_write(void *opaque, PCIDevice *d, unsigned addr, uint32_t value, unsigned size)
{
    if (addr < PIIX3_PIRQRC + 4 && addr + size > PIIX3_PIRQRC) {
        piix3_update(opaque);
    }
}

/* Reset values of the registers firmware programs (datasheet §2.2). */
static const struct {
    uint8_t addr, value, wmask;
} piix3_regs[] = {
    { 0x4c, 0x4d, 0xff },                     /* IORT: ISA I/O recovery timer */
    { 0x4e, 0x03, 0xff }, { 0x4f, 0x00, 0x03 }, /* XBCS: X-bus chip selects */
    { 0x60, 0x80, 0x8f }, { 0x61, 0x80, 0x8f }, { 0x62, 0x80, 0x8f }, { 0x63, 0x80, 0x8f },
    { 0x69, 0x02, 0xfe },                     /* TOM: top of memory */
    { 0x6a, 0x00, 0xff }, { 0x6b, 0x00, 0xff }, /* MSTAT: miscellaneous status */
    { 0x70, 0x80, 0xcf }, { 0x71, 0x80, 0xcf }, /* MBIRQ0/1: motherboard IRQ routing */
    { 0x76, 0x0c, 0x8f }, { 0x77, 0x0c, 0x8f }, /* MBDMA0/1 */
    { 0x78, 0x02, 0xff }, { 0x79, 0x00, 0xff }, /* PCSC: programmable chip select */
    { 0x80, 0x00, 0x7f },                     /* APICBASE */
    { 0xa0, 0x08, 0x1f },                     /* SMICNTL */
    { 0xa2, 0x00, 0xff }, { 0xa3, 0x00, 0xff }, /* SMIEN */
    { 0xa4, 0x00, 0xff }, { 0xa5, 0x00, 0xff }, { 0xa6, 0x00, 0xff }, { 0xa7, 0x00, 0xff }, /* SEE */
    { 0xa8, 0x0f, 0xff },                     /* FTMR: fast off timer */
    { 0xaa, 0x00, 0xff }, { 0xab, 0x00, 0xff }, /* SMIREQ */
    { 0xac, 0x00, 0xff }, { 0xae, 0x00, 0xff }, /* CTLTMR, CTHTMR */
};

static void piix3_reset(void *opaque, PCIDevice *d)
{
    PIIX3State *s = opaque;
    /* an ISA bridge is always a bus master and decodes I/O and memory */
    pci_set16(d, PCI_COMMAND, PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
    for (size_t i = 0; i < G_N_ELEMENTS(piix3_regs); i++) {
        d->config[piix3_regs[i].addr] = piix3_regs[i].value;
    }
    piix3_update(s);
}

static const PCIDeviceOps piix3_ops = {
    .config_write = piix3_config_write,
    .reset = piix3_reset,
};

PCIDevice *piix3_device(PIIX3State *s)
{
    return s->dev;
}

PIIX3State *piix3_create(Machine *m, PCIBus *bus, char **err)
{
    static const PCIDeviceInfo info = {
        .vendor_id = 0x8086, .device_id = 0x7000, .revision = 0x00,
        .class_code = 0x060100, /* ISA bridge */
        .header_type = PCI_HEADER_TYPE_NORMAL | PCI_HEADER_MULTI_FUNCTION,
    };
    PIIX3State *s = g_new0(PIIX3State, 1);
    s->m = m;
    s->dev = pci_register(bus, PCI_DEVFN(1, 0), "piix3", &info, &piix3_ops, s, err);
    if (!s->dev) {
        g_free(s);
        return NULL;
    }
    pci_set16(s->dev, PCI_STATUS, 0x0200); /* medium DEVSEL timing */
    for (size_t i = 0; i < G_N_ELEMENTS(piix3_regs); i++) {
        s->dev->wmask[piix3_regs[i].addr] = piix3_regs[i].wmask;
    }
    pci_bus_set_pirq_router(bus, piix3_set_pirq, s);
    machine_own(m, s, g_free);
    piix3_reset(s, s->dev);
    return s;
}
