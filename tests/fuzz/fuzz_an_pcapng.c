/* Fuzz the pcapng reader (analyzer/src/input/pcapng_read.c) over a whole
 * file held in memory: every frame's bytes are touched so that a frame
 * pointing outside the block shows under ASan, and each frame's lengths are
 * checked against the file. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "input/pcapng_read.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    FILE *f = fmemopen((void *)data, size, "rb");
    if (!f)
        return 0;
    vsa_ngr r;
    if (vsa_ngr_open(&r, f, "fuzz") == 0) {
        vsa_ngr_frame fr;
        unsigned sum = 0;
        while (vsa_ngr_next(&r, &fr) == 1) {
            if (fr.caplen > size || fr.wirelen < fr.caplen)
                abort();
            for (size_t i = 0; i < fr.caplen; i++)
                sum += fr.data[i];
        }
        if (sum == 0xdeadbeefu)
            fputc(0, stderr); /* keep the loop */
    }
    vsa_ngr_close(&r);
    fclose(f);
    return 0;
}
