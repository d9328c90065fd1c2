/*
 * What the 32-bit boot side of the fuzzer (fuzz-boot.c) hands the 64-bit
 * program (fuzz.c) through user_call64(): fixed-width fields only, the two
 * are compiled for different modes.
 */
#ifndef FUZZ_H
#define FUZZ_H

#include <stdint.h>

struct fuzz_args {
    uint32_t module;      /* Multiboot module 0: the sequences */
    uint32_t module_size;
    uint32_t verbose;     /* "verbose" on the command line */
};

#endif
