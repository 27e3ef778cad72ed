/* Progress bar (see progress.h): redrawn at most 5 times a second. */
#include "output/progress.h"

#include <time.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

void vsa_progress_start(vsa_progress *p, bool on, FILE *f, uint64_t total)
{
    p->on = on && total > 0;
    p->drawn = false;
    p->f = f;
    p->total = total;
    p->start = p->last = now();
}

void vsa_progress_update(vsa_progress *p, uint64_t bytes, uint64_t frames)
{
    if (!p->on)
        return;
    double t = now();
    if (t - p->last < 0.2)
        return;
    p->last = t;
    unsigned pct = bytes >= p->total ? 100 : (unsigned)(bytes * 100 / p->total);
    char bar[41];
    for (unsigned i = 0; i < 40; i++)
        bar[i] = i < pct * 40 / 100 ? '#' : '.';
    bar[40] = '\0';
    double el = t - p->start;
    fprintf(p->f, "\r[%s] %3u%%  %llu frames  %.0f frames/s ", bar, pct, (unsigned long long)frames,
            el > 0 ? frames / el : 0.0);
    fflush(p->f);
    p->drawn = true;
}

void vsa_progress_end(vsa_progress *p)
{
    if (p->on && p->drawn) {
        fprintf(p->f, "\r%*s\r", 79, "");
        fflush(p->f);
    }
    p->drawn = false;
}
