/*
 * The x86-64 CPU as both accelerators see it.
 *
 * X86CPUState is the architectural state in one plain struct (Intel SDM
 * vol. 3A, ch. 2-3 and vol. 1, ch. 3): what KVM's register sync fills, what
 * the translator will run on, and all that the gdbstub and monitor ever see.
 * X86CPU adds the run-time glue: the vCPU thread, the pending-interrupt line
 * and the accelerator's private data.
 */
#ifndef TARGET_X86_CPU_H
#define TARGET_X86_CPU_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "target/x86/cpu-model.h"

enum {
    R_EAX, R_ECX, R_EDX, R_EBX, R_ESP, R_EBP, R_ESI, R_EDI,
    R_R8, R_R9, R_R10, R_R11, R_R12, R_R13, R_R14, R_R15,
};

enum { R_ES, R_CS, R_SS, R_DS, R_FS, R_GS, SEG_COUNT };

/* RFLAGS bits (SDM vol. 1, 3.4.3) */
#define RFLAGS_CF (1u << 0)
#define RFLAGS_FIXED1 (1u << 1)
#define RFLAGS_PF (1u << 2)
#define RFLAGS_AF (1u << 4)
#define RFLAGS_ZF (1u << 6)
#define RFLAGS_SF (1u << 7)
#define RFLAGS_TF (1u << 8)
#define RFLAGS_IF (1u << 9)
#define RFLAGS_DF (1u << 10)
#define RFLAGS_OF (1u << 11)

/* Control registers (SDM vol. 3A, 2.5) */
#define CR0_PE (1u << 0)
#define CR0_MP (1u << 1)
#define CR0_EM (1u << 2)
#define CR0_TS (1u << 3)
#define CR0_ET (1u << 4)
#define CR0_NE (1u << 5)
#define CR0_WP (1u << 16)
#define CR0_AM (1u << 18)
#define CR0_NW (1u << 29)
#define CR0_CD (1u << 30)
#define CR0_PG (1u << 31)
#define CR4_PSE (1u << 4)
#define CR4_PAE (1u << 5)
#define CR4_PGE (1u << 7)
#define CR4_OSFXSR (1u << 9)
#define CR4_OSXMMEXCPT (1u << 10)
#define EFER_SCE (1u << 0)
#define EFER_LME (1u << 8)
#define EFER_LMA (1u << 10)
#define EFER_NXE (1u << 11)

/* Segment descriptor attribute bits as stored in SegmentCache.flags: the
 * descriptor's bits 40-55 shifted down by 8 (type, S, DPL, P, AVL, L, D/B, G). */
#define SEG_TYPE_MASK 0x000f
#define SEG_S (1u << 4)
#define SEG_DPL_SHIFT 5
#define SEG_P (1u << 7)
#define SEG_AVL (1u << 12)
#define SEG_L (1u << 13)
#define SEG_DB (1u << 14)
#define SEG_G (1u << 15)

typedef struct SegmentCache {
    uint16_t selector;
    uint64_t base;
    uint32_t limit; /* byte granular, already scaled by G */
    uint16_t flags;
} SegmentCache;

typedef struct DescTable {
    uint64_t base;
    uint16_t limit;
} DescTable;

typedef struct X86CPUState {
    uint64_t regs[16];
    uint64_t rip;
    uint64_t rflags;
    SegmentCache segs[SEG_COUNT];
    SegmentCache ldt, tr;
    DescTable gdt, idt;
    uint64_t cr0, cr2, cr3, cr4, cr8;
    uint64_t efer;
    uint64_t dr[8];

    /* MSRs Linux and firmware touch */
    uint64_t apic_base;
    uint64_t star, lstar, cstar, fmask, kernel_gs_base;
    uint64_t sysenter_cs, sysenter_esp, sysenter_eip;
    uint64_t tsc;
    uint64_t pat;
    uint64_t misc_enable;
    uint64_t mtrr_var[16];     /* IA32_MTRR_PHYSBASEn / PHYSMASKn, n = 0..7 */
    uint64_t mtrr_fixed[11];   /* 64K_00000, 16K_80000/A0000, 4K_C0000..F8000 */
    uint64_t mtrr_def_type;
    uint64_t mcg_status;
    uint64_t tsc_aux;

    /* x87/SSE state in the FXSAVE layout (SDM vol. 1, 10.5.1) */
    uint8_t fxsave[512] __attribute__((aligned(16)));
    uint8_t xmm_t0[16] __attribute__((aligned(16))); /* tcg: SSE memory operand scratch */
    uint32_t mxcsr;

    bool halted;
    bool interrupt_shadow; /* after mov ss / sti */

    /*
     * tcg only. Lazy condition codes: the arithmetic flags of rflags are
     * kept as (cc_op, cc_dst, cc_src, cc_src2) and computed when read; see
     * target/x86/cc.h. The other accelerators see rflags whole, because
     * tcg folds the flags back in (x86_cpu_sync_eflags) before it returns.
     */
    uint64_t cc_dst, cc_src, cc_src2;
    uint32_t cc_op;
    /* tcg: mode bits the translator specialises on (HF_* below), kept
     * current by every helper that changes CR0, CR4, EFER, CS, SS or CPL */
    uint32_t hflags;
    /* tcg: the exception or interrupt being raised (see accel/tcg/exec.h) */
    int exception_index;
    uint32_t error_code;
    bool exception_has_error;
    bool exception_is_soft;   /* INT n / INT3 / INTO: privilege-checked, next rip pushed */
    uint64_t exception_next_rip;
    int exception_old;        /* first fault while delivering, for #DF (-1 if none) */
} X86CPUState;

/* hflags (tcg): what a translated block depends on besides CS base and rIP */
#define HF_CPL_MASK 0x3u  /* current privilege level */
#define HF_PE (1u << 2)   /* CR0.PE */
#define HF_CS32 (1u << 3) /* CS.D: 32-bit default operand/address size */
#define HF_SS32 (1u << 4) /* SS.B: 32-bit stack pointer */
#define HF_CS64 (1u << 5) /* CS.L with EFER.LMA: 64-bit mode */
#define HF_LMA (1u << 6)  /* long mode active */
#define HF_ADDSEG (1u << 7) /* DS/ES/SS base may be non-zero: add segment bases */
#define HF_VM (1u << 8)   /* virtual-8086 mode */
#define HF_TF (1u << 9)   /* single-step: one instruction per block, #DB after */
#define HF_INHIBIT_IRQ (1u << 10) /* interrupt shadow of STI / MOV SS */
#define HF_OSFXSR (1u << 11)   /* CR4.OSFXSR: SSE enabled */
#define HF_EM (1u << 12)  /* CR0.EM */
#define HF_TS (1u << 13)  /* CR0.TS */
#define HF_MP (1u << 14)  /* CR0.MP */
#define HF_AC (1u << 15)  /* alignment checks on: CR0.AM && RFLAGS.AC && CPL 3 */
#define HF_IOPL_SHIFT 16  /* RFLAGS.IOPL copy, for CLI/STI/IN/OUT checks */
#define HF_IOPL_MASK (3u << HF_IOPL_SHIFT)
/* How data accesses through each segment register (R_ES..R_GS, 2 bits each)
 * are checked outside 64-bit mode (SDM vol. 3A 5.3-5.6): not at all (flat:
 * limit 4 GiB, expand-up, writable data), the offset against an expand-up
 * limit only, or everything by a helper (rights, null, expand-down). */
#define HF_SEGCHK_SHIFT 18
#define HF_SEGCHK_NONE 0u
#define HF_SEGCHK_LIMIT 1u
#define HF_SEGCHK_FULL 2u
#define HF_SEGCHK(hflags, seg) (((hflags) >> (HF_SEGCHK_SHIFT + 2 * (seg))) & 3u)

typedef struct Machine Machine;

typedef struct X86CPU {
    X86CPUState env;
    const CPUModel *model;
    Machine *machine;
    int index;

    pthread_t thread;
    /* Level of the INTR pin, driven by the interrupt controller. */
    atomic_int intr;
    /* Acknowledge the interrupt: returns the vector (the INTA cycle). */
    int (*intack)(void *opaque);
    void *intack_opaque;

    void *accel; /* the accelerator's per-vCPU data */
    struct ApicState *apic; /* the local APIC model, when mimic provides it */
} X86CPU;

/* Architectural state after RESET/INIT (SDM vol. 3A, 9.1.1): real mode at
 * F000:FFF0. Loaders then set up the state their boot protocol needs. */
void x86_cpu_reset(X86CPU *cpu);

/* Load a flat 32-bit protected-mode state: CS/DS/ES/SS base 0, limit 4 GiB,
 * paging off, interrupts off, as the Linux 32-bit and multiboot protocols
 * require. */
void x86_cpu_set_flat32(X86CPUState *env, uint64_t eip);

/* Drive the INTR pin (an IrqHandler for the interrupt controller's output). */
void x86_cpu_set_intr(void *opaque, int n, int level);

#endif
