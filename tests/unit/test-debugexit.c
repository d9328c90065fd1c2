/*
 * isa-debug-exit: property checking through the -device path, and the exit
 * status (V << 1) | 1 for a write of V.
 */
#include <glib.h>
#include <string.h>

#include "hw/core/device.h"
#include "system/main-loop.h"
#include "system/runstate.h"

static void tm_init(Machine *m)
{
    *m = (Machine){ 0 };
    m->mem = as_create("memory", 1ull << 32);
    m->io = as_create("io", 0x10000);
}

static void tm_free(Machine *m)
{
    as_destroy(m->io);
    as_destroy(m->mem);
}

/* Create from a -device argument; returns the error message or NULL. */
static char *try_create(Machine *m, const char *arg)
{
    char *err = NULL;
    int r = device_create(m, arg, &err);
    g_assert_cmpint(r, ==, err ? -1 : 0);
    return err;
}

static void expect_error(const char *arg, const char *fragment)
{
    Machine m;
    tm_init(&m);
    char *err = try_create(&m, arg);
    g_assert_nonnull(err);
    if (!strstr(err, fragment)) {
        g_test_message("'%s': message '%s' lacks '%s'", arg, err, fragment);
        g_test_fail();
    }
    g_free(err);
    tm_free(&m);
}

static void test_props(void)
{
    expect_error("isa-debug-exit,iosize=3", "iosize");
    expect_error("isa-debug-exit,iosize=0", "iosize");
    expect_error("isa-debug-exit,iosize=8", "iosize");
    expect_error("isa-debug-exit,iobase=junk", "iobase");
    expect_error("isa-debug-exit,iobase=0xfffe,iosize=4", "I/O space");
    expect_error("isa-debug-exit,iobase=0x10000,iosize=1", "I/O space");
    expect_error("isa-debug-exit,iobase=0xffffffffffffffff", "I/O space");
    expect_error("isa-debug-exit,iobse=0xf4", "iobse");

    Machine m;
    tm_init(&m);
    /* the defaults: two ports at 0x501 */
    g_assert_null(try_create(&m, "isa-debug-exit"));
    MemRegion *r = as_find(m.io, 0x501);
    g_assert_nonnull(r);
    g_assert_cmphex(r->base, ==, 0x501);
    g_assert_cmpuint(r->size, ==, 2);
    /* what tests/guest programs use */
    g_assert_null(try_create(&m, "isa-debug-exit,iobase=0xf4,iosize=0x04"));
    r = as_find(m.io, 0xf7);
    g_assert_nonnull(r);
    g_assert_cmphex(r->base, ==, 0xf4);
    g_assert_cmpuint(r->size, ==, 4);
    /* reads are all-ones */
    g_assert_cmphex(as_read(m.io, 0xf4, 4), ==, 0xffffffff);
    g_assert_cmphex(as_read(m.io, 0xf4, 1), ==, 0xff);
    /* a second device over the same ports is refused */
    char *err = try_create(&m, "isa-debug-exit,iobase=0xf6,iosize=2");
    g_assert_nonnull(err);
    g_assert_nonnull(strstr(err, "overlaps"));
    g_free(err);
    g_assert_false(runstate_exit_requested());
    tm_free(&m);
}

typedef struct ExitCase {
    const char *device;
    uint16_t port;
    uint32_t value;
    unsigned size;
    int status;
} ExitCase;

static const ExitCase exit_cases[] = {
    { "isa-debug-exit,iobase=0xf4,iosize=0x04", 0xf4, 0x00, 1, 1 },
    { "isa-debug-exit,iobase=0xf4,iosize=0x04", 0xf4, 0x03, 1, 7 },
    { "isa-debug-exit,iobase=0xf4,iosize=0x04", 0xf4, 0x12345, 4, 0x2468b },
    { "isa-debug-exit", 0x501, 0x0102, 2, 0x0205 },
};

static Machine exit_machine;
static const ExitCase *exit_case;

/* Runs inside the main loop, as a vCPU's port write would. */
static gboolean exit_write(gpointer opaque)
{
    as_write(exit_machine.io, exit_case->port, exit_case->value, exit_case->size);
    g_assert_true(runstate_exit_requested());
    return G_SOURCE_REMOVE;
}

/* Each exit runs in a child: the request is sticky for the process. */
static void test_exit(gconstpointer data)
{
    if (g_test_subprocess()) {
        exit_case = data;
        tm_init(&exit_machine);
        main_loop_init();
        g_assert_null(try_create(&exit_machine, exit_case->device));
        g_idle_add(exit_write, NULL);
        g_assert_cmpint(main_loop_run(), ==, exit_case->status);
        tm_free(&exit_machine);
        return;
    }
    g_test_trap_subprocess(NULL, 30 * G_USEC_PER_SEC, 0);
    g_test_trap_assert_passed();
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/debugexit/props", test_props);
    for (size_t i = 0; i < G_N_ELEMENTS(exit_cases); i++) {
        char *path = g_strdup_printf("/debugexit/exit/%zu", i);
        g_test_add_data_func(path, &exit_cases[i], test_exit);
        g_free(path);
    }
    return g_test_run();
}
