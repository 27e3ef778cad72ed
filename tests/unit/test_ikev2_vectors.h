/* IKEv2 test vectors, assembled field by field from the RFC 7296 / RFC 7383
 * layouts (generic payload header 3.2, SA/proposal/transform/attribute 3.3,
 * KE 3.4, ID 3.5, CERTREQ 3.7, AUTH 3.8, Nonce 3.9, Notify 3.10, Delete 3.11,
 * VID 3.12, TS 3.13, SK 3.14, CP 3.15, EAP 3.16, SKF RFC 7383 2.5). Offsets in
 * the comments are absolute inside each buffer. The v_*_body vectors are bare
 * payload chains (decrypted SK contents) whose first payload type is the
 * matching *_FIRST constant. Shared by test_ikev2.c and test_ikev2_tshark.c
 * (which also checks them against tshark's dissector). */
#ifndef TEST_IKEV2_VECTORS_H
#define TEST_IKEV2_VECTORS_H

#define V_CHILD_BODY_FIRST 41
#define V_INFO_DELETE_BODY_FIRST 42
#define V_AUTH_REQ_BODY_FIRST 35
#define V_AUTH_RESP_BODY_FIRST 36

/* v_sa_init_req: 264 bytes. IKE_SA_INIT request: SA(2 proposals), KE(Curve25519), Ni, N(NAT_DETECTION_SOURCE_IP), N(NAT_DETECTION_DESTINATION_IP), V(strongSwan)
 *   payload 33 at 28, length 84
 *   payload 34 at 112, length 40
 *   payload 40 at 152, length 36
 *   payload 41 at 188, length 28
 *   payload 41 at 216, length 28
 *   payload 43 at 244, length 20
 */
static const char v_sa_init_req[] =
    "0102030405060708000000000000000021202208000000000000010822000054"
    "02000024010100030300000c01000014800e0100030000080200000500000008"
    "0400001f0000002c020100040300000c0100000c800e0080030000080300000c"
    "0300000802000002000000080400000e28000028001f00002021222324252627"
    "28292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f2900002440414243"
    "4445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f2900001c"
    "00004004a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b32b00001c00004005"
    "b0b1b2b3b4b5b6b7b8b9babbbcbdbebfc0c1c2c300000014882fe56d6fd20dbc"
    "2251613b2ebe5beb"
    ;

/* v_sa_init_cookie: 52 bytes. IKE_SA_INIT response: N(COOKIE)
 *   payload 41 at 28, length 24
 */
static const char v_sa_init_cookie[] =
    "0102030405060708000000000000000029202220000000000000003400000018"
    "00004006c0c1c2c3c4c5c6c7c8c9cacbcccdcecf"
    ;

/* v_sa_init_invalid_ke: 38 bytes. IKE_SA_INIT response: N(INVALID_KE_PAYLOAD, group 19)
 *   payload 41 at 28, length 10
 */
static const char v_sa_init_invalid_ke[] =
    "010203040506070800000000000000002920222000000000000000260000000a"
    "000000110013"
    ;

/* v_sa_init_resp: 291 bytes. IKE_SA_INIT response: SA, KE, Nr, CERTREQ(2 CAs), N(IKEV2_FRAGMENTATION_SUPPORTED), N(SIGNATURE_HASH_ALGORITHMS), V(Cisco copyright), V(FLEXVPN-SUPPORTED)
 *   payload 33 at 28, length 40
 *   payload 34 at 68, length 40
 *   payload 40 at 108, length 36
 *   payload 38 at 144, length 45
 *   payload 41 at 189, length 8
 *   payload 41 at 197, length 14
 *   payload 43 at 211, length 59
 *   payload 43 at 270, length 21
 */
static const char v_sa_init_resp[] =
    "0102030405060708111213141516171821202220000000000000012322000028"
    "00000024010100030300000c01000014800e0100030000080200000500000008"
    "0400001f28000028001f0000606162636465666768696a6b6c6d6e6f70717273"
    "7475767778797a7b7c7d7e7f26000024808182838485868788898a8b8c8d8e8f"
    "909192939495969798999a9b9c9d9e9f2900002d04f5b2246282898c10635e53"
    "8e79f8116eb81b8f7e6ca4abb59b43873a8411c99ab97c9e3e2abd3277290000"
    "080000402e2b00000e0000402f0002000300042b00003b434953434f28434f50"
    "5952494748542926436f7079726967687420286329203230303920436973636f"
    "2053797374656d732c20496e632e00000015464c455856504e2d535550504f52"
    "544544"
    ;

/* v_ike_auth_sk: 112 bytes. IKE_AUTH request: SK(first inner IDi) with 16 IV + 48 ciphertext + 16 ICV
 *   payload 46 at 28, length 84
 */
static const char v_ike_auth_sk[] =
    "010203040506070811121314151617182e202308000000010000007023000054"
    "101112131415161718191a1b1c1d1e1f303132333435363738393a3b3c3d3e3f"
    "404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f"
    "e0e1e2e3e4e5e6e7e8e9eaebecedeeef"
    ;

/* v_child_body: 164 bytes. CREATE_CHILD_SA decrypted body: N(REKEY_SA, ESP c0ffee00), SA(ESP c0ffee01: AES-CBC-128, SHA2-256-128, no ESN), Ni, TSi(10.0.1.0/24), TSr(TCP 443 192.168.1.1; IPv6 2001:db8::/112)
 *   payload 41 at 0, length 12
 *   payload 33 at 12, length 44
 *   payload 40 at 56, length 20
 *   payload 44 at 76, length 24
 *   payload 45 at 100, length 64
 */
static const char v_child_body[] =
    "2100000c03044009c0ffee002800002c0000002801030403c0ffee010300000c"
    "0100000c800e0080030000080300000c00000008050000002c00001470717273"
    "7475767778797a7b7c7d7e7f2d00001801000000070000100000ffff0a000100"
    "0a0001ff00000040020000000706001001bb01bbc0a80101c0a8010108000028"
    "0000ffff20010db800000000000000000000000020010db80000000000000000"
    "0000ffff"
    ;

/* v_info_delete_body: 24 bytes. INFORMATIONAL decrypted body: D(ESP, 2 SPIs), D(IKE)
 *   payload 42 at 0, length 16
 *   payload 42 at 16, length 8
 */
static const char v_info_delete_body[] =
    "2a00001003040002c0ffee010badf00d0000000801000000"
    ;

/* v_skf: 100 bytes. IKE_AUTH fragment 1/3: SKF(first inner IDi) 16 IV + 32 ciphertext + 16 ICV
 *   payload 53 at 28, length 72
 */
static const char v_skf[] =
    "0102030405060708111213141516171835202308000000010000006423000048"
    "00010003101112131415161718191a1b1c1d1e1f303132333435363738393a3b"
    "3c3d3e3f404142434445464748494a4b4c4d4e4fe0e1e2e3e4e5e6e7e8e9eaeb"
    "ecedeeef"
    ;

/* v_auth_req_body: 58 bytes. IKE_AUTH request decrypted body: IDi(FQDN client.example.com), CP(CFG_REQUEST: INTERNAL_IP4_ADDRESS, INTERNAL_IP4_DNS, INTERNAL_IP6_ADDRESS, APPLICATION_VERSION)
 *   payload 35 at 0, length 26
 *   payload 47 at 26, length 32
 */
static const char v_auth_req_body[] =
    "2f00001a02000000636c69656e742e6578616d706c652e636f6d000000200100"
    "00000001000000030000000800000007000876706e73636f7065"
    ;

/* v_auth_resp_body: 110 bytes. IKE_AUTH response decrypted body: IDr(192.0.2.1), AUTH(PSK), EAP(Request, id 7, Identity), CP(CFG_REPLY: 10.10.10.5, subnet 10.0.0.0/255.0.0.0, 2001:db8::5/64)
 *   payload 36 at 0, length 12
 *   payload 39 at 12, length 40
 *   payload 48 at 52, length 9
 *   payload 47 at 61, length 49
 */
static const char v_auth_resp_body[] =
    "2700000c01000000c00002013000002802000000000102030405060708090a0b"
    "0c0d0e0f101112131415161718191a1b1c1d1e1f2f0000090107000501000000"
    "3102000000000100040a0a0a05000d00080a000000ff0000000008001120010d"
    "b800000000000000000000000540"
    ;

#endif
