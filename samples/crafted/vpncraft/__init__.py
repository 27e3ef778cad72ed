"""vpncraft: deterministic generator of crafted VPN captures for vpnscope.

Written from the RFCs (RFC 2408/2409 IKEv1, RFC 6407 GDOI, RFC 2332 NHRP) and
Cisco documentation; shares no code with vpnscope's decoders on purpose.
"""
