/*
 * x87 instructions (the D8-DF escapes, WAIT, FXSAVE/FXRSTOR): Intel SDM
 * vol. 1, ch. 8, and the instruction pages of vol. 2.
 *
 * Every x87 instruction is a call of one fpu_helper.c function; the
 * translator adds what the SDM attaches to the instruction class:
 *  - #NM for CR0.EM/TS (the dispatcher, from the X87 row flag; WAIT here:
 *    CR0.MP and TS);
 *  - a waiting instruction (all but FNINIT FNCLEX FNSTCW FNSTSW FNSTENV
 *    FNSAVE FXSAVE FXRSTOR) first takes a pending unmasked exception as
 *    #MF (8.6, helper_fwait);
 *  - a non-control instruction records its rIP as the last instruction
 *    pointer, and, as current Intel parts do (CPUID.7.EBX[6]), its opcode
 *    and data pointer only when it raised an unmasked exception (8.1.8-9).
 * Memory operands are loaded here and passed as values; stores are made
 * by the helper, which has the value's format conversion and must skip the
 * store after an unmasked exception.
 */
#include "target/x86/fpu-internal.h"
#include "target/x86/fpu_helper.h"
#include "target/x86/translate.h"

#define ENV_FX(off) (offsetof(X86CPUState, fxsave) + (off))

/* A pending unmasked exception (FSW.ES) faults before a waiting instruction. */
static void gen_fpu_wait(DisasContext *s)
{
    IRv fsw = gen_temp();
    IRLabel ok = ir_label_new();
    ir_ld_env(fsw, ENV_FX(FX_FSW), MO_16);
    ir_brcondi(IR_TSTEQ, fsw, FSW_ES, ok);
    ir_call0(helper_fwait, HELPER_NOREGS, IR_NONE);
    ir_label_set(ok);
}

/* The last-instruction pointers of a non-control instruction: FIP always,
 * FOP and FDP when it left an unmasked exception pending. fdp is the
 * memory operand's offset (IR_NONE for register forms). */
static void gen_fpu_last_insn(DisasContext *s, X86Insn *insn, IRv fdp)
{
    bool real = !s->pe || s->vm86;
    IRv fsw = gen_temp();
    IRLabel done = ir_label_new();

    ir_st_env(gen_const(real ? s->pc : s->eip), ENV_FX(FX_FIP), MO_64);
    ir_ld_env(fsw, ENV_FX(FX_FSW), MO_16);
    ir_brcondi(IR_TSTEQ, fsw, FSW_ES, done);
    ir_st_env(gen_const((uint64_t)(insn->opcode & 7) << 8 | insn->modrm), ENV_FX(FX_FOP), MO_16);
    if (fdp != IR_NONE) {
        ir_st_env(fdp, ENV_FX(FX_FDP), MO_64);
    }
    ir_label_set(done);
}

/* The memory operand of the current instruction: its linear address, and
 * what FDP records of it (the offset, or the linear address in real and
 * virtual-8086 mode). */
static IRv gen_fpu_fdp(DisasContext *s)
{
    return (!s->pe || s->vm86) ? gen_ea(s) : gen_ea_offset(s);
}

static bool is_mem(X86Insn *insn)
{
    return insn->nops >= 1 && insn->op[0].kind == OPK_MEM;
}

/* ---- arithmetic ---- */

static int arith_index(int mnem)
{
    switch (mnem) {
    case M_FADD: case M_FADDP: case M_FIADD:
        return 0;
    case M_FMUL: case M_FMULP: case M_FIMUL:
        return 1;
    case M_FSUB: case M_FSUBP: case M_FISUB:
        return 2;
    case M_FSUBR: case M_FSUBRP: case M_FISUBR:
        return 3;
    case M_FDIV: case M_FDIVP: case M_FIDIV:
        return 4;
    default: /* FDIVR FDIVRP FIDIVR */
        return 5;
    }
}

static void gen_farith(DisasContext *s, X86Insn *insn)
{
    int k = arith_index(insn->mnem);
    gen_fpu_wait(s);
    if (is_mem(insn)) {
        int m = insn->mnem;
        bool integer = m == M_FIADD || m == M_FIMUL || m == M_FISUB || m == M_FISUBR ||
                       m == M_FIDIV || m == M_FIDIVR;
        int size = insn->op[0].size;
        int base = integer ? (size == 2 ? HX87_FIADD_M16 : HX87_FIADD_M32)
                           : (size == 8 ? HX87_FADD_M64 : HX87_FADD_M32);
        IRv fdp = gen_fpu_fdp(s);
        IRv v = gen_ld(s, gen_ea(s), size_memop(size));
        ir_call2(helper_fpu_arith_mem, HELPER_NOREGS, IR_NONE, gen_const((uint64_t)(base + k)), v);
        gen_fpu_last_insn(s, insn, fdp);
        return;
    }
    bool pop = insn->mnem == M_FADDP || insn->mnem == M_FMULP || insn->mnem == M_FSUBP ||
               insn->mnem == M_FSUBRP || insn->mnem == M_FDIVP || insn->mnem == M_FDIVRP;
    ir_call4(helper_fpu_arith, HELPER_NOREGS, IR_NONE, gen_const((uint64_t)(HX87_FADD + k)),
             gen_const(insn->op[0].reg), gen_const(insn->op[1].reg), gen_const(pop));
    gen_fpu_last_insn(s, insn, IR_NONE);
}

/* ---- compares ---- */

static void gen_fcom(DisasContext *s, X86Insn *insn)
{
    int m = insn->mnem;
    gen_fpu_wait(s);
    if (is_mem(insn)) {
        int size = insn->op[0].size;
        bool integer = m == M_FICOM || m == M_FICOMP;
        HX87Op op = integer ? (size == 2 ? HX87_FICOM_M16 : HX87_FICOM_M32)
                            : (size == 8 ? HX87_FCOM_M64 : HX87_FCOM_M32);
        IRv fdp = gen_fpu_fdp(s);
        IRv v = gen_ld(s, gen_ea(s), size_memop(size));
        ir_call3(helper_fpu_com_mem, HELPER_NOREGS, IR_NONE, gen_const(op), v,
                 gen_const(m == M_FCOMP || m == M_FICOMP));
        gen_fpu_last_insn(s, insn, fdp);
        return;
    }
    bool unordered = m == M_FUCOM || m == M_FUCOMP || m == M_FUCOMPP;
    int npop = (m == M_FCOMPP || m == M_FUCOMPP) ? 2 : (m == M_FCOMP || m == M_FUCOMP) ? 1 : 0;
    int i = insn->nops >= 1 ? insn->op[0].reg : 1;
    ir_call3(helper_fpu_com, HELPER_NOREGS, IR_NONE, gen_const(unordered ? HX87_FUCOM : HX87_FCOM),
             gen_const((uint64_t)i), gen_const((uint64_t)npop));
    gen_fpu_last_insn(s, insn, IR_NONE);
}

static void gen_fcomi(DisasContext *s, X86Insn *insn)
{
    int m = insn->mnem;
    bool unordered = m == M_FUCOMI || m == M_FUCOMIP;
    IRv flags = gen_temp();

    gen_fpu_wait(s);
    IRv before = gen_compute_eflags(s);
    ir_call4(helper_fpu_comi, HELPER_NOREGS, flags, gen_const(unordered ? HX87_FUCOM : HX87_FCOM),
             gen_const(insn->op[1].reg), gen_const(m == M_FCOMIP || m == M_FUCOMIP), before);
    gen_set_eflags(s, flags);
    gen_fpu_last_insn(s, insn, IR_NONE);
}

/* ---- loads ---- */

static void gen_fld(DisasContext *s, X86Insn *insn)
{
    int m = insn->mnem;
    gen_fpu_wait(s);
    if (!is_mem(insn)) {
        ir_call1(helper_fpu_fld_st, HELPER_NOREGS, IR_NONE, gen_const(insn->op[0].reg));
        gen_fpu_last_insn(s, insn, IR_NONE);
        return;
    }
    int size = insn->op[0].size;
    IRv fdp = gen_fpu_fdp(s);
    IRv ea = gen_ea(s);
    IRv lo = gen_ld(s, ea, size == 10 ? MO_64 : size_memop(size));
    IRv hi = gen_const(0);
    if (size == 10) {
        IRv a8 = gen_temp();
        ir_addi(a8, ea, 8);
        if (!s->cs64) {
            ir_ext32u(a8, a8);
        }
        hi = gen_ld(s, a8, MO_16);
    }
    if (m == M_FLD && size == 10) {
        ir_call2(helper_fpu_fld80, HELPER_NOREGS, IR_NONE, lo, hi);
    } else {
        HX87Op op = m == M_FBLD ? HX87_FBLD
                    : m == M_FILD ? (size == 2 ? HX87_FILD_M16 : size == 4 ? HX87_FILD_M32
                                                                          : HX87_FILD_M64)
                                  : (size == 4 ? HX87_FLD_M32 : HX87_FLD_M64);
        ir_call3(helper_fpu_load, HELPER_NOREGS, IR_NONE, gen_const(op), lo, hi);
    }
    gen_fpu_last_insn(s, insn, fdp);
}

static void gen_fldconst(DisasContext *s, X86Insn *insn)
{
    static const int k[] = { [M_FLD1 - M_FLD1] = HX87_FLD1, [M_FLDL2T - M_FLD1] = HX87_FLDL2T,
                             [M_FLDL2E - M_FLD1] = HX87_FLDL2E, [M_FLDPI - M_FLD1] = HX87_FLDPI,
                             [M_FLDLG2 - M_FLD1] = HX87_FLDLG2, [M_FLDLN2 - M_FLD1] = HX87_FLDLN2,
                             [M_FLDZ - M_FLD1] = HX87_FLDZ };
    gen_fpu_wait(s);
    ir_call3(helper_fpu_load, HELPER_NOREGS, IR_NONE, gen_const((uint64_t)k[insn->mnem - M_FLD1]),
             gen_const(0), gen_const(0));
    gen_fpu_last_insn(s, insn, IR_NONE);
}

/* ---- stores ---- */

static void gen_fst(DisasContext *s, X86Insn *insn)
{
    int m = insn->mnem;
    bool pop = m == M_FSTP || m == M_FISTP || m == M_FISTTP || m == M_FBSTP;

    gen_fpu_wait(s);
    if (!is_mem(insn)) {
        uint64_t mode = (pop ? FST_ST_POP : 0) | (insn->opcode == 0xd9 ? FST_ST_ALIAS_D9 : 0);
        ir_call2(helper_fpu_fst_st, HELPER_NOREGS, IR_NONE, gen_const(insn->op[0].reg),
                 gen_const(mode));
        gen_fpu_last_insn(s, insn, IR_NONE);
        return;
    }
    int size = insn->op[0].size;
    IRv fdp = gen_fpu_fdp(s);
    IRv ea = gen_ea(s);
    if (m == M_FSTP && size == 10) {
        ir_call1(helper_fpu_fstp80, HELPER_NOREGS, IR_NONE, ea);
    } else {
        HX87Op op;
        switch (m) {
        case M_FST:
        case M_FSTP:
            op = size == 4 ? HX87_FST_M32 : HX87_FST_M64;
            break;
        case M_FIST:
        case M_FISTP:
            op = size == 2 ? HX87_FIST_M16 : size == 4 ? HX87_FIST_M32 : HX87_FISTP_M64;
            break;
        case M_FISTTP:
            op = size == 2 ? HX87_FISTTP_M16 : size == 4 ? HX87_FISTTP_M32 : HX87_FISTTP_M64;
            break;
        default:
            op = HX87_FBSTP;
            break;
        }
        ir_call3(helper_fpu_store, HELPER_NOREGS, IR_NONE, gen_const(op), ea, gen_const(pop));
    }
    gen_fpu_last_insn(s, insn, fdp);
}

/* ---- the stack top, register moves ---- */

static void gen_fop(DisasContext *s, X86Insn *insn)
{
    HX87Op op;
    switch (insn->mnem) {
    case M_FCHS: op = HX87_FCHS; break;
    case M_FABS: op = HX87_FABS; break;
    case M_FTST: op = HX87_FTST; break;
    case M_FXAM: op = HX87_FXAM; break;
    case M_F2XM1: op = HX87_F2XM1; break;
    case M_FYL2X: op = HX87_FYL2X; break;
    case M_FPTAN: op = HX87_FPTAN; break;
    case M_FPATAN: op = HX87_FPATAN; break;
    case M_FXTRACT: op = HX87_FXTRACT; break;
    case M_FPREM1: op = HX87_FPREM1; break;
    case M_FPREM: op = HX87_FPREM; break;
    case M_FYL2XP1: op = HX87_FYL2XP1; break;
    case M_FSQRT: op = HX87_FSQRT; break;
    case M_FSINCOS: op = HX87_FSINCOS; break;
    case M_FRNDINT: op = HX87_FRNDINT; break;
    case M_FSCALE: op = HX87_FSCALE; break;
    case M_FSIN: op = HX87_FSIN; break;
    default: op = HX87_FCOS; break;
    }
    gen_fpu_wait(s);
    ir_call1(helper_fpu_op, HELPER_NOREGS, IR_NONE, gen_const(op));
    gen_fpu_last_insn(s, insn, IR_NONE);
}

static void gen_fxch(DisasContext *s, X86Insn *insn)
{
    gen_fpu_wait(s);
    ir_call1(helper_fpu_fxch, HELPER_NOREGS, IR_NONE, gen_const(insn->op[0].reg));
    gen_fpu_last_insn(s, insn, IR_NONE);
}

static void gen_fcmov(DisasContext *s, X86Insn *insn)
{
    static const int cc[] = {
        [M_FCMOVB - M_FCMOVB] = 2, [M_FCMOVE - M_FCMOVB] = 4, [M_FCMOVBE - M_FCMOVB] = 6,
        [M_FCMOVU - M_FCMOVB] = 10, [M_FCMOVNB - M_FCMOVB] = 3, [M_FCMOVNE - M_FCMOVB] = 5,
        [M_FCMOVNBE - M_FCMOVB] = 7, [M_FCMOVNU - M_FCMOVB] = 11,
    };
    gen_fpu_wait(s);
    IRv cond = gen_condition(s, cc[insn->mnem - M_FCMOVB]);
    ir_call2(helper_fpu_fcmov, HELPER_NOREGS, IR_NONE, gen_const(insn->op[1].reg), cond);
    gen_fpu_last_insn(s, insn, IR_NONE);
}

static void gen_ffree(DisasContext *s, X86Insn *insn)
{
    gen_fpu_wait(s);
    ir_call2(helper_fpu_ffree, HELPER_NOREGS, IR_NONE, gen_const(insn->op[0].reg),
             gen_const(insn->mnem == M_FFREEP));
    gen_fpu_last_insn(s, insn, IR_NONE);
}

static void gen_fstack(DisasContext *s, X86Insn *insn)
{
    gen_fpu_wait(s);
    ir_call1(helper_fpu_stack_adjust, HELPER_NOREGS, IR_NONE,
             gen_const(insn->mnem == M_FINCSTP ? 1 : 7));
    gen_fpu_last_insn(s, insn, IR_NONE);
}

static void gen_fnop(DisasContext *s, X86Insn *insn)
{
    gen_fpu_wait(s);
    gen_fpu_last_insn(s, insn, IR_NONE);
}

/* ---- control instructions ---- */

static void gen_fninit(DisasContext *s, X86Insn *insn)
{
    ir_call0(insn->mnem == M_FNINIT ? helper_fpu_fninit : helper_fpu_fnclex, HELPER_NOREGS, IR_NONE);
}

static void gen_fldcw(DisasContext *s, X86Insn *insn)
{
    gen_fpu_wait(s);
    IRv v = gen_ld(s, gen_ea(s), MO_16);
    ir_call1(helper_fpu_fldcw, HELPER_NOREGS, IR_NONE, v);
}

static void gen_fnstcw(DisasContext *s, X86Insn *insn)
{
    IRv v = gen_temp();
    ir_ld_env(v, ENV_FX(FX_FCW), MO_16);
    gen_st(s, v, gen_ea(s), MO_16);
}

static void gen_fnstsw(DisasContext *s, X86Insn *insn)
{
    IRv v = gen_temp();
    ir_ld_env(v, ENV_FX(FX_FSW), MO_16);
    if (is_mem(insn)) {
        gen_st(s, v, gen_ea(s), MO_16);
    } else {
        gen_reg_write(s, R_EAX, 2, false, v);
    }
}

/* FNSTENV FLDENV FNSAVE FRSTOR: the 14- or 28-byte image by operand size */
static void gen_fenv(DisasContext *s, X86Insn *insn)
{
    IRv size = gen_const(insn->opsize == 2 ? 2 : 4);
    IRv ea = gen_ea(s);
    switch (insn->mnem) {
    case M_FLDENV:
        gen_fpu_wait(s);
        ir_call2(helper_fpu_fldenv, HELPER_NOREGS, IR_NONE, ea, size);
        break;
    case M_FRSTOR:
        gen_fpu_wait(s);
        ir_call2(helper_fpu_frstor, HELPER_NOREGS, IR_NONE, ea, size);
        break;
    case M_FNSTENV:
        ir_call2(helper_fpu_fnstenv, HELPER_NOREGS, IR_NONE, ea, size);
        break;
    default:
        ir_call2(helper_fpu_fnsave, HELPER_NOREGS, IR_NONE, ea, size);
        break;
    }
}

static void gen_fxsave(DisasContext *s, X86Insn *insn)
{
    IRv rexw = gen_const((insn->rex & 8) != 0);
    ir_call2(insn->mnem == M_FXSAVE ? helper_fxsave : helper_fxrstor, HELPER_NOREGS, IR_NONE,
             gen_ea(s), rexw);
}

/* WAIT/FWAIT: #NM only when CR0.MP and CR0.TS are both set (vol. 3A, 2.5). */
static void gen_wait(DisasContext *s, X86Insn *insn)
{
    if ((s->hflags & HF_MP) && (s->hflags & HF_TS)) {
        gen_exception(s, X86_EXCP_NM);
        return;
    }
    gen_fpu_wait(s);
}

const X86GenRow x86_gen_fpu_rows[] = {
    { M_FADD, gen_farith },     { M_FADDP, gen_farith },    { M_FIADD, gen_farith },
    { M_FMUL, gen_farith },     { M_FMULP, gen_farith },    { M_FIMUL, gen_farith },
    { M_FSUB, gen_farith },     { M_FSUBP, gen_farith },    { M_FISUB, gen_farith },
    { M_FSUBR, gen_farith },    { M_FSUBRP, gen_farith },   { M_FISUBR, gen_farith },
    { M_FDIV, gen_farith },     { M_FDIVP, gen_farith },    { M_FIDIV, gen_farith },
    { M_FDIVR, gen_farith },    { M_FDIVRP, gen_farith },   { M_FIDIVR, gen_farith },
    { M_FCOM, gen_fcom },       { M_FCOMP, gen_fcom },      { M_FCOMPP, gen_fcom },
    { M_FUCOM, gen_fcom },      { M_FUCOMP, gen_fcom },     { M_FUCOMPP, gen_fcom },
    { M_FICOM, gen_fcom },      { M_FICOMP, gen_fcom },
    { M_FCOMI, gen_fcomi },     { M_FCOMIP, gen_fcomi },    { M_FUCOMI, gen_fcomi },
    { M_FUCOMIP, gen_fcomi },
    { M_FLD, gen_fld },         { M_FILD, gen_fld },        { M_FBLD, gen_fld },
    { M_FLD1, gen_fldconst },   { M_FLDL2T, gen_fldconst }, { M_FLDL2E, gen_fldconst },
    { M_FLDPI, gen_fldconst },  { M_FLDLG2, gen_fldconst }, { M_FLDLN2, gen_fldconst },
    { M_FLDZ, gen_fldconst },
    { M_FST, gen_fst },         { M_FSTP, gen_fst },        { M_FIST, gen_fst },
    { M_FISTP, gen_fst },       { M_FISTTP, gen_fst },      { M_FBSTP, gen_fst },
    { M_FCHS, gen_fop },        { M_FABS, gen_fop },        { M_FTST, gen_fop },
    { M_FXAM, gen_fop },        { M_F2XM1, gen_fop },       { M_FYL2X, gen_fop },
    { M_FPTAN, gen_fop },       { M_FPATAN, gen_fop },      { M_FXTRACT, gen_fop },
    { M_FPREM1, gen_fop },      { M_FPREM, gen_fop },       { M_FYL2XP1, gen_fop },
    { M_FSQRT, gen_fop },       { M_FSINCOS, gen_fop },     { M_FRNDINT, gen_fop },
    { M_FSCALE, gen_fop },      { M_FSIN, gen_fop },        { M_FCOS, gen_fop },
    { M_FXCH, gen_fxch },
    { M_FCMOVB, gen_fcmov },    { M_FCMOVE, gen_fcmov },    { M_FCMOVBE, gen_fcmov },
    { M_FCMOVU, gen_fcmov },    { M_FCMOVNB, gen_fcmov },   { M_FCMOVNE, gen_fcmov },
    { M_FCMOVNBE, gen_fcmov },  { M_FCMOVNU, gen_fcmov },
    { M_FFREE, gen_ffree },     { M_FFREEP, gen_ffree },
    { M_FINCSTP, gen_fstack },  { M_FDECSTP, gen_fstack },  { M_FNOP, gen_fnop },
    { M_FNINIT, gen_fninit },   { M_FNCLEX, gen_fninit },
    { M_FLDCW, gen_fldcw },     { M_FNSTCW, gen_fnstcw },   { M_FNSTSW, gen_fnstsw },
    { M_FLDENV, gen_fenv },     { M_FNSTENV, gen_fenv },    { M_FRSTOR, gen_fenv },
    { M_FNSAVE, gen_fenv },
    { M_FXSAVE, gen_fxsave },   { M_FXRSTOR, gen_fxsave },
    { M_WAIT, gen_wait },       { M_FWAIT, gen_wait },
    { M_INVALID, NULL },
};
