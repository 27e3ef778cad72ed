/* GRE (RFC 2784, RFC 2890; RFC 1701 and RFC 2637 bits flagged) and Cisco
 * MetaData inside GRE (see include/vpnscope/gre.h). */
#include "vpnscope/gre.h"

#include <string.h>

static vs_span sp(size_t off, size_t len) { return vs_span_at(off, len); }

/* IEEE EtherTypes / GRE protocol types (IEEE registry, IANA "ETHER TYPES",
 * RFC 1701 / RFC 2784 usage; Cisco names where IOS engineers know them). */
const vs_val vs_vals_ethertype[] = {
    VS_V(0x0000, "GRE keepalive (Cisco)"),
    VS_R(0x0001, 0x05DC, "IEEE 802.3 length"),
    VS_V(0x0101, "Experimental"),
    VS_V(0x0200, "Xerox PUP"),
    VS_V(0x0600, "Xerox NS IDP"),
    VS_V(0x0800, "IPv4"),
    VS_V(0x0801, "X.75 Internet"),
    VS_V(0x0805, "X.25 Level 3"),
    VS_V(0x0806, "ARP"),
    VS_V(0x0842, "Wake-on-LAN"),
    VS_V(0x22EB, "ERSPAN type III"),
    VS_V(0x22F0, "IEEE 1722 AVTP"),
    VS_V(0x22F3, "TRILL"),
    VS_V(0x2000, "Cisco Discovery Protocol (CDP)"),
    VS_V(0x2001, "NHRP (Cisco DMVPN)"),
    VS_V(0x2003, "Cisco VTP"),
    VS_V(0x2004, "Cisco DTP"),
    VS_V(0x200A, "Cisco Fabricpath"),
    VS_V(0x4242, "Cisco PVST"),
    VS_V(0x6558, "Transparent Ethernet Bridging"),
    VS_V(0x6559, "Raw Frame Relay"),
    VS_V(0x8035, "RARP"),
    VS_V(0x809B, "AppleTalk"),
    VS_V(0x80F3, "AppleTalk ARP"),
    VS_V(0x8100, "802.1Q VLAN"),
    VS_V(0x8137, "Novell IPX"),
    VS_V(0x814C, "SNMP over Ethernet"),
    VS_V(0x81FF, "Cisco IDSL/ERSPAN-like"),
    VS_V(0x86DD, "IPv6"),
    VS_V(0x8808, "Ethernet flow control"),
    VS_V(0x8809, "Slow protocols (LACP)"),
    VS_V(0x880B, "PPP"),
    VS_V(0x8819, "CobraNet"),
    VS_V(0x8847, "MPLS unicast"),
    VS_V(0x8848, "MPLS multicast"),
    VS_V(0x8863, "PPPoE discovery"),
    VS_V(0x8864, "PPPoE session"),
    VS_V(0x886D, "Intel ANS"),
    VS_V(0x887B, "HomePlug"),
    VS_V(0x888E, "802.1X EAPOL"),
    VS_V(0x8892, "PROFINET"),
    VS_V(0x889A, "HyperSCSI"),
    VS_V(0x88A2, "ATA over Ethernet"),
    VS_V(0x88A4, "EtherCAT"),
    VS_V(0x88A8, "802.1ad QinQ (S-tag)"),
    VS_V(0x88AB, "Ethernet Powerlink"),
    VS_V(0x88B5, "Local experimental 1"),
    VS_V(0x88B6, "Local experimental 2"),
    VS_V(0x88BE, "ERSPAN (type I/II)"),
    VS_V(0x88CC, "LLDP"),
    VS_V(0x88CD, "SERCOS III"),
    VS_V(0x88E1, "HomePlug AV"),
    VS_V(0x88E3, "Media Redundancy Protocol"),
    VS_V(0x88E5, "802.1AE MACsec"),
    VS_V(0x88E7, "802.1ah PBB"),
    VS_V(0x88F7, "PTP (IEEE 1588)"),
    VS_V(0x88FB, "PRP"),
    VS_V(0x8902, "802.1ag CFM"),
    VS_V(0x8906, "FCoE"),
    VS_V(0x8909, "Cisco MetaData (SGT)"),
    VS_V(0x8914, "FCoE initialization"),
    VS_V(0x8915, "RoCE"),
    VS_V(0x891D, "TTEthernet"),
    VS_V(0x892F, "HSR"),
    VS_V(0x894F, "NSH"),
    VS_V(0x9000, "Ethernet loopback (configuration test)"),
    VS_V(0x9100, "QinQ (pre-802.1ad)"),
    VS_V(0x9200, "QinQ (pre-802.1ad)"),
    VS_V(0xB7EA, "GRE control channel"),
    VS_V(0xFFFF, "Reserved"),
    VS_VEND,
};

const vs_val vs_vals_gre_version[] = {
    VS_V(0, "GRE (RFC 2784)"), VS_V(1, "Enhanced GRE (PPTP, RFC 2637)"), VS_VEND,
};

/*
 * RFC 2784 section 2.1 with RFC 2890 section 2 (and RFC 1701 / RFC 2637):
 *   |C|R|K|S|s|Recur|A| Flags | Ver |         Protocol Type         |
 *   |      Checksum (optional)      |   Offset / Reserved1 (opt.)   |
 *   |                         Key (optional)                        |
 *   |                 Sequence Number (optional)                    |
 *   |         Acknowledgment Number (optional, version 1)           |
 *   |                    Routing (optional, RFC 1701)               |
 * Checksum and Offset are present when C or R is set (RFC 1701).
 * Version 1 (PPTP): the key field is payload length (16) | call ID (16).
 */
vs_status vs_gre_decode(vs_cursor *c, vs_tree *t, const vs_ip_msg *ip, vs_gre_msg *out)
{
    vs_gre_msg local;
    if (!out)
        out = &local;
    memset(out, 0, sizeof *out);
    size_t start = c->pos;
    size_t total = vs_cur_left(c);
    uint16_t root = vs_open(t, VS_F_GRE, sp(start, 4), 0);
    vs_span fs = sp(start, 2);
    uint16_t fv = vs_rd_u16(c, t, VS_F_GRE_FLAGS_VER);
    if (c->status == VS_OK) {
        vs_add_bits(t, VS_F_GRE_FLAG_C, fs, fv);
        vs_add_bits(t, VS_F_GRE_FLAG_R, fs, fv);
        vs_add_bits(t, VS_F_GRE_FLAG_K, fs, fv);
        vs_add_bits(t, VS_F_GRE_FLAG_S, fs, fv);
        vs_add_bits(t, VS_F_GRE_FLAG_SSR, fs, fv);
        vs_add_bits(t, VS_F_GRE_FLAG_RECUR, fs, fv);
        vs_add_bits(t, VS_F_GRE_FLAG_A, fs, fv);
        vs_add_bits(t, VS_F_GRE_FLAG_RES, fs, fv);
        vs_add_bits(t, VS_F_GRE_VERSION, fs, fv);
    }
    out->proto = vs_rd_u16(c, t, VS_F_GRE_PROTO);
    if (c->status != VS_OK) {
        vs_close(t);
        vs_report_status(t, c, VS_P_GRE_TRUNCATED, VS_P_GRE_MALFORMED);
        out->payload_cur = *c;
        return c->status;
    }
    out->flags_ver = fv;
    out->version = fv & VS_GRE_VER;
    out->has_cksum = (fv & VS_GRE_C) != 0;
    out->has_routing = (fv & VS_GRE_R) != 0;
    out->has_key = (fv & VS_GRE_K) != 0;
    out->has_seq = (fv & VS_GRE_S) != 0;
    out->has_ack = out->version == 1 && (fv & VS_GRE_A);

    if (out->version > 1)
        vs_problem(t, VS_P_GRE_VERSION_UNKNOWN, root, fs, out->version);
    if (out->version == 0 && (fv & (VS_GRE_A | VS_GRE_RES)))
        vs_problem(t, VS_P_GRE_RESERVED_SET, root, fs, fv & (VS_GRE_A | VS_GRE_RES));
    if (fv & (VS_GRE_R | VS_GRE_SSR | VS_GRE_RECUR))
        vs_problem(t, VS_P_GRE_LEGACY_BITS, root, fs, fv & (VS_GRE_R | VS_GRE_SSR | VS_GRE_RECUR));
    if (out->version == 1) {
        vs_problem(t, VS_P_GRE_PPTP, root, fs, 1);
        if (!out->has_key)
            vs_problem(t, VS_P_GRE_PPTP_NO_KEY, root, fs, fv);
    }

    vs_span cs = sp(c->pos, 2);
    if (out->has_cksum || out->has_routing) {
        out->cksum = vs_rd_u16(c, t, VS_F_GRE_CHECKSUM);
        /* Verify over the whole GRE packet when it is all here. */
        bool frag = ip && ip->is_fragment;
        if (c->status == VS_OK && out->has_cksum && !frag && c->cap - start >= total &&
            c->end != VS_LEN_UNKNOWN) {
            const uint8_t *p = c->buf + start;
            uint32_t s = vs_inet_sum(p, 4, 0);
            s = vs_inet_sum(p + 6, total - 6, s);
            out->cksum_calc = vs_inet_fold(s);
            out->cksum_checked = true;
            out->cksum_ok = vs_inet_cksum(p, total, 0) == 0;
            vs_add_gen(t, VS_F_GRE_CHECKSUM_CALC, cs, out->cksum_calc);
            uint16_t g = vs_add_gen(t, VS_F_GRE_CHECKSUM_GOOD, cs, out->cksum_ok);
            if (!out->cksum_ok)
                vs_problem(t, VS_P_GRE_CHECKSUM_BAD, g, cs, out->cksum_calc);
        }
        out->offset = vs_rd_u16(c, t, VS_F_GRE_OFFSET);
    }
    if (out->has_key) {
        vs_span ks = sp(c->pos, 4);
        out->key = vs_u32(c);
        if (c->status == VS_OK) {
            vs_add(t, VS_F_GRE_KEY, ks, out->key);
            if (out->version == 1) {
                vs_add(t, VS_F_GRE_PPTP_PLEN, sp(ks.off, 2), out->key >> 16);
                vs_add(t, VS_F_GRE_PPTP_CALLID, sp(ks.off + 2, 2), out->key & 0xFFFF);
            }
        }
    }
    if (out->has_seq)
        out->seq = vs_rd_u32(c, t, VS_F_GRE_SEQ);
    if (out->has_ack)
        out->ack = vs_rd_u32(c, t, VS_F_GRE_ACK);
    if (out->has_routing) {
        /* RFC 1701 section 2.2: SREs until one with family 0 and length 0. */
        /* Each SRE takes at least 4 bytes: the packet bounds the walk. */
        while (c->status == VS_OK) {
            size_t ss = c->pos;
            uint16_t sre = vs_open(t, VS_F_GRE_SRE, sp(ss, 4), 0);
            uint16_t af = vs_rd_u16(c, t, VS_F_GRE_SRE_AF);
            vs_rd_u8(c, t, VS_F_GRE_SRE_OFFSET);
            uint8_t slen = vs_rd_u8(c, t, VS_F_GRE_SRE_LEN);
            vs_set_value(t, sre, af);
            if (c->status == VS_OK && slen > 0)
                vs_rd_bytes(c, t, VS_F_GRE_SRE_DATA, slen);
            vs_set_len(t, sre, c->pos);
            vs_close(t);
            if (af == 0 && slen == 0)
                break;
        }
    }
    out->hdr_len = c->pos - start;
    vs_set_len(t, root, c->pos);
    if (c->status == VS_OK && out->proto == VS_ETH_KEEPALIVE)
        vs_problem(t, VS_P_GRE_KEEPALIVE, root, sp(start + 2, 2), 0);
    vs_close(t);
    out->span = sp(start, total);
    out->payload = sp(c->pos, c->status == VS_OK ? total - out->hdr_len : 0);
    out->payload_cur = *c;
    if (c->status == VS_OK) {
        vs_cursor r;
        vs_cur_rest(c, &r);
        vs_skip(&r, vs_cur_left(&r));
        vs_cur_fail(c, r.status);
    }
    vs_report_status(t, c, VS_P_GRE_TRUNCATED, VS_P_GRE_MALFORMED);
    return c->status;
}

/* Cisco MetaData in GRE (Wireshark packet-cisco-metadata.c, dissect_cmd_gre):
 *   | EtherType (2) | Version (1) | Length (1) | Options (2) | SGT (2) | payload */
vs_status vs_cmd_decode(vs_cursor *c, vs_tree *t, vs_cmd_msg *out)
{
    vs_cmd_msg local;
    if (!out)
        out = &local;
    memset(out, 0, sizeof *out);
    size_t start = c->pos;
    vs_open(t, VS_F_CMD, sp(start, 8), 0);
    out->ethertype = vs_rd_u16(c, t, VS_F_CMD_ETHERTYPE);
    out->version = vs_rd_u8(c, t, VS_F_CMD_VERSION);
    out->length = vs_rd_u8(c, t, VS_F_CMD_LENGTH);
    out->options = vs_rd_u16(c, t, VS_F_CMD_OPTIONS);
    out->sgt = vs_rd_u16(c, t, VS_F_CMD_SGT);
    vs_close(t);
    out->span = sp(start, 8);
    out->payload_cur = *c;
    vs_report_status(t, c, VS_P_CMD_TRUNCATED, VS_P_CMD_MALFORMED);
    return c->status;
}
