/* The catalogue tables, expanded from the .def files. */
#include "vpnscope/catalogue.h"

#include <string.h>

const vs_val vs_vals_none[] = {VS_VEND};

/* Declare every value table a field names (defined in the decoders). */
#define VS_PROTO(id, name, longname, shortname)
#define VS_FIELD(id, name, label, type, base, mask, vals, desc) extern const vs_val vals[];
#define VS_PROBLEM(id, name, sev, group, summary)
#include "vpnscope/catalogue_all.def"
#undef VS_PROTO
#undef VS_FIELD
#undef VS_PROBLEM

const vs_field_info vs_fields[VS_F__COUNT] = {
#define VS_PROTO(id, name, longname, shortname) {name, longname, shortname, VS_FT_PROTOCOL, VS_B_NONE, 0, vs_vals_none},
#define VS_FIELD(id, name, label, type, base, mask, vals, desc) {name, label, desc, type, base, mask, vals},
#define VS_PROBLEM(id, name, sev, group, summary)
#include "vpnscope/catalogue_all.def"
#undef VS_PROTO
#undef VS_FIELD
#undef VS_PROBLEM
};

const vs_problem_info vs_problems[VS_P__COUNT] = {
#define VS_PROTO(id, name, longname, shortname)
#define VS_FIELD(id, name, label, type, base, mask, vals, desc)
#define VS_PROBLEM(id, name, sev, group, summary) {name, summary, sev, group},
#include "vpnscope/catalogue_all.def"
#undef VS_PROTO
#undef VS_FIELD
#undef VS_PROBLEM
};

const char *vs_val_name(const vs_val *table, uint32_t v)
{
    if (!table)
        return NULL;
    for (const vs_val *e = table; e->name; e++)
        if (v >= e->lo && v <= e->hi)
            return e->name;
    return NULL;
}

const char *vs_val_name_or(const vs_val *table, uint32_t v, const char *fallback)
{
    const char *n = vs_val_name(table, v);
    return n ? n : fallback;
}

vs_field_id vs_field_by_name(const char *name)
{
    for (int i = 0; i < VS_F__COUNT; i++)
        if (strcmp(vs_fields[i].name, name) == 0)
            return (vs_field_id)i;
    return VS_F__COUNT;
}

vs_problem_id vs_problem_by_name(const char *name)
{
    for (int i = 0; i < VS_P__COUNT; i++)
        if (strcmp(vs_problems[i].name, name) == 0)
            return (vs_problem_id)i;
    return VS_P__COUNT;
}

unsigned vs_mask_shift(uint32_t mask)
{
    unsigned s = 0;
    if (!mask)
        return 0;
    while (!(mask & 1u)) {
        mask >>= 1;
        s++;
    }
    return s;
}
