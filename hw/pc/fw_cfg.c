/*
 * The firmware configuration device, as QEMU's docs/specs/fw_cfg.rst
 * describes it for x86: selector (0x510, 16-bit), data (0x511, bytes),
 * DMA address (0x514, 64-bit big-endian; writing its low half starts a
 * transfer). Items are byte strings; the file directory (key 0x19) is
 * big-endian as the spec says, the items' own integers little-endian.
 *
 * Also here: the boot order file and the ACPI linker/loader script that
 * lets SeaBIOS place mimic's tables (QEMU's "etc/table-loader" protocol:
 * 128-byte ALLOCATE / ADD_POINTER / ADD_CHECKSUM commands).
 */
#include "hw/pc/fw_cfg.h"

#include <glib.h>
#include <string.h>

#define FW_CFG_KEY_MASK 0x3fff
#define FW_CFG_KEY_WRITE 0x4000 /* legacy write flag: writes are not supported */
#define FW_CFG_NKEYS (FW_CFG_FILE_FIRST + FW_CFG_MAX_FILES)
#define FW_CFG_DIR_ENTRY 64     /* be32 size, be16 select, be16 reserved, name[56] */
#define FW_CFG_DMA_CHUNK 4096

typedef struct FWCfgItem {
    uint8_t *data;
    uint32_t len;
} FWCfgItem;

typedef struct BootDev {
    int priority;
    unsigned seq;
    char *path;
} BootDev;

struct FWCfgState {
    AddressSpace *dma_as;
    FWCfgItem items[2][FW_CFG_NKEYS]; /* [arch-local][key] */
    char names[FW_CFG_MAX_FILES][FW_CFG_MAX_FILE_NAME];
    unsigned nfiles;
    uint16_t cur_key;
    uint32_t cur_off;
    uint8_t dma_addr[8]; /* the DMA address register, big-endian as written */
    GArray *bootdevs;    /* BootDev */
};

static FWCfgItem *fw_cfg_item(FWCfgState *fw, uint16_t key)
{
    unsigned idx = key & FW_CFG_KEY_MASK;
    if (idx >= FW_CFG_NKEYS) {
        return NULL;
    }
    return &fw->items[(key & FW_CFG_ARCH_LOCAL) ? 1 : 0][idx];
}

static void fw_cfg_set(FWCfgState *fw, uint16_t key, const void *data, size_t len)
{
    FWCfgItem *it = fw_cfg_item(fw, key);
    if (!it) {
        return;
    }
    g_free(it->data);
    it->data = g_memdup2(data, len);
    it->len = (uint32_t)len;
}

static void be32_store(uint8_t *p, uint32_t v)
{
    p[0] = v >> 24;
    p[1] = v >> 16;
    p[2] = v >> 8;
    p[3] = v;
}

static uint32_t be32_load(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* The directory is rebuilt whenever a file is added or changes size. */
static void fw_cfg_update_dir(FWCfgState *fw)
{
    size_t len = 4 + (size_t)fw->nfiles * FW_CFG_DIR_ENTRY;
    uint8_t *dir = g_malloc0(len);
    be32_store(dir, fw->nfiles);
    for (unsigned i = 0; i < fw->nfiles; i++) {
        uint8_t *e = dir + 4 + i * FW_CFG_DIR_ENTRY;
        uint16_t key = FW_CFG_FILE_FIRST + i;
        be32_store(e, fw->items[0][key].len);
        e[4] = key >> 8;
        e[5] = key & 0xff;
        memcpy(e + 8, fw->names[i], FW_CFG_MAX_FILE_NAME);
    }
    fw_cfg_set(fw, FW_CFG_FILE_DIR, dir, len);
    g_free(dir);
}

void fw_cfg_add_bytes(FWCfgState *fw, uint16_t key, const void *data, size_t len)
{
    fw_cfg_set(fw, key, data, len);
}

void fw_cfg_add_i16(FWCfgState *fw, uint16_t key, uint16_t value)
{
    uint8_t b[2];
    st16(b, value);
    fw_cfg_set(fw, key, b, sizeof(b));
}

void fw_cfg_add_i32(FWCfgState *fw, uint16_t key, uint32_t value)
{
    uint8_t b[4];
    st32(b, value);
    fw_cfg_set(fw, key, b, sizeof(b));
}

void fw_cfg_add_i64(FWCfgState *fw, uint16_t key, uint64_t value)
{
    uint8_t b[8];
    st64(b, value);
    fw_cfg_set(fw, key, b, sizeof(b));
}

void fw_cfg_add_string(FWCfgState *fw, uint16_t key, const char *s)
{
    fw_cfg_set(fw, key, s, strlen(s) + 1);
}

static int fw_cfg_find_file(FWCfgState *fw, const char *name)
{
    for (unsigned i = 0; i < fw->nfiles; i++) {
        if (!strncmp(fw->names[i], name, FW_CFG_MAX_FILE_NAME)) {
            return (int)i;
        }
    }
    return -1;
}

int fw_cfg_add_file(FWCfgState *fw, const char *name, const void *data, size_t len)
{
    if (strlen(name) >= FW_CFG_MAX_FILE_NAME || len > UINT32_MAX) {
        return -1;
    }
    int i = fw_cfg_find_file(fw, name);
    if (i < 0) {
        if (fw->nfiles >= FW_CFG_MAX_FILES) {
            return -1;
        }
        i = (int)fw->nfiles++;
        memset(fw->names[i], 0, FW_CFG_MAX_FILE_NAME);
        strcpy(fw->names[i], name);
    }
    fw_cfg_set(fw, FW_CFG_FILE_FIRST + i, data, len);
    fw_cfg_update_dir(fw);
    return FW_CFG_FILE_FIRST + i;
}

const uint8_t *fw_cfg_get_file(FWCfgState *fw, const char *name, size_t *len)
{
    int i = fw_cfg_find_file(fw, name);
    if (i < 0) {
        return NULL;
    }
    FWCfgItem *it = &fw->items[0][FW_CFG_FILE_FIRST + i];
    *len = it->len;
    return it->data;
}

/* ---- guest interface ---- */

void fw_cfg_select(FWCfgState *fw, uint16_t key)
{
    fw->cur_key = key;
    fw->cur_off = 0;
}

uint8_t fw_cfg_read_data(FWCfgState *fw)
{
    FWCfgItem *it = fw_cfg_item(fw, fw->cur_key);
    if (!it || (fw->cur_key & FW_CFG_KEY_WRITE) || fw->cur_off >= it->len) {
        return 0; /* past the end, or an item that does not exist */
    }
    return it->data[fw->cur_off++];
}

/* One DMA descriptor (fw_cfg.rst, "DMA interface"): control, length,
 * address, all big-endian. The control word is written back: 0 when done,
 * the error bit otherwise. */
void fw_cfg_dma(FWCfgState *fw, uint64_t addr)
{
    uint8_t desc[16];
    if (!as_read_buf(fw->dma_as, addr, desc, sizeof(desc))) {
        return; /* the descriptor is not in memory: nowhere to report */
    }
    uint32_t control = be32_load(desc);
    uint32_t length = be32_load(desc + 4);
    uint64_t dst = (uint64_t)be32_load(desc + 8) << 32 | be32_load(desc + 12);
    bool error = false;

    if (control & FW_CFG_DMA_CTL_SELECT) {
        fw_cfg_select(fw, control >> 16);
    }
    FWCfgItem *it = fw_cfg_item(fw, fw->cur_key);
    if (control & FW_CFG_DMA_CTL_WRITE) {
        error = true; /* no item is writable */
    } else if (control & (FW_CFG_DMA_CTL_READ | FW_CFG_DMA_CTL_SKIP)) {
        bool read = control & FW_CFG_DMA_CTL_READ;
        static const uint8_t zeros[FW_CFG_DMA_CHUNK];
        while (length) {
            uint32_t avail = (it && fw->cur_off < it->len) ? it->len - fw->cur_off : 0;
            uint32_t n = MIN(length, (uint32_t)FW_CFG_DMA_CHUNK);
            const uint8_t *src = zeros; /* beyond the item: zeros, per the spec */
            if (avail) {
                n = MIN(n, avail);
                src = it->data + fw->cur_off;
            }
            if (read && !as_write_buf(fw->dma_as, dst, src, n)) {
                error = true;
                break;
            }
            if (avail) {
                fw->cur_off += n;
            }
            dst += n;
            length -= n;
        }
    }
    uint8_t ctl[4];
    be32_store(ctl, error ? FW_CFG_DMA_CTL_ERROR : 0);
    as_write_buf(fw->dma_as, addr, ctl, sizeof(ctl));
}

static uint64_t fw_cfg_io_read(void *opaque, uint64_t offset, unsigned size)
{
    FWCfgState *fw = opaque;
    if (offset == 1 && size == 1) {
        return fw_cfg_read_data(fw);
    }
    return 0; /* the selector is write-only */
}

static void fw_cfg_io_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
    FWCfgState *fw = opaque;
    if (offset == 0 && size == 2) {
        fw_cfg_select(fw, (uint16_t)value);
    }
    /* writes to the data register were dropped from the interface */
}

static const MemOps fw_cfg_io_ops = {
    .read = fw_cfg_io_read, .write = fw_cfg_io_write,
    .min_size = 1, .max_size = 2,
};

static uint64_t fw_cfg_dma_read(void *opaque, uint64_t offset, unsigned size)
{
    /* "QEMU CFG" in big-endian: the guest checks for DMA support with it */
    static const char sig[8] = { 'Q', 'E', 'M', 'U', ' ', 'C', 'F', 'G' };
    uint64_t v = 0;
    for (unsigned i = 0; i < size; i++) {
        v |= (uint64_t)(uint8_t)sig[offset + i] << (8 * i);
    }
    return v;
}

static void fw_cfg_dma_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
    FWCfgState *fw = opaque;
    for (unsigned i = 0; i < size; i++) {
        fw->dma_addr[offset + i] = value >> (8 * i);
    }
    if (offset + size == 8) {
        uint64_t addr = (uint64_t)be32_load(fw->dma_addr) << 32 | be32_load(fw->dma_addr + 4);
        /* the high half reads back 0 afterwards: 32-bit guests write only the low one */
        memset(fw->dma_addr, 0, sizeof(fw->dma_addr));
        fw_cfg_dma(fw, addr);
    }
}

static const MemOps fw_cfg_dma_ops = {
    .read = fw_cfg_dma_read, .write = fw_cfg_dma_write,
    .min_size = 1, .max_size = 4,
};

/* ---- boot order ---- */

static gint bootdev_cmp(gconstpointer a, gconstpointer b)
{
    const BootDev *x = a, *y = b;
    if (x->priority != y->priority) {
        return x->priority < y->priority ? -1 : 1;
    }
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

void fw_cfg_add_bootdev(FWCfgState *fw, int priority, const char *path)
{
    BootDev d = { priority, fw->bootdevs->len, g_strdup(path) };
    g_array_append_val(fw->bootdevs, d);
    g_array_sort(fw->bootdevs, bootdev_cmp);
    GString *s = g_string_new(NULL);
    for (guint i = 0; i < fw->bootdevs->len; i++) {
        g_string_append_printf(s, "%s\n", g_array_index(fw->bootdevs, BootDev, i).path);
    }
    /* SeaBIOS reads the file as a string: the NUL terminates it */
    fw_cfg_add_file(fw, "bootorder", s->str, s->len + 1);
    g_string_free(s, TRUE);
}

/* ---- life cycle ---- */

static void fw_cfg_reset(void *opaque)
{
    FWCfgState *fw = opaque;
    fw_cfg_select(fw, 0);
    memset(fw->dma_addr, 0, sizeof(fw->dma_addr));
}

FWCfgState *fw_cfg_new(AddressSpace *dma_as)
{
    FWCfgState *fw = g_new0(FWCfgState, 1);
    fw->dma_as = dma_as;
    fw->bootdevs = g_array_new(FALSE, TRUE, sizeof(BootDev));
    fw_cfg_add_bytes(fw, FW_CFG_SIGNATURE, "QEMU", 4);
    fw_cfg_add_i32(fw, FW_CFG_ID, FW_CFG_VERSION | FW_CFG_VERSION_DMA);
    fw_cfg_update_dir(fw);
    return fw;
}

void fw_cfg_free(FWCfgState *fw)
{
    if (!fw) {
        return;
    }
    for (int a = 0; a < 2; a++) {
        for (int k = 0; k < FW_CFG_NKEYS; k++) {
            g_free(fw->items[a][k].data);
        }
    }
    for (guint i = 0; i < fw->bootdevs->len; i++) {
        g_free(g_array_index(fw->bootdevs, BootDev, i).path);
    }
    g_array_free(fw->bootdevs, TRUE);
    g_free(fw);
}

FWCfgState *fw_cfg_create(Machine *m)
{
    FWCfgState *fw = fw_cfg_new(m->mem);
    /* fixed ports of a fixed machine: they cannot be taken already */
    as_add_io(m->io, "fw_cfg", FW_CFG_PORT_SEL, 2, &fw_cfg_io_ops, fw, NULL);
    as_add_io(m->io, "fw_cfg-dma", FW_CFG_PORT_DMA, 8, &fw_cfg_dma_ops, fw, NULL);
    machine_add_reset(m, fw_cfg_reset, fw);
    machine_own(m, fw, (GDestroyNotify)fw_cfg_free);
    return fw;
}
