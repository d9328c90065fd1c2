/* mimic-test: */
/*
 * System control port B (port 0x61) and PIT channel 2 behind it: bit 0
 * gates channel 2, bit 1 enables the speaker data, bits 2-3 are the NMI
 * source enables, bit 4 toggles with every refresh request (~15 us),
 * bit 5 is channel 2's OUT, bits 6-7 report NMI sources (Intel 82371AB
 * PIIX4 datasheet, NMI Status and Control Register). Channel 2 runs in
 * mode 0 as Linux's PIT TSC calibration drives it (Intel 8254 datasheet:
 * OUT low after the count is written, high at terminal count, GATE low
 * suspends counting), with a 1 ms count so it is over quickly even on a
 * slow CPU.
 */
#include "guest.h"

#define PORT61 0x61
#define PORT61_GATE2 0x01
#define PORT61_SPKR 0x02
#define PORT61_SERR_DIS 0x04
#define PORT61_IOCHK_DIS 0x08
#define PORT61_REFRESH 0x10
#define PORT61_OUT2 0x20
#define PORT61_NMI_SOURCES 0xc0

#define PIT_CH2 0x42
#define PIT_MODE 0x43
#define PIT_CH2_MODE0 0xb0            /* channel 2, lobyte/hibyte, mode 0, binary */
#define PIT_LATCH_CH2 0x80
#define PIT_READBACK_STATUS_CH2 0xe8
#define CAL_COUNT 1193                /* 1 ms */
#define GATED_COUNT 0x1000

static void ch2_program(uint16_t count)
{
    outb(PIT_MODE, PIT_CH2_MODE0);
    outb(PIT_CH2, count & 0xff);
    outb(PIT_CH2, count >> 8);
}

static uint16_t ch2_latch(void)
{
    outb(PIT_MODE, PIT_LATCH_CH2);
    uint16_t v = inb(PIT_CH2);
    return v | (inb(PIT_CH2) << 8);
}

static void test_bits(void)
{
    check_eq(inb(PORT61) & PORT61_NMI_SOURCES, 0, "no NMI source reported (bits 6-7)");
    outb(PORT61, PORT61_SERR_DIS | PORT61_IOCHK_DIS);
    check_eq(inb(PORT61) & 0x0f, PORT61_SERR_DIS | PORT61_IOCHK_DIS, "bits 2-3 read back as written");
    outb(PORT61, PORT61_SPKR);
    check_eq(inb(PORT61) & 0x0f, PORT61_SPKR, "bit 1 reads back as written");
    outb(PORT61, 0);
    check_eq(inb(PORT61) & 0x0f, 0, "bits 0-3 read back as 0 after writing 0");
}

static void test_gate_low(void)
{
    outb(PORT61, 0);
    ch2_program(GATED_COUNT);
    check_eq(inb(PORT61) & PORT61_OUT2, 0, "mode 0 with gate low: OUT2 low after the count is written");
    uint16_t c1 = ch2_latch();
    for (int i = 0; i < 2000; i++) {
        inb(PORT61);
    }
    uint16_t c2 = ch2_latch();
    check_eq(c1, GATED_COUNT, "mode 0 with gate low: count loaded, not counting");
    check_eq(c2, GATED_COUNT, "mode 0 with gate low: count still held later");
}

/* Linux's pit_calibrate_tsc(): gate high and speaker off, then program the
 * count and poll bit 5 until OUT2 rises at terminal count. OUT2 is first
 * seen low under a long count, so that a virtual CPU that stalls for a few
 * milliseconds cannot miss it; rewriting the control word and a 1 ms count
 * then starts over (OUT low again, counting from the new count). */
static void test_calibration(void)
{
    outb(PORT61, (inb(PORT61) & ~PORT61_SPKR) | PORT61_GATE2);
    ch2_program(0xffff);
    uint8_t out_low = inb(PORT61) & PORT61_OUT2;
    ch2_program(CAL_COUNT);
    bool rose = false;
    for (uint32_t i = 0; i < 1000000; i++) {
        if (inb(PORT61) & PORT61_OUT2) {
            rose = true;
            break;
        }
    }
    uint16_t wrapped = ch2_latch();
    /* the count reads 0 for the one input clock (838 ns) after terminal
     * count: a fast enough poll latches it then */
    for (int i = 0; i < 100000 && wrapped == 0; i++) {
        wrapped = ch2_latch();
    }
    outb(PIT_MODE, PIT_READBACK_STATUS_CH2);
    uint8_t status = inb(PIT_CH2);
    check_eq(out_low, 0, "mode 0, gate high: OUT2 low while counting");
    check(rose, "OUT2 (bit 5) rose at terminal count");
    /* mode 0 does not reload: the count goes on from 0xffff, so it reads
     * above the initial count until 54 ms after terminal count */
    check(wrapped > CAL_COUNT, "counter went on from 0xffff after terminal count");
    check_eq(status, 0xb0, "ch2 read-back status: OUT high, lobyte/hibyte, mode 0, binary");

    outb(PORT61, inb(PORT61) & ~PORT61_GATE2);
    check_eq(inb(PORT61) & PORT61_OUT2, PORT61_OUT2, "OUT2 stays high when the gate drops");
}

static void test_refresh(void)
{
    uint8_t first = inb(PORT61) & PORT61_REFRESH;
    bool toggled = false;
    for (int i = 0; i < 10000 && !toggled; i++) {
        toggled = (inb(PORT61) & PORT61_REFRESH) != first;
    }
    check(toggled, "refresh bit 4 toggles");
}

void test_main(void)
{
    uint8_t saved = inb(PORT61) & 0x0f;
    test_bits();
    test_gate_low();
    test_calibration();
    test_refresh();
    outb(PORT61, saved);
}
