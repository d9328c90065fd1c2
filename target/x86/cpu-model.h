/*
 * CPU models: the CPUID leaves mimic presents to the guest (Intel SDM vol. 2A,
 * CPUID). One table serves both accelerators: kvm sets it with
 * KVM_SET_CPUID2 (masked by what the host can virtualize) and tcg implements
 * exactly what it advertises.
 */
#ifndef TARGET_X86_CPU_MODEL_H
#define TARGET_X86_CPU_MODEL_H

#include <stdbool.h>
#include <stdint.h>

/* Leaf 1 EDX */
#define CPUID_FPU (1u << 0)
#define CPUID_VME (1u << 1)
#define CPUID_DE (1u << 2)
#define CPUID_PSE (1u << 3)
#define CPUID_TSC (1u << 4)
#define CPUID_MSR (1u << 5)
#define CPUID_PAE (1u << 6)
#define CPUID_MCE (1u << 7)
#define CPUID_CX8 (1u << 8)
#define CPUID_APIC (1u << 9)
#define CPUID_SEP (1u << 11)
#define CPUID_MTRR (1u << 12)
#define CPUID_PGE (1u << 13)
#define CPUID_MCA (1u << 14)
#define CPUID_CMOV (1u << 15)
#define CPUID_PAT (1u << 16)
#define CPUID_PSE36 (1u << 17)
#define CPUID_CLFLUSH (1u << 19)
#define CPUID_MMX (1u << 23)
#define CPUID_FXSR (1u << 24)
#define CPUID_SSE (1u << 25)
#define CPUID_SSE2 (1u << 26)
/* Leaf 1 ECX */
#define CPUID_EXT_SSE3 (1u << 0)
#define CPUID_EXT_SSSE3 (1u << 9)
#define CPUID_EXT_CX16 (1u << 13)
#define CPUID_EXT_SSE41 (1u << 19)
#define CPUID_EXT_SSE42 (1u << 20)
#define CPUID_EXT_POPCNT (1u << 23)
#define CPUID_EXT_HYPERVISOR (1u << 31)
/* Leaf 0x80000001 EDX / ECX */
#define CPUID_EXT2_SYSCALL (1u << 11)
#define CPUID_EXT2_NX (1u << 20)
#define CPUID_EXT2_RDTSCP (1u << 27)
#define CPUID_EXT2_LM (1u << 29)
#define CPUID_EXT3_LAHF_LM (1u << 0)

typedef struct CPUModel {
    const char *name;
    const char *desc;
    char vendor[13];
    uint32_t family, model, stepping;
    uint32_t features_edx, features_ecx;       /* leaf 1 */
    uint32_t ext_features_edx, ext_features_ecx; /* leaf 0x80000001 */
    uint32_t features7_edx;                      /* leaf 7, sub-leaf 0 */
    uint64_t arch_capabilities; /* IA32_ARCH_CAPABILITIES, if leaf 7 EDX[29] */
    uint32_t phys_bits, virt_bits;
    char brand[49];
    bool passthrough; /* "host": kvm reports what the host CPU has */
} CPUModel;

/* CPUID leaf 0x15 (SDM vol. 2A, CPUID "Time Stamp Counter and Nominal Core
 * Crystal Clock"): TSC = crystal * EBX / EAX. mimic's crystal is the local
 * APIC timer's input (1 GHz, as KVM's) and tcg's TSC runs at twice that
 * (target/x86/misc_helper.h); kvm puts KVM's own TSC rate here instead. */
#define X86_CRYSTAL_HZ 1000000000u
#define X86_TSC_PER_CRYSTAL 2u

/* CPUID.(EAX=7,ECX=0):EDX: IA32_ARCH_CAPABILITIES exists (SDM vol. 2A, CPUID). */
#define CPUID_7_EDX_ARCH_CAPABILITIES (1u << 29)
/* IA32_ARCH_CAPABILITIES bits: "not affected by" (SDM vol. 4, table 2-2). */
#define ARCH_CAP_RDCL_NO (1ull << 0)
#define ARCH_CAP_SSB_NO (1ull << 4)
#define ARCH_CAP_MDS_NO (1ull << 5)
#define ARCH_CAP_PSCHANGE_MC_NO (1ull << 6)
#define ARCH_CAP_TAA_NO (1ull << 8)
#define ARCH_CAP_SBDR_SSDP_NO (1ull << 13)
#define ARCH_CAP_FBSDP_NO (1ull << 14)
#define ARCH_CAP_PSDP_NO (1ull << 15)
#define ARCH_CAP_GDS_NO (1ull << 26)
#define ARCH_CAP_RFDS_NO (1ull << 27)

typedef struct CPUIDEntry {
    uint32_t function, index;
    bool indexed; /* the leaf has sub-leaves selected by ECX */
    uint32_t eax, ebx, ecx, edx;
} CPUIDEntry;

const CPUModel *cpu_model_find(const char *name);
const CPUModel *cpu_model_default(void);
/* "name: description" lines of every model, for -cpu help. */
void cpu_model_list(void (*print)(const char *name, const char *desc));

/*
 * Fill out[] (room for max entries) with the CPUID leaves of the model, for
 * vCPU number apic_id. has_apic says whether the machine gives the CPU a local
 * APIC. Returns the number of entries written.
 */
int cpu_model_cpuid(const CPUModel *m, uint32_t apic_id, bool has_apic, CPUIDEntry *out, int max);

#endif
