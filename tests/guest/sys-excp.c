/* mimic-test: */
/*
 * Exceptions and privilege transitions, after Intel SDM vol. 3A chapter 6
 * (6.12 interrupt and trap gates, 6.13 error codes, 6.14 IA-32e delivery:
 * RSP0, IST, the 16-byte frame, 6.15 the exceptions one by one: #DE, #BP,
 * #UD, #NM, #DF, #TS, #NP, #SS, #GP, #PF, #AC), 7.7 (the 64-bit TSS),
 * 5.8.7-5.8.8 (SYSENTER/SYSEXIT, SYSCALL/SYSRET), vol. 2 SWAPGS, RDTSCP,
 * CPUID, and vol. 1 13.1 / vol. 3A 2.5 (CR0.TS, EM, MP and CR4.OSFXSR for
 * x87 and SSE).
 *
 * Part 1 runs in 32-bit protected mode: faults at CPL 0 with their error
 * codes, segment and stack faults, #DF, #NM/#UD, ring 3 entered by SYSEXIT
 * (and by IRET), the stack switch through the 32-bit TSS, SYSENTER, CPUID,
 * RDTSCP. Part 2 runs in IA-32e mode (lib/sys-long.h): bodies at CPL 3 in
 * 64-bit mode (natively on the CPU under kvm_pvm: the oracle), the RSP0 and
 * IST stack switches, #TS from an IST slot past the TSS limit, INT3 with
 * IRETQ back into the body, INT n and gate DPL, SYSCALL/SYSRET to 64-bit and
 * compatibility mode, SYSENTER/SYSEXIT from compatibility mode, SWAPGS.
 *
 * What kvm_pvm's CPL 0 emulator cannot run (x87 at CPL 0, 32-bit IRET) is
 * reported failed under KVM without being run (sys.h, on_kvm), and listed
 * in known-deviations.txt.
 */
#include "sys-long.h"

#define V_DE 0
#define V_BP 3
#define V_UD 6
#define V_NM 7
#define V_DF 8
#define V_TS 10
#define V_NP 11
#define V_SS 12
#define V_GP 13
#define V_PF 14
#define V_AC 17
#define V_INT_DPL3 0x80
#define V_INT_DPL0 0x81

/* Part 1 selectors, after lib/sys-long.h's */
#define SEL_NP_DATA 0x50   /* not present */
#define SEL_RO_DATA 0x58   /* read-only data */
#define SEL_SS_LIM 0x60    /* 32-bit stack, limit STK_TOP - 1 */
#define SEL_SS_DOWN 0x68   /* 32-bit expand-down stack, valid from STK_BASE */
#define SEL_SS16 0x70      /* 16-bit stack (B=0), limit STK_TOP - 1 */
#define SEL_TSS32 0x78     /* 32-bit TSS */
#define SEL_TSS_SHORT 0x80 /* 64-bit TSS whose limit ends before IST7 */
#define SYSENTER_SEL 0x10  /* CS 0x10, SS 0x18; SYSEXIT: CS 0x23, SS 0x2b */

#define STK_BASE 0x4000u   /* low memory for the limited stacks */
#define STK_TOP 0x6000u
#define STK_ESP 0x5f00u

#define CPUID_RDTSCP (1u << 27)

SYS_CATCH_DEFINE

static bool kvm;

/* ---- reporting ---- */

static const char *vec_name(int v)
{
    static const char *const names[32] = {
        "#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM", "#DF", "?9", "#TS", "#NP",
        "#SS", "#GP", "#PF", "?15", "#MF", "#AC", "#MC", "#XM", "#VE", "#CP",
    };
    if (v < 0) {
        return "no exception";
    }
    if (v < 32 && names[v]) {
        return names[v];
    }
    return "an interrupt";
}

/* One line: the vector a run ended with, and its error code. */
static void expect_exc(int got, uint32_t err, int want, const char *what)
{
    if (got == want) {
        check(true, "%s = %s (0x%x)", what, vec_name(got), err);
    } else {
        check(false, "%s = %s (0x%x), expected %s", what, vec_name(got), err, vec_name(want));
    }
}

/* The fault of the last TRY against vector want with error code want_err. */
static void expect_fault(int want, uint32_t want_err, const char *what)
{
    if (sys_fault.vector == want && sys_fault.error == want_err) {
        check(true, "%s = %s (0x%x)", what, vec_name(want), want_err);
    } else {
        check(false, "%s = %s (0x%x), expected %s (0x%x)", what, vec_name(sys_fault.vector),
              sys_fault.error, vec_name(want), want_err);
    }
}

/* A check that cannot be run under KVM (see the top comment). */
static void not_under_kvm(const char *what)
{
    check(false, "%s", what);
}

/* ==== part 1: 32-bit protected mode ==== */

static uint8_t *idt32_gate(int v)
{
    struct dtr32 d = sidt_get();
    return (uint8_t *)(uintptr_t)(d.base + 8u * (uint32_t)v);
}

static volatile uint32_t handler_eflags;

static void if_handler(struct irq_frame *f)
{
    handler_eflags = read_eflags();
    sys_fault.vector = (int)f->vector;
    f->eip = sys_resume;
}

static void gates32(void)
{
    printf("32-bit protected mode, CPL 0:\n");
    uint32_t v = 0;
    fault_clear();
    TRY("xor %%edx, %%edx\n .globl div_insn\ndiv_insn: divl %%edx", : "+a"(v) : : "edx", "memory");
    extern const char div_insn[];
    expect_fault(V_DE, 0, "DIV by zero");
    check_eq(sys_fault.eip, (uint32_t)(uintptr_t)div_insn, "#DE: EIP of the DIV");
    fault_clear();
    TRY("ud2", : : : "memory");
    expect_fault(V_UD, 0, "UD2");

    /* interrupt gate clears IF, trap gate leaves it */
    uint8_t *g = idt32_gate(V_UD);
    set_handler(V_UD, if_handler);
    g[5] = 0x8f;
    sti();
    TRY("ud2", : : : "memory");
    cli();
    check_eq(handler_eflags & 0x200, 0x200, "trap gate: IF stays set in the handler");
    g[5] = 0x8e;
    sti();
    TRY("ud2", : : : "memory");
    cli();
    check_eq(handler_eflags & 0x200, 0, "interrupt gate: IF clear in the handler");
    sys_catch_init();
}

static void load_ds(uint32_t sel)
{
    fault_clear();
    TRY("mov %0, %%ds", : : "r"(sel) : "memory");
    __asm__ volatile("mov %0, %%ds" : : "r"(SL_K_DS) : "memory");
}

static void segment_faults32(void)
{
    printf("segment faults:\n");
    load_ds(0x1000);
    expect_fault(V_GP, 0x1000, "MOV DS, selector past the GDT limit");
    load_ds(0x0014);
    expect_fault(V_GP, 0x0014, "MOV DS, LDT selector with a null LDTR");
    load_ds(SL_TSS);
    expect_fault(V_GP, SL_TSS, "MOV DS, TSS descriptor");
    load_ds(SEL_NP_DATA);
    expect_fault(V_NP, SEL_NP_DATA, "MOV DS, not-present descriptor");
    load_ds(SL_U_DS & ~3u);
    expect_fault(-1, 0, "MOV DS, DPL 3 data at CPL 0 with RPL 0: allowed");
    fault_clear();
    TRY("mov %0, %%ss", : : "r"(0u) : "memory");
    expect_fault(V_GP, 0, "MOV SS, null selector");
    fault_clear();
    TRY("mov %0, %%ss", : : "r"((uint32_t)SEL_NP_DATA) : "memory");
    expect_fault(V_SS, SEL_NP_DATA, "MOV SS, not-present descriptor");
    fault_clear();
    TRY("mov %0, %%ss", : : "r"((uint32_t)SEL_RO_DATA) : "memory");
    expect_fault(V_GP, SEL_RO_DATA, "MOV SS, read-only data");
    fault_clear();
    TRY("ljmp $" XSTR(SL_K_DS) ", $0", : : : "memory");
    expect_fault(V_GP, SL_K_DS, "far JMP to a data segment");

    /* accesses the descriptors do not allow */
    fault_clear();
    TRY("mov %0, %%es\n movl $1, %%es:(%1)",
        : : "r"((uint32_t)SEL_RO_DATA), "r"(STK_BASE) : "memory");
    __asm__ volatile("mov %0, %%es" : : "r"(SL_K_DS) : "memory");
    expect_fault(V_GP, 0, "write through a read-only data segment");
    fault_clear();
    TRY("mov %0, %%es\n movl $1, %%es:(%1)",
        : : "r"((uint32_t)SL_K32_CS), "r"(STK_BASE) : "memory");
    __asm__ volatile("mov %0, %%es" : : "r"(SL_K_DS) : "memory");
    expect_fault(V_GP, 0, "write through a code segment loaded into ES");
    fault_clear();
    uint32_t v = 0;
    TRY("mov %1, %%es\n movl %%es:(%2), %0", : "+r"(v) : "r"(0u), "r"(STK_BASE) : "memory");
    __asm__ volatile("mov %0, %%es" : : "r"(SL_K_DS) : "memory");
    expect_fault(V_GP, 0, "read through a null ES");
}

/* A load SS:[ESP + disp] with SS = sel and ESP = STK_ESP, on its own stack. */
static void stack_access(uint32_t sel, int32_t disp)
{
    fault_clear();
    __asm__ volatile("mov %%esp, %%edi\n"
                     "mov %0, %%ss\n"
                     "mov %1, %%esp\n"
                     "movl $1f, sys_resume\n"
                     "mov (%%esp,%2), %%eax\n"
                     "1: movl $0, sys_resume\n"
                     "mov %3, %%ss\n"
                     "mov %%edi, %%esp"
                     : : "r"(sel), "r"(STK_ESP), "r"(disp), "r"((uint32_t)SL_K_DS)
                     : "eax", "edi", "memory");
}

static void stack_faults32(void)
{
    printf("stack segment limits:\n");
    stack_access(SEL_SS_LIM, 0x80);
    expect_fault(-1, 0, "32-bit stack: access below the limit");
    stack_access(SEL_SS_LIM, 0x100);
    expect_fault(V_SS, 0, "32-bit stack: access past the limit");
    stack_access(SEL_SS_DOWN, -0x1000);
    expect_fault(-1, 0, "expand-down stack: access above the limit");
    stack_access(SEL_SS_DOWN, -0x2000);
    expect_fault(V_SS, 0, "expand-down stack: access at or below the limit");
    stack_access(SEL_SS16, 0x80);
    expect_fault(-1, 0, "16-bit stack: access below the limit");
    stack_access(SEL_SS16, 0x100);
    expect_fault(V_SS, 0, "16-bit stack: access past the limit");
}

static void double_fault32(void)
{
    printf("double fault:\n");
    uint8_t *g = idt32_gate(V_GP);
    g[5] &= 0x7f; /* #GP's gate not present: #NP while delivering #GP */
    load_ds(0x1000);
    g[5] |= 0x80;
    expect_fault(V_DF, 0, "#GP through a not-present gate");
}

static void fpu32(void)
{
    printf("x87 and SSE availability:\n");
    uint32_t cr0 = read_cr0() & ~(CR0_TS | CR0_EM | CR0_MP);
    uint32_t cr4 = read_cr4();
    write_cr0(cr0 | CR0_NE);
    write_cr4(cr4 & ~CR4_OSFXSR);
    fault_clear();
    TRY("movaps %%xmm0, %%xmm1", : : : "memory");
    expect_fault(V_UD, 0, "SSE with CR4.OSFXSR=0");
    write_cr4(cr4 | CR4_OSFXSR);
    fault_clear();
    TRY("movaps %%xmm0, %%xmm1", : : : "memory");
    expect_fault(-1, 0, "SSE with CR4.OSFXSR=1");
    fault_clear();
    TRY("movaps (%0), %%xmm1", : : "r"(STK_BASE + 4) : "memory");
    expect_fault(V_GP, 0, "MOVAPS from a misaligned address");
    write_cr0(cr0 | CR0_NE | CR0_TS);
    fault_clear();
    TRY("movaps %%xmm0, %%xmm1", : : : "memory");
    expect_fault(V_NM, 0, "SSE with CR0.TS=1");
    write_cr0(cr0 | CR0_NE | CR0_EM);
    fault_clear();
    TRY("movaps %%xmm0, %%xmm1", : : : "memory");
    expect_fault(V_UD, 0, "SSE with CR0.EM=1");

    if (kvm) {
        not_under_kvm("x87 with CR0.EM=1");
        not_under_kvm("x87 with CR0.TS=1");
        not_under_kvm("WAIT with CR0.TS=1, MP=1");
        not_under_kvm("WAIT with CR0.TS=1, MP=0");
        not_under_kvm("x87 with CR0.TS=0");
    } else {
        write_cr0(cr0 | CR0_NE | CR0_EM);
        fault_clear();
        TRY("fld1\n fstp %%st(0)", : : : "memory");
        expect_fault(V_NM, 0, "x87 with CR0.EM=1");
        write_cr0(cr0 | CR0_NE | CR0_TS);
        fault_clear();
        TRY("fld1\n fstp %%st(0)", : : : "memory");
        expect_fault(V_NM, 0, "x87 with CR0.TS=1");
        write_cr0(cr0 | CR0_NE | CR0_TS | CR0_MP);
        fault_clear();
        TRY("fwait", : : : "memory");
        expect_fault(V_NM, 0, "WAIT with CR0.TS=1, MP=1");
        write_cr0(cr0 | CR0_NE | CR0_TS);
        fault_clear();
        TRY("fwait", : : : "memory");
        expect_fault(-1, 0, "WAIT with CR0.TS=1, MP=0");
        write_cr0(cr0 | CR0_NE | CR0_MP);
        fault_clear();
        TRY("fninit\n fld1\n fstp %%st(0)", : : : "memory");
        expect_fault(-1, 0, "x87 with CR0.TS=0");
    }
    write_cr0(cr0 | CR0_NE | CR0_MP);
}

/* ---- ring 3 in 32-bit protected mode ---- */

struct tss32 {
    uint32_t link, esp0, ss0, esp1, ss1, esp2, ss2, cr3, eip, eflags;
    uint32_t eax, ecx, edx, ebx, esp, ebp, esi, edi;
    uint32_t es, cs, ss, ds, fs, gs, ldt;
    uint16_t trap, iomap;
} __attribute__((packed));

static struct tss32 tss32;
static uint8_t ring0_stack32[4096] __attribute__((aligned(16)));
static uint8_t sysenter_stack32[1024] __attribute__((aligned(16)));
uint8_t user_stack[4096] __attribute__((aligned(16)));

/* What the last exception from ring 3 pushed (32-bit). */
static volatile struct {
    int vector;
    uint32_t error, eip, cs, esp, ss, frame;
} u32;

/* sysenter32_entry records CS, SS, ESP here */
volatile uint32_t se32_cs, se32_ss, se32_esp;
uint32_t user32_saved_esp;

__asm__(".pushsection .text\n"
        ".code32\n"
        /* int user32_enter(uint32_t eip, int how): to CPL 3 at eip with ESP
         * at the top of user_stack, by SYSEXIT (how 0) or IRET (how 1) */
        ".globl user32_enter\n"
        "user32_enter:\n"
        "  pushal\n"
        "  mov %esp, user32_saved_esp\n"
        "  mov 36(%esp), %edx\n"
        "  mov $user_stack + 4096, %ecx\n"
        "  cmpl $0, 40(%esp)\n"
        "  jne 1f\n"
        "  sysexit\n"
        "1:push $" XSTR(SL_U_DS) "\n"
        "  push %ecx\n"
        "  push $0x2\n"
        "  push $" XSTR(SL_U32_CS) "\n"
        "  push %edx\n"
        "  iret\n"
        ".globl user32_return\n"
        "user32_return:\n"
        "  mov $" XSTR(SL_K_DS) ", %eax\n"
        "  mov %eax, %ds\n"
        "  mov %eax, %es\n"
        "  mov %eax, %ss\n"
        "  mov user32_saved_esp, %esp\n"
        "  popal\n"
        "  ret\n"
        /* ring 3 code */
        ".globl u32_ud\n"
        "u32_ud: ud2\n"
        ".globl u32_cli\n"
        "u32_cli: cli\n"
        "  ud2\n"
        ".globl u32_sysenter\n"
        "u32_sysenter:\n"
        "  mov %esp, %ebp\n"
        "  sysenter\n"
        ".globl u32_after_sysexit\n"
        "u32_after_sysexit: ud2\n"
        /* SYSENTER lands here at CPL 0: record, back by SYSEXIT */
        ".globl sysenter32_entry\n"
        "sysenter32_entry:\n"
        "  mov %cs, %eax; mov %eax, se32_cs\n"
        "  mov %ss, %eax; mov %eax, se32_ss\n"
        "  mov %esp, se32_esp\n"
        "  mov %ebp, %ecx\n"
        "  mov $u32_after_sysexit, %edx\n"
        "  sysexit\n"
        ".popsection\n");

int user32_enter(uint32_t eip, int how);
extern const char user32_return[], u32_ud[], u32_cli[], u32_sysenter[], u32_after_sysexit[];
extern const char sysenter32_entry[];

static void user32_handler(struct irq_frame *f)
{
    if (!(f->cs & 3)) {
        sys_catch_handler(f);
        return;
    }
    const uint32_t *above = &f->eflags + 1;
    u32.vector = (int)f->vector;
    u32.error = f->error;
    u32.eip = f->eip;
    u32.cs = f->cs;
    u32.esp = above[0];
    u32.ss = above[1];
    u32.frame = (uint32_t)(uintptr_t)&f->eip;
    f->eip = (uint32_t)(uintptr_t)user32_return;
}

static int user32(const char *eip, int how)
{
    u32.vector = -1;
    for (int v = 0; v < 32; v++) {
        set_handler(v, user32_handler);
    }
    user32_enter((uint32_t)(uintptr_t)eip, how);
    sys_catch_init();
    return u32.vector;
}

static void ring3_32(void)
{
    printf("ring 3, 32-bit:\n");
    tss32.ss0 = SL_K_DS;
    tss32.esp0 = (uint32_t)(uintptr_t)(ring0_stack32 + sizeof(ring0_stack32));
    tss32.iomap = sizeof(tss32);
    __asm__ volatile("ltr %w0" : : "r"(SEL_TSS32) : "memory");
    wrmsr(MSR_SYSENTER_CS, SYSENTER_SEL);
    wrmsr(MSR_SYSENTER_ESP, (uint32_t)(uintptr_t)(sysenter_stack32 + sizeof(sysenter_stack32)));
    wrmsr(MSR_SYSENTER_EIP, (uint32_t)(uintptr_t)sysenter32_entry);
    uint32_t utop = (uint32_t)(uintptr_t)(user_stack + sizeof(user_stack));

    int v = user32(u32_ud, 0);
    expect_exc(v, u32.error, V_UD, "SYSEXIT to ring 3, UD2 there");
    check_eq(u32.cs, SL_U32_CS, "ring 3: CS (SYSENTER_CS + 16, RPL 3)");
    check_eq(u32.ss, SL_U_DS, "ring 3: SS (SYSENTER_CS + 24, RPL 3)");
    check_eq(u32.esp, utop, "ring 3: ESP as SYSEXIT set it (ECX)");
    check_eq(u32.frame, tss32.esp0 - 20,
             "stack switch: frame at TSS.ESP0 - 20 (SS, ESP, EFLAGS, CS, EIP)");
    check_eq(u32.eip, (uint32_t)(uintptr_t)u32_ud, "#UD: EIP of the UD2");
    v = user32(u32_cli, 0);
    expect_exc(v, u32.error, V_GP, "CLI at CPL 3, IOPL 0");
    check_eq(u32.error, 0, "CLI at CPL 3: #GP error code");
    check_eq(u32.frame, tss32.esp0 - 20,
             "stack switch with an error code: EIP still at TSS.ESP0 - 20");
    v = user32(u32_sysenter, 0);
    expect_exc(v, u32.error, V_UD, "SYSENTER, SYSEXIT back, UD2");
    check_eq(se32_cs, SYSENTER_SEL, "SYSENTER: CS from SYSENTER_CS");
    check_eq(se32_ss, SYSENTER_SEL + 8, "SYSENTER: SS from SYSENTER_CS + 8");
    check_eq(se32_esp, (uint32_t)rdmsr(MSR_SYSENTER_ESP), "SYSENTER: ESP from SYSENTER_ESP");
    check_eq(u32.eip, (uint32_t)(uintptr_t)u32_after_sysexit, "SYSEXIT: EIP from EDX");
    check_eq(u32.esp, utop, "SYSEXIT: ESP from ECX");
    if (kvm) {
        not_under_kvm("IRET to ring 3, UD2 there");
    } else {
        v = user32(u32_ud, 1);
        expect_exc(v, u32.error, V_UD, "IRET to ring 3, UD2 there");
    }
}

static void swapgs32(void)
{
    fault_clear();
    TRY(".byte 0x0f, 0x01, 0xf8", : : : "memory");
    expect_fault(V_UD, 0, "SWAPGS outside 64-bit mode");
}

/* ---- CPUID and RDTSCP ---- */

static void cpuid_tests(void)
{
    printf("CPUID (the mimic64 model's bits only):\n");
    struct cpuid_regs r = cpuid(0, 0);
    char vendor[13];
    uint32_t w[3] = { r.ebx, r.edx, r.ecx };
    for (int i = 0; i < 12; i++) {
        vendor[i] = (char)(w[i / 4] >> (8 * (i % 4)));
    }
    vendor[12] = 0;
    check(vendor[0] == 'G' && vendor[7] == 'I' && vendor[11] == 'l', "vendor %s", vendor);
    check_eq(r.eax, 0x15, "highest basic leaf");
    r = cpuid(1, 0);
    check_eq(r.eax, 0x000206c2, "leaf 1: family 6, model 0x2c, stepping 2");
    check_eq(r.edx & 0x078bfbfd, 0x078bfbfd,
             "leaf 1 EDX: FPU DE PSE TSC MSR PAE MCE CX8 APIC SEP MTRR PGE MCA CMOV PAT PSE36 "
             "CLFLUSH MMX FXSR SSE SSE2");
    check_eq(r.ecx & 0x80982201, 0x80982201,
             "leaf 1 ECX: SSE3 SSSE3 CX16 SSE4.1 SSE4.2 POPCNT hypervisor");
    r = cpuid(0x80000000u, 0);
    check_eq(r.eax, 0x80000008u, "highest extended leaf");
    r = cpuid(0x80000001u, 0);
    check_eq(r.edx & 0x28100800, 0x28100800, "leaf 80000001h EDX: SYSCALL NX RDTSCP LM");
    check_eq(r.ecx & 1, 1, "leaf 80000001h ECX: LAHF/SAHF in 64-bit mode");
    char brand[49];
    for (uint32_t l = 0; l < 3; l++) {
        struct cpuid_regs b = cpuid(0x80000002u + l, 0);
        uint32_t bw[4] = { b.eax, b.ebx, b.ecx, b.edx };
        for (int i = 0; i < 16; i++) {
            brand[16 * l + (uint32_t)i] = (char)(bw[i / 4] >> (8 * (i % 4)));
        }
    }
    brand[48] = 0;
    check(brand[0] == 'm' && brand[6] == 'x', "brand: %s", brand);
    check_eq(cpuid(0x80000008u, 0).eax & 0xffff, 0x3028, "address sizes: 40 physical, 48 linear");

    printf("RDTSCP:\n");
    if (!(cpuid(0x80000001u, 0).edx & CPUID_RDTSCP)) {
        /* not offered (KVM on a host that hides it): nothing to run */
        check(false, "TSC_AUX: WRMSR and RDMSR");
        check(false, "RDTSCP: ECX from TSC_AUX, TSC not going back");
        return;
    }
    wrmsr(MSR_TSC_AUX, 0x12345678);
    check_eq((uint32_t)rdmsr(MSR_TSC_AUX), 0x12345678, "TSC_AUX: WRMSR and RDMSR");
    uint32_t lo1, hi1, aux, lo2, hi2;
    __asm__ volatile("rdtscp" : "=a"(lo1), "=d"(hi1), "=c"(aux));
    __asm__ volatile("rdtscp" : "=a"(lo2), "=d"(hi2), "=c"(aux));
    uint64_t t1 = (uint64_t)hi1 << 32 | lo1, t2 = (uint64_t)hi2 << 32 | lo2;
    check(aux == 0x12345678 && t2 >= t1, "RDTSCP: ECX from TSC_AUX, TSC not going back");
}

/* ==== part 2: IA-32e mode ==== */

static uint64_t pml4[512] __attribute__((aligned(4096)));
static uint64_t pdpt[512] __attribute__((aligned(4096)));
static uint64_t pd[512] __attribute__((aligned(4096)));
static uint8_t ist1_stack[4096] __attribute__((aligned(16)));
static uint8_t ist7_stack[4096] __attribute__((aligned(16)));

volatile uint64_t sc_rcx, sc_r11, sc_rsp, sc_rflags, sc_cs, sc_ss;
volatile uint32_t sc_to32, sc_ret32;
volatile uint64_t se64_rsp, se64_cs, se64_ss;
volatile uint32_t swapgs_res[2];
uint32_t call64_target;

__asm__(".pushsection .text\n"
        /* void call64(void (*fn)(void)): fn runs in 64-bit mode at CPL 0 */
        ".code32\n"
        ".globl call64\n"
        "call64:\n"
        "  push %ebx; push %esi; push %edi; push %ebp\n"
        "  mov 20(%esp), %eax; mov %eax, call64_target\n"
        "  lcall $" XSTR(SL_K64_CS) ", $1f\n"
        "  pop %ebp; pop %edi; pop %esi; pop %ebx\n"
        "  ret\n"
        ".code64\n"
        "1:mov call64_target(%rip), %eax\n"
        "  call *%rax\n"
        "  lretl\n"
        /* SWAPGS exchanges GS_BASE and KERNEL_GS_BASE */
        ".globl swapgs64\n"
        "swapgs64:\n"
        "  mov $0xc0000101, %ecx; mov $0x1111, %eax; xor %edx, %edx; wrmsr\n"
        "  mov $0xc0000102, %ecx; mov $0x2222, %eax; wrmsr\n"
        "  swapgs\n"
        "  mov $0xc0000101, %ecx; rdmsr; mov %eax, swapgs_res(%rip)\n"
        "  mov $0xc0000102, %ecx; rdmsr; mov %eax, swapgs_res+4(%rip)\n"
        "  swapgs\n"
        "  ret\n"
        /* #BP from a body: one more in RAX, IRETQ back into the body */
        ".balign 16\n"
        ".globl bp_iret\n"
        "bp_iret:\n"
        "  add $1, %rax\n"
        "  iretq\n"
        /* SYSCALL: record, SYSRET back (to compatibility mode if sc_to32) */
        ".globl syscall_entry\n"
        "syscall_entry:\n"
        "  mov %rcx, sc_rcx(%rip)\n"
        "  mov %r11, sc_r11(%rip)\n"
        "  mov %rsp, sc_rsp(%rip)\n"
        "  mov %cs, %eax; mov %rax, sc_cs(%rip)\n"
        "  mov %ss, %eax; mov %rax, sc_ss(%rip)\n"
        "  pushfq; popq %rax; mov %rax, sc_rflags(%rip)\n"
        "  cmpl $0, sc_to32(%rip)\n"
        "  jne 1f\n"
        "  sysretq\n"
        "1:mov sc_ret32(%rip), %ecx\n"
        "  sysretl\n"
        /* SYSENTER from compatibility mode: record, SYSEXIT (32-bit) back */
        ".globl sysenter64_entry\n"
        "sysenter64_entry:\n"
        "  mov %rsp, se64_rsp(%rip)\n"
        "  mov %cs, %eax; mov %rax, se64_cs(%rip)\n"
        "  mov %ss, %eax; mov %rax, se64_ss(%rip)\n"
        "  mov %ebp, %ecx\n"
        "  lea c32_after_sysexit(%rip), %edx\n"
        "  sysexitl\n"
        /* bodies at CPL 3, 64-bit; RDI from sl_user_run */
        ".globl u64_ud\n"
        "u64_ud: ud2\n"
        ".globl u64_bp\n"
        "u64_bp: mov $5, %eax\n"
        "  int3\n"
        "  int3\n"
        ".globl u64_bp_ud\n"
        "u64_bp_ud: ud2\n"
        ".globl u64_int80\n"
        "u64_int80: int $0x80\n"
        "  ud2\n"
        ".globl u64_int81\n"
        "u64_int81: int $0x81\n"
        "  ud2\n"
        ".globl u64_noncanon\n"
        "u64_noncanon: movabs $0x0000800000000000, %rdi\n"
        "  mov (%rdi), %eax\n"
        "  ud2\n"
        ".globl u64_noncanon_ss\n"
        "u64_noncanon_ss: movabs $0x0000800000000000, %rbp\n"
        "  mov (%rbp), %eax\n"
        "  ud2\n"
        ".globl u64_ac\n"
        "u64_ac: pushfq\n"
        "  orl $0x40000, (%rsp)\n"
        "  popfq\n"
        "  mov 1(%rdi), %eax\n"
        "  ud2\n"
        ".globl u64_misaligned\n"
        "u64_misaligned: mov 1(%rdi), %eax\n"
        "  ud2\n"
        ".globl u64_div0\n"
        "u64_div0: xor %ecx, %ecx\n"
        "  div %ecx\n"
        "  ud2\n"
        ".globl u64_x87\n"
        "u64_x87: fld1\n"
        "  fstp %st(0)\n"
        ".globl u64_x87_end\n"
        "u64_x87_end: ud2\n"
        ".globl u64_sse\n"
        "u64_sse: movaps %xmm0, %xmm1\n"
        ".globl u64_sse_end\n"
        "u64_sse_end: ud2\n"
        ".globl u64_swapgs\n"
        "u64_swapgs: swapgs\n"
        "  ud2\n"
        ".globl u64_syscall\n"
        "u64_syscall: syscall\n"
        ".globl u64_after_syscall\n"
        "u64_after_syscall: ud2\n"
        ".globl u64_to_compat_sysenter\n"
        "u64_to_compat_sysenter: ljmpl *1f(%rip)\n"
        "1:.long c32_sysenter\n"
        "  .word " XSTR(SL_U32_CS) "\n"
        /* bodies at CPL 3, compatibility mode */
        ".code32\n"
        ".globl c32_ud\n"
        "c32_ud: ud2\n"
        "c32_sysenter: mov %esp, %ebp\n"
        "  sysenter\n"
        ".globl c32_after_sysexit\n"
        "c32_after_sysexit: ud2\n"
        ".popsection\n");

void call64(void (*fn)(void));
extern const char swapgs64[], bp_iret[], syscall_entry[], sysenter64_entry[];
extern const char u64_ud[], u64_bp[], u64_bp_ud[], u64_int80[], u64_int81[], u64_noncanon[],
    u64_noncanon_ss[], u64_ac[], u64_misaligned[], u64_div0[], u64_swapgs[], u64_syscall[],
    u64_after_syscall[], u64_to_compat_sysenter[], u64_x87[], u64_sse[], u64_x87_end[],
    u64_sse_end[], c32_ud[], c32_after_sysexit[];

static uint32_t utop64(void)
{
    return (uint32_t)(uintptr_t)(user_stack + sizeof(user_stack));
}

static int run64(const char *code, uint32_t rdi)
{
    return sl_user_run(SL_U64_CS, (uint32_t)(uintptr_t)code, utop64(), rdi);
}

/* Run a body, report the vector it ended with. */
static int exc64(const char *code, uint32_t rdi, int want, const char *what)
{
    int v = run64(code, rdi);
    expect_exc(v, (uint32_t)sl_frame.error, want, what);
    return v;
}

/* A body whose last instruction, at end, is UD2: the exception its first
 * instruction raised, or none when it ran to the UD2. */
static void fpu_body(const char *code, const char *end, int want, const char *what)
{
    int v = run64(code, 0);
    uint32_t rip = (uint32_t)sl_frame.rip;
    int got = (v == V_UD && rip == (uint32_t)(uintptr_t)end) ? -1 : v;
    if (got == want && (got < 0 || rip == (uint32_t)(uintptr_t)code)) {
        check(true, "%s = %s", what, vec_name(got));
    } else {
        check(false, "%s = %s at rip 0x%x, expected %s", what, vec_name(got), rip, vec_name(want));
    }
}

static void set_gate_addr(int v, const void *fn, uint8_t type, int ist)
{
    uint32_t a = (uint32_t)(uintptr_t)fn;
    sl_idt[v] = (struct sl_gate){ .offset_lo = a & 0xffff, .selector = SL_K64_CS,
                                  .ist = (uint8_t)ist,
                                  .type = type, .offset_mid = a >> 16 };
}

static uint32_t frame_at(void)
{
    return (uint32_t)sl_frame.frame_addr;
}

static void long_mode_setup(void)
{
    pml4[0] = (uint32_t)(uintptr_t)pdpt | 7;
    pdpt[0] = (uint32_t)(uintptr_t)pd | 7;
    for (uint32_t i = 0; i < 4; i++) {
        pd[i] = (i << 21) | 0x87; /* 2 MiB, user, writable */
    }
    sl_tss.ist[1] = (uint32_t)(uintptr_t)(ist1_stack + sizeof(ist1_stack));
    sl_tss.ist[7] = (uint32_t)(uintptr_t)(ist7_stack + sizeof(ist7_stack));
    sl_set_gate(V_DF, SL_GATE_INTR, 1);
    sl_set_gate(V_INT_DPL3, SL_GATE_INTR | SL_GATE_DPL3, 0);
    set_gate_addr(V_BP, bp_iret, SL_GATE_INTR | SL_GATE_DPL3, 0);
    sl_long_enter((uint32_t)(uintptr_t)pml4);
}

static void ring3_64(void)
{
    printf("IA-32e mode, ring 3 (64-bit):\n");
    uint32_t rsp0 = (uint32_t)sl_tss.rsp[0];
    exc64(u64_ud, 0, V_UD, "IRETQ to ring 3, UD2 there");
    check_eq((uint32_t)sl_frame.cs, SL_U64_CS, "pushed CS");
    check_eq((uint32_t)sl_frame.ss, SL_U_DS, "pushed SS");
    check_eq((uint32_t)sl_frame.rsp, utop64(), "pushed RSP");
    check_eq(frame_at(), rsp0 - 40, "stack switch: frame at RSP0 - 40");
    check_eq((uint32_t)sl_frame.handler_rflags & RFLAGS_IF, 0,
             "64-bit interrupt gate: IF clear in the handler");
    sl_set_gate(V_UD, SL_GATE_TRAP, 1);
    exc64(u64_ud, 0, V_UD, "UD2 through a trap gate with IST 1");
    check_eq(frame_at(), (uint32_t)sl_tss.ist[1] - 40, "IST 1: frame at IST1 - 40");
    check_eq((uint32_t)sl_frame.handler_rflags & RFLAGS_IF, RFLAGS_IF,
             "64-bit trap gate: IF stays set in the handler");
    sl_set_gate(V_UD, SL_GATE_INTR, 0);

    exc64(u64_bp, 0, V_UD, "INT3 twice, the handler IRETQs back each time");
    check_eq(sl_saved_rax, 7, "RAX after two INT3s that add one");
    check_eq((uint32_t)sl_frame.rip, (uint32_t)(uintptr_t)u64_bp_ud, "then UD2");
    exc64(u64_int80, 0, V_INT_DPL3, "INT 80h through a DPL 3 gate");
    check_eq((uint32_t)sl_frame.rip, (uint32_t)(uintptr_t)u64_int80 + 2,
             "INT 80h: RIP after the INT");
    exc64(u64_int81, 0, V_GP, "INT 81h through a DPL 0 gate");
    check_eq((uint32_t)sl_frame.error, V_INT_DPL0 * 8 + 2, "#GP error code: IDT vector 81h");

    exc64(u64_noncanon, 0, V_GP, "non-canonical data address");
    check_eq((uint32_t)sl_frame.error, 0, "non-canonical data address: #GP error code");
    exc64(u64_noncanon_ss, 0, V_SS,
               "non-canonical address through RBP");
    check_eq((uint32_t)sl_frame.error, 0, "non-canonical address through RBP: #SS error code");
    exc64(u64_div0, 0, V_DE, "DIV by zero at CPL 3");
    exc64(u64_swapgs, 0, V_GP, "SWAPGS at CPL 3");

    uint32_t data = (uint32_t)(uintptr_t)user_stack;
    write_cr0(read_cr0() | CR0_AM);
    exc64(u64_ac, data, V_AC,
               "misaligned load, CR0.AM=1, RFLAGS.AC=1");
    check_eq((uint32_t)sl_frame.error, 0, "#AC error code");
    exc64(u64_misaligned, data, V_UD, "misaligned load, CR0.AM=1, RFLAGS.AC=0");
    write_cr0(read_cr0() & ~CR0_AM);
    exc64(u64_ac, data, V_UD, "misaligned load, CR0.AM=0, RFLAGS.AC=1");

    /* x87 and SSE at CPL 3 */
    uint32_t cr0 = read_cr0(), cr4 = read_cr4();
    fpu_body(u64_x87, u64_x87_end, -1, "ring 3: x87 with CR0.TS=0");
    fpu_body(u64_sse, u64_sse_end, -1, "ring 3: SSE with CR0.TS=0");
    write_cr0(cr0 | CR0_TS);
    fpu_body(u64_x87, u64_x87_end, V_NM, "ring 3: x87 with CR0.TS=1");
    fpu_body(u64_sse, u64_sse_end, V_NM, "ring 3: SSE with CR0.TS=1");
    write_cr0(cr0 | CR0_EM);
    fpu_body(u64_x87, u64_x87_end, V_NM, "ring 3: x87 with CR0.EM=1");
    fpu_body(u64_sse, u64_sse_end, V_UD, "ring 3: SSE with CR0.EM=1");
    write_cr0(cr0);
    write_cr4(cr4 & ~CR4_OSFXSR);
    fpu_body(u64_sse, u64_sse_end, V_UD, "ring 3: SSE with CR4.OSFXSR=0");
    write_cr4(cr4);

    /* #PF from ring 3 past the map */
    exc64(u64_misaligned, 0x40000000, V_PF, "ring 3: load past the page tables");
    check_eq((uint32_t)sl_frame.error, 0x4, "ring 3: #PF error code: user, read, not present");
    check_eq((uint32_t)sl_frame.cr2, 0x40000001, "ring 3: #PF: CR2");
}

static void syscalls64(void)
{
    printf("SYSCALL/SYSRET, SYSENTER/SYSEXIT:\n");
    wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
    /* SYSCALL: CS 0x08, SS 0x10; SYSRET: CS 0x23 (+16 = 0x33 in 64-bit), SS 0x2b */
    wrmsr(MSR_STAR, (uint64_t)SL_U32_CS << 48 | (uint64_t)SL_K32_CS << 32);
    wrmsr(MSR_LSTAR, (uint32_t)(uintptr_t)syscall_entry);
    wrmsr(MSR_FMASK, RFLAGS_IF | 0x100 | 0x400);
    sc_to32 = 0;
    exc64(u64_syscall, 0, V_UD, "SYSCALL, SYSRET back to 64-bit mode, UD2");
    check_eq((uint32_t)sc_rcx, (uint32_t)(uintptr_t)u64_after_syscall,
             "SYSCALL: RCX holds the next RIP");
    check_eq((uint32_t)sc_r11 & 0xffff, 0x202, "SYSCALL: R11 from RFLAGS");
    check_eq((uint32_t)sc_cs, SL_K32_CS, "SYSCALL: CS from STAR[47:32]");
    check_eq((uint32_t)sc_ss, SL_K32_CS + 8, "SYSCALL: SS from STAR[47:32] + 8");
    check_eq((uint32_t)sc_rsp, utop64(), "SYSCALL: RSP unchanged");
    check_eq((uint32_t)sc_rflags & RFLAGS_IF, 0, "SYSCALL: RFLAGS masked by FMASK");
    check_eq((uint32_t)sl_frame.cs, SL_U32_CS + 16, "SYSRET: CS from STAR[63:48] + 16");
    check_eq((uint32_t)sl_frame.ss, SL_U_DS, "SYSRET: SS from STAR[63:48] + 8");
    check_eq((uint32_t)sl_frame.rflags & 0xffff, 0x202, "SYSRET: RFLAGS from R11");
    sc_to32 = 1;
    sc_ret32 = (uint32_t)(uintptr_t)c32_ud;
    exc64(u64_syscall, 0, V_UD, "SYSCALL, SYSRET to compatibility mode, UD2");
    check_eq((uint32_t)sl_frame.cs, SL_U32_CS, "SYSRET (32-bit): CS from STAR[63:48]");
    check_eq((uint32_t)sl_frame.rip, (uint32_t)(uintptr_t)c32_ud, "SYSRET (32-bit): EIP from ECX");
    sc_to32 = 0;

    wrmsr(MSR_SYSENTER_CS, SYSENTER_SEL);
    wrmsr(MSR_SYSENTER_ESP, (uint32_t)(uintptr_t)(sysenter_stack32 + sizeof(sysenter_stack32)));
    wrmsr(MSR_SYSENTER_EIP, (uint32_t)(uintptr_t)sysenter64_entry);
    exc64(u64_to_compat_sysenter, 0, V_UD,
               "SYSENTER from compatibility mode, SYSEXIT back, UD2");
    check_eq((uint32_t)se64_cs, SYSENTER_SEL, "compatibility mode SYSENTER: CS from SYSENTER_CS");
    check_eq((uint32_t)se64_ss, SYSENTER_SEL + 8,
             "compatibility mode SYSENTER: SS from SYSENTER_CS + 8");
    check_eq((uint32_t)se64_rsp, (uint32_t)rdmsr(MSR_SYSENTER_ESP),
             "compatibility mode SYSENTER: RSP from SYSENTER_ESP");
    check_eq((uint32_t)sl_frame.cs, SL_U32_CS,
             "compatibility mode SYSEXIT: CS from SYSENTER_CS + 16");
    check_eq((uint32_t)sl_frame.rip, (uint32_t)(uintptr_t)c32_after_sysexit,
             "compatibility mode SYSEXIT: EIP from EDX");
    check_eq((uint32_t)sl_frame.rsp, utop64(), "compatibility mode SYSEXIT: ESP from ECX");
    wrmsr(MSR_EFER, rdmsr(MSR_EFER) & ~EFER_SCE);
}

static void ring0_64(void)
{
    printf("IA-32e mode, CPL 0:\n");
    uint32_t v;
    fault_clear();
    TRY("movl (%1), %0", : "=r"(v) : "r"(0x40000010u) : "memory");
    expect_fault(V_PF, 0, "CPL 0: load past the page tables");
    check_eq(read_cr2(), 0x40000010, "CPL 0: #PF: CR2");

    sl_set_gate(V_UD, SL_GATE_INTR, 1);
    fault_clear();
    TRY("ud2", : : : "memory");
    expect_fault(V_UD, 0, "UD2 at CPL 0 through a gate with IST 1");
    check_eq(frame_at(), (uint32_t)sl_tss.ist[1] - 40, "IST at CPL 0: frame at IST1 - 40");

    /* an IST slot past the TSS limit: #TS(TSS selector, EXT) */
    sl_set_gate(V_UD, SL_GATE_INTR, 7);
    __asm__ volatile("ltr %w0" : : "r"(SEL_TSS_SHORT) : "memory");
    fault_clear();
    TRY("ud2", : : : "memory");
    sl_gdt[SL_TSS / 8] &= ~(2ull << 40);
    __asm__ volatile("ltr %w0" : : "r"(SL_TSS) : "memory");
    sl_set_gate(V_UD, SL_GATE_INTR, 0);
    expect_fault(V_TS, SEL_TSS_SHORT | 1,
                 "UD2 through a gate whose IST slot is past the TSS limit");

    /* #GP through a not-present gate: #NP while delivering it, so #DF (IST 1) */
    sl_idt[V_GP].type &= 0x7f;
    fault_clear();
    TRY("mov %0, %%ds", : : "r"(0x1000u) : "memory");
    sl_idt[V_GP].type |= 0x80;
    __asm__ volatile("mov %0, %%ds" : : "r"(SL_K_DS) : "memory");
    expect_fault(V_DF, 0, "64-bit: #GP through a not-present gate");
    check_eq(frame_at(), (uint32_t)sl_tss.ist[1] - 40, "#DF on IST 1");

    swapgs_res[0] = swapgs_res[1] = 0;
    call64((void (*)(void))swapgs64);
    check_eq(swapgs_res[0] | swapgs_res[1] << 16, 0x11112222,
             "SWAPGS exchanges GS_BASE and KERNEL_GS_BASE");
}

void test_main(void)
{
    sys_catch_init();
    kvm = on_kvm();
    sl_init();
    sl_gdt[SEL_NP_DATA / 8] = seg_desc(0, 0xfffff, ACC_DATA & ~DESC_P, DESC_G | DESC_DB);
    sl_gdt[SEL_RO_DATA / 8] = seg_desc(0, 0xfffff, ACC_DATA & ~DESC_RW, DESC_G | DESC_DB);
    sl_gdt[SEL_SS_LIM / 8] = seg_desc(0, STK_TOP - 1, ACC_DATA, DESC_DB);
    sl_gdt[SEL_SS_DOWN / 8] = seg_desc(0, STK_BASE - 1, ACC_DATA | DESC_DC, DESC_DB);
    sl_gdt[SEL_SS16 / 8] = seg_desc(0, STK_TOP - 1, ACC_DATA, 0);
    sl_gdt[SEL_TSS32 / 8] =
        seg_desc((uint32_t)(uintptr_t)&tss32, sizeof(tss32) - 1, DESC_P | 0x9, 0);
    sl_gdt[SEL_TSS_SHORT / 8] = seg_desc((uint32_t)(uintptr_t)&sl_tss, 0x57, DESC_P | 0x9, 0);
    sl_gdt[SEL_TSS_SHORT / 8 + 1] = 0;

    gates32();
    segment_faults32();
    stack_faults32();
    double_fault32();
    fpu32();
    ring3_32();
    swapgs32();
    cpuid_tests();

    long_mode_setup();
    ring3_64();
    syscalls64();
    ring0_64();
    sl_long_leave();
}
