/* mimic-test: */
/*
 * Accesses nothing decodes. On a PC an I/O read that no device claims
 * floats the data bus high, and a memory read the host bridge forwards to
 * PCI ends in master abort, which returns all ones (PCI Local Bus
 * Specification 3.0, section 3.3.3.1); writes there are dropped. The machine
 * must carry on either way.
 *
 * The ports and addresses are free on mimic's pc and on QEMU's (whose VGA,
 * PCI BARs and firmware sit elsewhere): ports below 0x100 are all taken on
 * one machine or the other, and PCI I/O BARs start at 0xc000.
 */
#include "guest.h"

static const uint16_t ports[] = { 0x0100, 0x02a0, 0x5000, 0x7ffc };

/* Volatile so the compiler keeps the round trip through RAM. */
static volatile uint32_t ram_probe;

static void check_ports(const char *when)
{
    for (unsigned i = 0; i < sizeof(ports) / sizeof(ports[0]); i++) {
        uint16_t p = ports[i];
        check_eq(inb(p), 0xff, "%s inb(0x%04x)", when, p);
        check_eq(inw(p), 0xffff, "%s inw(0x%04x)", when, p);
        check_eq(inl(p), 0xffffffffu, "%s inl(0x%04x)", when, p);
    }
    /* a word that straddles two free ports */
    check_eq(inw(0x02a1), 0xffff, "%s inw(0x02a1), unaligned", when);
}

static void check_memory(uint32_t addr, const char *what)
{
    volatile uint8_t *b = (volatile uint8_t *)(uintptr_t)addr;
    volatile uint16_t *w = (volatile uint16_t *)(uintptr_t)addr;
    check_eq(b[1], 0xff, "%s: 8-bit read", what);
    check_eq(w[1], 0xffff, "%s: 16-bit read", what);
    check_eq(mmio_read32(addr), 0xffffffffu, "%s: 32-bit read", what);
    mmio_write32(addr, 0x12345678);
    b[5] = 0;
    check_eq(mmio_read32(addr), 0xffffffffu, "%s: 32-bit read after a write", what);
    check_eq(mmio_read32(addr + 4), 0xffffffffu, "%s: next dword after a byte write", what);
}

void test_main(void)
{
    check_ports("unassigned port");
    for (unsigned i = 0; i < sizeof(ports) / sizeof(ports[0]); i++) {
        outb(ports[i], 0x00);
        outw(ports[i], 0x0000);
        outl(ports[i], 0x00000000);
    }
    check_ports("after writes,");

    if (!check(mb_info->flags & MB_INFO_MEMORY, "multiboot info has the memory fields")) {
        return;
    }
    /* mem_upper is the RAM from 1 MiB up; 16 MiB past its end is a hole on
     * every machine size the runner uses. */
    uint32_t ram_end = (mb_info->mem_upper + 1024) << 10;
    check(ram_end >= (32u << 20), "at least 32 MiB of RAM reported");
    check_memory(ram_end + (16u << 20), "RAM end + 16 MiB");
    check_memory(0xe0000000u, "0xe0000000");

    ram_probe = 0xa5a5a5a5;
    check_eq(ram_probe, 0xa5a5a5a5, "RAM still answers");
    check_eq(int_count[13] + int_count[14], 0, "no #GP or #PF on the way");
}
