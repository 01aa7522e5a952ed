// The catalogue of conformance cases: what each one checks, what it needs from the broker, and
// its body. Area files (cases/<area>_cases.cc) add their cases through Area.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace quiver::conformance {

class CaseContext;
struct Target;

// What a case needs. The runner SKIPs a case whose needs the target cannot meet, with the
// reason, instead of failing it.
struct Requirements {
  bool headers = false;     // INFO advertises "headers": true
  bool jetstream = false;   // INFO advertises "jetstream": true
  bool open_access = true;  // INFO must not advertise auth_required (the case sends no creds)
  std::size_t nodes = 1;    // >= 2: a cluster of that many nodes
  bool monitoring = false;  // an HTTP monitoring endpoint
  // Non-empty: the case runs on a broker the runner starts with this configuration file
  // (nats-server syntax; host and port come from the command line). Cases with the same text
  // share one broker unless dedicated_server is set.
  std::string server_config;
  bool dedicated_server = false;
};

using CaseBody = std::function<void(CaseContext&)>;

struct Case {
  std::string area;
  std::string name;
  std::string description;
  Requirements needs;
  CaseBody body;

  std::string full_name() const { return area + "/" + name; }
};

class Registry {
 public:
  // Names must be unique; a duplicate is a programming error and aborts.
  void add(Case c);
  const std::vector<Case>& cases() const { return cases_; }
  // Area names in registration order.
  std::vector<std::string> areas() const;

 private:
  std::vector<Case> cases_;
};

// Adds cases of one area.
class Area {
 public:
  Area(Registry& registry, std::string name) : registry_(registry), name_(std::move(name)) {}
  void add(std::string_view name, std::string_view description, CaseBody body);
  void add(std::string_view name, std::string_view description, Requirements needs, CaseBody body);

 private:
  Registry& registry_;
  std::string name_;
};

// Why `target` cannot run a case with these requirements, or nullopt when it can. Only the
// target's own features are judged here; whether a configured broker or a cluster can be
// started is the runner's business.
std::optional<std::string> unmet_requirement(const Requirements& needs, const Target& target);

}  // namespace quiver::conformance
