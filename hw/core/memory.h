/*
 * Address spaces: guest physical memory and the x86 port I/O space.
 *
 * An AddressSpace is a flat, sorted list of non-overlapping regions. A region
 * is either backed by host memory (RAM or ROM, handed to KVM as a memory slot
 * and later to the TCG TLB as a host pointer) or by a MemOps callback pair.
 * Both accelerators dispatch through as_read()/as_write(), so device code
 * never knows which one runs the guest.
 *
 * MemOps declare the access sizes they accept; the core splits wider accesses
 * and widens narrower ones before the device sees them, so a handler may
 * assume an aligned access of a size in [min_size, max_size].
 *
 * Accesses that hit no region read all-ones and drop writes, as an ISA/PCI
 * bus without a claiming device does.
 */
#ifndef HW_CORE_MEMORY_H
#define HW_CORE_MEMORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct MemOps {
    uint64_t (*read)(void *opaque, uint64_t offset, unsigned size);
    void (*write)(void *opaque, uint64_t offset, uint64_t value, unsigned size);
    unsigned min_size; /* smallest access the device accepts (1, 2, 4, 8); 0 means 1 */
    unsigned max_size; /* largest; 0 means 8 */
} MemOps;

typedef struct MemRegion {
    const char *name;
    uint64_t base;
    uint64_t size;
    const MemOps *ops; /* callback region when ram == NULL */
    void *opaque;
    uint8_t *ram;  /* host memory backing this region, or NULL */
    bool readonly; /* ROM: guest writes are dropped */
} MemRegion;

typedef struct AddressSpace AddressSpace;

/* Told when host-memory-backed regions appear or vanish (KVM memory slots). */
typedef struct MemListener {
    void (*ram_add)(void *opaque, const MemRegion *r);
    void (*ram_del)(void *opaque, const MemRegion *r);
    /* Optional: RAM at [addr, addr+len) was written by a device or a loader
     * (as_write_buf/as_load_buf), not by the CPU; tcg drops code
     * translated from it. May be called on any thread, with the BQL. */
    void (*ram_written)(void *opaque, uint64_t addr, uint64_t len);
    void *opaque;
} MemListener;

AddressSpace *as_create(const char *name, uint64_t size);
void as_destroy(AddressSpace *as);

/*
 * Add a region. Returns it, or NULL (and sets *err if err is non-NULL) when it
 * overlaps an existing region or leaves the space.
 */
MemRegion *as_add_io(AddressSpace *as, const char *name, uint64_t base, uint64_t size,
                     const MemOps *ops, void *opaque, char **err);
MemRegion *as_add_ram(AddressSpace *as, const char *name, uint64_t base, uint64_t size,
                      uint8_t *host, bool readonly, char **err);
void as_remove(AddressSpace *as, MemRegion *r);

void as_add_listener(AddressSpace *as, const MemListener *l);

/* Region containing addr, or NULL. */
MemRegion *as_find(AddressSpace *as, uint64_t addr);

/* Host pointer for [addr, addr+len) if it lies wholly in one RAM region. */
uint8_t *as_ram_ptr(AddressSpace *as, uint64_t addr, uint64_t len);
/* The same for writing: NULL also when the region is ROM (writes dropped). */
uint8_t *as_ram_ptr_rw(AddressSpace *as, uint64_t addr, uint64_t len);

/* Sized access (size 1, 2, 4 or 8), little-endian, split/widened as needed. */
uint64_t as_read(AddressSpace *as, uint64_t addr, unsigned size);
void as_write(AddressSpace *as, uint64_t addr, uint64_t value, unsigned size);

/* Byte-buffer access across regions (loaders, DMA). ROM is written too when
 * force is set, which only loaders do. Returns false if any byte was
 * unassigned. */
bool as_read_buf(AddressSpace *as, uint64_t addr, void *buf, size_t len);
bool as_write_buf(AddressSpace *as, uint64_t addr, const void *buf, size_t len);
bool as_load_buf(AddressSpace *as, uint64_t addr, const void *buf, size_t len);

/* Every region in address order, for the monitor and for tests. */
void as_foreach(AddressSpace *as, void (*fn)(void *opaque, const MemRegion *r), void *opaque);

/* Little-endian helpers for building guest structures in host buffers. */
static inline void st16(void *p, uint16_t v)
{
    uint8_t *b = p;
    b[0] = v;
    b[1] = v >> 8;
}
static inline void st32(void *p, uint32_t v)
{
    st16(p, v);
    st16((uint8_t *)p + 2, v >> 16);
}
static inline void st64(void *p, uint64_t v)
{
    st32(p, v);
    st32((uint8_t *)p + 4, v >> 32);
}
static inline uint16_t ld16(const void *p)
{
    const uint8_t *b = p;
    return b[0] | b[1] << 8;
}
static inline uint32_t ld32(const void *p)
{
    return ld16(p) | (uint32_t)ld16((const uint8_t *)p + 2) << 16;
}
static inline uint64_t ld64(const void *p)
{
    return ld32(p) | (uint64_t)ld32((const uint8_t *)p + 4) << 32;
}

#endif
