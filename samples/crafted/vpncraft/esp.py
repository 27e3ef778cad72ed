"""ESP (RFC 4303) through scapy's SecurityAssociation, with fixed IVs."""
from scapy.layers.ipsec import SecurityAssociation, ESP
from scapy.all import IP

from .det import rnd

WS_ENC = {"3DES": "TripleDES-CBC [RFC2451]", "AES-CBC": "AES-CBC [RFC3602]"}
WS_AUTH = {"HMAC-SHA1-96": "HMAC-SHA-1-96 [RFC2404]"}


class EspSa:
    def __init__(self, spi, enc, enc_key, auth, auth_key, tunnel=None):
        """tunnel: None (transport), 'preserve' (GETVPN header preservation)."""
        self.spi, self.enc, self.enc_key, self.auth, self.auth_key = spi, enc, enc_key, auth, auth_key
        self.tunnel = tunnel
        self.bs = 8 if enc == "3DES" else 16

    def protect(self, inner, seq, label):
        """inner: scapy IP packet. Returns the outer IP packet with ESP."""
        iv = rnd(label + "/iv", self.bs)
        if self.tunnel == "preserve":
            # GETVPN header preservation: the outer header copies the inner source and destination
            th = IP(src=inner[IP].src, dst=inner[IP].dst, ttl=inner[IP].ttl, tos=inner[IP].tos, id=inner[IP].id)
            sa = SecurityAssociation(ESP, spi=self.spi, crypt_algo=self.enc, crypt_key=self.enc_key,
                                     auth_algo=self.auth, auth_key=self.auth_key, tunnel_header=th)
        else:
            sa = SecurityAssociation(ESP, spi=self.spi, crypt_algo=self.enc, crypt_key=self.enc_key,
                                     auth_algo=self.auth, auth_key=self.auth_key)
        return sa.encrypt(inner, seq_num=seq, iv=iv)

    def wireshark_line(self, src="*", dst="*"):
        return '"IPv4","%s","%s","0x%08x","%s","0x%s","%s","0x%s"' % (
            src, dst, self.spi, WS_ENC[self.enc], self.enc_key.hex(), WS_AUTH[self.auth], self.auth_key.hex())
