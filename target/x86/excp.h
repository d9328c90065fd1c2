/*
 * x86 exception vectors, page-fault error-code bits and the system RFLAGS
 * bits the system helpers use (Intel SDM vol. 3A, 6.3.1 table 6-1 "Protected-
 * Mode Exceptions and Interrupts", 4.7 "Page-Fault Exceptions", and vol. 1,
 * 3.4.3 "EFLAGS Register").
 */
#ifndef TARGET_X86_EXCP_H
#define TARGET_X86_EXCP_H

/* Vectors (table 6-1). */
#define EXCP00_DE 0   /* divide error */
#define EXCP01_DB 1   /* debug */
#define EXCP02_NMI 2  /* non-maskable interrupt */
#define EXCP03_BP 3   /* breakpoint (INT3) */
#define EXCP04_OF 4   /* overflow (INTO) */
#define EXCP05_BR 5   /* BOUND range exceeded */
#define EXCP06_UD 6   /* invalid opcode */
#define EXCP07_NM 7   /* device not available */
#define EXCP08_DF 8   /* double fault (error code 0) */
#define EXCP09_XERR 9 /* coprocessor segment overrun (reserved since the 486) */
#define EXCP0A_TS 10  /* invalid TSS */
#define EXCP0B_NP 11  /* segment not present */
#define EXCP0C_SS 12  /* stack-segment fault */
#define EXCP0D_GP 13  /* general protection */
#define EXCP0E_PF 14  /* page fault */
#define EXCP10_MF 16  /* x87 floating-point error */
#define EXCP11_AC 17  /* alignment check */
#define EXCP12_MC 18  /* machine check */
#define EXCP13_XF 19  /* SIMD floating-point exception */

/* #PF error code (4.7, figure 4-12). */
#define PF_ERR_P (1u << 0)    /* 0: not-present page; 1: protection violation */
#define PF_ERR_W (1u << 1)    /* the access was a write */
#define PF_ERR_U (1u << 2)    /* the access was a user-mode access */
#define PF_ERR_RSVD (1u << 3) /* a reserved bit was set in a paging-structure entry */
#define PF_ERR_I (1u << 4)    /* instruction fetch (PAE/4-level with EFER.NXE only) */
/*
 * Not architectural: x86_translate() reports a non-canonical linear address
 * in 4-level paging this way. It is not a page fault: the TLB raises #GP(0)
 * (or the caller #SS(0) for a stack access) instead of #PF, without CR2.
 */
#define PF_ERR_NONCANON (1u << 31)

/* Selector-style error codes (6.13, figure 6-6). */
#define ERR_EXT (1u << 0) /* the event was external to the program */
#define ERR_IDT (1u << 1) /* the index refers to an IDT gate */
#define ERR_TI (1u << 2)  /* the index refers to the LDT */

/* System RFLAGS bits beyond cpu.h's list (vol. 1, 3.4.3.3). */
#ifndef RFLAGS_IOPL_SHIFT
#define RFLAGS_IOPL_SHIFT 12
#endif
#ifndef RFLAGS_IOPL
#define RFLAGS_IOPL (3u << 12)
#endif
#ifndef RFLAGS_NT
#define RFLAGS_NT (1u << 14)
#endif
#ifndef RFLAGS_RF
#define RFLAGS_RF (1u << 16)
#endif
#ifndef RFLAGS_VM
#define RFLAGS_VM (1u << 17)
#endif
#ifndef RFLAGS_AC
#define RFLAGS_AC (1u << 18)
#endif
#ifndef RFLAGS_VIF
#define RFLAGS_VIF (1u << 19)
#endif
#ifndef RFLAGS_VIP
#define RFLAGS_VIP (1u << 20)
#endif
#ifndef RFLAGS_ID
#define RFLAGS_ID (1u << 21)
#endif

#endif
