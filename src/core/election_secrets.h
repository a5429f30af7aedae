// The private side of a synthetic or initialized election, kept apart from
// the public manifest in DIR/secrets/ (mode 0700): the authority and center
// signing keys, the transport master secret, each table's machine key, and
// (for synthetic elections) the truth: the counts each table will report.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/acta.h"
#include "core/keys.h"
#include "core/manifest.h"

namespace acta {

// secrets/table-keys.bin: 32-byte Ed25519 seeds, one per table, in the
// order of Manifest::tables (32 MB for 1,000,000 tables).
class TableKeys {
 public:
  static Result<TableKeys> Load(const std::string& path, size_t expected_count);
  Status Save(const std::string& path) const;
  explicit TableKeys(std::vector<Seed> seeds) : seeds_(std::move(seeds)) {}
  size_t size() const { return seeds_.size(); }
  const Seed& seed(size_t table_index) const { return seeds_[table_index]; }
  SigningKey key(size_t table_index) const { return SigningKey::FromSeed(seeds_[table_index]); }

 private:
  std::vector<Seed> seeds_;
};

// secrets/truth.bin: what each table will report, flat u32 counts per table
// in manifest order (see docs/FORMATS.md, "Truth file").
class Truth {
 public:
  static Result<Truth> Load(const std::string& path, const Manifest& manifest);
  Status Save(const std::string& path) const;
  Truth(const Manifest& manifest, std::vector<uint32_t> flat);
  // The acta body table `table_index` reports (election id, table id and
  // counts filled; closing_time and correction left 0 for the caller).
  ActaBody BodyFor(size_t table_index) const;
  size_t per_table() const { return per_table_; }
  const std::vector<uint32_t>& flat() const { return flat_; }

 private:
  const Manifest* manifest_;
  size_t per_table_;  // 1 (ballots cast) + sum over contests of (candidates + 2)
  std::vector<uint32_t> flat_;
};

struct ElectionSecrets {
  NamedSigningKey authority;
  NamedSigningKey center;
  TransportKey transport_master{};
};

// Reads DIR/secrets/{authority.key,center.key,transport.key}.
Result<ElectionSecrets> LoadElectionSecrets(const std::string& dir);
Result<TransportKey> LoadTransportKeyFile(const std::string& path);
Status WriteTransportKeyFile(const std::string& path, const TransportKey& key);

// Everything a new election directory holds: what `acta election init`
// builds from CSV files and what the synthesizer makes.
struct ElectionMaterial {
  Manifest manifest;  // finalized (Manifest::Finalize)
  NamedSigningKey authority;
  // The center keys generated here, each one of the manifest's centers; the
  // manifest may list more whose private keys are kept elsewhere (tokens).
  // File name by position in Manifest::centers: the 1st -> center.key, the
  // Nth -> center-N.key, so a name always means the same manifest entry.
  std::vector<NamedSigningKey> centers;
  TransportKey transport_master{};
  std::vector<Seed> table_seeds;  // one per table in manifest order, or empty (keys held elsewhere)
  std::vector<uint32_t> truth;    // truth.bin layout, or empty (no truth.bin)
  // Synthetic elections only: the witnesses' cosignature/v1 keys, in the
  // order of Manifest::witnesses (in a real election each party keeps its own).
  std::vector<NamedCosignerKey> witnesses;  // [i] -> witness-<i+1>.key
};

// Writes DIR/manifest.json, tables.bin, manifest.sig and DIR/secrets/ (mode
// 0700) with authority.key, center.key, center-2.key..., transport.key and,
// when present, table-keys.bin, truth.bin and witness-1.key.... Creates DIR if needed; refuses
// (kAlreadyExists) if DIR/secrets or DIR/manifest.json already exists, so
// keys are never overwritten. kInvalidArgument if the pieces do not match
// (key counts, truth size, a center key not in the manifest, a manifest
// without centers). A manifest center with no key in `centers` gets no file.
Status WriteElectionDir(const std::string& dir, const ElectionMaterial& election);

}  // namespace acta
