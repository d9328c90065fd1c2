/*
 * -drive and its shorthands, in QEMU's spelling (qemu-options.hx documents
 * the keys). Only if=ide and format=raw exist so far; other interfaces and
 * formats get a one-line refusal instead of a surprise.
 */
#include "block/drive.h"

#include <string.h>

#include "hw/core/device.h"

void drive_config_free(gpointer p)
{
    DriveConfig *d = p;
    if (!d) {
        return;
    }
    g_free(d->file);
    g_free(d->format);
    g_free(d->origin);
    g_free(d);
}

const DriveConfig *drive_find(GPtrArray *drives, int bus, int unit)
{
    for (guint i = 0; drives && i < drives->len; i++) {
        const DriveConfig *d = g_ptr_array_index(drives, i);
        if (d->bus == bus && d->unit == unit) {
            return d;
        }
    }
    return NULL;
}

/* Put d at index (or the first free one when index < 0) and keep it. */
static int drive_place(GPtrArray *drives, DriveConfig *d, int index, char **err)
{
    const int slots = DRIVE_IDE_BUSES * DRIVE_IDE_UNITS;
    if (index < 0) {
        for (index = 0; index < slots; index++) {
            if (!drive_find(drives, index / DRIVE_IDE_UNITS, index % DRIVE_IDE_UNITS)) {
                break;
            }
        }
        if (index == slots) {
            *err = g_strdup_printf("%s: all %d IDE slots are taken", d->origin, slots);
            return -1;
        }
    }
    d->bus = index / DRIVE_IDE_UNITS;
    d->unit = index % DRIVE_IDE_UNITS;
    if (drive_find(drives, d->bus, d->unit)) {
        *err = g_strdup_printf("%s: IDE bus %d unit %d (index %d) is already in use", d->origin,
                               d->bus, d->unit, index);
        return -1;
    }
    g_ptr_array_add(drives, d);
    return 0;
}

int drive_add_legacy(GPtrArray *drives, const char *opt, int index, DriveMedia media,
                     const char *file, char **err)
{
    DriveConfig *d = g_new0(DriveConfig, 1);
    d->file = g_strdup(file);
    d->media = media;
    d->readonly = media == DRIVE_MEDIA_CDROM;
    d->origin = g_strdup_printf("-%s %s", opt, file);
    if (drive_place(drives, d, index, err) < 0) {
        drive_config_free(d);
        return -1;
    }
    return 0;
}

static bool drive_get_int(DeviceProps *p, const char *key, int max, int *out, const char *spec,
                          char **err)
{
    const char *v = props_get_str(p, key, NULL);
    uint64_t n;
    *out = -1;
    if (!v) {
        return true;
    }
    if (!parse_u64(v, &n) || n > (uint64_t)max) {
        *err = g_strdup_printf("-drive %s: %s=%s: must be 0 to %d", spec, key, v, max);
        return false;
    }
    *out = n;
    return true;
}

int drive_add_spec(GPtrArray *drives, const char *spec, char **err)
{
    char *perr = NULL;
    DeviceProps *p = props_parse(spec, &perr);
    if (!p) {
        *err = g_strdup_printf("-drive %s: %s", spec, perr);
        g_free(perr);
        return -1;
    }
    DriveConfig *d = g_new0(DriveConfig, 1);
    d->origin = g_strdup_printf("-drive %s", spec);
    const char *iface = props_get_str(p, "if", "ide");
    const char *media = props_get_str(p, "media", "disk");
    const char *file = props_get_str(p, "file", NULL);
    const char *format = props_get_str(p, "format", NULL);
    int index, bus, unit;
    bool ro_given = props_get_str(p, "readonly", NULL) != NULL;

    if (strcmp(iface, "ide") != 0) {
        static const char *const later[] = { "virtio", "scsi", "floppy", "sd", "pflash", "mtd",
                                             "none", "xen" };
        bool known = false;
        for (size_t i = 0; i < G_N_ELEMENTS(later); i++) {
            known |= !strcmp(iface, later[i]);
        }
        *err = g_strdup_printf(known ? "-drive %s: if=%s is not supported yet (only if=ide)"
                                     : "-drive %s: if=%s: unknown interface (only if=ide)",
                               spec, iface);
        goto fail;
    }
    if (!strcmp(media, "cdrom")) {
        d->media = DRIVE_MEDIA_CDROM;
    } else if (strcmp(media, "disk") != 0) {
        *err = g_strdup_printf("-drive %s: media=%s: must be disk or cdrom", spec, media);
        goto fail;
    }
    if (!props_get_bool(p, "readonly", d->media == DRIVE_MEDIA_CDROM, &d->readonly, &perr)) {
        *err = g_strdup_printf("-drive %s: %s", spec, perr);
        g_free(perr);
        goto fail;
    }
    if (d->media == DRIVE_MEDIA_CDROM && ro_given && !d->readonly) {
        *err = g_strdup_printf("-drive %s: a cdrom is always read-only", spec);
        goto fail;
    }
    if (file && !*file) {
        file = NULL;
    }
    if (!file && d->media == DRIVE_MEDIA_DISK) {
        *err = g_strdup_printf("-drive %s: a disk needs file= (only a cdrom may be empty)", spec);
        goto fail;
    }
    d->file = g_strdup(file);
    if (format) {
        char *ferr = NULL;
        if (!blk_format_check(format, &ferr)) {
            *err = g_strdup_printf("-drive %s: %s", spec, ferr);
            g_free(ferr);
            goto fail;
        }
        d->format = g_strdup(format);
    }
    if (!drive_get_int(p, "index", DRIVE_IDE_BUSES * DRIVE_IDE_UNITS - 1, &index, spec, err) ||
        !drive_get_int(p, "bus", DRIVE_IDE_BUSES - 1, &bus, spec, err) ||
        !drive_get_int(p, "unit", DRIVE_IDE_UNITS - 1, &unit, spec, err)) {
        goto fail;
    }
    if (props_unused(p)) {
        *err = g_strdup_printf("-drive %s: unknown or unsupported key '%s' (mimic knows file, "
                               "format, if, index, bus, unit, media, readonly)",
                               spec, props_unused(p));
        goto fail;
    }
    if (index >= 0 && (bus >= 0 || unit >= 0)) {
        *err = g_strdup_printf("-drive %s: index= cannot go with bus= or unit=", spec);
        goto fail;
    }
    if (bus >= 0 || unit >= 0) {
        index = (bus < 0 ? 0 : bus) * DRIVE_IDE_UNITS + (unit < 0 ? 0 : unit);
        if (unit < 0) {
            /* bus= alone: the first free unit on that bus */
            index = (bus < 0 ? 0 : bus) * DRIVE_IDE_UNITS;
            if (drive_find(drives, bus, 0)) {
                index++;
            }
        }
    }
    props_free(p);
    if (drive_place(drives, d, index, err) < 0) {
        drive_config_free(d);
        return -1;
    }
    return 0;

fail:
    props_free(p);
    drive_config_free(d);
    return -1;
}

BlockBackend *drive_open(const DriveConfig *d, char **warning, char **err)
{
    char *berr = NULL;
    BlockBackend *bb = blk_open(d->file, d->format, d->readonly, warning, &berr);
    if (!bb) {
        *err = g_strdup_printf("%s: %s", d->origin, berr);
        g_free(berr);
    }
    return bb;
}
