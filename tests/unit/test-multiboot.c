/*
 * Unit tests of hw/pc/multiboot.c against the Multiboot Specification 0.6.96:
 * synthetic ELF32 and a.out-kludge images, the information structure of
 * §3.3 and the machine state of §3.2. Offsets are the specification's,
 * written out on purpose.
 */
#include <glib.h>
#include <string.h>

#include "hw/core/memory.h"
#include "hw/pc/loader.h"

#define RAM_SIZE (64u << 20)
#define MIB (1u << 20)

typedef struct Fixture {
    uint8_t *ram;
    E820Map e820;
    LoaderRam lr;
    X86CPUState env;
} Fixture;

static void fixture_init(Fixture *f)
{
    memset(f, 0, sizeof(*f));
    f->ram = g_malloc(RAM_SIZE);
    memset(f->ram, 0xaa, RAM_SIZE); /* so bss zeroing and missing writes show */
    e820_add(&f->e820, 0, 0x9fc00, E820_RAM);
    e820_add(&f->e820, 0x9fc00, 0x400, E820_RESERVED);
    e820_add(&f->e820, 0xe0000, 0x20000, E820_RESERVED);
    e820_add(&f->e820, 0x100000, RAM_SIZE - 0x100000, E820_RAM);
    e820_add(&f->e820, 0xfffc0000, 0x40000, E820_RESERVED);
    f->lr = (LoaderRam){ .base = f->ram, .below_4g = RAM_SIZE, .e820 = &f->e820 };
}

static int mb_load(Fixture *f, const uint8_t *k, size_t len, const uint8_t *initrd, size_t isize,
                   const char *cmdline, char **err)
{
    LoaderImage img = { .kernel = k, .kernel_size = len, .initrd = initrd, .initrd_size = isize,
                        .cmdline = cmdline };
    *err = NULL;
    return multiboot_load(&f->lr, &img, &f->env, err);
}

static void put_header(uint8_t *p, uint32_t flags)
{
    st32(p, 0x1badb002);
    st32(p + 4, flags);
    st32(p + 8, -(0x1badb002u + flags));
}

typedef struct Phdr {
    uint32_t type, offset, vaddr, paddr, filesz, memsz;
} Phdr;

/* An i386 ELF executable: header, program headers at 52, the multiboot
 * header at 0x100 and segment contents where the phdrs say. */
static uint8_t *elf_build(size_t len, uint32_t entry, const Phdr *ph, int n, uint32_t mbflags)
{
    uint8_t *k = g_malloc0(len);
    for (size_t i = 0x200; i < len; i++) {
        k[i] = (uint8_t)(i * 13 + 1);
    }
    memcpy(k, "\177ELF", 4);
    k[4] = 1; /* ELFCLASS32 */
    k[5] = 1; /* little-endian */
    k[6] = 1;
    st16(k + 16, 2); /* ET_EXEC */
    st16(k + 18, 3); /* EM_386 */
    st32(k + 20, 1);
    st32(k + 24, entry);
    st32(k + 28, 52);
    st16(k + 40, 52);
    st16(k + 42, 32);
    st16(k + 44, n);
    for (int i = 0; i < n; i++) {
        uint8_t *p = k + 52 + 32 * i;
        st32(p, ph[i].type);
        st32(p + 4, ph[i].offset);
        st32(p + 8, ph[i].vaddr);
        st32(p + 12, ph[i].paddr);
        st32(p + 16, ph[i].filesz);
        st32(p + 20, ph[i].memsz);
        st32(p + 24, 5);
        st32(p + 28, 0x1000);
    }
    put_header(k + 0x100, mbflags);
    return k;
}

/* text at 1 MiB; data + bss at 0x103000; a PT_NOTE the loader must skip */
static const Phdr two_segments[] = {
    { 1, 0x1000, 0x100000, 0x100000, 0x1234, 0x1234 },
    { 4, 0x0200, 0, 0, 0x10, 0x10 },
    { 1, 0x3000, 0x103000, 0x103000, 0x100, 0x3000 },
};

static void test_probe(void)
{
    uint8_t k[0x3000] = { 0 };
    g_assert_false(multiboot_probe(k, sizeof(k)));
    put_header(k + 0x1ff8, 0); /* the 12 bytes end at 8196: past 8 KiB */
    g_assert_false(multiboot_probe(k, sizeof(k)));
    memset(k, 0, sizeof(k));
    put_header(k + 0x1ff4, 3); /* ends exactly at 8192 */
    g_assert_true(multiboot_probe(k, sizeof(k)));
    g_assert_false(multiboot_probe(k, 0x1ff4 + 8)); /* file ends inside it */
    memset(k, 0, sizeof(k));
    put_header(k + 0x102, 0); /* not 32-bit aligned */
    g_assert_false(multiboot_probe(k, sizeof(k)));
    memset(k, 0, sizeof(k));
    put_header(k + 0x100, 0);
    st32(k + 0x108, ld32(k + 0x108) + 1); /* bad checksum */
    g_assert_false(multiboot_probe(k, sizeof(k)));
}

static void test_elf(void)
{
    Fixture f;
    fixture_init(&f);
    size_t len = 0x3100;
    uint8_t *k = elf_build(len, 0x100010, two_segments, 3, 0x00000003);
    g_assert_true(multiboot_probe(k, len));
    size_t isize = 100000;
    uint8_t *initrd = g_malloc(isize);
    for (size_t i = 0; i < isize; i++) {
        initrd[i] = (uint8_t)(i * 31);
    }
    char *err;
    g_assert_cmpint(mb_load(&f, k, len, initrd, isize, "test arg=1", &err), ==, 0);
    g_assert_null(err);

    /* segments at their physical addresses, bss zeroed, nothing past it */
    g_assert_cmpmem(f.ram + 0x100000, 0x1234, k + 0x1000, 0x1234);
    g_assert_cmpmem(f.ram + 0x103000, 0x100, k + 0x3000, 0x100);
    for (uint32_t a = 0x103100; a < 0x106000; a++) {
        g_assert_cmpuint(f.ram[a], ==, 0);
    }
    g_assert_cmpuint(f.ram[0x101234], ==, 0xaa);

    /* machine state (§3.2) */
    g_assert_cmpuint(f.env.regs[R_EAX], ==, 0x2badb002);
    g_assert_cmpuint(f.env.rip, ==, 0x100010);
    g_assert_cmpuint(f.env.cr0 & (CR0_PE | CR0_PG), ==, CR0_PE);
    g_assert_cmpuint(f.env.rflags & (RFLAGS_IF | (1u << 17)), ==, 0);
    g_assert_cmpuint(f.env.segs[R_CS].base, ==, 0);
    g_assert_cmpuint(f.env.segs[R_CS].limit, ==, 0xffffffff);
    g_assert_cmpuint(f.env.segs[R_CS].flags & (SEG_DB | 0x8), ==, SEG_DB | 0x8);
    for (int s = 0; s < SEG_COUNT; s++) {
        if (s != R_CS) {
            g_assert_cmpuint(f.env.segs[s].limit, ==, 0xffffffff);
            g_assert_cmpuint(f.env.segs[s].flags & 0xa, ==, 0x2); /* data, writable */
        }
    }
    uint64_t gdt = f.env.gdt.base;
    g_assert_cmpuint(ld64(f.ram + gdt + 0x10), ==, 0x00cf9b000000ffffull);
    g_assert_cmpuint(ld64(f.ram + gdt + 0x18), ==, 0x00cf93000000ffffull);

    /* the information structure (§3.3) */
    uint32_t mbi_addr = f.env.regs[R_EBX];
    g_assert_cmpuint(mbi_addr, <, 0x9fc00);
    const uint8_t *mbi = f.ram + mbi_addr;
    uint32_t flags = ld32(mbi);
    g_assert_cmpuint(flags & 0x1, ==, 0x1);      /* mem_* */
    g_assert_cmpuint(flags & 0x2, ==, 0);        /* no boot_device: not from a BIOS disk */
    g_assert_cmpuint(flags & 0x4, ==, 0x4);      /* cmdline */
    g_assert_cmpuint(flags & 0x8, ==, 0x8);      /* mods */
    g_assert_cmpuint(flags & 0x30, ==, 0);       /* no symbols */
    g_assert_cmpuint(flags & 0x40, ==, 0x40);    /* mmap */
    g_assert_cmpuint(flags & 0x200, ==, 0x200);  /* boot_loader_name */
    g_assert_cmpuint(flags & ~0x24du, ==, 0);    /* nothing undefined */
    g_assert_cmpuint(ld32(mbi + 4), ==, 0x9fc00 / 1024);            /* 639 KiB */
    g_assert_cmpuint(ld32(mbi + 8), ==, (RAM_SIZE - MIB) / 1024);
    g_assert_cmpstr((const char *)f.ram + ld32(mbi + 16), ==, "test arg=1");
    g_assert_cmpstr((const char *)f.ram + ld32(mbi + 64), ==, "mimic");

    uint32_t mmap_len = ld32(mbi + 44), mmap = ld32(mbi + 48);
    g_assert_cmpuint(mmap_len, ==, 5 * 24);
    for (int i = 0; i < 5; i++) {
        const uint8_t *e = f.ram + mmap + 24 * i;
        g_assert_cmpuint(ld32(e), ==, 20);
        g_assert_cmpuint(ld64(e + 4), ==, f.e820.entries[i].addr);
        g_assert_cmpuint(ld64(e + 12), ==, f.e820.entries[i].size);
        g_assert_cmpuint(ld32(e + 20), ==, f.e820.entries[i].type);
    }

    g_assert_cmpuint(ld32(mbi + 20), ==, 1);
    const uint8_t *mod = f.ram + ld32(mbi + 24);
    uint32_t mstart = ld32(mod), mend = ld32(mod + 4);
    g_assert_cmpuint(mstart % 4096, ==, 0);
    g_assert_cmpuint(mstart, ==, 0x106000);     /* first page after bss_end 0x106000 */
    g_assert_cmpuint(mend - mstart, ==, isize);
    g_assert_cmpmem(f.ram + mstart, isize, initrd, isize);
    g_assert_cmpuint(ld32(mod + 12), ==, 0);
    g_assert_cmpstr((const char *)f.ram + ld32(mod + 8), ==, "initrd");

    /* the information does not overlap the image or the module */
    g_assert_cmpuint(mbi_addr + 88, <=, 0x100000);

    /* without an initrd there is no module */
    g_assert_cmpint(mb_load(&f, k, len, NULL, 0, "", &err), ==, 0);
    mbi = f.ram + f.env.regs[R_EBX];
    g_assert_cmpuint(ld32(mbi) & 0x8, ==, 0);
    g_assert_cmpstr((const char *)f.ram + ld32(mbi + 16), ==, "");
    g_free(initrd);
    g_free(k);
    g_free(f.ram);
}

static void test_elf_higher_half(void)
{
    Fixture f;
    fixture_init(&f);
    const Phdr ph[] = { { 1, 0x1000, 0xc0100000, 0x100000, 0x800, 0x1000 } };
    uint8_t *k = elf_build(0x1800, 0xc0100020, ph, 1, 0);
    char *err;
    g_assert_cmpint(mb_load(&f, k, 0x1800, NULL, 0, "", &err), ==, 0);
    g_assert_cmpuint(f.env.rip, ==, 0x100020);
    g_assert_cmpmem(f.ram + 0x100000, 0x800, k + 0x1000, 0x800);
    g_free(k);
    g_free(f.ram);
}

/* A flat binary loaded by the header's address fields (§3.1.3): the header
 * at file offset 0x40 belongs at 0x200040. */
static uint8_t *aout_build(size_t len, uint32_t load_end, uint32_t bss_end)
{
    uint8_t *k = g_malloc(len);
    for (size_t i = 0; i < len; i++) {
        k[i] = (uint8_t)(i * 5 + 9);
    }
    memset(k + 0x40, 0, 32);
    put_header(k + 0x40, 0x00010001);
    st32(k + 0x4c, 0x200040); /* header_addr */
    st32(k + 0x50, 0x200000); /* load_addr */
    st32(k + 0x54, load_end);
    st32(k + 0x58, bss_end);
    st32(k + 0x5c, 0x200080); /* entry_addr */
    return k;
}

static void test_aout(void)
{
    Fixture f;
    fixture_init(&f);
    char *err;
    size_t len = 0x2345;
    uint8_t *k = aout_build(len, 0x202000, 0x205000);
    g_assert_true(multiboot_probe(k, len));
    static uint8_t initrd[5000];
    memset(initrd, 0x77, sizeof(initrd));
    g_assert_cmpint(mb_load(&f, k, len, initrd, sizeof(initrd), "a", &err), ==, 0);
    g_assert_cmpmem(f.ram + 0x200000, 0x2000, k, 0x2000); /* only load_end - load_addr bytes */
    for (uint32_t a = 0x202000; a < 0x205000; a++) {
        g_assert_cmpuint(f.ram[a], ==, 0);
    }
    g_assert_cmpuint(f.ram[0x1fffff], ==, 0xaa);
    g_assert_cmpuint(f.env.rip, ==, 0x200080);
    g_assert_cmpuint(f.env.regs[R_EAX], ==, 0x2badb002);
    const uint8_t *mbi = f.ram + f.env.regs[R_EBX];
    g_assert_cmpuint(ld32(f.ram + ld32(mbi + 24)), ==, 0x205000); /* module after bss */
    g_free(k);

    /* load_end_addr 0: the whole file from load_addr's offset; no bss */
    k = aout_build(len, 0, 0);
    g_assert_cmpint(mb_load(&f, k, len, NULL, 0, "", &err), ==, 0);
    g_assert_cmpmem(f.ram + 0x200000, len, k, len);
    /* load_addr 0x10 below header_addr: loading starts at file offset 0x30 */
    st32(k + 0x50, 0x200030);
    memset(f.ram + 0x200000, 0xaa, 0x10000);
    g_assert_cmpint(mb_load(&f, k, len, NULL, 0, "", &err), ==, 0);
    g_assert_cmpmem(f.ram + 0x200030, len - 0x30, k + 0x30, len - 0x30);
    g_assert_cmpuint(f.ram[0x200030 + len - 0x30], ==, 0xaa);
    g_assert_cmpuint(f.ram[0x20002f], ==, 0xaa);
    g_free(k);
    g_free(f.ram);
}

static void check_error(const char *err, const char *const *words)
{
    g_assert_nonnull(err);
    g_assert_null(strchr(err, '\n'));
    for (; *words; words++) {
        if (!strstr(err, *words)) {
            g_error("\"%s\" missing from error: %s", *words, err);
        }
    }
}

static void expect_error(Fixture *f, const uint8_t *k, size_t len, const uint8_t *initrd,
                         size_t isize, const char *cmdline, const char *const *words)
{
    char *err;
    memset(f->ram + 0x100000, 0xaa, 0x10000);
    g_assert_cmpint(mb_load(f, k, len, initrd, isize, cmdline, &err), ==, -1);
    check_error(err, words);
    g_free(err);
    /* refused before writing anything */
    g_assert_cmpuint(f->ram[0x100000], ==, 0xaa);
}

static void test_errors(void)
{
    Fixture f;
    fixture_init(&f);
    size_t len = 0x3100;
    uint8_t *k;

    k = elf_build(len, 0x100010, two_segments, 3, 0);
    st32(k + 0x108, ld32(k + 0x108) ^ 1);
    expect_error(&f, k, len, NULL, 0, "", (const char *[]){ "checksum", NULL });
    g_free(k);

    k = elf_build(len, 0x100010, two_segments, 3, 0);
    k[4] = 2;
    expect_error(&f, k, len, NULL, 0, "",
                 (const char *[]){ "64-bit ELF images are not supported, build the kernel as ELF32", NULL });
    k[4] = 1;
    st16(k + 18, 62); /* EM_X86_64 */
    expect_error(&f, k, len, NULL, 0, "", (const char *[]){ "i386", NULL });
    g_free(k);

    /* a segment in the legacy VGA hole, and one past the end of RAM */
    Phdr hole[] = { { 1, 0x1000, 0xa0000, 0xa0000, 0x100, 0x100 } };
    k = elf_build(len, 0xa0000, hole, 1, 0);
    expect_error(&f, k, len, NULL, 0, "", (const char *[]){ "0xa0000", "outside RAM", NULL });
    g_free(k);
    Phdr high[] = { { 1, 0x1000, RAM_SIZE - 0x100, RAM_SIZE - 0x100, 0x100, 0x200 } };
    k = elf_build(len, RAM_SIZE - 0x100, high, 1, 0);
    expect_error(&f, k, len, NULL, 0, "", (const char *[]){ "outside RAM", NULL });
    g_free(k);
    /* a segment over the information area */
    Phdr low[] = { { 1, 0x1000, 0x8000, 0x8000, 0x2000, 0x2000 } };
    k = elf_build(len, 0x8000, low, 1, 0);
    expect_error(&f, k, len, NULL, 0, "", (const char *[]){ "overlaps", NULL });
    g_free(k);

    /* truncated files */
    k = elf_build(len, 0x100010, two_segments, 3, 0);
    expect_error(&f, k, 0x3080, NULL, 0, "", (const char *[]){ "truncated", NULL });
    expect_error(&f, k, 0x110, NULL, 0, "", (const char *[]){ "truncated", NULL });
    g_free(k);
    k = aout_build(0x2345, 0x203000, 0);
    expect_error(&f, k, 0x2345, NULL, 0, "", (const char *[]){ "truncated", "load_end_addr", NULL });
    g_free(k);

    /* entry point outside the image */
    k = elf_build(len, 0x900000, two_segments, 3, 0);
    expect_error(&f, k, len, NULL, 0, "", (const char *[]){ "entry point", NULL });
    g_free(k);

    /* required flags mimic cannot honour (§3.1.2) */
    k = elf_build(len, 0x100010, two_segments, 3, 0x4);
    expect_error(&f, k, len, NULL, 0, "", (const char *[]){ "video", NULL });
    g_free(k);
    k = elf_build(len, 0x100010, two_segments, 3, 0x20);
    expect_error(&f, k, len, NULL, 0, "", (const char *[]){ "0x0020", NULL });
    g_free(k);
    /* unknown optional bits are ignored */
    k = elf_build(len, 0x100010, two_segments, 3, 0x00800003);
    char *err;
    g_assert_cmpint(mb_load(&f, k, len, NULL, 0, "", &err), ==, 0);

    /* a module larger than the RAM above the kernel */
    size_t big = RAM_SIZE - 0x106000 + 1;
    uint8_t *initrd = g_malloc0(big);
    expect_error(&f, k, len, initrd, big, "", (const char *[]){ "-initrd", "-m", NULL });
    g_assert_cmpint(mb_load(&f, k, len, initrd, big - 1, "", &err), ==, 0);
    g_free(initrd);

    /* a command line too long for the low information area */
    size_t cl = 0x9fc00 - 0x9000;
    char *cmdline = g_malloc(cl + 1);
    memset(cmdline, 'x', cl);
    cmdline[cl] = 0;
    expect_error(&f, k, len, NULL, 0, cmdline, (const char *[]){ "-append", NULL });
    g_free(cmdline);
    g_free(k);
    g_free(f.ram);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/multiboot/probe", test_probe);
    g_test_add_func("/multiboot/elf", test_elf);
    g_test_add_func("/multiboot/elf-higher-half", test_elf_higher_half);
    g_test_add_func("/multiboot/aout-kludge", test_aout);
    g_test_add_func("/multiboot/errors", test_errors);
    return g_test_run();
}
