/*
 * The catalogue: every protocol, field and problem vpnscope knows, with its
 * stable dotted name under "vpnscope.". Generated from the X-macro files in
 * dissectors/core/catalogue/ (one per protocol). The Wireshark plugins
 * register their protocols, fields and expert infos from this table and the
 * analyzer uses the same names as JSON keys, so the two never disagree.
 *
 * In a .def file:
 *   VS_PROTO(ID, "vpnscope.x", "Long name", "SHORT")
 *   VS_FIELD(ID, "vpnscope.x.y", "Label", TYPE, BASE, MASK, VALS, "description")
 *   VS_PROBLEM(ID, "vpnscope.x.area.problem", SEVERITY, GROUP, "summary")
 * TYPE: VS_FT_*; BASE: VS_B_*; MASK: bit mask inside the container or 0;
 * VALS: a vs_val table name (vs_vals_none for none).
 */
#ifndef VPNSCOPE_CATALOGUE_H
#define VPNSCOPE_CATALOGUE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum vs_ftype {
    VS_FT_PROTOCOL, /* protocol root */
    VS_FT_NONE,     /* label / subtree with no value */
    VS_FT_U8,
    VS_FT_U16,
    VS_FT_U24,
    VS_FT_U32,
    VS_FT_U64,
    VS_FT_BOOL,     /* with a mask: one flag bit */
    VS_FT_BYTES,
    VS_FT_IPV4,
    VS_FT_IPV6,
    VS_FT_STRING,   /* printable text bytes */
    VS_FT_FRAMENUM, /* a capture frame number (value; generated, span 0) */
    VS_FT_RELTIME   /* a time difference in nanoseconds (value; generated) */
} vs_ftype;

typedef enum vs_base {
    VS_B_NONE,
    VS_B_DEC,
    VS_B_HEX,
    VS_B_DEC_HEX,
    VS_B_HEX_DEC
} vs_base;

typedef enum vs_severity {
    VS_SEV_CHAT,
    VS_SEV_NOTE,
    VS_SEV_WARN,
    VS_SEV_ERROR
} vs_severity;

typedef enum vs_pgroup {
    VS_G_MALFORMED,
    VS_G_PROTOCOL,
    VS_G_CHECKSUM,
    VS_G_SEQUENCE,
    VS_G_UNDECODED,
    VS_G_SECURITY,
    VS_G_RESPONSE_CODE,
    VS_G_REQUEST_CODE,
    VS_G_REASSEMBLE,
    VS_G_COMMENT
} vs_pgroup;

/* Value-name table entry: a value or an inclusive range. Tables end with
 * {0, 0, NULL}. */
typedef struct vs_val {
    uint32_t lo;
    uint32_t hi;
    const char *name;
} vs_val;
#define VS_V(v, n) {(v), (v), (n)}
#define VS_R(lo, hi, n) {(lo), (hi), (n)}
#define VS_VEND {0, 0, NULL}

extern const vs_val vs_vals_none[];

typedef enum vs_field_id {
#define VS_PROTO(id, name, longname, shortname) VS_F_##id,
#define VS_FIELD(id, name, label, type, base, mask, vals, desc) VS_F_##id,
#define VS_PROBLEM(id, name, sev, group, summary)
#include "vpnscope/catalogue_all.def"
#undef VS_PROTO
#undef VS_FIELD
#undef VS_PROBLEM
    VS_F__COUNT
} vs_field_id;

typedef enum vs_problem_id {
#define VS_PROTO(id, name, longname, shortname)
#define VS_FIELD(id, name, label, type, base, mask, vals, desc)
#define VS_PROBLEM(id, name, sev, group, summary) VS_P_##id,
#include "vpnscope/catalogue_all.def"
#undef VS_PROTO
#undef VS_FIELD
#undef VS_PROBLEM
    VS_P__COUNT
} vs_problem_id;

typedef struct vs_field_info {
    const char *name;  /* "vpnscope.ike.exch_type" */
    const char *label; /* "Exchange type" (or the protocol's long name) */
    const char *desc;  /* short name for protocols */
    vs_ftype type;
    vs_base base;
    uint32_t mask;
    const vs_val *vals;
} vs_field_info;

typedef struct vs_problem_info {
    const char *name;
    const char *summary;
    vs_severity severity;
    vs_pgroup group;
} vs_problem_info;

extern const vs_field_info vs_fields[VS_F__COUNT];
extern const vs_problem_info vs_problems[VS_P__COUNT];

/* Name of v in a table, or NULL. */
const char *vs_val_name(const vs_val *table, uint32_t v);
/* Name or the fallback. */
const char *vs_val_name_or(const vs_val *table, uint32_t v, const char *fallback);
/* Field lookup by dotted name (linear; for tools and tests). Returns
 * VS_F__COUNT when absent. */
vs_field_id vs_field_by_name(const char *name);
vs_problem_id vs_problem_by_name(const char *name);
/* Shift of the lowest set bit of a mask (0 for no mask). */
unsigned vs_mask_shift(uint32_t mask);

#ifdef __cplusplus
}
#endif
#endif
