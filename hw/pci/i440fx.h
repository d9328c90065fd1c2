/* The i440FX host bridge (82441FX PMC) at 00.0: PAM shadowing of
 * 0xC0000-0xFFFFF and the SMRAM register. */
#ifndef HW_PCI_I440FX_H
#define HW_PCI_I440FX_H

#include <stddef.h>
#include <stdint.h>

#include "hw/pci/pci.h"

typedef struct I440FXState I440FXState;

/*
 * Create the bridge on bus 0 and take over 0xC0000-0xFFFFF of m->mem (RAM
 * behind it is m->ram + address). bios/bios_size is the firmware image
 * mapped below 4 GiB, or NULL: the legacy window 0xE0000-0xFFFFF shows its
 * last 128 KiB while PAM sends reads there to the bus. With ram_at_reset
 * (direct kernel boot, no firmware) every PAM segment comes out of reset as
 * read/write RAM, the state a BIOS leaves behind.
 */
I440FXState *i440fx_create(Machine *m, PCIBus *bus, const uint8_t *bios, size_t bios_size, bool ram_at_reset,
                           char **err);
PCIDevice *i440fx_device(I440FXState *s);

/* PAM registers 0x59-0x5F; the access mode (bit 0 RE, bit 1 WE) of the
 * segment holding addr, for tests. */
int i440fx_pam_mode(I440FXState *s, uint32_t addr);

#endif
