/*
 * Decoder driver for tests/unit/decode-oracle.py: reads lines
 * "<16|32|64> <hex bytes> [<pc in hex>]" from stdin and decodes the bytes
 * as a stream, printing one line per input line:
 *   <len> <mnemonic> <text>[ ; <len> <mnemonic> <text> ...]
 * or "NEED_MORE" / "TOO_LONG" for a decode that failed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "target/x86/decode.h"

static int parse_hex(const char *s, uint8_t *out, int max)
{
    int n = 0;
    while (*s && n < max) {
        while (*s == ' ' || *s == '\t') {
            s++;
        }
        if (!s[0] || !s[1]) {
            break;
        }
        unsigned v;
        if (sscanf(s, "%2x", &v) != 1) {
            break;
        }
        out[n++] = v;
        s += 2;
    }
    return n;
}

int main(void)
{
    char line[4096], text[256];
    uint8_t bytes[1024];

    while (fgets(line, sizeof(line), stdin)) {
        int bits;
        char hex[3072];
        unsigned long long pc = 0;
        if (sscanf(line, "%d %3071s %llx", &bits, hex, &pc) < 2) {
            printf("?\n");
            continue;
        }
        int n = parse_hex(hex, bytes, sizeof(bytes));
        int off = 0;
        while (off < n) {
            X86Insn insn;
            X86DecodeResult r = x86_decode(&insn, bytes + off, n - off, bits / 8);
            if (r != X86_DECODE_OK) {
                printf("%s%s", off ? " ; " : "", r == X86_DECODE_NEED_MORE ? "NEED_MORE" : "TOO_LONG");
                break;
            }
            x86_disas(&insn, pc + off, text, sizeof(text));
            printf("%s%d %s %s", off ? " ; " : "", insn.len, x86_mnem_name(insn.mnem), text);
            off += insn.len;
        }
        printf("\n");
        fflush(stdout);
    }
    return 0;
}
