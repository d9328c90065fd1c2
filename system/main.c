/*
 * mimic: parse the command line, build the machine, run it until the guest
 * or the user ends it, and exit with the status the run state decided.
 * Errors anywhere in start-up end here as one line and exit status 1.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#include "chardev/chardev.h"
#include "hw/core/machine.h"
#include "monitor/monitor.h"
#include "system/cpus.h"
#include "system/main-loop.h"
#include "system/options.h"
#include "system/runstate.h"

int main(int argc, char **argv)
{
    MachineConfig cfg;
    char *err = NULL;
    int status = 1;

    /* a reader that goes away (mimic | head) must not kill the VM */
    signal(SIGPIPE, SIG_IGN);

    int action = options_parse(argc, argv, &cfg, &err);
    if (action < 0) {
        goto out_err;
    }
    if (action == OPTIONS_EXIT) {
        status = 0;
        goto out;
    }
    runstate_set_no_reboot(cfg.no_reboot);
    main_loop_init();

    const MachineType *mt = machine_type_find(cfg.machine_type);
    Machine *m = mt->create(&cfg, &err);
    if (!m) {
        goto out_err;
    }
    if (monitor_init_all(m, cfg.monitors, &err) < 0 || cpus_start(m, &err) < 0) {
        monitor_cleanup_all();
        mt->destroy(m);
        goto out_err;
    }
    status = main_loop_run();
    cpus_stop(m);
    monitor_cleanup_all();
    mt->destroy(m);
    chr_restore_terminals();
    goto out;

out_err:
    chr_restore_terminals();
    fprintf(stderr, "mimic: %s\n", err);
    g_free(err);
out:
    options_free(&cfg);
    return status;
}
