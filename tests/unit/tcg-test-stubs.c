/*
 * Test-local stand-ins for what accel/tcg gives the x86 system helpers
 * (accel/tcg/exec.h): guest physical memory is a flat buffer, linear
 * accesses go through x86_translate() like the real TLB's slow path,
 * exceptions unwind with siglongjmp to the test, and a small loop plays
 * the CPU loop's part in delivering them. The real ones are in
 * accel/tcg/tlb.c and accel/tcg/cpu-exec.c.
 */
#include "tests/unit/tcg-test-stubs.h"

#include "target/x86/seg_helper.h"

#include <glib.h>
#include <string.h>

uint8_t *stub_ram;
sigjmp_buf stub_jmp;
bool stub_jmp_armed;
int stub_phys_stores;
int stub_tlb_flushes, stub_tlb_flushes_all, stub_tlb_flush_pages;
int stub_triple_faults;
int stub_loop_exits;
uint16_t stub_io_port;
uint64_t stub_io_value;
unsigned stub_io_size;

void stub_init(void)
{
    if (!stub_ram) {
        stub_ram = g_malloc0(STUB_RAM_SIZE);
    }
    memset(stub_ram, 0, STUB_RAM_SIZE);
    stub_phys_stores = 0;
    stub_tlb_flushes = stub_tlb_flushes_all = stub_tlb_flush_pages = 0;
    stub_triple_faults = 0;
    stub_loop_exits = 0;
    stub_jmp_armed = false;
}

void stub_cpu_init(X86CPU *cpu)
{
    memset(cpu, 0, sizeof(*cpu));
    cpu->model = cpu_model_default();
    x86_cpu_reset(cpu);
    cpu->env.exception_old = -1;
    x86_update_hflags(&cpu->env);
}

_Noreturn static void stub_unwind(int code)
{
    g_assert(stub_jmp_armed);
    stub_jmp_armed = false;
    siglongjmp(stub_jmp, code);
}

_Noreturn void cpu_raise_exception_err(X86CPU *cpu, int vector, uint32_t error_code)
{
    cpu->env.exception_index = vector;
    cpu->env.error_code = error_code;
    cpu->env.exception_has_error = true;
    cpu->env.exception_is_soft = false;
    stub_unwind(STUB_EXCEPTION);
}

_Noreturn void cpu_raise_exception(X86CPU *cpu, int vector)
{
    cpu->env.exception_index = vector;
    cpu->env.error_code = 0;
    cpu->env.exception_has_error = false;
    cpu->env.exception_is_soft = false;
    stub_unwind(STUB_EXCEPTION);
}

_Noreturn void cpu_raise_soft_interrupt(X86CPU *cpu, int vector, uint64_t next_rip)
{
    cpu->env.exception_index = vector;
    cpu->env.error_code = 0;
    cpu->env.exception_has_error = false;
    cpu->env.exception_is_soft = true;
    cpu->env.exception_next_rip = next_rip;
    stub_unwind(STUB_EXCEPTION);
}

_Noreturn void cpu_loop_exit(X86CPU *cpu)
{
    stub_loop_exits++;
    stub_unwind(STUB_LOOP_EXIT);
}

uint64_t cpu_phys_ld(X86CPU *cpu, uint64_t paddr, MemOp op)
{
    unsigned n = memop_size(op);
    uint64_t v = 0;
    if (paddr + n > STUB_RAM_SIZE) {
        return ~0ull >> (64 - 8 * n); /* unassigned: all ones */
    }
    memcpy(&v, stub_ram + paddr, n);
    return v;
}

void cpu_phys_st(X86CPU *cpu, uint64_t paddr, uint64_t value, MemOp op)
{
    unsigned n = memop_size(op);
    stub_phys_stores++;
    if (paddr + n <= STUB_RAM_SIZE) {
        memcpy(stub_ram + paddr, &value, n);
    }
}

/* The TLB's slow path, one byte at a time so page crossings need no care. */
static uint64_t stub_xlate(X86CPU *cpu, uint64_t addr, X86Access acc, int mmu_idx)
{
    uint64_t pa, psize;
    int prot;
    uint32_t err;
    if (!x86_translate(cpu, addr, acc, mmu_idx, &pa, &prot, &psize, &err)) {
        if (err & PF_ERR_NONCANON) {
            cpu_raise_exception_err(cpu, EXCP0D_GP, 0);
        }
        cpu->env.cr2 = addr;
        cpu_raise_exception_err(cpu, EXCP0E_PF, err);
    }
    return pa;
}

uint64_t cpu_ld(X86CPU *cpu, uint64_t addr, MemOp op, int mmu_idx)
{
    unsigned n = memop_size(op);
    uint64_t v = 0;
    for (unsigned i = 0; i < n; i++) {
        uint64_t pa = stub_xlate(cpu, addr + i, ACC_READ, mmu_idx);
        v |= (uint64_t)cpu_phys_ld(cpu, pa, MO_8) << (8 * i);
    }
    if ((op & MO_SIGN) && n < 8) {
        unsigned sh = 64 - 8 * n;
        v = (uint64_t)((int64_t)(v << sh) >> sh);
    }
    return v;
}

void cpu_st(X86CPU *cpu, uint64_t addr, uint64_t value, MemOp op, int mmu_idx)
{
    unsigned n = memop_size(op);
    uint64_t pa[8];
    for (unsigned i = 0; i < n; i++) {
        pa[i] = stub_xlate(cpu, addr + i, ACC_WRITE, mmu_idx);
    }
    for (unsigned i = 0; i < n; i++) {
        if (pa[i] < STUB_RAM_SIZE) {
            stub_ram[pa[i]] = (uint8_t)(value >> (8 * i));
        }
    }
}

uint64_t cpu_io_read(X86CPU *cpu, uint16_t port, unsigned size)
{
    stub_io_port = port;
    stub_io_size = size;
    return 0x12345678u & (size == 4 ? 0xffffffffu : (1u << (8 * size)) - 1);
}

void cpu_io_write(X86CPU *cpu, uint16_t port, uint64_t value, unsigned size)
{
    stub_io_port = port;
    stub_io_value = value;
    stub_io_size = size;
}

void tlb_flush(X86CPU *cpu, bool all)
{
    stub_tlb_flushes++;
    if (all) {
        stub_tlb_flushes_all++;
    }
}

void tlb_flush_page(X86CPU *cpu, uint64_t addr)
{
    stub_tlb_flush_pages++;
}

void x86_triple_fault(X86CPU *cpu)
{
    stub_triple_faults++;
}

int stub_call(X86CPU *cpu, uint64_t *ret, void *fn, size_t nargs, const uint64_t *a)
{
    uint64_t r = 0;
    stub_jmp_armed = true;
    int rc = sigsetjmp(stub_jmp, 0);
    if (rc != 0) {
        return rc;
    }
    switch (nargs) {
    case 0: r = ((IRHelper0)fn)(cpu); break;
    case 1: r = ((IRHelper1)fn)(cpu, a[0]); break;
    case 2: r = ((IRHelper2)fn)(cpu, a[0], a[1]); break;
    case 3: r = ((IRHelper3)fn)(cpu, a[0], a[1], a[2]); break;
    case 4: r = ((IRHelper4)fn)(cpu, a[0], a[1], a[2], a[3]); break;
    default: r = ((IRHelper5)fn)(cpu, a[0], a[1], a[2], a[3], a[4]); break;
    }
    stub_jmp_armed = false;
    if (ret) {
        *ret = r;
    }
    return 0;
}

typedef struct StubEvent {
    int vector;
    bool is_hw, is_soft, has_error;
    uint32_t error_code;
    uint64_t next_rip;
} StubEvent;

/* One delivery attempt: 0 if it returned, 1 if it raised a fault. */
static int deliver_once(X86CPU *cpu, const StubEvent *ev)
{
    stub_jmp_armed = true;
    if (sigsetjmp(stub_jmp, 0) == 0) {
        x86_do_interrupt(cpu, ev->vector, ev->is_hw, ev->is_soft, ev->has_error, ev->error_code,
                         ev->next_rip);
        stub_jmp_armed = false;
        return 0;
    }
    return 1;
}

int stub_deliver(X86CPU *cpu, int vector, bool is_hw, bool is_soft, bool has_error,
                 uint32_t error_code, uint64_t next_rip)
{
    X86CPUState *env = &cpu->env;
    StubEvent ev = { vector, is_hw, is_soft, has_error, error_code, next_rip };
    /* What the CPU loop does: deliver, and deliver again whatever fault
     * the delivery raised, until a handler is entered or shutdown. */
    for (int tries = 0; tries < 8; tries++) {
        int triples = stub_triple_faults;
        if (deliver_once(cpu, &ev) == 0) {
            return stub_triple_faults != triples ? -1 : 0;
        }
        ev = (StubEvent){ env->exception_index, false, env->exception_is_soft,
                          env->exception_has_error, env->error_code, env->exception_next_rip };
    }
    return -2;
}

/* ---- the flat test machine ---- */

void stub_set_flags(X86CPUState *env, uint64_t rflags)
{
    x86_cpu_load_eflags(env, rflags, ~0ull);
}

uint64_t stub_get_flags(X86CPUState *env)
{
    x86_cpu_sync_eflags(env);
    return env->rflags;
}

static void build_gdt(X86CPUState *env)
{
    phys_st64(GDT + KCODE, desc_seg(0, 0xfffff, TYPE_CODE, 0, SEG_DB | SEG_G));
    phys_st64(GDT + KDATA, desc_seg(0, 0xfffff, TYPE_DATA, 0, SEG_DB | SEG_G));
    phys_st64(GDT + (UCODE & ~3), desc_seg(0, 0xfffff, TYPE_CODE, 3, SEG_DB | SEG_G));
    phys_st64(GDT + (UDATA & ~3), desc_seg(0, 0xfffff, TYPE_DATA, 3, SEG_DB | SEG_G));
    phys_st64(GDT + TSS32, desc_seg(TSS, 0x67, DESC_TSS_BUSY, 0, 0));
    phys_st64(GDT + KCODE64, desc_seg(0, 0xfffff, TYPE_CODE, 0, SEG_L | SEG_G));
    phys_st64(GDT + (UCODE64 & ~3), desc_seg(0, 0xfffff, TYPE_CODE, 3, SEG_L | SEG_G));
    phys_st64(GDT + TSS64, desc_seg(TSS, 0x67, DESC_TSS_BUSY, 0, 0));
    phys_st64(GDT + TSS64 + 8, 0);
    env->gdt.base = GDT;
    env->gdt.limit = 0xff;
}

void stub_setup_prot32(X86CPU *cpu, int cpl)
{
    X86CPUState *env = &cpu->env;
    stub_init();
    stub_cpu_init(cpu);
    build_gdt(env);
    env->cr0 = CR0_PE | CR0_ET;
    env->idt.base = IDT;
    env->idt.limit = 0x7ff;
    stub_set_seg(env, &env->tr, TSS32);
    phys_st32(TSS + 4, 0x9000); /* ESP0 */
    phys_st32(TSS + 8, KDATA);  /* SS0 */
    uint16_t cs = cpl ? UCODE : KCODE, ds = cpl ? UDATA : KDATA;
    stub_set_seg(env, &env->segs[R_CS], cs);
    for (int s = 0; s < SEG_COUNT; s++) {
        if (s != R_CS) {
            stub_set_seg(env, &env->segs[s], ds);
        }
    }
    env->regs[R_ESP] = 0x7000;
    env->rip = 0x500;
    stub_set_flags(env, RFLAGS_FIXED1 | RFLAGS_IF | RFLAGS_CF);
    x86_update_hflags(env);
}

void stub_setup_long(X86CPU *cpu, int cpl)
{
    X86CPUState *env = &cpu->env;
    stub_setup_prot32(cpu, 0);
    env->cr0 |= CR0_PG;
    env->cr4 = CR4_PAE;
    env->efer = EFER_LME | EFER_LMA;
    /* identity-map the first 2 MiB with a 2 MiB page, user-accessible */
    env->cr3 = 0x100000;
    phys_st64(0x100000, 0x101000 | 7);
    phys_st64(0x101000, 0x102000 | 7);
    phys_st64(0x102000, 0x000000 | 7 | (1u << 7));
    stub_set_seg(env, &env->tr, TSS64);
    phys_st64(TSS + 4, 0xa008);    /* RSP0 */
    phys_st64(TSS + 0x24, 0xb008); /* IST1 */
    stub_set_seg(env, &env->segs[R_CS], cpl ? UCODE64 : KCODE64);
    stub_set_seg(env, &env->segs[R_SS], cpl ? UDATA : KDATA);
    env->regs[R_ESP] = 0x7ff8;
    x86_update_hflags(env);
}
