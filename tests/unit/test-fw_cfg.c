/*
 * fw_cfg through its ports as SeaBIOS drives it (QEMU docs/specs/fw_cfg.rst:
 * selector 0x510, data 0x511, DMA address 0x514 big-endian), the file
 * directory, the boot order file, the items the pc firmware path adds, the
 * ACPI linker/loader script run the way SeaBIOS runs it, and loading the
 * firmware image.
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "hw/pc/firmware.h"
#include "hw/pc/fw_cfg.h"

#define RAM_SIZE (16u << 20)

typedef struct TM {
    Machine m;
    MachineConfig cfg;
    FWCfgState *fw;
} TM;

static TM *tm_new(void)
{
    TM *t = g_new0(TM, 1);
    t->m.mem = as_create("memory", 1ull << 52);
    t->m.io = as_create("io", 0x10000);
    t->m.ram_size = RAM_SIZE;
    t->m.ram = g_malloc0(RAM_SIZE);
    t->m.cfg = &t->cfg;
    g_assert_nonnull(as_add_ram(t->m.mem, "ram", 0, RAM_SIZE, t->m.ram, false, NULL));
    t->fw = fw_cfg_create(&t->m);
    return t;
}

static void tm_free(TM *t)
{
    g_ptr_array_free(t->m.owned, TRUE);
    g_array_free(t->m.reset_hooks, TRUE);
    as_destroy(t->m.io);
    as_destroy(t->m.mem);
    g_free(t->m.ram);
    g_free(t);
}

static void port_select(TM *t, uint16_t key)
{
    as_write(t->m.io, 0x510, key, 2);
}

static void port_read(TM *t, void *buf, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        ((uint8_t *)buf)[i] = (uint8_t)as_read(t->m.io, 0x511, 1);
    }
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
}

static void put_be32(uint8_t *p, uint32_t v)
{
    p[0] = v >> 24;
    p[1] = v >> 16;
    p[2] = v >> 8;
    p[3] = v;
}

static void test_signature_and_id(void)
{
    TM *t = tm_new();
    char sig[5] = { 0 };
    port_select(t, FW_CFG_SIGNATURE);
    port_read(t, sig, 4);
    g_assert_cmpstr(sig, ==, "QEMU");
    /* past the end: zeros */
    g_assert_cmphex(as_read(t->m.io, 0x511, 1), ==, 0);
    uint8_t id[4];
    port_select(t, FW_CFG_ID);
    port_read(t, id, 4);
    g_assert_cmphex(ld32(id), ==, FW_CFG_VERSION | FW_CFG_VERSION_DMA);
    /* the DMA register reads "QEMU CFG" big-endian */
    uint32_t hi = (uint32_t)as_read(t->m.io, 0x514, 4), lo = (uint32_t)as_read(t->m.io, 0x518, 4);
    g_assert_cmphex(GUINT32_FROM_BE(hi), ==, 0x51454d55);
    g_assert_cmphex(GUINT32_FROM_BE(lo), ==, 0x20434647);
    /* an unknown key reads zeros; so does the legacy write selector */
    port_select(t, 0x1ff);
    g_assert_cmphex(as_read(t->m.io, 0x511, 1), ==, 0);
    port_select(t, 0x4000 | FW_CFG_SIGNATURE);
    g_assert_cmphex(as_read(t->m.io, 0x511, 1), ==, 0);
    /* integers are little-endian; arch-local keys are their own space */
    fw_cfg_add_i64(t->fw, FW_CFG_RAM_SIZE, 0x123456789aull);
    fw_cfg_add_i32(t->fw, FW_CFG_E820_TABLE, 0xcafe);
    uint8_t v[8];
    port_select(t, FW_CFG_RAM_SIZE);
    port_read(t, v, 8);
    g_assert_cmphex(ld64(v), ==, 0x123456789aull);
    port_select(t, FW_CFG_E820_TABLE);
    port_read(t, v, 4);
    g_assert_cmphex(ld32(v), ==, 0xcafe);
    port_select(t, FW_CFG_E820_TABLE & 0x3fff); /* key 3 without the arch bit: RAM size */
    g_assert_cmphex(as_read(t->m.io, 0x511, 1), ==, 0x9a);
    tm_free(t);
}

/* Find name in the directory read through the ports: its key and size. */
static bool dir_lookup(TM *t, const char *name, uint16_t *key, uint32_t *size)
{
    uint8_t cnt[4];
    port_select(t, FW_CFG_FILE_DIR);
    port_read(t, cnt, 4);
    uint32_t n = be32(cnt);
    for (uint32_t i = 0; i < n; i++) {
        uint8_t e[64];
        port_read(t, e, 64);
        if (!strcmp((char *)e + 8, name)) {
            *size = be32(e);
            *key = (uint16_t)(e[4] << 8 | e[5]);
            return true;
        }
    }
    return false;
}

static void test_files(void)
{
    TM *t = tm_new();
    g_assert_cmpint(fw_cfg_add_file(t->fw, "etc/one", "abc", 3), ==, FW_CFG_FILE_FIRST);
    g_assert_cmpint(fw_cfg_add_file(t->fw, "etc/two", "hello world", 11), ==, FW_CFG_FILE_FIRST + 1);
    uint16_t key;
    uint32_t size;
    g_assert_true(dir_lookup(t, "etc/two", &key, &size));
    g_assert_cmpint(key, ==, FW_CFG_FILE_FIRST + 1);
    g_assert_cmpint(size, ==, 11);
    char buf[12] = { 0 };
    port_select(t, key);
    port_read(t, buf, 11);
    g_assert_cmpstr(buf, ==, "hello world");
    /* replacing keeps the key, the directory shows the new size */
    g_assert_cmpint(fw_cfg_add_file(t->fw, "etc/one", "abcdef", 6), ==, FW_CFG_FILE_FIRST);
    g_assert_true(dir_lookup(t, "etc/one", &key, &size));
    g_assert_cmpint(size, ==, 6);
    g_assert_false(dir_lookup(t, "etc/three", &key, &size));
    /* a name that does not fit the 56-byte field is refused */
    char longname[80];
    memset(longname, 'x', sizeof(longname) - 1);
    longname[79] = 0;
    g_assert_cmpint(fw_cfg_add_file(t->fw, longname, "", 0), ==, -1);
    tm_free(t);
}

/* Write a DMA descriptor at desc and start it the way SeaBIOS does. */
static uint32_t dma(TM *t, uint64_t desc, uint32_t control, uint32_t len, uint64_t addr)
{
    uint8_t d[16];
    put_be32(d, control);
    put_be32(d + 4, len);
    put_be32(d + 8, addr >> 32);
    put_be32(d + 12, (uint32_t)addr);
    memcpy(t->m.ram + desc, d, 16);
    as_write(t->m.io, 0x514, GUINT32_TO_BE((uint32_t)(desc >> 32)), 4);
    as_write(t->m.io, 0x518, GUINT32_TO_BE((uint32_t)desc), 4);
    return be32(t->m.ram + desc);
}

static void test_dma(void)
{
    TM *t = tm_new();
    uint8_t data[6000];
    for (size_t i = 0; i < sizeof(data); i++) {
        data[i] = (uint8_t)(i * 13);
    }
    int key = fw_cfg_add_file(t->fw, "etc/blob", data, sizeof(data));
    /* select + read the first 100 bytes */
    uint32_t ctl = dma(t, 0x1000, (uint32_t)key << 16 | FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_READ, 100, 0x20000);
    g_assert_cmphex(ctl, ==, 0);
    g_assert_cmpmem(t->m.ram + 0x20000, 100, data, 100);
    /* skip 900, then read the rest across the 4 KiB chunk size and past the end */
    g_assert_cmphex(dma(t, 0x1000, FW_CFG_DMA_CTL_SKIP, 900, 0), ==, 0);
    memset(t->m.ram + 0x30000, 0xee, 8000);
    g_assert_cmphex(dma(t, 0x1000, FW_CFG_DMA_CTL_READ, 5500, 0x30000), ==, 0);
    g_assert_cmpmem(t->m.ram + 0x30000, 5000, data + 1000, 5000);
    for (int i = 5000; i < 5500; i++) {
        g_assert_cmphex(t->m.ram[0x30000 + i], ==, 0); /* beyond the item: zeros */
    }
    g_assert_cmphex(t->m.ram[0x30000 + 5500], ==, 0xee);
    /* the port interface continues where DMA left: at the end now */
    g_assert_cmphex(as_read(t->m.io, 0x511, 1), ==, 0);
    /* writes are not supported: error bit */
    g_assert_cmphex(dma(t, 0x1000, (uint32_t)key << 16 | FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_WRITE, 4,
                        0x20000), ==, FW_CFG_DMA_CTL_ERROR);
    g_assert_cmpmem(t->m.ram + 0x20000, 4, data, 4);
    /* a destination outside RAM: error, no crash */
    g_assert_cmphex(dma(t, 0x1000, (uint32_t)key << 16 | FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_READ, 16,
                        0x7fff0000000ull), ==, FW_CFG_DMA_CTL_ERROR);
    /* select only: the port reads from the start of that item */
    g_assert_cmphex(dma(t, 0x1000, FW_CFG_SIGNATURE << 16 | FW_CFG_DMA_CTL_SELECT, 0, 0), ==, 0);
    g_assert_cmphex(as_read(t->m.io, 0x511, 1), ==, 'Q');
    /* a descriptor in unassigned memory is ignored */
    as_write(t->m.io, 0x514, 0, 4);
    as_write(t->m.io, 0x518, GUINT32_TO_BE(0xf0000000u), 4);
    tm_free(t);
}

static void test_bootorder(void)
{
    TM *t = tm_new();
    size_t len;
    g_assert_null(fw_cfg_get_file(t->fw, "bootorder", &len));
    fw_cfg_add_bootdev(t->fw, 2, "/pci@i0cf8/ide@1,1/drive@1/disk@0");
    fw_cfg_add_bootdev(t->fw, 1, "/pci@i0cf8/ide@1,1/drive@0/disk@0");
    fw_cfg_add_bootdev(t->fw, 2, "/rom@genroms/linuxboot.bin");
    const uint8_t *b = fw_cfg_get_file(t->fw, "bootorder", &len);
    g_assert_nonnull(b);
    g_assert_cmpstr((const char *)b, ==,
                    "/pci@i0cf8/ide@1,1/drive@0/disk@0\n/pci@i0cf8/ide@1,1/drive@1/disk@0\n"
                    "/rom@genroms/linuxboot.bin\n");
    g_assert_cmpint(len, ==, strlen((const char *)b) + 1);
    tm_free(t);
}

static uint8_t sum8(const uint8_t *p, size_t n)
{
    uint8_t s = 0;
    for (size_t i = 0; i < n; i++) {
        s += p[i];
    }
    return s;
}

/* Run "etc/table-loader" as SeaBIOS's romfile_loader does, into ram at the
 * given addresses; returns the RSDP's address. */
static uint32_t run_loader(TM *t, uint32_t high, uint32_t fseg)
{
    size_t len;
    const uint8_t *cmds = fw_cfg_get_file(t->fw, "etc/table-loader", &len);
    g_assert_nonnull(cmds);
    g_assert_cmpint(len % LOADER_CMD_SIZE, ==, 0);
    struct {
        char name[56];
        uint32_t addr, size;
    } files[4];
    int nfiles = 0;
    for (size_t off = 0; off < len; off += LOADER_CMD_SIZE) {
        const uint8_t *c = cmds + off;
        uint32_t cmd = ld32(c);
        if (cmd == LOADER_ALLOCATE) {
            size_t sz;
            const uint8_t *data = fw_cfg_get_file(t->fw, (const char *)c + 4, &sz);
            g_assert_nonnull(data);
            uint32_t align = ld32(c + 60);
            uint8_t zone = c[64];
            g_assert_true(zone == LOADER_ZONE_HIGH || zone == LOADER_ZONE_FSEG);
            uint32_t addr = zone == LOADER_ZONE_HIGH ? high : fseg;
            g_assert_cmpint(addr % align, ==, 0);
            memcpy(t->m.ram + addr, data, sz);
            g_assert_cmpint(nfiles, <, 4);
            strcpy(files[nfiles].name, (const char *)c + 4);
            files[nfiles].addr = addr;
            files[nfiles].size = (uint32_t)sz;
            nfiles++;
        } else {
            int dst = -1, src = -1;
            for (int i = 0; i < nfiles; i++) {
                if (!strcmp(files[i].name, (const char *)c + 4)) {
                    dst = i;
                }
                if (cmd == LOADER_ADD_POINTER && !strcmp(files[i].name, (const char *)c + 60)) {
                    src = i;
                }
            }
            g_assert_cmpint(dst, >=, 0);
            uint8_t *base = t->m.ram + files[dst].addr;
            if (cmd == LOADER_ADD_POINTER) {
                g_assert_cmpint(src, >=, 0);
                uint32_t o = ld32(c + 116);
                uint8_t size = c[120];
                g_assert_true(size == 4 || size == 8);
                g_assert_cmpint(o + size, <=, files[dst].size);
                uint64_t v = size == 4 ? ld32(base + o) : ld64(base + o);
                v += files[src].addr;
                if (size == 4) {
                    st32(base + o, (uint32_t)v);
                } else {
                    st64(base + o, v);
                }
            } else {
                g_assert_cmpint(cmd, ==, LOADER_ADD_CHECKSUM);
                uint32_t o = ld32(c + 60), start = ld32(c + 64), length = ld32(c + 68);
                g_assert_cmpint(start + length, <=, files[dst].size);
                base[o] -= sum8(base + start, length);
            }
        }
    }
    for (int i = 0; i < nfiles; i++) {
        if (!strcmp(files[i].name, "etc/acpi/rsdp")) {
            return files[i].addr;
        }
    }
    g_assert_not_reached();
}

static void check_table(TM *t, uint64_t addr, const char *sig)
{
    g_assert_cmpint(addr, <, RAM_SIZE);
    const uint8_t *p = t->m.ram + addr;
    g_assert_cmpmem(p, 4, sig, 4);
    g_assert_cmphex(sum8(p, ld32(p + 4)), ==, 0);
}

static void test_firmware_items(void)
{
    TM *t = tm_new();
    t->cfg.nographic = true;
    E820Map map = { 0 };
    e820_add(&map, 0, RAM_SIZE, E820_RAM);
    e820_add(&map, 1ull << 32, 1ull << 30, E820_RAM);
    AcpiConfig acfg = { .pm_base = 0x600, .sci_irq = 9, .reset_port = 0xcf9, .reset_value = 6,
                        .has_apic = true, .lapic_addr = 0xfee00000, .ioapic_addr = 0xfec00000,
                        .ioapic_id = 1, .cpus = 1 };
    firmware_setup_fw_cfg(&t->m, t->fw, &map, &acfg);
    size_t len;
    const uint8_t *e = fw_cfg_get_file(t->fw, "etc/e820", &len);
    g_assert_cmpint(len, ==, 40);
    g_assert_cmphex(ld64(e), ==, 0);
    g_assert_cmphex(ld64(e + 8), ==, RAM_SIZE);
    g_assert_cmphex(ld32(e + 16), ==, E820_RAM);
    g_assert_cmphex(ld64(e + 20), ==, 1ull << 32);
    const uint8_t *p = fw_cfg_get_file(t->fw, "etc/sercon-port", &len);
    g_assert_cmpint(len, ==, 2);
    g_assert_cmphex(ld16(p), ==, 0x3f8);
    p = fw_cfg_get_file(t->fw, "etc/boot-fail-wait", &len);
    g_assert_cmphex(ld32(p), ==, 0xffffffff);
    uint8_t v[8];
    port_select(t, FW_CFG_NB_CPUS);
    port_read(t, v, 2);
    g_assert_cmphex(ld16(v), ==, 1);
    port_select(t, FW_CFG_RAM_SIZE);
    port_read(t, v, 8);
    g_assert_cmphex(ld64(v), ==, RAM_SIZE);

    /* ACPI through the loader at two different places: both come out valid */
    uint32_t places[2][2] = { { 0xe00000, 0xf5a00 }, { 0x7c0040, 0xe0010 } };
    for (int k = 0; k < 2; k++) {
        memset(t->m.ram, 0, RAM_SIZE);
        uint32_t rsdp = run_loader(t, places[k][0], places[k][1]);
        const uint8_t *r = t->m.ram + rsdp;
        g_assert_cmpmem(r, 8, "RSD PTR ", 8);
        g_assert_cmphex(sum8(r, 20), ==, 0);
        g_assert_cmphex(sum8(r, 36), ==, 0);
        uint32_t rsdt = ld32(r + 16);
        uint64_t xsdt = ld64(r + 24);
        g_assert_cmphex(rsdt, >=, places[k][0]);
        check_table(t, rsdt, "RSDT");
        check_table(t, xsdt, "XSDT");
        const uint8_t *rt = t->m.ram + rsdt;
        int n = (ld32(rt + 4) - 36) / 4;
        g_assert_cmpint(n, ==, 2);
        bool fadt_seen = false;
        for (int i = 0; i < n; i++) {
            uint32_t a = ld32(rt + 36 + 4 * i);
            g_assert_cmphex(a, ==, ld64(t->m.ram + xsdt + 36 + 8 * i));
            const uint8_t *tb = t->m.ram + a;
            if (!memcmp(tb, "FACP", 4)) {
                fadt_seen = true;
                check_table(t, a, "FACP");
                uint32_t facs = ld32(tb + 36), dsdt = ld32(tb + 40);
                g_assert_cmpmem(t->m.ram + facs, 4, "FACS", 4);
                g_assert_cmpint(facs % 64, ==, 0);
                check_table(t, dsdt, "DSDT");
                g_assert_cmphex(ld64(tb + 140), ==, dsdt);
            } else {
                check_table(t, a, "APIC");
            }
        }
        g_assert_true(fadt_seen);
    }
    tm_free(t);
}

static void test_firmware_load(void)
{
    TM *t = tm_new();
    char *err = NULL;
    size_t size;
    g_assert_null(firmware_load(&t->m, "/nonexistent/bios.bin", &size, &err));
    g_assert_nonnull(strstr(err, "/nonexistent/bios.bin"));
    g_free(err);
    err = NULL;
    char *path = g_build_filename(g_get_tmp_dir(), "mimic-test-bios.bin", NULL);
    g_assert_true(g_file_set_contents(path, "short", 5, NULL));
    g_assert_null(firmware_load(&t->m, path, &size, &err));
    g_assert_nonnull(strstr(err, "64 KiB"));
    g_free(err);
    err = NULL;
    char *img = g_malloc0(0x20000);
    memcpy(img + 0x1fff0, "\xea\x5b\xe0\x00\xf0", 5); /* jmp far f000:e05b */
    g_assert_true(g_file_set_contents(path, img, 0x20000, NULL));
    uint8_t *rom = firmware_load(&t->m, path, &size, &err);
    g_assert_nonnull(rom);
    g_assert_cmpint(size, ==, 0x20000);
    /* the reset vector is 16 bytes below 4 GiB; the ROM ignores writes */
    g_assert_cmphex(as_read(t->m.mem, 0xfffffff0, 1), ==, 0xea);
    g_assert_cmphex(as_read(t->m.mem, 0xfffe0000, 4), ==, 0);
    as_write(t->m.mem, 0xfffffff0, 0x90, 1);
    g_assert_cmphex(as_read(t->m.mem, 0xfffffff0, 1), ==, 0xea);
    g_unlink(path);
    g_free(path);
    g_free(img);
    tm_free(t);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/fw_cfg/signature-and-id", test_signature_and_id);
    g_test_add_func("/fw_cfg/files", test_files);
    g_test_add_func("/fw_cfg/dma", test_dma);
    g_test_add_func("/fw_cfg/bootorder", test_bootorder);
    g_test_add_func("/fw_cfg/firmware-items", test_firmware_items);
    g_test_add_func("/fw_cfg/firmware-load", test_firmware_load);
    return g_test_run();
}
