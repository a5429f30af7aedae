#include "sim/attack_payloads.h"

#include <algorithm>

#include "core/acta.h"
#include "core/election_secrets.h"

namespace acta::sim {
namespace {

constexpr size_t kForgedPool = 64;
constexpr std::string_view kSlowHeader = "X-Acta-Slow: 0\r\n";

bool HasManifest(const AttackMaterial* m) { return m != nullptr && m->manifest != nullptr; }

bool HasTableKeys(const AttackMaterial* m) {
  return HasManifest(m) && !m->manifest->tables.empty() &&
         m->table_seeds.size() == m->manifest->tables.size();
}

}  // namespace

std::vector<AttackMode> AttackPayloads::Available(const AttackMaterial* material) {
  std::vector<AttackMode> modes = {AttackMode::kJunk, AttackMode::kGarbage, AttackMode::kOversized,
                                   AttackMode::kSlowloris, AttackMode::kStorm};
  if (HasManifest(material) && !material->manifest->tables.empty()) {
    modes.push_back(AttackMode::kWrongMac);
    modes.push_back(AttackMode::kForged);
  }
  if (material != nullptr && !material->replay_actas.empty()) {
    modes.push_back(AttackMode::kReplay);
  }
  if (HasTableKeys(material)) modes.push_back(AttackMode::kConflict);
  return modes;
}

Status AttackPayloads::Check(AttackMode mode, const AttackMaterial* material) {
  switch (mode) {
    case AttackMode::kWrongMac:
    case AttackMode::kForged:
      if (!HasManifest(material) || material->manifest->tables.empty()) {
        return MakeError(ErrorCode::kFailedPrecondition,
                         std::string("mode ") + std::string(AttackModeName(mode)) +
                             " needs the election's manifest (--election DIR)");
      }
      return Ok();
    case AttackMode::kReplay:
      if (material == nullptr || material->replay_actas.empty()) {
        return MakeError(ErrorCode::kFailedPrecondition,
                         "mode replay needs actas to replay: --election DIR with "
                         "secrets/table-keys.bin, or --replay-file");
      }
      return Ok();
    case AttackMode::kConflict:
      if (!HasTableKeys(material)) {
        return MakeError(ErrorCode::kFailedPrecondition,
                         "mode conflict needs the tables' machine keys "
                         "(--election DIR with secrets/table-keys.bin)");
      }
      return Ok();
    default:
      return Ok();
  }
}

AttackPayloads::AttackPayloads(std::shared_ptr<const AttackMaterial> material,
                               std::string host_header, uint64_t oversized_bytes,
                               std::unique_ptr<Random> rng)
    : material_(std::move(material)),
      host_(std::move(host_header)),
      oversized_bytes_(oversized_bytes),
      rng_(std::move(rng)) {
  for (AttackMode m : Available(material_.get())) {
    // Conflicts leave evidence in the center's store for good: only on request.
    if (m != AttackMode::kConflict) mix_.push_back(m);
    if (m != AttackMode::kConflict && m != AttackMode::kSlowloris) mix_fast_.push_back(m);
  }
  if (!HasManifest(material_.get()) || material_->manifest->tables.empty()) return;
  const Manifest& manifest = *material_->manifest;
  std::optional<Truth> truth;
  if (!material_->truth.empty()) truth.emplace(manifest, material_->truth);
  for (size_t i = 0; i < kForgedPool; ++i) {
    const size_t index = rng_->Uniform(manifest.tables.size());
    ActaBody body;
    if (truth) {
      body = truth->BodyFor(index);
    } else {
      body.election_id = manifest.election_id;
      body.table_id = manifest.tables[index].id;
      for (const Contest& c : manifest.contests) {
        body.contests.push_back(ContestCounts{std::vector<uint32_t>(c.candidates.size(), 0), 0, 0});
      }
    }
    body.closing_time = manifest.polls_close_not_before + 60;
    Seed seed;
    rng_->Fill(seed);
    // A key that is not the table's: the signature is well formed and wrong.
    auto acta = SignActa(body, SigningKey::FromSeed(seed));
    if (acta) forged_.push_back(std::move(acta->bytes));
  }
}

Bytes AttackPayloads::RandomBytes(size_t n) {
  Bytes out(n);
  rng_->Fill(out);
  return out;
}

std::string AttackPayloads::Post(const Bytes& body, const std::string& extra_headers) const {
  std::string out = "POST /v1/actas HTTP/1.1\r\nHost: " + host_ +
                    "\r\nContent-Type: application/octet-stream\r\nContent-Length: " +
                    std::to_string(body.size()) + "\r\n" + extra_headers + "\r\n";
  out.append(reinterpret_cast<const char*>(body.data()), body.size());
  return out;
}

std::string AttackPayloads::MacHeader(const Bytes& body) {
  if (!material_->transport_master.has_value() || body.size() < kActaFixedHeaderSize) return "";
  const uint32_t table_id = LoadU32(body.data() + kActaTableIdOffset);
  const Mac mac = ComputeMac(DeriveTransportKey(*material_->transport_master, table_id), body);
  return "Acta-Mac: " + Base64Encode(mac) + "\r\n";
}

Bytes AttackPayloads::ConflictActa() {
  const Manifest& manifest = *material_->manifest;
  const size_t index = rng_->Uniform(manifest.tables.size());
  ActaBody body;
  if (!material_->truth.empty()) {
    body = Truth(manifest, material_->truth).BodyFor(index);
  } else {
    body.election_id = manifest.election_id;
    body.table_id = manifest.tables[index].id;
    for (const Contest& c : manifest.contests) {
      body.contests.push_back(ContestCounts{std::vector<uint32_t>(c.candidates.size(), 0), 0, 0});
    }
  }
  // A closing time other than the terminal's (+60) makes a different,
  // validly signed acta for the same table.
  const uint64_t span = manifest.polls_close_not_after > manifest.polls_close_not_before
                            ? manifest.polls_close_not_after - manifest.polls_close_not_before
                            : 1;
  body.closing_time = manifest.polls_close_not_before + 61 + rng_->Uniform(span);
  auto acta = SignActa(body, SigningKey::FromSeed(material_->table_seeds[index]));
  return acta ? acta->bytes : Bytes{};
}

AttackRequest AttackPayloads::Build(AttackMode mode, bool allow_slowloris) {
  if (mode == AttackMode::kMix) {
    const auto& from = allow_slowloris ? mix_ : mix_fast_;
    mode = from[rng_->Uniform(from.size())];
  }
  AttackRequest r;
  r.mode = mode;
  switch (mode) {
    case AttackMode::kJunk: {
      Bytes body = RandomBytes(16 + rng_->Uniform(1024 - 16 + 1));
      // Never the acta version byte, so it is junk at the first check.
      if (body[0] == kActaVersion) body[0] ^= 0x80;
      r.bytes = Post(body, "");
      break;
    }
    case AttackMode::kGarbage: {
      Bytes junk = RandomBytes(64 + rng_->Uniform(449));
      // A control character cannot start an HTTP method.
      junk[0] = static_cast<uint8_t>(1 + rng_->Uniform(8));
      r.bytes.assign(reinterpret_cast<const char*>(junk.data()), junk.size());
      r.bytes += "\r\n\r\n";
      r.fresh_connection = true;
      break;
    }
    case AttackMode::kWrongMac: {
      const Bytes& body = forged_[rng_->Uniform(forged_.size())];
      r.bytes = Post(body, "Acta-Mac: " + Base64Encode(RandomBytes(kMacSize)) + "\r\n");
      break;
    }
    case AttackMode::kForged:
      r.bytes = Post(forged_[rng_->Uniform(forged_.size())], "");
      break;
    case AttackMode::kReplay: {
      const Bytes& body = material_->replay_actas[replay_next_++ % material_->replay_actas.size()];
      r.bytes = Post(body, MacHeader(body));
      break;
    }
    case AttackMode::kConflict: {
      const Bytes body = ConflictActa();
      r.bytes = Post(body, MacHeader(body));
      break;
    }
    case AttackMode::kOversized:
      r.bytes = "POST /v1/actas HTTP/1.1\r\nHost: " + host_ +
                "\r\nContent-Type: application/octet-stream\r\nContent-Length: " +
                std::to_string(oversized_bytes_) + "\r\n\r\n";
      r.fresh_connection = true;
      break;
    case AttackMode::kSlowloris:
      r.bytes = "POST /v1/actas HTTP/1.1\r\nHost: " + host_ + "\r\n";
      r.fresh_connection = true;
      break;
    case AttackMode::kStorm:
      r.bytes = "GET /healthz HTTP/1.1\r\nHost: " + host_ + "\r\nConnection: close\r\n\r\n";
      r.fresh_connection = true;
      break;
    case AttackMode::kMix:
      break;  // replaced above
  }
  return r;
}

char AttackPayloads::SlowlorisByte(uint64_t index) const {
  return kSlowHeader[index % kSlowHeader.size()];
}

}  // namespace acta::sim
