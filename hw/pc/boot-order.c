/*
 * -boot for the pc machine. The CMOS layout is the one SeaBIOS reads on
 * emulators (src/boot.c boot_init, src/block.c get_translation): 0x3D holds
 * the first two boot devices (low nibble first), 0x38 bits 7:4 the third
 * and bit 0 "skip the floppy signature check"; codes 1 floppy, 2 hard disk,
 * 3 CD-ROM, 4 network. 0x39 holds two bits per ATA drive (channel * 2 +
 * unit): 0 no translation, 1 LBA. The "bootorder" file names devices by
 * OpenFirmware path, "/pci@i0cf8/ide@1,1/drive@CHANNEL/disk@UNIT" for the
 * PIIX IDE function; SeaBIOS matches its own "*@1,1" glob against it.
 */
#include "hw/pc/boot-order.h"

#include <string.h>

#include "block/drive.h"
#include "hw/core/device.h"

#define CMOS_BOOTFLAG1 0x38
#define CMOS_DISKTRANS 0x39
#define CMOS_BOOTFLAG2 0x3d

static int boot_code(char c)
{
    switch (c) {
    case 'a':
        return 1;
    case 'c':
        return 2;
    case 'd':
        return 3;
    case 'n':
        return 4;
    }
    return 0;
}

static int boot_order_check(const char *order, char **err)
{
    size_t n = strlen(order);
    if (!n) {
        *err = g_strdup("-boot: empty boot order");
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        if (!boot_code(order[i])) {
            *err = g_strdup_printf("-boot %s: invalid boot device '%c' (a floppy, c hard disk, d CD-ROM, "
                                   "n network)", order, order[i]);
            return -1;
        }
        if (strchr(order + i + 1, order[i])) {
            *err = g_strdup_printf("-boot %s: boot device '%c' was given twice", order, order[i]);
            return -1;
        }
    }
    if (n > 3) {
        *err = g_strdup_printf("-boot %s: at most 3 boot devices on a pc", order);
        return -1;
    }
    return 0;
}

int boot_order_parse(const char *arg, const char **order, int *menu, char **err)
{
    if (!strchr(arg, '=')) {
        if (boot_order_check(arg, err) < 0) {
            return -1;
        }
        *order = g_intern_string(arg);
        return 0;
    }
    char *perr = NULL;
    DeviceProps *p = props_parse(arg, &perr);
    int r = -1;
    if (!p) {
        *err = g_strdup_printf("-boot %s: %s", arg, perr);
        g_free(perr);
        return -1;
    }
    const char *o = props_get_str(p, "order", NULL);
    bool m;
    if (o && boot_order_check(o, err) < 0) {
        goto out;
    }
    if (!props_get_bool(p, "menu", false, &m, &perr)) {
        *err = g_strdup_printf("-boot %s: %s", arg, perr);
        g_free(perr);
        goto out;
    }
    if (props_unused(p)) {
        *err = g_strdup_printf("-boot %s: unknown or unsupported key '%s' (mimic knows order, menu)", arg,
                               props_unused(p));
        goto out;
    }
    if (o) {
        *order = g_intern_string(o);
    }
    if (props_get_str(p, "menu", NULL)) {
        *menu = m;
    }
    r = 0;
out:
    props_free(p);
    return r;
}

void boot_order_setup(RTCState *rtc, FWCfgState *fw, const char *order, int menu, GPtrArray *drives,
                      IdeBus *const buses[2])
{
    const char *seq = order ? order : BOOT_ORDER_DEFAULT;
    int code[3] = { 0 };
    for (int i = 0; i < 3 && seq[i]; i++) {
        code[i] = boot_code(seq[i]);
    }
    mc146818_set_cmos(rtc, CMOS_BOOTFLAG2, code[0] | code[1] << 4);
    mc146818_set_cmos(rtc, CMOS_BOOTFLAG1, code[2] << 4);

    uint8_t trans = 0;
    for (int id = 0; id < 4; id++) {
        uint32_t c, h, s;
        if (ide_disk_geometry(buses[id / 2], id % 2, &c, &h, &s) && c > 1024) {
            trans |= 1 << (2 * id); /* LBA-assisted: more cylinders than INT 13h has */
        }
    }
    mc146818_set_cmos(rtc, CMOS_DISKTRANS, trans);

    for (int i = 0; order && order[i]; i++) {
        DriveMedia want = order[i] == 'd' ? DRIVE_MEDIA_CDROM : DRIVE_MEDIA_DISK;
        if (order[i] != 'c' && order[i] != 'd') {
            continue; /* no floppy or network device paths to give */
        }
        for (int id = 0; id < 4; id++) {
            const DriveConfig *d = drive_find(drives, id / 2, id % 2);
            if (d && d->media == want) {
                char *path = g_strdup_printf("/pci@i0cf8/ide@1,1/drive@%d/disk@%d", d->bus, d->unit);
                fw_cfg_add_bootdev(fw, i, path);
                g_free(path);
            }
        }
    }
    if (menu >= 0) {
        fw_cfg_add_i16(fw, FW_CFG_BOOT_MENU, menu);
    }
}
