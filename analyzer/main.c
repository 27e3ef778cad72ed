/* vpnscope: the command. Subcommands live in src/cli/. */
#include "cli/cli.h"

int main(int argc, char **argv)
{
    return vsa_main(argc, argv);
}
