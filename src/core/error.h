// Errors that callers handle: a code they can switch on and a message a
// person can read. Every fallible function returns Result<T> or Status; no
// exception crosses a module boundary.
#pragma once

#include <expected>
#include <string>
#include <string_view>
#include <utility>

namespace acta {

enum class ErrorCode {
  kInvalidArgument,     // the caller passed something unusable
  kMalformed,           // bytes or text that do not parse
  kUnsupportedVersion,  // a version this build does not speak
  kWrongElection,       // belongs to another election
  kUnknownTable,        // table id not in the manifest
  kBadSignature,        // a signature that does not verify
  kBadMac,              // a transport MAC that does not verify
  kNotFound,
  kConflict,  // a different acta for a table that already has one
  kAlreadyExists,
  kFailedPrecondition,  // state does not allow this (e.g. store of another election)
  kResourceExhausted,   // a limit or budget was hit
  kUnavailable,         // try again later
  kPermissionDenied,
  kIo,
  kCorruption,  // stored data that no longer checks out
  kInternal,
};

// A short stable name for a code ("malformed", "bad_signature"...), used in
// JSON error bodies, metrics labels and CLI messages.
std::string_view ErrorCodeName(ErrorCode code);

struct Error {
  ErrorCode code;
  std::string message;

  std::string ToString() const;
};

template <typename T>
using Result = std::expected<T, Error>;
using Status = std::expected<void, Error>;

inline std::unexpected<Error> MakeError(ErrorCode code, std::string message) {
  return std::unexpected(Error{code, std::move(message)});
}

inline Status Ok() { return {}; }

}  // namespace acta

// Returns early with the error of a Status/Result expression.
#define ACTA_RETURN_IF_ERROR(expr)                             \
  do {                                                         \
    if (auto acta_status_ = (expr); !acta_status_) {           \
      return std::unexpected(std::move(acta_status_).error()); \
    }                                                          \
  } while (0)
