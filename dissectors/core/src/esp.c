/* ESP (RFC 4303) header and decrypted trailer; AH (RFC 4302) header
 * (see include/vpnscope/esp.h). */
#include "vpnscope/esp.h"

#include <string.h>

static vs_span sp(size_t off, size_t len) { return vs_span_at(off, len); }

/* RFC 4303 section 2:
 *   |               Security Parameters Index (SPI)                 |
 *   |                      Sequence Number                          |
 *   |        IV (optional) | Payload Data | Padding | Pad Length | Next Header |
 *   |        Integrity Check Value (variable)                        |
 * Everything after the sequence number is opaque until the SA is known. */
vs_status vs_esp_decode(vs_cursor *c, vs_tree *t, vs_esp_msg *out)
{
    vs_esp_msg local;
    if (!out)
        out = &local;
    memset(out, 0, sizeof *out);
    size_t start = c->pos;
    size_t total = vs_cur_left(c);
    uint16_t root = vs_open(t, VS_F_ESP, sp(start, total), 0);
    vs_span ss = sp(c->pos, 4);
    out->spi = vs_rd_u32(c, t, VS_F_ESP_SPI);
    out->seq = vs_rd_u32(c, t, VS_F_ESP_SEQ);
    if (c->status == VS_OK) {
        if (out->spi == 0)
            vs_problem(t, VS_P_ESP_SPI_ZERO, root, ss, 0);
        else if (out->spi < 256)
            vs_problem(t, VS_P_ESP_SPI_RESERVED, root, ss, out->spi);
        size_t n = vs_cur_left(c);
        out->data = sp(c->pos, n);
        if (n > 0) {
            /* The item covers what was captured; its value is the real length. */
            size_t have = vs_cur_avail(c) < n ? vs_cur_avail(c) : n;
            if (have > 0)
                vs_add(t, VS_F_ESP_DATA, sp(c->pos, have), n);
            vs_skip(c, n);
        }
    }
    vs_close(t);
    out->span = sp(start, total);
    vs_report_status(t, c, VS_P_ESP_TRUNCATED, VS_P_ESP_MALFORMED);
    return c->status;
}

/* RFC 4303 section 2.4/2.5/2.6 on a decrypted payload. */
vs_status vs_esp_trailer_decode(vs_cursor *c, vs_tree *t, vs_esp_trailer *out)
{
    vs_esp_trailer local;
    if (!out)
        out = &local;
    memset(out, 0, sizeof *out);
    size_t start = c->pos;
    size_t n = vs_cur_left(c);
    vs_open(t, VS_F_ESP, sp(start, n), 0);
    if (n < 2 || vs_cur_avail(c) < n) {
        /* The trailer sits at the end: it is either absent (MALFORMED when
         * the length is known) or not captured (TRUNCATED). */
        vs_skip(c, n < 2 ? 2 : n);
        vs_close(t);
        out->payload_cur = *c;
        vs_report_status(t, c, VS_P_ESP_TRUNCATED, VS_P_ESP_MALFORMED);
        return c->status;
    }
    const uint8_t *p = c->buf + start;
    out->pad_len = p[n - 2];
    out->next_header = p[n - 1];
    if ((size_t)out->pad_len > n - 2) {
        /* Cannot be followed: the padding would start before the payload. */
        c->pos = start + n - 2;
        vs_rd_u8(c, t, VS_F_ESP_PAD_LEN);
        vs_problem(t, VS_P_ESP_PAD_LEN_LONG, VS_NO_ITEM, sp(start + n - 2, 1), out->pad_len);
        vs_rd_u8(c, t, VS_F_ESP_NEXT_HEADER);
        vs_cur_fail(c, VS_MALFORMED);
        vs_close(t);
        out->payload_cur = *c;
        out->payload_cur.status = VS_MALFORMED;
        vs_report_status(t, c, VS_P_ESP_TRUNCATED, VS_P_ESP_MALFORMED);
        return c->status;
    }
    size_t plen = n - 2 - out->pad_len;
    out->payload = sp(start, plen);
    out->padding = sp(start + plen, out->pad_len);
    out->payload_cur = *c;
    out->payload_cur.end = start + plen;
    out->payload_cur.cap = start + plen;
    if (plen > 0)
        vs_rd_bytes(c, t, VS_F_ESP_PAYLOAD, plen);
    out->pad_ok = true;
    if (out->pad_len > 0) {
        vs_span ps = sp(c->pos, out->pad_len);
        const uint8_t *pad = vs_rd_bytes(c, t, VS_F_ESP_PAD, out->pad_len);
        for (size_t i = 0; pad && i < out->pad_len; i++) {
            if (pad[i] != (uint8_t)(i + 1)) {
                out->pad_ok = false;
                out->bad_pad_at = i;
                break;
            }
        }
        uint16_t g = vs_add_gen(t, VS_F_ESP_PAD_GOOD, ps, out->pad_ok);
        if (!out->pad_ok)
            vs_problem(t, VS_P_ESP_PAD_BAD, g, sp(ps.off + out->bad_pad_at, 1), out->bad_pad_at);
    }
    vs_rd_u8(c, t, VS_F_ESP_PAD_LEN);
    vs_span ns = sp(c->pos, 1);
    vs_rd_u8(c, t, VS_F_ESP_NEXT_HEADER);
    if (out->next_header == 59)
        vs_problem(t, VS_P_ESP_DUMMY, VS_NO_ITEM, ns, 59);
    vs_close(t);
    vs_report_status(t, c, VS_P_ESP_TRUNCATED, VS_P_ESP_MALFORMED);
    return c->status;
}

/* RFC 4302 section 2:
 *   | Next Header   |  Payload Len  |          RESERVED             |
 *   |                 Security Parameters Index (SPI)               |
 *   |                    Sequence Number Field                      |
 *   |                Integrity Check Value-ICV (variable)           |
 * Payload Len is the AH length in 32-bit words minus 2. */
vs_status vs_ah_decode(vs_cursor *c, vs_tree *t, vs_ah_msg *out)
{
    vs_ah_msg local;
    if (!out)
        out = &local;
    memset(out, 0, sizeof *out);
    size_t start = c->pos;
    uint16_t root = vs_open(t, VS_F_AH, sp(start, 12), 0);
    out->next_header = vs_rd_u8(c, t, VS_F_AH_NEXT_HEADER);
    vs_span ls = sp(c->pos, 1);
    out->len = vs_rd_u8(c, t, VS_F_AH_LEN);
    vs_span rs = sp(c->pos, 2);
    out->reserved = vs_rd_u16(c, t, VS_F_AH_RESERVED);
    vs_span ss = sp(c->pos, 4);
    out->spi = vs_rd_u32(c, t, VS_F_AH_SPI);
    out->seq = vs_rd_u32(c, t, VS_F_AH_SEQ);
    out->hdr_len = ((size_t)out->len + 2) * 4;
    if (c->status == VS_OK) {
        if (out->reserved != 0)
            vs_problem(t, VS_P_AH_RESERVED_SET, root, rs, out->reserved);
        if (out->spi == 0)
            vs_problem(t, VS_P_AH_SPI_ZERO, root, ss, 0);
        if (out->hdr_len < 12) {
            vs_problem(t, VS_P_AH_LEN_SHORT, root, ls, out->len);
            vs_cur_fail(c, VS_MALFORMED);
        } else if (out->hdr_len > 12) {
            vs_span is = sp(c->pos, out->hdr_len - 12);
            vs_cursor icv;
            if (vs_cur_sub(c, out->hdr_len - 12, &icv) == VS_OK) {
                vs_rd_bytes(&icv, t, VS_F_AH_ICV, out->hdr_len - 12);
                vs_cur_fail(c, icv.status);
            }
            out->icv = is;
        }
    }
    vs_set_len(t, root, start + out->hdr_len);
    vs_close(t);
    out->span = sp(start, out->hdr_len);
    out->payload_cur = *c;
    vs_report_status(t, c, VS_P_AH_TRUNCATED, VS_P_AH_MALFORMED);
    return c->status;
}
