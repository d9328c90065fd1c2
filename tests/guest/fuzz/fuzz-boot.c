/* mimic-fuzz: driven by run-fuzz.sh, not run-guest-tests.sh */
/*
 * The 32-bit side of the fuzzer's guest program: finds Multiboot module 0
 * (Multiboot Specification 0.6.96, 3.3: mods_count, mods_addr) and the
 * command line, enters long mode and runs the 64-bit fuzz.c at CPL 3
 * (lib/user.h, user_call64).
 */
#include "fuzz.h"
#include "user.h"

#define MBI_FLAG_CMDLINE (1u << 2)
#define MBI_FLAG_MODS (1u << 3)
#define MBI_MODS_COUNT 5       /* u32 index in the information structure */
#define MBI_MODS_ADDR 6

extern const uint8_t user64_blob[];

/* Is word one of the space-separated words of the command line? (QEMU puts
 * the kernel's file name first; mimic passes -append as given.) */
static bool cmdline_has(const char *word)
{
    if (!(mb_info->flags & MBI_FLAG_CMDLINE) || !mb_info->cmdline) {
        return false;
    }
    const char *s = (const char *)(uintptr_t)mb_info->cmdline;
    while (*s) {
        while (*s == ' ') {
            s++;
        }
        const char *w = word;
        while (*w && *s == *w) {
            s++;
            w++;
        }
        if (!*w && (*s == ' ' || !*s)) {
            return true;
        }
        while (*s && *s != ' ') {
            s++;
        }
    }
    return false;
}

void test_main(void)
{
    static struct fuzz_args args;
    const uint32_t *mbi = (const uint32_t *)mb_info;
    if (!(mb_info->flags & MBI_FLAG_MODS) || mbi[MBI_MODS_COUNT] < 1) {
        check(false, "a Multiboot module with the sequences (-initrd FILE)");
        return;
    }
    const uint32_t *mod = (const uint32_t *)(uintptr_t)mbi[MBI_MODS_ADDR];
    args.module = mod[0];
    args.module_size = mod[1] - mod[0];
    args.verbose = cmdline_has("verbose");
    test_failures += user_call64(user64_blob, &args);
}
