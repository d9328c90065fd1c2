/*
 * The stdio backend: input from fd 0, output to fd 1.
 *
 * A terminal on stdin goes into raw mode (POSIX termios, as cfmakeraw does:
 * no echo, no line editing, no input translation, 8-bit characters) so each
 * key reaches the guest as typed. Output post-processing (OPOST, with the
 * terminal's own ONLCR) stays on, so a guest that sends a bare "\n" still
 * starts a new line. Plain "stdio" keeps ISIG so Ctrl-C ends mimic; under
 * "mon:stdio" Ctrl-C goes to the guest and Ctrl-A x ends mimic instead.
 *
 * The original settings come back on close, at exit and on SIGTERM, SIGINT
 * and SIGHUP (restore, then die of the signal as before).
 */
#include "chardev/chardev-internal.h"

#include <signal.h>
#include <stdlib.h>
#include <termios.h>
#include <unistd.h>

static bool stdio_in_use;
static volatile sig_atomic_t tty_saved;
static struct termios tty_orig;

void chr_restore_terminals(void)
{
    /* tcsetattr is async-signal-safe: this also runs in signal handlers */
    if (tty_saved) {
        tcsetattr(STDIN_FILENO, TCSANOW, &tty_orig);
    }
}

static void stdio_fatal_signal(int sig)
{
    chr_restore_terminals();
    signal(sig, SIG_DFL);
    raise(sig); /* delivered once the handler returns */
}

static void stdio_install_handlers(void)
{
    static bool installed;
    static const int sigs[] = { SIGTERM, SIGINT, SIGHUP };
    if (installed) {
        return;
    }
    installed = true;
    atexit(chr_restore_terminals);
    for (size_t i = 0; i < G_N_ELEMENTS(sigs); i++) {
        struct sigaction old;
        /* leave a handler main() installed in charge: it calls
         * chr_restore_terminals() itself */
        if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler == SIG_DFL) {
            struct sigaction sa = { .sa_handler = stdio_fatal_signal };
            sigemptyset(&sa.sa_mask);
            sigaction(sigs[i], &sa, NULL);
        }
    }
}

static void stdio_set_raw(bool allow_signals)
{
    struct termios t = tty_orig;
    t.c_iflag &= ~(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON);
    t.c_lflag &= ~(ECHO | ECHONL | ICANON | IEXTEN);
    if (!allow_signals) {
        t.c_lflag &= ~ISIG;
    }
    t.c_cflag &= ~(CSIZE | PARENB);
    t.c_cflag |= CS8;
    t.c_oflag |= OPOST;
    t.c_cc[VMIN] = 1;
    t.c_cc[VTIME] = 0;
    tcsetattr(STDIN_FILENO, TCSANOW, &t);
}

static int stdio_open(Chardev *chr, const char *args, char **err)
{
    if (stdio_in_use) {
        *err = g_strdup("stdio is already used by another character device");
        return -1;
    }
    stdio_in_use = true;
    chr->in_fd = STDIN_FILENO;
    chr->out_fd = STDOUT_FILENO;
    if (isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &tty_orig) == 0) {
        stdio_install_handlers();
        tty_saved = 1;
        stdio_set_raw(!chr->mux);
    }
    return 0;
}

static size_t stdio_write(Chardev *chr, const uint8_t *buf, size_t len)
{
    return chr_fd_write_all(chr->out_fd, buf, len);
}

static void stdio_hangup(Chardev *chr)
{
    chr->in_fd = -1; /* stdin reached its end: nothing more will come */
}

static void stdio_close(Chardev *chr)
{
    chr_restore_terminals();
    tty_saved = 0;
    stdio_in_use = false;
}

const ChrDriver chr_driver_stdio = {
    .name = "stdio",
    .open = stdio_open,
    .write = stdio_write,
    .hangup = stdio_hangup,
    .close = stdio_close,
};
