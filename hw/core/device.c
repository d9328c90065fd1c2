/* The -device table and property parsing; see device.h. */
#include "hw/core/device.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct DeviceProps {
    GHashTable *values; /* key -> value */
    GHashTable *used;   /* keys read */
    GPtrArray *order;   /* keys in command-line order, for error messages */
};

int isa_debug_exit_create(Machine *m, DeviceProps *props, char **err);
int vga_pci_device_create(Machine *m, DeviceProps *props, char **err);

static const DeviceType device_types[] = {
    { "isa-debug-exit", "write N to its port to exit with status (N << 1) | 1", isa_debug_exit_create },
    { "VGA", "standard VGA with Bochs VBE (PCI 1234:1111; addr, vgamem_mb, romfile)", vga_pci_device_create },
};

const DeviceType *device_type_find(const char *name)
{
    for (size_t i = 0; i < G_N_ELEMENTS(device_types); i++) {
        if (!strcmp(device_types[i].name, name)) {
            return &device_types[i];
        }
    }
    return NULL;
}

void device_type_list(void (*print)(const char *name, const char *desc))
{
    for (size_t i = 0; i < G_N_ELEMENTS(device_types); i++) {
        print(device_types[i].name, device_types[i].desc);
    }
}

bool parse_u64(const char *s, uint64_t *out)
{
    if (!s || !*s || *s == '-') {
        return false;
    }
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 0);
    if (errno || *end) {
        return false;
    }
    *out = v;
    return true;
}

bool parse_size(const char *s, uint64_t default_unit, uint64_t *out)
{
    if (!s || !*s || *s == '-') {
        return false;
    }
    char *end;
    errno = 0;
    double v = g_ascii_strtod(s, &end);
    if (errno || end == s || v < 0) {
        return false;
    }
    uint64_t unit = default_unit;
    if (*end) {
        switch (g_ascii_toupper(*end)) {
        case 'B': unit = 1; break;
        case 'K': unit = 1ull << 10; break;
        case 'M': unit = 1ull << 20; break;
        case 'G': unit = 1ull << 30; break;
        case 'T': unit = 1ull << 40; break;
        case 'P': unit = 1ull << 50; break;
        case 'E': unit = 1ull << 60; break;
        default: return false;
        }
        end++;
        if (*end == 'i' || *end == 'I') {
            end++;
        }
        if (*end == 'B' || *end == 'b') {
            end++;
        }
        if (*end) {
            return false;
        }
    }
    double bytes = v * (double)unit;
    if (bytes >= 18446744073709551616.0 || bytes != (double)(uint64_t)bytes) {
        return false; /* too large, or a fraction of a byte */
    }
    *out = (uint64_t)bytes;
    return true;
}

DeviceProps *props_parse(const char *text, char **err)
{
    DeviceProps *p = g_new0(DeviceProps, 1);
    p->values = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    p->used = g_hash_table_new(g_str_hash, g_str_equal);
    p->order = g_ptr_array_new();
    if (!text || !*text) {
        return p;
    }
    gchar **parts = g_strsplit(text, ",", -1);
    for (gchar **it = parts; *it; it++) {
        if (!**it) {
            continue;
        }
        char *eq = strchr(*it, '=');
        char *key = eq ? g_strndup(*it, eq - *it) : g_strdup(*it);
        if (!*key || g_hash_table_contains(p->values, key)) {
            *err = g_strdup_printf(*key ? "property '%s' given twice" : "empty property name in '%s'",
                                   *key ? key : text);
            g_free(key);
            g_strfreev(parts);
            props_free(p);
            return NULL;
        }
        /* a bare key is a boolean switched on, as QEMU reads "server" */
        g_hash_table_insert(p->values, key, g_strdup(eq ? eq + 1 : "on"));
        g_ptr_array_add(p->order, key);
    }
    g_strfreev(parts);
    return p;
}

void props_free(DeviceProps *p)
{
    if (!p) {
        return;
    }
    g_hash_table_destroy(p->used);
    g_hash_table_destroy(p->values);
    g_ptr_array_free(p->order, TRUE);
    g_free(p);
}

const char *props_get_str(DeviceProps *p, const char *key, const char *def)
{
    gpointer k, v;
    if (!g_hash_table_lookup_extended(p->values, key, &k, &v)) {
        return def;
    }
    g_hash_table_add(p->used, k);
    return v;
}

bool props_get_u64(DeviceProps *p, const char *key, uint64_t def, uint64_t *out, char **err)
{
    const char *v = props_get_str(p, key, NULL);
    if (!v) {
        *out = def;
        return true;
    }
    if (!parse_u64(v, out)) {
        *err = g_strdup_printf("property '%s': '%s' is not a number", key, v);
        return false;
    }
    return true;
}

bool props_get_bool(DeviceProps *p, const char *key, bool def, bool *out, char **err)
{
    const char *v = props_get_str(p, key, NULL);
    if (!v) {
        *out = def;
    } else if (!strcmp(v, "on") || !strcmp(v, "yes") || !strcmp(v, "true")) {
        *out = true;
    } else if (!strcmp(v, "off") || !strcmp(v, "no") || !strcmp(v, "false")) {
        *out = false;
    } else {
        *err = g_strdup_printf("property '%s': '%s' is not on or off", key, v);
        return false;
    }
    return true;
}

const char *props_unused(DeviceProps *p)
{
    for (guint i = 0; i < p->order->len; i++) {
        const char *k = g_ptr_array_index(p->order, i);
        if (!g_hash_table_contains(p->used, k)) {
            return k;
        }
    }
    return NULL;
}

int device_create(Machine *m, const char *arg, char **err)
{
    const char *comma = strchr(arg, ',');
    char *name = comma ? g_strndup(arg, comma - arg) : g_strdup(arg);
    const DeviceType *t = device_type_find(name);
    int ret = -1;
    DeviceProps *p = NULL;
    char *perr = NULL;

    if (!t) {
        *err = g_strdup_printf("-device: unknown device '%s' (try -device help)", name);
        goto out;
    }
    p = props_parse(comma ? comma + 1 : "", &perr);
    if (!p) {
        goto out_perr;
    }
    if (t->create(m, p, &perr) < 0) {
        goto out_perr;
    }
    const char *unused = props_unused(p);
    if (unused) {
        *err = g_strdup_printf("-device %s: unknown property '%s'", name, unused);
        goto out;
    }
    ret = 0;
    goto out;
out_perr:
    *err = g_strdup_printf("-device %s: %s", name, perr);
    g_free(perr);
out:
    props_free(p);
    g_free(name);
    return ret;
}
