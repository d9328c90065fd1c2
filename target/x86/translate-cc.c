/*
 * Lazy condition codes in generated code (the record is described in
 * cc.h). Conditions (Intel SDM vol. 1, appendix B, "EFLAGS Condition
 * Codes") are computed straight from the recorded operands where the record
 * kind makes that cheap -- JB after CMP is an unsigned compare of the two
 * operands, JZ after anything is a test of the result -- and from the full
 * flags (helper_cc_compute_all) otherwise.
 */
#include "target/x86/translate.h"

#include <stddef.h>

/* Condition numbers: the low nibble of Jcc/SETcc/CMOVcc, halved. */
enum { JCC_O, JCC_B, JCC_Z, JCC_BE, JCC_S, JCC_P, JCC_L, JCC_LE };

typedef struct CCPrep {
    IRCond cond;
    IRv a, b;
} CCPrep;

void gen_update_cc_op(DisasContext *s)
{
    if (s->cc_op_dirty && s->cc_op != CC_OP_DYNAMIC) {
        ir_movi(cpu_cc_op, s->cc_op);
    }
    s->cc_op_dirty = false;
}

void gen_cc_op_dynamic(DisasContext *s)
{
    s->cc_op = CC_OP_DYNAMIC;
    s->cc_op_dirty = false;
    s->cc_srcT = IR_NONE;
}

void gen_set_cc(DisasContext *s, CCOp base, int size, IRv dst, IRv src, IRv src2)
{
    if (dst != IR_NONE) {
        ir_mov(cpu_cc_dst, dst);
    }
    if (src != IR_NONE) {
        ir_mov(cpu_cc_src, src);
    }
    if (src2 != IR_NONE) {
        ir_mov(cpu_cc_src2, src2);
    }
    s->cc_op = (CCOp)(base + size_memop(size));
    s->cc_op_dirty = true;
    s->cc_srcT = IR_NONE;
}

void gen_set_eflags(DisasContext *s, IRv flags)
{
    ir_andi(cpu_cc_src, flags, CC_OSZAPC);
    s->cc_op = CC_OP_EFLAGS;
    s->cc_op_dirty = true;
    s->cc_srcT = IR_NONE;
}

static IRv cc_op_value(DisasContext *s)
{
    if (s->cc_op != CC_OP_DYNAMIC) {
        return gen_const(s->cc_op);
    }
    IRv t = gen_temp();
    ir_extu_i32_i64(t, cpu_cc_op);
    return t;
}

IRv gen_compute_eflags(DisasContext *s)
{
    IRv t = gen_temp();
    if (s->cc_op == CC_OP_EFLAGS) {
        ir_andi(t, cpu_cc_src, CC_OSZAPC);
        return t;
    }
    ir_call4(helper_cc_compute_all, HELPER_PURE, t, cc_op_value(s), cpu_cc_dst, cpu_cc_src,
             cpu_cc_src2);
    return t;
}

IRv gen_get_rflags(DisasContext *s)
{
    IRv rf = gen_temp();
    ir_ld_env(rf, offsetof(X86CPUState, rflags), MO_64);
    ir_andi(rf, rf, ~(uint64_t)CC_OSZAPC);
    ir_or(rf, rf, gen_compute_eflags(s));
    ir_ori(rf, rf, RFLAGS_FIXED1);
    return rf;
}

static int cc_size(DisasContext *s)
{
    return 1 << CC_OP_SIZE(s->cc_op);
}

/* The first operand of a SUB record, a = dst + src. */
static IRv cc_sub_a(DisasContext *s)
{
    if (s->cc_srcT != IR_NONE) {
        return s->cc_srcT;
    }
    IRv t = gen_temp();
    ir_add(t, cpu_cc_dst, cpu_cc_src);
    return gen_trunc(t, cc_size(s));
}

static CCPrep prep(IRCond c, IRv a, IRv b)
{
    return (CCPrep){ c, a, b };
}

static CCPrep prep_never(void)
{
    return prep(IR_NE, gen_const(0), gen_const(0));
}

static CCPrep prep_from_flags(IRv flags, int jcc)
{
    static const uint64_t bit[] = {
        [JCC_O] = RFLAGS_OF, [JCC_B] = RFLAGS_CF, [JCC_Z] = RFLAGS_ZF,
        [JCC_BE] = RFLAGS_CF | RFLAGS_ZF, [JCC_S] = RFLAGS_SF, [JCC_P] = RFLAGS_PF,
    };
    if (jcc < JCC_L) {
        return prep(IR_TSTNE, flags, gen_const(bit[jcc]));
    }
    /* SF ^ OF: move SF (bit 7) onto OF (bit 11) */
    IRv t = gen_temp();
    ir_shli(t, flags, 4);
    ir_xor(t, t, flags);
    ir_andi(t, t, RFLAGS_OF);
    if (jcc == JCC_LE) {
        IRv z = gen_temp();
        ir_andi(z, flags, RFLAGS_ZF);
        ir_or(t, t, z);
    }
    return prep(IR_NE, t, gen_const(0));
}

/* CF of an ADC/SBB record, 0 or 1 (cc.h). */
static IRv gen_cf_adc_sbb(DisasContext *s, bool sbb)
{
    int size = cc_size(s);
    IRv a = gen_temp(), with = gen_temp(), without = gen_temp(), cf = gen_temp();
    if (sbb) {
        ir_add(a, cpu_cc_dst, cpu_cc_src);
        ir_add(a, a, cpu_cc_src2);
        a = gen_trunc(a, size);
        ir_setcond(IR_LEU, with, a, cpu_cc_src);
        ir_setcond(IR_LTU, without, a, cpu_cc_src);
    } else {
        ir_sub(a, cpu_cc_dst, cpu_cc_src);
        ir_sub(a, a, cpu_cc_src2);
        a = gen_trunc(a, size);
        ir_setcond(IR_LEU, with, cpu_cc_dst, a);
        ir_setcond(IR_LTU, without, cpu_cc_dst, a);
    }
    ir_movcond(IR_NE, cf, cpu_cc_src2, gen_const(0), with, without);
    return cf;
}

static CCPrep prep_cc(DisasContext *s, int jcc)
{
    CCOp op = s->cc_op;
    if (op == CC_OP_EFLAGS) {
        return prep_from_flags(cpu_cc_src, jcc);
    }
    if (op == CC_OP_DYNAMIC || op >= CC_OP_NB) {
        return prep_from_flags(gen_compute_eflags(s), jcc);
    }
    unsigned kind = CC_OP_KIND(op);
    int size = cc_size(s);
    uint64_t msb = 1ull << (8 * size - 1);

    switch (jcc) {
    case JCC_Z:
        if (kind == CC_OP_MULB) {
            return prep_never(); /* cc.h: ZF is 0 after MUL */
        }
        return prep(IR_EQ, cpu_cc_dst, gen_const(0));
    case JCC_S:
        return prep(IR_TSTNE, cpu_cc_dst, gen_const(msb));
    case JCC_B:
        switch (kind) {
        case CC_OP_SUBB:
            return prep(IR_LTU, cc_sub_a(s), cpu_cc_src);
        case CC_OP_ADDB:
            return prep(IR_LTU, cpu_cc_dst, cpu_cc_src);
        case CC_OP_LOGICB:
            return prep_never();
        case CC_OP_INCB:
        case CC_OP_DECB:
        case CC_OP_SARB:
            return prep(IR_TSTNE, cpu_cc_src, gen_const(1));
        case CC_OP_SHLB:
            return prep(IR_TSTNE, cpu_cc_src, gen_const(msb));
        case CC_OP_MULB:
            return prep(IR_NE, cpu_cc_src, gen_const(0));
        case CC_OP_ADCB:
        case CC_OP_SBBB:
            return prep(IR_NE, gen_cf_adc_sbb(s, kind == CC_OP_SBBB), gen_const(0));
        }
        break;
    case JCC_BE:
        if (kind == CC_OP_SUBB) {
            return prep(IR_LEU, cc_sub_a(s), cpu_cc_src);
        }
        if (kind == CC_OP_LOGICB) {
            return prep(IR_EQ, cpu_cc_dst, gen_const(0));
        }
        break;
    case JCC_L:
    case JCC_LE: {
        IRCond c = jcc == JCC_L ? IR_LT : IR_LE;
        if (kind == CC_OP_SUBB) {
            return prep(c, gen_sext(cc_sub_a(s), size), gen_sext(cpu_cc_src, size));
        }
        if (kind == CC_OP_LOGICB) {
            return prep(c, gen_sext(cpu_cc_dst, size), gen_const(0));
        }
        break;
    }
    case JCC_O:
        if (kind == CC_OP_LOGICB) {
            return prep_never();
        }
        if (kind == CC_OP_MULB) {
            return prep(IR_NE, cpu_cc_src, gen_const(0));
        }
        break;
    }
    return prep_from_flags(gen_compute_eflags(s), jcc);
}

static CCPrep prep_condition(DisasContext *s, int cc)
{
    CCPrep p = prep_cc(s, (cc >> 1) & 7);
    if (cc & 1) {
        p.cond = ir_cond_invert(p.cond);
    }
    return p;
}

IRv gen_condition(DisasContext *s, int cc)
{
    CCPrep p = prep_condition(s, cc);
    IRv t = gen_temp();
    ir_setcond(p.cond, t, p.a, p.b);
    return t;
}

void gen_brcond_cc(DisasContext *s, int cc, IRLabel l)
{
    CCPrep p = prep_condition(s, cc);
    ir_brcond(p.cond, p.a, p.b, l);
}

IRv gen_compute_cf(DisasContext *s)
{
    if (s->cc_op == CC_OP_EFLAGS) {
        IRv t = gen_temp();
        ir_andi(t, cpu_cc_src, RFLAGS_CF);
        return t;
    }
    if (s->cc_op == CC_OP_DYNAMIC) {
        IRv t = gen_temp();
        ir_call4(helper_cc_compute_c, HELPER_PURE, t, cc_op_value(s), cpu_cc_dst, cpu_cc_src,
                 cpu_cc_src2);
        return t;
    }
    unsigned kind = CC_OP_KIND(s->cc_op);
    if (kind == CC_OP_ADCB || kind == CC_OP_SBBB) {
        return gen_cf_adc_sbb(s, kind == CC_OP_SBBB);
    }
    return gen_condition(s, 2 /* B */);
}
