/*
 * REP MOVS and REP STOS in bulk (Intel SDM vol. 2, "REP/REPE/REPZ/REPNE/
 * REPNZ", MOVS, STOS): as many whole elements as lie in pages the TLB
 * already maps as plain RAM, moved with the host's memcpy/stores instead of
 * one element per trip through the block. Linux clears and copies pages
 * with these (clear_page, copy_page, copy_user).
 *
 * The translator calls these only in 64-bit mode with a 64-bit address
 * size (no segment limits, no address wrap) and then goes on with its
 * one-element path, which handles what the bulk path leaves: DF = 1, an
 * element crossing a page, a page not in the TLB (its fault or fill),
 * MMIO, ROM, pages holding translated code, overlapping moves. Registers
 * change only by whole elements done, so an interrupt or fault after this
 * finds the state of an iteration boundary, as on hardware.
 */
#include <string.h>

#include "accel/tcg/tcg-cpu.h"
#include "target/x86/misc_helper.h"

/* Bytes per call: the block then runs one element and comes back, so the
 * CPU loop sees interrupts between batches. */
#define REP_BATCH (64 * 1024)

/* Whole elements of size bytes from addr to the end of its page. */
static uint64_t elems_in_page(uint64_t addr, uint64_t size)
{
    return (TARGET_PAGE_SIZE - (addr & ~TARGET_PAGE_MASK)) / size;
}

uint64_t helper_rep_stos_fast(X86CPU *cpu, uint64_t size, uint64_t mmu_idx)
{
    X86CPUState *env = &cpu->env;
    TCGCPU *t = tcg_cpu(cpu);
    if (env->rflags & RFLAGS_DF) {
        return 0;
    }
    uint64_t budget = REP_BATCH / size;
    while (env->regs[R_ECX] && budget) {
        uint64_t d = env->regs[R_EDI];
        uint8_t *hd = tlb_probe_ram(t, d, true, (int)mmu_idx);
        uint64_t n = MIN(MIN(env->regs[R_ECX], budget), elems_in_page(d, size));
        if (!hd || !n) {
            break;
        }
        uint64_t v = env->regs[R_EAX];
        switch (size) {
        case 1:
            memset(hd, (int)(v & 0xff), n);
            break;
        case 2:
            for (uint64_t i = 0; i < n; i++) {
                memcpy(hd + 2 * i, &v, 2);
            }
            break;
        case 4:
            for (uint64_t i = 0; i < n; i++) {
                memcpy(hd + 4 * i, &v, 4);
            }
            break;
        default:
            for (uint64_t i = 0; i < n; i++) {
                memcpy(hd + 8 * i, &v, 8);
            }
            break;
        }
        env->regs[R_EDI] = d + n * size;
        env->regs[R_ECX] -= n;
        budget -= n;
    }
    return 0;
}

uint64_t helper_rep_movs_fast(X86CPU *cpu, uint64_t size, uint64_t src_seg, uint64_t mmu_idx)
{
    X86CPUState *env = &cpu->env;
    TCGCPU *t = tcg_cpu(cpu);
    if (env->rflags & RFLAGS_DF) {
        return 0;
    }
    /* 64-bit mode: only FS and GS have a base */
    uint64_t base = src_seg == R_FS || src_seg == R_GS ? env->segs[src_seg].base : 0;
    uint64_t budget = REP_BATCH / size;
    while (env->regs[R_ECX] && budget) {
        uint64_t d = env->regs[R_EDI], s = base + env->regs[R_ESI];
        uint8_t *hd = tlb_probe_ram(t, d, true, (int)mmu_idx);
        uint8_t *hs = tlb_probe_ram(t, s, false, (int)mmu_idx);
        uint64_t n = MIN(MIN(env->regs[R_ECX], budget), MIN(elems_in_page(d, size), elems_in_page(s, size)));
        uint64_t bytes = n * size;
        /* a destination just above the source repeats the first elements
         * one by one: leave that to the element path */
        if (!hd || !hs || !n || (hd > hs && hd < hs + bytes)) {
            break;
        }
        memmove(hd, hs, bytes);
        env->regs[R_EDI] = d + bytes;
        env->regs[R_ESI] += bytes;
        env->regs[R_ECX] -= n;
        budget -= n;
    }
    return 0;
}
