/*
 * The C side of the user-mode harness (user.h, long.S): the 64-bit IDT
 * (Intel SDM vol. 3A, 6.14.1: 16-byte interrupt gates), the TSS descriptor
 * (7.2.3), user_call() and user_run(), which copies a body and its
 * registers in and the state at its exception out.
 */
#include "user.h"

#define GATE_INTR64 0x8e   /* present, DPL 0, 64-bit interrupt gate */
#define GATE_DPL3 0x60
#define VEC_NMI 2
#define VEC_BP 3
#define VEC_UD 6
#define VEC_DF 8
#define VEC_MC 18
#define IST_EMERGENCY 1
/* Past a body: INT3, so one that runs off its end stops there. */
#define BODY_FENCE 16

struct gate64 {
    uint16_t offset_lo;
    uint16_t selector;
    uint8_t ist;
    uint8_t type;
    uint16_t offset_mid;
    uint32_t offset_hi;
    uint32_t reserved;
} __attribute__((packed));

extern struct gate64 user_idt[32];
extern uint8_t user_gdt[];
extern uint8_t user_tss[];
extern const char user_vec_stubs[];
extern const char user_exit_gate[];
extern const char user_enter32[];
extern UserRegs user_regs_frame;
extern uint64_t user_harness_trap[4];
extern uint64_t user_body_jump;

void user_long_enter(void);
int user_call_enter(void (*fn)(void *), void *arg);
void user_enter(void);

_Static_assert(sizeof(UserRegs) == UR_SIZE, "UserRegs layout is shared with long.S");
_Static_assert(offsetof(UserRegs, rip) == UR_OFF_RIP, "UserRegs.rip");
_Static_assert(offsetof(UserRegs, rflags) == UR_OFF_RFLAGS, "UserRegs.rflags");
_Static_assert(offsetof(UserRegs, vector) == UR_OFF_VECTOR, "UserRegs.vector");
_Static_assert(offsetof(UserRegs, error_code) == UR_OFF_ERROR, "UserRegs.error_code");
_Static_assert(offsetof(UserRegs, cr2) == UR_OFF_CR2, "UserRegs.cr2");
_Static_assert(offsetof(UserRegs, cs) == UR_OFF_CS, "UserRegs.cs");
_Static_assert(offsetof(UserRegs, ss) == UR_OFF_SS, "UserRegs.ss");
_Static_assert(offsetof(UserRegs, mode) == UR_OFF_MODE, "UserRegs.mode");
_Static_assert(offsetof(UserRegs, fx) == UR_OFF_FX, "UserRegs.fx");

static bool user_ready;

static const char *const vector_names[32] = {
    "#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM", "#DF", "CSO", "#TS", "#NP", "#SS", "#GP",
    "#PF", "?15", "#MF", "#AC", "#MC", "#XM", "#VE", "#CP", "?22", "?23", "?24", "?25", "?26", "?27",
    "?28", "#VC", "#SX", "?31",
};

const char *user_vector_name(unsigned vector)
{
    return vector < 32 ? vector_names[vector] : "?";
}

bool user_vector_has_error(unsigned vector)
{
    return vector == 8 || (vector >= 10 && vector <= 14) || vector == 17 || vector == 21 ||
           vector == 29 || vector == 30;
}

void user_copy(void *dst, const void *src, size_t n)
{
    __asm__ volatile("cld; rep movsb" : "+D"(dst), "+S"(src), "+c"(n) : : "memory");
}

void user_fill(void *dst, uint8_t v, size_t n)
{
    __asm__ volatile("cld; rep stosb" : "+D"(dst), "+c"(n) : "a"(v) : "memory");
}

static unsigned current_cpl(void)
{
    uint16_t cs;
    __asm__ volatile("mov %%cs, %0" : "=r"(cs));
    return cs & 3;
}

void user_init(void)
{
    if (user_ready) {
        return;
    }
    for (unsigned v = 0; v < 32; v++) {
        uint32_t addr = (uint32_t)(uintptr_t)(user_vec_stubs + 16 * v);
        struct gate64 *g = &user_idt[v];
        g->offset_lo = addr & 0xffff;
        g->selector = USER_K64_CS;
        /* #DF, NMI and #MC on their own stack, whatever RSP0 holds */
        g->ist = (v == VEC_DF || v == VEC_NMI || v == VEC_MC) ? IST_EMERGENCY : 0;
        /* INT3 is how bodies end: reachable from CPL 3 */
        g->type = GATE_INTR64 | (v == VEC_BP ? GATE_DPL3 : 0);
        g->offset_mid = addr >> 16;
        g->offset_hi = 0;
        g->reserved = 0;
    }
    uint32_t tss = (uint32_t)(uintptr_t)user_tss;
    uint8_t *d = user_gdt + USER_TSS_SEL;
    d[2] = tss & 0xff;
    d[3] = (tss >> 8) & 0xff;
    d[4] = (tss >> 16) & 0xff;
    d[7] = tss >> 24;
    user_long_enter();
    user_ready = true;
}

void user_call(void (*fn)(void *), void *arg)
{
    user_init();
    user_call_enter(fn, arg);
    uint64_t vector = user_harness_trap[0];
    uint32_t rip = (uint32_t)user_harness_trap[2];
    if (vector == VEC_UD && rip == (uint32_t)(uintptr_t)user_exit_gate) {
        return;
    }
    test_failures++;
    printf("FAIL - unexpected exception %u (%s) in the harness at CPL 3, rip 0x%08x, "
           "error code 0x%x, cr2 0x%x\n",
           (unsigned)vector, user_vector_name((unsigned)vector), rip,
           (unsigned)user_harness_trap[1], (unsigned)user_harness_trap[3]);
    test_finish();
}

void user_regs_init(UserRegs *r)
{
    user_fill(r, 0, sizeof(*r));
    r->gpr[UR_RSP] = USER_STACK_TOP;
    r->rflags = USER_RFLAGS_FIXED;
    r->mode = USER_MODE_64;
    r->fx[FX_FCW] = FX_FCW_DEFAULT & 0xff;
    r->fx[FX_FCW + 1] = FX_FCW_DEFAULT >> 8;
    r->fx[FX_MXCSR] = FX_MXCSR_DEFAULT & 0xff;
    r->fx[FX_MXCSR + 1] = FX_MXCSR_DEFAULT >> 8;
}

int user_run(const void *code, size_t len, UserRegs *regs)
{
    if (len > USER_CODE_SIZE - BODY_FENCE || current_cpl() != 3) {
        return -1;
    }
    uint8_t *dst = (uint8_t *)USER_CODE_ADDR;
    user_copy(dst, code, len);
    user_fill(dst + len, 0xcc, BODY_FENCE);
    user_copy(&user_regs_frame, regs, sizeof(*regs));
    user_regs_frame.rflags = (regs->rflags & USER_RFLAGS_SETTABLE) | USER_RFLAGS_FIXED;
    /* FXRSTOR raises #GP for reserved MXCSR bits (SDM vol. 1, 10.2.3) */
    user_regs_frame.fx[FX_MXCSR + 2] = 0;
    user_regs_frame.fx[FX_MXCSR + 3] = 0;
    user_body_jump = regs->mode == USER_MODE_32 ? (uint32_t)(uintptr_t)user_enter32 : USER_CODE_ADDR;
    user_enter();
    user_copy(regs, &user_regs_frame, sizeof(*regs));
    return (int)regs->vector;
}
