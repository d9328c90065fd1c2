/*
 * Multiboot 1 loader (The Multiboot Specification, version 0.6.96):
 * finds the header (§3.1.1-3.1.3), loads the image either by its address
 * fields (flag 16, the "a.out kludge") or as an i386 ELF executable, writes
 * the Multiboot information structure (§3.3) and leaves the CPU in the
 * state of §3.2: EAX = 0x2BADB002, EBX = the information's address, flat
 * 32-bit protected mode, paging and interrupts off.
 *
 * Guest memory used besides the image:
 *   0x9000    the information structure, then the GDT (selectors 0x10/0x18,
 *             as for Linux), the memory map, the module list and the strings
 *             (boot loader name, module string, command line), all below
 *             the EBDA at 0x9fc00; no image segment may overlap them
 *   above     the initrd as the single boot module, page-aligned, at the
 *             first page past the end of the kernel image (including bss)
 *
 * Unlike QEMU, the command line is the -append string as given (QEMU puts
 * the kernel's file name in front), and -initrd is one module (QEMU splits it
 * at commas into several); the module's string is "initrd".
 * ELF entry points inside a segment's virtual range are translated to its
 * physical address, so higher-half kernels linked with p_vaddr != p_paddr
 * start where they were loaded.
 */
#include <string.h>

#include <glib.h>

#include "hw/core/memory.h"
#include "hw/pc/loader.h"

#define MB_HEADER_MAGIC 0x1badb002u
#define MB_BOOT_MAGIC 0x2badb002u
#define MB_SEARCH_LEN 8192

/* Header flags (§3.1.2): bits 0-15 are requirements, 16-31 optional. */
#define MB_PAGE_ALIGN (1u << 0)
#define MB_MEMORY_INFO (1u << 1)
#define MB_VIDEO_MODE (1u << 2)
#define MB_AOUT_KLUDGE (1u << 16)
#define MB_REQUIRED_MASK 0xffffu

/* Information structure flags and field offsets (§3.3) */
#define MBI_MEM (1u << 0)
#define MBI_CMDLINE (1u << 2)
#define MBI_MODS (1u << 3)
#define MBI_MMAP (1u << 6)
#define MBI_LOADER_NAME (1u << 9)
#define MBI_FLAGS 0
#define MBI_MEM_LOWER 4
#define MBI_MEM_UPPER 8
#define MBI_CMDLINE_PTR 16
#define MBI_MODS_COUNT 20
#define MBI_MODS_ADDR 24
#define MBI_MMAP_LENGTH 44
#define MBI_MMAP_ADDR 48
#define MBI_LOADER_NAME_PTR 64
#define MBI_SIZE 88 /* through the VBE fields; no framebuffer info */
#define MB_MODULE_SIZE 16
#define MB_MMAP_ENTRY_SIZE 24 /* the size field, then 20 bytes */

/* ELF32 (System V ABI, i386 supplement) */
#define EI_CLASS 4
#define EI_DATA 5
#define ELFCLASS32 1
#define ELFCLASS64 2
#define ELFDATA2LSB 1
#define ET_EXEC 2
#define EM_386 3
#define PT_LOAD 1
#define ELF32_EHDR_SIZE 52
#define ELF32_PHDR_SIZE 32

#define MB_INFO_ADDR 0x9000u
#define MB_INFO_LIMIT 0x9fc00u
#define MB_LOADER_NAME "mimic"
#define MB_MODULE_STRING "initrd"
#define PAGE_SIZE 4096u
#define MIB (1024.0 * 1024.0)

/* One piece of the image: file bytes [offset, offset+filesz) go to paddr,
 * and the rest of memsz is zeroed. */
typedef struct MbSegment {
    uint64_t paddr;
    uint64_t offset;
    uint64_t filesz;
    uint64_t memsz;
} MbSegment;

typedef struct MbImage {
    MbSegment *segs;
    int nsegs;
    uint64_t entry;
    uint64_t end; /* past the highest byte of any segment */
} MbImage;

static void multiboot_write_gdt(uint8_t *gdt)
{
    memset(gdt, 0, 32);
    st64(gdt + 0x10, 0x00cf9b000000ffffull); /* flat 4 GiB code, execute/read */
    st64(gdt + 0x18, 0x00cf93000000ffffull); /* flat 4 GiB data, read/write */
}

static bool multiboot_ram_ok(const LoaderRam *ram, uint64_t addr, uint64_t len)
{
    if (addr > ram->below_4g || len > ram->below_4g - addr) {
        return false;
    }
    for (int i = 0; i < ram->e820->count; i++) {
        const E820Entry *e = &ram->e820->entries[i];
        if (e->type == E820_RAM && addr >= e->addr && addr + len <= e->addr + e->size) {
            return true;
        }
    }
    return false;
}

/* Offset of a valid header (magic, checksum), 32-bit aligned in the first
 * 8 KiB, or -1. */
static long multiboot_find_header(const uint8_t *buf, size_t len)
{
    size_t limit = MIN(len, (size_t)MB_SEARCH_LEN);
    for (size_t off = 0; off + 12 <= limit; off += 4) {
        if (ld32(buf + off) == MB_HEADER_MAGIC &&
            (uint32_t)(ld32(buf + off) + ld32(buf + off + 4) + ld32(buf + off + 8)) == 0) {
            return (long)off;
        }
    }
    return -1;
}

bool multiboot_probe(const uint8_t *buf, size_t len)
{
    return multiboot_find_header(buf, len) >= 0;
}

/* The load plan from the header's address fields (§3.1.3). */
static int multiboot_plan_aout(const uint8_t *k, size_t len, size_t hoff, MbImage *im, char **err)
{
    if (hoff + 32 > len) {
        *err = g_strdup("-kernel: truncated multiboot header: the address fields (flag 16) are missing");
        return -1;
    }
    uint32_t header_addr = ld32(k + hoff + 12), load_addr = ld32(k + hoff + 16);
    uint32_t load_end = ld32(k + hoff + 20), bss_end = ld32(k + hoff + 24);
    if (load_addr > header_addr || header_addr - load_addr > hoff) {
        *err = g_strdup_printf("-kernel: multiboot load_addr 0x%x and header_addr 0x%x put the start "
                               "of the image before the start of the file", load_addr, header_addr);
        return -1;
    }
    uint64_t offset = hoff - (header_addr - load_addr);
    uint64_t filesz = len - offset;
    if (load_end) {
        if (load_end < load_addr) {
            *err = g_strdup_printf("-kernel: multiboot load_end_addr 0x%x is below load_addr 0x%x",
                                   load_end, load_addr);
            return -1;
        }
        filesz = load_end - load_addr;
        if (offset + filesz > len) {
            *err = g_strdup_printf("-kernel: truncated multiboot image: load_end_addr asks for %llu "
                                   "bytes from file offset %llu but the file has %zu bytes",
                                   (unsigned long long)filesz, (unsigned long long)offset, len);
            return -1;
        }
    }
    uint64_t memsz = filesz;
    if (bss_end) {
        if (bss_end < load_addr + filesz) {
            *err = g_strdup_printf("-kernel: multiboot bss_end_addr 0x%x is below the end of the "
                                   "loaded image 0x%llx", bss_end,
                                   (unsigned long long)(load_addr + filesz));
            return -1;
        }
        memsz = bss_end - load_addr;
    }
    im->segs = g_new(MbSegment, 1);
    im->segs[0] = (MbSegment){ load_addr, offset, filesz, memsz };
    im->nsegs = 1;
    im->entry = ld32(k + hoff + 28);
    return 0;
}

/* The load plan from an ELF32 executable's PT_LOAD program headers. */
static int multiboot_plan_elf(const uint8_t *k, size_t len, MbImage *im, char **err)
{
    if (len < ELF32_EHDR_SIZE || memcmp(k, "\177ELF", 4) != 0) {
        *err = g_strdup("-kernel: multiboot image without address fields (flag 16) must be an ELF "
                        "executable, and this is not");
        return -1;
    }
    if (k[EI_CLASS] == ELFCLASS64) {
        *err = g_strdup("-kernel: multiboot: 64-bit ELF images are not supported, build the kernel as ELF32");
        return -1;
    }
    if (k[EI_CLASS] != ELFCLASS32 || k[EI_DATA] != ELFDATA2LSB || ld16(k + 16) != ET_EXEC ||
        ld16(k + 18) != EM_386) {
        *err = g_strdup_printf("-kernel: multiboot: not an i386 ELF executable (class %u, data %u, "
                               "type %u, machine %u)", k[EI_CLASS], k[EI_DATA], ld16(k + 16),
                               ld16(k + 18));
        return -1;
    }
    uint64_t phoff = ld32(k + 28);
    unsigned phentsize = ld16(k + 42), phnum = ld16(k + 44);
    if (phentsize < ELF32_PHDR_SIZE || phoff + (uint64_t)phnum * phentsize > len) {
        *err = g_strdup_printf("-kernel: truncated ELF image: %u program headers at offset %llu do "
                               "not fit in %zu bytes", phnum, (unsigned long long)phoff, len);
        return -1;
    }
    uint64_t entry = ld32(k + 24);
    im->entry = entry;
    im->segs = g_new(MbSegment, phnum ? phnum : 1);
    im->nsegs = 0;
    for (unsigned i = 0; i < phnum; i++) {
        const uint8_t *ph = k + phoff + (uint64_t)i * phentsize;
        uint64_t offset = ld32(ph + 4), vaddr = ld32(ph + 8), paddr = ld32(ph + 12);
        uint64_t filesz = ld32(ph + 16), memsz = ld32(ph + 20);
        if (ld32(ph) != PT_LOAD || memsz == 0) {
            continue;
        }
        if (filesz > memsz || offset + filesz > len) {
            *err = g_strdup_printf("-kernel: truncated ELF image: segment %u wants file bytes "
                                   "%llu-%llu but the file has %zu", i, (unsigned long long)offset,
                                   (unsigned long long)(offset + filesz), len);
            return -1;
        }
        if (entry >= vaddr && entry < vaddr + memsz) {
            im->entry = paddr + (entry - vaddr);
        }
        im->segs[im->nsegs++] = (MbSegment){ paddr, offset, filesz, memsz };
    }
    if (im->nsegs == 0) {
        *err = g_strdup("-kernel: multiboot ELF image has no loadable segment");
        return -1;
    }
    return 0;
}

/* The information area's pieces, packed from MB_INFO_ADDR. */
typedef struct MbLayout {
    uint32_t gdt, mmap, mods, loader_name, mod_string, cmdline, end;
} MbLayout;

static void multiboot_layout(const LoaderRam *ram, const LoaderImage *img, MbLayout *l)
{
    uint32_t p = MB_INFO_ADDR + MBI_SIZE;
    p = (p + 15) & ~15u;
    l->gdt = p;
    p += 32;
    l->mmap = p;
    p += ram->e820->count * MB_MMAP_ENTRY_SIZE;
    l->mods = p;
    p += MB_MODULE_SIZE;
    l->loader_name = p;
    p += sizeof(MB_LOADER_NAME);
    l->mod_string = p;
    p += sizeof(MB_MODULE_STRING);
    l->cmdline = p;
    /* clamp so a huge -append cannot wrap; the RAM check then refuses it */
    p += MIN(strlen(img->cmdline), (size_t)MB_INFO_LIMIT) + 1;
    l->end = p;
}

static int multiboot_check(const LoaderRam *ram, const LoaderImage *img, const MbImage *im,
                           const MbLayout *l, char **err)
{
    if (l->end > MB_INFO_LIMIT || !multiboot_ram_ok(ram, MB_INFO_ADDR, l->end - MB_INFO_ADDR)) {
        *err = g_strdup_printf("-append: the command line (%zu bytes) does not fit in the multiboot "
                               "information area at 0x%x-0x%x", strlen(img->cmdline), MB_INFO_ADDR,
                               MB_INFO_LIMIT);
        return -1;
    }
    bool entry_ok = false;
    for (int i = 0; i < im->nsegs; i++) {
        const MbSegment *s = &im->segs[i];
        if (!multiboot_ram_ok(ram, s->paddr, s->memsz)) {
            *err = g_strdup_printf("-kernel: multiboot segment at 0x%llx-0x%llx is outside RAM "
                                   "(%.0f MiB below 4 GiB, none in 0x9fc00-0x100000)",
                                   (unsigned long long)s->paddr,
                                   (unsigned long long)(s->paddr + s->memsz - 1), ram->below_4g / MIB);
            return -1;
        }
        if (s->paddr < l->end && s->paddr + s->memsz > MB_INFO_ADDR) {
            *err = g_strdup_printf("-kernel: multiboot segment at 0x%llx-0x%llx overlaps the "
                                   "information mimic writes at 0x%x-0x%x",
                                   (unsigned long long)s->paddr,
                                   (unsigned long long)(s->paddr + s->memsz - 1), MB_INFO_ADDR,
                                   l->end - 1);
            return -1;
        }
        if (im->entry >= s->paddr && im->entry < s->paddr + s->memsz) {
            entry_ok = true;
        }
    }
    if (!entry_ok) {
        *err = g_strdup_printf("-kernel: multiboot entry point 0x%llx is not inside the loaded image",
                               (unsigned long long)im->entry);
        return -1;
    }
    return 0;
}

/* The first page-aligned address past the kernel (and the information
 * area) where the module fits in RAM, or 0. Always page-aligned, which
 * satisfies header flag 0 whether or not the kernel asks. */
static uint64_t multiboot_place_module(const LoaderRam *ram, uint64_t floor, uint64_t size)
{
    for (int i = 0; i < ram->e820->count; i++) {
        const E820Entry *e = &ram->e820->entries[i];
        if (e->type != E820_RAM) {
            continue;
        }
        uint64_t start = (MAX(e->addr, floor) + PAGE_SIZE - 1) & ~(uint64_t)(PAGE_SIZE - 1);
        uint64_t end = MIN(e->addr + e->size, ram->below_4g);
        if (start < end && size <= end - start) {
            return start;
        }
    }
    return 0;
}

static void multiboot_write_info(const LoaderRam *ram, const LoaderImage *img, const MbLayout *l,
                                 uint64_t mod_addr, uint64_t mod_size)
{
    uint8_t *mbi = ram->base + MB_INFO_ADDR;
    memset(mbi, 0, l->end - MB_INFO_ADDR);
    uint32_t flags = MBI_MEM | MBI_CMDLINE | MBI_MMAP | MBI_LOADER_NAME;

    /* mem_lower: KiB of RAM from 0 (at most 640); mem_upper: KiB of RAM
     * from 1 MiB up to the first hole. */
    uint64_t lower = 0, upper = 0;
    for (int i = 0; i < ram->e820->count; i++) {
        const E820Entry *e = &ram->e820->entries[i];
        uint8_t *m = ram->base + l->mmap + i * MB_MMAP_ENTRY_SIZE;
        st32(m, MB_MMAP_ENTRY_SIZE - 4);
        st64(m + 4, e->addr);
        st64(m + 12, e->size);
        st32(m + 20, e->type); /* E820 and multiboot share the type numbers */
        if (e->type != E820_RAM) {
            continue;
        }
        if (e->addr == 0) {
            lower = MIN(e->size, 640u * 1024) / 1024;
        }
        if (e->addr <= 0x100000 && e->addr + e->size > 0x100000) {
            upper = MIN((e->addr + e->size - 0x100000) / 1024, UINT32_MAX);
        }
    }
    st32(mbi + MBI_MEM_LOWER, (uint32_t)lower);
    st32(mbi + MBI_MEM_UPPER, (uint32_t)upper);
    st32(mbi + MBI_MMAP_LENGTH, ram->e820->count * MB_MMAP_ENTRY_SIZE);
    st32(mbi + MBI_MMAP_ADDR, l->mmap);

    memcpy(ram->base + l->loader_name, MB_LOADER_NAME, sizeof(MB_LOADER_NAME));
    st32(mbi + MBI_LOADER_NAME_PTR, l->loader_name);
    memcpy(ram->base + l->cmdline, img->cmdline, strlen(img->cmdline) + 1);
    st32(mbi + MBI_CMDLINE_PTR, l->cmdline);

    if (mod_size) {
        uint8_t *mod = ram->base + l->mods;
        memcpy(ram->base + l->mod_string, MB_MODULE_STRING, sizeof(MB_MODULE_STRING));
        st32(mod, (uint32_t)mod_addr);
        st32(mod + 4, (uint32_t)(mod_addr + mod_size)); /* end: first byte past it */
        st32(mod + 8, l->mod_string);
        st32(mod + 12, 0);
        st32(mbi + MBI_MODS_COUNT, 1);
        st32(mbi + MBI_MODS_ADDR, l->mods);
        flags |= MBI_MODS;
    }
    st32(mbi + MBI_FLAGS, flags);
}

int multiboot_load(const LoaderRam *ram, const LoaderImage *img, X86CPUState *env, char **err)
{
    const uint8_t *k = img->kernel;
    size_t len = img->kernel_size;
    MbImage im = { 0 };
    int ret = -1;

    long hoff = multiboot_find_header(k, len);
    if (hoff < 0) {
        *err = g_strdup("-kernel: no multiboot header (magic 0x1BADB002 with a valid checksum) "
                        "in the first 8 KiB");
        return -1;
    }
    uint32_t flags = ld32(k + hoff + 4);
    if (flags & MB_VIDEO_MODE) {
        *err = g_strdup("-kernel: the multiboot kernel requires video mode information (header "
                        "flag 2), which mimic cannot provide: it has no VBE display");
        return -1;
    }
    uint32_t unknown = flags & MB_REQUIRED_MASK & ~(MB_PAGE_ALIGN | MB_MEMORY_INFO);
    if (unknown) {
        *err = g_strdup_printf("-kernel: the multiboot kernel requires features mimic does not know "
                               "(header flags 0x%04x)", unknown);
        return -1;
    }
    if (flags & MB_AOUT_KLUDGE) {
        ret = multiboot_plan_aout(k, len, hoff, &im, err);
    } else {
        ret = multiboot_plan_elf(k, len, &im, err);
    }
    if (ret < 0) {
        goto out;
    }
    ret = -1;

    MbLayout l;
    multiboot_layout(ram, img, &l);
    if (multiboot_check(ram, img, &im, &l, err) < 0) {
        goto out;
    }
    for (int i = 0; i < im.nsegs; i++) {
        im.end = MAX(im.end, im.segs[i].paddr + im.segs[i].memsz);
    }
    uint64_t mod_size = img->initrd ? img->initrd_size : 0, mod_addr = 0;
    if (mod_size) {
        mod_addr = multiboot_place_module(ram, MAX(im.end, (uint64_t)l.end), mod_size);
        if (!mod_addr) {
            *err = g_strdup_printf("-initrd: the module (%.1f MiB) does not fit in RAM above the "
                                   "kernel (which ends at %.1f MiB) with %.0f MiB below 4 GiB: "
                                   "use a larger -m", mod_size / MIB, im.end / MIB,
                                   ram->below_4g / MIB);
            goto out;
        }
    }

    /* Checked everything: write the image, the module and the information. */
    for (int i = 0; i < im.nsegs; i++) {
        const MbSegment *s = &im.segs[i];
        memcpy(ram->base + s->paddr, k + s->offset, s->filesz);
        memset(ram->base + s->paddr + s->filesz, 0, s->memsz - s->filesz);
    }
    if (mod_size) {
        memcpy(ram->base + mod_addr, img->initrd, mod_size);
    }
    multiboot_write_info(ram, img, &l, mod_addr, mod_size);
    multiboot_write_gdt(ram->base + l.gdt);

    x86_cpu_set_flat32(env, im.entry);
    memset(env->regs, 0, sizeof(env->regs));
    env->regs[R_EAX] = MB_BOOT_MAGIC;
    env->regs[R_EBX] = MB_INFO_ADDR;
    env->gdt.base = l.gdt;
    env->gdt.limit = 32 - 1;
    env->idt.base = 0; /* the kernel must not enable interrupts before its own IDT */
    env->idt.limit = 0;
    ret = 0;
out:
    g_free(im.segs);
    return ret;
}
