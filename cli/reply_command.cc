// quiver reply: natscli's `nats reply`.
#include <random>
#include <signal.h>

#include <boost/asio/signal_set.hpp>

#include "cli/commands.h"
#include "cli/messages.h"
#include "cli/runtime.h"
#include "cli/subprocess.h"
#include "cli/values.h"
#include "codec/subject.h"

namespace quiver::cli {
namespace {

constexpr const char* kDefaultQueue = "NATS-RPLY-22";  // natscli's default group

constexpr const char* kReplyHelp =
    "Answers each request with the body argument, with the request itself (--echo), or with\n"
    "what a command prints (--command). Without a body or command, --echo is implied.\n"
    "\n"
    "The command may use the tokens of the request's subject: listening on \"weather.>\",\n"
    "a request on \"weather.london\" runs\n"
    "\n"
    "  quiver reply 'weather.>' --command \"curl -s wttr.in/{{1}}?format=3\"\n"
    "\n"
    "with {{1}} replaced by \"london\". {{.Request}} is the request body. The command also gets\n"
    "the environment variables NATS_REQUEST_SUBJECT and NATS_REQUEST_BODY:\n"
    "\n"
    "  quiver reply echo --command \"printenv NATS_REQUEST_BODY\"\n"
    "\n"
    "The body and header values may use the templates of `quiver pub` and {{Request}}, the\n"
    "request body. Echo replies carry the request's headers and NATS-Reply-Counter.\n";

int run_reply(const ParsedArgs& args) {
  const ConnectionSettings settings = connection_settings(args);
  const std::string subject = *args.arg("subject");
  const std::string queue = args.string("queue", kDefaultQueue);
  const std::uint64_t limit = args.count("count", 0);
  const bool templates = args.enabled("templates", true);
  bool echo = args.enabled("echo", false);
  const std::string command = args.string("command", "");
  const auto headers = parse_header_flags(args.values("header"), templates);
  if (!codec::is_valid_subject(subject)) throw UsageError("invalid subject '" + subject + "'");
  if (!codec::is_valid_queue_name(queue)) {
    throw UsageError("invalid queue group name '" + queue + "'");
  }
  const std::optional<std::string> body_text = args.arg("body");
  if (static_cast<int>(echo) + static_cast<int>(!command.empty()) +
          static_cast<int>(body_text.has_value()) >
      1) {
    throw UsageError("give only one of a body, --echo and --command");
  }
  if (!command.empty() && !split_shell_words(substitute_subject_tokens(command, subject))) {
    throw UsageError("cannot parse --command: unterminated quote or trailing backslash");
  }
  const Template body = !body_text  ? Template::literal("")
                        : templates ? Template::parse(*body_text, true)
                                    : Template::literal(*body_text);
  if (!body_text && command.empty() && !echo) {
    log_line("No body or command supplied, enabling echo mode");
    echo = true;
  }

  Runtime runtime;
  client::Connection nc = runtime.connect(client_options(settings, "quiver reply"));
  client::SubscribeOptions options;
  options.queue = queue;
  options.max_msgs = limit;
  auto [ec, sub] = wait_for<client::Subscription>(
      [&](auto handler) { nc.async_subscribe(subject, options, std::move(handler)); });
  if (ec) throw CliError("could not subscribe to \"" + subject + "\": " + ec.message());
  flush_or_throw(nc, settings.timeout);

  boost::asio::signal_set signals(runtime.io(), SIGINT, SIGTERM);
  signals.async_wait([sub = sub](const boost::system::error_code& error, int) mutable {
    if (!error) sub.unsubscribe();
  });
  log_line("Listening on \"" + subject + "\" in group \"" + queue + "\"");

  std::mt19937_64 rng(std::random_device{}());
  const bool headers_ok = nc.server_info() && nc.server_info()->headers;
  std::uint64_t answered = 0;
  while (limit == 0 || answered < limit) {
    auto [next_ec, request] =
        wait_for<client::Message>([&](auto handler) { sub.async_next(std::move(handler)); });
    if (next_ec == client::errc::kSubscriptionClosed) break;
    if (next_ec) throw CliError("subscription failed: " + next_ec.message());

    log_line("[#" + std::to_string(answered) + "] Received on subject \"" +
             std::string(request.subject()) + "\":");
    for (const auto& line : header_lines(request)) log_line(line);
    print_out("\n" + std::string(request.data()) + "\n");

    const TemplateValues values{
        .count = answered, .now = std::chrono::system_clock::now(), .request = request.data()};
    codec::Headers reply_headers;
    if (headers_ok) reply_headers = expand_headers(headers, values, rng);
    std::string data;
    if (echo) {
      if (headers_ok) {
        for (const auto& f : request.headers().fields()) reply_headers.add(f.key, f.value);
        reply_headers.add("NATS-Reply-Counter", std::to_string(answered));
      }
      data = std::string(request.data());
    } else if (!command.empty()) {
      const std::string line = substitute_subject_tokens(command, request.subject());
      std::string expanded = line;
      if (templates) {
        try {
          expanded = Template::parse(line, true).expand(values, rng);
        } catch (const UsageError& e) {
          log_line(std::string("Could not parse command template: ") + e.what());
        }
      }
      auto words = split_shell_words(expanded);
      if (!words || words->empty()) {
        log_line("Could not parse command: " + expanded);
      } else {
        CommandResult result =
            run_command(*words, {{"NATS_REQUEST_SUBJECT", std::string(request.subject())},
                                 {"NATS_REQUEST_BODY", std::string(request.data())}});
        if (!result.error.empty()) {
          log_line("Command \"" + expanded + "\" failed to run: " + result.error);
        } else if (result.status != 0) {
          log_line("Command \"" + expanded + "\" failed to run: exit status " +
                   std::to_string(result.status));
        }
        data = std::move(result.output);
      }
    } else {
      data = body.expand(values, rng);
    }

    ++answered;
    if (request.reply().empty()) {
      log_line("Could not publish reply: the message has no reply subject");
      continue;
    }
    client::PublishOptions publish;
    if (!reply_headers.empty()) publish.headers = &reply_headers;
    if (auto pub_ec = publish_waiting(nc, request.reply(), data, publish)) {
      log_line("Could not publish reply: " + pub_ec.message());
    }
  }
  signals.cancel();
  flush_or_throw(nc, settings.timeout);
  close_and_wait(nc);
  return 0;
}

}  // namespace

Command reply_command() {
  return Command{
      .spec =
          {
              .name = "reply",
              .summary = "Answer requests with a body, an echo or a command's output",
              .description = kReplyHelp,
              .args = {{"subject", "Subject to listen on (wildcards allowed)"},
                       {"body", "Reply body", false}},
              .flags =
                  {
                      {.name = "echo",
                       .kind = FlagKind::kSwitch,
                       .help = "Reply with the request's body and headers"},
                      {.name = "command",
                       .placeholder = "CMD",
                       .help = "Reply with the output of this command"},
                      {.name = "queue",
                       .short_name = 'q',
                       .placeholder = "GROUP",
                       .help = "Queue group name",
                       .default_text = kDefaultQueue},
                      {.name = "count",
                       .placeholder = "N",
                       .help = "Exit after answering N requests (0: run until interrupted)",
                       .default_text = "0"},
                      {.name = "header",
                       .short_name = 'H',
                       .kind = FlagKind::kList,
                       .placeholder = "K:V",
                       .help = "Adds a header to the replies (repeatable)"},
                      {.name = "templates",
                       .kind = FlagKind::kSwitch,
                       .help = "Expand templates (--no-templates: send as is)",
                       .default_text = "true"},
                  },
          },
      .aliases = {},
      .run = run_reply,
  };
}

}  // namespace quiver::cli
