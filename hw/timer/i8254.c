/*
 * Intel 8254 (82C54) programmable interval timer, following the 82C54
 * datasheet: three 16-bit down counters clocked at PIT_FREQ, modes 0-5,
 * binary or BCD counting, LSB/MSB/word access with its flip-flops, the
 * counter latch and read-back commands, and the status byte.
 *
 * Nothing ticks. Each counter records the clock edge at which its counting
 * element was loaded; its count and OUT at any moment are computed from
 * clock_ns(). Channel 0 alone has a Timer, because only its OUT (IRQ0)
 * must reach an interrupt controller; the timer is armed for the next rising
 * edge of OUT, computed from the load edge so a periodic mode never drifts.
 *
 * IRQ0 is edge-triggered (its ELCR bit is fixed at edge), so only the rising
 * edges of OUT matter: the modes whose OUT drops only briefly (2, 3, 4, 5)
 * leave the line high and pulse it low-high at each rising edge of OUT
 * rather than timing each falling edge as well.
 *
 * Deliberate deviation: the IRQ0 edges of modes 2 and 3 are at least
 * PIT_MIN_IRQ_TICKS (about 10 us) apart. A guest that programs a period
 * shorter than that gets an edge every whole number of periods instead of
 * every period, so a silly count cannot bury the main loop in timer
 * callbacks. The counts it reads back are still exact.
 */
#include "hw/timer/i8254.h"

#include "hw/core/timer.h"

#define PIT_CW_SC_SHIFT 6
#define PIT_CW_RW_SHIFT 4
#define PIT_CW_M_SHIFT 1
#define PIT_CW_BCD 0x01
#define PIT_SC_READ_BACK 3
#define PIT_RB_COUNT 0x20  /* read-back: 0 latches the count */
#define PIT_RB_STATUS 0x10 /* read-back: 0 latches the status */
#define PIT_STATUS_OUTPUT 0x80
#define PIT_STATUS_NULL_COUNT 0x40

enum { PIT_RW_LATCH, PIT_RW_LSB, PIT_RW_MSB, PIT_RW_WORD };

#define PIT_MIN_IRQ_TICKS 12 /* 12 / 1.193182 MHz = 10.06 us */
#define PIT_NEVER INT64_MAX

typedef struct PITChannel {
    uint8_t cw_mode;   /* M2-M0 as written, for the status byte */
    uint8_t mode;      /* 0-5 (6 and 7 are 2 and 3) */
    uint8_t rw;
    bool bcd;
    bool gate;

    uint32_t cr;       /* count register, decoded: 1 .. 65536 (10000 in BCD) */
    bool cr_valid;     /* a count was written since the control word */
    bool wr_msb;       /* write flip-flop: the next byte is the MSB */
    uint8_t wr_lsb;
    bool rd_msb;       /* read flip-flop */
    uint8_t latch[2];  /* latched count bytes, in read order */
    uint8_t latch_len, latch_pos;
    bool status_latched;
    uint8_t status;

    /*
     * The counting element. Counting clock edges from the one that loaded n,
     * it has seen elapsed = done + (running ? tick - ref : 0) decrementing
     * edges; done keeps what was counted before a gate-low pause. Before the
     * load edge (elapsed < 0) it still holds hold.
     */
    bool loaded;
    uint32_t n;
    int64_t load_tick;
    int64_t ref;
    int64_t done;
    bool running;
    uint32_t hold;
    /* Modes 2/3: a count written while counting is loaded at the end of the period. */
    bool pending;
    uint32_t pend_n;
    int64_t pend_tick, pend_ref;
    int64_t null_until; /* NULL COUNT is set until this edge */

    /* channel 0 only */
    Timer *timer;
    IrqLine *irq;
    int irq_level;
    bool timer_edge;   /* the timer marks a rising edge of OUT, not just a reload */
} PITChannel;

struct PITState {
    PITChannel ch[3];
};

static int64_t pit_tick(int64_t ns)
{
    return ns_to_ticks(ns, PIT_FREQ);
}

/* The first instant at which clock edge tick has happened. */
static int64_t pit_tick_ns(int64_t tick)
{
    return (int64_t)(((__int128)tick * NS_PER_SEC + PIT_FREQ - 1) / PIT_FREQ);
}

static uint32_t pit_modulus(const PITChannel *c)
{
    return c->bcd ? 10000 : 65536;
}

static uint32_t pit_decode(const PITChannel *c, uint16_t v)
{
    uint32_t n = v;
    if (c->bcd) {
        /* digits above 9 are not BCD; weigh them as the digit position says */
        n = ((v >> 12) & 15) * 1000 + ((v >> 8) & 15) * 100 + ((v >> 4) & 15) * 10 + (v & 15);
        n %= 10000;
    }
    return n ? n : pit_modulus(c);
}

static uint16_t pit_encode(const PITChannel *c, uint32_t n)
{
    if (!c->bcd) {
        return n & 0xffff;
    }
    n %= 10000;
    return (n / 1000) << 12 | (n / 100 % 10) << 8 | (n / 10 % 10) << 4 | n % 10;
}

static int64_t pit_elapsed(const PITChannel *c, int64_t t)
{
    return c->done + (c->running ? t - c->ref : 0);
}

/* Promote a count written during a mode 2/3 period once that period ended. */
static void pit_sync(PITChannel *c, int64_t t)
{
    if (c->pending && t >= c->pend_tick) {
        c->n = c->pend_n;
        c->load_tick = c->ref = c->pend_ref;
        c->done = 0;
        c->pending = false;
    }
}

/* The counting element's contents at clock edge t. */
static uint32_t pit_count(const PITChannel *c, int64_t t)
{
    if (!c->loaded) {
        return c->hold;
    }
    int64_t e = pit_elapsed(c, t);
    if (e < 0) {
        return c->hold;
    }
    int64_t n = c->n, m = pit_modulus(c), p, h;
    switch (c->mode) {
    case 2:
        return (n - e % n) % m;
    case 3:
        /* decrements by two; an odd count loads n-1 and spends one edge more high */
        p = e % n;
        h = (n + 1) / 2;
        return ((n & ~1) - 2 * (p < h ? p : p - h)) % m;
    default:
        return ((n - e % m) % m + m) % m;
    }
}

static bool pit_out(const PITChannel *c, int64_t t)
{
    if (!c->loaded) {
        return c->mode != 0; /* OUT after the control word: low in mode 0, else high */
    }
    int64_t e = pit_elapsed(c, t), n = c->n;
    switch (c->mode) {
    case 0:
    case 1:
        return e >= n;
    case 2:
        return !c->running || e < 0 || e % n != n - 1;
    case 3:
        return !c->running || e < 0 || e % n < (n + 1) / 2;
    default:
        return e != n; /* modes 4, 5: low for the one clock at terminal count */
    }
}

/* The next rising edge of OUT after edge t (or the edge of a pending reload). */
static int64_t pit_next_event(const PITChannel *c, int64_t t, bool *edge)
{
    int64_t at = PIT_NEVER;
    *edge = true;
    if (c->loaded && c->running) {
        int64_t e = pit_elapsed(c, t), n = c->n, zero = t - e;
        switch (c->mode) {
        case 0:
        case 1:
            if (e < n) {
                at = zero + n;
            }
            break;
        case 2:
        case 3:
            if (n >= 2) { /* count 1 is illegal here: OUT never rises again */
                int64_t step = (PIT_MIN_IRQ_TICKS + n - 1) / n;
                int64_t k = e < 0 ? 1 : e / n + 1;
                k = (k + step - 1) / step * step;
                at = zero + k * n;
            }
            break;
        default:
            if (e <= n) {
                at = zero + n + 1;
            }
            break;
        }
    }
    if (c->pending && at > c->pend_tick) {
        at = c->pend_tick;
        *edge = false;
    }
    return at;
}

static void pit_arm(PITChannel *c, int64_t t)
{
    if (!c->timer) {
        return;
    }
    bool edge;
    int64_t at = pit_next_event(c, t, &edge);
    if (at == PIT_NEVER) {
        timer_del(c->timer);
        return;
    }
    c->timer_edge = edge;
    timer_mod(c->timer, pit_tick_ns(at));
}

/* After any change of programming or gate: drive the line to OUT and re-arm. */
static void pit_changed(PITChannel *c, int64_t t)
{
    if (!c->irq) {
        return;
    }
    int level = pit_out(c, t);
    if (level != c->irq_level) {
        c->irq_level = level;
        irq_set(c->irq, level);
    }
    pit_arm(c, t);
}

static void pit_timer_cb(void *opaque)
{
    PITChannel *c = opaque;
    int64_t t = pit_tick(clock_ns());
    bool edge = c->timer_edge;
    pit_sync(c, t);
    if (edge) {
        if (c->mode > 1 && c->irq_level) {
            irq_set(c->irq, 0); /* modes 2-5: the brief low of OUT, as a pulse */
        }
        irq_set(c->irq, 1);
        c->irq_level = 1;
    }
    pit_arm(c, t);
}

/* The counting element takes n on clock edge tick (written at edge t). */
static void pit_load(PITChannel *c, int64_t t, int64_t tick, uint32_t n)
{
    c->hold = pit_count(c, t);
    c->loaded = true;
    c->n = n;
    c->load_tick = c->ref = tick;
    c->done = 0;
    c->running = c->mode == 1 || c->mode == 5 || c->gate;
    c->pending = false;
    c->null_until = tick;
}

static void pit_write_count(PITChannel *c, int64_t t, uint16_t v)
{
    c->cr = pit_decode(c, v);
    c->cr_valid = true;
    switch (c->mode) {
    case 0:
    case 4:
        pit_load(c, t, t + 1, c->cr);
        break;
    case 1:
    case 5:
        c->null_until = PIT_NEVER; /* loaded by the next gate trigger */
        break;
    default:
        if (c->loaded && !c->running) {
            c->null_until = PIT_NEVER; /* gate low: the trigger will load it */
        } else if (c->loaded && pit_elapsed(c, t) >= 0) {
            /* mode 2: at the end of the period; mode 3: of the half-cycle */
            int64_t e = pit_elapsed(c, t), n = c->n, p = e % n, h = (n + 1) / 2;
            c->pending = true;
            c->pend_n = c->cr;
            if (c->mode == 2) {
                c->pend_tick = c->pend_ref = t + (n - p);
            } else if (p < h) {
                c->pend_tick = t + (h - p);
                c->pend_ref = c->pend_tick - (c->cr + 1) / 2; /* starts in its low half */
            } else {
                c->pend_tick = c->pend_ref = t + (n - p);
            }
            c->null_until = c->pend_tick;
        } else {
            pit_load(c, t, t + 1, c->cr);
        }
        break;
    }
}

static void pit_write_data(PITChannel *c, int64_t t, uint8_t v)
{
    uint16_t val;
    switch (c->rw) {
    case PIT_RW_LSB:
        val = v;
        break;
    case PIT_RW_MSB:
        val = v << 8;
        break;
    default:
        if (!c->wr_msb) {
            c->wr_lsb = v;
            c->wr_msb = true;
            if (c->mode == 0 && c->loaded) {
                /* mode 0: the first byte stops counting and drops OUT at once */
                c->hold = pit_count(c, t);
                c->loaded = false;
                c->null_until = PIT_NEVER;
                pit_changed(c, t);
            }
            return;
        }
        c->wr_msb = false;
        val = c->wr_lsb | v << 8;
        break;
    }
    pit_write_count(c, t, val);
    pit_changed(c, t);
}

static void pit_latch_count(PITChannel *c, int64_t t)
{
    if (c->latch_len) {
        return; /* a second latch before the first is read is ignored */
    }
    uint16_t v = pit_encode(c, pit_count(c, t));
    c->latch_pos = 0;
    c->latch_len = c->rw == PIT_RW_WORD ? 2 : 1;
    c->latch[0] = c->rw == PIT_RW_MSB ? v >> 8 : v & 0xff;
    c->latch[1] = v >> 8;
}

static void pit_latch_status(PITChannel *c, int64_t t)
{
    if (c->status_latched) {
        return;
    }
    c->status = (pit_out(c, t) ? PIT_STATUS_OUTPUT : 0) |
                (t < c->null_until ? PIT_STATUS_NULL_COUNT : 0) |
                c->rw << PIT_CW_RW_SHIFT | c->cw_mode << PIT_CW_M_SHIFT | (c->bcd ? PIT_CW_BCD : 0);
    c->status_latched = true;
}

static void pit_control(PITState *s, int64_t t, uint8_t v)
{
    int sc = v >> PIT_CW_SC_SHIFT;
    if (sc == PIT_SC_READ_BACK) {
        for (int i = 0; i < 3; i++) {
            if (v & (2 << i)) {
                pit_sync(&s->ch[i], t);
                if (!(v & PIT_RB_COUNT)) {
                    pit_latch_count(&s->ch[i], t);
                }
                if (!(v & PIT_RB_STATUS)) {
                    pit_latch_status(&s->ch[i], t);
                }
            }
        }
        return;
    }
    PITChannel *c = &s->ch[sc];
    pit_sync(c, t);
    int rw = (v >> PIT_CW_RW_SHIFT) & 3;
    if (rw == PIT_RW_LATCH) {
        pit_latch_count(c, t);
        return;
    }
    c->hold = pit_count(c, t);
    c->rw = rw;
    c->cw_mode = (v >> PIT_CW_M_SHIFT) & 7;
    c->mode = c->cw_mode > 5 ? c->cw_mode - 4 : c->cw_mode;
    c->bcd = v & PIT_CW_BCD;
    c->wr_msb = c->rd_msb = false;
    c->latch_len = 0;
    c->status_latched = false;
    c->loaded = c->cr_valid = c->running = c->pending = false;
    c->null_until = PIT_NEVER;
    pit_changed(c, t);
}

static uint8_t pit_read_data(PITChannel *c, int64_t t)
{
    if (c->status_latched) {
        c->status_latched = false;
        return c->status;
    }
    if (c->latch_len) {
        uint8_t v = c->latch[c->latch_pos++];
        if (c->latch_pos == c->latch_len) {
            c->latch_len = 0;
        }
        return v;
    }
    uint16_t v = pit_encode(c, pit_count(c, t));
    switch (c->rw) {
    case PIT_RW_LSB:
        return v & 0xff;
    case PIT_RW_MSB:
        return v >> 8;
    default:
        c->rd_msb = !c->rd_msb;
        return c->rd_msb ? v & 0xff : v >> 8;
    }
}

static uint64_t pit_io_read(void *opaque, uint64_t offset, unsigned size)
{
    PITState *s = opaque;
    if (offset == 3) {
        return 0xff; /* the control word register cannot be read: the bus floats */
    }
    int64_t t = pit_tick(clock_ns());
    pit_sync(&s->ch[offset], t);
    return pit_read_data(&s->ch[offset], t);
}

static void pit_io_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
    PITState *s = opaque;
    int64_t t = pit_tick(clock_ns());
    if (offset == 3) {
        pit_control(s, t, value);
    } else {
        pit_sync(&s->ch[offset], t);
        pit_write_data(&s->ch[offset], t, value);
    }
}

static const MemOps pit_ops = {
    .read = pit_io_read, .write = pit_io_write, .min_size = 1, .max_size = 1,
};

void i8254_set_gate(PITState *s, int channel, int level)
{
    if (channel < 0 || channel > 2) {
        return;
    }
    PITChannel *c = &s->ch[channel];
    int64_t t = pit_tick(clock_ns());
    bool rising = level && !c->gate;
    if (!!level == c->gate) {
        return;
    }
    pit_sync(c, t);
    c->gate = level;
    switch (c->mode) {
    case 0:
    case 4:
        /* gate low suspends counting; high resumes from where it stopped */
        if (c->loaded && !rising) {
            int64_t e = pit_elapsed(c, t);
            c->done = e > 0 ? e : 0;
            c->running = false;
        } else if (c->loaded) {
            c->ref = t > c->load_tick ? t : c->load_tick;
            c->running = true;
        }
        break;
    case 2:
    case 3:
        if (!rising) {
            if (c->loaded) {
                int64_t e = pit_elapsed(c, t);
                c->hold = pit_count(c, t);
                c->done = e > 0 ? e : 0;
                c->running = false;
                if (c->pending) {
                    c->pending = false;
                    c->null_until = PIT_NEVER;
                }
            }
        } else if (c->cr_valid) {
            pit_load(c, t, t + 1, c->cr); /* the trigger reloads on the next edge */
        }
        break;
    default:
        if (rising && c->cr_valid) {
            pit_load(c, t, t + 1, c->cr); /* modes 1, 5: the trigger starts (again) */
        }
        break;
    }
    pit_changed(c, t);
}

int i8254_get_gate(PITState *s, int channel)
{
    return channel >= 0 && channel <= 2 && s->ch[channel].gate;
}

int i8254_get_out(PITState *s, int channel)
{
    if (channel < 0 || channel > 2) {
        return 0;
    }
    int64_t t = pit_tick(clock_ns());
    pit_sync(&s->ch[channel], t);
    return pit_out(&s->ch[channel], t);
}

/*
 * Power-on: the 82C54's state is undefined until programmed; each counter
 * here looks as if mode 3, word access, binary had been written without a
 * count: nothing counts and OUT is high, so the first programming of a
 * periodic mode does not make a stray IRQ0 edge. Gates 0 and 1 are tied
 * high; gate 2 follows port 0x61, which resets it low.
 */
static void pit_reset(void *opaque)
{
    PITState *s = opaque;
    for (int i = 0; i < 3; i++) {
        PITChannel *c = &s->ch[i];
        Timer *timer = c->timer;
        IrqLine *irq = c->irq;
        if (timer) {
            timer_del(timer);
        }
        *c = (PITChannel){
            .cw_mode = 3, .mode = 3, .rw = PIT_RW_WORD, .gate = i != 2,
            .null_until = PIT_NEVER, .timer = timer, .irq = irq, .irq_level = 1,
        };
        irq_set(irq, 1);
    }
}

static void pit_free(void *opaque)
{
    PITState *s = opaque;
    timer_free(s->ch[0].timer);
    g_free(s);
}

PITState *i8254_create(Machine *m, uint16_t iobase, IrqLine *irq0)
{
    PITState *s = g_new0(PITState, 1);
    s->ch[0].irq = irq0;
    s->ch[0].timer = timer_new(pit_timer_cb, &s->ch[0]);
    pit_reset(s);
    as_add_io(m->io, "pit", iobase, 4, &pit_ops, s, NULL);
    machine_add_reset(m, pit_reset, s);
    machine_own(m, s, pit_free);
    return s;
}
