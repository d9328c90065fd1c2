/*
 * The CPL 0 side of the user-mode harness (user.h) and the few user-mode
 * stubs around a body: the switch to IA-32e mode (Intel SDM vol. 3A,
 * 9.8.5), the GDT, the 64-bit TSS with its I/O permission bitmap (7.7,
 * vol. 1 19.5.2), the identity-mapping page tables with 2 MiB pages (4.5),
 * the 64-bit exception stubs (6.14) and the transfers between the harness
 * (compatibility mode or 64-bit), 64-bit bodies and CPL 0.
 *
 * kvm_pvm emulates every CPL 0 instruction in software, and its emulator
 * has no INT n at CPL 0, no far RET to an outer level, and turns INT n in
 * user mode into #UD (README.md, "The user-mode harness"). So:
 *   - CPL 0 -> CPL 3 is IRETQ, always from 64-bit code;
 *   - user mode enters CPL 0 only by exceptions: a body's trap, or UD2 at
 *     user_exit_gate(64) when a user_call()/user_call64() function returns;
 *   - the harness (CPL 3, compatibility mode or 64-bit) enters a body by a
 *     far jump to the 64-bit user code segment if needed, POPFQ and a jump:
 *     no CPL 0 at all;
 *   - the exception stub at CPL 0 saves only what the CPU pushed, RAX and
 *     CR2, and IRETQs to user_resume64, which saves the other registers and
 *     the FXSAVE image at CPL 3 and returns to the harness in its mode.
 *
 * This is an ELF32 object (the images are Multiboot ELF32): 64-bit code
 * names memory RIP-relative or through 32-bit immediates, never with
 * sign-extended absolute addresses, which ELF32 cannot relocate.
 */
#include "user.h"

#define CR0_MP (1 << 1)
#define CR0_EM (1 << 2)
#define CR0_TS (1 << 3)
#define CR0_NE (1 << 5)
#define CR0_AM (1 << 18)
#define CR0_PG (1 << 31)
#define CR4_PAE (1 << 5)
#define CR4_OSFXSR (1 << 9)
#define CR4_OSXMMEXCPT (1 << 10)
#define MSR_EFER 0xc0000080
#define EFER_LME (1 << 8)

#define PTE_P 0x001
#define PTE_RW 0x002
#define PTE_US 0x004
#define PTE_PS 0x080

#define VEC_UD 6
#define DEBUG_EXIT_PORT 0xf4
#define COM1 0x3f8

/* ---- entering long mode (CPL 0, from the runtime's protected mode) ---- */

    .text
    .code32
/* void user_long_enter(void): paging on with the identity map, EFER.LME,
 * our GDT, IDT and TSS; returns in compatibility mode at CPL 0. */
    .globl user_long_enter
user_long_enter:
    movl $user_pml4, %eax
    movl %eax, %cr3
    movl %cr4, %eax
    orl $(CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXCPT), %eax
    movl %eax, %cr4
    movl $MSR_EFER, %ecx
    rdmsr
    orl $EFER_LME, %eax
    wrmsr
    /* NE: x87 errors as #MF; MP with EM and TS clear: SSE and x87 usable */
    movl %cr0, %eax
    orl $(CR0_PG | CR0_NE | CR0_MP), %eax
    andl $~(CR0_EM | CR0_TS | CR0_AM), %eax
    movl %eax, %cr0
    lgdt user_gdt_desc
    ljmp $USER_K64_CS, $1f
    .code64
1:  movl $USER_K_DS, %eax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %ss
    lidt user_idt_desc(%rip)
    movw $USER_TSS_SEL, %ax
    ltr %ax
    ljmpl *2f(%rip)
2:  .long 3f
    .word USER_K32_CS
    .code32
3:  ret

/* ---- user_call: CPL 0 -> CPL 3 harness function and back ---- */

/* int user_call_enter(void (*fn)(void *), void *arg): runs fn(arg) at
 * CPL 3; returns when user mode next enters CPL 0 outside a body, with the
 * exception in user_harness_trap (vector, error code, RIP, CR2). */
    .globl user_call_enter
user_call_enter:
    pushl %ebp
    pushl %edi
    pushl %esi
    pushl %ebx
    movl %esp, user_kernel_esp
    movl 20(%esp), %eax
    movl %eax, user_call_fn
    movl 24(%esp), %eax
    movl %eax, user_call_arg
    ljmp $USER_K64_CS, $1f
    .code64
1:  pushq $USER_U_DS
    pushq $USER_HARNESS_STACK_TOP
    pushq $USER_RFLAGS_FIXED
    pushq $USER_U32_CS
    movl $user_call_tramp, %eax
    pushq %rax
    iretq

    .code32
/* CPL 3, compatibility mode. IRETQ to CPL 3 nulls DS and ES (they held
 * CPL 0 selectors): load the user data segment first. */
user_call_tramp:
    movl $USER_U_DS, %eax
    movw %ax, %ds
    movw %ax, %es
    pushl user_call_arg
    call *user_call_fn
/* fn returned: back to CPL 0 through #UD at this known address */
    .globl user_exit_gate
user_exit_gate:
    ud2

    .code64
/* CPL 0, 64-bit, any stack: resume user_call_enter's caller. SS after an
 * exception from CPL 3 is null, which compatibility mode cannot use. */
user_kernel_return:
    movl $USER_K_DS, %eax
    movw %ax, %ss
    movw %ax, %ds
    movw %ax, %es
    movl user_kernel_esp(%rip), %esp
    ljmpl *1f(%rip)
1:  .long 2f
    .word USER_K32_CS
    .code32
2:  popl %ebx
    popl %esi
    popl %edi
    popl %ebp
    ret

/* int user_call_enter64(const void *entry, void *arg, const UserEnv *env):
 * the same for a 64-bit program: entry(env, arg) runs at CPL 3 in 64-bit
 * mode; what it returns lands in user_call_ret. */
    .code32
    .globl user_call_enter64
user_call_enter64:
    pushl %ebp
    pushl %edi
    pushl %esi
    pushl %ebx
    movl %esp, user_kernel_esp
    movl 20(%esp), %eax
    movl %eax, user_call_fn
    movl 24(%esp), %eax
    movl %eax, user_call_arg
    movl 28(%esp), %eax
    movl %eax, user_call_env
    ljmp $USER_K64_CS, $1f
    .code64
1:  pushq $USER_U_DS
    pushq $USER_HARNESS_STACK_TOP
    pushq $USER_RFLAGS_FIXED
    pushq $USER_U64_CS
    movl $user_call_tramp64, %eax
    pushq %rax
    iretq

/* CPL 3, 64-bit, on the harness stack (16-byte aligned, as the System V
 * ABI wants before a call) */
user_call_tramp64:
    movl user_call_env(%rip), %edi
    movl user_call_arg(%rip), %esi
    movl user_call_fn(%rip), %eax
    call *%rax
    movl %eax, user_call_ret(%rip)
    .globl user_exit_gate64
user_exit_gate64:
    ud2

/* ---- bodies: harness (CPL 3) -> body -> harness ---- */

/* void user_enter(void): runs the body described by user_regs_frame and
 * user_body_jump; returns with the frame filled in. Called at CPL 3 from
 * compatibility mode. */
    .code32
    .globl user_enter
user_enter:
    pushl %ebp
    pushl %edi
    pushl %esi
    pushl %ebx
    movl %esp, user_harness_esp
    ljmp $USER_U64_CS, $1f
    .code64
1:  movl %esp, %esp
    movb $0, user_caller64(%rip)
    jmp user_enter_body

/* void user_enter64(void): the same, called from 64-bit code (System V
 * ABI: RBX, RBP, R12-R15 preserved). */
    .globl user_enter64
user_enter64:
    pushq %rbx
    pushq %rbp
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    movq %rsp, user_harness_rsp(%rip)
    movb $1, user_caller64(%rip)

user_enter_body:
    fxrstor64 user_regs_frame + UR_OFF_FX(%rip)
    pushq user_regs_frame + UR_OFF_RFLAGS(%rip)
    popfq
    movq user_regs_frame + 8 * UR_RCX(%rip), %rcx
    movq user_regs_frame + 8 * UR_RDX(%rip), %rdx
    movq user_regs_frame + 8 * UR_RBX(%rip), %rbx
    movq user_regs_frame + 8 * UR_RBP(%rip), %rbp
    movq user_regs_frame + 8 * UR_RSI(%rip), %rsi
    movq user_regs_frame + 8 * UR_RDI(%rip), %rdi
    movq user_regs_frame + 8 * UR_R8(%rip), %r8
    movq user_regs_frame + 8 * UR_R9(%rip), %r9
    movq user_regs_frame + 8 * UR_R10(%rip), %r10
    movq user_regs_frame + 8 * UR_R11(%rip), %r11
    movq user_regs_frame + 8 * UR_R12(%rip), %r12
    movq user_regs_frame + 8 * UR_R13(%rip), %r13
    movq user_regs_frame + 8 * UR_R14(%rip), %r14
    movq user_regs_frame + 8 * UR_R15(%rip), %r15
    movq user_regs_frame + 8 * UR_RSP(%rip), %rsp
    movq user_regs_frame + 8 * UR_RAX(%rip), %rax
    movb $1, user_in_body(%rip)
    jmp *user_body_jump(%rip)

/* user_body_jump for compatibility-mode bodies */
    .globl user_enter32
user_enter32:
    ljmpl *user_body_far(%rip)

/* CPL 3, 64-bit, entered by IRETQ from user_trap with the body's RAX, RSP,
 * RIP, RFLAGS, vector, error code and CR2 already saved; every other
 * register still holds the body's value. */
user_resume64:
    movq %rcx, user_regs_frame + 8 * UR_RCX(%rip)
    movq %rdx, user_regs_frame + 8 * UR_RDX(%rip)
    movq %rbx, user_regs_frame + 8 * UR_RBX(%rip)
    movq %rbp, user_regs_frame + 8 * UR_RBP(%rip)
    movq %rsi, user_regs_frame + 8 * UR_RSI(%rip)
    movq %rdi, user_regs_frame + 8 * UR_RDI(%rip)
    movq %r8, user_regs_frame + 8 * UR_R8(%rip)
    movq %r9, user_regs_frame + 8 * UR_R9(%rip)
    movq %r10, user_regs_frame + 8 * UR_R10(%rip)
    movq %r11, user_regs_frame + 8 * UR_R11(%rip)
    movq %r12, user_regs_frame + 8 * UR_R12(%rip)
    movq %r13, user_regs_frame + 8 * UR_R13(%rip)
    movq %r14, user_regs_frame + 8 * UR_R14(%rip)
    movq %r15, user_regs_frame + 8 * UR_R15(%rip)
    fxsave64 user_regs_frame + UR_OFF_FX(%rip)
    cmpb $0, user_caller64(%rip)
    je 3f
    movq user_harness_rsp(%rip), %rsp
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbp
    popq %rbx
    ret
3:  movl user_harness_esp(%rip), %esp
    ljmpl *1f(%rip)
1:  .long 2f
    .word USER_U32_CS
    .code32
/* A compatibility-mode body may have loaded DS or ES. */
2:  movl $USER_U_DS, %eax
    movw %ax, %ds
    movw %ax, %es
    popl %ebx
    popl %esi
    popl %edi
    popl %ebp
    ret

/* ---- exceptions (CPL 0, 64-bit) ---- */

/* One 16-byte stub per vector 0-31; the CPU pushes an error code for 8,
 * 10-14, 17, 21, 29 and 30 (SDM vol. 3A, table 6-1), the others push 0. */
    .code64
    .balign 16
    .globl user_vec_stubs
user_vec_stubs:
    .set vec, 0
    .rept 32
    .balign 16
    .if (vec == 8) || (vec >= 10 && vec <= 14) || (vec == 17) || (vec == 21) || (vec == 29) || (vec == 30)
    .else
    pushq $0
    .endif
    pushq $vec
    jmp user_trap
    .set vec, vec + 1
    .endr

/* Stack: vector, error code, RIP, CS, RFLAGS, RSP, SS. Everything here
 * costs ~5 us per instruction under kvm_pvm: keep it short. */
user_trap:
    testb $3, 24(%rsp)
    jz user_trap_cpl0
    cmpb $0, user_in_body(%rip)
    je user_trap_harness
    movb $0, user_in_body(%rip)
    popq user_regs_frame + UR_OFF_VECTOR(%rip)
    popq user_regs_frame + UR_OFF_ERROR(%rip)
    popq user_regs_frame + UR_OFF_RIP(%rip)
    popq user_regs_frame + UR_OFF_CS(%rip)
    popq user_regs_frame + UR_OFF_RFLAGS(%rip)
    popq user_regs_frame + 8 * UR_RSP(%rip)
    popq user_regs_frame + UR_OFF_SS(%rip)
    movq %rax, user_regs_frame + 8 * UR_RAX(%rip)
    movq %cr2, %rax
    movq %rax, user_regs_frame + UR_OFF_CR2(%rip)
    pushq $USER_U_DS
    pushq $0
    pushq $USER_RFLAGS_FIXED
    pushq $USER_U64_CS
    movl $user_resume64, %eax
    pushq %rax
    iretq

/* User mode outside a body: the harness function returned (UD2 at
 * user_exit_gate) or faulted. user_call() tells which. */
user_trap_harness:
    popq user_harness_trap(%rip)
    popq user_harness_trap + 8(%rip)
    popq user_harness_trap + 16(%rip)
    movq %cr2, %rax
    movq %rax, user_harness_trap + 24(%rip)
    jmp user_kernel_return

/* An exception at CPL 0 is a bug of this harness or of the machine: say
 * so on COM1 and leave with a failure (isa-debug-exit status 3). */
user_trap_cpl0:
    movq %rsp, %rbp
    leaq msg_cpl0(%rip), %rsi
    call user_puts64
    movq 0(%rbp), %rax
    call user_hex64
    leaq msg_err(%rip), %rsi
    call user_puts64
    movq 8(%rbp), %rax
    call user_hex64
    leaq msg_rip(%rip), %rsi
    call user_puts64
    movq 16(%rbp), %rax
    call user_hex64
    leaq msg_cr2(%rip), %rsi
    call user_puts64
    movq %cr2, %rax
    call user_hex64
    movb $'\n', %al
    movw $COM1, %dx
    outb %al, %dx
    movl $1, %eax
    movw $DEBUG_EXIT_PORT, %dx
    outl %eax, %dx
1:  cli
    hlt
    jmp 1b

/* COM1 without waiting for THRE: this only runs on the way out. */
user_puts64:
    movw $COM1, %dx
1:  lodsb
    testb %al, %al
    jz 2f
    outb %al, %dx
    jmp 1b
2:  ret

user_hex64:
    movq %rax, %rbx
    movl $16, %ecx
    movw $COM1, %dx
1:  rolq $4, %rbx
    movl %ebx, %eax
    andl $15, %eax
    leaq hex_digits(%rip), %rsi
    movb (%rsi, %rax), %al
    outb %al, %dx
    loop 1b
    ret

    .section .rodata
hex_digits: .ascii "0123456789abcdef"
msg_cpl0: .asciz "FAIL - exception at CPL 0 in the user-mode harness: vector 0x"
msg_err: .asciz ", error code 0x"
msg_rip: .asciz ", rip 0x"
msg_cr2: .asciz ", cr2 0x"

/* ---- tables ---- */

    .data
    .balign 8
    .globl user_gdt
user_gdt:
    .quad 0
    .quad 0x00cf9a000000ffff /* 0x08: 32-bit code, DPL 0 */
    .quad 0x00cf92000000ffff /* 0x10: data, DPL 0 */
    .quad 0x00af9a000000ffff /* 0x18: 64-bit code (L=1), DPL 0 */
    .quad 0x00cffa000000ffff /* 0x23: 32-bit code, DPL 3 */
    .quad 0x00cff2000000ffff /* 0x2b: data, DPL 3 */
    .quad 0x00affa000000ffff /* 0x33: 64-bit code, DPL 3 */
    .quad 0
    /* 0x40: 64-bit TSS (type 9), 16 bytes; user_init() fills in the base */
    .word user_tss_end - user_tss - 1
    .word 0
    .byte 0, 0x89, 0, 0
    .quad 0
user_gdt_end:
    .balign 4
    .word 0
user_gdt_desc:
    .word user_gdt_end - user_gdt - 1
    .long user_gdt, 0

    .balign 4
    .word 0
user_idt_desc:
    .word 32 * 16 - 1
    .long user_idt, 0

/* 64-bit TSS (SDM vol. 3A, figure 7-11), then the I/O permission bitmap:
 * a clear bit lets CPL 3 use that port. The byte after the bitmap must
 * be all ones (vol. 1, 19.5.2). */
    .balign 16
    .globl user_tss
user_tss:
    .long 0
    .long USER_TRAP_STACK_TOP, 0 /* RSP0 */
    .quad 0, 0                   /* RSP1, RSP2 */
    .quad 0
    .long USER_IST_STACK_TOP, 0  /* IST1 */
    .quad 0, 0, 0, 0, 0, 0       /* IST2-7 */
    .quad 0
    .word 0
    .word user_iomap - user_tss
user_iomap:
    .fill 0xf4 / 8, 1, 0xff
    .byte 0x0f                   /* 0xf4-0xf7: isa-debug-exit */
    .fill 0x3f8 / 8 - 0xf4 / 8 - 1, 1, 0xff
    .byte 0x00                   /* 0x3f8-0x3ff: COM1 */
    .fill 8192 - 0x3f8 / 8 - 1, 1, 0xff
    .byte 0xff
user_tss_end:

/* Identity map of the low 1 GiB with 2 MiB pages, user-accessible. */
    .balign 4096
user_pml4:
    .long user_pdpt + (PTE_P | PTE_RW | PTE_US), 0
    .fill 511, 8, 0
user_pdpt:
    .long user_pd + (PTE_P | PTE_RW | PTE_US), 0
    .fill 511, 8, 0
user_pd:
    .set i, 0
    .rept 512
    .long (i << 21) | PTE_P | PTE_RW | PTE_US | PTE_PS, 0
    .set i, i + 1
    .endr

/* UserEnv (user.h) for 32-bit and for 64-bit callers of user_run() */
    .balign 8
    .globl user_env32, user_env64
user_env32:
    .long user_regs_frame, 0, user_body_jump, 0, user_enter, 0, user_enter32, 0
user_env64:
    .long user_regs_frame, 0, user_body_jump, 0, user_enter64, 0, user_enter32, 0

/* Where a compatibility-mode body starts: USER_CODE_ADDR in the 32-bit user
 * code segment. */
    .balign 8
user_body_far:
    .long USER_CODE_ADDR
    .word USER_U32_CS

    .bss
    .balign 16
    .globl user_idt
user_idt:
    .fill 32 * 16, 1, 0
    .balign 64
    .globl user_regs_frame
user_regs_frame:
    .fill UR_SIZE, 1, 0
    .globl user_harness_trap, user_body_jump, user_in_body
user_harness_trap:
    .quad 0, 0, 0, 0     /* vector, error code, RIP, CR2 */
user_body_jump:
    .quad 0
user_kernel_esp:
    .long 0
user_harness_esp:
    .long 0
    .balign 8
user_harness_rsp:
    .quad 0
user_call_fn:
    .long 0
user_call_arg:
    .long 0
user_call_env:
    .long 0
    .globl user_call_ret
user_call_ret:
    .long 0
user_in_body:
    .byte 0
user_caller64:
    .byte 0

    .section .note.GNU-stack, "", @progbits
