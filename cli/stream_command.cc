// quiver stream add|ls|info|update|rm|purge|get|rmm: natscli's `nats stream` commands.
#include <algorithm>

#include "cli/commands.h"
#include "cli/format.h"
#include "cli/js_args.h"
#include "cli/js_format.h"
#include "cli/js_session.h"
#include "cli/values.h"

namespace quiver::cli {
namespace {

namespace jetstream = client::jetstream;

FlagSpec json_flag(const char* help) {
  return {.name = "json", .kind = FlagKind::kSwitch, .help = help};
}

ArgSpec stream_arg() { return {"stream", "Stream name"}; }

jetstream::Time now() {
  return jetstream::Time(std::chrono::system_clock::now().time_since_epoch());
}

void print_stream(const jetstream::StreamInfo& info, bool json) {
  print_out(json ? pretty_json(jetstream::to_json(info)) : stream_info_text(info));
}

bool any_stream_flag(const ParsedArgs& args) {
  for (const FlagSpec& f : stream_config_flags()) {
    if (args.has(f.name)) return true;
  }
  return false;
}

int run_add(const ParsedArgs& args) {
  jetstream::StreamConfig config;
  config.name = *args.arg("stream");
  apply_stream_flags(args, config);
  JsSession session(args, "quiver stream add");
  const auto info = session.run(session.js().add_stream(config), "could not create the stream");
  log_line("Stream " + info.config.name + " was created");
  print_stream(info, args.enabled("json", false));
  return 0;
}

int run_update(const ParsedArgs& args) {
  const std::string name = *args.arg("stream");
  if (!any_stream_flag(args)) throw UsageError("nothing to update: give the options to change");
  JsSession session(args, "quiver stream update");
  auto current = session.run(session.js().stream_info(name), "could not load the stream");
  jetstream::StreamConfig config = current.config;
  apply_stream_flags(args, config);
  const auto info = session.run(session.js().update_stream(config), "could not update the stream");
  log_line("Stream " + name + " was updated");
  print_stream(info, args.enabled("json", false));
  return 0;
}

int run_ls(const ParsedArgs& args) {
  const std::string filter = args.string("subject", "");
  JsSession session(args, "quiver stream ls");
  if (args.enabled("names", false)) {
    auto names = session.run(session.js().stream_names(filter), "could not list the streams");
    std::sort(names.begin(), names.end());
    std::string out;
    for (const auto& n : names) out += n + "\n";
    print_out(out);
    return 0;
  }
  auto streams = session.run(session.js().streams(filter), "could not list the streams");
  if (args.enabled("json", false)) {
    boost::json::array arr;
    for (const auto& s : streams) arr.push_back(jetstream::to_json(s));
    print_out(pretty_json(arr));
    return 0;
  }
  if (streams.empty()) {
    log_line("No Streams defined");
    return 0;
  }
  std::sort(streams.begin(), streams.end(),
            [](const auto& a, const auto& b) { return a.config.name < b.config.name; });
  print_out(stream_table(streams, now()));
  return 0;
}

int run_info(const ParsedArgs& args) {
  const std::string name = *args.arg("stream");
  JsSession session(args, "quiver stream info");
  const auto info = session.run(session.js().stream_info(name), "could not load the stream");
  print_stream(info, args.enabled("json", false));
  return 0;
}

int run_rm(const ParsedArgs& args) {
  const std::string name = *args.arg("stream");
  const bool force = args.enabled("force", false);
  JsSession session(args, "quiver stream rm");
  if (!confirm("Really delete Stream " + name, force)) return 0;
  session.run(session.js().delete_stream(name), "could not delete the stream");
  log_line("Deleted stream " + name);
  return 0;
}

int run_purge(const ParsedArgs& args) {
  const std::string name = *args.arg("stream");
  const std::string subject = args.string("subject", "");
  const std::uint64_t seq = args.count("seq", 0);
  const std::uint64_t keep = args.count("keep", 0);
  if (args.has("seq") && seq == 0) throw UsageError("--seq must be at least 1");
  if (args.has("seq") && args.has("keep")) throw UsageError("give --seq or --keep, not both");
  const bool force = args.enabled("force", false);
  JsSession session(args, "quiver stream purge");
  if (!confirm("Really purge Stream " + name, force)) return 0;
  jetstream::PurgeOptions options;
  options.filter = subject;
  options.seq = seq;
  options.keep = keep;
  const std::uint64_t purged =
      session.run(session.js().purge_stream(name, options), "could not purge the stream");
  log_line("Purged " + with_commas(purged) + " messages from stream " + name);
  const auto info = session.run(session.js().stream_info(name), "could not load the stream");
  print_stream(info, args.enabled("json", false));
  return 0;
}

int run_get(const ParsedArgs& args) {
  const std::string name = *args.arg("stream");
  const auto seq_text = args.arg("seq");
  const std::string last_for = args.string("last-for", "");
  if (seq_text && args.has("last-for")) throw UsageError("give a sequence or --last-for, not both");
  if (!seq_text && !args.has("last-for")) {
    throw UsageError("give the message's sequence or --last-for SUBJECT");
  }
  std::uint64_t seq = 0;
  if (seq_text) {
    auto n = parse_uint(*seq_text);
    if (!n || *n == 0) throw UsageError("invalid sequence '" + *seq_text + "'");
    seq = *n;
  }
  JsSession session(args, "quiver stream get");
  const auto msg =
      seq_text
          ? session.run(session.js().get_msg(name, seq), "could not get the message")
          : session.run(session.js().get_last_msg(name, last_for), "could not get the message");
  if (args.enabled("raw", false)) {
    print_out(msg.data.ends_with('\n') ? msg.data : msg.data + "\n");
  } else {
    print_out(stored_msg_text(name, msg));
  }
  return 0;
}

int run_rmm(const ParsedArgs& args) {
  const std::string name = *args.arg("stream");
  const std::string seq_text = *args.arg("seq");
  auto seq = parse_uint(seq_text);
  if (!seq || *seq == 0) throw UsageError("invalid sequence '" + seq_text + "'");
  const bool force = args.enabled("force", false);
  JsSession session(args, "quiver stream rmm");
  if (!confirm("Really remove message " + seq_text + " from Stream " + name, force)) return 0;
  session.run(session.js().delete_msg(name, *seq, args.enabled("erase", false)),
              "could not delete the message");
  log_line("Deleted message " + seq_text + " from stream " + name);
  return 0;
}

std::vector<FlagSpec> with(std::vector<FlagSpec> flags, std::initializer_list<FlagSpec> more) {
  flags.insert(flags.end(), more.begin(), more.end());
  return flags;
}

}  // namespace

std::vector<Command> stream_commands() {
  const FlagSpec json = json_flag("Print the stream's information as JSON");
  return {
      {.spec = {.name = "stream add",
                .summary = "Create a stream",
                .description = "Example: quiver stream add ORDERS --subjects 'orders.>' "
                               "--storage file --max-age 7d\n",
                .args = {stream_arg()},
                .flags = with(stream_config_flags(), {json})},
       .aliases = {"create", "new"},
       .run = run_add},
      {.spec = {.name = "stream ls",
                .summary = "List the streams",
                .flags = {{.name = "names",
                           .short_name = 'n',
                           .kind = FlagKind::kSwitch,
                           .help = "Only the names, one per line"},
                          {.name = "subject",
                           .placeholder = "SUBJECT",
                           .help = "Only streams capturing this subject"},
                          json_flag("Print every stream's information as JSON")}},
       .aliases = {"list"},
       .run = run_ls},
      {.spec = {.name = "stream info",
                .summary = "Show a stream's configuration and state",
                .args = {stream_arg()},
                .flags = {json}},
       .aliases = {},
       .run = run_info},
      {.spec = {.name = "stream update",
                .summary = "Change a stream's configuration (only the flags given)",
                .args = {stream_arg()},
                .flags = with(stream_config_flags(), {json})},
       .aliases = {"edit"},
       .run = run_update},
      {.spec = {.name = "stream rm",
                .summary = "Delete a stream and its messages",
                .args = {stream_arg()},
                .flags = {force_flag()}},
       .aliases = {"delete", "del"},
       .run = run_rm},
      {.spec = {.name = "stream purge",
                .summary = "Remove messages from a stream",
                .args = {stream_arg()},
                .flags = {{.name = "subject",
                           .placeholder = "SUBJECT",
                           .help = "Only messages on this subject (wildcards allowed)"},
                          {.name = "seq",
                           .placeholder = "N",
                           .help = "Remove messages below this sequence"},
                          {.name = "keep", .placeholder = "N", .help = "Keep the last N messages"},
                          force_flag(),
                          json}},
       .aliases = {},
       .run = run_purge},
      {.spec =
           {.name = "stream get",
            .summary = "Show a message of a stream",
            .args = {stream_arg(), {"seq", "The message's sequence", false}},
            .flags = {{.name = "last-for",
                       .placeholder = "SUBJECT",
                       .help = "The last message on this subject"},
                      {.name = "raw", .kind = FlagKind::kSwitch, .help = "Print only the body"}}},
       .aliases = {},
       .run = run_get},
      {.spec = {.name = "stream rmm",
                .summary = "Delete a message from a stream",
                .args = {stream_arg(), {"seq", "The message's sequence"}},
                .flags = {force_flag(),
                          {.name = "erase",
                           .kind = FlagKind::kSwitch,
                           .help = "Overwrite the message's data on disk"}}},
       .aliases = {},
       .run = run_rmm},
  };
}

}  // namespace quiver::cli
