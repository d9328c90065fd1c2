/*
 * Console of the guest tests: COM1 written by polling LSR.THRE (NS16550A
 * datasheet, line status register), and a small printf: %d %i %u %x %X %p
 * %s %c %%, the l and ll length modifiers, width, '0' and '-' flags. No
 * 64-bit division from libgcc: decimal 64-bit output divides with DIVL.
 */
#include "guest.h"

#define COM1 0x3f8
#define UART_THR 0
#define UART_IER 1
#define UART_DLL 0
#define UART_DLM 1
#define UART_FCR 2
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define UART_LCR_DLAB 0x80
#define UART_LCR_8N1 0x03
#define UART_FCR_ENABLE_CLEAR 0x07
#define UART_MCR_DTR_RTS 0x03
#define UART_LSR_THRE 0x20

/* Bounded so a UART that never says THRE cannot hang the test silently. */
#define THRE_SPINS 100000

static char hold_buf[8192];
static size_t hold_len;
static bool held;

void serial_init(void)
{
    outb(COM1 + UART_IER, 0);
    outb(COM1 + UART_LCR, UART_LCR_DLAB);
    outb(COM1 + UART_DLL, 1); /* 115200 baud */
    outb(COM1 + UART_DLM, 0);
    outb(COM1 + UART_LCR, UART_LCR_8N1);
    outb(COM1 + UART_FCR, UART_FCR_ENABLE_CLEAR);
    /* OUT2 stays off: no COM1 interrupts reach the PIC unless a test asks */
    outb(COM1 + UART_MCR, UART_MCR_DTR_RTS);
}

static void serial_putc(char c)
{
    for (int i = 0; i < THRE_SPINS && !(inb(COM1 + UART_LSR) & UART_LSR_THRE); i++) {
        cpu_pause();
    }
    outb(COM1 + UART_THR, (uint8_t)c);
}

void console_putc(char c)
{
    if (held) {
        if (hold_len < sizeof(hold_buf)) {
            hold_buf[hold_len++] = c;
        }
        return;
    }
    serial_putc(c);
}

void console_hold(void)
{
    held = true;
    hold_len = 0;
}

void console_release(void)
{
    held = false;
    for (size_t i = 0; i < hold_len; i++) {
        serial_putc(hold_buf[i]);
    }
    if (hold_len == sizeof(hold_buf)) {
        printf("\n(console hold buffer overflowed)\n");
    }
    hold_len = 0;
}

/* Where formatted characters go: the console, or a bounded buffer. */
struct sink {
    char *buf;
    size_t size;
    size_t len;
};

static void sink_put(struct sink *s, char c)
{
    if (!s->buf) {
        console_putc(c);
    } else if (s->len + 1 < s->size) {
        s->buf[s->len] = c;
    }
    s->len++;
}

/* q = n / 10, returning n % 10, for any 64-bit n, using two DIVLs so that
 * no quotient overflows. */
static uint32_t divmod10(uint64_t *n)
{
    uint32_t hi = (uint32_t)(*n >> 32), lo = (uint32_t)*n;
    uint32_t qhi = hi / 10, rem = hi % 10, qlo;
    __asm__("divl %4" : "=a"(qlo), "=d"(rem) : "a"(lo), "d"(rem), "r"(10u));
    *n = ((uint64_t)qhi << 32) | qlo;
    return rem;
}

static void format_number(struct sink *s, uint64_t v, bool neg, int base, bool upper, int width,
                          bool zero, bool left)
{
    char tmp[24];
    int n = 0;
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    do {
        if (base == 16) {
            tmp[n++] = digits[v & 15];
            v >>= 4;
        } else {
            tmp[n++] = digits[divmod10(&v)];
        }
    } while (v);
    int len = n + (neg ? 1 : 0);
    if (!left && !zero) {
        for (; width > len; width--) {
            sink_put(s, ' ');
        }
    }
    if (neg) {
        sink_put(s, '-');
    }
    if (!left && zero) {
        for (; width > len; width--) {
            sink_put(s, '0');
        }
    }
    while (n) {
        sink_put(s, tmp[--n]);
    }
    for (; left && width > len; width--) {
        sink_put(s, ' ');
    }
}

static void format(struct sink *s, const char *fmt, va_list ap)
{
    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            sink_put(s, *fmt);
            continue;
        }
        fmt++;
        bool zero = false, left = false;
        for (;; fmt++) {
            if (*fmt == '0') {
                zero = true;
            } else if (*fmt == '-') {
                left = true;
            } else {
                break;
            }
        }
        int width = 0;
        while (*fmt >= '0' && *fmt <= '9') {
            width = width * 10 + (*fmt++ - '0');
        }
        int longs = 0;
        while (*fmt == 'l') {
            longs++;
            fmt++;
        }
        uint64_t u;
        int64_t d;
        switch (*fmt) {
        case 'd':
        case 'i':
            d = longs >= 2 ? va_arg(ap, long long) : longs ? va_arg(ap, long) : va_arg(ap, int);
            format_number(s, d < 0 ? -(uint64_t)d : (uint64_t)d, d < 0, 10, false, width, zero, left);
            break;
        case 'u':
        case 'x':
        case 'X':
            u = longs >= 2 ? va_arg(ap, unsigned long long)
                : longs ? va_arg(ap, unsigned long) : va_arg(ap, unsigned int);
            format_number(s, u, false, *fmt == 'u' ? 10 : 16, *fmt == 'X', width, zero, left);
            break;
        case 'p':
            format_number(s, (uintptr_t)va_arg(ap, void *), false, 16, false, 8, true, false);
            break;
        case 'c':
            sink_put(s, (char)va_arg(ap, int));
            break;
        case 's': {
            const char *str = va_arg(ap, const char *);
            int len = 0;
            if (!str) {
                str = "(null)";
            }
            while (str[len]) {
                len++;
            }
            for (; !left && width > len; width--) {
                sink_put(s, ' ');
            }
            for (int i = 0; i < len; i++) {
                sink_put(s, str[i]);
            }
            for (; left && width > len; width--) {
                sink_put(s, ' ');
            }
            break;
        }
        case '%':
            sink_put(s, '%');
            break;
        case '\0':
            return;
        default:
            sink_put(s, '%');
            sink_put(s, *fmt);
            break;
        }
    }
}

int vprintf(const char *fmt, va_list ap)
{
    struct sink s = { 0 };
    format(&s, fmt, ap);
    return (int)s.len;
}

int printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vprintf(fmt, ap);
    va_end(ap);
    return n;
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct sink s = { .buf = buf, .size = size };
    format(&s, fmt, ap);
    if (size) {
        buf[s.len < size ? s.len : size - 1] = '\0';
    }
    return (int)s.len;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}
