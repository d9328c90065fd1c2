/*
 * The glib main loop with the BQL released only while polling, and a GSource
 * that runs the virtual clock's timers. The poll function sleeps with
 * nanosecond precision (ppoll) until the earliest timer, since glib's own
 * timeouts are in milliseconds and the PIT's periods are shorter.
 */
#include "system/main-loop.h"

#include <poll.h>
#include <stdatomic.h>
#include <time.h>

#include "hw/core/timer.h"

static GMutex bql;
static GThread *bql_owner;
static atomic_bool quit_requested;
static int exit_status;

void bql_lock(void)
{
    g_mutex_lock(&bql);
    bql_owner = g_thread_self();
}

void bql_unlock(void)
{
    bql_owner = NULL;
    g_mutex_unlock(&bql);
}

bool bql_locked(void)
{
    return bql_owner == g_thread_self();
}

void bql_cond_wait(GCond *cond)
{
    bql_owner = NULL;
    g_cond_wait(cond, &bql);
    bql_owner = g_thread_self();
}

gboolean bql_cond_wait_until(GCond *cond, gint64 end_time_us)
{
    bql_owner = NULL;
    gboolean r = g_cond_wait_until(cond, &bql, end_time_us);
    bql_owner = g_thread_self();
    return r;
}

static gboolean timer_source_prepare(GSource *s, gint *timeout)
{
    (void)s;
    int64_t next = timers_run();
    if (next < 0) {
        *timeout = -1;
        return FALSE;
    }
    int64_t delta = next - clock_ns();
    if (delta <= 0) {
        *timeout = 0;
        return TRUE;
    }
    *timeout = (gint)MIN((delta + 999999) / 1000000, G_MAXINT);
    return FALSE;
}

static gboolean timer_source_check(GSource *s)
{
    (void)s;
    return FALSE; /* expired timers run in prepare, right before polling */
}

static gboolean timer_source_dispatch(GSource *s, GSourceFunc cb, gpointer data)
{
    (void)s, (void)cb, (void)data;
    return G_SOURCE_CONTINUE;
}

static GSourceFuncs timer_source_funcs = {
    .prepare = timer_source_prepare,
    .check = timer_source_check,
    .dispatch = timer_source_dispatch,
};

static gint bql_poll(GPollFD *fds, guint nfds, gint timeout_ms)
{
    struct timespec ts, *tsp = NULL;
    int64_t next = timers_run();
    if (next >= 0) {
        int64_t delta = MAX(next - clock_ns(), 0);
        if (timeout_ms >= 0) {
            delta = MIN(delta, (int64_t)timeout_ms * 1000000);
        }
        ts.tv_sec = delta / NS_PER_SEC;
        ts.tv_nsec = delta % NS_PER_SEC;
        tsp = &ts;
    } else if (timeout_ms >= 0) {
        ts.tv_sec = timeout_ms / 1000;
        ts.tv_nsec = (timeout_ms % 1000) * 1000000L;
        tsp = &ts;
    }
    bql_unlock();
    /* GPollFD has the layout of struct pollfd on Linux */
    int r = ppoll((struct pollfd *)fds, nfds, tsp, NULL);
    bql_lock();
    return r;
}

void main_loop_init(void)
{
    bql_lock();
    GMainContext *ctx = g_main_context_default();
    g_main_context_set_poll_func(ctx, bql_poll);
    GSource *ts = g_source_new(&timer_source_funcs, sizeof(GSource));
    g_source_attach(ts, ctx);
    g_source_unref(ts);
    timers_set_notify(main_loop_wakeup);
}

int main_loop_run(void)
{
    /* a quit asked for before the loop started (or while it was not
     * iterating) is honoured: the flag is checked before every poll */
    while (!atomic_load(&quit_requested)) {
        g_main_context_iteration(g_main_context_default(), TRUE);
    }
    return exit_status;
}

void main_loop_quit(int status)
{
    if (!atomic_exchange(&quit_requested, true)) {
        exit_status = status;
    }
    main_loop_wakeup();
}

int main_loop_exit_status(void)
{
    return exit_status;
}

void main_loop_wakeup(void)
{
    g_main_context_wakeup(g_main_context_default());
}
