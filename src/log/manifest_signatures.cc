#include "log/manifest_signatures.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <filesystem>

#include "core/file.h"
#include "log/note.h"
#include "log/quorum.h"

namespace acta::log {
namespace {

std::unexpected<Error> TrustError(size_t line, const std::string& what) {
  return MakeError(ErrorCode::kMalformed, "trust file line " + std::to_string(line) + ": " + what);
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

std::string KeyLabel(std::string_view name, uint32_t key_id) {
  char id[9];
  std::snprintf(id, sizeof id, "%08x", key_id);
  return std::string(name) + "+" + id;
}

}  // namespace

Result<ManifestTrust> ParseManifestTrust(std::string_view text) {
  ManifestTrust trust;
  bool has_quorum = false;
  size_t line_no = 0;
  while (!text.empty()) {
    const size_t nl = std::min(text.find('\n'), text.size());
    const std::string_view line = Trim(text.substr(0, nl));
    text.remove_prefix(std::min(nl + 1, text.size()));
    ++line_no;
    if (line.empty() || line.front() == '#') continue;
    if (line.starts_with("quorum ")) {
      if (has_quorum) return TrustError(line_no, "a second quorum line");
      const std::string_view n = Trim(line.substr(7));
      size_t k = 0;
      auto [end, ec] = std::from_chars(n.data(), n.data() + n.size(), k);
      if (ec != std::errc() || end != n.data() + n.size() || n.empty() || n[0] == '0') {
        return TrustError(line_no, "quorum must be a positive decimal number");
      }
      trust.quorum = k;
      has_quorum = true;
    } else if (line.starts_with("signer ")) {
      auto key = VerifierKey::Parse(Trim(line.substr(7)));
      if (!key) return TrustError(line_no, key.error().message);
      for (const VerifierKey& k : trust.signers) {
        if (k.key == key->key || (k.name == key->name && k.key_id == key->key_id)) {
          return TrustError(line_no, "signer " + key->name + " is listed twice");
        }
      }
      trust.signers.push_back(std::move(*key));
    } else {
      return TrustError(line_no, "expected \"quorum K\" or \"signer VKEY\"");
    }
  }
  if (!has_quorum) return MakeError(ErrorCode::kMalformed, "trust file: no quorum line");
  if (trust.signers.empty()) return MakeError(ErrorCode::kMalformed, "trust file: no signer");
  if (trust.quorum > trust.signers.size()) {
    return MakeError(ErrorCode::kMalformed, "trust file: quorum " + std::to_string(trust.quorum) +
                                                " is more than its " +
                                                std::to_string(trust.signers.size()) + " signers");
  }
  return trust;
}

Result<ManifestTrust> LoadManifestTrustFile(const std::string& path) {
  auto text = ReadTextFile(path);
  if (!text) return std::unexpected(text.error());
  auto trust = ParseManifestTrust(*text);
  if (!trust) return MakeError(trust.error().code, path + ": " + trust.error().message);
  return trust;
}

std::string FormatManifestTrust(const ManifestTrust& trust) {
  std::string out = "quorum " + std::to_string(trust.quorum) + "\n";
  for (const VerifierKey& k : trust.signers) out += "signer " + k.ToString() + "\n";
  return out;
}

ManifestTrust AuthorityOnlyTrust(const Manifest& manifest) { return {{manifest.authority}, 1}; }

std::string ManifestNoteText(const Manifest& manifest) {
  return std::string(kManifestNoteHeader) + "\n" + HexEncode(manifest.election_id) + "\n";
}

std::string ManifestFingerprint(const Manifest& manifest) {
  const std::string hex = HexEncode(manifest.election_id);
  std::string out;
  for (size_t i = 0; i < 32; i += 4) {
    if (!out.empty()) out += '-';
    for (size_t j = i; j < i + 4; ++j) {
      out += static_cast<char>(std::toupper(static_cast<unsigned char>(hex[j])));
    }
  }
  return out;
}

Result<std::string> CosignManifest(const Manifest& manifest, std::string_view existing,
                                   const NamedSigningKey& key) {
  Note note{ManifestNoteText(manifest), {}};
  if (existing.starts_with(kManifestNoteHeader)) {
    auto parsed = ParseNote(existing);
    if (!parsed) return MakeError(parsed.error().code, "manifest.sig: " + parsed.error().message);
    if (parsed->text != note.text) {
      return MakeError(ErrorCode::kWrongElection,
                       "manifest.sig signs another manifest (its text is not " +
                           HexEncode(manifest.election_id) + ")");
    }
    for (const NoteSignature& sig : parsed->signatures) {
      if (sig.name != key.name || sig.key_id != key.key_id) note.signatures.push_back(sig);
    }
  }
  auto own = SignNote(note.text, key);
  if (!own) return std::unexpected(own.error());
  auto own_note = ParseNote(*own);
  if (!own_note) return std::unexpected(own_note.error());
  note.signatures.push_back(own_note->signatures.front());
  if (note.signatures.size() > kMaxNoteSignatures) {
    return MakeError(ErrorCode::kResourceExhausted,
                     "manifest.sig: more than " + std::to_string(kMaxNoteSignatures) + " signers");
  }
  return FormatNote(note);
}

namespace {

std::unexpected<Error> BelowQuorum(const ManifestTrust& trust, size_t valid,
                                   const std::vector<std::string>& found) {
  std::string list;
  for (const std::string& f : found) list += (list.empty() ? "" : ", ") + f;
  return MakeError(ErrorCode::kBadSignature,
                   "manifest.sig: " + std::to_string(valid) +
                       " valid signature(s) by trusted "
                       "signers, " +
                       std::to_string(trust.quorum) + " of " +
                       std::to_string(trust.signers.size()) +
                       " required; found: " + (list.empty() ? "none" : list));
}

}  // namespace

Result<ManifestSignatures> VerifyManifestSignatures(const Manifest& manifest,
                                                    std::string_view sig_text,
                                                    const ManifestTrust& trust) {
  ManifestSignatures out;
  if (!sig_text.starts_with(kManifestNoteHeader)) {
    // The one-line form: the authority's signature over the canonical bytes.
    ACTA_RETURN_IF_ERROR(VerifyManifestSignature(manifest, sig_text));
    out.one_line_form = true;
    bool trusted = false;
    for (const VerifierKey& k : trust.signers) {
      trusted = trusted || (k.key == manifest.authority.key && k.name == manifest.authority.name);
    }
    const std::string label = KeyLabel(manifest.authority.name, manifest.authority.key_id);
    if (trusted) {
      out.trusted.push_back(manifest.authority.ToString());
    } else {
      out.others.push_back(label);
    }
    if (out.trusted.size() < trust.quorum) {
      return BelowQuorum(trust, out.trusted.size(),
                         {label + (trusted ? " (trusted)" : " (not trusted)")});
    }
    return out;
  }
  auto note = ParseNote(sig_text);
  if (!note) return MakeError(note.error().code, "manifest.sig: " + note.error().message);
  if (note->text != ManifestNoteText(manifest)) {
    return MakeError(ErrorCode::kWrongElection,
                     "manifest.sig signs another manifest (its text is not " +
                         std::string(kManifestNoteHeader) + " " + HexEncode(manifest.election_id) +
                         ")");
  }
  SignerQuorum quorum;
  for (const VerifierKey& k : trust.signers) quorum.keys.push_back(NoteKey::Of(k));
  quorum.threshold = trust.quorum;
  auto check = CheckQuorum(*note, quorum);
  if (!check) return MakeError(check.error().code, "manifest.sig: " + check.error().message);
  std::vector<std::string> found;
  for (const NoteSignature& sig : note->signatures) {
    bool is_trusted = false;
    for (const NoteSigner& s : check->signers) {
      const VerifierKey& k = trust.signers[s.key];
      is_trusted = is_trusted || (k.name == sig.name && k.key_id == sig.key_id);
    }
    found.push_back(KeyLabel(sig.name, sig.key_id) +
                    (is_trusted ? " (trusted)" : " (not trusted)"));
    if (!is_trusted) out.others.push_back(KeyLabel(sig.name, sig.key_id));
  }
  for (const NoteSigner& s : check->signers) out.trusted.push_back(trust.signers[s.key].ToString());
  if (!check->met) return BelowQuorum(trust, out.trusted.size(), found);
  return out;
}

Result<UnverifiedManifest> ReadUnverifiedManifest(const std::string& dir) {
  const std::filesystem::path base(dir);
  auto json = ReadTextFile((base / "manifest.json").string());
  if (!json) return std::unexpected(json.error());
  auto tables = ReadFile((base / "tables.bin").string());
  if (!tables) return std::unexpected(tables.error());
  auto sig = ReadTextFile((base / "manifest.sig").string());
  if (!sig) return std::unexpected(sig.error());
  auto manifest = ParseManifest(*json, *tables);
  if (!manifest) return std::unexpected(manifest.error());
  return UnverifiedManifest{std::move(*manifest), std::move(*sig)};
}

Result<Manifest> LoadTrustedManifest(const std::string& dir,
                                     const std::optional<ManifestTrust>& trust,
                                     const LoadOptions& options) {
  auto read = ReadUnverifiedManifest(dir);
  if (!read) return std::unexpected(read.error());
  Manifest& m = read->manifest;
  if (options.pinned_authority) {
    const VerifierKey& pin = *options.pinned_authority;
    if (pin.key != m.authority.key || pin.name != m.authority.name) {
      return MakeError(ErrorCode::kBadSignature, "manifest authority " + m.authority.ToString() +
                                                     " is not the pinned authority " +
                                                     pin.ToString());
    }
  }
  auto checked =
      VerifyManifestSignatures(m, read->sig_text, trust ? *trust : AuthorityOnlyTrust(m));
  if (!checked) return std::unexpected(checked.error());
  if (options.expected_election_id && *options.expected_election_id != m.election_id) {
    return MakeError(ErrorCode::kWrongElection, "manifest election id " + HexEncode(m.election_id) +
                                                    " is not the expected " +
                                                    HexEncode(*options.expected_election_id));
  }
  return std::move(m);
}

}  // namespace acta::log
