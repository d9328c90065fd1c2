/*
 * Architectural reset state and boot-protocol entry states of the x86 CPU
 * (Intel SDM vol. 3A, 9.1.1 "Processor State After Reset").
 */
#include "target/x86/cpu.h"

#include <string.h>

#include "hw/core/machine.h"
#include "hw/core/memory.h"

static void seg_set(SegmentCache *s, uint16_t sel, uint64_t base, uint32_t limit, uint16_t flags)
{
    *s = (SegmentCache){ .selector = sel, .base = base, .limit = limit, .flags = flags };
}

void x86_cpu_reset(X86CPU *cpu)
{
    X86CPUState *env = &cpu->env;
    memset(env, 0, sizeof(*env));
    env->rip = 0xfff0;
    env->rflags = RFLAGS_FIXED1;
    env->cr0 = CR0_ET | CR0_NW | CR0_CD;
    /* data segments: present, writable, accessed */
    for (int i = 0; i < SEG_COUNT; i++) {
        seg_set(&env->segs[i], 0, 0, 0xffff, SEG_P | SEG_S | 0x3);
    }
    /* code segment: F000 with base FFFF0000, execute/read, accessed */
    seg_set(&env->segs[R_CS], 0xf000, 0xffff0000, 0xffff, SEG_P | SEG_S | 0xb);
    env->gdt.limit = 0xffff;
    env->idt.limit = 0xffff;
    seg_set(&env->ldt, 0, 0, 0xffff, SEG_P | 0x2);
    seg_set(&env->tr, 0, 0, 0xffff, SEG_P | 0xb);
    env->regs[R_EDX] = 0x600 | (cpu->model ? (cpu->model->family << 8 | cpu->model->model << 4) : 0);
    env->apic_base = 0xfee00000 | (1u << 11) | (cpu->index == 0 ? 1u << 8 : 0);
    env->pat = 0x0007040600070406ull;
    env->mxcsr = 0x1f80;
    st16(env->fxsave, 0x037f); /* FCW */
    st32(env->fxsave + 24, env->mxcsr);
    env->halted = false;
}

void x86_cpu_set_flat32(X86CPUState *env, uint64_t eip)
{
    /* 4 GiB flat segments: code execute/read, data read/write, 32-bit, G=1 */
    seg_set(&env->segs[R_CS], 0x10, 0, 0xffffffff, SEG_P | SEG_S | SEG_DB | SEG_G | 0xb);
    for (int i = 0; i < SEG_COUNT; i++) {
        if (i != R_CS) {
            seg_set(&env->segs[i], 0x18, 0, 0xffffffff, SEG_P | SEG_S | SEG_DB | SEG_G | 0x3);
        }
    }
    env->cr0 = CR0_PE | CR0_ET;
    env->cr4 = 0;
    env->efer = 0;
    env->rflags = RFLAGS_FIXED1;
    env->rip = eip;
}

void x86_cpu_set_intr(void *opaque, int n, int level)
{
    X86CPU *cpu = opaque;
    (void)n;
    atomic_store(&cpu->intr, level);
    if (level) {
        machine_kick_cpu(cpu);
    }
}
