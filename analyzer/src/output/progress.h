/* A progress bar on stderr for long files, only when it is a terminal. */
#ifndef VSA_OUTPUT_PROGRESS_H
#define VSA_OUTPUT_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

typedef struct vsa_progress {
    bool on, drawn;
    FILE *f;
    uint64_t total;
    double last, start;
} vsa_progress;

void vsa_progress_start(vsa_progress *p, bool on, FILE *f, uint64_t total_bytes);
void vsa_progress_update(vsa_progress *p, uint64_t bytes, uint64_t frames);
void vsa_progress_end(vsa_progress *p);

#endif
