/* The "pc" machine type; see pc.c for the board layout. */
#ifndef HW_PC_PC_H
#define HW_PC_PC_H

#include "hw/core/machine.h"

Machine *pc_machine_create(const MachineConfig *cfg, char **err);
void pc_machine_destroy(Machine *m);

#endif
