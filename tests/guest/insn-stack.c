/* mimic-test: timeout=300 */
/*
 * Stack and control-transfer instructions at CPL 3 (lib/insn.h), compared
 * across accelerators (Intel SDM vol. 2 PUSH, POP, PUSHF, POPF, ENTER,
 * LEAVE, CALL, RET, JMP, LOOP, JRCXZ; vol. 1 6.2-6.5):
 *   PUSH/POP of registers, immediates and memory in 64 and 16 bits; PUSH
 *   RSP pushes the value before the push; POP RSP loads the popped value;
 *   POP to memory addressed by RSP computes the address after the
 *   increment; PUSH from memory addressed by RSP reads before the
 *   decrement;
 *   PUSHF/POPF at CPL 3 with IOPL 0: IF, IOPL and VM are left alone, RF is
 *   cleared, AC DF NT ID and the status flags are loaded;
 *   ENTER with nesting levels 0 to 31 (the level is taken modulo 32) in 64
 *   and 16 bits, LEAVE in 64 and 16 bits;
 *   near CALL and RET (RET imm16), indirect CALL and JMP through registers
 *   and memory, the 66 prefix on near branches (ignored on Intel parts: the
 *   operand size stays 64 bits), targets that are not canonical (#GP with
 *   RIP at the branch);
 *   LOOP/LOOPE/LOOPNE and JRCXZ with RCX and, with 67, ECX;
 *   pushes, calls and returns whose stack access faults (#PF, registers
 *   unchanged).
 * Undefined flags: none.
 */
#include "insn.h"

#define STACK_START (USER_STACK_TOP - 0x100)
#define HIGH_JUNK 0xa1b2c3d4e5f60718ull

/* ---- PUSH / POP ---- */

INSN_BODY(push_pop, "pushq %rax\n popq %rbx");
INSN_BODY(push_pop_r15, "pushq %r15\n popq %r9");
INSN_BODY(pushw_popw, "pushw %ax\n popw %bx");
INSN_BODY(pushw_popq, "pushw %ax\n pushw %cx\n pushw %dx\n pushw %si\n popq %rbx");
INSN_BODY(push_imm8, "pushq $-1");
INSN_BODY(push_imm32, "pushq $0x7fffffff\n pushq $-0x80000000");
INSN_BODY(pushw_imm, "pushw $0x1234\n pushw $-2");
INSN_BODY(push_mem, "pushq (%rdi)\n pushw 8(%rdi)");
INSN_BODY(pop_mem, "popq (%rdi)\n popw 8(%rdi)");
INSN_BODY(push_rsp, "pushq %rsp");
INSN_BODY(pushw_sp, "pushw %sp");
INSN_BODY(pop_rsp, "popq %rsp");
INSN_BODY(popw_sp, "popw %sp");
INSN_BODY(pop_rsp_mem, "popq 8(%rsp)");         /* address after the increment */
INSN_BODY(pop_rsp_mem0, "popq (%rsp)");
INSN_BODY(push_rsp_mem, "pushq 8(%rsp)");       /* read before the decrement */
INSN_BODY(pushw_rsp_mem, "pushw (%rsp)");
INSN_BODY(pop_rsp_idx, "popq -16(%rsp,%rcx,8)");
INSN_BODY(push_8f_alias, ".byte 0x8f, 0xc0");    /* 8F /0 with a register: pop %rax */
INSN_BODY(push_fs, "pushq %fs\n pushw %gs");
INSN_TABLE(pp_table, "push_pop,push_pop_r15,pushw_popw,pushw_popq,push_imm8,push_imm32,"
                     "pushw_imm,push_mem,pop_mem,push_rsp,pushw_sp,pop_rsp,popw_sp,pop_rsp_mem,"
                     "pop_rsp_mem0,push_rsp_mem,pushw_rsp_mem,pop_rsp_idx,push_8f_alias");
#define N_PP 19

static void setup(UserRegs *r, uint64_t rsp)
{
    insn_init(r);
    for (unsigned i = 0; i < 16; i++) {
        if (i != UR_RSP) {
            r->gpr[i] = 0x1111111111111111ull * (i + 1) ^ HIGH_JUNK;
        }
    }
    r->gpr[UR_RSP] = rsp;
    r->gpr[UR_RDI] = USER_DATA_ADDR + 0x100;
    r->gpr[UR_RCX] = 3;
}

static void push_pop_tests(void)
{
    UserRegs r;
    insn_group("push/pop");
    for (unsigned f = 0; f < N_PP; f++) {
        /* aligned and misaligned stacks */
        for (unsigned a = 0; a < 3; a++) {
            setup(&r, STACK_START - (a == 1 ? 3 : a == 2 ? 0x102 : 0));
            insn_run(insn_at(pp_table, f), &r, F_NONE, "%u rsp-%u", f, a);
        }
    }
    /* The segment registers' selectors, as the body finds them. With a
     * 64-bit operand size a part may zero-extend the selector or store only
     * its 16 bits (vol. 2, PUSH): the slot starts zeroed, so both read the
     * same. */
    setup(&r, STACK_START);
    *(volatile uint64_t *)(uintptr_t)(STACK_START - 8) = 0;
    *(volatile uint64_t *)(uintptr_t)(STACK_START - 16) = 0;
    insn_run(&push_fs, &r, F_NONE, "push fs, gs");
}

/* ---- PUSHF / POPF ---- */

INSN_BODY(popf_pushf, "popfq\n pushfq");
INSN_BODY(popfw_pushfw, "popfw\n pushfw");
INSN_BODY(pushf_only, "pushfq\n pushfw");

static void flags_tests(void)
{
    /* everything but TF (single-step would end the body at the next
     * instruction), in parts */
    static const uint64_t images[] = {
        0, 0x2, 0x8d5, 0x400, 0x4000, 0x3000, 0x200, 0x40000, 0x200000, 0x80000, 0x100000,
        0x10000, 0x20000, 0xfffffffffffffeffull, 0x00000000003f7ed7ull, 0x0000000100000000ull,
    };
    UserRegs r;
    insn_group("pushf/popf");
    for (unsigned i = 0; i < sizeof(images) / sizeof(images[0]); i++) {
        for (unsigned fl = 0; fl < 2; fl++) {
            setup(&r, STACK_START - 8);
            *(volatile uint64_t *)(uintptr_t)(STACK_START - 8) = images[i];
            r.rflags |= fl ? RFLAGS_STATUS | RFLAGS_DF : 0;
            insn_run(&popf_pushf, &r, F_NONE, "popfq %llx%s", (unsigned long long)images[i],
                     fl ? " f" : "");
            setup(&r, STACK_START - 2);
            *(volatile uint16_t *)(uintptr_t)(STACK_START - 2) = (uint16_t)images[i];
            r.rflags |= fl ? RFLAGS_STATUS | RFLAGS_DF : 0;
            insn_run(&popfw_pushfw, &r, F_NONE, "popfw %x%s", (unsigned)(uint16_t)images[i],
                     fl ? " f" : "");
        }
    }
    setup(&r, STACK_START);
    r.rflags |= RFLAGS_STATUS | RFLAGS_DF | RFLAGS_ID;
    insn_run(&pushf_only, &r, F_NONE, "pushf of IF DF ID and the status flags");
}

/* ---- ENTER / LEAVE ---- */

INSN_BODY(enter_16_0, "enter $16, $0");
INSN_BODY(enter_20_1, "enter $0x20, $1");
INSN_BODY(enter_8_2, "enter $8, $2");
INSN_BODY(enter_0_5, "enter $0, $5");
INSN_BODY(enter_10_31, "enter $0x10, $31");
INSN_BODY(enter_4_32, "enter $4, $32");     /* level 32 mod 32 = 0 */
INSN_BODY(enter_ffff_33, "enter $0xffff, $33");
INSN_BODY(enterw_8_3, "enterw $8, $3");
INSN_BODY(enterw_6_0, "enterw $6, $0");
INSN_BODY(leave, "leave");
INSN_BODY(leavew, "leavew");
INSN_BODY(enter_leave, "enter $0x18, $2\n leave");
INSN_TABLE(frame_table, "enter_16_0,enter_20_1,enter_8_2,enter_0_5,enter_10_31,enter_4_32,"
                        "enter_ffff_33,enterw_8_3,enterw_6_0,leave,leavew,enter_leave");
#define N_FRAME 12

static void frame_tests(void)
{
    UserRegs r;
    insn_group("enter/leave");
    for (unsigned f = 0; f < N_FRAME; f++) {
        for (unsigned v = 0; v < 3; v++) {
            setup(&r, STACK_START - 0x200);
            /* RBP: a frame higher up the stack, with the saved frame
             * pointers of the outer levels below it (the stack page's
             * pattern); 16-bit forms use BP only */
            r.gpr[UR_RBP] = (v == 2 ? 0x5a5a000000000000ull : 0) | (STACK_START - 0x80 + 8 * v);
            if (f >= 9 && v == 2) {
                r.gpr[UR_RBP] = STACK_START - 0x40;
            }
            insn_run(insn_at(frame_table, f), &r, F_NONE, "%u v%u", f, v);
        }
    }
}

/* ---- CALL / RET / JMP ---- */

INSN_BODY(call_rel, "call 1f\n ud2\n1: popq %rax");
INSN_BODY(call_reg, "leaq 1f(%rip), %rbx\n call *%rbx\n ud2\n1:");
INSN_BODY(call_mem, "leaq 1f(%rip), %rax\n movq %rax, (%rdi)\n call *(%rdi)\n ud2\n1:");
INSN_BODY(call_rsp_mem, "leaq 1f(%rip), %rax\n pushq %rax\n call *(%rsp)\n ud2\n1:");
INSN_BODY(jmp_reg, "leaq 1f(%rip), %rax\n jmp *%rax\n ud2\n1:");
INSN_BODY(jmp_table, "leaq 1f(%rip), %rax\n movq %rax, 16(%rdi,%rcx,8)\n jmp *16(%rdi,%rcx,8)\n"
                     " ud2\n1:");
INSN_BODY(ret, "leaq 1f(%rip), %rax\n pushq %rax\n ret\n ud2\n1:");
INSN_BODY(ret_imm, "pushq $7\n pushq $8\n leaq 1f(%rip), %rax\n pushq %rax\n ret $16\n ud2\n1:");
INSN_BODY(ret_imm_odd, "leaq 1f(%rip), %rax\n pushq %rax\n ret $3\n ud2\n1:");
INSN_BODY(ret_66, "leaq 1f(%rip), %rax\n pushq %rax\n .byte 0x66, 0xc3\n ud2\n1:");
INSN_BODY(ret_rexw, "leaq 1f(%rip), %rax\n pushq %rax\n .byte 0x48, 0xc3\n ud2\n1:");
INSN_BODY(call_66, ".byte 0x66, 0xe8\n .long 2\n ud2\n nop\n popq %rax");
INSN_BODY(jmp_66, "leaq 1f(%rip), %rax\n .byte 0x66, 0xff, 0xe0\n ud2\n1:");
INSN_BODY(jmp_66_rel, ".byte 0x66, 0xeb, 0x02\n ud2\n nop");
INSN_BODY(call_nested, "call 1f\n ud2\n1: call 2f\n ud2\n2: ret $0\n ud2");
INSN_TABLE(branch_table, "call_rel,call_reg,call_mem,call_rsp_mem,jmp_reg,jmp_table,ret,ret_imm,"
                         "ret_imm_odd,ret_66,ret_rexw,call_66,jmp_66,jmp_66_rel,call_nested");
#define N_BRANCH 15
/* non-canonical and unmapped targets */
INSN_BODY(jmp_rax, "jmp *%rax");
INSN_BODY(call_rax, "call *%rax");
INSN_BODY(ret_plain, "ret");
INSN_BODY(call_mem_rax, "call *(%rax)");

static void branch_tests(void)
{
    UserRegs r;
    insn_group("call/ret/jmp");
    for (unsigned f = 0; f < N_BRANCH; f++) {
        for (unsigned a = 0; a < 2; a++) {
            setup(&r, STACK_START - (a ? 4 : 0));
            insn_run(insn_at(branch_table, f), &r, F_NONE, "%u rsp-%u", f, a ? 4 : 0);
        }
    }
    insn_group_end();
    /* No canonical kernel-half target (0xffff8000...): on kvm_pvm hosts the
     * upper half belongs to the hypervisor and the page fault KVM reports
     * there varies (reserved-bit or not), so the real CPU is no oracle. */
    static const uint64_t targets[] = {
        0x0000800000000000ull, 0xffff7fffffffffffull, 0x8000000000000000ull,
        0x00007ffffffffff0ull, USER_UNMAPPED_ADDR,
    };
    for (unsigned t = 0; t < sizeof(targets) / sizeof(targets[0]); t++) {
        setup(&r, STACK_START);
        r.gpr[UR_RAX] = targets[t];
        insn_run(&jmp_rax, &r, F_NONE, "jmp to %llx", (unsigned long long)targets[t]);
        setup(&r, STACK_START);
        r.gpr[UR_RAX] = targets[t];
        insn_run(&call_rax, &r, F_NONE, "call to %llx", (unsigned long long)targets[t]);
        setup(&r, STACK_START - 8);
        *(volatile uint64_t *)(uintptr_t)(STACK_START - 8) = targets[t];
        insn_run(&ret_plain, &r, F_NONE, "ret to %llx", (unsigned long long)targets[t]);
        setup(&r, STACK_START);
        r.gpr[UR_RAX] = USER_DATA_ADDR + 0x40;
        INSN_MEM64(0x40) = targets[t];
        insn_run(&call_mem_rax, &r, F_NONE, "call through memory to %llx",
                 (unsigned long long)targets[t]);
    }
}

/* ---- LOOP / JRCXZ ---- */

INSN_BODY(loop_count, "1: incq %rax\n loop 1b");
INSN_BODY(loope, "1: incq %rax\n cmpq $3, %rax\n loope 1b");
INSN_BODY(loopne, "1: incq %rax\n cmpq $3, %rax\n loopne 1b");
INSN_BODY(loop_a32, "1: incq %rax\n addr32 loop 1b");
INSN_BODY(jrcxz, "jrcxz 1f\n movl $1, %eax\n1:");
INSN_BODY(jecxz, "jecxz 1f\n movl $1, %eax\n1:");
INSN_TABLE(loop_table, "loop_count,loope,loopne,loop_a32,jrcxz,jecxz");

static void loop_tests(void)
{
    static const uint64_t rcx_values[] = { 1, 2, 5, 0x100000002ull, 0xffffffff00000001ull };
    static const uint64_t rax_values[] = { 0, 3, 0xfffffffffffffffeull };
    UserRegs r;
    insn_group("loop/jrcxz");
    for (unsigned f = 0; f < 6; f++) {
        for (unsigned c = 0; c < 5; c++) {
            for (unsigned a = 0; a < 3; a++) {
                /* the only loops that would run 2^32 or more times */
                if (f < 3 && rcx_values[c] > 0xffff) {
                    continue;
                }
                setup(&r, STACK_START);
                r.gpr[UR_RCX] = rcx_values[c];
                r.gpr[UR_RAX] = rax_values[a];
                insn_run(insn_at(loop_table, f), &r, F_NONE, "%u rcx=%llx rax=%llx", f,
                         (unsigned long long)rcx_values[c], (unsigned long long)rax_values[a]);
            }
        }
        for (unsigned z = 0; z < 2 && f >= 4; z++) {
            setup(&r, STACK_START);
            r.gpr[UR_RCX] = z ? 0x100000000ull : 0;
            insn_run(insn_at(loop_table, f), &r, F_NONE, "%u rcx=%llx", f,
                     (unsigned long long)r.gpr[UR_RCX]);
        }
    }
}

/* ---- stack accesses that fault ---- */

INSN_BODY(f_push, "pushq %rax\n pushq %rbx");
INSN_BODY(f_pushw, "pushw %ax\n pushq %rbx");
INSN_BODY(f_call, "call 1f\n1: ud2");
INSN_BODY(f_ret, "ret");
INSN_BODY(f_pop, "popq %rax");
INSN_BODY(f_enter, "enter $8, $2");
INSN_BODY(f_pop_mem, "popq (%rdi)");
INSN_BODY(f_push_mem, "pushq (%rdi)");

static void fault_tests(void)
{
    UserRegs r;
    /* RSP in the page after a not-present page: the second push faults */
    setup(&r, INSN_WIN_PAGE(INSN_PG_RW_RO) + 8);
    insn_run(&f_push, &r, F_NONE, "push into not-present");
    setup(&r, INSN_WIN_PAGE(INSN_PG_RW_RO) + 6);
    insn_run(&f_pushw, &r, F_NONE, "pushw then push straddling into not-present");
    setup(&r, INSN_WIN_PAGE(INSN_PG_RO) + 0x100);
    insn_run(&f_call, &r, F_NONE, "call with the stack read-only");
    setup(&r, INSN_WIN_PAGE(INSN_PG_SUP) + 0x100);
    insn_run(&f_call, &r, F_NONE, "call with the stack in a supervisor page");
    setup(&r, INSN_WIN_PAGE(INSN_PG_NP) + 0x10);
    insn_run(&f_ret, &r, F_NONE, "ret from not-present");
    setup(&r, INSN_WIN_PAGE(INSN_PG_NP2) - 4);
    insn_run(&f_pop, &r, F_NONE, "pop straddling into not-present");
    /* ENTER reads the outer frame pointers through RBP */
    setup(&r, STACK_START);
    r.gpr[UR_RBP] = INSN_WIN_PAGE(INSN_PG_NP) + 0x10;
    insn_run(&f_enter, &r, F_NONE, "enter level 2 with RBP not present");
    /* POP to memory that faults leaves RSP alone; PUSH from memory that
     * faults too */
    setup(&r, STACK_START);
    r.gpr[UR_RDI] = INSN_WIN_PAGE(INSN_PG_RO);
    insn_run(&f_pop_mem, &r, F_NONE, "pop to read-only memory");
    setup(&r, STACK_START);
    r.gpr[UR_RDI] = INSN_WIN_PAGE(INSN_PG_NP);
    insn_run(&f_push_mem, &r, F_NONE, "push from not-present memory");
}

/* ---- self-checks ---- */

static void known_results(void)
{
    UserRegs r;
    setup(&r, STACK_START);
    insn_run(&push_rsp, &r, F_NONE, "known: push rsp");
    insn_check_eq(*(volatile uint64_t *)(uintptr_t)(STACK_START - 8), STACK_START,
                  "push rsp pushes the value before the push");
    setup(&r, STACK_START);
    *(volatile uint64_t *)(uintptr_t)STACK_START = 0x1234;
    insn_run(&pop_rsp_mem0, &r, F_NONE, "known: pop (%%rsp)");
    insn_check_eq(*(volatile uint64_t *)(uintptr_t)(STACK_START + 8), 0x1234,
                  "pop (%%rsp) stores at the incremented RSP");
    setup(&r, STACK_START);
    r.gpr[UR_RAX] = 0x0000800000000000ull;
    int v = insn_run(&jmp_rax, &r, F_NONE, "known: jmp non-canonical");
    insn_check_eq((uint64_t)v, VEC_GP, "jmp to a non-canonical address: #GP");
    insn_check_eq(r.rip, USER_CODE_ADDR, "jmp to a non-canonical address: RIP at the jmp");
}

void insn_main(void)
{
    known_results();
    push_pop_tests();
    flags_tests();
    frame_tests();
    branch_tests();
    loop_tests();
    insn_group_end();
    fault_tests();
}
