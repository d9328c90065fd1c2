/*
 * IA-32e mode for the sys-* guest tests (Intel SDM vol. 3A 9.8.5, 6.14,
 * 7.7): a GDT in Linux's layout (kvm_pvm runs user mode on the host's
 * descriptor table, so user selectors must be where Linux has them), a
 * 64-bit TSS, a 64-bit IDT whose handler records the whole frame, and
 *
 *   sl_long_enter(cr3) / sl_long_leave()  IA-32e on and off; C keeps running
 *                                         at CPL 0 in compatibility mode
 *   TRY (sys.h)                           works in compatibility mode too
 *   sl_user_run(cs, rip, rsp, rdi)        run code at CPL 3 (IRETQ) until it
 *                                         raises an exception; returns the
 *                                         vector, the frame in sl_frame
 *
 * The handler never IRETs to CPL 0 (kvm_pvm's instruction emulator, which
 * runs guest CPL 0, has no IRET there): it resumes with a far jump.
 *
 * Included by exactly one file of a test (it defines the tables and code).
 */
#ifndef SYS_LONG_H
#define SYS_LONG_H

#include "sys.h"

#define SL_K32_CS 0x08
#define SL_K_DS 0x10
#define SL_K64_CS 0x18
#define SL_U32_CS 0x23
#define SL_U_DS 0x2b
#define SL_U64_CS 0x33
#define SL_TSS 0x40
#define SL_GDT_ENTRIES 24   /* 0x50 and up: free for a test */

#define RFLAGS_IF 0x200u
#define RFLAGS_AC 0x40000u

/* What the last exception pushed, and where. */
struct sl_frame {
    uint64_t vector, error, rip, cs, rflags, rsp, ss;
    uint64_t frame_addr;     /* address of the pushed RIP: which stack */
    uint64_t handler_rflags; /* RFLAGS as the handler started (gate type) */
    uint64_t cr2;
};
extern volatile struct sl_frame sl_frame;

/* SDM vol. 3A, figure 7-11 */
struct sl_tss {
    uint32_t reserved0;
    uint64_t rsp[3];
    uint64_t ist[8]; /* IST1-7 in ist[1..7]; ist[0] is the reserved quad before them */
    uint64_t reserved1;
    uint16_t reserved2, iomap;
} __attribute__((packed));
_Static_assert(sizeof(struct sl_tss) == 0x68, "64-bit TSS layout");

struct sl_gate {
    uint16_t offset_lo, selector;
    uint8_t ist, type;
    uint16_t offset_mid;
    uint32_t offset_hi, reserved;
} __attribute__((packed));

#define SL_GATE_INTR 0x8e
#define SL_GATE_TRAP 0x8f
#define SL_GATE_DPL3 0x60

extern uint64_t sl_gdt[SL_GDT_ENTRIES];
extern struct sl_tss sl_tss;
extern struct sl_gate sl_idt[256];
extern const char sl_stubs[];
extern uint8_t sl_ring0_stack[8192];

int sl_user_run_asm(uint32_t cs, uint32_t rip, uint32_t rsp, uint32_t rdi);
void sl_enter_asm(uint32_t cr3);
void sl_leave_asm(void);

volatile struct sl_frame sl_frame;
uint64_t sl_gdt[SL_GDT_ENTRIES] __attribute__((aligned(16)));
struct sl_tss sl_tss __attribute__((aligned(16)));
struct sl_gate sl_idt[256] __attribute__((aligned(16)));
uint8_t sl_ring0_stack[8192] __attribute__((aligned(16)));
static uint8_t sl_emergency_stack[4096] __attribute__((aligned(16)));
uint32_t sl_emergency_top;
uint32_t sl_kernel_esp;
uint32_t sl_saved_rax;
uint32_t sl_resume_far[2];
struct dtr32 sl_idt32_saved;
struct {
    uint16_t limit;
    uint32_t base_lo, base_hi;
} __attribute__((packed)) sl_idt_desc;

/* The vector stubs: 16 bytes each; a zero where the CPU pushes no error
 * code (SDM vol. 3A, table 6-1). */
__asm__(".pushsection .text\n"
        ".code64\n"
        ".balign 16\n"
        ".globl sl_stubs\n"
        "sl_stubs:\n"
        ".set vec, 0\n"
        ".rept 256\n"
        ".balign 16\n"
        ".set errcode, (vec == 8) || (vec >= 10 && vec <= 14) || (vec == 17)\n"
        ".if errcode || (vec == 21) || (vec == 29) || (vec == 30)\n"
        ".else\n"
        "  pushq $0\n"
        ".endif\n"
        "  pushq $vec\n"
        "  jmp sl_common\n"
        ".set vec, vec + 1\n"
        ".endr\n"
        /* Stack: vector, error, RIP, CS, RFLAGS, RSP, SS. */
        "sl_common:\n"
        "  mov %eax, sl_saved_rax(%rip)\n"
        "  pushfq\n"
        "  popq %rax; mov %rax, sl_frame+64(%rip)\n"
        "  lea 16(%rsp), %rax; mov %rax, sl_frame+56(%rip)\n"
        "  popq %rax; mov %rax, sl_frame+0(%rip)\n"
        "  popq %rax; mov %rax, sl_frame+8(%rip)\n"
        "  popq %rax; mov %rax, sl_frame+16(%rip)\n"
        "  popq %rax; mov %rax, sl_frame+24(%rip)\n"
        "  popq %rax; mov %rax, sl_frame+32(%rip)\n"
        "  popq %rax; mov %rax, sl_frame+40(%rip)\n"
        "  popq %rax; mov %rax, sl_frame+48(%rip)\n"
        "  mov %cr2, %rax; mov %rax, sl_frame+72(%rip)\n"
        "  testb $3, sl_frame+24(%rip)\n"
        "  jnz sl_from_user\n"
        "  cmpl $0, sys_resume(%rip)\n"
        "  je sl_unexpected64\n"
        /* a TRY at CPL 0: record it in sys_fault, resume on the faulting stack */
        "  mov sl_frame+0(%rip), %eax; mov %eax, sys_fault+0(%rip)\n"
        "  mov sl_frame+8(%rip), %eax; mov %eax, sys_fault+4(%rip)\n"
        "  mov sl_frame+16(%rip), %eax; mov %eax, sys_fault+8(%rip)\n"
        "  mov sys_resume(%rip), %eax; mov %eax, sl_resume_far(%rip)\n"
        "  mov sl_frame+40(%rip), %rsp\n"
        "  pushq sl_frame+32(%rip); popfq\n"
        "  mov sl_saved_rax(%rip), %eax\n"
        "  ljmpl *sl_resume_far(%rip)\n"
        "sl_from_user:\n"
        "  mov $" XSTR(SL_K_DS) ", %eax; mov %eax, %ss; mov %eax, %ds; mov %eax, %es\n"
        "  mov sl_kernel_esp(%rip), %esp\n"
        "  mov sl_frame+0(%rip), %eax\n"
        "  ljmpl *1f(%rip)\n"
        "1: .long sl_user_return\n"
        "  .word " XSTR(SL_K32_CS) "\n"
        "sl_unexpected64:\n"
        "  mov $" XSTR(SL_K_DS) ", %eax; mov %eax, %ss; mov %eax, %ds; mov %eax, %es\n"
        "  mov sl_emergency_top(%rip), %esp\n"
        "  ljmpl *1f(%rip)\n"
        "1: .long sl_unexpected\n"
        "  .word " XSTR(SL_K32_CS) "\n"
        /* int sl_user_run_asm(cs, rip, rsp, rdi): CPL 0 compatibility mode -> CPL 3 */
        ".code32\n"
        ".globl sl_user_run_asm\n"
        "sl_user_run_asm:\n"
        "  push %ebp; push %edi; push %esi; push %ebx\n"
        "  mov %esp, sl_kernel_esp\n"
        "  ljmp $" XSTR(SL_K64_CS) ", $1f\n"
        ".code64\n"
        "1:movl %esp, %esp\n"
        "  mov 20(%rsp), %eax\n"   /* cs */
        "  mov 24(%rsp), %ecx\n"   /* rip */
        "  mov 28(%rsp), %edx\n"   /* rsp */
        "  mov 32(%rsp), %edi\n"   /* rdi */
        "  pushq $" XSTR(SL_U_DS) "\n"
        "  pushq %rdx\n"
        "  pushq $0x202\n"
        "  pushq %rax\n"
        "  pushq %rcx\n"
        "  xor %eax, %eax; xor %ecx, %ecx; xor %edx, %edx; xor %ebx, %ebx; xor %esi, %esi\n"
        "  xor %ebp, %ebp\n"
        "  iretq\n"
        ".code32\n"
        "sl_user_return:\n"
        "  pop %ebx; pop %esi; pop %edi; pop %ebp\n"
        "  ret\n"
        /* void sl_enter_asm(cr3): paging with PAE and LME: compatibility mode */
        ".globl sl_enter_asm\n"
        "sl_enter_asm:\n"
        "  sidt sl_idt32_saved\n"
        "  mov 4(%esp), %eax; mov %eax, %cr3\n"
        "  mov %cr4, %eax; or $0x20, %eax; mov %eax, %cr4\n"
        "  mov $0xc0000080, %ecx; rdmsr; or $0x100, %eax; wrmsr\n"
        "  mov %cr0, %eax; or $0x80000000, %eax; mov %eax, %cr0\n"
        "  lidt sl_idt_desc\n"
        "  ret\n"
        /* void sl_leave_asm(void): from compatibility mode to protected mode, paging off */
        ".globl sl_leave_asm\n"
        "sl_leave_asm:\n"
        "  mov %cr0, %eax; and $0x7fffffff, %eax; mov %eax, %cr0\n"
        "  mov $0xc0000080, %ecx; rdmsr; and $~0x100, %eax; wrmsr\n"
        "  mov %cr4, %eax; and $~0x20, %eax; mov %eax, %cr4\n"
        "  lidt sl_idt32_saved\n"
        "  ret\n"
        ".popsection\n");

__attribute__((used, noreturn)) void sl_unexpected(void)
{
    test_failures++;
    printf("FAIL - unexpected exception %u in IA-32e mode at rip 0x%x, cs 0x%x, error code 0x%x, "
           "cr2 0x%x\n",
           (unsigned)sl_frame.vector, (unsigned)sl_frame.rip, (unsigned)sl_frame.cs,
           (unsigned)sl_frame.error, (unsigned)sl_frame.cr2);
    test_finish();
}

static void sl_set_gate(int vector, uint8_t type, int ist)
{
    uint32_t a = (uint32_t)(uintptr_t)(sl_stubs + 16 * vector);
    sl_idt[vector] = (struct sl_gate){ .offset_lo = a & 0xffff, .selector = SL_K64_CS,
                                       .ist = (uint8_t)ist, .type = type, .offset_mid = a >> 16 };
}

/* Our GDT (a superset of the runtime's 0x08/0x10), TSS and 64-bit IDT:
 * interrupt gates, DPL 0, no IST. */
static void sl_init(void)
{
    sl_gdt[0] = 0;
    sl_gdt[SL_K32_CS / 8] = seg_desc(0, 0xfffff, ACC_CODE, DESC_G | DESC_DB);
    sl_gdt[SL_K_DS / 8] = seg_desc(0, 0xfffff, ACC_DATA, DESC_G | DESC_DB);
    sl_gdt[SL_K64_CS / 8] = seg_desc(0, 0xfffff, ACC_CODE, DESC_G | DESC_L);
    sl_gdt[SL_U32_CS / 8] = seg_desc(0, 0xfffff, ACC_CODE | DESC_DPL(3), DESC_G | DESC_DB);
    sl_gdt[SL_U_DS / 8] = seg_desc(0, 0xfffff, ACC_DATA | DESC_DPL(3), DESC_G | DESC_DB);
    sl_gdt[SL_U64_CS / 8] = seg_desc(0, 0xfffff, ACC_CODE | DESC_DPL(3), DESC_G | DESC_L);
    sl_gdt[7] = 0;
    uint32_t t = (uint32_t)(uintptr_t)&sl_tss;
    /* 64-bit available TSS (type 9), 16 bytes */
    sl_gdt[SL_TSS / 8] = seg_desc(t, sizeof(sl_tss) - 1, DESC_P | 0x9, 0);
    sl_gdt[SL_TSS / 8 + 1] = 0;
    sl_tss.rsp[0] = (uint32_t)(uintptr_t)(sl_ring0_stack + sizeof(sl_ring0_stack));
    sl_tss.iomap = sizeof(sl_tss);
    lgdt_at(sl_gdt, sizeof(sl_gdt));
    __asm__ volatile("ljmp $" XSTR(SL_K32_CS) ", $1f\n1:\n"
                     "mov %0, %%ss\n mov %0, %%ds\n mov %0, %%es\n mov %0, %%fs\n mov %0, %%gs"
                     : : "r"(SL_K_DS) : "memory");
    for (int v = 0; v < 256; v++) {
        sl_set_gate(v, SL_GATE_INTR, 0);
    }
    sl_idt_desc.limit = sizeof(sl_idt) - 1;
    sl_idt_desc.base_lo = (uint32_t)(uintptr_t)sl_idt;
    sl_emergency_top = (uint32_t)(uintptr_t)(sl_emergency_stack + sizeof(sl_emergency_stack));
    sl_resume_far[1] = SL_K32_CS;
}

/* IA-32e mode with the 4-level tables at cr3 (identity-mapping this
 * program); returns in compatibility mode, TR loaded. */
static void sl_long_enter(uint32_t cr3)
{
    sl_enter_asm(cr3);
    /* a TSS descriptor left busy by an earlier LTR cannot be loaded again */
    sl_gdt[SL_TSS / 8] &= ~(2ull << 40);
    __asm__ volatile("ltr %w0" : : "r"(SL_TSS) : "memory");
}

static void sl_long_leave(void)
{
    sl_leave_asm();
}

/* Run code at CPL 3 (cs SL_U64_CS or SL_U32_CS) from rip with rsp and
 * RDI = rdi, IF set, until an exception: returns its vector. */
static int sl_user_run(uint16_t cs, uint32_t rip, uint32_t rsp, uint32_t rdi)
{
    return sl_user_run_asm(cs, rip, rsp, rdi);
}

#endif
