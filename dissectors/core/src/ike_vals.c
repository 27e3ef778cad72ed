/* ISAKMP / IKEv1 value-name tables (IANA "Internet Key Exchange (IKE)
 * Attributes" and "ISAKMP" registries, RFC 2407/2408/2409/3947/6407/8052). */
#include "vpnscope/catalogue.h"

/* IANA ISAKMP Exchange Types (with the IKEv2 values, which share the
 * registry's number space). GDOI's 32/33 are named in vs_vals_gdoi_exch_type. */
const vs_val vs_vals_ike_exch_type[] = {
    VS_V(0, "NONE"),
    VS_V(1, "Base"),
    VS_V(2, "Identity Protection (Main Mode)"),
    VS_V(3, "Authentication Only"),
    VS_V(4, "Aggressive"),
    VS_V(5, "Informational"),
    VS_V(6, "Transaction (Config Mode)"),
    VS_R(7, 31, "ISAKMP future use"),
    VS_V(32, "Quick Mode"),
    VS_V(33, "New Group Mode"),
    VS_V(34, "IKE_SA_INIT"),
    VS_V(35, "IKE_AUTH"),
    VS_V(36, "CREATE_CHILD_SA"),
    VS_V(37, "INFORMATIONAL"),
    VS_V(38, "IKE_SESSION_RESUME"),
    VS_V(39, "GSA_AUTH"),
    VS_V(40, "GSA_REGISTRATION"),
    VS_V(41, "GSA_REKEY"),
    VS_V(43, "IKE_INTERMEDIATE"),
    VS_V(44, "IKE_FOLLOWUP_KE"),
    VS_R(240, 255, "Private use"),
    VS_VEND};

/* IANA ISAKMP Next Payload Types (RFC 2408, 3947, 6407, 8052) plus the
 * pre-RFC NAT-T draft and Cisco private values; IKEv2 payload types
 * (33..54) are listed too since the header's next-payload field is shared. */
const vs_val vs_vals_ike_payload_type[] = {
    VS_V(0, "NONE"),
    VS_V(1, "Security Association (SA)"),
    VS_V(2, "Proposal (P)"),
    VS_V(3, "Transform (T)"),
    VS_V(4, "Key Exchange (KE)"),
    VS_V(5, "Identification (ID)"),
    VS_V(6, "Certificate (CERT)"),
    VS_V(7, "Certificate Request (CR)"),
    VS_V(8, "Hash (HASH)"),
    VS_V(9, "Signature (SIG)"),
    VS_V(10, "Nonce (NONCE)"),
    VS_V(11, "Notification (N)"),
    VS_V(12, "Delete (D)"),
    VS_V(13, "Vendor ID (VID)"),
    VS_V(14, "Attributes (Mode Config)"),
    VS_V(15, "SA KEK (GDOI) / NAT-D (draft-ietf-ipsec-nat-t-ike-04..08)"),
    VS_V(16, "SA TEK (GDOI) / NAT-OA (draft-ietf-ipsec-nat-t-ike-04..08)"),
    VS_V(17, "Key Download (KD)"),
    VS_V(18, "Sequence Number (SEQ)"),
    VS_V(19, "Proof of Possession (POP)"),
    VS_V(20, "NAT Discovery (NAT-D)"),
    VS_V(21, "NAT Original Address (NAT-OA)"),
    VS_V(22, "Group Associated Policy (GAP)"),
    VS_V(33, "IKEv2 Security Association (SA)"),
    VS_V(34, "IKEv2 Key Exchange (KE)"),
    VS_V(35, "IKEv2 Identification - Initiator (IDi)"),
    VS_V(36, "IKEv2 Identification - Responder (IDr)"),
    VS_V(37, "IKEv2 Certificate (CERT)"),
    VS_V(38, "IKEv2 Certificate Request (CERTREQ)"),
    VS_V(39, "IKEv2 Authentication (AUTH)"),
    VS_V(40, "IKEv2 Nonce (Ni, Nr)"),
    VS_V(41, "IKEv2 Notify (N)"),
    VS_V(42, "IKEv2 Delete (D)"),
    VS_V(43, "IKEv2 Vendor ID (V)"),
    VS_V(44, "IKEv2 Traffic Selector - Initiator (TSi)"),
    VS_V(45, "IKEv2 Traffic Selector - Responder (TSr)"),
    VS_V(46, "IKEv2 Encrypted and Authenticated (SK)"),
    VS_V(47, "IKEv2 Configuration (CP)"),
    VS_V(48, "IKEv2 Extensible Authentication (EAP)"),
    VS_V(49, "IKEv2 Generic Secure Password Methods (GSPM)"),
    VS_V(50, "IKEv2 Group Identification (IDg)"),
    VS_V(51, "IKEv2 Group Security Association (GSA)"),
    VS_V(52, "IKEv2 Key Download (KD)"),
    VS_V(53, "IKEv2 Encrypted and Authenticated Fragment (SKF)"),
    VS_V(54, "IKEv2 Puzzle Solution (PS)"),
    VS_V(130, "NAT Discovery (NAT-D, draft-ietf-ipsec-nat-t-ike-01..03)"),
    VS_V(131, "NAT Original Address (NAT-OA, draft-ietf-ipsec-nat-t-ike-01..03)"),
    VS_V(132, "Cisco fragmentation (FRAG)"),
    VS_R(128, 255, "Private use"),
    VS_VEND};

const vs_val vs_vals_ike_doi[] = {
    VS_V(0, "ISAKMP"), VS_V(1, "IPsec"), VS_V(2, "GDOI"), VS_VEND};

/* RFC 2407 4.4.1 + IANA "IPSEC Security Protocol Identifiers" */
const vs_val vs_vals_ike_protocol_id[] = {
    VS_V(0, "RESERVED"), VS_V(1, "PROTO_ISAKMP"), VS_V(2, "PROTO_IPSEC_AH"),
    VS_V(3, "PROTO_IPSEC_ESP"), VS_V(4, "PROTO_IPCOMP"), VS_V(5, "PROTO_GIGABEAM_RADIO"),
    VS_R(249, 255, "Private use"), VS_VEND};

const vs_val vs_vals_ike_trans_isakmp[] = {VS_V(0, "RESERVED"), VS_V(1, "KEY_IKE"), VS_VEND};

/* IANA "IPSEC AH Transform Identifiers" */
const vs_val vs_vals_ike_trans_ah[] = {
    VS_V(2, "AH_MD5"), VS_V(3, "AH_SHA"), VS_V(4, "AH_DES"), VS_V(5, "AH_SHA2-256"),
    VS_V(6, "AH_SHA2-384"), VS_V(7, "AH_SHA2-512"), VS_V(8, "AH_RIPEMD"),
    VS_V(9, "AH_AES-XCBC-MAC"), VS_V(10, "AH_RSA"), VS_V(11, "AH_AES-128-GMAC"),
    VS_V(12, "AH_AES-192-GMAC"), VS_V(13, "AH_AES-256-GMAC"), VS_R(249, 255, "Private use"),
    VS_VEND};

/* IANA "IPSEC ESP Transform Identifiers" (IOS: esp-des, esp-3des, esp-aes ...) */
const vs_val vs_vals_ike_trans_esp[] = {
    VS_V(1, "ESP_DES_IV64"), VS_V(2, "ESP_DES"), VS_V(3, "ESP_3DES"), VS_V(4, "ESP_RC5"),
    VS_V(5, "ESP_IDEA"), VS_V(6, "ESP_CAST"), VS_V(7, "ESP_BLOWFISH"), VS_V(8, "ESP_3IDEA"),
    VS_V(9, "ESP_DES_IV32"), VS_V(10, "ESP_RC4"), VS_V(11, "ESP_NULL"), VS_V(12, "ESP_AES-CBC"),
    VS_V(13, "ESP_AES-CTR"), VS_V(14, "ESP_AES-CCM_8"), VS_V(15, "ESP_AES-CCM_12"),
    VS_V(16, "ESP_AES-CCM_16"), VS_V(18, "ESP_AES-GCM_8"), VS_V(19, "ESP_AES-GCM_12"),
    VS_V(20, "ESP_AES-GCM_16"), VS_V(21, "ESP_SEED_CBC"), VS_V(22, "ESP_CAMELLIA"),
    VS_V(23, "ESP_NULL_AUTH_AES-GMAC"), VS_R(249, 255, "Private use"), VS_VEND};

const vs_val vs_vals_ike_trans_ipcomp[] = {
    VS_V(1, "IPCOMP_OUI"), VS_V(2, "IPCOMP_DEFLATE"), VS_V(3, "IPCOMP_LZS"), VS_V(4, "IPCOMP_LZJH"),
    VS_R(249, 255, "Private use"), VS_VEND};

/* RFC 2409 appendix A attribute classes (IANA "IKE Attributes") */
const vs_val vs_vals_ike_oakley_attr[] = {
    VS_V(1, "Encryption Algorithm"), VS_V(2, "Hash Algorithm"), VS_V(3, "Authentication Method"),
    VS_V(4, "Group Description"), VS_V(5, "Group Type"), VS_V(6, "Group Prime/Irreducible Polynomial"),
    VS_V(7, "Group Generator One"), VS_V(8, "Group Generator Two"), VS_V(9, "Group Curve A"),
    VS_V(10, "Group Curve B"), VS_V(11, "Life Type"), VS_V(12, "Life Duration"), VS_V(13, "PRF"),
    VS_V(14, "Key Length"), VS_V(15, "Field Size"), VS_V(16, "Group Order"),
    VS_R(16384, 32767, "Private use"), VS_VEND};

const vs_val vs_vals_ike_oakley_encr[] = {
    VS_V(1, "DES-CBC"), VS_V(2, "IDEA-CBC"), VS_V(3, "Blowfish-CBC"), VS_V(4, "RC5-R16-B64-CBC"),
    VS_V(5, "3DES-CBC"), VS_V(6, "CAST-CBC"), VS_V(7, "AES-CBC"), VS_V(8, "CAMELLIA-CBC"),
    VS_R(65001, 65535, "Private use"), VS_VEND};

const vs_val vs_vals_ike_oakley_hash[] = {
    VS_V(1, "MD5"), VS_V(2, "SHA"), VS_V(3, "Tiger"), VS_V(4, "SHA2-256"), VS_V(5, "SHA2-384"),
    VS_V(6, "SHA2-512"), VS_R(65001, 65535, "Private use"), VS_VEND};

/* Incl. the hybrid (draft-ietf-ipsec-isakmp-hybrid-auth) and XAUTH
 * (draft-beaulieu-ike-xauth) private values IOS and VPN clients use. */
const vs_val vs_vals_ike_oakley_auth[] = {
    VS_V(1, "Pre-shared key"), VS_V(2, "DSS signatures"), VS_V(3, "RSA signatures"),
    VS_V(4, "Encryption with RSA"), VS_V(5, "Revised encryption with RSA"),
    VS_V(6, "Encryption with El-Gamal (reserved)"), VS_V(7, "Revised encryption with El-Gamal (reserved)"),
    VS_V(8, "ECDSA signatures"), VS_V(9, "ECDSA with SHA-256 on the P-256 curve"),
    VS_V(10, "ECDSA with SHA-384 on the P-384 curve"), VS_V(11, "ECDSA with SHA-512 on the P-521 curve"),
    VS_V(64221, "HybridInitRSA"), VS_V(64222, "HybridRespRSA"), VS_V(64223, "HybridInitDSS"),
    VS_V(64224, "HybridRespDSS"), VS_V(65001, "XAUTHInitPreShared"), VS_V(65002, "XAUTHRespPreShared"),
    VS_V(65003, "XAUTHInitDSS"), VS_V(65004, "XAUTHRespDSS"), VS_V(65005, "XAUTHInitRSA"),
    VS_V(65006, "XAUTHRespRSA"), VS_V(65007, "XAUTHInitRSAEncryption"),
    VS_V(65008, "XAUTHRespRSAEncryption"), VS_V(65009, "XAUTHInitRSARevisedEncryption"),
    VS_V(65010, "XAUTHRespRSARevisedEncryption"), VS_R(65001, 65535, "Private use"), VS_VEND};

/* IANA "Group Description" (IOS: group 1, 2, 5, 14, 19 ...) */
const vs_val vs_vals_ike_group[] = {
    VS_V(1, "Default 768-bit MODP group"), VS_V(2, "Alternate 1024-bit MODP group"),
    VS_V(3, "EC2N group on GP[2^155]"), VS_V(4, "EC2N group on GP[2^185]"),
    VS_V(5, "1536-bit MODP group"), VS_V(14, "2048-bit MODP group"), VS_V(15, "3072-bit MODP group"),
    VS_V(16, "4096-bit MODP group"), VS_V(17, "6144-bit MODP group"), VS_V(18, "8192-bit MODP group"),
    VS_V(19, "256-bit random ECP group"), VS_V(20, "384-bit random ECP group"),
    VS_V(21, "521-bit random ECP group"), VS_V(22, "1024-bit MODP group with 160-bit prime order subgroup"),
    VS_V(23, "2048-bit MODP group with 224-bit prime order subgroup"),
    VS_V(24, "2048-bit MODP group with 256-bit prime order subgroup"),
    VS_V(25, "192-bit random ECP group"), VS_V(26, "224-bit random ECP group"),
    VS_V(27, "224-bit Brainpool ECP group"), VS_V(28, "256-bit Brainpool ECP group"),
    VS_V(29, "384-bit Brainpool ECP group"), VS_V(30, "512-bit Brainpool ECP group"),
    VS_V(31, "Curve25519"), VS_V(32, "Curve448"), VS_R(32768, 65535, "Private use"), VS_VEND};

const vs_val vs_vals_ike_group_type[] = {VS_V(1, "MODP"), VS_V(2, "ECP"), VS_V(3, "EC2N"), VS_VEND};
const vs_val vs_vals_ike_life_type[] = {VS_V(1, "Seconds"), VS_V(2, "Kilobytes"), VS_VEND};

/* RFC 2407 4.5 + IANA "IPSEC Security Association Attributes" */
const vs_val vs_vals_ike_ipsec_attr[] = {
    VS_V(1, "SA Life Type"), VS_V(2, "SA Life Duration"), VS_V(3, "Group Description"),
    VS_V(4, "Encapsulation Mode"), VS_V(5, "Authentication Algorithm"), VS_V(6, "Key Length"),
    VS_V(7, "Key Rounds"), VS_V(8, "Compress Dictionary Size"), VS_V(9, "Compress Private Algorithm"),
    VS_V(10, "ECN Tunnel"), VS_V(11, "Extended (64-bit) Sequence Number"),
    VS_V(12, "Authentication Key Length"), VS_V(13, "Signature Encoding Algorithm"),
    VS_V(14, "Address Preservation"), VS_V(15, "SA Direction"), VS_R(32001, 32767, "Private use"),
    VS_VEND};

/* RFC 2407, RFC 3947 (3, 4) and the NAT-T drafts' private values */
const vs_val vs_vals_ike_encap_mode[] = {
    VS_V(1, "Tunnel"), VS_V(2, "Transport"), VS_V(3, "UDP-Encapsulated-Tunnel"),
    VS_V(4, "UDP-Encapsulated-Transport"),
    VS_V(61443, "UDP-Encapsulated-Tunnel (draft-ietf-ipsec-nat-t-ike)"),
    VS_V(61444, "UDP-Encapsulated-Transport (draft-ietf-ipsec-nat-t-ike)"),
    VS_R(61440, 65535, "Private use"), VS_VEND};

const vs_val vs_vals_ike_ipsec_auth[] = {
    VS_V(1, "HMAC-MD5"), VS_V(2, "HMAC-SHA"), VS_V(3, "DES-MAC"), VS_V(4, "KPDK"),
    VS_V(5, "HMAC-SHA2-256"), VS_V(6, "HMAC-SHA2-384"), VS_V(7, "HMAC-SHA2-512"),
    VS_V(8, "HMAC-RIPEMD"), VS_V(9, "AES-XCBC-MAC"), VS_V(10, "SIG-RSA"), VS_V(11, "AES-128-GMAC"),
    VS_V(12, "AES-192-GMAC"), VS_V(13, "AES-256-GMAC"), VS_R(61440, 65535, "Private use"), VS_VEND};

const vs_val vs_vals_ike_ecn[] = {VS_V(1, "Allowed"), VS_V(2, "Forbidden"), VS_VEND};
const vs_val vs_vals_ike_esn[] = {VS_V(1, "64-bit sequence number"), VS_VEND};
const vs_val vs_vals_ike_sig_enc[] = {VS_V(1, "RSASSA-PKCS1-v1_5"), VS_V(2, "RSASSA-PSS"), VS_VEND};
const vs_val vs_vals_ike_addr_pres[] = {
    VS_V(1, "None"), VS_V(2, "Address-Only"), VS_V(3, "Port-Only"), VS_V(4, "Address-And-Port"),
    VS_VEND};
const vs_val vs_vals_ike_sa_dir[] = {
    VS_V(1, "Sender-Only"), VS_V(2, "Receiver-Only"), VS_V(3, "Symmetric"), VS_VEND};

/* RFC 2407 4.6.2.1 + RFC 3554 + RFC 8052 */
const vs_val vs_vals_ike_id_type[] = {
    VS_V(0, "RESERVED"), VS_V(1, "ID_IPV4_ADDR"), VS_V(2, "ID_FQDN"), VS_V(3, "ID_USER_FQDN"),
    VS_V(4, "ID_IPV4_ADDR_SUBNET"), VS_V(5, "ID_IPV6_ADDR"), VS_V(6, "ID_IPV6_ADDR_SUBNET"),
    VS_V(7, "ID_IPV4_ADDR_RANGE"), VS_V(8, "ID_IPV6_ADDR_RANGE"), VS_V(9, "ID_DER_ASN1_DN"),
    VS_V(10, "ID_DER_ASN1_GN"), VS_V(11, "ID_KEY_ID"), VS_V(12, "ID_LIST"), VS_V(13, "ID_OID"),
    VS_R(249, 255, "Private use"), VS_VEND};

/* RFC 2408 3.9 */
const vs_val vs_vals_ike_cert_encoding[] = {
    VS_V(0, "NONE"), VS_V(1, "PKCS #7 wrapped X.509 certificate"), VS_V(2, "PGP Certificate"),
    VS_V(3, "DNS Signed Key"), VS_V(4, "X.509 Certificate - Signature"),
    VS_V(5, "X.509 Certificate - Key Exchange"), VS_V(6, "Kerberos Tokens"),
    VS_V(7, "Certificate Revocation List (CRL)"), VS_V(8, "Authority Revocation List (ARL)"),
    VS_V(9, "SPKI Certificate"), VS_V(10, "X.509 Certificate - Attribute"),
    VS_R(11, 255, "Unassigned"), VS_VEND};

/* RFC 2408 3.14.1, RFC 2407 4.6.3, RFC 3706, Cisco */
const vs_val vs_vals_ike_notify_type[] = {
    VS_V(1, "INVALID-PAYLOAD-TYPE"), VS_V(2, "DOI-NOT-SUPPORTED"), VS_V(3, "SITUATION-NOT-SUPPORTED"),
    VS_V(4, "INVALID-COOKIE"), VS_V(5, "INVALID-MAJOR-VERSION"), VS_V(6, "INVALID-MINOR-VERSION"),
    VS_V(7, "INVALID-EXCHANGE-TYPE"), VS_V(8, "INVALID-FLAGS"), VS_V(9, "INVALID-MESSAGE-ID"),
    VS_V(10, "INVALID-PROTOCOL-ID"), VS_V(11, "INVALID-SPI"), VS_V(12, "INVALID-TRANSFORM-ID"),
    VS_V(13, "ATTRIBUTES-NOT-SUPPORTED"), VS_V(14, "NO-PROPOSAL-CHOSEN"),
    VS_V(15, "BAD-PROPOSAL-SYNTAX"), VS_V(16, "PAYLOAD-MALFORMED"), VS_V(17, "INVALID-KEY-INFORMATION"),
    VS_V(18, "INVALID-ID-INFORMATION"), VS_V(19, "INVALID-CERT-ENCODING"),
    VS_V(20, "INVALID-CERTIFICATE"), VS_V(21, "CERT-TYPE-UNSUPPORTED"),
    VS_V(22, "INVALID-CERT-AUTHORITY"), VS_V(23, "INVALID-HASH-INFORMATION"),
    VS_V(24, "AUTHENTICATION-FAILED"), VS_V(25, "INVALID-SIGNATURE"), VS_V(26, "ADDRESS-NOTIFICATION"),
    VS_V(27, "NOTIFY-SA-LIFETIME"), VS_V(28, "CERTIFICATE-UNAVAILABLE"),
    VS_V(29, "UNSUPPORTED-EXCHANGE-TYPE"), VS_V(30, "UNEQUAL-PAYLOAD-LENGTHS"),
    VS_R(31, 8191, "Reserved (future use)"), VS_R(8192, 16383, "Private use (errors)"),
    VS_V(16384, "CONNECTED"), VS_V(24576, "RESPONDER-LIFETIME"), VS_V(24577, "REPLAY-STATUS"),
    VS_V(24578, "INITIAL-CONTACT"), VS_R(24579, 32767, "DOI-specific codes"),
    VS_V(36136, "R-U-THERE"), VS_V(36137, "R-U-THERE-ACK"), VS_V(40500, "UNITY-LOAD-BALANCE (old)"),
    VS_V(40501, "UNITY-LOAD-BALANCE"), VS_V(40503, "UNITY-GROUP-HASH"),
    VS_R(32768, 40959, "Private use (status)"), VS_R(40960, 65535, "Reserved (future use)"), VS_VEND};

/* draft-dukes-ike-mode-cfg-02 */
const vs_val vs_vals_ike_cfg_type[] = {
    VS_V(1, "ISAKMP_CFG_REQUEST"), VS_V(2, "ISAKMP_CFG_REPLY"), VS_V(3, "ISAKMP_CFG_SET"),
    VS_V(4, "ISAKMP_CFG_ACK"), VS_R(127, 255, "Private use"), VS_VEND};

/* draft-dukes-ike-mode-cfg-02, draft-beaulieu-ike-xauth-02, Cisco Unity */
const vs_val vs_vals_ike_cfg_attr[] = {
    VS_V(1, "INTERNAL_IP4_ADDRESS"), VS_V(2, "INTERNAL_IP4_NETMASK"), VS_V(3, "INTERNAL_IP4_DNS"),
    VS_V(4, "INTERNAL_IP4_NBNS"), VS_V(5, "INTERNAL_ADDRESS_EXPIRY"), VS_V(6, "INTERNAL_IP4_DHCP"),
    VS_V(7, "APPLICATION_VERSION"), VS_V(8, "INTERNAL_IP6_ADDRESS"), VS_V(9, "INTERNAL_IP6_NETMASK"),
    VS_V(10, "INTERNAL_IP6_DNS"), VS_V(11, "INTERNAL_IP6_NBNS"), VS_V(12, "INTERNAL_IP6_DHCP"),
    VS_V(13, "INTERNAL_IP4_SUBNET"), VS_V(14, "SUPPORTED_ATTRIBUTES"), VS_V(15, "INTERNAL_IP6_SUBNET"),
    VS_V(16520, "XAUTH_TYPE"), VS_V(16521, "XAUTH_USER_NAME"), VS_V(16522, "XAUTH_USER_PASSWORD"),
    VS_V(16523, "XAUTH_PASSCODE"), VS_V(16524, "XAUTH_MESSAGE"), VS_V(16525, "XAUTH_CHALLENGE"),
    VS_V(16526, "XAUTH_DOMAIN"), VS_V(16527, "XAUTH_STATUS"), VS_V(16528, "XAUTH_NEXT_PIN"),
    VS_V(16529, "XAUTH_ANSWER"), VS_V(28672, "UNITY_BANNER"), VS_V(28673, "UNITY_SAVE_PASSWD"),
    VS_V(28674, "UNITY_DEF_DOMAIN"), VS_V(28675, "UNITY_SPLITDNS_NAME"),
    VS_V(28676, "UNITY_SPLIT_INCLUDE"), VS_V(28677, "UNITY_NATT_PORT"), VS_V(28678, "UNITY_LOCAL_LAN"),
    VS_V(28679, "UNITY_PFS"), VS_V(28680, "UNITY_FW_TYPE"), VS_V(28681, "UNITY_BACKUP_SERVERS"),
    VS_V(28682, "UNITY_DDNS_HOSTNAME"), VS_R(16384, 32767, "Private use"), VS_VEND};

/* vpnscope.ike.vid.kind (enum vs_ike_vid_kind) */
const vs_val vs_vals_ike_vid_kind[] = {
    VS_V(1, "Cisco Unity"), VS_V(2, "RFC 3706 DPD (Dead Peer Detection)"), VS_V(3, "XAUTH"),
    VS_V(4, "RFC 3947 NAT-T"), VS_V(5, "draft-ietf-ipsec-nat-t-ike-00"),
    VS_V(6, "draft-ietf-ipsec-nat-t-ike-01"), VS_V(7, "draft-ietf-ipsec-nat-t-ike-02"),
    VS_V(8, "draft-ietf-ipsec-nat-t-ike-02\\n"), VS_V(9, "draft-ietf-ipsec-nat-t-ike-03"),
    VS_V(10, "draft-ietf-ipsec-nat-t-ike-04"), VS_V(11, "draft-ietf-ipsec-nat-t-ike-05"),
    VS_V(12, "draft-ietf-ipsec-nat-t-ike-06"), VS_V(13, "draft-ietf-ipsec-nat-t-ike-07"),
    VS_V(14, "draft-ietf-ipsec-nat-t-ike-08"), VS_V(15, "draft-stenberg-ipsec-nat-traversal-01"),
    VS_V(16, "draft-stenberg-ipsec-nat-traversal-02"),
    VS_V(17, "draft-huttunen-ipsec-esp-in-udp-01"), VS_V(18, "IKE fragmentation (FRAGMENTATION)"),
    VS_V(19, "strongSwan"), VS_V(20, "Microsoft (MS NT5 ISAKMPOAKLEY)"),
    VS_V(21, "MS-Negotiation Discovery Capable"), VS_V(22, "Microsoft Vid-Initial-Contact"),
    VS_V(23, "Microsoft IKE CGA version 1"), VS_V(24, "Netscreen-6"),
    VS_V(25, "Openswan/Libreswan"), VS_V(26, "Heartbeat Notify"), VS_V(27, "CISCO-CONCENTRATOR"),
    VS_V(28, "CISCO-GRE-MODE"), VS_VEND};
