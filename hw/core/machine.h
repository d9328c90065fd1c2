/*
 * The machine: guest RAM, the memory and I/O address spaces, the vCPU, the
 * accelerator and the reset list. A machine type (only "pc" so far) is a
 * function that fills one in from a MachineConfig; see hw/pc/pc.c.
 */
#ifndef HW_CORE_MACHINE_H
#define HW_CORE_MACHINE_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include "hw/core/irq.h"
#include "hw/core/memory.h"
#include "target/x86/cpu.h"

typedef struct AccelOps AccelOps;
typedef struct Chardev Chardev;
typedef struct PCIBus PCIBus;
typedef struct FWCfgState FWCfgState;

/* Everything the command line says about the machine, already validated. */
typedef struct MachineConfig {
    const char *machine_type;
    uint64_t ram_size;
    const char *accel;      /* "kvm" or "tcg" */
    const char *accel_opts; /* the rest of -accel after the name, or NULL */
    bool kernel_irqchip;
    const char *cpu_model;
    const char *kernel;
    const char *initrd;
    const char *append;
    const char *bios;       /* -bios firmware image (BIOS boot when no -kernel) */
    const char *name;
    bool no_reboot;
    GPtrArray *serials;     /* char * chardev specs, COM1 first */
    const char *debugcon;   /* chardev spec for the debug console, or NULL */
    uint16_t debugcon_iobase; /* its port (-global isa-debugcon.iobase=); 0: 0xE9 */
    GPtrArray *devices;     /* char * -device arguments */
    GPtrArray *monitors;    /* char * -monitor chardev specs */
    const char *vga;        /* -vga: "std", "none", or NULL (the machine decides) */
    GPtrArray *drives;      /* DriveConfig * (block/drive.h): -drive, -hda..-hdd, -cdrom */
    const char *boot_order; /* -boot order letters, or NULL */
    int boot_menu;          /* -boot menu=: 0, 1, or -1 when not given */
    bool nographic;
} MachineConfig;

typedef struct Machine {
    const MachineConfig *cfg;
    uint64_t ram_size;
    uint64_t below_4g; /* RAM bytes mapped from 0 (less the legacy hole) */
    uint64_t above_4g; /* RAM bytes mapped from 4 GiB */
    uint8_t *ram;      /* one host mapping for all guest RAM */
    AddressSpace *mem;
    AddressSpace *io;
    X86CPU *cpu;
    const AccelOps *accel;
    void *accel_state;
    bool has_apic;     /* the CPU has a local APIC (CPUID, ACPI MADT) */
    bool accel_irqchip; /* the accelerator models PIC/IOAPIC/LAPIC itself */

    IrqLine *isa_irq;  /* the 16 ISA IRQ lines, wired by the machine type */
    GPtrArray *chardevs; /* Chardev *, closed on exit */
    GArray *reset_hooks; /* MachineResetHook, run in registration order */
    void *board;         /* the machine type's own state */
    GPtrArray *owned;    /* device states freed with the machine */
    PCIBus *pci_bus;     /* bus 0 (hw/pci/pci.h) */
    FWCfgState *fw_cfg;  /* firmware configuration (hw/pc/fw_cfg.h) */
} Machine;

typedef void (*MachineResetFn)(void *opaque);

/* Register fn to run on every machine reset (power-on counts as one). */
void machine_add_reset(Machine *m, MachineResetFn fn, void *opaque);
/* Hand a device's state to the machine: free_fn(ptr) runs when it is destroyed. */
void machine_own(Machine *m, void *ptr, GDestroyNotify free_fn);
/* Reset devices then the CPU, in registration order (vCPU thread, lock held). */
void machine_reset(Machine *m);
/* Wake the vCPU: it leaves guest mode and looks at interrupts and requests. */
void machine_kick_cpu(X86CPU *cpu);

/* The one machine of this process (devices reach the run state through it). */
Machine *machine_current(void);
void machine_set_current(Machine *m);

/* Machine types: create the machine described by cfg. */
typedef struct MachineType {
    const char *name;
    const char *desc;
    Machine *(*create)(const MachineConfig *cfg, char **err);
    void (*destroy)(Machine *m);
} MachineType;

const MachineType *machine_type_find(const char *name);
void machine_type_list(void (*print)(const char *name, const char *desc));

#endif
