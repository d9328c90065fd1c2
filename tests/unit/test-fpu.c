/*
 * x87 helpers against the host CPU (tests/unit/x86-oracle.h): every x87
 * data instruction on random register stacks (tags, TOP, NaNs, denormals,
 * unnormals, infinities, every precision and rounding control, random
 * exception masks) must leave the same FCW, FSW (flags, C0-C3, TOP, ES),
 * tags, registers and memory as the real instruction; the environment and
 * FXSAVE images must match the host's byte for byte except FIP/FDP/FOP,
 * which the host fills with its own addresses.
 */
#include "target/x86/cc.h"
#include "target/x86/excp.h"
#include "target/x86/fpu_helper.h"
#include "target/x86/host-fpu.h"
#include "target/x86/sse_helper.h"
#include "tests/unit/x86-oracle.h"
#include "tests/unit/x86-rand.h"

static bool x87_equal(const uint8_t *host, const uint8_t *fx)
{
    if (memcmp(host, fx, 5)) { /* FCW FSW FTW */
        return false;
    }
    for (int i = 0; i < 8; i++) {
        if (memcmp(host + FX_ST(i), fx + FX_ST(i), 10)) {
            return false;
        }
    }
    return true;
}

static void x87_diff(const uint8_t *in, const uint8_t *host, const uint8_t *fx)
{
    g_test_message("  fcw %04x fsw %04x ftw %02x -> host fsw %04x ftw %02x, helpers fsw %04x ftw %02x",
                   fx_ld16(in), fx_ld16(in + 2), in[4], fx_ld16(host + 2), host[4],
                   fx_ld16(fx + 2), fx[4]);
    for (int i = 0; i < 8; i++) {
        g_test_message("  st%d %04x:%016llx -> %04x:%016llx %s %04x:%016llx", i,
                       fx_ld16(in + FX_ST(i) + 8), (unsigned long long)fx_ld64(in + FX_ST(i)),
                       fx_ld16(host + FX_ST(i) + 8), (unsigned long long)fx_ld64(host + FX_ST(i)),
                       memcmp(host + FX_ST(i), fx + FX_ST(i), 10) ? "!=" : "==",
                       fx_ld16(fx + FX_ST(i) + 8), (unsigned long long)fx_ld64(fx + FX_ST(i)));
    }
}

/* ---- the data instructions, driven through the helpers as the
 * translator does (translate-fpu.c) ---- */

static const int arith_index[8] = { 0, 1, -1, -1, 2, 3, 4, 5 }; /* by ModRM.reg */

static bool fcmov_cond(uint8_t op, uint8_t modrm, uint64_t fl)
{
    bool c;
    switch (modrm & 0x18) {
    case 0x00:
        c = fl & RFLAGS_CF;
        break;
    case 0x08:
        c = fl & RFLAGS_ZF;
        break;
    case 0x10:
        c = fl & (RFLAGS_CF | RFLAGS_ZF);
        break;
    default:
        c = fl & RFLAGS_PF;
        break;
    }
    return op == 0xdb ? !c : c;
}

/* Memory operand type of a memory form, 0 if not a data instruction here. */
static int mem_type(uint8_t op, int reg)
{
    switch (op) {
    case 0xd8:
        return 4;
    case 0xdc:
        return 8;
    case 0xda:
        return 32;
    case 0xde:
        return 2;
    case 0xd9:
        return reg == 0 || reg == 2 || reg == 3 ? 4 : reg == 5 ? 2 : 0;
    case 0xdd:
        return reg <= 3 ? 8 : 0;
    case 0xdb:
        return reg <= 3 ? 32 : reg == 5 || reg == 7 ? 80 : 0;
    default: /* DF */
        return reg <= 3 ? 2 : reg == 4 || reg == 6 ? 10 : 64;
    }
}

static bool reg_form_valid(uint8_t op, uint8_t modrm)
{
    switch (op) {
    case 0xd9:
        return !((modrm >= 0xd1 && modrm <= 0xd7) || modrm == 0xe2 || modrm == 0xe3 ||
                 modrm == 0xe6 || modrm == 0xe7 || modrm == 0xef);
    case 0xda:
        return modrm < 0xe0 || modrm == 0xe9;
    case 0xdb:
        return modrm < 0xe5 || (modrm >= 0xe8 && modrm < 0xf8);
    case 0xdd:
        return modrm < 0xf0;
    case 0xde:
        return modrm != 0xd8 && !(modrm >= 0xda && modrm <= 0xdf);
    case 0xdf:
        return modrm < 0xe1 || (modrm >= 0xe8 && modrm < 0xf8);
    default:
        return true;
    }
}

static void exec_mem_form(uint8_t op, int reg, uint64_t addr)
{
    X86CPU *cpu = &oracle.cpu;
    uint64_t v = 0, hi = 0;
    memcpy(&v, oracle.ram + addr, 8);
    memcpy(&hi, oracle.ram + addr + 8, 2);
    int t = mem_type(op, reg);

    if (op == 0xd8 || op == 0xdc || op == 0xda || op == 0xde) {
        int base_arith = op == 0xd8 ? HX87_FADD_M32 : op == 0xdc ? HX87_FADD_M64
                         : op == 0xda ? HX87_FIADD_M32 : HX87_FIADD_M16;
        int base_com = op == 0xd8 ? HX87_FCOM_M32 : op == 0xdc ? HX87_FCOM_M64
                       : op == 0xda ? HX87_FICOM_M32 : HX87_FICOM_M16;
        if (t == 4 || t == 32) {
            v &= 0xffffffffu;
        } else if (t == 2) {
            v &= 0xffff;
        }
        if (reg == 2 || reg == 3) {
            helper_fpu_com_mem(cpu, (uint64_t)base_com, v, reg == 3);
        } else {
            helper_fpu_arith_mem(cpu, (uint64_t)(base_arith + arith_index[reg]), v);
        }
        return;
    }
    switch (op << 4 | reg) {
    case 0xd90: helper_fpu_load(cpu, HX87_FLD_M32, v & 0xffffffffu, 0); break;
    case 0xd92: helper_fpu_store(cpu, HX87_FST_M32, addr, 0); break;
    case 0xd93: helper_fpu_store(cpu, HX87_FST_M32, addr, 1); break;
    case 0xd95: helper_fpu_fldcw(cpu, v & 0xffff); break;
    case 0xdd0: helper_fpu_load(cpu, HX87_FLD_M64, v, 0); break;
    case 0xdd1: helper_fpu_store(cpu, HX87_FISTTP_M64, addr, 1); break;
    case 0xdd2: helper_fpu_store(cpu, HX87_FST_M64, addr, 0); break;
    case 0xdd3: helper_fpu_store(cpu, HX87_FST_M64, addr, 1); break;
    case 0xdb0: helper_fpu_load(cpu, HX87_FILD_M32, v & 0xffffffffu, 0); break;
    case 0xdb1: helper_fpu_store(cpu, HX87_FISTTP_M32, addr, 1); break;
    case 0xdb2: helper_fpu_store(cpu, HX87_FIST_M32, addr, 0); break;
    case 0xdb3: helper_fpu_store(cpu, HX87_FIST_M32, addr, 1); break;
    case 0xdb5: helper_fpu_fld80(cpu, v, hi); break;
    case 0xdb7: helper_fpu_fstp80(cpu, addr); break;
    case 0xdf0: helper_fpu_load(cpu, HX87_FILD_M16, v & 0xffff, 0); break;
    case 0xdf1: helper_fpu_store(cpu, HX87_FISTTP_M16, addr, 1); break;
    case 0xdf2: helper_fpu_store(cpu, HX87_FIST_M16, addr, 0); break;
    case 0xdf3: helper_fpu_store(cpu, HX87_FIST_M16, addr, 1); break;
    case 0xdf4: helper_fpu_load(cpu, HX87_FBLD, v, hi); break;
    case 0xdf5: helper_fpu_load(cpu, HX87_FILD_M64, v, 0); break;
    case 0xdf6: helper_fpu_store(cpu, HX87_FBSTP, addr, 1); break;
    case 0xdf7: helper_fpu_store(cpu, HX87_FISTP_M64, addr, 1); break;
    default: g_assert_not_reached();
    }
}

static const HX87Op d9_ops[32] = {
    [0x00] = HX87_FCHS, [0x01] = HX87_FABS, [0x04] = HX87_FTST, [0x05] = HX87_FXAM,
    [0x10] = HX87_F2XM1, [0x11] = HX87_FYL2X, [0x12] = HX87_FPTAN, [0x13] = HX87_FPATAN,
    [0x14] = HX87_FXTRACT, [0x15] = HX87_FPREM1, [0x18] = HX87_FPREM, [0x19] = HX87_FYL2XP1,
    [0x1a] = HX87_FSQRT, [0x1b] = HX87_FSINCOS, [0x1c] = HX87_FRNDINT, [0x1d] = HX87_FSCALE,
    [0x1e] = HX87_FSIN, [0x1f] = HX87_FCOS,
};

/* Returns the value FNSTSW AX leaves in AX, else 0. */
static uint64_t exec_reg_form(uint8_t op, uint8_t modrm, uint64_t rflags, uint64_t *eflags_out)
{
    X86CPU *cpu = &oracle.cpu;
    int i = modrm & 7, grp = (modrm >> 3) & 7;
    static const int hx[8] = { HX87_FADD, HX87_FMUL, -1, -1, HX87_FSUB, HX87_FSUBR, HX87_FDIV,
                               HX87_FDIVR };
    /* DC/DE swap FSUB/FSUBR and FDIV/FDIVR in their register forms */
    static const int hx_rev[8] = { HX87_FADD, HX87_FMUL, -1, -1, HX87_FSUBR, HX87_FSUB,
                                   HX87_FDIVR, HX87_FDIV };

    switch (op) {
    case 0xd8:
        if (grp == 2 || grp == 3) {
            helper_fpu_com(cpu, HX87_FCOM, (uint64_t)i, grp == 3);
        } else {
            helper_fpu_arith(cpu, (uint64_t)hx[grp], 0, (uint64_t)i, 0);
        }
        break;
    case 0xdc:
    case 0xde:
        if (op == 0xde && modrm == 0xd9) {
            helper_fpu_com(cpu, HX87_FCOM, 1, 2);
        } else if (grp == 2 || grp == 3) {
            helper_fpu_com(cpu, HX87_FCOM, (uint64_t)i, grp == 3 || op == 0xde);
        } else {
            helper_fpu_arith(cpu, (uint64_t)hx_rev[grp], (uint64_t)i, 0, op == 0xde);
        }
        break;
    case 0xd9:
        if (grp == 0) {
            helper_fpu_fld_st(cpu, (uint64_t)i);
        } else if (grp == 1) {
            helper_fpu_fxch(cpu, (uint64_t)i);
        } else if (grp == 2) {
            /* FNOP */
        } else if (grp == 3) {
            helper_fpu_fst_st(cpu, (uint64_t)i, FST_ST_POP | FST_ST_ALIAS_D9);
        } else if (modrm >= 0xe8 && modrm <= 0xee) {
            helper_fpu_load(cpu, (uint64_t)(HX87_FLD1 + (modrm - 0xe8)), 0, 0);
        } else if (modrm == 0xf6 || modrm == 0xf7) {
            helper_fpu_stack_adjust(cpu, modrm == 0xf7 ? 1 : 7);
        } else {
            helper_fpu_op(cpu, d9_ops[modrm - 0xe0]);
        }
        break;
    case 0xda:
        if (modrm == 0xe9) {
            helper_fpu_com(cpu, HX87_FUCOM, 1, 2);
        } else {
            helper_fpu_fcmov(cpu, (uint64_t)i, fcmov_cond(op, modrm, rflags));
        }
        break;
    case 0xdb:
        if (modrm < 0xe0) {
            helper_fpu_fcmov(cpu, (uint64_t)i, fcmov_cond(op, modrm, rflags));
        } else if (modrm == 0xe2) {
            helper_fpu_fnclex(cpu);
        } else if (modrm == 0xe3) {
            helper_fpu_fninit(cpu);
        } else if (modrm >= 0xe8) {
            *eflags_out = helper_fpu_comi(cpu, grp == 5 ? HX87_FUCOM : HX87_FCOM, (uint64_t)i, 0,
                                          rflags);
        }
        break;
    case 0xdd:
        if (grp == 0) {
            helper_fpu_ffree(cpu, (uint64_t)i, 0);
        } else if (grp == 1) {
            helper_fpu_fxch(cpu, (uint64_t)i);
        } else if (grp == 2 || grp == 3) {
            helper_fpu_fst_st(cpu, (uint64_t)i, grp == 3);
        } else {
            helper_fpu_com(cpu, HX87_FUCOM, (uint64_t)i, grp == 5);
        }
        break;
    default: /* DF */
        if (grp == 0) {
            helper_fpu_ffree(cpu, (uint64_t)i, 1);
        } else if (grp == 1) {
            helper_fpu_fxch(cpu, (uint64_t)i);
        } else if (grp == 2 || grp == 3) {
            helper_fpu_fst_st(cpu, (uint64_t)i, 1);
        } else if (modrm == 0xe0) {
            return fpu_fsw(&cpu->env);
        } else {
            *eflags_out = helper_fpu_comi(cpu, grp == 5 ? HX87_FUCOM : HX87_FCOM, (uint64_t)i, 1,
                                          rflags);
        }
        break;
    }
    return 0;
}

static void x87_random_run(bool random_masks, int iterations)
{
    X86CPUState *env = &oracle.cpu.env;
    static uint8_t in[512] __attribute__((aligned(16)));
    static uint8_t out[512] __attribute__((aligned(16)));
    uint8_t hmem[16], bytes[2];
    int fails = 0;

    for (int n = 0; n < iterations && fails < 10; n++) {
        uint8_t op = (uint8_t)(0xd8 + rn(8));
        bool mem = rn(2);
        uint8_t modrm;
        int reg = 0;
        if (mem) {
            reg = (int)rn(8);
            if (!mem_type(op, reg)) {
                continue;
            }
            modrm = (uint8_t)(reg << 3 | 2); /* [rdx] */
        } else {
            modrm = (uint8_t)(0xc0 + rn(64));
            if (!reg_form_valid(op, modrm)) {
                continue;
            }
        }
        oracle_reset_cpu();
        rand_x87_state(env, random_masks);
        memcpy(in, env->fxsave, 512);
        rand_mem(hmem, mem ? mem_type(op, reg) : 0);
        memcpy(oracle_guest_mem(), hmem, 16);
        uint64_t rflags = r64() & CC_OSZAPC;
        OracleRegs regs = { 0 };
        bytes[0] = op;
        bytes[1] = modrm;
        bool trapped = oracle_host_run(bytes, 2, in, out, mem ? hmem : NULL, rflags, &regs);

        uint64_t eflags = rflags, ax = 0;
        int vec = ORACLE_CALL(mem ? exec_mem_form(op, reg, ORACLE_MEM)
                                  : (void)(ax = exec_reg_form(op, modrm, rflags, &eflags)));
        bool ok = !trapped && vec == -1 && x87_equal(out, env->fxsave) &&
                  !memcmp(hmem, oracle_guest_mem(), 16);
        if (!mem && op == 0xdf && modrm == 0xe0) {
            ok &= (uint16_t)regs.rax_out == ax;
        }
        if (!mem && (op == 0xdb || op == 0xdf) && modrm >= 0xe8) {
            ok &= ((regs.rflags_out ^ eflags) & CC_OSZAPC) == 0;
        }
        if (!ok) {
            fails++;
            g_test_message("mismatch: %02x %02x (trapped %d, vector %d) rflags %llx/%llx", op,
                           modrm, trapped, vec, (unsigned long long)regs.rflags_out,
                           (unsigned long long)eflags);
            x87_diff(in, out, env->fxsave);
            if (mem) {
                oracle_hexdump("host mem / helper mem:", hmem, 16);
                oracle_hexdump("", oracle_guest_mem(), 16);
            }
        }
    }
    g_assert_cmpint(fails, ==, 0);
}

static void test_x87_masked(void)
{
    x87_random_run(false, 60000);
}

static void test_x87_unmasked(void)
{
    x87_random_run(true, 60000);
}

/* A pending unmasked exception: the next waiting instruction faults with
 * #MF when CR0.NE is set (the host, a PC with NE set, raises SIGFPE). */
static void test_x87_pending_mf(void)
{
    X86CPUState *env = &oracle.cpu.env;
    static uint8_t in[512] __attribute__((aligned(16)));
    static uint8_t out[512] __attribute__((aligned(16)));
    static const uint8_t fwait[] = { 0x9b };

    oracle_reset_cpu();
    fx_st16(env->fxsave + FX_FCW, 0x037e); /* IE unmasked */
    fx_st16(env->fxsave + FX_FSW, FSW_IE);
    memcpy(in, env->fxsave, 512);
    g_assert_true(oracle_host_run(fwait, 1, in, out, NULL, 0, NULL));
    /* FXRSTOR derived ES and B from the unmasked flag, as ours do */
    fpu_update_es(env);
    g_assert_cmphex(fx_ld16(out + FX_FSW), ==, fpu_fsw(env));
    g_assert_cmpint(ORACLE_CALL(helper_fwait(&oracle.cpu)), ==, EXCP10_MF);
    env->cr0 &= ~(uint64_t)CR0_NE;
    g_assert_cmpint(ORACLE_CALL(helper_fwait(&oracle.cpu)), ==, -1);
    env->cr0 |= CR0_NE;
    helper_fpu_fnclex(&oracle.cpu);
    g_assert_cmpint(ORACLE_CALL(helper_fwait(&oracle.cpu)), ==, -1);
}

/* FNSTENV (32- and 16-bit protected-mode formats), FNSAVE, FXSAVE against
 * the host's images; FIP/FDP/FOP/FCS/FDS fields are the host's own. */
static void test_x87_images(void)
{
    X86CPUState *env = &oracle.cpu.env;
    static uint8_t in[512] __attribute__((aligned(16)));
    static uint8_t out[512] __attribute__((aligned(16)));
    static uint8_t hmem[512] __attribute__((aligned(16)));
    static const uint8_t fnstenv32[] = { 0xd9, 0x32 }, fnstenv16[] = { 0x66, 0xd9, 0x32 };
    static const uint8_t fnsave32[] = { 0xdd, 0x32 };
    static const uint8_t fxsave64[] = { 0x48, 0x0f, 0xae, 0x02 }, fxsave32[] = { 0x0f, 0xae, 0x02 };

    for (int n = 0; n < 2000; n++) {
        int kind = (int)rn(5);
        oracle_reset_cpu();
        rand_x87_state(env, true);
        memcpy(in, env->fxsave, 512);
        memset(hmem, 0x5a, sizeof(hmem));
        memset(oracle_guest_mem(), 0x5a, 512);
        const uint8_t *code = kind == 0 ? fnstenv32 : kind == 1 ? fnstenv16 : kind == 2 ? fnsave32
                              : kind == 3 ? fxsave64 : fxsave32;
        size_t len = kind == 1 || kind == 4 ? 3 : kind == 3 ? 4 : 2;
        g_assert_false(oracle_host_run(code, len, in, out, hmem, 0, NULL));
        int vec;
        switch (kind) {
        case 0:
            vec = ORACLE_CALL(helper_fpu_fnstenv(&oracle.cpu, ORACLE_MEM, 4));
            memset(hmem + 12, 0, 8), memset(oracle_guest_mem() + 12, 0, 8); /* FIP, FOP|FCS */
            memset(hmem + 20, 0, 4), memset(oracle_guest_mem() + 20, 0, 4); /* FDP */
            break;
        case 1:
            vec = ORACLE_CALL(helper_fpu_fnstenv(&oracle.cpu, ORACLE_MEM, 2));
            memset(hmem + 6, 0, 2), memset(oracle_guest_mem() + 6, 0, 2);
            memset(hmem + 10, 0, 2), memset(oracle_guest_mem() + 10, 0, 2);
            break;
        case 2:
            vec = ORACLE_CALL(helper_fpu_fnsave(&oracle.cpu, ORACLE_MEM, 4));
            memset(hmem + 12, 0, 12), memset(oracle_guest_mem() + 12, 0, 12);
            break;
        default:
            vec = ORACLE_CALL(helper_fxsave(&oracle.cpu, ORACLE_MEM, kind == 3));
            memset(hmem + 6, 0, 18), memset(oracle_guest_mem() + 6, 0, 18);
            break;
        }
        g_assert_cmpint(vec, ==, -1);
        if (memcmp(hmem, oracle_guest_mem(), 512) || !x87_equal(out, env->fxsave)) {
            g_test_message("image kind %d differs", kind);
            oracle_hexdump("state:", in, 160);
            oracle_hexdump("host:", hmem, kind >= 3 ? 512 : 108);
            oracle_hexdump("helper:", oracle_guest_mem(), kind >= 3 ? 512 : 108);
            oracle_hexdump("host after:", out, 16);
            oracle_hexdump("helper after:", env->fxsave, 16);
            g_assert_not_reached();
        }
    }
}

/* FLDENV, FRSTOR, FXRSTOR of random images: the state they load. */
static void test_x87_restore(void)
{
    X86CPUState *env = &oracle.cpu.env;
    static uint8_t in[512] __attribute__((aligned(16)));
    static uint8_t out[512] __attribute__((aligned(16)));
    static uint8_t img[512] __attribute__((aligned(16)));
    static const uint8_t fldenv[] = { 0xd9, 0x22 }, frstor[] = { 0xdd, 0x22 };
    static const uint8_t fxrstor64[] = { 0x48, 0x0f, 0xae, 0x0a };

    for (int n = 0; n < 2000; n++) {
        int kind = (int)rn(3);
        oracle_reset_cpu();
        rand_x87_state(env, false);
        memcpy(in, env->fxsave, 512);
        /* the image: a random state's own FNSAVE/FXSAVE with random tags */
        X86CPUState src = *env;
        rand_x87_state(&src, true);
        if (kind == 2) {
            fpu_fxsave_store(&src, img, true, 16);
            for (int i = 0; i < 16; i++) {
                fx_st64(img + FX_XMM(i), r64()), fx_st64(img + FX_XMM(i) + 8, r64());
            }
            fx_st32(img + 24, (uint32_t)(r64() & 0xffbf));
        } else {
            fpu_env_store(&src, img, 4, false);
            fx_st16(img + 8, (uint16_t)r64()); /* any full tag word */
            for (int i = 0; i < 8; i++) {
                memcpy(img + 28 + 10 * i, src.fxsave + FX_ST(i), 10);
            }
        }
        memcpy(oracle_guest_mem(), img, 512);
        const uint8_t *code = kind == 0 ? fldenv : kind == 1 ? frstor : fxrstor64;
        g_assert_false(oracle_host_run(code, kind == 2 ? 4 : 2, in, out, img, 0, NULL));
        int vec = kind == 2 ? ORACLE_CALL(helper_fxrstor(&oracle.cpu, ORACLE_MEM, 1))
                  : kind == 1 ? ORACLE_CALL(helper_fpu_frstor(&oracle.cpu, ORACLE_MEM, 4))
                              : ORACLE_CALL(helper_fpu_fldenv(&oracle.cpu, ORACLE_MEM, 4));
        g_assert_cmpint(vec, ==, -1);
        fx_st32(env->fxsave + FX_MXCSR, env->mxcsr);
        bool ok = x87_equal(out, env->fxsave) && !memcmp(out + 24, env->fxsave + 24, 4) &&
                  !memcmp(out + FX_XMM(0), env->fxsave + FX_XMM(0), 256);
        if (!ok) {
            g_test_message("restore kind %d differs", kind);
            oracle_hexdump("image:", img, 128);
            oracle_hexdump("host:", out, 160);
            oracle_hexdump("helper:", env->fxsave, 160);
            g_assert_not_reached();
        }
    }
}

static void test_fxsave_faults(void)
{
    X86CPUState *env = &oracle.cpu.env;
    uint8_t before[512];

    oracle_reset_cpu();
    g_assert_cmpint(ORACLE_CALL(helper_fxsave(&oracle.cpu, ORACLE_MEM + 8, 1)), ==, EXCP0D_GP);
    g_assert_cmpint(ORACLE_CALL(helper_fxrstor(&oracle.cpu, ORACLE_MEM + 4, 0)), ==, EXCP0D_GP);
    /* reserved MXCSR bits: #GP(0), nothing loaded */
    fpu_fxsave_store(env, oracle_guest_mem(), true, 16);
    fx_st32(oracle_guest_mem() + 24, 0x11f80);
    fx_st16(oracle_guest_mem(), 0x0000);
    memcpy(before, env->fxsave, 512);
    g_assert_cmpint(ORACLE_CALL(helper_fxrstor(&oracle.cpu, ORACLE_MEM, 1)), ==, EXCP0D_GP);
    g_assert_cmpint(env->error_code, ==, 0);
    g_assert_cmpmem(before, 512, env->fxsave, 512);
    g_assert_cmpint(ORACLE_CALL(helper_ldmxcsr(&oracle.cpu, 0x10000)), ==, EXCP0D_GP);
    g_assert_cmpint(ORACLE_CALL(helper_ldmxcsr(&oracle.cpu, 0xffbf)), ==, -1);
    g_assert_cmphex(env->mxcsr, ==, 0xffbf);
    /* outside 64-bit mode only XMM0-7 are saved */
    env->hflags &= ~(uint32_t)HF_CS64;
    memset(oracle_guest_mem(), 0xa5, 512);
    g_assert_cmpint(ORACLE_CALL(helper_fxsave(&oracle.cpu, ORACLE_MEM, 0)), ==, -1);
    g_assert_cmphex(oracle_guest_mem()[FX_XMM(8)], ==, 0xa5);
    g_assert_cmphex(oracle_guest_mem()[FX_XMM(7)], ==, env->fxsave[FX_XMM(7)]);
}

/* MMX instructions make the x87 stack TOP 0 and all tags valid and write
 * ones into bits 79:64; EMMS empties the tags. */
static void test_mmx_transition(void)
{
    X86CPUState *env = &oracle.cpu.env;
    static uint8_t in[512] __attribute__((aligned(16)));
    static uint8_t out[512] __attribute__((aligned(16)));
    static const uint8_t paddb_mm3_mm5[] = { 0x0f, 0xfc, 0xdd }, emms[] = { 0x0f, 0x77 };

    for (int n = 0; n < 500; n++) {
        oracle_reset_cpu();
        rand_x87_state(env, false);
        memcpy(in, env->fxsave, 512);
        bool e = rn(2);
        g_assert_false(oracle_host_run(e ? emms : paddb_mm3_mm5, e ? 2 : 3, in, out, NULL, 0,
                                       NULL));
        if (e) {
            helper_emms(&oracle.cpu);
        } else {
            helper_mmx_enter(&oracle.cpu);
            helper_paddb(&oracle.cpu, ENV_MM_OFF(3), ENV_MM_OFF(5), 8);
        }
        if (memcmp(out, env->fxsave, 160)) {
            oracle_hexdump(e ? "emms host:" : "paddb host:", out, 160);
            oracle_hexdump("helpers:", env->fxsave, 160);
            g_assert_not_reached();
        }
    }
}

/* The real/V86-mode environment images (SDM vol. 1, figures 8-10 and
 * 8-12), which a 64-bit host cannot produce: layout and round trip. */
static void test_env_real_mode(void)
{
    X86CPUState *env = &oracle.cpu.env;
    uint8_t img[28];

    oracle_reset_cpu();
    fx_st16(env->fxsave + FX_FCW, 0x027f);
    fx_st16(env->fxsave + FX_FSW, 0x3800 | FSW_C2);
    env->fxsave[FX_FTW] = 0x80; /* ST(0) (physical 7) holds +0.0 */
    memset(env->fxsave + FX_ST(0), 0, 10);
    fx_st16(env->fxsave + FX_FOP, 0x5a5);
    fx_st64(env->fxsave + FX_FIP, 0x12345);
    fx_st64(env->fxsave + FX_FDP, 0xabcde);

    fpu_env_store(env, img, 4, true);
    g_assert_cmphex(fx_ld16(img), ==, 0x027f);
    g_assert_cmphex(fx_ld16(img + 4), ==, 0x3800 | FSW_C2);
    g_assert_cmphex(fx_ld16(img + 8), ==, 0x7fff); /* ST(0) zero (01), others empty */
    g_assert_cmphex(fx_ld16(img + 12), ==, 0x2345);
    g_assert_cmphex(fx_ld32(img + 16), ==, 0x1000 | 0x5a5);
    g_assert_cmphex(fx_ld16(img + 20), ==, 0xbcde);
    g_assert_cmphex(fx_ld32(img + 24), ==, 0xa000);
    X86CPUState copy = *env;
    fpu_reset_state(&copy);
    fpu_env_load(&copy, img, 4, true);
    g_assert_cmpmem(copy.fxsave, 24, env->fxsave, 24);

    fpu_env_store(env, img, 2, true);
    g_assert_cmphex(fx_ld16(img + 4), ==, 0x7fff);
    g_assert_cmphex(fx_ld16(img + 6), ==, 0x2345);
    g_assert_cmphex(fx_ld16(img + 8), ==, 0x1000 | 0x5a5);
    g_assert_cmphex(fx_ld16(img + 10), ==, 0xbcde);
    g_assert_cmphex(fx_ld16(img + 12), ==, 0xa000);
    copy = *env;
    fpu_reset_state(&copy);
    fpu_env_load(&copy, img, 2, true);
    g_assert_cmpmem(copy.fxsave, 24, env->fxsave, 24);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    rng = g_rand_new_with_seed(0x87);
    oracle_init();
    g_test_add_func("/fpu/x87-masked", test_x87_masked);
    g_test_add_func("/fpu/x87-unmasked", test_x87_unmasked);
    g_test_add_func("/fpu/pending-mf", test_x87_pending_mf);
    g_test_add_func("/fpu/images", test_x87_images);
    g_test_add_func("/fpu/restore", test_x87_restore);
    g_test_add_func("/fpu/fxsave-faults", test_fxsave_faults);
    g_test_add_func("/fpu/mmx-transition", test_mmx_transition);
    g_test_add_func("/fpu/env-real-mode", test_env_real_mode);
    return g_test_run();
}
