#include "conformance/runner/suite.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <regex>
#include <thread>
#include <unistd.h>

#include "conformance/lib/check.h"
#include "conformance/lib/context.h"
#include "conformance/runner/brokers.h"
#include "conformance/runner/junit.h"
#include "conformance/runner/report.h"

namespace quiver::conformance {
namespace {

constexpr std::string_view kSuiteName = "conformance";

// How long past its timeout a case may run before the watchdog gives up on it. Cases wait
// through lib/, which honours the deadline, so this only fires for a case stuck elsewhere.
constexpr std::chrono::seconds kHangGrace{5};

std::string make_work_dir(const Options& options) {
  if (!options.work_dir.empty()) {
    std::filesystem::create_directories(options.work_dir);
    return options.work_dir;
  }
  const char* base = std::getenv("TEST_TMPDIR");
  if (base == nullptr || *base == '\0') base = std::getenv("TMPDIR");
  if (base == nullptr || *base == '\0') base = "/tmp";
  std::string pattern = std::string(base) + "/conformance.XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr) return "";
  return pattern;
}

bool write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  return static_cast<bool>(out);
}

// Results shared with the watchdog thread.
struct RunState {
  std::mutex mu;
  std::vector<CaseResult> results;
  const Case* current = nullptr;
  Clock::time_point current_deadline{};
  bool done = false;
  std::condition_variable cv;
};

void finish_report(const Options& options, const std::vector<CaseResult>& results, double seconds,
                   std::ostream& out) {
  if (!options.junit_path.empty()) {
    if (!write_file(options.junit_path, junit_xml(results, kSuiteName, seconds))) {
      out << "# cannot write JUnit report to " << options.junit_path << "\n";
    }
  }
  out << format_summary(count(results)) << '\n' << std::flush;
}

CaseResult run_one(const Case& c, const Target& target, const Options& options,
                   Clock::time_point deadline) {
  CaseResult result{c.area, c.name, Outcome::kPass, "", {}};
  if (auto unmet = unmet_requirement(c.needs, target)) {
    result.outcome = Outcome::kSkip;
    result.reason = *unmet;
    return result;
  }
  Timing timing;
  timing.wait = options.wait;
  timing.quiet = options.quiet;
  timing.deadline = deadline;
  CaseContext ctx(target, timing);
  try {
    c.body(ctx);
  } catch (const CaseFailure& e) {
    result.outcome = Outcome::kFail;
    result.reason = e.what();
  } catch (const CaseSkip& e) {
    result.outcome = Outcome::kSkip;
    result.reason = e.what();
  } catch (const std::exception& e) {
    result.outcome = Outcome::kFail;
    result.reason = std::string("unexpected exception: ") + e.what();
  }
  return result;
}

}  // namespace

std::vector<const Case*> select_cases(const Registry& registry, const Options& options,
                                      std::string& error) {
  const std::vector<std::string> areas = registry.areas();
  for (const std::string& area : options.only) {
    if (std::find(areas.begin(), areas.end(), area) == areas.end()) {
      std::string known;
      for (const std::string& a : areas) known += (known.empty() ? "" : ", ") + a;
      error = "--only: unknown area \"" + area + "\" (areas: " + known + ")";
      return {};
    }
  }
  std::optional<std::regex> pattern;
  if (!options.case_regex.empty()) pattern.emplace(options.case_regex);
  std::vector<const Case*> out;
  for (const Case& c : registry.cases()) {
    if (!options.only.empty() &&
        std::find(options.only.begin(), options.only.end(), c.area) == options.only.end()) {
      continue;
    }
    if (pattern && !std::regex_search(c.full_name(), *pattern)) continue;
    out.push_back(&c);
  }
  return out;
}

void print_case_list(const std::vector<const Case*>& cases, std::ostream& out) {
  std::size_t width = 0;
  for (const Case* c : cases) width = std::max(width, c->full_name().size());
  for (const Case* c : cases) {
    const std::string name = c->full_name();
    out << name << std::string(width + 2 - name.size(), ' ') << c->description << "\n";
  }
  out << cases.size() << " cases\n";
}

int run_suite(const Options& options, const std::vector<const Case*>& cases, std::ostream& out) {
  const auto suite_start = Clock::now();
  const std::string work_dir = make_work_dir(options);
  if (work_dir.empty()) {
    out << "conformance: cannot create a work directory\n";
    return 2;
  }
  Timing timing;
  timing.wait = options.wait;
  timing.quiet = options.quiet;
  Brokers brokers(options, work_dir, timing);

  // The last case of each broker group, so a broker is stopped as soon as nothing needs it.
  std::map<std::string, std::size_t> last_use;
  for (std::size_t i = 0; i < cases.size(); ++i) last_use[Brokers::group_key(*cases[i])] = i;

  RunState state;
  // The watchdog: a case that neither returns nor honours its deadline would hang the suite.
  // It reports what it has and exits; the brokers are killed by PID.
  std::thread watchdog([&] {
    std::unique_lock lock(state.mu);
    while (!state.done) {
      state.cv.wait_for(lock, std::chrono::milliseconds(200));
      if (state.done || state.current == nullptr) continue;
      if (Clock::now() < state.current_deadline + kHangGrace) continue;
      CaseResult hung{
          state.current->area, state.current->name, Outcome::kFail,
          "hung: still running " + std::to_string(kHangGrace.count()) + " s after the case timeout",
          Clock::now() - (state.current_deadline - options.case_timeout)};
      out << format_result_line(hung) << '\n' << std::flush;
      state.results.push_back(hung);
      kill_all_servers_now();
      finish_report(options, state.results,
                    std::chrono::duration<double>(Clock::now() - suite_start).count(), out);
      out.flush();
      std::_Exit(1);
    }
  });

  int exit_code = 0;
  std::string printed_main;
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const Case& c = *cases[i];
    const auto start = Clock::now();
    CaseResult result{c.area, c.name, Outcome::kPass, "", {}};
    const Brokers::Acquired acquired = brokers.acquire(c);
    if (acquired.main_failed) {
      // Without the main broker no case can say anything about it: stop here.
      out << "conformance: " << acquired.error << '\n' << std::flush;
      exit_code = 2;
      break;
    }
    if (!acquired.error.empty()) {
      result.outcome = Outcome::kFail;
      result.reason = acquired.error;
    } else if (!acquired.skip_reason.empty()) {
      result.outcome = Outcome::kSkip;
      result.reason = acquired.skip_reason;
    } else {
      const std::string key = Brokers::group_key(c);
      if (key == "main" && printed_main.empty()) {
        printed_main = brokers.describe("main");
        out << "# target: " << printed_main << '\n' << std::flush;
      }
      // The time limit starts once the broker is up: starting one is not the case's doing.
      const auto deadline = Clock::now() + options.case_timeout;
      {
        std::lock_guard lock(state.mu);
        state.current = &c;
        state.current_deadline = deadline;
      }
      result = run_one(c, *acquired.target, options, deadline);
      {
        std::lock_guard lock(state.mu);
        state.current = nullptr;
      }
      const std::string dead =
          brokers.reap_dead(result.outcome == Outcome::kFail ? milliseconds(300) : milliseconds(0));
      if (!dead.empty()) {
        result.outcome = Outcome::kFail;
        result.reason = (result.reason.empty() ? "" : result.reason + "; ") +
                        "the broker exited during the case: " + dead;
      }
    }
    result.elapsed = Clock::now() - start;
    out << format_result_line(result) << '\n' << std::flush;
    if (result.outcome == Outcome::kFail && exit_code == 0) exit_code = 1;
    {
      std::lock_guard lock(state.mu);
      state.results.push_back(std::move(result));
    }
    for (const auto& [key, last] : last_use) {
      if (last == i) brokers.release(key);
    }
  }
  brokers.stop_all();
  {
    std::lock_guard lock(state.mu);
    state.done = true;
  }
  state.cv.notify_all();
  watchdog.join();

  finish_report(options, state.results,
                std::chrono::duration<double>(Clock::now() - suite_start).count(), out);
  const bool keep = options.keep_work_dir || !options.work_dir.empty() || exit_code != 0;
  if (keep) {
    out << "# broker configs and logs: " << work_dir << '\n' << std::flush;
  } else {
    std::error_code ec;
    std::filesystem::remove_all(work_dir, ec);
  }
  return exit_code;
}

}  // namespace quiver::conformance
