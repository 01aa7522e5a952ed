// quiver sub: natscli's `nats sub`.
#include <signal.h>

#include <boost/asio/signal_set.hpp>

#include "cli/commands.h"
#include "cli/messages.h"
#include "cli/runtime.h"
#include "codec/subject.h"

namespace quiver::cli {
namespace {

int run_sub(const ParsedArgs& args) {
  const ConnectionSettings settings = connection_settings(args);
  const std::string subject = *args.arg("subject");
  const std::string queue = args.string("queue", "");
  const std::uint64_t limit = args.count("count", 0);
  const bool raw = args.enabled("raw", false);
  const bool headers_only = args.enabled("headers-only", false);
  if (!codec::is_valid_subject(subject)) throw UsageError("invalid subject '" + subject + "'");
  if (args.has("queue") && !codec::is_valid_queue_name(queue)) {
    throw UsageError("invalid queue group name '" + queue + "'");
  }
  const PrintStyle style = raw            ? PrintStyle::kRaw
                           : headers_only ? PrintStyle::kHeadersOnly
                                          : PrintStyle::kPretty;

  Runtime runtime;
  client::Connection nc = runtime.connect(client_options(settings, "quiver sub"));
  client::SubscribeOptions options;
  options.queue = queue;
  options.max_msgs = limit;
  auto [ec, sub] = wait_for<client::Subscription>(
      [&](auto handler) { nc.async_subscribe(subject, options, std::move(handler)); });
  if (ec) throw CliError("could not subscribe to \"" + subject + "\": " + ec.message());
  // Once the server has the SUB, the "Subscribing" line tells scripts they may publish.
  flush_or_throw(nc, settings.timeout);

  // Ctrl-C or SIGTERM ends the subscription; the loop below then exits normally.
  boost::asio::signal_set signals(runtime.io(), SIGINT, SIGTERM);
  signals.async_wait([sub = sub](const boost::system::error_code& error, int) mutable {
    if (!error) sub.unsubscribe();
  });

  // On stderr even with --raw (natscli prints nothing there): scripts wait for this line.
  std::string line = "Subscribing on " + subject;
  if (!queue.empty()) line += " in group \"" + queue + "\"";
  log_line(line);

  std::uint64_t received = 0;
  while (limit == 0 || received < limit) {
    auto [next_ec, msg] =
        wait_for<client::Message>([&](auto handler) { sub.async_next(std::move(handler)); });
    if (next_ec == client::errc::kSubscriptionClosed) break;
    if (next_ec) throw CliError("subscription failed: " + next_ec.message());
    ++received;
    print_out(format_received(msg, received, style));
  }
  signals.cancel();
  close_and_wait(nc);
  return 0;
}

}  // namespace

Command sub_command() {
  return Command{
      .spec =
          {
              .name = "sub",
              .summary = "Subscribe to a subject and print the messages",
              .args = {{"subject", "Subject to subscribe to (wildcards allowed)"}},
              .flags =
                  {
                      {.name = "queue",
                       .placeholder = "GROUP",
                       .help = "Subscribe as a member of this queue group"},
                      {.name = "raw",
                       .short_name = 'r',
                       .kind = FlagKind::kSwitch,
                       .help = "Print only the message bodies"},
                      {.name = "headers-only",
                       .kind = FlagKind::kSwitch,
                       .help = "Print the headers but not the bodies"},
                      {.name = "count",
                       .placeholder = "N",
                       .help = "Exit after N messages (0: run until interrupted)",
                       .default_text = "0"},
                  },
          },
      .aliases = {"subscribe"},
      .run = run_sub,
  };
}

}  // namespace quiver::cli
