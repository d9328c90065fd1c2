/*
 * Drives as the command line describes them: -drive, -hda..-hdd, -cdrom.
 * Parsing and slot assignment happen here so that options.c stays a table
 * and the machine receives drives with their bus and unit already decided.
 */
#ifndef BLOCK_DRIVE_H
#define BLOCK_DRIVE_H

#include <glib.h>
#include <stdbool.h>

#include "block/block.h"

typedef enum DriveMedia {
    DRIVE_MEDIA_DISK,
    DRIVE_MEDIA_CDROM,
} DriveMedia;

#define DRIVE_IDE_BUSES 2
#define DRIVE_IDE_UNITS 2

typedef struct DriveConfig {
    char *file;         /* NULL: an empty CD-ROM drive */
    char *format;       /* NULL: probe (raw unless the header says otherwise) */
    int bus, unit;      /* IDE channel (0 primary) and device (0 master) */
    DriveMedia media;
    bool readonly;
    char *origin;       /* the option as given, for messages */
} DriveConfig;

/* "-drive SPEC": parse and add to drives (a GPtrArray of DriveConfig *).
 * 0, or -1 with a one-line *err. */
int drive_add_spec(GPtrArray *drives, const char *spec, char **err);
/* -hda/-hdb/-hdc/-hdd (index 0-3) and -cdrom (index 2, media=cdrom). */
int drive_add_legacy(GPtrArray *drives, const char *opt, int index, DriveMedia media,
                     const char *file, char **err);
/* The drive at (bus, unit), or NULL. */
const DriveConfig *drive_find(GPtrArray *drives, int bus, int unit);
void drive_config_free(gpointer d);

/* Open a drive's image; NULL (and *err) when it cannot. CD-ROMs are always
 * read-only. Prints nothing; a warning (read-only fallback) goes to *warning. */
BlockBackend *drive_open(const DriveConfig *d, char **warning, char **err);

#endif
