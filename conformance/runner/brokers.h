// The brokers a suite run talks to: the main target (--url, or started with --server-cmd),
// brokers started with a case's configuration file, and clusters (--cluster-cmd). Started
// brokers come up on demand, are probed for INFO before use, and are stopped by PID when no
// remaining case needs them.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "conformance/lib/context.h"
#include "conformance/lib/registry.h"
#include "conformance/runner/options.h"
#include "conformance/runner/process.h"

namespace quiver::conformance {

class Brokers {
 public:
  Brokers(const Options& options, std::string work_dir, Timing timing);
  ~Brokers();
  Brokers(const Brokers&) = delete;
  Brokers& operator=(const Brokers&) = delete;

  // Which broker a case runs on: "main", "cluster", "config:<text>" or, for dedicated
  // servers, "config:<text>#<case>".
  static std::string group_key(const Case& c);

  struct Acquired {
    const Target* target = nullptr;  // set when the case can run
    std::string skip_reason;         // set when it cannot, by design of the target
    std::string error;               // set when a broker failed to start
    bool main_failed = false;        // the main target itself is unusable
  };
  // The target for `c`, starting its broker on first use.
  Acquired acquire(const Case& c);

  // Started brokers that have exited since the last call, described with their log tails.
  // They are forgotten, so the next case that needs one starts it again. `grace` is how long
  // to watch for an exit in progress (after a failed case, the broker's sockets may close a
  // moment before its process is gone).
  std::string reap_dead(std::chrono::milliseconds grace = std::chrono::milliseconds(0));

  // Stops the brokers of `key` (when no remaining case uses them).
  void release(const std::string& key);
  void stop_all();

  // One line per broker group in use, for the report header.
  std::string describe(const std::string& key) const;

 private:
  struct Group {
    std::vector<std::unique_ptr<ServerProcess>> processes;
    Target target;
    std::string description;
  };

  std::unique_ptr<Group> start_single(const std::string& config_text, std::string& error);
  std::unique_ptr<Group> start_cluster(std::string& error);
  std::unique_ptr<Group> from_urls(std::string& error);
  bool probe(Group& group, std::string& error);
  std::string next_path(const std::string& stem);

  const Options& options_;
  std::string work_dir_;
  Timing timing_;
  std::map<std::string, std::unique_ptr<Group>> groups_;
  // Groups that failed to start: their cases fail at once instead of retrying each time.
  std::map<std::string, std::string> start_failures_;
  int counter_ = 0;
};

}  // namespace quiver::conformance
