/*
 * Unit tests of hw/pc/linux-boot.c against the Linux x86 boot protocol
 * (Documentation/arch/x86/boot.rst, zero-page.rst): synthetic bzImages with
 * chosen header fields, and Debian's kernel when the demo guest is built.
 * Offsets and values below are the protocol's, written out on purpose.
 */
#include <glib.h>
#include <string.h>

#include "hw/core/memory.h"
#include "hw/pc/loader.h"

#define RAM_SIZE (128u << 20)
#define MIB (1u << 20)

typedef struct Fixture {
    uint8_t *ram;
    E820Map e820;
    LoaderRam lr;
    X86CPUState env;
} Fixture;

static void fixture_init(Fixture *f, uint64_t ram_size)
{
    memset(f, 0, sizeof(*f));
    f->ram = g_malloc(ram_size);
    memset(f->ram, 0xcc, ram_size); /* catch fields the loader forgets to write */
    /* The pc machine's map: base memory, EBDA, BIOS area, RAM above 1 MiB, APIC */
    e820_add(&f->e820, 0, 0x9fc00, E820_RAM);
    e820_add(&f->e820, 0x9fc00, 0x400, E820_RESERVED);
    e820_add(&f->e820, 0xe0000, 0x20000, E820_RESERVED);
    e820_add(&f->e820, 0x100000, ram_size - 0x100000, E820_RAM);
    e820_add(&f->e820, 0xfec00000, 0x1000, E820_RESERVED);
    f->lr = (LoaderRam){ .base = f->ram, .below_4g = ram_size, .e820 = &f->e820,
                         .acpi_rsdp = 0xf0000 };
}

static void fixture_free(Fixture *f)
{
    g_free(f->ram);
}

typedef struct BzSpec {
    uint8_t setup_sects;
    uint16_t version;
    uint8_t loadflags;
    uint32_t pm_size;
    uint32_t initrd_addr_max;
    uint16_t xloadflags;
    uint32_t cmdline_size;
    uint32_t init_size;
} BzSpec;

static BzSpec bz_default(void)
{
    return (BzSpec){ .setup_sects = 7, .version = 0x020f, .loadflags = 0x01,
                     .pm_size = 0x23450, .initrd_addr_max = 0x7fffffff, .xloadflags = 0x03,
                     .cmdline_size = 2047, .init_size = 8 * MIB };
}

/* A bzImage with the header fields of a modern x86-64 kernel. */
static uint8_t *bz_build(const BzSpec *s, size_t *len)
{
    unsigned sects = s->setup_sects ? s->setup_sects : 4;
    size_t setup = (sects + 1) * 512;
    *len = setup + s->pm_size;
    uint8_t *k = g_malloc0(*len);
    for (size_t i = 0; i < *len; i++) {
        k[i] = (uint8_t)(i * 7 + 3);
    }
    memset(k + 0x1f1, 0, 0x290 - 0x1f1);
    k[0x1f1] = s->setup_sects;
    st32(k + 0x1f4, s->pm_size / 16);      /* syssize */
    st16(k + 0x1fa, 0xfffe);               /* vid_mode as built */
    st16(k + 0x1fe, 0xaa55);
    k[0x200] = 0xeb;
    k[0x201] = 0x6a;                       /* header ends at 0x26c */
    memcpy(k + 0x202, "HdrS", 4);
    st16(k + 0x206, s->version);
    st16(k + 0x20e, 0x1234);               /* kernel_version pointer */
    k[0x211] = s->loadflags;
    st32(k + 0x214, 0x100000);             /* code32_start */
    st32(k + 0x22c, s->initrd_addr_max);
    st32(k + 0x230, 0x200000);             /* kernel_alignment */
    k[0x234] = 1;                          /* relocatable_kernel */
    k[0x235] = 21;
    st16(k + 0x236, s->xloadflags);
    st32(k + 0x238, s->cmdline_size);
    st64(k + 0x258, 0x1000000);            /* pref_address */
    st32(k + 0x260, s->init_size);
    st32(k + 0x264, 0x12340);              /* handover_offset */
    k[0x26c] = 0x8c;                       /* first byte of setup code: not header */
    return k;
}

static int bz_load(Fixture *f, const uint8_t *k, size_t len, const uint8_t *initrd,
                   size_t initrd_size, const char *cmdline, char **err)
{
    LoaderImage img = { .kernel = k, .kernel_size = len, .initrd = initrd,
                        .initrd_size = initrd_size, .cmdline = cmdline };
    *err = NULL;
    return linux_load(&f->lr, &img, &f->env, err);
}

static void test_probe(void)
{
    BzSpec s = bz_default();
    size_t len;
    uint8_t *k = bz_build(&s, &len);
    g_assert_true(linux_is_bzimage(k, len));
    g_assert_false(linux_is_bzimage(k, 0x200));   /* too short to hold the header */
    k[0x203] = 'x';
    g_assert_false(linux_is_bzimage(k, len));     /* no HdrS */
    k[0x203] = 'd';
    st16(k + 0x1fe, 0);
    g_assert_false(linux_is_bzimage(k, len));     /* no boot flag */
    st16(k + 0x1fe, 0xaa55);
    st16(k + 0x206, 0x0205);
    g_assert_false(linux_is_bzimage(k, len));     /* protocol before 2.06 */
    st16(k + 0x206, 0x0206);
    g_assert_true(linux_is_bzimage(k, len));
    k[0x211] = 0;
    g_assert_false(linux_is_bzimage(k, len));     /* zImage */
    g_free(k);
}

static void test_boot_params(void)
{
    Fixture f;
    fixture_init(&f, RAM_SIZE);
    BzSpec s = bz_default();
    size_t len;
    uint8_t *k = bz_build(&s, &len);
    size_t initrd_size = 3 * MIB + 123;
    uint8_t *initrd = g_malloc(initrd_size);
    for (size_t i = 0; i < initrd_size; i++) {
        initrd[i] = (uint8_t)(i ^ (i >> 8));
    }
    char *err;
    const char *cmdline = "console=ttyS0 root=/dev/ram0 quiet";
    g_assert_cmpint(bz_load(&f, k, len, initrd, initrd_size, cmdline, &err), ==, 0);
    g_assert_null(err);

    /* ESI points at boot_params; the loader documents 0x10000 */
    uint32_t bpa = f.env.regs[R_ESI];
    g_assert_cmpuint(bpa, ==, 0x10000);
    const uint8_t *bp = f.ram + bpa;

    /* zeroed outside the fields the loader fills: screen_info, sentinel */
    for (int i = 0; i < 0x40; i++) {
        g_assert_cmpuint(bp[i], ==, 0);
    }
    g_assert_cmpuint(bp[0x1ef], ==, 0);
    /* the setup header copied from 0x1f1 up to 0x202 + jump byte (0x26c) */
    g_assert_cmpuint(bp[0x1f1], ==, 7);
    g_assert_cmpuint(ld32(bp + 0x1f4), ==, s.pm_size / 16);
    g_assert_cmpuint(ld16(bp + 0x1fe), ==, 0xaa55);
    g_assert_cmpmem(bp + 0x202, 4, "HdrS", 4);
    g_assert_cmpuint(ld16(bp + 0x206), ==, 0x020f);
    g_assert_cmpuint(ld16(bp + 0x20e), ==, 0x1234);
    g_assert_cmpuint(ld32(bp + 0x22c), ==, 0x7fffffff);
    g_assert_cmpuint(ld32(bp + 0x238), ==, 2047);
    g_assert_cmpuint(ld64(bp + 0x258), ==, 0x1000000);
    g_assert_cmpuint(ld32(bp + 0x260), ==, s.init_size);
    g_assert_cmpuint(ld32(bp + 0x264), ==, 0x12340);
    g_assert_cmpuint(bp[0x26c], ==, 0);          /* setup code is not copied */
    /* fields the loader writes */
    g_assert_cmpuint(bp[0x210], ==, 0xff);       /* type_of_loader: undefined */
    g_assert_cmpuint(bp[0x211] & 0x81, ==, 0x81); /* LOADED_HIGH kept, CAN_USE_HEAP */
    g_assert_cmpuint(ld16(bp + 0x224), ==, 0xe000 - 0x200);
    g_assert_cmpuint(ld16(bp + 0x1fa), ==, 0xffff);
    g_assert_cmpuint(ld32(bp + 0x214), ==, 0x100000);
    g_assert_cmpuint(ld64(bp + 0x070), ==, 0xf0000); /* acpi_rsdp_addr */
    g_assert_cmpuint(ld32(bp + 0x0c8), ==, 0);

    /* command line: in low RAM below 0xa0000, NUL-terminated */
    uint32_t cl = ld32(bp + 0x228);
    g_assert_cmpuint(cl, >=, 0x10000 + 0x1000);
    g_assert_cmpuint(cl + strlen(cmdline) + 1, <=, 0xa0000);
    g_assert_cmpstr((const char *)f.ram + cl, ==, cmdline);

    /* e820: every entry copied, 20 bytes each at 0x2d0 */
    g_assert_cmpuint(bp[0x1e8], ==, 5);
    for (int i = 0; i < 5; i++) {
        const uint8_t *e = bp + 0x2d0 + 20 * i;
        g_assert_cmpuint(ld64(e), ==, f.e820.entries[i].addr);
        g_assert_cmpuint(ld64(e + 8), ==, f.e820.entries[i].size);
        g_assert_cmpuint(ld32(e + 16), ==, f.e820.entries[i].type);
    }
    g_assert_cmpuint(ld64(bp + 0x2d0 + 20 * 3), ==, 0x100000);
    g_assert_cmpuint(ld32(bp + 0x1e0), ==, (RAM_SIZE - MIB) / 1024); /* alt_mem_k */

    /* initrd: page-aligned, above the kernel's decompression area (which
     * starts at pref_address 16 MiB for this relocatable kernel), below
     * RAM's end, and as high as it can go */
    uint64_t ird = ld32(bp + 0x218) | (uint64_t)ld32(bp + 0x0c0) << 32;
    g_assert_cmpuint(ld32(bp + 0x21c), ==, initrd_size);
    g_assert_cmpuint(ld32(bp + 0x0c4), ==, 0);
    g_assert_cmpuint(ird % 4096, ==, 0);
    g_assert_cmpuint(ird, >=, 0x1000000 + s.init_size);
    g_assert_cmpuint(ird, >=, 0x100000 + s.init_size);
    g_assert_cmpuint(ird + initrd_size - 1, <=, 0x7fffffff);
    g_assert_cmpuint(ird + initrd_size, <=, RAM_SIZE);
    g_assert_cmpuint(ird + initrd_size + 4096, >, RAM_SIZE);
    g_assert_cmpmem(f.ram + ird, initrd_size, initrd, initrd_size);

    /* protected-mode kernel at 1 MiB */
    g_assert_cmpmem(f.ram + 0x100000, s.pm_size, k + 8 * 512, s.pm_size);

    /* entry state (boot.rst, "32-bit Boot Protocol") */
    g_assert_cmpuint(f.env.rip, ==, 0x100000);
    g_assert_cmpuint(f.env.regs[R_EBP], ==, 0);
    g_assert_cmpuint(f.env.regs[R_EDI], ==, 0);
    g_assert_cmpuint(f.env.regs[R_EBX], ==, 0);
    g_assert_cmpuint(f.env.rflags & RFLAGS_IF, ==, 0);
    g_assert_cmpuint(f.env.cr0 & (CR0_PE | CR0_PG), ==, CR0_PE);
    g_assert_cmpuint(f.env.segs[R_CS].selector, ==, 0x10);
    g_assert_cmpuint(f.env.segs[R_DS].selector, ==, 0x18);
    g_assert_cmpuint(f.env.segs[R_ES].selector, ==, 0x18);
    g_assert_cmpuint(f.env.segs[R_SS].selector, ==, 0x18);
    /* a GDT in RAM holding flat 4 GiB descriptors at 0x10 and 0x18 */
    g_assert_cmpuint(f.env.gdt.limit, >=, 0x1f);
    g_assert_cmpuint(f.env.gdt.base + 0x20, <=, 0x10000);
    g_assert_cmpuint(ld64(f.ram + f.env.gdt.base + 0x10), ==, 0x00cf9b000000ffffull);
    g_assert_cmpuint(ld64(f.ram + f.env.gdt.base + 0x18), ==, 0x00cf93000000ffffull);

    g_free(initrd);
    g_free(k);
    fixture_free(&f);
}

static void test_initrd_addr_max(void)
{
    Fixture f;
    fixture_init(&f, RAM_SIZE);
    BzSpec s = bz_default();
    s.initrd_addr_max = 0x5ffffff; /* highest byte 96 MiB - 1 */
    s.xloadflags = 0x01;           /* not loadable above 4G: the limit holds */
    size_t len;
    uint8_t *k = bz_build(&s, &len);
    static uint8_t initrd[10000];
    char *err;
    g_assert_cmpint(bz_load(&f, k, len, initrd, sizeof(initrd), "", &err), ==, 0);
    uint32_t ird = ld32(f.ram + 0x10000 + 0x218);
    g_assert_cmpuint(ird, ==, (0x6000000 - sizeof(initrd)) & ~0xfffu);
    g_assert_cmpuint(ird + sizeof(initrd) - 1, <=, 0x5ffffff);
    /* the empty command line is still a valid pointer to "" */
    g_assert_cmpuint(f.ram[ld32(f.ram + 0x10000 + 0x228)], ==, 0);

    /* XLF_CAN_BE_LOADED_ABOVE_4G lifts initrd_addr_max: top of RAM again */
    g_free(k);
    s.xloadflags = 0x03;
    k = bz_build(&s, &len);
    g_assert_cmpint(bz_load(&f, k, len, initrd, sizeof(initrd), "", &err), ==, 0);
    ird = ld32(f.ram + 0x10000 + 0x218);
    g_assert_cmpuint(ird, ==, (RAM_SIZE - sizeof(initrd)) & ~0xfffu);

    /* no initrd: ramdisk fields zero */
    g_assert_cmpint(bz_load(&f, k, len, NULL, 0, "", &err), ==, 0);
    g_assert_cmpuint(ld32(f.ram + 0x10000 + 0x218), ==, 0);
    g_assert_cmpuint(ld32(f.ram + 0x10000 + 0x21c), ==, 0);
    g_free(k);
    fixture_free(&f);
}

static void test_setup_sects_zero(void)
{
    Fixture f;
    fixture_init(&f, RAM_SIZE);
    BzSpec s = bz_default();
    s.setup_sects = 0; /* means 4 */
    size_t len;
    uint8_t *k = bz_build(&s, &len);
    g_assert_cmpuint(len, ==, 5 * 512 + s.pm_size);
    char *err;
    g_assert_cmpint(bz_load(&f, k, len, NULL, 0, "x", &err), ==, 0);
    g_assert_cmpmem(f.ram + 0x100000, s.pm_size, k + 5 * 512, s.pm_size);
    g_free(k);
    fixture_free(&f);
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

static void test_errors(void)
{
    Fixture f;
    fixture_init(&f, RAM_SIZE);
    BzSpec s = bz_default();
    size_t len;
    uint8_t *k;
    char *err;

    k = bz_build(&s, &len);
    memcpy(k + 0x202, "Hdrs", 4);
    g_assert_cmpint(bz_load(&f, k, len, NULL, 0, "", &err), ==, -1);
    check_error(err, (const char *[]){ "-kernel", "HdrS", NULL });
    g_free(err);
    g_free(k);

    s = bz_default();
    s.version = 0x0204;
    k = bz_build(&s, &len);
    g_assert_cmpint(bz_load(&f, k, len, NULL, 0, "", &err), ==, -1);
    check_error(err, (const char *[]){ "2.04", "too old", "2.06", NULL });
    g_free(err);
    g_free(k);

    s = bz_default();
    s.loadflags = 0;
    k = bz_build(&s, &len);
    g_assert_cmpint(bz_load(&f, k, len, NULL, 0, "", &err), ==, -1);
    check_error(err, (const char *[]){ "zImage", NULL });
    g_free(err);
    g_free(k);

    /* file cut inside the setup code */
    s = bz_default();
    k = bz_build(&s, &len);
    g_assert_cmpint(bz_load(&f, k, 3000, NULL, 0, "", &err), ==, -1);
    check_error(err, (const char *[]){ "truncated", "7 sectors", "3000 bytes", NULL });
    g_free(err);
    /* setup only, no protected-mode part */
    g_assert_cmpint(bz_load(&f, k, 8 * 512, NULL, 0, "", &err), ==, -1);
    check_error(err, (const char *[]){ "truncated", NULL });
    g_free(err);
    /* cut inside the protected-mode part that syssize announces */
    g_assert_cmpint(bz_load(&f, k, len - 64, NULL, 0, "", &err), ==, -1);
    check_error(err, (const char *[]){ "truncated", NULL });
    g_free(err);
    g_free(k);

    /* a command line longer than cmdline_size */
    s = bz_default();
    s.cmdline_size = 16;
    k = bz_build(&s, &len);
    g_assert_cmpint(bz_load(&f, k, len, NULL, 0, "0123456789abcdef", &err), ==, 0);
    g_assert_cmpint(bz_load(&f, k, len, NULL, 0, "0123456789abcdefg", &err), ==, -1);
    check_error(err, (const char *[]){ "-append", "17", "16", NULL });
    g_free(err);
    g_free(k);

    /* an initrd that cannot fit between the kernel's end and RAM's end */
    s = bz_default();
    k = bz_build(&s, &len);
    size_t big = RAM_SIZE - 0x1000000 - s.init_size + 1;
    uint8_t *initrd = g_malloc0(big);
    g_assert_cmpint(bz_load(&f, k, len, initrd, big, "", &err), ==, -1);
    check_error(err, (const char *[]){ "-initrd", "does not fit", "-m", NULL });
    g_free(err);
    /* one page less fits exactly above the kernel */
    g_assert_cmpint(bz_load(&f, k, len, initrd, big - 4096, "", &err), ==, 0);
    g_assert_cmpuint(ld32(f.ram + 0x10000 + 0x218), ==, 0x1000000 + s.init_size);
    g_free(initrd);
    g_free(k);

    /* a kernel whose decompression area runs past RAM's end */
    s = bz_default();
    s.init_size = RAM_SIZE;
    k = bz_build(&s, &len);
    g_assert_cmpint(bz_load(&f, k, len, NULL, 0, "", &err), ==, -1);
    check_error(err, (const char *[]){ "-kernel", "init_size", "-m", NULL });
    g_free(err);
    g_free(k);

    fixture_free(&f);
}

/* Debian's kernel as built by scripts/build-demo-guest.sh into the build
 * folder's guest/ (or $MIMIC_GUEST_DIR). */
static void test_debian_kernel(void)
{
    const char *dir = g_getenv("MIMIC_GUEST_DIR");
    char *path = dir ? g_build_filename(dir, "vmlinuz", NULL)
                     : g_test_build_filename(G_TEST_BUILT, "..", "..", "guest", "vmlinuz", NULL);
    char *k;
    gsize len;
    if (!g_file_get_contents(path, &k, &len, NULL)) {
        g_test_skip("no demo guest kernel (run scripts/build-demo-guest.sh BUILDDIR/guest)");
        g_free(path);
        return;
    }
    g_free(path);
    const uint8_t *ku = (const uint8_t *)k;
    g_assert_true(linux_is_bzimage(ku, len));

    Fixture f;
    fixture_init(&f, 256 * MIB);
    static uint8_t initrd[MIB];
    memset(initrd, 0x5a, sizeof(initrd));
    char *err;
    g_assert_cmpint(bz_load(&f, ku, len, initrd, sizeof(initrd), "console=ttyS0", &err), ==, 0);
    const uint8_t *bp = f.ram + f.env.regs[R_ESI];
    unsigned sects = ku[0x1f1] ? ku[0x1f1] : 4;
    g_assert_cmpuint(ld16(bp + 0x206), >=, 0x020a);
    g_assert_cmpmem(bp + 0x1f1, 0x10, ku + 0x1f1, 0x10);
    g_assert_cmpmem(f.ram + 0x100000, len - (sects + 1) * 512, ku + (sects + 1) * 512,
                    len - (sects + 1) * 512);
    uint32_t ird = ld32(bp + 0x218);
    g_assert_cmpuint(ird % 4096, ==, 0);
    g_assert_cmpuint(ird, >=, ld64(ku + 0x258) + ld32(ku + 0x260));
    g_assert_cmpuint(ird + sizeof(initrd), <=, 256 * MIB);
    g_assert_cmpstr((const char *)f.ram + ld32(bp + 0x228), ==, "console=ttyS0");
    g_assert_cmpuint(f.env.rip, ==, 0x100000);

    /* with too little RAM for its init_size, a clear error */
    fixture_free(&f);
    fixture_init(&f, 32 * MIB);
    g_assert_cmpint(bz_load(&f, ku, len, NULL, 0, "", &err), ==, -1);
    check_error(err, (const char *[]){ "-m", NULL });
    g_free(err);
    fixture_free(&f);
    g_free(k);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/linux-boot/probe", test_probe);
    g_test_add_func("/linux-boot/boot-params", test_boot_params);
    g_test_add_func("/linux-boot/initrd-addr-max", test_initrd_addr_max);
    g_test_add_func("/linux-boot/setup-sects-zero", test_setup_sects_zero);
    g_test_add_func("/linux-boot/errors", test_errors);
    g_test_add_func("/linux-boot/debian-kernel", test_debian_kernel);
    return g_test_run();
}
