#include "terminal/transmitter.h"

#include <algorithm>

#include "log/receipt_key.h"

namespace acta::terminal {
namespace {

bool IsPermanentRefusal(int status) {
  switch (status) {
    case 400:  // malformed or unsupported version
    case 401:  // bad MAC: our transport key is not the one this center derives
    case 403:  // bad signature
    case 404:  // unknown table
    case 413:  // too large
    case 422:  // wrong election
      return true;
    default:
      return false;
  }
}

std::string BodySnippet(const Bytes& body) {
  std::string s(AsChars(body).substr(0, 200));
  for (char& c : s) {
    if (c < 0x20 || c > 0x7e) c = ' ';
  }
  while (!s.empty() && s.back() == ' ') s.pop_back();
  return s;
}

}  // namespace

std::string_view AttemptKindName(AttemptReport::Kind kind) {
  switch (kind) {
    case AttemptReport::Kind::kDelivered:
      return "delivered";
    case AttemptReport::Kind::kTransient:
      return "transient";
    case AttemptReport::Kind::kRetryAfter:
      return "retry_after";
    case AttemptReport::Kind::kBadReceipt:
      return "bad_receipt";
    case AttemptReport::Kind::kRefused:
      return "refused";
  }
  return "unknown";
}

Transmitter::Transmitter(const Manifest& manifest, Acta acta, std::optional<Mac> mac,
                         size_t centers, TransmitterOptions options)
    : manifest_(manifest),
      acta_(std::move(acta)),
      leaf_(acta_.LeafHash()),
      mac_(mac),
      options_(options),
      refused_(std::max<size_t>(centers, 1), false),
      tried_(refused_.size(), false),
      not_before_(refused_.size()) {}

std::optional<size_t> Transmitter::NextInRound() const {
  const size_t n = refused_.size();
  for (size_t k = 0; k < n; ++k) {
    const size_t i = (next_ + k) % n;
    if (!refused_[i] && !tried_[i]) return i;
  }
  return std::nullopt;
}

std::optional<std::string> Transmitter::CheckReceipt(const Receipt& r,
                                                     std::string_view receipt_key) const {
  if (r.election_id != manifest_.election_id) return "receipt is for another election";
  if (r.leaf_hash != leaf_) return "receipt is for another acta (leaf hash differs)";
  if (const VerifierKey* key = manifest_.FindCenter(r.center_key_id)) {
    if (!r.Verify(*key)) return "receipt signature does not verify";
    return std::nullopt;
  }
  // A receipt key (a center whose key is in a token): its certificate,
  // signed by a manifest center key, comes in the answer's header.
  if (receipt_key.empty()) {
    return "receipt signed by a key the manifest does not list, and no Acta-Receipt-Key "
           "certificate came with it";
  }
  auto note = Base64Decode(receipt_key);
  if (!note) return "Acta-Receipt-Key is not base64";
  log::ReceiptKeyRing ring(manifest_);
  if (auto st = ring.AddCertificate(AsChars(*note)); !st) {
    return "Acta-Receipt-Key: " + st.error().message;
  }
  if (auto st = ring.Verify(r); !st) return st.error().message;
  return std::nullopt;
}

AttemptReport Transmitter::Step(Transport& transport, Random& rng, SteadyTime now) {
  AttemptReport report;
  auto center = NextInRound();
  if (!center) {
    // Every center was tried (a new round starts now).
    std::fill(tried_.begin(), tried_.end(), false);
    center = NextInRound();
  }
  if (!center) {  // unreachable: done() would be true
    report.detail = "no usable center";
    return report;
  }
  // Prefer a center whose Retry-After has expired.
  if (not_before_[*center] > now) {
    for (size_t k = 1; k < refused_.size(); ++k) {
      const size_t i = (*center + k) % refused_.size();
      if (!refused_[i] && !tried_[i] && not_before_[i] <= now) {
        center = i;
        break;
      }
    }
  }
  const size_t c = *center;
  report.center = c;
  tried_[c] = true;
  next_ = (c + 1) % refused_.size();
  ++attempts_;

  auto reply = transport.Submit(c, acta_.bytes, mac_);
  if (!reply) {
    report.kind = AttemptReport::Kind::kTransient;
    report.detail = reply.error().ToString();
    AfterFailure(rng, now);
    return report;
  }
  report.http_status = reply->status;
  const int status = reply->status;
  if (status == 200 || status == 201 || status == 409) {
    auto receipt = Receipt::Decode(reply->body);
    std::optional<std::string> problem;
    if (!receipt) {
      problem = "receipt does not decode: " + receipt.error().message;
    } else {
      problem = CheckReceipt(*receipt, reply->receipt_key);
    }
    if (problem) {
      report.kind = AttemptReport::Kind::kBadReceipt;
      report.detail = *problem;
      AfterFailure(rng, now);
      return report;
    }
    Delivery d;
    d.receipt = *receipt;
    d.receipt_bytes = std::move(reply->body);
    d.center = c;
    d.http_status = status;
    d.conflict = status == 409;
    delivery_ = std::move(d);
    report.kind = AttemptReport::Kind::kDelivered;
    return report;
  }
  if ((status == 429 || status == 503) && reply->retry_after) {
    const auto delay =
        std::min<std::chrono::milliseconds>(*reply->retry_after, options_.backoff.cap);
    not_before_[c] = now + delay;
    report.kind = AttemptReport::Kind::kRetryAfter;
    report.detail = "retry after " + std::to_string(reply->retry_after->count()) + " s";
    AfterFailure(rng, now);
    return report;
  }
  if (IsPermanentRefusal(status)) {
    refused_[c] = true;
    report.kind = AttemptReport::Kind::kRefused;
    report.detail = "HTTP " + std::to_string(status) + ": " + BodySnippet(reply->body);
    if (std::all_of(refused_.begin(), refused_.end(), [](bool r) { return r; })) {
      const ErrorCode code = status == 401   ? ErrorCode::kBadMac
                             : status == 403 ? ErrorCode::kBadSignature
                             : status == 404 ? ErrorCode::kUnknownTable
                             : status == 422 ? ErrorCode::kWrongElection
                                             : ErrorCode::kMalformed;
      failure_ = Error{code, "every center refused the acta; last: " + transport.CenterName(c) +
                                 ": " + report.detail};
      return report;
    }
    AfterFailure(rng, now);
    return report;
  }
  report.kind = AttemptReport::Kind::kTransient;
  report.detail = "HTTP " + std::to_string(status) + ": " + BodySnippet(reply->body);
  AfterFailure(rng, now);
  return report;
}

void Transmitter::AfterFailure(Random& rng, SteadyTime now) {
  if (auto next = NextInRound()) {
    // Fail over at once, unless that center asked us to wait.
    due_ = std::max(now, not_before_[*next]);
    return;
  }
  // The round is over: back off, then start a new round. The new round
  // cannot start before the earliest center that is willing again.
  ++rounds_failed_;
  std::fill(tried_.begin(), tried_.end(), false);
  SteadyTime earliest = SteadyTime::max();
  for (size_t i = 0; i < refused_.size(); ++i) {
    if (!refused_[i]) earliest = std::min(earliest, not_before_[i]);
  }
  due_ = std::max(now + BackoffDelay(options_.backoff, rounds_failed_, rng), earliest);
}

Result<Delivery> SendUntilDone(Transmitter& t, Transport& transport, Random& rng,
                               const Clock& clock,
                               const std::function<void(SteadyTime)>& sleep_until,
                               const std::function<void(const AttemptReport&)>& on_attempt,
                               std::optional<SteadyTime> deadline) {
  while (!t.done()) {
    SteadyTime now = clock.SteadyNow();
    if (t.due() > now) {
      if (deadline && t.due() > *deadline) {
        sleep_until(*deadline);
        return MakeError(ErrorCode::kUnavailable, "no receipt before the deadline after " +
                                                      std::to_string(t.attempts()) + " attempts");
      }
      sleep_until(t.due());
      now = clock.SteadyNow();
    }
    if (deadline && now >= *deadline) {
      return MakeError(ErrorCode::kUnavailable, "no receipt before the deadline after " +
                                                    std::to_string(t.attempts()) + " attempts");
    }
    AttemptReport report = t.Step(transport, rng, now);
    if (on_attempt) on_attempt(report);
  }
  if (t.failure()) return std::unexpected(*t.failure());
  return *t.delivery();
}

}  // namespace acta::terminal
