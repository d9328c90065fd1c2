/* mimic-test: poweroff */
/*
 * -no-reboot: a platform reset (here the PIIX reset control register at
 * 0xcf9, Intel 82371AB datasheet: SRST then RCPU 0 -> 1) must end the
 * emulator with exit status 0 instead of restarting the machine. The
 * runner starts every test that does not ask for reboots with -no-reboot.
 */
#include "guest.h"

#define RCR 0xcf9
#define RCR_SRST 0x02
#define RCR_RCPU 0x04

void test_main(void)
{
    if (test_failures) {
        return;
    }
    printf("POWEROFF\n");
    outb(RCR, RCR_SRST);
    outb(RCR, RCR_SRST | RCR_RCPU);
    for (int i = 0; i < 200000; i++) {
        cpu_pause();
    }
    check(false, "still running after a reset with -no-reboot");
}
