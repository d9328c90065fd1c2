/*
 * The part of the user-mode harness (user.h) that runs at CPL 3: copying a
 * body and its registers in, running it through the entry in long.S, and
 * copying the state at its exception out. Built twice: into the 32-bit
 * images (callers in compatibility mode) and into 64-bit programs
 * (user_call64), where user64_start() also lives.
 */
#include "user.h"

/* Past a body: INT3, so one that runs off its end stops there. */
#define BODY_FENCE 16

static const char vector_names[32][4] = {
    "#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM", "#DF", "CSO", "#TS", "#NP", "#SS", "#GP",
    "#PF", "?15", "#MF", "#AC", "#MC", "#XM", "#VE", "#CP", "?22", "?23", "?24", "?25", "?26", "?27",
    "?28", "#VC", "#SX", "?31",
};

#ifdef __x86_64__
const UserEnv *user_env;

/* The first bytes of a 64-bit program (user64.ld puts .text.entry first):
 * user_call64() enters here with the harness's addresses and the test's
 * argument. */
__attribute__((section(".text.entry"), used)) int user64_start(const UserEnv *env, void *arg)
{
    user_env = env;
    return user64_main(arg);
}

/* The compiler may call these for structure copies; a 64-bit program has no
 * other library. */
void *memcpy(void *dst, const void *src, size_t n)
{
    user_copy(dst, src, n);
    return dst;
}

void *memset(void *dst, int v, size_t n)
{
    user_fill(dst, (uint8_t)v, n);
    return dst;
}
#endif

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
    if (len > USER_CODE_SIZE - BODY_FENCE || current_cpl() != 3 || !user_env) {
        return -1;
    }
    UserRegs *frame = (UserRegs *)(uintptr_t)user_env->frame;
    uint8_t *dst = (uint8_t *)USER_CODE_ADDR;
    user_copy(dst, code, len);
    user_fill(dst + len, 0xcc, BODY_FENCE);
    user_copy(frame, regs, sizeof(*regs));
    frame->rflags = (regs->rflags & USER_RFLAGS_SETTABLE) | USER_RFLAGS_FIXED;
    /* FXRSTOR raises #GP for reserved MXCSR bits (SDM vol. 1, 10.2.3) */
    frame->fx[FX_MXCSR + 2] = 0;
    frame->fx[FX_MXCSR + 3] = 0;
    *(uint64_t *)(uintptr_t)user_env->body_jump =
        regs->mode == USER_MODE_32 ? user_env->enter32 : USER_CODE_ADDR;
    ((void (*)(void))(uintptr_t)user_env->enter)();
    user_copy(regs, frame, sizeof(*regs));
    return (int)regs->vector;
}
