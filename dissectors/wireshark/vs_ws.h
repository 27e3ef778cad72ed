/*
 * vpnscope Wireshark plugin: shared declarations.
 *
 * The plugin is thin: the core decodes, the plugin renders. Every protocol,
 * field and expert info is registered at run time from the core catalogue
 * (vs_fields[] / vs_problems[]), so filter names equal the analyzer's JSON
 * keys. vs_ws_render() turns a finished vs_tree into proto items at the
 * exact spans the core recorded.
 */
#ifndef VS_WS_H
#define VS_WS_H

#include <epan/packet.h>
#include <epan/expert.h>

#include "vpnscope/core.h"

/* ---- catalogue registration (vs_ws_catalogue.c) ---- */

/* hf index per catalogue field (for VS_FT_PROTOCOL fields: the protocol id). */
extern int vs_ws_hf[VS_F__COUNT];
/* One subtree type per field. */
extern gint vs_ws_ett[VS_F__COUNT];
/* One expert info per problem. */
extern expert_field vs_ws_ei[VS_P__COUNT];
/* The umbrella protocol "vpnscope" (owns vpnscope.core.* and preferences). */
extern int vs_ws_proto_root;

/* Register the umbrella protocol and everything in the catalogue. */
void vs_ws_register_catalogue(void);
/* Protocol id of a catalogue protocol field (e.g. VS_F_NHRP), or -1 when the
 * catalogue lacks it. */
int vs_ws_proto(vs_field_id f);
/* Preferences module of the umbrella protocol: every plugin preference lives
 * here (vpnscope.<name>), which keeps names simple with dotted protocols. */
module_t *vs_ws_prefs(void);

/* ---- rendering (vs_ws_render.c) ---- */

/* Tree storage for one decode, in packet scope. */
typedef struct vs_ws_tree {
    vs_tree t;
    size_t cap_items;
} vs_ws_tree;

/* A packet-scope tree sized for a buffer of len bytes. */
vs_tree *vs_ws_tree_new(const guint8 *buf, size_t len);

/* Render t onto tree. Spans are offsets into tvb (the buffer the core
 * decoded is tvb's data from offset 0). Returns the proto item of the first
 * depth-0 item (the protocol root), or NULL. */
proto_item *vs_ws_render(const vs_tree *t, tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree);

/* The bytes of tvb as one contiguous buffer the core can read. */
const guint8 *vs_ws_bytes(tvbuff_t *tvb, size_t *caplen, size_t *wirelen);

/* Value name of the first item of field f in t (via the field's table), or
 * NULL. For Info columns. */
const char *vs_ws_first_name(const vs_tree *t, vs_field_id f);

/* ---- the common dissector path (vs_ws_dissect.c) ---- */

/* A core decoder behind one signature (opts: decoder options or NULL). */
typedef vs_status (*vs_ws_decode_fn)(vs_cursor *c, vs_tree *t, void *out, const void *opts);

/* Decode tvb with fn and render the result; returns the tree (packet scope)
 * and, when root is not NULL, the rendered protocol item. */
const vs_tree *vs_ws_run(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, vs_ws_decode_fn fn,
                         void *out, const void *opts, proto_item **root);
/* Protocol column; Info = the value name of the first item of field info
 * (VS_F__COUNT: none), then suffix, then the first error problem. */
void vs_ws_columns(packet_info *pinfo, const char *proto_col, const vs_tree *t, vs_field_id info,
                   const char *suffix);
/* Bytes the PDU used (the root item's length), for the dissector's return. */
guint32 vs_ws_consumed(const vs_tree *t, tvbuff_t *tvb);

/* A dissector table entry we take over, and the preference that hands it
 * back to whoever had it (for gre.proto, which has no Decode As). */
typedef struct vs_ws_takeover {
    const char *table;
    guint32 key;
    dissector_handle_t prev;
    gboolean handback;
} vs_ws_takeover;
/* At handoff: remember the current handle, install a protocol-less
 * dispatcher (fn) under name/description. The dispatcher calls the
 * protocol's own handle (which adds the protocol to frame.protocols) or
 * vs_ws_handback(). */
void vs_ws_takeover_add(vs_ws_takeover *h, dissector_t fn, const char *name, const char *desc);
/* Call the previous dissector (0 when there was none). */
int vs_ws_handback(const vs_ws_takeover *h, tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree,
                   void *data);

/* ---- statistics tap (vs_ws_stats.c) ---- */

typedef enum vs_ws_tap_kind { VS_TAP_MESSAGE, VS_TAP_OVERHEAD, VS_TAP_NHRP_REG } vs_ws_tap_kind;

typedef struct vs_ws_tap_rec {
    vs_ws_tap_kind kind;
    const char *protocol; /* "IKEv1", "IKEv2", "GDOI", "NHRP" */
    const char *message;  /* message type name */
    const char *tunnel;   /* encapsulation mode for overhead records */
    guint32 overhead;     /* encapsulation bytes */
    guint32 frame_len;
    const char *client;   /* NHRP: "tunnel address (NBMA address)" */
    const char *outcome;  /* NHRP: request, reply code, error indication code */
    double response_ms;   /* NHRP reply matched to its request: time since it; else < 0 */
} vs_ws_tap_rec;

extern int vs_ws_tap;
void vs_ws_register_tap(void);
void vs_ws_register_stats(void);
void vs_ws_tap_message(packet_info *pinfo, const char *protocol, const char *message);
/* response_ms < 0: not a reply matched to its request. */
void vs_ws_tap_nhrp_reg(packet_info *pinfo, const char *client, const char *outcome,
                        double response_ms);

/* ---- protocols (one file each) ---- */
void vs_ws_register_ike(void);
void vs_ws_handoff_ike(void);
void vs_ws_register_nhrp(void);
void vs_ws_handoff_nhrp(void);
void vs_ws_register_overhead(void);
void vs_ws_handoff_overhead(void);

#endif
