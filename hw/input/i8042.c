/*
 * The 8042 keyboard controller of the PC/AT and PS/2 (Intel 8042/8742
 * "UPI" firmware as IBM defined it: IBM PC/AT and PS/2 Technical Reference,
 * "Keyboard/Auxiliary Device Controller"), with an MF-II keyboard on its
 * first port and a PS/2 mouse on its auxiliary port.
 *
 * Port 0x60 is the data port (output buffer on read, input buffer on write),
 * port 0x64 the status register on read and the command register on write.
 * The controller has one output buffer; bytes from itself, the keyboard and
 * the mouse wait in small per-source queues until it is empty, the
 * controller's own responses first, as its firmware serves them. IRQ1 (or
 * IRQ12 for mouse bytes) is driven while the buffer is full and the command
 * byte enables that interrupt; each new byte makes a new edge.
 *
 * What this is for today: the controller commands firmware and Linux use to
 * probe it, A20 through the output port, and the reset line (output port bit
 * 0, pulse command 0xFE). There is no host keyboard or mouse input yet, so
 * the only device bytes are protocol responses; the scancode translation the
 * command byte's XLATE bit asks for applies to key scancodes and is not
 * modelled, so responses (ACK, BAT, ID 0xAB 0x83) reach the host untranslated.
 */
#include "hw/input/i8042.h"

#include "system/runstate.h"

#define I8042_DATA_PORT 0x60
#define I8042_CMD_PORT 0x64

/* Status register */
#define STAT_OBF 0x01      /* output buffer full */
#define STAT_IBF 0x02      /* input buffer full: never, writes are taken at once */
#define STAT_SYS 0x04      /* system flag, from the command byte */
#define STAT_A2 0x08       /* last write was to the command port */
#define STAT_KEYLOCK 0x10  /* 1: keyboard not inhibited (key lock open) */
#define STAT_AUXB 0x20     /* the output buffer holds a mouse byte */

/* Command byte (controller RAM byte 0) */
#define CMD_INT 0x01       /* IRQ1 on keyboard/controller output */
#define CMD_INT2 0x02      /* IRQ12 on mouse output */
#define CMD_SYS 0x04
#define CMD_KBD_DIS 0x10
#define CMD_AUX_DIS 0x20
#define CMD_XLATE 0x40

/* Output port */
#define OUT_RESET_N 0x01   /* system reset line, active low */
#define OUT_A20 0x02       /* A20 gate */
#define OUT_KBD_OBF 0x10   /* IRQ1 line */
#define OUT_AUX_OBF 0x20   /* IRQ12 line */

/* Input port: bit 7 is the key lock (1: keyboard not inhibited). */
#define IN_KEYLOCK 0x80

/* Controller commands written to port 0x64 */
#define C_READ_RAM 0x20      /* 0x20-0x3f: read RAM byte n (0: command byte) */
#define C_WRITE_RAM 0x60     /* 0x60-0x7f: write RAM byte n */
#define C_AUX_DISABLE 0xa7
#define C_AUX_ENABLE 0xa8
#define C_AUX_TEST 0xa9
#define C_SELF_TEST 0xaa
#define C_KBD_TEST 0xab
#define C_KBD_DISABLE 0xad
#define C_KBD_ENABLE 0xae
#define C_READ_INPUT 0xc0
#define C_READ_OUTPUT 0xd0
#define C_WRITE_OUTPUT 0xd1
#define C_WRITE_KBD_OBUF 0xd2
#define C_WRITE_AUX_OBUF 0xd3
#define C_WRITE_AUX 0xd4
#define C_A20_DISABLE 0xdd
#define C_A20_ENABLE 0xdf
#define C_PULSE 0xf0         /* 0xf0-0xff: pulse output port bits 0-3 where 0 */

#define SELF_TEST_OK 0x55
#define INTERFACE_OK 0x00

/* PS/2 device protocol */
#define DEV_ACK 0xfa
#define DEV_RESEND 0xfe
#define DEV_BAT_OK 0xaa
#define DEV_ECHO 0xee

#define KBD_SET_LEDS 0xed
#define KBD_ECHO 0xee
#define KBD_SCANCODE_SET 0xf0
#define KBD_IDENTIFY 0xf2
#define KBD_TYPEMATIC 0xf3
#define KBD_ENABLE 0xf4
#define KBD_DISABLE 0xf5
#define KBD_DEFAULTS 0xf6
#define KBD_RESEND 0xfe
#define KBD_RESET 0xff
#define KBD_ID0 0xab
#define KBD_ID1 0x83
#define KBD_TYPEMATIC_DEFAULT 0x2b /* 10.9 characters/s after 500 ms */

#define AUX_SCALING_1_1 0xe6
#define AUX_SCALING_2_1 0xe7
#define AUX_SET_RES 0xe8
#define AUX_STATUS 0xe9
#define AUX_STREAM 0xea
#define AUX_READ_DATA 0xeb
#define AUX_RESET_WRAP 0xec
#define AUX_WRAP 0xee
#define AUX_REMOTE 0xf0
#define AUX_IDENTIFY 0xf2
#define AUX_SAMPLE_RATE 0xf3
#define AUX_ENABLE 0xf4
#define AUX_DISABLE 0xf5
#define AUX_DEFAULTS 0xf6
#define AUX_RESEND 0xfe
#define AUX_RESET 0xff
#define AUX_ID 0x00
#define AUX_STAT_SCALING 0x10
#define AUX_STAT_ENABLED 0x20
#define AUX_STAT_REMOTE 0x40

/* A real keyboard buffers 16 bytes; the controller and mouse need fewer. */
#define QUEUE_LEN 16

typedef struct ByteQueue {
    uint8_t data[QUEUE_LEN];
    bool aux[QUEUE_LEN]; /* controller queue only: byte presented as mouse data */
    unsigned head, count;
} ByteQueue;

typedef struct KbdState {
    uint8_t pending;    /* command waiting for its parameter byte, or 0 */
    uint8_t last;       /* last byte sent, for RESEND */
    bool scanning;
    uint8_t scancode_set;
    uint8_t leds;
    uint8_t typematic;
} KbdState;

typedef struct AuxState {
    uint8_t pending;
    uint8_t last;
    bool reporting;
    bool remote;
    bool wrap;
    bool scaling_2_1;
    uint8_t resolution;
    uint8_t sample_rate;
} AuxState;

struct I8042State {
    IrqLine *kbd_irq, *aux_irq;
    uint8_t ram[32];      /* ram[0] is the command byte */
    uint8_t outport;      /* bits 0-3 and 6-7; 4-5 follow the IRQ lines */
    uint8_t a2;           /* STAT_A2 or 0 */
    uint8_t pending;      /* controller command waiting for a data byte, or 0 */
    bool obf, ob_aux;     /* the output buffer */
    uint8_t ob;
    ByteQueue ctrl_q, kbd_q, aux_q;
    KbdState kbd;
    AuxState aux;
};

static void queue_push(ByteQueue *q, uint8_t b, bool aux)
{
    if (q->count == QUEUE_LEN) {
        return; /* overrun: the byte is lost, as the device would lose it */
    }
    unsigned i = (q->head + q->count) % QUEUE_LEN;
    q->data[i] = b;
    q->aux[i] = aux;
    q->count++;
}

static uint8_t queue_pop(ByteQueue *q, bool *aux)
{
    uint8_t b = q->data[q->head];
    *aux = q->aux[q->head];
    q->head = (q->head + 1) % QUEUE_LEN;
    q->count--;
    return b;
}

static void queue_clear(ByteQueue *q)
{
    q->head = q->count = 0;
}

static void i8042_update_irq(I8042State *s)
{
    uint8_t cmd = s->ram[0];
    irq_set(s->kbd_irq, s->obf && !s->ob_aux && (cmd & CMD_INT));
    irq_set(s->aux_irq, s->obf && s->ob_aux && (cmd & CMD_INT2));
}

/* Move the next byte into an empty output buffer, if any may go there. */
static void i8042_refill(I8042State *s)
{
    if (!s->obf) {
        bool aux = false;
        if (s->ctrl_q.count) {
            s->ob = queue_pop(&s->ctrl_q, &aux);
            s->ob_aux = aux;
            s->obf = true;
        } else if (s->kbd_q.count && !(s->ram[0] & CMD_KBD_DIS)) {
            s->ob = queue_pop(&s->kbd_q, &aux);
            s->ob_aux = false;
            s->obf = true;
        } else if (s->aux_q.count && !(s->ram[0] & CMD_AUX_DIS)) {
            s->ob = queue_pop(&s->aux_q, &aux);
            s->ob_aux = true;
            s->obf = true;
        }
    }
    i8042_update_irq(s);
}

static void i8042_respond(I8042State *s, uint8_t b)
{
    queue_push(&s->ctrl_q, b, false);
}

static void kbd_send(I8042State *s, uint8_t b)
{
    s->kbd.last = b;
    queue_push(&s->kbd_q, b, false);
}

static void aux_send(I8042State *s, uint8_t b)
{
    s->aux.last = b;
    queue_push(&s->aux_q, b, false);
}

/* ---- the keyboard ---- */

static void kbd_defaults(KbdState *k)
{
    k->scancode_set = 2;
    k->typematic = KBD_TYPEMATIC_DEFAULT;
    k->leds = 0;
}

static void kbd_parameter(I8042State *s, uint8_t cmd, uint8_t v)
{
    KbdState *k = &s->kbd;
    switch (cmd) {
    case KBD_SET_LEDS:
        k->leds = v & 7;
        kbd_send(s, DEV_ACK);
        break;
    case KBD_TYPEMATIC:
        k->typematic = v & 0x7f;
        kbd_send(s, DEV_ACK);
        break;
    case KBD_SCANCODE_SET:
        if (v > 3) {
            kbd_send(s, DEV_RESEND);
            break;
        }
        kbd_send(s, DEV_ACK);
        if (v == 0) {
            kbd_send(s, k->scancode_set);
        } else {
            k->scancode_set = v;
        }
        break;
    }
}

static void kbd_write(I8042State *s, uint8_t v)
{
    KbdState *k = &s->kbd;
    /* parameters are below 0x80; a command byte instead aborts the old command */
    if (k->pending && v < 0x80) {
        uint8_t cmd = k->pending;
        k->pending = 0;
        kbd_parameter(s, cmd, v);
        return;
    }
    k->pending = 0;
    switch (v) {
    case KBD_SET_LEDS:
    case KBD_TYPEMATIC:
    case KBD_SCANCODE_SET:
        k->pending = v;
        kbd_send(s, DEV_ACK);
        break;
    case KBD_ECHO:
        kbd_send(s, DEV_ECHO);
        break;
    case KBD_IDENTIFY:
        kbd_send(s, DEV_ACK);
        kbd_send(s, KBD_ID0);
        kbd_send(s, KBD_ID1);
        break;
    case KBD_ENABLE:
        queue_clear(&s->kbd_q);
        k->scanning = true;
        kbd_send(s, DEV_ACK);
        break;
    case KBD_DISABLE:
        /* stop scanning and return to defaults */
        queue_clear(&s->kbd_q);
        kbd_defaults(k);
        k->scanning = false;
        kbd_send(s, DEV_ACK);
        break;
    case KBD_DEFAULTS:
        queue_clear(&s->kbd_q);
        kbd_defaults(k);
        kbd_send(s, DEV_ACK);
        break;
    case KBD_RESEND:
        queue_push(&s->kbd_q, k->last, false);
        break;
    case KBD_RESET:
        queue_clear(&s->kbd_q);
        kbd_defaults(k);
        k->scanning = true;
        kbd_send(s, DEV_ACK);
        kbd_send(s, DEV_BAT_OK);
        break;
    default:
        kbd_send(s, DEV_RESEND);
        break;
    }
}

/* ---- the mouse ---- */

static void aux_defaults(AuxState *a)
{
    a->reporting = false;
    a->remote = false;
    a->scaling_2_1 = false;
    a->resolution = 2;    /* 4 counts/mm */
    a->sample_rate = 100;
}

static bool aux_valid_rate(uint8_t v)
{
    return v == 10 || v == 20 || v == 40 || v == 60 || v == 80 || v == 100 || v == 200;
}

static void aux_write(I8042State *s, uint8_t v)
{
    AuxState *a = &s->aux;
    if (a->pending) {
        uint8_t cmd = a->pending;
        a->pending = 0;
        bool ok = cmd == AUX_SET_RES ? v <= 3 : aux_valid_rate(v);
        if (ok && cmd == AUX_SET_RES) {
            a->resolution = v;
        } else if (ok) {
            a->sample_rate = v;
        }
        aux_send(s, ok ? DEV_ACK : DEV_RESEND);
        return;
    }
    /* wrap (echo) mode returns every byte but the two that leave it */
    if (a->wrap && v != AUX_RESET_WRAP && v != AUX_RESET) {
        aux_send(s, v);
        return;
    }
    switch (v) {
    case AUX_SCALING_1_1:
    case AUX_SCALING_2_1:
        a->scaling_2_1 = v == AUX_SCALING_2_1;
        aux_send(s, DEV_ACK);
        break;
    case AUX_SET_RES:
    case AUX_SAMPLE_RATE:
        a->pending = v;
        aux_send(s, DEV_ACK);
        break;
    case AUX_STATUS:
        aux_send(s, DEV_ACK);
        aux_send(s, (a->remote ? AUX_STAT_REMOTE : 0) | (a->reporting ? AUX_STAT_ENABLED : 0) |
                        (a->scaling_2_1 ? AUX_STAT_SCALING : 0));
        aux_send(s, a->resolution);
        aux_send(s, a->sample_rate);
        break;
    case AUX_STREAM:
    case AUX_REMOTE:
        a->remote = v == AUX_REMOTE;
        aux_send(s, DEV_ACK);
        break;
    case AUX_READ_DATA:
        /* a movement packet: no buttons, no motion (bit 3 is always 1) */
        aux_send(s, DEV_ACK);
        aux_send(s, 0x08);
        aux_send(s, 0x00);
        aux_send(s, 0x00);
        break;
    case AUX_RESET_WRAP:
    case AUX_WRAP:
        a->wrap = v == AUX_WRAP;
        aux_send(s, DEV_ACK);
        break;
    case AUX_IDENTIFY:
        aux_send(s, DEV_ACK);
        aux_send(s, AUX_ID);
        break;
    case AUX_ENABLE:
    case AUX_DISABLE:
        a->reporting = v == AUX_ENABLE;
        aux_send(s, DEV_ACK);
        break;
    case AUX_DEFAULTS:
        aux_defaults(a);
        aux_send(s, DEV_ACK);
        break;
    case AUX_RESEND:
        queue_push(&s->aux_q, a->last, false);
        break;
    case AUX_RESET:
        queue_clear(&s->aux_q);
        aux_defaults(a);
        a->wrap = false;
        aux_send(s, DEV_ACK);
        aux_send(s, DEV_BAT_OK);
        aux_send(s, AUX_ID);
        break;
    default:
        aux_send(s, DEV_RESEND);
        break;
    }
}

/* ---- the controller ---- */

static uint8_t i8042_outport(I8042State *s)
{
    uint8_t v = s->outport & ~(OUT_KBD_OBF | OUT_AUX_OBF);
    if (s->obf) {
        v |= s->ob_aux ? OUT_AUX_OBF : OUT_KBD_OBF;
    }
    return v;
}

/*
 * mimic's memory map has A20 always enabled (no 1 MiB wraparound), so the
 * gate bit is stored and read back but changes nothing.
 */
static void i8042_write_outport(I8042State *s, uint8_t v)
{
    s->outport = v;
    if (!(v & OUT_RESET_N)) {
        runstate_request_reset();
    }
}

static void i8042_command(I8042State *s, uint8_t cmd)
{
    if (cmd >= C_READ_RAM && cmd < C_READ_RAM + 0x20) {
        i8042_respond(s, s->ram[cmd - C_READ_RAM]);
        return;
    }
    if (cmd >= C_WRITE_RAM && cmd < C_WRITE_RAM + 0x20) {
        s->pending = cmd;
        return;
    }
    if (cmd >= C_PULSE) {
        /* a 0 in bits 0-3 pulses that output line low for about 6 us */
        if (!(cmd & OUT_RESET_N)) {
            runstate_request_reset();
        }
        return;
    }
    switch (cmd) {
    case C_AUX_DISABLE:
        s->ram[0] |= CMD_AUX_DIS;
        break;
    case C_AUX_ENABLE:
        s->ram[0] &= ~CMD_AUX_DIS;
        break;
    case C_AUX_TEST:
    case C_KBD_TEST:
        i8042_respond(s, INTERFACE_OK);
        break;
    case C_SELF_TEST:
        /* passing the self-test is what sets the system flag */
        s->ram[0] |= CMD_SYS;
        i8042_respond(s, SELF_TEST_OK);
        break;
    case C_KBD_DISABLE:
        s->ram[0] |= CMD_KBD_DIS;
        break;
    case C_KBD_ENABLE:
        s->ram[0] &= ~CMD_KBD_DIS;
        break;
    case C_READ_INPUT:
        i8042_respond(s, IN_KEYLOCK);
        break;
    case C_READ_OUTPUT:
        i8042_respond(s, i8042_outport(s));
        break;
    case C_WRITE_OUTPUT:
    case C_WRITE_KBD_OBUF:
    case C_WRITE_AUX_OBUF:
    case C_WRITE_AUX:
        s->pending = cmd;
        break;
    case C_A20_DISABLE:
        s->outport &= ~OUT_A20;
        break;
    case C_A20_ENABLE:
        s->outport |= OUT_A20;
        break;
    default:
        break; /* commands of other 8042 firmwares: ignored */
    }
}

/* A byte written to port 0x60: a pending command's data, else the keyboard's. */
static void i8042_data(I8042State *s, uint8_t v)
{
    uint8_t cmd = s->pending;
    s->pending = 0;
    if (cmd >= C_WRITE_RAM && cmd < C_WRITE_RAM + 0x20) {
        s->ram[cmd - C_WRITE_RAM] = v;
        return;
    }
    switch (cmd) {
    case C_WRITE_OUTPUT:
        i8042_write_outport(s, v);
        break;
    case C_WRITE_KBD_OBUF:
    case C_WRITE_AUX_OBUF:
        /* the controller loads its own output buffer, whatever the interfaces */
        queue_push(&s->ctrl_q, v, cmd == C_WRITE_AUX_OBUF);
        break;
    case C_WRITE_AUX:
        aux_write(s, v);
        break;
    default:
        kbd_write(s, v);
        break;
    }
}

static uint8_t i8042_status(I8042State *s)
{
    uint8_t v = s->a2 | STAT_KEYLOCK;
    if (s->ram[0] & CMD_SYS) {
        v |= STAT_SYS;
    }
    if (s->obf) {
        v |= STAT_OBF | (s->ob_aux ? STAT_AUXB : 0);
    }
    return v;
}

/* Port 0x60 read: the output buffer. An empty buffer reads its last byte again. */
static uint64_t i8042_data_read(void *opaque, uint64_t offset, unsigned size)
{
    I8042State *s = opaque;
    uint8_t v = s->ob;
    if (s->obf) {
        /* drop the line first, so that the next byte makes a fresh edge */
        s->obf = false;
        i8042_update_irq(s);
        i8042_refill(s);
    }
    return v;
}

static void i8042_data_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
    I8042State *s = opaque;
    s->a2 = 0;
    i8042_data(s, value);
    i8042_refill(s);
}

static uint64_t i8042_status_read(void *opaque, uint64_t offset, unsigned size)
{
    return i8042_status(opaque);
}

static void i8042_cmd_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
    I8042State *s = opaque;
    s->a2 = STAT_A2;
    /* a new command abandons one still waiting for its data byte */
    s->pending = 0;
    i8042_command(s, value);
    i8042_refill(s);
}

/* Two one-byte ports: 0x61-0x63 between them belong to other devices. */
static const MemOps i8042_data_ops = {
    .read = i8042_data_read, .write = i8042_data_write, .min_size = 1, .max_size = 1,
};

static const MemOps i8042_cmd_ops = {
    .read = i8042_status_read, .write = i8042_cmd_write, .min_size = 1, .max_size = 1,
};

/*
 * The state firmware's POST leaves (mimic boots without one): self-test
 * passed (SYS), keyboard interrupt on, translation on, both interfaces
 * enabled; reset line high and A20 on.
 */
static void i8042_reset(void *opaque)
{
    I8042State *s = opaque;
    for (size_t i = 0; i < sizeof(s->ram); i++) {
        s->ram[i] = 0;
    }
    s->ram[0] = CMD_INT | CMD_SYS | CMD_XLATE;
    s->outport = OUT_RESET_N | OUT_A20;
    s->a2 = 0;
    s->pending = 0;
    s->obf = s->ob_aux = false;
    s->ob = 0;
    queue_clear(&s->ctrl_q);
    queue_clear(&s->kbd_q);
    queue_clear(&s->aux_q);
    s->kbd = (KbdState){ .scanning = true };
    kbd_defaults(&s->kbd);
    s->aux = (AuxState){ 0 };
    aux_defaults(&s->aux);
    i8042_update_irq(s);
}

I8042State *i8042_create(Machine *m, IrqLine *kbd_irq, IrqLine *aux_irq)
{
    I8042State *s = g_new0(I8042State, 1);
    s->kbd_irq = kbd_irq;
    s->aux_irq = aux_irq;
    char *err = NULL;
    if (!as_add_io(m->io, "i8042-data", I8042_DATA_PORT, 1, &i8042_data_ops, s, &err) ||
        !as_add_io(m->io, "i8042-cmd", I8042_CMD_PORT, 1, &i8042_cmd_ops, s, &err)) {
        /* the machine places the controller; a clash is a board layout bug */
        g_error("i8042: %s", err);
    }
    i8042_reset(s);
    machine_add_reset(m, i8042_reset, s);
    machine_own(m, s, g_free);
    return s;
}
