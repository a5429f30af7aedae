// http::ReplyBatch: replies held on the delivering thread and handed to each
// I/O thread in one post (center/http/handler.h says why).
#include <algorithm>
#include <boost/asio/post.hpp>
#include <utility>
#include <vector>

#include "center/http/handler.h"
#include "center/http/internal/server_state.h"

namespace acta::http {

// The replies held for each I/O thread, in delivery order. Few I/O
// threads: a linear search finds a reply's group.
struct ReplyBatch::Held {
  struct Group {
    std::shared_ptr<internal::ReplyGate> gate;
    boost::asio::io_context::executor_type executor;
    std::vector<std::move_only_function<void()>> replies;
  };
  std::vector<Group> groups;
};

namespace {
thread_local ReplyBatch::Held* open_batch = nullptr;
}  // namespace

ReplyBatch::ReplyBatch() : held_(std::make_unique<Held>()), outer_(open_batch) {
  open_batch = held_.get();
}

ReplyBatch::~ReplyBatch() {
  open_batch = outer_;
  for (Held::Group& g : held_->groups) {
    std::lock_guard lock(g.gate->mu);
    if (!g.gate->open) continue;  // the server stopped: the replies are dropped
    boost::asio::post(g.executor, [replies = std::move(g.replies)]() mutable {
      for (auto& reply : replies) reply();
    });
  }
}

namespace internal {

bool ReplyBatchOpen() { return open_batch != nullptr; }

void HoldReply(const std::shared_ptr<ReplyGate>& gate,
               const boost::asio::io_context::executor_type& executor,
               std::move_only_function<void()> fn) {
  auto& groups = open_batch->groups;
  auto it = std::find_if(groups.begin(), groups.end(),
                         [&](const ReplyBatch::Held::Group& g) { return g.gate == gate; });
  if (it == groups.end()) {
    groups.push_back(ReplyBatch::Held::Group{gate, executor, {}});
    it = groups.end() - 1;
  }
  it->replies.push_back(std::move(fn));
}

}  // namespace internal
}  // namespace acta::http
