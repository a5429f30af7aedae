// The manifest's signatures, k of n: the authority and the parties' or
// observers' representatives each sign it (`acta election cosign`), and
// every reader pins the signers it trusts and how many must have signed.
//
// manifest.sig is a C2SP signed note, the format of checkpoints and witness
// cosignatures, whose text is
//
//   acta/v1/manifest\n
//   <election id: 64 lowercase hex>\n
//
// with one Ed25519 signature line per signer (key type 0x01, core/keys.h).
// The election id is the SHA-256 of the manifest's canonical bytes, so a
// signature covers every table key, center key, contest and release pin.
// The one-line form written before (core/manifest.h SignManifest: the
// authority alone) is still read, as the authority's signature.
//
// A trust file (docs/FORMATS.md, "Manifest trust file") names the signers
// and the quorum:
//
//   # comments and blank lines are ignored
//   quorum 3
//   signer authority+b1d3abc3+Abx8...
//   signer party-a+0c1f2e3d+AT9q...
//
// A reader without one trusts the manifest's own authority key, 1 of 1, as
// before. Pure functions, thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/keys.h"
#include "core/manifest.h"

namespace acta::log {

constexpr std::string_view kManifestNoteHeader = "acta/v1/manifest";

struct ManifestTrust {
  std::vector<VerifierKey> signers;  // distinct keys
  size_t quorum = 0;                 // 1 .. signers.size()
};

// Strict parse of a trust file. Errors (kMalformed, naming the line): an
// unknown keyword, a bad vkey, the same key twice, no or two quorum lines,
// a quorum outside 1..signers.
[[nodiscard]] Result<ManifestTrust> ParseManifestTrust(std::string_view text);
[[nodiscard]] Result<ManifestTrust> LoadManifestTrustFile(const std::string& path);
[[nodiscard]] std::string FormatManifestTrust(const ManifestTrust& trust);
// The manifest's authority, 1 of 1: what a reader without a trust file pins.
[[nodiscard]] ManifestTrust AuthorityOnlyTrust(const Manifest& manifest);

// "acta/v1/manifest\n<election id hex>\n".
[[nodiscard]] std::string ManifestNoteText(const Manifest& manifest);

// The first 128 bits of the election id as eight groups of four hex digits,
// "BB84-D4B9-C306-470E-352A-D344-DFE9-F860", to read aloud in a key
// ceremony (docs/OPERATIONS.md).
[[nodiscard]] std::string ManifestFingerprint(const Manifest& manifest);

// Adds `key`'s signature to the manifest.sig text `existing` (a note for
// this manifest, the old one-line form, or empty), replacing an earlier
// signature by the same key; the others are kept as they are (readers
// verify them). The one-line form cannot be kept (it signs other bytes):
// the result then holds only the new signature, so the authority cosigns
// too. Errors: kMalformed (an unreadable note), kWrongElection (a note for
// another manifest).
[[nodiscard]] Result<std::string> CosignManifest(const Manifest& manifest,
                                                 std::string_view existing,
                                                 const NamedSigningKey& key);

struct ManifestSignatures {
  std::vector<std::string> trusted;  // vkeys of trusted signers whose signature verified
  std::vector<std::string> others;   // "name+key id" of signatures by keys not trusted
  bool one_line_form = false;        // the authority's signature of before #23
};

// Checks a manifest.sig text against `trust`. Errors: kMalformed;
// kWrongElection (a note for another manifest); kBadSignature when a trusted
// signer's signature fails or fewer than the quorum of trusted signers
// signed; the message then names every signature found, trusted or not.
[[nodiscard]] Result<ManifestSignatures> VerifyManifestSignatures(const Manifest& manifest,
                                                                  std::string_view sig_text,
                                                                  const ManifestTrust& trust);

// DIR's manifest.json and tables.bin parsed (core ParseManifest) and
// manifest.sig's text, no signature checked: for `acta election cosign`,
// which signs what it shows. Errors: the files' and the parser's.
struct UnverifiedManifest {
  Manifest manifest;
  std::string sig_text;
};
[[nodiscard]] Result<UnverifiedManifest> ReadUnverifiedManifest(const std::string& dir);

// LoadManifest (core/manifest.h) for both forms of manifest.sig: the
// signatures checked by VerifyManifestSignatures against `trust` (none:
// AuthorityOnlyTrust), then the options' pins (authority key: kBadSignature;
// election id: kWrongElection).
[[nodiscard]] Result<Manifest> LoadTrustedManifest(const std::string& dir,
                                                   const std::optional<ManifestTrust>& trust,
                                                   const LoadOptions& options = {});

}  // namespace acta::log
