/*
 * The 64-bit side of the CPU instruction tests (insn.h): output over COM1,
 * a small formatter, and insn_run(), which runs a body through the
 * user-mode harness and prints what it changed. Runs at CPL 3.
 */
#include "insn.h"

#define COM1 0x3f8
#define UART_LSR 5
#define UART_LSR_THRE 0x20
#define UART_FIFO_SIZE 16
#define STACK_PAGE (USER_STACK_TOP - 0x1000)

const InsnBoot *insn_boot;
int insn_failures;

/* What a body started with, to print only what it changed. */
static UserRegs before;
static uint8_t data_before[USER_DATA_SIZE] __attribute__((aligned(16)));
static uint8_t stack_before[0x1000] __attribute__((aligned(16)));

static const char gpr_names[16][4] = {
    "rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
    "r8",  "r9",  "r10", "r11", "r12", "r13", "r14", "r15",
};

static inline void outb(uint16_t port, uint8_t v)
{
    __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
    uint8_t v;
    __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

/* ---- output: COM1, a FIFO's worth per THRE (PC16550D: with the FIFOs on,
 * THRE means the transmit FIFO is empty) ---- */

static char out_buf[512];
static unsigned out_len;

static void out_flush(void)
{
    unsigned i = 0;
    while (i < out_len) {
        for (int spin = 0; spin < 100000 && !(inb(COM1 + UART_LSR) & UART_LSR_THRE); spin++) {
            __asm__ volatile("pause");
        }
        for (unsigned n = 0; n < UART_FIFO_SIZE && i < out_len; n++) {
            outb(COM1, (uint8_t)out_buf[i++]);
        }
    }
    out_len = 0;
}

static void out_putc(char c)
{
    if (out_len == sizeof(out_buf)) {
        out_flush();
    }
    out_buf[out_len++] = c;
}

static void out_str(const char *s)
{
    while (*s) {
        out_putc(*s++);
    }
}

/* ---- formatting ---- */

struct fmt_out {
    char *buf;
    size_t size, len;
};

static void fmt_putc(struct fmt_out *o, char c)
{
    if (o->len + 1 < o->size) {
        o->buf[o->len] = c;
    }
    o->len++;
}

int insn_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct fmt_out o = { buf, size, 0 };
    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            fmt_putc(&o, *fmt);
            continue;
        }
        fmt++;
        bool left = false, zero = false;
        for (;; fmt++) {
            if (*fmt == '-') {
                left = true;
            } else if (*fmt == '0') {
                zero = true;
            } else {
                break;
            }
        }
        unsigned width = 0;
        while (*fmt >= '0' && *fmt <= '9') {
            width = width * 10 + (unsigned)(*fmt++ - '0');
        }
        int lng = 0;
        while (*fmt == 'l' || *fmt == 'z') {
            lng++;
            fmt++;
        }
        char tmp[24];
        const char *s = tmp;
        unsigned n = 0;
        bool neg = false;
        uint64_t v;
        switch (*fmt) {
        case 's':
            s = va_arg(ap, const char *);
            while (s[n]) {
                n++;
            }
            break;
        case 'c':
            tmp[0] = (char)va_arg(ap, int);
            n = 1;
            break;
        case 'd':
        case 'i': {
            int64_t sv = lng ? va_arg(ap, int64_t) : va_arg(ap, int);
            neg = sv < 0;
            v = neg ? -(uint64_t)sv : (uint64_t)sv;
            goto number;
        }
        case 'u':
        case 'x':
        case 'X':
            v = lng ? va_arg(ap, uint64_t) : va_arg(ap, unsigned);
        number: {
            unsigned base = (*fmt == 'x' || *fmt == 'X') ? 16 : 10;
            const char *digits = *fmt == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
            char rev[24];
            unsigned k = 0;
            do {
                rev[k++] = digits[v % base];
                v /= base;
            } while (v);
            if (neg) {
                tmp[n++] = '-';
            }
            while (k) {
                tmp[n++] = rev[--k];
            }
            break;
        }
        case '%':
            tmp[0] = '%';
            n = 1;
            break;
        default:
            tmp[0] = '?';
            n = 1;
            break;
        }
        unsigned pad = width > n ? width - n : 0;
        if (!left) {
            /* zero padding goes after a minus sign */
            if (zero && neg) {
                fmt_putc(&o, '-');
                s++;
                n--;
            }
            while (pad--) {
                fmt_putc(&o, zero ? '0' : ' ');
            }
        }
        for (unsigned i = 0; i < n; i++) {
            fmt_putc(&o, s[i]);
        }
        if (left) {
            while (pad--) {
                fmt_putc(&o, ' ');
            }
        }
    }
    if (size) {
        buf[o.len < size ? o.len : size - 1] = 0;
    }
    return (int)o.len;
}

int insn_snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = insn_vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

void insn_printf(const char *fmt, ...)
{
    char line[256];
    va_list ap;
    va_start(ap, fmt);
    insn_vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    out_str(line);
    out_flush();
}

bool insn_check(bool ok, const char *fmt, ...)
{
    char what[200];
    va_list ap;
    va_start(ap, fmt);
    insn_vsnprintf(what, sizeof(what), fmt, ap);
    va_end(ap);
    if (!ok) {
        insn_failures++;
    }
    insn_printf("%s - %s\n", ok ? "ok  " : "FAIL", what);
    return ok;
}

bool insn_check_eq(uint64_t got, uint64_t want, const char *fmt, ...)
{
    char what[200];
    va_list ap;
    va_start(ap, fmt);
    insn_vsnprintf(what, sizeof(what), fmt, ap);
    va_end(ap);
    if (got == want) {
        insn_printf("ok   - %s = 0x%llx\n", what, (unsigned long long)got);
        return true;
    }
    insn_failures++;
    insn_printf("FAIL - %s = 0x%llx, expected 0x%llx\n", what, (unsigned long long)got,
                (unsigned long long)want);
    return false;
}

/* ---- FXSAVE image ---- */

uint64_t insn_fx64(const UserRegs *r, unsigned off)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--) {
        v = (v << 8) | r->fx[off + (unsigned)i];
    }
    return v;
}

void insn_fx_set64(UserRegs *r, unsigned off, uint64_t v)
{
    for (unsigned i = 0; i < 8; i++) {
        r->fx[off + i] = (uint8_t)(v >> (8 * i));
    }
}

uint16_t insn_fx16(const UserRegs *r, unsigned off)
{
    return (uint16_t)(r->fx[off] | r->fx[off + 1] << 8);
}

void insn_fx_set16(UserRegs *r, unsigned off, uint16_t v)
{
    r->fx[off] = (uint8_t)v;
    r->fx[off + 1] = (uint8_t)(v >> 8);
}

void insn_set_xmm(UserRegs *r, unsigned i, uint64_t hi, uint64_t lo)
{
    insn_fx_set64(r, FX_XMM(i), lo);
    insn_fx_set64(r, FX_XMM(i) + 8, hi);
}

void insn_set_mxcsr(UserRegs *r, uint32_t mxcsr)
{
    insn_fx_set16(r, FX_MXCSR, (uint16_t)mxcsr);
    insn_fx_set16(r, FX_MXCSR + 2, (uint16_t)(mxcsr >> 16));
}

/* ---- running bodies ---- */

/* Page-sized copies and compares a quadword at a time: the 64-bit program
 * itself runs translated under tcg, where this is most of its work. */
static void copy64(void *dst, const void *src, size_t n)
{
    size_t q = n / 8;
    __asm__ volatile("cld; rep movsq" : "+D"(dst), "+S"(src), "+c"(q) : : "memory");
}

static bool equal64(const void *a, const void *b, size_t n)
{
    size_t q = n / 8;
    bool eq;
    __asm__ volatile("cld; repe cmpsq" : "+D"(a), "+S"(b), "+c"(q), "=@cce"(eq) : : "memory", "cc");
    return eq;
}

static uint8_t data_pattern[USER_DATA_SIZE] __attribute__((aligned(16)));
static uint8_t stack_pattern[0x1000] __attribute__((aligned(16)));
static bool patterns_made;

static void pattern_fill(uint8_t *p, size_t n, uint8_t mul, uint8_t add)
{
    for (size_t i = 0; i < n; i++) {
        p[i] = (uint8_t)(i * mul + add);
    }
}

void insn_init(UserRegs *r)
{
    if (!patterns_made) {
        pattern_fill(data_pattern, sizeof(data_pattern), 0x9d, 0x3b);
        pattern_fill(stack_pattern, sizeof(stack_pattern), 0x35, 0x17);
        patterns_made = true;
    }
    user_regs_init(r);
    copy64((void *)USER_DATA_ADDR, data_pattern, USER_DATA_SIZE);
    copy64((void *)STACK_PAGE, stack_pattern, 0x1000);
}

static struct {
    uint32_t len;
    uint8_t code[60];
} patched;

const InsnCode *insn_with_imm8(const InsnCode *body, uint8_t imm)
{
    uint32_t n = body->len < sizeof(patched.code) ? body->len : sizeof(patched.code);
    patched.len = n;
    for (uint32_t i = 0; i < n; i++) {
        patched.code[i] = body->code[i];
    }
    if (n) {
        patched.code[n - 1] = imm;
    }
    return (const InsnCode *)&patched;
}

static bool bytes_equal(const uint8_t *a, const uint8_t *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (a[i] != b[i]) {
            return false;
        }
    }
    return true;
}

/* ---- a case's result: streamed to COM1, or hashed into its group ---- */

#define FNV32_OFFSET 0x811c9dc5u
#define FNV32_PRIME 0x01000193u
#define GROUP_MAX 4096
#define DIGESTS_PER_LINE 64

static char group_name[64];
static bool group_open;
static unsigned group_count;
static uint32_t group_hash;
static uint8_t group_digest[GROUP_MAX];
static bool case_prints;
static uint32_t case_hash;
uint16_t insn_fsw_undef;

static void case_putc(char c)
{
    if (case_prints) {
        out_putc(c);
    }
    case_hash = (case_hash ^ (uint8_t)c) * FNV32_PRIME;
    group_hash = (group_hash ^ (uint8_t)c) * FNV32_PRIME;
}

static void __attribute__((format(printf, 1, 2))) emit(const char *fmt, ...)
{
    char buf[128];
    va_list ap;
    va_start(ap, fmt);
    insn_vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    for (const char *p = buf; *p; p++) {
        case_putc(*p);
    }
}

static void case_begin(void)
{
    case_prints = !group_open || insn_boot->verbose;
    case_hash = FNV32_OFFSET;
    if (group_open && case_prints) {
        insn_printf("  %s #%u ", group_name, group_count);
    }
}

static void case_end(void)
{
    case_putc('\n');
    out_flush();
    if (group_open) {
        if (group_count < GROUP_MAX) {
            uint32_t h = case_hash ^ case_hash >> 16;
            group_digest[group_count] = (uint8_t)((h ^ h >> 4 ^ h >> 8 ^ h >> 12) & 15);
        }
        group_count++;
    }
}

void insn_group(const char *fmt, ...)
{
    insn_group_end();
    va_list ap;
    va_start(ap, fmt);
    insn_vsnprintf(group_name, sizeof(group_name), fmt, ap);
    va_end(ap);
    group_open = true;
    group_count = 0;
    group_hash = FNV32_OFFSET;
}

void insn_group_end(void)
{
    if (!group_open) {
        return;
    }
    group_open = false;
    insn_printf("%s: %u cases, hash %08x\n", group_name, group_count, group_hash);
    if (insn_boot->verbose) {
        return;
    }
    unsigned n = group_count < GROUP_MAX ? group_count : GROUP_MAX;
    for (unsigned i = 0; i < n; i += DIGESTS_PER_LINE) {
        char line[DIGESTS_PER_LINE + 1];
        unsigned k = 0;
        for (unsigned j = i; j < n && j < i + DIGESTS_PER_LINE; j++) {
            line[k++] = "0123456789abcdef"[group_digest[j]];
        }
        line[k] = 0;
        insn_printf("  %s #%u: %s\n", group_name, i, line);
    }
}

void insn_report(const char *fmt, ...)
{
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    insn_vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    case_begin();
    for (const char *p = buf; *p; p++) {
        case_putc(*p);
    }
    case_end();
}

/* Changed qwords of a page, as [ADDR]=VALUE */
static void emit_page_diff(uint64_t base, const uint8_t *now, const uint8_t *was)
{
    if (equal64(now, was, 0x1000)) {
        return;
    }
    for (unsigned off = 0; off < 0x1000; off += 8) {
        uint64_t a = *(const uint64_t *)(now + off), b = *(const uint64_t *)(was + off);
        if (a != b) {
            emit(" [%llx]=%llx", (unsigned long long)(base + off), (unsigned long long)a);
        }
    }
}

/* x87 state: FCW if changed, then FSW, the abridged tag word and every
 * valid register (ST(i) = physical register TOP+i). Empty registers keep
 * stale contents nothing defines the use of: not shown. */
static void emit_x87(const UserRegs *r)
{
    uint16_t fcw = insn_fx16(r, FX_FCW), fsw = insn_fx16(r, FX_FSW);
    uint8_t ftw = r->fx[FX_FTW];
    bool changed = fcw != insn_fx16(&before, FX_FCW) || fsw != insn_fx16(&before, FX_FSW) ||
                   ftw != before.fx[FX_FTW];
    for (unsigned i = 0; i < 8 && !changed; i++) {
        changed = !bytes_equal(&r->fx[FX_ST(i)], &before.fx[FX_ST(i)], 10);
    }
    if (!changed) {
        return;
    }
    if (fcw != insn_fx16(&before, FX_FCW)) {
        emit(" fcw=%x", fcw);
    }
    emit(" fsw=%x ftw=%x", fsw & (uint16_t)~insn_fsw_undef, ftw);
    unsigned top = (fsw >> 11) & 7;
    for (unsigned i = 0; i < 8; i++) {
        unsigned phys = (top + i) & 7;
        if (ftw >> phys & 1) {
            emit(" st%u=%04x:%016llx", i, insn_fx16(r, FX_ST(i) + 8),
                 (unsigned long long)insn_fx64(r, FX_ST(i)));
        }
    }
}

static uint32_t mxcsr_of(const UserRegs *r)
{
    return insn_fx16(r, FX_MXCSR) | (uint32_t)insn_fx16(r, FX_MXCSR + 2) << 16;
}

int insn_vrun(const InsnCode *body, UserRegs *r, uint64_t undef, const char *fmt, va_list ap)
{
    char name[128];
    insn_vsnprintf(name, sizeof(name), fmt, ap);
    copy64(&before, r, sizeof(before));
    copy64(data_before, (const void *)USER_DATA_ADDR, USER_DATA_SIZE);
    copy64(stack_before, (const void *)STACK_PAGE, 0x1000);

    int vec = user_run(body->code, body->len, r);
    if (vec < 0) {
        insn_check(false, "%s: the harness ran the body", name);
        return vec;
    }
    case_begin();
    emit("%s: %s+%llx", name, user_vector_name((unsigned)vec),
         (unsigned long long)(r->rip - USER_CODE_ADDR));
    if (user_vector_has_error((unsigned)vec)) {
        emit(" e=%llx", (unsigned long long)r->error_code);
    }
    if (vec == VEC_PF) {
        emit(" cr2=%llx", (unsigned long long)r->cr2);
    }
    /* A body that faults leaves the flags as they were before the faulting
     * instruction: nothing undefined about them, unless the caller says an
     * earlier instruction of the body left some undefined. */
    if (vec != VEC_BP && !(undef & INSN_UNDEF_ALWAYS)) {
        undef = 0;
    }
    emit(" f=%llx", (unsigned long long)(r->rflags & ~undef & ~INSN_UNDEF_ALWAYS));
    for (unsigned i = 0; i < 16; i++) {
        if (r->gpr[i] != before.gpr[i]) {
            emit(" %s=%llx", gpr_names[i], (unsigned long long)r->gpr[i]);
        }
    }
    emit_page_diff(USER_DATA_ADDR, (const uint8_t *)USER_DATA_ADDR, data_before);
    emit_page_diff(STACK_PAGE, (const uint8_t *)STACK_PAGE, stack_before);
    for (unsigned i = 0; i < 16; i++) {
        if (!bytes_equal(&r->fx[FX_XMM(i)], &before.fx[FX_XMM(i)], 16)) {
            emit(" x%u=%llx_%016llx", i, (unsigned long long)insn_fx64(r, FX_XMM(i) + 8),
                 (unsigned long long)insn_fx64(r, FX_XMM(i)));
        }
    }
    if (mxcsr_of(r) != mxcsr_of(&before)) {
        emit(" mxcsr=%x", mxcsr_of(r));
    }
    emit_x87(r);
    case_end();
    insn_fsw_undef = 0;
    return vec;
}

int insn_run(const InsnCode *body, UserRegs *r, uint64_t undef, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int vec = insn_vrun(body, r, undef, fmt, ap);
    va_end(ap);
    return vec;
}

int user64_main(void *arg)
{
    insn_boot = arg;
    insn_main();
    insn_group_end();
    out_flush();
    return insn_failures;
}
