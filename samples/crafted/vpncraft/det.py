"""Deterministic 'randomness': every value is derived from a fixed seed and a label."""
import hashlib

SEED = b"vpnscope-crafted-2026"


def rnd(label, n):
    """n pseudo-random bytes, a pure function of SEED and label."""
    out = b""
    ctr = 0
    while len(out) < n:
        out += hashlib.sha256(SEED + b"|" + label.encode() + b"|" + ctr.to_bytes(4, "big")).digest()
        ctr += 1
    return out[:n]


def rnd_int(label, nbytes):
    return int.from_bytes(rnd(label, nbytes), "big")
