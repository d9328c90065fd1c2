/*
 * Command-line parsing. Options take one dash (QEMU's spelling) or two; each
 * is a row of the table below with its handler. Handlers validate as they go
 * so every mistake is reported as one line naming the option.
 */
#include "system/options.h"

#include <stdio.h>
#include <string.h>

#include "accel/accel.h"
#include "block/drive.h"
#include "hw/core/device.h"
#include "hw/pc/boot-order.h"
#include "system/log.h"

#define RAM_DEFAULT (128ull << 20)
#define RAM_MIN (4ull << 20)
#define RAM_MAX (1ull << 40)

typedef struct OptState {
    MachineConfig *cfg;
    bool display_none;
    bool serial_given;
    bool help_printed;
} OptState;

typedef int (*OptHandler)(OptState *st, const char *arg, char **err);

typedef struct OptionDef {
    const char *name;
    const char *arg; /* argument name for -help, NULL if the option takes none */
    OptHandler handler;
    const char *help;
} OptionDef;

static void print_item(const char *name, const char *desc)
{
    printf("  %-16s %s\n", name, desc);
}

static int opt_m(OptState *st, const char *arg, char **err)
{
    const char *v = g_str_has_prefix(arg, "size=") ? arg + 5 : arg;
    uint64_t size;
    if (!parse_size(v, 1ull << 20, &size)) {
        *err = g_strdup_printf("-m %s: not a size (use e.g. 256, 256M or 2G)", arg);
        return -1;
    }
    if (size < RAM_MIN || size > RAM_MAX) {
        *err = g_strdup_printf("-m %s: RAM must be between %llu MiB and %llu GiB", arg,
                               RAM_MIN >> 20, RAM_MAX >> 30);
        return -1;
    }
    st->cfg->ram_size = size & ~0xfffull;
    return 0;
}

static int opt_smp(OptState *st, const char *arg, char **err)
{
    const char *v = g_str_has_prefix(arg, "cpus=") ? arg + 5 : arg;
    uint64_t n;
    if (!parse_u64(v, &n)) {
        *err = g_strdup_printf("-smp %s: not a CPU count", arg);
        return -1;
    }
    if (n != 1) {
        *err = g_strdup_printf("-smp %s: mimic runs one vCPU so far (-smp 1)", arg);
        return -1;
    }
    return 0;
}

static int set_accel(OptState *st, const char *name, char **err)
{
    if (!accel_find(name)) {
        *err = g_strdup_printf("-accel %s: unknown accelerator (try -accel help)", name);
        return -1;
    }
    st->cfg->accel = g_intern_string(name);
    return 0;
}

static int opt_accel(OptState *st, const char *arg, char **err)
{
    if (!strcmp(arg, "help")) {
        printf("Accelerators:\n");
        accel_list(print_item);
        st->help_printed = true;
        return 0;
    }
    const char *comma = strchr(arg, ',');
    char *name = comma ? g_strndup(arg, comma - arg) : g_strdup(arg);
    int r = set_accel(st, name, err);
    if (r == 0 && comma && comma[1]) {
        if (!strcmp(name, "tcg")) {
            st->cfg->accel_opts = g_intern_string(comma + 1); /* checked by tcg's init */
        } else {
            *err = g_strdup_printf("-accel %s: unknown property '%s'", name, comma + 1);
            r = -1;
        }
    }
    g_free(name);
    return r;
}

static int opt_enable_kvm(OptState *st, const char *arg, char **err)
{
    return set_accel(st, "kvm", err);
}

static int opt_machine(OptState *st, const char *arg, char **err)
{
    if (!strcmp(arg, "help")) {
        printf("Machine types:\n");
        machine_type_list(print_item);
        st->help_printed = true;
        return 0;
    }
    char *perr = NULL;
    /* the type may come first without "type=" */
    const char *comma = strchr(arg, ',');
    char *first = comma ? g_strndup(arg, comma - arg) : g_strdup(arg);
    bool first_is_type = !strchr(first, '=');
    const char *rest = first_is_type ? (comma ? comma + 1 : "") : arg;
    DeviceProps *p = props_parse(rest, &perr);
    int r = -1;
    if (!p) {
        *err = g_strdup_printf("-machine %s: %s", arg, perr);
        g_free(perr);
        g_free(first);
        return -1;
    }
    char *type = first_is_type ? first : g_strdup(props_get_str(p, "type", st->cfg->machine_type));
    if (!first_is_type) {
        g_free(first);
    }
    const char *accel = props_get_str(p, "accel", NULL);
    bool irqchip;
    if (!machine_type_find(type)) {
        *err = g_strdup_printf("-machine %s: unknown machine type '%s' (try -machine help)", arg, type);
    } else if (!props_get_bool(p, "kernel-irqchip", st->cfg->kernel_irqchip, &irqchip, &perr)) {
        *err = g_strdup_printf("-machine: %s", perr);
        g_free(perr);
    } else if (accel && set_accel(st, accel, err) < 0) {
        /* err set */
    } else if (props_unused(p)) {
        *err = g_strdup_printf("-machine: unknown property '%s'", props_unused(p));
    } else {
        st->cfg->machine_type = g_intern_string(type);
        st->cfg->kernel_irqchip = irqchip;
        r = 0;
    }
    g_free(type);
    props_free(p);
    return r;
}

static int opt_cpu(OptState *st, const char *arg, char **err)
{
    if (!strcmp(arg, "help")) {
        printf("CPU models:\n");
        cpu_model_list(print_item);
        st->help_printed = true;
        return 0;
    }
    if (!cpu_model_find(arg)) {
        *err = g_strdup_printf("-cpu %s: unknown CPU model (try -cpu help)", arg);
        return -1;
    }
    st->cfg->cpu_model = g_intern_string(arg);
    return 0;
}

static int opt_kernel(OptState *st, const char *arg, char **err)
{
    st->cfg->kernel = g_intern_string(arg);
    return 0;
}

static int opt_initrd(OptState *st, const char *arg, char **err)
{
    st->cfg->initrd = g_intern_string(arg);
    return 0;
}

static int opt_append(OptState *st, const char *arg, char **err)
{
    st->cfg->append = g_intern_string(arg);
    return 0;
}

static int opt_bios(OptState *st, const char *arg, char **err)
{
    st->cfg->bios = g_intern_string(arg);
    return 0;
}

static int opt_nographic(OptState *st, const char *arg, char **err)
{
    st->cfg->nographic = true;
    return 0;
}

static int opt_display(OptState *st, const char *arg, char **err)
{
    if (!strcmp(arg, "help")) {
        printf("Displays:\n");
        print_item("none", "no display (use the serial console)");
        st->help_printed = true;
        return 0;
    }
    if (strcmp(arg, "none") != 0) {
        *err = g_strdup_printf("-display %s: not built yet; only -display none (or -nographic) for now",
                               arg);
        return -1;
    }
    st->display_none = true;
    return 0;
}

static int opt_serial(OptState *st, const char *arg, char **err)
{
    g_ptr_array_add(st->cfg->serials, g_strdup(arg));
    st->serial_given = true;
    return 0;
}

static int opt_debugcon(OptState *st, const char *arg, char **err)
{
    st->cfg->debugcon = g_intern_string(arg);
    return 0;
}

/* QEMU's spelling for moving the debug console, e.g. to SeaBIOS's log port
 * 0x402: the only DRIVER.PROPERTY taken so far. */
static int opt_global(OptState *st, const char *arg, char **err)
{
    const char *prefix = "isa-debugcon.iobase=";
    uint64_t port;
    if (!g_str_has_prefix(arg, prefix)) {
        *err = g_strdup_printf("-global %s: only isa-debugcon.iobase=PORT is supported", arg);
        return -1;
    }
    if (!parse_u64(arg + strlen(prefix), &port) || port == 0 || port > 0xffff) {
        *err = g_strdup_printf("-global %s: not an I/O port between 0x1 and 0xffff", arg);
        return -1;
    }
    st->cfg->debugcon_iobase = (uint16_t)port;
    return 0;
}

static int opt_drive(OptState *st, const char *arg, char **err)
{
    return drive_add_spec(st->cfg->drives, arg, err);
}

/* -hda..-hdd are indexes 0-3; -cdrom is index 2 (secondary master) */
static int opt_hda(OptState *st, const char *arg, char **err)
{
    return drive_add_legacy(st->cfg->drives, "hda", 0, DRIVE_MEDIA_DISK, arg, err);
}

static int opt_hdb(OptState *st, const char *arg, char **err)
{
    return drive_add_legacy(st->cfg->drives, "hdb", 1, DRIVE_MEDIA_DISK, arg, err);
}

static int opt_hdc(OptState *st, const char *arg, char **err)
{
    return drive_add_legacy(st->cfg->drives, "hdc", 2, DRIVE_MEDIA_DISK, arg, err);
}

static int opt_hdd(OptState *st, const char *arg, char **err)
{
    return drive_add_legacy(st->cfg->drives, "hdd", 3, DRIVE_MEDIA_DISK, arg, err);
}

static int opt_cdrom(OptState *st, const char *arg, char **err)
{
    return drive_add_legacy(st->cfg->drives, "cdrom", 2, DRIVE_MEDIA_CDROM, arg, err);
}

static int opt_boot(OptState *st, const char *arg, char **err)
{
    return boot_order_parse(arg, &st->cfg->boot_order, &st->cfg->boot_menu, err);
}

static int opt_device(OptState *st, const char *arg, char **err)
{
    if (!strcmp(arg, "help")) {
        printf("Devices:\n");
        device_type_list(print_item);
        st->help_printed = true;
        return 0;
    }
    g_ptr_array_add(st->cfg->devices, g_strdup(arg));
    return 0;
}

static int opt_monitor(OptState *st, const char *arg, char **err)
{
    g_ptr_array_add(st->cfg->monitors, g_strdup(arg));
    return 0;
}

static int opt_vga(OptState *st, const char *arg, char **err)
{
    if (!strcmp(arg, "help")) {
        printf("VGA types:\n");
        print_item("std", "standard VGA with Bochs VBE extensions (PCI 1234:1111; the default with a BIOS)");
        print_item("none", "no display adapter");
        st->help_printed = true;
        return 0;
    }
    if (strcmp(arg, "std") != 0 && strcmp(arg, "none") != 0) {
        *err = g_strdup_printf("-vga %s: unknown VGA type (std or none)", arg);
        return -1;
    }
    st->cfg->vga = g_intern_string(arg);
    return 0;
}

static int opt_no_reboot(OptState *st, const char *arg, char **err)
{
    st->cfg->no_reboot = true;
    return 0;
}

static int opt_name(OptState *st, const char *arg, char **err)
{
    /* "-name guest=NAME,..." and "-name NAME" both name the VM */
    const char *v = g_str_has_prefix(arg, "guest=") ? arg + 6 : arg;
    st->cfg->name = g_intern_string(v);
    return 0;
}

static int opt_d(OptState *st, const char *arg, char **err)
{
    if (!strcmp(arg, "help")) {
        log_items_help();
        st->help_printed = true;
        return 0;
    }
    return log_parse_items(arg, err);
}

static int opt_D(OptState *st, const char *arg, char **err)
{
    return log_set_file(arg, err);
}

static int opt_version(OptState *st, const char *arg, char **err);
static int opt_help(OptState *st, const char *arg, char **err);

static const OptionDef options[] = {
    { "m", "SIZE", opt_m, "guest RAM (MiB unless a K/M/G suffix is given; default 128M)" },
    { "smp", "1", opt_smp, "number of vCPUs (only 1 so far)" },
    { "machine", "TYPE[,kernel-irqchip=on|off]", opt_machine, "machine type (pc) and its properties" },
    { "M", "TYPE", opt_machine, "same as -machine" },
    { "accel", "kvm|tcg[,backend=native|interp]", opt_accel, "accelerator that runs the guest (default kvm)" },
    { "enable-kvm", NULL, opt_enable_kvm, "same as -accel kvm" },
    { "cpu", "MODEL", opt_cpu, "CPU model (default mimic64; -cpu help lists them)" },
    { "kernel", "FILE", opt_kernel, "boot a Linux bzImage or a Multiboot ELF directly" },
    { "initrd", "FILE", opt_initrd, "initial ramdisk (Linux) or module (Multiboot)" },
    { "append", "CMDLINE", opt_append, "kernel command line" },
    { "bios", "FILE", opt_bios, "firmware image for BIOS boot (default /usr/share/seabios/bios.bin; not with -kernel)" },
    { "hda", "FILE", opt_hda, "raw disk image as IDE primary master (hdb, hdc, hdd: the others)" },
    { "hdb", "FILE", opt_hdb, "raw disk image as IDE primary slave" },
    { "hdc", "FILE", opt_hdc, "raw disk image as IDE secondary master" },
    { "hdd", "FILE", opt_hdd, "raw disk image as IDE secondary slave" },
    { "cdrom", "FILE", opt_cdrom, "CD/DVD image (ISO) as IDE secondary master" },
    { "drive", "file=F[,if=ide,format=raw,index=N|bus=B,unit=U,media=disk|cdrom,readonly=on|off]", opt_drive,
      "add a drive (only if=ide and format=raw so far)" },
    { "boot", "[order=]DRIVES[,menu=on|off]", opt_boot,
      "BIOS boot order: c hard disk, d CD-ROM, a floppy, n network (default cad)" },
    { "nographic", NULL, opt_nographic, "no display; serial port and Ctrl-A escapes on stdio" },
    { "vga", "std|none", opt_vga, "display adapter (default std when booting a BIOS)" },
    { "monitor", "DEV", opt_monitor, "human monitor on a character device (as -serial takes them)" },
    { "display", "none", opt_display, "display backend (only none so far)" },
    { "serial", "DEV", opt_serial, "next serial port: stdio, file:PATH, null, pty, unix:PATH,server, mon:stdio, none" },
    { "debugcon", "DEV", opt_debugcon, "debug console on port 0xE9 to a character device" },
    { "global", "isa-debugcon.iobase=PORT", opt_global,
      "move -debugcon's port (0x402: SeaBIOS's debug log)" },
    { "device", "NAME[,PROP=VAL...]", opt_device, "add a device (-device help lists them)" },
    { "no-reboot", NULL, opt_no_reboot, "exit instead of resetting when the guest reboots" },
    { "name", "NAME", opt_name, "name of the VM" },
    { "d", "ITEM[,...]", opt_d, "debug log: in_asm, op, exec, int, cpu, unimp (-d help lists them)" },
    { "D", "FILE", opt_D, "write the debug log to FILE instead of stderr" },
    { "version", NULL, opt_version, "print the version and exit" },
    { "help", NULL, opt_help, "print this help and exit" },
    { "h", NULL, opt_help, "same as -help" },
};

static int opt_version(OptState *st, const char *arg, char **err)
{
    printf("mimic version %s\n", MIMIC_VERSION);
    st->help_printed = true;
    return 0;
}

static int opt_help(OptState *st, const char *arg, char **err)
{
    printf("usage: mimic [options]\n\nOptions:\n");
    for (size_t i = 0; i < G_N_ELEMENTS(options); i++) {
        char *left = g_strdup_printf("-%s%s%s", options[i].name, options[i].arg ? " " : "",
                                     options[i].arg ? options[i].arg : "");
        printf("  %-34s %s\n", left, options[i].help);
        g_free(left);
    }
    printf("\nDuring -nographic: Ctrl-A h lists the console escapes, Ctrl-A x quits.\n");
    st->help_printed = true;
    return 0;
}

static const OptionDef *option_find(const char *name)
{
    for (size_t i = 0; i < G_N_ELEMENTS(options); i++) {
        if (!strcmp(options[i].name, name)) {
            return &options[i];
        }
    }
    return NULL;
}

int options_parse(int argc, char **argv, MachineConfig *cfg, char **err)
{
    memset(cfg, 0, sizeof(*cfg));
    cfg->machine_type = "pc";
    cfg->ram_size = RAM_DEFAULT;
    cfg->accel = "kvm";
    cfg->kernel_irqchip = true;
    cfg->cpu_model = cpu_model_default()->name;
    cfg->serials = g_ptr_array_new_with_free_func(g_free);
    cfg->devices = g_ptr_array_new_with_free_func(g_free);
    cfg->monitors = g_ptr_array_new_with_free_func(g_free);
    cfg->drives = g_ptr_array_new_with_free_func(drive_config_free);
    cfg->boot_menu = BOOT_MENU_DEFAULT;
    OptState st = { .cfg = cfg };

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (a[0] != '-' || !a[1]) {
            *err = g_strdup_printf("%s: not an option (give disk images with -hda, -cdrom or -drive)", a);
            return -1;
        }
        const char *name = a + (a[1] == '-' ? 2 : 1);
        const OptionDef *o = option_find(name);
        if (!o) {
            *err = g_strdup_printf("-%s: unknown option (try -help)", name);
            return -1;
        }
        const char *arg = NULL;
        if (o->arg) {
            if (i + 1 >= argc) {
                *err = g_strdup_printf("-%s: needs an argument (%s)", name, o->arg);
                return -1;
            }
            arg = argv[++i];
        }
        if (o->handler(&st, arg, err) < 0) {
            return -1;
        }
    }
    if (st.help_printed) {
        return OPTIONS_EXIT;
    }
    if (cfg->nographic && !st.serial_given) {
        g_ptr_array_add(cfg->serials, g_strdup("mon:stdio"));
    }
    return OPTIONS_RUN;
}

void options_free(MachineConfig *cfg)
{
    if (cfg->serials) {
        g_ptr_array_free(cfg->serials, TRUE);
    }
    if (cfg->devices) {
        g_ptr_array_free(cfg->devices, TRUE);
    }
    if (cfg->monitors) {
        g_ptr_array_free(cfg->monitors, TRUE);
    }
    if (cfg->drives) {
        g_ptr_array_free(cfg->drives, TRUE);
    }
}
