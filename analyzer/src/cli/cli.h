#ifndef VSA_CLI_H
#define VSA_CLI_H
/* Exit codes. */
enum { VSA_EXIT_OK = 0, VSA_EXIT_FINDINGS = 1, VSA_EXIT_USAGE = 2 };
int vsa_main(int argc, char **argv);
#endif
