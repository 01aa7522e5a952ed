// quiver pub: natscli's `nats pub`.
#include <atomic>
#include <random>
#include <thread>

#include "cli/commands.h"
#include "cli/format.h"
#include "cli/messages.h"
#include "cli/progress.h"
#include "cli/runtime.h"
#include "codec/subject.h"

namespace quiver::cli {
namespace {

constexpr std::uint64_t kProgressAbove = 20;  // natscli's threshold for a progress bar

constexpr const char* kTemplateHelp =
    "The subject, body and header values may use templates to create unique messages:\n"
    "\n"
    "   quiver pub test --count 10 \"Message {{Count}} @ {{Time}}\"\n"
    "   quiver pub test --count 10 \"Message {{Count}}: {{ Random 10 100 }}\"\n"
    "\n"
    "Available template functions are:\n"
    "\n"
    "   Count            the message number\n"
    "   TimeStamp        RFC3339 format current time\n"
    "   Unix             seconds since 1970 in UTC\n"
    "   UnixNano         nano seconds since 1970 in UTC\n"
    "   Time             the current time\n"
    "   ID               an unique ID\n"
    "   UUID             a random UUID\n"
    "   Random(min, max) random string at least min long, at most max\n"
    "\n"
    "Without a body argument the body is read from standard input.\n";

int run_pub(const ParsedArgs& args) {
  const ConnectionSettings settings = connection_settings(args);
  const std::string subject_text = *args.arg("subject");
  const std::uint64_t count = args.count("count", 1);
  if (count == 0) throw UsageError("--count must be at least 1");
  const bool templates = args.enabled("templates", true);
  const bool quiet = args.enabled("quiet", false);
  const auto sleep = args.duration("sleep", std::chrono::nanoseconds(0));
  const std::string reply = args.string("reply", "");
  if (!reply.empty() && !codec::is_valid_subject(reply)) {
    throw UsageError("invalid reply subject '" + reply + "'");
  }
  const auto headers = parse_header_flags(args.values("header"), templates);
  const Template subject =
      templates ? Template::parse(subject_text) : Template::literal(subject_text);
  const std::string body_text = args.arg("body") ? *args.arg("body") : read_stdin();
  const Template body = templates ? Template::parse(body_text) : Template::literal(body_text);
  if (subject.is_literal() && !codec::is_valid_literal_subject(subject_text)) {
    throw UsageError("invalid subject '" + subject_text + "'");
  }

  Runtime runtime;
  client::Connection nc = runtime.connect(client_options(settings, "quiver pub"));

  std::atomic<std::uint64_t> published{0};
  const bool bulk = count > kProgressAbove;
  ProgressBar progress(
      count, [&] { return published.load(std::memory_order_relaxed); }, "msgs",
      bulk && !quiet && stderr_is_terminal());

  std::mt19937_64 rng(std::random_device{}());
  std::string subject_out, body_out;
  std::uint64_t bytes = 0;
  for (std::uint64_t i = 1; i <= count; ++i) {
    TemplateValues values{.count = i, .now = std::chrono::system_clock::now()};
    subject.expand(values, rng, subject_out);
    body.expand(values, rng, body_out);
    client::PublishOptions options;
    options.reply = reply;
    codec::Headers hdrs;
    if (!headers.empty()) {
      hdrs = expand_headers(headers, values, rng);
      options.headers = &hdrs;
    }
    if (auto ec = publish_waiting(nc, subject_out, body_out, options)) {
      throw CliError("could not publish to \"" + subject_out + "\": " + ec.message());
    }
    bytes += body_out.size();
    published.store(i, std::memory_order_relaxed);
    if (!bulk) {
      // Each message is confirmed by the server before it is reported, as natscli does.
      flush_or_throw(nc, settings.timeout);
      if (!quiet) {
        log_line("Published " + std::to_string(body_out.size()) + " bytes to \"" + subject_out +
                 "\"");
      }
    }
    if (sleep.count() > 0 && i < count) {
      flush_or_throw(nc, settings.timeout);
      std::this_thread::sleep_for(sleep);
    }
  }
  flush_or_throw(nc, settings.timeout);
  progress.stop();
  if (bulk && !quiet) {
    log_line("Published " + with_commas(count) + " messages (" + with_commas(bytes) +
             " bytes) to \"" + subject_text + "\"");
  }
  close_and_wait(nc);
  return 0;
}

}  // namespace

Command pub_command() {
  return Command{
      .spec =
          {
              .name = "pub",
              .summary = "Publish messages",
              .description = kTemplateHelp,
              .args = {{"subject", "Subject to publish to"},
                       {"body", "Message body (default: standard input)", false}},
              .flags =
                  {
                      {.name = "count",
                       .placeholder = "N",
                       .help = "Publish N messages",
                       .default_text = "1"},
                      {.name = "header",
                       .short_name = 'H',
                       .kind = FlagKind::kList,
                       .placeholder = "K:V",
                       .help = "Adds a header to the message (repeatable)"},
                      {.name = "reply", .placeholder = "SUBJECT", .help = "Reply subject"},
                      {.name = "sleep",
                       .placeholder = "DURATION",
                       .help = "Pause between messages when publishing several"},
                      {.name = "quiet",
                       .short_name = 'q',
                       .kind = FlagKind::kSwitch,
                       .help = "Print nothing on success"},
                      {.name = "templates",
                       .kind = FlagKind::kSwitch,
                       .help = "Expand templates in subject, body and headers (--no-templates: "
                               "send them as is)",
                       .default_text = "true"},
                  },
          },
      .aliases = {"publish"},
      .run = run_pub,
  };
}

}  // namespace quiver::cli
