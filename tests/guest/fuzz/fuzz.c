/*
 * The guest side of the differential fuzzer (README.md here), a 64-bit
 * program run at CPL 3 by fuzz-boot.c (lib/user.h, user_call64): runs the
 * instruction sequences that gen-fuzz.py wrote into the module, one at a
 * time with user_run(), and prints per sequence "INDEX VECTOR HASH [QHASH]":
 * the FNV-1a 64 hash of the state it ended in, with the architecturally
 * undefined flags masked out, and if different the same without what QEMU
 * is known to get wrong. With "verbose" on the command line it prints
 * that state field by field instead.
 *
 * Module layout (little-endian; gen-fuzz.py writes it):
 *   header: "MFZ1", u32 count, u32 0, u32 0
 *   records, each 8-byte aligned:
 *     u32 size (whole record), u32 index, u16 code_len, u16 n_marks,
 *     u32 mxcsr, u16 fcw, u8 mode (0: 64-bit, 1: compatibility), u8 0,
 *     u32 0, u64 data_seed, u64 rflags, u64 gpr[16], u8 xmm[16][16],
 *     marks[n_marks] { u16 offset, u16 rflags_undef, u16 fsw_undef, u16 0 },
 *     code[code_len]
 *   A mark gives, for the instruction boundary at offset, the flags that
 *   may be undefined if the body stops there.
 */
#include "fuzz.h"
#include "user.h"

#define FUZZ_MAGIC 0x315a464du /* "MFZ1" */
#define COM1 0x3f8
#define UART_LSR 5
#define UART_LSR_THRE 0x20
#define UART_FIFO_SIZE 16
#define VEC_PF 14
/* What QEMU's TCG (7.2) gets wrong all over, left out of the second hash
 * that run-fuzz.sh compares QEMU with (README.md, "QEMU"): RF in the RFLAGS
 * pushed for faults (SDM vol. 3A, 18.3.1.1), the denormal-operand flags
 * MXCSR.DE and FSW.DE (vol. 1, 11.5.2.2 and 8.5.2), x87 C1 after a result
 * rounded up (vol. 1, 8.1.3.1). */
#define QEMU_QUIRK_RFLAGS 0x10000ull
#define QEMU_QUIRK_MXCSR 0x2u
#define QEMU_QUIRK_FSW 0x202u
#define FNV_OFFSET 0xcbf29ce484222325ull
#define FNV_PRIME 0x100000001b3ull
/* FSW bits compared besides the masked condition codes: exceptions, SF,
 * ES, C0-C3, TOP, B (SDM vol. 1, 8.1.3) */
#define FSW_ALL 0xffff

struct fuzz_header {
    uint32_t magic;
    uint32_t count;
    uint32_t reserved[2];
};

struct fuzz_record {
    uint32_t size;
    uint32_t index;
    uint16_t code_len;
    uint16_t n_marks;
    uint32_t mxcsr;
    uint16_t fcw;
    uint8_t mode;
    uint8_t pad0;
    uint32_t pad1;
    uint64_t data_seed;
    uint64_t rflags;
    uint64_t gpr[16];
    uint8_t xmm[16][16];
} __attribute__((packed));

struct fuzz_mark {
    uint16_t offset;
    uint16_t rflags_undef;
    uint16_t fsw_undef;
    uint16_t pad;
};

/* What is compared, in the order it is hashed. */
struct fuzz_state {
    unsigned vector;
    uint32_t error_code;
    uint64_t cr2;
    uint64_t rip;
    uint64_t rflags;
    uint16_t rflags_undef;
    uint16_t fsw_undef;
    uint16_t fcw, fsw;
    uint8_t ftw;
    uint32_t mxcsr;
};

static UserRegs regs;
static uint64_t initial_data[USER_DATA_SIZE / 8];

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

/* ---- output: COM1, up to a FIFO's worth per THRE (PC16550D datasheet,
 * FCR: with FIFOs on, THRE means the whole transmit FIFO is empty) ---- */

static char out_buf[256];
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

static void out_str(const char *s)
{
    while (*s) {
        if (out_len == sizeof(out_buf)) {
            out_flush();
        }
        out_buf[out_len++] = *s++;
    }
}

static void out_hex(uint64_t v, int digits)
{
    char tmp[17];
    for (int i = digits - 1; i >= 0; i--) {
        tmp[i] = "0123456789abcdef"[v & 15];
        v >>= 4;
    }
    tmp[digits] = 0;
    out_str(tmp);
}

static void out_dec(uint32_t v)
{
    char tmp[11];
    int n = 10;
    tmp[n] = 0;
    do {
        tmp[--n] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    out_str(tmp + n);
}

/* ---- the data page: xorshift64* from the record's seed, with a share of
 * edge values (integer limits, float infinities, NaNs, denormals) ---- */

static const uint64_t edge_values[] = {
    0, 1, ~0ull, 0x80, 0x7f, 0xff, 0x8000, 0x7fff, 0xffff, 0x80000000, 0x7fffffff, 0xffffffff,
    0x8000000000000000ull, 0x7fffffffffffffffull, 0x3ff0000000000000ull, 0xbff0000000000000ull,
    0x7ff0000000000000ull, 0xfff0000000000000ull, 0x7ff8000000000000ull, 0x7ff4000000000000ull,
    0x0000000000000001ull, 0x000fffffffffffffull, 0x3f8000003f800000ull, 0x7f800000ff800000ull,
    0x7fc000007fa00000ull, 0x0000000180000001ull, 0x8000000000000000ull, 0x4f0000004f800000ull,
};

static uint64_t rng_next(uint64_t *s)
{
    uint64_t x = *s;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *s = x;
    return x * 0x2545f4914f6cdd1dull;
}

static void data_fill(uint64_t seed)
{
    uint64_t s = seed | 1;
    for (unsigned i = 0; i < USER_DATA_SIZE / 8; i++) {
        uint64_t r = rng_next(&s);
        if ((r & 7) == 0) {
            uint32_t k = (uint32_t)(r >> 32) % (sizeof(edge_values) / sizeof(edge_values[0]));
            r = edge_values[k];
        }
        initial_data[i] = r;
    }
    user_copy((void *)USER_DATA_ADDR, initial_data, USER_DATA_SIZE);
}

/* ---- state and hash ---- */

static uint16_t fx16(unsigned off)
{
    return (uint16_t)(regs.fx[off] | regs.fx[off + 1] << 8);
}

static uint32_t fx32(unsigned off)
{
    return fx16(off) | (uint32_t)fx16(off + 2) << 16;
}

static void fx_put16(unsigned off, uint16_t v)
{
    regs.fx[off] = (uint8_t)v;
    regs.fx[off + 1] = (uint8_t)(v >> 8);
}

/* ST(i) is physical register (TOP + i) mod 8; its abridged tag bit says
 * whether it holds a value. Empty registers keep stale contents that the
 * architecture does not define the use of: not compared. */
static bool st_valid(const struct fuzz_state *st, unsigned i)
{
    unsigned top = (st->fsw >> 11) & 7;
    return (st->ftw >> ((top + i) & 7)) & 1;
}

static const struct fuzz_mark *marks_of(const struct fuzz_record *rec)
{
    return (const struct fuzz_mark *)((const uint8_t *)rec + sizeof(*rec));
}

static const uint8_t *code_of(const struct fuzz_record *rec)
{
    return (const uint8_t *)(marks_of(rec) + rec->n_marks);
}

/* The flags undefined where the body stopped: the mark at that offset, or
 * if the body stopped elsewhere, everything any mark leaves undefined. */
static void undefined_at(const struct fuzz_record *rec, uint64_t rip, struct fuzz_state *st)
{
    const struct fuzz_mark *m = marks_of(rec);
    uint64_t off = rip - USER_CODE_ADDR;
    uint16_t any_rf = 0, any_fsw = 0;
    for (unsigned i = 0; i < rec->n_marks; i++) {
        if (m[i].offset == off) {
            st->rflags_undef = m[i].rflags_undef;
            st->fsw_undef = m[i].fsw_undef;
            return;
        }
        any_rf |= m[i].rflags_undef;
        any_fsw |= m[i].fsw_undef;
    }
    st->rflags_undef = any_rf;
    st->fsw_undef = any_fsw;
}

static void state_collect(const struct fuzz_record *rec, int vector, struct fuzz_state *st)
{
    st->vector = (unsigned)vector;
    st->error_code = user_vector_has_error((unsigned)vector) ? (uint32_t)regs.error_code : 0;
    st->cr2 = vector == VEC_PF ? regs.cr2 : 0;
    st->rip = regs.rip;
    undefined_at(rec, regs.rip, st);
    st->rflags = regs.rflags & ~(uint64_t)st->rflags_undef;
    st->fcw = fx16(FX_FCW);
    st->fsw = fx16(FX_FSW) & (uint16_t)~st->fsw_undef;
    st->ftw = regs.fx[FX_FTW];
    st->mxcsr = fx32(FX_MXCSR);
}

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
    const uint8_t *b = p;
    for (size_t i = 0; i < n; i++) {
        h ^= b[i];
        h *= FNV_PRIME;
    }
    return h;
}

/* The hash of everything compared; with qemu, of everything but QEMU's
 * known deviations. */
static uint64_t state_hash(const struct fuzz_state *st, bool qemu)
{
    uint64_t rflags = st->rflags & (qemu ? ~QEMU_QUIRK_RFLAGS : ~0ull);
    uint32_t mxcsr = st->mxcsr & (qemu ? ~QEMU_QUIRK_MXCSR : ~0u);
    uint16_t fsw = st->fsw & (qemu ? ~QEMU_QUIRK_FSW : 0xffff);
    uint64_t h = FNV_OFFSET;
    h = fnv(h, &st->vector, sizeof(st->vector));
    h = fnv(h, &st->error_code, sizeof(st->error_code));
    h = fnv(h, &st->cr2, sizeof(st->cr2));
    h = fnv(h, &st->rip, sizeof(st->rip));
    h = fnv(h, &rflags, sizeof(rflags));
    h = fnv(h, regs.gpr, sizeof(regs.gpr));
    h = fnv(h, &st->fcw, sizeof(st->fcw));
    h = fnv(h, &fsw, sizeof(fsw));
    h = fnv(h, &st->ftw, sizeof(st->ftw));
    h = fnv(h, &mxcsr, sizeof(mxcsr));
    for (unsigned i = 0; i < 8; i++) {
        if (st_valid(st, i)) {
            h = fnv(h, &regs.fx[FX_ST(i)], 10);
        }
    }
    h = fnv(h, &regs.fx[FX_XMM(0)], 16 * 16);
    return fnv(h, (const void *)USER_DATA_ADDR, USER_DATA_SIZE);
}

/* ---- verbose dump: the same fields, one per line ---- */

static const char gpr_names[16][4] = {
    "rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
    "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15",
};

static void dump_state(const struct fuzz_record *rec, const struct fuzz_state *st)
{
    out_str("seq ");
    out_dec(rec->index);
    out_str(" vector ");
    out_dec(st->vector);
    out_str(" (");
    out_str(user_vector_name(st->vector));
    out_str(") error ");
    out_hex(st->error_code, 4);
    out_str(" cr2 ");
    out_hex(st->cr2, 16);
    out_str("\nrip ");
    out_hex(st->rip, 16);
    out_str(" (+0x");
    out_hex(st->rip - USER_CODE_ADDR, 4);
    out_str(")\nrflags ");
    out_hex(st->rflags, 16);
    out_str(" (undefined masked: ");
    out_hex(st->rflags_undef, 4);
    out_str(")\n");
    for (int i = 0; i < 16; i++) {
        out_str(gpr_names[i]);
        out_str(" ");
        out_hex(regs.gpr[i], 16);
        out_str("\n");
    }
    out_str("fcw ");
    out_hex(st->fcw, 4);
    out_str(" fsw ");
    out_hex(st->fsw, 4);
    out_str(" (masked: ");
    out_hex(st->fsw_undef, 4);
    out_str(") ftw ");
    out_hex(st->ftw, 2);
    out_str(" mxcsr ");
    out_hex(st->mxcsr, 8);
    out_str("\n");
    for (unsigned i = 0; i < 8; i++) {
        if (st_valid(st, i)) {
            out_str("st");
            out_dec(i);
            out_str(" ");
            out_hex(fx16(FX_ST(i) + 8), 4);
            out_str(" ");
            for (int b = 7; b >= 0; b--) {
                out_hex(regs.fx[FX_ST(i) + b], 2);
            }
            out_str("\n");
        }
    }
    for (unsigned i = 0; i < 16; i++) {
        out_str("xmm");
        out_dec(i);
        out_str(" ");
        for (int b = 15; b >= 0; b--) {
            out_hex(regs.fx[FX_XMM(i) + b], 2);
            if (b == 8) {
                out_str("_");
            }
        }
        out_str("\n");
    }
    /* memory: the 32-byte lines that differ from how the page started */
    const uint8_t *now = (const uint8_t *)USER_DATA_ADDR;
    const uint8_t *was = (const uint8_t *)initial_data;
    for (unsigned off = 0; off < USER_DATA_SIZE; off += 32) {
        bool changed = false;
        for (unsigned b = 0; b < 32; b++) {
            changed |= now[off + b] != was[off + b];
        }
        if (!changed) {
            continue;
        }
        out_str("mem ");
        out_hex(off, 3);
        out_str(":");
        for (unsigned b = 0; b < 32; b++) {
            out_str(b % 8 ? "" : " ");
            out_hex(now[off + b], 2);
        }
        out_str("\n");
    }
    out_str("hash ");
    out_hex(state_hash(st, false), 16);
    out_str(" ");
    out_hex(state_hash(st, true), 16);
    out_str("\n");
    out_flush();
}

/* ---- the loop (CPL 3) ---- */

static void regs_load(const struct fuzz_record *rec)
{
    user_regs_init(&regs);
    for (int i = 0; i < 16; i++) {
        regs.gpr[i] = rec->gpr[i];
    }
    regs.rflags = rec->rflags;
    regs.mode = rec->mode ? USER_MODE_32 : USER_MODE_64;
    fx_put16(FX_FCW, rec->fcw);
    fx_put16(FX_MXCSR, (uint16_t)rec->mxcsr);
    user_copy(&regs.fx[FX_XMM(0)], rec->xmm, sizeof(rec->xmm));
}

int user64_main(void *arg)
{
    const struct fuzz_args *a = arg;
    const uint8_t *module = (const uint8_t *)(uintptr_t)a->module;
    const struct fuzz_header *h = (const struct fuzz_header *)module;
    if (a->module_size < sizeof(*h) || h->magic != FUZZ_MAGIC) {
        out_str("FAIL - module 0 is a fuzz sequence file (magic MFZ1)\n");
        out_flush();
        return 1;
    }
    const uint8_t *p = module + sizeof(*h), *end = module + a->module_size;
    uint32_t ran = 0;
    for (uint32_t i = 0; i < h->count; i++) {
        const struct fuzz_record *rec = (const struct fuzz_record *)p;
        if ((size_t)(end - p) < sizeof(*rec) || rec->size < sizeof(*rec) ||
            rec->size > (size_t)(end - p) ||
            sizeof(*rec) + rec->n_marks * sizeof(struct fuzz_mark) + rec->code_len > rec->size) {
            out_str("FAIL - record ");
            out_dec(i);
            out_str(" of the module is malformed\n");
            out_flush();
            return 1;
        }
        data_fill(rec->data_seed);
        regs_load(rec);
        int vector = user_run(code_of(rec), rec->code_len, &regs);
        struct fuzz_state st;
        state_collect(rec, vector, &st);
        if (a->verbose) {
            dump_state(rec, &st);
        } else {
            out_dec(rec->index);
            out_str(" ");
            out_dec(st.vector);
            out_str(" ");
            /* the second hash only where it differs: COM1 costs an exit per
             * byte under kvm_pvm */
            uint64_t h = state_hash(&st, false), q = state_hash(&st, true);
            out_hex(h, 16);
            if (q != h) {
                out_str(" ");
                out_hex(q, 16);
            }
            out_str("\n");
            /* whole lines on the wire: a hang shows the last good one */
            out_flush();
        }
        ran++;
        p += rec->size;
    }
    out_str("fuzz: ");
    out_dec(ran);
    out_str(" sequences\n");
    out_flush();
    return 0;
}
