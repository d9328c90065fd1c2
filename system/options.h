/*
 * The command line, spelled as QEMU spells it. options_parse() turns argv into
 * a MachineConfig plus the few actions that are not a machine (-help,
 * -version, "help" listings). Every option is a row in one table in
 * options.c, which -help prints.
 */
#ifndef SYSTEM_OPTIONS_H
#define SYSTEM_OPTIONS_H

#include "hw/core/machine.h"

typedef enum OptionsAction {
    OPTIONS_RUN,   /* build and run the machine */
    OPTIONS_EXIT,  /* something was printed (help, version); exit 0 */
} OptionsAction;

/* Fill cfg from argv. Returns the action, or -1 with a one-line *err. */
int options_parse(int argc, char **argv, MachineConfig *cfg, char **err);
void options_free(MachineConfig *cfg);

#endif
