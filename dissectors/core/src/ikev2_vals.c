/* IKEv2 value tables: the IANA "Internet Key Exchange Version 2 (IKEv2)
 * Parameters" registry (as updated 2025: RFC 7296, 4595, 5723, 7383, 7427, 8019,
 * 8784, 9242, 9370, 9593, 9611, G-IKEv2 early allocations), plus the vendor IDs
 * engineers meet on Cisco, strongSwan and Windows gear. Names are IANA's. */
#include <string.h>

#include "vpnscope/catalogue.h"
#include "vpnscope/ikev2.h"

const vs_val vs_vals_ikev2_exch_type[] = {
    VS_R(0, 33, "Reserved"),
    VS_V(34, "IKE_SA_INIT"),
    VS_V(35, "IKE_AUTH"),
    VS_V(36, "CREATE_CHILD_SA"),
    VS_V(37, "INFORMATIONAL"),
    VS_V(38, "IKE_SESSION_RESUME"),
    VS_V(39, "GSA_AUTH"),
    VS_V(40, "GSA_REGISTRATION"),
    VS_V(41, "GSA_REKEY"),
    VS_V(42, "GSA_INBAND_REKEY"),
    VS_V(43, "IKE_INTERMEDIATE"),
    VS_V(44, "IKE_FOLLOWUP_KE"),
    VS_R(45, 239, "Unassigned"),
    VS_R(240, 255, "Private use"),
    VS_VEND};

const vs_val vs_vals_ikev2_payload_type[] = {
    VS_V(0, "No Next Payload"),
    VS_R(1, 32, "Reserved"),
    VS_V(33, "Security Association (SA)"),
    VS_V(34, "Key Exchange (KE)"),
    VS_V(35, "Identification - Initiator (IDi)"),
    VS_V(36, "Identification - Responder (IDr)"),
    VS_V(37, "Certificate (CERT)"),
    VS_V(38, "Certificate Request (CERTREQ)"),
    VS_V(39, "Authentication (AUTH)"),
    VS_V(40, "Nonce (Ni, Nr)"),
    VS_V(41, "Notify (N)"),
    VS_V(42, "Delete (D)"),
    VS_V(43, "Vendor ID (V)"),
    VS_V(44, "Traffic Selector - Initiator (TSi)"),
    VS_V(45, "Traffic Selector - Responder (TSr)"),
    VS_V(46, "Encrypted and Authenticated (SK)"),
    VS_V(47, "Configuration (CP)"),
    VS_V(48, "Extensible Authentication (EAP)"),
    VS_V(49, "Generic Secure Password Method (GSPM)"),
    VS_V(50, "Group Identification (IDg)"),
    VS_V(51, "Group Security Association (GSA)"),
    VS_V(52, "Key Download (KD)"),
    VS_V(53, "Encrypted and Authenticated Fragment (SKF)"),
    VS_V(54, "Puzzle Solution (PS)"),
    VS_R(55, 127, "Unassigned"),
    VS_R(128, 255, "Private use"),
    VS_VEND};

const vs_val vs_vals_ikev2_prop_last[] = {
    VS_V(0, "Last proposal"),
    VS_V(2, "More proposals"),
    VS_VEND};

const vs_val vs_vals_ikev2_tf_last[] = {
    VS_V(0, "Last transform"),
    VS_V(3, "More transforms"),
    VS_VEND};

const vs_val vs_vals_ikev2_proto[] = {
    VS_V(0, "Reserved"),
    VS_V(1, "IKE"),
    VS_V(2, "AH"),
    VS_V(3, "ESP"),
    VS_V(4, "FC_ESP_HEADER"),
    VS_V(5, "FC_CT_AUTHENTICATION"),
    VS_V(6, "GIKE_UPDATE"),
    VS_R(7, 200, "Unassigned"),
    VS_R(201, 255, "Private use"),
    VS_VEND};

const vs_val vs_vals_ikev2_transform_type[] = {
    VS_V(0, "Reserved"),
    VS_V(1, "Encryption Algorithm (ENCR)"),
    VS_V(2, "Pseudorandom Function (PRF)"),
    VS_V(3, "Integrity Algorithm (INTEG)"),
    VS_V(4, "Key Exchange Method (KE)"),
    VS_V(5, "Sequence Numbers (SN)"),
    VS_V(6, "Additional Key Exchange 1 (ADDKE1)"),
    VS_V(7, "Additional Key Exchange 2 (ADDKE2)"),
    VS_V(8, "Additional Key Exchange 3 (ADDKE3)"),
    VS_V(9, "Additional Key Exchange 4 (ADDKE4)"),
    VS_V(10, "Additional Key Exchange 5 (ADDKE5)"),
    VS_V(11, "Additional Key Exchange 6 (ADDKE6)"),
    VS_V(12, "Additional Key Exchange 7 (ADDKE7)"),
    VS_V(13, "Key Wrap Algorithm (KWA)"),
    VS_V(14, "Group Controller Authentication Method (GCAUTH)"),
    VS_R(15, 240, "Unassigned"),
    VS_R(241, 255, "Private use"),
    VS_VEND};

const vs_val vs_vals_ikev2_attr_type[] = {
    VS_R(0, 13, "Reserved"),
    VS_V(14, "Key Length (in bits)"),
    VS_R(15, 17, "Reserved"),
    VS_R(18, 16383, "Unassigned"),
    VS_R(16384, 32767, "Private use"),
    VS_VEND};

/* Transform Type 1 - Encryption Algorithm Transform IDs */
const vs_val vs_vals_ikev2_encr[] = {
    VS_V(0, "Reserved"),
    VS_V(1, "ENCR_DES_IV64"),
    VS_V(2, "ENCR_DES"),
    VS_V(3, "ENCR_3DES"),
    VS_V(4, "ENCR_RC5"),
    VS_V(5, "ENCR_IDEA"),
    VS_V(6, "ENCR_CAST"),
    VS_V(7, "ENCR_BLOWFISH"),
    VS_V(8, "ENCR_3IDEA"),
    VS_V(9, "ENCR_DES_IV32"),
    VS_V(10, "Reserved"),
    VS_V(11, "ENCR_NULL"),
    VS_V(12, "ENCR_AES_CBC"),
    VS_V(13, "ENCR_AES_CTR"),
    VS_V(14, "ENCR_AES_CCM_8"),
    VS_V(15, "ENCR_AES_CCM_12"),
    VS_V(16, "ENCR_AES_CCM_16"),
    VS_V(17, "Unassigned"),
    VS_V(18, "ENCR_AES_GCM_8"),
    VS_V(19, "ENCR_AES_GCM_12"),
    VS_V(20, "ENCR_AES_GCM_16"),
    VS_V(21, "ENCR_NULL_AUTH_AES_GMAC"),
    VS_V(22, "Reserved for IEEE P1619 XTS-AES"),
    VS_V(23, "ENCR_CAMELLIA_CBC"),
    VS_V(24, "ENCR_CAMELLIA_CTR"),
    VS_V(25, "ENCR_CAMELLIA_CCM_8"),
    VS_V(26, "ENCR_CAMELLIA_CCM_12"),
    VS_V(27, "ENCR_CAMELLIA_CCM_16"),
    VS_V(28, "ENCR_CHACHA20_POLY1305"),
    VS_V(29, "ENCR_AES_CCM_8_IIV"),
    VS_V(30, "ENCR_AES_GCM_16_IIV"),
    VS_V(31, "ENCR_CHACHA20_POLY1305_IIV"),
    VS_V(32, "ENCR_KUZNYECHIK_MGM_KTREE"),
    VS_V(33, "ENCR_MAGMA_MGM_KTREE"),
    VS_V(34, "ENCR_KUZNYECHIK_MGM_MAC_KTREE"),
    VS_V(35, "ENCR_MAGMA_MGM_MAC_KTREE"),
    VS_R(36, 1023, "Unassigned"),
    VS_R(1024, 65535, "Private use"),
    VS_VEND};

/* Transform Type 2 - Pseudorandom Function Transform IDs */
const vs_val vs_vals_ikev2_prf[] = {
    VS_V(0, "Reserved"),
    VS_V(1, "PRF_HMAC_MD5"),
    VS_V(2, "PRF_HMAC_SHA1"),
    VS_V(3, "PRF_HMAC_TIGER"),
    VS_V(4, "PRF_AES128_XCBC"),
    VS_V(5, "PRF_HMAC_SHA2_256"),
    VS_V(6, "PRF_HMAC_SHA2_384"),
    VS_V(7, "PRF_HMAC_SHA2_512"),
    VS_V(8, "PRF_AES128_CMAC"),
    VS_V(9, "PRF_HMAC_STREEBOG_512"),
    VS_R(10, 1023, "Unassigned"),
    VS_R(1024, 65535, "Private use"),
    VS_VEND};

/* Transform Type 3 - Integrity Algorithm Transform IDs */
const vs_val vs_vals_ikev2_integ[] = {
    VS_V(0, "NONE"),
    VS_V(1, "AUTH_HMAC_MD5_96"),
    VS_V(2, "AUTH_HMAC_SHA1_96"),
    VS_V(3, "AUTH_DES_MAC"),
    VS_V(4, "AUTH_KPDK_MD5"),
    VS_V(5, "AUTH_AES_XCBC_96"),
    VS_V(6, "AUTH_HMAC_MD5_128"),
    VS_V(7, "AUTH_HMAC_SHA1_160"),
    VS_V(8, "AUTH_AES_CMAC_96"),
    VS_V(9, "AUTH_AES_128_GMAC"),
    VS_V(10, "AUTH_AES_192_GMAC"),
    VS_V(11, "AUTH_AES_256_GMAC"),
    VS_V(12, "AUTH_HMAC_SHA2_256_128"),
    VS_V(13, "AUTH_HMAC_SHA2_384_192"),
    VS_V(14, "AUTH_HMAC_SHA2_512_256"),
    VS_R(15, 1023, "Unassigned"),
    VS_R(1024, 65535, "Private use"),
    VS_VEND};

/* Transform Type 4 - Key Exchange Method Transform IDs (the D-H groups);
 * also used by ADDKE1-7 and by the KE payload. */
const vs_val vs_vals_ikev2_ke[] = {
    VS_V(0, "NONE"),
    VS_V(1, "768-bit MODP Group (group 1)"),
    VS_V(2, "1024-bit MODP Group (group 2)"),
    VS_R(3, 4, "Reserved"),
    VS_V(5, "1536-bit MODP Group (group 5)"),
    VS_R(6, 13, "Unassigned"),
    VS_V(14, "2048-bit MODP Group (group 14)"),
    VS_V(15, "3072-bit MODP Group (group 15)"),
    VS_V(16, "4096-bit MODP Group (group 16)"),
    VS_V(17, "6144-bit MODP Group (group 17)"),
    VS_V(18, "8192-bit MODP Group (group 18)"),
    VS_V(19, "256-bit random ECP group (group 19)"),
    VS_V(20, "384-bit random ECP group (group 20)"),
    VS_V(21, "521-bit random ECP group (group 21)"),
    VS_V(22, "1024-bit MODP Group with 160-bit Prime Order Subgroup (group 22)"),
    VS_V(23, "2048-bit MODP Group with 224-bit Prime Order Subgroup (group 23)"),
    VS_V(24, "2048-bit MODP Group with 256-bit Prime Order Subgroup (group 24)"),
    VS_V(25, "192-bit Random ECP Group (group 25)"),
    VS_V(26, "224-bit Random ECP Group (group 26)"),
    VS_V(27, "brainpoolP224r1 (group 27)"),
    VS_V(28, "brainpoolP256r1 (group 28)"),
    VS_V(29, "brainpoolP384r1 (group 29)"),
    VS_V(30, "brainpoolP512r1 (group 30)"),
    VS_V(31, "Curve25519 (group 31)"),
    VS_V(32, "Curve448 (group 32)"),
    VS_V(33, "GOST3410_2012_256"),
    VS_V(34, "GOST3410_2012_512"),
    VS_V(35, "ML-KEM-512"),
    VS_V(36, "ML-KEM-768"),
    VS_V(37, "ML-KEM-1024"),
    VS_R(38, 1023, "Unassigned"),
    VS_R(1024, 65535, "Private use"),
    VS_VEND};

/* Transform Type 5 - Sequence Numbers Transform IDs */
const vs_val vs_vals_ikev2_sn[] = {
    /* IANA's names since G-IKEv2; IOS and RFC 7296 say ESN off / on */
    VS_V(0, "32-bit Sequential Numbers (no ESN)"),
    VS_V(1, "Partially Transmitted 64-bit Sequential Numbers (ESN)"),
    VS_V(2, "32-bit Unspecified Numbers"),
    VS_R(3, 65535, "Unassigned"),
    VS_VEND};

const vs_val vs_vals_ikev2_id_type[] = {
    VS_V(0, "Reserved"),
    VS_V(1, "ID_IPV4_ADDR"),
    VS_V(2, "ID_FQDN"),
    VS_V(3, "ID_RFC822_ADDR"),
    VS_V(4, "Unassigned"),
    VS_V(5, "ID_IPV6_ADDR"),
    VS_R(6, 8, "Unassigned"),
    VS_V(9, "ID_DER_ASN1_DN"),
    VS_V(10, "ID_DER_ASN1_GN"),
    VS_V(11, "ID_KEY_ID"),
    VS_V(12, "ID_FC_NAME"),
    VS_V(13, "ID_NULL"),
    VS_R(14, 200, "Unassigned"),
    VS_R(201, 255, "Private use"),
    VS_VEND};

const vs_val vs_vals_ikev2_cert_encoding[] = {
    VS_V(0, "Reserved"),
    VS_V(1, "PKCS #7 wrapped X.509 certificate"),
    VS_V(2, "PGP Certificate"),
    VS_V(3, "DNS Signed Key"),
    VS_V(4, "X.509 Certificate - Signature"),
    VS_V(5, "Reserved"),
    VS_V(6, "Kerberos Token"),
    VS_V(7, "Certificate Revocation List (CRL)"),
    VS_V(8, "Authority Revocation List (ARL)"),
    VS_V(9, "SPKI Certificate"),
    VS_V(10, "X.509 Certificate - Attribute"),
    VS_V(11, "Raw RSA Key (deprecated)"),
    VS_V(12, "Hash and URL of X.509 certificate"),
    VS_V(13, "Hash and URL of X.509 bundle"),
    VS_V(14, "OCSP Content"),
    VS_V(15, "Raw Public Key"),
    VS_R(16, 200, "Unassigned"),
    VS_R(201, 255, "Private use"),
    VS_VEND};

const vs_val vs_vals_ikev2_auth_method[] = {
    VS_V(0, "Reserved"),
    VS_V(1, "RSA Digital Signature"),
    VS_V(2, "Shared Key Message Integrity Code"),
    VS_V(3, "DSS Digital Signature"),
    VS_R(4, 8, "Unassigned"),
    VS_V(9, "ECDSA with SHA-256 on the P-256 curve"),
    VS_V(10, "ECDSA with SHA-384 on the P-384 curve"),
    VS_V(11, "ECDSA with SHA-512 on the P-521 curve"),
    VS_V(12, "Generic Secure Password Authentication Method"),
    VS_V(13, "NULL Authentication"),
    VS_V(14, "Digital Signature"),
    VS_R(15, 200, "Unassigned"),
    VS_R(201, 255, "Private use"),
    VS_VEND};

/* IKEv2 Notify Message Error Types (0-16383) and Status Types (16384-65535). */
const vs_val vs_vals_ikev2_notify_type[] = {
    VS_V(0, "Reserved"),
    VS_V(1, "UNSUPPORTED_CRITICAL_PAYLOAD"),
    VS_R(2, 3, "Reserved"),
    VS_V(4, "INVALID_IKE_SPI"),
    VS_V(5, "INVALID_MAJOR_VERSION"),
    VS_V(6, "Reserved"),
    VS_V(7, "INVALID_SYNTAX"),
    VS_V(8, "Reserved"),
    VS_V(9, "INVALID_MESSAGE_ID"),
    VS_V(10, "Reserved"),
    VS_V(11, "INVALID_SPI"),
    VS_R(12, 13, "Reserved"),
    VS_V(14, "NO_PROPOSAL_CHOSEN"),
    VS_R(15, 16, "Reserved"),
    VS_V(17, "INVALID_KE_PAYLOAD"),
    VS_R(18, 23, "Reserved"),
    VS_V(24, "AUTHENTICATION_FAILED"),
    VS_R(25, 33, "Reserved"),
    VS_V(34, "SINGLE_PAIR_REQUIRED"),
    VS_V(35, "NO_ADDITIONAL_SAS"),
    VS_V(36, "INTERNAL_ADDRESS_FAILURE"),
    VS_V(37, "FAILED_CP_REQUIRED"),
    VS_V(38, "TS_UNACCEPTABLE"),
    VS_V(39, "INVALID_SELECTORS"),
    VS_V(40, "UNACCEPTABLE_ADDRESSES"),
    VS_V(41, "UNEXPECTED_NAT_DETECTED"),
    VS_V(42, "USE_ASSIGNED_HoA"),
    VS_V(43, "TEMPORARY_FAILURE"),
    VS_V(44, "CHILD_SA_NOT_FOUND"),
    VS_V(45, "INVALID_GROUP_ID"),
    VS_V(46, "AUTHORIZATION_FAILED"),
    VS_V(47, "STATE_NOT_FOUND"),
    VS_V(48, "TS_MAX_QUEUE"),
    VS_V(49, "REGISTRATION_FAILED"),
    VS_R(50, 8191, "Unassigned (error)"),
    VS_R(8192, 16383, "Private use (error)"),
    VS_V(16384, "INITIAL_CONTACT"),
    VS_V(16385, "SET_WINDOW_SIZE"),
    VS_V(16386, "ADDITIONAL_TS_POSSIBLE"),
    VS_V(16387, "IPCOMP_SUPPORTED"),
    VS_V(16388, "NAT_DETECTION_SOURCE_IP"),
    VS_V(16389, "NAT_DETECTION_DESTINATION_IP"),
    VS_V(16390, "COOKIE"),
    VS_V(16391, "USE_TRANSPORT_MODE"),
    VS_V(16392, "HTTP_CERT_LOOKUP_SUPPORTED"),
    VS_V(16393, "REKEY_SA"),
    VS_V(16394, "ESP_TFC_PADDING_NOT_SUPPORTED"),
    VS_V(16395, "NON_FIRST_FRAGMENTS_ALSO"),
    VS_V(16396, "MOBIKE_SUPPORTED"),
    VS_V(16397, "ADDITIONAL_IP4_ADDRESS"),
    VS_V(16398, "ADDITIONAL_IP6_ADDRESS"),
    VS_V(16399, "NO_ADDITIONAL_ADDRESSES"),
    VS_V(16400, "UPDATE_SA_ADDRESSES"),
    VS_V(16401, "COOKIE2"),
    VS_V(16402, "NO_NATS_ALLOWED"),
    VS_V(16403, "AUTH_LIFETIME"),
    VS_V(16404, "MULTIPLE_AUTH_SUPPORTED"),
    VS_V(16405, "ANOTHER_AUTH_FOLLOWS"),
    VS_V(16406, "REDIRECT_SUPPORTED"),
    VS_V(16407, "REDIRECT"),
    VS_V(16408, "REDIRECTED_FROM"),
    VS_V(16409, "TICKET_LT_OPAQUE"),
    VS_V(16410, "TICKET_REQUEST"),
    VS_V(16411, "TICKET_ACK"),
    VS_V(16412, "TICKET_NACK"),
    VS_V(16413, "TICKET_OPAQUE"),
    VS_V(16414, "LINK_ID"),
    VS_V(16415, "USE_WESP_MODE"),
    VS_V(16416, "ROHC_SUPPORTED"),
    VS_V(16417, "EAP_ONLY_AUTHENTICATION"),
    VS_V(16418, "CHILDLESS_IKEV2_SUPPORTED"),
    VS_V(16419, "QUICK_CRASH_DETECTION"),
    VS_V(16420, "IKEV2_MESSAGE_ID_SYNC_SUPPORTED"),
    VS_V(16421, "IPSEC_REPLAY_COUNTER_SYNC_SUPPORTED"),
    VS_V(16422, "IKEV2_MESSAGE_ID_SYNC"),
    VS_V(16423, "IPSEC_REPLAY_COUNTER_SYNC"),
    VS_V(16424, "SECURE_PASSWORD_METHODS"),
    VS_V(16425, "PSK_PERSIST"),
    VS_V(16426, "PSK_CONFIRM"),
    VS_V(16427, "ERX_SUPPORTED"),
    VS_V(16428, "IFOM_CAPABILITY"),
    VS_V(16429, "GROUP_SENDER"), /* SENDER_REQUEST_ID before G-IKEv2 */
    VS_V(16430, "IKEV2_FRAGMENTATION_SUPPORTED"),
    VS_V(16431, "SIGNATURE_HASH_ALGORITHMS"),
    VS_V(16432, "CLONE_IKE_SA_SUPPORTED"),
    VS_V(16433, "CLONE_IKE_SA"),
    VS_V(16434, "PUZZLE"),
    VS_V(16435, "USE_PPK"),
    VS_V(16436, "PPK_IDENTITY"),
    VS_V(16437, "NO_PPK_AUTH"),
    VS_V(16438, "INTERMEDIATE_EXCHANGE_SUPPORTED"),
    VS_V(16439, "IP4_ALLOWED"),
    VS_V(16440, "IP6_ALLOWED"),
    VS_V(16441, "ADDITIONAL_KEY_EXCHANGE"),
    VS_V(16442, "USE_AGGFRAG"),
    VS_V(16443, "SUPPORTED_AUTH_METHODS"),
    VS_V(16444, "SA_RESOURCE_INFO"),
    VS_V(16445, "USE_PPK_INT"),
    VS_V(16446, "PPK_IDENTITY_KEY"),
    VS_R(16447, 40959, "Unassigned (status)"),
    VS_R(40960, 65535, "Private use (status)"),
    VS_VEND};

const vs_val vs_vals_ikev2_ipcomp[] = {
    VS_V(0, "Reserved"),
    VS_V(1, "IPCOMP_OUI"),
    VS_V(2, "IPCOMP_DEFLATE"),
    VS_V(3, "IPCOMP_LZS"),
    VS_V(4, "IPCOMP_LZJH"),
    VS_R(5, 240, "Unassigned"),
    VS_R(241, 255, "Private use"),
    VS_VEND};

const vs_val vs_vals_ikev2_gw_ident[] = {
    VS_V(0, "Reserved"),
    VS_V(1, "IPv4 address"),
    VS_V(2, "IPv6 address"),
    VS_V(3, "FQDN"),
    VS_R(4, 240, "Unassigned"),
    VS_R(241, 255, "Private use"),
    VS_VEND};

/* IKEv2 Hash Algorithms (RFC 7427) */
const vs_val vs_vals_ikev2_hash_alg[] = {
    VS_V(0, "Reserved"),
    VS_V(1, "SHA1"),
    VS_V(2, "SHA2-256"),
    VS_V(3, "SHA2-384"),
    VS_V(4, "SHA2-512"),
    VS_V(5, "Identity"),
    VS_V(6, "STREEBOG_256"),
    VS_V(7, "STREEBOG_512"),
    VS_R(8, 1023, "Unassigned"),
    VS_R(1024, 65535, "Private use"),
    VS_VEND};

const vs_val vs_vals_ikev2_ts_type[] = {
    VS_R(0, 6, "Reserved"),
    VS_V(7, "TS_IPV4_ADDR_RANGE"),
    VS_V(8, "TS_IPV6_ADDR_RANGE"),
    VS_V(9, "TS_FC_ADDR_RANGE"),
    VS_V(10, "TS_SECLABEL"),
    VS_R(11, 240, "Unassigned"),
    VS_R(241, 255, "Private use"),
    VS_VEND};

/* IP protocol numbers as traffic selectors show them (0 = any). */
const vs_val vs_vals_ikev2_ip_proto[] = {
    VS_V(0, "Any"),
    VS_V(1, "ICMP"),
    VS_V(2, "IGMP"),
    VS_V(4, "IPv4"),
    VS_V(6, "TCP"),
    VS_V(17, "UDP"),
    VS_V(41, "IPv6"),
    VS_V(47, "GRE"),
    VS_V(50, "ESP"),
    VS_V(51, "AH"),
    VS_V(58, "ICMPv6"),
    VS_V(89, "OSPF"),
    VS_V(103, "PIM"),
    VS_V(112, "VRRP"),
    VS_V(132, "SCTP"),
    VS_VEND};

const vs_val vs_vals_ikev2_cfg_type[] = {
    VS_V(0, "Reserved"),
    VS_V(1, "CFG_REQUEST"),
    VS_V(2, "CFG_REPLY"),
    VS_V(3, "CFG_SET"),
    VS_V(4, "CFG_ACK"),
    VS_R(5, 127, "Unassigned"),
    VS_R(128, 255, "Private use"),
    VS_VEND};

/* IKEv2 Configuration Payload Attribute Types, and in the private range the
 * Cisco Unity values IOS FlexVPN uses (names as IOS shows them). */
const vs_val vs_vals_ikev2_cfg_attr[] = {
    VS_V(0, "Reserved"),
    VS_V(1, "INTERNAL_IP4_ADDRESS"),
    VS_V(2, "INTERNAL_IP4_NETMASK"),
    VS_V(3, "INTERNAL_IP4_DNS"),
    VS_V(4, "INTERNAL_IP4_NBNS"),
    VS_V(5, "Reserved (was INTERNAL_ADDRESS_EXPIRY)"),
    VS_V(6, "INTERNAL_IP4_DHCP"),
    VS_V(7, "APPLICATION_VERSION"),
    VS_V(8, "INTERNAL_IP6_ADDRESS"),
    VS_V(9, "Reserved (was INTERNAL_IP6_NETMASK)"),
    VS_V(10, "INTERNAL_IP6_DNS"),
    VS_V(11, "Reserved (was INTERNAL_IP6_NBNS)"),
    VS_V(12, "INTERNAL_IP6_DHCP"),
    VS_V(13, "INTERNAL_IP4_SUBNET"),
    VS_V(14, "SUPPORTED_ATTRIBUTES"),
    VS_V(15, "INTERNAL_IP6_SUBNET"),
    VS_V(16, "MIP6_HOME_PREFIX"),
    VS_V(17, "INTERNAL_IP6_LINK"),
    VS_V(18, "INTERNAL_IP6_PREFIX"),
    VS_V(19, "HOME_AGENT_ADDRESS"),
    VS_V(20, "P_CSCF_IP4_ADDRESS"),
    VS_V(21, "P_CSCF_IP6_ADDRESS"),
    VS_V(22, "FTT_KAT"),
    VS_V(23, "EXTERNAL_SOURCE_IP4_NAT_INFO"),
    VS_V(24, "TIMEOUT_PERIOD_FOR_LIVENESS_CHECK"),
    VS_V(25, "INTERNAL_DNS_DOMAIN"),
    VS_V(26, "INTERNAL_DNSSEC_TA"),
    VS_V(27, "ENCDNS_IP4"),
    VS_V(28, "ENCDNS_IP6"),
    VS_V(29, "ENCDNS_DIGEST_INFO"),
    VS_R(30, 16383, "Unassigned"),
    VS_V(28672, "Private use (Cisco: UNITY_BANNER)"),
    VS_V(28673, "Private use (Cisco: UNITY_SAVE_PASSWD)"),
    VS_V(28674, "Private use (Cisco: UNITY_DEF_DOMAIN)"),
    VS_V(28675, "Private use (Cisco: UNITY_SPLIT_DOMAIN)"),
    VS_V(28676, "Private use (Cisco: UNITY_SPLIT_INCLUDE)"),
    VS_V(28677, "Private use (Cisco: UNITY_NATT_PORT)"),
    VS_V(28678, "Private use (Cisco: UNITY_LOCAL_LAN)"),
    VS_V(28679, "Private use (Cisco: UNITY_PFS)"),
    VS_V(28680, "Private use (Cisco: UNITY_FW_TYPE)"),
    VS_V(28681, "Private use (Cisco: UNITY_BACKUP_SERVERS)"),
    VS_V(28682, "Private use (Cisco: UNITY_DDNS_HOSTNAME)"),
    VS_R(16384, 32767, "Private use"),
    VS_VEND};

const vs_val vs_vals_ikev2_eap_code[] = {
    VS_V(1, "Request"),
    VS_V(2, "Response"),
    VS_V(3, "Success"),
    VS_V(4, "Failure"),
    VS_V(5, "Initiate"),
    VS_V(6, "Finish"),
    VS_VEND};

/* EAP method types (IANA "Extensible Authentication Protocol (EAP) Registry"). */
const vs_val vs_vals_ikev2_eap_type[] = {
    VS_V(1, "Identity"),
    VS_V(2, "Notification"),
    VS_V(3, "Legacy Nak"),
    VS_V(4, "MD5-Challenge"),
    VS_V(5, "One-Time Password (OTP)"),
    VS_V(6, "Generic Token Card (GTC)"),
    VS_V(13, "EAP-TLS"),
    VS_V(17, "EAP-Cisco Wireless (LEAP)"),
    VS_V(18, "EAP-SIM"),
    VS_V(21, "EAP-TTLS"),
    VS_V(23, "EAP-AKA"),
    VS_V(25, "PEAP"),
    VS_V(26, "EAP-MSCHAP-V2"),
    VS_V(43, "EAP-FAST"),
    VS_V(47, "EAP-PSK"),
    VS_V(48, "EAP-SAKE"),
    VS_V(49, "EAP-IKEv2"),
    VS_V(50, "EAP-AKA'"),
    VS_V(51, "EAP-GPSK"),
    VS_V(52, "EAP-pwd"),
    VS_V(53, "EAP-EKE"),
    VS_V(54, "TEAP"),
    VS_V(55, "EAP-NOOB"),
    VS_V(254, "Expanded Type"),
    VS_V(255, "Experimental"),
    VS_VEND};

/* Vendor IDs recognised by prefix. The value of a vpnscope.ikev2.vid.vendor item is the
 * index of the entry in vs_ikev2_vendors (1-based), whose names vs_vals_ikev2_vendor gives. */
typedef struct vs_ikev2_vendor_rec {
    const char *name;
    const char *prefix; /* bytes */
    size_t len;
} vs_ikev2_vendor_rec;

#define VID(name, bytes) {name, bytes, sizeof(bytes) - 1}
static const vs_ikev2_vendor_rec vs_ikev2_vendors[] = {
    /* 1 */ VID("strongSwan", "\x88\x2f\xe5\x6d\x6f\xd2\x0d\xbc\x22\x51\x61\x3b\x2e\xbe\x5b\xeb"),
    /* 2 */ VID("Cisco Delete Reason (CISCO-DELETE-REASON)", "CISCO-DELETE-REASON"),
    /* 3 */ VID("Cisco Copyright (CISCO(COPYRIGHT))", "CISCO(COPYRIGHT)"),
    /* 4 */ VID("Cisco FlexVPN (FLEXVPN-SUPPORTED)", "FLEXVPN-SUPPORTED"),
    /* 5 */ VID("Cisco GRE mode (CISCO-GRE-MODE)", "CISCO-GRE-MODE"),
    /* 6 */ VID("Cisco dynamic route (CISCO-DYNAMIC-ROUTE)", "CISCO-DYNAMIC-ROUTE"),
    /* 7 */ VID("Cisco Unity", "\x12\xf5\xf2\x8c\x45\x71\x68\xa9\x70\x2d\x9f\xe2\x74\xcc"),
    /* 8 */ VID("Cisco VPN Concentrator", "\x1f\x07\xf7\x0e\xaa\x65\x14\xd3\xb0\xfa\x96\x54\x2a\x50"),
    /* 9 */ VID("Cisco IKE fragmentation", "\x40\x48\xb7\xd5\x6e\xbc\xe8\x85\x25\xe7\xde\x7f\x00\xd6\xc2\xd3"),
    /* 10 */ VID("Microsoft Windows (MS NT5 ISAKMPOAKLEY)", "\x1e\x2b\x51\x69\x05\x99\x1c\x7d\x7c\x96\xfc\xbf\xb5\x87\xe4\x61"),
    /* 11 */ VID("Microsoft MS-Negotiation Discovery Capable", "\xfb\x1d\xe3\xcd\xf3\x41\xb7\xea\x16\xb7\xe5\xbe\x08\x55\xf1\x20"),
    /* 12 */ VID("Microsoft Vid-Initial-Contact", "\x26\x24\x4d\x38\xed\xdb\x61\xb3\x17\x2a\x36\xe3\xd0\xcf\xb8\x19"),
    /* 13 */ VID("Microsoft IKE CGA version 1", "\xe3\xa5\x96\x6a\x76\x37\x9f\xe7\x07\x22\x82\x31\xe5\xce\x86\x52"),
    /* 14 */ VID("Microsoft MS-MamieExists", "\x21\x4c\xa4\xfa\xff\xa7\xf3\x2d\x67\x48\xe5\x30\x33\x95\xae\x83"),
    /* 15 */ VID("RFC 3947 NAT-T", "\x4a\x13\x1c\x81\x07\x03\x58\x45\x5c\x57\x28\xf2\x0e\x95\x45\x2f"),
    /* 16 */ VID("draft-ietf-ipsec-nat-t-ike-02", "\xcd\x60\x46\x43\x35\xdf\x21\xf8\x7c\xfd\xb2\xfc\x68\xb6\xa4\x48"),
    /* 17 */ VID("draft-ietf-ipsec-nat-t-ike-02\\n", "\x90\xcb\x80\x91\x3e\xbb\x69\x6e\x08\x63\x81\xb5\xec\x42\x7b\x1f"),
    /* 18 */ VID("draft-ietf-ipsec-nat-t-ike-03", "\x7d\x94\x19\xa6\x53\x10\xca\x6f\x2c\x17\x9d\x92\x15\x52\x9d\x56"),
    /* 19 */ VID("RFC 3706 DPD", "\xaf\xca\xd7\x13\x68\xa1\xf1\xc9\x6b\x86\x96\xfc\x77\x57\x01\x00"),
    /* 20 */ VID("XAUTH", "\x09\x00\x26\x89\xdf\xd6\xb7\x12"),
    /* 21 */ VID("Check Point", "\xf4\xed\x19\xe0\xc1\x14\xeb\x51\x6f\xaa\xac\x0e\xe3\x7d\xaf\x28\x07\xb4\x38\x1f"),
    /* 22 */ VID("KAME/racoon", "\x70\x03\xcb\xc1\x09\x7d\xbe\x9c\x26\x00\xba\x69\x83\xbc\x8b\x35"),
    /* 23 */ VID("Heartbeat Notify", "HeartBeat_Notify"),
    /* 24 */ VID("Libreswan/Openswan", "OE"),
};
#undef VID

const vs_val vs_vals_ikev2_vendor[] = {
    VS_V(1, "strongSwan"),
    VS_V(2, "Cisco Delete Reason (CISCO-DELETE-REASON)"),
    VS_V(3, "Cisco Copyright (CISCO(COPYRIGHT))"),
    VS_V(4, "Cisco FlexVPN (FLEXVPN-SUPPORTED)"),
    VS_V(5, "Cisco GRE mode (CISCO-GRE-MODE)"),
    VS_V(6, "Cisco dynamic route (CISCO-DYNAMIC-ROUTE)"),
    VS_V(7, "Cisco Unity"),
    VS_V(8, "Cisco VPN Concentrator"),
    VS_V(9, "Cisco IKE fragmentation"),
    VS_V(10, "Microsoft Windows (MS NT5 ISAKMPOAKLEY)"),
    VS_V(11, "Microsoft MS-Negotiation Discovery Capable"),
    VS_V(12, "Microsoft Vid-Initial-Contact"),
    VS_V(13, "Microsoft IKE CGA version 1"),
    VS_V(14, "Microsoft MS-MamieExists"),
    VS_V(15, "RFC 3947 NAT-T"),
    VS_V(16, "draft-ietf-ipsec-nat-t-ike-02"),
    VS_V(17, "draft-ietf-ipsec-nat-t-ike-02\\n"),
    VS_V(18, "draft-ietf-ipsec-nat-t-ike-03"),
    VS_V(19, "RFC 3706 DPD"),
    VS_V(20, "XAUTH"),
    VS_V(21, "Check Point"),
    VS_V(22, "KAME/racoon"),
    VS_V(23, "Heartbeat Notify"),
    VS_V(24, "Libreswan/Openswan"),
    VS_VEND};

/* Index (1-based) of the vendor whose prefix starts vid, 0 if none; *plen gets
 * the prefix length. The Libreswan "OE" prefix only counts for 12+ byte IDs of
 * printable text, so a short binary ID is never misnamed. */
unsigned vs_ikev2_vendor_match(const uint8_t *vid, size_t len, size_t *plen)
{
    size_t n = sizeof vs_ikev2_vendors / sizeof vs_ikev2_vendors[0];
    for (size_t i = 0; i < n; i++) {
        const vs_ikev2_vendor_rec *v = &vs_ikev2_vendors[i];
        if (len < v->len || memcmp(vid, v->prefix, v->len) != 0)
            continue;
        if (v->len == 2) {
            bool printable = len >= 12;
            for (size_t k = 0; printable && k < len; k++)
                printable = vid[k] >= 0x20 && vid[k] < 0x7f;
            if (!printable)
                continue;
        }
        *plen = v->len;
        return (unsigned)(i + 1);
    }
    return 0;
}

const char *vs_ikev2_vendor_name(const uint8_t *vid, size_t len)
{
    size_t plen;
    unsigned i = vid ? vs_ikev2_vendor_match(vid, len, &plen) : 0;
    return i ? vs_ikev2_vendors[i - 1].name : NULL;
}

const char *vs_ikev2_transform_name(uint8_t type, uint16_t id)
{
    switch (type) {
    case VS_IKEV2_TF_ENCR: return vs_val_name(vs_vals_ikev2_encr, id);
    case VS_IKEV2_TF_PRF: return vs_val_name(vs_vals_ikev2_prf, id);
    case VS_IKEV2_TF_INTEG: return vs_val_name(vs_vals_ikev2_integ, id);
    case VS_IKEV2_TF_SN: return vs_val_name(vs_vals_ikev2_sn, id);
    default:
        if (type == VS_IKEV2_TF_KE || (type >= VS_IKEV2_TF_ADDKE1 && type <= VS_IKEV2_TF_ADDKE7))
            return vs_val_name(vs_vals_ikev2_ke, id);
        return NULL;
    }
}
