#include "mirror/event_stream.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace acta::mirror {
namespace {

using Events = std::vector<std::pair<std::string, std::string>>;

Events Parse(const std::vector<std::string>& chunks) {
  Events got;
  EventStreamParser p([&](std::string_view t, std::string_view d) { got.emplace_back(t, d); });
  for (const auto& c : chunks) EXPECT_TRUE(p.Feed(c));
  return got;
}

TEST(EventStreamTest, TheCentersCheckpointEventsAndHeartbeats) {
  const std::string stream =
      ": heartbeat\n\nevent: checkpoint\ndata: {\"size\":5}\nid: 5\n\n"
      "event: checkpoint\ndata: {\"size\":6}\n\n";
  const Events want = {{"checkpoint", "{\"size\":5}"}, {"checkpoint", "{\"size\":6}"}};
  EXPECT_EQ(Parse({stream}), want);
  // The same bytes split at every position give the same events.
  for (size_t i = 0; i <= stream.size(); ++i)
    EXPECT_EQ(Parse({stream.substr(0, i), stream.substr(i)}), want) << i;
}

TEST(EventStreamTest, LineEndingsDataLinesAndDefaults) {
  EXPECT_EQ(Parse({"data:a\r\ndata: b\r\rdata\n\n"}),
            (Events{{"message", "a\nb"}, {"message", ""}}));
  // CR at the end of one chunk and LF at the start of the next: one line end.
  EXPECT_EQ(Parse({"event:x\r", "\ndata:1\r", "\n\r", "\n"}), (Events{{"x", "1"}}));
  // An event without data is not dispatched; its type does not leak on.
  EXPECT_EQ(Parse({"event: lost\n\ndata: z\n\n"}), (Events{{"message", "z"}}));
  // Unterminated at the end: nothing yet.
  EXPECT_TRUE(Parse({"event: checkpoint\ndata: {}\n"}).empty());
}

TEST(EventStreamTest, RefusesOverlongLinesAndEvents) {
  EventStreamParser p([](std::string_view, std::string_view) {}, 16);
  auto st = p.Feed(std::string(17, 'a'));
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code, ErrorCode::kResourceExhausted);
  EventStreamParser q([](std::string_view, std::string_view) {}, 16);
  auto many = q.Feed("data: 123456789\ndata: 123456789\n");
  ASSERT_FALSE(many);
  EXPECT_EQ(many.error().code, ErrorCode::kResourceExhausted);
}

}  // namespace
}  // namespace acta::mirror
