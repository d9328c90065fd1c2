/*
 * PCI bus 0 of the pc machine: configuration mechanism #1 (ports 0xCF8 and
 * 0xCFC-0xCFF, PCI Local Bus Specification 3.0 §3.2.2.3.2), type 0
 * configuration headers (§6.1), base address registers and their sizing
 * (§6.2.5), the expansion ROM BAR (§6.2.5.2, §6.3) and INTx# routed through
 * the four PIRQ lines of the PIIX3 (hw/pci/piix3.c).
 *
 * Contract for device models:
 *
 * - pci_register() creates a function at devfn on bus 0. The core owns its
 *   256-byte configuration space: IDs, class, header type and interrupt pin
 *   come from PCIDeviceInfo; command, status, latency timer, interrupt line,
 *   the BARs and the ROM BAR are handled by the core. Guest writes are
 *   masked by wmask (bits the guest may set) and w1cmask (status-style
 *   "write 1 to clear" bits); a device opens its own registers with
 *   pci_set_wmask(). Device-specific side effects go in ops->config_write,
 *   which runs after the core stored the masked value (read the new value
 *   from d->config); ops->config_read may replace the value the guest reads
 *   (registers that are not plain storage).
 *
 * - pci_register_bar() declares BAR n (0-5). The size is a power of two
 *   (I/O: 4..256 bytes, memory: >= 16 bytes; a RAM-backed BAR: a multiple of
 *   4 KiB). The core answers the sizing protocol (all-ones reads back the
 *   size mask with the type bits) and maps the BAR into m->io or m->mem
 *   while the command register's I/O or Memory Space enable is set and the
 *   BAR holds a non-zero address that fits (32-bit BARs below 4 GiB, I/O
 *   below 64 KiB). The callbacks get offsets from the BAR's base. A BAR the
 *   guest puts on top of something else is left unmapped (it decodes
 *   nothing) until a later configuration change lets it fit; the guest is
 *   never able to crash mimic by placing BARs. A 64-bit memory BAR takes
 *   two slots (n and n+1).
 *
 * - pci_set_option_rom() loads a file as the expansion ROM: the ROM BAR at
 *   0x30 is sized to the next power of two (>= 4 KiB) and, when its enable
 *   bit and Memory Space are set, maps the image read-only.
 *
 * - pci_set_irq() drives the function's INTx# pin (interrupt pin register,
 *   0x3D). The core sets the status register's Interrupt Status bit and
 *   honours the command register's Interrupt Disable bit; pin INTx of the
 *   device in slot S drives PIRQ (S + x - 2) mod 4 (x = 1 for INTA#), the
 *   swizzle firmware assumes for the PIIX (SeaBIOS programs interrupt line
 *   registers with it). The bus ORs all functions sharing a PIRQ and hands
 *   the level to the router set with pci_bus_set_pirq_router().
 *
 * Everything runs with the global lock held, like any device code.
 */
#ifndef HW_PCI_PCI_H
#define HW_PCI_PCI_H

#include <stdbool.h>
#include <stdint.h>

#include "hw/core/machine.h"
#include "hw/core/memory.h"

/* Configuration header registers (PCI 3.0 §6.1, type 0). */
#define PCI_VENDOR_ID 0x00
#define PCI_DEVICE_ID 0x02
#define PCI_COMMAND 0x04
#define PCI_STATUS 0x06
#define PCI_REVISION_ID 0x08
#define PCI_CLASS_PROG 0x09
#define PCI_CLASS_DEVICE 0x0a   /* sub-class, base class */
#define PCI_CACHE_LINE_SIZE 0x0c
#define PCI_LATENCY_TIMER 0x0d
#define PCI_HEADER_TYPE 0x0e
#define PCI_BASE_ADDRESS_0 0x10 /* BAR n at 0x10 + 4n */
#define PCI_SUBSYSTEM_VENDOR_ID 0x2c
#define PCI_SUBSYSTEM_ID 0x2e
#define PCI_ROM_ADDRESS 0x30
#define PCI_CAPABILITY_LIST 0x34
#define PCI_INTERRUPT_LINE 0x3c
#define PCI_INTERRUPT_PIN 0x3d

#define PCI_COMMAND_IO 0x0001
#define PCI_COMMAND_MEMORY 0x0002
#define PCI_COMMAND_MASTER 0x0004
#define PCI_COMMAND_INTX_DISABLE 0x0400

#define PCI_STATUS_INTERRUPT 0x0008
#define PCI_STATUS_CAP_LIST 0x0010

#define PCI_HEADER_TYPE_NORMAL 0x00
#define PCI_HEADER_TYPE_BRIDGE 0x01
#define PCI_HEADER_MULTI_FUNCTION 0x80

#define PCI_ROM_ADDRESS_ENABLE 0x1

/* BAR kinds for pci_register_bar(); the low bits are the BAR's type bits. */
#define PCI_BAR_MEM32 0x0
#define PCI_BAR_IO 0x1
#define PCI_BAR_MEM64 0x4
#define PCI_BAR_PREFETCH 0x8

#define PCI_NUM_BARS 6
#define PCI_CONFIG_SIZE 256

#define PCI_DEVFN(slot, func) ((((slot) & 0x1f) << 3) | ((func) & 7))
#define PCI_SLOT(devfn) (((devfn) >> 3) & 0x1f)
#define PCI_FUNC(devfn) ((devfn) & 7)

/* Address a BAR reads when it decodes nothing. */
#define PCI_BAR_UNMAPPED (~0ull)

typedef struct PCIBus PCIBus;
typedef struct PCIDevice PCIDevice;

typedef struct PCIDeviceInfo {
    uint16_t vendor_id;
    uint16_t device_id;
    uint8_t revision;
    uint32_t class_code;      /* base class << 16 | sub-class << 8 | prog-if */
    uint8_t header_type;      /* PCI_HEADER_TYPE_*, | PCI_HEADER_MULTI_FUNCTION */
    uint16_t subsystem_vendor_id;
    uint16_t subsystem_id;
    uint8_t interrupt_pin;    /* 0: none, 1-4: INTA#-INTD# */
} PCIDeviceInfo;

typedef struct PCIDeviceOps {
    /* What the guest reads at [addr, addr+size) (size 1, 2 or 4, aligned);
     * value is what the core would return. NULL: the core's value. */
    uint32_t (*config_read)(void *opaque, PCIDevice *d, unsigned addr, unsigned size, uint32_t value);
    /* After the core stored a guest write (masked) into d->config. */
    void (*config_write)(void *opaque, PCIDevice *d, unsigned addr, uint32_t value, unsigned size);
    /* Machine reset, after the core reset the standard header. */
    void (*reset)(void *opaque, PCIDevice *d);
} PCIDeviceOps;

typedef struct PCIBar {
    uint64_t size;            /* 0: not implemented */
    unsigned flags;           /* PCI_BAR_* */
    const MemOps *ops;        /* callback BAR, or */
    uint8_t *ram;             /* host memory behind a RAM-backed BAR */
    void *opaque;
    uint64_t mapped_addr;     /* where it is mapped now, or PCI_BAR_UNMAPPED */
    MemRegion *region;
} PCIBar;

struct PCIDevice {
    PCIBus *bus;
    int devfn;
    const char *name;
    uint8_t config[PCI_CONFIG_SIZE];
    uint8_t wmask[PCI_CONFIG_SIZE];   /* guest-writable bits */
    uint8_t w1cmask[PCI_CONFIG_SIZE]; /* write-1-to-clear bits */
    const PCIDeviceOps *ops;
    void *opaque;
    PCIBar bars[PCI_NUM_BARS];
    PCIBar rom;                       /* expansion ROM (flags unused) */
    uint8_t *rom_data;
    char *rom_name;
    bool irq_level;                   /* INTx# as the device drives it */
    int irq_pirq;                     /* which PIRQ the pin reaches, -1 none */
    bool irq_asserted;                /* counted in the bus's PIRQ level */
};

/* Create bus 0 and its configuration ports on m->io (0xCF8 dword, 0xCFC-0xCFF).
 * Byte and word accesses to 0xCF8-0xCFB keep reaching whatever owned those
 * ports before (the reset control register at 0xCF9). */
PCIBus *pci_bus_create(Machine *m, char **err);
Machine *pci_bus_machine(PCIBus *bus);

/* The board's PIRQ router: set_pirq(opaque, n, level) for PIRQA#-PIRQD# (n 0-3). */
void pci_bus_set_pirq_router(PCIBus *bus, void (*set_pirq)(void *opaque, int pirq, int level), void *opaque);
/* Current level of PIRQ n (0-3): some function drives it. */
bool pci_bus_pirq_level(PCIBus *bus, int pirq);
/* The PIRQ (0-3) that pin (1-4) of the device in slot reaches. */
int pci_pirq_of(int slot, int pin);

/* Add a function; NULL with *err if devfn is taken or out of range. The
 * name must outlive the device (a string literal). */
PCIDevice *pci_register(PCIBus *bus, int devfn, const char *name, const PCIDeviceInfo *info,
                        const PCIDeviceOps *ops, void *opaque, char **err);
/* The function at devfn, or NULL. */
PCIDevice *pci_find(PCIBus *bus, int devfn);

/* BAR n backed by callbacks (offsets from the BAR base). 0, or -1 with *err. */
int pci_register_bar(PCIDevice *d, int n, uint64_t size, unsigned flags, const MemOps *ops, void *opaque,
                     char **err);
/* BAR n backed by host memory (a framebuffer): mapped as RAM, written by the
 * guest directly. size is a power of two, a multiple of 4 KiB; host is
 * page-aligned (mmap it), as KVM memory slots must be. */
int pci_register_bar_ram(PCIDevice *d, int n, uint64_t size, unsigned flags, uint8_t *host, char **err);
/* Guest-physical (or port) address BAR n decodes now, or PCI_BAR_UNMAPPED. */
uint64_t pci_bar_addr(PCIDevice *d, int n);

/* Load an option ROM image from a file into the expansion ROM BAR. */
int pci_set_option_rom(PCIDevice *d, const char *path, char **err);

/* Drive INTx# (level: 0 or 1). */
void pci_set_irq(PCIDevice *d, int level);

/* Make bits of config[addr..addr+len) guest-writable (mask byte per byte). */
void pci_set_wmask(PCIDevice *d, unsigned addr, const uint8_t *mask, unsigned len);

/* Little-endian accessors of a configuration space. */
static inline uint8_t pci_get8(const PCIDevice *d, unsigned addr)
{
    return d->config[addr & 0xff];
}
static inline uint16_t pci_get16(const PCIDevice *d, unsigned addr)
{
    return ld16(&d->config[addr & 0xfe]);
}
static inline uint32_t pci_get32(const PCIDevice *d, unsigned addr)
{
    return ld32(&d->config[addr & 0xfc]);
}
static inline void pci_set8(PCIDevice *d, unsigned addr, uint8_t v)
{
    d->config[addr & 0xff] = v;
}
static inline void pci_set16(PCIDevice *d, unsigned addr, uint16_t v)
{
    st16(&d->config[addr & 0xfe], v);
}
static inline void pci_set32(PCIDevice *d, unsigned addr, uint32_t v)
{
    st32(&d->config[addr & 0xfc], v);
}

/* Configuration access as the host bridge performs it (devfn, register, size
 * 1/2/4 aligned): what 0xCFC sees; also for tests and firmware-less setup. */
uint32_t pci_config_read(PCIBus *bus, int devfn, unsigned addr, unsigned size);
void pci_config_write(PCIBus *bus, int devfn, unsigned addr, uint32_t value, unsigned size);

#endif
