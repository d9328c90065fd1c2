/*
 * -boot: parsing, the CMOS bytes SeaBIOS reads (0x3D/0x38 boot sequence
 * with codes 1 floppy, 2 disk, 3 CD-ROM, 4 network; 0x39 two translation
 * bits per ATA drive) and the fw_cfg "bootorder" file with the PIIX IDE
 * OpenFirmware paths.
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "block/drive.h"
#include "hw/pc/boot-order.h"

static void expect_parse_error(const char *arg, const char *want)
{
    const char *order = NULL;
    int menu = BOOT_MENU_DEFAULT;
    char *err = NULL;
    g_assert_cmpint(boot_order_parse(arg, &order, &menu, &err), ==, -1);
    g_assert_cmpstr(err, ==, want);
    g_assert_null(order);
    g_free(err);
}

static void test_parse(void)
{
    const char *order = NULL;
    int menu = BOOT_MENU_DEFAULT;
    char *err = NULL;
    g_assert_cmpint(boot_order_parse("d", &order, &menu, &err), ==, 0);
    g_assert_cmpstr(order, ==, "d");
    g_assert_cmpint(menu, ==, BOOT_MENU_DEFAULT);
    g_assert_cmpint(boot_order_parse("order=dc,menu=on", &order, &menu, &err), ==, 0);
    g_assert_cmpstr(order, ==, "dc");
    g_assert_cmpint(menu, ==, 1);
    g_assert_cmpint(boot_order_parse("menu=off", &order, &menu, &err), ==, 0);
    g_assert_cmpstr(order, ==, "dc");
    g_assert_cmpint(menu, ==, 0);

    expect_parse_error("dx", "-boot dx: invalid boot device 'x' (a floppy, c hard disk, d CD-ROM, n network)");
    expect_parse_error("order=cdc", "-boot cdc: boot device 'c' was given twice");
    expect_parse_error("cdna", "-boot cdna: at most 3 boot devices on a pc");
    expect_parse_error("once=d", "-boot once=d: unknown or unsupported key 'once' (mimic knows order, menu)");
    expect_parse_error("menu=maybe", "-boot menu=maybe: property 'menu': 'maybe' is not on or off");
    expect_parse_error("order=", "-boot: empty boot order");
}

typedef struct Fixture {
    Machine m;
    RTCState *rtc;
    FWCfgState *fw;
    IdeBus *bus[2];
    GPtrArray *drives;
    char *path[2];
} Fixture;

static char *make_image(uint64_t size)
{
    char *path = NULL;
    int fd = g_file_open_tmp("mimic-boot-XXXXXX", &path, NULL);
    g_assert_cmpint(fd, >=, 0);
    g_assert_cmpint(ftruncate(fd, size), ==, 0);
    close(fd);
    return path;
}

/* hda: 1 GiB (more than 1024 cylinders), hdb: 100 MiB, cdrom at index 2 */
static void fixture_init(Fixture *f)
{
    memset(f, 0, sizeof(*f));
    f->m.mem = as_create("memory", 1ull << 32);
    f->m.io = as_create("io", 0x10000);
    f->rtc = mc146818_create(&f->m, 0x70, NULL);
    f->fw = fw_cfg_new(f->m.mem);
    f->bus[0] = ide_bus_create(&f->m, 0x1f0, 0x3f6, NULL);
    f->bus[1] = ide_bus_create(&f->m, 0x170, 0x376, NULL);
    f->drives = g_ptr_array_new_with_free_func(drive_config_free);
    f->path[0] = make_image(1ull << 30);
    f->path[1] = make_image(100ull << 20);
    char *err = NULL;
    g_assert_cmpint(drive_add_legacy(f->drives, "hda", 0, DRIVE_MEDIA_DISK, f->path[0], &err), ==, 0);
    g_assert_cmpint(drive_add_legacy(f->drives, "hdb", 1, DRIVE_MEDIA_DISK, f->path[1], &err), ==, 0);
    g_assert_cmpint(drive_add_spec(f->drives, "if=ide,media=cdrom", &err), ==, 0);
    for (guint i = 0; i < f->drives->len; i++) {
        const DriveConfig *d = g_ptr_array_index(f->drives, i);
        BlockBackend *bb = d->file ? drive_open(d, NULL, &err) : NULL;
        g_assert_null(err);
        IdeKind kind = d->media == DRIVE_MEDIA_CDROM ? IDE_KIND_CD : IDE_KIND_HD;
        g_assert_cmpint(ide_attach(f->bus[d->bus], d->unit, kind, bb, &err), ==, 0);
    }
}

static void fixture_free(Fixture *f)
{
    fw_cfg_free(f->fw);
    g_ptr_array_free(f->drives, TRUE);
    g_ptr_array_free(f->m.owned, TRUE);
    g_array_free(f->m.reset_hooks, TRUE);
    as_destroy(f->m.io);
    as_destroy(f->m.mem);
    for (int i = 0; i < 2; i++) {
        g_unlink(f->path[i]);
        g_free(f->path[i]);
    }
}

static void test_default(void)
{
    Fixture f;
    fixture_init(&f);
    boot_order_setup(f.rtc, f.fw, NULL, BOOT_MENU_DEFAULT, f.drives, f.bus);
    /* "cad": disk, floppy, CD-ROM */
    g_assert_cmphex(mc146818_get_cmos(f.rtc, 0x3d), ==, 0x12);
    g_assert_cmphex(mc146818_get_cmos(f.rtc, 0x38), ==, 0x30);
    /* hda (drive 0) has 1 GiB / (16 * 63 * 512) = 2080 cylinders: LBA */
    g_assert_cmphex(mc146818_get_cmos(f.rtc, 0x39), ==, 0x01);
    size_t len;
    g_assert_null(fw_cfg_get_file(f.fw, "bootorder", &len));
    fixture_free(&f);
}

static void test_order(void)
{
    Fixture f;
    fixture_init(&f);
    boot_order_setup(f.rtc, f.fw, "dc", 1, f.drives, f.bus);
    g_assert_cmphex(mc146818_get_cmos(f.rtc, 0x3d), ==, 0x23);
    g_assert_cmphex(mc146818_get_cmos(f.rtc, 0x38), ==, 0x00);
    size_t len;
    const uint8_t *b = fw_cfg_get_file(f.fw, "bootorder", &len);
    g_assert_nonnull(b);
    g_assert_cmpstr((const char *)b, ==,
                    "/pci@i0cf8/ide@1,1/drive@1/disk@0\n"
                    "/pci@i0cf8/ide@1,1/drive@0/disk@0\n"
                    "/pci@i0cf8/ide@1,1/drive@0/disk@1\n");
    fixture_free(&f);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/boot-order/parse", test_parse);
    g_test_add_func("/boot-order/default", test_default);
    g_test_add_func("/boot-order/order", test_order);
    return g_test_run();
}
