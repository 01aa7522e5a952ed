// quiver kv add|put|get|create|update|del|purge|history|keys|watch|ls|info|rm: natscli's
// `nats kv` commands.
#include <algorithm>
#include <atomic>
#include <signal.h>

#include <boost/asio/signal_set.hpp>

#include "cli/commands.h"
#include "cli/format.h"
#include "cli/js_args.h"
#include "cli/js_format.h"
#include "cli/js_session.h"
#include "cli/messages.h"
#include "cli/values.h"
#include "client/jetstream/kv.h"

namespace quiver::cli {
namespace {

namespace jetstream = client::jetstream;

constexpr std::string_view kKvStreamPrefix = "KV_";

jetstream::Time now() {
  return jetstream::Time(std::chrono::system_clock::now().time_since_epoch());
}

ArgSpec bucket_arg() { return {"bucket", "Bucket name"}; }
ArgSpec key_arg() { return {"key", "Key"}; }

std::string bucket_name(const ParsedArgs& args) {
  std::string bucket = *args.arg("bucket");
  if (!jetstream::is_valid_bucket_name(bucket)) {
    throw UsageError("invalid bucket name '" + bucket + "': want letters, digits, '-' and '_'");
  }
  return bucket;
}

std::string key_name(const ParsedArgs& args) {
  std::string key = *args.arg("key");
  if (!jetstream::is_valid_key(key)) throw UsageError("invalid key '" + key + "'");
  return key;
}

// The value argument, or standard input when it is missing.
std::string value_arg(const ParsedArgs& args) {
  if (auto v = args.arg("value")) return *v;
  return read_stdin();
}

jetstream::KeyValue open_bucket(JsSession& session, const std::string& bucket) {
  return session.run(session.js().key_value(bucket), "could not open bucket " + bucket);
}

int run_add(const ParsedArgs& args) {
  jetstream::KeyValueConfig config;
  config.bucket = bucket_name(args);
  apply_kv_flags(args, config);
  JsSession session(args, "quiver kv add");
  auto kv = session.run(session.js().create_key_value(config), "could not create the bucket");
  const auto status = session.run(kv.status(), "could not load the bucket");
  log_line("Bucket " + config.bucket + " was created");
  print_out(kv_status_text(status));
  return 0;
}

int run_put(const ParsedArgs& args) {
  const std::string bucket = bucket_name(args);
  const std::string key = key_name(args);
  const std::string value = value_arg(args);
  JsSession session(args, "quiver kv put");
  auto kv = open_bucket(session, bucket);
  const std::uint64_t rev = session.run(kv.put(key, value), "could not put " + key);
  log_line("Stored " + bucket + " > " + key + " revision " + std::to_string(rev));
  print_out(value + "\n");
  return 0;
}

int run_create(const ParsedArgs& args) {
  const std::string bucket = bucket_name(args);
  const std::string key = key_name(args);
  const std::string value = value_arg(args);
  JsSession session(args, "quiver kv create");
  auto kv = open_bucket(session, bucket);
  const std::uint64_t rev = session.run(kv.create(key, value), "could not create " + key);
  log_line("Created " + bucket + " > " + key + " revision " + std::to_string(rev));
  print_out(value + "\n");
  return 0;
}

int run_update(const ParsedArgs& args) {
  const std::string bucket = bucket_name(args);
  const std::string key = key_name(args);
  const std::string value = *args.arg("value");
  const std::string rev_text = *args.arg("revision");
  auto last = parse_uint(rev_text);
  if (!last) throw UsageError("invalid revision '" + rev_text + "'");
  JsSession session(args, "quiver kv update");
  auto kv = open_bucket(session, bucket);
  const std::uint64_t rev = session.run(kv.update(key, value, *last), "could not update " + key);
  log_line("Updated " + bucket + " > " + key + " revision " + std::to_string(rev));
  print_out(value + "\n");
  return 0;
}

int run_get(const ParsedArgs& args) {
  const std::string bucket = bucket_name(args);
  const std::string key = key_name(args);
  const std::uint64_t revision = args.count("revision", 0);
  if (args.has("revision") && revision == 0) throw UsageError("--revision must be at least 1");
  JsSession session(args, "quiver kv get");
  auto kv = open_bucket(session, bucket);
  const auto entry = revision == 0
                         ? session.run(kv.get(key), "could not get " + key)
                         : session.run(kv.get_revision(key, revision), "could not get " + key);
  print_out(args.enabled("raw", false) ? entry.value + "\n" : kv_entry_text(entry));
  return 0;
}

int run_del(const ParsedArgs& args) {
  const std::string bucket = bucket_name(args);
  const std::string key = key_name(args);
  const bool force = args.enabled("force", false);
  JsSession session(args, "quiver kv del");
  auto kv = open_bucket(session, bucket);
  if (!confirm("Delete key " + bucket + " > " + key, force)) return 0;
  session.run(kv.erase(key), "could not delete " + key);
  log_line("Deleted " + bucket + " > " + key);
  return 0;
}

int run_purge(const ParsedArgs& args) {
  const std::string bucket = bucket_name(args);
  const std::string key = key_name(args);
  const bool force = args.enabled("force", false);
  JsSession session(args, "quiver kv purge");
  auto kv = open_bucket(session, bucket);
  if (!confirm("Purge key " + bucket + " > " + key + " and its history", force)) return 0;
  session.run(kv.purge(key), "could not purge " + key);
  log_line("Purged " + bucket + " > " + key);
  return 0;
}

int run_history(const ParsedArgs& args) {
  const std::string bucket = bucket_name(args);
  const std::string key = key_name(args);
  JsSession session(args, "quiver kv history");
  auto kv = open_bucket(session, bucket);
  const auto entries = session.run(kv.history(key), "could not load the history of " + key);
  print_out(kv_history_table(bucket, key, entries));
  return 0;
}

std::string keys_text(JsSession& session, const std::string& bucket) {
  auto kv = open_bucket(session, bucket);
  const auto keys = session.run(kv.keys(), "could not list the keys");
  if (keys.empty()) log_line("No keys found in bucket " + bucket);
  std::string out;
  for (const auto& k : keys) out += k + "\n";
  return out;
}

int run_keys(const ParsedArgs& args) {
  const std::string bucket = bucket_name(args);
  JsSession session(args, "quiver kv keys");
  print_out(keys_text(session, bucket));
  return 0;
}

int run_watch(const ParsedArgs& args) {
  const std::string bucket = bucket_name(args);
  const std::string keys = args.arg("keys").value_or(">");
  if (!jetstream::is_valid_watch_keys(keys)) throw UsageError("invalid keys '" + keys + "'");
  const std::uint64_t limit = args.count("count", 0);
  jetstream::WatchOptions options;
  options.include_history = args.enabled("history", false);
  options.updates_only = args.enabled("updates-only", false);
  options.ignore_deletes = args.enabled("ignore-deletes", false);
  JsSession session(args, "quiver kv watch");
  auto kv = open_bucket(session, bucket);
  auto watcher = session.run(kv.watch(keys, options), "could not watch " + bucket);

  std::atomic<bool> stop{false};
  boost::asio::signal_set signals(session.runtime().io(), SIGINT, SIGTERM);
  signals.async_wait([&stop](const boost::system::error_code& error, int) {
    if (!error) stop = true;
  });
  // Scripts wait for this line: a change made after it is printed.
  log_line("Watching bucket " + bucket + " for " + keys);

  std::uint64_t printed = 0;
  while (!stop && (limit == 0 || printed < limit)) {
    auto next = session.wait(watcher.next(std::chrono::milliseconds(250)));
    if (!next) {
      if (next.error() == client::errc::kTimeout) continue;
      throw CliError(describe_error(next.error(), "watch failed"));
    }
    if (!next.value()) continue;  // the end of the initial values
    print_out(kv_watch_line(*next.value()));
    ++printed;
  }
  signals.cancel();
  session.run(watcher.stop(), "could not stop the watch");
  return 0;
}

int run_ls(const ParsedArgs& args) {
  JsSession session(args, "quiver kv ls");
  if (args.arg("bucket")) {
    print_out(keys_text(session, bucket_name(args)));
    return 0;
  }
  auto streams = session.run(session.js().streams(), "could not list the buckets");
  std::erase_if(streams, [](const auto& s) { return !s.config.name.starts_with(kKvStreamPrefix); });
  std::sort(streams.begin(), streams.end(),
            [](const auto& a, const auto& b) { return a.config.name < b.config.name; });
  if (args.enabled("names", false)) {
    std::string out;
    for (const auto& s : streams) out += s.config.name.substr(kKvStreamPrefix.size()) + "\n";
    print_out(out);
    return 0;
  }
  if (streams.empty()) {
    log_line("No Key-Value buckets found");
    return 0;
  }
  print_out(kv_bucket_table(streams, now()));
  return 0;
}

int run_info(const ParsedArgs& args) {
  const std::string bucket = bucket_name(args);
  JsSession session(args, "quiver kv info");
  auto kv = open_bucket(session, bucket);
  const auto status = session.run(kv.status(), "could not load the bucket");
  if (args.enabled("json", false)) {
    print_out(pretty_json(jetstream::to_json(status.stream_info)));
  } else {
    print_out(kv_status_text(status));
  }
  return 0;
}

int run_rm(const ParsedArgs& args) {
  const std::string bucket = bucket_name(args);
  const bool force = args.enabled("force", false);
  JsSession session(args, "quiver kv rm");
  if (!confirm("Really delete Key-Value bucket " + bucket, force)) return 0;
  session.run(session.js().delete_key_value(bucket), "could not delete the bucket");
  log_line("Deleted bucket " + bucket);
  return 0;
}

Command kv(std::string name, std::string summary, std::vector<ArgSpec> args,
           std::vector<FlagSpec> flags, int (*run)(const ParsedArgs&),
           std::vector<std::string> aliases = {}) {
  return Command{.spec = {.name = "kv " + name,
                          .summary = std::move(summary),
                          .args = std::move(args),
                          .flags = std::move(flags)},
                 .aliases = std::move(aliases),
                 .run = run};
}

}  // namespace

std::vector<Command> kv_commands() {
  const ArgSpec value{"value", "The value (standard input when missing)", false};
  const FlagSpec raw{.name = "raw", .kind = FlagKind::kSwitch, .help = "Print only the value"};
  return {
      kv("add", "Create a Key-Value bucket", {bucket_arg()}, bucket_flags(true), run_add),
      kv("put", "Store a value", {bucket_arg(), key_arg(), value}, {}, run_put),
      kv("get", "Show a key's value", {bucket_arg(), key_arg()},
         {{.name = "revision", .placeholder = "N", .help = "This revision instead of the latest"},
          raw},
         run_get),
      kv("create", "Store a value only if the key has none", {bucket_arg(), key_arg(), value}, {},
         run_create),
      kv("update", "Store a value only if the key's latest revision is REVISION",
         {bucket_arg(), key_arg(), {"value", "The value"}, {"revision", "The expected revision"}},
         {}, run_update),
      kv("del", "Delete a key (its history stays)", {bucket_arg(), key_arg()}, {force_flag()},
         run_del, {"delete"}),
      kv("purge", "Delete a key and its history", {bucket_arg(), key_arg()}, {force_flag()},
         run_purge),
      kv("history", "Show every stored value of a key", {bucket_arg(), key_arg()}, {}, run_history),
      kv("keys", "List the keys of a bucket", {bucket_arg()}, {}, run_keys),
      kv("watch", "Print the values of keys, then every change, until interrupted",
         {bucket_arg(), {"keys", "Keys to watch (wildcards allowed)", false}},
         {{.name = "count",
           .placeholder = "N",
           .help = "Exit after N entries (0: run until interrupted)",
           .default_text = "0"},
          {.name = "history", .kind = FlagKind::kSwitch, .help = "Start with every stored value"},
          {.name = "updates-only",
           .kind = FlagKind::kSwitch,
           .help = "Only changes made after the watch started"},
          {.name = "ignore-deletes", .kind = FlagKind::kSwitch, .help = "Skip deletes and purges"}},
         run_watch),
      kv("ls", "List the buckets, or the keys of BUCKET", {{"bucket", "Bucket name", false}},
         {{.name = "names",
           .short_name = 'n',
           .kind = FlagKind::kSwitch,
           .help = "Only the bucket names, one per line"}},
         run_ls, {"list"}),
      kv("info", "Show a bucket's configuration and state", {bucket_arg()},
         {{.name = "json",
           .kind = FlagKind::kSwitch,
           .help = "Print the bucket's stream information as JSON"}},
         run_info, {"status"}),
      kv("rm", "Delete a bucket and all its values", {bucket_arg()}, {force_flag()}, run_rm),
  };
}

}  // namespace quiver::cli
