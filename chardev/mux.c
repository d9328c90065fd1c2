/*
 * The "mon:" console (-nographic, -serial mon:stdio): QEMU's Ctrl-A escapes
 * on the input of a chardev, so a raw terminal can still end mimic.
 *   Ctrl-A h       list the escapes
 *   Ctrl-A x       end mimic
 *   Ctrl-A c       switch the input between the guest and the monitor
 *   Ctrl-A Ctrl-A  one Ctrl-A for the guest
 * Any other key after Ctrl-A is dropped. The state machine is a pure function
 * (mux_escape_feed) so it can be tested without a terminal.
 */
#include "chardev/chardev-internal.h"

#include <string.h>

#include "system/runstate.h"

static const char mux_help[] =
    "mimic console escapes (press Ctrl-A, then):\n"
    "  h       show this list\n"
    "  x       end mimic\n"
    "  c       switch between the guest and the monitor\n"
    "  Ctrl-A  send Ctrl-A to the guest\n";

MuxAction mux_escape_feed(MuxEscape *st, uint8_t c)
{
    if (st->after_escape) {
        st->after_escape = false;
        switch (c) {
        case MUX_ESCAPE_CHAR:
            return MUX_PASS;
        case 'h':
            return MUX_HELP;
        case 'x':
            return MUX_EXIT;
        case 'c':
            return MUX_MONITOR;
        default:
            return MUX_DROP;
        }
    }
    if (c == MUX_ESCAPE_CHAR) {
        st->after_escape = true;
        return MUX_DROP;
    }
    return MUX_PASS;
}

/* Print a message of mimic's own on lines of its own, between guest output. */
static void mux_print(Chardev *chr, const char *text)
{
    GString *s = g_string_new(NULL);
    const char *nl = chr->crlf ? "\r\n" : "\n";
    if (chr->out_midline) {
        g_string_append(s, nl);
    }
    for (const char *p = text; *p; p++) {
        if (*p == '\n') {
            g_string_append(s, nl);
        } else {
            g_string_append_c(s, *p);
        }
    }
    chr->drv->write(chr, (const uint8_t *)s->str, s->len);
    chr->out_midline = false;
    g_string_free(s, TRUE);
}

/* Hand the bytes up to an escape to the frontend before acting on it, so
 * what the user typed reaches the guest in order. */
static void mux_flush(Chardev *chr, const uint8_t *buf, size_t *len)
{
    if (*len && chr->mon_focused) {
        chr->mon_receive(chr->mon_opaque, buf, *len);
    } else if (*len && chr->receive) {
        chr->receive(chr->fe_opaque, buf, *len);
    }
    *len = 0;
}

void mux_receive(Chardev *chr, uint8_t *buf, size_t len)
{
    size_t out = 0;
    for (size_t i = 0; i < len; i++) {
        MuxAction a = mux_escape_feed(&chr->mux_state, buf[i]);
        if (a == MUX_PASS) {
            buf[out++] = buf[i];
            continue;
        }
        mux_flush(chr, buf, &out);
        switch (a) {
        case MUX_HELP:
            mux_print(chr, mux_help);
            break;
        case MUX_EXIT:
            mux_print(chr, "mimic: terminated\n");
            runstate_request_exit(0);
            break;
        case MUX_MONITOR:
            if (!chr->mon_receive) {
                mux_print(chr, "mimic: no monitor on this console\n");
                break;
            }
            chr->mon_focused = !chr->mon_focused;
            if (chr->mon_focused && chr->out_midline) {
                mux_print(chr, "");
            }
            chr->mon_focus(chr->mon_opaque, chr->mon_focused);
            break;
        case MUX_PASS:
        case MUX_DROP:
            break;
        }
    }
    mux_flush(chr, buf, &out);
}

void mux_note_output(Chardev *chr, const uint8_t *buf, size_t len)
{
    if (len) {
        chr->out_midline = buf[len - 1] != '\n';
    }
}
