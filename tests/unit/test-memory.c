/* Unit tests of hw/core/memory.c: region lookup, size splitting and widening,
 * unassigned accesses, RAM listeners. */
#include <glib.h>
#include <string.h>

#include "hw/core/memory.h"

typedef struct Log {
    GString *s;
    uint8_t regs[16];
} Log;

static uint64_t log_read(void *opaque, uint64_t off, unsigned size)
{
    Log *l = opaque;
    g_string_append_printf(l->s, "r%u@%u ", size, (unsigned)off);
    uint64_t v = 0;
    for (unsigned i = 0; i < size; i++) {
        v |= (uint64_t)l->regs[off + i] << (8 * i);
    }
    return v;
}

static void log_write(void *opaque, uint64_t off, uint64_t val, unsigned size)
{
    Log *l = opaque;
    g_string_append_printf(l->s, "w%u@%u=%llx ", size, (unsigned)off, (unsigned long long)val);
    for (unsigned i = 0; i < size; i++) {
        l->regs[off + i] = val >> (8 * i);
    }
}

static const MemOps byte_ops = { .read = log_read, .write = log_write, .min_size = 1, .max_size = 1 };
static const MemOps word_ops = { .read = log_read, .write = log_write, .min_size = 2, .max_size = 4 };

static void test_split(void)
{
    AddressSpace *as = as_create("io", 0x10000);
    Log l = { .s = g_string_new("") };
    g_assert_nonnull(as_add_io(as, "dev", 0x100, 16, &byte_ops, &l, NULL));
    as_write(as, 0x100, 0x04030201, 4);
    g_assert_cmpstr(l.s->str, ==, "w1@0=1 w1@1=2 w1@2=3 w1@3=4 ");
    g_string_truncate(l.s, 0);
    g_assert_cmphex(as_read(as, 0x101, 2), ==, 0x0302);
    g_assert_cmpstr(l.s->str, ==, "r1@1 r1@2 ");
    g_string_free(l.s, TRUE);
    as_destroy(as);
}

static void test_widen(void)
{
    AddressSpace *as = as_create("io", 0x10000);
    Log l = { .s = g_string_new("") };
    g_assert_nonnull(as_add_io(as, "dev", 0x200, 8, &word_ops, &l, NULL));
    as_write(as, 0x200, 0x11223344, 4);
    g_string_truncate(l.s, 0);
    /* a byte read of a 16-bit-minimum device reads the word around it */
    g_assert_cmphex(as_read(as, 0x203, 1), ==, 0x11);
    g_assert_cmpstr(l.s->str, ==, "r2@2 ");
    g_string_truncate(l.s, 0);
    /* a byte write becomes read-modify-write of that word */
    as_write(as, 0x202, 0xaa, 1);
    g_assert_cmpstr(l.s->str, ==, "r2@2 w2@2=11aa ");
    g_assert_cmphex(as_read(as, 0x200, 4), ==, 0x11aa3344);
    g_string_truncate(l.s, 0);
    /* an 8-byte access is split into the widest pieces the device takes */
    as_read(as, 0x200, 8);
    g_assert_cmpstr(l.s->str, ==, "r4@0 r4@4 ");
    g_string_free(l.s, TRUE);
    as_destroy(as);
}

static void test_unassigned(void)
{
    AddressSpace *as = as_create("memory", 1ull << 32);
    uint8_t ram[256];
    memset(ram, 0x5a, sizeof(ram));
    g_assert_nonnull(as_add_ram(as, "ram", 0x1000, sizeof(ram), ram, false, NULL));
    g_assert_cmphex(as_read(as, 0x5000, 1), ==, 0xff);
    g_assert_cmphex(as_read(as, 0x5000, 4), ==, 0xffffffff);
    g_assert_cmphex(as_read(as, 0x5000, 8), ==, ~0ull);
    as_write(as, 0x5000, 0x1234, 2); /* dropped, nothing to crash */
    /* straddling the end of RAM: the RAM bytes and all-ones beyond */
    g_assert_cmphex(as_read(as, 0x10fe, 4), ==, 0xffff5a5a);
    as_write(as, 0x10ff, 0xabcd, 2);
    g_assert_cmphex(ram[255], ==, 0xcd);
    as_destroy(as);
}

static void test_overlap(void)
{
    AddressSpace *as = as_create("io", 0x10000);
    Log l = { .s = g_string_new("") };
    char *err = NULL;
    g_assert_nonnull(as_add_io(as, "a", 0x10, 8, &byte_ops, &l, &err));
    g_assert_null(as_add_io(as, "b", 0x14, 8, &byte_ops, &l, &err));
    g_assert_nonnull(strstr(err, "overlaps a"));
    g_free(err);
    err = NULL;
    g_assert_null(as_add_io(as, "c", 0xfffc, 8, &byte_ops, &l, &err));
    g_assert_nonnull(err);
    g_free(err);
    g_assert_nonnull(as_add_io(as, "d", 0x18, 8, &byte_ops, &l, NULL));
    g_assert_true(as_find(as, 0x17) != as_find(as, 0x18));
    g_string_free(l.s, TRUE);
    as_destroy(as);
}

static void count_add(void *opaque, const MemRegion *r)
{
    (*(int *)opaque)++;
}

static void count_del(void *opaque, const MemRegion *r)
{
    (*(int *)opaque)--;
}

static uint64_t written_lo = UINT64_MAX, written_hi;

static void note_written(void *opaque, uint64_t addr, uint64_t len)
{
    written_lo = MIN(written_lo, addr);
    written_hi = MAX(written_hi, addr + len);
}

static void test_listener_and_buf(void)
{
    AddressSpace *as = as_create("memory", 1ull << 32);
    uint8_t ram[64] = { 0 }, rom[16];
    memset(rom, 0x77, sizeof(rom));
    int n = 0;
    MemListener ml = { .ram_add = count_add, .ram_del = count_del, .ram_written = note_written,
                       .opaque = &n };
    as_add_ram(as, "ram", 0, sizeof(ram), ram, false, NULL);
    as_add_listener(as, &ml);
    g_assert_cmpint(n, ==, 1); /* existing RAM is announced on registration */
    MemRegion *r = as_add_ram(as, "rom", 0x40, sizeof(rom), rom, true, NULL);
    g_assert_cmpint(n, ==, 2);
    /* a buffer write crosses from RAM into ROM: the ROM part is dropped */
    uint8_t buf[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
    g_assert_true(as_write_buf(as, 0x3c, buf, 8));
    g_assert_cmpint(ram[63], ==, 4);
    g_assert_cmpint(rom[0], ==, 0x77);
    /* listeners hear of the RAM bytes that changed, not of the ROM ones */
    g_assert_cmphex(written_lo, ==, 0x3c);
    g_assert_cmphex(written_hi, ==, 0x40);
    g_assert_true(as_load_buf(as, 0x3c, buf, 8)); /* loaders may write ROM */
    g_assert_cmpint(rom[0], ==, 5);
    g_assert_nonnull(as_ram_ptr(as, 0x40, 16));
    g_assert_null(as_ram_ptr(as, 0x3c, 8)); /* spans two regions */
    as_remove(as, r);
    g_assert_cmpint(n, ==, 1);
    g_assert_false(as_read_buf(as, 0x40, buf, 2));
    g_assert_cmpint(buf[0], ==, 0xff);
    as_destroy(as);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/memory/split", test_split);
    g_test_add_func("/memory/widen", test_widen);
    g_test_add_func("/memory/unassigned", test_unassigned);
    g_test_add_func("/memory/overlap", test_overlap);
    g_test_add_func("/memory/listener-and-buf", test_listener_and_buf);
    return g_test_run();
}
