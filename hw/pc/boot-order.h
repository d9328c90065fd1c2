/*
 * -boot: which kind of device the BIOS tries first. SeaBIOS reads the
 * sequence from CMOS bytes 0x3D and 0x38 (the Bochs BIOS convention) and
 * per-device priorities from the fw_cfg "bootorder" file.
 */
#ifndef HW_PC_BOOT_ORDER_H
#define HW_PC_BOOT_ORDER_H

#include <glib.h>

#include "hw/ide/ide.h"
#include "hw/pc/fw_cfg.h"
#include "hw/rtc/mc146818.h"

#define BOOT_ORDER_DEFAULT "cad"   /* QEMU's: hard disk, floppy, CD-ROM */
#define BOOT_MENU_DEFAULT -1       /* -boot menu= not given */

/* Parse "-boot ARG" ("dc", "order=dc", "menu=on", "order=d,menu=off").
 * *order (interned, or untouched when absent) and *menu (0/1, untouched when
 * absent). 0, or -1 with a one-line *err. */
int boot_order_parse(const char *arg, const char **order, int *menu, char **err);

/*
 * Tell the firmware: CMOS 0x3D/0x38 from order (NULL: the default), CMOS
 * 0x39 the CHS translation of each IDE disk, the "bootorder" file (only
 * when order was given) listing the IDE drives of each letter in turn by
 * their OpenFirmware path on the PIIX IDE function at 01.1, and the boot
 * menu when menu is 0 or 1.
 */
void boot_order_setup(RTCState *rtc, FWCfgState *fw, const char *order, int menu, GPtrArray *drives,
                      IdeBus *const buses[2]);

#endif
