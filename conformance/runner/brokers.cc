#include "conformance/runner/brokers.h"

#include <filesystem>
#include <fstream>
#include <thread>

#include "codec/protocol_json.h"
#include "conformance/lib/check.h"

namespace quiver::conformance {
namespace {

std::string join(const std::vector<std::string>& parts, std::string_view sep) {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out += sep;
    out += parts[i];
  }
  return out;
}

// A config text on one line for messages: blank runs collapsed, line ends shown as "; "
// except after an opening brace or bracket.
std::string config_summary(const std::string& text) {
  std::string out;
  bool pending_break = false;
  for (char c : text) {
    if (c == '\n') {
      pending_break = true;
      continue;
    }
    if (c == ' ' || c == '\t') {
      if (!out.empty() && out.back() != ' ') out += ' ';
      continue;
    }
    if (pending_break && !out.empty()) {
      while (!out.empty() && out.back() == ' ') out.pop_back();
      const char last = out.back();
      out += (last == '{' || last == '[' || last == ',' || c == '}' || c == ']') ? " " : "; ";
    }
    pending_break = false;
    out += c;
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out.size() > 100 ? out.substr(0, 97) + "..." : out;
}

}  // namespace

Brokers::Brokers(const Options& options, std::string work_dir, Timing timing)
    : options_(options), work_dir_(std::move(work_dir)), timing_(timing) {}

Brokers::~Brokers() { stop_all(); }

std::string Brokers::group_key(const Case& c) {
  if (c.needs.nodes >= 2) return "cluster";
  if (c.needs.server_config.empty()) return "main";
  std::string key = "config:" + c.needs.server_config;
  if (c.needs.dedicated_server) key += "#" + c.full_name();
  return key;
}

std::string Brokers::next_path(const std::string& stem) {
  return work_dir_ + "/" + stem + "-" + std::to_string(++counter_);
}

bool Brokers::probe(Group& group, std::string& error) {
  Timing timing = timing_;
  timing.wait = std::chrono::seconds(10);
  try {
    Connection c = Connection::open(group.target.nodes.front(), timing);
    group.target.info = c.read_info();
    // A cluster is ready when interest registered on every node reaches node 0 and back.
    for (std::size_t i = 1; i < group.target.nodes.size(); ++i) {
      for (int direction = 0; direction < 2; ++direction) {
        const Endpoint& pub_node = direction == 0 ? group.target.nodes[0] : group.target.nodes[i];
        const Endpoint& sub_node = direction == 0 ? group.target.nodes[i] : group.target.nodes[0];
        Connection sub = Connection::open(sub_node, timing);
        Connection pub = Connection::open(pub_node, timing);
        for (Connection* conn : {&sub, &pub}) {
          const codec::ServerInfo& info = conn->read_info();
          codec::ConnectOptions o;
          o.verbose = false;
          o.pedantic = false;
          o.protocol = 1;
          o.headers = info.headers;
          conn->connect(o);
        }
        const std::string subject =
            "_cf.ready." + std::to_string(i) + "." + std::to_string(direction);
        sub.sub(subject, "1");
        sub.flush();
        const Clock::time_point until = Clock::now() + std::chrono::seconds(15);
        while (!sub.poll_op(milliseconds(50))) {
          if (Clock::now() >= until) {
            error = "cluster routes between " + pub_node.to_string() + " and " +
                    sub_node.to_string() + " did not form within 15 s";
            return false;
          }
          pub.pub(subject, "");
          pub.flush();
        }
      }
    }
  } catch (const CaseFailure& e) {
    error = std::string("probing the broker: ") + e.what();
    return false;
  }
  return true;
}

std::unique_ptr<Brokers::Group> Brokers::from_urls(std::string& error) {
  auto group = std::make_unique<Group>();
  for (const std::string& url : options_.urls) {
    group->target.nodes.push_back(*parse_nats_url(url));
  }
  if (!options_.monitor_url.empty()) group->target.monitor = parse_http_url(options_.monitor_url);
  group->description = join(options_.urls, ", ");
  Timing timing = timing_;
  try {
    Connection c = Connection::open(group->target.nodes.front(), timing);
    group->target.info = c.read_info();
  } catch (const CaseFailure& e) {
    error = std::string("probing ") + group->description + ": " + e.what();
    return nullptr;
  }
  return group;
}

std::unique_ptr<Brokers::Group> Brokers::start_single(const std::string& config_text,
                                                      std::string& error) {
  const std::string& cmd = options_.server_cmd;
  auto group = std::make_unique<Group>();
  std::map<std::string, std::string> values;
  values["host"] = options_.host;
  const auto port = pick_free_port(options_.host);
  if (!port) {
    error = "no free port on " + options_.host;
    return nullptr;
  }
  values["port"] = std::to_string(*port);
  std::optional<uint16_t> http_port;
  if (has_placeholder(cmd, "http_port")) {
    http_port = pick_free_port(options_.host);
    if (!http_port) {
      error = "no free port on " + options_.host;
      return nullptr;
    }
    values["http_port"] = std::to_string(*http_port);
  }
  const std::string stem = next_path("broker");
  if (has_placeholder(cmd, "store")) {
    const std::string store = stem + ".store";
    std::filesystem::create_directories(store);
    values["store"] = store;
  }
  if (has_placeholder(cmd, "config")) {
    const std::string config = stem + ".conf";
    std::ofstream out(config);
    out << "# Written by the conformance runner; host and port come from the command line.\n"
        << config_text;
    if (!out) {
      error = "cannot write " + config;
      return nullptr;
    }
    values["config"] = config;
  }
  const std::string command = substitute(cmd, values);
  auto process = ServerProcess::start(command, stem + ".log", error);
  if (!process) return nullptr;
  bool ok = process->wait_for_port(options_.host, *port, std::chrono::seconds(15), error);
  if (ok && http_port) {
    ok = process->wait_for_port(options_.host, *http_port, std::chrono::seconds(15), error);
  }
  if (!ok) {
    error += " (command: " + command + ")\n" + process->log_tail(600);
    return nullptr;
  }
  group->target.nodes.push_back(Endpoint{options_.host, *port});
  if (http_port) group->target.monitor = Endpoint{options_.host, *http_port};
  group->description = command;
  group->processes.push_back(std::move(process));
  if (!probe(*group, error)) {
    error += " (command: " + command + ")\n" + group->processes.front()->log_tail(600);
    return nullptr;
  }
  return group;
}

std::unique_ptr<Brokers::Group> Brokers::start_cluster(std::string& error) {
  const std::string& cmd = options_.cluster_cmd;
  const int n = options_.cluster_size;
  auto group = std::make_unique<Group>();
  std::vector<uint16_t> ports, cluster_ports, http_ports;
  for (int i = 0; i < n; ++i) {
    for (auto* list : {&ports, &cluster_ports, &http_ports}) {
      const auto p = pick_free_port(options_.host);
      if (!p) {
        error = "no free port on " + options_.host;
        return nullptr;
      }
      list->push_back(*p);
    }
  }
  std::vector<std::string> commands;
  for (int i = 0; i < n; ++i) {
    std::vector<std::string> routes;
    for (int j = 0; j < n; ++j) {
      if (j != i) {
        routes.push_back("nats://" + options_.host + ":" + std::to_string(cluster_ports[j]));
      }
    }
    const std::string stem = next_path("cluster-node" + std::to_string(i));
    std::map<std::string, std::string> values;
    values["host"] = options_.host;
    values["port"] = std::to_string(ports[i]);
    values["cluster_port"] = std::to_string(cluster_ports[i]);
    values["http_port"] = std::to_string(http_ports[i]);
    values["routes"] = join(routes, ",");
    values["name"] = "conformance-node-" + std::to_string(i);
    if (has_placeholder(cmd, "store")) {
      std::filesystem::create_directories(stem + ".store");
      values["store"] = stem + ".store";
    }
    const std::string command = substitute(cmd, values);
    auto process = ServerProcess::start(command, stem + ".log", error);
    if (!process) return nullptr;
    group->processes.push_back(std::move(process));
    group->target.nodes.push_back(Endpoint{options_.host, ports[i]});
    commands.push_back(command);
  }
  for (int i = 0; i < n; ++i) {
    if (!group->processes[i]->wait_for_port(options_.host, ports[i], std::chrono::seconds(15),
                                            error)) {
      error += " (command: " + commands[i] + ")\n" + group->processes[i]->log_tail(600);
      return nullptr;
    }
  }
  if (has_placeholder(cmd, "http_port")) {
    group->target.monitor = Endpoint{options_.host, http_ports[0]};
  }
  group->description = std::to_string(n) + "-node cluster: " + commands[0];
  if (!probe(*group, error)) {
    error += "\n" + group->processes[0]->log_tail(600);
    return nullptr;
  }
  return group;
}

Brokers::Acquired Brokers::acquire(const Case& c) {
  Acquired result;
  const std::string key = group_key(c);
  if (const auto failed = start_failures_.find(key); failed != start_failures_.end()) {
    result.error = failed->second;
    result.main_failed = key == "main";
    return result;
  }
  auto it = groups_.find(key);
  if (it == groups_.end()) {
    std::unique_ptr<Group> group;
    std::string error;
    if (key == "main") {
      group = options_.urls.empty() ? start_single("", error) : from_urls(error);
    } else if (key == "cluster") {
      if (options_.urls.size() >= c.needs.nodes) {
        // The --url nodes are the cluster.
        auto main = acquire(Case{"", "", "", Requirements{}, c.body});  // key "main"
        if (!main.target) return main;
        result.target = main.target;
        return result;
      }
      if (options_.cluster_cmd.empty()) {
        result.skip_reason = "needs a cluster of " + std::to_string(c.needs.nodes) +
                             " nodes: pass that many --url, or --cluster-cmd";
        return result;
      }
      if (static_cast<std::size_t>(options_.cluster_size) < c.needs.nodes) {
        result.skip_reason = "needs " + std::to_string(c.needs.nodes) +
                             " nodes; --cluster-size is " + std::to_string(options_.cluster_size);
        return result;
      }
      group = start_cluster(error);
    } else {
      if (options_.server_cmd.empty()) {
        result.skip_reason = "needs a broker started with config \"" +
                             config_summary(c.needs.server_config) +
                             "\"; only --url was given (use --server-cmd with {config})";
        return result;
      }
      if (!has_placeholder(options_.server_cmd, "config")) {
        result.skip_reason = "needs a broker started with config \"" +
                             config_summary(c.needs.server_config) +
                             "\"; --server-cmd has no {config} placeholder";
        return result;
      }
      group = start_single(c.needs.server_config, error);
    }
    if (!group) {
      result.error = (key == "main" ? std::string("cannot reach or start the broker: ")
                                    : "cannot start the broker for " + key.substr(0, 60) + ": ") +
                     error;
      result.main_failed = key == "main";
      start_failures_[key] = result.error;
      return result;
    }
    it = groups_.emplace(key, std::move(group)).first;
  }
  result.target = &it->second->target;
  return result;
}

std::string Brokers::reap_dead(std::chrono::milliseconds grace) {
  const auto until = Clock::now() + grace;
  while (Clock::now() < until) {
    bool any_dead = false;
    for (auto& [key, group] : groups_) {
      for (auto& process : group->processes) any_dead = any_dead || !process->running();
    }
    if (any_dead) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  std::string report;
  for (auto it = groups_.begin(); it != groups_.end();) {
    std::string dead;
    for (auto& process : it->second->processes) {
      if (!process->running()) {
        dead += "broker pid " + std::to_string(process->pid()) + " " + process->exit_description() +
                "; log tail:\n" + process->log_tail(800);
      }
    }
    if (dead.empty()) {
      ++it;
      continue;
    }
    report += dead;
    it = groups_.erase(it);  // the destructor stops the remaining nodes
  }
  return report;
}

void Brokers::release(const std::string& key) { groups_.erase(key); }

void Brokers::stop_all() { groups_.clear(); }

std::string Brokers::describe(const std::string& key) const {
  const auto it = groups_.find(key);
  if (it == groups_.end()) return "";
  const Group& g = *it->second;
  std::string line = g.description;
  line += " -> " + g.target.nodes.front().to_string();
  if (!g.target.info.version.empty()) {
    line += " (server " + g.target.info.server_name + ", version " + g.target.info.version + ")";
  }
  return line;
}

}  // namespace quiver::conformance
