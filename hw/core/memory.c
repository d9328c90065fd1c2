/*
 * Address spaces: a sorted array of non-overlapping regions, looked up by
 * binary search. See memory.h for the contract with devices.
 */
#include "hw/core/memory.h"

#include <glib.h>
#include <string.h>

struct AddressSpace {
    char *name;
    uint64_t size;
    GPtrArray *regions;   /* MemRegion *, sorted by base */
    GArray *listeners;    /* MemListener */
    MemRegion *last_hit;  /* one-entry cache: accesses cluster on a device */
};

AddressSpace *as_create(const char *name, uint64_t size)
{
    AddressSpace *as = g_new0(AddressSpace, 1);
    as->name = g_strdup(name);
    as->size = size;
    as->regions = g_ptr_array_new_with_free_func(g_free);
    as->listeners = g_array_new(FALSE, TRUE, sizeof(MemListener));
    return as;
}

void as_destroy(AddressSpace *as)
{
    if (!as) {
        return;
    }
    g_ptr_array_free(as->regions, TRUE);
    g_array_free(as->listeners, TRUE);
    g_free(as->name);
    g_free(as);
}

static guint as_lower_bound(AddressSpace *as, uint64_t addr)
{
    guint lo = 0, hi = as->regions->len;
    while (lo < hi) {
        guint mid = (lo + hi) / 2;
        MemRegion *r = g_ptr_array_index(as->regions, mid);
        if (r->base + r->size <= addr) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo;
}

MemRegion *as_find(AddressSpace *as, uint64_t addr)
{
    MemRegion *r = as->last_hit;
    if (r && addr >= r->base && addr - r->base < r->size) {
        return r;
    }
    guint i = as_lower_bound(as, addr);
    if (i < as->regions->len) {
        r = g_ptr_array_index(as->regions, i);
        if (addr >= r->base) {
            as->last_hit = r;
            return r;
        }
    }
    return NULL;
}

static MemRegion *as_insert(AddressSpace *as, MemRegion *nr, char **err)
{
    if (nr->size == 0 || nr->base > as->size || nr->size > as->size - nr->base) {
        if (err) {
            *err = g_strdup_printf("%s: region %s [0x%" G_GINT64_MODIFIER "x, +0x%" G_GINT64_MODIFIER
                                   "x) does not fit the address space",
                                   as->name, nr->name, nr->base, nr->size);
        }
        g_free(nr);
        return NULL;
    }
    guint i = as_lower_bound(as, nr->base);
    if (i < as->regions->len) {
        MemRegion *r = g_ptr_array_index(as->regions, i);
        if (r->base < nr->base + nr->size) {
            if (err) {
                *err = g_strdup_printf("%s: region %s at 0x%" G_GINT64_MODIFIER
                                       "x overlaps %s at 0x%" G_GINT64_MODIFIER "x",
                                       as->name, nr->name, nr->base, r->name, r->base);
            }
            g_free(nr);
            return NULL;
        }
    }
    g_ptr_array_insert(as->regions, i, nr);
    if (nr->ram) {
        for (guint l = 0; l < as->listeners->len; l++) {
            MemListener *ml = &g_array_index(as->listeners, MemListener, l);
            if (ml->ram_add) {
                ml->ram_add(ml->opaque, nr);
            }
        }
    }
    return nr;
}

MemRegion *as_add_io(AddressSpace *as, const char *name, uint64_t base, uint64_t size,
                     const MemOps *ops, void *opaque, char **err)
{
    MemRegion *r = g_new0(MemRegion, 1);
    *r = (MemRegion){ .name = name, .base = base, .size = size, .ops = ops, .opaque = opaque };
    return as_insert(as, r, err);
}

MemRegion *as_add_ram(AddressSpace *as, const char *name, uint64_t base, uint64_t size,
                      uint8_t *host, bool readonly, char **err)
{
    MemRegion *r = g_new0(MemRegion, 1);
    *r = (MemRegion){ .name = name, .base = base, .size = size, .ram = host, .readonly = readonly };
    return as_insert(as, r, err);
}

void as_remove(AddressSpace *as, MemRegion *r)
{
    if (r->ram) {
        for (guint l = 0; l < as->listeners->len; l++) {
            MemListener *ml = &g_array_index(as->listeners, MemListener, l);
            if (ml->ram_del) {
                ml->ram_del(ml->opaque, r);
            }
        }
    }
    if (as->last_hit == r) {
        as->last_hit = NULL;
    }
    g_ptr_array_remove(as->regions, r);
}

void as_add_listener(AddressSpace *as, const MemListener *l)
{
    g_array_append_val(as->listeners, *l);
    if (l->ram_add) {
        for (guint i = 0; i < as->regions->len; i++) {
            MemRegion *r = g_ptr_array_index(as->regions, i);
            if (r->ram) {
                l->ram_add(l->opaque, r);
            }
        }
    }
}

uint8_t *as_ram_ptr(AddressSpace *as, uint64_t addr, uint64_t len)
{
    MemRegion *r = as_find(as, addr);
    if (!r || !r->ram || len > r->size - (addr - r->base)) {
        return NULL;
    }
    return r->ram + (addr - r->base);
}

uint8_t *as_ram_ptr_rw(AddressSpace *as, uint64_t addr, uint64_t len)
{
    MemRegion *r = as_find(as, addr);
    if (!r || !r->ram || r->readonly || len > r->size - (addr - r->base)) {
        return NULL;
    }
    return r->ram + (addr - r->base);
}

static uint64_t size_mask(unsigned size)
{
    return size >= 8 ? ~0ull : (1ull << (size * 8)) - 1;
}

static unsigned ops_min(const MemOps *ops)
{
    return ops->min_size ? ops->min_size : 1;
}

static unsigned ops_max(const MemOps *ops)
{
    return ops->max_size ? ops->max_size : 8;
}

/*
 * Access of one callback region. The offset and size may be anything; the
 * device sees only aligned accesses within its declared sizes: the access is
 * cut into the largest naturally aligned pieces the device takes, and a piece
 * smaller than the device's minimum becomes a read (or read-modify-write) of
 * the aligned word around it.
 */
static unsigned piece_size(uint64_t off, unsigned left, unsigned max)
{
    unsigned n = 8;
    while (n > 1 && (n > left || n > max || (off & (n - 1)))) {
        n >>= 1;
    }
    return n;
}

static uint64_t region_read(MemRegion *r, uint64_t off, unsigned size)
{
    const MemOps *ops = r->ops;
    unsigned min = ops_min(ops), max = ops_max(ops);
    uint64_t v = 0;
    for (unsigned done = 0; done < size;) {
        uint64_t a = off + done;
        unsigned n = piece_size(a, size - done, max);
        uint64_t piece;
        if (n >= min) {
            piece = ops->read(r->opaque, a, n) & size_mask(n);
        } else {
            uint64_t word = ops->read(r->opaque, a & ~(uint64_t)(min - 1), min);
            piece = (word >> ((a & (min - 1)) * 8)) & size_mask(n);
        }
        v |= piece << (done * 8);
        done += n;
    }
    return v;
}

static void region_write(MemRegion *r, uint64_t off, uint64_t val, unsigned size)
{
    const MemOps *ops = r->ops;
    unsigned min = ops_min(ops), max = ops_max(ops);
    for (unsigned done = 0; done < size;) {
        uint64_t a = off + done;
        unsigned n = piece_size(a, size - done, max);
        uint64_t piece = (val >> (done * 8)) & size_mask(n);
        if (n >= min) {
            ops->write(r->opaque, a, piece, n);
        } else {
            uint64_t base = a & ~(uint64_t)(min - 1);
            unsigned sh = (a & (min - 1)) * 8;
            uint64_t word = ops->read(r->opaque, base, min);
            word = (word & ~(size_mask(n) << sh)) | (piece << sh);
            ops->write(r->opaque, base, word & size_mask(min), min);
        }
        done += n;
    }
}

uint64_t as_read(AddressSpace *as, uint64_t addr, unsigned size)
{
    MemRegion *r = as_find(as, addr);
    if (r && size <= r->size - (addr - r->base)) {
        uint64_t off = addr - r->base;
        if (r->ram) {
            uint64_t v = 0;
            memcpy(&v, r->ram + off, size); /* x86 hosts are little-endian */
            return v;
        }
        return region_read(r, off, size);
    }
    if (!r && size == 1) {
        return 0xff;
    }
    /* straddles regions or unassigned: go byte by byte */
    uint64_t v = 0;
    for (unsigned i = 0; i < size; i++) {
        MemRegion *b = as_find(as, addr + i);
        uint64_t byte = b ? as_read(as, addr + i, 1) : 0xff;
        v |= byte << (i * 8);
    }
    return v;
}

void as_write(AddressSpace *as, uint64_t addr, uint64_t value, unsigned size)
{
    MemRegion *r = as_find(as, addr);
    if (r && size <= r->size - (addr - r->base)) {
        uint64_t off = addr - r->base;
        if (r->ram) {
            if (!r->readonly) {
                memcpy(r->ram + off, &value, size);
            }
            return;
        }
        region_write(r, off, value, size);
        return;
    }
    if (!r && size == 1) {
        return;
    }
    for (unsigned i = 0; i < size; i++) {
        if (as_find(as, addr + i)) {
            as_write(as, addr + i, (value >> (i * 8)) & 0xff, 1);
        }
    }
}

static bool as_buf(AddressSpace *as, uint64_t addr, uint8_t *buf, size_t len, bool write, bool force)
{
    bool ok = true;
    while (len) {
        MemRegion *r = as_find(as, addr);
        if (!r) {
            if (!write) {
                *buf = 0xff;
            }
            ok = false;
            addr++, buf++, len--;
            continue;
        }
        uint64_t off = addr - r->base;
        size_t n = MIN((uint64_t)len, r->size - off);
        if (r->ram) {
            if (!write) {
                memcpy(buf, r->ram + off, n);
            } else if (!r->readonly || force) {
                memcpy(r->ram + off, buf, n);
                for (guint l = 0; l < as->listeners->len; l++) {
                    MemListener *ml = &g_array_index(as->listeners, MemListener, l);
                    if (ml->ram_written) {
                        ml->ram_written(ml->opaque, addr, n);
                    }
                }
            }
        } else {
            for (size_t i = 0; i < n; i++) {
                if (write) {
                    region_write(r, off + i, buf[i], 1);
                } else {
                    buf[i] = region_read(r, off + i, 1);
                }
            }
        }
        addr += n, buf += n, len -= n;
    }
    return ok;
}

bool as_read_buf(AddressSpace *as, uint64_t addr, void *buf, size_t len)
{
    return as_buf(as, addr, buf, len, false, false);
}

bool as_write_buf(AddressSpace *as, uint64_t addr, const void *buf, size_t len)
{
    return as_buf(as, addr, (uint8_t *)buf, len, true, false);
}

bool as_load_buf(AddressSpace *as, uint64_t addr, const void *buf, size_t len)
{
    return as_buf(as, addr, (uint8_t *)buf, len, true, true);
}

void as_foreach(AddressSpace *as, void (*fn)(void *opaque, const MemRegion *r), void *opaque)
{
    for (guint i = 0; i < as->regions->len; i++) {
        fn(opaque, g_ptr_array_index(as->regions, i));
    }
}
