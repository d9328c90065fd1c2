/* Unit tests of system/options.c and the property parser in hw/core/device.c. */
#include <glib.h>
#include <string.h>

#include "hw/core/device.h"
#include "system/options.h"

static int parse(MachineConfig *cfg, char **err, ...)
{
    va_list ap;
    GPtrArray *argv = g_ptr_array_new();
    g_ptr_array_add(argv, "mimic");
    va_start(ap, err);
    for (char *a; (a = va_arg(ap, char *));) {
        g_ptr_array_add(argv, a);
    }
    va_end(ap);
    *err = NULL;
    int r = options_parse(argv->len, (char **)argv->pdata, cfg, err);
    g_ptr_array_free(argv, TRUE);
    return r;
}

static void expect_error(const char *fragment, ...)
{
    /* at most six arguments in these tests */
    va_list ap;
    char *a[7] = { 0 };
    va_start(ap, fragment);
    for (int i = 0; i < 6 && (a[i] = va_arg(ap, char *)); i++) {
    }
    va_end(ap);
    MachineConfig cfg;
    char *err;
    g_assert_cmpint(parse(&cfg, &err, a[0], a[1], a[2], a[3], a[4], a[5], NULL), ==, -1);
    g_assert_nonnull(err);
    g_assert_null(strchr(err, '\n'));
    if (!strstr(err, fragment)) {
        g_error("error '%s' does not mention '%s'", err, fragment);
    }
    g_free(err);
    options_free(&cfg);
}

static void test_defaults(void)
{
    MachineConfig cfg;
    char *err;
    g_assert_cmpint(parse(&cfg, &err, "-kernel", "k", NULL), ==, OPTIONS_RUN);
    g_assert_cmpuint(cfg.ram_size, ==, 128u << 20);
    g_assert_cmpstr(cfg.accel, ==, "kvm");
    g_assert_cmpstr(cfg.machine_type, ==, "pc");
    g_assert_cmpstr(cfg.cpu_model, ==, "mimic64");
    g_assert_true(cfg.kernel_irqchip);
    g_assert_cmpuint(cfg.serials->len, ==, 0);
    options_free(&cfg);
}

static void test_full(void)
{
    MachineConfig cfg;
    char *err;
    g_assert_cmpint(parse(&cfg, &err, "-m", "1G", "-enable-kvm", "-machine", "pc,kernel-irqchip=off",
                          "-nographic", "-kernel", "k", "-initrd", "i", "--append", "console=ttyS0",
                          "-no-reboot", "-device", "isa-debug-exit,iobase=0xf4", "-name", "guest=vm1",
                          NULL),
                    ==, OPTIONS_RUN);
    g_assert_cmpuint(cfg.ram_size, ==, 1u << 30);
    g_assert_false(cfg.kernel_irqchip);
    g_assert_true(cfg.nographic);
    g_assert_true(cfg.no_reboot);
    g_assert_cmpstr(cfg.append, ==, "console=ttyS0");
    g_assert_cmpstr(cfg.name, ==, "vm1");
    /* -nographic puts the first serial port on the multiplexed stdio */
    g_assert_cmpuint(cfg.serials->len, ==, 1);
    g_assert_cmpstr(g_ptr_array_index(cfg.serials, 0), ==, "mon:stdio");
    g_assert_cmpuint(cfg.devices->len, ==, 1);
    options_free(&cfg);

    g_assert_cmpint(parse(&cfg, &err, "-nographic", "-serial", "file:/tmp/x", "-M", "type=pc", NULL),
                    ==, OPTIONS_RUN);
    g_assert_cmpstr(g_ptr_array_index(cfg.serials, 0), ==, "file:/tmp/x");
    options_free(&cfg);
}

static void test_errors(void)
{
    expect_error("-m abc", "-m", "abc", NULL);
    expect_error("-m -5", "-m", "-5", NULL);
    expect_error("between", "-m", "0", NULL);
    expect_error("between", "-m", "1P", NULL);
    expect_error("not a size", "-m", "12Q", NULL);
    expect_error("-frobnicate: unknown option", "-frobnicate", NULL);
    expect_error("needs an argument", "-kernel", NULL);
    expect_error("one vCPU", "-smp", "2", NULL);
    expect_error("unknown machine type 'foo'", "-machine", "foo", NULL);
    expect_error("kernel-irqchip", "-machine", "pc,kernel-irqchip=maybe", NULL);
    expect_error("unknown property 'bar'", "-machine", "pc,bar=1", NULL);
    expect_error("unknown accelerator", "-accel", "hvf", NULL);
    expect_error("unknown CPU model", "-cpu", "pentium9", NULL);
    expect_error("not built yet", "-display", "sdl", NULL);
    expect_error("not an option", "disk.img", NULL);
}

/* -global isa-debugcon.iobase= moves -debugcon's port (0 keeps 0xE9) */
static void test_debugcon_iobase(void)
{
    MachineConfig cfg;
    char *err;
    g_assert_cmpint(parse(&cfg, &err, "-kernel", "k", "-debugcon", "file:/tmp/x", NULL), ==, OPTIONS_RUN);
    g_assert_cmpstr(cfg.debugcon, ==, "file:/tmp/x");
    g_assert_cmpuint(cfg.debugcon_iobase, ==, 0);
    options_free(&cfg);
    g_assert_cmpint(parse(&cfg, &err, "-kernel", "k", "-debugcon", "file:/tmp/x", "-global",
                          "isa-debugcon.iobase=0x402", NULL), ==, OPTIONS_RUN);
    g_assert_cmpuint(cfg.debugcon_iobase, ==, 0x402);
    options_free(&cfg);
    expect_error("only isa-debugcon.iobase", "-global", "isa-serial.iobase=0x3f8", NULL);
    expect_error("not an I/O port", "-global", "isa-debugcon.iobase=0x10000", NULL);
    expect_error("not an I/O port", "-global", "isa-debugcon.iobase=0", NULL);
    expect_error("not an I/O port", "-global", "isa-debugcon.iobase=port", NULL);
}

static void test_sizes(void)
{
    uint64_t v;
    g_assert_true(parse_size("256", 1 << 20, &v));
    g_assert_cmpuint(v, ==, 256u << 20);
    g_assert_true(parse_size("1.5G", 1 << 20, &v));
    g_assert_cmpuint(v, ==, 3ull << 29);
    g_assert_true(parse_size("64MiB", 1 << 20, &v));
    g_assert_cmpuint(v, ==, 64u << 20);
    g_assert_false(parse_size("", 1, &v));
    g_assert_false(parse_size("1.3B", 1, &v));
    g_assert_false(parse_size("99999999999999999999T", 1, &v));
    g_assert_true(parse_u64("0xf4", &v));
    g_assert_cmpuint(v, ==, 0xf4);
    g_assert_false(parse_u64("zz", &v));
    g_assert_false(parse_u64("-1", &v));
}

static void test_props(void)
{
    char *err = NULL;
    DeviceProps *p = props_parse("iobase=0xf4,iosize=4,server", &err);
    g_assert_nonnull(p);
    uint64_t v;
    bool b;
    g_assert_true(props_get_u64(p, "iobase", 0, &v, &err));
    g_assert_cmpuint(v, ==, 0xf4);
    g_assert_true(props_get_bool(p, "server", false, &b, &err));
    g_assert_true(b);
    g_assert_cmpstr(props_unused(p), ==, "iosize");
    props_free(p);
    g_assert_null(props_parse("a=1,a=2", &err));
    g_assert_nonnull(strstr(err, "twice"));
    g_free(err);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/options/defaults", test_defaults);
    g_test_add_func("/options/full", test_full);
    g_test_add_func("/options/errors", test_errors);
    g_test_add_func("/options/sizes", test_sizes);
    g_test_add_func("/options/debugcon-iobase", test_debugcon_iobase);
    g_test_add_func("/options/props", test_props);
    return g_test_run();
}
