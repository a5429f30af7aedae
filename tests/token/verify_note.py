#!/usr/bin/env python3
"""An independent C2SP signed-note verifier (https://c2sp.org/signed-note),
written from the spec with Python's `cryptography` package and nothing of
acta's: checks that NOTE carries a valid Ed25519 signature by VKEY.

    verify_note.py NOTE_FILE VKEY      (VKEY: name+hexkeyid+base64(0x01||key))

Exits 0 and prints the note's text when a signature by VKEY verifies,
1 otherwise (with the reason on stderr).
"""
import base64
import hashlib
import sys

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey


def fail(why):
    print("verify_note: " + why, file=sys.stderr)
    sys.exit(1)


def parse_vkey(vkey):
    name, sep, rest = vkey.strip().partition("+")
    key_id_hex, sep2, key_b64 = rest.partition("+")
    if not sep or not sep2 or len(key_id_hex) != 8:
        fail("vkey must be name+keyid+key: " + vkey)
    key = base64.b64decode(key_b64, validate=True)
    if len(key) != 33 or key[0] != 0x01:
        fail("vkey is not an Ed25519 (type 0x01) key")
    # The key id is the first 4 bytes of SHA-256(name || "\n" || type || key).
    key_id = hashlib.sha256(name.encode() + b"\n" + key).digest()[:4]
    if key_id.hex() != key_id_hex:
        fail("vkey's key id %s is not the key's %s" % (key_id_hex, key_id.hex()))
    return name, key_id, Ed25519PublicKey.from_public_bytes(key[1:])


def main():
    if len(sys.argv) != 3:
        fail("usage: verify_note.py NOTE_FILE VKEY")
    name, key_id, public_key = parse_vkey(sys.argv[2])
    data = open(sys.argv[1], "rb").read()
    # The text ends at the last blank line ("\n\n"); signature lines follow.
    split = data.rfind(b"\n\n")
    if split < 0 or not data.endswith(b"\n"):
        fail("not a signed note")
    text, signatures = data[: split + 1], data[split + 2 :]
    verified = False
    for line in signatures.decode().split("\n")[:-1]:
        if not line.startswith("\u2014 "):
            fail("bad signature line: " + line)
        sig_name, _, sig_b64 = line[2:].partition(" ")
        blob = base64.b64decode(sig_b64, validate=True)
        if sig_name != name or blob[:4] != key_id:
            continue  # another signer's (a witness's cosignature)
        if len(blob) != 4 + 64:
            fail("Ed25519 signature of the wrong size")
        try:
            public_key.verify(blob[4:], text)
        except InvalidSignature:
            fail("the signature by %s does not verify" % name)
        verified = True
    if not verified:
        fail("no signature by " + name)
    sys.stdout.write(text.decode())


if __name__ == "__main__":
    main()
