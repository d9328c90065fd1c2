/*
 * The accelerator interface. An accelerator runs the vCPU; everything else
 * (devices, memory map, interrupt controllers) is shared machine code that
 * the accelerator reaches through the machine's address spaces and the
 * CPU's INTR pin. Registered in accel/accel.c.
 */
#ifndef ACCEL_ACCEL_H
#define ACCEL_ACCEL_H

#include <stdbool.h>

#include "hw/core/machine.h"

typedef enum AccelExit {
    ACCEL_EXIT_CONTINUE, /* an exit was handled (I/O, MMIO, kick): run again */
    ACCEL_EXIT_HALT,     /* the guest executed HLT; env.rflags IF is current */
    ACCEL_EXIT_SHUTDOWN, /* triple fault: the platform resets */
    ACCEL_EXIT_ERROR,    /* the accelerator cannot go on; message printed */
} AccelExit;

struct AccelOps {
    const char *name;
    /* Can this host run it at all? If not, why (one line). */
    bool (*available)(char **why);
    /* Create the VM; register memory listeners on m->mem. */
    int (*init)(Machine *m, char **err);
    int (*vcpu_init)(X86CPU *cpu, char **err);
    /* Run guest code until an exit; device I/O is dispatched inside, with the
     * device lock taken only around the dispatch. Called without the lock. */
    AccelExit (*vcpu_run)(X86CPU *cpu);
    /* Make vcpu_run return soon; callable from any thread. */
    void (*vcpu_kick)(X86CPU *cpu);
    /* Copy registers between the accelerator and cpu->env (vCPU thread). */
    int (*get_state)(X86CPU *cpu);
    int (*put_state)(X86CPU *cpu);
    void (*destroy)(Machine *m);
    /* With an in-kernel irqchip (m->accel_irqchip): drive GSI n. */
    void (*set_irq)(Machine *m, int gsi, int level);
};

const AccelOps *accel_find(const char *name);
/* The names known to this build and whether each is built, for -accel help. */
void accel_list(void (*print)(const char *name, const char *desc));

#endif
