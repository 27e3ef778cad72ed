#include "cli/cli.h"
#include <stdio.h>
int vsa_main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "usage: vpnscope decode|decrypt|sa ...\n");
    return VSA_EXIT_USAGE;
}
