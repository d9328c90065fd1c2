/*
 * The machine types mimic can build (-machine TYPE). Kept apart from
 * hw/core/machine.c so that code using machines does not pull in every
 * board (and, through it, the accelerators).
 */
#include <string.h>

#include "hw/core/machine.h"
#include "hw/pc/pc.h"

static const MachineType machine_types[] = {
    { "pc", "Standard PC (i440FX-class, ISA devices, ACPI)", pc_machine_create, pc_machine_destroy },
};

const MachineType *machine_type_find(const char *name)
{
    for (size_t i = 0; i < G_N_ELEMENTS(machine_types); i++) {
        if (!strcmp(machine_types[i].name, name)) {
            return &machine_types[i];
        }
    }
    return NULL;
}

void machine_type_list(void (*print)(const char *name, const char *desc))
{
    for (size_t i = 0; i < G_N_ELEMENTS(machine_types); i++) {
        print(machine_types[i].name, machine_types[i].desc);
    }
}
