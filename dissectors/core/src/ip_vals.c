/* Value-name tables for IPv4/IPv6/UDP and the link layers (IANA registries:
 * "Assigned Internet Protocol Numbers", "IP Option Numbers", "Destination
 * Options and Hop-by-Hop Options", "Routing Types", tcpdump.org LINKTYPEs). */
#include "vpnscope/ip.h"
#include "vpnscope/udp.h"

/* IANA Assigned Internet Protocol Numbers. */
const vs_val vs_vals_ip_proto[] = {
    VS_V(0, "IPv6 Hop-by-Hop Option"),
    VS_V(1, "ICMP"),
    VS_V(2, "IGMP"),
    VS_V(3, "GGP"),
    VS_V(4, "IPv4 encapsulation (IP-in-IP)"),
    VS_V(5, "ST"),
    VS_V(6, "TCP"),
    VS_V(7, "CBT"),
    VS_V(8, "EGP"),
    VS_V(9, "IGP (Cisco IGRP)"),
    VS_V(10, "BBN-RCC-MON"),
    VS_V(11, "NVP-II"),
    VS_V(12, "PUP"),
    VS_V(14, "EMCON"),
    VS_V(15, "XNET"),
    VS_V(16, "CHAOS"),
    VS_V(17, "UDP"),
    VS_V(18, "MUX"),
    VS_V(19, "DCN-MEAS"),
    VS_V(20, "HMP"),
    VS_V(21, "PRM"),
    VS_V(22, "XNS-IDP"),
    VS_V(27, "RDP"),
    VS_V(28, "IRTP"),
    VS_V(29, "ISO-TP4"),
    VS_V(30, "NETBLT"),
    VS_V(33, "DCCP"),
    VS_V(36, "XTP"),
    VS_V(37, "DDP"),
    VS_V(38, "IDPR-CMTP"),
    VS_V(41, "IPv6 encapsulation"),
    VS_V(42, "SDRP"),
    VS_V(43, "IPv6 Routing Header"),
    VS_V(44, "IPv6 Fragment Header"),
    VS_V(45, "IDRP"),
    VS_V(46, "RSVP"),
    VS_V(47, "GRE"),
    VS_V(48, "DSR"),
    VS_V(49, "BNA"),
    VS_V(50, "ESP"),
    VS_V(51, "AH"),
    VS_V(52, "I-NLSP"),
    VS_V(53, "SwIPe"),
    VS_V(54, "NARP (NHRP)"),
    VS_V(55, "Minimal IPv4 encapsulation"),
    VS_V(56, "TLSP"),
    VS_V(57, "SKIP"),
    VS_V(58, "ICMPv6"),
    VS_V(59, "No Next Header"),
    VS_V(60, "IPv6 Destination Options"),
    VS_V(62, "CFTP"),
    VS_V(64, "SAT-EXPAK"),
    VS_V(65, "KRYPTOLAN"),
    VS_V(66, "RVD"),
    VS_V(67, "IPPC"),
    VS_V(69, "SAT-MON"),
    VS_V(70, "VISA"),
    VS_V(71, "IPCV"),
    VS_V(72, "CPNX"),
    VS_V(73, "CPHB"),
    VS_V(74, "WSN"),
    VS_V(75, "PVP"),
    VS_V(76, "BR-SAT-MON"),
    VS_V(77, "SUN-ND"),
    VS_V(78, "WB-MON"),
    VS_V(79, "WB-EXPAK"),
    VS_V(80, "ISO-IP"),
    VS_V(81, "VMTP"),
    VS_V(82, "SECURE-VMTP"),
    VS_V(83, "VINES"),
    VS_V(84, "IPTM"),
    VS_V(85, "NSFNET-IGP"),
    VS_V(86, "DGP"),
    VS_V(87, "TCF"),
    VS_V(88, "EIGRP"),
    VS_V(89, "OSPF"),
    VS_V(90, "Sprite-RPC"),
    VS_V(91, "LARP"),
    VS_V(92, "MTP"),
    VS_V(93, "AX.25"),
    VS_V(94, "IPIP (KA9Q)"),
    VS_V(95, "MICP"),
    VS_V(96, "SCC-SP"),
    VS_V(97, "ETHERIP"),
    VS_V(98, "ENCAP"),
    VS_V(100, "GMTP"),
    VS_V(101, "IFMP"),
    VS_V(102, "PNNI"),
    VS_V(103, "PIM"),
    VS_V(104, "ARIS"),
    VS_V(105, "SCPS"),
    VS_V(106, "QNX"),
    VS_V(107, "A/N"),
    VS_V(108, "IPComp"),
    VS_V(109, "SNP"),
    VS_V(110, "Compaq-Peer"),
    VS_V(111, "IPX-in-IP"),
    VS_V(112, "VRRP"),
    VS_V(113, "PGM"),
    VS_V(115, "L2TP"),
    VS_V(116, "DDX"),
    VS_V(117, "IATP"),
    VS_V(118, "STP"),
    VS_V(119, "SRP"),
    VS_V(120, "UTI"),
    VS_V(121, "SMP"),
    VS_V(122, "SM"),
    VS_V(123, "PTP"),
    VS_V(124, "IS-IS over IPv4"),
    VS_V(125, "FIRE"),
    VS_V(126, "CRTP"),
    VS_V(127, "CRUDP"),
    VS_V(128, "SSCOPMCE"),
    VS_V(129, "IPLT"),
    VS_V(130, "SPS"),
    VS_V(131, "PIPE"),
    VS_V(132, "SCTP"),
    VS_V(133, "FC"),
    VS_V(134, "RSVP-E2E-IGNORE"),
    VS_V(135, "Mobility Header"),
    VS_V(136, "UDPLite"),
    VS_V(137, "MPLS-in-IP"),
    VS_V(138, "manet"),
    VS_V(139, "HIP"),
    VS_V(140, "Shim6"),
    VS_V(141, "WESP"),
    VS_V(142, "ROHC"),
    VS_V(143, "Ethernet"),
    VS_V(144, "AGGFRAG"),
    VS_V(145, "NSH"),
    VS_R(146, 252, "Unassigned"),
    VS_R(253, 254, "Experimentation and testing"),
    VS_V(255, "Reserved"),
    VS_VEND,
};

/* RFC 2474 / RFC 4594 / RFC 8622 code points, IOS names. */
const vs_val vs_vals_ip_dscp[] = {
    VS_V(0, "Default (CS0)"), VS_V(1, "LE"), VS_V(8, "CS1"), VS_V(10, "AF11"),
    VS_V(12, "AF12"), VS_V(14, "AF13"), VS_V(16, "CS2"), VS_V(18, "AF21"),
    VS_V(20, "AF22"), VS_V(22, "AF23"), VS_V(24, "CS3"), VS_V(26, "AF31"),
    VS_V(28, "AF32"), VS_V(30, "AF33"), VS_V(32, "CS4"), VS_V(34, "AF41"),
    VS_V(36, "AF42"), VS_V(38, "AF43"), VS_V(40, "CS5"), VS_V(44, "VOICE-ADMIT"),
    VS_V(46, "EF"), VS_V(48, "CS6"), VS_V(56, "CS7"), VS_VEND,
};

/* RFC 3168 section 5. */
const vs_val vs_vals_ip_ecn[] = {
    VS_V(0, "Not-ECT"), VS_V(1, "ECT(1)"), VS_V(2, "ECT(0)"), VS_V(3, "CE"), VS_VEND,
};

/* IANA IP Option Numbers (full type byte: copy | class | number). */
const vs_val vs_vals_ip_opt[] = {
    VS_V(0, "End of Options List (EOOL)"),
    VS_V(1, "No Operation (NOP)"),
    VS_V(7, "Record Route (RR)"),
    VS_V(10, "Experimental Measurement (ZSU)"),
    VS_V(11, "MTU Probe (MTUP)"),
    VS_V(12, "MTU Reply (MTUR)"),
    VS_V(15, "ENCODE"),
    VS_V(25, "Quick-Start (QS)"),
    VS_V(30, "RFC3692-style Experiment"),
    VS_V(68, "Time Stamp (TS)"),
    VS_V(82, "Traceroute (TR)"),
    VS_V(94, "RFC3692-style Experiment"),
    VS_V(130, "Security (SEC)"),
    VS_V(131, "Loose Source Route (LSR)"),
    VS_V(133, "Extended Security (E-SEC)"),
    VS_V(134, "Commercial IP Security (CIPSO)"),
    VS_V(136, "Stream ID (SID)"),
    VS_V(137, "Strict Source Route (SSR)"),
    VS_V(142, "Experimental Access Control (VISA)"),
    VS_V(144, "IMI Traffic Descriptor (IMITD)"),
    VS_V(145, "Extended Internet Protocol (EIP)"),
    VS_V(147, "Address Extension (ADDEXT)"),
    VS_V(148, "Router Alert (RTRALT)"),
    VS_V(149, "Selective Directed Broadcast (SDB)"),
    VS_V(151, "Dynamic Packet State (DPS)"),
    VS_V(152, "Upstream Multicast Packet (UMP)"),
    VS_V(158, "RFC3692-style Experiment"),
    VS_V(205, "Experimental Flow Control (FINN)"),
    VS_V(222, "RFC3692-style Experiment"),
    VS_VEND,
};

const vs_val vs_vals_ip_opt_class[] = {
    VS_V(0, "Control"), VS_V(1, "Reserved for future use"), VS_V(2, "Debugging and measurement"),
    VS_V(3, "Reserved for future use"), VS_VEND,
};

/* RFC 791 Internet Timestamp flag. */
const vs_val vs_vals_ip_ts_flag[] = {
    VS_V(0, "Time stamps only"), VS_V(1, "Address and time stamp"),
    VS_V(3, "Prespecified addresses"), VS_VEND,
};

/* IANA Destination Options and Hop-by-Hop Options. */
const vs_val vs_vals_ipv6_opt[] = {
    VS_V(0x00, "Pad1"),
    VS_V(0x01, "PadN"),
    VS_V(0x04, "Tunnel Encapsulation Limit"),
    VS_V(0x05, "Router Alert"),
    VS_V(0x07, "CALIPSO"),
    VS_V(0x08, "SMF_DPD"),
    VS_V(0x0F, "Path MTU Record"),
    VS_V(0x11, "IOAM (destination)"),
    VS_V(0x12, "IOAM (hop-by-hop)"),
    VS_V(0x1E, "RFC3692-style Experiment"),
    VS_V(0x23, "RPL Option (old)"),
    VS_V(0x26, "Quick-Start"),
    VS_V(0x30, "Minimum Path MTU"),
    VS_V(0x31, "IOAM (destination, may change)"),
    VS_V(0x32, "IOAM (hop-by-hop, may change)"),
    VS_V(0x3E, "RFC3692-style Experiment"),
    VS_V(0x4D, "Deprecated"),
    VS_V(0x5E, "RFC3692-style Experiment"),
    VS_V(0x63, "RPL Option"),
    VS_V(0x6D, "MPL Option"),
    VS_V(0x7E, "RFC3692-style Experiment"),
    VS_V(0x8A, "Endpoint Identification (deprecated)"),
    VS_V(0x9E, "RFC3692-style Experiment"),
    VS_V(0xBE, "RFC3692-style Experiment"),
    VS_V(0xC2, "Jumbo Payload"),
    VS_V(0xC9, "Home Address"),
    VS_V(0xDE, "RFC3692-style Experiment"),
    VS_V(0xEE, "IP_DFF"),
    VS_V(0xFE, "RFC3692-style Experiment"),
    VS_VEND,
};

/* RFC 8200 section 4.2: the two high-order bits of the option type. */
const vs_val vs_vals_ipv6_opt_action[] = {
    VS_V(0, "Skip over this option"),
    VS_V(1, "Discard the packet"),
    VS_V(2, "Discard and send ICMP Parameter Problem"),
    VS_V(3, "Discard and send ICMP Parameter Problem unless multicast"),
    VS_VEND,
};

/* IANA Routing Types. */
const vs_val vs_vals_ipv6_routing[] = {
    VS_V(0, "Source Route (deprecated, RFC 5095)"),
    VS_V(1, "Nimrod (deprecated)"),
    VS_V(2, "Type 2 Routing Header (Mobile IPv6)"),
    VS_V(3, "RPL Source Route Header"),
    VS_V(4, "Segment Routing Header (SRH)"),
    VS_V(5, "CRH-16"),
    VS_V(6, "CRH-32"),
    VS_V(253, "RFC3692-style Experiment 1"),
    VS_V(254, "RFC3692-style Experiment 2"),
    VS_V(255, "Reserved"),
    VS_VEND,
};

/* UDP ports vpnscope meets. */
const vs_val vs_vals_udp_port[] = {
    VS_V(53, "DNS"), VS_V(67, "DHCP server"), VS_V(68, "DHCP client"), VS_V(123, "NTP"),
    VS_V(161, "SNMP"), VS_V(162, "SNMP trap"), VS_V(500, "ISAKMP / IKE"), VS_V(514, "syslog"),
    VS_V(520, "RIP"), VS_V(848, "GDOI"), VS_V(1701, "L2TP"), VS_V(1985, "HSRP"),
    VS_V(3784, "BFD control"), VS_V(4500, "IPsec NAT-T (IKE / ESP-in-UDP)"),
    VS_V(4789, "VXLAN"), VS_V(6081, "Geneve"), VS_V(10000, "Cisco IPsec over UDP (legacy)"),
    VS_VEND,
};

const vs_val vs_vals_udp_natt_kind[] = {
    VS_V(VS_NATT_INVALID, "Invalid"), VS_V(VS_NATT_KEEPALIVE, "NAT-keepalive"),
    VS_V(VS_NATT_IKE, "IKE (after non-ESP marker)"), VS_V(VS_NATT_ESP, "ESP in UDP"), VS_VEND,
};

/* tcpdump.org link-layer header types (the ones vpnscope meets). */
const vs_val vs_vals_linktype[] = {
    VS_V(0, "BSD loopback (NULL)"), VS_V(1, "Ethernet"), VS_V(9, "PPP"), VS_V(10, "FDDI"),
    VS_V(12, "Raw IP (DLT 12)"), VS_V(14, "Raw IP (DLT 14)"), VS_V(50, "PPP in HDLC framing"),
    VS_V(51, "PPPoE"), VS_V(101, "Raw IP"), VS_V(104, "Cisco HDLC"), VS_V(105, "IEEE 802.11"),
    VS_V(108, "OpenBSD loopback"), VS_V(113, "Linux cooked v1 (SLL)"), VS_V(127, "802.11 radiotap"),
    VS_V(192, "PPI"), VS_V(228, "Raw IPv4"), VS_V(229, "Raw IPv6"), VS_V(276, "Linux cooked v2 (SLL2)"),
    VS_VEND,
};

/* Linux packet types (if_packet.h PACKET_*). */
const vs_val vs_vals_sll_pkttype[] = {
    VS_V(0, "Unicast to us"), VS_V(1, "Broadcast"), VS_V(2, "Multicast"),
    VS_V(3, "Unicast to another host"), VS_V(4, "Sent by us"), VS_VEND,
};

/* Generated verdicts (checksum / padding good, is a fragment). */
const vs_val vs_vals_net_good_bad[] = {VS_V(0, "Bad"), VS_V(1, "Good"), VS_VEND};
const vs_val vs_vals_net_yes_no[] = {VS_V(0, "No"), VS_V(1, "Yes"), VS_VEND};
