#include "token/token_key.h"

// p11-kit's headers define the PKCS#11 types (CK_*) before the module API.
#include <p11-kit/p11-kit.h>
#include <p11-kit/pkcs11.h>
#include <p11-kit/uri.h>

#include <cstdlib>
#include <cstring>
#include <mutex>
#include <optional>
#include <vector>

#include "core/file.h"
#include "token/pkcs11_names.h"

namespace acta::token {
namespace {

constexpr std::string_view kScheme = "pkcs11:";
// DER of the Ed25519 curve's OID 1.3.101.112 (RFC 8410), CKA_EC_PARAMS.
constexpr uint8_t kEd25519Params[] = {0x06, 0x03, 0x2b, 0x65, 0x70};

struct UriFree {
  void operator()(P11KitUri* uri) const { p11_kit_uri_free(uri); }
};
using Uri = std::unique_ptr<P11KitUri, UriFree>;

std::string Label(const unsigned char* padded, size_t size) {
  std::string s(reinterpret_cast<const char*>(padded), size);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\0')) s.pop_back();
  return s;
}

std::unexpected<Error> Fail(ErrorCode code, std::string_view uri, const std::string& what) {
  return MakeError(code, std::string(uri) + ": " + what);
}

// The answers of a token that was taken away (and perhaps put back: its
// sessions and object handles are then stale): kUnavailable, which
// TokenKey::Sign answers by finding the token and the key again.
bool TokenLost(CK_RV rv) {
  return rv == CKR_DEVICE_REMOVED || rv == CKR_TOKEN_NOT_PRESENT || rv == CKR_SESSION_CLOSED ||
         rv == CKR_DEVICE_ERROR || rv == CKR_SESSION_HANDLE_INVALID ||
         rv == CKR_OBJECT_HANDLE_INVALID || rv == CKR_KEY_HANDLE_INVALID ||
         rv == CKR_USER_NOT_LOGGED_IN || rv == CKR_TOKEN_NOT_RECOGNIZED ||
         rv == CKR_CRYPTOKI_NOT_INITIALIZED;
}

std::unexpected<Error> FailRv(std::string_view uri, const std::string& call, CK_RV rv) {
  return Fail(TokenLost(rv) ? ErrorCode::kUnavailable : ErrorCode::kInternal, uri,
              call + " failed: " + RvName(rv));
}

// The PIN: --pin-file, else the URI's pin-source ("file:" or a path), with
// one trailing newline removed.
Result<std::string> ReadPin(P11KitUri* uri, std::string_view text, const std::string& pin_file) {
  if (p11_kit_uri_get_pin_value(uri) != nullptr) {
    return Fail(ErrorCode::kInvalidArgument, text,
                "pin-value in the URI is refused: put the PIN in a file (--pin-file or "
                "pin-source=file:...)");
  }
  std::string path = pin_file;
  if (path.empty()) {
    const char* source = p11_kit_uri_get_pin_source(uri);
    if (source == nullptr) {
      return Fail(ErrorCode::kInvalidArgument, text,
                  "no PIN: give --pin-file or pin-source=file:PATH in the URI");
    }
    path = source;
    if (path.starts_with("file:")) path = path.substr(5);
  }
  auto bytes = ReadFile(path);
  if (!bytes) {
    return Fail(ErrorCode::kIo, text, "cannot read the PIN file: " + bytes.error().message);
  }
  std::string pin(bytes->begin(), bytes->end());
  if (pin.ends_with("\n")) pin.pop_back();
  if (pin.ends_with("\r")) pin.pop_back();
  return pin;
}

// The URI's attribute `type` as a PKCS#11 template entry, if it has one.
void AddUriAttribute(P11KitUri* uri, CK_ATTRIBUTE_TYPE type, std::vector<CK_ATTRIBUTE>& out) {
  if (CK_ATTRIBUTE_PTR a = p11_kit_uri_get_attribute(uri, type); a != nullptr) out.push_back(*a);
}

}  // namespace

bool IsPkcs11Uri(std::string_view text) { return text.starts_with(kScheme); }

namespace {
// What a key signs to show it is a working pure-Ed25519 pair of the public
// key read (at open, and when the token comes back).
constexpr std::string_view kSelfTest = "acta/v1/token-self-test\n";
}  // namespace

struct TokenKey::Session {
  // Modules loaded for this key; finalized after the session is closed.
  CK_FUNCTION_LIST** all = nullptr;       // p11-kit's configured modules
  CK_FUNCTION_LIST* by_path = nullptr;    // or the one module-path names
  std::vector<CK_FUNCTION_LIST*> loaded;  // all or by_path: where tokens are looked for
  CK_FUNCTION_LIST* fn = nullptr;         // the token's module
  CK_SESSION_HANDLE handle = CK_INVALID_HANDLE;
  CK_OBJECT_HANDLE key = CK_INVALID_HANDLE;
  std::string token;
  mutable std::mutex mu;

  ~Session() {
    if (handle != CK_INVALID_HANDLE) fn->C_CloseSession(handle);
    if (all != nullptr) p11_kit_modules_finalize_and_release(all);
    if (by_path != nullptr) {
      p11_kit_module_finalize(by_path);
      p11_kit_module_release(by_path);
    }
  }

  // Loads the modules, finds the one token `uri` matches, opens a session
  // and logs in.
  Status Connect(P11KitUri* uri, std::string_view text, const std::string& pin, bool read_write) {
    std::vector<CK_FUNCTION_LIST*> modules;
    if (const char* path = p11_kit_uri_get_module_path(uri); path != nullptr) {
      by_path = p11_kit_module_load(path, 0);
      if (by_path == nullptr) {
        return Fail(
            ErrorCode::kUnavailable, text,
            std::string("cannot load the PKCS#11 module ") + path + ": " + p11_kit_message());
      }
      if (CK_RV rv = p11_kit_module_initialize(by_path); rv != CKR_OK) {
        p11_kit_module_release(by_path);
        by_path = nullptr;
        return FailRv(text, std::string("initializing ") + path, rv);
      }
      modules.push_back(by_path);
    } else {
      all = p11_kit_modules_load_and_initialize(0);
      if (all == nullptr) {
        return Fail(ErrorCode::kUnavailable, text,
                    std::string("p11-kit loads no PKCS#11 module: ") + p11_kit_message());
      }
      const char* wanted = p11_kit_uri_get_module_name(uri);
      for (CK_FUNCTION_LIST** m = all; *m != nullptr; ++m) {
        char* name = p11_kit_module_get_name(*m);
        const bool keep = wanted == nullptr || (name != nullptr && std::strcmp(name, wanted) == 0);
        free(name);
        if (keep) modules.push_back(*m);
      }
    }
    loaded = std::move(modules);
    return OpenOnToken(uri, text, pin, read_write);
  }

  // Finalizes and initializes the loaded modules again (their sessions,
  // stale already, are gone). REQUIRES no open session.
  Status Reinitialize(std::string_view text) {
    if (by_path != nullptr) {
      p11_kit_module_finalize(by_path);
      if (CK_RV rv = p11_kit_module_initialize(by_path); rv != CKR_OK) {
        return FailRv(text, "initializing the module again", rv);
      }
    }
    if (all != nullptr) {
      p11_kit_modules_finalize(all);
      if (CK_RV rv = p11_kit_modules_initialize(all, nullptr); rv != CKR_OK) {
        return FailRv(text, "initializing the modules again", rv);
      }
    }
    return Ok();
  }

  // Finds the one token `uri` matches among the loaded modules, opens a
  // session and logs in (again, after the token was taken away and back).
  Status OpenOnToken(P11KitUri* uri, std::string_view text, const std::string& pin,
                     bool read_write) {
    std::vector<std::string> present;
    std::vector<std::pair<CK_FUNCTION_LIST*, CK_SLOT_ID>> matches;
    for (CK_FUNCTION_LIST* m : loaded) {
      CK_INFO module_info;
      if (m->C_GetInfo(&module_info) != CKR_OK ||
          !p11_kit_uri_match_module_info(uri, &module_info)) {
        continue;
      }
      CK_ULONG count = 0;
      if (m->C_GetSlotList(CK_TRUE, nullptr, &count) != CKR_OK || count == 0) continue;
      std::vector<CK_SLOT_ID> slots(count);
      if (m->C_GetSlotList(CK_TRUE, slots.data(), &count) != CKR_OK) continue;
      slots.resize(count);
      for (CK_SLOT_ID slot : slots) {
        CK_TOKEN_INFO info;
        CK_SLOT_INFO slot_info;
        if (m->C_GetTokenInfo(slot, &info) != CKR_OK) continue;
        if (!(info.flags & CKF_TOKEN_INITIALIZED)) continue;
        present.push_back("'" + Label(info.label, sizeof(info.label)) + "'");
        if (m->C_GetSlotInfo(slot, &slot_info) != CKR_OK) continue;
        if (p11_kit_uri_match_token_info(uri, &info) &&
            p11_kit_uri_match_slot_info(uri, &slot_info)) {
          matches.emplace_back(m, slot);
          token = Label(info.label, sizeof(info.label));
        }
      }
    }
    if (matches.empty()) {
      std::string list;
      for (const auto& p : present) list += (list.empty() ? "" : ", ") + p;
      return Fail(ErrorCode::kUnavailable, text,
                  "no token matches (tokens present: " + (list.empty() ? "none" : list) + ")");
    }
    if (matches.size() > 1) {
      return Fail(ErrorCode::kFailedPrecondition, text,
                  std::to_string(matches.size()) + " tokens match; name one (token=, serial=)");
    }
    fn = matches[0].first;
    CK_FLAGS flags = CKF_SERIAL_SESSION | (read_write ? CKF_RW_SESSION : 0);
    if (CK_RV rv = fn->C_OpenSession(matches[0].second, flags, nullptr, nullptr, &handle);
        rv != CKR_OK) {
      handle = CK_INVALID_HANDLE;
      return FailRv(text, "opening a session on token '" + token + "'", rv);
    }
    std::string p = pin;
    CK_RV rv = fn->C_Login(handle, CKU_USER, reinterpret_cast<CK_UTF8CHAR_PTR>(p.data()), p.size());
    if (rv == CKR_PIN_INCORRECT || rv == CKR_PIN_INVALID || rv == CKR_PIN_LEN_RANGE) {
      return Fail(ErrorCode::kPermissionDenied, text,
                  "token '" + token + "' refused the PIN (" + RvName(rv) + ")");
    }
    if (rv == CKR_PIN_LOCKED) {
      return Fail(ErrorCode::kPermissionDenied, text,
                  "token '" + token + "': the user PIN is locked (CKR_PIN_LOCKED)");
    }
    if (rv != CKR_OK && rv != CKR_USER_ALREADY_LOGGED_IN) {
      return FailRv(text, "logging in to token '" + token + "'", rv);
    }
    return Ok();
  }

  // The objects of `cls` with the URI's label and id that are Ed25519 keys.
  Result<std::vector<CK_OBJECT_HANDLE>> Find(P11KitUri* uri, std::string_view text,
                                             CK_OBJECT_CLASS cls) {
    std::lock_guard lock(mu);
    return FindLocked(uri, text, cls);
  }
  Result<std::vector<CK_OBJECT_HANDLE>> FindLocked(P11KitUri* uri, std::string_view text,
                                                   CK_OBJECT_CLASS cls) {
    CK_KEY_TYPE type = CKK_EC_EDWARDS;
    std::vector<CK_ATTRIBUTE> tmpl = {{CKA_CLASS, &cls, sizeof(cls)},
                                      {CKA_KEY_TYPE, &type, sizeof(type)}};
    AddUriAttribute(uri, CKA_LABEL, tmpl);
    AddUriAttribute(uri, CKA_ID, tmpl);
    if (CK_RV rv = fn->C_FindObjectsInit(handle, tmpl.data(), tmpl.size()); rv != CKR_OK) {
      return FailRv(text, "C_FindObjectsInit", rv);
    }
    std::vector<CK_OBJECT_HANDLE> found(8);
    CK_ULONG n = 0;
    CK_RV rv = fn->C_FindObjects(handle, found.data(), found.size(), &n);
    fn->C_FindObjectsFinal(handle);
    if (rv != CKR_OK) return FailRv(text, "C_FindObjects", rv);
    found.resize(n);
    return found;
  }

  Result<Signature> SignRaw(std::string_view text, ByteSpan message) const {
    std::lock_guard lock(mu);
    return SignRawLocked(text, message);
  }
  Result<Signature> SignRawLocked(std::string_view text, ByteSpan message) const {
    CK_MECHANISM mech{CKM_EDDSA, nullptr, 0};
    if (CK_RV rv = fn->C_SignInit(handle, &mech, key); rv != CKR_OK) {
      return FailRv(text, "C_SignInit (CKM_EDDSA)", rv);
    }
    Signature sig{};
    CK_ULONG size = sig.size();
    // A module may refuse a null data pointer even for zero bytes.
    std::vector<CK_BYTE> msg(message.begin(), message.end());
    CK_BYTE empty = 0;
    CK_BYTE_PTR data = msg.empty() ? &empty : msg.data();
    if (CK_RV rv = fn->C_Sign(handle, data, msg.size(), sig.data(), &size); rv != CKR_OK) {
      return FailRv(text, "C_Sign (CKM_EDDSA)", rv);
    }
    if (size != sig.size()) {
      return Fail(ErrorCode::kInternal, text,
                  "the token returned a " + std::to_string(size) + "-byte signature, not 64");
    }
    return sig;
  }
};

namespace {

Result<Uri> ParseUri(std::string_view text) {
  if (!IsPkcs11Uri(text)) {
    return Fail(ErrorCode::kInvalidArgument, text, "not a pkcs11: URI (RFC 7512)");
  }
  Uri uri(p11_kit_uri_new());
  const std::string s(text);
  if (int rc = p11_kit_uri_parse(s.c_str(), P11_KIT_URI_FOR_ANY, uri.get()); rc != P11_KIT_URI_OK) {
    return Fail(ErrorCode::kInvalidArgument, text,
                std::string("not a valid pkcs11: URI: ") + p11_kit_uri_message(rc));
  }
  return uri;
}

// EC_POINT of an Ed25519 public key: a DER OCTET STRING (04 20 <32 bytes>)
// as PKCS#11 3.0 says, or the raw 32 bytes some tokens return.
std::optional<PublicKey> DecodeEcPoint(const std::vector<CK_BYTE>& point) {
  PublicKey key{};
  if (point.size() == 34 && point[0] == 0x04 && point[1] == 0x20) {
    std::copy(point.begin() + 2, point.end(), key.begin());
    return key;
  }
  if (point.size() == 32) {
    std::copy(point.begin(), point.end(), key.begin());
    return key;
  }
  return std::nullopt;
}

}  // namespace

Result<std::unique_ptr<TokenKey>> TokenKey::Open(std::string_view text,
                                                 const std::string& pin_file) {
  auto uri = ParseUri(text);
  if (!uri) return std::unexpected(uri.error());
  auto pin = ReadPin(uri->get(), text, pin_file);
  if (!pin) return std::unexpected(pin.error());
  std::unique_ptr<TokenKey> key(new TokenKey());
  key->uri_ = std::string(text);
  key->pin_ = *pin;
  key->session_ = std::make_unique<Session>();
  Session& s = *key->session_;
  ACTA_RETURN_IF_ERROR(s.Connect(uri->get(), text, *pin, false));

  auto privates = s.Find(uri->get(), text, CKO_PRIVATE_KEY);
  if (!privates) return std::unexpected(privates.error());
  if (privates->empty()) {
    return Fail(ErrorCode::kNotFound, text,
                "token '" + s.token + "' has no Ed25519 private key matching object=/id=");
  }
  if (privates->size() > 1) {
    return Fail(ErrorCode::kFailedPrecondition, text,
                "token '" + s.token + "' has " + std::to_string(privates->size()) +
                    " Ed25519 private keys matching; name one (object=, id=)");
  }
  s.key = privates->front();
  auto publics = s.Find(uri->get(), text, CKO_PUBLIC_KEY);
  if (!publics) return std::unexpected(publics.error());
  if (publics->size() != 1) {
    return Fail(ErrorCode::kNotFound, text,
                "token '" + s.token + "' has " + std::to_string(publics->size()) +
                    " Ed25519 public keys matching, not 1 (acta needs the public key object "
                    "beside the private one)");
  }
  CK_ATTRIBUTE attr{CKA_EC_POINT, nullptr, 0};
  if (CK_RV rv = s.fn->C_GetAttributeValue(s.handle, publics->front(), &attr, 1); rv != CKR_OK) {
    return FailRv(text, "reading CKA_EC_POINT", rv);
  }
  if (attr.ulValueLen == CK_UNAVAILABLE_INFORMATION || attr.ulValueLen > 1024) {
    return Fail(ErrorCode::kMalformed, text, "the public key has no readable CKA_EC_POINT");
  }
  std::vector<CK_BYTE> point(attr.ulValueLen);
  attr.pValue = point.data();
  if (CK_RV rv = s.fn->C_GetAttributeValue(s.handle, publics->front(), &attr, 1); rv != CKR_OK) {
    return FailRv(text, "reading CKA_EC_POINT", rv);
  }
  auto pub = DecodeEcPoint(point);
  if (!pub) {
    return Fail(ErrorCode::kMalformed, text,
                "the public key's CKA_EC_POINT is " + std::to_string(point.size()) +
                    " bytes, not an Ed25519 point");
  }
  key->public_key_ = *pub;
  // A token that signs something else than pure Ed25519, or a private key
  // paired with another public key, is caught here, at start.
  auto probe = s.SignRaw(text, AsBytes(kSelfTest));
  if (!probe) return std::unexpected(probe.error());
  if (!VerifySignature(key->public_key_, AsBytes(kSelfTest), *probe)) {
    return Fail(ErrorCode::kBadSignature, text,
                "token '" + s.token +
                    "': a test signature does not verify with the public key (not pure "
                    "Ed25519, or the private and public objects are not a pair)");
  }
  return key;
}

Result<std::unique_ptr<TokenKey>> TokenKey::Generate(std::string_view text,
                                                     const std::string& pin_file) {
  auto uri = ParseUri(text);
  if (!uri) return std::unexpected(uri.error());
  CK_ATTRIBUTE_PTR label = p11_kit_uri_get_attribute(uri->get(), CKA_LABEL);
  if (label == nullptr) {
    return Fail(ErrorCode::kInvalidArgument, text, "name the new key with object=LABEL");
  }
  auto pin = ReadPin(uri->get(), text, pin_file);
  if (!pin) return std::unexpected(pin.error());
  {
    Session s;
    ACTA_RETURN_IF_ERROR(s.Connect(uri->get(), text, *pin, true));
    auto existing = s.Find(uri->get(), text, CKO_PRIVATE_KEY);
    if (!existing) return std::unexpected(existing.error());
    if (!existing->empty()) {
      return Fail(ErrorCode::kAlreadyExists, text,
                  "token '" + s.token + "' already has an Ed25519 key with this label");
    }
    CK_BBOOL yes = CK_TRUE;
    CK_BBOOL no = CK_FALSE;
    std::vector<CK_ATTRIBUTE> pub = {
        {CKA_TOKEN, &yes, sizeof(yes)},
        {CKA_VERIFY, &yes, sizeof(yes)},
        {CKA_EC_PARAMS, const_cast<uint8_t*>(kEd25519Params), sizeof(kEd25519Params)}};
    std::vector<CK_ATTRIBUTE> priv = {{CKA_TOKEN, &yes, sizeof(yes)},
                                      {CKA_PRIVATE, &yes, sizeof(yes)},
                                      {CKA_SENSITIVE, &yes, sizeof(yes)},
                                      {CKA_EXTRACTABLE, &no, sizeof(no)},
                                      {CKA_SIGN, &yes, sizeof(yes)}};
    for (auto* t : {&pub, &priv}) {
      AddUriAttribute(uri->get(), CKA_LABEL, *t);
      AddUriAttribute(uri->get(), CKA_ID, *t);
    }
    CK_MECHANISM mech{CKM_EC_EDWARDS_KEY_PAIR_GEN, nullptr, 0};
    CK_OBJECT_HANDLE pub_handle = CK_INVALID_HANDLE;
    CK_OBJECT_HANDLE priv_handle = CK_INVALID_HANDLE;
    if (CK_RV rv = s.fn->C_GenerateKeyPair(s.handle, &mech, pub.data(), pub.size(), priv.data(),
                                           priv.size(), &pub_handle, &priv_handle);
        rv != CKR_OK) {
      return FailRv(text, "generating an Ed25519 key pair on token '" + s.token + "'", rv);
    }
  }
  return Open(text, pin_file);
}

TokenKey::~TokenKey() = default;

Result<Signature> TokenKey::Sign(ByteSpan message) const {
  auto sig = session_->SignRaw(uri_, message);
  if (sig || sig.error().code != ErrorCode::kUnavailable) return sig;
  if (Status back = Reconnect(); !back) {
    return Fail(ErrorCode::kUnavailable, uri_,
                "token '" + session_->token + "' is gone (" + sig.error().message +
                    "); looking for it again: " + back.error().message);
  }
  return session_->SignRaw(uri_, message);
}

Status TokenKey::Reconnect() const {
  auto uri = ParseUri(uri_);
  if (!uri) return std::unexpected(uri.error());
  Session& s = *session_;
  std::lock_guard lock(s.mu);
  if (s.handle != CK_INVALID_HANDLE) {
    (void)s.fn->C_CloseSession(s.handle);  // stale: whatever it answers
    s.handle = CK_INVALID_HANDLE;
  }
  if (Status open = s.OpenOnToken(uri->get(), uri_, pin_, false); !open) {
    // A module may list its tokens once, at initialization (SoftHSM2
    // does): start it again so that it sees the token that came back.
    if (open.error().code != ErrorCode::kUnavailable) return open;
    ACTA_RETURN_IF_ERROR(s.Reinitialize(uri_));
    ACTA_RETURN_IF_ERROR(s.OpenOnToken(uri->get(), uri_, pin_, false));
  }
  auto privates = s.FindLocked(uri->get(), uri_, CKO_PRIVATE_KEY);
  if (!privates) return std::unexpected(privates.error());
  if (privates->size() != 1) {
    return Fail(ErrorCode::kNotFound, uri_,
                "token '" + s.token + "' has " + std::to_string(privates->size()) +
                    " Ed25519 private keys matching, not 1");
  }
  s.key = privates->front();
  // The same key as at start, not another one under the same name.
  auto probe = s.SignRawLocked(uri_, AsBytes(kSelfTest));
  if (!probe) return std::unexpected(probe.error());
  if (!VerifySignature(public_key_, AsBytes(kSelfTest), *probe)) {
    return Fail(ErrorCode::kBadSignature, uri_,
                "token '" + s.token + "' now holds another key under that name");
  }
  return Ok();
}

}  // namespace acta::token
