# Test vector of the receipt key certificate (docs/FORMATS.md), computed
# independently of acta with Python's cryptography package.
import base64, hashlib, struct
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives import serialization

def key(seed):
    k = Ed25519PrivateKey.from_private_bytes(seed)
    pub = k.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return k, pub

def key_id(name, pub):
    return hashlib.sha256(name.encode() + b"\n" + b"\x01" + pub).digest()[:4]

def vkey(name, pub):
    return name + "+" + key_id(name, pub).hex() + "+" + base64.b64encode(b"\x01" + pub).decode()

center, center_pub = key(bytes([0xc1]) * 32)
rk, rk_pub = key(bytes([0x5e]) * 32)
rname = "test-center/receipts/20792"
origin = "acta/bb84d4b9c306470e352ad344dfe9f860d2aa376f16db5294a0917f16fa9b855e"
text = "acta/v1/receipt-key\n" + origin + "\n" + vkey(rname, rk_pub) + "\n1796428800000 1797033599999\n"
sig = center.sign(text.encode())
note = text + "\n" + "\u2014 test-center " + base64.b64encode(key_id("test-center", center_pub) + sig).decode() + "\n"
print("TEXT", repr(text))
print("NOTE", repr(note))
eid = bytes.fromhex(origin[5:])
leaf = hashlib.sha256(b"leaf").digest()
body = b"\x01" + eid + leaf + struct.pack(">Q", 1796500801234) + key_id(rname, rk_pub)
rsig = rk.sign(b"acta/v1/receipt\n" + body)
print("RECEIPT", (body + rsig).hex())
print("RKVKEY", vkey(rname, rk_pub))

# The derived receipt key of day 20792 (docs/FORMATS.md: the seed is
# SHA-256(context || the center key's signature over context || origin ||
# "\n" || not before || "\n")), what log::IssueReceiptKey computes.
context = b"acta/v1/receipt-key-seed\n"
seed_sig = center.sign(context + origin.encode() + b"\n" + b"1796428800000" + b"\n")
derived, derived_pub = key(hashlib.sha256(context + seed_sig).digest())
print("DERIVED", vkey(rname, derived_pub))
