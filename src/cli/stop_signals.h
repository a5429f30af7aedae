// SIGINT and SIGTERM for the long-running commands (`acta center`,
// `acta witness`): blocked before any thread starts, so every thread
// inherits the mask and only the main thread takes them, synchronously.
#pragma once

#include <csignal>

namespace acta::cli {

class StopSignals {
 public:
  // Blocks SIGINT and SIGTERM in the calling thread (call before starting
  // threads).
  StopSignals();
  // Waits for one of them; returns its number.
  int Wait() const;

 private:
  sigset_t set_;
};

}  // namespace acta::cli
