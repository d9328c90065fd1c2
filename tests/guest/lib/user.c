/*
 * The CPL 0 side of the user-mode harness (user.h, long.S) in C: the 64-bit
 * IDT (Intel SDM vol. 3A, 6.14.1: 16-byte interrupt gates), the TSS
 * descriptor (7.2.3), and user_call()/user_call64(), which run a function
 * at CPL 3 and come back. The CPL 3 side is user-run.c.
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
extern const char user_exit_gate64[];
extern uint64_t user_harness_trap[4];
extern uint32_t user_call_ret;

void user_long_enter(void);
void user_call_enter(void (*fn)(void *), void *arg);
void user_call_enter64(const void *entry, void *arg, const UserEnv *env);

/* The harness's entry for each caller's mode (long.S; user-run.c reads it) */
extern const UserEnv user_env32, user_env64;
const UserEnv *user_env;

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

/* Back from user mode: through the exit gate, or by an exception that
 * ends the test. */
static void user_returned(void)
{
    uint64_t vector = user_harness_trap[0];
    uint32_t rip = (uint32_t)user_harness_trap[2];
    if (vector == VEC_UD && (rip == (uint32_t)(uintptr_t)user_exit_gate ||
                             rip == (uint32_t)(uintptr_t)user_exit_gate64)) {
        return;
    }
    test_failures++;
    printf("FAIL - unexpected exception %u (%s) in the harness at CPL 3, rip 0x%08x, "
           "error code 0x%x, cr2 0x%x\n",
           (unsigned)vector, user_vector_name((unsigned)vector), rip,
           (unsigned)user_harness_trap[1], (unsigned)user_harness_trap[3]);
    test_finish();
}

void user_call(void (*fn)(void *), void *arg)
{
    user_init();
    user_env = &user_env32;
    user_call_enter(fn, arg);
    user_returned();
}

int user_call64(const void *blob, void *arg)
{
    user_init();
    user_call_ret = 0;
    user_call_enter64(blob, arg, &user_env64);
    user_returned();
    return (int)user_call_ret;
}
