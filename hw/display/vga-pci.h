/*
 * The stdvga PCI function (vendor 1234, device 1111): the VGA core of vga.h
 * with its framebuffer on BAR0, registers on BAR2 and the VGA BIOS as its
 * expansion ROM. See vga-pci.c.
 */
#ifndef HW_DISPLAY_VGA_PCI_H
#define HW_DISPLAY_VGA_PCI_H

#include "hw/core/device.h"
#include "hw/display/vga.h"

#define VGA_PCI_DEFAULT_SLOT 2
#define VGA_PCI_DEFAULT_VRAM_MB 16
#define VGA_PCI_DEFAULT_ROM "/usr/share/seabios/vgabios-stdvga.bin"

/* Create it at devfn on m->pci_bus with vram_size bytes of video memory;
 * romfile NULL or "" leaves the ROM BAR out. NULL with *err. */
VGAState *vga_pci_create(Machine *m, int devfn, uint64_t vram_size, const char *romfile, char **err);

/* The -device VGA row: addr=SLOT[.FN], vgamem_mb=N, romfile=PATH. */
int vga_pci_device_create(Machine *m, DeviceProps *props, char **err);

#endif
