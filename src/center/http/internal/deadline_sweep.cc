#include <algorithm>
#include <memory>
#include <vector>

#include "center/http/internal/server_state.h"

namespace acta::http::internal {

std::chrono::milliseconds DeadlineResolution(const ServerLimits& l) {
  const auto shortest =
      std::min({l.header_timeout, l.body_timeout, l.idle_timeout, l.tls_handshake_timeout,
                l.write_timeout, l.handler_timeout, l.sse_heartbeat});
  return std::clamp(shortest / 8, std::chrono::milliseconds(1), std::chrono::milliseconds(100));
}

void StartDeadlineSweep(Worker& worker, std::chrono::milliseconds resolution) {
  worker.sweep.expires_after(resolution);
  worker.sweep.async_wait([&worker, resolution](boost::system::error_code ec) {
    if (ec) return;
    // Collect first: OnDeadline may close a session, and a session that
    // goes away leaves `sessions` in its destructor.
    const auto now = std::chrono::steady_clock::now();
    std::vector<std::shared_ptr<SessionBase>> due;
    for (const auto& [session, weak] : worker.sessions) {
      if (session->deadline > now) continue;
      if (auto alive = weak.lock()) due.push_back(std::move(alive));
    }
    for (const auto& session : due) {
      if (session->deadline <= now) session->OnDeadline();
    }
    StartDeadlineSweep(worker, resolution);
  });
}

}  // namespace acta::http::internal
