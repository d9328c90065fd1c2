/*
 * The runtime of mimic's guest tests: tiny freestanding programs that boot as
 * Multiboot 1 ELF32 kernels (Multiboot Specification 0.6.96, section 3.2:
 * protected mode, flat segments, paging and interrupts off), talk over COM1
 * and leave through the isa-debug-exit device. See tests/guest/README.md.
 *
 * A test defines test_main(); the runtime has already set up its GDT and
 * IDT, COM1 and the PIC pair (remapped to vectors 0x20-0x2f, all masked
 * but the cascade)
 * when it runs. Results are printed with check()/check_eq(); after
 * test_main returns the runtime prints PASS or FAIL and exits.
 */
#ifndef GUEST_H
#define GUEST_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- port and memory access ---- */

static inline void outb(uint16_t port, uint8_t v)
{
    __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}
static inline void outw(uint16_t port, uint16_t v)
{
    __asm__ volatile("outw %0, %1" : : "a"(v), "Nd"(port));
}
static inline void outl(uint16_t port, uint32_t v)
{
    __asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}
static inline uint8_t inb(uint16_t port)
{
    uint8_t v;
    __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}
static inline uint16_t inw(uint16_t port)
{
    uint16_t v;
    __asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}
static inline uint32_t inl(uint16_t port)
{
    uint32_t v;
    __asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

/* Physical memory: paging is off and the segments are flat. */
static inline uint32_t mmio_read32(uint32_t addr)
{
    return *(volatile uint32_t *)(uintptr_t)addr;
}
static inline void mmio_write32(uint32_t addr, uint32_t v)
{
    *(volatile uint32_t *)(uintptr_t)addr = v;
}

static inline void cli(void)
{
    __asm__ volatile("cli" ::: "memory");
}
static inline void sti(void)
{
    __asm__ volatile("sti" ::: "memory");
}
static inline void cpu_pause(void)
{
    __asm__ volatile("pause" ::: "memory");
}
static inline uint32_t read_eflags(void)
{
    uint32_t v;
    __asm__ volatile("pushfl; popl %0" : "=r"(v));
    return v;
}

/* ---- console (COM1, polled) ---- */

int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vprintf(const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
void console_putc(char c);
/* While held, output collects in memory instead of going to COM1 (for tests
 * that take COM1 itself apart); release writes it out. */
void console_hold(void);
void console_release(void);
void serial_init(void);

/* ---- results and exit ---- */

/* Print "ok   - <what>" or "FAIL - <what>" and count failures. */
bool check(bool ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Print "ok   - <what> = <got>" or "FAIL - <what> = <got>, expected <want>"
 * (values in hex). */
bool check_eq(uint32_t got, uint32_t want, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
extern int test_failures;

/* isa-debug-exit: mimic (and QEMU) exit with status (code << 1) | 1. */
__attribute__((noreturn)) void exit_test(int code);
/* Print PASS (no failures) or FAIL and exit: exit_test(0) or exit_test(1). */
__attribute__((noreturn)) void test_finish(void);

/* Print the line the runner cuts the firmware's chatter after, and let
 * COM1 drain, before a test resets the machine on purpose. */
void reset_announce(void);

/* Defined by each test; returning ends the test through test_finish(). */
void test_main(void);

/* ---- Multiboot information (Multiboot 0.6.96, section 3.3) ---- */

#define MULTIBOOT_LOADER_MAGIC 0x2badb002u
#define MB_INFO_MEMORY (1u << 0)

struct multiboot_info {
    uint32_t flags;
    uint32_t mem_lower; /* KiB below 1 MiB */
    uint32_t mem_upper; /* KiB from 1 MiB to the first hole */
    uint32_t boot_device;
    uint32_t cmdline;
};
extern const struct multiboot_info *mb_info;

/* ---- interrupts ---- */

/* What the vector stubs push, lowest address first. */
struct irq_frame {
    uint32_t gs, fs, es, ds;
    uint32_t edi, esi, ebp, esp0, ebx, edx, ecx, eax;
    uint32_t vector, error;
    uint32_t eip, cs, eflags;
};
typedef void (*irq_handler)(struct irq_frame *f);

/* Every interrupt and exception the CPU took, by vector. */
extern volatile uint32_t int_count[256];
/* Vectors with no handler: exceptions end the test with FAIL; a PIC vector
 * is counted and, if its ISR bit is set, acknowledged. */
void set_handler(int vector, irq_handler fn);

/* 8259A pair (Intel 8259A datasheet: ICW1-4, OCW1-3). */
#define PIC1_CMD 0x20
#define PIC1_DATA 0x21
#define PIC2_CMD 0xa0
#define PIC2_DATA 0xa1
#define PIC_VECTOR_BASE 0x20
#define PIC_OCW3_READ_IRR 0x0a
#define PIC_OCW3_READ_ISR 0x0b
#define PIC_OCW3_POLL 0x0c
#define PIC_OCW2_EOI 0x20
#define PIC_OCW2_SPECIFIC_EOI 0x60
#define IRQ_VECTOR(irq) (PIC_VECTOR_BASE + (irq))

/* ICW1-4: master at 0x20, slave at 0x28, cascade on IRQ2, all inputs masked
 * except the cascade. */
void pic_init(void);
void pic_mask(int irq);
void pic_unmask(int irq);
/* Non-specific EOI, to the slave and the master for IRQ8-15. */
void pic_eoi(int irq);
/* IRR / ISR / IMR of both chips: bits 0-7 master, 8-15 slave. */
uint16_t pic_irr(void);
uint16_t pic_isr(void);
uint16_t pic_imr(void);

/* ---- time ---- */

#define PIT_HZ 1193182u
/* PIT channel 0 in mode 2 at hz, counting pit_ticks on IRQ0. */
void pit_tick_start(unsigned hz);
void pit_tick_stop(void);
extern volatile uint32_t pit_ticks;

/* sti; hlt; cli until *counter reaches target. The timeout counts PIT ticks
 * while pit_tick_start() runs, otherwise wake-ups from HLT. A wait for an
 * interrupt that never comes, with nothing else to wake the CPU, hangs: the
 * runner's timeout ends it. True if the counter got there. */
bool wait_irq(volatile uint32_t *counter, uint32_t target, uint32_t timeout);
/* Spin with interrupts on, up to iterations times, until *counter reaches
 * target: for interrupts that are due at once. Hardware takes them right
 * after STI's shadow; a virtual CPU may take them only at its next exit
 * (kvm_pvm emulates CPL 0 in batches of instructions), so the window stays
 * open for the whole spin instead of one instruction. */
bool poll_irq(volatile uint32_t *counter, uint32_t target, uint32_t iterations);
/* Sleep for n PIT ticks (needs pit_tick_start). */
void delay_ticks(uint32_t n);

/* ---- CMOS / RTC (MC146818A at 0x70/0x71) ---- */

uint8_t cmos_read(uint8_t index);
void cmos_write(uint8_t index, uint8_t value);

#endif
