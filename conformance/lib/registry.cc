#include "conformance/lib/registry.h"

#include <algorithm>

#include "common/assert.h"
#include "conformance/lib/context.h"

namespace quiver::conformance {

void Registry::add(Case c) {
  const std::string full = c.full_name();
  const bool duplicate = std::any_of(cases_.begin(), cases_.end(),
                                     [&](const Case& other) { return other.full_name() == full; });
  QV_CHECK(!duplicate, "duplicate conformance case name");
  QV_CHECK(static_cast<bool>(c.body), "conformance case without a body");
  cases_.push_back(std::move(c));
}

std::vector<std::string> Registry::areas() const {
  std::vector<std::string> out;
  for (const Case& c : cases_) {
    if (std::find(out.begin(), out.end(), c.area) == out.end()) out.push_back(c.area);
  }
  return out;
}

void Area::add(std::string_view name, std::string_view description, CaseBody body) {
  add(name, description, Requirements{}, std::move(body));
}

void Area::add(std::string_view name, std::string_view description, Requirements needs,
               CaseBody body) {
  registry_.add(
      Case{name_, std::string(name), std::string(description), std::move(needs), std::move(body)});
}

std::optional<std::string> unmet_requirement(const Requirements& needs, const Target& target) {
  if (target.nodes.size() < needs.nodes) {
    return "needs a cluster of " + std::to_string(needs.nodes) + " nodes, the target has " +
           std::to_string(target.nodes.size());
  }
  if (needs.headers && !target.info.headers) {
    return "needs headers; the broker's INFO does not advertise \"headers\":true";
  }
  if (needs.jetstream && !target.info.jetstream) {
    return "needs JetStream; the broker's INFO does not advertise \"jetstream\":true";
  }
  if (needs.open_access && target.info.auth_required) {
    return "needs a broker without authentication; INFO advertises \"auth_required\":true";
  }
  if (needs.monitoring && !target.monitor) {
    return "needs the HTTP monitoring endpoint: pass --monitor-url, or {http_port} in "
           "--server-cmd";
  }
  return std::nullopt;
}

}  // namespace quiver::conformance
