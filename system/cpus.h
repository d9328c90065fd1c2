/* The vCPU thread: runs the accelerator, waits in HLT, carries out resets. */
#ifndef SYSTEM_CPUS_H
#define SYSTEM_CPUS_H

#include "hw/core/machine.h"

/* Start the vCPU thread (BQL held by the caller). */
int cpus_start(Machine *m, char **err);
/* Stop and join the vCPU thread (BQL held; released while joining). */
void cpus_stop(Machine *m);

#endif
