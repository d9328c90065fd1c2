/*
 * ACPI PM block, driven through port I/O as a guest does: the PM timer's
 * 3.579545 MHz rate and 32-bit width, PM1_STS write-1-to-clear, the SCI
 * level, and soft-off through SLP_TYP/SLP_EN (ACPI 6.3 §4.8.3).
 */
#include <glib.h>

#include "hw/acpi/pm.h"
#include "hw/core/timer.h"
#include "system/main-loop.h"
#include "system/runstate.h"

#define PM_BASE 0x600
#define PM1_STS (PM_BASE + ACPI_PM1_EVT_OFF)
#define PM1_EN (PM_BASE + ACPI_PM1_EVT_OFF + 2)
#define PM1_CNT (PM_BASE + ACPI_PM1_CNT_OFF)
#define PM_TMR (PM_BASE + ACPI_PM_TMR_OFF)

#define TMR_STS 0x0001
#define TMR_EN 0x0001
#define SCI_EN 0x0001
#define SLP_EN (1u << 13)
#define SLP_TYP(t) ((unsigned)(t) << 10)

/* ns at which the counter has made 2^31 ticks: its bit 31 first toggles */
#define MSB_TOGGLE_NS 599932015941LL /* ceil(2^31 / 3579545 Hz) */

static int sci_level = -1;

static void sci_handler(void *opaque, int n, int level)
{
    sci_level = level;
}

typedef struct TestMachine {
    Machine m;
    IrqLine sci;
} TestMachine;

static void tm_init(TestMachine *t)
{
    *t = (TestMachine){ 0 };
    clock_set_manual(true);
    t->m.mem = as_create("memory", 1ull << 32);
    t->m.io = as_create("io", 0x10000);
    t->sci = (IrqLine){ .handler = sci_handler };
    sci_level = -1;
    acpi_pm_create(&t->m, PM_BASE, &t->sci);
}

static void tm_free(TestMachine *t)
{
    g_ptr_array_free(t->m.owned, TRUE);
    g_array_free(t->m.reset_hooks, TRUE);
    as_destroy(t->m.io);
    as_destroy(t->m.mem);
}

static void test_timer_rate(void)
{
    TestMachine t;
    tm_init(&t);
    AddressSpace *io = t.m.io;
    g_assert_cmphex(as_read(io, PM_TMR, 4), ==, 0);
    clock_advance(NS_PER_SEC);
    g_assert_cmpuint(as_read(io, PM_TMR, 4), ==, 3579545);
    clock_advance(NS_PER_SEC / 1000);
    /* 1.001 s * 3579545 Hz = 3583124.5 ticks */
    g_assert_cmpuint(as_read(io, PM_TMR, 4), ==, 3583124);
    /* word and byte reads see the same counter */
    uint32_t lo = as_read(io, PM_TMR, 2), hi = as_read(io, PM_TMR + 2, 2);
    g_assert_cmpuint(lo | hi << 16, ==, 3583124);
    g_assert_cmpuint(as_read(io, PM_TMR + 2, 1), ==, (3583124 >> 16) & 0xff);
    /* writes are ignored */
    as_write(io, PM_TMR, 0, 4);
    g_assert_cmpuint(as_read(io, PM_TMR, 4), ==, 3583124);
    /* 32 bits wide: at 1200 s it has wrapped once (4295454000 - 2^32) */
    clock_advance(1200 * NS_PER_SEC - NS_PER_SEC - NS_PER_SEC / 1000);
    g_assert_cmpuint(as_read(io, PM_TMR, 4), ==, 486704);
    tm_free(&t);
}

static void test_sts_write_one_to_clear(void)
{
    TestMachine t;
    tm_init(&t);
    AddressSpace *io = t.m.io;
    g_assert_cmphex(as_read(io, PM1_STS, 2), ==, 0);
    clock_advance(MSB_TOGGLE_NS - 1);
    g_assert_cmphex(as_read(io, PM1_STS, 2), ==, 0);
    clock_advance(1);
    g_assert_cmphex(as_read(io, PM1_STS, 2), ==, TMR_STS);
    /* zeros and ones elsewhere leave it set */
    as_write(io, PM1_STS, 0, 2);
    as_write(io, PM1_STS, 0xfffe, 2);
    as_write(io, PM1_STS + 1, 0xff, 1);
    g_assert_cmphex(as_read(io, PM1_STS, 2), ==, TMR_STS);
    /* a dword write of the whole event block: STS low half, EN high half */
    as_write(io, PM1_STS, (uint32_t)0x0100 << 16 | TMR_STS, 4);
    g_assert_cmphex(as_read(io, PM1_STS, 2), ==, 0);
    g_assert_cmphex(as_read(io, PM1_EN, 2), ==, 0x0100); /* PWRBTN_EN */
    g_assert_cmphex(as_read(io, PM1_STS, 4), ==, 0x01000000);
    /* the next toggle (bit 31 back to 0 at 2^32 ticks) sets it again; a byte write clears */
    clock_advance(MSB_TOGGLE_NS);
    g_assert_cmphex(as_read(io, PM1_STS, 1), ==, TMR_STS);
    as_write(io, PM1_STS, TMR_STS, 1);
    g_assert_cmphex(as_read(io, PM1_STS, 2), ==, 0);
    tm_free(&t);
}

static void test_sci_level(void)
{
    TestMachine t;
    tm_init(&t);
    AddressSpace *io = t.m.io;
    g_assert_cmpint(sci_level, ==, 0);

    /* with TMR_EN the toggle raises the SCI by itself, from a timer */
    as_write(io, PM1_EN, TMR_EN, 2);
    g_assert_cmpint(sci_level, ==, 0);
    clock_advance(MSB_TOGGLE_NS - 1);
    timers_run();
    g_assert_cmpint(sci_level, ==, 0);
    clock_advance(1);
    timers_run();
    g_assert_cmpint(sci_level, ==, 1);
    /* level-triggered: it stays up until the status is cleared */
    timers_run();
    g_assert_cmpint(sci_level, ==, 1);
    as_write(io, PM1_STS, TMR_STS, 2);
    g_assert_cmpint(sci_level, ==, 0);
    /* and comes back at the next toggle */
    clock_advance(MSB_TOGGLE_NS);
    timers_run();
    g_assert_cmpint(sci_level, ==, 1);
    as_write(io, PM1_STS, TMR_STS, 2);

    /* without TMR_EN the status latches but the SCI stays low... */
    as_write(io, PM1_EN, 0, 2);
    clock_advance(MSB_TOGGLE_NS);
    timers_run();
    g_assert_cmpint(sci_level, ==, 0);
    /* ...until the enable is set while the status is pending */
    as_write(io, PM1_EN, TMR_EN, 2);
    g_assert_cmpint(sci_level, ==, 1);
    as_write(io, PM1_EN, 0, 2);
    g_assert_cmpint(sci_level, ==, 0);
    g_assert_cmphex(as_read(io, PM1_STS, 2), ==, TMR_STS);

    /* a machine reset clears status and enables */
    as_write(io, PM1_EN, TMR_EN, 2);
    g_assert_cmpint(sci_level, ==, 1);
    machine_reset(&t.m);
    g_assert_cmpint(sci_level, ==, 0);
    g_assert_cmphex(as_read(io, PM1_STS, 4), ==, 0);
    tm_free(&t);
}

static void test_cnt_register(void)
{
    TestMachine t;
    tm_init(&t);
    AddressSpace *io = t.m.io;
    /* SMI_CMD is 0 in the FADT: the block is always in ACPI mode */
    g_assert_cmphex(as_read(io, PM1_CNT, 2), ==, SCI_EN);
    as_write(io, PM1_CNT, 0, 2);
    g_assert_cmphex(as_read(io, PM1_CNT, 2), ==, SCI_EN);
    as_write(io, PM1_CNT, SLP_TYP(5), 2);
    g_assert_cmphex(as_read(io, PM1_CNT, 2), ==, SLP_TYP(5) | SCI_EN);
    /* SLP_EN with a type that is not S5 changes nothing; SLP_EN reads 0 */
    as_write(io, PM1_CNT, SLP_TYP(5) | SLP_EN, 2);
    g_assert_false(runstate_exit_requested());
    g_assert_cmphex(as_read(io, PM1_CNT, 2), ==, SLP_TYP(5) | SCI_EN);
    tm_free(&t);
}

static TestMachine *soft_off_machine;

/* Runs inside the main loop, as a vCPU's port write would. */
static gboolean soft_off_write(gpointer opaque)
{
    AddressSpace *io = soft_off_machine->m.io;
    /* what an ACPI OS does for S5: SLP_TYP first, then SLP_TYP | SLP_EN */
    as_write(io, PM1_CNT, SLP_TYP(ACPI_SLP_TYP_S5), 2);
    g_assert_false(runstate_exit_requested());
    as_write(io, PM1_CNT, SLP_TYP(ACPI_SLP_TYP_S5) | SLP_EN, 2);
    g_assert_true(runstate_exit_requested());
    return G_SOURCE_REMOVE;
}

/* The exit request is sticky for the process, so it runs in a child. */
static void test_soft_off(void)
{
    if (g_test_subprocess()) {
        TestMachine t;
        tm_init(&t);
        main_loop_init();
        soft_off_machine = &t;
        /* a non-S5 sleep request first: nothing happens */
        as_write(t.m.io, PM1_CNT + 1, (SLP_TYP(5) | SLP_EN) >> 8, 1);
        g_assert_false(runstate_exit_requested());
        /* the S5 request from inside the loop: main_loop_run() returns the status */
        g_idle_add(soft_off_write, NULL);
        g_assert_cmpint(main_loop_run(), ==, 0);
        tm_free(&t);
        return;
    }
    g_test_trap_subprocess(NULL, 30 * G_USEC_PER_SEC, 0);
    g_test_trap_assert_passed();
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/acpi/pm/timer-rate", test_timer_rate);
    g_test_add_func("/acpi/pm/sts-w1c", test_sts_write_one_to_clear);
    g_test_add_func("/acpi/pm/sci-level", test_sci_level);
    g_test_add_func("/acpi/pm/cnt", test_cnt_register);
    g_test_add_func("/acpi/pm/soft-off", test_soft_off);
    return g_test_run();
}
