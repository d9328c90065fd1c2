/*
 * Direct Linux boot: loads a bzImage and enters it by the 32-bit boot
 * protocol (Documentation/arch/x86/boot.rst: "The Real-Mode Kernel Header",
 * "Details of Header Fields", "32-bit Boot Protocol"; the boot_params layout
 * is Documentation/arch/x86/zero-page.rst). No real-mode setup code runs:
 * mimic fills boot_params itself, as the protocol allows for loaders that
 * start the kernel in protected mode.
 *
 * Guest memory used, following the protocol's suggested low-memory layout
 * with the real-mode segment at X = 0x10000:
 *   0x01000   GDT with __BOOT_CS (0x10) and __BOOT_DS (0x18): "boot loader" area
 *   0x10000   boot_params, the "zero page" (4 KiB), where X's setup would be
 *   0x1e000   the kernel command line (X + 0xe000), NUL-terminated
 *   0x100000  the protected-mode kernel, entered at this address
 *   high      the initrd, page-aligned, as high as the kernel allows
 *
 * screen_info stays zero: orig_video_lines/cols of 0 tell the decompressor
 * and vgacon that there is no text screen, so nothing probes the VGA that
 * mimic does not have; the kernel talks on the console given by -append.
 */
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "hw/core/memory.h"
#include "hw/pc/loader.h"

/* Setup header fields, as file offsets (boot.rst, "The Real-Mode Kernel Header") */
#define HDR_START 0x1f1
#define HDR_SETUP_SECTS 0x1f1
#define HDR_SYSSIZE 0x1f4
#define HDR_VID_MODE 0x1fa
#define HDR_BOOT_FLAG 0x1fe
#define HDR_JUMP 0x200
#define HDR_HEADER 0x202
#define HDR_VERSION 0x206
#define HDR_TYPE_OF_LOADER 0x210
#define HDR_LOADFLAGS 0x211
#define HDR_CODE32_START 0x214
#define HDR_RAMDISK_IMAGE 0x218
#define HDR_RAMDISK_SIZE 0x21c
#define HDR_HEAP_END_PTR 0x224
#define HDR_EXT_LOADER_VER 0x226
#define HDR_EXT_LOADER_TYPE 0x227
#define HDR_CMD_LINE_PTR 0x228
#define HDR_INITRD_ADDR_MAX 0x22c
#define HDR_KERNEL_ALIGNMENT 0x230
#define HDR_RELOCATABLE_KERNEL 0x234
#define HDR_XLOADFLAGS 0x236
#define HDR_CMDLINE_SIZE 0x238
#define HDR_SETUP_DATA 0x250
#define HDR_PREF_ADDRESS 0x258
#define HDR_INIT_SIZE 0x260

#define BOOT_FLAG_MAGIC 0xaa55
#define HDRS_MAGIC 0x53726448 /* "HdrS" */
#define LOADED_HIGH 0x01
#define CAN_USE_HEAP 0x80
#define XLF_CAN_BE_LOADED_ABOVE_4G 0x0002
#define LOADER_TYPE_UNDEFINED 0xff

/* boot_params fields outside the setup header (zero-page.rst) */
#define BP_SIZE 4096
#define BP_ACPI_RSDP_ADDR 0x070
#define BP_EXT_RAMDISK_IMAGE 0x0c0
#define BP_EXT_RAMDISK_SIZE 0x0c4
#define BP_EXT_CMD_LINE_PTR 0x0c8
#define BP_ALT_MEM_K 0x1e0
#define BP_E820_ENTRIES 0x1e8
#define BP_E820_TABLE 0x2d0
#define BP_E820_MAX 128
#define BP_E820_ENTRY_SIZE 20

/* Where mimic puts things (see the layout above) */
#define LINUX_GDT_ADDR 0x1000u
#define LINUX_ZERO_PAGE_ADDR 0x10000u
#define LINUX_HEAP_END 0xe000u /* from X, as in boot.rst's sample configuration */
#define LINUX_CMDLINE_ADDR (LINUX_ZERO_PAGE_ADDR + LINUX_HEAP_END)
#define LINUX_KERNEL_ADDR 0x100000u

#define MIB (1024.0 * 1024.0)
#define PAGE_SIZE 4096u

/* The GDT both boot protocols ask for: flat 4 GiB code at 0x10, data at 0x18,
 * 32-bit, 4 KiB granular (SDM vol. 3A, 3.4.5). */
static void linux_write_gdt(uint8_t *gdt)
{
    memset(gdt, 0, 32);
    st64(gdt + 0x10, 0x00cf9b000000ffffull); /* P, DPL0, code execute/read, accessed */
    st64(gdt + 0x18, 0x00cf93000000ffffull); /* P, DPL0, data read/write, accessed */
}

/* Is [addr, addr+len) inside one RAM range of the E820 map and below the
 * end of the low RAM block the loader can write? */
static bool linux_ram_ok(const LoaderRam *ram, uint64_t addr, uint64_t len)
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

bool linux_is_bzimage(const uint8_t *buf, size_t len)
{
    return len > HDR_LOADFLAGS && ld16(buf + HDR_BOOT_FLAG) == BOOT_FLAG_MAGIC &&
           ld32(buf + HDR_HEADER) == HDRS_MAGIC && ld16(buf + HDR_VERSION) >= 0x0206 &&
           (buf[HDR_LOADFLAGS] & LOADED_HIGH);
}

/* Everything linux_load learns from the image before touching RAM. */
typedef struct LinuxImage {
    uint16_t version;
    size_t hdr_end;     /* file offset just past the setup header */
    size_t setup_size;  /* boot sector + setup code */
    size_t pm_size;     /* the protected-mode part: the rest of the file */
    uint64_t kernel_end; /* end of what the kernel uses while it starts */
    uint64_t initrd_limit; /* initrd must end at or below this */
    uint32_t cmdline_size;
} LinuxImage;

/* The smallest header a kernel of this protocol version must have. */
static size_t linux_min_hdr_end(uint16_t version)
{
    if (version >= 0x020f) {
        return 0x26c; /* kernel_info_offset */
    }
    if (version >= 0x020a) {
        return 0x264; /* init_size */
    }
    return 0x23c; /* cmdline_size (2.06) */
}

static int linux_parse(const LoaderRam *ram, const LoaderImage *img, LinuxImage *li, char **err)
{
    const uint8_t *k = img->kernel;
    size_t len = img->kernel_size;

    if (len <= HDR_LOADFLAGS) {
        *err = g_strdup_printf("-kernel: file too short (%zu bytes) to hold a Linux setup header", len);
        return -1;
    }
    if (ld16(k + HDR_BOOT_FLAG) != BOOT_FLAG_MAGIC || ld32(k + HDR_HEADER) != HDRS_MAGIC) {
        *err = g_strdup("-kernel: not a Linux bzImage (no \"HdrS\" setup header at 0x202)");
        return -1;
    }
    li->version = ld16(k + HDR_VERSION);
    if (li->version < 0x0206) {
        *err = g_strdup_printf("-kernel: Linux boot protocol %u.%02u is too old: mimic needs 2.06 "
                               "or later (Linux 2.6.22+)", li->version >> 8, li->version & 0xff);
        return -1;
    }
    if (!(k[HDR_LOADFLAGS] & LOADED_HIGH)) {
        *err = g_strdup("-kernel: this is a zImage (loaded below 1 MiB): mimic boots only bzImage kernels");
        return -1;
    }
    /* The jump at 0x200 is "EB rel8": its target ends the header. */
    li->hdr_end = HDR_HEADER + (size_t)k[HDR_JUMP + 1];
    if (k[HDR_JUMP] != 0xeb || k[HDR_JUMP + 1] >= 0x80 ||
        li->hdr_end < linux_min_hdr_end(li->version)) {
        *err = g_strdup_printf("-kernel: bad setup header: the jump at 0x200 (%02x %02x) does not end "
                               "it at 0x%zx or later as protocol %u.%02u needs", k[HDR_JUMP],
                               k[HDR_JUMP + 1], linux_min_hdr_end(li->version), li->version >> 8,
                               li->version & 0xff);
        return -1;
    }
    unsigned setup_sects = k[HDR_SETUP_SECTS] ? k[HDR_SETUP_SECTS] : 4;
    li->setup_size = (setup_sects + 1) * 512u;
    if (len <= li->setup_size) {
        *err = g_strdup_printf("-kernel: truncated bzImage: setup claims %u sectors but file has %zu bytes",
                               setup_sects, len);
        return -1;
    }
    li->pm_size = len - li->setup_size;
    uint64_t syssize = (uint64_t)ld32(k + HDR_SYSSIZE) * 16;
    if (syssize > li->pm_size) {
        *err = g_strdup_printf("-kernel: truncated bzImage: header says %llu bytes of protected-mode "
                               "code but the file has %zu after the setup",
                               (unsigned long long)syssize, li->pm_size);
        return -1;
    }
    li->cmdline_size = ld32(k + HDR_CMDLINE_SIZE);

    /*
     * Where the kernel runs while it decompresses (boot.rst, init_size):
     * relocatable kernels align their load address up to kernel_alignment,
     * others run at pref_address; the x86-64 decompressor also never goes
     * below LOAD_PHYSICAL_ADDR, which is pref_address. Taking the highest
     * of these is the safe bound for where the initrd may start.
     */
    uint64_t runtime = LINUX_KERNEL_ADDR, init_size = 0;
    if (li->version >= 0x020a) {
        uint64_t align = ld32(k + HDR_KERNEL_ALIGNMENT);
        uint64_t pref = ld64(k + HDR_PREF_ADDRESS);
        init_size = ld32(k + HDR_INIT_SIZE);
        if (k[HDR_RELOCATABLE_KERNEL] && align && !(align & (align - 1))) {
            runtime = (LINUX_KERNEL_ADDR + align - 1) & ~(align - 1);
        }
        if (pref > runtime && pref < (1ull << 32)) {
            runtime = pref;
        }
    }
    li->kernel_end = MAX(LINUX_KERNEL_ADDR + li->pm_size, runtime + init_size);
    if (!linux_ram_ok(ram, LINUX_KERNEL_ADDR, li->pm_size)) {
        *err = g_strdup_printf("-kernel: the kernel (%.1f MiB) does not fit in RAM above 1 MiB "
                               "(%.0f MiB below 4 GiB): use a larger -m", li->pm_size / MIB,
                               ram->below_4g / MIB);
        return -1;
    }
    if (!linux_ram_ok(ram, LINUX_KERNEL_ADDR, li->kernel_end - LINUX_KERNEL_ADDR)) {
        *err = g_strdup_printf("-kernel: the kernel needs RAM up to %.1f MiB to decompress "
                               "(init_size %.1f MiB) but RAM below 4 GiB ends at %.0f MiB: "
                               "use a larger -m", li->kernel_end / MIB, init_size / MIB,
                               ram->below_4g / MIB);
        return -1;
    }

    /* initrd_addr_max is the highest byte the initrd may occupy. */
    li->initrd_limit = (uint64_t)ld32(k + HDR_INITRD_ADDR_MAX) + 1;
    if (li->version >= 0x020c && (ld16(k + HDR_XLOADFLAGS) & XLF_CAN_BE_LOADED_ABOVE_4G)) {
        li->initrd_limit = 1ull << 32; /* the low RAM block ends below 4 GiB anyway */
    }
    return 0;
}

/* The highest page-aligned address for the initrd in RAM between the
 * kernel's end and the initrd limit, or 0 if there is none. */
static uint64_t linux_place_initrd(const LoaderRam *ram, const LinuxImage *li, uint64_t size)
{
    uint64_t top = MIN(li->initrd_limit, ram->below_4g);
    for (int i = ram->e820->count - 1; i >= 0; i--) {
        const E820Entry *e = &ram->e820->entries[i];
        if (e->type != E820_RAM) {
            continue;
        }
        uint64_t lo = MAX(e->addr, li->kernel_end);
        uint64_t hi = MIN(e->addr + e->size, top);
        if (hi <= lo || hi - lo < size) {
            continue;
        }
        uint64_t addr = (hi - size) & ~(uint64_t)(PAGE_SIZE - 1);
        if (addr >= lo) {
            return addr;
        }
    }
    return 0;
}

static void linux_fill_e820(const LoaderRam *ram, uint8_t *bp)
{
    int n = MIN(ram->e820->count, BP_E820_MAX);
    uint64_t ext_k = 0;
    for (int i = 0; i < n; i++) {
        const E820Entry *e = &ram->e820->entries[i];
        uint8_t *p = bp + BP_E820_TABLE + i * BP_E820_ENTRY_SIZE;
        st64(p, e->addr);
        st64(p + 8, e->size);
        st32(p + 16, e->type);
        if (e->type == E820_RAM && e->addr <= LINUX_KERNEL_ADDR && e->addr + e->size > LINUX_KERNEL_ADDR) {
            ext_k = (e->addr + e->size - LINUX_KERNEL_ADDR) / 1024;
        }
    }
    bp[BP_E820_ENTRIES] = n;
    /* The INT 15h E801 answer, for kernels that distrust a short E820 map. */
    st32(bp + BP_ALT_MEM_K, (uint32_t)MIN(ext_k, UINT32_MAX));
}

int linux_load(const LoaderRam *ram, const LoaderImage *img, X86CPUState *env, char **err)
{
    LinuxImage li;
    if (linux_parse(ram, img, &li, err) < 0) {
        return -1;
    }

    size_t cmdline_len = strlen(img->cmdline);
    if (cmdline_len > li.cmdline_size) {
        *err = g_strdup_printf("-append: the command line is %zu bytes but this kernel accepts at most %u",
                               cmdline_len, li.cmdline_size);
        return -1;
    }
    if (!linux_ram_ok(ram, LINUX_GDT_ADDR, 32) || !linux_ram_ok(ram, LINUX_ZERO_PAGE_ADDR, BP_SIZE)) {
        *err = g_strdup("-kernel: the memory map has no RAM at 0x1000-0x11000 for the boot parameters");
        return -1;
    }
    if (!linux_ram_ok(ram, LINUX_CMDLINE_ADDR, cmdline_len + 1)) {
        *err = g_strdup_printf("-append: the command line (%zu bytes) does not fit in low memory "
                               "at 0x%x", cmdline_len, LINUX_CMDLINE_ADDR);
        return -1;
    }

    uint64_t initrd_addr = 0, initrd_size = img->initrd ? img->initrd_size : 0;
    if (initrd_size) {
        initrd_addr = linux_place_initrd(ram, &li, initrd_size);
        if (!initrd_addr) {
            *err = g_strdup_printf("-initrd: the initrd (%.1f MiB) does not fit in RAM between the "
                                   "kernel's end (%.1f MiB) and %.0f MiB: use a larger -m",
                                   initrd_size / MIB, li.kernel_end / MIB,
                                   MIN(li.initrd_limit, ram->below_4g) / MIB);
            return -1;
        }
    }

    /* Checked everything: now build boot_params (boot.rst, "32-bit Boot Protocol"). */
    uint8_t *bp = ram->base + LINUX_ZERO_PAGE_ADDR;
    memset(bp, 0, BP_SIZE);
    memcpy(bp + HDR_START, img->kernel + HDR_START, li.hdr_end - HDR_START);
    st16(bp + HDR_VID_MODE, 0xffff); /* "normal": the mode setup code would leave */
    bp[HDR_TYPE_OF_LOADER] = LOADER_TYPE_UNDEFINED; /* no assigned ID; ext_loader_* unused */
    bp[HDR_EXT_LOADER_VER] = 0;
    bp[HDR_EXT_LOADER_TYPE] = 0;
    bp[HDR_LOADFLAGS] |= CAN_USE_HEAP;
    st16(bp + HDR_HEAP_END_PTR, LINUX_HEAP_END - 0x200);
    st32(bp + HDR_CODE32_START, LINUX_KERNEL_ADDR);
    st32(bp + HDR_CMD_LINE_PTR, LINUX_CMDLINE_ADDR);
    st32(bp + BP_EXT_CMD_LINE_PTR, 0);
    st32(bp + HDR_RAMDISK_IMAGE, (uint32_t)initrd_addr);
    st32(bp + HDR_RAMDISK_SIZE, (uint32_t)initrd_size);
    st32(bp + BP_EXT_RAMDISK_IMAGE, (uint32_t)(initrd_addr >> 32));
    st32(bp + BP_EXT_RAMDISK_SIZE, (uint32_t)(initrd_size >> 32));
    if (li.version >= 0x0209) {
        st64(bp + HDR_SETUP_DATA, 0); /* no setup_data list */
    }
    /* boot_params.acpi_rsdp_addr exists for every protocol version
     * (zero-page.rst); older kernels ignore the bytes. */
    st64(bp + BP_ACPI_RSDP_ADDR, ram->acpi_rsdp);
    linux_fill_e820(ram, bp);

    memcpy(ram->base + LINUX_CMDLINE_ADDR, img->cmdline, cmdline_len + 1);
    memcpy(ram->base + LINUX_KERNEL_ADDR, img->kernel + li.setup_size, li.pm_size);
    if (initrd_size) {
        memcpy(ram->base + initrd_addr, img->initrd, initrd_size);
    }
    linux_write_gdt(ram->base + LINUX_GDT_ADDR);

    /* Entry state: flat 32-bit protected mode, CS = __BOOT_CS, data = __BOOT_DS,
     * paging and interrupts off, ESI = boot_params, EBP = EDI = EBX = 0. */
    x86_cpu_set_flat32(env, LINUX_KERNEL_ADDR);
    memset(env->regs, 0, sizeof(env->regs));
    env->regs[R_ESI] = LINUX_ZERO_PAGE_ADDR;
    env->gdt.base = LINUX_GDT_ADDR;
    env->gdt.limit = 32 - 1;
    /* No IDT: a fault before the kernel sets its own shuts the CPU down
     * instead of vectoring through the real-mode IVT. */
    env->idt.base = 0;
    env->idt.limit = 0;
    return 0;
}
