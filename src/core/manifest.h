// The election manifest: contests, the region tree, every table with its
// registered voters and machine key, the center keys, and the polls-close
// window. Written by people as manifest.json plus a compact companion file
// tables.bin (one fixed-size record per table) whose SHA-256 the JSON
// carries. The election id is SHA-256 of the canonical bytes
// (docs/FORMATS.md, "Manifest"); the authority signs those bytes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/bytes.h"
#include "core/cosigner_keys.h"
#include "core/keys.h"

namespace acta {

enum class RegionLevel : uint8_t {
  kCountry = 0,
  kState = 1,
  kMunicipality = 2,
  kParish = 3,
  kVotingCenter = 4,
};
std::string_view RegionLevelName(RegionLevel level);  // "country", "state", ...

// RFC 3339 UTC timestamps in the one form manifests use,
// "YYYY-MM-DDTHH:MM:SSZ" (no fractions, no offsets, no leap seconds), to and
// from Unix seconds. Parse errors are kMalformed.
Result<uint64_t> ParseUtcTimestamp(std::string_view text);
std::string FormatUtcTimestamp(uint64_t unix_seconds);

struct Region {
  std::string code;  // unique, e.g. "VE", "VE-01", "VE-01-03-02-0012"
  std::string name;
  RegionLevel level = RegionLevel::kCountry;
  int32_t parent = -1;  // index into Manifest::regions; -1 only for the country
};

struct Candidate {
  std::string id;
  std::string name;
  std::string party;
};

struct Contest {
  std::string id;
  std::string name;
  std::vector<Candidate> candidates;
};

// One record of tables.bin (46 bytes on disk, big-endian).
struct TableRecord {
  uint32_t id = 0;
  uint32_t region = 0;         // index into Manifest::regions, a voting center
  uint32_t registered = 0;     // registered voters, > 0
  uint16_t transport_key = 0;  // index into Manifest::transport_key_ids
  PublicKey key{};             // the machine's Ed25519 public key
};
constexpr size_t kTableRecordSize = 4 + 4 + 4 + 2 + 32;

// A witness the readers of this election rely on (DESIGN.md, Actors): an
// independent server that cosigns the center's checkpoints (C2SP
// tlog-witness). `key` is its cosignature/v1 vkey (type 0x04).
struct ManifestWitness {
  std::string name;  // who runs it, for people ("Alianza Cívica")
  CosignerKey key;
  std::string url;  // its submission prefix, http:// or https://
};

struct Manifest {
  std::string format = "acta-manifest-v1";
  std::string name;
  uint64_t polls_close_not_before = 0;  // Unix seconds
  uint64_t polls_close_not_after = 0;   // Unix seconds
  std::vector<Contest> contests;
  std::vector<Region> regions;      // regions[0] is the country; parents precede children
  std::vector<TableRecord> tables;  // sorted by id, ids unique
  std::vector<VerifierKey> centers;
  VerifierKey authority;
  // Optional witness policy: readers trust a checkpoint when at least
  // `witness_quorum` of `witnesses` cosigned it. Empty and 0 when absent.
  std::vector<ManifestWitness> witnesses;
  uint32_t witness_quorum = 0;
  // Optional: the SHA-256 of each acta executable (/usr/bin/acta as the
  // release .deb installs it) that a center may run for this election; a
  // center whose own hash is not listed refuses to start (docs/SECURITY.md,
  // "Reproducible build"). Empty when absent.
  std::vector<Hash256> release_hashes;
  std::vector<std::string> transport_key_ids;  // TransportKeyId() of each master secret
  Hash256 tables_sha256{};                     // SHA-256 of tables.bin
  Hash256 election_id{};                       // SHA-256(CanonicalBytes()), set by Finalize()

  // Table by id, or nullptr. O(log n).
  const TableRecord* FindTable(uint32_t id) const;
  // Index of a region by code, or -1.
  int32_t FindRegion(std::string_view code) const;
  const VerifierKey* FindCenter(uint32_t key_id) const;

  // Deterministic binary form hashed into the election id.
  Bytes CanonicalBytes() const;
  // Encodes tables into tables.bin bytes.
  Bytes EncodeTables() const;
  // Recomputes tables_sha256 and election_id from the current content.
  void Finalize();
  // The manifest.json text (stable key order, 2-space indent).
  std::string ToJson() const;
};

// The most release hashes a manifest may pin.
constexpr size_t kMaxReleaseHashes = 64;

// One release hash as manifest.json and the command line write it: 64
// lowercase hex digits. kMalformed with a message that says what is wrong
// (the length, or the first character that is not a lowercase hex digit).
Result<Hash256> ParseReleaseHash(std::string_view hex);
// Appends release hashes given as hex (`acta election synth/init
// --release-hash`) and recomputes the election id. kMalformed naming the
// hash that does not parse, repeats one already listed, or goes past
// kMaxReleaseHashes.
Status AddReleaseHashes(Manifest& m, const std::vector<std::string>& hex);

// Parses manifest.json + tables.bin strictly. Every error names the JSON path
// ("contests[1].candidates[0].id: duplicate id \"c3\"") or the tables.bin
// record ("tables.bin record 12 (table 4021): region 99 is not a voting
// center"). Does not check the signature.
Result<Manifest> ParseManifest(std::string_view json, ByteSpan tables_bin);

// The authority's signature over "acta/v1/manifest\n" || CanonicalBytes().
// manifest.sig holds "<key id hex> <base64 signature>\n".
std::string SignManifest(const Manifest& manifest, const NamedSigningKey& authority);
Status VerifyManifestSignature(const Manifest& manifest, std::string_view sig_file_text);

struct LoadOptions {
  // When set, the manifest's authority key must equal this one.
  std::optional<VerifierKey> pinned_authority;
  // When set, the computed election id must equal this one.
  std::optional<Hash256> expected_election_id;
};

// Loads DIR/manifest.json, DIR/tables.bin and DIR/manifest.sig, checks the
// tables.bin hash and the authority signature.
Result<Manifest> LoadManifest(const std::string& dir, const LoadOptions& options = {});
// Writes manifest.json, tables.bin and manifest.sig into DIR (atomically each).
Status WriteManifest(const std::string& dir, const Manifest& manifest,
                     const NamedSigningKey& authority);

}  // namespace acta
