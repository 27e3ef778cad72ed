/* Prints every catalogue name, one per line: "protocol|field|problem<TAB>name".
 * The plugin test checks tshark registered each of them. */
#include <stdio.h>

#include "vpnscope/catalogue.h"

int main(void)
{
    for (int i = 0; i < VS_F__COUNT; i++)
        printf("%s\t%s\n", vs_fields[i].type == VS_FT_PROTOCOL ? "protocol" : "field",
               vs_fields[i].name);
    for (int i = 0; i < VS_P__COUNT; i++)
        printf("problem\t%s\n", vs_problems[i].name);
    return 0;
}
