/*
 * The KVM accelerator (Linux Documentation/virt/kvm/api.rst): the host CPU
 * runs guest code; port I/O and MMIO exits are dispatched to the machine's
 * address spaces, the same functions tcg uses.
 *
 * Interrupts: with kernel-irqchip=off the machine's own 8259 pair drives the
 * CPU's INTR pin and this file injects the acknowledged vector with
 * KVM_INTERRUPT when the guest can take it (asking KVM for an interrupt
 * window otherwise). With kernel-irqchip=on KVM models the PIC, IOAPIC and
 * local APIC, and the ISA lines reach it with KVM_IRQ_LINE.
 *
 * Reset: the state KVM keeps beside the registers does not follow a machine
 * reset by itself. The in-kernel PIC/IOAPIC and each local APIC go back to
 * the state KVM created them in (kept for this), and the vCPU's run state and
 * pending events are cleared: a CPU that was halted in the kernel (SeaBIOS's
 * final HLT) would otherwise stay halted at the reset vector with IF=0.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "accel/accel.h"
#include "system/main-loop.h"
#include "system/runstate.h"

#define KVM_MAX_SLOTS 32
#define KVM_TSS_ADDR 0xfffbd000
#define SIG_KICK SIGUSR1

typedef struct KVMState {
    int fd;
    int vm_fd;
    int run_size;
    const MemRegion *slots[KVM_MAX_SLOTS];
    struct kvm_cpuid2 *supported;
    /* the in-kernel PIC master, slave and IOAPIC as created: their reset state */
    struct kvm_irqchip chip_reset[3];
} KVMState;

typedef struct KVMCPU {
    int fd;
    struct kvm_run *run;
    atomic_bool running; /* the thread exists and may sit in KVM_RUN */
    bool reset;          /* the machine reset: put_state also resets KVM's side */
    struct kvm_lapic_state lapic_reset; /* the local APIC as created */
} KVMCPU;

static const char *kvm_device(void)
{
    /* tests point this elsewhere to see the "no KVM" path */
    const char *dev = getenv("MIMIC_KVM_DEVICE");
    return dev && *dev ? dev : "/dev/kvm";
}

static bool kvm_available(char **why)
{
    int fd = open(kvm_device(), O_RDWR | O_CLOEXEC);
    if (fd < 0) {
        *why = g_strdup_printf("cannot open %s: %s (is the kvm module loaded and may you use it?)",
                               kvm_device(), g_strerror(errno));
        return false;
    }
    int version = ioctl(fd, KVM_GET_API_VERSION, 0);
    close(fd);
    if (version != KVM_API_VERSION) {
        *why = g_strdup_printf("%s speaks KVM API %d, mimic needs %d", kvm_device(), version,
                               KVM_API_VERSION);
        return false;
    }
    return true;
}

static void kvm_set_slot(KVMState *s, int slot, const MemRegion *r, bool add)
{
    struct kvm_userspace_memory_region mr = {
        .slot = slot,
        .flags = r->readonly ? KVM_MEM_READONLY : 0,
        .guest_phys_addr = r->base,
        .memory_size = add ? r->size : 0,
        .userspace_addr = (uintptr_t)r->ram,
    };
    if (ioctl(s->vm_fd, KVM_SET_USER_MEMORY_REGION, &mr) < 0) {
        /* the machine's layout is fixed at build time; this is a host limit */
        fprintf(stderr, "mimic: kvm: cannot map %s at 0x%" G_GINT64_MODIFIER "x: %s\n", r->name,
                r->base, g_strerror(errno));
    }
}

static void kvm_ram_add(void *opaque, const MemRegion *r)
{
    KVMState *s = opaque;
    for (int i = 0; i < KVM_MAX_SLOTS; i++) {
        if (!s->slots[i]) {
            s->slots[i] = r;
            kvm_set_slot(s, i, r, true);
            return;
        }
    }
    fprintf(stderr, "mimic: kvm: out of memory slots for %s\n", r->name);
}

static void kvm_ram_del(void *opaque, const MemRegion *r)
{
    KVMState *s = opaque;
    for (int i = 0; i < KVM_MAX_SLOTS; i++) {
        if (s->slots[i] == r) {
            kvm_set_slot(s, i, r, false);
            s->slots[i] = NULL;
            return;
        }
    }
}

/*
 * The in-kernel irqchip's routing: ISA IRQ n goes to PIC pin n and IOAPIC
 * pin n, except IRQ0, which the MADT's interrupt source override sends to
 * IOAPIC pin 2 (the PIT on the IOAPIC, as on real chipsets).
 */
static int kvm_setup_irq_routing(KVMState *s, char **err)
{
    enum { ISA = 16, IOAPIC_PINS = 24 };
    size_t n = 0, max = ISA * 2 + (IOAPIC_PINS - ISA);
    struct kvm_irq_routing *rt = g_malloc0(sizeof(*rt) + max * sizeof(rt->entries[0]));
    for (uint32_t gsi = 0; gsi < IOAPIC_PINS; gsi++) {
        if (gsi < ISA && gsi != 2) {
            rt->entries[n++] = (struct kvm_irq_routing_entry){
                .gsi = gsi, .type = KVM_IRQ_ROUTING_IRQCHIP,
                .u.irqchip = { gsi < 8 ? KVM_IRQCHIP_PIC_MASTER : KVM_IRQCHIP_PIC_SLAVE, gsi % 8 },
            };
        }
        if (gsi != 2) {
            rt->entries[n++] = (struct kvm_irq_routing_entry){
                .gsi = gsi, .type = KVM_IRQ_ROUTING_IRQCHIP,
                .u.irqchip = { KVM_IRQCHIP_IOAPIC, gsi == 0 ? 2 : gsi },
            };
        }
    }
    rt->nr = n;
    int r = ioctl(s->vm_fd, KVM_SET_GSI_ROUTING, rt);
    g_free(rt);
    if (r < 0) {
        *err = g_strdup_printf("kvm: KVM_SET_GSI_ROUTING: %s", g_strerror(errno));
        return -1;
    }
    return 0;
}

static void kvm_set_irq(Machine *m, int gsi, int level)
{
    KVMState *s = m->accel_state;
    struct kvm_irq_level irq = { .irq = gsi, .level = level };
    ioctl(s->vm_fd, KVM_IRQ_LINE, &irq);
}

/*
 * A machine reset hook (it runs on the vCPU thread, between runs). The
 * irqchip models are devices and reset here; the vCPU's part waits for
 * put_state, which must set APIC_BASE (in the sregs) before the APIC.
 */
static void kvm_machine_reset(void *opaque)
{
    Machine *m = opaque;
    KVMState *s = m->accel_state;
    if (m->accel_irqchip) {
        for (int i = 0; i < 3; i++) {
            if (ioctl(s->vm_fd, KVM_SET_IRQCHIP, &s->chip_reset[i]) < 0) {
                fprintf(stderr, "mimic: kvm: reset: KVM_SET_IRQCHIP %d: %s\n", i,
                        g_strerror(errno));
            }
        }
    }
    if (m->cpu && m->cpu->accel) {
        KVMCPU *kc = m->cpu->accel;
        kc->reset = true;
    }
}

static void kvm_sig_kick(int sig)
{
    (void)sig; /* only there to interrupt KVM_RUN */
}

static int kvm_init(Machine *m, char **err)
{
    KVMState *s = g_new0(KVMState, 1);
    s->fd = s->vm_fd = -1;
    m->accel_state = s;
    s->fd = open(kvm_device(), O_RDWR | O_CLOEXEC);
    if (s->fd < 0) {
        *err = g_strdup_printf("kvm: cannot open %s: %s", kvm_device(), g_strerror(errno));
        return -1;
    }
    s->vm_fd = ioctl(s->fd, KVM_CREATE_VM, 0);
    if (s->vm_fd < 0) {
        *err = g_strdup_printf("kvm: KVM_CREATE_VM: %s", g_strerror(errno));
        return -1;
    }
    s->run_size = ioctl(s->fd, KVM_GET_VCPU_MMAP_SIZE, 0);
    if (s->run_size <= 0) {
        *err = g_strdup_printf("kvm: KVM_GET_VCPU_MMAP_SIZE: %s", g_strerror(errno));
        return -1;
    }
    /* Intel VMX needs three pages for real-mode emulation; harmless elsewhere */
    ioctl(s->vm_fd, KVM_SET_TSS_ADDR, (unsigned long)KVM_TSS_ADDR);

    int nent = 256;
    s->supported = g_malloc0(sizeof(*s->supported) + nent * sizeof(s->supported->entries[0]));
    s->supported->nent = nent;
    if (ioctl(s->fd, KVM_GET_SUPPORTED_CPUID, s->supported) < 0) {
        *err = g_strdup_printf("kvm: KVM_GET_SUPPORTED_CPUID: %s", g_strerror(errno));
        return -1;
    }

    if (m->cfg->kernel_irqchip) {
        if (ioctl(s->vm_fd, KVM_CREATE_IRQCHIP, 0) < 0) {
            *err = g_strdup_printf("kvm: KVM_CREATE_IRQCHIP: %s (try -machine kernel-irqchip=off)",
                                   g_strerror(errno));
            return -1;
        }
        if (kvm_setup_irq_routing(s, err) < 0) {
            return -1;
        }
        for (int i = 0; i < 3; i++) {
            s->chip_reset[i].chip_id = i; /* KVM_IRQCHIP_PIC_MASTER, _SLAVE, _IOAPIC */
            if (ioctl(s->vm_fd, KVM_GET_IRQCHIP, &s->chip_reset[i]) < 0) {
                *err = g_strdup_printf("kvm: KVM_GET_IRQCHIP: %s", g_strerror(errno));
                return -1;
            }
        }
        m->accel_irqchip = true;
    }
    machine_add_reset(m, kvm_machine_reset, m);

    struct sigaction sa = { .sa_handler = kvm_sig_kick };
    sigemptyset(&sa.sa_mask);
    sigaction(SIG_KICK, &sa, NULL);

    MemListener l = { .ram_add = kvm_ram_add, .ram_del = kvm_ram_del, .opaque = s };
    as_add_listener(m->mem, &l);
    return 0;
}

static void kvm_destroy(Machine *m)
{
    KVMState *s = m->accel_state;
    X86CPU *cpu = m->cpu;
    if (!s) {
        return; /* init never ran */
    }
    if (cpu && cpu->accel) {
        KVMCPU *kc = cpu->accel;
        if (kc->run) {
            munmap(kc->run, s->run_size);
        }
        if (kc->fd >= 0) {
            close(kc->fd);
        }
        g_free(kc);
        cpu->accel = NULL;
    }
    if (s->vm_fd >= 0) {
        close(s->vm_fd);
    }
    if (s->fd >= 0) {
        close(s->fd);
    }
    g_free(s->supported);
    g_free(s);
    m->accel_state = NULL;
}

static const struct kvm_cpuid_entry2 *kvm_supported_leaf(KVMState *s, uint32_t fn, uint32_t idx)
{
    for (uint32_t i = 0; i < s->supported->nent; i++) {
        const struct kvm_cpuid_entry2 *e = &s->supported->entries[i];
        if (e->function == fn &&
            (!(e->flags & KVM_CPUID_FLAG_SIGNIFCANT_INDEX) || e->index == idx)) {
            return e;
        }
    }
    return NULL;
}

/* The model's leaves, with feature bits the host cannot virtualize removed. */
static int kvm_set_cpuid(X86CPU *cpu, KVMState *s, char **err)
{
    KVMCPU *kc = cpu->accel;
    struct kvm_cpuid2 *c;
    if (cpu->model->passthrough) {
        c = g_memdup2(s->supported, sizeof(*c) + s->supported->nent * sizeof(c->entries[0]));
    } else {
        CPUIDEntry e[32];
        int n = cpu_model_cpuid(cpu->model, cpu->index, cpu->machine->has_apic, e, G_N_ELEMENTS(e));
        c = g_malloc0(sizeof(*c) + n * sizeof(c->entries[0]));
        c->nent = n;
        for (int i = 0; i < n; i++) {
            struct kvm_cpuid_entry2 *k = &c->entries[i];
            *k = (struct kvm_cpuid_entry2){ .function = e[i].function, .index = e[i].index,
                                            .eax = e[i].eax, .ebx = e[i].ebx, .ecx = e[i].ecx,
                                            .edx = e[i].edx };
            if (e[i].indexed) {
                k->flags = KVM_CPUID_FLAG_SIGNIFCANT_INDEX;
            }
            const struct kvm_cpuid_entry2 *h = kvm_supported_leaf(s, e[i].function, e[i].index);
            if (e[i].function == 0x15) {
                /* the TSC runs at KVM's rate, not tcg's; the crystal (the
                 * APIC timer's 1 GHz) is the same. Unknown rate: empty leaf,
                 * and the guest calibrates. */
                int khz = ioctl(kc->fd, KVM_GET_TSC_KHZ);
                k->eax = khz > 0 ? 1000000u : 0;
                k->ebx = khz > 0 ? (uint32_t)khz : 0;
                k->ecx = khz > 0 ? X86_CRYSTAL_HZ : 0;
            }
            if (e[i].function == 1 || e[i].function == 0x80000001 || e[i].function == 7) {
                /* features: only what both the model and the host offer;
                 * the hypervisor bit is ours to set */
                uint32_t hv = k->ecx & CPUID_EXT_HYPERVISOR;
                if (e[i].function == 7) {
                    k->ebx &= h ? h->ebx : 0;
                }
                k->ecx &= h ? h->ecx : 0;
                k->edx &= h ? h->edx : 0;
                if (e[i].function == 1) {
                    k->ecx |= hv;
                }
            }
        }
    }
    int r = ioctl(kc->fd, KVM_SET_CPUID2, c);
    g_free(c);
    if (r < 0) {
        *err = g_strdup_printf("kvm: KVM_SET_CPUID2: %s", g_strerror(errno));
        return -1;
    }
    return 0;
}

static int kvm_vcpu_init(X86CPU *cpu, char **err)
{
    KVMState *s = cpu->machine->accel_state;
    KVMCPU *kc = g_new0(KVMCPU, 1);
    kc->fd = -1;
    cpu->accel = kc;
    if (cpu->model->passthrough == false && !cpu->model->name) {
        *err = g_strdup("kvm: no CPU model");
        return -1;
    }
    kc->fd = ioctl(s->vm_fd, KVM_CREATE_VCPU, cpu->index);
    if (kc->fd < 0) {
        *err = g_strdup_printf("kvm: KVM_CREATE_VCPU: %s", g_strerror(errno));
        return -1;
    }
    kc->run = mmap(NULL, s->run_size, PROT_READ | PROT_WRITE, MAP_SHARED, kc->fd, 0);
    if (kc->run == MAP_FAILED) {
        kc->run = NULL;
        *err = g_strdup_printf("kvm: cannot map the vCPU's run area: %s", g_strerror(errno));
        return -1;
    }
    if (kvm_set_cpuid(cpu, s, err) < 0) {
        return -1;
    }
    /* KVM gives a new vCPU's APIC the RESET values (SDM vol. 3A, "Local
     * APIC State After Power-Up or Reset"), with LINT0 in ExtINT on the BSP
     * so that the 8259 reaches the CPU before firmware programs the LVT, as
     * a BIOS expects; its version register follows the CPUID just set. A
     * machine reset puts this back. */
    if (cpu->machine->accel_irqchip && ioctl(kc->fd, KVM_GET_LAPIC, &kc->lapic_reset) < 0) {
        *err = g_strdup_printf("kvm: KVM_GET_LAPIC: %s", g_strerror(errno));
        return -1;
    }
    return 0;
}

static void seg_to_kvm(const SegmentCache *sc, struct kvm_segment *k)
{
    *k = (struct kvm_segment){
        .base = sc->base, .limit = sc->limit, .selector = sc->selector,
        .type = sc->flags & SEG_TYPE_MASK,
        .s = !!(sc->flags & SEG_S),
        .dpl = (sc->flags >> SEG_DPL_SHIFT) & 3,
        .present = !!(sc->flags & SEG_P),
        .avl = !!(sc->flags & SEG_AVL),
        .l = !!(sc->flags & SEG_L),
        .db = !!(sc->flags & SEG_DB),
        .g = !!(sc->flags & SEG_G),
        .unusable = !(sc->flags & SEG_P),
    };
}

static void seg_from_kvm(const struct kvm_segment *k, SegmentCache *sc)
{
    sc->base = k->base;
    sc->limit = k->limit;
    sc->selector = k->selector;
    sc->flags = (k->type & SEG_TYPE_MASK) | (k->s ? SEG_S : 0) | (k->dpl & 3) << SEG_DPL_SHIFT |
                (k->present && !k->unusable ? SEG_P : 0) | (k->avl ? SEG_AVL : 0) |
                (k->l ? SEG_L : 0) | (k->db ? SEG_DB : 0) | (k->g ? SEG_G : 0);
}

/* The MSRs kept in X86CPUState, with their numbers (SDM vol. 4). */
#define KVM_MSR_LIST(X)                                                                        \
    X(0x00000010, tsc)                                                                         \
    X(0x00000174, sysenter_cs)                                                                 \
    X(0x00000175, sysenter_esp)                                                                \
    X(0x00000176, sysenter_eip)                                                                \
    X(0x00000277, pat)                                                                         \
    X(0xc0000081, star)                                                                        \
    X(0xc0000082, lstar)                                                                       \
    X(0xc0000083, cstar)                                                                       \
    X(0xc0000084, fmask)                                                                       \
    X(0xc0000102, kernel_gs_base)

#define KVM_MSR_COUNT_ONE(idx, field) +1
enum { KVM_NMSRS = 0 KVM_MSR_LIST(KVM_MSR_COUNT_ONE) };

typedef struct {
    struct kvm_msrs hdr;
    struct kvm_msr_entry e[KVM_NMSRS];
} KVMMsrs;

/*
 * After a reset: the local APIC as created, no event half-delivered (an
 * exception, an interrupt queued by KVM_INTERRUPT, an NMI, an STI/MOV SS
 * shadow) and the CPU runnable, whatever it was doing (halted in the
 * kernel, waiting for a SIPI). The machine has one CPU, the BSP.
 */
static int kvm_reset_vcpu(X86CPU *cpu, KVMCPU *kc)
{
    if (cpu->machine->accel_irqchip && ioctl(kc->fd, KVM_SET_LAPIC, &kc->lapic_reset) < 0) {
        fprintf(stderr, "mimic: kvm: reset: KVM_SET_LAPIC: %s\n", g_strerror(errno));
        return -1;
    }
    struct kvm_vcpu_events ev = {
        .flags = KVM_VCPUEVENT_VALID_NMI_PENDING | KVM_VCPUEVENT_VALID_SHADOW,
    };
    struct kvm_mp_state mp = { .mp_state = KVM_MP_STATE_RUNNABLE };
    if (ioctl(kc->fd, KVM_SET_VCPU_EVENTS, &ev) < 0 || ioctl(kc->fd, KVM_SET_MP_STATE, &mp) < 0) {
        fprintf(stderr, "mimic: kvm: reset: cannot clear the vCPU's events: %s\n",
                g_strerror(errno));
        return -1;
    }
    return 0;
}

static int kvm_put_state(X86CPU *cpu)
{
    KVMCPU *kc = cpu->accel;
    X86CPUState *env = &cpu->env;
    struct kvm_regs regs = {
        .rax = env->regs[R_EAX], .rbx = env->regs[R_EBX], .rcx = env->regs[R_ECX],
        .rdx = env->regs[R_EDX], .rsi = env->regs[R_ESI], .rdi = env->regs[R_EDI],
        .rsp = env->regs[R_ESP], .rbp = env->regs[R_EBP],
        .r8 = env->regs[R_R8], .r9 = env->regs[R_R9], .r10 = env->regs[R_R10],
        .r11 = env->regs[R_R11], .r12 = env->regs[R_R12], .r13 = env->regs[R_R13],
        .r14 = env->regs[R_R14], .r15 = env->regs[R_R15],
        .rip = env->rip, .rflags = env->rflags,
    };
    struct kvm_sregs sregs = { 0 };
    seg_to_kvm(&env->segs[R_CS], &sregs.cs);
    seg_to_kvm(&env->segs[R_DS], &sregs.ds);
    seg_to_kvm(&env->segs[R_ES], &sregs.es);
    seg_to_kvm(&env->segs[R_FS], &sregs.fs);
    seg_to_kvm(&env->segs[R_GS], &sregs.gs);
    seg_to_kvm(&env->segs[R_SS], &sregs.ss);
    seg_to_kvm(&env->tr, &sregs.tr);
    seg_to_kvm(&env->ldt, &sregs.ldt);
    sregs.tr.unusable = 0; /* TR is always usable (VMX entry checks) */
    sregs.gdt.base = env->gdt.base;
    sregs.gdt.limit = env->gdt.limit;
    sregs.idt.base = env->idt.base;
    sregs.idt.limit = env->idt.limit;
    sregs.cr0 = env->cr0;
    sregs.cr2 = env->cr2;
    sregs.cr3 = env->cr3;
    sregs.cr4 = env->cr4;
    sregs.cr8 = env->cr8;
    sregs.efer = env->efer;
    sregs.apic_base = env->apic_base;

    struct kvm_fpu fpu = { 0 };
    fpu.fcw = ld16(env->fxsave);
    fpu.fsw = ld16(env->fxsave + 2);
    fpu.ftwx = env->fxsave[4];
    fpu.last_opcode = ld16(env->fxsave + 6);
    fpu.last_ip = ld64(env->fxsave + 8);
    fpu.last_dp = ld64(env->fxsave + 16);
    fpu.mxcsr = env->mxcsr;
    memcpy(fpu.fpr, env->fxsave + 32, sizeof(fpu.fpr));
    memcpy(fpu.xmm, env->fxsave + 160, sizeof(fpu.xmm));

    KVMMsrs msrs = { .hdr.nmsrs = KVM_NMSRS };
    int i = 0;
#define KVM_MSR_PUT(idx, field) msrs.e[i++] = (struct kvm_msr_entry){ .index = idx, .data = env->field };
    KVM_MSR_LIST(KVM_MSR_PUT)
#undef KVM_MSR_PUT

    if (ioctl(kc->fd, KVM_SET_SREGS, &sregs) < 0 || ioctl(kc->fd, KVM_SET_REGS, &regs) < 0 ||
        ioctl(kc->fd, KVM_SET_FPU, &fpu) < 0) {
        fprintf(stderr, "mimic: kvm: cannot set vCPU registers: %s\n", g_strerror(errno));
        return -1;
    }
    /* a host may lack some of these MSRs; KVM sets the ones it has */
    ioctl(kc->fd, KVM_SET_MSRS, &msrs);
    if (kc->reset) {
        kc->reset = false;
        return kvm_reset_vcpu(cpu, kc);
    }
    return 0;
}

static int kvm_get_state(X86CPU *cpu)
{
    KVMCPU *kc = cpu->accel;
    X86CPUState *env = &cpu->env;
    struct kvm_regs regs;
    struct kvm_sregs sregs;
    struct kvm_fpu fpu;
    if (ioctl(kc->fd, KVM_GET_REGS, &regs) < 0 || ioctl(kc->fd, KVM_GET_SREGS, &sregs) < 0 ||
        ioctl(kc->fd, KVM_GET_FPU, &fpu) < 0) {
        fprintf(stderr, "mimic: kvm: cannot read vCPU registers: %s\n", g_strerror(errno));
        return -1;
    }
    uint64_t *r = env->regs;
    r[R_EAX] = regs.rax, r[R_EBX] = regs.rbx, r[R_ECX] = regs.rcx, r[R_EDX] = regs.rdx;
    r[R_ESI] = regs.rsi, r[R_EDI] = regs.rdi, r[R_ESP] = regs.rsp, r[R_EBP] = regs.rbp;
    r[R_R8] = regs.r8, r[R_R9] = regs.r9, r[R_R10] = regs.r10, r[R_R11] = regs.r11;
    r[R_R12] = regs.r12, r[R_R13] = regs.r13, r[R_R14] = regs.r14, r[R_R15] = regs.r15;
    env->rip = regs.rip;
    env->rflags = regs.rflags;
    seg_from_kvm(&sregs.cs, &env->segs[R_CS]);
    seg_from_kvm(&sregs.ds, &env->segs[R_DS]);
    seg_from_kvm(&sregs.es, &env->segs[R_ES]);
    seg_from_kvm(&sregs.fs, &env->segs[R_FS]);
    seg_from_kvm(&sregs.gs, &env->segs[R_GS]);
    seg_from_kvm(&sregs.ss, &env->segs[R_SS]);
    seg_from_kvm(&sregs.tr, &env->tr);
    seg_from_kvm(&sregs.ldt, &env->ldt);
    env->gdt = (DescTable){ sregs.gdt.base, sregs.gdt.limit };
    env->idt = (DescTable){ sregs.idt.base, sregs.idt.limit };
    env->cr0 = sregs.cr0, env->cr2 = sregs.cr2, env->cr3 = sregs.cr3;
    env->cr4 = sregs.cr4, env->cr8 = sregs.cr8;
    env->efer = sregs.efer;
    env->apic_base = sregs.apic_base;

    st16(env->fxsave, fpu.fcw);
    st16(env->fxsave + 2, fpu.fsw);
    env->fxsave[4] = fpu.ftwx;
    st16(env->fxsave + 6, fpu.last_opcode);
    st64(env->fxsave + 8, fpu.last_ip);
    st64(env->fxsave + 16, fpu.last_dp);
    st32(env->fxsave + 24, fpu.mxcsr);
    env->mxcsr = fpu.mxcsr;
    memcpy(env->fxsave + 32, fpu.fpr, sizeof(fpu.fpr));
    memcpy(env->fxsave + 160, fpu.xmm, sizeof(fpu.xmm));

    KVMMsrs msrs = { .hdr.nmsrs = KVM_NMSRS };
    int i = 0;
#define KVM_MSR_IDX(idx, field) msrs.e[i++].index = idx;
    KVM_MSR_LIST(KVM_MSR_IDX)
#undef KVM_MSR_IDX
    int got = ioctl(kc->fd, KVM_GET_MSRS, &msrs);
    i = 0;
#define KVM_MSR_GET(idx, field)                                                                \
    if (i < got) {                                                                             \
        env->field = msrs.e[i].data;                                                           \
    }                                                                                          \
    i++;
    KVM_MSR_LIST(KVM_MSR_GET)
#undef KVM_MSR_GET
    return 0;
}

static void kvm_handle_io(Machine *m, struct kvm_run *run)
{
    uint8_t *data = (uint8_t *)run + run->io.data_offset;
    unsigned size = run->io.size;
    for (uint32_t i = 0; i < run->io.count; i++, data += size) {
        if (run->io.direction == KVM_EXIT_IO_OUT) {
            uint64_t v = 0;
            memcpy(&v, data, size);
            as_write(m->io, run->io.port, v, size);
        } else {
            uint64_t v = as_read(m->io, run->io.port, size);
            memcpy(data, &v, size);
        }
    }
}

static void kvm_handle_mmio(Machine *m, struct kvm_run *run)
{
    unsigned len = run->mmio.len;
    if (len == 0 || len > 8) {
        return;
    }
    if (run->mmio.is_write) {
        uint64_t v = 0;
        memcpy(&v, run->mmio.data, len);
        if (len == 1 || len == 2 || len == 4 || len == 8) {
            as_write(m->mem, run->mmio.phys_addr, v, len);
        } else {
            as_write_buf(m->mem, run->mmio.phys_addr, run->mmio.data, len);
        }
    } else if (len == 1 || len == 2 || len == 4 || len == 8) {
        uint64_t v = as_read(m->mem, run->mmio.phys_addr, len);
        memcpy(run->mmio.data, &v, len);
    } else {
        as_read_buf(m->mem, run->mmio.phys_addr, run->mmio.data, len);
    }
}

/* Userspace irqchip: hand the PIC's vector to the CPU when it can take one. */
static void kvm_inject_interrupt(X86CPU *cpu, KVMCPU *kc)
{
    struct kvm_run *run = kc->run;
    if (atomic_load(&cpu->intr) && run->ready_for_interrupt_injection) {
        int vector = cpu->intack(cpu->intack_opaque);
        struct kvm_interrupt intr = { .irq = vector };
        if (ioctl(kc->fd, KVM_INTERRUPT, &intr) < 0) {
            fprintf(stderr, "mimic: kvm: KVM_INTERRUPT: %s\n", g_strerror(errno));
        }
    }
    run->request_interrupt_window = atomic_load(&cpu->intr) ? 1 : 0;
}

static AccelExit kvm_vcpu_run(X86CPU *cpu)
{
    Machine *m = cpu->machine;
    KVMCPU *kc = cpu->accel;
    struct kvm_run *run = kc->run;

    if (!atomic_load(&kc->running)) {
        atomic_store(&kc->running, true);
    }
    if (!m->accel_irqchip) {
        bql_lock();
        kvm_inject_interrupt(cpu, kc);
        bql_unlock();
    }
    int r = ioctl(kc->fd, KVM_RUN, 0);
    int saved = errno;
    run->immediate_exit = 0; /* a kick after this point stops the next KVM_RUN */
    if (r < 0) {
        if (saved == EINTR || saved == EAGAIN) {
            return ACCEL_EXIT_CONTINUE;
        }
        fprintf(stderr, "mimic: kvm: KVM_RUN: %s\n", g_strerror(saved));
        return ACCEL_EXIT_ERROR;
    }

    switch (run->exit_reason) {
    case KVM_EXIT_IO:
        bql_lock();
        kvm_handle_io(m, run);
        bql_unlock();
        return ACCEL_EXIT_CONTINUE;
    case KVM_EXIT_MMIO:
        bql_lock();
        kvm_handle_mmio(m, run);
        bql_unlock();
        return ACCEL_EXIT_CONTINUE;
    case KVM_EXIT_IRQ_WINDOW_OPEN:
    case KVM_EXIT_INTR:
        return ACCEL_EXIT_CONTINUE;
    case KVM_EXIT_HLT:
        cpu->env.rflags = run->if_flag ? cpu->env.rflags | RFLAGS_IF : cpu->env.rflags & ~RFLAGS_IF;
        return ACCEL_EXIT_HALT;
    case KVM_EXIT_SHUTDOWN:
        return ACCEL_EXIT_SHUTDOWN;
    case KVM_EXIT_FAIL_ENTRY:
        fprintf(stderr, "mimic: kvm: the host could not enter the guest (reason 0x%llx)\n",
                (unsigned long long)run->fail_entry.hardware_entry_failure_reason);
        return ACCEL_EXIT_ERROR;
    case KVM_EXIT_INTERNAL_ERROR: {
        static const char *const why[] = {
            [KVM_INTERNAL_ERROR_EMULATION] = "the host's KVM could not emulate an instruction",
            [KVM_INTERNAL_ERROR_SIMUL_EX] = "exception while delivering an exception",
            [KVM_INTERNAL_ERROR_DELIVERY_EV] = "exit while delivering an event",
        };
        unsigned sub = run->internal.suberror;
        struct kvm_regs regs = { 0 };
        ioctl(kc->fd, KVM_GET_REGS, &regs);
        fprintf(stderr, "mimic: kvm: internal error at rip 0x%llx: %s (suberror %u)\n",
                (unsigned long long)regs.rip,
                sub < G_N_ELEMENTS(why) && why[sub] ? why[sub] : "unknown", sub);
        return ACCEL_EXIT_ERROR;
    }
    case KVM_EXIT_SYSTEM_EVENT:
        if (run->system_event.type == KVM_SYSTEM_EVENT_RESET) {
            return ACCEL_EXIT_SHUTDOWN;
        }
        bql_lock();
        runstate_request_exit(0);
        bql_unlock();
        return ACCEL_EXIT_CONTINUE;
    default:
        fprintf(stderr, "mimic: kvm: unexpected exit reason %u\n", run->exit_reason);
        return ACCEL_EXIT_ERROR;
    }
}

static void kvm_vcpu_kick(X86CPU *cpu)
{
    KVMCPU *kc = cpu->accel;
    if (!kc || !kc->run || !atomic_load(&kc->running)) {
        return;
    }
    kc->run->immediate_exit = 1;
    if (!pthread_equal(cpu->thread, pthread_self())) {
        pthread_kill(cpu->thread, SIG_KICK);
    }
}

const AccelOps kvm_accel_ops = {
    .name = "kvm",
    .available = kvm_available,
    .init = kvm_init,
    .vcpu_init = kvm_vcpu_init,
    .vcpu_run = kvm_vcpu_run,
    .vcpu_kick = kvm_vcpu_kick,
    .get_state = kvm_get_state,
    .put_state = kvm_put_state,
    .destroy = kvm_destroy,
    .set_irq = kvm_set_irq,
};
