#include "store/open_store.h"

#include <string>

#include "store/postgres_store.h"
#include "store/sqlite_store.h"

namespace acta::store {

Result<std::unique_ptr<Store>> OpenStore(std::string_view url, const OpenOptions& options) {
  constexpr std::string_view kSqlite = "sqlite:";
  if (url.starts_with(kSqlite)) {
    auto store = SqliteStore::Open(std::string(url.substr(kSqlite.size())));
    if (!store) return std::unexpected(std::move(store).error());
    return std::unique_ptr<Store>(std::move(*store));
  }
  if (url.starts_with("postgres://") || url.starts_with("postgresql://")) {
    PostgresStoreOptions pg;
    pg.require_sync_standby = options.require_sync_standby;
    pg.connect.answer_timeout_ms = options.answer_timeout_ms;
    auto store = PostgresStore::Open(std::string(url), pg);
    if (!store) return std::unexpected(std::move(store).error());
    return std::unique_ptr<Store>(std::move(*store));
  }
  return MakeError(ErrorCode::kInvalidArgument, "unknown store URL \"" + std::string(url) +
                                                    "\": expected sqlite:PATH or postgres://...");
}

}  // namespace acta::store
