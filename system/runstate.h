/*
 * Run state requests: the guest (or the user) asks for a reset or for mimic
 * to end, and the vCPU thread and main loop carry it out at a safe point.
 * Devices call these with the BQL held; nothing here exits the process.
 */
#ifndef SYSTEM_RUNSTATE_H
#define SYSTEM_RUNSTATE_H

#include <stdbool.h>

/* A platform reset (port 0xCF9, keyboard controller, triple fault, ACPI
 * reset register). With -no-reboot it ends mimic with status 0 instead. */
void runstate_request_reset(void);
/* End mimic with this exit status: poweroff (0), isa-debug-exit, quit. */
void runstate_request_exit(int status);
void runstate_set_no_reboot(bool no_reboot);

/* For the vCPU loop: is a reset pending (and take it), is exit requested. */
bool runstate_take_reset(void);
bool runstate_exit_requested(void);

#endif
