/* mimic-test: */
/*
 * Exceptions at CPL 3 (lib/insn.h), compared across accelerators, after
 * the Intel SDM vol. 3A chapter 6 (exception classes, error codes, RIP
 * pushed) and vol. 2 (each instruction's "64-Bit Mode Exceptions"):
 *   #UD: UD0/UD1/UD2, opcodes invalid in 64-bit mode, LOCK on an
 *   instruction or operand that cannot be locked, MOV to CS, an
 *   instruction longer than 15 bytes (#GP);
 *   #GP(0): privileged instructions at CPL 3 (HLT, CLI/STI with IOPL 0, MOV
 *   to and from CRn and DRn, LGDT, LIDT, INVLPG, WBINVD, RDMSR, WRMSR, RDPMC
 *   with CR4.PCE clear, CLTS, LMSW, SWAPGS), IN/OUT to a port the TSS I/O
 *   bitmap denies, non-canonical data addresses; #SS(0) for non-canonical
 *   stack references;
 *   INT3, INT $3 (CD 03), INT1, INTO (#UD in 64-bit mode);
 *   #PF with its error code and CR2: not present, write to read-only,
 *   user access to a supervisor page, instruction fetch from an NX page, a
 *   supervisor page and a not-present page (I/D set), data and instruction
 *   fetches straddling into a bad page;
 *   #AC with CR0.AM set (insn-boot.c) and EFLAGS.AC set by the body;
 *   self-modifying code: a store to the next instructions, through the same
 *   or another virtual address, is seen when they execute (vol. 3A, 11.6);
 *   a load from a physical address with nothing there (all ones). A fetch
 *   from there (FF FF: FF /7, #UD on hardware) is not run: KVM cannot
 *   emulate an instruction fetched from outside RAM and stops the VM.
 */
#include "insn.h"

#define HIGH_JUNK 0xa1b2c3d4e5f60718ull

static void setup(UserRegs *r)
{
    insn_init(r);
    for (unsigned i = 0; i < 16; i++) {
        if (i != UR_RSP) {
            r->gpr[i] = 0x1111111111111111ull * (i + 1) ^ HIGH_JUNK;
        }
    }
    r->gpr[UR_RDI] = USER_DATA_ADDR + 0x100;
}

/* ---- #UD ---- */

INSN_BODY(ud_ud2, "ud2");
INSN_BODY(ud_ud1, ".byte 0x0f, 0xb9, 0xc0");
INSN_BODY(ud_ud0, ".byte 0x0f, 0xff, 0xc0");
INSN_BODY(ud_push_es, ".byte 0x06");
INSN_BODY(ud_pop_es, ".byte 0x07");
INSN_BODY(ud_push_cs, ".byte 0x0e");
INSN_BODY(ud_push_ss, ".byte 0x16");
INSN_BODY(ud_pop_ds, ".byte 0x1f");
INSN_BODY(ud_daa, ".byte 0x27");
INSN_BODY(ud_das, ".byte 0x2f");
INSN_BODY(ud_aaa, ".byte 0x37");
INSN_BODY(ud_aas, ".byte 0x3f");
INSN_BODY(ud_pusha, ".byte 0x60");
INSN_BODY(ud_popa, ".byte 0x61");
INSN_BODY(ud_into, ".byte 0xce");
INSN_BODY(ud_aam, ".byte 0xd4, 0x0a");
INSN_BODY(ud_aad, ".byte 0xd5, 0x0a");
INSN_BODY(ud_salc, ".byte 0xd6");
INSN_BODY(ud_callf, ".byte 0x9a, 0, 0, 0, 0, 0x33, 0");
INSN_BODY(ud_jmpf, ".byte 0xea, 0, 0, 0, 0, 0x33, 0");
INSN_BODY(ud_c6_1, ".byte 0xc6, 0x0f, 0x00");  /* C6 /1: only /0 is MOV */
INSN_BODY(ud_c7_1, ".byte 0xc7, 0x0f, 0, 0, 0, 0");
INSN_BODY(ud_fe_2, ".byte 0xfe, 0x17");        /* FE /2: only INC/DEC */
INSN_BODY(ud_ff_7, ".byte 0xff, 0xff");        /* FF /7 */
INSN_BODY(ud_mov_cs, ".byte 0x8e, 0xc8");      /* MOV to CS */
INSN_BODY(ud_mov_sreg7, ".byte 0x8c, 0xf8");   /* MOV from Sreg 7 */
INSN_BODY(ud_lea_reg, ".byte 0x8d, 0xc0");
INSN_BODY(ud_lock_nop, ".byte 0xf0, 0x90");
INSN_BODY(ud_lock_add_reg, ".byte 0xf0, 0x01, 0xd8"); /* lock add %ebx, %eax */
INSN_BODY(ud_lock_mov, ".byte 0xf0, 0x89, 0x07");     /* lock mov %eax, (%rdi) */
INSN_BODY(ud_lock_cmp, ".byte 0xf0, 0x39, 0x07");     /* lock cmp %eax, (%rdi) */
INSN_BODY(ud_lock_test, ".byte 0xf0, 0x85, 0x07");
INSN_BODY(ud_lock_xchg_reg, ".byte 0xf0, 0x87, 0xc3");
INSN_BODY(ud_lock_bt, ".byte 0xf0, 0x0f, 0xa3, 0x07"); /* BT reads only: not lockable */
INSN_BODY(ud_lock_inc_reg, ".byte 0xf0, 0xff, 0xc0");
INSN_BODY(ud_0f_0a, ".byte 0x0f, 0x0a");
INSN_BODY(ud_0f_04, ".byte 0x0f, 0x04");
INSN_BODY(ud_0f_36, ".byte 0x0f, 0x36");
INSN_BODY(ud_0f_a6, ".byte 0x0f, 0xa6, 0xc0");
INSN_BODY(ud_cx8b_reg, ".byte 0x0f, 0xc7, 0xc8");
INSN_BODY(ud_too_long, ".fill 14, 1, 0x66\n .byte 0x01, 0xd8"); /* 16 bytes: #GP(0) */
INSN_BODY(ok_15_bytes, ".fill 13, 1, 0x66\n .byte 0x01, 0xd8"); /* 15 bytes: runs */
INSN_BODY(ok_rex_ignored, ".byte 0x48, 0x66, 0x01, 0xd8"); /* REX not last: 16-bit add */
INSN_BODY(ok_rex_w, ".byte 0x66, 0x48, 0x01, 0xd8");       /* REX.W over 66: 64-bit add */
INSN_BODY(ok_two_rex, ".byte 0x41, 0x48, 0x01, 0xd8");     /* only the last REX counts */
INSN_BODY(ok_seg_ignored, ".byte 0x26, 0x2e, 0x36, 0x3e, 0x8b, 0x07"); /* mov (%rdi), %eax */
INSN_BODY(ok_nop_modrm, ".byte 0x0f, 0x1f, 0x84, 0x00, 0, 0, 0, 0"); /* long NOP */
INSN_BODY(ok_0f_18_hint, ".byte 0x0f, 0x18, 0x07");  /* prefetchnta (%rdi) */
INSN_BODY(ok_0f_0d_hint, ".byte 0x0f, 0x0d, 0x0f"); /* prefetchw: a NOP when absent */
INSN_TABLE(ud_table,
           "ud_ud2,ud_ud1,ud_ud0,ud_push_es,ud_pop_es,ud_push_cs,ud_push_ss,ud_pop_ds,ud_daa,"
           "ud_das,ud_aaa,ud_aas,ud_pusha,ud_popa,ud_into,ud_aam,ud_aad,ud_salc,ud_callf,ud_jmpf,"
           "ud_c6_1,ud_c7_1,ud_fe_2,ud_ff_7,ud_mov_cs,ud_mov_sreg7,ud_lea_reg,ud_lock_nop,"
           "ud_lock_add_reg,ud_lock_mov,ud_lock_cmp,ud_lock_test,ud_lock_xchg_reg,ud_lock_bt,"
           "ud_lock_inc_reg,ud_0f_0a,ud_0f_04,ud_0f_36,ud_0f_a6,ud_cx8b_reg,ud_too_long,"
           "ok_15_bytes,ok_rex_ignored,ok_rex_w,ok_two_rex,ok_seg_ignored,ok_nop_modrm,"
           "ok_0f_18_hint,ok_0f_0d_hint");
static const char ud_names[][16] = {
    "ud2", "ud1", "ud0", "push es", "pop es", "push cs", "push ss", "pop ds", "daa",
    "das", "aaa", "aas", "pusha", "popa", "into", "aam", "aad", "salc", "call far", "jmp far",
    "c6 /1", "c7 /1", "fe /2", "ff /7", "mov to cs", "mov from sreg7", "lea reg", "lock nop",
    "lock add reg", "lock mov", "lock cmp", "lock test", "lock xchg reg", "lock bt",
    "lock inc reg", "0f 0a", "0f 04", "0f 36", "0f a6", "cmpxchg8b reg", "16 bytes long",
    "15 bytes long", "rex then 66", "66 then rex.w", "two rex", "es cs ss ds", "long nop",
    "prefetchnta", "0f 0d",
};
#define N_UD (sizeof(ud_names) / sizeof(ud_names[0]))

/* ---- #GP: privileged instructions, ports, addresses ---- */

INSN_BODY(gp_hlt, "hlt");
INSN_BODY(gp_cli, "cli");
INSN_BODY(gp_sti, "sti");
INSN_BODY(gp_rd_cr0, "movq %cr0, %rax");
INSN_BODY(gp_wr_cr3, "movq %rax, %cr3");
INSN_BODY(gp_rd_cr8, "movq %cr8, %rax");
INSN_BODY(gp_rd_dr7, "movq %dr7, %rax");
INSN_BODY(gp_wr_dr0, "movq %rax, %dr0");
INSN_BODY(gp_lgdt, "lgdt (%rdi)");
INSN_BODY(gp_lidt, "lidt (%rdi)");
INSN_BODY(gp_lldt, "lldt %ax");
INSN_BODY(gp_ltr, "ltr %ax");
INSN_BODY(gp_invlpg, "invlpg (%rdi)");
INSN_BODY(gp_wbinvd, "wbinvd");
INSN_BODY(gp_invd, "invd");
INSN_BODY(gp_rdmsr, "rdmsr");
INSN_BODY(gp_wrmsr, "wrmsr");
INSN_BODY(gp_rdpmc, "rdpmc");
INSN_BODY(gp_clts, "clts");
INSN_BODY(gp_lmsw, "lmsw %ax");
INSN_BODY(gp_swapgs, "swapgs");
INSN_BODY(gp_in80, "inb $0x80, %al");
INSN_BODY(gp_out80, "outb %al, $0x80");
INSN_BODY(gp_in_dx, "inl %dx, %eax");
INSN_BODY(gp_outsb, "outsb");
INSN_BODY(gp_insw, "insw");
INSN_BODY(ok_in_com1, "inb %dx, %al");         /* COM1's ports are open: LSR */
INSN_BODY(gp_in_straddle, "inl %dx, %eax");    /* 0x3fe-0x401: the last byte is denied */
INSN_BODY(gp_iretq_cpl0, "pushq $0x10\n pushq %rsp\n pushfq\n pushq $0x18\n pushq $0\n iretq");
INSN_BODY(gp_mov_ss, "movw %ax, %ss");         /* a null selector into SS at CPL 3 */
INSN_TABLE(gp_table, "gp_hlt,gp_cli,gp_sti,gp_rd_cr0,gp_wr_cr3,gp_rd_cr8,gp_rd_dr7,gp_wr_dr0,"
                     "gp_lgdt,gp_lidt,gp_lldt,gp_ltr,gp_invlpg,gp_wbinvd,gp_invd,gp_rdmsr,"
                     "gp_wrmsr,gp_rdpmc,gp_clts,gp_lmsw,gp_swapgs,gp_in80,gp_out80,gp_in_dx,"
                     "gp_outsb,gp_insw,ok_in_com1,gp_in_straddle,gp_iretq_cpl0,gp_mov_ss");
static const char gp_names[][16] = {
    "hlt", "cli", "sti", "mov from cr0", "mov to cr3", "mov from cr8", "mov from dr7",
    "mov to dr0", "lgdt", "lidt", "lldt", "ltr", "invlpg", "wbinvd", "invd", "rdmsr",
    "wrmsr", "rdpmc", "clts", "lmsw", "swapgs", "in 0x80", "out 0x80", "in dx=0x70",
    "outsb dx=0x70", "insw dx=0x70", "in dx=0x3fd", "in dx=0x3fe", "iretq to cpl 0",
    "mov ax, ss",
};
#define N_GP (sizeof(gp_names) / sizeof(gp_names[0]))

INSN_BODY(nc_load, "movq (%rax), %rbx");
INSN_BODY(nc_store, "movb %bl, 7(%rax)");
INSN_BODY(nc_rsp_load, "movq 8(%rsp), %rbx");
INSN_BODY(nc_rbp_load, "movq (%rbp), %rbx");
INSN_BODY(nc_rbp_idx, "movq (%rcx,%rbp,1), %rbx");  /* RBP as index: DS, #GP */
INSN_BODY(nc_push, "pushq %rbx");
INSN_BODY(nc_straddle, "movq -4(%rax), %rbx");      /* 0x00007ffffffffffc..: crosses into non-canonical */

static void gp_tests(void)
{
    UserRegs r;
    for (unsigned i = 0; i < N_GP; i++) {
        setup(&r);
        r.gpr[UR_RDX] = i == 26 ? 0x3fd : i == 27 ? 0x3fe : 0x70;
        r.gpr[UR_RCX] = 0x10;  /* RDMSR/WRMSR: the TSC; RDPMC: counter 0x10 */
        r.gpr[UR_RAX] = 0;
        r.gpr[UR_RSI] = USER_DATA_ADDR;
        insn_run(insn_at(gp_table, i), &r, F_NONE, "%s", gp_names[i]);
    }
    /* (not 0xffff800000000000 and up: kvm_pvm answers user accesses there
     * with reserved-bit page faults) */
    static const uint64_t addrs[] = { 0x0000800000000000ull, 0xffff7ffffffffff0ull,
                                      0x8000000000000000ull, 0x0000800000000000ull - 4 };
    for (unsigned a = 0; a < 4; a++) {
        setup(&r);
        r.gpr[UR_RAX] = addrs[a];
        insn_run(&nc_load, &r, F_NONE, "load from %llx", (unsigned long long)addrs[a]);
        insn_run(&nc_store, &r, F_NONE, "store to %llx+7", (unsigned long long)addrs[a]);
        r.gpr[UR_RAX] = a == 3 ? 0x00007ffffffffffcull + 4 : addrs[a];
        insn_run(&nc_straddle, &r, F_NONE, "load straddling from %llx-4",
                 (unsigned long long)r.gpr[UR_RAX]);
        setup(&r);
        r.gpr[UR_RSP] = addrs[a];
        insn_run(&nc_rsp_load, &r, F_NONE, "load via rsp %llx", (unsigned long long)addrs[a]);
        setup(&r);
        r.gpr[UR_RSP] = addrs[a];
        insn_run(&nc_push, &r, F_NONE, "push with rsp %llx", (unsigned long long)addrs[a]);
        setup(&r);
        r.gpr[UR_RBP] = addrs[a];
        insn_run(&nc_rbp_load, &r, F_NONE, "load via rbp %llx", (unsigned long long)addrs[a]);
        setup(&r);
        r.gpr[UR_RBP] = addrs[a];
        r.gpr[UR_RCX] = 0;
        insn_run(&nc_rbp_idx, &r, F_NONE, "load with rbp as index %llx",
                 (unsigned long long)addrs[a]);
    }
}

/* ---- software interrupts ---- */

/* INT n through a gate of DPL 0 or past the IDT limit (#GP with error code
 * n*8+2) cannot be checked here: under kvm_pvm, INT n at CPL 3 does not go
 * through the guest's IDT checks (CD 04 delivers vector 4 as a trap, CD 0D
 * and CD 20 give #UD), so kvm is no oracle for it. CD 03 goes through the
 * DPL 3 gate as on hardware. */
INSN_BODY(int3, "int3");
INSN_BODY(int_3, ".byte 0xcd, 0x03");  /* gas would write "int $3" as CC */
INSN_BODY(int1, ".byte 0xf1");   /* INT1 / ICEBP: #DB as a trap, whatever the gate's DPL */

static void int_tests(void)
{
    UserRegs r;
    setup(&r);
    insn_run(&int3, &r, F_NONE, "int3");
    setup(&r);
    insn_run(&int_3, &r, F_NONE, "int $3 (cd 03)");
    setup(&r);
    insn_run(&int1, &r, F_NONE, "int1");
}

/* ---- #PF ---- */

INSN_BODY(pf_load, "movq (%rax), %rbx");
INSN_BODY(pf_store, "movq %rbx, (%rax)");
INSN_BODY(pf_rmw, "addl %ebx, (%rax)");
INSN_BODY(pf_jmp, "jmp *%rax");

/* Code for the window's pages: 10-byte MOV RAX, imm64 then INT3 */
static void put_code(uint64_t addr, unsigned n)
{
    static const uint8_t insn[] = { 0x48, 0xb8, 1, 2, 3, 4, 5, 6, 7, 8, 0xcc };
    for (unsigned i = 0; i < n && i < sizeof(insn); i++) {
        *(volatile uint8_t *)(uintptr_t)(addr + i) = insn[i];
    }
}

static void pf_case(const InsnCode *body, const char *what, uint64_t addr)
{
    UserRegs r;
    setup(&r);
    r.gpr[UR_RAX] = addr;
    insn_run(body, &r, F_NONE, "%s %llx", what, (unsigned long long)addr);
}

static void pf_tests(void)
{
    const uint64_t np = INSN_WIN_PAGE(INSN_PG_NP), ro = INSN_WIN_PAGE(INSN_PG_RO),
                   sup = INSN_WIN_PAGE(INSN_PG_SUP), nx = INSN_WIN_PAGE(INSN_PG_NX);
    pf_case(&pf_load, "load not-present", np + 0x18);
    pf_case(&pf_store, "store not-present", np + 0x20);
    pf_case(&pf_rmw, "add to not-present", np + 0x28);
    pf_case(&pf_load, "load read-only", ro + 0x30);
    pf_case(&pf_store, "store read-only", ro + 0x38);
    pf_case(&pf_rmw, "add to read-only", ro + 0x3c);
    pf_case(&pf_load, "load supervisor", sup);
    pf_case(&pf_store, "store supervisor", sup + 8);
    pf_case(&pf_load, "load NX (data is fine)", nx + 0x40);
    pf_case(&pf_load, "load straddling into not-present", INSN_WIN_PAGE(INSN_PG_RW_RO) - 3);
    pf_case(&pf_store, "store straddling into read-only", ro - 5);
    pf_case(&pf_store, "store straddling into supervisor", sup - 1);
    pf_case(&pf_load, "load unmapped", USER_UNMAPPED_ADDR + 0x123);
    /* instruction fetches: I/D set in the error code */
    put_code(nx, 11);
    pf_case(&pf_jmp, "fetch NX", nx);
    pf_case(&pf_jmp, "fetch supervisor", sup);
    pf_case(&pf_jmp, "fetch not-present", np + 0x10);
    pf_case(&pf_jmp, "fetch unmapped", USER_UNMAPPED_ADDR);
    /* an instruction whose last bytes lie in the next, bad page */
    put_code(nx - 6, 6);
    pf_case(&pf_jmp, "fetch straddling into NX", nx - 6);
    put_code(INSN_WIN_PAGE(INSN_PG_RW_SUP + 1) - 4, 4);
    pf_case(&pf_jmp, "fetch straddling into supervisor", sup - 4);
    put_code(np - 7, 7);
    pf_case(&pf_jmp, "fetch straddling into not-present", np - 7);
    /* and one that fits: runs */
    put_code(INSN_WIN_PAGE(INSN_PG_RW3) - 5, 11);
    pf_case(&pf_jmp, "fetch straddling two good pages", INSN_WIN_PAGE(INSN_PG_RW3) - 5);
}

/* ---- #AC ---- */

/* The body sets EFLAGS.AC itself (the harness keeps it clear) */
#define SET_AC "pushfq\n orl $0x40000, (%rsp)\n popfq\n"
INSN_BODY(ac_load8, SET_AC "movq 1(%rdi), %rax");
INSN_BODY(ac_load4, SET_AC "movl 2(%rdi), %eax");
INSN_BODY(ac_load2, SET_AC "movw 1(%rdi), %ax");
INSN_BODY(ac_load1, SET_AC "movb 1(%rdi), %al");
INSN_BODY(ac_load8_4, SET_AC "movq 4(%rdi), %rax");
INSN_BODY(ac_aligned, SET_AC "movq 8(%rdi), %rax\n movl 4(%rdi), %ebx\n movw 2(%rdi), %cx");
INSN_BODY(ac_store, SET_AC "movl %eax, 3(%rdi)");
INSN_BODY(ac_push, SET_AC "subq $4, %rsp\n pushq %rax");
INSN_BODY(ac_movs, SET_AC "leaq 1(%rdi), %rsi\n movsw");
INSN_BODY(ac_cx16b, SET_AC "cmpxchg8b 4(%rdi)");
INSN_BODY(ac_lea, SET_AC "leaq 1(%rdi), %rax\n movq 8(%rdi), %rbx");
INSN_BODY(ac_clear, SET_AC "pushfq\n andl $~0x40000, (%rsp)\n popfq\n movq 1(%rdi), %rax");
INSN_TABLE(ac_table, "ac_load8,ac_load4,ac_load2,ac_load1,ac_load8_4,ac_aligned,ac_store,"
                     "ac_push,ac_movs,ac_cx16b,ac_lea,ac_clear");
static const char ac_names[][24] = {
    "8 bytes at 1", "4 bytes at 2", "2 bytes at 1", "1 byte at 1", "8 bytes at 4",
    "aligned", "store 4 at 3", "push at 4 mod 8", "movsw from 1", "cmpxchg8b at 4",
    "lea is no access", "AC cleared again",
};
#define N_AC (sizeof(ac_names) / sizeof(ac_names[0]))

static void ac_tests(void)
{
    UserRegs r;
    for (unsigned i = 0; i < N_AC; i++) {
        setup(&r);
        insn_run(insn_at(ac_table, i), &r, F_NONE, "#AC: %s", ac_names[i]);
    }
}

/* ---- self-modifying code ---- */

/* The store overwrites the UD2s after it with NOPs */
INSN_BODY(smc_next, "movl $0x90909090, 1f(%rip)\n1: ud2\n ud2\n movl $1, %ebx");
/* The same, through the alias of the code page in the window */
INSN_BODY(smc_alias, "leaq 1f(%rip), %rax\n subq $0x20000, %rax\n addq %rdx, %rax\n"
                     " movl $0x90909090, (%rax)\n1: ud2\n ud2\n movl $2, %ebx");
/* A loop that rewrites its own immediate: each pass adds what the last
 * pass stored */
INSN_BODY(smc_loop, "movl $4, %ecx\n2: addl $0, %eax\n leaq 2b+1(%rip), %rdx\n"
                    " addb $1, (%rdx)\n loop 2b");
/* Code in a window page, called twice with a store between the calls, the
 * second store through the alias of that page */
INSN_BODY(smc_window, "movq %rsi, %r8\n call *%r8\n movl %eax, %ebx\n movb $0x22, 2(%rdi)\n"
                      " call *%r8\n movl %eax, %ecx\n movb $0x33, 2(%rdi)\n call *%r8");

static void smc_tests(void)
{
    UserRegs r;
    setup(&r);
    insn_run(&smc_next, &r, F_NONE, "smc: store to the next instruction");
    setup(&r);
    r.gpr[UR_RDX] = INSN_WIN_PAGE(INSN_PG_ALIAS_CODE);
    insn_run(&smc_alias, &r, F_NONE, "smc: store through an alias of the code page");
    setup(&r);
    r.gpr[UR_RAX] = 0;
    insn_run(&smc_loop, &r, F_NONE, "smc: loop rewriting its immediate");
    /* mov $0x11, %eax; ret at the start of the window's RW page */
    static const uint8_t fn[] = { 0xb8, 0x11, 0, 0, 0, 0xc3 };
    for (unsigned i = 0; i < sizeof(fn); i++) {
        *(volatile uint8_t *)(uintptr_t)(INSN_WIN_PAGE(INSN_PG_RW) + i) = fn[i];
    }
    setup(&r);
    r.gpr[UR_RSI] = INSN_WIN_PAGE(INSN_PG_RW);
    r.gpr[UR_RDI] = INSN_WIN_PAGE(INSN_PG_RW);
    r.gpr[UR_RAX] = 0;
    insn_run(&smc_window, &r, F_NONE, "smc: store to called code");
    setup(&r);
    r.gpr[UR_RSI] = INSN_WIN_PAGE(INSN_PG_RW);
    r.gpr[UR_RDI] = INSN_WIN_PAGE(INSN_PG_ALIAS_RW);
    r.gpr[UR_RAX] = 0;
    insn_run(&smc_window, &r, F_NONE, "smc: store to called code through an alias");
}

/* ---- a fetch from nothing ---- */

static void unassigned_tests(void)
{
    UserRegs r;
    /* Physical memory with no device behind it reads all ones on a PC */
    setup(&r);
    r.gpr[UR_RAX] = INSN_WIN_PAGE(INSN_PG_UNASSIGNED);
    insn_run(&pf_load, &r, F_NONE, "load from unassigned physical memory");
}

/* ---- self-checks ---- */

static void known_results(void)
{
    UserRegs r;
    setup(&r);
    int v = insn_run(&ud_ud2, &r, F_NONE, "known: ud2");
    insn_check_eq((uint64_t)v, VEC_UD, "ud2: #UD");
    insn_check_eq(r.rip, USER_CODE_ADDR, "ud2: RIP at the ud2");

    setup(&r);
    v = insn_run(&int3, &r, F_NONE, "known: int3");
    insn_check_eq((uint64_t)v, VEC_BP, "int3: #BP");
    insn_check_eq(r.rip, USER_CODE_ADDR + 1, "int3: a trap, RIP past it");

    setup(&r);
    r.gpr[UR_RAX] = INSN_WIN_PAGE(INSN_PG_NX);
    put_code(INSN_WIN_PAGE(INSN_PG_NX), 11);
    v = insn_run(&pf_jmp, &r, F_NONE, "known: fetch NX");
    insn_check_eq((uint64_t)v, VEC_PF, "fetch from an NX page: #PF");
    /* P=1, U/S=1, I/D=1 (vol. 3A 4.7) */
    insn_check_eq(r.error_code, 0x15, "fetch from an NX page: error code P U/S I/D");
    insn_check_eq(r.cr2, INSN_WIN_PAGE(INSN_PG_NX), "fetch from an NX page: CR2");

    setup(&r);
    v = insn_run(&ac_load8, &r, F_NONE, "known: #AC");
    insn_check_eq((uint64_t)v, VEC_AC, "misaligned load with CR0.AM and EFLAGS.AC: #AC");
    insn_check_eq(r.error_code, 0, "#AC error code 0");

    setup(&r);
    v = insn_run(&smc_next, &r, F_NONE, "known: smc");
    insn_check_eq((uint64_t)v, VEC_BP, "self-modifying code: the new instructions ran");
    insn_check_eq(r.gpr[UR_RBX], 1, "self-modifying code: past the rewritten bytes");
}

void insn_main(void)
{
    known_results();
    UserRegs r;
    for (unsigned i = 0; i < N_UD; i++) {
        setup(&r);
        insn_run(insn_at(ud_table, i), &r, F_NONE, "%s", ud_names[i]);
    }
    gp_tests();
    int_tests();
    pf_tests();
    ac_tests();
    smc_tests();
    unassigned_tests();
}
