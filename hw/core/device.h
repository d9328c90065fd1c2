/*
 * User-creatable devices (-device NAME,key=value,...). A device type is a row
 * in the table in hw/core/device.c: a name, a line of help and a create
 * function that reads its properties. Properties a create function does not
 * read are an error, so a misspelt option never goes unnoticed.
 */
#ifndef HW_CORE_DEVICE_H
#define HW_CORE_DEVICE_H

#include <stdbool.h>
#include <stdint.h>

#include "hw/core/machine.h"

typedef struct DeviceProps DeviceProps;

typedef struct DeviceType {
    const char *name;
    const char *desc;
    int (*create)(Machine *m, DeviceProps *props, char **err);
} DeviceType;

const DeviceType *device_type_find(const char *name);
void device_type_list(void (*print)(const char *name, const char *desc));

/* Parse "name,key=val,..." and create the device. 0 or -1 with *err set. */
int device_create(Machine *m, const char *arg, char **err);

/* Property accessors: def when absent; false with *err on a malformed value. */
bool props_get_u64(DeviceProps *p, const char *key, uint64_t def, uint64_t *out, char **err);
bool props_get_bool(DeviceProps *p, const char *key, bool def, bool *out, char **err);
const char *props_get_str(DeviceProps *p, const char *key, const char *def);

/* Parse "a=b,c=d" (the part after the name) into props; for options too. */
DeviceProps *props_parse(const char *text, char **err);
void props_free(DeviceProps *p);
/* The first key nobody read, or NULL. */
const char *props_unused(DeviceProps *p);

/* Parse a number the way the command line spells them: decimal, 0x hex. */
bool parse_u64(const char *s, uint64_t *out);
/* Parse a size with an optional K/M/G/T suffix (binary); bare numbers are
 * taken in default_unit bytes (QEMU's -m takes MiB). */
bool parse_size(const char *s, uint64_t default_unit, uint64_t *out);

#endif
