/*
 * Reset sources: the PIIX reset control register at 0xCF9 (bit 2 going
 * 0 -> 1 resets; Linux's "reboot=pci" writes 0x02 then 0x06, ACPI's reset
 * register writes 0x06) and system control port A at 0x92 (bit 0 going
 * 0 -> 1 resets, bit 1 is A20).
 */
#include <glib.h>

#include "hw/misc/reset-control.h"
#include "system/runstate.h"

static void tm_init(Machine *m)
{
    *m = (Machine){ 0 };
    m->mem = as_create("memory", 1ull << 32);
    m->io = as_create("io", 0x10000);
    reset_control_create(m);
    runstate_take_reset();
}

static void tm_free(Machine *m)
{
    g_ptr_array_free(m->owned, TRUE);
    g_array_free(m->reset_hooks, TRUE);
    as_destroy(m->io);
    as_destroy(m->mem);
}

static void test_cf9(void)
{
    Machine m;
    tm_init(&m);
    g_assert_cmphex(as_read(m.io, 0xcf9, 1), ==, 0x00);
    /* choosing a hard reset does not start one */
    as_write(m.io, 0xcf9, 0x02, 1);
    g_assert_false(runstate_take_reset());
    g_assert_cmphex(as_read(m.io, 0xcf9, 1), ==, 0x02);
    as_write(m.io, 0xcf9, 0x06, 1);
    g_assert_true(runstate_take_reset());
    g_assert_cmphex(as_read(m.io, 0xcf9, 1), ==, 0x06);
    /* RST_CPU already 1: writing 1 again is no new transition */
    as_write(m.io, 0xcf9, 0x06, 1);
    g_assert_false(runstate_take_reset());
    /* the reset itself clears the register, so the ACPI write 0x06 works again */
    machine_reset(&m);
    g_assert_cmphex(as_read(m.io, 0xcf9, 1), ==, 0x00);
    as_write(m.io, 0xcf9, 0x06, 1);
    g_assert_true(runstate_take_reset());
    /* a soft reset (SYS_RST 0) is a reset too */
    as_write(m.io, 0xcf9, 0x00, 1);
    as_write(m.io, 0xcf9, 0x04, 1);
    g_assert_true(runstate_take_reset());
    /* only the byte at 0xCF9 is claimed: 0xCF8 stays free for PCI */
    g_assert_null(as_find(m.io, 0xcf8));
    g_assert_null(as_find(m.io, 0xcfa));
    tm_free(&m);
}

static void test_port92(void)
{
    Machine m;
    tm_init(&m);
    /* A20 reads enabled (mimic never disables it) */
    g_assert_cmphex(as_read(m.io, 0x92, 1), ==, 0x02);
    as_write(m.io, 0x92, 0x00, 1);
    g_assert_false(runstate_take_reset());
    g_assert_cmphex(as_read(m.io, 0x92, 1), ==, 0x00);
    as_write(m.io, 0x92, 0x02, 1);
    g_assert_false(runstate_take_reset());
    as_write(m.io, 0x92, 0x03, 1);
    g_assert_true(runstate_take_reset());
    g_assert_cmphex(as_read(m.io, 0x92, 1), ==, 0x03);
    /* bit 0 held at 1: no new edge */
    as_write(m.io, 0x92, 0x03, 1);
    g_assert_false(runstate_take_reset());
    as_write(m.io, 0x92, 0x02, 1);
    as_write(m.io, 0x92, 0x01, 1);
    g_assert_true(runstate_take_reset());
    machine_reset(&m);
    g_assert_cmphex(as_read(m.io, 0x92, 1), ==, 0x02);
    tm_free(&m);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/reset/cf9", test_cf9);
    g_test_add_func("/reset/port92", test_port92);
    return g_test_run();
}
