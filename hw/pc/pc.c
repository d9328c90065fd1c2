/*
 * The "pc" machine: RAM, the ISA devices of a PC/AT at their classic ports,
 * ACPI, and the direct-boot loaders. This file is the schematic: read it top
 * to bottom to see what sits where and which IRQ each device drives.
 *
 * Physical memory (below 4 GiB):
 *   0x00000000-0x0009ffff  RAM (conventional memory)
 *   0x000a0000-0x000bffff  the VGA window (unassigned with -vga none)
 *   0x000c0000-0x000fffff  RAM or firmware ROM as the i440FX's PAM registers
 *                          say (hw/pci/i440fx.c); with -kernel all RAM, and
 *                          0xe0000- reserved in E820 for the ACPI tables
 *   0x00100000-below_4g    RAM
 *   0xfec00000 / 0xfee00000 IOAPIC / local APIC
 *   4 GiB - size of -bios  the firmware image, read-only (BIOS boot only)
 * RAM past PC_LOWMEM_LIMIT continues at 4 GiB.
 *
 * PCI bus 0: 00.0 i440FX host bridge, 01.0 PIIX3 ISA bridge (PIRQA-D to
 * ISA IRQs), 02.0 VGA (-vga std). fw_cfg at ports 0x510/0x514 feeds the
 * firmware.
 *
 * Without -kernel the machine boots the -bios image (SeaBIOS) from the reset
 * vector; with -kernel mimic is the firmware and enters the kernel itself.
 */
#include "hw/pc/pc.h"

#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "accel/accel.h"
#include "chardev/chardev.h"
#include "hw/acpi/pm.h"
#include "hw/acpi/tables.h"
#include "hw/char/debugcon.h"
#include "hw/char/serial.h"
#include "hw/core/device.h"
#include "hw/display/vga-pci.h"
#include "hw/input/i8042.h"
#include "hw/intc/apic.h"
#include "hw/intc/i8259.h"
#include "hw/intc/ioapic.h"
#include "hw/misc/port61.h"
#include "hw/misc/reset-control.h"
#include "hw/ide/ide.h"
#include "hw/pc/boot-order.h"
#include "hw/pc/firmware.h"
#include "hw/pc/fw_cfg.h"
#include "hw/pc/loader.h"
#include "hw/pci/i440fx.h"
#include "hw/pci/pci.h"
#include "hw/pci/piix3.h"
#include "hw/rtc/mc146818.h"
#include "hw/timer/i8254.h"

#define PC_LOWMEM_LIMIT 0xc0000000ull
#define PC_ACPI_BASE 0xe0000u
#define PC_RSDP_ADDR 0xf0000u
#define PC_PM_BASE 0x600
#define PC_SCI_IRQ 9
#define PC_IOAPIC_ADDR 0xfec00000u
#define PC_LAPIC_ADDR 0xfee00000u
#define PC_IOAPIC_ID 1

typedef struct PCBoard {
    PICState *pic;
    ApicState *apic;     /* NULL with the accelerator's irqchip */
    IOAPICState *ioapic;
    IrqLine *pic_in;     /* the 8259 pair's IRQ0-15 */
    IrqLine *ioapic_in;  /* the IOAPIC's INTIN0-23 */
    PITState *pit;
    RTCState *rtc;
    PiixIdeState *ide;
    E820Map e820;
    gchar *kernel;
    gsize kernel_size;
    gchar *initrd;
    gsize initrd_size;
    bool multiboot;
    uint8_t *bios;       /* the firmware image (BIOS boot), mapped below 4 GiB */
    size_t bios_size;
    uint8_t rsdp[ACPI_RSDP_SIZE];
    GByteArray *acpi;
} PCBoard;

static const struct {
    uint16_t iobase;
    int irq;
} pc_com[4] = { { 0x3f8, 4 }, { 0x2f8, 3 }, { 0x3e8, 4 }, { 0x2e8, 3 } };

/* ISA IRQ lines end at the in-kernel irqchip when the accelerator has one. */
static void pc_irq_to_accel(void *opaque, int n, int level)
{
    Machine *m = opaque;
    m->accel->set_irq(m, n, level);
}

/*
 * The APIC is created before the 8259 pair and the IOAPIC, so its ExtINT
 * acknowledge and its EOI broadcast reach them through the board.
 */
static int pc_extint_ack(void *opaque)
{
    PCBoard *b = opaque;
    return i8259_intack(b->pic);
}

static void pc_eoi_broadcast(void *opaque, int vector)
{
    PCBoard *b = opaque;
    ioapic_eoi(b->ioapic, vector);
}

/* An ISA IRQ line drives both the 8259 pair and the IOAPIC: IRQ0 on pin 2
 * (the MADT's interrupt source override), IRQ n on pin n. IRQ2 is the
 * 8259 cascade, no device's line, and pin 2 belongs to IRQ0. */
static void pc_isa_irq(void *opaque, int n, int level)
{
    PCBoard *b = opaque;
    irq_set(&b->pic_in[n], level);
    if (n != 2) {
        irq_set(&b->ioapic_in[n == 0 ? 2 : n], level);
    }
}

static int pc_map_ram(Machine *m, char **err)
{
    m->below_4g = MIN(m->ram_size, PC_LOWMEM_LIMIT);
    m->above_4g = m->ram_size - m->below_4g;
    /* 2 MiB-aligned and marked for transparent huge pages: guest memory
     * then costs the host (tcg's accesses, KVM's page tables) few TLB
     * misses; hosts with THP in "madvise" mode give none otherwise */
    const size_t huge = 2u << 20;
    uint8_t *p = mmap(NULL, m->ram_size + huge, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) {
        m->ram = NULL;
        *err = g_strdup_printf("cannot allocate %" G_GUINT64_FORMAT " MiB of guest RAM", m->ram_size >> 20);
        return -1;
    }
    uint8_t *aligned = (uint8_t *)(((uintptr_t)p + huge - 1) & ~(uintptr_t)(huge - 1));
    if (aligned > p) {
        munmap(p, aligned - p);
    }
    if (aligned + m->ram_size < p + m->ram_size + huge) {
        munmap(aligned + m->ram_size, p + m->ram_size + huge - (aligned + m->ram_size));
    }
    m->ram = aligned;
    madvise(m->ram, m->ram_size, MADV_HUGEPAGE); /* advice only: failure is harmless */
    if (!as_add_ram(m->mem, "ram-conventional", 0, 0xa0000, m->ram, false, err) ||
        !as_add_ram(m->mem, "ram-low", 0x100000, m->below_4g - 0x100000, m->ram + 0x100000, false, err)) {
        return -1;
    }
    if (m->above_4g && !as_add_ram(m->mem, "ram-high", 1ull << 32, m->above_4g, m->ram + m->below_4g,
                                   false, err)) {
        return -1;
    }
    return 0;
}

static void pc_build_e820(Machine *m, PCBoard *b)
{
    e820_add(&b->e820, 0, 0x9fc00, E820_RAM);
    e820_add(&b->e820, 0x9fc00, 0x400, E820_RESERVED);
    e820_add(&b->e820, PC_ACPI_BASE, 0x100000 - PC_ACPI_BASE, E820_RESERVED);
    e820_add(&b->e820, 0x100000, m->below_4g - 0x100000, E820_RAM);
    if (m->has_apic) {
        e820_add(&b->e820, PC_IOAPIC_ADDR, 0x1000, E820_RESERVED);
        e820_add(&b->e820, PC_LAPIC_ADDR, 0x1000, E820_RESERVED);
    }
    if (m->above_4g) {
        e820_add(&b->e820, 1ull << 32, m->above_4g, E820_RAM);
    }
}

/* CMOS bytes firmware and old OSes read for the memory size (IBM AT BIOS
 * convention, extended by the 64 KiB-unit bytes 0x34/0x35 and 0x5b-0x5d). */
static void pc_cmos_init(Machine *m, RTCState *rtc)
{
    uint64_t ext_kb = MIN((m->below_4g - 0x100000) >> 10, 0xfc00);
    mc146818_set_cmos(rtc, 0x15, 640 & 0xff);
    mc146818_set_cmos(rtc, 0x16, 640 >> 8);
    mc146818_set_cmos(rtc, 0x17, ext_kb & 0xff);
    mc146818_set_cmos(rtc, 0x18, ext_kb >> 8);
    mc146818_set_cmos(rtc, 0x30, ext_kb & 0xff);
    mc146818_set_cmos(rtc, 0x31, ext_kb >> 8);
    uint64_t above16m = m->below_4g > (16 << 20) ? (m->below_4g - (16 << 20)) >> 16 : 0;
    above16m = MIN(above16m, 0xffff);
    mc146818_set_cmos(rtc, 0x34, above16m & 0xff);
    mc146818_set_cmos(rtc, 0x35, above16m >> 8);
    uint64_t high = m->above_4g >> 16;
    mc146818_set_cmos(rtc, 0x5b, high & 0xff);
    mc146818_set_cmos(rtc, 0x5c, (high >> 8) & 0xff);
    mc146818_set_cmos(rtc, 0x5d, (high >> 16) & 0xff);
    mc146818_set_cmos(rtc, 0x5f, 0); /* CPUs - 1 */
    mc146818_set_cmos(rtc, 0x14, 0x06); /* equipment: FPU, colour display */
}

static int pc_create_serials(Machine *m, char **err)
{
    const MachineConfig *cfg = m->cfg;
    for (guint i = 0; cfg->serials && i < cfg->serials->len; i++) {
        const char *spec = g_ptr_array_index(cfg->serials, i);
        if (i >= G_N_ELEMENTS(pc_com)) {
            *err = g_strdup_printf("-serial: at most %zu serial ports", G_N_ELEMENTS(pc_com));
            return -1;
        }
        if (!strcmp(spec, "none")) {
            continue;
        }
        char *cerr = NULL;
        Chardev *chr = chr_new(spec, &cerr);
        if (!chr) {
            *err = g_strdup_printf("-serial %s: %s", spec, cerr);
            g_free(cerr);
            return -1;
        }
        g_ptr_array_add(m->chardevs, chr);
        serial_create(m, pc_com[i].iobase, &m->isa_irq[pc_com[i].irq], chr);
    }
    return 0;
}

static int pc_load_images(Machine *m, PCBoard *b, char **err)
{
    const MachineConfig *cfg = m->cfg;
    GError *gerr = NULL;
    if (!cfg->kernel) {
        if (cfg->initrd || cfg->append) {
            *err = g_strdup_printf("%s needs -kernel", cfg->initrd ? "-initrd" : "-append");
            return -1;
        }
        return 0; /* BIOS boot: the firmware is mapped with the RAM */
    }
    if (cfg->bios) {
        /* QEMU runs -kernel through its firmware; mimic loads it itself */
        *err = g_strdup("-bios: mimic boots -kernel directly, without firmware: "
                        "give -bios or -kernel, not both");
        return -1;
    }
    if (!g_file_get_contents(cfg->kernel, &b->kernel, &b->kernel_size, &gerr)) {
        *err = g_strdup_printf("-kernel: %s", gerr->message);
        g_error_free(gerr);
        return -1;
    }
    /* a setup header ("HdrS") means Linux even when the loader will refuse
     * it: linux_load() then says exactly why (old protocol, truncated...) */
    bool has_hdrs = b->kernel_size >= 0x206 && !memcmp(b->kernel + 0x202, "HdrS", 4);
    if (has_hdrs || linux_is_bzimage((uint8_t *)b->kernel, b->kernel_size)) {
        b->multiboot = false;
    } else if (multiboot_probe((uint8_t *)b->kernel, b->kernel_size)) {
        b->multiboot = true;
    } else {
        *err = g_strdup_printf("-kernel %s: not a Linux bzImage or a Multiboot image", cfg->kernel);
        return -1;
    }
    if (cfg->initrd && !g_file_get_contents(cfg->initrd, &b->initrd, &b->initrd_size, &gerr)) {
        *err = g_strdup_printf("-initrd: %s", gerr->message);
        g_error_free(gerr);
        return -1;
    }
    return 0;
}

/* Put the kernel, initrd and tables in RAM and the CPU at the entry point. */
static int pc_boot(Machine *m, PCBoard *b, char **err)
{
    X86CPU *cpu = m->cpu;
    x86_cpu_reset(cpu);
    if (!m->cfg->kernel) {
        return 0; /* the firmware starts at the reset vector */
    }
    memcpy(m->ram + PC_ACPI_BASE, b->acpi->data, b->acpi->len);
    memcpy(m->ram + PC_RSDP_ADDR, b->rsdp, sizeof(b->rsdp));
    LoaderRam ram = { .base = m->ram, .below_4g = m->below_4g, .e820 = &b->e820,
                      .acpi_rsdp = PC_RSDP_ADDR };
    LoaderImage img = { .kernel = (uint8_t *)b->kernel, .kernel_size = b->kernel_size,
                        .initrd = (uint8_t *)b->initrd, .initrd_size = b->initrd_size,
                        .cmdline = m->cfg->append ? m->cfg->append : "" };
    return b->multiboot ? multiboot_load(&ram, &img, &cpu->env, err)
                        : linux_load(&ram, &img, &cpu->env, err);
}

static void pc_reset_boot(void *opaque)
{
    Machine *m = opaque;
    char *err = NULL;
    /* the images loaded once already, so only RAM contents change here */
    if (pc_boot(m, m->board, &err) < 0) {
        fprintf(stderr, "mimic: reset: %s\n", err);
        g_free(err);
    }
}

Machine *pc_machine_create(const MachineConfig *cfg, char **err)
{
    Machine *m = g_new0(Machine, 1);
    PCBoard *b = g_new0(PCBoard, 1);
    m->cfg = cfg;
    m->board = b;
    m->ram_size = cfg->ram_size;
    m->mem = as_create("memory", 1ull << 52);
    m->io = as_create("io", 0x10000);
    m->chardevs = g_ptr_array_new();
    machine_set_current(m);

    m->accel = accel_find(cfg->accel);
    if (!m->accel) {
        *err = g_strdup_printf("-accel %s: unknown accelerator", cfg->accel);
        goto fail;
    }
    char *why = NULL;
    if (!m->accel->available(&why)) {
        *err = g_strdup_printf("-accel %s: %s", cfg->accel, why);
        g_free(why);
        goto fail;
    }
    if (pc_load_images(m, b, err) < 0 || pc_map_ram(m, err) < 0) {
        goto fail;
    }
    if (!cfg->kernel) {
        b->bios = firmware_load(m, cfg->bios ? cfg->bios : FIRMWARE_DEFAULT, &b->bios_size, err);
        if (!b->bios) {
            goto fail;
        }
    }
    if (m->accel->init(m, err) < 0) {
        goto fail;
    }
    m->has_apic = true; /* the accelerator's irqchip, or hw/intc/apic.c */

    m->cpu = g_new0(X86CPU, 1);
    m->cpu->machine = m;
    m->cpu->model = cpu_model_find(cfg->cpu_model);
    if (m->accel->vcpu_init(m->cpu, err) < 0) {
        goto fail;
    }

    /*
     * Interrupts. With the accelerator's irqchip, ISA IRQ0-15 go to it.
     * Otherwise the CPU's INTR pin and its acknowledge belong to the local
     * APIC; the 8259 pair's INT output is the APIC's LINT0 (virtual wire:
     * ExtINT), and every ISA IRQ drives both the 8259 pair and the IOAPIC.
     */
    if (m->accel_irqchip) {
        b->pic = i8259_create(m, irq_line_new(x86_cpu_set_intr, m->cpu, 0));
        m->cpu->intack = i8259_intack;
        m->cpu->intack_opaque = b->pic;
        m->isa_irq = irq_lines_new(pc_irq_to_accel, m, 0, 16);
    } else {
        ApicConfig lapic = {
            .id = 0,
            .intr = irq_line_new(x86_cpu_set_intr, m->cpu, 0),
            .extint_ack = pc_extint_ack, .extint_opaque = b,
            .eoi_broadcast = pc_eoi_broadcast, .eoi_opaque = b,
        };
        b->apic = apic_create(m, &lapic);
        b->pic = i8259_create(m, irq_line_new(apic_set_lint, b->apic, 0));
        b->ioapic = ioapic_create(m, PC_IOAPIC_ADDR, PC_IOAPIC_ID, b->apic);
        b->pic_in = i8259_inputs(b->pic);
        b->ioapic_in = ioapic_inputs(b->ioapic);
        m->cpu->intack = apic_intack;
        m->cpu->intack_opaque = b->apic;
        m->cpu->apic = b->apic;
        m->isa_irq = irq_lines_new(pc_isa_irq, b, 0, 16);
    }
    machine_own(m, m->isa_irq, (GDestroyNotify)irq_lines_free);

    /* The PC/AT's fixed devices. */
    b->pit = i8254_create(m, 0x40, &m->isa_irq[0]);
    port61_create(m, b->pit);
    b->rtc = mc146818_create(m, 0x70, &m->isa_irq[8]);
    pc_cmos_init(m, b->rtc);
    i8042_create(m, &m->isa_irq[1], &m->isa_irq[12]);
    reset_control_create(m);
    acpi_pm_create(m, PC_PM_BASE, &m->isa_irq[PC_SCI_IRQ]);
    if (pc_create_serials(m, err) < 0) {
        goto fail;
    }
    if (cfg->debugcon) {
        char *cerr = NULL;
        Chardev *chr = chr_new(cfg->debugcon, &cerr);
        if (!chr) {
            *err = g_strdup_printf("-debugcon %s: %s", cfg->debugcon, cerr);
            g_free(cerr);
            goto fail;
        }
        g_ptr_array_add(m->chardevs, chr);
        debugcon_create(m, cfg->debugcon_iobase ? cfg->debugcon_iobase : 0xe9, chr);
    }
    /* PCI after the reset control register, whose port shares CONFIG_ADDRESS */
    m->pci_bus = pci_bus_create(m, err);
    if (!m->pci_bus || !i440fx_create(m, m->pci_bus, b->bios, b->bios_size, cfg->kernel != NULL, err) ||
        !piix3_create(m, m->pci_bus, err)) {
        goto fail;
    }
    m->fw_cfg = fw_cfg_create(m);
    /* the PIIX3's IDE function at 01.1 with the command line's drives; its
     * legacy ports decode from reset when no firmware will enable them */
    b->ide = piix_ide_create(m, m->pci_bus, PCI_DEVFN(1, 1), cfg->kernel != NULL, err);
    if (!b->ide || piix_ide_attach_drives(b->ide, cfg->drives, err) < 0) {
        goto fail;
    }
    /* the display adapter, by default when a BIOS is there to run its ROM
     * and no -device VGA asks for one (as QEMU's default VGA steps aside) */
    const char *vga = cfg->vga ? cfg->vga : cfg->kernel ? "none" : "std";
    for (guint i = 0; !cfg->vga && cfg->devices && i < cfg->devices->len; i++) {
        const char *d = g_ptr_array_index(cfg->devices, i);
        if (g_str_has_prefix(d, "VGA") && (d[3] == '\0' || d[3] == ',')) {
            vga = "none";
        }
    }
    if (!strcmp(vga, "std") && !vga_pci_create(m, PCI_DEVFN(VGA_PCI_DEFAULT_SLOT, 0),
                                               (uint64_t)VGA_PCI_DEFAULT_VRAM_MB << 20,
                                               VGA_PCI_DEFAULT_ROM, err)) {
        goto fail;
    }
    for (guint i = 0; cfg->devices && i < cfg->devices->len; i++) {
        if (device_create(m, g_ptr_array_index(cfg->devices, i), err) < 0) {
            goto fail;
        }
    }

    /* Firmware tables and the boot image. */
    AcpiConfig acfg = {
        .pm_base = PC_PM_BASE, .sci_irq = PC_SCI_IRQ,
        .reset_port = 0xcf9, .reset_value = 0x06,
        .has_apic = m->has_apic, .lapic_addr = PC_LAPIC_ADDR,
        .ioapic_addr = PC_IOAPIC_ADDR, .ioapic_id = PC_IOAPIC_ID, .cpus = 1,
        /* the PCI hole: from the end of low RAM up to the IOAPIC */
        .pci_mem_start = (uint32_t)m->below_4g, .pci_mem_end = PC_IOAPIC_ADDR - 1,
    };
    b->acpi = acpi_build_tables(&acfg, PC_ACPI_BASE, b->rsdp);
    pc_build_e820(m, b);
    E820Map ram_map = { 0 };
    e820_add(&ram_map, 0, m->below_4g, E820_RAM); /* the firmware carves out its own areas */
    if (m->above_4g) {
        e820_add(&ram_map, 1ull << 32, m->above_4g, E820_RAM);
    }
    firmware_setup_fw_cfg(m, m->fw_cfg, &ram_map, &acfg);
    IdeBus *const ide_buses[2] = { piix_ide_bus(b->ide, 0), piix_ide_bus(b->ide, 1) };
    boot_order_setup(b->rtc, m->fw_cfg, cfg->boot_order, cfg->boot_menu, cfg->drives, ide_buses);
    if (pc_boot(m, b, err) < 0) {
        goto fail;
    }
    machine_add_reset(m, pc_reset_boot, m);
    return m;

fail:
    pc_machine_destroy(m);
    return NULL;
}

void pc_machine_destroy(Machine *m)
{
    if (!m) {
        return;
    }
    PCBoard *b = m->board;
    if (m->accel && m->accel->destroy) {
        m->accel->destroy(m); /* also after a failed init: it frees what exists */
    }
    for (guint i = 0; i < m->chardevs->len; i++) {
        chr_close(g_ptr_array_index(m->chardevs, i));
    }
    g_ptr_array_free(m->chardevs, TRUE);
    if (m->ram) {
        munmap(m->ram, m->ram_size);
    }
    if (b) {
        g_free(b->kernel);
        g_free(b->initrd);
        if (b->acpi) {
            g_byte_array_free(b->acpi, TRUE);
        }
        g_free(b);
    }
    if (m->owned) {
        g_ptr_array_free(m->owned, TRUE);
    }
    if (m->reset_hooks) {
        g_array_free(m->reset_hooks, TRUE);
    }
    as_destroy(m->mem);
    as_destroy(m->io);
    machine_set_current(NULL);
    g_free(m->cpu);
    g_free(m);
}
