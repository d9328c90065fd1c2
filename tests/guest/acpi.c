/* mimic-test: reboot poweroff */
/*
 * The ACPI paths a Linux guest takes to reboot and power off (ACPI 6.3
 * §5.2: RSDP → XSDT → FADT; §4.8.3.2 PM1 control; §5.2.9 the FADT reset
 * register; §7.4.2 \_S5 sleeping-state package): find the tables where the
 * OS scans for them, check their checksums, see SCI_EN set and the PM timer
 * counting, reset through the FADT's reset register, and on the second boot
 * read SLP_TYP for S5 from the DSDT and write it with SLP_EN. The machine
 * must then end with exit status 0. A CMOS byte carries the state over the
 * reset.
 */
#include "guest.h"

#define MARKER 0x3d /* a CMOS byte no firmware of mimic's or QEMU's uses */
#define MARK_RESET 0xa5

#define PM1_SCI_EN 0x0001
#define PM1_SLP_TYP_SHIFT 10
#define PM1_SLP_TYP_MASK (7u << PM1_SLP_TYP_SHIFT)
#define PM1_SLP_EN 0x2000

/* AML opcodes used to find Name(\_S5, Package(){...}) (ACPI §20.3) */
#define AML_NAME_OP 0x08
#define AML_PACKAGE_OP 0x12
#define AML_ZERO_OP 0x00
#define AML_ONE_OP 0x01
#define AML_BYTE_PREFIX 0x0a

static bool mem_eq(const uint8_t *p, const char *s, int n)
{
    for (int i = 0; i < n; i++) {
        if (p[i] != (uint8_t)s[i]) {
            return false;
        }
    }
    return true;
}

static uint8_t sum8(const uint8_t *p, uint32_t n)
{
    uint8_t s = 0;
    while (n--) {
        s += *p++;
    }
    return s;
}

static uint32_t rd32(const uint8_t *p)
{
    return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static const uint8_t *find_rsdp(void)
{
    /* the BIOS read-only area, on 16-byte boundaries (ACPI §5.2.5.1) */
    for (uint32_t a = 0xe0000; a < 0x100000; a += 16) {
        const uint8_t *p = (const uint8_t *)a;
        if (mem_eq(p, "RSD PTR ", 8) && sum8(p, 20) == 0) {
            return p;
        }
    }
    return NULL;
}

static bool table_ok(const uint8_t *t, const char *sig)
{
    return t && mem_eq(t, sig, 4) && sum8(t, rd32(t + 4)) == 0;
}

/* SLP_TYPa of \_S5 in the DSDT, or -1. The package's first element is a
 * ZeroOp, OneOp or BytePrefix constant. */
static int s5_slp_typ(const uint8_t *dsdt)
{
    uint32_t len = rd32(dsdt + 4);
    for (uint32_t i = 36; i + 11 < len; i++) {
        const uint8_t *p = dsdt + i;
        if (p[0] == AML_NAME_OP && mem_eq(p + 1, "\\_S5_", 5) && p[6] == AML_PACKAGE_OP) {
            const uint8_t *e = p + 9; /* after a one-byte PkgLength and NumElements */
            if (e[0] == AML_BYTE_PREFIX) {
                return e[1];
            }
            return e[0] == AML_ONE_OP ? 1 : e[0] == AML_ZERO_OP ? 0 : -1;
        }
    }
    return -1;
}

void test_main(void)
{
    const uint8_t *rsdp = find_rsdp();
    if (!check(rsdp != NULL, "RSDP in the BIOS area")) {
        return;
    }
    check(sum8(rsdp, 36) == 0, "RSDP extended checksum");
    const uint8_t *xsdt = (const uint8_t *)rd32(rsdp + 24);
    const uint8_t *fadt = xsdt ? (const uint8_t *)rd32(xsdt + 36) : NULL;
    if (!check(table_ok(xsdt, "XSDT"), "XSDT signature and checksum") ||
        !check(table_ok(fadt, "FACP"), "FADT signature and checksum")) {
        return;
    }
    uint16_t pm1a_cnt = rd32(fadt + 64);
    uint16_t pm_tmr = rd32(fadt + 76);
    uint16_t reset_port = rd32(fadt + 116 + 4); /* RESET_REG's address, I/O space */
    uint8_t reset_value = fadt[128];
    check_eq(inw(pm1a_cnt) & PM1_SCI_EN, PM1_SCI_EN, "SCI_EN set (no SMI handshake needed)");
    uint32_t t0 = inl(pm_tmr);
    for (int i = 0; i < 20000; i++) {
        cpu_pause();
    }
    check(inl(pm_tmr) != t0, "PM timer counts");

    if (cmos_read(MARKER) != MARK_RESET) {
        cmos_write(MARKER, MARK_RESET);
        printf("resetting through the FADT reset register\n");
        reset_announce();
        outb(reset_port, reset_value);
        for (int i = 0; i < 200000; i++) {
            cpu_pause();
        }
        check(false, "still running after the ACPI reset");
        return;
    }
    cmos_write(MARKER, 0);
    printf("came back after the ACPI reset\n");

    const uint8_t *dsdt = (const uint8_t *)rd32(fadt + 40);
    if (!check(table_ok(dsdt, "DSDT"), "DSDT signature and checksum")) {
        return;
    }
    int typ = s5_slp_typ(dsdt);
    if (!check(typ >= 0, "\\_S5 package in the DSDT") || test_failures) {
        return;
    }
    printf("POWEROFF\n");
    uint16_t v = inw(pm1a_cnt) & ~(PM1_SLP_TYP_MASK | PM1_SLP_EN);
    outw(pm1a_cnt, v | typ << PM1_SLP_TYP_SHIFT);
    outw(pm1a_cnt, v | typ << PM1_SLP_TYP_SHIFT | PM1_SLP_EN);
    for (int i = 0; i < 200000; i++) {
        cpu_pause();
    }
    check(false, "still running after S5");
}
