/* The BIOS E820 memory map (ACPI spec, "System Address Map Interfaces"). */
#ifndef HW_PC_E820_H
#define HW_PC_E820_H

#include <stdint.h>

enum { E820_RAM = 1, E820_RESERVED = 2, E820_ACPI = 3, E820_NVS = 4 };

#define E820_MAX 16

typedef struct E820Entry {
    uint64_t addr;
    uint64_t size;
    uint32_t type;
} E820Entry;

typedef struct E820Map {
    int count;
    E820Entry entries[E820_MAX];
} E820Map;

/* Add a range; entries are kept sorted by address. Returns -1 if full. */
int e820_add(E820Map *map, uint64_t addr, uint64_t size, uint32_t type);

#endif
