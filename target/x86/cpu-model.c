/*
 * CPU model table and CPUID leaf construction (Intel SDM vol. 2A, CPUID:
 * leaves 0, 1, 0x80000000-0x80000004 and 0x80000008).
 *
 * "mimic64" advertises what the translator implements: the x86-64 baseline
 * plus SSE3 through SSE4.2, POPCNT, CMPXCHG16B, NX, RDTSCP. Nothing beyond:
 * no XSAVE/AVX, so the guest keeps to FXSAVE state, which both accelerators
 * handle. No VME: virtual-8086 mode extensions are not implemented in tcg.
 * "host" is for kvm only and passes the host CPU through.
 */
#include "target/x86/cpu-model.h"

#include <glib.h>
#include <string.h>

#define BASE_EDX                                                                               \
    (CPUID_FPU | CPUID_DE | CPUID_PSE | CPUID_TSC | CPUID_MSR | CPUID_PAE |        \
     CPUID_MCE | CPUID_CX8 | CPUID_APIC | CPUID_SEP | CPUID_MTRR | CPUID_PGE | CPUID_MCA |     \
     CPUID_CMOV | CPUID_PAT | CPUID_PSE36 | CPUID_CLFLUSH | CPUID_MMX | CPUID_FXSR |           \
     CPUID_SSE | CPUID_SSE2)

static const CPUModel models[] = {
    {
        .name = "mimic64",
        .desc = "x86-64 with SSE4.2 (default)",
        .vendor = "GenuineIntel",
        .family = 6, .model = 0x2c, .stepping = 2,
        .features_edx = BASE_EDX,
        .features_ecx = CPUID_EXT_SSE3 | CPUID_EXT_SSSE3 | CPUID_EXT_CX16 | CPUID_EXT_SSE41 |
                        CPUID_EXT_SSE42 | CPUID_EXT_POPCNT | CPUID_EXT_HYPERVISOR,
        .ext_features_edx = CPUID_EXT2_SYSCALL | CPUID_EXT2_NX | CPUID_EXT2_RDTSCP | CPUID_EXT2_LM,
        .ext_features_ecx = CPUID_EXT3_LAHF_LM,
        /* A translated CPU does not speculate, so it has none of the
         * speculative-execution flaws; saying so spares guests their
         * mitigations (Linux's page-table isolation reloads CR3 on every
         * kernel entry and exit, which empties the TLB each time). Under
         * kvm the leaf is masked by what KVM offers and KVM answers the
         * MSR itself. */
        .features7_edx = CPUID_7_EDX_ARCH_CAPABILITIES,
        .arch_capabilities = ARCH_CAP_RDCL_NO | ARCH_CAP_SSB_NO | ARCH_CAP_MDS_NO |
                             ARCH_CAP_PSCHANGE_MC_NO | ARCH_CAP_TAA_NO | ARCH_CAP_SBDR_SSDP_NO |
                             ARCH_CAP_FBSDP_NO | ARCH_CAP_PSDP_NO | ARCH_CAP_GDS_NO |
                             ARCH_CAP_RFDS_NO,
        .phys_bits = 40, .virt_bits = 48,
        .brand = "mimic x86-64 virtual CPU",
    },
    {
        .name = "host",
        .desc = "the host CPU, passed through (kvm only)",
        .passthrough = true,
    },
};

const CPUModel *cpu_model_find(const char *name)
{
    for (size_t i = 0; i < sizeof(models) / sizeof(models[0]); i++) {
        if (!strcmp(models[i].name, name)) {
            return &models[i];
        }
    }
    return NULL;
}

const CPUModel *cpu_model_default(void)
{
    return &models[0];
}

void cpu_model_list(void (*print)(const char *name, const char *desc))
{
    for (size_t i = 0; i < sizeof(models) / sizeof(models[0]); i++) {
        print(models[i].name, models[i].desc);
    }
}

static uint32_t str4(const char *s)
{
    return (uint32_t)(uint8_t)s[0] | (uint32_t)(uint8_t)s[1] << 8 | (uint32_t)(uint8_t)s[2] << 16 |
           (uint32_t)(uint8_t)s[3] << 24;
}

int cpu_model_cpuid(const CPUModel *m, uint32_t apic_id, bool has_apic, CPUIDEntry *out, int max)
{
    int n = 0;
#define ADD(...)                                                                               \
    do {                                                                                       \
        if (n < max) {                                                                         \
            out[n++] = (CPUIDEntry){ __VA_ARGS__ };                                            \
        }                                                                                      \
    } while (0)

    /* Leaf 0: highest basic leaf and vendor (EBX, EDX, ECX order). */
    ADD(.function = 0, .eax = 0x15, .ebx = str4(m->vendor), .edx = str4(m->vendor + 4),
        .ecx = str4(m->vendor + 8));

    /* Leaf 1: signature; EBX = APIC ID, 1 logical CPU, CLFLUSH line 8*8 bytes. */
    uint32_t ext_family = m->family > 15 ? m->family - 15 : 0;
    uint32_t sig = (m->stepping & 0xf) | (m->model & 0xf) << 4 |
                   (m->family > 15 ? 15 : m->family) << 8 | ((m->model >> 4) & 0xf) << 16 |
                   ext_family << 20;
    uint32_t edx = m->features_edx;
    if (!has_apic) {
        edx &= ~CPUID_APIC;
    }
    ADD(.function = 1, .eax = sig, .ebx = apic_id << 24 | 1 << 16 | 8 << 8, .ecx = m->features_ecx,
        .edx = edx);

    /* Leaves 2-6 read as zero (no cache/topology/power descriptions); leaf
     * 7 sub-leaf 0: structured extended features, EAX = last sub-leaf. */
    ADD(.function = 7, .index = 0, .indexed = true, .edx = m->features7_edx);
    /* Leaf 0x15: the TSC's rate, so guests need not calibrate it against
     * the PIT (a calibration disturbed by host load makes Linux distrust
     * the TSC and fall back to the ACPI PM timer, a port read per clock
     * read). Leaves 8-0x14 read as zero. */
    ADD(.function = 0x15, .eax = 1, .ebx = X86_TSC_PER_CRYSTAL, .ecx = X86_CRYSTAL_HZ);

    /* Extended leaves: 0x80000001 features, brand string, address sizes. */
    ADD(.function = 0x80000000, .eax = 0x80000008, .ebx = str4(m->vendor),
        .edx = str4(m->vendor + 4), .ecx = str4(m->vendor + 8));
    ADD(.function = 0x80000001, .eax = sig, .ecx = m->ext_features_ecx, .edx = m->ext_features_edx);
    char brand[48] = { 0 };
    g_strlcpy(brand, m->brand, sizeof(brand));
    for (uint32_t leaf = 0; leaf < 3; leaf++) {
        const char *b = brand + leaf * 16;
        ADD(.function = 0x80000002 + leaf, .eax = str4(b), .ebx = str4(b + 4), .ecx = str4(b + 8),
            .edx = str4(b + 12));
    }
    ADD(.function = 0x80000008, .eax = m->phys_bits | m->virt_bits << 8);
#undef ADD
    return n;
}
