// The demo's timeline, in compressed time (W = the polls-close window):
//   0          terminals start closing, uniformly over [0, W)
//   0.25 W     blackout: every table of one state loses its link
//   0.40 W     (--sites 3) the primary's site goes dark: its etcd member,
//              Patroni, PostgreSQL and center at once; Patroni promotes the
//              synchronous standby and the other two centers carry on
//   0.50 W     (--center-restart) the center stops; it is back 2 s later
//   0.60 W     power returns to the state
//   ...        terminals keep retrying (backoff capped at W/5, 4-30 s) until each
//              holds a verified receipt; W + give_up_after is the limit
// then the final bulletin, the truth check and the public verifier.
#include "sim/demo.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <csignal>
#include <filesystem>
#include <optional>
#include <thread>

#include "center/center.h"
#include "center/web_root.h"
#include "core/file.h"
#include "log/checkpoint.h"
#include "sim/attack.h"
#include "sim/demo_audit.h"
#include "sim/demo_display.h"
#include "sim/demo_monitor.h"
#include "sim/demo_setup.h"
#include "sim/demo_sites.h"
#include "sim/demo_token.h"
#include "sim/fleet.h"
#include "sim/shaping_proxy.h"
#include "sim/synth.h"

namespace acta::sim {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;
using std::chrono::seconds;
using SteadyClock = std::chrono::steady_clock;

double Seconds(SteadyClock::duration d) { return std::chrono::duration<double>(d).count(); }

}  // namespace

using demo_internal::CenterRunner;
using demo_internal::CenterStore;
using demo_internal::CheckpointsSeen;
using demo_internal::DeliveryPercentiles;
using demo_internal::kLinkMix;
using demo_internal::MakePlans;
using demo_internal::PeakRssKb;
using demo_internal::Percentiles;
using demo_internal::RaiseFileLimit;
using demo_internal::SitesCluster;
using demo_internal::StateOfTables;
using demo_internal::SummaryJson;
using demo_internal::VerifyPublished;

Result<DemoSummary> RunDemo(const DemoOptions& o) {
  const auto run_start = SteadyClock::now();
  FILE* out = o.json ? stderr : stdout;
  const bool tty = isatty(STDERR_FILENO) != 0;
  DemoSummary summary;
  summary.tables = o.tables;
  RaiseFileLimit();
  if (o.serve) {
    // Taken synchronously at the end; every thread inherits the mask.
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  }

  // Checked before any work, so a wrong --web-root fails at once.
  auto web_root = center::FindWebRoot(o.web_root);
  if (!web_root) return std::unexpected(web_root.error());
  const bool sites = o.sites > 1;
  std::string ha_script;
  if (o.sites != 1 && o.sites != 3)
    return MakeError(ErrorCode::kInvalidArgument, "--sites must be 1 or 3");
  if (sites && (o.center_restart || o.attack || o.serve || o.token)) {
    return MakeError(
        ErrorCode::kInvalidArgument,
        "--sites 3 does not combine with --center-restart, --attack, --serve or --token");
  }
  if (sites) {
    ACTA_RETURN_IF_ERROR(demo_internal::CheckHaPackages());
    auto found = demo_internal::FindHaScript(o.ha_script);
    if (!found) return std::unexpected(found.error());
    ha_script = *found;
  }

  // Work directory.
  std::string workdir = o.workdir;
  const bool own_workdir = workdir.empty();
  if (own_workdir) {
    std::string tmpl = (fs::temp_directory_path() / "acta-demo-XXXXXX").string();
    if (mkdtemp(tmpl.data()) == nullptr)
      return MakeError(ErrorCode::kIo, "cannot create a work directory in /tmp");
    workdir = tmpl;
  }
  const std::string election_dir = (fs::path(workdir) / "election").string();
  fmt::print(out, "acta demo: {} tables, seed {}, work directory {}\n", Thousands(o.tables), o.seed,
             workdir);

  // 1. The election.
  SynthOptions so;
  so.tables = o.tables;
  so.seed = o.seed;
  so.threads = 2;
  so.centers = sites ? 3 : 1;  // a key per site
  // One witness per party of the three largest; readers require two.
  so.witnesses = 3;
  so.witness_quorum = 2;
  auto synth = SynthesizeElection(so, [&](std::string_view stage, uint64_t done, uint64_t total) {
    if (tty)
      fmt::print(stderr, "\r  synthesizing: {} {}/{}   ", stage, Thousands(done), Thousands(total));
  });
  if (tty) fmt::print(stderr, "\r\033[K");
  if (!synth) return std::unexpected(synth.error());
  ACTA_RETURN_IF_ERROR(WriteElectionDir(election_dir, *synth));
  const Manifest& manifest = synth->election.manifest;
  const TableKeys keys(synth->election.table_seeds);
  const Truth truth(manifest, synth->election.truth);
  summary.synth_seconds = Seconds(SteadyClock::now() - run_start);
  {
    uint64_t registered = 0;
    for (const auto& t : manifest.tables) registered += t.registered;
    size_t centers = 0;
    for (const auto& r : manifest.regions) centers += r.level == RegionLevel::kVotingCenter;
    fmt::print(out, "election {}: {} tables in {} voting centers, {} registered voters ({:.1f}s)\n",
               HexEncode(manifest.election_id).substr(0, 16), Thousands(manifest.tables.size()),
               Thousands(centers), Thousands(registered), summary.synth_seconds);
  }

  // 2. The witnesses (one per party) and the centers: one on SQLite, or one
  // per site on the replicated store.
  SystemClock witness_clock;
  std::map<std::string, std::string> witness_urls;
  auto witnesses =
      demo_internal::StartWitnesses(synth->election, workdir, witness_clock, witness_urls);
  if (!witnesses) return std::unexpected(witnesses.error());
  for (const auto& w : manifest.witnesses) {
    fmt::print(out, "witness of {}: {}\n", w.name, witness_urls[w.name]);
  }
  std::unique_ptr<SitesCluster> cluster;
  std::vector<std::unique_ptr<CenterRunner>> centers;
  demo_internal::DemoToken demo_token;
  if (sites) {
    fmt::print(out,
               "{}three sites: etcd + Patroni + PostgreSQL 15 each, synchronous replication "
               "({})...\n",
               o.ha_dir.empty() ? "starting " : "using ", ha_script);
    std::fflush(out);
    const auto up_start = SteadyClock::now();
    auto opened = SitesCluster::Open(ha_script, o.ha_dir);
    if (!opened) return std::unexpected(opened.error());
    cluster = std::move(*opened);
    fmt::print(out, "{}\n  ready in {:.1f}s; store {}\n", cluster->StatusLines(),
               Seconds(SteadyClock::now() - up_start), cluster->db_url());
    for (int i = 0; i < o.sites; ++i) {
      CenterStore cs;
      cs.db_url = cluster->db_url();
      cs.key_file = (fs::path(election_dir) / "secrets" /
                     (i == 0 ? std::string("center.key") : fmt::format("center-{}.key", i + 1)))
                        .string();
      cs.db.require_sync_standby = true;
      cs.db.answer_timeout_ms = 5000;
      cs.share_of_connections = o.sites;
      centers.push_back(std::make_unique<CenterRunner>(election_dir, workdir, *web_root, cs));
    }
  } else {
    CenterStore cs;
    if (o.token) {
      auto moved = demo_internal::MoveCenterKeyToToken(
          (fs::path(election_dir) / "secrets" / "center.key").string(), workdir);
      if (!moved) return std::unexpected(moved.error());
      demo_token = std::move(*moved);
      cs.key_file = demo_token.uri;
      cs.pin_file = demo_token.pin_file;
      fmt::print(out, "center key moved into a SoftHSM2 token (key file deleted): {}\n",
                 demo_token.uri);
    }
    centers.push_back(std::make_unique<CenterRunner>(election_dir, workdir, *web_root, cs));
  }
  for (size_t i = 0; i < centers.size(); ++i) {
    centers[i]->SetWitnessUrls(witness_urls);
    ACTA_RETURN_IF_ERROR(centers[i]->Start());
    fmt::print(out, "{}: ingest {}  public {}\n",
               sites ? fmt::format("center of site {} (--require-sync-standby)", i + 1)
                     : std::string("center on SQLite"),
               centers[i]->ingest_url(), centers[i]->public_url());
  }
  // The first center still running (a dark site's is gone).
  auto live = [&centers]() -> CenterRunner& {
    for (auto& c : centers) {
      if (c->get() != nullptr) return *c;
    }
    return *centers.front();
  };
  CenterRunner& center = *centers.front();

  // 3. The network.
  std::vector<int32_t> state_regions;
  const std::vector<uint32_t> table_state = StateOfTables(manifest, state_regions);
  const auto profiles = StandardProfiles();
  std::vector<std::string> link_names;
  for (const auto& p : profiles) link_names.push_back(p.name);
  // One emulated network per center: a terminal reaches every site through
  // its own access point.
  std::vector<std::unique_ptr<ShapingProxy>> proxies;
  for (size_t c = 0; o.emulation && c < centers.size(); ++c) {
    ProxyOptions po;
    for (size_t s = 0; s < std::max<size_t>(state_regions.size(), 1); ++s) {
      for (const auto& p : profiles)
        po.access_points.push_back(AccessPoint{p, static_cast<uint32_t>(s)});
    }
    po.upstream_port = centers[c]->get()->ingest_port();
    po.seed = o.seed + c;
    auto started = ShapingProxy::Start(std::move(po));
    if (!started) return std::unexpected(started.error());
    proxies.push_back(std::move(*started));
    if (o.lossy) proxies.back()->SetExtraLoss(0.05, 0.05);
  }
  ShapingProxy* proxy = proxies.empty() ? nullptr : proxies.front().get();
  int32_t blackout = -1;
  if (o.blackout_state != "none" && !state_regions.empty()) {
    if (o.blackout_state == "auto") {
      blackout = static_cast<int32_t>(SeededRandom(o.seed).Fork(11).Uniform(state_regions.size()));
    } else {
      for (size_t s = 0; s < state_regions.size(); ++s) {
        if (manifest.regions[state_regions[s]].code == o.blackout_state)
          blackout = static_cast<int32_t>(s);
      }
      if (blackout < 0) {
        return MakeError(ErrorCode::kInvalidArgument,
                         "--blackout-state: no state with code " + o.blackout_state);
      }
    }
    if (!o.emulation) {
      fmt::print(out,
                 "note: the blackout is an event of the emulated network; --no-emulation runs "
                 "without it\n");
      blackout = -1;
    }
  }

  // 4. The terminals.
  const milliseconds window =
      o.window.count() > 0 ? o.window : milliseconds(std::max<int64_t>(20'000, o.tables * 2 / 3));
  const std::vector<TerminalPlan> plans = MakePlans(table_state, window, o.seed);
  uint64_t blackout_tables = 0;
  for (const auto& p : plans)
    blackout_tables += blackout >= 0 && p.group == static_cast<uint32_t>(blackout);
  FleetOptions fo;
  // The HTTP client blocks for a whole exchange (a second on dial-up), so
  // the pool bounds the exchanges in flight: ~1,500 closes/s x ~0.4 s.
  fo.workers = o.workers > 0 ? o.workers : std::min<size_t>(o.tables, 1024);
  fo.link_names = link_names;
  // Backoff in compressed time: 4 s cap for the 20 s window, longer for
  // longer windows (a long blackout otherwise becomes a retry storm), never
  // above 30 s.
  fo.transmitter.backoff = terminal::BackoffPolicy{
      milliseconds(250), std::clamp(window / 5, milliseconds(4'000), milliseconds(30'000)),
      milliseconds(10)};
  fo.seed = o.seed;
  fo.closing_time_scale =
      static_cast<double>(manifest.polls_close_not_after - manifest.polls_close_not_before) /
      (static_cast<double>(window.count()) / 1000.0);
  std::vector<std::string> direct_urls;
  for (const auto& c : centers) direct_urls.push_back(c->ingest_url());
  std::vector<const ShapingProxy*> proxy_ptrs;
  for (const auto& p : proxies) proxy_ptrs.push_back(p.get());
  const size_t nprofiles = profiles.size();
  // Every terminal knows every site; tables start at different sites so
  // the load is shared, and a terminal whose site is dark tries the next.
  fo.urls = [&plans, proxy_ptrs, direct_urls, nprofiles](size_t i) -> std::vector<std::string> {
    std::vector<std::string> urls;
    const size_t n = direct_urls.size();
    for (size_t k = 0; k < n; ++k) {
      const size_t c = (i + k) % n;
      urls.push_back(proxy_ptrs.empty()
                         ? direct_urls[c]
                         : "http://127.0.0.1:" + std::to_string(proxy_ptrs[c]->port(
                                                     plans[i].group * nprofiles + plans[i].link)));
    }
    return urls;
  };
  fo.keep_receipts = sites;
  Fleet fleet(manifest, keys, truth, synth->election.transport_master, plans, fo);
  fmt::print(out,
             "terminals: {} closing over {:.0f}s through {} ({} worker threads); link mix dialup "
             "{:.0f}% gsm {:.0f}% "
             "satellite {:.0f}% metro {:.0f}%\n",
             Thousands(plans.size()), window.count() / 1000.0,
             o.emulation ? "the emulated network" : "loopback without emulation", fo.workers,
             kLinkMix[0] * 100, kLinkMix[1] * 100, kLinkMix[2] * 100, kLinkMix[3] * 100);
  if (blackout >= 0) {
    fmt::print(out, "scenario: blackout of {} ({}, {} tables) from {:.1f}s to {:.1f}s\n",
               manifest.regions[state_regions[blackout]].code,
               manifest.regions[state_regions[blackout]].name, Thousands(blackout_tables),
               window.count() * 0.25 / 1000, window.count() * 0.60 / 1000);
  }
  if (o.center_restart) {
    fmt::print(out, "scenario: the center stops at {:.1f}s and is back 2 s later\n",
               window.count() * 0.5 / 1000);
  }
  if (o.lossy)
    fmt::print(out, "scenario: lossy national network (+5% chunk loss, +5% cut connections)\n");
  if (sites) {
    fmt::print(out,
               "scenario: at {:.1f}s the primary's site goes dark (its etcd member, Patroni, "
               "PostgreSQL and center, all at once)\n",
               window.count() * 0.4 / 1000);
  }
  std::optional<AttackOptions> attack;
  if (o.attack) {
    auto material = LoadAttackMaterial(election_dir);
    if (!material) return std::unexpected(material.error());
    // No replays of truth actas and no conflicts: those would race the
    // terminals with validly signed actas and turn tables into real
    // conflicts; the flood is junk, garbage, bad MACs, forgeries, oversized
    // bodies, slowloris and connection storms.
    material->replay_actas.clear();
    material->table_seeds.clear();
    attack.emplace();
    attack->target = center.ingest_url();
    attack->mode = AttackMode::kMix;
    attack->rate = o.attack_rate;
    attack->concurrency = 64;
    attack->duration = window;
    attack->count = 1'000'000'000;
    attack->material = std::make_shared<const AttackMaterial>(std::move(*material));
    attack->seed = o.seed;
    fmt::print(out,
               "scenario: attack (mix of junk, garbage, bad MACs, forgeries, oversized, slowloris, "
               "storms) at {} requests/s on the ingest listener during the window\n",
               Thousands(static_cast<uint64_t>(o.attack_rate)));
  }
  std::fflush(out);

  // 5. Run, with an observers' monitor following the public log.
  std::optional<DemoMonitor> monitor;
  size_t monitored = 0;  // the center the monitor follows: not the primary's site's
  if (sites) {
    auto primary = cluster->Primary();
    if (!primary) return std::unexpected(primary.error());
    monitored = static_cast<size_t>(*primary) % centers.size();
  }
  if (o.monitor) {
    DemoMonitorWitnesses asked{log::LogOrigin(manifest.election_id), manifest.witnesses};
    for (auto& w : asked.witnesses) w.url = witness_urls[w.name];
    monitor.emplace(centers[monitored]->public_url(), (fs::path(workdir) / "monitor").string(),
                    std::move(asked));
  }
  CheckpointsSeen seen;
  int64_t site_down_ms = -1;  // after t0
  fleet.Start();
  std::stop_source stop_attack;
  std::optional<Result<AttackReport>> attack_result;
  std::thread attacker;
  if (attack) {
    attack->stop = stop_attack.get_token();
    attacker = std::thread([&] { attack_result = RunAttack(*attack); });
  }
  const auto t0 = fleet.start_time();
  enum class Event { kBlackoutOn, kSiteDown, kCenterStop, kCenterStart, kBlackoutOff };
  std::vector<std::pair<milliseconds, Event>> events;
  if (blackout >= 0) {
    events.push_back({milliseconds(window.count() / 4), Event::kBlackoutOn});
    events.push_back({milliseconds(window.count() * 6 / 10), Event::kBlackoutOff});
  }
  if (sites) events.push_back({milliseconds(window.count() * 4 / 10), Event::kSiteDown});
  if (o.center_restart) {
    events.push_back({milliseconds(window.count() / 2), Event::kCenterStop});
    events.push_back({milliseconds(window.count() / 2 + 2'000), Event::kCenterStart});
  }
  std::sort(events.begin(), events.end());
  size_t next_event = 0;
  auto last_status = t0, last_bulletin = t0, rate_at = t0;
  uint64_t rate_delivered = 0;
  double rate = 0;
  uint64_t counted = 0;
  const auto give_up = t0 + window + o.give_up_after;
  auto read_counted = [&](bool print_bulletin, double elapsed) {
    if (center::Center* c = live().get()) {
      c->log_state().Read(
          [&](const tally::Tally& tally, const std::optional<center::PublishedCheckpoint>& cp) {
            counted = tally.Totals(0).tables_counted;
            if (print_bulletin) {
              if (tty) fmt::print(stderr, "\r\033[K");
              fmt::print(out, "{}", BulletinTable(tally, cp ? cp->stored.size : 0, elapsed));
              std::fflush(out);
            }
          });
    }
  };
  while (true) {
    const bool done = fleet.WaitFor(milliseconds(100));
    const auto now = SteadyClock::now();
    const double elapsed = Seconds(now - t0);
    while (next_event < events.size() && now - t0 >= events[next_event].first) {
      const Event e = events[next_event++].second;
      if (tty) fmt::print(stderr, "\r\033[K");
      switch (e) {
        case Event::kBlackoutOn:
          for (auto& p : proxies) p->SetGroupDown(static_cast<uint32_t>(blackout), true);
          fmt::print(out, "{:6.1f}s  BLACKOUT: {} goes dark\n", elapsed,
                     manifest.regions[state_regions[blackout]].code);
          break;
        case Event::kBlackoutOff:
          for (auto& p : proxies) p->SetGroupDown(static_cast<uint32_t>(blackout), false);
          fmt::print(out, "{:6.1f}s  power is back in {}\n", elapsed,
                     manifest.regions[state_regions[blackout]].code);
          break;
        case Event::kSiteDown: {
          // The database side is killed first (kill -9, as a power cut);
          // the site's center goes in the same instant.
          for (auto& c : centers) {
            if (c->get() != nullptr) seen.Poll(*c->get(), now);
          }
          auto dark = cluster->BlackoutPrimary();
          if (!dark) return std::unexpected(dark.error());
          // The fault is when the script killed, which can be seconds
          // before it returned on a loaded host.
          const int64_t late_ms = std::chrono::duration_cast<milliseconds>(
                                      std::chrono::system_clock::now().time_since_epoch())
                                      .count() -
                                  static_cast<int64_t>(dark->unix_ms);
          const auto dark_at = SteadyClock::now() - milliseconds(std::max<int64_t>(late_ms, 0));
          centers[dark->site - 1]->Stop();
          seen.MarkFault(dark_at, dark->unix_ms);
          site_down_ms = std::chrono::duration_cast<milliseconds>(dark_at - t0).count();
          summary.site_down = dark->site;
          fmt::print(out,
                     "{:6.1f}s  SITE {} WENT DARK at {:.1f}s: its etcd member, Patroni, "
                     "PostgreSQL (the primary) and center, all at once\n",
                     Seconds(SteadyClock::now() - t0), dark->site, Seconds(dark_at - t0));
          break;
        }
        case Event::kCenterStop:
          fmt::print(out, "{:6.1f}s  CENTER DOWN (stopping)\n", elapsed);
          std::fflush(out);
          center.Stop();
          break;
        case Event::kCenterStart:
          if (auto st = center.Start(); !st) return std::unexpected(st.error());
          if (proxy) proxy->SetUpstreamPort(center.get()->ingest_port());
          fmt::print(out, "{:6.1f}s  center back up (recovered from its store)\n",
                     Seconds(SteadyClock::now() - t0));
          break;
      }
      std::fflush(out);
    }
    if (sites) {
      const bool grew = seen.grew_after_fault_s().has_value();
      for (auto& c : centers) {
        if (c->get() != nullptr) seen.Poll(*c->get(), now);
      }
      if (!grew && seen.grew_after_fault_s()) {
        if (tty) fmt::print(stderr, "\r\033[K");
        auto primary = cluster->Primary();
        fmt::print(out,
                   "{:6.1f}s  the log grows again, {:.1f}s after the blackout (new primary: "
                   "site {})\n",
                   elapsed, *seen.grew_after_fault_s(),
                   primary ? std::to_string(*primary) : std::string("?"));
        std::fflush(out);
      }
    }
    const FleetSnapshot snap = fleet.Snapshot();
    if (now - rate_at >= seconds(1)) {
      rate = static_cast<double>(snap.delivered - rate_delivered) / Seconds(now - rate_at);
      rate_delivered = snap.delivered;
      rate_at = now;
    }
    const bool bulletin = now - last_bulletin >= o.bulletin_every;
    if (bulletin || now - last_status >= (tty ? milliseconds(250) : milliseconds(2'000)) || done) {
      read_counted(bulletin, elapsed);
      if (bulletin) last_bulletin = now;
      const std::string line = StatusLine(snap, elapsed, rate, counted, link_names);
      if (tty) {
        fmt::print(stderr, "\r\033[K{}", line.substr(0, 200));
      } else {
        fmt::print(stderr, "{}\n", line);
      }
      std::fflush(stderr);
      last_status = now;
    }
    if (done || now >= give_up) break;
  }
  if (tty) fmt::print(stderr, "\n");
  fleet.Stop();
  if (attacker.joinable()) {
    stop_attack.request_stop();
    attacker.join();
    if (attack_result && *attack_result) {
      fmt::print(out, "\n== Attack ==\n{}", FormatAttackReport(**attack_result));
    } else if (attack_result) {
      fmt::print(out, "attack failed: {}\n", attack_result->error().ToString());
    }
  }
  while (next_event < events.size()) {  // a center stopped near the end comes back for the checks
    if (events[next_event++].second == Event::kCenterStart && !center.get()) {
      if (auto st = center.Start(); !st) return std::unexpected(st.error());
    }
  }
  for (auto& p : proxies) p->Stop();
  const FleetSnapshot snap = fleet.Snapshot();
  summary.delivered = snap.delivered;
  summary.attempts = snap.attempts;
  summary.retries = snap.retries;
  const Percentiles pct = DeliveryPercentiles(fleet.DeliveryTimes(), o.tables);
  summary.p90_seconds = pct.p90;
  summary.p99_seconds = pct.p99;
  summary.p100_seconds = pct.p100;
  summary.send_seconds = Seconds(SteadyClock::now() - t0);
  for (const auto& f : fleet.Failures()) fmt::print(stderr, "terminal failure: {}\n", f);

  // 6. Everything delivered must be counted: wait for the last checkpoint.
  const auto count_deadline = SteadyClock::now() + seconds(15);
  while (true) {
    read_counted(false, 0);
    if (counted >= snap.delivered || SteadyClock::now() >= count_deadline) break;
    std::this_thread::sleep_for(milliseconds(50));
  }
  TruthCheck truth_check;
  live().get()->log_state().Read([&](const tally::Tally& tally,
                                     const std::optional<center::PublishedCheckpoint>& cp) {
    fmt::print(out, "{}",
               BulletinTable(tally, cp ? cp->stored.size : 0, Seconds(SteadyClock::now() - t0)));
    truth_check = CheckAgainstTruth(tally, truth);
  });
  summary.counted = truth_check.counted;
  summary.truth_mismatches = truth_check.mismatches + (truth_check.totals_equal ? 0 : 1);
  fmt::print(out,
             "\nreceipts: {}/{} terminals hold a verified receipt ({} attempts, {} retries, {} "
             "conflicts)\n",
             Thousands(snap.delivered), Thousands(snap.tables), Thousands(snap.attempts),
             Thousands(snap.retries), Thousands(snap.conflicts));
  for (size_t i = 0; i < snap.links.size() && i < link_names.size(); ++i) {
    const auto& l = snap.links[i];
    fmt::print(out, "  {:<10} {:>9} tables  {:>9} delivered  {:>9} attempts  {:>8} retries\n",
               link_names[i], Thousands(l.tables), Thousands(l.delivered), Thousands(l.attempts),
               Thousands(l.failed_attempts));
  }
  if (!proxies.empty()) {
    ProxyStats ps;
    for (const auto& p : proxies) {
      const ProxyStats one = p->stats();
      ps.connections += one.connections;
      ps.refused += one.refused;
      ps.cut += one.cut;
      ps.stalls += one.stalls;
      ps.upstream_failures += one.upstream_failures;
    }
    fmt::print(out,
               "network: {} connections, {} refused by the blackout, {} cut, {} loss stalls, {} "
               "upstream failures\n",
               Thousands(ps.connections), Thousands(ps.refused), Thousands(ps.cut),
               Thousands(ps.stalls), Thousands(ps.upstream_failures));
  }
  fmt::print(out, "time to receipts (from the first close): 90% {:.1f}s  99% {:.1f}s  100% {}\n",
             pct.p90, pct.p99,
             pct.p100 < 0 ? std::string("never") : fmt::format("{:.1f}s", pct.p100));
  fmt::print(out,
             "truth check: {}/{} tables counted, {} differ from the truth, country totals {}\n",
             Thousands(truth_check.counted), Thousands(o.tables), Thousands(truth_check.mismatches),
             truth_check.totals_equal ? "equal the truth" : "DIFFER from the truth");
  for (const auto& e : truth_check.examples) fmt::print(out, "  {}\n", e);
  std::fflush(out);

  // The monitor catches up with the final checkpoint and says what it saw.
  if (monitor) {
    uint64_t final_size = 0;
    if (center::Center* c = live().get()) {
      if (auto cp = c->log_state().latest()) final_size = cp->stored.size;
    }
    const DemoMonitorReport m = monitor->Finish(final_size, std::chrono::seconds(30));
    summary.monitor_ran = m.ran;
    summary.monitor_checkpoints = m.checkpoints;
    summary.monitor_alarms = m.alarms;
    summary.monitor_conflicts = m.conflicts;
    summary.monitor_lag_p50_ms = m.lag_p50_ms;
    summary.monitor_lag_p99_ms = m.lag_p99_ms;
    summary.monitor_cpu_seconds = m.cpu_seconds;
    if (!m.ran) {
      fmt::print(out, "monitor: did not start: {}\n", m.error);
    } else {
      fmt::print(out,
                 "monitor: followed the log to {} entries ({} checkpoints, {} bulletins compared) "
                 "with lag p50 {:.0f} ms p99 {:.0f} ms max {:.0f} ms, {:.2f} s CPU ({:.0f} us per "
                 "acta); {} alarms, {} conflicts, {} polls unanswered\n",
                 Thousands(m.size), Thousands(m.checkpoints), Thousands(m.bulletins), m.lag_p50_ms,
                 m.lag_p99_ms, m.lag_max_ms, m.cpu_seconds,
                 m.entries > 0 ? m.cpu_seconds * 1e6 / static_cast<double>(m.entries) : 0.0,
                 Thousands(m.alarms), Thousands(m.conflicts), Thousands(m.unavailable));
      for (const auto& line : m.alarm_lines) fmt::print(out, "  ALARM {}\n", line);
      if (!m.witness_lines.empty()) {
        fmt::print(out, "  {} checkpoints seen with the witness quorum; asked at their URLs: {}\n",
                   Thousands(m.cosigned), fmt::join(m.witness_lines, "; "));
      }
      if (m.size < final_size)
        fmt::print(out, "  the monitor was still {} entries behind after 30 s\n",
                   Thousands(final_size - m.size));
    }
    std::fflush(out);
  }

  // 7. The public verifier, from the outside: fetch everything the center
  // publishes and recompute it.
  // With three sites, every checkpoint seen during the night is its
  // remembered state, and every receipt is looked up in the log.
  if (o.verify) {
    const auto vstart = SteadyClock::now();
    summary.verify_ran = true;
    // Cosignatures follow the last checkpoint by a round trip per witness.
    if (live().get() != nullptr &&
        !demo_internal::WaitForQuorum(*live().get(), std::chrono::seconds(20))) {
      fmt::print(out, "witnesses: the latest checkpoint did not reach the quorum in 20 s\n");
    }
    if (sites) {
      const demo_internal::SitesCheck sc = demo_internal::CheckSites(
          live().public_url(), cluster->db_url(), manifest, seen, fleet.ReceiptLeaves(), out);
      summary.verified = sc.verified;
      summary.sites_checked = sc.ran;
      summary.receipts_missing = sc.receipts_missing;
      summary.checkpoints_seen = sc.checkpoints;
      summary.forks = sc.forks;
    } else {
      summary.verified = VerifyPublished(center.public_url(), manifest, out).ok;
    }
    summary.verify_seconds = Seconds(SteadyClock::now() - vstart);
  }
  if (sites) {
    summary.sites_ran = true;
    if (site_down_ms >= 0) {
      summary.ingest_resumed_seconds =
          demo_internal::IngestResumedSeconds(plans, fleet.DeliveryTimes(), site_down_ms);
    }
    if (auto grew = seen.grew_after_fault_s()) summary.log_grew_seconds = *grew;
    fmt::print(out, "{}", demo_internal::SitesReport(summary));
  }

  // The token-signed checkpoint, for any signed-note verifier (tests/token
  // checks it with Python's cryptography package).
  if (o.token && center.get() != nullptr) {
    if (auto cp = center.get()->log_state().latest()) {
      const std::string note_path = (fs::path(workdir) / "checkpoint").string();
      const std::string vkey_path = (fs::path(workdir) / "center.vkey").string();
      auto st = WriteFileAtomic(note_path, std::string_view(cp->stored.note));
      if (st) st = WriteFileAtomic(vkey_path, manifest.centers.front().ToString() + "\n");
      if (!st) return std::unexpected(st.error());
      fmt::print(out, "checkpoint signed in the token (size {}): {}, center vkey {}\n",
                 cp->stored.size, note_path, vkey_path);
    }
  }

  // 8. The risk-limiting audit of the paper against the log.
  if (o.audit) {
    summary.audit_ran = true;
    auto audit = RunDemoAudit(live().public_url(), manifest, truth, o.seed, o.paper_errors,
                              (fs::path(workdir) / "audits").string(), out);
    if (audit) {
      summary.audit_status = audit->status;
      summary.audit_rounds = audit->rounds;
      summary.audit_verified = audit->verified;
      summary.audit_published = audit->published;
    } else {
      fmt::print(out, "audit failed: {}\n", audit.error().ToString());
    }
  }

  summary.wall_seconds = Seconds(SteadyClock::now() - run_start);
  summary.peak_rss_kb = PeakRssKb();
  fmt::print(out,
             "\n{}: {} tables, {}/{} receipts, {}/{} counted and equal to the truth{}; {:.1f}s "
             "wall, peak RSS {} MB\n",
             summary.ok() ? "DEMO OK" : "DEMO FAILED", Thousands(o.tables),
             Thousands(summary.delivered), Thousands(o.tables),
             Thousands(summary.counted - std::min(summary.counted, truth_check.mismatches)),
             Thousands(o.tables),
             std::string(summary.verify_ran ? (summary.verified ? ", public verification passed"
                                                                : ", PUBLIC VERIFICATION FAILED")
                                            : "") +
                 (summary.sites_checked ? (summary.receipts_missing == 0 && summary.forks == 0
                                               ? ", no receipted acta lost, no fork"
                                               : ", RECEIPTED ACTAS LOST OR LOG FORKED")
                                        : "") +
                 (summary.monitor_ran ? (summary.monitor_alarms == 0 ? ", monitor raised no alarm"
                                                                     : ", MONITOR RAISED ALARMS")
                                      : ""),
             summary.wall_seconds, summary.peak_rss_kb / 1024);
  std::fflush(out);
  if (o.json) {
    fmt::print(stdout, "{}\n", SummaryJson(summary, o.emulation, window));
    std::fflush(stdout);
  }

  if (o.serve) {
    fmt::print(
        out, "\nserving: ingest {}  public {}  ({} on the public URL; Ctrl-C stops)\n",
        center.ingest_url(), center.public_url(),
        web_root->empty() ? "API only, no dashboard found (--web-root)" : "dashboard and API");
    std::fflush(out);
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    int sig = 0;
    sigwait(&signals, &sig);
  }
  for (auto& c : centers) c->Stop();
  if (cluster && !cluster->own() && summary.site_down > 0) {
    // A cluster we were lent goes back as we found it.
    const auto rstart = SteadyClock::now();
    if (auto st = cluster->Restore(summary.site_down, seconds(180)); !st) {
      fmt::print(out, "site {} could not be restored: {}\n", summary.site_down,
                 st.error().ToString());
    } else {
      fmt::print(out,
                 "site {}: etcd and Patroni started again, the cluster has a synchronous standby "
                 "({:.1f}s)\n",
                 summary.site_down, Seconds(SteadyClock::now() - rstart));
    }
  }
  cluster.reset();  // takes down a cluster it brought up
  if (own_workdir && !o.keep_workdir && !o.serve) {
    std::error_code ec;
    fs::remove_all(workdir, ec);
  }
  return summary;
}

}  // namespace acta::sim
