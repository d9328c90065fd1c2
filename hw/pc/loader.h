/*
 * Boot loaders that mimic runs instead of firmware: the Linux x86 boot
 * protocol (bzImage) and Multiboot 1 (ELF or a.out-kludge images). Both put
 * the image and its tables into guest RAM and leave the CPU in the entry
 * state of their protocol. See linux-boot.c and multiboot.c.
 */
#ifndef HW_PC_LOADER_H
#define HW_PC_LOADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hw/pc/e820.h"
#include "target/x86/cpu.h"

/* Guest RAM as a loader sees it: one host buffer for the low RAM. */
typedef struct LoaderRam {
    uint8_t *base;      /* host pointer to guest physical 0 */
    uint64_t below_4g;  /* bytes of RAM from 0 */
    const E820Map *e820;
    uint64_t acpi_rsdp; /* guest address of the RSDP, 0 if none */
} LoaderRam;

/* What to boot: the file contents are owned by the caller. */
typedef struct LoaderImage {
    const uint8_t *kernel;
    size_t kernel_size;
    const uint8_t *initrd; /* NULL if none */
    size_t initrd_size;
    const char *cmdline;   /* "" if none */
} LoaderImage;

/* Is this a Linux bzImage (setup header "HdrS", protocol >= 2.06)? */
bool linux_is_bzimage(const uint8_t *buf, size_t len);
/* Is there a Multiboot 1 header in the first 8 KiB? */
bool multiboot_probe(const uint8_t *buf, size_t len);

/* Load and set env to the protocol's entry state. 0, or -1 with a one-line
 * *err naming what is wrong with the image or why it does not fit. */
int linux_load(const LoaderRam *ram, const LoaderImage *img, X86CPUState *env, char **err);
int multiboot_load(const LoaderRam *ram, const LoaderImage *img, X86CPUState *env, char **err);

#endif
