/*
 * Carries a 64-bit program (user.h, user_call64) inside a 32-bit guest
 * image: the bytes of the flat image named by USER64_BLOB, in .data
 * because the program's variables live in it. The 4 KiB alignment keeps
 * every alignment the program's own layout asked for.
 */
    .data
    .balign 4096
    .globl user64_blob
user64_blob:
    .incbin USER64_BLOB
    .balign 16

    .section .note.GNU-stack, "", @progbits
