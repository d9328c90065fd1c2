/*
 * The block layer (raw images: byte-offset reads and writes, zero fill past
 * the end, read-only refusal, flush, format checks) and the -drive /
 * -hda / -cdrom parser with its slot assignment.
 */
#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "block/block.h"
#include "block/drive.h"

static char *make_image(size_t size, const void *head, size_t head_len)
{
    char *path = NULL;
    int fd = g_file_open_tmp("mimic-blk-XXXXXX", &path, NULL);
    g_assert_cmpint(fd, >=, 0);
    g_assert_cmpint(ftruncate(fd, size), ==, 0);
    for (size_t i = 0; i < size; i += 4096) {
        uint8_t blk[4096];
        for (size_t j = 0; j < sizeof(blk); j++) {
            blk[j] = (uint8_t)((i + j) * 13 + ((i + j) >> 9));
        }
        g_assert_cmpint(pwrite(fd, blk, MIN(sizeof(blk), size - i), i), >, 0);
    }
    if (head) {
        g_assert_cmpint(pwrite(fd, head, head_len, 0), ==, (ssize_t)head_len);
    }
    close(fd);
    return path;
}

static uint8_t pattern(uint64_t off)
{
    return (uint8_t)(off * 13 + (off >> 9));
}

static void test_raw_rw(void)
{
    char *path = make_image(10000, NULL, 0);
    char *err = NULL;
    BlockBackend *bb = blk_open(path, "raw", false, NULL, &err);
    g_assert_null(err);
    g_assert_nonnull(bb);
    g_assert_cmpuint(blk_size(bb), ==, 10000);
    g_assert_false(blk_is_read_only(bb));

    uint8_t buf[700];
    g_assert_cmpint(blk_pread(bb, 1234, buf, sizeof(buf)), ==, 0);
    for (size_t i = 0; i < sizeof(buf); i++) {
        g_assert_cmpuint(buf[i], ==, pattern(1234 + i));
    }
    /* the tail past the end of the file reads as zeros */
    g_assert_cmpint(blk_pread(bb, 9800, buf, 400), ==, 0);
    for (size_t i = 0; i < 200; i++) {
        g_assert_cmpuint(buf[i], ==, pattern(9800 + i));
    }
    for (size_t i = 200; i < 400; i++) {
        g_assert_cmpuint(buf[i], ==, 0);
    }

    memset(buf, 0xa5, sizeof(buf));
    g_assert_cmpint(blk_pwrite(bb, 513, buf, 300), ==, 0);
    g_assert_cmpint(blk_flush(bb), ==, 0);
    blk_close(bb);

    gchar *data;
    gsize len;
    g_assert_true(g_file_get_contents(path, &data, &len, NULL));
    g_assert_cmpuint(len, ==, 10000);
    g_assert_cmpuint((uint8_t)data[512], ==, pattern(512));
    g_assert_cmpuint((uint8_t)data[513], ==, 0xa5);
    g_assert_cmpuint((uint8_t)data[812], ==, 0xa5);
    g_assert_cmpuint((uint8_t)data[813], ==, pattern(813));
    g_free(data);
    g_unlink(path);
    g_free(path);
}

static void test_raw_readonly(void)
{
    char *path = make_image(4096, NULL, 0);
    char *err = NULL;
    BlockBackend *bb = blk_open(path, NULL, true, NULL, &err);
    g_assert_nonnull(bb);
    g_assert_true(blk_is_read_only(bb));
    uint8_t buf[512] = { 0 };
    g_assert_cmpint(blk_pwrite(bb, 0, buf, sizeof(buf)), ==, -EROFS);
    g_assert_cmpint(blk_flush(bb), ==, 0);
    g_assert_cmpint(blk_pread(bb, 0, buf, sizeof(buf)), ==, 0);
    g_assert_cmpuint(buf[1], ==, pattern(1)); /* nothing was written */
    blk_close(bb);
    g_unlink(path);
    g_free(path);
}

static void test_open_errors(void)
{
    char *err = NULL;
    g_assert_null(blk_open("/nonexistent/disk.img", NULL, false, NULL, &err));
    g_assert_nonnull(strstr(err, "No such file"));
    g_assert_null(strchr(err, '\n'));
    g_clear_pointer(&err, g_free);

    char *path = make_image(4096, "QFI\xfb\0\0\0\3", 8);
    g_assert_null(blk_open(path, NULL, false, NULL, &err));
    g_assert_nonnull(strstr(err, "qcow2 is not supported yet"));
    g_clear_pointer(&err, g_free);
    /* format=raw given explicitly opens the bytes as they are */
    BlockBackend *bb = blk_open(path, "raw", false, NULL, &err);
    g_assert_nonnull(bb);
    blk_close(bb);
    g_assert_null(blk_open(path, "qcow2", false, NULL, &err));
    g_assert_cmpstr(err, ==, "format=qcow2 is not supported yet (only raw)");
    g_clear_pointer(&err, g_free);
    g_assert_null(blk_open(path, "bogus", false, NULL, &err));
    g_assert_cmpstr(err, ==, "format=bogus: unknown image format (only raw)");
    g_clear_pointer(&err, g_free);
    g_unlink(path);
    g_free(path);

    g_assert_null(blk_open(g_get_tmp_dir(), NULL, true, NULL, &err));
    g_assert_nonnull(strstr(err, "is a directory"));
    g_free(err);
}

static void test_no_write_permission(void)
{
    if (geteuid() == 0) {
        g_test_skip("root can write any file");
        return;
    }
    char *path = make_image(4096, NULL, 0);
    g_assert_cmpint(g_chmod(path, 0444), ==, 0);
    char *err = NULL, *warning = NULL;
    BlockBackend *bb = blk_open(path, NULL, false, &warning, &err);
    g_assert_nonnull(bb);
    g_assert_true(blk_is_read_only(bb));
    g_assert_nonnull(strstr(warning, "opened read-only"));
    blk_close(bb);
    g_free(warning);
    g_unlink(path);
    g_free(path);
}

static GPtrArray *drives_new(void)
{
    return g_ptr_array_new_with_free_func(drive_config_free);
}

static void test_drive_legacy(void)
{
    GPtrArray *d = drives_new();
    char *err = NULL;
    g_assert_cmpint(drive_add_legacy(d, "hda", 0, DRIVE_MEDIA_DISK, "a.img", &err), ==, 0);
    g_assert_cmpint(drive_add_legacy(d, "cdrom", 2, DRIVE_MEDIA_CDROM, "x.iso", &err), ==, 0);
    g_assert_cmpint(drive_add_legacy(d, "hdb", 1, DRIVE_MEDIA_DISK, "b.img", &err), ==, 0);
    const DriveConfig *c = drive_find(d, 1, 0);
    g_assert_nonnull(c);
    g_assert_cmpstr(c->file, ==, "x.iso");
    g_assert_cmpint(c->media, ==, DRIVE_MEDIA_CDROM);
    g_assert_true(c->readonly);
    c = drive_find(d, 0, 1);
    g_assert_cmpstr(c->file, ==, "b.img");
    g_assert_false(c->readonly);
    /* -hdc and -cdrom both want index 2 */
    g_assert_cmpint(drive_add_legacy(d, "hdc", 2, DRIVE_MEDIA_DISK, "c.img", &err), ==, -1);
    g_assert_cmpstr(err, ==, "-hdc c.img: IDE bus 1 unit 0 (index 2) is already in use");
    g_free(err);
    g_ptr_array_free(d, TRUE);
}

static void test_drive_spec(void)
{
    GPtrArray *d = drives_new();
    char *err = NULL;
    g_assert_cmpint(drive_add_spec(d, "file=a.img,format=raw,if=ide,index=3", &err), ==, 0);
    g_assert_cmpint(drive_add_spec(d, "file=b.img,bus=1,unit=0,readonly=on", &err), ==, 0);
    g_assert_cmpint(drive_add_spec(d, "if=ide,media=cdrom", &err), ==, 0); /* first free: 0 */
    g_assert_cmpint(drive_add_spec(d, "file=c.img,bus=0", &err), ==, 0);   /* bus 0 unit 1 */
    const DriveConfig *c = drive_find(d, 1, 1);
    g_assert_cmpstr(c->file, ==, "a.img");
    g_assert_cmpstr(c->format, ==, "raw");
    c = drive_find(d, 1, 0);
    g_assert_true(c->readonly);
    c = drive_find(d, 0, 0);
    g_assert_null(c->file);
    g_assert_cmpint(c->media, ==, DRIVE_MEDIA_CDROM);
    c = drive_find(d, 0, 1);
    g_assert_cmpstr(c->file, ==, "c.img");
    g_assert_false(c->readonly);
    g_assert_cmpint(drive_add_spec(d, "file=e.img", &err), ==, -1);
    g_assert_cmpstr(err, ==, "-drive file=e.img: all 4 IDE slots are taken");
    g_free(err);
    g_ptr_array_free(d, TRUE);
}

static void check_spec_error(const char *spec, const char *want)
{
    GPtrArray *d = drives_new();
    char *err = NULL;
    g_assert_cmpint(drive_add_spec(d, spec, &err), ==, -1);
    g_assert_cmpstr(err, ==, want);
    g_assert_cmpuint(d->len, ==, 0);
    g_free(err);
    g_ptr_array_free(d, TRUE);
}

static void test_drive_errors(void)
{
    check_spec_error("file=a.img,if=virtio", "-drive file=a.img,if=virtio: if=virtio is not supported yet (only if=ide)");
    check_spec_error("file=a.img,if=nvme", "-drive file=a.img,if=nvme: if=nvme: unknown interface (only if=ide)");
    check_spec_error("file=a.img,format=qcow2",
                     "-drive file=a.img,format=qcow2: format=qcow2 is not supported yet (only raw)");
    check_spec_error("file=a.img,cache=none",
                     "-drive file=a.img,cache=none: unknown or unsupported key 'cache' (mimic knows file, "
                     "format, if, index, bus, unit, media, readonly)");
    check_spec_error("file=a.img,index=4", "-drive file=a.img,index=4: index=4: must be 0 to 3");
    check_spec_error("file=a.img,unit=2", "-drive file=a.img,unit=2: unit=2: must be 0 to 1");
    check_spec_error("file=a.img,index=1,bus=0", "-drive file=a.img,index=1,bus=0: index= cannot go with bus= or unit=");
    check_spec_error("if=ide", "-drive if=ide: a disk needs file= (only a cdrom may be empty)");
    check_spec_error("file=a.iso,media=floppy", "-drive file=a.iso,media=floppy: media=floppy: must be disk or cdrom");
    check_spec_error("file=a.iso,media=cdrom,readonly=off", "-drive file=a.iso,media=cdrom,readonly=off: a cdrom is always read-only");
    check_spec_error("file=a.img,readonly=maybe", "-drive file=a.img,readonly=maybe: property 'readonly': 'maybe' is not on or off");
}

static void test_drive_open(void)
{
    char *path = make_image(1 << 20, NULL, 0);
    GPtrArray *d = drives_new();
    char *spec = g_strdup_printf("file=%s,readonly=on", path);
    char *err = NULL;
    g_assert_cmpint(drive_add_spec(d, spec, &err), ==, 0);
    BlockBackend *bb = drive_open(g_ptr_array_index(d, 0), NULL, &err);
    g_assert_nonnull(bb);
    g_assert_true(blk_is_read_only(bb));
    g_assert_cmpuint(blk_size(bb), ==, 1 << 20);
    blk_close(bb);
    g_assert_cmpint(drive_add_legacy(d, "hdb", 1, DRIVE_MEDIA_DISK, "/nonexistent.img", &err), ==, 0);
    g_assert_null(drive_open(g_ptr_array_index(d, 1), NULL, &err));
    g_assert_cmpstr(err, ==, "-hdb /nonexistent.img: /nonexistent.img: No such file or directory");
    g_free(err);
    g_free(spec);
    g_ptr_array_free(d, TRUE);
    g_unlink(path);
    g_free(path);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/block/raw-rw", test_raw_rw);
    g_test_add_func("/block/raw-readonly", test_raw_readonly);
    g_test_add_func("/block/open-errors", test_open_errors);
    g_test_add_func("/block/no-write-permission", test_no_write_permission);
    g_test_add_func("/block/drive-legacy", test_drive_legacy);
    g_test_add_func("/block/drive-spec", test_drive_spec);
    g_test_add_func("/block/drive-errors", test_drive_errors);
    g_test_add_func("/block/drive-open", test_drive_open);
    return g_test_run();
}
