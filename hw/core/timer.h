/*
 * The virtual clock and timers on it.
 *
 * clock_ns() is guest time in nanoseconds: it starts at 0 when the machine is
 * created and runs with the host's monotonic clock while the VM runs. Timers
 * fire from the main loop, with the device lock held, in deadline order.
 * Every timer function must be called with the device lock held.
 */
#ifndef HW_CORE_TIMER_H
#define HW_CORE_TIMER_H

#include <stdbool.h>
#include <stdint.h>

#define NS_PER_SEC 1000000000LL

typedef struct Timer Timer;
typedef void (*TimerCb)(void *opaque);

int64_t clock_ns(void);
/* Stop and restart guest time (the VM is paused while stopped). */
void clock_stop(void);
void clock_start(void);

Timer *timer_new(TimerCb cb, void *opaque);
void timer_free(Timer *t);
/* Arm (or re-arm) the timer to fire once when clock_ns() >= expire_ns. */
void timer_mod(Timer *t, int64_t expire_ns);
void timer_del(Timer *t);
bool timer_pending(const Timer *t);
int64_t timer_expire_time(const Timer *t); /* -1 when not pending */

/* Run expired timers; return the next deadline in clock_ns() time, or -1. */
int64_t timers_run(void);
/* Called whenever the earliest deadline changes (the main loop's wakeup). */
void timers_set_notify(void (*notify)(void));

/* Tests: freeze the clock at 0 and move it only by clock_advance(). */
void clock_set_manual(bool manual);
void clock_advance(int64_t ns);

/* Convert a count of ticks of a clock running at hz to ns, and back. */
static inline int64_t ticks_to_ns(int64_t ticks, int64_t hz)
{
    return (int64_t)((__int128)ticks * NS_PER_SEC / hz);
}
static inline int64_t ns_to_ticks(int64_t ns, int64_t hz)
{
    return (int64_t)((__int128)ns * hz / NS_PER_SEC);
}

#endif
