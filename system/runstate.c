/*
 * Run state requests. A reset is carried out by the vCPU thread (it owns the
 * vCPU's registers); an exit is carried out by the main loop, which stops the
 * vCPU thread and returns the status from main().
 */
#include "system/runstate.h"

#include <stdatomic.h>

#include "hw/core/machine.h"
#include "system/main-loop.h"

static atomic_bool reset_pending;
static atomic_bool exit_pending;
static bool no_reboot;

void runstate_set_no_reboot(bool v)
{
    no_reboot = v;
}

void runstate_request_reset(void)
{
    if (no_reboot) {
        runstate_request_exit(0);
        return;
    }
    atomic_store(&reset_pending, true);
    Machine *m = machine_current();
    if (m && m->cpu) {
        machine_kick_cpu(m->cpu);
    }
}

void runstate_request_exit(int status)
{
    if (atomic_exchange(&exit_pending, true)) {
        return; /* the first request decides the status */
    }
    Machine *m = machine_current();
    if (m && m->cpu) {
        machine_kick_cpu(m->cpu);
    }
    main_loop_quit(status);
}

bool runstate_take_reset(void)
{
    return atomic_exchange(&reset_pending, false);
}

bool runstate_exit_requested(void)
{
    return atomic_load(&exit_pending);
}
