/*
 * System instructions for tcg: MOV to/from control and debug registers,
 * RDMSR/WRMSR, CPUID, RDTSC/RDTSCP, HLT, IN/OUT with the I/O permission
 * checks, LGDT/LIDT/SGDT/SIDT, SLDT/STR, SMSW/LMSW/CLTS, INVLPG, WBINVD.
 * Intel SDM vol. 3A 2.5 (control registers and their #GP conditions), 9.8.5
 * (IA-32e mode activation), 11.11 (MTRRs), 11.12 (PAT), 17.2 (debug
 * registers), 17.17 (TSC); vol. 1 19.5 (I/O permission bit map); vol. 4
 * table 2-2 (MSRs); vol. 2 pseudo-code of each instruction.
 */
#include "target/x86/misc_helper.h"

#include "hw/core/machine.h"
#include "hw/intc/apic.h"
#include "system/main-loop.h"
#include "hw/core/timer.h"
#include "target/x86/seg_helper.h"

#define CR0_VALID (CR0_PE | CR0_MP | CR0_EM | CR0_TS | CR0_ET | CR0_NE | CR0_WP | CR0_AM | \
                   CR0_NW | CR0_CD | CR0_PG)
#define CR4_VALID (CR4_VME | CR4_PVI | CR4_TSD | CR4_DE | CR4_PSE | CR4_PAE | CR4_MCE | CR4_PGE | \
                   CR4_PCE | CR4_OSFXSR | CR4_OSXMMEXCPT)
#define EFER_VALID (EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE)

#define APIC_BASE_BSP (1ull << 8)
#define APIC_BASE_EN (1ull << 11)

#define MTRR_VCNT 8
/* IA32_MTRRCAP: 8 variable ranges, fixed ranges, write-combining (11.11.1) */
#define MTRRCAP_VALUE (MTRR_VCNT | (1u << 8) | (1u << 10))

_Noreturn static void raise_gp0(X86CPU *cpu)
{
    cpu_raise_exception_err(cpu, EXCP0D_GP, 0);
}

static void require_cpl0(X86CPU *cpu)
{
    if (x86_cpl(&cpu->env) != 0) {
        raise_gp0(cpu);
    }
}

static inline bool is_canonical(uint64_t a)
{
    return (uint64_t)((int64_t)(a << 16) >> 16) == a;
}

static unsigned phys_bits(X86CPU *cpu)
{
    return cpu->model && cpu->model->phys_bits ? cpu->model->phys_bits : 40;
}

/* Bits 63:MAXPHYADDR, reserved in physical-address MSRs and CR3. */
static uint64_t phys_rsvd(X86CPU *cpu)
{
    return ~((1ull << phys_bits(cpu)) - 1);
}

/* ---- control registers ---- */

static void write_cr0(X86CPU *cpu, uint64_t val)
{
    X86CPUState *env = &cpu->env;
    uint64_t old = env->cr0;
    if (val >> 32) {
        raise_gp0(cpu);
    }
    val = (val & CR0_VALID) | CR0_ET; /* ET is hardwired to 1 */
    if (((val & CR0_PG) && !(val & CR0_PE)) || ((val & CR0_NW) && !(val & CR0_CD))) {
        raise_gp0(cpu);
    }
    uint64_t efer = env->efer;
    if ((val & CR0_PG) && !(old & CR0_PG) && (efer & EFER_LME)) {
        /* IA-32e activation (9.8.5) needs PAE and a CS with L = 0 */
        if (!(env->cr4 & CR4_PAE) || (env->segs[R_CS].flags & SEG_L)) {
            raise_gp0(cpu);
        }
        efer |= EFER_LMA;
    }
    if (!(val & CR0_PG) && (old & CR0_PG) && (efer & EFER_LMA)) {
        if (env->hflags & HF_CS64) {
            raise_gp0(cpu); /* paging can only be left from compatibility mode */
        }
        efer &= ~(uint64_t)EFER_LMA;
    }
    env->cr0 = val;
    env->efer = efer;
    if ((old ^ val) & (CR0_PG | CR0_WP | CR0_PE)) {
        tlb_flush(cpu, true);
    }
    x86_update_hflags(env);
}

static void write_cr4(X86CPU *cpu, uint64_t val)
{
    X86CPUState *env = &cpu->env;
    if ((val & ~(uint64_t)CR4_VALID) || ((env->efer & EFER_LMA) && !(val & CR4_PAE))) {
        raise_gp0(cpu);
    }
    if ((env->cr4 ^ val) & (CR4_PSE | CR4_PAE | CR4_PGE)) {
        tlb_flush(cpu, true);
    }
    env->cr4 = val;
    x86_update_hflags(env);
}

uint64_t helper_write_cr(X86CPU *cpu, uint64_t reg, uint64_t value)
{
    X86CPUState *env = &cpu->env;
    bool lma = env->efer & EFER_LMA;
    if (reg != 0 && reg != 2 && reg != 3 && reg != 4 && reg != 8) {
        cpu_raise_exception(cpu, EXCP06_UD);
    }
    require_cpl0(cpu);
    if (!lma) {
        value = (uint32_t)value;
    }
    switch (reg) {
    case 0:
        write_cr0(cpu, value);
        break;
    case 2:
        env->cr2 = value;
        break;
    case 3:
        if (lma && (value & phys_rsvd(cpu))) {
            raise_gp0(cpu);
        }
        env->cr3 = value;
        tlb_flush(cpu, false);
        break;
    case 4:
        write_cr4(cpu, value);
        break;
    case 8:
        if (value & ~0xfull) {
            raise_gp0(cpu);
        }
        env->cr8 = value;
        if (cpu->apic) {
            bql_lock();
            apic_set_cr8(cpu->apic, value); /* CR8 is the APIC's TPR[7:4] */
            bql_unlock();
        }
        break;
    }
    return 0;
}

uint64_t helper_read_cr(X86CPU *cpu, uint64_t reg)
{
    X86CPUState *env = &cpu->env;
    if (reg != 0 && reg != 2 && reg != 3 && reg != 4 && reg != 8) {
        cpu_raise_exception(cpu, EXCP06_UD);
    }
    require_cpl0(cpu);
    if (reg == 8 && cpu->apic) {
        bql_lock();
        env->cr8 = apic_get_cr8(cpu->apic); /* the guest may have written TPR */
        bql_unlock();
    }
    uint64_t v = reg == 0 ? env->cr0 : reg == 2 ? env->cr2 : reg == 3 ? env->cr3 :
                 reg == 4 ? env->cr4 : env->cr8;
    return (env->efer & EFER_LMA) ? v : (uint32_t)v;
}

/* ---- debug registers (17.2) ---- */

static unsigned dr_index(X86CPU *cpu, uint64_t reg)
{
    if (reg > 7) {
        cpu_raise_exception(cpu, EXCP06_UD);
    }
    require_cpl0(cpu);
    if (reg == 4 || reg == 5) {
        if (cpu->env.cr4 & CR4_DE) {
            cpu_raise_exception(cpu, EXCP06_UD);
        }
        reg += 2; /* aliases of DR6/DR7 without debugging extensions */
    }
    return (unsigned)reg;
}

uint64_t helper_write_dr(X86CPU *cpu, uint64_t reg, uint64_t value)
{
    X86CPUState *env = &cpu->env;
    unsigned r = dr_index(cpu, reg);
    if (!(env->efer & EFER_LMA)) {
        value = (uint32_t)value;
    }
    if (r >= 6) {
        if (value >> 32) {
            raise_gp0(cpu);
        }
        /* reserved bits read back as the processor fixes them */
        value = r == 6 ? (value & 0xe00f) | 0xffff0ff0 : (value & 0xffff23ff) | 0x400;
    }
    env->dr[r] = value;
    return 0;
}

uint64_t helper_read_dr(X86CPU *cpu, uint64_t reg)
{
    return cpu->env.dr[dr_index(cpu, reg)];
}

/* ---- MSRs ---- */

uint64_t x86_tsc_read(X86CPU *cpu)
{
    /* Linux reads the TSC on every system call (kernel stack offset): keep
     * this a multiply, not a 128-bit division */
    _Static_assert(X86_TSC_HZ % 1000000000u == 0, "TSC rate is a whole number of GHz");
    return (uint64_t)clock_ns() * (X86_TSC_HZ / 1000000000u) + cpu->env.tsc;
}

static bool mtrr_type_ok(uint64_t t)
{
    return t == 0 || t == 1 || t == 4 || t == 5 || t == 6; /* UC WC WT WP WB */
}

static bool pat_ok(uint64_t v)
{
    for (int i = 0; i < 8; i++) {
        uint64_t t = (v >> (8 * i)) & 0xff;
        if (!mtrr_type_ok(t) && t != 7) { /* 7 = UC- */
            return false;
        }
    }
    return true;
}

static int mtrr_fixed_index(uint32_t msr)
{
    if (msr == MSR_IA32_MTRR_FIX64K_00000) {
        return 0;
    }
    if (msr == MSR_IA32_MTRR_FIX16K_80000 || msr == MSR_IA32_MTRR_FIX16K_A0000) {
        return 1 + (int)(msr - MSR_IA32_MTRR_FIX16K_80000);
    }
    if (msr >= MSR_IA32_MTRR_FIX4K_C0000 && msr < MSR_IA32_MTRR_FIX4K_C0000 + 8) {
        return 3 + (int)(msr - MSR_IA32_MTRR_FIX4K_C0000);
    }
    return -1;
}

static bool msr_read(X86CPU *cpu, uint32_t msr, uint64_t *v)
{
    X86CPUState *env = &cpu->env;
    int fix = mtrr_fixed_index(msr);
    if (fix >= 0) {
        *v = env->mtrr_fixed[fix];
        return true;
    }
    if (msr >= MSR_IA32_MTRR_PHYSBASE0 && msr < MSR_IA32_MTRR_PHYSBASE0 + 2 * MTRR_VCNT) {
        *v = env->mtrr_var[msr - MSR_IA32_MTRR_PHYSBASE0];
        return true;
    }
    switch (msr) {
    case MSR_IA32_TSC: *v = x86_tsc_read(cpu); break;
    case MSR_IA32_APIC_BASE:
        if (cpu->apic) {
            bql_lock();
            env->apic_base = apic_get_base(cpu->apic);
            bql_unlock();
        }
        *v = env->apic_base;
        break;
    case MSR_IA32_BIOS_SIGN_ID: *v = 0; break; /* microcode revision 0 */
    case MSR_IA32_ARCH_CAPABILITIES: {
        const CPUModel *m = cpu->model ? cpu->model : cpu_model_default();
        if (!(m->features7_edx & CPUID_7_EDX_ARCH_CAPABILITIES)) {
            return false;
        }
        *v = m->arch_capabilities;
        break;
    }
    case MSR_IA32_MTRRCAP: *v = MTRRCAP_VALUE; break;
    case MSR_IA32_SYSENTER_CS: *v = env->sysenter_cs; break;
    case MSR_IA32_SYSENTER_ESP: *v = env->sysenter_esp; break;
    case MSR_IA32_SYSENTER_EIP: *v = env->sysenter_eip; break;
    case MSR_IA32_MCG_CAP: *v = 0; break; /* no banks, no MCG_CTL */
    case MSR_IA32_MCG_STATUS: *v = env->mcg_status; break;
    case MSR_IA32_MISC_ENABLE: *v = env->misc_enable; break;
    case MSR_IA32_PAT: *v = env->pat; break;
    case MSR_IA32_MTRR_DEF_TYPE: *v = env->mtrr_def_type; break;
    case MSR_EFER: *v = env->efer; break;
    case MSR_STAR: *v = env->star; break;
    case MSR_LSTAR: *v = env->lstar; break;
    case MSR_CSTAR: *v = env->cstar; break;
    case MSR_FMASK: *v = env->fmask; break;
    case MSR_FS_BASE: *v = env->segs[R_FS].base; break;
    case MSR_GS_BASE: *v = env->segs[R_GS].base; break;
    case MSR_KERNEL_GS_BASE: *v = env->kernel_gs_base; break;
    case MSR_TSC_AUX: *v = env->tsc_aux; break;
    default: return false;
    }
    return true;
}

static bool write_efer(X86CPU *cpu, uint64_t v)
{
    X86CPUState *env = &cpu->env;
    if (v & ~(uint64_t)EFER_VALID) {
        return false;
    }
    /* LME may not change while paging is on; LMA is read-only */
    if (((v ^ env->efer) & EFER_LME) && (env->cr0 & CR0_PG)) {
        return false;
    }
    uint64_t n = (v & ~(uint64_t)EFER_LMA) | (env->efer & EFER_LMA);
    if ((n ^ env->efer) & EFER_NXE) {
        tlb_flush(cpu, true);
    }
    env->efer = n;
    x86_update_hflags(env);
    return true;
}

static bool msr_write(X86CPU *cpu, uint32_t msr, uint64_t v)
{
    X86CPUState *env = &cpu->env;
    int fix = mtrr_fixed_index(msr);
    if (fix >= 0) {
        for (int i = 0; i < 8; i++) {
            if (!mtrr_type_ok((v >> (8 * i)) & 0xff)) {
                return false;
            }
        }
        env->mtrr_fixed[fix] = v;
        return true;
    }
    if (msr >= MSR_IA32_MTRR_PHYSBASE0 && msr < MSR_IA32_MTRR_PHYSBASE0 + 2 * MTRR_VCNT) {
        unsigned i = msr - MSR_IA32_MTRR_PHYSBASE0;
        /* PHYSBASE: type in 7:0, 11:8 reserved; PHYSMASK: valid bit 11, 10:0 reserved */
        uint64_t rsvd = phys_rsvd(cpu) | ((i & 1) ? 0x7ffull : 0xf00ull);
        if ((v & rsvd) || (!(i & 1) && !mtrr_type_ok(v & 0xff))) {
            return false;
        }
        env->mtrr_var[i] = v;
        return true;
    }
    switch (msr) {
    case MSR_IA32_TSC:
        env->tsc = 0;
        env->tsc = v - x86_tsc_read(cpu);
        return true;
    case MSR_IA32_APIC_BASE:
        /* EN and the base; BSP is read-only, x2APIC (bit 10) not offered */
        if (v & (phys_rsvd(cpu) | 0x6ffull)) {
            return false;
        }
        v = (v & ~APIC_BASE_BSP) | (env->apic_base & APIC_BASE_BSP);
        if (cpu->apic) {
            bql_lock();
            bool ok = apic_set_base(cpu->apic, v);
            bql_unlock();
            if (!ok) {
                return false;
            }
        }
        env->apic_base = v;
        return true;
    case MSR_IA32_BIOS_SIGN_ID:
        return true; /* the write that precedes reading the revision */
    case MSR_IA32_SYSENTER_CS: env->sysenter_cs = v & 0xffffffff; return true;
    case MSR_IA32_SYSENTER_ESP:
    case MSR_IA32_SYSENTER_EIP:
        if (!is_canonical(v)) {
            return false;
        }
        *(msr == MSR_IA32_SYSENTER_ESP ? &env->sysenter_esp : &env->sysenter_eip) = v;
        return true;
    case MSR_IA32_MCG_STATUS: env->mcg_status = v; return true;
    case MSR_IA32_MISC_ENABLE: env->misc_enable = v; return true;
    case MSR_IA32_PAT:
        if (!pat_ok(v)) {
            return false;
        }
        env->pat = v;
        return true;
    case MSR_IA32_MTRR_DEF_TYPE:
        if ((v & ~0xcffull) || !mtrr_type_ok(v & 0xff)) {
            return false;
        }
        env->mtrr_def_type = v;
        return true;
    case MSR_EFER: return write_efer(cpu, v);
    case MSR_STAR: env->star = v; return true;
    case MSR_FMASK:
        if (v >> 32) {
            return false;
        }
        env->fmask = v;
        return true;
    case MSR_LSTAR:
    case MSR_CSTAR:
    case MSR_FS_BASE:
    case MSR_GS_BASE:
    case MSR_KERNEL_GS_BASE:
        if (!is_canonical(v)) {
            return false;
        }
        *(msr == MSR_LSTAR ? &env->lstar : msr == MSR_CSTAR ? &env->cstar :
          msr == MSR_FS_BASE ? &env->segs[R_FS].base : msr == MSR_GS_BASE ? &env->segs[R_GS].base :
          &env->kernel_gs_base) = v;
        return true;
    case MSR_TSC_AUX:
        if (v >> 32) {
            return false;
        }
        env->tsc_aux = v;
        return true;
    default:
        return false;
    }
}

uint64_t helper_rdmsr(X86CPU *cpu)
{
    X86CPUState *env = &cpu->env;
    uint64_t v;
    require_cpl0(cpu);
    if (!msr_read(cpu, (uint32_t)env->regs[R_ECX], &v)) {
        raise_gp0(cpu);
    }
    env->regs[R_EAX] = (uint32_t)v;
    env->regs[R_EDX] = v >> 32;
    return 0;
}

uint64_t helper_wrmsr(X86CPU *cpu)
{
    X86CPUState *env = &cpu->env;
    require_cpl0(cpu);
    uint64_t v = (uint32_t)env->regs[R_EAX] | (env->regs[R_EDX] << 32);
    if (!msr_write(cpu, (uint32_t)env->regs[R_ECX], v)) {
        raise_gp0(cpu);
    }
    return 0;
}

/* ---- CPUID, TSC, HLT ---- */

uint64_t helper_cpuid(X86CPU *cpu)
{
    X86CPUState *env = &cpu->env;
    CPUIDEntry e[32];
    const CPUModel *model = cpu->model ? cpu->model : cpu_model_default();
    /* a globally disabled APIC (IA32_APIC_BASE.EN = 0) leaves CPUID */
    bool has_apic = cpu->machine && cpu->machine->has_apic && (env->apic_base & APIC_BASE_EN);
    int n = cpu_model_cpuid(model, (uint32_t)cpu->index, has_apic, e, 32);
    uint32_t leaf = (uint32_t)env->regs[R_EAX], sub = (uint32_t)env->regs[R_ECX];
    uint32_t max_basic = 0, max_ext = 0;
    for (int i = 0; i < n; i++) {
        if (e[i].function == 0) {
            max_basic = e[i].eax;
        } else if (e[i].function == 0x80000000) {
            max_ext = e[i].eax;
        }
    }
    /* beyond the highest leaf of its range: Intel returns the highest basic leaf */
    if (leaf >= 0x80000000 ? leaf > max_ext : leaf > max_basic) {
        leaf = max_basic;
    }
    uint32_t r[4] = { 0, 0, 0, 0 };
    for (int i = 0; i < n; i++) {
        if (e[i].function == leaf && (!e[i].indexed || e[i].index == sub)) {
            r[0] = e[i].eax, r[1] = e[i].ebx, r[2] = e[i].ecx, r[3] = e[i].edx;
            break;
        }
    }
    env->regs[R_EAX] = r[0];
    env->regs[R_EBX] = r[1];
    env->regs[R_ECX] = r[2];
    env->regs[R_EDX] = r[3];
    return 0;
}

static uint64_t rdtsc_checked(X86CPU *cpu)
{
    if ((cpu->env.cr4 & CR4_TSD) && x86_cpl(&cpu->env) != 0) {
        raise_gp0(cpu);
    }
    return x86_tsc_read(cpu);
}

uint64_t helper_rdtsc(X86CPU *cpu)
{
    uint64_t t = rdtsc_checked(cpu);
    cpu->env.regs[R_EAX] = (uint32_t)t;
    cpu->env.regs[R_EDX] = t >> 32;
    return 0;
}

uint64_t helper_rdtscp(X86CPU *cpu)
{
    uint64_t t = rdtsc_checked(cpu);
    cpu->env.regs[R_EAX] = (uint32_t)t;
    cpu->env.regs[R_EDX] = t >> 32;
    cpu->env.regs[R_ECX] = (uint32_t)cpu->env.tsc_aux;
    return 0;
}

uint64_t helper_hlt(X86CPU *cpu, uint64_t next_rip)
{
    require_cpl0(cpu);
    cpu->env.halted = true;
    cpu->env.rip = next_rip;
    cpu_loop_exit(cpu);
}

/* ---- port I/O (vol. 1, 19.5) ---- */

uint64_t helper_check_io(X86CPU *cpu, uint64_t port, uint64_t size)
{
    X86CPUState *env = &cpu->env;
    if (!(env->cr0 & CR0_PE)) {
        return 0;
    }
    int iopl = (int)((env->rflags >> RFLAGS_IOPL_SHIFT) & 3);
    if (!(env->rflags & RFLAGS_VM) && x86_cpl(env) <= iopl) {
        return 0;
    }
    /* the bitmap of a 32/64-bit TSS: base at offset 0x66, one bit per port */
    const SegmentCache *tr = &env->tr;
    unsigned type = tr->flags & SEG_TYPE_MASK;
    if (!(tr->flags & SEG_P) || (type != DESC_TSS_AVAIL && type != DESC_TSS_BUSY) ||
        tr->limit < 0x67) {
        raise_gp0(cpu);
    }
    uint32_t map = (uint32_t)cpu_ld(cpu, tr->base + 0x66, MO_16, MMU_KERNEL);
    uint32_t off = map + (uint32_t)(port >> 3);
    if (off + 1 > tr->limit) {
        raise_gp0(cpu);
    }
    uint32_t bits = (uint32_t)cpu_ld(cpu, tr->base + off, MO_16, MMU_KERNEL);
    if ((bits >> (port & 7)) & ((1u << size) - 1)) {
        raise_gp0(cpu);
    }
    return 0;
}

uint64_t helper_in(X86CPU *cpu, uint64_t port, uint64_t size)
{
    helper_check_io(cpu, port, size);
    return cpu_io_read(cpu, (uint16_t)port, (unsigned)size);
}

uint64_t helper_out(X86CPU *cpu, uint64_t port, uint64_t value, uint64_t size)
{
    helper_check_io(cpu, port, size);
    cpu_io_write(cpu, (uint16_t)port, value, (unsigned)size);
    return 0;
}

/* ---- descriptor-table registers ---- */

static void load_dt(X86CPU *cpu, DescTable *dt, uint64_t addr, uint64_t opsize)
{
    require_cpl0(cpu);
    uint16_t limit = (uint16_t)cpu_ld(cpu, addr, MO_16, MMU_KERNEL);
    uint64_t base;
    if (opsize == 8) {
        base = cpu_ld(cpu, addr + 2, MO_64, MMU_KERNEL);
        if (!is_canonical(base)) {
            raise_gp0(cpu);
        }
    } else {
        base = cpu_ld(cpu, addr + 2, MO_32, MMU_KERNEL);
        if (opsize == 2) {
            base &= 0xffffff;
        }
    }
    dt->limit = limit;
    dt->base = base;
}

static void store_dt(X86CPU *cpu, const DescTable *dt, uint64_t addr, uint64_t opsize)
{
    int mmu = x86_mmu_index(&cpu->env);
    if (opsize == 8) {
        cpu_st(cpu, addr + 2, dt->base, MO_64, mmu);
    } else {
        cpu_st(cpu, addr + 2, (uint32_t)dt->base, MO_32, mmu);
    }
    cpu_st(cpu, addr, dt->limit, MO_16, mmu);
}

uint64_t helper_lgdt(X86CPU *cpu, uint64_t addr, uint64_t opsize)
{
    load_dt(cpu, &cpu->env.gdt, addr, opsize);
    return 0;
}

uint64_t helper_lidt(X86CPU *cpu, uint64_t addr, uint64_t opsize)
{
    load_dt(cpu, &cpu->env.idt, addr, opsize);
    return 0;
}

uint64_t helper_sgdt(X86CPU *cpu, uint64_t addr, uint64_t opsize)
{
    store_dt(cpu, &cpu->env.gdt, addr, opsize);
    return 0;
}

uint64_t helper_sidt(X86CPU *cpu, uint64_t addr, uint64_t opsize)
{
    store_dt(cpu, &cpu->env.idt, addr, opsize);
    return 0;
}

static void require_protected(X86CPU *cpu)
{
    if (!(cpu->env.cr0 & CR0_PE) || (cpu->env.rflags & RFLAGS_VM)) {
        cpu_raise_exception(cpu, EXCP06_UD);
    }
}

uint64_t helper_sldt(X86CPU *cpu)
{
    require_protected(cpu);
    return cpu->env.ldt.selector;
}

uint64_t helper_str(X86CPU *cpu)
{
    require_protected(cpu);
    return cpu->env.tr.selector;
}

/* ---- CR0 shortcuts, TLB and caches ---- */

uint64_t helper_smsw(X86CPU *cpu)
{
    return cpu->env.cr0;
}

uint64_t helper_lmsw(X86CPU *cpu, uint64_t value)
{
    X86CPUState *env = &cpu->env;
    require_cpl0(cpu);
    /* PE, MP, EM, TS only; PE can be set but not cleared */
    uint64_t v = (env->cr0 & ~0xfull) | (value & 0xf) | (env->cr0 & CR0_PE);
    write_cr0(cpu, v);
    return 0;
}

uint64_t helper_clts(X86CPU *cpu)
{
    require_cpl0(cpu);
    cpu->env.cr0 &= ~(uint64_t)CR0_TS;
    x86_update_hflags(&cpu->env);
    return 0;
}

uint64_t helper_invlpg(X86CPU *cpu, uint64_t addr)
{
    require_cpl0(cpu);
    tlb_flush_page(cpu, addr);
    return 0;
}

uint64_t helper_wbinvd(X86CPU *cpu)
{
    require_cpl0(cpu);
    return 0;
}
