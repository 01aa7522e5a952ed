// quiver consumer add|ls|info|rm|next: natscli's `nats consumer` commands.
#include <algorithm>

#include "cli/commands.h"
#include "cli/format.h"
#include "cli/js_args.h"
#include "cli/js_format.h"
#include "cli/js_session.h"
#include "client/jetstream/consumer.h"

namespace quiver::cli {
namespace {

namespace jetstream = client::jetstream;

jetstream::Time now() {
  return jetstream::Time(std::chrono::system_clock::now().time_since_epoch());
}

ArgSpec stream_arg() { return {"stream", "Stream name"}; }
ArgSpec consumer_arg() { return {"consumer", "Consumer name"}; }

FlagSpec json_flag() {
  return {.name = "json",
          .kind = FlagKind::kSwitch,
          .help = "Print the consumer's information as JSON"};
}

void print_consumer(const jetstream::ConsumerInfo& info, bool json) {
  print_out(json ? pretty_json(jetstream::to_json(info)) : consumer_info_text(info));
}

int run_add(const ParsedArgs& args) {
  const std::string stream = *args.arg("stream");
  jetstream::ConsumerConfig config;
  config.durable_name = *args.arg("consumer");
  apply_consumer_flags(args, config, now());
  JsSession session(args, "quiver consumer add");
  const auto info =
      session.run(session.js().add_consumer(stream, config), "could not create the consumer");
  log_line("Consumer " + stream + " > " + info.name + " was created");
  print_consumer(info, args.enabled("json", false));
  return 0;
}

int run_ls(const ParsedArgs& args) {
  const std::string stream = *args.arg("stream");
  JsSession session(args, "quiver consumer ls");
  if (args.enabled("names", false)) {
    auto names = session.run(session.js().consumer_names(stream), "could not list the consumers");
    std::sort(names.begin(), names.end());
    std::string out;
    for (const auto& n : names) out += n + "\n";
    print_out(out);
    return 0;
  }
  auto consumers = session.run(session.js().consumers(stream), "could not list the consumers");
  if (args.enabled("json", false)) {
    boost::json::array arr;
    for (const auto& c : consumers) arr.push_back(jetstream::to_json(c));
    print_out(pretty_json(arr));
    return 0;
  }
  if (consumers.empty()) {
    log_line("No Consumers defined for stream " + stream);
    return 0;
  }
  std::sort(consumers.begin(), consumers.end(),
            [](const auto& a, const auto& b) { return a.name < b.name; });
  print_out(consumer_table(stream, consumers, now()));
  return 0;
}

int run_info(const ParsedArgs& args) {
  const std::string stream = *args.arg("stream");
  const std::string name = *args.arg("consumer");
  JsSession session(args, "quiver consumer info");
  const auto info =
      session.run(session.js().consumer_info(stream, name), "could not load the consumer");
  print_consumer(info, args.enabled("json", false));
  return 0;
}

int run_rm(const ParsedArgs& args) {
  const std::string stream = *args.arg("stream");
  const std::string name = *args.arg("consumer");
  const bool force = args.enabled("force", false);
  JsSession session(args, "quiver consumer rm");
  if (!confirm("Really delete Consumer " + stream + " > " + name, force)) return 0;
  session.run(session.js().delete_consumer(stream, name), "could not delete the consumer");
  log_line("Deleted consumer " + stream + " > " + name);
  return 0;
}

int run_next(const ParsedArgs& args) {
  const std::string stream = *args.arg("stream");
  const std::string name = *args.arg("consumer");
  const std::uint64_t count = args.count("count", 1);
  if (count == 0) throw UsageError("--count must be at least 1");
  const bool ack = args.enabled("ack", true);
  const bool raw = args.enabled("raw", false);
  JsSession session(args, "quiver consumer next");
  const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(
      args.duration("wait", session.settings().timeout));
  if (wait.count() <= 0) throw UsageError("--wait must be positive");
  const auto info =
      session.run(session.js().consumer_info(stream, name), "could not load the consumer");
  if (!info.config.deliver_subject.empty()) {
    throw CliError("consumer " + stream + " > " + name +
                   " is a push consumer: consumer next needs a pull consumer");
  }
  const bool acks = ack && info.config.ack_policy != jetstream::AckPolicy::kNone;
  jetstream::PullConsumer consumer = session.js().pull_consumer(stream, name);
  for (std::uint64_t i = 0; i < count; ++i) {
    auto m = session.wait(consumer.next(wait));
    if (!m) {
      if (m.error() == client::errc::kTimeout) {
        throw CliError("no message received from " + stream + " > " + name + " within " +
                       go_duration(wait));
      }
      throw CliError(describe_error(m.error(), "could not get the next message"));
    }
    jetstream::JsMsg msg = std::move(m).value();
    if (raw) {
      print_out(std::string(msg.data()) + "\n");
    } else {
      auto meta = msg.metadata();
      print_out(meta ? consumer_msg_text(msg.message(), meta.value())
                     : std::string(msg.data()) + "\n");
    }
    if (acks) {
      session.run(msg.ack_sync(std::chrono::duration_cast<std::chrono::milliseconds>(
                      session.settings().timeout)),
                  "could not acknowledge the message");
      log_line("Acknowledged message");
    }
  }
  return 0;
}

}  // namespace

std::vector<Command> consumer_commands() {
  return {
      {.spec = {.name = "consumer add",
                .summary = "Create a durable consumer on a stream",
                .description = "Example: quiver consumer add ORDERS workers --pull --ack explicit "
                               "--filter 'orders.new'\n",
                .args = {stream_arg(), consumer_arg()},
                .flags =
                    [] {
                      auto f = consumer_config_flags();
                      f.push_back(json_flag());
                      return f;
                    }()},
       .aliases = {"create", "new"},
       .run = run_add},
      {.spec = {.name = "consumer ls",
                .summary = "List the consumers of a stream",
                .args = {stream_arg()},
                .flags = {{.name = "names",
                           .short_name = 'n',
                           .kind = FlagKind::kSwitch,
                           .help = "Only the names, one per line"},
                          {.name = "json",
                           .kind = FlagKind::kSwitch,
                           .help = "Print every consumer's information as JSON"}}},
       .aliases = {"list"},
       .run = run_ls},
      {.spec = {.name = "consumer info",
                .summary = "Show a consumer's configuration and state",
                .args = {stream_arg(), consumer_arg()},
                .flags = {json_flag()}},
       .aliases = {},
       .run = run_info},
      {.spec = {.name = "consumer rm",
                .summary = "Delete a consumer",
                .args = {stream_arg(), consumer_arg()},
                .flags = {force_flag()}},
       .aliases = {"delete", "del"},
       .run = run_rm},
      {.spec =
           {.name = "consumer next",
            .summary = "Fetch, print and acknowledge messages of a pull consumer",
            .args = {stream_arg(), consumer_arg()},
            .flags = {{.name = "count",
                       .placeholder = "N",
                       .help = "Number of messages to fetch",
                       .default_text = "1"},
                      {.name = "ack",
                       .kind = FlagKind::kSwitch,
                       .help = "Acknowledge each message (--no-ack leaves them pending)",
                       .default_text = "true"},
                      {.name = "raw", .kind = FlagKind::kSwitch, .help = "Print only the bodies"},
                      {.name = "wait",
                       .placeholder = "DURATION",
                       .help = "How long to wait for each message",
                       .default_text = "--timeout"}}},
       .aliases = {"fetch"},
       .run = run_next},
  };
}

}  // namespace quiver::cli
