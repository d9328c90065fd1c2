/* Unit tests of hw/core/timer.c: ordering, re-arming, the manual clock. */
#include <glib.h>

#include "hw/core/timer.h"

static GString *fired;

static void cb(void *opaque)
{
    g_string_append(fired, opaque);
}

typedef struct Periodic {
    Timer *t;
    int64_t period;
    int count;
} Periodic;

static void periodic_cb(void *opaque)
{
    Periodic *p = opaque;
    p->count++;
    g_assert_false(timer_pending(p->t)); /* fired timers are disarmed first */
    timer_mod(p->t, clock_ns() + p->period);
}

static void test_order(void)
{
    clock_set_manual(true);
    fired = g_string_new("");
    Timer *a = timer_new(cb, "a"), *b = timer_new(cb, "b"), *c = timer_new(cb, "c");
    timer_mod(a, 300);
    timer_mod(b, 100);
    timer_mod(c, 200);
    g_assert_cmpint(timers_run(), ==, 100);
    clock_advance(250);
    g_assert_cmpint(timers_run(), ==, 300);
    g_assert_cmpstr(fired->str, ==, "bc");
    g_assert_false(timer_pending(b));
    timer_mod(a, 1000); /* re-arming moves it */
    clock_advance(100);
    g_assert_cmpint(timers_run(), ==, 1000);
    timer_del(a);
    g_assert_cmpint(timers_run(), ==, -1);
    g_assert_cmpstr(fired->str, ==, "bc");
    timer_free(a);
    timer_free(b);
    timer_free(c);
    g_string_free(fired, TRUE);
}

static void test_rearm_in_callback(void)
{
    clock_set_manual(true);
    Periodic p = { .period = 10 };
    p.t = timer_new(periodic_cb, &p);
    timer_mod(p.t, 10);
    clock_advance(10);
    timers_run();
    g_assert_cmpint(p.count, ==, 1);
    g_assert_cmpint(timer_expire_time(p.t), ==, 20);
    timer_free(p.t);
}

static void test_ticks(void)
{
    g_assert_cmpint(ticks_to_ns(1193182, 1193182), ==, NS_PER_SEC);
    g_assert_cmpint(ns_to_ticks(NS_PER_SEC / 2, 3579545), ==, 1789772);
    /* no overflow for long runs: a year of PM timer ticks */
    int64_t year = 365LL * 24 * 3600 * NS_PER_SEC;
    g_assert_cmpint(ns_to_ticks(year, 3579545), ==, 365LL * 24 * 3600 * 3579545);
}

static void test_stop(void)
{
    clock_set_manual(false);
    clock_stop();
    int64_t t = clock_ns();
    g_usleep(2000);
    g_assert_cmpint(clock_ns(), ==, t);
    clock_start();
    g_usleep(2000);
    g_assert_cmpint(clock_ns(), >, t);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/timer/order", test_order);
    g_test_add_func("/timer/rearm-in-callback", test_rearm_in_callback);
    g_test_add_func("/timer/ticks", test_ticks);
    g_test_add_func("/timer/stop", test_stop);
    return g_test_run();
}
