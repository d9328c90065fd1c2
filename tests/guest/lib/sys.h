/*
 * Helpers of the system-architecture guest tests (sys-*.c): segment
 * descriptors (Intel SDM vol. 3A, 3.4.5), control registers and MSRs
 * (2.5, 2.2.1), CPUID, catching a fault at CPL 0 in 32-bit protected mode
 * through the runtime's IDT, and telling KVM apart from the translator.
 *
 * Header only: each sys test is one file plus the runtime.
 */
#ifndef SYS_H
#define SYS_H

#include "guest.h"

#define XSTR(x) STR_(x)
#define STR_(x) #x

/* ---- descriptors ---- */

/* Access byte (bits 40-47) and flags nibble (52-55) of a segment
 * descriptor (SDM vol. 3A, figure 3-8). */
#define DESC_A 0x01        /* accessed */
#define DESC_RW 0x02       /* data: writable; code: readable */
#define DESC_DC 0x04       /* data: expand-down; code: conforming */
#define DESC_CODE 0x08
#define DESC_S 0x10        /* code or data, not system */
#define DESC_DPL(n) ((n) << 5)
#define DESC_P 0x80
#define DESC_L 0x2         /* flags: 64-bit code */
#define DESC_DB 0x4        /* flags: 32-bit code / big stack */
#define DESC_G 0x8         /* flags: limit in 4 KiB units */

#define ACC_CODE (DESC_P | DESC_S | DESC_CODE | DESC_RW)
#define ACC_DATA (DESC_P | DESC_S | DESC_RW)

static inline uint64_t seg_desc(uint32_t base, uint32_t limit, uint8_t access, uint8_t flags)
{
    return (uint64_t)(limit & 0xffff) | (uint64_t)(base & 0xffffff) << 16 |
           (uint64_t)access << 40 | (uint64_t)((limit >> 16) & 0xf) << 48 |
           (uint64_t)(flags & 0xf) << 52 | (uint64_t)(base >> 24) << 56;
}

/* What LAR returns for a descriptor: its second dword masked with
 * 0x00f0ff00 (SDM vol. 2A, LAR). */
static inline uint32_t lar_of(uint64_t desc)
{
    return (uint32_t)(desc >> 32) & 0x00f0ff00u;
}

struct dtr32 {
    uint16_t limit;
    uint32_t base;
} __attribute__((packed));

static inline void lgdt_at(const void *base, uint32_t size)
{
    struct dtr32 d = { (uint16_t)(size - 1), (uint32_t)(uintptr_t)base };
    __asm__ volatile("lgdt %0" : : "m"(d) : "memory");
}

static inline void lidt_at(const void *base, uint32_t size)
{
    struct dtr32 d = { (uint16_t)(size - 1), (uint32_t)(uintptr_t)base };
    __asm__ volatile("lidt %0" : : "m"(d) : "memory");
}

static inline struct dtr32 sidt_get(void)
{
    struct dtr32 d;
    __asm__ volatile("sidt %0" : "=m"(d));
    return d;
}

static inline struct dtr32 sgdt_get(void)
{
    struct dtr32 d;
    __asm__ volatile("sgdt %0" : "=m"(d));
    return d;
}

static inline void dtr_load_idt(struct dtr32 d)
{
    __asm__ volatile("lidt %0" : : "m"(d) : "memory");
}

static inline void dtr_load_gdt(struct dtr32 d)
{
    __asm__ volatile("lgdt %0" : : "m"(d) : "memory");
}

/* ---- control registers, MSRs, CPUID ---- */

#define CR0_PE (1u << 0)
#define CR0_MP (1u << 1)
#define CR0_EM (1u << 2)
#define CR0_TS (1u << 3)
#define CR0_NE (1u << 5)
#define CR0_WP (1u << 16)
#define CR0_AM (1u << 18)
#define CR0_PG (1u << 31)
#define CR4_PSE (1u << 4)
#define CR4_PAE (1u << 5)
#define CR4_PGE (1u << 7)
#define CR4_OSFXSR (1u << 9)
#define CR4_OSXMMEXCPT (1u << 10)

#define MSR_APIC_BASE 0x1b
#define MSR_SYSENTER_CS 0x174
#define MSR_SYSENTER_ESP 0x175
#define MSR_SYSENTER_EIP 0x176
#define MSR_EFER 0xc0000080u
#define MSR_STAR 0xc0000081u
#define MSR_LSTAR 0xc0000082u
#define MSR_CSTAR 0xc0000083u
#define MSR_FMASK 0xc0000084u
#define MSR_FS_BASE 0xc0000100u
#define MSR_GS_BASE 0xc0000101u
#define MSR_KERNEL_GS_BASE 0xc0000102u
#define MSR_TSC_AUX 0xc0000103u
#define EFER_SCE (1u << 0)
#define EFER_LME (1u << 8)
#define EFER_LMA (1u << 10)
#define EFER_NXE (1u << 11)

#define DEFINE_CR(n)                                                                               \
    static inline uint32_t read_cr##n(void)                                                        \
    {                                                                                              \
        uint32_t v;                                                                                \
        __asm__ volatile("mov %%cr" #n ", %0" : "=r"(v));                                          \
        return v;                                                                                  \
    }                                                                                              \
    static inline void write_cr##n(uint32_t v)                                                     \
    {                                                                                              \
        __asm__ volatile("mov %0, %%cr" #n : : "r"(v) : "memory");                                 \
    }
DEFINE_CR(0)
DEFINE_CR(2)
DEFINE_CR(3)
DEFINE_CR(4)
#undef DEFINE_CR

static inline uint64_t rdmsr(uint32_t msr)
{
    uint32_t lo, hi;
    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return (uint64_t)hi << 32 | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t v)
{
    __asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)) : "memory");
}

struct cpuid_regs {
    uint32_t eax, ebx, ecx, edx;
};

static inline struct cpuid_regs cpuid(uint32_t leaf, uint32_t sub)
{
    struct cpuid_regs r;
    __asm__ volatile("cpuid"
                     : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx)
                     : "a"(leaf), "c"(sub));
    return r;
}

/* Low memory seen through a pointer the compiler cannot prove null-ish
 * (addresses below 4 KiB are real RAM here). */
static inline volatile void *phys(uint32_t addr)
{
    volatile void *p = (volatile void *)(uintptr_t)addr;
    __asm__("" : "+r"(p));
    return p;
}

/* ---- catching a fault at CPL 0 (32-bit protected mode, runtime IDT) ---- */

/* The last fault caught by TRY: vector (-1: none), error code, EIP. */
struct fault {
    int vector;
    uint32_t error;
    uint32_t eip;
};
extern volatile struct fault sys_fault;
/* Where the handler resumes; 0 when no TRY is running. */
extern volatile uint32_t sys_resume;

/*
 * TRY("asm text", : outputs : inputs : "memory", ...): run the instructions with
 * sys_resume pointing past them; an exception (vectors 0-31, see
 * sys_catch_init) is recorded in sys_fault and execution continues after
 * the text with the registers as the faulting instruction left them.
 */
#define TRY(text, ...)                                                                             \
    __asm__ volatile("movl $.Lsys_resume%=, sys_resume\n\t" text "\n.Lsys_resume%=:\n\t"           \
                     "movl $0, sys_resume" __VA_ARGS__)

/* Define sys_fault/sys_resume and the handler in exactly one file. */
#define SYS_CATCH_DEFINE                                                                           \
    volatile struct fault sys_fault = { -1, 0, 0 };                                                \
    volatile uint32_t sys_resume;                                                                  \
    static void sys_catch_handler(struct irq_frame *f)                                             \
    {                                                                                              \
        if (!sys_resume) {                                                                         \
            test_failures++;                                                                       \
            printf("FAIL - unexpected exception %u at eip 0x%08x, error code 0x%x\n",             \
                   (unsigned)f->vector, (unsigned)f->eip, (unsigned)f->error);                     \
            test_finish();                                                                         \
        }                                                                                          \
        sys_fault.vector = (int)f->vector;                                                         \
        sys_fault.error = f->error;                                                                \
        sys_fault.eip = f->eip;                                                                    \
        f->eip = sys_resume;                                                                       \
    }                                                                                              \
    static void sys_catch_init(void)                                                               \
    {                                                                                              \
        for (int v = 0; v < 32; v++) {                                                             \
            set_handler(v, sys_catch_handler);                                                     \
        }                                                                                          \
    }

static inline void fault_clear(void)
{
    sys_fault.vector = -1;
    sys_fault.error = 0;
    sys_fault.eip = 0;
}

/* ---- KVM ---- */

/*
 * True under KVM: its paravirtual clock MSR (MSR_KVM_SYSTEM_TIME_NEW,
 * Linux Documentation/virt/kvm/x86/msr.rst) keeps what is written to it
 * (bit 0 clear: the clock stays off); mimic's translator and real CPUs
 * raise #GP, and QEMU's TCG reads 0 from MSRs it does not know. On the
 * kvm_pvm hosts these tests run
 * on, KVM runs guest CPL 0 in its instruction emulator, which cannot run
 * some instructions at all (LAR, 32-bit IRET, INT n, x87, ...: it stops
 * the VM with an internal error). The tests do not run those under KVM
 * and report the check as failed instead; known-deviations.txt lists each
 * such check for the kvm configurations, so tcg must still pass it.
 */
#define MSR_KVM_SYSTEM_TIME_NEW 0x4b564d01u
static inline bool on_kvm(void)
{
    const uint32_t probe = 0x1000; /* a guest-physical address, clock disabled */
    uint32_t lo = probe, hi = 0;
    fault_clear();
    TRY("wrmsr\n rdmsr", : "+a"(lo), "+d"(hi) : "c"(MSR_KVM_SYSTEM_TIME_NEW) : "memory");
    if (sys_fault.vector >= 0) {
        return false;
    }
    TRY("wrmsr", : : "c"(MSR_KVM_SYSTEM_TIME_NEW), "a"(0), "d"(0) : "memory");
    return lo == probe && hi == 0;
}

#endif
