/*
 * The x86 translator's framework: what every gen_<mnemonic> function builds
 * on (translate.c, translate-*.c, and the x87/SSE files).
 *
 * A block is translated one instruction at a time: the decoder fills an
 * X86Insn, common code checks prefixes and privilege, and the gen function
 * registered for insn->mnem emits its IR (accel/tcg/ir.h). Gen functions
 * follow two rules:
 *   - precise faults: nothing visible (a register, a flag, rSP) is written
 *     until every load, store and helper of the instruction that can fault
 *     has been emitted; stores to memory go before register write-back;
 *   - flags are lazy (target/x86/cc.h): a flag-setting instruction ends with
 *     gen_set_cc(), a flag reader uses gen_condition()/gen_compute_eflags().
 *
 * Segment checks: gen_linear() notes which segment and offset a linear
 * address came from, and gen_ld()/gen_st() check the access against that
 * segment as hflags classify it (HF_SEGCHK_*): flat segments cost nothing,
 * an expand-up limit is compared inline, anything else calls
 * helper_seg_check. Accesses that helpers make themselves (x87/SSE state,
 * descriptor tables) are not checked against the segment. Offsets wrap at
 * the address size.
 */
#ifndef TARGET_X86_TRANSLATE_H
#define TARGET_X86_TRANSLATE_H

#include <stdbool.h>
#include <stdint.h>

#include "accel/tcg/exec.h"
#include "accel/tcg/ir.h"
#include "target/x86/cc.h"
#include "target/x86/cpu.h"
#include "target/x86/decode.h"

/* How the block goes on after an instruction. */
typedef enum DisasEnd {
    DISAS_NEXT,     /* translate the next instruction */
    DISAS_EOB_NEXT, /* end the block after this one: rIP = next, back to the
                       CPU loop (hflags changed, interrupts must be checked) */
    DISAS_JUMP,     /* the instruction emitted its own block exit */
    DISAS_NORETURN, /* the instruction always raises an exception */
} DisasEnd;

typedef struct DisasContext {
    X86CPU *cpu;
    X86Insn *insn;      /* the instruction being translated */

    uint64_t cs_base;
    uint64_t pc_start;  /* linear address of the block's first byte */
    uint64_t pc;        /* linear address of the current instruction */
    uint64_t eip;       /* its rIP (pc - cs_base) */
    uint64_t next_eip;  /* rIP of the instruction after it (wrapped per code size) */

    /* Mode, from hflags (constant over the block) */
    uint32_t hflags;
    int code_size;      /* 2, 4 or 8 (64-bit mode) */
    int stack_size;     /* 2, 4 or 8: width of rSP for pushes and pops */
    int cpl;
    int iopl;
    bool pe, vm86, lma, cs64, addseg;
    int mmu_idx;        /* MMU_KERNEL or MMU_USER for ordinary data accesses */

    /* Lazy flags: the record's kind if known at translation time (else
       CC_OP_DYNAMIC), and whether env's cc_op global lags behind it. */
    CCOp cc_op;
    bool cc_op_dirty;
    /* For a static SUB record: the first operand "a" as a temp (zero-extended
       to 64 bits), so JB/JL after CMP compare the operands directly. */
    IRv cc_srcT;

    /* Per instruction: the memory operand's linear address once computed. */
    IRv ea;
    /* Per instruction: linear addresses made by gen_linear() that need a
     * segment check or the SS fault class (newest last, a ring of 4). */
    struct {
        IRv lin, off;
        int seg;
    } segref[4];
    int nsegref;

    DisasEnd end;
    int num_insns;
    int next_slot;      /* next free goto_tb exit slot (0 .. IR_MAX_JUMPS - 1) */
    /* Conditional branches whose not-taken path the block went on
     * translating: their taken paths leave from the end of the block
     * (x86_translate_block emits them), so the flags record, the registers
     * the backend holds and the block itself carry on past the branch. */
    struct {
        IRLabel label;
        uint64_t target;
        CCOp cc_op;
    } side[IR_MAX_JUMPS];
    int nside;
} DisasContext;

/* ---- globals (x86_translate_init) ---- */
extern IRv cpu_regs[16];    /* RAX .. R15, I64 */
extern IRv cpu_rip;         /* I64 */
extern IRv cpu_cc_dst, cpu_cc_src, cpu_cc_src2; /* I64 */
extern IRv cpu_cc_op;       /* I32 (env->cc_op) */
extern IRv cpu_seg_base[SEG_COUNT]; /* I64 segs[i].base */

/* Create the globals and the dispatch table once at start-up (the tcg
 * accelerator's init calls it). */
void x86_translate_init(void);

/* ---- dispatch ---- */
typedef void (*X86GenFn)(DisasContext *s, X86Insn *insn);
typedef struct X86GenRow {
    uint16_t mnem;  /* X86Mnem */
    X86GenFn fn;
} X86GenRow;
/* One table per family file, ended by { M_INVALID, NULL }; translate.c lists
 * them in x86_translate_init(). */
extern const X86GenRow x86_gen_alu_rows[];
extern const X86GenRow x86_gen_shift_rows[];
extern const X86GenRow x86_gen_bits_rows[];
extern const X86GenRow x86_gen_mov_rows[];
extern const X86GenRow x86_gen_ctl_rows[];
extern const X86GenRow x86_gen_string_rows[];
extern const X86GenRow x86_gen_system_rows[];
extern const X86GenRow x86_gen_fpu_rows[];  /* translate-fpu.c */
extern const X86GenRow x86_gen_sse_rows[];  /* translate-sse.c */

/* ---- values ---- */
IRv gen_temp(void);                   /* new I64 temp */
IRv gen_const(uint64_t v);            /* I64 constant */
/* v truncated to size bytes (1, 2, 4, 8), zero- or sign-extended to 64 bits.
 * The result may be v itself (a temp, size 8) or a constant: read it, do not
 * write to it. */
IRv gen_trunc(IRv v, int size);
IRv gen_sext(IRv v, int size);
uint64_t size_mask(int size);         /* 0xff, 0xffff, 0xffffffff, ~0 */
MemOp size_memop(int size);           /* 1 -> MO_8 ... 8 -> MO_64 */

/* ---- registers ---- */
/* GPR reg as an I64 temp, zero-extended from size (high8: AH CH DH BH). */
IRv gen_reg_read(DisasContext *s, int reg, int size, bool high8);
/* Write the low size bytes of v to a GPR with the x86 rules: 8- and 16-bit
 * writes merge, 32-bit writes zero bits 63:32, high8 writes bits 15:8. */
void gen_reg_write(DisasContext *s, int reg, int size, bool high8, IRv v);

/* ---- operands of the current instruction ---- */
/* Operand n: registers and memory as an I64 temp zero-extended from the
 * operand's size (memory is loaded); IMM/REL as the decoded value (already
 * sign- or zero-extended to 64 bits per the notation), not masked. */
IRv gen_op_read(DisasContext *s, int n);
/* Same, sign-extended from the operand's size. */
IRv gen_op_read_sx(DisasContext *s, int n);
/* Operand n zero-extended from size bytes (an immediate masked to size). */
IRv gen_op_read_size(DisasContext *s, int n, int size);
/* Store v's low bytes to operand n (GPR rules as gen_reg_write; memory is
 * stored at the operand's size). Segment registers go elsewhere (mov.c). */
void gen_op_write(DisasContext *s, int n, IRv v);
/* Same, for a v known to be zero-extended from the operand's size (saves
 * the masking). */
void gen_op_write_zx(DisasContext *s, int n, IRv v);
bool op_is_mem(const X86Insn *insn, int n);

/* ---- addresses and memory ---- */
/* Effective address (offset within the segment) of insn->mem, wrapped to
 * the address size: what LEA stores. */
IRv gen_ea_offset(DisasContext *s);
/* Linear address of offset in segment seg (R_ES..R_GS): adds the segment
 * base where the mode uses it (64-bit: FS and GS only; otherwise CS/FS/GS
 * always and DS/ES/SS when HF_ADDSEG), wraps to 32 bits outside 64-bit mode. */
IRv gen_linear(DisasContext *s, IRv offset, int seg);
/* Linear address of the current instruction's memory operand (cached per
 * instruction in s->ea). */
IRv gen_ea(DisasContext *s);
/* Guest loads (to an I64 temp, zero- or sign-extended per op) and stores
 * with the current privilege's MMU index; with alignment checking on
 * (HF_AC: CR0.AM, RFLAGS.AC, CPL 3) a misaligned one raises #AC(0). */
IRv gen_ld(DisasContext *s, IRv addr, MemOp op);
void gen_st(DisasContext *s, IRv v, IRv addr, MemOp op);
/* gen_ld into an existing value (a guest register global). */
void gen_ld_to(DisasContext *s, IRv dst, IRv addr, MemOp op);
/* The #AC check alone, for an access of size bytes made otherwise. */
void gen_check_align(DisasContext *s, IRv addr, unsigned size);
/* 64-bit mode: a near branch to a non-canonical rIP raises #GP(0) at the
 * branch (Intel), before rSP changes. False if it always does (a constant
 * target): the gen function then stops. */
bool gen_check_branch(DisasContext *s, IRv target);

/* ---- stack (SS, stack size of the mode) ---- */
/* Linear address of SS:(rSP + offset), the offset wrapped to the stack size. */
IRv gen_stack_addr(DisasContext *s, int64_t offset);
/* Push v (size bytes): store, then rSP -= size. */
void gen_push(DisasContext *s, IRv v, int size);
/* Load size bytes at SS:(rSP + offset) (zero-extended); rSP unchanged. */
IRv gen_stack_load(DisasContext *s, int64_t offset, int size);
/* rSP += delta, wrapped to the stack size (a 16-bit stack writes SP only). */
void gen_stack_adjust(DisasContext *s, int64_t delta);
/* Operand size of push/pop and near branches: 8 in 64-bit mode unless 66h
 * gives 2; else insn->opsize. */
int stack_opsize(DisasContext *s);

/* ---- lazy flags ---- */
/* Record a flag-setting operation of the given kind and size (base is
 * CC_OP_ADDB, CC_OP_SUBB, ...): stores dst/src/src2 (IR_NONE = unused) to
 * the cc globals. Call it after everything in the instruction that can fault. */
void gen_set_cc(DisasContext *s, CCOp base, int size, IRv dst, IRv src, IRv src2);
/* Set the OSZAPC flags to the bits of flags (an I64 with flags at their
 * rflags positions; other bits ignored): CC_OP_EFLAGS. */
void gen_set_eflags(DisasContext *s, IRv flags);
/* OSZAPC of the current record, as an I64 temp. */
IRv gen_compute_eflags(DisasContext *s);
/* CF as 0/1. */
IRv gen_compute_cf(DisasContext *s);
/* x86 condition cc (0-15, the low nibble of Jcc/SETcc/CMOVcc: O NO B AE E
 * NE BE A S NS P NP L GE LE G) as 0/1 in an I64 temp. */
IRv gen_condition(DisasContext *s, int cc);
/* Branch to l if condition cc holds. */
void gen_brcond_cc(DisasContext *s, int cc, IRLabel l);
/* Bring env's cc_op global up to date (before a helper that reads or
 * writes rflags, and at every block exit). */
void gen_update_cc_op(DisasContext *s);
/* After emitted code that leaves the record in env in a state unknown at
 * translation time (a helper wrote it, or two paths merged): cc_op dynamic. */
void gen_cc_op_dynamic(DisasContext *s);
/* Full rflags (computed arithmetic flags | env->rflags' other bits). */
IRv gen_get_rflags(DisasContext *s);

/* ---- exceptions and block exits ---- */
/* Raise an exception at the current instruction (rIP and flags as before
 * it): s->end = DISAS_NORETURN. */
void gen_exception(DisasContext *s, int vector);
void gen_exception_err(DisasContext *s, int vector, uint32_t error_code);
/* Raise it only when cond(a, b) holds; translation goes on otherwise. A
 * vector with an error code (#GP, #SS, ...) gets 0. */
void gen_exception_if(DisasContext *s, IRCond cond, IRv a, IRv b, int vector);
/* Common checks for x87 (#NM on CR0.EM/TS) and SSE/MMX (#UD on CR0.EM or,
 * for SSE, !CR4.OSFXSR; #NM on CR0.TS) instructions. Return false after
 * raising the exception (the gen function must then return). The dispatcher
 * already applies them to rows flagged X86_INSN_X87 / X86_INSN_SSE. */
bool gen_check_x87(DisasContext *s);
bool gen_check_sse(DisasContext *s);
/* A conditional branch to eip, taken when the condition jumped to label
 * holds: true if the block goes on with the not-taken path (the taken path
 * is emitted at the block's end), false if the caller must end the block. */
bool gen_side_exit(DisasContext *s, IRLabel label, uint64_t eip);

/* Direct jump to rIP eip (chained through a goto_tb slot): s->end = DISAS_JUMP. */
void gen_jmp(DisasContext *s, uint64_t eip);
/* Jump to the rIP in eip (an I64): stores RIP, looks the target up. */
void gen_jmp_indirect(DisasContext *s, IRv eip);
/* End the block after a helper that set env->rip (and maybe CS, hflags,
 * the flags record) itself: cc_op becomes dynamic, the CPU loop looks the
 * next block up (with the single-step trap under RFLAGS.TF). */
void gen_eob_env(DisasContext *s);
/* End the block after this instruction: store RIP = next_eip and return to
 * the CPU loop (for hflags changes and interrupt windows). */
void gen_eob_next(DisasContext *s);
/* Store RIP = next_eip now (before a helper that needs it, e.g. one that
 * calls cpu_loop_exit()). */
void gen_store_next_rip(DisasContext *s);

/* Helper call shorthands: flags for a helper that may raise an exception
 * and read or write env (all globals synced) vs a pure computation. */
#define HELPER_ENV 0
#define HELPER_PURE (IR_CALL_PURE | IR_CALL_NO_GLOBALS | IR_CALL_NO_FAULT)
/* Helpers that neither read nor write the IR's globals (general registers,
 * rIP, lazy flags, segment bases) but may fault: x87, MMX and SSE work on
 * their own state in env. Backends keep guest registers cached across
 * them. */
#define HELPER_NOREGS IR_CALL_NO_GLOBALS

/* Vectors used by the translator (SDM vol. 3A, 6.3.1). */
enum {
    X86_EXCP_DE = 0,
    X86_EXCP_DB = 1,
    X86_EXCP_BP = 3,
    X86_EXCP_OF = 4,
    X86_EXCP_BR = 5,
    X86_EXCP_UD = 6,
    X86_EXCP_NM = 7,
    X86_EXCP_TS = 10,
    X86_EXCP_NP = 11,
    X86_EXCP_SS = 12,
    X86_EXCP_GP = 13,
    X86_EXCP_PF = 14,
    X86_EXCP_MF = 16,
    X86_EXCP_AC = 17,
    X86_EXCP_XF = 19,
};

#endif
