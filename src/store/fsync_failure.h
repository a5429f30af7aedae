// What a store does when the operating system says an fsync failed.
//
// After a failed fsync (or fdatasync) Linux may already have dropped the
// dirty pages it could not write, while reads keep returning them from
// memory: nothing read back afterwards can be trusted to be on disk
// (PostgreSQL's "fsyncgate", 2018; PostgreSQL now stops the server). A center
// that went on would sequence and receipt actas that a power cut then erases,
// publishing checkpoints over entries that vanish. So the store stops the
// process at once, without any orderly shutdown that would use what is in
// memory, and the next start recovers from what is really on disk.
//
// Thread-safety: SetFsyncFailureHandler is for tests and start-up only.
#pragma once

#include <string_view>

namespace acta::store {

// The exit status of a process stopped by a failed fsync (EX_IOERR).
inline constexpr int kExitFsyncFailed = 74;

// Called with a description of the failed operation. The default prints it
// to stderr and _Exit(kExitFsyncFailed)s; it must not return to the store in
// production.
using FsyncFailureHandler = void (*)(std::string_view what);

// Replaces the handler (nullptr restores the default); returns the previous.
FsyncFailureHandler SetFsyncFailureHandler(FsyncFailureHandler handler);

// Runs the handler.
void ReportFsyncFailure(std::string_view what);

}  // namespace acta::store
