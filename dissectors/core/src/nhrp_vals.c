/* NHRP value-name tables (RFC 2332, IANA registries, Cisco usage). */
#include "vpnscope/catalogue.h"

/* IANA Address Family Numbers (ar$afn). */
const vs_val vs_vals_nhrp_afn[] = {
    VS_V(0, "Reserved"),
    VS_V(1, "IPv4"),
    VS_V(2, "IPv6"),
    VS_V(3, "NSAP"),
    VS_V(4, "HDLC (8-bit multidrop)"),
    VS_V(5, "BBN 1822"),
    VS_V(6, "802 (incl. all 802 media plus Ethernet canonical format)"),
    VS_V(7, "E.163"),
    VS_V(8, "E.164 (SMDS, Frame Relay, ATM)"),
    VS_V(9, "F.69 (Telex)"),
    VS_V(10, "X.121 (X.25, Frame Relay)"),
    VS_V(11, "IPX"),
    VS_V(12, "AppleTalk"),
    VS_V(13, "DECnet IV"),
    VS_V(14, "Banyan Vines"),
    VS_V(15, "E.164 with NSAP format subaddress"),
    VS_V(16, "DNS (Domain Name System)"),
    VS_V(17, "Distinguished Name"),
    VS_V(18, "AS Number"),
    VS_V(19, "XTP over IPv4"),
    VS_V(20, "XTP over IPv6"),
    VS_V(21, "XTP native mode XTP"),
    VS_V(22, "Fibre Channel World-Wide Port Name"),
    VS_V(23, "Fibre Channel World-Wide Node Name"),
    VS_V(24, "GWID"),
    VS_V(65535, "Reserved"),
    VS_VEND};

/* ar$pro.type (RFC 2332 5.1): NLPIDs, IETF/ATM Forum/experimental ranges,
 * Ethertypes. Specific values first: the first match wins. */
const vs_val vs_vals_nhrp_pro_type[] = {
    VS_V(0x0080, "SNAP (long form in ar$pro.snap)"),
    VS_V(0x00CC, "IPv4 (NLPID)"),
    VS_V(0x008E, "IPv6 (NLPID)"),
    VS_V(0x0800, "IPv4"),
    VS_V(0x86DD, "IPv6"),
    VS_V(0x0806, "ARP"),
    VS_V(0x8137, "IPX"),
    VS_V(0x809B, "AppleTalk"),
    VS_V(0x6003, "DECnet Phase IV"),
    VS_V(0x8847, "MPLS unicast"),
    VS_R(0x0000, 0x00FF, "NLPID"),
    VS_R(0x0100, 0x03FF, "Reserved for future use by the IETF"),
    VS_R(0x0400, 0x04FF, "Allocated for use by the ATM Forum"),
    VS_R(0x0500, 0x05FF, "Experimental/Local use"),
    VS_R(0x0600, 0xFFFF, "Ethertype"),
    VS_VEND};

const vs_val vs_vals_nhrp_cksum_status[] = {
    VS_V(0, "Bad"),
    VS_V(1, "Good"),
    VS_V(2, "Unverified"),
    VS_VEND};

const vs_val vs_vals_nhrp_version[] = {
    VS_V(1, "NHRP (RFC 2332)"),
    VS_R(2, 0xFE, "Reserved"),
    VS_V(0xFF, "Experimental/Local use"),
    VS_VEND};

const vs_val vs_vals_nhrp_op_type[] = {
    VS_V(1, "Resolution Request"),
    VS_V(2, "Resolution Reply"),
    VS_V(3, "Registration Request"),
    VS_V(4, "Registration Reply"),
    VS_V(5, "Purge Request"),
    VS_V(6, "Purge Reply"),
    VS_V(7, "Error Indication"),
    VS_V(8, "Traffic Indication (Cisco)"),
    VS_VEND};

const vs_val vs_vals_nhrp_tl_type[] = {
    VS_V(0, "NSAP format"),
    VS_V(1, "Native E.164 format"),
    VS_VEND};

/* RFC 2332 5.2.7. Code 2 is the loop-detected number OpenNHRP and FRR nhrpd
 * (both written to interoperate with IOS DMVPN) use; the RFC says 3. */
const vs_val vs_vals_nhrp_err_code[] = {
    VS_V(1, "Unrecognized Extension"),
    VS_V(2, "NHRP Loop Detected (OpenNHRP/FRR numbering)"),
    VS_V(3, "NHRP Loop Detected"),
    VS_V(6, "Protocol Address Unreachable"),
    VS_V(7, "Protocol Error"),
    VS_V(8, "NHRP SDU Size Exceeded"),
    VS_V(9, "Invalid Extension"),
    VS_V(10, "Invalid NHRP Resolution Reply Received"),
    VS_V(11, "Authentication Failure"),
    VS_V(15, "Hop Count Exceeded"),
    VS_VEND};

const vs_val vs_vals_nhrp_traffic_code[] = {
    VS_V(0, "NHRP traffic redirect indication"),
    VS_VEND};

/* CIE codes of replies (RFC 2332 5.2.2, 5.2.4, 5.2.6). */
const vs_val vs_vals_nhrp_cie_code[] = {
    VS_V(0, "Success"),
    VS_V(4, "Administratively Prohibited"),
    VS_V(5, "Insufficient Resources"),
    VS_V(12, "No Internetworking Layer Address to NBMA Address Binding Exists"),
    VS_V(13, "Binding Exists But Is Not Unique"),
    VS_V(14, "Unique Internetworking Layer Address Already Registered"),
    VS_VEND};

const vs_val vs_vals_nhrp_ext_type[] = {
    VS_V(0, "End of Extensions"),
    VS_V(3, "Responder Address"),
    VS_V(4, "Forward Transit NHS Record"),
    VS_V(5, "Reverse Transit NHS Record"),
    VS_V(7, "Authentication"),
    VS_V(8, "Vendor-Private"),
    VS_V(9, "Cisco NAT Address"),
    VS_VEND};

const vs_val vs_vals_nhrp_auth_form[] = {
    VS_V(1, "RFC 2332 (SPI, source address, data)"),
    VS_V(2, "Cisco (type, cleartext password; no source address)"),
    VS_VEND};

const vs_val vs_vals_nhrp_cisco_auth[] = {
    VS_V(1, "Cleartext password"),
    VS_VEND};
