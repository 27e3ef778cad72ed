/* NHRP test vectors shared by test_nhrp.c and test_nhrp_tshark.c (contents
 * described at the end). Built per RFC 2332 layout with struct.pack,
 * checksums computed by RFC 1071 and confirmed [correct] by tshark. */
#ifndef TEST_NHRP_VECTORS_H
#define TEST_NHRP_VECTORS_H

/* v_res_reply: 192 bytes, checksum 0xde07  */
static const char *const v_res_reply =
    "00 01 08 00 00 00 00 00 00 05 00 c0 de 07 00 55" /* 0 */
    "01 02 04 02 04 04 c0 02 00 00 12 34 c0 00 02 01" /* 16 */
    "ab cd 0a 00 00 01 0a 00 00 02 00 20 00 00 05 dc" /* 32 */
    "1c 20 04 03 04 00 c0 00 02 02 11 22 33 0a 00 00" /* 48 */
    "02 00 18 00 00 05 78 00 3c 04 00 04 0a c0 00 02" /* 64 */
    "03 0a 00 01 00 80 03 00 14 00 20 00 00 05 dc 1c" /* 80 */
    "20 04 00 04 00 c0 00 02 02 0a 00 00 02 80 04 00" /* 96 */
    "14 00 20 00 00 05 dc 1c 20 04 00 04 00 c0 00 02" /* 112 */
    "64 0a 00 00 64 80 05 00 14 00 20 00 00 05 dc 1c" /* 128 */
    "20 04 00 04 00 c0 00 02 65 0a 00 00 65 80 07 00" /* 144 */
    "10 00 00 00 2a 0a 00 00 01 de ad be ef 01 02 03" /* 160 */
    "04 00 08 00 07 00 00 0c 01 02 03 04 80 00 00 00" /* 176 */
    ;
/* v_res_request: 68 bytes, checksum 0x031b  */
static const char *const v_res_request =
    "00 01 08 00 00 00 00 00 00 03 00 44 03 1b 00 34" /* 0 */
    "01 01 04 00 04 04 88 02 00 00 00 07 c6 33 64 07" /* 16 */
    "0a 00 00 07 0a 00 02 01 00 ff 00 00 05 ea 1c 20" /* 32 */
    "00 00 00 00 80 03 00 00 80 04 00 00 80 05 00 00" /* 48 */
    "80 00 00 00" /* 64 */
    ;
/* v_reg_req6: 165 bytes, checksum 0xd571  */
static const char *const v_reg_req6 =
    "00 02 86 dd 00 00 00 00 00 ff 00 a5 d5 71 00 58" /* 0 */
    "01 03 10 00 10 10 80 02 00 00 01 01 20 01 0d b8" /* 16 */
    "00 00 00 00 00 00 00 00 00 00 00 01 fd 00 00 00" /* 32 */
    "00 00 00 00 00 00 00 00 00 00 00 01 fd 00 00 00" /* 48 */
    "00 00 00 00 00 00 00 00 00 00 00 ff 00 80 00 00" /* 64 */
    "05 78 02 58 00 00 00 00 80 03 00 00 80 04 00 00" /* 80 */
    "80 05 00 00 80 07 00 09 00 00 00 01 44 4d 56 50" /* 96 */
    "4e 00 09 00 2c 00 80 00 00 05 78 00 00 10 00 10" /* 112 */
    "00 20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00" /* 128 */
    "ff fd 00 00 00 00 00 00 00 00 00 00 00 00 00 00" /* 144 */
    "ff 80 00 00 00" /* 160 */
    ;
/* v_reg_reply_6o4: 136 bytes, checksum 0xf147  */
static const char *const v_reg_reply_6o4 =
    "00 01 86 dd 00 00 00 00 00 05 00 88 f1 47 00 60" /* 0 */
    "01 04 04 00 10 10 80 00 00 00 01 01 cb 00 71 01" /* 16 */
    "fd 00 00 00 00 00 00 00 00 00 00 00 00 00 00 01" /* 32 */
    "fd 00 00 00 00 00 00 00 00 00 00 00 00 00 00 ff" /* 48 */
    "0e 80 00 00 05 78 02 58 04 00 10 00 cb 00 71 09" /* 64 */
    "fd 00 00 00 00 00 00 00 00 00 00 00 00 00 00 01" /* 80 */
    "80 03 00 20 00 80 00 00 05 78 02 58 04 00 10 00" /* 96 */
    "cb 00 71 01 fd 00 00 00 00 00 00 00 00 00 00 00" /* 112 */
    "00 00 00 ff 80 00 00 00" /* 128 */
    ;
/* v_purge_req: 56 bytes, checksum 0x8a2e  */
static const char *const v_purge_req =
    "00 01 08 00 00 00 00 00 00 05 00 38 8a 2e 00 00" /* 0 */
    "01 05 04 00 04 04 80 00 00 00 00 55 c0 00 02 01" /* 16 */
    "0a 00 00 01 0a 00 00 09 00 20 00 00 00 00 00 00" /* 32 */
    "00 00 04 00 0a 00 00 09" /* 48 */
    ;
/* v_purge_reply: 60 bytes, checksum 0x89e9  */
static const char *const v_purge_reply =
    "00 01 08 00 00 00 00 00 00 05 00 3c 89 e9 00 38" /* 0 */
    "01 06 04 00 04 04 00 00 00 00 00 55 c0 00 02 09" /* 16 */
    "0a 00 00 09 0a 00 00 01 00 20 00 00 00 00 00 00" /* 32 */
    "00 00 04 00 0a 00 00 09 80 00 00 00" /* 48 */
    ;
/* v_error: 112 bytes, checksum 0x97e6  */
static const char *const v_error =
    "00 01 08 00 00 00 00 00 00 05 00 70 97 e6 00 6c" /* 0 */
    "01 07 04 00 04 04 00 00 00 06 00 1c c0 00 02 01" /* 16 */
    "0a 00 00 01 0a 00 00 07 00 01 08 00 00 00 00 00" /* 32 */
    "00 03 00 44 03 1b 00 34 01 01 04 00 04 04 88 02" /* 48 */
    "00 00 00 07 c6 33 64 07 0a 00 00 07 0a 00 02 01" /* 64 */
    "00 ff 00 00 05 ea 1c 20 00 00 00 00 80 03 00 00" /* 80 */
    "80 04 00 00 80 05 00 00 80 00 00 00 80 00 00 00" /* 96 */
    ;
/* v_traffic: 72 bytes, checksum 0xfb34  */
static const char *const v_traffic =
    "00 01 08 00 00 00 00 00 00 01 00 48 fb 34 00 44" /* 0 */
    "01 08 04 00 04 04 00 00 00 00 00 00 c0 00 02 01" /* 16 */
    "0a 00 00 01 0a 00 01 05 45 00 00 1c 00 01 00 00" /* 32 */
    "40 01 00 00 0a 00 01 05 0a 00 02 05 08 00 f7 ff" /* 48 */
    "00 00 00 00 80 00 00 00" /* 64 */
    ;
/* v_snap: 44 bytes, checksum 0xd363  */
static const char *const v_snap =
    "00 08 00 80 00 00 00 08 00 05 00 2c d3 63 00 00" /* 0 */
    "01 01 48 00 04 04 00 00 00 00 00 02 31 35 35 35" /* 16 */
    "31 32 33 34 0a 00 00 01 0a 00 00 02" /* 32 */
    ;

/* Vector contents (offsets in bytes from the start of the NHRP packet):
 * v_res_reply      Resolution Reply, IPv4/IPv4, flags Q|A|NAT, request 0x1234, source NBMA
 *                  subaddress abcd (ar$sstl 2), CIE 42 (client NBMA subaddress 112233!),
 *                  CIE 65 (preference 10), extoff 85: responder 85, forward transit 109,
 *                  reverse transit 133 (one CIE each), RFC authentication 157 (SPI 42,
 *                  source 10.0.0.1, 8 data bytes), vendor private 177 (OUI 00000c), end 188.
 * v_res_request    Resolution Request, flags Q|S|NAT, one CIE 40, empty responder/forward/
 *                  reverse extensions, end.
 * v_reg_req6       Registration Request, IPv6 NBMA (afn 2) and IPv6 protocol (0x86dd),
 *                  flags U|NAT, CIE 76, Cisco authentication 100 ("DMVPN"), Cisco NAT
 *                  address extension 113 with an IPv6 CIE, end 161.
 * v_reg_reply_6o4  Registration Reply, DMVPN IPv6 over IPv4 NBMA, CIE code 14, responder.
 * v_purge_req      Purge Request, flag N, one CIE, no extensions (extoff 0).
 * v_purge_reply    Purge Reply, one CIE, end extension only.
 * v_error          Error Indication, code 6 (Protocol Address Unreachable), offset 28,
 *                  containing v_res_request at 40, end extension at 108.
 * v_traffic        Cisco Traffic Indication, code 0 (redirect), containing an IPv4 ICMP
 *                  packet 10.0.1.5 -> 10.0.2.5 at 40, end extension at 68.
 * v_snap           SNAP long form (ar$pro.type 0x0080, OUI 000000, PID 0800), E.164 NBMA
 *                  address (ar$shtl type bit 0x40, length 8), no extensions.
 */

#endif
