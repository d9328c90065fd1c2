/*
 * General-purpose instructions in 64-bit mode through the whole tcg
 * pipeline (decoder, translate*.c, IR, interpreter, helpers) against the
 * host CPU. Each case is a short instruction sequence assembled into this
 * test; it runs natively (from a trampoline that loads every register but
 * RSP and the arithmetic flags from a struct and stores them back) and as
 * guest code in 64-bit long mode, from the same registers, flags and
 * 256-byte data buffer (addressed through R15). The registers, the flags
 * the SDM defines for the last flag-setting instruction (all of them on an
 * Intel host: the translator computes undefined flags as Intel parts do),
 * and the buffer must agree.
 */
#include <cpuid.h>
#include <glib.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "accel/accel.h"
#include "accel/tcg/exec.h"
#include "hw/core/machine.h"
#include "hw/core/memory.h"
#include "target/x86/cc.h"
#include "target/x86/cpu-model.h"

extern const AccelOps tcg_accel_ops;

#define OSZAPC 0x8d5ull
#define CF 0x001ull
#define PF 0x004ull
#define AF 0x010ull
#define ZF 0x040ull
#define SF 0x080ull
#define DF 0x400ull
#define OF 0x800ull

/* ---- the instruction sequences ---- */

typedef struct Snip {
    const char *name;
    const uint8_t *start, *end;
    uint64_t defined;   /* flags to compare (NONE: none); 0: by shift count (see below) */
    int width;          /* shifts: operand width in bits */
    bool rotate;        /* shifts: a rotate (SZAP kept) */
    void (*prep)(uint64_t *r, uint8_t *buf);
} Snip;

#define SNIP(id, text)                                                                         \
    extern const uint8_t id##_start[], id##_end[];                                             \
    __asm__(".pushsection .rodata.gp_snips, \"a\"\n" #id "_start:\n" text "\n" #id "_end:\n"   \
            ".popsection\n")

SNIP(s_add64, "add %rbx, %rax; adc %rcx, %rdx");
SNIP(s_sub64, "sub %r8, %r9");
SNIP(s_sbb32, "sbb %r10d, %r11d");
SNIP(s_adc16, "adc $-1, %r8w");
SNIP(s_sub8, "sub %r9b, %r10b");
SNIP(s_and16, "and %r12w, %r13w");
SNIP(s_or8, "or %sil, %dil");
SNIP(s_xor_h8, "xor %ah, %bl");
SNIP(s_cmp_imm, "cmp $-5, %rax");
SNIP(s_test, "test %r14, %rdx");
SNIP(s_add_imm32, "add $0x7fffffff, %ecx; mov %ebx, %eax; xor %edx, %edx");
SNIP(s_incdec, "inc %r11; dec %r12d; inc %r13w; dec %bpl");
SNIP(s_neg, "neg %rax; not %rbx; neg %ecx");
SNIP(s_mem, "add %rax, 8(%r15); sub 16(%r15), %rbx; xor %cl, 3(%r15); adcq $5, 24(%r15);"
            "incl 32(%r15); negw 40(%r15)");
SNIP(s_lock, "lock xadd %rax, (%r15); lock cmpxchg %rbx, 8(%r15); lock btsq $63, 16(%r15)");
SNIP(s_shl64, "shl %cl, %rax");
SNIP(s_shr64, "shr %cl, %r9");
SNIP(s_sar32, "sar %cl, %r10d");
SNIP(s_shl8, "shl %cl, %r11b");
SNIP(s_rol64, "rol %cl, %r11");
SNIP(s_ror16, "ror %cl, %r12w");
SNIP(s_rol8, "rol %cl, %dl");
SNIP(s_rcl64, "rcl %cl, %r13");
SNIP(s_rcr8, "rcr %cl, %r14b");
SNIP(s_rcr32, "rcr %cl, %esi");
SNIP(s_shld64, "shld %cl, %rbx, %rax");
SNIP(s_shrd64, "shrd %cl, %rdx, %rsi");
SNIP(s_shrd32, "shrd %cl, %edx, %esi");
SNIP(s_shxd_imm, "shld $33, %r8, %r9; shrd $1, %r10, %r11");
SNIP(s_shift_zx, "shl $0, %esi; rol $0, %edi; shr %cl, %r8d");
/* the flags of a shift by CL read in the same block (the record merged
 * from two paths) */
SNIP(s_shift_read, "shl %cl, %eax; pushfq; pop %rbx; and $0xdff, %ebx; sar %cl, %rdx; setc %sil; sets %dil;"
                   "shrd %cl, %r8, %r9; lahf; pushfq; pop %r10; and $0xdff, %r10d");
SNIP(s_mul64, "mul %rbx");
SNIP(s_imul64, "imul %rcx");
SNIP(s_imul2, "imul %r8, %r9");
SNIP(s_imul3, "imul $-1000, %r10, %r11; imul $3, %r12d, %r13d");
SNIP(s_mul8, "mulb %bl");
SNIP(s_imul16, "imul %r14w");
SNIP(s_div64, "div %rbx");
SNIP(s_idiv64, "idiv %rcx");
SNIP(s_div32, "divl %r8d");
SNIP(s_bt, "bt %rcx, %rax; setc %dl; bts %rcx, %rbx; btr %ecx, %esi; btc $40, %rdi");
SNIP(s_bt_mem, "and $0x3ff, %rcx; sub $0x200, %rcx; bts %rcx, 128(%r15); setc %dl;"
               "btcw %cx, 128(%r15); btl $77, 4(%r15)");
SNIP(s_bsf, "bsf %rbx, %rax; bsr %r8d, %r9d");
SNIP(s_popcnt, "popcnt %r10, %r11; popcnt %r12d, %r13d; popcnt %si, %di");
SNIP(s_bswap, "bswap %rax; bswap %ebx; bswap %r8");
SNIP(s_crc32, "crc32q %rsi, %rdi; crc32b %al, %ecx; crc32w %dx, %r8d");
#define SETALL                                                                                 \
    "seto %al; setno %ah; setb %bl; setae %bh; sete %cl; setne %ch; setbe %dl; seta %dh;"      \
    "sets %r8b; setns %r9b; setp %r10b; setnp %r11b; setl %r12b; setge %r13b; setle %r14b;"    \
    "setg %sil"
SNIP(s_cc_flags, "push %rsi; popfq;" SETALL);
SNIP(s_cc_sub, "cmp %rsi, %rdi;" SETALL);
SNIP(s_cc_sub32, "cmp %esi, %edi;" SETALL);
SNIP(s_cc_sub8, "cmp %sil, %dil;" SETALL);
SNIP(s_cc_add, "add %rsi, %rdi;" SETALL);
SNIP(s_cc_adc, "adc %si, %di;" SETALL);
SNIP(s_cc_sbb, "sbb %rsi, %rdi;" SETALL);
SNIP(s_cc_logic, "test %esi, %edi;" SETALL);
SNIP(s_cc_inc, "inc %rdi;" SETALL);
SNIP(s_cc_dec, "dec %dil;" SETALL);
SNIP(s_cc_shl, "shl $1, %rdi;" SETALL);
SNIP(s_cc_sar, "sar $1, %edi;" SETALL);
SNIP(s_cc_mul, "imul %rsi, %rdi;" "seto %al; setb %bl; setno %cl");
SNIP(s_cmov, "cmp %rsi, %rdi; cmovl %rbx, %rax; cmovbe %edx, %ecx; cmovns %r8w, %r9w;"
             "cmovp 8(%r15), %r10");
SNIP(s_jcc, "xor %eax, %eax; cmp %rsi, %rdi; jl 1f; or $1, %eax; 1: ja 2f; or $2, %eax;"
            "2: jo 3f; or $4, %eax; 3: jp 4f; or $8, %eax; 4: jle 5f; or $16, %eax; 5:");
SNIP(s_loop, "and $15, %rcx; inc %rcx; xor %eax, %eax; 1: inc %eax; loop 1b");
SNIP(s_loopne, "and $15, %rcx; inc %rcx; 1: dec %rbx; cmp $3, %rbx; loopne 1b");
SNIP(s_jrcxz, "and $1, %ecx; xor %eax, %eax; jrcxz 1f; mov $7, %eax; 1: jecxz 2f; inc %eax; 2:");
SNIP(s_lahf, "lahf; mov %ah, %bl; mov %dl, %ah; sahf");
SNIP(s_cf_ops, "clc; adc $0, %rax; stc; adc $0, %rbx; cmc; adc $0, %rcx");
SNIP(s_pushf, "pushfq; pop %rax; and $0x8d5, %rax; and $0x8d5, %rbx; push %rbx; popfq;"
              "pushfq; pop %rcx; and $0xdff, %ecx; pushfw; popw %dx; and $0xdff, %dx");
SNIP(s_ext, "cbw; cwde; cdqe; cwd; cdq; cqo; movslq %ebx, %rsi; movsbq %cl, %rdi;"
            "movzwl %dx, %r8d; movswq %r9w, %r10; movsbw %r11b, %r12w");
#define REL_SI_DI "; sub %r15, %rsi; sub %r15, %rdi"
SNIP(s_movs, "lea 64(%r15), %rsi; lea 192(%r15), %rdi; and $7, %rcx; rep movsb" REL_SI_DI);
SNIP(s_movsq, "lea 64(%r15), %rsi; lea 192(%r15), %rdi; and $7, %rcx; rep movsq" REL_SI_DI);
SNIP(s_stos, "lea 128(%r15), %rdi; and $7, %rcx; rep stosl; sub %r15, %rdi");
SNIP(s_lods, "lea 100(%r15), %rsi; lodsq; lodsw; sub %r15, %rsi");
SNIP(s_cmps, "lea 64(%r15), %rsi; lea 192(%r15), %rdi; and $15, %rcx; repe cmpsb" REL_SI_DI);
SNIP(s_scas, "lea 128(%r15), %rdi; and $15, %rcx; repne scasb; sub %r15, %rdi");
SNIP(s_scasq, "lea 128(%r15), %rdi; and $7, %rcx; repe scasq; sub %r15, %rdi");
SNIP(s_rep0, "xor %ecx, %ecx; rep stosb; repe cmpsb; rep movsq");
SNIP(s_pushpop, "push %rax; pushw %bx; popw %cx; pop %rdx; push $-5; pop %rsi; push %r8; pop %r9;"
                "pushq 8(%r15); popq 16(%r15); push %rsp; pop %rdi; sub %rsp, %rdi");
SNIP(s_enter, "mov %rsp, %rdi; enter $24, $0; mov %rsp, %rax; sub %rdi, %rax; leave;"
              "mov %rsp, %rbx; sub %rdi, %rbx; xor %edi, %edi");
SNIP(s_enter_nest, "push $11; push $22; push $33; add $24, %rsp; push %rbp; mov %rsp, %rbp;"
                   "mov %rsp, %rdi; enter $8, $3; mov %rsp, %rax; sub %rdi, %rax;"
                   "mov -8(%rbp), %rcx; sub %rdi, %rcx; mov -16(%rbp), %rdx; sub %rdi, %rdx;"
                   "mov -24(%rbp), %rsi; sub %rdi, %rsi; leave; pop %rbp; xor %edi, %edi");
SNIP(s_callret, "mov %rsp, %rdi; call 1f; jmp 2f; 1: ret; 2: lea 3f(%rip), %rax; push $0;"
                "push $0; push %rax; xor %ebx, %ebx; ret $16; mov $5, %ebx; 3: lea 4f(%rip), %rax;"
                "jmp *%rax; mov $6, %ebx; 4: xor %eax, %eax; sub %rsp, %rdi");
SNIP(s_xchg, "xchg %rax, %rbx; xchg %cl, %dh; xchg %rsi, 8(%r15); xchg %r8d, %r9d");
SNIP(s_xadd, "xadd %rbx, %rax; xadd %cl, %dl; xadd %si, 2(%r15)");
SNIP(s_cmpxchg, "cmpxchg %rbx, 8(%r15); cmpxchg %cl, %dl");
SNIP(s_cmpxchg32, "cmpxchg %r8d, %r9d");
SNIP(s_cmpxchg16b, "cmpxchg16b 16(%r15)");
SNIP(s_cmpxchg8b, "cmpxchg8b 40(%r15)");
SNIP(s_lea, "lea 12(%rax,%rbx,4), %rcx; lea -3(%esi,%edi), %edx; lea (,%rbx,8), %r8;"
            "lea 0x7fffffff(%r9), %r10d; lea 5(%eax,%ebx,2), %r11; lea (%r12,%r13), %r14w");
SNIP(s_xlat, "mov %r15, %rbx; xlat; xor %ebx, %ebx");
SNIP(s_movx, "movzwl 6(%r15), %eax; movsbw 3(%r15), %bx; mov %ah, %cl; mov %cl, 60(%r15); movsbq 7(%r15), %r8;"
             "movabs $0x123456789abcdef, %r9; mov %r9d, 64(%r15); movb $-1, 65(%r15);"
             "movw $0x1234, 66(%r15); movq $-2, 72(%r15); mov 80(%r15), %r10w");

/* ---- input shaping ---- */

enum { RAX, RCX, RDX, RBX, RSP, RBP, RSI, RDI, R8, R9, R10, R11, R12, R13, R14, R15 };

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static const uint64_t special[] = {
    0, 1, 2, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff, 0x7fffffff, 0x80000000,
    0xffffffff, 0x100000000ull, 0x7fffffffffffffffull, 0x8000000000000000ull, ~0ull, 0x0f, 0x10,
    0x3f, 0x40, 0xfffffffffffffffeull,
};

static uint64_t value(void)
{
    uint64_t r = rnd();
    switch (r & 7) {
    case 0:
    case 1:
        return special[(r >> 3) % G_N_ELEMENTS(special)];
    case 2:
        return r >> (r & 63);
    case 3:
        return (uint64_t)(int64_t)(int32_t)(r >> 8);
    default:
        return rnd();
    }
}

static void prep_div64(uint64_t *r, uint8_t *buf)
{
    r[RBX] |= 1;
    r[RDX] %= r[RBX];
}

static void prep_idiv64(uint64_t *r, uint8_t *buf)
{
    int64_t d = (int64_t)(r[RCX] | 1), q = (int64_t)r[RAX] >> (rnd() & 63);
    if (d == -1) {
        d = 5;
    }
    __int128 n = (__int128)q * d;
    uint64_t ad = d < 0 ? -(uint64_t)d : (uint64_t)d;
    int64_t rem = (int64_t)(rnd() % ad);
    n += n < 0 ? -rem : rem;
    r[RCX] = (uint64_t)d;
    r[RAX] = (uint64_t)n;
    r[RDX] = (uint64_t)((unsigned __int128)n >> 64);
}

static void prep_div32(uint64_t *r, uint8_t *buf)
{
    r[R8] |= 1;
    r[RDX] = (uint32_t)r[RDX] % (uint32_t)r[R8] | (r[RDX] & ~0xffffffffull);
}

static void prep_bsf(uint64_t *r, uint8_t *buf)
{
    r[RBX] |= r[RBX] ? 0 : 0x800;
    r[R8] |= (uint32_t)r[R8] ? 0 : 0x10000;
}

static void prep_ccflags(uint64_t *r, uint8_t *buf)
{
    r[RSI] &= OSZAPC;
}

static void prep_strings(uint64_t *r, uint8_t *buf)
{
    uint64_t n = rnd() % 20;
    for (int i = 0; i < 64; i++) {
        buf[192 + i] = i < (int)n ? buf[64 + i] : (uint8_t)rnd();
        buf[128 + i] = (rnd() & 3) ? buf[128 + i] : (uint8_t)r[RAX];
    }
    if (rnd() & 1) {
        memcpy(buf + 136, &r[RAX], 8);
    }
}

static void prep_cmpxchg(uint64_t *r, uint8_t *buf)
{
    if (rnd() & 1) {
        memcpy(&r[RAX], buf + 8, 8);
        r[RDX] = (r[RDX] & ~0xffull) | (r[RAX] & 0xff);
    }
    if (rnd() & 1) {
        r[RAX] = (r[RAX] & ~0xffffffffull) | (uint32_t)r[R9];
    }
}

static void prep_cmpxchg_wide(uint64_t *r, uint8_t *buf)
{
    if (rnd() & 1) {
        memcpy(&r[RAX], buf + 16, 8);
        memcpy(&r[RDX], buf + 24, 8);
    }
    if (rnd() & 1) {
        r[RAX] = (r[RAX] & ~0xffffffffull) | *(uint32_t *)(buf + 40);
        r[RDX] = (r[RDX] & ~0xffffffffull) | *(uint32_t *)(buf + 44);
    }
}

#define ALL OSZAPC
#define NONE (1ull << 63) /* no flag is defined (DIV, IDIV) */
#define S(id, def) { #id, id##_start, id##_end, def, 0, false, NULL }
#define SP(id, def, prep) { #id, id##_start, id##_end, def, 0, false, prep }
#define SH(id, w, rot) { #id, id##_start, id##_end, 0, w, rot, NULL }

static const Snip snips[] = {
    S(s_add64, ALL),          S(s_sub64, ALL),          S(s_sbb32, ALL),
    S(s_adc16, ALL),          S(s_sub8, ALL),           S(s_and16, ALL & ~AF),
    S(s_or8, ALL & ~AF),      S(s_xor_h8, ALL & ~AF),   S(s_cmp_imm, ALL),
    S(s_test, ALL & ~AF),     S(s_add_imm32, ALL),      S(s_incdec, ALL),
    S(s_neg, ALL),            S(s_mem, ALL),            S(s_lock, CF | ZF),
    SH(s_shl64, 64, false),   SH(s_shr64, 64, false),   SH(s_sar32, 32, false),
    SH(s_shl8, 8, false),     SH(s_rol64, 64, true),    SH(s_ror16, 16, true),
    SH(s_rol8, 8, true),      SH(s_rcl64, 64, true),    SH(s_rcr8, 8, true),
    SH(s_rcr32, 32, true),    SH(s_shld64, 64, false),  SH(s_shrd64, 64, false),
    SH(s_shrd32, 32, false),  S(s_shxd_imm, ALL & ~AF), SH(s_shift_zx, 32, false),
    SH(s_shift_read, 32, false),
    S(s_mul64, CF | OF),      S(s_imul64, CF | OF),     S(s_imul2, CF | OF),
    S(s_imul3, CF | OF),      S(s_mul8, CF | OF),       S(s_imul16, CF | OF),
    SP(s_div64, NONE, prep_div64), SP(s_idiv64, NONE, prep_idiv64),
    SP(s_div32, NONE, prep_div32),
    S(s_bt, CF | ZF),         S(s_bt_mem, CF | ZF),          SP(s_bsf, ZF, prep_bsf),
    S(s_popcnt, ALL),         S(s_bswap, ALL),          S(s_crc32, ALL),
    SP(s_cc_flags, ALL, prep_ccflags), S(s_cc_sub, ALL), S(s_cc_sub32, ALL),
    S(s_cc_sub8, ALL),        S(s_cc_add, ALL),         S(s_cc_adc, ALL),
    S(s_cc_sbb, ALL),         S(s_cc_logic, ALL & ~AF), S(s_cc_inc, ALL),
    S(s_cc_dec, ALL),         S(s_cc_shl, ALL & ~AF),   S(s_cc_sar, ALL & ~AF),
    S(s_cc_mul, CF | OF),     S(s_cmov, ALL),           S(s_jcc, ALL),
    S(s_loop, ALL & ~AF),     S(s_loopne, ALL),         S(s_jrcxz, ALL & ~AF),
    S(s_lahf, ALL),           S(s_cf_ops, ALL),         S(s_pushf, ALL),
    S(s_ext, ALL),            SP(s_movs, ALL, prep_strings), SP(s_movsq, ALL, prep_strings),
    SP(s_stos, ALL, prep_strings), SP(s_lods, ALL, prep_strings),
    SP(s_cmps, ALL, prep_strings), SP(s_scas, ALL, prep_strings),
    SP(s_scasq, ALL, prep_strings), S(s_rep0, ALL),
    S(s_pushpop, ALL),        S(s_enter, ALL),          S(s_enter_nest, ALL),
    S(s_callret, ALL),        S(s_xchg, ALL),           S(s_xadd, ALL),
    SP(s_cmpxchg, ALL, prep_cmpxchg), SP(s_cmpxchg32, ALL, prep_cmpxchg),
    SP(s_cmpxchg16b, ZF, prep_cmpxchg_wide), SP(s_cmpxchg8b, ZF, prep_cmpxchg_wide),
    S(s_lea, ALL),            S(s_xlat, ALL),           S(s_movx, ALL),
};

/* Shifts and rotates by CL (SDM vol. 2B): no flag changes for a masked
 * count of 0; OF only for a count of 1; AF never for shifts; CF not once
 * a shift count reaches the width; rotates keep SF ZF AF PF. */
static uint64_t shift_defined(const Snip *sn, uint64_t rcx)
{
    unsigned c = rcx & (sn->width == 64 ? 63 : 31);
    if (c == 0) {
        return OSZAPC;
    }
    uint64_t def = sn->rotate ? (SF | ZF | AF | PF | CF) : (SF | ZF | PF | CF);
    if (c == 1) {
        def |= OF;
    }
    if (!sn->rotate && (int)c >= sn->width) {
        def &= ~CF;
    }
    return def;
}

static bool host_is_intel(void)
{
    unsigned a, b, c, d;
    __cpuid(0, a, b, c, d);
    return b == 0x756e6547 && d == 0x49656e69 && c == 0x6c65746e; /* GenuineIntel */
}

/* ---- the native side ---- */

typedef struct GpRegs {
    uint64_t r[16];
    uint64_t rflags;
} GpRegs;

void native_run(GpRegs *regs, void *code);
uint64_t native_code_ptr, native_rdi;
__asm__(".text\n"
        ".globl native_run\n"
        "native_run:\n"
        "push %rbx\n push %rbp\n push %r12\n push %r13\n push %r14\n push %r15\n"
        "push %rdi\n"
        "mov %rsi, native_code_ptr(%rip)\n"
        "pushq 128(%rdi)\n popfq\n"
        "mov 0(%rdi), %rax\n mov 8(%rdi), %rcx\n mov 16(%rdi), %rdx\n mov 24(%rdi), %rbx\n"
        "mov 40(%rdi), %rbp\n mov 48(%rdi), %rsi\n mov 64(%rdi), %r8\n mov 72(%rdi), %r9\n"
        "mov 80(%rdi), %r10\n mov 88(%rdi), %r11\n mov 96(%rdi), %r12\n mov 104(%rdi), %r13\n"
        "mov 112(%rdi), %r14\n mov 120(%rdi), %r15\n mov 56(%rdi), %rdi\n"
        "call *native_code_ptr(%rip)\n"
        "pushfq\n"
        "mov %rdi, native_rdi(%rip)\n"
        "mov 8(%rsp), %rdi\n"
        "popq 128(%rdi)\n"
        "mov %rax, 0(%rdi)\n mov %rcx, 8(%rdi)\n mov %rdx, 16(%rdi)\n mov %rbx, 24(%rdi)\n"
        "mov %rbp, 40(%rdi)\n mov %rsi, 48(%rdi)\n mov %r8, 64(%rdi)\n mov %r9, 72(%rdi)\n"
        "mov %r10, 80(%rdi)\n mov %r11, 88(%rdi)\n mov %r12, 96(%rdi)\n mov %r13, 104(%rdi)\n"
        "mov %r14, 112(%rdi)\n mov %r15, 120(%rdi)\n"
        "mov native_rdi(%rip), %rax\n mov %rax, 56(%rdi)\n"
        "cld\n"
        "pop %rdi\n pop %r15\n pop %r14\n pop %r13\n pop %r12\n pop %rbp\n pop %rbx\n"
        "ret\n");

static uint8_t *native_code;
static uint8_t native_buf[256] __attribute__((aligned(64)));

/* ---- the guest side: 64-bit long mode, identity-mapped first 2 MiB ---- */

#define G_PML4 0x1000
#define G_PDPT 0x2000
#define G_PD 0x3000
#define G_IDT 0x4000
#define G_HANDLERS 0x5000
#define G_GDT 0x6000
#define G_VECTOR 0x7000 /* the handler stores the vector here */
#define G_CODE 0x8000
#define G_BUF 0x10000
#define G_STACK 0x20000
#define G_PT 0xa000    /* 4 KiB pages for the first 2 MiB */
#define G_HOLE 0x30000 /* a page left not present */
#define G_RAM 0x200000
#define NO_EXCEPTION 0xffffffffu

static Machine tm;
static X86CPU tcpu;
static uint8_t *tram;


static void guest_init(void)
{
    char *err = NULL;
    tm.mem = as_create("memory", 1ull << 32);
    tm.io = as_create("io", 0x10000);
    tram = g_malloc0(G_RAM);
    as_add_ram(tm.mem, "ram", 0, G_RAM, tram, false, NULL);
    tcpu.machine = &tm;
    tcpu.model = cpu_model_default();
    tm.cpu = &tcpu;
    g_assert_cmpint(tcg_accel_ops.init(&tm, &err), ==, 0);
    g_assert_cmpint(tcg_accel_ops.vcpu_init(&tcpu, &err), ==, 0);

    /* 4 KiB pages, identity, present and writable but for G_HOLE */
    st64(tram + G_PML4, G_PDPT | 3);
    st64(tram + G_PDPT, G_PD | 3);
    st64(tram + G_PD, G_PT | 3);
    for (uint64_t pg = 0; pg < 512; pg++) {
        st64(tram + G_PT + 8 * pg, pg * 0x1000 == G_HOLE ? 0 : pg * 0x1000 | 3);
    }
    /* GDT: 0x08 64-bit code, 0x10 data */
    st64(tram + G_GDT + 8, 0x00209b0000000000ull);
    st64(tram + G_GDT + 16, 0x0000930000000000ull);
    /* IDT: vector v -> "mov dword [G_VECTOR], v; hlt" */
    for (uint32_t v = 0; v < 32; v++) {
        uint64_t h = G_HANDLERS + 16 * v;
        uint8_t *gate = tram + G_IDT + 16 * v;
        st64(gate, (h & 0xffff) | 0x08ull << 16 | 0x8e00ull << 32 | ((h >> 16) & 0xffff) << 48);
        st64(gate + 8, h >> 32);
        uint8_t stub[12] = { 0xc7, 0x04, 0x25, G_VECTOR & 0xff, G_VECTOR >> 8, 0, 0 };
        memcpy(stub + 7, &v, 4);
        stub[11] = 0xf4;
        memcpy(tram + h, stub, sizeof(stub));
    }
}

static void guest_reset(const GpRegs *in)
{
    X86CPUState *env = &tcpu.env;
    x86_cpu_reset(&tcpu);
    env->cr0 = CR0_PE | CR0_PG | CR0_ET | CR0_NE;
    env->cr3 = G_PML4;
    env->cr4 = CR4_PAE | CR4_OSFXSR;
    env->efer = EFER_LME | EFER_LMA;
    env->segs[R_CS] = (SegmentCache){ 0x08, 0, 0xffffffff, SEG_P | SEG_S | SEG_L | SEG_G | 0xb };
    for (int s = 0; s < SEG_COUNT; s++) {
        if (s != R_CS) {
            env->segs[s] = (SegmentCache){ 0x10, 0, 0xffffffff, SEG_P | SEG_S | SEG_DB | SEG_G | 0x3 };
        }
    }
    env->gdt.base = G_GDT;
    env->gdt.limit = 0x17;
    env->idt.base = G_IDT;
    env->idt.limit = 0x1ff;
    for (int i = 0; i < 16; i++) {
        env->regs[i] = in->r[i];
    }
    env->regs[R_ESP] = G_STACK;
    env->regs[R_R15] = G_BUF;
    env->rip = G_CODE;
    env->rflags = RFLAGS_FIXED1 | (in->rflags & (CC_OSZAPC | RFLAGS_DF));
    *(uint32_t *)(tram + G_VECTOR) = NO_EXCEPTION;
}

static uint32_t guest_run(const uint8_t *code, size_t len)
{
    memcpy(tram + G_CODE, code, len);
    tram[G_CODE + len] = 0xf4;
    tcg_accel_ops.put_state(&tcpu);
    for (int i = 0; i < 8 && tcg_accel_ops.vcpu_run(&tcpu) != ACCEL_EXIT_HALT; i++) {
    }
    tcg_accel_ops.get_state(&tcpu);
    return *(uint32_t *)(tram + G_VECTOR);
}

/* ---- the comparison ---- */

static const char *const reg_names[16] = {
    "rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
    "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15",
};

static void dump_case(const Snip *sn, const GpRegs *in, const GpRegs *nat, uint64_t def)
{
    GString *s = g_string_new(NULL);
    g_string_append_printf(s, "%s: flags in %#" G_GINT64_MODIFIER "x, compared %#"
                           G_GINT64_MODIFIER "x\n", sn->name, in->rflags, def);
    for (int i = 0; i < 16; i++) {
        if (i == RSP) {
            continue;
        }
        g_string_append_printf(s, "  %-3s in %016" G_GINT64_MODIFIER "x host %016"
                               G_GINT64_MODIFIER "x tcg %016" G_GINT64_MODIFIER "x%s\n",
                               reg_names[i], in->r[i], nat->r[i], tcpu.env.regs[i],
                               i != R15 && nat->r[i] != tcpu.env.regs[i] ? "  <--" : "");
    }
    g_string_append_printf(s, "  flags host %#" G_GINT64_MODIFIER "x tcg %#"
                           G_GINT64_MODIFIER "x", nat->rflags & 0xfff,
                           x86_cpu_get_eflags(&tcpu.env) & 0xfff);
    g_test_message("%s", s->str);
    g_string_free(s, TRUE);
}

static void run_snip(const Snip *sn, int cases)
{
    size_t len = (size_t)(sn->end - sn->start);
    bool intel = host_is_intel();
    memcpy(native_code, sn->start, len);
    native_code[len] = 0xc3;
    for (int c = 0; c < cases; c++) {
        GpRegs in, nat;
        for (int i = 0; i < 16; i++) {
            in.r[i] = value();
        }
        in.rflags = 2 | (rnd() & OSZAPC) | ((rnd() & 3) == 0 ? DF : 0);
        uint8_t buf[256];
        for (int i = 0; i < 256; i++) {
            buf[i] = (uint8_t)value();
        }
        if (sn->prep) {
            sn->prep(in.r, buf);
        }
        /* R15 points at each side's own copy of the buffer */
        memcpy(native_buf, buf, sizeof(buf));
        memcpy(tram + G_BUF, buf, sizeof(buf));
        nat = in;
        nat.r[R15] = (uint64_t)(uintptr_t)native_buf;
        native_run(&nat, native_code);
        guest_reset(&in);
        uint32_t vec = guest_run(sn->start, len);

        uint64_t def = sn->defined ? sn->defined & OSZAPC : shift_defined(sn, in.r[RCX]);
        if (intel) {
            def = OSZAPC;
        }
        bool ok = vec == NO_EXCEPTION && tcpu.env.rip == G_CODE + len + 1;
        for (int i = 0; i < 16; i++) {
            if (i != RSP && i != R15 && nat.r[i] != tcpu.env.regs[i]) {
                ok = false;
            }
        }
        uint64_t gflags = x86_cpu_get_eflags(&tcpu.env);
        ok &= ((gflags ^ nat.rflags) & (def | DF)) == 0;
        ok &= memcmp(native_buf, tram + G_BUF, sizeof(buf)) == 0;
        if (!ok) {
            dump_case(sn, &in, &nat, def);
            g_test_message("exception %#x, rip %#" G_GINT64_MODIFIER "x, buffer %s", vec,
                           tcpu.env.rip,
                           memcmp(native_buf, tram + G_BUF, sizeof(buf)) ? "differs" : "same");
            g_test_fail();
            return;
        }
    }
}

static void test_snip(gconstpointer p)
{
    run_snip(p, 300);
}

/* ---- what a host cannot show: faults, traps, restarts ---- */

#define CODE(...) (const uint8_t[]){ __VA_ARGS__ }, sizeof((const uint8_t[]){ __VA_ARGS__ })

static GpRegs sys_in(void)
{
    GpRegs in = { .rflags = 2 };
    for (int i = 0; i < 16; i++) {
        in.r[i] = 0x1111111111111111ull * (uint64_t)i;
    }
    return in;
}

/* The interrupt frame the handler sees: rIP, CS, RFLAGS, rSP, SS after the
 * error code of #PF/#GP. */
static uint64_t stacked(int vector, int slot)
{
    uint64_t v;
    int err = vector == 13 || vector == 14 ? 1 : 0;
    memcpy(&v, tram + tcpu.env.regs[R_ESP] + 8 * (err + slot), 8);
    return v;
}

#define stacked_rip() stacked((int)v, 0)

/* A fault leaves the registers and flags of the faulting instruction:
 * with the flags record known in the block (sub; add), and left lazy by an
 * earlier block (sub; jmp; add: cc_op is dynamic when the faulting block
 * starts, and the CPU loop must then leave env->cc_op alone). */
static void check_precise_fault(const uint8_t *code, size_t len, uint64_t fault_rip)
{
    GpRegs in = sys_in();
    in.r[RBX] = G_HOLE + 8;
    in.r[RCX] = 5;
    in.r[RDX] = 3;
    guest_reset(&in);
    uint32_t v = guest_run(code, len);
    g_assert_cmphex(v, ==, 14);
    g_assert_cmphex(stacked_rip(), ==, fault_rip);
    g_assert_cmphex(tcpu.env.cr2, ==, G_HOLE + 8);
    g_assert_cmphex(tcpu.env.regs[R_EDX], ==, (uint64_t)-2);
    g_assert_cmphex(tcpu.env.regs[R_EAX], ==, in.r[RAX]);
    /* the flags are those of 3 - 5 (the stacked RFLAGS) */
    g_assert_cmphex(stacked((int)v, 2) & OSZAPC, ==, CF | SF | AF);
}

static void test_precise_fault(void)
{
    /* sub %rcx, %rdx; add %rax, (%rbx) */
    check_precise_fault(CODE(0x48, 0x29, 0xca, 0x48, 0x01, 0x03), G_CODE + 3);
}

static void test_precise_fault_lazy(void)
{
    /* sub %rcx, %rdx; jmp 1f; 1: add %rax, (%rbx) */
    check_precise_fault(CODE(0x48, 0x29, 0xca, 0xeb, 0x00, 0x48, 0x01, 0x03), G_CODE + 5);
}

/* REP MOVSB into a missing page faults with rCX, rSI, rDI counting the
 * bytes already moved, and the instruction restarts from there. */
static void test_rep_restart(void)
{
    GpRegs in = sys_in();
    in.r[RSI] = G_BUF;
    in.r[RDI] = G_HOLE - 5;
    in.r[RCX] = 20;
    for (int i = 0; i < 32; i++) {
        tram[G_BUF + i] = (uint8_t)(0xa0 + i);
    }
    guest_reset(&in);
    uint32_t v = guest_run(CODE(0xf3, 0xa4)); /* rep movsb */
    g_assert_cmphex(v, ==, 14);
    g_assert_cmphex(stacked_rip(), ==, G_CODE);
    g_assert_cmphex(tcpu.env.regs[R_ECX], ==, 15);
    g_assert_cmphex(tcpu.env.regs[R_ESI], ==, G_BUF + 5);
    g_assert_cmphex(tcpu.env.regs[R_EDI], ==, G_HOLE);
    g_assert_cmphex(tram[G_HOLE - 1], ==, 0xa4);
}

/* RFLAGS.TF: #DB after each instruction, with the next rIP and DR6.BS,
 * also after a taken branch, direct or indirect (the target's rIP). */
static void test_single_step(void)
{
    GpRegs in = sys_in();
    guest_reset(&in);
    tcpu.env.rflags |= RFLAGS_TF;
    /* inc %eax; inc %eax */
    uint32_t v = guest_run(CODE(0xff, 0xc0, 0xff, 0xc0));
    g_assert_cmphex(v, ==, 1);
    g_assert_cmphex(stacked_rip(), ==, G_CODE + 2);
    g_assert_cmphex(tcpu.env.regs[R_EAX], ==, (uint32_t)in.r[RAX] + 1);
    g_assert_true(tcpu.env.dr[6] & (1u << 14));

    guest_reset(&in);
    tcpu.env.rflags |= RFLAGS_TF;
    /* jmp +2; ud2; inc %eax */
    v = guest_run(CODE(0xeb, 0x02, 0x0f, 0x0b, 0xff, 0xc0));
    g_assert_cmphex(v, ==, 1);
    g_assert_cmphex(stacked_rip(), ==, G_CODE + 4);

    /* an indirect branch: jmp *%rax to G_CODE + 4 */
    in.r[RAX] = G_CODE + 4;
    guest_reset(&in);
    tcpu.env.rflags |= RFLAGS_TF;
    v = guest_run(CODE(0xff, 0xe0, 0x0f, 0x0b, 0xff, 0xc0));
    g_assert_cmphex(v, ==, 1);
    g_assert_cmphex(stacked_rip(), ==, G_CODE + 4);
    g_assert_cmphex(tcpu.env.regs[R_EAX], ==, G_CODE + 4);
}

/* #DE from DIV leaves RAX and RDX alone; LOCK on a register form and
 * a misaligned CMPXCHG16B are refused. */
static void test_refused(void)
{
    GpRegs in = sys_in();
    in.r[RBX] = 0;
    guest_reset(&in);
    uint32_t v = guest_run(CODE(0x48, 0xf7, 0xf3)); /* div %rbx */
    g_assert_cmphex(v, ==, 0);
    g_assert_cmphex(stacked_rip(), ==, G_CODE);
    g_assert_cmphex(tcpu.env.regs[R_EAX], ==, in.r[RAX]);
    g_assert_cmphex(tcpu.env.regs[R_EDX], ==, in.r[RDX]);

    guest_reset(&in);
    v = guest_run(CODE(0xf0, 0x01, 0xd8)); /* lock add %ebx, %eax */
    g_assert_cmphex(v, ==, 6);

    in.r[RSI] = G_BUF + 8;
    guest_reset(&in);
    v = guest_run(CODE(0x48, 0x0f, 0xc7, 0x0e)); /* cmpxchg16b (%rsi) */
    g_assert_cmphex(v, ==, 13);
    g_assert_cmphex(stacked_rip(), ==, G_CODE);
}

/* Code that writes over the instruction after it, in the same block, runs
 * the new bytes. */
static void test_self_modifying(void)
{
    GpRegs in = sys_in();
    in.r[RAX] = 7;
    guest_reset(&in);
    /* movw $0x9090, 1f(%rip); 1: inc %eax */
    uint32_t v = guest_run(CODE(0x66, 0xc7, 0x05, 0x00, 0x00, 0x00, 0x00, 0x90, 0x90, 0xff, 0xc0));
    g_assert_cmphex(v, ==, NO_EXCEPTION);
    g_assert_cmphex(tcpu.env.regs[R_EAX], ==, 7);
}

/* A device (DMA) rewrites code that has run: the next run sees the new
 * bytes, not the translation of the old ones. */
static void test_dma_overwrites_code(void)
{
    GpRegs in = sys_in();
    guest_reset(&in);
    /* mov $1, %eax */
    g_assert_cmphex(guest_run(CODE(0xb8, 0x01, 0x00, 0x00, 0x00)), ==, NO_EXCEPTION);
    g_assert_cmphex(tcpu.env.regs[R_EAX], ==, 1);
    uint8_t imm[4] = { 0x02, 0x00, 0x00, 0x00 };
    g_assert_true(as_write_buf(tm.mem, G_CODE + 1, imm, sizeof(imm)));
    /* run again from the same pc without the reload guest_run does */
    tcpu.env.rip = G_CODE;
    tcpu.env.halted = false;
    for (int i = 0; i < 8 && tcg_accel_ops.vcpu_run(&tcpu) != ACCEL_EXIT_HALT; i++) {
    }
    tcg_accel_ops.get_state(&tcpu);
    g_assert_cmphex(tcpu.env.regs[R_EAX], ==, 2);
}

/* ---- real mode: 16-bit addressing and stack, segment arithmetic ---- */

#define G_REAL_STUBS 0x7100 /* IVT targets: vector v -> HLT at 0:(G_REAL_STUBS + 2v) */

static void real_seg(int seg, uint16_t sel)
{
    tcpu.env.segs[seg] = (SegmentCache){ sel, (uint64_t)sel << 4, 0xffff,
                                         SEG_P | SEG_S | (seg == R_CS ? 0xb : 0x3) };
}

static void real_reset(void)
{
    X86CPUState *env = &tcpu.env;
    x86_cpu_reset(&tcpu);
    env->cr0 = CR0_ET;
    real_seg(R_CS, G_CODE >> 4);
    real_seg(R_DS, 0x1000);
    real_seg(R_ES, 0x3000);
    real_seg(R_SS, 0x2000);
    real_seg(R_FS, 0);
    real_seg(R_GS, 0);
    env->idt.base = 0;
    env->idt.limit = 0x3ff;
    env->rip = 0;
    env->rflags = RFLAGS_FIXED1;
    for (uint32_t v = 0; v < 32; v++) {
        uint32_t ivt = G_REAL_STUBS + 2 * v; /* segment 0, offset */
        memcpy(tram + 4 * v, &ivt, 4);
        tram[G_REAL_STUBS + 2 * v] = 0xf4;
    }
}

static void test_real_mode(void)
{
    X86CPUState *env = &tcpu.env;

    /* mov ax, [bx+si+0x10]: the offset wraps at 64 KiB; AX merges into EAX */
    real_reset();
    env->regs[R_EAX] = 0x12340000;
    env->regs[R_EBX] = 0xfff0;
    env->regs[R_ESI] = 0x30;
    tram[0x10030] = 0xef;
    tram[0x10031] = 0xbe;
    guest_run(CODE(0x8b, 0x40, 0x10));
    g_assert_cmphex(env->regs[R_EAX], ==, 0x1234beef);
    g_assert_cmphex(env->rip, ==, 4);

    /* push ax; pop cx with SP = 0: SP wraps, ESP's upper half stays */
    real_reset();
    env->regs[R_EAX] = 0x5a5a;
    env->regs[R_ESP] = 0xabcd0000;
    guest_run(CODE(0x50, 0x8b, 0x0e, 0x00, 0x00, 0x59));  /* push ax; mov cx,[0]; pop cx */
    g_assert_cmphex(env->regs[R_ECX] & 0xffff, ==, 0x5a5a);
    g_assert_cmphex(env->regs[R_ESP], ==, 0xabcd0000);
    g_assert_cmphex(tram[0x2fffe] | tram[0x2ffff] << 8, ==, 0x5a5a);

    /* rep movsb from DS:FFFF: SI wraps to 0 within the segment */
    real_reset();
    env->regs[R_ESI] = 0xffff;
    env->regs[R_EDI] = 0x10;
    env->regs[R_ECX] = 2;
    tram[0x1ffff] = 0x11;
    tram[0x10000] = 0x22;
    guest_run(CODE(0xf3, 0xa4));
    g_assert_cmphex(tram[0x30010], ==, 0x11);
    g_assert_cmphex(tram[0x30011], ==, 0x22);
    g_assert_cmphex(env->regs[R_ESI], ==, 1);
    g_assert_cmphex(env->regs[R_EDI], ==, 0x12);
    g_assert_cmphex(env->regs[R_ECX], ==, 0);

    /* 67 66 lea eax, [eax+ebx]: 32-bit addressing and operand in real mode;
     * mov al, [bp+2]: BP-based addresses use SS; es: override */
    real_reset();
    env->regs[R_EAX] = 0x00f00000;
    env->regs[R_EBX] = 0x0000ffff;
    env->regs[R_EBP] = 0x100;
    env->regs[R_EDI] = 0x40;
    tram[0x20102] = 0x77;
    tram[0x30040] = 0x99;
    guest_run(CODE(0x67, 0x66, 0x8d, 0x04, 0x18, 0x8a, 0x4e, 0x02, 0x26, 0x8a, 0x15));
    g_assert_cmphex(env->regs[R_EAX], ==, 0x00f0ffff);
    g_assert_cmphex(env->regs[R_ECX] & 0xff, ==, 0x77);
    g_assert_cmphex(env->regs[R_EDX] & 0xff, ==, 0x99);

    /* call +1; hlt; ret: a 16-bit return address on the 16-bit stack */
    real_reset();
    env->regs[R_ESP] = 0x200;
    guest_run(CODE(0xe8, 0x01, 0x00, 0xf4, 0xc3));
    g_assert_cmphex(env->rip, ==, 4);
    g_assert_cmphex(env->regs[R_ESP], ==, 0x200);
    g_assert_cmphex(tram[0x201fe] | tram[0x201ff] << 8, ==, 3);

    /* div by zero: through IVT entry 0, FLAGS CS IP pushed */
    real_reset();
    env->regs[R_ESP] = 0x200;
    env->regs[R_EBX] = 0;
    guest_run(CODE(0x90, 0xf6, 0xf3)); /* nop; div bl */
    g_assert_cmphex(env->segs[R_CS].selector, ==, 0);
    g_assert_cmphex(env->rip, ==, G_REAL_STUBS + 1);
    g_assert_cmphex(tram[0x201fa] | tram[0x201fb] << 8, ==, 1); /* the faulting IP */
    g_assert_cmphex(tram[0x201fc] | tram[0x201fd] << 8, ==, G_CODE >> 4);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    native_code = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
                       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    g_assert(native_code != MAP_FAILED);
    guest_init();
    for (size_t i = 0; i < G_N_ELEMENTS(snips); i++) {
        char *path = g_strdup_printf("/translate-gp/%s", snips[i].name + 2);
        g_test_add_data_func(path, &snips[i], test_snip);
        g_free(path);
    }
    g_test_add_func("/translate-gp/sys/precise-fault", test_precise_fault);
    g_test_add_func("/translate-gp/sys/precise-fault-lazy", test_precise_fault_lazy);
    g_test_add_func("/translate-gp/sys/rep-restart", test_rep_restart);
    g_test_add_func("/translate-gp/sys/single-step", test_single_step);
    g_test_add_func("/translate-gp/sys/refused", test_refused);
    g_test_add_func("/translate-gp/sys/self-modifying", test_self_modifying);
    g_test_add_func("/translate-gp/sys/dma-overwrites-code", test_dma_overwrites_code);
    g_test_add_func("/translate-gp/sys/real-mode", test_real_mode);
    return g_test_run();
}
