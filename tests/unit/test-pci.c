/*
 * PCI bus 0 through the ports a guest uses: configuration mechanism #1
 * (dword CONFIG_ADDRESS at 0xCF8, CONFIG_DATA at 0xCFC-0xCFF, PCI 3.0
 * §3.2.2.3.2), BAR sizing and mapping (§6.2.5), the expansion ROM BAR,
 * INTx# through the PIIX3's PIRQRC registers, and the i440FX's PAM
 * shadowing of 0xC0000-0xFFFFF (82441FX §3.2.18).
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>

#include "hw/misc/reset-control.h"
#include "hw/pci/i440fx.h"
#include "hw/pci/pci.h"
#include "hw/pci/piix3.h"
#include "system/runstate.h"

#define RAM_SIZE (2u << 20)

typedef struct TestMachine {
    Machine m;
    int isa_level[16];
    int isa_edges[16];
    uint8_t rom[0x20000]; /* a 128 KiB "BIOS" */
    I440FXState *i440fx;
    PIIX3State *piix3;
} TestMachine;

static void tm_isa_irq(void *opaque, int n, int level)
{
    TestMachine *t = opaque;
    if (level && !t->isa_level[n]) {
        t->isa_edges[n]++;
    }
    t->isa_level[n] = level;
}

static TestMachine *tm_new(bool with_bios, bool ram_at_reset)
{
    TestMachine *t = g_new0(TestMachine, 1);
    Machine *m = &t->m;
    char *err = NULL;
    m->mem = as_create("memory", 1ull << 52);
    m->io = as_create("io", 0x10000);
    m->ram_size = RAM_SIZE;
    m->ram = g_malloc0(RAM_SIZE);
    m->isa_irq = irq_lines_new(tm_isa_irq, t, 0, 16);
    for (size_t i = 0; i < sizeof(t->rom); i++) {
        t->rom[i] = (uint8_t)(i * 7 + 1);
    }
    reset_control_create(m);
    runstate_take_reset();
    m->pci_bus = pci_bus_create(m, &err);
    g_assert_nonnull(m->pci_bus);
    t->i440fx = i440fx_create(m, m->pci_bus, with_bios ? t->rom : NULL, sizeof(t->rom), ram_at_reset, &err);
    g_assert_nonnull(t->i440fx);
    t->piix3 = piix3_create(m, m->pci_bus, &err);
    g_assert_nonnull(t->piix3);
    return t;
}

static void tm_free(TestMachine *t)
{
    Machine *m = &t->m;
    g_ptr_array_free(m->owned, TRUE);
    g_array_free(m->reset_hooks, TRUE);
    irq_lines_free(m->isa_irq);
    as_destroy(m->io);
    as_destroy(m->mem);
    g_free(m->ram);
    g_free(t);
}

static uint32_t cfg_addr(int devfn, unsigned reg)
{
    return 0x80000000u | (uint32_t)devfn << 8 | (reg & 0xfc);
}

static uint32_t cfg_read(Machine *m, int devfn, unsigned reg, unsigned size)
{
    as_write(m->io, 0xcf8, cfg_addr(devfn, reg), 4);
    return (uint32_t)as_read(m->io, 0xcfc + (reg & 3), size);
}

static void cfg_write(Machine *m, int devfn, unsigned reg, uint32_t v, unsigned size)
{
    as_write(m->io, 0xcf8, cfg_addr(devfn, reg), 4);
    as_write(m->io, 0xcfc + (reg & 3), v, size);
}

static void test_config_mechanism(void)
{
    TestMachine *t = tm_new(false, true);
    Machine *m = &t->m;
    /* CONFIG_ADDRESS: a dword register, bits 1:0 and 30:24 read 0 */
    as_write(m->io, 0xcf8, 0xff00fb07, 4);
    g_assert_cmphex(as_read(m->io, 0xcf8, 4), ==, 0x8000fb04);
    /* the host bridge and the ISA bridge */
    g_assert_cmphex(cfg_read(m, PCI_DEVFN(0, 0), 0, 4), ==, 0x12378086);
    g_assert_cmphex(cfg_read(m, PCI_DEVFN(1, 0), 0, 4), ==, 0x70008086);
    g_assert_cmphex(cfg_read(m, PCI_DEVFN(1, 0), PCI_CLASS_DEVICE, 2), ==, 0x0601);
    g_assert_cmphex(cfg_read(m, PCI_DEVFN(0, 0), PCI_CLASS_DEVICE, 2), ==, 0x0600);
    g_assert_cmphex(cfg_read(m, PCI_DEVFN(1, 0), PCI_HEADER_TYPE, 1), ==, 0x80);
    /* sub-dword reads through 0xCFD-0xCFF */
    g_assert_cmphex(cfg_read(m, PCI_DEVFN(0, 0), 2, 2), ==, 0x1237);
    g_assert_cmphex(cfg_read(m, PCI_DEVFN(0, 0), 1, 1), ==, 0x80);
    g_assert_cmphex(cfg_read(m, PCI_DEVFN(0, 0), 3, 1), ==, 0x12);
    /* nothing at slot 5 or on bus 1: master abort reads all-ones */
    g_assert_cmphex(cfg_read(m, PCI_DEVFN(5, 0), 0, 4), ==, 0xffffffff);
    as_write(m->io, 0xcf8, 0x80010000, 4);
    g_assert_cmphex(as_read(m->io, 0xcfc, 4), ==, 0xffffffff);
    /* enable bit clear: no configuration cycle */
    as_write(m->io, 0xcf8, 0x00000000, 4);
    g_assert_cmphex(as_read(m->io, 0xcfc, 4), ==, 0xffffffff);
    /* read-only IDs ignore writes */
    cfg_write(m, PCI_DEVFN(0, 0), 0, 0xdeadbeef, 4);
    g_assert_cmphex(cfg_read(m, PCI_DEVFN(0, 0), 0, 4), ==, 0x12378086);
    /* interrupt line is storage, latency timer too */
    cfg_write(m, PCI_DEVFN(1, 0), PCI_INTERRUPT_LINE, 0x0b, 1);
    g_assert_cmphex(cfg_read(m, PCI_DEVFN(1, 0), PCI_INTERRUPT_LINE, 1), ==, 0x0b);
    tm_free(t);
}

/* Byte cycles in the CONFIG_ADDRESS dword still reach the reset control register. */
static void test_cf9_shared(void)
{
    TestMachine *t = tm_new(false, true);
    Machine *m = &t->m;
    as_write(m->io, 0xcf8, 0x80000800, 4);
    g_assert_false(runstate_take_reset());
    g_assert_cmphex(as_read(m->io, 0xcf9, 1), ==, 0x00);
    as_write(m->io, 0xcf9, 0x02, 1);
    g_assert_cmphex(as_read(m->io, 0xcf9, 1), ==, 0x02);
    g_assert_cmphex(as_read(m->io, 0xcf8, 4), ==, 0x80000800); /* untouched */
    as_write(m->io, 0xcf9, 0x06, 1);
    g_assert_true(runstate_take_reset());
    tm_free(t);
}

/* A device with every kind of BAR. */
typedef struct TestDev {
    PCIDevice *d;
    uint64_t last_off;
    uint64_t last_val;
    unsigned writes;
    uint8_t *fb; /* page-aligned, as a RAM BAR's memory must be */
} TestDev;

static uint64_t td_read(void *opaque, uint64_t off, unsigned size)
{
    return 0xa0 + off;
}

static void td_write(void *opaque, uint64_t off, uint64_t v, unsigned size)
{
    TestDev *td = opaque;
    td->last_off = off;
    td->last_val = v;
    td->writes++;
}

static const MemOps td_ops = { .read = td_read, .write = td_write, .min_size = 1, .max_size = 4 };

static TestDev *td_create(Machine *m, int devfn, uint8_t pin)
{
    PCIDeviceInfo info = { .vendor_id = 0x1234, .device_id = 0x5678, .class_code = 0xff0000,
                           .interrupt_pin = pin };
    TestDev *td = g_new0(TestDev, 1);
    char *err = NULL;
    void *fb = NULL;
    g_assert_cmpint(posix_memalign(&fb, 4096, 0x2000), ==, 0);
    memset(fb, 0, 0x2000);
    td->fb = fb;
    td->d = pci_register(m->pci_bus, devfn, "testdev", &info, NULL, td, &err);
    g_assert_nonnull(td->d);
    g_assert_cmpint(pci_register_bar(td->d, 0, 0x1000, PCI_BAR_MEM32, &td_ops, td, &err), ==, 0);
    g_assert_cmpint(pci_register_bar(td->d, 1, 0x20, PCI_BAR_IO, &td_ops, td, &err), ==, 0);
    g_assert_cmpint(pci_register_bar_ram(td->d, 2, 0x2000, PCI_BAR_MEM64 | PCI_BAR_PREFETCH, td->fb, &err),
                    ==, 0);
    return td;
}

static void td_free(TestDev *td)
{
    free(td->fb);
    g_free(td);
}

static void test_bar_sizing(void)
{
    TestMachine *t = tm_new(false, true);
    Machine *m = &t->m;
    TestDev *td = td_create(m, PCI_DEVFN(3, 0), 1);
    char *err = NULL;
    int df = PCI_DEVFN(3, 0);
    /* type bits before sizing */
    g_assert_cmphex(cfg_read(m, df, 0x10, 4), ==, 0x0);
    g_assert_cmphex(cfg_read(m, df, 0x14, 4), ==, 0x1);
    g_assert_cmphex(cfg_read(m, df, 0x18, 4), ==, 0xc);
    /* all-ones reads back the size mask with the type bits */
    cfg_write(m, df, 0x10, 0xffffffff, 4);
    g_assert_cmphex(cfg_read(m, df, 0x10, 4), ==, 0xfffff000);
    cfg_write(m, df, 0x14, 0xffffffff, 4);
    g_assert_cmphex(cfg_read(m, df, 0x14, 4), ==, 0xffffffe1);
    cfg_write(m, df, 0x18, 0xffffffff, 4);
    cfg_write(m, df, 0x1c, 0xffffffff, 4);
    g_assert_cmphex(cfg_read(m, df, 0x18, 4), ==, 0xffffe00c);
    g_assert_cmphex(cfg_read(m, df, 0x1c, 4), ==, 0xffffffff);
    /* unimplemented BARs read 0 even after all-ones */
    cfg_write(m, df, 0x24, 0xffffffff, 4);
    g_assert_cmphex(cfg_read(m, df, 0x24, 4), ==, 0);
    /* decoding off: nothing mapped although the BARs hold addresses */
    g_assert_cmphex(pci_bar_addr(td->d, 0), ==, PCI_BAR_UNMAPPED);
    /* bad registrations are refused with a message */
    g_assert_cmpint(pci_register_bar(td->d, 0, 0x1000, PCI_BAR_MEM32, &td_ops, td, &err), ==, -1);
    g_free(err);
    err = NULL;
    g_assert_cmpint(pci_register_bar(td->d, 4, 0x1800, PCI_BAR_MEM32, &td_ops, td, &err), ==, -1);
    g_free(err);
    err = NULL;
    g_assert_cmpint(pci_register_bar(td->d, 3, 0x1000, PCI_BAR_MEM32, &td_ops, td, &err), ==, -1);
    g_free(err); /* BAR 3 is the upper half of 64-bit BAR 2 */
    err = NULL;
    g_assert_cmpint(pci_register_bar_ram(td->d, 4, 0x1000, PCI_BAR_MEM32, td->fb + 8, &err), ==, -1);
    g_free(err); /* host memory not page-aligned */
    td_free(td);
    tm_free(t);
}

static void test_bar_mapping(void)
{
    TestMachine *t = tm_new(false, true);
    Machine *m = &t->m;
    TestDev *td = td_create(m, PCI_DEVFN(3, 0), 1);
    int df = PCI_DEVFN(3, 0);
    cfg_write(m, df, 0x10, 0xfebf0000, 4);
    cfg_write(m, df, 0x14, 0xc000, 4);
    cfg_write(m, df, 0x18, 0xfd000000, 4);
    cfg_write(m, df, 0x1c, 0, 4);
    g_assert_cmphex(as_read(m->mem, 0xfebf0004, 4), ==, 0xffffffff);
    /* memory space on: the memory BARs decode, the I/O BAR not yet */
    cfg_write(m, df, PCI_COMMAND, PCI_COMMAND_MEMORY, 2);
    g_assert_cmphex(pci_bar_addr(td->d, 0), ==, 0xfebf0000);
    g_assert_cmphex(pci_bar_addr(td->d, 1), ==, PCI_BAR_UNMAPPED);
    g_assert_cmphex(as_read(m->mem, 0xfebf0004, 1), ==, 0xa4);
    as_write(m->mem, 0xfebf0010, 0x55, 1);
    g_assert_cmphex(td->last_off, ==, 0x10);
    g_assert_cmphex(td->last_val, ==, 0x55);
    /* the RAM BAR is host memory, seen directly */
    as_write(m->mem, 0xfd000100, 0x11223344, 4);
    g_assert_cmphex(ld32(td->fb + 0x100), ==, 0x11223344);
    g_assert_true(as_ram_ptr(m->mem, 0xfd000000, 0x2000) == td->fb);
    cfg_write(m, df, PCI_COMMAND, PCI_COMMAND_MEMORY | PCI_COMMAND_IO, 2);
    g_assert_cmphex(pci_bar_addr(td->d, 1), ==, 0xc000);
    g_assert_cmphex(as_read(m->io, 0xc003, 1), ==, 0xa3);
    /* moving a BAR moves its region */
    cfg_write(m, df, 0x10, 0xfebe0000, 4);
    g_assert_cmphex(as_read(m->mem, 0xfebf0004, 4), ==, 0xffffffff);
    g_assert_cmphex(as_read(m->mem, 0xfebe0004, 1), ==, 0xa4);
    /* the 64-bit BAR above 4 GiB */
    cfg_write(m, df, 0x1c, 0x1, 4);
    g_assert_cmphex(pci_bar_addr(td->d, 2), ==, 0x1fd000000ull);
    g_assert_null(as_find(m->mem, 0xfd000000));
    /* an I/O BAR past 64 KiB decodes nothing */
    cfg_write(m, df, 0x14, 0x10000, 4);
    g_assert_cmphex(pci_bar_addr(td->d, 1), ==, PCI_BAR_UNMAPPED);
    /* a BAR placed over another one stays off until there is room */
    cfg_write(m, df, 0x1c, 0, 4);
    cfg_write(m, df, 0x10, 0xfd000000, 4);
    g_assert_cmphex(pci_bar_addr(td->d, 0), ==, PCI_BAR_UNMAPPED);
    g_assert_cmphex(pci_bar_addr(td->d, 2), ==, 0xfd000000);
    cfg_write(m, df, 0x18, 0xfc000000, 4); /* the RAM BAR leaves */
    g_assert_cmphex(pci_bar_addr(td->d, 0), ==, 0xfd000000);
    g_assert_cmphex(pci_bar_addr(td->d, 2), ==, 0xfc000000);
    /* a BAR over the legacy shadow RAM is refused, and the RAM stays */
    cfg_write(m, df, 0x18, 0x000c0000, 4);
    g_assert_cmphex(pci_bar_addr(td->d, 2), ==, PCI_BAR_UNMAPPED);
    as_write(m->mem, 0xc0000, 0x5a, 1);
    g_assert_cmphex(m->ram[0xc0000], ==, 0x5a);
    /* sizing with decoding on (firmware should not, but may): no crash */
    cfg_write(m, df, 0x10, 0xffffffff, 4);
    cfg_write(m, df, 0x18, 0xffffffff, 4);
    cfg_write(m, df, 0x1c, 0xffffffff, 4);
    /* reset: command 0, BARs back to their type bits, nothing decoded */
    machine_reset(m);
    g_assert_cmphex(cfg_read(m, df, PCI_COMMAND, 2), ==, 0);
    g_assert_cmphex(cfg_read(m, df, 0x10, 4), ==, 0);
    g_assert_cmphex(pci_bar_addr(td->d, 0), ==, PCI_BAR_UNMAPPED);
    g_assert_cmphex(pci_bar_addr(td->d, 2), ==, PCI_BAR_UNMAPPED);
    td_free(td);
    tm_free(t);
}

static void test_option_rom(void)
{
    TestMachine *t = tm_new(false, true);
    Machine *m = &t->m;
    TestDev *td = td_create(m, PCI_DEVFN(2, 0), 0);
    int df = PCI_DEVFN(2, 0);
    char *err = NULL;
    char *path = g_build_filename(g_get_tmp_dir(), "mimic-test-rom.bin", NULL);
    uint8_t img[0x1234];
    for (size_t i = 0; i < sizeof(img); i++) {
        img[i] = (uint8_t)(i ^ 0x5a);
    }
    img[0] = 0x55;
    img[1] = 0xaa;
    g_assert_true(g_file_set_contents(path, (char *)img, sizeof(img), NULL));
    g_assert_cmpint(pci_set_option_rom(td->d, "/nonexistent/rom.bin", &err), ==, -1);
    g_assert_nonnull(strstr(err, "/nonexistent/rom.bin"));
    g_free(err);
    g_assert_cmpint(pci_set_option_rom(td->d, path, &err), ==, 0);
    /* 0x1234 bytes: an 8 KiB ROM BAR, enable bit writable */
    cfg_write(m, df, PCI_ROM_ADDRESS, 0xffffffff, 4);
    g_assert_cmphex(cfg_read(m, df, PCI_ROM_ADDRESS, 4), ==, 0xffffe001); /* 8 KiB */
    cfg_write(m, df, PCI_ROM_ADDRESS, 0xfeb80000 | PCI_ROM_ADDRESS_ENABLE, 4);
    g_assert_cmphex(as_read(m->mem, 0xfeb80000, 2), ==, 0xffff); /* memory space still off */
    cfg_write(m, df, PCI_COMMAND, PCI_COMMAND_MEMORY, 2);
    g_assert_cmphex(as_read(m->mem, 0xfeb80000, 2), ==, 0xaa55);
    g_assert_cmphex(as_read(m->mem, 0xfeb80000 + 0x1000, 1), ==, (0x1000 ^ 0x5a) & 0xff);
    g_assert_cmphex(as_read(m->mem, 0xfeb80000 + 0x1500, 1), ==, 0); /* padding */
    as_write(m->mem, 0xfeb80000, 0, 2); /* read-only */
    g_assert_cmphex(as_read(m->mem, 0xfeb80000, 2), ==, 0xaa55);
    cfg_write(m, df, PCI_ROM_ADDRESS, 0xfeb80000, 4); /* enable bit off */
    g_assert_cmphex(as_read(m->mem, 0xfeb80000, 2), ==, 0xffff);
    g_unlink(path);
    g_free(path);
    td_free(td);
    tm_free(t);
}

static void test_pirq_routing(void)
{
    TestMachine *t = tm_new(false, true);
    Machine *m = &t->m;
    int piix = PCI_DEVFN(1, 0);
    /* slot 3 INTA# -> PIRQC, slot 4 INTA# -> PIRQD, slot 4 INTB# -> PIRQA */
    g_assert_cmpint(pci_pirq_of(3, 1), ==, 2);
    g_assert_cmpint(pci_pirq_of(4, 1), ==, 3);
    g_assert_cmpint(pci_pirq_of(4, 2), ==, 0);
    g_assert_cmpint(pci_pirq_of(1, 1), ==, 0);
    TestDev *a = td_create(m, PCI_DEVFN(3, 0), 1);
    TestDev *b = g_new0(TestDev, 1);
    PCIDeviceInfo info = { .vendor_id = 0x1234, .device_id = 1, .interrupt_pin = 2 };
    char *err = NULL;
    b->d = pci_register(m->pci_bus, PCI_DEVFN(4, 0), "testdev-b", &info, NULL, b, &err);
    g_assert_cmphex(cfg_read(m, PCI_DEVFN(3, 0), PCI_INTERRUPT_PIN, 1), ==, 1);
    /* reset: routing disabled (0x80), nothing reaches the ISA lines */
    g_assert_cmphex(cfg_read(m, piix, 0x60, 4), ==, 0x80808080);
    pci_set_irq(a->d, 1);
    g_assert_true(pci_bus_pirq_level(m->pci_bus, 2));
    for (int i = 0; i < 16; i++) {
        g_assert_cmpint(t->isa_level[i], ==, 0);
    }
    /* status shows the pending interrupt regardless of routing */
    g_assert_cmphex(cfg_read(m, PCI_DEVFN(3, 0), PCI_STATUS, 2) & PCI_STATUS_INTERRUPT, !=, 0);
    /* route PIRQC to IRQ 11: the line rises at once */
    cfg_write(m, piix, 0x62, 0x0b, 1);
    g_assert_cmpint(t->isa_level[11], ==, 1);
    g_assert_cmpint(piix3_pirq_route(t->piix3, 2), ==, 11);
    g_assert_cmpint(piix3_pirq_route(t->piix3, 0), ==, -1);
    /* INTx disable in the command register drops it; status still set */
    cfg_write(m, PCI_DEVFN(3, 0), PCI_COMMAND, PCI_COMMAND_INTX_DISABLE, 2);
    g_assert_cmpint(t->isa_level[11], ==, 0);
    g_assert_cmphex(cfg_read(m, PCI_DEVFN(3, 0), PCI_STATUS, 2) & PCI_STATUS_INTERRUPT, !=, 0);
    cfg_write(m, PCI_DEVFN(3, 0), PCI_COMMAND, 0, 2);
    g_assert_cmpint(t->isa_level[11], ==, 1);
    /* PIRQA (slot 4 INTB#) shares IRQ 11: the line is the OR */
    cfg_write(m, piix, 0x60, 0x0b, 1);
    pci_set_irq(b->d, 1);
    pci_set_irq(a->d, 0);
    g_assert_cmpint(t->isa_level[11], ==, 1);
    g_assert_cmphex(cfg_read(m, PCI_DEVFN(3, 0), PCI_STATUS, 2) & PCI_STATUS_INTERRUPT, ==, 0);
    pci_set_irq(b->d, 0);
    g_assert_cmpint(t->isa_level[11], ==, 0);
    /* rerouting a high PIRQ moves the level from one line to the other */
    pci_set_irq(b->d, 1);
    cfg_write(m, piix, 0x60, 0x0a, 1);
    g_assert_cmpint(t->isa_level[11], ==, 0);
    g_assert_cmpint(t->isa_level[10], ==, 1);
    /* reserved IRQ numbers (0, 2, 8, 13) route nowhere; bit 7 disables */
    cfg_write(m, piix, 0x60, 0x02, 1);
    g_assert_cmpint(t->isa_level[10], ==, 0);
    g_assert_cmpint(t->isa_level[2], ==, 0);
    cfg_write(m, piix, 0x60, 0x8a, 1);
    g_assert_cmpint(t->isa_level[10], ==, 0);
    cfg_write(m, piix, 0x60, 0x0a, 1);
    g_assert_cmpint(t->isa_level[10], ==, 1);
    /* reset lowers everything */
    machine_reset(m);
    g_assert_cmpint(t->isa_level[10], ==, 0);
    g_assert_false(pci_bus_pirq_level(m->pci_bus, 0));
    td_free(a);
    g_free(b);
    tm_free(t);
}

static void pam_write(Machine *m, unsigned reg, uint8_t v)
{
    cfg_write(m, PCI_DEVFN(0, 0), reg, v, 1);
}

static void test_pam(void)
{
    TestMachine *t = tm_new(true, false);
    Machine *m = &t->m;
    const uint8_t *win = t->rom; /* 128 KiB ROM: the whole image is the window */
    /* power-on: PAM 0, reads of 0xE0000-0xFFFFF reach the ROM, 0xC0000 nothing */
    g_assert_cmphex(cfg_read(m, 0, 0x58, 4), ==, 0);
    g_assert_cmphex(as_read(m->mem, 0xffff0, 1), ==, win[0x1fff0]);
    g_assert_cmphex(as_read(m->mem, 0xe0000, 1), ==, win[0]);
    g_assert_cmphex(as_read(m->mem, 0xc0000, 4), ==, 0xffffffff);
    as_write(m->mem, 0xf0000, 0x99, 1);
    g_assert_cmphex(as_read(m->mem, 0xf0000, 1), ==, win[0x10000]); /* ROM */
    g_assert_cmphex(m->ram[0xf0000], ==, 0);
    /* PAM0 0x20 (WE only): writes go to RAM, reads still see ROM */
    pam_write(m, 0x59, 0x20);
    g_assert_cmpint(i440fx_pam_mode(t->i440fx, 0xf8000), ==, 2);
    g_assert_cmpint(i440fx_pam_mode(t->i440fx, 0xc0000), ==, 0);
    as_write(m->mem, 0xf0000, 0x99, 1);
    g_assert_cmphex(m->ram[0xf0000], ==, 0x99);
    g_assert_cmphex(as_read(m->mem, 0xf0000, 1), ==, win[0x10000]);
    g_assert_cmphex(as_read(m->mem, 0xf0001, 4), ==, ld32(win + 0x10001));
    /* the ROM's copy into shadow RAM, as firmware does */
    as_write_buf(m->mem, 0xf0000, win + 0x10000, 0x10000);
    /* 0x30 (RE+WE): RAM read/write */
    pam_write(m, 0x59, 0x30);
    g_assert_cmphex(as_read(m->mem, 0xffff0, 1), ==, win[0x1fff0]);
    as_write(m->mem, 0xffff0, 0x42, 1);
    g_assert_cmphex(as_read(m->mem, 0xffff0, 1), ==, 0x42);
    /* 0x10 (RE only): RAM, write-protected */
    pam_write(m, 0x59, 0x10);
    as_write(m->mem, 0xffff0, 0x43, 1);
    g_assert_cmphex(as_read(m->mem, 0xffff0, 1), ==, 0x42);
    g_assert_cmphex(m->ram[0xffff0], ==, 0x42);
    /* low nibble of PAM0 is reserved */
    pam_write(m, 0x59, 0x13);
    g_assert_cmphex(cfg_read(m, 0, 0x59, 1), ==, 0x10);
    /* PAM1 low nibble: 0xC0000-0xC3FFF; high nibble: 0xC4000-0xC7FFF */
    pam_write(m, 0x5a, 0x03);
    as_write(m->mem, 0xc0000, 0x77, 1);
    as_write(m->mem, 0xc4000, 0x77, 1);
    g_assert_cmphex(as_read(m->mem, 0xc0000, 1), ==, 0x77);
    g_assert_cmphex(as_read(m->mem, 0xc4000, 1), ==, 0xff);
    g_assert_cmphex(m->ram[0xc4000], ==, 0);
    pam_write(m, 0x5a, 0x33);
    g_assert_cmphex(cfg_read(m, 0, 0x5a, 1), ==, 0x33);
    /* PAM6 high nibble: 0xEC000-0xEFFFF, inside the ROM window when off */
    pam_write(m, 0x5f, 0x30);
    as_write(m->mem, 0xec000, 0x31, 1);
    g_assert_cmphex(as_read(m->mem, 0xec000, 1), ==, 0x31);
    g_assert_cmphex(as_read(m->mem, 0xe8000, 1), ==, win[0x8000]);
    /* SMRAM: default 0x02, D_LCK locks it */
    g_assert_cmphex(cfg_read(m, 0, 0x72, 1), ==, 0x02);
    cfg_write(m, 0, 0x72, 0x4a, 1);
    g_assert_cmphex(cfg_read(m, 0, 0x72, 1), ==, 0x4a);
    cfg_write(m, 0, 0x72, 0x5a, 1);
    g_assert_cmphex(cfg_read(m, 0, 0x72, 1), ==, 0x1a); /* D_OPEN cleared by the lock */
    cfg_write(m, 0, 0x72, 0x02, 1);
    g_assert_cmphex(cfg_read(m, 0, 0x72, 1), ==, 0x1a);
    /* reset: all to the bus again, the ROM answers */
    machine_reset(m);
    g_assert_cmphex(as_read(m->mem, 0xffff0, 1), ==, win[0x1fff0]);
    g_assert_cmphex(as_read(m->mem, 0xc0000, 1), ==, 0xff);
    g_assert_cmphex(cfg_read(m, 0, 0x72, 1), ==, 0x02);
    tm_free(t);
}

/* Direct kernel boot: every segment comes out of reset as RAM. */
static void test_pam_ram_at_reset(void)
{
    TestMachine *t = tm_new(false, true);
    Machine *m = &t->m;
    g_assert_cmphex(cfg_read(m, 0, 0x58, 4), ==, 0x33333000);
    as_write(m->mem, 0xe0000, 0x12345678, 4);
    as_write(m->mem, 0xc0000, 0x9abc, 2);
    as_write(m->mem, 0xffffe, 0xdef0, 2);
    g_assert_cmphex(ld32(m->ram + 0xe0000), ==, 0x12345678);
    g_assert_cmphex(ld16(m->ram + 0xc0000), ==, 0x9abc);
    g_assert_cmphex(ld16(m->ram + 0xffffe), ==, 0xdef0);
    /* one region for the whole area: neighbouring equal segments merge */
    MemRegion *r = as_find(m->mem, 0xc0000);
    g_assert_nonnull(r);
    g_assert_cmphex(r->base, ==, 0xc0000);
    g_assert_cmphex(r->size, ==, 0x40000);
    tm_free(t);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/pci/config-mechanism", test_config_mechanism);
    g_test_add_func("/pci/cf9-shared", test_cf9_shared);
    g_test_add_func("/pci/bar-sizing", test_bar_sizing);
    g_test_add_func("/pci/bar-mapping", test_bar_mapping);
    g_test_add_func("/pci/option-rom", test_option_rom);
    g_test_add_func("/pci/pirq-routing", test_pirq_routing);
    g_test_add_func("/pci/pam", test_pam);
    g_test_add_func("/pci/pam-ram-at-reset", test_pam_ram_at_reset);
    return g_test_run();
}
