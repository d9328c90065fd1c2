/*
 * Lazy condition codes (tcg). Intel SDM vol. 1, 3.4.3.1 "Status Flags" and
 * appendix A "EFLAGS Cross-Reference".
 *
 * A flag-setting instruction does not compute OF SF ZF AF PF CF; it records
 * what it did as (cc_op, cc_dst, cc_src, cc_src2) in X86CPUState, and the
 * flags are computed from that record only when something reads them.
 * While tcg runs, the OSZAPC bits of env->rflags are stale: the record is
 * authoritative. x86_cpu_sync_eflags() folds the record into env->rflags
 * (the CPU loop calls it before delivering an exception or interrupt and
 * before returning from tcg); x86_cpu_load_eflags() goes the other way (the
 * CPU loop calls it when tcg starts running a CPU whose rflags were set by
 * someone else, e.g. a loader).
 *
 * What the record holds, per kind (values truncated to the operation size
 * and zero-extended, "a" and "b" the source operands, "r" the result):
 *   EFLAGS   src = the flags themselves, at their rflags bit positions
 *   ADD      dst = r, src = b                    (a = r - b)
 *   ADC      dst = r, src = b, src2 = carry in    (a = r - b - c)
 *   SUB      dst = r, src = b                    (a = r + b)  also CMP, NEG (a = 0)
 *   SBB      dst = r, src = b, src2 = borrow in   (a = r + b + c)
 *   LOGIC    dst = r                             (CF = OF = AF = 0)
 *   INC/DEC  dst = r, src = CF before            (CF is preserved)
 *   SHL      dst = r, src = a << (count - 1),     (CF = msb(src))
 *            src2 = a                            (OF = a[n-1] ^ a[n-2])
 *   SAR      dst = r, src = a >> (count - 1),     (CF = bit 0 of src; SHR too)
 *            src2 = the OF source                (OF = msb(src2): SHR a, SAR 0,
 *                                                 SHRD a ^ b << (n - 1))
 *            The SDM defines OF for a count of 1 only; Intel parts compute it
 *            for every count as the first one-bit step would (measured), and
 *            so does the record (SHLD uses SHL's formula: a[n-1] ^ a[n-2]).
 *   MUL      dst = low half of r, src = nonzero iff the product overflowed the
 *            low half (CF = OF = 1); MUL and IMUL both.
 * Flags the SDM leaves undefined are computed as the Intel parts we measured
 * do: AF = 0 for LOGIC, shifts and MUL; for MUL SF and PF from dst, ZF = 0.
 *
 * The CCOp values of a kind are consecutive by size (B, W, L, Q = MO_8..MO_64)
 * so CC_OP_ADDB + MO_32 is CC_OP_ADDL. CC_OP_EFLAGS is 0, so a zeroed
 * X86CPUState (after reset) is a valid record with all flags clear.
 */
#ifndef TARGET_X86_CC_H
#define TARGET_X86_CC_H

#include <stdint.h>

#include "target/x86/cpu.h"

typedef enum CCOp {
    CC_OP_EFLAGS = 0,
    /*
     * Translator only, never stored in env: "env->cc_op holds the record".
     * An ir_insn_start() carrying CC_OP_DYNAMIC means the CPU loop must
     * leave env->cc_op as it finds it when that instruction faults.
     */
    CC_OP_DYNAMIC = 1,

    CC_OP_ADDB = 4,
    CC_OP_ADCB = 8,
    CC_OP_SUBB = 12,
    CC_OP_SBBB = 16,
    CC_OP_LOGICB = 20,
    CC_OP_INCB = 24,
    CC_OP_DECB = 28,
    CC_OP_SHLB = 32,
    CC_OP_SARB = 36,
    CC_OP_MULB = 40,
    CC_OP_NB = 44,
} CCOp;

#define CC_OP_KIND(op) ((op) & ~3u)
#define CC_OP_SIZE(op) ((op) & 3u) /* MO_8 .. MO_64 */

/* The arithmetic flags the record covers. */
#define CC_OSZAPC (RFLAGS_OF | RFLAGS_SF | RFLAGS_ZF | RFLAGS_AF | RFLAGS_PF | RFLAGS_CF)

/* The flags of a record, OSZAPC at their rflags positions (pure C: the
 * unit tests and helpers use it). */
uint64_t cc_compute_all(uint32_t cc_op, uint64_t dst, uint64_t src, uint64_t src2);
/* Only CF (0 or 1). */
uint64_t cc_compute_c(uint32_t cc_op, uint64_t dst, uint64_t src, uint64_t src2);

/* Helpers for generated code (pure: they read only their arguments). */
uint64_t helper_cc_compute_all(X86CPU *cpu, uint64_t cc_op, uint64_t dst, uint64_t src,
                               uint64_t src2);
uint64_t helper_cc_compute_c(X86CPU *cpu, uint64_t cc_op, uint64_t dst, uint64_t src,
                             uint64_t src2);

/* x86_cpu_load_eflags() for generated code (POPF, ...): the bits of rflags
 * selected by mask replace those of the guest's RFLAGS; hflags follow. */
uint64_t helper_load_eflags(X86CPU *cpu, uint64_t rflags, uint64_t mask);

/* Parity of the low byte as PF would be set (RFLAGS_PF or 0). */
static inline uint64_t cc_parity(uint64_t v)
{
    return (__builtin_popcount((unsigned)(v & 0xff)) & 1) ? 0 : RFLAGS_PF;
}

/* The full rflags (arithmetic flags computed from the record). */
uint64_t x86_cpu_get_eflags(const X86CPUState *env);

#endif
