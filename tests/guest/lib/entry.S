/*
 * Entry of a guest test: the Multiboot 1 header (Multiboot Specification
 * 0.6.96, section 3.1), our own GDT (section 3.2 leaves GDTR undefined, so
 * the loader's descriptors must not be relied on), the stack, and the 256
 * interrupt vector stubs that funnel into isr_dispatch().
 */

#define MB_MAGIC 0x1badb002
/* bit 0: page-align modules; bit 1: pass the memory fields */
#define MB_FLAGS 0x00000003

#define KERNEL_CS 0x08
#define KERNEL_DS 0x10

    .section .multiboot, "a"
    .balign 4
    .long MB_MAGIC
    .long MB_FLAGS
    .long -(MB_MAGIC + MB_FLAGS)

    .text
    .globl _start
_start:
    cli
    cld
    lgdt gdt_desc
    ljmp $KERNEL_CS, $1f
1:
    movl $KERNEL_DS, %ecx
    movw %cx, %ds
    movw %cx, %es
    movw %cx, %fs
    movw %cx, %gs
    movw %cx, %ss
    movl $__stack_top, %esp

    /* Zero .bss here: a loader may leave it as it found the RAM (e.g. after
     * a reset). EAX and EBX carry the loader's magic and info pointer. */
    movl %eax, %esi
    movl $__bss_start, %edi
    movl $__bss_end, %ecx
    subl %edi, %ecx
    xorl %eax, %eax
    rep stosb

    pushl %ebx
    pushl %esi
    call guest_start
2:
    cli
    hlt
    jmp 2b

/* One 16-byte stub per vector, so isr_stubs + 16 * n is vector n. The CPU
 * pushes an error code for 8, 10-14, 17, 21, 29 and 30 (Intel SDM vol. 3A,
 * table 6-1); the others push a zero so every frame has the same shape. */
    .balign 16
    .globl isr_stubs
isr_stubs:
    .set vec, 0
    .rept 256
    .balign 16
    .if (vec == 8) || (vec >= 10 && vec <= 14) || (vec == 17) || (vec == 21) || (vec == 29) || (vec == 30)
    .else
    pushl $0
    .endif
    pushl $vec
    jmp isr_common
    .set vec, vec + 1
    .endr

isr_common:
    pushal
    pushl %ds
    pushl %es
    pushl %fs
    pushl %gs
    movl $KERNEL_DS, %eax
    movw %ax, %ds
    movw %ax, %es
    cld
    pushl %esp
    call isr_dispatch
    addl $4, %esp
    popl %gs
    popl %fs
    popl %es
    popl %ds
    popal
    addl $8, %esp
    /* Same-privilege return without IRET: on kvm_pvm hosts CPL 0 runs in
     * KVM's instruction emulator, which has no protected-mode IRET. With CS
     * fixed at 0x08, restoring EFLAGS and popping EIP, CS and EFLAGS does
     * the same. An interrupt let in by POPF before the RET nests once on
     * this stack and returns here; nothing is lost. */
    pushl 8(%esp)
    popfl
    ret $8

    /* writable: the CPU sets the descriptors' accessed bits */
    .data
    .balign 8
gdt:
    .quad 0
    .quad 0x00cf9a000000ffff /* 0x08: code, base 0, 4 GiB, 32-bit */
    .quad 0x00cf92000000ffff /* 0x10: data, base 0, 4 GiB */
gdt_end:
    .balign 4
    .word 0
gdt_desc:
    .word gdt_end - gdt - 1
    .long gdt

    .section .note.GNU-stack, "", @progbits
