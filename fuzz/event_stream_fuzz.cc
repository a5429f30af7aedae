// mirror::EventStreamParser on arbitrary bytes, fed whole and split in two
// at a point taken from the input: the same events either way (a line end
// split across reads, CR then LF, is one line end), and no event's data
// larger than the limit.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fuzz/fuzz_support.h"
#include "mirror/event_stream.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace acta;
  if (size == 0) return 0;
  const size_t split = data[0] % size;
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  using Events = std::vector<std::pair<std::string, std::string>>;
  auto run = [&](std::vector<std::string_view> chunks, Events& out) {
    mirror::EventStreamParser p(
        [&](std::string_view t, std::string_view d) {
          ACTA_FUZZ_CHECK(d.size() <= 256, "event data within the limit");
          out.emplace_back(t, d);
        },
        256);
    for (auto c : chunks)
      if (!p.Feed(c)) return false;
    return true;
  };
  Events whole, parts;
  const bool a = run({text}, whole);
  const size_t at = std::min(split, text.size());
  const bool b = run({text.substr(0, at), text.substr(at)}, parts);
  ACTA_FUZZ_CHECK(a == b, "split input accepted like the whole");
  if (a) ACTA_FUZZ_CHECK(whole == parts, "split input gives the same events");
  return 0;
}
