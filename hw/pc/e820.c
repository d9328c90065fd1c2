/* E820 map construction: a small sorted array. */
#include "hw/pc/e820.h"

int e820_add(E820Map *map, uint64_t addr, uint64_t size, uint32_t type)
{
    if (map->count >= E820_MAX) {
        return -1;
    }
    int i = map->count;
    while (i > 0 && map->entries[i - 1].addr > addr) {
        map->entries[i] = map->entries[i - 1];
        i--;
    }
    map->entries[i] = (E820Entry){ addr, size, type };
    map->count++;
    return 0;
}
