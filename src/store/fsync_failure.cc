#include "store/fsync_failure.h"

#include <atomic>
#include <cstdio>
#include <cstdlib>

namespace acta::store {
namespace {

void StopProcess(std::string_view what) {
  std::fprintf(stderr,
               "acta: store: fsync failed (%.*s): stopping now, since what the kernel could not "
               "write may already be gone while it still reads back from memory; a restart "
               "recovers from what is on disk (docs/OPERATIONS.md, \"A disk that fails\")\n",
               static_cast<int>(what.size()), what.data());
  std::fflush(stderr);
  std::_Exit(kExitFsyncFailed);
}

std::atomic<FsyncFailureHandler> g_handler{&StopProcess};

}  // namespace

FsyncFailureHandler SetFsyncFailureHandler(FsyncFailureHandler handler) {
  return g_handler.exchange(handler != nullptr ? handler : &StopProcess);
}

void ReportFsyncFailure(std::string_view what) { g_handler.load()(what); }

}  // namespace acta::store
