/* Shared helpers for the Criterion suites. */
#ifndef VS_TEST_H
#define VS_TEST_H

#include <stddef.h>
#include <stdint.h>

#include "vpnscope/core.h"

/* Parse a hex string (spaces, newlines and ':' ignored) into a malloc'd
 * buffer; *len receives its length. Aborts the test on bad input. */
uint8_t *vs_hex(const char *hex, size_t *len);

/* A decoder under test: decode len bytes at buf into t (t may be NULL). */
typedef vs_status (*vs_decode_fn)(const uint8_t *buf, size_t len, vs_tree *t);

/* For every prefix length 0..len-1, copy the prefix into a buffer of exactly
 * that size (so ASan catches any overread) and assert the decoder returns
 * VS_TRUNCATED. Then assert the full message decodes with want_full. */
void vs_check_truncations(const uint8_t *msg, size_t len, vs_decode_fn fn, vs_status want_full);

/* The same for a vector given as hex (see vs_hex). */
void vs_check_truncations_hex(const char *hex, vs_decode_fn fn, vs_status want_full);

/* A tree with generous storage, for tests. */
typedef struct vs_test_tree {
    vs_tree t;
    vs_item items[4096];
    vs_problem_rec problems[256];
} vs_test_tree;
void vs_test_tree_init(vs_test_tree *tt, const uint8_t *buf);

/* Find the n-th (0-based) item of field f; fails the test when absent. */
const vs_item *vs_item_nth(const vs_tree *t, vs_field_id f, size_t n);
/* Assert that the n-th item of field f has this value and span. */
void vs_assert_item(const vs_tree *t, vs_field_id f, size_t n, uint64_t value, uint32_t off,
                    uint32_t len);
/* Was problem p reported? */
int vs_has_problem(const vs_tree *t, vs_problem_id p);

/* Read a whole file (malloc'd); NULL when it does not exist. */
uint8_t *vs_read_file(const char *path, size_t *len);

/* Iterate the records of a classic pcap or pcapng file (minimal reader for
 * tests, independent of libpcap). cb gets the link type, frame number
 * (1-based) and the captured bytes and original length. Returns the number
 * of frames, or -1 when the file cannot be read. */
typedef void (*vs_pcap_cb)(void *ctx, int linktype, unsigned frame, const uint8_t *data,
                           size_t caplen, size_t wirelen);
int vs_pcap_foreach(const char *path, vs_pcap_cb cb, void *ctx);

#endif

/* Minimal, independent decapsulation for tests (not the core's: tests must
 * not trust the code under test to find their input). From a frame, find the
 * first payload of the wanted kind: returns its offset inside data and sets
 * *plen, or returns -1.
 *   VS_TP_UDP_PORT   UDP payload where either port equals port
 *                    (for 4500 the 4-byte non-ESP marker is kept)
 *   VS_TP_GRE_PROTO  GRE payload whose protocol type equals port
 *   VS_TP_IP_PROTO   IP payload whose protocol number equals port (50 = ESP)
 * The outermost match is returned; GRE is followed one level into IPv4. */
enum vs_tp_kind { VS_TP_UDP_PORT, VS_TP_GRE_PROTO, VS_TP_IP_PROTO };
long vs_test_find_payload(int linktype, const uint8_t *data, size_t caplen, enum vs_tp_kind kind,
                          unsigned port, size_t *plen);

/* Run tshark -r capture -T fields -E separator=| -e f1 -e f2 ... plus extra
 * arguments (may be NULL) and return the output lines (one per frame, in
 * frame order) as a NULL-terminated malloc'd array; NULL when tshark is not
 * installed. Free with vs_lines_free. Runs with TZ=UTC and -n. */
char **vs_tshark_fields(const char *capture, const char *extra_args, const char *const *fields);
void vs_lines_free(char **lines);
/* Split a line on '|' into at most max fields (modifies the line). */
int vs_split(char *line, char **out, int max);

/* Path of a capture in ../shared/captures, or NULL (and a skip) when that
 * folder is absent, as on a user's machine. */
const char *vs_shared_capture(const char *name);
