/*
 * x87 FPU helpers called from generated code (translate-fpu.c). Intel SDM
 * vol. 1, ch. 8 "Programming with the x87 FPU", and the instruction pages
 * of vol. 2. Stack positions (dst, src, i) are ST(i) indexes 0-7; op
 * arguments are HX87Op values (host-fpu.h) naming the instruction.
 *
 * The translator checks #NM (CR0.EM/TS) at translation time and, for every
 * waiting instruction, calls helper_fwait first (pending unmasked exception
 * -> #MF), then stores FOP/FIP/FDP, then calls the operation's helper.
 */
#ifndef TARGET_X86_FPU_HELPER_H
#define TARGET_X86_FPU_HELPER_H

#include <stdbool.h>
#include <stdint.h>

#include "target/x86/cpu.h"

/* FWAIT and the start of every waiting x87 instruction: #MF if an unmasked
 * exception is pending (FSW.ES) and CR0.NE is set. */
uint64_t helper_fwait(X86CPU *cpu);

/* ST(dst) = ST(dst) op ST(src), op = HX87_FADD..HX87_FDIVR; then pop if pop. */
uint64_t helper_fpu_arith(X86CPU *cpu, uint64_t op, uint64_t dst, uint64_t src, uint64_t pop);
/* ST(0) = ST(0) op memory value (HX87_FADD_M32..HX87_FIDIVR_M32). */
uint64_t helper_fpu_arith_mem(X86CPU *cpu, uint64_t op, uint64_t value);
/* FCOM/FUCOM (op HX87_FCOM, HX87_FUCOM) of ST(0) with ST(i), then npop pops. */
uint64_t helper_fpu_com(X86CPU *cpu, uint64_t op, uint64_t i, uint64_t npop);
/* FCOM/FICOM with memory (HX87_FCOM_M32..HX87_FICOM_M32), then pop if pop. */
uint64_t helper_fpu_com_mem(X86CPU *cpu, uint64_t op, uint64_t value, uint64_t pop);
/* FCOMI/FUCOMI (op HX87_FCOM / HX87_FUCOM) of ST(0) with ST(i): returns
 * eflags (the current OSZAPC) with ZF PF CF set and OF SF AF clear, or
 * unchanged after an unmasked invalid operation. */
uint64_t helper_fpu_comi(X86CPU *cpu, uint64_t op, uint64_t i, uint64_t pop, uint64_t eflags);
/* Push a memory value (HX87_FLD_M32..HX87_FBLD: lo = bytes 0-7, hi = 8-9)
 * or a constant (HX87_FLD1..HX87_FLDZ). */
uint64_t helper_fpu_load(X86CPU *cpu, uint64_t op, uint64_t lo, uint64_t hi);
/* FLD m80 (no conversion, no exceptions but stack overflow). */
uint64_t helper_fpu_fld80(X86CPU *cpu, uint64_t lo, uint64_t hi);
/* FLD ST(i) */
uint64_t helper_fpu_fld_st(X86CPU *cpu, uint64_t i);
/* Store ST(0) to linear address addr (HX87_FST_M32..HX87_FBSTP), then pop
 * if pop (FISTP m64, FISTTP, FBSTP always pop). */
uint64_t helper_fpu_store(X86CPU *cpu, uint64_t op, uint64_t addr, uint64_t pop);
/* FSTP m80 */
uint64_t helper_fpu_fstp80(X86CPU *cpu, uint64_t addr);
/* FST/FSTP ST(i); mode: FST_ST_POP, and FST_ST_ALIAS_D9 for the D9 D8+i
 * encoding of FSTP (which does not fault on an empty ST(0)). */
#define FST_ST_POP 1
#define FST_ST_ALIAS_D9 2
uint64_t helper_fpu_fst_st(X86CPU *cpu, uint64_t i, uint64_t mode);
/* Operations on the top of the stack: HX87_FCHS..HX87_FPREM1, FTST, FXAM. */
uint64_t helper_fpu_op(X86CPU *cpu, uint64_t op);
uint64_t helper_fpu_fxch(X86CPU *cpu, uint64_t i);
/* FCMOVcc ST(0), ST(i): cond is the evaluated condition (0/1). */
uint64_t helper_fpu_fcmov(X86CPU *cpu, uint64_t i, uint64_t cond);
/* FFREE ST(i) (FFREEP: then pop). */
uint64_t helper_fpu_ffree(X86CPU *cpu, uint64_t i, uint64_t pop);
/* FINCSTP (delta 1) / FDECSTP (delta -1 as 7). */
uint64_t helper_fpu_stack_adjust(X86CPU *cpu, uint64_t delta);

/* ---- control instructions (fpu_env_helper.c) ---- */
uint64_t helper_fpu_fninit(X86CPU *cpu);
uint64_t helper_fpu_fnclex(X86CPU *cpu);
uint64_t helper_fpu_fldcw(X86CPU *cpu, uint64_t fcw);
/* FNSTENV/FLDENV/FNSAVE/FRSTOR at linear address addr; opsize 2 or 4 picks
 * the 16- or 32-bit image, real/V86 or protected-mode format from env. */
uint64_t helper_fpu_fnstenv(X86CPU *cpu, uint64_t addr, uint64_t opsize);
uint64_t helper_fpu_fldenv(X86CPU *cpu, uint64_t addr, uint64_t opsize);
uint64_t helper_fpu_fnsave(X86CPU *cpu, uint64_t addr, uint64_t opsize);
uint64_t helper_fpu_frstor(X86CPU *cpu, uint64_t addr, uint64_t opsize);
/* FXSAVE/FXRSTOR (rexw: the 64-bit FIP/FDP format): #GP(0) if addr is not
 * 16-byte aligned; FXRSTOR #GP(0) on reserved MXCSR bits. */
uint64_t helper_fxsave(X86CPU *cpu, uint64_t addr, uint64_t rexw);
uint64_t helper_fxrstor(X86CPU *cpu, uint64_t addr, uint64_t rexw);
/* LDMXCSR: #GP(0) on reserved bits. */
uint64_t helper_ldmxcsr(X86CPU *cpu, uint64_t value);
/* An MMX instruction starts: TOP = 0, all registers valid (SDM vol. 1, 9.5.1). */
uint64_t helper_mmx_enter(X86CPU *cpu);
/* EMMS: TOP = 0, all registers empty. */
uint64_t helper_emms(X86CPU *cpu);

/* ---- memory images, pure (the helpers above and the tests use them) ---- */
/* FSTENV image (14 or 28 bytes); real selects the real/V86-mode format. */
void fpu_env_store(const X86CPUState *env, uint8_t *img, int opsize, bool real);
void fpu_env_load(X86CPUState *env, const uint8_t *img, int opsize, bool real);
/* FXSAVE image (512 bytes; bytes 464-511 are left alone). xmm_count is 8
 * outside 64-bit mode, else 16. */
void fpu_fxsave_store(const X86CPUState *env, uint8_t *img, bool rexw, int xmm_count);
/* Returns false (nothing loaded) when the MXCSR image has reserved bits set. */
bool fpu_fxsave_load(X86CPUState *env, const uint8_t *img, bool rexw, int xmm_count);
void fpu_reset_state(X86CPUState *env); /* FNINIT */

#endif
