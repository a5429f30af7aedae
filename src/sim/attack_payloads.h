// The bytes of each attack request, socket-free so they can be checked
// without a network. Internal to the attack runner (sim/attack.cc).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/random.h"
#include "sim/attack.h"

namespace acta::sim {

struct AttackRequest {
  AttackMode mode = AttackMode::kJunk;
  std::string bytes;              // what to write (for slowloris: the header start)
  bool fresh_connection = false;  // open a new connection for it and close after
};

// Builds requests for one run. Not thread-safe (one per run thread).
class AttackPayloads {
 public:
  // The modes `material` allows. kMix draws from these (minus conflict).
  static std::vector<AttackMode> Available(const AttackMaterial* material);
  // kFailedPrecondition saying what `mode` needs, if `material` lacks it.
  static Status Check(AttackMode mode, const AttackMaterial* material);

  // REQUIRES: Check(mode, material) succeeded for the modes to be built.
  // Precomputes a pool of forged actas (one signature each).
  AttackPayloads(std::shared_ptr<const AttackMaterial> material, std::string host_header,
                 uint64_t oversized_bytes, std::unique_ptr<Random> rng);

  // One request of `mode`; kMix picks a mode first, slowloris only when
  // `allow_slowloris` (the runner caps how many connections it may hold).
  AttackRequest Build(AttackMode mode, bool allow_slowloris = true);
  // The next byte a slowloris connection sends: header field lines that
  // never end the header.
  char SlowlorisByte(uint64_t index) const;

 private:
  std::string Post(const Bytes& body, const std::string& extra_headers) const;
  std::string MacHeader(const Bytes& body);
  Bytes RandomBytes(size_t n);
  Bytes ConflictActa();

  std::shared_ptr<const AttackMaterial> material_;
  std::string host_;
  uint64_t oversized_bytes_;
  std::unique_ptr<Random> rng_;
  std::vector<AttackMode> mix_;
  std::vector<AttackMode> mix_fast_;  // mix_ without slowloris
  std::vector<Bytes> forged_;         // well-formed actas with a signature by the wrong key
  uint64_t replay_next_ = 0;
};

}  // namespace acta::sim
