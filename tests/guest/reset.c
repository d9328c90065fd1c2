/* mimic-test: reboot */
/*
 * Platform resets: the reset control register at 0xcf9 (Intel 82371AB PIIX4
 * datasheet, RC register: SRST bit 1 chooses a full reset, RCPU bit 2 going
 * from 0 to 1 starts it) and the keyboard controller's pulse of its output
 * port bit 0 (8042 command 0xfe). CMOS RAM is battery-backed and lives
 * through both, so a marker byte there tells each boot how far the test
 * got. The runner starts this test without -no-reboot.
 */
#include "guest.h"

#define MARKER 0x3e /* a CMOS byte no firmware of mimic's or QEMU's uses */
#define MARK_CF9 0xa1
#define MARK_8042 0xa2

#define RCR 0xcf9
#define RCR_SRST 0x02
#define RCR_RCPU 0x04
#define KBC_STATUS 0x64
#define KBC_CMD 0x64
#define KBC_STATUS_IBF 0x02
#define KBC_CMD_PULSE_RESET 0xfe

/* The reset should take the CPU away at once; if it does not, say so
 * instead of leaving the runner to time out. */
static void after_reset(const char *how)
{
    for (uint32_t i = 0; i < 500000; i++) {
        cpu_pause();
    }
    check(false, "the machine is still running after the %s reset", how);
    cmos_write(MARKER, 0);
}

void test_main(void)
{
    uint8_t marker = cmos_read(MARKER);
    if (marker == MARK_CF9) {
        printf("came back after reset (0xcf9)\n");
        cmos_write(MARKER, MARK_8042);
        check_eq(cmos_read(MARKER), MARK_8042, "CMOS marker for the 8042 reset");
        printf("resetting through the 8042 (command 0xfe)\n");
        reset_announce();
        for (int i = 0; i < 100000 && (inb(KBC_STATUS) & KBC_STATUS_IBF); i++) {
            cpu_pause();
        }
        outb(KBC_CMD, KBC_CMD_PULSE_RESET);
        after_reset("8042");
    } else if (marker == MARK_8042) {
        printf("came back after reset (8042)\n");
        cmos_write(MARKER, 0);
        check_eq(cmos_read(MARKER), 0, "CMOS marker cleared");
    } else {
        check_eq(marker, 0, "CMOS marker byte 0x%x on the first boot", MARKER);
        cmos_write(MARKER, MARK_CF9);
        check_eq(cmos_read(MARKER), MARK_CF9, "CMOS marker for the 0xcf9 reset");
        printf("resetting through port 0xcf9 (0x02, then 0x06)\n");
        reset_announce();
        outb(RCR, RCR_SRST);
        outb(RCR, RCR_SRST | RCR_RCPU);
        after_reset("0xcf9");
    }
}
