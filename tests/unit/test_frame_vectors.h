/* Frames for the frame-stack tests, built with scapy 2.5 (Debian /usr/bin/python3);
 * the generating script is below (eth_pad_ka: the IP packet, then 17 zero bytes of
 * Ethernet padding appended outside it). Shared by test_frame.c and
 * test_frame_tshark.c (the synthetic-capture agreement test).
 *
 *   # frames
 *   V['f_eth_qinq_udp500']=Ether(src=M1,dst=M2)/Dot1AD(vlan=100,prio=5)/Dot1Q(vlan=200)/IP(src="10.1.1.1",dst="10.2.2.2",id=1)/UDP(sport=500,dport=500)/Raw(b"\x11"*28)
 *   V['f_eth_9100_udp848']=Ether(src=M1,dst=M2,type=0x9100)/Dot1Q(vlan=7)/IP(src="10.1.1.1",dst="239.192.1.1",id=2)/UDP(sport=848,dport=848)/Raw(b"\x22"*28)
 *   nhrp=bytes.fromhex("0001080000000000000000340000010100000000")
 *   V['f_sll_gre_gre_nhrp']=CookedLinux(pkttype=4,lladdrtype=1,lladdrlen=6,src=b"\x00\x11\x22\x33\x44\x55\x00\x00",proto=0x0800)/IP(src="203.0.113.1",dst="203.0.113.2",id=3)/GRE(key_present=1,key=1001,proto=0x0800)/IP(src="172.16.0.1",dst="172.16.0.2",id=4)/GRE(key_present=1,key=2002,proto=0x2001)/Raw(nhrp)
 *   sll2=struct.pack("!HHIHBB8s",0x86dd,0,3,1,0,6,b"\x00\x11\x22\x33\x44\x55\x00\x00")
 *   V['f_sll2_v6_natt_ike']=Raw(sll2)/IPv6(src="2001:db8::a",dst="2001:db8::b")/UDP(sport=4500,dport=4500)/Raw(b"\x00"*4+b"\x33"*28)
 *   V['f_null_le_v4_esp']=Raw(struct.pack("<I",2))/IP(src="192.168.1.1",dst="192.168.1.2",id=5,proto=50)/Raw(bytes.fromhex("0000100100000009")+b"\x44"*20)
 *   V['f_loop_be_v6_ah_udp']=Raw(struct.pack(">I",24))/IPv6(src="2001:db8::1",dst="2001:db8::2")/AH(nh=17,payloadlen=4,spi=0x2000,seq=3,icv=b"\x55"*12)/UDP(sport=500,dport=500)/Raw(b"\x66"*28)
 *   V['f_null_v6_30']=Raw(struct.pack("<I",30))/IPv6(src="2001:db8::1",dst="2001:db8::2")/UDP(sport=4500,dport=4500)/Raw(b"\xff")
 *   V['f_raw_v4_udp4500_esp']=IP(src="10.9.9.1",dst="10.9.9.2",id=6)/UDP(sport=4500,dport=4500)/Raw(bytes.fromhex("c0ffee0100000002")+b"\x77"*24)
 *   V['f_raw_v6_gre_v4']=IPv6(src="2001:db8::1",dst="2001:db8::2")/GRE(proto=0x0800)/IP(src="1.1.1.1",dst="2.2.2.2",id=7)/ICMP()
 *   V['f_eth_pad_ka']=Ether(src=M1,dst=M2)/IP(src="10.0.0.1",dst="10.0.0.2",id=8)/UDP(sport=4500,dport=4500)/Raw(b"\xff")/Raw(b"\x00"*(60-14-29))
 *   deep=IP(src="1.0.0.5",dst="2.0.0.5",id=15)/ICMP()
 *   for i in range(4,0,-1):
 *       deep=IP(src="1.0.0.%d"%i,dst="2.0.0.%d"%i,id=10+i)/GRE(proto=0x0800)/deep
 *   V['f_eth_deep']=Ether(src=M1,dst=M2)/deep
 *   V['f_eth_gre_keepalive']=Ether(src=M1,dst=M2)/IP(src="10.0.0.1",dst="10.0.0.2",id=20)/GRE(key_present=1,key=40,proto=0x0800)/IP(src="10.0.0.2",dst="10.0.0.1",id=21)/GRE(key_present=1,key=40,proto=0)
 *   V['f_eth_gre_cmd']=Ether(src=M1,dst=M2)/IP(src="10.0.0.1",dst="10.0.0.2",id=22)/GRE(key_present=1,key=40,proto=0x8909)/Raw(bytes.fromhex("0800010100010007"))/IP(src="172.17.1.1",dst="172.17.1.2",id=23)/ICMP()
 *   V['f_eth_gre_teb']=Ether(src=M1,dst=M2)/IP(src="10.0.0.1",dst="10.0.0.2",id=24)/GRE(proto=0x6558)/Ether(src=M2,dst=M1)/IP(src="192.168.0.1",dst="192.168.0.2",id=25)/UDP(sport=500,dport=500)/Raw(b"\x88"*28)
 *   V['f_eth_frag2']=Ether(src=M1,dst=M2)/IP(src="10.0.0.1",dst="10.0.0.2",id=0x4444,frag=185,proto=17)/Raw(b"\x99"*20)
 *   V['f_eth_arp']=Ether(src=M1,dst=M2)/ARP()
 *   V['f_eth_tcp']=Ether(src=M1,dst=M2)/IP(src="10.0.0.1",dst="10.0.0.2",id=30)/TCP(sport=1,dport=2)
 */
#ifndef TEST_FRAME_VECTORS_H
#define TEST_FRAME_VECTORS_H

typedef struct frame_vec {
    const char *name;
    int linktype;
    const char *hex;
} frame_vec;

static const frame_vec FRAMES[] = {
    {"eth_qinq_udp500", 1,
     "66778899aabb00112233445588a8a064810000c808004500003800010000401163af0a0101010a02020201f4"
     "01f40024f5c911111111111111111111111111111111111111111111111111111111"},
    {"eth_9100_udp848", 1,
     "66778899aabb001122334455910000070800450000380002000040117ef00a010101efc00101035003500024"
     "1f6522222222222222222222222222222222222222222222222222222222"},
    {"sll_gre_gre_nhrp", 113,
     "000400010006001122334455000008004500004c00030000402f027ccb007101cb00710220000800000003e9"
     "4500003000040000402f2278ac100001ac10000220002001000007d200010800000000000000003400000101"
     "00000000"},
    {"sll2_v6_natt_ike", 276,
     "86dd000000000003000100060011223344550000600000000028114020010db800000000000000000000000a"
     "20010db800000000000000000000000b119411940028b4220000000033333333333333333333333333333333"
     "333333333333333333333333"},
    {"null_le_v4_esp", 0,
     "0200000045000030000500004032f743c0a80101c0a801020000100100000009444444444444444444444444"
     "4444444444444444"},
    {"loop_be_v6_ah_udp", 108,
     "0000001860000000003c334020010db800000000000000000000000120010db8000000000000000000000002"
     "11040000000020000000000355555555555555555555555501f401f400240000666666666666666666666666"
     "66666666666666666666666666666666"},
    {"null_v6_30", 0,
     "1e000000600000000009114020010db800000000000000000000000120010db8000000000000000000000002"
     "119411940009823eff"},
    {"raw_v4_udp4500_esp", 101,
     "4500003c00060000401154970a0909010a0909021194119400286dc4c0ffee01000000027777777777777777"
     "77777777777777777777777777777777"},
    {"raw_v6_gre_v4", 229,
     "6000000000202f4020010db800000000000000000000000120010db800000000000000000000000200000800"
     "4500001c00070000400174d501010101020202020800f7ff00000000"},
    {"eth_pad_ka", 1,
     "66778899aabb00112233445508004500001d00080000401166c60a0000010a000002119411940009c9b0ff00"
     "00000000000000000000000000000000"},
    {"eth_deep", 1,
     "66778899aabb00112233445508004500007c000b0000402f774701000001020000010000080045000064000c"
     "0000402f775c0100000202000002000008004500004c000d0000402f77710100000302000003000008004500"
     "0034000e0000402f77860100000402000004000008004500001c000f0000400177c901000005020000050800"
     "f7ff00000000"},
    {"eth_gre_keepalive", 1,
     "66778899aabb00112233445508004500003800140000402f66810a0000010a00000220000800000000284500"
     "001c00150000402f669c0a0000020a0000012000000000000028"},
    {"eth_gre_cmd", 1,
     "66778899aabb00112233445508004500004000160000402f66770a0000010a00000220008909000000280800"
     "0101000100074500001c00170000400120a5ac110101ac1101020800f7ff00000000"},
    {"eth_gre_teb", 1,
     "66778899aabb00112233445508004500005e00180000402f66570a0000010a00000200006558001122334455"
     "66778899aabb080045000038001900004011f948c0a80001c0a8000201f401f4002402f38888888888888888"
     "8888888888888888888888888888888888888888"},
    {"eth_frag2", 1,
     "66778899aabb001122334455080045000028444400b9401121c60a0000010a00000299999999999999999999"
     "99999999999999999999"},
    {"eth_arp", 1,
     "66778899aabb0011223344550806000108000604000102fc00000001c000020200000000000000000000"},
    {"eth_tcp", 1,
     "66778899aabb001122334455080045000028001e0000400666b00a0000010a00000200010002000000000000"
     "0000500220007bdd0000"},
};
enum {
    F_ETH_QINQ_UDP500,
    F_ETH_9100_UDP848,
    F_SLL_GRE_GRE_NHRP,
    F_SLL2_V6_NATT_IKE,
    F_NULL_LE_V4_ESP,
    F_LOOP_BE_V6_AH_UDP,
    F_NULL_V6_30,
    F_RAW_V4_UDP4500_ESP,
    F_RAW_V6_GRE_V4,
    F_ETH_PAD_KA,
    F_ETH_DEEP,
    F_ETH_GRE_KEEPALIVE,
    F_ETH_GRE_CMD,
    F_ETH_GRE_TEB,
    F_ETH_FRAG2,
    F_ETH_ARP,
    F_ETH_TCP,
    N_FRAMES
};
#endif
