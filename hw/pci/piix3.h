/* The PIIX3 PCI-to-ISA bridge (82371SB function 0) at 01.0: PIRQ routing. */
#ifndef HW_PCI_PIIX3_H
#define HW_PCI_PIIX3_H

#include "hw/pci/pci.h"

typedef struct PIIX3State PIIX3State;

/* Create function 01.0 and become the bus's PIRQ router onto m->isa_irq. */
PIIX3State *piix3_create(Machine *m, PCIBus *bus, char **err);
PCIDevice *piix3_device(PIIX3State *s);

/* The ISA IRQ PIRQ n (0-3) is routed to now, or -1 when routing is off. */
int piix3_pirq_route(PIIX3State *s, int pirq);

#endif
