/*
 * The x86-64 opcode tables, after the Intel SDM vol. 2, Appendix A (opcode
 * maps A-2..A-5, the opcode extension groups of table A-6 and the x87 escape
 * maps A-7..A-22). Each row is written in the manual's operand notation
 * (Eb, Gv, Iz, Vps, Wss, ...), so a map can be checked against the manual a
 * page at a time. Rows give the legacy-SSE forms; VEX/EVEX are not decoded
 * (the CPU model advertises no AVX).
 *
 * Where the tables depart from the manual, and why:
 *  - MOVSXD is Gv, Ez (the manual's map says Ev; its instruction page
 *    gives r16, r/m16 / r32, r/m32 / r64, r/m32). LAR/LSL read Rv/Mw.
 *  - Ibs is the manual's Ib where the instruction sign-extends the byte
 *    (83 group, 6A PUSH, 6B IMUL), so the decoder need not know which.
 *  - Zb/Zv name the register in the opcode's low bits (the manual writes
 *    "AL/R8B", "rAX/r8", ...).
 *  - Cy, Dy, Ry are the manual's Cd/q, Dd/q, Rd/q; Py, Vy are MOVD/MOVQ's
 *    register operand (32 or 64 bits by REX.W; the manual writes Pd, Vy).
 *  - Split register/memory forms carry both sizes: RvMw ("Rv/Mw"), RdMb,
 *    RdMw, RyMb, RyMw, UdqMd; W and Q give the bytes actually read, so Wq
 *    where the manual writes Wps for a 64-bit load (CVTPS2PI, CVTPS2PD,
 *    CVTDQ2PD), and Wd/Ww/Wq for the PMOVSX/PMOVZX sources.
 *  - Implicit memory operands that the translator needs a segment for are
 *    listed: BXb is XLAT's DS:[rBX+AL], DIq/DIdq MASKMOV's DS:[rDI].
 *  - Mqdq is CMPXCHG8B's m64, m128 for CMPXCHG16B (REX.W).
 *  - x87 memory forms use Mw/Md/Mq/Mt for m16/m32/m64/m80 (int, real or
 *    BCD alike), Me for the 14/28-byte environment and Mst for the
 *    94/108-byte FSAVE image.
 *  - Undocumented encodings that every Intel CPU executes are decoded as
 *    executed: group 2 /6 as SHL, F6/F7 /1 as TEST, the x87 aliases
 *    (D9 D8+i FSTP, DC D0+i FCOM, DC D8+i FCOMP, DD C8+i FXCH, DE D0+i
 *    FCOMP, DF C0+i FFREEP, DF C8+i FXCH, DF D0+i/D8+i FSTP) and the
 *    8087/80287 controls FENI, FDISI, FSETPM as FNOP.
 *  - Features the CPU model does not advertise decode as CPUs without them
 *    execute them: F3 0F BC/BD are BSF/BSR (no BMI1/LZCNT), 0F 19-1F and
 *    0F 18 /4-7 are NOPs (so ENDBR64 and the MPX BND forms are NOPs);
 *    MOVBE, MONITOR/MWAIT, XSAVE, RDRAND, VMX, SVM, CLAC/STAC, XGETBV,
 *    FSGSBASE, PCLMULQDQ, AES, SHA and the 3DNow! map are #UD. The CPU
 *    model advertises PREFETCHW, so 0F 0D is decoded (AMD's group P).
 *  - Near branches follow Intel 64 (the model is GenuineIntel): in 64-bit
 *    mode a 66h prefix does not shrink JMP/CALL/RET/Jcc/LOOP/JrCXZ (D_F64),
 *    and REX.W gives far CALL/JMP and LSS/LFS/LGS an m16:64 operand.
 *  - WAIT (9B) is its own instruction: FINIT and friends are WAIT followed
 *    by FNINIT etc., as the hardware executes them.
 */
#include "target/x86/decode-tables.h"

enum X86OpSpec {
    O_NONE,
    /* general registers and memory */
    Eb, Ew, Ed, Eq, Ev, Ey, Ez, RvMw, RdMb, RdMw, RyMb, RyMw,
    Gb, Gw, Gd, Gv, Gy, Gz,
    M, Mb, Mw, Md, Mq, Mt, Mp, Ms, Ma, My, Me, Mst, Mqdq,
    Mps, Mpd, Mx, Mdq,
    Ry, Cy, Dy, Sw,
    /* immediates, branches, absolute and implicit memory */
    Ib, Ibs, Iw, Iz, Iv, Jb, Jz, Ob, Ov, Ap,
    Xb, Xv, Xz, Yb, Yv, Yz, BXb, DIq, DIdq,
    /* MMX and SSE */
    Pq, Py, Ppi, Qd, Qq, Qpi, Nq,
    Vss, Vsd, Vps, Vpd, Vx, Vdq, Vq, Vy,
    Wss, Wsd, Wps, Wpd, Wx, Wdq, Wq, Wd, Ww,
    Ups, Upd, Ux, Udq, Uq, UdqMd, XMM0,
    /* named registers and constants */
    AL, CL, AX, DX, eAX, rAX, ONE, ES, CS, SS, DS, FS, GS, ST0, STi,
    Zb, Zv,
    O_COUNT
};

#define OPS(m, t) { .method = AM_##m, .rtype = T_##t, .mtype = T_##t }
#define OPS2(m, r, mt) { .method = AM_##m, .rtype = T_##r, .mtype = T_##mt }
#define OPR(m, t, n) { .method = AM_##m, .rtype = T_##t, .mtype = T_##t, .reg = (n) }

const X86OpSpecInfo x86_opspec_info[O_COUNT] = {
    [Eb] = OPS(E, B), [Ew] = OPS(E, W), [Ed] = OPS(E, D), [Eq] = OPS(E, Q),
    [Ev] = OPS(E, V), [Ey] = OPS(E, Y), [Ez] = OPS(E, Z),
    [RvMw] = OPS2(E, V, W), [RdMb] = OPS2(E, D, B), [RdMw] = OPS2(E, D, W),
    [RyMb] = OPS2(E, Y, B), [RyMw] = OPS2(E, Y, W),
    [Gb] = OPS(G, B), [Gw] = OPS(G, W), [Gd] = OPS(G, D), [Gv] = OPS(G, V),
    [Gy] = OPS(G, Y), [Gz] = OPS(G, Z),
    [M] = OPS(M, 0), [Mb] = OPS(M, B), [Mw] = OPS(M, W), [Md] = OPS(M, D),
    [Mq] = OPS(M, Q), [Mt] = OPS(M, T), [Mp] = OPS(M, P), [Ms] = OPS(M, S),
    [Ma] = OPS(M, A), [My] = OPS(M, Y), [Me] = OPS(M, ENV), [Mst] = OPS(M, STATE),
    [Mqdq] = OPS(M, QDQ),
    [Mps] = OPS(M, DQ), [Mpd] = OPS(M, DQ), [Mx] = OPS(M, DQ), [Mdq] = OPS(M, DQ),
    [Ry] = OPS(R, Y), [Cy] = OPS(C, Y), [Dy] = OPS(D, Y), [Sw] = OPS(S, W),
    [Ib] = OPS(I, B), [Ibs] = OPS(IBS, V), [Iw] = OPS(I, W), [Iz] = OPS(I, Z),
    [Iv] = OPS(I, V), [Jb] = OPS(J, B), [Jz] = OPS(J, Z),
    [Ob] = OPS(O, B), [Ov] = OPS(O, V), [Ap] = OPS(A, P),
    [Xb] = OPS(X, B), [Xv] = OPS(X, V), [Xz] = OPS(X, Z),
    [Yb] = OPS(Y, B), [Yv] = OPS(Y, V), [Yz] = OPS(Y, Z),
    [BXb] = OPS(BX, B), [DIq] = OPS(DI, Q), [DIdq] = OPS(DI, DQ),
    [Pq] = OPS(P, Q), [Py] = OPS(P, Y), [Ppi] = OPS(P, Q),
    [Qd] = OPS(Q, D), [Qq] = OPS(Q, Q), [Qpi] = OPS(Q, Q), [Nq] = OPS(N, Q),
    [Vss] = OPS(V, D), [Vsd] = OPS(V, Q), [Vps] = OPS(V, DQ), [Vpd] = OPS(V, DQ),
    [Vx] = OPS(V, DQ), [Vdq] = OPS(V, DQ), [Vq] = OPS(V, Q), [Vy] = OPS(V, Y),
    [Wss] = OPS(W, D), [Wsd] = OPS(W, Q), [Wps] = OPS(W, DQ), [Wpd] = OPS(W, DQ),
    [Wx] = OPS(W, DQ), [Wdq] = OPS(W, DQ), [Wq] = OPS(W, Q), [Wd] = OPS(W, D),
    [Ww] = OPS(W, W),
    [Ups] = OPS(U, DQ), [Upd] = OPS(U, DQ), [Ux] = OPS(U, DQ), [Udq] = OPS(U, DQ),
    [Uq] = OPS(U, Q), [UdqMd] = OPS2(W, DQ, D), [XMM0] = OPS(XMM0, DQ),
    [AL] = OPR(FIXGPR, B, 0), [CL] = OPR(FIXGPR, B, 1), [AX] = OPR(FIXGPR, W, 0),
    [DX] = OPR(FIXGPR, W, 2), [eAX] = OPR(FIXGPR, Z, 0), [rAX] = OPR(FIXGPR, V, 0),
    [ONE] = OPS(ONE, B),
    [ES] = OPR(FIXSEG, W, 0), [CS] = OPR(FIXSEG, W, 1), [SS] = OPR(FIXSEG, W, 2),
    [DS] = OPR(FIXSEG, W, 3), [FS] = OPR(FIXSEG, W, 4), [GS] = OPR(FIXSEG, W, 5),
    [ST0] = OPS(ST0, T), [STi] = OPS(STI, T),
    [Zb] = OPS(Z, B), [Zv] = OPS(Z, V),
};

/* Row flags, shortened for the tables. */
#define LK X86_INSN_LOCKABLE
#define REP X86_INSN_REPABLE
#define PRIV X86_INSN_PRIV
#define NO64 X86_INSN_NO64
#define D64 X86_INSN_DEF64
#define BR X86_INSN_BRANCH
#define SSE X86_INSN_SSE
#define X87 X86_INSN_X87
#define F64 (X86_INSN_DEF64 | D_F64)            /* 64-bit operand size in 64-bit mode */
#define BRF (X86_INSN_BRANCH | F64)             /* near branch */
#define O64 D_ONLY64
#define WM D_WMNEM
#define OSM D_OSMNEM
#define ASM D_ASMNEM

/* An instruction row: mnemonic, flags, operands in Intel order. */
#define R(m, fl, ...) { .mnem = M_##m, .kind = ROW_INSN, .flags = (fl), .op = { __VA_ARGS__ } }
#define R0(m, fl) { .mnem = M_##m, .kind = ROW_INSN, .flags = (fl) }
#define UD R0(INVALID, 0)

/* Dispatch rows. */
#define GROUP(t) { .kind = ROW_GROUP, .sub = (t) }
#define GROUPF(t, fl) { .kind = ROW_GROUP, .sub = (t), .flags = (fl) }
#define PFX(n, p66, pf3, pf2) { .kind = ROW_PREFIX, .sub = (const X86Row[4]){ n, p66, pf3, pf2 } }
#define MOD(mem, reg) { .kind = ROW_MOD, .sub = (const X86Row[2]){ mem, reg } }
#define MODE64(legacy, long64) { .kind = ROW_MODE64, .sub = (const X86Row[2]){ legacy, long64 } }
#define REXB(b0, b1) { .kind = ROW_REXB, .sub = (const X86Row[2]){ b0, b1 } }
#define RM8(...) { .kind = ROW_RM, .sub = (const X86Row[8]){ __VA_ARGS__ } }
#define ESC(map) { .kind = ROW_ESC, .sub = (map) }
#define X87MAP(t) { .kind = ROW_X87, .sub = (t) }

/* The SDM's two-column rows: no prefix (MMX) and 66 (SSE2 on xmm). */
#define MS(m, p1, p2, v1, v2) PFX(R(m, SSE, p1, p2), R(m, SSE, v1, v2), UD, UD)
#define MS3(m, p1, p2, p3, v1, v2, v3) PFX(R(m, SSE, p1, p2, p3), R(m, SSE, v1, v2, v3), UD, UD)
/* 66-prefix-only rows (SSE2..SSE4.2). */
#define P66(m, ...) PFX(UD, R(m, SSE, __VA_ARGS__), UD, UD)
/* The four-column packed/scalar arithmetic rows: ps, pd, ss, sd. */
#define PSD4(m) PFX(R(m##PS, SSE, Vps, Wps), R(m##PD, SSE, Vpd, Wpd), \
                    R(m##SS, SSE, Vss, Wss), R(m##SD, SSE, Vsd, Wsd))
/* The two-column packed rows: ps, pd. */
#define PS2(m) PFX(R(m##PS, SSE, Vps, Wps), R(m##PD, SSE, Vpd, Wpd), UD, UD)

/* ---- Table A-6: one-byte and two-byte opcode extension groups ---- */

#define GRP1(d, s) { R(ADD, LK, d, s), R(OR, LK, d, s), R(ADC, LK, d, s), R(SBB, LK, d, s), \
                     R(AND, LK, d, s), R(SUB, LK, d, s), R(XOR, LK, d, s), R(CMP, 0, d, s) }
static const X86Row grp1_EbIb[8] = GRP1(Eb, Ib);   /* 80, 82 */
static const X86Row grp1_EvIz[8] = GRP1(Ev, Iz);   /* 81 */
static const X86Row grp1_EvIbs[8] = GRP1(Ev, Ibs); /* 83 */

/* 8F: /0 POP; the rest is AMD's XOP escape */
static const X86Row grp1a[8] = { R(POP, D64, Ev), UD, UD, UD, UD, UD, UD, UD };

#define GRP2(d, s) { R(ROL, 0, d, s), R(ROR, 0, d, s), R(RCL, 0, d, s), R(RCR, 0, d, s), \
                     R(SHL, 0, d, s), R(SHR, 0, d, s), R(SHL, 0, d, s), R(SAR, 0, d, s) }
static const X86Row grp2_EbIb[8] = GRP2(Eb, Ib);  /* C0 */
static const X86Row grp2_EvIb[8] = GRP2(Ev, Ib);  /* C1 */
static const X86Row grp2_Eb1[8] = GRP2(Eb, ONE);  /* D0 */
static const X86Row grp2_Ev1[8] = GRP2(Ev, ONE);  /* D1 */
static const X86Row grp2_EbCL[8] = GRP2(Eb, CL);  /* D2 */
static const X86Row grp2_EvCL[8] = GRP2(Ev, CL);  /* D3 */

static const X86Row grp3_Eb[8] = {  /* F6 */
    R(TEST, 0, Eb, Ib), R(TEST, 0, Eb, Ib), R(NOT, LK, Eb), R(NEG, LK, Eb),
    R(MUL, 0, Eb), R(IMUL, 0, Eb), R(DIV, 0, Eb), R(IDIV, 0, Eb),
};
static const X86Row grp3_Ev[8] = {  /* F7 */
    R(TEST, 0, Ev, Iz), R(TEST, 0, Ev, Iz), R(NOT, LK, Ev), R(NEG, LK, Ev),
    R(MUL, 0, Ev), R(IMUL, 0, Ev), R(DIV, 0, Ev), R(IDIV, 0, Ev),
};
static const X86Row grp4[8] = { R(INC, LK, Eb), R(DEC, LK, Eb), UD, UD, UD, UD, UD, UD }; /* FE */
static const X86Row grp5[8] = {  /* FF */
    R(INC, LK, Ev), R(DEC, LK, Ev), R(CALL, BRF, Ev), R(CALLF, BR, Mp),
    R(JMP, BRF, Ev), R(JMPF, BR, Mp), R(PUSH, D64, Ev), UD,
};
static const X86Row grp11_Eb[8] = { R(MOV, 0, Eb, Ib), UD, UD, UD, UD, UD, UD, UD }; /* C6 */
static const X86Row grp11_Ev[8] = { R(MOV, 0, Ev, Iz), UD, UD, UD, UD, UD, UD, UD }; /* C7 */

static const X86Row grp6[8] = {  /* 0F 00 */
    R(SLDT, 0, RvMw), R(STR, 0, RvMw), R(LLDT, PRIV, Ew), R(LTR, PRIV, Ew),
    R(VERR, 0, Ew), R(VERW, 0, Ew), UD, UD,
};
static const X86Row grp7[8] = {  /* 0F 01: the register forms are other instructions */
    MOD(R(SGDT, 0, Ms), UD),          /* C0-C7: VMX */
    MOD(R(SIDT, 0, Ms), UD),          /* C8-CF: MONITOR, MWAIT, CLAC, STAC */
    MOD(R(LGDT, PRIV, Ms), UD),       /* D0-D7: XGETBV, XSETBV, ... */
    MOD(R(LIDT, PRIV, Ms), UD),       /* D8-DF: SVM */
    R(SMSW, 0, RvMw),
    UD,                               /* RSTORSSP, SERIALIZE, ... */
    R(LMSW, PRIV, Ew),
    MOD(R(INVLPG, PRIV, Mb),
        RM8(R0(SWAPGS, PRIV | O64), R0(RDTSCP, 0), UD, UD, UD, UD, UD, UD)),
};
static const X86Row grp8[8] = {  /* 0F BA */
    UD, UD, UD, UD, R(BT, 0, Ev, Ib), R(BTS, LK, Ev, Ib), R(BTR, LK, Ev, Ib), R(BTC, LK, Ev, Ib),
};
static const X86Row grp9[8] = {  /* 0F C7: RDRAND, RDSEED, RDPID, VMPTRLD, XSAVES... are not modelled */
    UD, MOD(R(CMPXCHG8B, LK | WM, Mqdq), UD), UD, UD, UD, UD, UD, UD,
};
static const X86Row grp12[8] = {  /* 0F 71 */
    UD, UD, MOD(UD, MS(PSRLW, Nq, Ib, Ux, Ib)), UD,
    MOD(UD, MS(PSRAW, Nq, Ib, Ux, Ib)), UD, MOD(UD, MS(PSLLW, Nq, Ib, Ux, Ib)), UD,
};
static const X86Row grp13[8] = {  /* 0F 72 */
    UD, UD, MOD(UD, MS(PSRLD, Nq, Ib, Ux, Ib)), UD,
    MOD(UD, MS(PSRAD, Nq, Ib, Ux, Ib)), UD, MOD(UD, MS(PSLLD, Nq, Ib, Ux, Ib)), UD,
};
static const X86Row grp14[8] = {  /* 0F 73 */
    UD, UD, MOD(UD, MS(PSRLQ, Nq, Ib, Ux, Ib)), MOD(UD, P66(PSRLDQ, Ux, Ib)),
    UD, UD, MOD(UD, MS(PSLLQ, Nq, Ib, Ux, Ib)), MOD(UD, P66(PSLLDQ, Ux, Ib)),
};
static const X86Row grp15[8] = {  /* 0F AE: XSAVE* and FSGSBASE are not modelled */
    MOD(R(FXSAVE, X87, M), UD), MOD(R(FXRSTOR, X87, M), UD),
    MOD(R(LDMXCSR, SSE, Md), UD), MOD(R(STMXCSR, SSE, Md), UD),
    UD, MOD(UD, R0(LFENCE, 0)), MOD(UD, R0(MFENCE, 0)), MOD(R(CLFLUSH, 0, Mb), R0(SFENCE, 0)),
};
static const X86Row grp16[8] = {  /* 0F 18, memory forms; /4-/7 are hint NOPs */
    R(PREFETCHNTA, 0, Mb), R(PREFETCHT0, 0, Mb), R(PREFETCHT1, 0, Mb), R(PREFETCHT2, 0, Mb),
    R(NOP, 0, Ev), R(NOP, 0, Ev), R(NOP, 0, Ev), R(NOP, 0, Ev),
};
static const X86Row grpP[8] = {  /* 0F 0D (AMD group P), memory forms */
    R(PREFETCH, 0, Mb), R(PREFETCHW, 0, Mb), R(PREFETCH, 0, Mb), R(PREFETCH, 0, Mb),
    R(PREFETCH, 0, Mb), R(PREFETCH, 0, Mb), R(PREFETCH, 0, Mb), R(PREFETCH, 0, Mb),
};

/* ---- Tables A-7..A-22: x87 escapes. [0..7] memory forms by ModRM.reg,
 * [X(0xc0)..X(0xff)] register forms by the whole ModRM byte. ---- */
#define X(modrm) (8 + (modrm) - 0xc0)

static const X86Row x87_d8[72] = {
    R(FADD, X87, Md), R(FMUL, X87, Md), R(FCOM, X87, Md), R(FCOMP, X87, Md),
    R(FSUB, X87, Md), R(FSUBR, X87, Md), R(FDIV, X87, Md), R(FDIVR, X87, Md),
    [X(0xc0) ... X(0xc7)] = R(FADD, X87, ST0, STi),
    [X(0xc8) ... X(0xcf)] = R(FMUL, X87, ST0, STi),
    [X(0xd0) ... X(0xd7)] = R(FCOM, X87, STi),
    [X(0xd8) ... X(0xdf)] = R(FCOMP, X87, STi),
    [X(0xe0) ... X(0xe7)] = R(FSUB, X87, ST0, STi),
    [X(0xe8) ... X(0xef)] = R(FSUBR, X87, ST0, STi),
    [X(0xf0) ... X(0xf7)] = R(FDIV, X87, ST0, STi),
    [X(0xf8) ... X(0xff)] = R(FDIVR, X87, ST0, STi),
};
static const X86Row x87_d9[72] = {
    R(FLD, X87, Md), UD, R(FST, X87, Md), R(FSTP, X87, Md),
    R(FLDENV, X87, Me), R(FLDCW, X87, Mw), R(FNSTENV, X87, Me), R(FNSTCW, X87, Mw),
    [X(0xc0) ... X(0xc7)] = R(FLD, X87, STi),
    [X(0xc8) ... X(0xcf)] = R(FXCH, X87, STi),
    [X(0xd0)] = R0(FNOP, X87),
    [X(0xd1) ... X(0xd7)] = UD,
    [X(0xd8) ... X(0xdf)] = R(FSTP, X87, STi),
    [X(0xe0)] = R0(FCHS, X87), [X(0xe1)] = R0(FABS, X87), [X(0xe2)] = UD, [X(0xe3)] = UD,
    [X(0xe4)] = R0(FTST, X87), [X(0xe5)] = R0(FXAM, X87), [X(0xe6)] = UD, [X(0xe7)] = UD,
    [X(0xe8)] = R0(FLD1, X87), [X(0xe9)] = R0(FLDL2T, X87), [X(0xea)] = R0(FLDL2E, X87),
    [X(0xeb)] = R0(FLDPI, X87), [X(0xec)] = R0(FLDLG2, X87), [X(0xed)] = R0(FLDLN2, X87),
    [X(0xee)] = R0(FLDZ, X87), [X(0xef)] = UD,
    [X(0xf0)] = R0(F2XM1, X87), [X(0xf1)] = R0(FYL2X, X87), [X(0xf2)] = R0(FPTAN, X87),
    [X(0xf3)] = R0(FPATAN, X87), [X(0xf4)] = R0(FXTRACT, X87), [X(0xf5)] = R0(FPREM1, X87),
    [X(0xf6)] = R0(FDECSTP, X87), [X(0xf7)] = R0(FINCSTP, X87),
    [X(0xf8)] = R0(FPREM, X87), [X(0xf9)] = R0(FYL2XP1, X87), [X(0xfa)] = R0(FSQRT, X87),
    [X(0xfb)] = R0(FSINCOS, X87), [X(0xfc)] = R0(FRNDINT, X87), [X(0xfd)] = R0(FSCALE, X87),
    [X(0xfe)] = R0(FSIN, X87), [X(0xff)] = R0(FCOS, X87),
};
static const X86Row x87_da[72] = {
    R(FIADD, X87, Md), R(FIMUL, X87, Md), R(FICOM, X87, Md), R(FICOMP, X87, Md),
    R(FISUB, X87, Md), R(FISUBR, X87, Md), R(FIDIV, X87, Md), R(FIDIVR, X87, Md),
    [X(0xc0) ... X(0xc7)] = R(FCMOVB, X87, ST0, STi),
    [X(0xc8) ... X(0xcf)] = R(FCMOVE, X87, ST0, STi),
    [X(0xd0) ... X(0xd7)] = R(FCMOVBE, X87, ST0, STi),
    [X(0xd8) ... X(0xdf)] = R(FCMOVU, X87, ST0, STi),
    [X(0xe0) ... X(0xe8)] = UD,
    [X(0xe9)] = R0(FUCOMPP, X87),
    [X(0xea) ... X(0xff)] = UD,
};
static const X86Row x87_db[72] = {
    R(FILD, X87, Md), R(FISTTP, X87, Md), R(FIST, X87, Md), R(FISTP, X87, Md),
    UD, R(FLD, X87, Mt), UD, R(FSTP, X87, Mt),
    [X(0xc0) ... X(0xc7)] = R(FCMOVNB, X87, ST0, STi),
    [X(0xc8) ... X(0xcf)] = R(FCMOVNE, X87, ST0, STi),
    [X(0xd0) ... X(0xd7)] = R(FCMOVNBE, X87, ST0, STi),
    [X(0xd8) ... X(0xdf)] = R(FCMOVNU, X87, ST0, STi),
    [X(0xe0)] = R0(FNOP, X87), /* FENI: 8087 only */
    [X(0xe1)] = R0(FNOP, X87), /* FDISI: 8087 only */
    [X(0xe2)] = R0(FNCLEX, X87),
    [X(0xe3)] = R0(FNINIT, X87),
    [X(0xe4)] = R0(FNOP, X87), /* FSETPM: 80287 only */
    [X(0xe5) ... X(0xe7)] = UD,
    [X(0xe8) ... X(0xef)] = R(FUCOMI, X87, ST0, STi),
    [X(0xf0) ... X(0xf7)] = R(FCOMI, X87, ST0, STi),
    [X(0xf8) ... X(0xff)] = UD,
};
static const X86Row x87_dc[72] = {
    R(FADD, X87, Mq), R(FMUL, X87, Mq), R(FCOM, X87, Mq), R(FCOMP, X87, Mq),
    R(FSUB, X87, Mq), R(FSUBR, X87, Mq), R(FDIV, X87, Mq), R(FDIVR, X87, Mq),
    [X(0xc0) ... X(0xc7)] = R(FADD, X87, STi, ST0),
    [X(0xc8) ... X(0xcf)] = R(FMUL, X87, STi, ST0),
    [X(0xd0) ... X(0xd7)] = R(FCOM, X87, STi),
    [X(0xd8) ... X(0xdf)] = R(FCOMP, X87, STi),
    [X(0xe0) ... X(0xe7)] = R(FSUBR, X87, STi, ST0),
    [X(0xe8) ... X(0xef)] = R(FSUB, X87, STi, ST0),
    [X(0xf0) ... X(0xf7)] = R(FDIVR, X87, STi, ST0),
    [X(0xf8) ... X(0xff)] = R(FDIV, X87, STi, ST0),
};
static const X86Row x87_dd[72] = {
    R(FLD, X87, Mq), R(FISTTP, X87, Mq), R(FST, X87, Mq), R(FSTP, X87, Mq),
    R(FRSTOR, X87, Mst), UD, R(FNSAVE, X87, Mst), R(FNSTSW, X87, Mw),
    [X(0xc0) ... X(0xc7)] = R(FFREE, X87, STi),
    [X(0xc8) ... X(0xcf)] = R(FXCH, X87, STi),
    [X(0xd0) ... X(0xd7)] = R(FST, X87, STi),
    [X(0xd8) ... X(0xdf)] = R(FSTP, X87, STi),
    [X(0xe0) ... X(0xe7)] = R(FUCOM, X87, STi),
    [X(0xe8) ... X(0xef)] = R(FUCOMP, X87, STi),
    [X(0xf0) ... X(0xff)] = UD,
};
static const X86Row x87_de[72] = {
    R(FIADD, X87, Mw), R(FIMUL, X87, Mw), R(FICOM, X87, Mw), R(FICOMP, X87, Mw),
    R(FISUB, X87, Mw), R(FISUBR, X87, Mw), R(FIDIV, X87, Mw), R(FIDIVR, X87, Mw),
    [X(0xc0) ... X(0xc7)] = R(FADDP, X87, STi, ST0),
    [X(0xc8) ... X(0xcf)] = R(FMULP, X87, STi, ST0),
    [X(0xd0) ... X(0xd7)] = R(FCOMP, X87, STi),
    [X(0xd8)] = UD,
    [X(0xd9)] = R0(FCOMPP, X87),
    [X(0xda) ... X(0xdf)] = UD,
    [X(0xe0) ... X(0xe7)] = R(FSUBRP, X87, STi, ST0),
    [X(0xe8) ... X(0xef)] = R(FSUBP, X87, STi, ST0),
    [X(0xf0) ... X(0xf7)] = R(FDIVRP, X87, STi, ST0),
    [X(0xf8) ... X(0xff)] = R(FDIVP, X87, STi, ST0),
};
static const X86Row x87_df[72] = {
    R(FILD, X87, Mw), R(FISTTP, X87, Mw), R(FIST, X87, Mw), R(FISTP, X87, Mw),
    R(FBLD, X87, Mt), R(FILD, X87, Mq), R(FBSTP, X87, Mt), R(FISTP, X87, Mq),
    [X(0xc0) ... X(0xc7)] = R(FFREEP, X87, STi),
    [X(0xc8) ... X(0xcf)] = R(FXCH, X87, STi),
    [X(0xd0) ... X(0xdf)] = R(FSTP, X87, STi),
    [X(0xe0)] = R(FNSTSW, X87, AX),
    [X(0xe1) ... X(0xe7)] = UD,
    [X(0xe8) ... X(0xef)] = R(FUCOMIP, X87, ST0, STi),
    [X(0xf0) ... X(0xf7)] = R(FCOMIP, X87, ST0, STi),
    [X(0xf8) ... X(0xff)] = UD,
};
#undef X

/* ---- Table A-2: one-byte opcode map. Prefix bytes (26 2E 36 3E 40-4F in
 * 64-bit mode, 64-67, F0 F2 F3) never reach it. ---- */
const X86Row x86_map_onebyte[256] = {
    [0x00] = R(ADD, LK, Eb, Gb), [0x01] = R(ADD, LK, Ev, Gv),
    [0x02] = R(ADD, 0, Gb, Eb), [0x03] = R(ADD, 0, Gv, Ev),
    [0x04] = R(ADD, 0, AL, Ib), [0x05] = R(ADD, 0, rAX, Iz),
    [0x06] = R(PUSH, NO64, ES), [0x07] = R(POP, NO64, ES),
    [0x08] = R(OR, LK, Eb, Gb), [0x09] = R(OR, LK, Ev, Gv),
    [0x0a] = R(OR, 0, Gb, Eb), [0x0b] = R(OR, 0, Gv, Ev),
    [0x0c] = R(OR, 0, AL, Ib), [0x0d] = R(OR, 0, rAX, Iz),
    [0x0e] = R(PUSH, NO64, CS), [0x0f] = ESC(x86_map_0f),

    [0x10] = R(ADC, LK, Eb, Gb), [0x11] = R(ADC, LK, Ev, Gv),
    [0x12] = R(ADC, 0, Gb, Eb), [0x13] = R(ADC, 0, Gv, Ev),
    [0x14] = R(ADC, 0, AL, Ib), [0x15] = R(ADC, 0, rAX, Iz),
    [0x16] = R(PUSH, NO64, SS), [0x17] = R(POP, NO64, SS),
    [0x18] = R(SBB, LK, Eb, Gb), [0x19] = R(SBB, LK, Ev, Gv),
    [0x1a] = R(SBB, 0, Gb, Eb), [0x1b] = R(SBB, 0, Gv, Ev),
    [0x1c] = R(SBB, 0, AL, Ib), [0x1d] = R(SBB, 0, rAX, Iz),
    [0x1e] = R(PUSH, NO64, DS), [0x1f] = R(POP, NO64, DS),

    [0x20] = R(AND, LK, Eb, Gb), [0x21] = R(AND, LK, Ev, Gv),
    [0x22] = R(AND, 0, Gb, Eb), [0x23] = R(AND, 0, Gv, Ev),
    [0x24] = R(AND, 0, AL, Ib), [0x25] = R(AND, 0, rAX, Iz),
    [0x26] = UD /* ES: */, [0x27] = R0(DAA, NO64),
    [0x28] = R(SUB, LK, Eb, Gb), [0x29] = R(SUB, LK, Ev, Gv),
    [0x2a] = R(SUB, 0, Gb, Eb), [0x2b] = R(SUB, 0, Gv, Ev),
    [0x2c] = R(SUB, 0, AL, Ib), [0x2d] = R(SUB, 0, rAX, Iz),
    [0x2e] = UD /* CS: */, [0x2f] = R0(DAS, NO64),

    [0x30] = R(XOR, LK, Eb, Gb), [0x31] = R(XOR, LK, Ev, Gv),
    [0x32] = R(XOR, 0, Gb, Eb), [0x33] = R(XOR, 0, Gv, Ev),
    [0x34] = R(XOR, 0, AL, Ib), [0x35] = R(XOR, 0, rAX, Iz),
    [0x36] = UD /* SS: */, [0x37] = R0(AAA, NO64),
    [0x38] = R(CMP, 0, Eb, Gb), [0x39] = R(CMP, 0, Ev, Gv),
    [0x3a] = R(CMP, 0, Gb, Eb), [0x3b] = R(CMP, 0, Gv, Ev),
    [0x3c] = R(CMP, 0, AL, Ib), [0x3d] = R(CMP, 0, rAX, Iz),
    [0x3e] = UD /* DS: */, [0x3f] = R0(AAS, NO64),

    [0x40 ... 0x47] = R(INC, NO64, Zv),  /* REX in 64-bit mode */
    [0x48 ... 0x4f] = R(DEC, NO64, Zv),
    [0x50 ... 0x57] = R(PUSH, D64, Zv),
    [0x58 ... 0x5f] = R(POP, D64, Zv),

    [0x60] = R0(PUSHA, NO64), [0x61] = R0(POPA, NO64),
    [0x62] = R(BOUND, NO64, Gv, Ma),   /* EVEX in 64-bit mode */
    [0x63] = MODE64(R(ARPL, 0, Ew, Gw), R(MOVSXD, 0, Gv, Ez)),
    [0x64 ... 0x67] = UD /* FS: GS: 66 67 */,
    [0x68] = R(PUSH, D64, Iz), [0x69] = R(IMUL, 0, Gv, Ev, Iz),
    [0x6a] = R(PUSH, D64, Ibs), [0x6b] = R(IMUL, 0, Gv, Ev, Ibs),
    [0x6c] = R(INS, REP, Yb, DX), [0x6d] = R(INS, REP, Yz, DX),
    [0x6e] = R(OUTS, REP, DX, Xb), [0x6f] = R(OUTS, REP, DX, Xz),

    [0x70] = R(JO, BRF, Jb), [0x71] = R(JNO, BRF, Jb),
    [0x72] = R(JB, BRF, Jb), [0x73] = R(JAE, BRF, Jb),
    [0x74] = R(JE, BRF, Jb), [0x75] = R(JNE, BRF, Jb),
    [0x76] = R(JBE, BRF, Jb), [0x77] = R(JA, BRF, Jb),
    [0x78] = R(JS, BRF, Jb), [0x79] = R(JNS, BRF, Jb),
    [0x7a] = R(JP, BRF, Jb), [0x7b] = R(JNP, BRF, Jb),
    [0x7c] = R(JL, BRF, Jb), [0x7d] = R(JGE, BRF, Jb),
    [0x7e] = R(JLE, BRF, Jb), [0x7f] = R(JG, BRF, Jb),

    [0x80] = GROUP(grp1_EbIb), [0x81] = GROUP(grp1_EvIz),
    [0x82] = GROUPF(grp1_EbIb, NO64), [0x83] = GROUP(grp1_EvIbs),
    [0x84] = R(TEST, 0, Eb, Gb), [0x85] = R(TEST, 0, Ev, Gv),
    [0x86] = R(XCHG, LK, Eb, Gb), [0x87] = R(XCHG, LK, Ev, Gv),
    [0x88] = R(MOV, 0, Eb, Gb), [0x89] = R(MOV, 0, Ev, Gv),
    [0x8a] = R(MOV, 0, Gb, Eb), [0x8b] = R(MOV, 0, Gv, Ev),
    [0x8c] = R(MOV, 0, RvMw, Sw), [0x8d] = R(LEA, 0, Gv, M),
    [0x8e] = R(MOV, 0, Sw, Ew), [0x8f] = GROUP(grp1a),

    /* 90: NOP, F3 90 PAUSE; with REX.B it is XCHG r8, rAX */
    [0x90] = REXB(PFX(R0(NOP, 0), R0(NOP, 0), R0(PAUSE, 0), R0(NOP, 0)), R(XCHG, 0, Zv, rAX)),
    [0x91 ... 0x97] = R(XCHG, 0, Zv, rAX),
    [0x98] = R0(CBW, OSM), [0x99] = R0(CWD, OSM),
    [0x9a] = R(CALLF, BR | NO64, Ap), [0x9b] = R0(WAIT, 0),
    [0x9c] = R0(PUSHF, D64), [0x9d] = R0(POPF, D64),
    [0x9e] = R0(SAHF, 0), [0x9f] = R0(LAHF, 0),

    [0xa0] = R(MOV, 0, AL, Ob), [0xa1] = R(MOV, 0, rAX, Ov),
    [0xa2] = R(MOV, 0, Ob, AL), [0xa3] = R(MOV, 0, Ov, rAX),
    [0xa4] = R(MOVS, REP, Yb, Xb), [0xa5] = R(MOVS, REP, Yv, Xv),
    [0xa6] = R(CMPS, REP, Xb, Yb), [0xa7] = R(CMPS, REP, Xv, Yv),
    [0xa8] = R(TEST, 0, AL, Ib), [0xa9] = R(TEST, 0, rAX, Iz),
    [0xaa] = R(STOS, REP, Yb, AL), [0xab] = R(STOS, REP, Yv, rAX),
    [0xac] = R(LODS, REP, AL, Xb), [0xad] = R(LODS, REP, rAX, Xv),
    [0xae] = R(SCAS, REP, AL, Yb), [0xaf] = R(SCAS, REP, rAX, Yv),

    [0xb0 ... 0xb7] = R(MOV, 0, Zb, Ib),
    [0xb8 ... 0xbf] = R(MOV, 0, Zv, Iv),

    [0xc0] = GROUP(grp2_EbIb), [0xc1] = GROUP(grp2_EvIb),
    [0xc2] = R(RET, BRF, Iw), [0xc3] = R0(RET, BRF),
    [0xc4] = MODE64(R(LES, 0, Gz, Mp), UD),  /* VEX3 in 64-bit mode (and with mod = 3) */
    [0xc5] = MODE64(R(LDS, 0, Gz, Mp), UD),  /* VEX2 likewise */
    [0xc6] = GROUP(grp11_Eb), [0xc7] = GROUP(grp11_Ev),
    [0xc8] = R(ENTER, D64, Iw, Ib), [0xc9] = R0(LEAVE, D64),
    [0xca] = R(RETF, BR, Iw), [0xcb] = R0(RETF, BR),
    [0xcc] = R0(INT3, BR), [0xcd] = R(INT, BR, Ib),
    [0xce] = R0(INTO, BR | NO64), [0xcf] = R0(IRET, BR),

    [0xd0] = GROUP(grp2_Eb1), [0xd1] = GROUP(grp2_Ev1),
    [0xd2] = GROUP(grp2_EbCL), [0xd3] = GROUP(grp2_EvCL),
    [0xd4] = R(AAM, NO64, Ib), [0xd5] = R(AAD, NO64, Ib),
    [0xd6] = R0(SALC, NO64), [0xd7] = R(XLAT, 0, BXb),
    [0xd8] = X87MAP(x87_d8), [0xd9] = X87MAP(x87_d9),
    [0xda] = X87MAP(x87_da), [0xdb] = X87MAP(x87_db),
    [0xdc] = X87MAP(x87_dc), [0xdd] = X87MAP(x87_dd),
    [0xde] = X87MAP(x87_de), [0xdf] = X87MAP(x87_df),

    [0xe0] = R(LOOPNE, BRF, Jb), [0xe1] = R(LOOPE, BRF, Jb),
    [0xe2] = R(LOOP, BRF, Jb), [0xe3] = R(JCXZ, BRF | ASM, Jb),
    [0xe4] = R(IN, 0, AL, Ib), [0xe5] = R(IN, 0, eAX, Ib),
    [0xe6] = R(OUT, 0, Ib, AL), [0xe7] = R(OUT, 0, Ib, eAX),
    [0xe8] = R(CALL, BRF, Jz), [0xe9] = R(JMP, BRF, Jz),
    [0xea] = R(JMPF, BR | NO64, Ap), [0xeb] = R(JMP, BRF, Jb),
    [0xec] = R(IN, 0, AL, DX), [0xed] = R(IN, 0, eAX, DX),
    [0xee] = R(OUT, 0, DX, AL), [0xef] = R(OUT, 0, DX, eAX),

    [0xf0] = UD /* LOCK */, [0xf1] = R0(INT1, BR),
    [0xf2] = UD /* REPNE */, [0xf3] = UD /* REP */,
    [0xf4] = R0(HLT, PRIV), [0xf5] = R0(CMC, 0),
    [0xf6] = GROUP(grp3_Eb), [0xf7] = GROUP(grp3_Ev),
    [0xf8] = R0(CLC, 0), [0xf9] = R0(STC, 0),
    [0xfa] = R0(CLI, 0), [0xfb] = R0(STI, 0),
    [0xfc] = R0(CLD, 0), [0xfd] = R0(STD, 0),
    [0xfe] = GROUP(grp4), [0xff] = GROUP(grp5),
};

/* ---- Table A-3: two-byte opcode map (0F xx). Columns: none, 66, F3, F2. ---- */
const X86Row x86_map_0f[256] = {
    [0x00] = GROUP(grp6), [0x01] = GROUP(grp7),
    [0x02] = R(LAR, 0, Gv, RvMw), [0x03] = R(LSL, 0, Gv, RvMw),
    [0x05] = R0(SYSCALL, BR | O64), [0x06] = R0(CLTS, PRIV),
    [0x07] = R0(SYSRET, BR | PRIV | O64),
    [0x08] = R0(INVD, PRIV), [0x09] = R0(WBINVD, PRIV),
    [0x0b] = R0(UD2, 0),
    [0x0d] = MOD(GROUP(grpP), R(NOP, 0, Ev)),
    /* 0E FEMMS, 0F 3DNow!: not modelled */

    [0x10] = PFX(R(MOVUPS, SSE, Vps, Wps), R(MOVUPD, SSE, Vpd, Wpd),
                 R(MOVSS, SSE, Vss, Wss), R(MOVSD, SSE, Vsd, Wsd)),
    [0x11] = PFX(R(MOVUPS, SSE, Wps, Vps), R(MOVUPD, SSE, Wpd, Vpd),
                 R(MOVSS, SSE, Wss, Vss), R(MOVSD, SSE, Wsd, Vsd)),
    [0x12] = PFX(MOD(R(MOVLPS, SSE, Vq, Mq), R(MOVHLPS, SSE, Vq, Uq)), R(MOVLPD, SSE, Vq, Mq),
                 R(MOVSLDUP, SSE, Vx, Wx), R(MOVDDUP, SSE, Vx, Wsd)),
    [0x13] = PFX(R(MOVLPS, SSE, Mq, Vq), R(MOVLPD, SSE, Mq, Vq), UD, UD),
    [0x14] = PFX(R(UNPCKLPS, SSE, Vx, Wx), R(UNPCKLPD, SSE, Vx, Wx), UD, UD),
    [0x15] = PFX(R(UNPCKHPS, SSE, Vx, Wx), R(UNPCKHPD, SSE, Vx, Wx), UD, UD),
    [0x16] = PFX(MOD(R(MOVHPS, SSE, Vdq, Mq), R(MOVLHPS, SSE, Vdq, Uq)), R(MOVHPD, SSE, Vdq, Mq),
                 R(MOVSHDUP, SSE, Vx, Wx), UD),
    [0x17] = PFX(R(MOVHPS, SSE, Mq, Vq), R(MOVHPD, SSE, Mq, Vq), UD, UD),
    [0x18] = MOD(GROUP(grp16), R(NOP, 0, Ev)),
    [0x19 ... 0x1f] = R(NOP, 0, Ev),  /* 0F 1F /0 is the multi-byte NOP; the rest reserved-NOP */

    [0x20] = R(MOV_CR, PRIV | F64 | D_MODIGN, Ry, Cy),
    [0x21] = R(MOV_DR, PRIV | F64 | D_MODIGN, Ry, Dy),
    [0x22] = R(MOV_CR, PRIV | F64 | D_MODIGN, Cy, Ry),
    [0x23] = R(MOV_DR, PRIV | F64 | D_MODIGN, Dy, Ry),
    [0x28] = PFX(R(MOVAPS, SSE, Vps, Wps), R(MOVAPD, SSE, Vpd, Wpd), UD, UD),
    [0x29] = PFX(R(MOVAPS, SSE, Wps, Vps), R(MOVAPD, SSE, Wpd, Vpd), UD, UD),
    [0x2a] = PFX(R(CVTPI2PS, SSE, Vps, Qpi), R(CVTPI2PD, SSE, Vpd, Qpi),
                 R(CVTSI2SS, SSE, Vss, Ey), R(CVTSI2SD, SSE, Vsd, Ey)),
    [0x2b] = PFX(R(MOVNTPS, SSE, Mps, Vps), R(MOVNTPD, SSE, Mpd, Vpd), UD, UD),
    [0x2c] = PFX(R(CVTTPS2PI, SSE, Ppi, Wq), R(CVTTPD2PI, SSE, Ppi, Wpd),
                 R(CVTTSS2SI, SSE, Gy, Wss), R(CVTTSD2SI, SSE, Gy, Wsd)),
    [0x2d] = PFX(R(CVTPS2PI, SSE, Ppi, Wq), R(CVTPD2PI, SSE, Ppi, Wpd),
                 R(CVTSS2SI, SSE, Gy, Wss), R(CVTSD2SI, SSE, Gy, Wsd)),
    [0x2e] = PFX(R(UCOMISS, SSE, Vss, Wss), R(UCOMISD, SSE, Vsd, Wsd), UD, UD),
    [0x2f] = PFX(R(COMISS, SSE, Vss, Wss), R(COMISD, SSE, Vsd, Wsd), UD, UD),

    [0x30] = R0(WRMSR, PRIV), [0x31] = R0(RDTSC, 0),
    [0x32] = R0(RDMSR, PRIV), [0x33] = R0(RDPMC, 0),
    [0x34] = R0(SYSENTER, BR), [0x35] = R0(SYSEXIT, BR | PRIV),
    [0x38] = ESC(x86_map_0f38), [0x3a] = ESC(x86_map_0f3a),

    [0x40] = R(CMOVO, 0, Gv, Ev), [0x41] = R(CMOVNO, 0, Gv, Ev),
    [0x42] = R(CMOVB, 0, Gv, Ev), [0x43] = R(CMOVAE, 0, Gv, Ev),
    [0x44] = R(CMOVE, 0, Gv, Ev), [0x45] = R(CMOVNE, 0, Gv, Ev),
    [0x46] = R(CMOVBE, 0, Gv, Ev), [0x47] = R(CMOVA, 0, Gv, Ev),
    [0x48] = R(CMOVS, 0, Gv, Ev), [0x49] = R(CMOVNS, 0, Gv, Ev),
    [0x4a] = R(CMOVP, 0, Gv, Ev), [0x4b] = R(CMOVNP, 0, Gv, Ev),
    [0x4c] = R(CMOVL, 0, Gv, Ev), [0x4d] = R(CMOVGE, 0, Gv, Ev),
    [0x4e] = R(CMOVLE, 0, Gv, Ev), [0x4f] = R(CMOVG, 0, Gv, Ev),

    [0x50] = PFX(R(MOVMSKPS, SSE, Gd, Ups), R(MOVMSKPD, SSE, Gd, Upd), UD, UD),
    [0x51] = PSD4(SQRT),
    [0x52] = PFX(R(RSQRTPS, SSE, Vps, Wps), UD, R(RSQRTSS, SSE, Vss, Wss), UD),
    [0x53] = PFX(R(RCPPS, SSE, Vps, Wps), UD, R(RCPSS, SSE, Vss, Wss), UD),
    [0x54] = PS2(AND), [0x55] = PS2(ANDN), [0x56] = PS2(OR), [0x57] = PS2(XOR),
    [0x58] = PSD4(ADD), [0x59] = PSD4(MUL),
    [0x5a] = PFX(R(CVTPS2PD, SSE, Vpd, Wq), R(CVTPD2PS, SSE, Vps, Wpd),
                 R(CVTSS2SD, SSE, Vsd, Wss), R(CVTSD2SS, SSE, Vss, Wsd)),
    [0x5b] = PFX(R(CVTDQ2PS, SSE, Vps, Wdq), R(CVTPS2DQ, SSE, Vdq, Wps),
                 R(CVTTPS2DQ, SSE, Vdq, Wps), UD),
    [0x5c] = PSD4(SUB), [0x5d] = PSD4(MIN), [0x5e] = PSD4(DIV), [0x5f] = PSD4(MAX),

    [0x60] = MS(PUNPCKLBW, Pq, Qd, Vx, Wx), [0x61] = MS(PUNPCKLWD, Pq, Qd, Vx, Wx),
    [0x62] = MS(PUNPCKLDQ, Pq, Qd, Vx, Wx), [0x63] = MS(PACKSSWB, Pq, Qq, Vx, Wx),
    [0x64] = MS(PCMPGTB, Pq, Qq, Vx, Wx), [0x65] = MS(PCMPGTW, Pq, Qq, Vx, Wx),
    [0x66] = MS(PCMPGTD, Pq, Qq, Vx, Wx), [0x67] = MS(PACKUSWB, Pq, Qq, Vx, Wx),
    [0x68] = MS(PUNPCKHBW, Pq, Qq, Vx, Wx), [0x69] = MS(PUNPCKHWD, Pq, Qq, Vx, Wx),
    [0x6a] = MS(PUNPCKHDQ, Pq, Qq, Vx, Wx), [0x6b] = MS(PACKSSDW, Pq, Qq, Vx, Wx),
    [0x6c] = P66(PUNPCKLQDQ, Vx, Wx), [0x6d] = P66(PUNPCKHQDQ, Vx, Wx),
    [0x6e] = PFX(R(MOVD, SSE | WM, Py, Ey), R(MOVD, SSE | WM, Vy, Ey), UD, UD),
    [0x6f] = PFX(R(MOVQ, SSE, Pq, Qq), R(MOVDQA, SSE, Vx, Wx), R(MOVDQU, SSE, Vx, Wx), UD),

    [0x70] = PFX(R(PSHUFW, SSE, Pq, Qq, Ib), R(PSHUFD, SSE, Vx, Wx, Ib),
                 R(PSHUFHW, SSE, Vx, Wx, Ib), R(PSHUFLW, SSE, Vx, Wx, Ib)),
    [0x71] = GROUP(grp12), [0x72] = GROUP(grp13), [0x73] = GROUP(grp14),
    [0x74] = MS(PCMPEQB, Pq, Qq, Vx, Wx), [0x75] = MS(PCMPEQW, Pq, Qq, Vx, Wx),
    [0x76] = MS(PCMPEQD, Pq, Qq, Vx, Wx),
    [0x77] = PFX(R0(EMMS, SSE), UD, UD, UD),
    /* 78/79 VMREAD/VMWRITE (and SSE4a): not modelled */
    [0x7c] = PFX(UD, R(HADDPD, SSE, Vpd, Wpd), UD, R(HADDPS, SSE, Vps, Wps)),
    [0x7d] = PFX(UD, R(HSUBPD, SSE, Vpd, Wpd), UD, R(HSUBPS, SSE, Vps, Wps)),
    [0x7e] = PFX(R(MOVD, SSE | WM, Ey, Py), R(MOVD, SSE | WM, Ey, Vy), R(MOVQ, SSE, Vq, Wq), UD),
    [0x7f] = PFX(R(MOVQ, SSE, Qq, Pq), R(MOVDQA, SSE, Wx, Vx), R(MOVDQU, SSE, Wx, Vx), UD),

    [0x80] = R(JO, BRF, Jz), [0x81] = R(JNO, BRF, Jz),
    [0x82] = R(JB, BRF, Jz), [0x83] = R(JAE, BRF, Jz),
    [0x84] = R(JE, BRF, Jz), [0x85] = R(JNE, BRF, Jz),
    [0x86] = R(JBE, BRF, Jz), [0x87] = R(JA, BRF, Jz),
    [0x88] = R(JS, BRF, Jz), [0x89] = R(JNS, BRF, Jz),
    [0x8a] = R(JP, BRF, Jz), [0x8b] = R(JNP, BRF, Jz),
    [0x8c] = R(JL, BRF, Jz), [0x8d] = R(JGE, BRF, Jz),
    [0x8e] = R(JLE, BRF, Jz), [0x8f] = R(JG, BRF, Jz),

    [0x90] = R(SETO, 0, Eb), [0x91] = R(SETNO, 0, Eb),
    [0x92] = R(SETB, 0, Eb), [0x93] = R(SETAE, 0, Eb),
    [0x94] = R(SETE, 0, Eb), [0x95] = R(SETNE, 0, Eb),
    [0x96] = R(SETBE, 0, Eb), [0x97] = R(SETA, 0, Eb),
    [0x98] = R(SETS, 0, Eb), [0x99] = R(SETNS, 0, Eb),
    [0x9a] = R(SETP, 0, Eb), [0x9b] = R(SETNP, 0, Eb),
    [0x9c] = R(SETL, 0, Eb), [0x9d] = R(SETGE, 0, Eb),
    [0x9e] = R(SETLE, 0, Eb), [0x9f] = R(SETG, 0, Eb),

    [0xa0] = R(PUSH, D64, FS), [0xa1] = R(POP, D64, FS),
    [0xa2] = R0(CPUID, 0), [0xa3] = R(BT, 0, Ev, Gv),
    [0xa4] = R(SHLD, 0, Ev, Gv, Ib), [0xa5] = R(SHLD, 0, Ev, Gv, CL),
    [0xa8] = R(PUSH, D64, GS), [0xa9] = R(POP, D64, GS),
    [0xaa] = R0(RSM, BR), [0xab] = R(BTS, LK, Ev, Gv),
    [0xac] = R(SHRD, 0, Ev, Gv, Ib), [0xad] = R(SHRD, 0, Ev, Gv, CL),
    [0xae] = GROUP(grp15), [0xaf] = R(IMUL, 0, Gv, Ev),

    [0xb0] = R(CMPXCHG, LK, Eb, Gb), [0xb1] = R(CMPXCHG, LK, Ev, Gv),
    [0xb2] = R(LSS, 0, Gv, Mp), [0xb3] = R(BTR, LK, Ev, Gv),
    [0xb4] = R(LFS, 0, Gv, Mp), [0xb5] = R(LGS, 0, Gv, Mp),
    [0xb6] = R(MOVZX, 0, Gv, Eb), [0xb7] = R(MOVZX, 0, Gv, Ew),
    [0xb8] = PFX(UD /* JMPE */, UD, R(POPCNT, 0, Gv, Ev), UD),
    [0xb9] = R(UD1, 0, Gv, Ev),
    [0xba] = GROUP(grp8), [0xbb] = R(BTC, LK, Ev, Gv),
    [0xbc] = R(BSF, 0, Gv, Ev), [0xbd] = R(BSR, 0, Gv, Ev), /* F3: TZCNT/LZCNT not modelled */
    [0xbe] = R(MOVSX, 0, Gv, Eb), [0xbf] = R(MOVSX, 0, Gv, Ew),

    [0xc0] = R(XADD, LK, Eb, Gb), [0xc1] = R(XADD, LK, Ev, Gv),
    [0xc2] = PFX(R(CMPPS, SSE, Vps, Wps, Ib), R(CMPPD, SSE, Vpd, Wpd, Ib),
                 R(CMPSS, SSE, Vss, Wss, Ib), R(CMPSD_SSE, SSE, Vsd, Wsd, Ib)),
    [0xc3] = PFX(R(MOVNTI, 0, My, Gy), UD, UD, UD),
    [0xc4] = MS3(PINSRW, Pq, RyMw, Ib, Vdq, RyMw, Ib),
    [0xc5] = MS3(PEXTRW, Gd, Nq, Ib, Gd, Udq, Ib),
    [0xc6] = PFX(R(SHUFPS, SSE, Vps, Wps, Ib), R(SHUFPD, SSE, Vpd, Wpd, Ib), UD, UD),
    [0xc7] = GROUP(grp9),
    [0xc8 ... 0xcf] = R(BSWAP, 0, Zv),

    [0xd0] = PFX(UD, R(ADDSUBPD, SSE, Vpd, Wpd), UD, R(ADDSUBPS, SSE, Vps, Wps)),
    [0xd1] = MS(PSRLW, Pq, Qq, Vx, Wx), [0xd2] = MS(PSRLD, Pq, Qq, Vx, Wx),
    [0xd3] = MS(PSRLQ, Pq, Qq, Vx, Wx), [0xd4] = MS(PADDQ, Pq, Qq, Vx, Wx),
    [0xd5] = MS(PMULLW, Pq, Qq, Vx, Wx),
    [0xd6] = PFX(UD, R(MOVQ, SSE, Wq, Vq), R(MOVQ2DQ, SSE, Vdq, Nq), R(MOVDQ2Q, SSE, Pq, Uq)),
    [0xd7] = MS(PMOVMSKB, Gd, Nq, Gd, Ux),
    [0xd8] = MS(PSUBUSB, Pq, Qq, Vx, Wx), [0xd9] = MS(PSUBUSW, Pq, Qq, Vx, Wx),
    [0xda] = MS(PMINUB, Pq, Qq, Vx, Wx), [0xdb] = MS(PAND, Pq, Qq, Vx, Wx),
    [0xdc] = MS(PADDUSB, Pq, Qq, Vx, Wx), [0xdd] = MS(PADDUSW, Pq, Qq, Vx, Wx),
    [0xde] = MS(PMAXUB, Pq, Qq, Vx, Wx), [0xdf] = MS(PANDN, Pq, Qq, Vx, Wx),

    [0xe0] = MS(PAVGB, Pq, Qq, Vx, Wx), [0xe1] = MS(PSRAW, Pq, Qq, Vx, Wx),
    [0xe2] = MS(PSRAD, Pq, Qq, Vx, Wx), [0xe3] = MS(PAVGW, Pq, Qq, Vx, Wx),
    [0xe4] = MS(PMULHUW, Pq, Qq, Vx, Wx), [0xe5] = MS(PMULHW, Pq, Qq, Vx, Wx),
    [0xe6] = PFX(UD, R(CVTTPD2DQ, SSE, Vx, Wpd), R(CVTDQ2PD, SSE, Vx, Wq), R(CVTPD2DQ, SSE, Vx, Wpd)),
    [0xe7] = PFX(R(MOVNTQ, SSE, Mq, Pq), R(MOVNTDQ, SSE, Mx, Vx), UD, UD),
    [0xe8] = MS(PSUBSB, Pq, Qq, Vx, Wx), [0xe9] = MS(PSUBSW, Pq, Qq, Vx, Wx),
    [0xea] = MS(PMINSW, Pq, Qq, Vx, Wx), [0xeb] = MS(POR, Pq, Qq, Vx, Wx),
    [0xec] = MS(PADDSB, Pq, Qq, Vx, Wx), [0xed] = MS(PADDSW, Pq, Qq, Vx, Wx),
    [0xee] = MS(PMAXSW, Pq, Qq, Vx, Wx), [0xef] = MS(PXOR, Pq, Qq, Vx, Wx),

    [0xf0] = PFX(UD, UD, UD, R(LDDQU, SSE, Vx, Mx)),
    [0xf1] = MS(PSLLW, Pq, Qq, Vx, Wx), [0xf2] = MS(PSLLD, Pq, Qq, Vx, Wx),
    [0xf3] = MS(PSLLQ, Pq, Qq, Vx, Wx), [0xf4] = MS(PMULUDQ, Pq, Qq, Vx, Wx),
    [0xf5] = MS(PMADDWD, Pq, Qq, Vx, Wx), [0xf6] = MS(PSADBW, Pq, Qq, Vx, Wx),
    [0xf7] = PFX(R(MASKMOVQ, SSE, Pq, Nq, DIq), R(MASKMOVDQU, SSE, Vdq, Udq, DIdq), UD, UD),
    [0xf8] = MS(PSUBB, Pq, Qq, Vx, Wx), [0xf9] = MS(PSUBW, Pq, Qq, Vx, Wx),
    [0xfa] = MS(PSUBD, Pq, Qq, Vx, Wx), [0xfb] = MS(PSUBQ, Pq, Qq, Vx, Wx),
    [0xfc] = MS(PADDB, Pq, Qq, Vx, Wx), [0xfd] = MS(PADDW, Pq, Qq, Vx, Wx),
    [0xfe] = MS(PADDD, Pq, Qq, Vx, Wx), [0xff] = R(UD0, 0, Gv, Ev),
};

/* ---- Table A-4: three-byte opcode map 0F 38 xx ---- */
const X86Row x86_map_0f38[256] = {
    [0x00] = MS(PSHUFB, Pq, Qq, Vx, Wx), [0x01] = MS(PHADDW, Pq, Qq, Vx, Wx),
    [0x02] = MS(PHADDD, Pq, Qq, Vx, Wx), [0x03] = MS(PHADDSW, Pq, Qq, Vx, Wx),
    [0x04] = MS(PMADDUBSW, Pq, Qq, Vx, Wx), [0x05] = MS(PHSUBW, Pq, Qq, Vx, Wx),
    [0x06] = MS(PHSUBD, Pq, Qq, Vx, Wx), [0x07] = MS(PHSUBSW, Pq, Qq, Vx, Wx),
    [0x08] = MS(PSIGNB, Pq, Qq, Vx, Wx), [0x09] = MS(PSIGNW, Pq, Qq, Vx, Wx),
    [0x0a] = MS(PSIGND, Pq, Qq, Vx, Wx), [0x0b] = MS(PMULHRSW, Pq, Qq, Vx, Wx),
    [0x10] = P66(PBLENDVB, Vdq, Wdq, XMM0),
    [0x14] = P66(BLENDVPS, Vdq, Wdq, XMM0), [0x15] = P66(BLENDVPD, Vdq, Wdq, XMM0),
    [0x17] = P66(PTEST, Vx, Wx),
    [0x1c] = MS(PABSB, Pq, Qq, Vx, Wx), [0x1d] = MS(PABSW, Pq, Qq, Vx, Wx),
    [0x1e] = MS(PABSD, Pq, Qq, Vx, Wx),
    [0x20] = P66(PMOVSXBW, Vx, Wq), [0x21] = P66(PMOVSXBD, Vx, Wd),
    [0x22] = P66(PMOVSXBQ, Vx, Ww), [0x23] = P66(PMOVSXWD, Vx, Wq),
    [0x24] = P66(PMOVSXWQ, Vx, Wd), [0x25] = P66(PMOVSXDQ, Vx, Wq),
    [0x28] = P66(PMULDQ, Vx, Wx), [0x29] = P66(PCMPEQQ, Vx, Wx),
    [0x2a] = P66(MOVNTDQA, Vx, Mx), [0x2b] = P66(PACKUSDW, Vx, Wx),
    [0x30] = P66(PMOVZXBW, Vx, Wq), [0x31] = P66(PMOVZXBD, Vx, Wd),
    [0x32] = P66(PMOVZXBQ, Vx, Ww), [0x33] = P66(PMOVZXWD, Vx, Wq),
    [0x34] = P66(PMOVZXWQ, Vx, Wd), [0x35] = P66(PMOVZXDQ, Vx, Wq),
    [0x37] = P66(PCMPGTQ, Vx, Wx),
    [0x38] = P66(PMINSB, Vx, Wx), [0x39] = P66(PMINSD, Vx, Wx),
    [0x3a] = P66(PMINUW, Vx, Wx), [0x3b] = P66(PMINUD, Vx, Wx),
    [0x3c] = P66(PMAXSB, Vx, Wx), [0x3d] = P66(PMAXSD, Vx, Wx),
    [0x3e] = P66(PMAXUW, Vx, Wx), [0x3f] = P66(PMAXUD, Vx, Wx),
    [0x40] = P66(PMULLD, Vx, Wx), [0x41] = P66(PHMINPOSUW, Vdq, Wdq),
    /* F0/F1 without F2 are MOVBE: not modelled */
    [0xf0] = PFX(UD, UD, UD, R(CRC32, 0, Gy, Eb)),
    [0xf1] = PFX(UD, UD, UD, R(CRC32, 0, Gy, Ev)),
};

/* ---- Table A-5: three-byte opcode map 0F 3A xx ---- */
const X86Row x86_map_0f3a[256] = {
    [0x08] = P66(ROUNDPS, Vx, Wx, Ib), [0x09] = P66(ROUNDPD, Vx, Wx, Ib),
    [0x0a] = P66(ROUNDSS, Vss, Wss, Ib), [0x0b] = P66(ROUNDSD, Vsd, Wsd, Ib),
    [0x0c] = P66(BLENDPS, Vx, Wx, Ib), [0x0d] = P66(BLENDPD, Vx, Wx, Ib),
    [0x0e] = P66(PBLENDW, Vx, Wx, Ib),
    [0x0f] = MS3(PALIGNR, Pq, Qq, Ib, Vx, Wx, Ib),
    [0x14] = P66(PEXTRB, RdMb, Vdq, Ib), [0x15] = P66(PEXTRW, RdMw, Vdq, Ib),
    [0x16] = PFX(UD, R(PEXTRD, SSE | WM, Ey, Vdq, Ib), UD, UD),
    [0x17] = P66(EXTRACTPS, Ed, Vdq, Ib),
    [0x20] = P66(PINSRB, Vdq, RyMb, Ib), [0x21] = P66(INSERTPS, Vdq, UdqMd, Ib),
    [0x22] = PFX(UD, R(PINSRD, SSE | WM, Vdq, Ey, Ib), UD, UD),
    [0x40] = P66(DPPS, Vx, Wx, Ib), [0x41] = P66(DPPD, Vdq, Wdq, Ib),
    [0x42] = P66(MPSADBW, Vx, Wx, Ib),
    [0x60] = P66(PCMPESTRM, Vdq, Wdq, Ib), [0x61] = P66(PCMPESTRI, Vdq, Wdq, Ib),
    [0x62] = P66(PCMPISTRM, Vdq, Wdq, Ib), [0x63] = P66(PCMPISTRI, Vdq, Wdq, Ib),
};
