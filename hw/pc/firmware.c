/*
 * The BIOS boot path of the pc machine. The firmware image (SeaBIOS by
 * default) is mapped read-only so that its last byte is at 4 GiB - 1: the
 * CPU's reset vector F000:FFF0 (CS base 0xFFFF0000) lands 16 bytes below
 * its end. The legacy window 0xE0000-0xFFFFF is the i440FX's business
 * (hw/pci/i440fx.c: PAM decides between this ROM and shadow RAM).
 *
 * fw_cfg contents follow what SeaBIOS 1.16 reads on QEMU's pc machine
 * (src/fw/paravirt.c, src/fw/romfile_loader.c of SeaBIOS: names and
 * formats only). ACPI tables are built by hw/acpi/tables.c at base 0, so
 * every pointer field holds an offset in the blob; the loader script tells
 * SeaBIOS to allocate the blob, add its address to those fields and fix
 * the checksums.
 */
#include "hw/pc/firmware.h"

#include <glib.h>
#include <string.h>
#include <sys/mman.h>

#define ACPI_HDR_LEN 36
#define FADT_FIRMWARE_CTRL 36
#define FADT_DSDT 40
#define FADT_X_DSDT 140

typedef struct FirmwareImage {
    uint8_t *data;
    size_t size;
} FirmwareImage;

static void firmware_image_free(void *p)
{
    FirmwareImage *img = p;
    munmap(img->data, img->size);
    g_free(img);
}

uint8_t *firmware_load(Machine *m, const char *path, size_t *size, char **err)
{
    gchar *data;
    gsize len;
    GError *gerr = NULL;
    if (!g_file_get_contents(path, &data, &len, &gerr)) {
        *err = g_strdup_printf("-bios: %s", gerr->message);
        g_error_free(gerr);
        return NULL;
    }
    if (len == 0 || len % 0x10000 || len > FIRMWARE_MAX_SIZE) {
        *err = g_strdup_printf("-bios %s: %zu bytes; a firmware image is a non-zero multiple of 64 KiB, "
                               "at most %u MiB", path, (size_t)len, FIRMWARE_MAX_SIZE >> 20);
        g_free(data);
        return NULL;
    }
    /* page-aligned host memory: it becomes a KVM memory slot */
    uint8_t *rom = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (rom == MAP_FAILED) {
        *err = g_strdup_printf("-bios %s: cannot allocate %zu bytes", path, (size_t)len);
        g_free(data);
        return NULL;
    }
    memcpy(rom, data, len);
    g_free(data);
    FirmwareImage *img = g_new(FirmwareImage, 1);
    *img = (FirmwareImage){ rom, len };
    machine_own(m, img, firmware_image_free);
    if (!as_add_ram(m->mem, "bios", (1ull << 32) - len, len, rom, true, err)) {
        return NULL;
    }
    *size = len;
    return rom;
}

/* ---- ACPI linker/loader ---- */

static void loader_name(uint8_t *p, const char *name)
{
    strncpy((char *)p, name, FW_CFG_MAX_FILE_NAME - 1);
}

static void loader_allocate(GByteArray *s, const char *file, uint32_t align, uint8_t zone)
{
    uint8_t c[LOADER_CMD_SIZE] = { 0 };
    st32(c, LOADER_ALLOCATE);
    loader_name(c + 4, file);
    st32(c + 4 + FW_CFG_MAX_FILE_NAME, align);
    c[4 + FW_CFG_MAX_FILE_NAME + 4] = zone;
    g_byte_array_append(s, c, sizeof(c));
}

/* dest[offset..offset+size) += address of src (little-endian). */
static void loader_add_pointer(GByteArray *s, const char *dest, const char *src, uint32_t offset, uint8_t size)
{
    uint8_t c[LOADER_CMD_SIZE] = { 0 };
    st32(c, LOADER_ADD_POINTER);
    loader_name(c + 4, dest);
    loader_name(c + 4 + FW_CFG_MAX_FILE_NAME, src);
    st32(c + 4 + 2 * FW_CFG_MAX_FILE_NAME, offset);
    c[4 + 2 * FW_CFG_MAX_FILE_NAME + 4] = size;
    g_byte_array_append(s, c, sizeof(c));
}

/* file[offset] -= sum of file[start..start+length). */
static void loader_add_checksum(GByteArray *s, const char *file, uint32_t offset, uint32_t start,
                                uint32_t length)
{
    uint8_t c[LOADER_CMD_SIZE] = { 0 };
    st32(c, LOADER_ADD_CHECKSUM);
    loader_name(c + 4, file);
    st32(c + 4 + FW_CFG_MAX_FILE_NAME, offset);
    st32(c + 8 + FW_CFG_MAX_FILE_NAME, start);
    st32(c + 12 + FW_CFG_MAX_FILE_NAME, length);
    g_byte_array_append(s, c, sizeof(c));
}

static bool table_at(const GByteArray *t, uint64_t off, uint32_t *len)
{
    if (off > t->len || t->len - off < ACPI_HDR_LEN) {
        return false;
    }
    *len = ld32(t->data + off + 4);
    return *len >= ACPI_HDR_LEN && *len <= t->len - off;
}

#define TABLES "etc/acpi/tables"
#define RSDP "etc/acpi/rsdp"

/* Pointers inside one table the root tables list, then its checksum. */
static void loader_table(GByteArray *s, const GByteArray *t, uint32_t off, GByteArray *sums)
{
    uint32_t len;
    if (!table_at(t, off, &len)) {
        return;
    }
    const uint8_t *h = t->data + off;
    if (!memcmp(h, "FACP", 4)) {
        /* hw/acpi/tables.c fills FIRMWARE_CTRL, DSDT and X_DSDT */
        loader_add_pointer(s, TABLES, TABLES, off + FADT_FIRMWARE_CTRL, 4);
        loader_add_pointer(s, TABLES, TABLES, off + FADT_DSDT, 4);
        if (len >= FADT_X_DSDT + 8) {
            loader_add_pointer(s, TABLES, TABLES, off + FADT_X_DSDT, 8);
        }
        uint32_t dsdt = ld32(h + FADT_DSDT), dlen;
        if (table_at(t, dsdt, &dlen)) {
            loader_add_checksum(sums, TABLES, dsdt + 9, dsdt, dlen);
        }
    }
    loader_add_checksum(sums, TABLES, off + 9, off, len);
}

void firmware_add_acpi(FWCfgState *fw, const GByteArray *tables, const uint8_t rsdp[ACPI_RSDP_SIZE])
{
    GByteArray *s = g_byte_array_new();
    GByteArray *sums = g_byte_array_new(); /* checksums go after every pointer */
    loader_allocate(s, TABLES, 64, LOADER_ZONE_HIGH); /* the FACS wants 64-byte alignment */
    loader_allocate(s, RSDP, 16, LOADER_ZONE_FSEG);   /* OSes search 0xE0000-0xFFFFF */
    loader_add_pointer(s, RSDP, TABLES, 16, 4);
    loader_add_pointer(s, RSDP, TABLES, 24, 8);

    uint32_t rsdt = ld32(rsdp + 16), len;
    if (table_at(tables, rsdt, &len)) {
        for (uint32_t e = ACPI_HDR_LEN; e + 4 <= len; e += 4) {
            loader_add_pointer(s, TABLES, TABLES, rsdt + e, 4);
            loader_table(s, tables, ld32(tables->data + rsdt + e), sums);
        }
        loader_add_checksum(sums, TABLES, rsdt + 9, rsdt, len);
    }
    uint64_t xsdt = ld64(rsdp + 24);
    if (table_at(tables, xsdt, &len)) {
        for (uint32_t e = ACPI_HDR_LEN; e + 8 <= len; e += 8) {
            loader_add_pointer(s, TABLES, TABLES, (uint32_t)xsdt + e, 8);
        }
        loader_add_checksum(sums, TABLES, (uint32_t)xsdt + 9, (uint32_t)xsdt, len);
    }
    /* the ACPI 1.0 checksum first: the extended one covers it */
    loader_add_checksum(sums, RSDP, 8, 0, 20);
    loader_add_checksum(sums, RSDP, 32, 0, ACPI_RSDP_SIZE);
    g_byte_array_append(s, sums->data, sums->len);

    fw_cfg_add_file(fw, TABLES, tables->data, tables->len);
    fw_cfg_add_file(fw, RSDP, rsdp, ACPI_RSDP_SIZE);
    fw_cfg_add_file(fw, "etc/table-loader", s->data, s->len);
    g_byte_array_free(sums, TRUE);
    g_byte_array_free(s, TRUE);
}

void firmware_setup_fw_cfg(Machine *m, FWCfgState *fw, const E820Map *ram_map, const AcpiConfig *acpi)
{
    fw_cfg_add_i64(fw, FW_CFG_RAM_SIZE, m->ram_size);
    fw_cfg_add_i16(fw, FW_CFG_NB_CPUS, (uint16_t)acpi->cpus);
    fw_cfg_add_i16(fw, FW_CFG_MAX_CPUS, (uint16_t)acpi->cpus);
    fw_cfg_add_i16(fw, FW_CFG_NOGRAPHIC, m->cfg->nographic);
    fw_cfg_add_i16(fw, FW_CFG_BOOT_MENU, 0);

    /* etc/e820: packed {u64 address, u64 length, u32 type} */
    uint8_t e820[E820_MAX * 20];
    size_t n = 0;
    for (int i = 0; i < ram_map->count; i++) {
        const E820Entry *e = &ram_map->entries[i];
        st64(e820 + n, e->addr);
        st64(e820 + n + 8, e->size);
        st32(e820 + n + 16, e->type);
        n += 20;
    }
    fw_cfg_add_file(fw, "etc/e820", e820, n);

    /* as QEMU without -boot reboot-timeout: stop at "No bootable device." */
    uint8_t wait[4];
    st32(wait, 0xffffffffu);
    fw_cfg_add_file(fw, "etc/boot-fail-wait", wait, sizeof(wait));

    if (m->cfg->nographic) {
        /* SeaBIOS mirrors its console (and the VGA text of option ROMs) to COM1 */
        uint8_t port[2];
        st16(port, 0x3f8);
        fw_cfg_add_file(fw, "etc/sercon-port", port, sizeof(port));
    }

    uint8_t rsdp[ACPI_RSDP_SIZE];
    GByteArray *tables = acpi_build_tables(acpi, 0, rsdp);
    firmware_add_acpi(fw, tables, rsdp);
    g_byte_array_free(tables, TRUE);
}
