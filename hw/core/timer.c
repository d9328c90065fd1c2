/*
 * Virtual clock and timer list. The list is short (a handful of devices), so
 * a sorted GList keeps it simple; timers_run() takes the head while expired.
 */
#include "hw/core/timer.h"

#include <glib.h>
#include <time.h>

struct Timer {
    TimerCb cb;
    void *opaque;
    int64_t expire; /* -1 when not pending */
};

static GList *active;      /* Timer *, sorted by expire */
static int64_t clock_base; /* host monotonic ns at guest time 0, while running */
static int64_t clock_frozen = -1;
static bool clock_inited;
static void (*deadline_notify)(void);
static bool clock_manual;
static int64_t clock_manual_ns;

static int64_t host_ns(void)
{
    /* not g_get_monotonic_time(): it rounds to microseconds, and the guest's
     * TSC and timers are read from this clock */
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int64_t clock_ns(void)
{
    if (clock_manual) {
        return clock_manual_ns;
    }
    if (!clock_inited) {
        clock_base = host_ns();
        clock_inited = true;
    }
    if (clock_frozen >= 0) {
        return clock_frozen;
    }
    return host_ns() - clock_base;
}

void clock_stop(void)
{
    if (clock_frozen < 0) {
        clock_frozen = clock_ns();
    }
}

void clock_start(void)
{
    if (clock_frozen >= 0) {
        clock_base = host_ns() - clock_frozen;
        clock_frozen = -1;
    }
}

void clock_set_manual(bool manual)
{
    clock_manual = manual;
    clock_manual_ns = 0;
}

void clock_advance(int64_t ns)
{
    clock_manual_ns += ns;
}

Timer *timer_new(TimerCb cb, void *opaque)
{
    Timer *t = g_new0(Timer, 1);
    t->cb = cb;
    t->opaque = opaque;
    t->expire = -1;
    return t;
}

void timer_free(Timer *t)
{
    if (t) {
        timer_del(t);
        g_free(t);
    }
}

static gint timer_cmp(gconstpointer a, gconstpointer b)
{
    const Timer *ta = a, *tb = b;
    return ta->expire < tb->expire ? -1 : ta->expire > tb->expire;
}

void timer_del(Timer *t)
{
    if (t->expire >= 0) {
        active = g_list_remove(active, t);
        t->expire = -1;
    }
}

void timer_mod(Timer *t, int64_t expire_ns)
{
    timer_del(t);
    t->expire = expire_ns < 0 ? 0 : expire_ns;
    active = g_list_insert_sorted(active, t, timer_cmp);
    if (active->data == t && deadline_notify) {
        deadline_notify();
    }
}

bool timer_pending(const Timer *t)
{
    return t->expire >= 0;
}

int64_t timer_expire_time(const Timer *t)
{
    return t->expire;
}

int64_t timers_run(void)
{
    while (active) {
        Timer *t = active->data;
        if (t->expire > clock_ns()) {
            return t->expire;
        }
        active = g_list_delete_link(active, active);
        t->expire = -1;
        t->cb(t->opaque); /* may re-arm t or others */
    }
    return -1;
}

void timers_set_notify(void (*notify)(void))
{
    deadline_notify = notify;
}
