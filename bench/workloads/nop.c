/*
 * nop: the program forkexec starts. Exits with the status given as its
 * argument, so the parent can tell an exec that ran from one that did not.
 */
#include <stdlib.h>

int main(int argc, char **argv)
{
    return argc > 1 ? atoi(argv[1]) & 0x7f : 0;
}
