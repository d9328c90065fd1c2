/* mimic-test: */
/*
 * Code whose stack lies in the same 4 KiB page as the code, as in a boot sector at 0x7c00
 * with SS:SP just below it (SYSLINUX's FAT boot sector keeps its stack at
 * 0x7b76 and calls its read routine from there). Every push is a store into
 * the page the running code came from, which the CPU must handle as
 * self-modifying code: the store takes effect before the next instruction
 * is fetched (Intel SDM vol. 3A, 11.6 "Self-Modifying Code"), and nothing
 * else about the program changes. So each sequence below must run each of
 * its instructions exactly once:
 *   call: a CALL whose return-address push lands in the page, into a block
 *         that increments EAX once and jumps on to the next instruction;
 *         the store is the last thing the calling block does, so the block
 *         that wrote over itself is the one the next block would be chained
 *         to (mimic's tcg once chained the next block to itself there);
 *   push: a PUSH into the page followed by a JMP to the same kind of block
 *         (the store is followed by another instruction in its block);
 *   call twice: two such calls in a row, the second from the code the first
 *         returned to.
 * Before each round a store from outside the page drops whatever was
 * translated from it, so each round starts from fresh code. Each sequence
 * runs several times with interrupts off, while PIT channel 0 ticks at
 * 1 kHz with IRQ0 unmasked: a virtual CPU that went round a block more than
 * once would be stopped by the next tick's interrupt request, with EAX
 * showing how many times it went round.
 */
#include "guest.h"

#define ROUNDS 8

/* Each routine: cdecl, no arguments, returns the number of times its
 * counting blocks ran (EAX). The stack moves to smc_stack_top, in the
 * same page as the code, and back. */
uint32_t smc_call(void);
uint32_t smc_push(void);
uint32_t smc_call2(void);
extern volatile uint8_t smc_stack_bottom[];

__asm__(".pushsection .text.smc_page, \"ax\"\n"
        ".balign 4096\n"
        "smc_page:\n"

        /* the block ends with the CALL; its push writes the page */
        ".globl smc_call\n"
        "smc_call:\n"
        "  pushl %ebp\n"
        "  movl %esp, %ebp\n"
        "  movl $smc_stack_top, %esp\n"
        "  xorl %eax, %eax\n"
        "  call 1f\n"
        "  movl %ebp, %esp\n"
        "  popl %ebp\n"
        "  ret\n"
        "1:\n"
        "  incl %eax\n"
        "  jmp 2f\n"
        "2:\n"
        "  ret\n"

        /* a PUSH into the page, then a direct JMP ends the block */
        ".globl smc_push\n"
        "smc_push:\n"
        "  pushl %ebp\n"
        "  movl %esp, %ebp\n"
        "  movl $smc_stack_top, %esp\n"
        "  xorl %eax, %eax\n"
        "  pushl %eax\n"
        "  jmp 3f\n"
        "3:\n"
        "  incl %eax\n"
        "  jmp 4f\n"
        "4:\n"
        "  movl %ebp, %esp\n"
        "  popl %ebp\n"
        "  ret\n"

        /* two calls: the code after the first return makes the second */
        ".globl smc_call2\n"
        "smc_call2:\n"
        "  pushl %ebp\n"
        "  movl %esp, %ebp\n"
        "  movl $smc_stack_top, %esp\n"
        "  xorl %eax, %eax\n"
        "  call 5f\n"
        "  call 5f\n"
        "  movl %ebp, %esp\n"
        "  popl %ebp\n"
        "  ret\n"
        "5:\n"
        "  incl %eax\n"
        "  jmp 6f\n"
        "6:\n"
        "  ret\n"

        /* the stack, still inside the page */
        ".balign 16\n"
        ".globl smc_stack_bottom\n"
        "smc_stack_bottom:\n"
        "  .fill 256, 1, 0\n"
        "smc_stack_top:\n"
        ".balign 4096\n" /* nothing else in the page */
        ".popsection\n");

static void run(uint32_t (*fn)(void), uint32_t want, const char *what)
{
    uint32_t bad = 0, worst = want;
    for (int i = 0; i < ROUNDS; i++) {
        cli();
        smc_stack_bottom[0] = i; /* drops what was translated from the page */
        uint32_t got = fn();
        if (got != want) {
            bad++;
            worst = got;
        }
        /* take the tick that may be pending, so the next one raises the
         * interrupt request afresh */
        wait_irq(&pit_ticks, pit_ticks + 1, 100);
    }
    check_eq(worst, want, "%s: blocks ran once in each of %d rounds (%u rounds wrong)", what, ROUNDS,
             (unsigned)bad);
}

void test_main(void)
{
    pit_tick_start(1000);
    run(smc_call, 1, "CALL pushing into the code page");
    run(smc_push, 1, "PUSH into the code page, then JMP");
    run(smc_call2, 2, "two CALLs pushing into the code page");
    pit_tick_stop();
    cli();
}
