/*
 * The main loop and the device lock.
 *
 * One glib main context runs timers and file descriptor watches (chardevs).
 * All device state is guarded by one lock, the BQL: the main loop holds it
 * except while it polls, and a vCPU thread takes it to dispatch an exit.
 */
#ifndef SYSTEM_MAIN_LOOP_H
#define SYSTEM_MAIN_LOOP_H

#include <glib.h>
#include <stdbool.h>

void bql_lock(void);
void bql_unlock(void);
bool bql_locked(void);
/* Wait on cond, releasing the BQL meanwhile. */
void bql_cond_wait(GCond *cond);
gboolean bql_cond_wait_until(GCond *cond, gint64 end_time_us);

/* Set up the loop; takes the BQL for the calling (main) thread. */
void main_loop_init(void);
/* Run until a request to quit; returns the exit status. */
int main_loop_run(void);
/* End main_loop_run() with this status (callable with the BQL held). */
void main_loop_quit(int status);
/* The status given to the first main_loop_quit() (tests). */
int main_loop_exit_status(void);
/* Make the loop re-evaluate its timeouts (callable from any thread). */
void main_loop_wakeup(void);

#endif
