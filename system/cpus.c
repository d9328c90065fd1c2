/*
 * The vCPU thread. It runs guest code through the accelerator without the
 * BQL, and between runs, with the BQL held, it carries out reset requests
 * and waits while the CPU is halted (HLT with IF=1 wakes on INTR; HLT with
 * IF=0 waits for a reset or the end, as on hardware without NMI/SMI).
 */
#include "system/cpus.h"

#include <stdio.h>

#include "accel/accel.h"
#include "system/main-loop.h"
#include "system/runstate.h"

static GCond halt_cond;
static atomic_bool stopping;

void machine_kick_cpu(X86CPU *cpu)
{
    g_cond_broadcast(&halt_cond);
    Machine *m = cpu->machine;
    if (m && m->accel && m->accel->vcpu_kick) {
        m->accel->vcpu_kick(cpu);
    }
}

static bool cpu_can_wake(X86CPU *cpu)
{
    return (atomic_load(&cpu->intr) && (cpu->env.rflags & RFLAGS_IF)) ||
           atomic_load(&stopping) || runstate_exit_requested();
}

static gpointer vcpu_thread(gpointer opaque)
{
    X86CPU *cpu = opaque;
    Machine *m = cpu->machine;
    const AccelOps *accel = m->accel;

    bql_lock();
    cpu->thread = pthread_self();
    if (accel->put_state(cpu) < 0) {
        runstate_request_exit(1);
    }
    for (;;) {
        if (atomic_load(&stopping) || runstate_exit_requested()) {
            break;
        }
        if (runstate_take_reset()) {
            machine_reset(m);
            accel->put_state(cpu);
            continue;
        }
        if (cpu->env.halted) {
            bool reset = false;
            while (!cpu_can_wake(cpu) && !(reset = runstate_take_reset())) {
                bql_cond_wait(&halt_cond);
            }
            cpu->env.halted = false;
            if (reset) { /* taken above: carry it out here, or it is lost */
                machine_reset(m);
                accel->put_state(cpu);
            }
            continue;
        }
        bql_unlock();
        AccelExit r = accel->vcpu_run(cpu);
        bql_lock();
        switch (r) {
        case ACCEL_EXIT_CONTINUE:
            break;
        case ACCEL_EXIT_HALT:
            cpu->env.halted = true;
            break;
        case ACCEL_EXIT_SHUTDOWN:
            /* triple fault: the chipset turns the shutdown cycle into a reset */
            runstate_request_reset();
            break;
        case ACCEL_EXIT_ERROR:
            runstate_request_exit(1);
            break;
        }
    }
    bql_unlock();
    return NULL;
}

static GThread *thread;

int cpus_start(Machine *m, char **err)
{
    (void)err;
    atomic_store(&stopping, false);
    thread = g_thread_new("vcpu0", vcpu_thread, m->cpu);
    return 0;
}

void cpus_stop(Machine *m)
{
    if (!thread) {
        return;
    }
    atomic_store(&stopping, true);
    machine_kick_cpu(m->cpu);
    bql_unlock();
    g_thread_join(thread);
    bql_lock();
    thread = NULL;
}
