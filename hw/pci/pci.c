/*
 * PCI bus 0: configuration mechanism #1, type 0 headers, BAR sizing and
 * mapping, expansion ROMs and INTx# to PIRQ routing. PCI Local Bus
 * Specification 3.0, §3.2.2.3.2 (CONFIG_ADDRESS/CONFIG_DATA), §6.1-6.3
 * (configuration header, BARs, expansion ROM). See pci.h for the contract.
 */
#include "hw/pci/pci.h"

#include <glib.h>
#include <stdlib.h>
#include <string.h>

#define PCI_CONFIG_ADDR_PORT 0xcf8
#define PCI_CONFIG_DATA_PORT 0xcfc
#define PCI_CONFIG_ENABLE 0x80000000u

/* What owned one of the bytes 0xCF8-0xCFB before the bus took the dword. */
typedef struct PCIPortOwner {
    const MemOps *ops;
    void *opaque;
    uint64_t offset; /* this byte's offset in that region */
} PCIPortOwner;

struct PCIBus {
    Machine *m;
    PCIDevice *devs[256];
    uint32_t config_address;
    PCIPortOwner prev[4];
    void (*set_pirq)(void *opaque, int pirq, int level);
    void *pirq_opaque;
    int pirq_count[4]; /* functions asserting each PIRQ */
};

static void pci_bus_update_mappings(PCIBus *bus);
static void pci_update_irq(PCIDevice *d);

Machine *pci_bus_machine(PCIBus *bus)
{
    return bus->m;
}

int pci_pirq_of(int slot, int pin)
{
    return (slot + pin - 2) & 3;
}

/* ---- configuration space ---- */

uint32_t pci_config_read(PCIBus *bus, int devfn, unsigned addr, unsigned size)
{
    uint32_t ones = size >= 4 ? 0xffffffffu : (1u << (size * 8)) - 1;
    if (devfn < 0 || devfn > 255 || addr >= PCI_CONFIG_SIZE || size > PCI_CONFIG_SIZE - addr) {
        return ones;
    }
    PCIDevice *d = bus->devs[devfn];
    if (!d) {
        return ones; /* master abort: no function claimed the cycle */
    }
    uint32_t v = 0;
    for (unsigned i = 0; i < size; i++) {
        v |= (uint32_t)d->config[addr + i] << (8 * i);
    }
    if (d->ops && d->ops->config_read) {
        v = d->ops->config_read(d->opaque, d, addr, size, v) & ones;
    }
    return v;
}

static bool ranges_touch(unsigned addr, unsigned size, unsigned start, unsigned end)
{
    return addr < end && addr + size > start;
}

void pci_config_write(PCIBus *bus, int devfn, unsigned addr, uint32_t value, unsigned size)
{
    if (devfn < 0 || devfn > 255 || addr >= PCI_CONFIG_SIZE || size > PCI_CONFIG_SIZE - addr) {
        return;
    }
    PCIDevice *d = bus->devs[devfn];
    if (!d) {
        return;
    }
    for (unsigned i = 0; i < size; i++) {
        unsigned a = addr + i;
        uint8_t v = value >> (8 * i);
        d->config[a] = (d->config[a] & ~d->wmask[a]) | (v & d->wmask[a]);
        d->config[a] &= ~(v & d->w1cmask[a]);
    }
    if (ranges_touch(addr, size, PCI_COMMAND, PCI_COMMAND + 2) ||
        ranges_touch(addr, size, PCI_BASE_ADDRESS_0, PCI_BASE_ADDRESS_0 + 4 * PCI_NUM_BARS) ||
        ranges_touch(addr, size, PCI_ROM_ADDRESS, PCI_ROM_ADDRESS + 4)) {
        /* a BAR moving or decoding again may now fit where another one left */
        pci_bus_update_mappings(bus);
    }
    if (ranges_touch(addr, size, PCI_COMMAND, PCI_COMMAND + 2)) {
        pci_update_irq(d);
    }
    if (d->ops && d->ops->config_write) {
        d->ops->config_write(d->opaque, d, addr, value, size);
    }
}

/* ---- the configuration ports ---- */

static uint64_t pci_addr_port_read(void *opaque, uint64_t offset, unsigned size)
{
    PCIBus *bus = opaque;
    if (offset == 0 && size == 4) {
        return bus->config_address;
    }
    /* byte and word cycles are not CONFIG_ADDRESS: whoever owned them */
    uint64_t v = 0;
    for (unsigned i = 0; i < size; i++) {
        PCIPortOwner *o = &bus->prev[offset + i];
        uint64_t b = o->ops ? o->ops->read(o->opaque, o->offset, 1) & 0xff : 0xff;
        v |= b << (8 * i);
    }
    return v;
}

static void pci_addr_port_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
    PCIBus *bus = opaque;
    if (offset == 0 && size == 4) {
        /* bits 30:24 are reserved and bits 1:0 read as 0 for type 0/1 cycles */
        bus->config_address = value & 0x80fffffcu;
        return;
    }
    for (unsigned i = 0; i < size; i++) {
        PCIPortOwner *o = &bus->prev[offset + i];
        if (o->ops) {
            o->ops->write(o->opaque, o->offset, (value >> (8 * i)) & 0xff, 1);
        }
    }
}

static const MemOps pci_addr_port_ops = {
    .read = pci_addr_port_read, .write = pci_addr_port_write,
    .min_size = 1, .max_size = 4,
};

static bool pci_data_target(PCIBus *bus, uint64_t offset, int *devfn, unsigned *addr)
{
    uint32_t ca = bus->config_address;
    if (!(ca & PCI_CONFIG_ENABLE) || ((ca >> 16) & 0xff) != 0) {
        return false; /* disabled, or a bus behind a bridge we do not have */
    }
    *devfn = (ca >> 8) & 0xff;
    *addr = (ca & 0xfc) + (unsigned)offset;
    return true;
}

static uint64_t pci_data_port_read(void *opaque, uint64_t offset, unsigned size)
{
    PCIBus *bus = opaque;
    int devfn;
    unsigned addr;
    if (!pci_data_target(bus, offset, &devfn, &addr)) {
        return size >= 4 ? 0xffffffffu : (1u << (size * 8)) - 1;
    }
    return pci_config_read(bus, devfn, addr, size);
}

static void pci_data_port_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
    PCIBus *bus = opaque;
    int devfn;
    unsigned addr;
    if (pci_data_target(bus, offset, &devfn, &addr)) {
        pci_config_write(bus, devfn, addr, (uint32_t)value, size);
    }
}

static const MemOps pci_data_port_ops = {
    .read = pci_data_port_read, .write = pci_data_port_write,
    .min_size = 1, .max_size = 4,
};

/* ---- BARs ---- */

static unsigned pci_bar_reg(int n)
{
    return PCI_BASE_ADDRESS_0 + 4 * n;
}

/* Where BAR b (register at reg) should decode now, or PCI_BAR_UNMAPPED. */
static uint64_t pci_bar_target(PCIDevice *d, PCIBar *b, unsigned reg, bool rom)
{
    uint16_t cmd = pci_get16(d, PCI_COMMAND);
    uint64_t addr, limit;
    if (rom) {
        uint32_t v = pci_get32(d, reg);
        if (!(cmd & PCI_COMMAND_MEMORY) || !(v & PCI_ROM_ADDRESS_ENABLE)) {
            return PCI_BAR_UNMAPPED;
        }
        addr = v & ~(uint64_t)0x7ff;
        limit = 1ull << 32;
    } else if (b->flags & PCI_BAR_IO) {
        if (!(cmd & PCI_COMMAND_IO)) {
            return PCI_BAR_UNMAPPED;
        }
        addr = pci_get32(d, reg) & ~3u;
        limit = 0x10000;
    } else {
        if (!(cmd & PCI_COMMAND_MEMORY)) {
            return PCI_BAR_UNMAPPED;
        }
        addr = pci_get32(d, reg) & ~0xfu;
        limit = 1ull << 32;
        if (b->flags & PCI_BAR_MEM64) {
            addr |= (uint64_t)pci_get32(d, reg + 4) << 32;
            limit = 1ull << 52; /* the machine's physical address width */
        }
    }
    addr &= ~(b->size - 1);
    /* address 0 is where firmware parks BARs it has not assigned */
    if (addr == 0 || addr >= limit || b->size > limit - addr) {
        return PCI_BAR_UNMAPPED;
    }
    return addr;
}

/* Pass 1 unmaps every BAR that must move or stop decoding; pass 2 maps the
 * ones that should decode and do not, so a BAR leaving an address frees it
 * for another one in the same update. */
static void pci_bar_update(PCIDevice *d, PCIBar *b, unsigned reg, bool rom, bool map)
{
    if (!b->size) {
        return;
    }
    uint64_t target = pci_bar_target(d, b, reg, rom);
    Machine *m = d->bus->m;
    AddressSpace *as = (!rom && (b->flags & PCI_BAR_IO)) ? m->io : m->mem;
    if (!map) {
        if (b->region && target != b->mapped_addr) {
            as_remove(as, b->region);
            b->region = NULL;
            b->mapped_addr = PCI_BAR_UNMAPPED;
        }
        return;
    }
    if (b->region || target == PCI_BAR_UNMAPPED) {
        return;
    }
    /* a BAR on top of another region stays unmapped: it decodes nothing
     * until the guest moves one of them */
    if (b->ram) {
        b->region = as_add_ram(as, d->name, target, b->size, b->ram, rom, NULL);
    } else {
        b->region = as_add_io(as, d->name, target, b->size, b->ops, b->opaque, NULL);
    }
    if (b->region) {
        b->mapped_addr = target;
    }
}

static void pci_device_update_mappings(PCIDevice *d, bool map)
{
    for (int n = 0; n < PCI_NUM_BARS; n++) {
        pci_bar_update(d, &d->bars[n], pci_bar_reg(n), false, map);
    }
    pci_bar_update(d, &d->rom, PCI_ROM_ADDRESS, true, map);
}

static void pci_bus_update_mappings(PCIBus *bus)
{
    for (int pass = 0; pass < 2; pass++) {
        for (int i = 0; i < 256; i++) {
            if (bus->devs[i]) {
                pci_device_update_mappings(bus->devs[i], pass == 1);
            }
        }
    }
}

uint64_t pci_bar_addr(PCIDevice *d, int n)
{
    if (n < 0 || n >= PCI_NUM_BARS) {
        return PCI_BAR_UNMAPPED;
    }
    return d->bars[n].mapped_addr;
}

static void pci_bar_reset(PCIDevice *d, int n)
{
    PCIBar *b = &d->bars[n];
    unsigned reg = pci_bar_reg(n);
    if (!b->size) {
        return;
    }
    pci_set32(d, reg, b->flags & 0xf);
    if (b->flags & PCI_BAR_MEM64) {
        pci_set32(d, reg + 4, 0);
    }
}

static int pci_bar_setup(PCIDevice *d, int n, uint64_t size, unsigned flags, char **err)
{
    bool io = flags & PCI_BAR_IO;
    bool wide = !io && (flags & PCI_BAR_MEM64);
    if (n < 0 || n >= PCI_NUM_BARS || (wide && n == PCI_NUM_BARS - 1)) {
        *err = g_strdup_printf("%s: BAR %d does not exist", d->name, n);
        return -1;
    }
    if (d->bars[n].size || (n > 0 && (d->bars[n - 1].flags & PCI_BAR_MEM64) && d->bars[n - 1].size) ||
        (wide && d->bars[n + 1].size)) {
        *err = g_strdup_printf("%s: BAR %d is taken", d->name, n);
        return -1;
    }
    uint64_t min = io ? 4 : 16, max = io ? 256 : wide ? (1ull << 40) : (1ull << 31);
    if (size < min || size > max || (size & (size - 1))) {
        *err = g_strdup_printf("%s: BAR %d size 0x%" G_GINT64_MODIFIER "x is not a power of two in [0x%"
                               G_GINT64_MODIFIER "x, 0x%" G_GINT64_MODIFIER "x]",
                               d->name, n, size, min, max);
        return -1;
    }
    PCIBar *b = &d->bars[n];
    b->size = size;
    b->flags = io ? PCI_BAR_IO : (flags & (PCI_BAR_MEM64 | PCI_BAR_PREFETCH));
    b->mapped_addr = PCI_BAR_UNMAPPED;
    unsigned reg = pci_bar_reg(n);
    /* the address bits below the size read back as 0: that is the sizing */
    uint32_t low_mask = (uint32_t)~(size - 1) & (io ? ~3u : ~0xfu);
    st32(&d->wmask[reg], low_mask);
    if (wide) {
        st32(&d->wmask[reg + 4], (uint32_t)(~(size - 1) >> 32));
    }
    pci_bar_reset(d, n);
    return 0;
}

int pci_register_bar(PCIDevice *d, int n, uint64_t size, unsigned flags, const MemOps *ops, void *opaque,
                     char **err)
{
    if (pci_bar_setup(d, n, size, flags, err) < 0) {
        return -1;
    }
    d->bars[n].ops = ops;
    d->bars[n].opaque = opaque;
    return 0;
}

int pci_register_bar_ram(PCIDevice *d, int n, uint64_t size, unsigned flags, uint8_t *host, char **err)
{
    if (flags & PCI_BAR_IO) {
        *err = g_strdup_printf("%s: BAR %d: host memory only behind a memory BAR", d->name, n);
        return -1;
    }
    if (size < 0x1000 || ((uintptr_t)host & 0xfff)) {
        *err = g_strdup_printf("%s: BAR %d: a RAM BAR is at least 4 KiB, its host memory page-aligned",
                               d->name, n);
        return -1;
    }
    if (pci_bar_setup(d, n, size, flags, err) < 0) {
        return -1;
    }
    d->bars[n].ram = host;
    return 0;
}

int pci_set_option_rom(PCIDevice *d, const char *path, char **err)
{
    gchar *data;
    gsize len;
    GError *gerr = NULL;
    if (!g_file_get_contents(path, &data, &len, &gerr)) {
        *err = g_strdup_printf("%s: option ROM: %s", d->name, gerr->message);
        g_error_free(gerr);
        return -1;
    }
    if (len == 0 || len > (16u << 20)) {
        *err = g_strdup_printf("%s: option ROM %s: %s", d->name, path, len ? "larger than 16 MiB" : "empty");
        g_free(data);
        return -1;
    }
    /* 4 KiB at least (the spec allows 2 KiB): a ROM BAR is a KVM memory slot */
    uint64_t size = 0x1000;
    while (size < len) {
        size <<= 1;
    }
    if (d->rom.region) {
        as_remove(d->bus->m->mem, d->rom.region);
        d->rom.region = NULL;
    }
    free(d->rom_data);
    /* page-aligned: it becomes a memory slot */
    void *buf = NULL;
    if (posix_memalign(&buf, 0x1000, size)) {
        *err = g_strdup_printf("%s: option ROM %s: out of memory", d->name, path);
        g_free(data);
        return -1;
    }
    d->rom_data = buf;
    memset(d->rom_data, 0, size);
    memcpy(d->rom_data, data, len);
    g_free(data);
    d->rom.size = size;
    d->rom.ram = d->rom_data;
    d->rom.mapped_addr = PCI_BAR_UNMAPPED;
    st32(&d->wmask[PCI_ROM_ADDRESS], ((uint32_t)~(size - 1) & ~0x7ffu) | PCI_ROM_ADDRESS_ENABLE);
    pci_set32(d, PCI_ROM_ADDRESS, 0);
    return 0;
}

/* ---- INTx# ---- */

static void pci_update_irq(PCIDevice *d)
{
    PCIBus *bus = d->bus;
    uint8_t *status = &d->config[PCI_STATUS];
    *status = d->irq_level ? (*status | PCI_STATUS_INTERRUPT) : (*status & ~PCI_STATUS_INTERRUPT);
    bool assert = d->irq_level && d->irq_pirq >= 0 &&
                  !(pci_get16(d, PCI_COMMAND) & PCI_COMMAND_INTX_DISABLE);
    if (assert == d->irq_asserted) {
        return;
    }
    d->irq_asserted = assert;
    int p = d->irq_pirq;
    int before = bus->pirq_count[p] > 0;
    bus->pirq_count[p] += assert ? 1 : -1;
    int after = bus->pirq_count[p] > 0;
    if (before != after && bus->set_pirq) {
        bus->set_pirq(bus->pirq_opaque, p, after);
    }
}

void pci_set_irq(PCIDevice *d, int level)
{
    d->irq_level = level != 0;
    pci_update_irq(d);
}

bool pci_bus_pirq_level(PCIBus *bus, int pirq)
{
    return pirq >= 0 && pirq < 4 && bus->pirq_count[pirq] > 0;
}

void pci_bus_set_pirq_router(PCIBus *bus, void (*set_pirq)(void *opaque, int pirq, int level), void *opaque)
{
    bus->set_pirq = set_pirq;
    bus->pirq_opaque = opaque;
}

/* ---- functions ---- */

void pci_set_wmask(PCIDevice *d, unsigned addr, const uint8_t *mask, unsigned len)
{
    for (unsigned i = 0; i < len && addr + i < PCI_CONFIG_SIZE; i++) {
        d->wmask[addr + i] = mask[i];
    }
}

PCIDevice *pci_find(PCIBus *bus, int devfn)
{
    return devfn >= 0 && devfn < 256 ? bus->devs[devfn] : NULL;
}

/* The header fields the core owns, back to their power-on values. */
static void pci_device_reset(PCIDevice *d)
{
    pci_set16(d, PCI_COMMAND, 0);
    d->config[PCI_STATUS + 1] = 0;
    d->config[PCI_CACHE_LINE_SIZE] = 0;
    d->config[PCI_LATENCY_TIMER] = 0;
    d->config[PCI_INTERRUPT_LINE] = 0;
    for (int n = 0; n < PCI_NUM_BARS; n++) {
        pci_bar_reset(d, n);
    }
    pci_set32(d, PCI_ROM_ADDRESS, 0);
    d->irq_level = false;
    pci_update_irq(d);
    pci_bus_update_mappings(d->bus);
    if (d->ops && d->ops->reset) {
        d->ops->reset(d->opaque, d);
    }
}

static void pci_bus_reset(void *opaque)
{
    PCIBus *bus = opaque;
    bus->config_address = 0;
    for (int i = 0; i < 256; i++) {
        if (bus->devs[i]) {
            pci_device_reset(bus->devs[i]);
        }
    }
}

PCIDevice *pci_register(PCIBus *bus, int devfn, const char *name, const PCIDeviceInfo *info,
                        const PCIDeviceOps *ops, void *opaque, char **err)
{
    if (devfn < 0 || devfn > 255) {
        *err = g_strdup_printf("%s: PCI devfn %d out of range", name, devfn);
        return NULL;
    }
    if (bus->devs[devfn]) {
        *err = g_strdup_printf("%s: PCI slot %02x.%x is taken by %s", name, PCI_SLOT(devfn), PCI_FUNC(devfn),
                               bus->devs[devfn]->name);
        return NULL;
    }
    PCIDevice *d = g_new0(PCIDevice, 1);
    d->bus = bus;
    d->devfn = devfn;
    d->name = name;
    d->ops = ops;
    d->opaque = opaque;
    d->irq_pirq = -1;
    d->rom.mapped_addr = PCI_BAR_UNMAPPED;
    pci_set16(d, PCI_VENDOR_ID, info->vendor_id);
    pci_set16(d, PCI_DEVICE_ID, info->device_id);
    pci_set8(d, PCI_REVISION_ID, info->revision);
    pci_set8(d, PCI_CLASS_PROG, info->class_code & 0xff);
    pci_set16(d, PCI_CLASS_DEVICE, (info->class_code >> 8) & 0xffff);
    pci_set8(d, PCI_HEADER_TYPE, info->header_type);
    pci_set16(d, PCI_SUBSYSTEM_VENDOR_ID, info->subsystem_vendor_id);
    pci_set16(d, PCI_SUBSYSTEM_ID, info->subsystem_id);
    if (info->interrupt_pin >= 1 && info->interrupt_pin <= 4) {
        pci_set8(d, PCI_INTERRUPT_PIN, info->interrupt_pin);
        d->irq_pirq = pci_pirq_of(PCI_SLOT(devfn), info->interrupt_pin);
    }
    /* command: I/O, memory, bus master, parity and SERR# responses, INTx# disable */
    d->wmask[PCI_COMMAND] = 0x47;
    d->wmask[PCI_COMMAND + 1] = 0x05;
    /* status: parity and abort error bits are write-1-to-clear */
    d->w1cmask[PCI_STATUS + 1] = 0xf9;
    d->wmask[PCI_CACHE_LINE_SIZE] = 0xff;
    d->wmask[PCI_LATENCY_TIMER] = 0xff;
    d->wmask[PCI_INTERRUPT_LINE] = 0xff;
    bus->devs[devfn] = d;
    return d;
}

static void pci_device_free(PCIDevice *d)
{
    /* the address spaces own the regions and go away with the machine */
    free(d->rom_data);
    g_free(d);
}

static void pci_bus_free(void *opaque)
{
    PCIBus *bus = opaque;
    for (int i = 0; i < 256; i++) {
        if (bus->devs[i]) {
            pci_device_free(bus->devs[i]);
        }
    }
    g_free(bus);
}

PCIBus *pci_bus_create(Machine *m, char **err)
{
    PCIBus *bus = g_new0(PCIBus, 1);
    bus->m = m;
    /* take over the CONFIG_ADDRESS dword; narrower cycles in it still reach
     * their old owners (the PIIX's reset control register at 0xCF9) */
    for (unsigned i = 0; i < 4; i++) {
        MemRegion *r = as_find(m->io, PCI_CONFIG_ADDR_PORT + i);
        if (!r) {
            continue;
        }
        if (r->ram || r->base < PCI_CONFIG_ADDR_PORT || r->base + r->size > PCI_CONFIG_ADDR_PORT + 4 ||
            (r->ops->min_size > 1)) {
            *err = g_strdup_printf("PCI: port 0x%x is held by %s", PCI_CONFIG_ADDR_PORT + i, r->name);
            g_free(bus);
            return NULL;
        }
        for (unsigned j = 0; j < r->size; j++) {
            bus->prev[r->base - PCI_CONFIG_ADDR_PORT + j] = (PCIPortOwner){ r->ops, r->opaque, j };
        }
        i += (unsigned)(r->base + r->size - (PCI_CONFIG_ADDR_PORT + i)) - 1;
        as_remove(m->io, r);
    }
    if (!as_add_io(m->io, "pci-config-address", PCI_CONFIG_ADDR_PORT, 4, &pci_addr_port_ops, bus, err) ||
        !as_add_io(m->io, "pci-config-data", PCI_CONFIG_DATA_PORT, 4, &pci_data_port_ops, bus, err)) {
        g_free(bus);
        return NULL;
    }
    machine_add_reset(m, pci_bus_reset, bus);
    machine_own(m, bus, pci_bus_free);
    return bus;
}
