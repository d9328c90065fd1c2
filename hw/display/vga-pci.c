/*
 * The "VGA" PCI function: the standard VGA of vga.c as QEMU's and Bochs'
 * stdvga present it on PCI, which is what SeaBIOS's vgabios-stdvga.bin and
 * Linux's bochs-drm look for:
 *   vendor 0x1234, device 0x1111, class 0x030000 (VGA-compatible), rev 2
 *   BAR0  video memory, prefetchable, the VBE linear framebuffer (host RAM
 *         mapped straight into the guest, so neither accelerator exits on it)
 *   BAR2  4 KiB of registers: 0x400-0x41F are ports 0x3C0-0x3DF, 0x500-0x515
 *         the VBE dispi registers (16 bits each, index * 2), 0x600 the QEMU
 *         extension block (its size, and the framebuffer byte order)
 *   ROM   the VGA BIOS (default /usr/share/seabios/vgabios-stdvga.bin),
 *         copied to 0xC0000 and run by the system BIOS
 * The legacy ports and window stay where ISA put them, decoded always.
 */
#include <stdlib.h>
#include <string.h>

#include "hw/core/device.h"
#include "hw/display/vga.h"
#include "hw/display/vga-pci.h"
#include "hw/pci/pci.h"

#define VGA_PCI_MMIO_SIZE 0x1000
#define VGA_MMIO_PORTS 0x400
#define VGA_MMIO_VBE 0x500
#define VGA_MMIO_QEXT 0x600
#define VGA_QEXT_SIZE 8
#define VGA_QEXT_LITTLE_ENDIAN 0x1e1e1e1e

typedef struct VGAPCIState {
    VGAState *vga;
    PCIDevice *dev;
} VGAPCIState;

static uint64_t vga_mmio_read(void *opaque, uint64_t offset, unsigned size)
{
    VGAPCIState *p = opaque;
    if (offset >= VGA_MMIO_PORTS && offset < VGA_MMIO_PORTS + 0x20) {
        uint64_t v = 0;
        for (unsigned i = 0; i < size && offset + i < VGA_MMIO_PORTS + 0x20; i++) {
            v |= (uint64_t)vga_port_access(p->vga, 0x3c0 + offset - VGA_MMIO_PORTS + i, false, 0) << (8 * i);
        }
        return v;
    }
    if (offset >= VGA_MMIO_VBE && offset < VGA_MMIO_VBE + 2 * VBE_DISPI_INDEX_NB && size == 2) {
        return vga_vbe_reg_read(p->vga, (offset - VGA_MMIO_VBE) / 2);
    }
    if (offset == VGA_MMIO_QEXT && size == 4) {
        return VGA_QEXT_SIZE;
    }
    if (offset == VGA_MMIO_QEXT + 4 && size == 4) {
        return VGA_QEXT_LITTLE_ENDIAN;
    }
    return 0;
}

static void vga_mmio_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
    VGAPCIState *p = opaque;
    if (offset >= VGA_MMIO_PORTS && offset < VGA_MMIO_PORTS + 0x20) {
        for (unsigned i = 0; i < size && offset + i < VGA_MMIO_PORTS + 0x20; i++) {
            vga_port_access(p->vga, 0x3c0 + offset - VGA_MMIO_PORTS + i, true, value >> (8 * i));
        }
    } else if (offset >= VGA_MMIO_VBE && offset < VGA_MMIO_VBE + 2 * VBE_DISPI_INDEX_NB && size == 2) {
        vga_vbe_reg_write(p->vga, (offset - VGA_MMIO_VBE) / 2, value);
    }
    /* the byte order register keeps little-endian: an x86 host has no other */
}

static const MemOps vga_mmio_ops = {
    .read = vga_mmio_read, .write = vga_mmio_write, .min_size = 1, .max_size = 4,
};

VGAState *vga_pci_create(Machine *m, int devfn, uint64_t vram_size, const char *romfile, char **err)
{
    if (!m->pci_bus) {
        *err = g_strdup("VGA: this machine has no PCI bus");
        return NULL;
    }
    VGAState *vga = vga_create(m, vram_size, err);
    if (!vga) {
        return NULL;
    }
    VGAPCIState *p = g_new0(VGAPCIState, 1);
    p->vga = vga;
    machine_own(m, p, g_free);
    static const PCIDeviceInfo info = {
        .vendor_id = 0x1234, .device_id = 0x1111, .revision = 2, .class_code = 0x030000,
        .header_type = PCI_HEADER_TYPE_NORMAL,
        .subsystem_vendor_id = 0x1af4, .subsystem_id = 0x1100,
    };
    p->dev = pci_register(m->pci_bus, devfn, "VGA", &info, NULL, p, err);
    if (!p->dev ||
        pci_register_bar_ram(p->dev, 0, vram_size, PCI_BAR_MEM32 | PCI_BAR_PREFETCH, vga->vram, err) < 0 ||
        pci_register_bar(p->dev, 2, VGA_PCI_MMIO_SIZE, PCI_BAR_MEM32, &vga_mmio_ops, p, err) < 0) {
        return NULL;
    }
    if (romfile && *romfile && pci_set_option_rom(p->dev, romfile, err) < 0) {
        return NULL;
    }
    return vga;
}

/* -device VGA[,addr=SLOT[.FN]][,vgamem_mb=N][,romfile=PATH] */
int vga_pci_device_create(Machine *m, DeviceProps *props, char **err)
{
    uint64_t mb;
    if (!props_get_u64(props, "vgamem_mb", VGA_PCI_DEFAULT_VRAM_MB, &mb, err)) {
        return -1;
    }
    if (mb < 1 || mb > 256 || (mb & (mb - 1))) {
        *err = g_strdup_printf("VGA: vgamem_mb=%" G_GUINT64_FORMAT ": a power of two from 1 to 256", mb);
        return -1;
    }
    int devfn = PCI_DEVFN(VGA_PCI_DEFAULT_SLOT, 0);
    const char *addr = props_get_str(props, "addr", NULL);
    if (addr) {
        char *end;
        unsigned long slot = strtoul(addr, &end, 16), fn = 0;
        if (*end == '.') {
            fn = strtoul(end + 1, &end, 16);
        }
        if (end == addr || *end || slot > 31 || fn > 7) {
            *err = g_strdup_printf("VGA: addr=%s: expected SLOT[.FUNCTION] in hex, e.g. 02.0", addr);
            return -1;
        }
        devfn = PCI_DEVFN(slot, fn);
    }
    const char *rom = props_get_str(props, "romfile", VGA_PCI_DEFAULT_ROM);
    return vga_pci_create(m, devfn, mb << 20, rom, err) ? 0 : -1;
}
