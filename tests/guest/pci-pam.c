/* mimic-test: */
/*
 * PCI configuration mechanism #1 (PCI 3.0 §3.2.2.3.2) and the i440FX's PAM
 * shadowing (82441FX datasheet §3.2.18) as firmware drives them: the host
 * bridge (00.0, 8086:1237) and the PIIX3 (01.0, 8086:7000, multi-function
 * ISA bridge), its PIRQ route registers, and one 16 KiB shadow segment
 * (0xE4000-0xE7FFF, PAM5 bits 5:4) taken through every read/write mode:
 * RAM, write-protected RAM (writes dropped), write-only (reads from the bus)
 * and off. Code placed there must run from whatever the segment shows now
 * (the accelerator must not keep running a stale copy across a map change).
 *
 * The segment is saved and restored, and PAM5 put back, so QEMU's SeaBIOS
 * (whose ROM answers there) is left as it was. What the bus shows in that
 * segment differs between machines (ROM or nothing), so only "not the RAM
 * value" is checked for it.
 */
#include "guest.h"

#define SEG 0xe4000u
#define PAM5 0x5e
#define SAVE 64

static uint32_t cfg_read32(int devfn, unsigned reg)
{
    outl(0xcf8, 0x80000000u | (uint32_t)devfn << 8 | (reg & 0xfc));
    return inl(0xcfc);
}

static uint8_t cfg_read8(int devfn, unsigned reg)
{
    outl(0xcf8, 0x80000000u | (uint32_t)devfn << 8 | (reg & 0xfc));
    return inb(0xcfc + (reg & 3));
}

static void cfg_write8(int devfn, unsigned reg, uint8_t v)
{
    outl(0xcf8, 0x80000000u | (uint32_t)devfn << 8 | (reg & 0xfc));
    outb(0xcfc + (reg & 3), v);
}

static void pam_set(uint8_t orig, unsigned mode)
{
    cfg_write8(0, PAM5, (uint8_t)((orig & 0x0f) | mode << 4));
}

/* mov eax, imm32; ret */
static void put_code(volatile uint8_t *p, uint32_t imm)
{
    p[0] = 0xb8;
    p[1] = imm;
    p[2] = imm >> 8;
    p[3] = imm >> 16;
    p[4] = imm >> 24;
    p[5] = 0xc3;
}

static uint32_t call_seg(void)
{
    uint32_t (*fn)(void) = (uint32_t (*)(void))(uintptr_t)SEG;
    return fn();
}

void test_main(void)
{
    /* the two bridges */
    outl(0xcf8, 0x80000804u);
    check_eq(inl(0xcf8), 0x80000804u, "CONFIG_ADDRESS reads back");
    check_eq(cfg_read32(0, 0), 0x12378086u, "00.0 vendor/device: i440FX");
    check_eq(cfg_read32(0, 8) >> 16, 0x0600, "00.0 class: host bridge");
    check_eq(cfg_read32(8, 0), 0x70008086u, "01.0 vendor/device: PIIX3");
    check_eq(cfg_read32(8, 8) >> 16, 0x0601, "01.0 class: ISA bridge");
    check_eq(cfg_read8(8, 0x0e) & 0x80, 0x80, "01.0 is multi-function");
    check_eq(cfg_read32(0x1f << 3, 0), 0xffffffffu, "nothing at slot 31");

    /* PIRQRC: bit 7 and bits 3:0 only */
    uint8_t pirq = cfg_read8(8, 0x63);
    cfg_write8(8, 0x63, 0xff);
    check_eq(cfg_read8(8, 0x63), 0x8f, "PIRQRCD keeps bits 7 and 3:0");
    cfg_write8(8, 0x63, pirq);

    volatile uint8_t *seg = (volatile uint8_t *)(uintptr_t)SEG;
    volatile uint32_t *w = (volatile uint32_t *)(uintptr_t)(SEG + 32);
    uint8_t orig = cfg_read8(0, PAM5);
    uint8_t saved[SAVE];

    /* RAM: read/write */
    pam_set(orig, 3);
    check_eq(cfg_read8(0, PAM5) >> 4, 3, "PAM5 high nibble reads back");
    for (int i = 0; i < SAVE; i++) {
        saved[i] = seg[i];
    }
    *w = 0x11111111;
    check_eq(*w, 0x11111111, "RE|WE: RAM takes writes");
    put_code(seg, 0xc0de0001);
    check_eq(call_seg(), 0xc0de0001, "RE|WE: code runs from RAM");

    /* write-protected RAM */
    pam_set(orig, 1);
    *w = 0x22222222;
    check_eq(*w, 0x11111111, "RE only: writes dropped");
    put_code(seg, 0xc0de0002);
    check_eq(call_seg(), 0xc0de0001, "RE only: the code is unchanged");

    /* write-only: reads go to the bus, writes to RAM */
    pam_set(orig, 2);
    *w = 0x33333333;
    check(*w != 0x33333333, "WE only: reads do not see the RAM");
    put_code(seg, 0xc0de0003);

    /* off: the bus both ways */
    pam_set(orig, 0);
    *w = 0x44444444;
    check(*w != 0x33333333 && *w != 0x44444444, "off: neither RAM nor the write");

    /* back to RAM: what the write-only phase wrote is there, code included */
    pam_set(orig, 3);
    check_eq(*w, 0x33333333, "RE|WE again: the write-only writes reached RAM");
    check_eq(call_seg(), 0xc0de0003, "RE|WE again: the new code runs");

    for (int i = 0; i < SAVE; i++) {
        seg[i] = saved[i];
    }
    cfg_write8(0, PAM5, orig);
    check_eq(cfg_read8(0, PAM5), orig, "PAM5 restored");
}
