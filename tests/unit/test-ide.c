/*
 * IDE channels driven through their ports as a guest drives them: ATA
 * IDENTIFY contents (ATA/ATAPI-6 §8.15), signatures after reset (§9.12),
 * PIO data-in/out with one interrupt per DRQ block, CHS/LBA28/LBA48
 * addressing, READ/WRITE MULTIPLE, bus-master DMA through a PRD table in
 * test RAM (SFF-8038i), write protection, flush, and ATAPI packets (MMC-3
 * INQUIRY, READ CAPACITY, READ(10) with byte count limits, READ TOC, sense
 * after errors, medium events, eject and lock).
 */
#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "block/block.h"
#include "block/drive.h"
#include "hw/ide/ide.h"
#include "hw/pci/pci.h"

#define P0 0x1f0
#define C0 0x3f6
#define P1 0x170
#define C1 0x376
#define BM 0xc000
#define RAM_SIZE (1u << 20)

#define ST_BSY 0x80
#define ST_DRDY 0x40
#define ST_DSC 0x10
#define ST_DRQ 0x08
#define ST_ERR 0x01

typedef struct IrqRecord {
    int level;
    int raises;
} IrqRecord;

static void record_irq(void *opaque, int n, int level)
{
    IrqRecord *r = opaque;
    if (level && !r->level) {
        r->raises++;
    }
    r->level = level;
}

typedef struct Fixture {
    Machine m;
    uint8_t *ram;
    IrqRecord irq_rec[2];
    IrqLine irq[2];
    IdeBus *bus[2];
    char *path[4];
} Fixture;

static Fixture F;

static uint8_t inb(uint16_t port)
{
    return as_read(F.m.io, port, 1);
}

static uint16_t inw(uint16_t port)
{
    return as_read(F.m.io, port, 2);
}

static uint32_t inl(uint16_t port)
{
    return as_read(F.m.io, port, 4);
}

static void outb(uint16_t port, uint8_t v)
{
    as_write(F.m.io, port, v, 1);
}

static void outw(uint16_t port, uint16_t v)
{
    as_write(F.m.io, port, v, 2);
}

static void outl(uint16_t port, uint32_t v)
{
    as_write(F.m.io, port, v, 4);
}

static uint8_t pattern(uint64_t off)
{
    return (uint8_t)(off * 7 + (off >> 9) * 3 + (off >> 17));
}

static char *make_image(uint64_t size, uint64_t fill)
{
    char *path = NULL;
    int fd = g_file_open_tmp("mimic-ide-XXXXXX", &path, NULL);
    g_assert_cmpint(fd, >=, 0);
    g_assert_cmpint(ftruncate(fd, size), ==, 0);
    uint8_t *buf = g_malloc(fill);
    for (uint64_t i = 0; i < fill; i++) {
        buf[i] = pattern(i);
    }
    g_assert_cmpint(pwrite(fd, buf, fill, 0), ==, (ssize_t)fill);
    g_free(buf);
    close(fd);
    return path;
}

static BlockBackend *open_image(const char *path, bool ro)
{
    char *err = NULL;
    BlockBackend *bb = blk_open(path, "raw", ro, NULL, &err);
    g_assert_null(err);
    return bb;
}

/* Channel 0: a 2 MiB disk (4096 sectors) as master; channel 1: a CD-ROM of
 * 40 sectors as master. BM-DMA at port 0xC000, 1 MiB RAM at 0. */
static void fixture_setup(uint64_t disk_size, bool disk_ro, bool cd_medium)
{
    memset(&F, 0, sizeof(F));
    F.m.mem = as_create("memory", 1ull << 32);
    F.m.io = as_create("io", 0x10000);
    F.ram = g_malloc0(RAM_SIZE);
    as_add_ram(F.m.mem, "ram", 0, RAM_SIZE, F.ram, false, NULL);
    for (int i = 0; i < 2; i++) {
        F.irq[i] = (IrqLine){ .handler = record_irq, .opaque = &F.irq_rec[i], .n = 14 + i };
    }
    F.bus[0] = ide_bus_create(&F.m, P0, C0, &F.irq[0]);
    F.bus[1] = ide_bus_create(&F.m, P1, C1, &F.irq[1]);
    BmDmaState *bm = bmdma_create(&F.m, F.bus[0], F.bus[1]);
    as_add_io(F.m.io, "bmdma", BM, 16, &bmdma_ops, bm, NULL);

    char *err = NULL;
    F.path[0] = make_image(disk_size, MIN(disk_size, 4u << 20));
    g_assert_cmpint(ide_attach(F.bus[0], 0, IDE_KIND_HD, open_image(F.path[0], disk_ro), &err), ==, 0);
    F.path[1] = make_image(40 * 2048, 40 * 2048);
    g_assert_cmpint(ide_attach(F.bus[1], 0, IDE_KIND_CD, cd_medium ? open_image(F.path[1], true) : NULL,
                               &err), ==, 0);
}

static void fixture_teardown(void)
{
    g_ptr_array_free(F.m.owned, TRUE);
    g_array_free(F.m.reset_hooks, TRUE);
    as_destroy(F.m.io);
    as_destroy(F.m.mem);
    g_free(F.ram);
    for (int i = 0; i < 4; i++) {
        if (F.path[i]) {
            g_unlink(F.path[i]);
            g_free(F.path[i]);
        }
    }
}

static uint8_t file_byte(int img, uint64_t off)
{
    uint8_t b = 0;
    int fd = open(F.path[img], O_RDONLY);
    g_assert_cmpint(pread(fd, &b, 1, off), ==, 1);
    close(fd);
    return b;
}

static void lba28(uint16_t base, int dev, uint32_t lba, uint8_t count)
{
    outb(base + 6, 0xe0 | dev << 4 | (lba >> 24 & 0xf));
    outb(base + 2, count);
    outb(base + 3, lba);
    outb(base + 4, lba >> 8);
    outb(base + 5, lba >> 16);
}

static void lba48(uint16_t base, uint64_t lba, uint16_t count)
{
    outb(base + 6, 0x40);
    outb(base + 2, count >> 8);
    outb(base + 3, lba >> 24);
    outb(base + 4, lba >> 32);
    outb(base + 5, lba >> 40);
    outb(base + 2, count);
    outb(base + 3, lba);
    outb(base + 4, lba >> 8);
    outb(base + 5, lba >> 16);
}

static void read_words(uint16_t base, uint16_t *w, int n)
{
    for (int i = 0; i < n; i++) {
        w[i] = inw(base);
    }
}

/* ---- ATA ---- */

static void test_identify(void)
{
    fixture_setup(2u << 20, false, true);
    uint16_t id[256];
    outb(P0 + 6, 0xa0);
    outb(P0 + 7, 0xec);
    g_assert_cmpint(F.irq_rec[0].level, ==, 1);
    g_assert_cmphex(inb(C0), ==, ST_DRDY | ST_DSC | ST_DRQ); /* alternate status keeps INTRQ */
    g_assert_cmpint(F.irq_rec[0].level, ==, 1);
    g_assert_cmphex(inb(P0 + 7), ==, ST_DRDY | ST_DSC | ST_DRQ);
    g_assert_cmpint(F.irq_rec[0].level, ==, 0);
    read_words(P0, id, 256);
    g_assert_cmphex(inb(P0 + 7), ==, ST_DRDY | ST_DSC);

    g_assert_cmphex(id[0], ==, 0x0040);
    g_assert_cmpuint(id[1], ==, 4); /* 4096 / (16 * 63) */
    g_assert_cmpuint(id[3], ==, 16);
    g_assert_cmpuint(id[6], ==, 63);
    g_assert_cmphex(id[27], ==, 'M' << 8 | 'I'); /* "MIMIC HARDDISK", swapped per word */
    g_assert_cmphex(id[33], ==, 'S' << 8 | 'K');
    g_assert_cmphex(id[34], ==, ' ' << 8 | ' ');
    g_assert_cmphex(id[47] & 0xff, ==, 16);
    g_assert_true(id[49] & (1 << 9)); /* LBA */
    g_assert_true(id[49] & (1 << 8)); /* DMA */
    g_assert_cmphex(id[53] & 7, ==, 7);
    g_assert_cmpuint(id[54], ==, 4);
    g_assert_cmpuint(id[57] | id[58] << 16, ==, 4 * 16 * 63);
    g_assert_cmpuint(id[60] | id[61] << 16, ==, 4096);
    g_assert_cmphex(id[83] & 0xc000, ==, 0x4000);
    g_assert_true(id[83] & (1 << 10)); /* 48-bit addressing */
    g_assert_true(id[86] & (1 << 10));
    g_assert_cmpuint(id[100], ==, 4096);
    g_assert_cmpuint(id[101] | id[102] | id[103], ==, 0);
    uint8_t sum = 0;
    for (int i = 0; i < 256; i++) {
        sum += (id[i] & 0xff) + (id[i] >> 8);
    }
    g_assert_cmphex(id[255] & 0xff, ==, 0xa5);
    g_assert_cmpuint(sum, ==, 0);
    fixture_teardown();
}

static void test_signatures(void)
{
    fixture_setup(2u << 20, false, true);
    /* power-on: disk signature and DRDY; the missing slave reads status 0 */
    g_assert_cmphex(inb(P0 + 7), ==, ST_DRDY | ST_DSC);
    g_assert_cmphex(inb(P0 + 1), ==, 0x01);
    g_assert_cmphex(inb(P0 + 2), ==, 1);
    g_assert_cmphex(inb(P0 + 3), ==, 1);
    g_assert_cmphex(inb(P0 + 4), ==, 0);
    g_assert_cmphex(inb(P0 + 5), ==, 0);
    outb(P0 + 6, 0xb0);
    g_assert_cmphex(inb(P0 + 7), ==, 0);
    g_assert_cmphex(inb(C0), ==, 0);
    outb(P0 + 2, 0x55); /* device 0 answers for the absent device 1 */
    g_assert_cmphex(inb(P0 + 2), ==, 0x55);
    outb(P0 + 7, 0xec); /* nobody executes it */
    g_assert_cmpint(F.irq_rec[0].raises, ==, 0);

    /* the ATAPI drive: 14h/EBh, DRDY clear */
    g_assert_cmphex(inb(P1 + 4), ==, 0x14);
    g_assert_cmphex(inb(P1 + 5), ==, 0xeb);
    g_assert_cmphex(inb(P1 + 7), ==, 0);

    /* software reset: BSY while SRST is set, the signature after */
    lba28(P0, 0, 0x123456, 9);
    outb(C0, 0x04);
    g_assert_cmphex(inb(C0) & ST_BSY, ==, ST_BSY);
    outb(C0, 0x00);
    g_assert_cmphex(inb(P0 + 7), ==, ST_DRDY | ST_DSC);
    g_assert_cmphex(inb(P0 + 2), ==, 1);
    g_assert_cmphex(inb(P0 + 3), ==, 1);
    g_assert_cmphex(inb(P0 + 4), ==, 0);
    g_assert_cmphex(inb(P0 + 6) & 0x10, ==, 0);

    /* IDENTIFY DEVICE to the packet device aborts and shows its signature */
    outb(P1 + 2, 0);
    outb(P1 + 4, 0);
    outb(P1 + 7, 0xec);
    g_assert_cmphex(inb(P1 + 7), ==, ST_DRDY | ST_ERR);
    g_assert_cmphex(inb(P1 + 1), ==, 0x04);
    g_assert_cmphex(inb(P1 + 4), ==, 0x14);
    g_assert_cmphex(inb(P1 + 5), ==, 0xeb);

    /* EXECUTE DEVICE DIAGNOSTIC: code 01h and an interrupt */
    outb(P0 + 7, 0x90);
    g_assert_cmpint(F.irq_rec[0].level, ==, 1);
    g_assert_cmphex(inb(P0 + 1), ==, 0x01);
    g_assert_cmphex(inb(P0 + 7), ==, ST_DRDY | ST_DSC);
    /* an unknown command and NOP abort */
    outb(P0 + 7, 0x00);
    g_assert_cmphex(inb(P0 + 7), ==, ST_DRDY | ST_DSC | ST_ERR);
    g_assert_cmphex(inb(P0 + 1), ==, 0x04);
    outb(P0 + 7, 0xb0); /* SMART, not offered */
    g_assert_cmphex(inb(P0 + 7), ==, ST_DRDY | ST_DSC | ST_ERR);
    fixture_teardown();
}

static void test_nien(void)
{
    fixture_setup(2u << 20, false, true);
    outb(C0, 0x02);
    outb(P0 + 6, 0xa0);
    outb(P0 + 7, 0xe5); /* CHECK POWER MODE */
    g_assert_cmpint(F.irq_rec[0].level, ==, 0);
    g_assert_cmphex(inb(P0 + 2), ==, 0xff);
    outb(C0, 0x00); /* the pending interrupt shows once nIEN clears */
    g_assert_cmpint(F.irq_rec[0].level, ==, 1);
    /* selecting the other device takes INTRQ away from it */
    outb(P0 + 6, 0xb0);
    g_assert_cmpint(F.irq_rec[0].level, ==, 0);
    outb(P0 + 6, 0xa0);
    g_assert_cmpint(F.irq_rec[0].level, ==, 1);
    inb(P0 + 7);
    g_assert_cmpint(F.irq_rec[0].level, ==, 0);
    fixture_teardown();
}

static void test_pio_read(void)
{
    fixture_setup(2u << 20, false, true);
    uint16_t w[256];
    lba28(P0, 0, 100, 3);
    outb(P0 + 7, 0x20);
    for (int s = 0; s < 3; s++) {
        g_assert_cmpint(F.irq_rec[0].raises, ==, s + 1);
        g_assert_cmphex(inb(P0 + 7), ==, ST_DRDY | ST_DSC | ST_DRQ);
        read_words(P0, w, 256);
        for (int i = 0; i < 512; i++) {
            g_assert_cmphex(((uint8_t *)w)[i], ==, pattern((100 + s) * 512 + i));
        }
    }
    g_assert_cmpint(F.irq_rec[0].raises, ==, 3); /* none after the last block */
    g_assert_cmphex(inb(P0 + 7), ==, ST_DRDY | ST_DSC);

    /* CHS: cylinder 1, head 2, sector 5 = (1 * 16 + 2) * 63 + 4 = 1138;
     * 32-bit data reads work as two words */
    outb(P0 + 6, 0xa2);
    outb(P0 + 2, 1);
    outb(P0 + 3, 5);
    outb(P0 + 4, 1);
    outb(P0 + 5, 0);
    outb(P0 + 7, 0x20);
    inb(P0 + 7);
    uint32_t d = inl(P0);
    g_assert_cmphex(d & 0xff, ==, pattern(1138 * 512));
    g_assert_cmphex(d >> 24, ==, pattern(1138 * 512 + 3));

    /* sector 0 does not exist in CHS; past the end is IDNF */
    outb(P0 + 3, 0);
    outb(P0 + 7, 0x20);
    g_assert_cmphex(inb(P0 + 7), ==, ST_DRDY | ST_DSC | ST_ERR);
    g_assert_cmphex(inb(P0 + 1), ==, 0x10);
    lba28(P0, 0, 4095, 2);
    outb(P0 + 7, 0x20);
    g_assert_cmphex(inb(P0 + 7), ==, ST_DRDY | ST_DSC | ST_ERR);
    g_assert_cmphex(inb(P0 + 1), ==, 0x10);
    lba28(P0, 0, 4095, 1);
    outb(P0 + 7, 0x40); /* READ VERIFY of the last sector */
    g_assert_cmphex(inb(P0 + 7), ==, ST_DRDY | ST_DSC);
    fixture_teardown();
}

static void test_pio_write(void)
{
    fixture_setup(2u << 20, false, true);
    lba28(P0, 0, 7, 2);
    outb(P0 + 7, 0x30);
    g_assert_cmpint(F.irq_rec[0].raises, ==, 0); /* the first block needs no interrupt */
    g_assert_cmphex(inb(C0), ==, ST_DRDY | ST_DSC | ST_DRQ);
    for (int i = 0; i < 256; i++) {
        outw(P0, 0x1100 + i);
    }
    g_assert_cmpint(F.irq_rec[0].raises, ==, 1);
    g_assert_cmphex(inb(P0 + 7), ==, ST_DRDY | ST_DSC | ST_DRQ);
    for (int i = 0; i < 128; i++) {
        outl(P0, 0xa5a50000 + i);
    }
    g_assert_cmpint(F.irq_rec[0].raises, ==, 2);
    g_assert_cmphex(inb(P0 + 7), ==, ST_DRDY | ST_DSC);
    g_assert_cmphex(file_byte(0, 7 * 512 + 2), ==, 0x01);
    g_assert_cmphex(file_byte(0, 7 * 512 + 3), ==, 0x11);
    g_assert_cmphex(file_byte(0, 8 * 512 + 4), ==, 0x01);
    g_assert_cmphex(file_byte(0, 8 * 512 + 7), ==, 0xa5);
    g_assert_cmphex(file_byte(0, 9 * 512), ==, pattern(9 * 512));

    /* FLUSH CACHE, and turning the write cache off through SET FEATURES */
    outb(P0 + 7, 0xe7);
    g_assert_cmphex(inb(P0 + 7), ==, ST_DRDY | ST_DSC);
    outb(P0 + 1, 0x82);
    outb(P0 + 7, 0xef);
    g_assert_cmphex(inb(P0 + 7), ==, ST_DRDY | ST_DSC);
    uint16_t id[256];
    outb(P0 + 7, 0xec);
    read_words(P0, id, 256);
    g_assert_false(id[85] & (1 << 5));
    outb(P0 + 1, 0x77); /* unknown feature */
    outb(P0 + 7, 0xef);
    g_assert_cmphex(inb(P0 + 7), ==, ST_DRDY | ST_DSC | ST_ERR);
    fixture_teardown();
}

static void test_multiple(void)
{
    fixture_setup(2u << 20, false, true);
    lba28(P0, 0, 0, 10);
    outb(P0 + 7, 0xc4); /* READ MULTIPLE before SET MULTIPLE MODE */
    g_assert_cmphex(inb(P0 + 7), ==, ST_DRDY | ST_DSC | ST_ERR);
    outb(P0 + 2, 3); /* not a power of two */
    outb(P0 + 7, 0xc6);
    g_assert_cmphex(inb(P0 + 7), ==, ST_DRDY | ST_DSC | ST_ERR);
    outb(P0 + 2, 4);
    outb(P0 + 7, 0xc6);
    g_assert_cmphex(inb(P0 + 7), ==, ST_DRDY | ST_DSC);
    int raises = F.irq_rec[0].raises;
    lba28(P0, 0, 20, 10);
    outb(P0 + 7, 0xc4);
    int words = 0;
    while (inb(P0 + 7) & ST_DRQ) {
        uint16_t w = inw(P0);
        g_assert_cmphex(w & 0xff, ==, pattern(20 * 512 + 2 * words));
        words++;
    }
    g_assert_cmpint(words, ==, 10 * 256);
    g_assert_cmpint(F.irq_rec[0].raises - raises, ==, 3); /* blocks of 4, 4, 2 */
    uint16_t id[256];
    outb(P0 + 7, 0xec);
    read_words(P0, id, 256);
    g_assert_cmphex(id[59], ==, 0x0104);

    /* INITIALIZE DEVICE PARAMETERS changes the CHS translation */
    outb(P0 + 6, 0xa0 | 3); /* 4 heads */
    outb(P0 + 2, 32);       /* 32 sectors per track */
    outb(P0 + 7, 0x91);
    g_assert_cmphex(inb(P0 + 7), ==, ST_DRDY | ST_DSC);
    outb(P0 + 7, 0xec);
    read_words(P0, id, 256);
    g_assert_cmpuint(id[54], ==, 4096 / (4 * 32));
    g_assert_cmpuint(id[55], ==, 4);
    g_assert_cmpuint(id[56], ==, 32);
    outb(P0 + 6, 0xa1); /* C/H/S 2/1/3 = (2 * 4 + 1) * 32 + 2 = 290 */
    outb(P0 + 2, 1);
    outb(P0 + 3, 3);
    outb(P0 + 4, 2);
    outb(P0 + 5, 0);
    outb(P0 + 7, 0x20);
    g_assert_cmphex(inw(P0) & 0xff, ==, pattern(290 * 512));
    fixture_teardown();
}

static void test_lba48(void)
{
    /* a sparse 200 GiB image: past the 28-bit limit */
    uint64_t size = 200ull << 30, sectors = size / 512;
    fixture_setup(size, false, true);
    uint16_t id[256];
    outb(P0 + 6, 0xa0);
    outb(P0 + 7, 0xec);
    read_words(P0, id, 256);
    g_assert_cmphex(id[60] | (uint32_t)id[61] << 16, ==, 0x0fffffff);
    g_assert_cmphex(id[100] | (uint64_t)id[101] << 16 | (uint64_t)id[102] << 32, ==, sectors);
    g_assert_cmpuint(id[1], ==, 16383);

    uint64_t lba = 0x12345678ull; /* above 2^28 */
    lba48(P0, lba, 2);
    /* HOB reads back the high bytes */
    outb(C0, 0x80);
    g_assert_cmphex(inb(P0 + 3), ==, (lba >> 24) & 0xff);
    g_assert_cmphex(inb(P0 + 4), ==, (lba >> 32) & 0xff);
    g_assert_cmphex(inb(P0 + 2), ==, 0);
    outb(C0, 0x00);
    g_assert_cmphex(inb(P0 + 3), ==, lba & 0xff);
    outb(P0 + 7, 0x34); /* WRITE SECTORS EXT */
    for (int i = 0; i < 512; i++) {
        outw(P0, 0xbe00 + i);
    }
    g_assert_cmphex(inb(P0 + 7), ==, ST_DRDY | ST_DSC);
    g_assert_cmphex(file_byte(0, lba * 512 + 2), ==, 0x01);
    g_assert_cmphex(file_byte(0, lba * 512 + 512 + 1), ==, 0xbf);
    lba48(P0, lba + 1, 1);
    outb(P0 + 7, 0x24); /* READ SECTORS EXT */
    g_assert_cmphex(inw(P0), ==, 0xbe00 + 256);
    /* count 0 means 65536 sectors in 48-bit commands: past the end here */
    lba48(P0, sectors - 100, 0);
    outb(P0 + 7, 0x24);
    g_assert_cmphex(inb(P0 + 7), ==, ST_DRDY | ST_DSC | ST_ERR);
    g_assert_cmphex(inb(P0 + 1), ==, 0x10);
    fixture_teardown();
}

/* ---- bus-master DMA ---- */

static void prd(uint32_t at, uint32_t addr, uint32_t len, bool eot)
{
    st32(F.ram + at, addr);
    st32(F.ram + at + 4, (len & 0xffff) | (eot ? 0x80000000u : 0));
}

static void test_dma(void)
{
    fixture_setup(2u << 20, false, true);
    /* read 3 sectors into two regions */
    prd(0x1000, 0x2000, 1024, false);
    prd(0x1008, 0x8000, 512, true);
    outl(BM + 4, 0x1000);
    outb(BM, 0x08); /* device -> memory */
    lba28(P0, 0, 50, 3);
    outb(P0 + 7, 0xc8);
    g_assert_cmpint(F.irq_rec[0].raises, ==, 0); /* waits for the engine */
    g_assert_cmphex(inb(BM + 2) & 7, ==, 0);
    outb(BM, 0x09);
    g_assert_cmpint(F.irq_rec[0].raises, ==, 1);
    g_assert_cmphex(inb(BM + 2) & 7, ==, 0x04); /* interrupt, not active, no error */
    g_assert_cmphex(inb(P0 + 7), ==, ST_DRDY | ST_DSC);
    for (int i = 0; i < 1024; i++) {
        g_assert_cmphex(F.ram[0x2000 + i], ==, pattern(50 * 512 + i));
    }
    for (int i = 0; i < 512; i++) {
        g_assert_cmphex(F.ram[0x8000 + i], ==, pattern(52 * 512 + i));
    }
    g_assert_cmphex(F.ram[0x8000 + 512], ==, 0);
    outb(BM, 0x08);
    outb(BM + 2, 0x04); /* write 1 to clear */
    g_assert_cmphex(inb(BM + 2), ==, 0);

    /* write 2 sectors from memory, engine started first, a table larger
     * than the transfer: Active stays set with the interrupt */
    memset(F.ram + 0x3000, 0x5a, 1024);
    prd(0x1000, 0x3000, 0x1000, true);
    outb(BM, 0x01);
    lba28(P0, 0, 60, 2);
    outb(P0 + 7, 0xca);
    g_assert_cmphex(inb(BM + 2) & 7, ==, 0x05);
    g_assert_cmphex(inb(P0 + 7), ==, ST_DRDY | ST_DSC);
    outb(BM, 0x00);
    g_assert_cmphex(inb(BM + 2) & 1, ==, 0);
    g_assert_cmphex(file_byte(0, 60 * 512), ==, 0x5a);
    g_assert_cmphex(file_byte(0, 61 * 512 + 511), ==, 0x5a);
    g_assert_cmphex(file_byte(0, 62 * 512), ==, pattern(62 * 512));
    outb(BM + 2, 0x06);

    /* a table too short: the engine stops, no interrupt, device waits */
    prd(0x1000, 0x4000, 512, true);
    outb(BM, 0x08);
    lba28(P0, 0, 0, 2);
    outb(P0 + 7, 0xc8);
    int raises = F.irq_rec[0].raises;
    outb(BM, 0x09);
    g_assert_cmpint(F.irq_rec[0].raises, ==, raises);
    g_assert_cmphex(inb(BM + 2) & 7, ==, 0);
    g_assert_cmphex(inb(P0 + 7) & ST_DRQ, ==, ST_DRQ);
    outb(BM, 0x08);
    outb(C0, 0x04); /* the host gives up with a reset */
    outb(C0, 0x00);
    g_assert_cmphex(inb(P0 + 7), ==, ST_DRDY | ST_DSC);

    /* a buffer outside RAM: master abort, error bit, command aborted */
    prd(0x1000, 0x40000000, 512, true);
    lba28(P0, 0, 0, 1);
    outb(P0 + 7, 0xc8);
    outb(BM, 0x09);
    g_assert_cmphex(inb(BM + 2) & 7, ==, 0x06);
    g_assert_cmphex(inb(P0 + 7), ==, ST_DRDY | ST_DSC | ST_ERR);
    outb(BM, 0x08);
    outb(BM + 2, 0x06);

    /* a table pointer outside RAM */
    outl(BM + 4, 0x80000000);
    lba28(P0, 0, 0, 1);
    outb(P0 + 7, 0xc8);
    outb(BM, 0x09);
    g_assert_cmphex(inb(BM + 2) & 7, ==, 0x06);
    outb(BM, 0x00);

    /* READ DMA EXT, 64 KiB in one entry of count 0 */
    outl(BM + 4, 0x1000);
    outb(BM + 2, 0x06);
    prd(0x1000, 0x10000, 0, true);
    lba48(P0, 128, 128);
    outb(P0 + 7, 0x25);
    outb(BM, 0x09);
    g_assert_cmphex(inb(BM + 2) & 7, ==, 0x04);
    g_assert_cmphex(F.ram[0x10000 + 0xffff], ==, pattern(128 * 512 + 0xffff));
    fixture_teardown();
}

static void test_readonly_disk(void)
{
    fixture_setup(2u << 20, true, true);
    lba28(P0, 0, 3, 1);
    outb(P0 + 7, 0x30);
    g_assert_cmphex(inb(P0 + 7), ==, ST_DRDY | ST_DSC | ST_ERR);
    g_assert_cmphex(inb(P0 + 1), ==, 0x04);
    for (int i = 0; i < 256; i++) {
        outw(P0, 0); /* ignored: no DRQ */
    }
    prd(0x1000, 0x2000, 512, true);
    outl(BM + 4, 0x1000);
    outb(BM, 0x01);
    lba28(P0, 0, 3, 1);
    outb(P0 + 7, 0xca);
    g_assert_cmphex(inb(P0 + 7), ==, ST_DRDY | ST_DSC | ST_ERR);
    g_assert_cmphex(file_byte(0, 3 * 512), ==, pattern(3 * 512));
    /* reads still work */
    lba28(P0, 0, 3, 1);
    outb(P0 + 7, 0x20);
    g_assert_cmphex(inw(P0) & 0xff, ==, pattern(3 * 512));
    fixture_teardown();
}

/* ---- ATAPI ---- */

typedef struct Reply {
    uint8_t status;   /* after completion */
    uint8_t error;
    uint32_t len;     /* bytes received */
    int chunks;
    uint8_t data[8192];
} Reply;

static void packet(const uint8_t *cdb, uint16_t bcl, Reply *r)
{
    memset(r, 0, sizeof(*r));
    outb(P1 + 6, 0x00);
    outb(P1 + 1, 0x00);
    outb(P1 + 4, bcl & 0xff);
    outb(P1 + 5, bcl >> 8);
    outb(P1 + 7, 0xa0);
    g_assert_cmphex(inb(C1) & (ST_BSY | ST_DRQ), ==, ST_DRQ);
    g_assert_cmphex(inb(P1 + 2) & 3, ==, 0x01); /* CoD: send the command */
    for (int i = 0; i < 6; i++) {
        outw(P1, cdb[2 * i] | cdb[2 * i + 1] << 8);
    }
    for (;;) {
        uint8_t st = inb(P1 + 7);
        uint8_t ir = inb(P1 + 2) & 3;
        if (!(st & ST_DRQ)) {
            g_assert_cmphex(ir, ==, 0x03); /* I/O and CoD: status phase */
            r->status = st;
            r->error = inb(P1 + 1);
            return;
        }
        g_assert_cmphex(ir, ==, 0x02);
        uint32_t n = inb(P1 + 4) | inb(P1 + 5) << 8;
        g_assert_cmpuint(n, <=, bcl ? bcl : 0xfffe);
        for (uint32_t i = 0; i < n; i += 2) {
            uint16_t w = inw(P1);
            g_assert_cmpuint(r->len + 2, <=, sizeof(r->data));
            r->data[r->len++] = w;
            if (i + 1 < n) {
                r->data[r->len++] = w >> 8;
            }
        }
        r->chunks++;
    }
}

static void sense(uint8_t *key, uint8_t *asc, uint8_t *ascq)
{
    const uint8_t cdb[12] = { 0x03, 0, 0, 0, 18 };
    Reply r;
    packet(cdb, 18, &r);
    g_assert_cmphex(r.status & ST_ERR, ==, 0);
    g_assert_cmpuint(r.len, ==, 18);
    g_assert_cmphex(r.data[0], ==, 0x70);
    *key = r.data[2] & 0xf;
    *asc = r.data[12];
    *ascq = r.data[13];
}

static void expect_sense(uint8_t key, uint8_t asc, uint8_t ascq)
{
    uint8_t k, a, q;
    sense(&k, &a, &q);
    g_assert_cmphex(k, ==, key);
    g_assert_cmphex(a, ==, asc);
    g_assert_cmphex(q, ==, ascq);
}

static void test_atapi_identify(void)
{
    fixture_setup(2u << 20, false, true);
    uint16_t id[256];
    outb(P1 + 6, 0x00);
    outb(P1 + 7, 0xa1);
    g_assert_cmpint(F.irq_rec[1].level, ==, 1);
    g_assert_cmphex(inb(P1 + 7), ==, ST_DRDY | ST_DSC | ST_DRQ);
    read_words(P1, id, 256);
    g_assert_cmphex(id[0], ==, 0x85c0);
    g_assert_cmphex(id[27], ==, 'M' << 8 | 'I');
    g_assert_true(id[49] & (1 << 8));
    g_assert_true(id[82] & (1 << 4));
    g_assert_cmphex(id[255] & 0xff, ==, 0xa5);
    /* SET FEATURES transfer mode MWDMA2 shows in word 63 */
    outb(P1 + 1, 0x03);
    outb(P1 + 2, 0x22);
    outb(P1 + 7, 0xef);
    g_assert_cmphex(inb(P1 + 7), ==, ST_DRDY | ST_DSC);
    outb(P1 + 7, 0xa1);
    read_words(P1, id, 256);
    g_assert_cmphex(id[63], ==, 0x0407);
    /* disk commands abort on a packet device */
    outb(P1 + 7, 0x20);
    g_assert_cmphex(inb(P1 + 7), ==, ST_DRDY | ST_DSC | ST_ERR);
    fixture_teardown();
}

static void test_atapi_inquiry_capacity(void)
{
    fixture_setup(2u << 20, false, true);
    Reply r;
    const uint8_t inq[12] = { 0x12, 0, 0, 0, 96 };
    packet(inq, 0xfffe, &r);
    g_assert_cmphex(r.status, ==, ST_DRDY | ST_DSC);
    g_assert_cmpuint(r.len, ==, 36);
    g_assert_cmphex(r.data[0], ==, 0x05);
    g_assert_cmphex(r.data[1], ==, 0x80);
    g_assert_cmpint(memcmp(r.data + 8, "MIMIC   DVD-ROM", 15), ==, 0);
    const uint8_t inq_short[12] = { 0x12, 0, 0, 0, 5 };
    packet(inq_short, 0xfffe, &r);
    g_assert_cmpuint(r.len, ==, 5); /* the allocation length cuts it */

    const uint8_t cap[12] = { 0x25 };
    packet(cap, 0xfffe, &r);
    g_assert_cmpuint(r.len, ==, 8);
    g_assert_cmpuint(r.data[3], ==, 39); /* last LBA of 40 sectors */
    g_assert_cmpuint(r.data[6] << 8 | r.data[7], ==, 2048);

    /* TEST UNIT READY: ready; an unknown opcode: ILLEGAL REQUEST / 20h */
    const uint8_t tur[12] = { 0x00 };
    packet(tur, 0, &r);
    g_assert_cmphex(r.status, ==, ST_DRDY | ST_DSC);
    const uint8_t bad[12] = { 0xe7 };
    packet(bad, 0, &r);
    g_assert_cmphex(r.status & ST_ERR, ==, ST_ERR);
    g_assert_cmphex(r.error >> 4, ==, 0x05);
    expect_sense(0x05, 0x20, 0);
    expect_sense(0x00, 0, 0); /* reported once */
    fixture_teardown();
}

static void test_atapi_read(void)
{
    fixture_setup(2u << 20, false, true);
    Reply r;
    const uint8_t rd[12] = { 0x28, 0, 0, 0, 0, 5, 0, 0, 2 };
    packet(rd, 2048, &r);
    g_assert_cmphex(r.status, ==, ST_DRDY | ST_DSC);
    g_assert_cmpuint(r.len, ==, 4096);
    g_assert_cmpint(r.chunks, ==, 2);
    for (int i = 0; i < 4096; i++) {
        g_assert_cmphex(r.data[i], ==, pattern(5 * 2048 + i));
    }
    /* an odd byte count limit: even chunks, the rest last */
    const uint8_t rd1[12] = { 0x28, 0, 0, 0, 0, 7, 0, 0, 1 };
    packet(rd1, 1001, &r);
    g_assert_cmpuint(r.len, ==, 2048);
    g_assert_cmpint(r.chunks, ==, 3); /* 1000, 1000, 48 */
    g_assert_cmphex(r.data[2047], ==, pattern(7 * 2048 + 2047));
    /* READ(12), the last sector */
    const uint8_t rd12[12] = { 0xa8, 0, 0, 0, 0, 39, 0, 0, 0, 1 };
    packet(rd12, 0xfffe, &r);
    g_assert_cmpuint(r.len, ==, 2048);
    g_assert_cmphex(r.data[0], ==, pattern(39 * 2048));
    /* past the end */
    const uint8_t rdx[12] = { 0x28, 0, 0, 0, 0, 39, 0, 0, 2 };
    packet(rdx, 0xfffe, &r);
    g_assert_cmphex(r.status & ST_ERR, ==, ST_ERR);
    expect_sense(0x05, 0x21, 0);

    /* READ(10) by DMA */
    prd(0x1000, 0x20000, 0x2000, true);
    outl(BM + 12, 0x1000);
    outb(BM + 8, 0x08);
    outb(P1 + 6, 0x00);
    outb(P1 + 1, 0x01); /* DMA */
    outb(P1 + 4, 0);
    outb(P1 + 5, 0);
    outb(P1 + 7, 0xa0);
    const uint8_t rd3[12] = { 0x28, 0, 0, 0, 0, 10, 0, 0, 3 };
    for (int i = 0; i < 6; i++) {
        outw(P1, rd3[2 * i] | rd3[2 * i + 1] << 8);
    }
    outb(BM + 8, 0x09);
    g_assert_cmphex(inb(BM + 10) & 7, ==, 0x05);
    g_assert_cmphex(inb(P1 + 7), ==, ST_DRDY | ST_DSC);
    g_assert_cmphex(inb(P1 + 2) & 3, ==, 3);
    g_assert_cmphex(F.ram[0x20000], ==, pattern(10 * 2048));
    g_assert_cmphex(F.ram[0x20000 + 3 * 2048 - 1], ==, pattern(13 * 2048 - 1));
    g_assert_cmphex(F.ram[0x20000 + 3 * 2048], ==, 0);
    fixture_teardown();
}

static void test_atapi_toc(void)
{
    fixture_setup(2u << 20, false, true);
    Reply r;
    const uint8_t toc[12] = { 0x43, 0, 0, 0, 0, 0, 0, 0, 100 };
    packet(toc, 0xfffe, &r);
    g_assert_cmpuint(r.len, ==, 20);
    g_assert_cmpuint(r.data[0] << 8 | r.data[1], ==, 18);
    g_assert_cmpuint(r.data[2], ==, 1);
    g_assert_cmpuint(r.data[3], ==, 1);
    g_assert_cmphex(r.data[5], ==, 0x14);
    g_assert_cmpuint(r.data[6], ==, 1);
    g_assert_cmpuint(r.data[11], ==, 0);
    g_assert_cmphex(r.data[14], ==, 0xaa);
    g_assert_cmpuint(r.data[19], ==, 40); /* lead-out at the end */
    /* MSF: lead-out at 40 + 150 frames = 00:02:40 */
    const uint8_t toc_msf[12] = { 0x43, 0x02, 0, 0, 0, 0, 0, 0, 100 };
    packet(toc_msf, 0xfffe, &r);
    g_assert_cmpuint(r.data[9], ==, 0);
    g_assert_cmpuint(r.data[10], ==, 2);
    g_assert_cmpuint(r.data[11], ==, 0);
    g_assert_cmpuint(r.data[17], ==, 0);
    g_assert_cmpuint(r.data[18], ==, 2);
    g_assert_cmpuint(r.data[19], ==, 40);
    /* session info */
    const uint8_t sess[12] = { 0x43, 0, 1, 0, 0, 0, 0, 0, 12 };
    packet(sess, 0xfffe, &r);
    g_assert_cmpuint(r.len, ==, 12);
    g_assert_cmpuint(r.data[1], ==, 10);
    g_assert_cmpuint(r.data[6], ==, 1);
    /* full TOC: A0, A1, A2, track 1 */
    const uint8_t full[12] = { 0x43, 0x02, 2, 0, 0, 0, 0, 0, 100 };
    packet(full, 0xfffe, &r);
    g_assert_cmpuint(r.len, ==, 4 + 44);
    g_assert_cmphex(r.data[4 + 3], ==, 0xa0);
    g_assert_cmphex(r.data[15 + 3], ==, 0xa1);
    g_assert_cmphex(r.data[26 + 3], ==, 0xa2);
    g_assert_cmpuint(r.data[26 + 9], ==, 2);
    g_assert_cmpuint(r.data[26 + 10], ==, 40);
    /* a track that does not exist */
    const uint8_t bad[12] = { 0x43, 0, 0, 0, 0, 0, 5, 0, 100 };
    packet(bad, 0xfffe, &r);
    g_assert_cmphex(r.status & ST_ERR, ==, ST_ERR);
    expect_sense(0x05, 0x24, 0);
    fixture_teardown();
}

static void test_atapi_pages(void)
{
    fixture_setup(2u << 20, false, true);
    Reply r;
    const uint8_t ms[12] = { 0x5a, 0, 0x2a, 0, 0, 0, 0, 0, 64 };
    packet(ms, 0xfffe, &r);
    g_assert_cmpuint(r.len, ==, 8 + 22);
    g_assert_cmpuint(r.data[0] << 8 | r.data[1], ==, 28);
    g_assert_cmphex(r.data[8], ==, 0x2a);
    g_assert_cmphex(r.data[9], ==, 0x14);
    g_assert_cmphex(r.data[8 + 6] & 0x08, ==, 0x08); /* can eject */
    const uint8_t ms6[12] = { 0x1a, 0, 0x3f, 0, 255 };
    packet(ms6, 0xfffe, &r);
    g_assert_cmpuint(r.len, ==, 4 + 12 + 22);
    g_assert_cmpuint(r.data[0], ==, r.len - 1);
    g_assert_cmphex(r.data[4], ==, 0x01);
    const uint8_t saved[12] = { 0x5a, 0, 0xc0 | 0x2a, 0, 0, 0, 0, 0, 64 };
    packet(saved, 0xfffe, &r);
    expect_sense(0x05, 0x39, 0);

    const uint8_t gc[12] = { 0x46, 0, 0, 0, 0, 0, 0, 0, 255 };
    packet(gc, 0xfffe, &r);
    g_assert_cmpuint(r.data[6] << 8 | r.data[7], ==, 0x0008); /* CD-ROM profile */
    g_assert_cmpuint(r.data[0] << 24 | r.data[1] << 16 | r.data[2] << 8 | r.data[3], ==, r.len - 4);
    g_assert_cmpuint(r.data[8] << 8 | r.data[9], ==, 0x0000);
    const uint8_t gc_one[12] = { 0x46, 2, 0, 0x10, 0, 0, 0, 0, 255 };
    packet(gc_one, 0xfffe, &r);
    g_assert_cmpuint(r.len, ==, 8 + 12);
    g_assert_cmpuint(r.data[8] << 8 | r.data[9], ==, 0x0010);

    const uint8_t di[12] = { 0x51, 0, 0, 0, 0, 0, 0, 0, 34 };
    packet(di, 0xfffe, &r);
    g_assert_cmpuint(r.len, ==, 34);
    g_assert_cmphex(r.data[2], ==, 0x0e);
    const uint8_t mech[12] = { 0xbd, 0, 0, 0, 0, 0, 0, 0, 0, 8 };
    packet(mech, 0xfffe, &r);
    g_assert_cmpuint(r.len, ==, 8);
    const uint8_t speed[12] = { 0xbb, 0, 0xff, 0xff };
    packet(speed, 0, &r);
    g_assert_cmphex(r.status, ==, ST_DRDY | ST_DSC);
    fixture_teardown();
}

static void test_atapi_media(void)
{
    fixture_setup(2u << 20, false, true);
    Reply r;
    const uint8_t gesn[12] = { 0x4a, 1, 0, 0, 0x10, 0, 0, 0, 8 };
    packet(gesn, 0xfffe, &r);
    g_assert_cmpuint(r.len, ==, 8);
    g_assert_cmphex(r.data[2], ==, 4);
    g_assert_cmphex(r.data[4], ==, 0);
    g_assert_cmphex(r.data[5], ==, 0x02); /* medium present, tray closed */
    const uint8_t gesn_async[12] = { 0x4a, 0, 0, 0, 0x10, 0, 0, 0, 8 };
    packet(gesn_async, 0xfffe, &r);
    g_assert_cmphex(r.status & ST_ERR, ==, ST_ERR);

    /* locked: eject refused */
    const uint8_t lock[12] = { 0x1e, 0, 0, 0, 1 };
    const uint8_t unlock[12] = { 0x1e, 0, 0, 0, 0 };
    const uint8_t eject[12] = { 0x1b, 0, 0, 0, 0x02 };
    const uint8_t load[12] = { 0x1b, 0, 0, 0, 0x03 };
    const uint8_t tur[12] = { 0x00 };
    packet(lock, 0, &r);
    packet(eject, 0, &r);
    g_assert_cmphex(r.status & ST_ERR, ==, ST_ERR);
    expect_sense(0x05, 0x53, 0x02);
    packet(unlock, 0, &r);
    packet(eject, 0, &r);
    g_assert_cmphex(r.status, ==, ST_DRDY | ST_DSC);
    packet(gesn, 0xfffe, &r);
    g_assert_cmphex(r.data[4], ==, 3); /* media removal */
    g_assert_cmphex(r.data[5], ==, 0x01); /* tray open */
    packet(tur, 0, &r);
    g_assert_cmphex(r.error >> 4, ==, 0x02);
    expect_sense(0x02, 0x3a, 0x02);
    packet(load, 0, &r);
    packet(tur, 0, &r); /* the medium changed */
    g_assert_cmphex(r.error >> 4, ==, 0x06);
    expect_sense(0x06, 0x28, 0);
    packet(tur, 0, &r);
    g_assert_cmphex(r.status, ==, ST_DRDY | ST_DSC);
    packet(gesn, 0xfffe, &r);
    g_assert_cmphex(r.data[4], ==, 2); /* new media */
    fixture_teardown();
}

static void test_atapi_empty(void)
{
    fixture_setup(2u << 20, false, false);
    Reply r;
    const uint8_t tur[12] = { 0x00 };
    packet(tur, 0, &r);
    g_assert_cmphex(r.status & ST_ERR, ==, ST_ERR);
    g_assert_cmphex(r.error >> 4, ==, 0x02);
    expect_sense(0x02, 0x3a, 0x01);
    const uint8_t cap[12] = { 0x25 };
    packet(cap, 0xfffe, &r);
    g_assert_cmpuint(r.len, ==, 0);
    expect_sense(0x02, 0x3a, 0x01);
    const uint8_t inq[12] = { 0x12, 0, 0, 0, 36 };
    packet(inq, 0xfffe, &r);
    g_assert_cmpuint(r.len, ==, 36); /* INQUIRY needs no medium */
    const uint8_t gc[12] = { 0x46, 0, 0, 0, 0, 0, 0, 0, 255 };
    packet(gc, 0xfffe, &r);
    g_assert_cmpuint(r.data[6] << 8 | r.data[7], ==, 0);
    fixture_teardown();
}

/* ---- the PIIX3 IDE function on a PCI bus ---- */

static void test_piix_ide(void)
{
    Machine m = { 0 };
    char *err = NULL;
    m.mem = as_create("memory", 1ull << 32);
    m.io = as_create("io", 0x10000);
    IrqRecord rec[16] = { 0 };
    IrqLine lines[16];
    for (int i = 0; i < 16; i++) {
        lines[i] = (IrqLine){ .handler = record_irq, .opaque = &rec[i], .n = i };
    }
    m.isa_irq = lines;
    m.pci_bus = pci_bus_create(&m, &err);
    g_assert_nonnull(m.pci_bus);
    PiixIdeState *s = piix_ide_create(&m, m.pci_bus, PCI_DEVFN(1, 1), false, &err);
    g_assert_nonnull(s);
    char *path = make_image(1 << 20, 1 << 20);
    GPtrArray *drives = g_ptr_array_new_with_free_func(drive_config_free);
    g_assert_cmpint(drive_add_legacy(drives, "hda", 0, DRIVE_MEDIA_DISK, path, &err), ==, 0);
    g_assert_cmpint(drive_add_spec(drives, "if=ide,media=cdrom,index=3", &err), ==, 0);
    g_assert_cmpint(piix_ide_attach_drives(s, drives, &err), ==, 0);

    int devfn = PCI_DEVFN(1, 1);
    g_assert_cmphex(pci_config_read(m.pci_bus, devfn, 0, 4), ==, 0x70108086);
    g_assert_cmphex(pci_config_read(m.pci_bus, devfn, 0x08, 4) >> 8, ==, 0x010180);
    /* reset: the legacy ports decode nothing until IDETIM and I/O enable */
    g_assert_cmphex(as_read(m.io, 0x1f7, 1), ==, 0xff);
    pci_config_write(m.pci_bus, devfn, 0x40, 0x8000, 2);
    g_assert_cmphex(as_read(m.io, 0x1f7, 1), ==, 0xff);
    pci_config_write(m.pci_bus, devfn, PCI_COMMAND, PCI_COMMAND_IO, 2);
    g_assert_cmphex(as_read(m.io, 0x1f7, 1), ==, ST_DRDY | ST_DSC);
    g_assert_cmphex(as_read(m.io, 0x177, 1), ==, 0xff); /* secondary still off */
    pci_config_write(m.pci_bus, devfn, 0x42, 0x8000, 2);
    as_write(m.io, 0x176, 0xb0, 1);
    g_assert_cmphex(as_read(m.io, 0x175, 1), ==, 0xeb); /* the CD's signature at unit 1 */
    g_assert_cmphex(pci_config_read(m.pci_bus, devfn, 0x40, 4), ==, 0x80008000);

    /* BAR4: 16 bytes of I/O for the bus-master registers */
    pci_config_write(m.pci_bus, devfn, 0x20, 0xffffffff, 4);
    g_assert_cmphex(pci_config_read(m.pci_bus, devfn, 0x20, 4), ==, 0xfffffff1);
    pci_config_write(m.pci_bus, devfn, 0x20, 0xc040, 4);
    as_write(m.io, 0xc044, 0x12345677, 4);
    g_assert_cmphex(as_read(m.io, 0xc044, 4), ==, 0x12345674);
    as_write(m.io, 0xc042, 0x60, 1);
    g_assert_cmphex(as_read(m.io, 0xc042, 1), ==, 0x60);

    /* an interrupt from the primary channel reaches ISA IRQ14 */
    as_write(m.io, 0x1f6, 0xa0, 1);
    as_write(m.io, 0x1f7, 0xe5, 1);
    g_assert_cmpint(rec[14].level, ==, 1);
    g_assert_cmphex(as_read(m.io, 0xc042, 1) & 0x04, ==, 0x04);
    as_read(m.io, 0x1f7, 1);
    g_assert_cmpint(rec[14].level, ==, 0);

    /* I/O space off: ports and BAR4 go away */
    pci_config_write(m.pci_bus, devfn, PCI_COMMAND, 0, 2);
    g_assert_cmphex(as_read(m.io, 0x1f7, 1), ==, 0xff);
    g_assert_cmphex(as_read(m.io, 0xc042, 1), ==, 0xff);

    g_ptr_array_free(drives, TRUE);
    g_ptr_array_free(m.owned, TRUE);
    g_array_free(m.reset_hooks, TRUE);
    as_destroy(m.io);
    as_destroy(m.mem);
    g_unlink(path);
    g_free(path);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/ide/identify", test_identify);
    g_test_add_func("/ide/signatures", test_signatures);
    g_test_add_func("/ide/nien", test_nien);
    g_test_add_func("/ide/pio-read", test_pio_read);
    g_test_add_func("/ide/pio-write", test_pio_write);
    g_test_add_func("/ide/multiple", test_multiple);
    g_test_add_func("/ide/lba48", test_lba48);
    g_test_add_func("/ide/dma", test_dma);
    g_test_add_func("/ide/readonly", test_readonly_disk);
    g_test_add_func("/ide/atapi-identify", test_atapi_identify);
    g_test_add_func("/ide/atapi-inquiry", test_atapi_inquiry_capacity);
    g_test_add_func("/ide/atapi-read", test_atapi_read);
    g_test_add_func("/ide/atapi-toc", test_atapi_toc);
    g_test_add_func("/ide/atapi-pages", test_atapi_pages);
    g_test_add_func("/ide/atapi-media", test_atapi_media);
    g_test_add_func("/ide/atapi-empty", test_atapi_empty);
    g_test_add_func("/ide/piix", test_piix_ide);
    return g_test_run();
}
