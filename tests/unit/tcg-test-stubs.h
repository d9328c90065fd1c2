/*
 * Test-local accel/tcg stand-ins for the x86 system-helper unit tests
 * (see tcg-test-stubs.c).
 */
#ifndef TESTS_UNIT_TCG_TEST_STUBS_H
#define TESTS_UNIT_TCG_TEST_STUBS_H

#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "accel/tcg/exec.h"
#include "target/x86/excp.h"
#include "target/x86/excp_helper.h"

#define STUB_RAM_SIZE (16u << 20)

enum { STUB_EXCEPTION = 1, STUB_LOOP_EXIT = 2 };

extern uint8_t *stub_ram;
extern sigjmp_buf stub_jmp;
extern bool stub_jmp_armed;
extern int stub_phys_stores;
extern int stub_tlb_flushes, stub_tlb_flushes_all, stub_tlb_flush_pages;
extern int stub_triple_faults;
extern int stub_loop_exits;
extern uint16_t stub_io_port;
extern uint64_t stub_io_value;
extern unsigned stub_io_size;

/* Clear guest RAM and the counters. */
void stub_init(void);
/* A reset CPU of the default model, exception_old = -1, hflags current. */
void stub_cpu_init(X86CPU *cpu);

/*
 * Call a helper fn(cpu, args...) and report how it ended: 0 = returned
 * (*ret = its value, if ret), STUB_EXCEPTION (env->exception_* say which)
 * or STUB_LOOP_EXIT. STUB_HELPER(cpu, ret, fn, args...) counts the args.
 */
int stub_call(X86CPU *cpu, uint64_t *ret, void *fn, size_t nargs, const uint64_t *args);
#define STUB_HELPER(cpu, ret, fn, ...)                                                         \
    stub_call(cpu, ret, (void *)(fn),                                                          \
              sizeof((uint64_t[]){ 0, __VA_ARGS__ }) / sizeof(uint64_t) - 1,                   \
              (uint64_t[]){ 0, __VA_ARGS__ } + 1)

/*
 * Deliver an event like the CPU loop: faults raised during delivery are
 * delivered in turn. Returns 0 when a handler was entered (env->rip says
 * which), -1 after a triple fault.
 */
int stub_deliver(X86CPU *cpu, int vector, bool is_hw, bool is_soft, bool has_error,
                 uint32_t error_code, uint64_t next_rip);

/* Test set-up writes to guest RAM (not counted in stub_phys_stores). */
static inline void phys_st32(uint64_t a, uint32_t v)
{
    memcpy(stub_ram + a, &v, 4);
}

static inline void phys_st64(uint64_t a, uint64_t v)
{
    memcpy(stub_ram + a, &v, 8);
}

static inline void phys_st16(uint64_t a, uint16_t v)
{
    memcpy(stub_ram + a, &v, 2);
}

static inline uint64_t phys_ld(uint64_t a, MemOp op)
{
    return cpu_phys_ld(NULL, a, op);
}

/*
 * A flat test machine: GDT, IDT and TSS at fixed addresses; stub_setup_prot32
 * gives flat 32-bit protected mode at CPL 0 or 3 (rIP 0x500, ESP 0x7000,
 * IF|CF, TSS ESP0 0x9000 SS0 KDATA); stub_setup_long 4-level paging
 * identity-mapping 2 MiB, 64-bit CS at CPL 0 or 3, RSP 0x7ff8, TSS64 RSP0
 * 0xa008 and IST1 0xb008.
 */
#define GDT 0x1000
#define IDT 0x2000
#define TSS 0x3000
#define KCODE 0x08
#define KDATA 0x10
#define UCODE 0x1b
#define UDATA 0x23
#define TSS32 0x28
#define KCODE64 0x30
#define UCODE64 0x3b
#define TSS64 0x40 /* 16 bytes */
#define GDT_FREE 0x50 /* first free entry for the tests' own descriptors */

void stub_setup_prot32(X86CPU *cpu, int cpl);
void stub_setup_long(X86CPU *cpu, int cpl);
/* rflags through the lazy-flags record, as the translator leaves it. */
void stub_set_flags(X86CPUState *env, uint64_t rflags);
uint64_t stub_get_flags(X86CPUState *env);

static inline uint32_t stub_rd32(uint64_t a)
{
    return (uint32_t)cpu_phys_ld(NULL, a, MO_32);
}

static inline uint64_t stub_rd64(uint64_t a)
{
    return cpu_phys_ld(NULL, a, MO_64);
}

/* Descriptor images (SDM vol. 3A, 3.4.5 and 6.11/6.14.1). */
static inline uint64_t desc_seg(uint32_t base, uint32_t limit, unsigned type, unsigned dpl,
                                unsigned flags /* SEG_L | SEG_DB | SEG_G, SegmentCache style */)
{
    uint32_t lo = (limit & 0xffff) | (base & 0xffff) << 16;
    uint32_t hi = ((base >> 16) & 0xff) | (type & 0x1f) << 8 | dpl << 13 | 1u << 15 |
                  (limit & 0xf0000) | (uint32_t)(flags & 0xf000) << 8 | (base & 0xff000000u);
    return (uint64_t)hi << 32 | lo;
}

/* A system descriptor (S = 0) or gate: type 0-15, not present if !p. */
static inline uint64_t desc_gate(uint16_t sel, uint32_t offset, unsigned type, unsigned dpl,
                                 bool p, unsigned params_or_ist)
{
    uint32_t lo = (offset & 0xffff) | (uint32_t)sel << 16;
    uint32_t hi = (offset & 0xffff0000u) | (type & 0xf) << 8 | dpl << 13 | (p ? 1u << 15 : 0) |
                  (params_or_ist & 0x1f);
    return (uint64_t)hi << 32 | lo;
}

#define TYPE_CODE (0x10 | 0xa) /* S=1, execute/read */
#define TYPE_DATA (0x10 | 0x2) /* S=1, read/write */

/* Load a segment cache from the descriptor in the flat buffer's GDT. */
static inline void stub_set_seg(X86CPUState *env, SegmentCache *sc, uint16_t sel)
{
    uint64_t d;
    memcpy(&d, stub_ram + env->gdt.base + (sel & ~7u), 8);
    uint32_t lo = (uint32_t)d, hi = (uint32_t)(d >> 32);
    uint32_t limit = (lo & 0xffff) | (hi & 0xf0000);
    if (hi & (1u << 23)) {
        limit = limit << 12 | 0xfff;
    }
    *sc = (SegmentCache){ .selector = sel,
                          .base = (lo >> 16) | (hi & 0xff) << 16 | (hi & 0xff000000u),
                          .limit = limit,
                          .flags = (uint16_t)((hi >> 8) & 0xf0ff) };
}

#endif
