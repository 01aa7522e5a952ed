// quiver req: natscli's `nats request`.
#include <random>

#include "cli/commands.h"
#include "cli/format.h"
#include "cli/messages.h"
#include "cli/runtime.h"
#include "codec/subject.h"

namespace quiver::cli {
namespace {

int run_req(const ParsedArgs& args) {
  const ConnectionSettings settings = connection_settings(args);
  const std::string subject_text = *args.arg("subject");
  const std::uint64_t count = args.count("count", 1);
  if (count == 0) throw UsageError("--count must be at least 1");
  const bool raw = args.enabled("raw", false);
  const bool templates = args.enabled("templates", true);
  const auto headers = parse_header_flags(args.values("header"), templates);
  const Template subject =
      templates ? Template::parse(subject_text) : Template::literal(subject_text);
  const std::string body_text = args.arg("body") ? *args.arg("body") : read_stdin();
  const Template body = templates ? Template::parse(body_text) : Template::literal(body_text);
  if (subject.is_literal() && !codec::is_valid_literal_subject(subject_text)) {
    throw UsageError("invalid subject '" + subject_text + "'");
  }

  Runtime runtime;
  client::Connection nc = runtime.connect(client_options(settings, "quiver req"));
  std::mt19937_64 rng(std::random_device{}());
  const auto timeout = std::chrono::duration_cast<std::chrono::milliseconds>(settings.timeout);

  for (std::uint64_t i = 1; i <= count; ++i) {
    TemplateValues values{.count = i, .now = std::chrono::system_clock::now()};
    const std::string subject_out = subject.expand(values, rng);
    std::string body_out = body.expand(values, rng);
    client::RequestOptions options;
    options.timeout = timeout;
    codec::Headers hdrs;
    if (!headers.empty()) {
      hdrs = expand_headers(headers, values, rng);
      options.headers = &hdrs;
    }
    if (!raw) log_line("Sending request on \"" + subject_out + "\"");

    const auto start = std::chrono::steady_clock::now();
    auto [ec, reply] = wait_for<client::Message>([&](auto handler) {
      nc.async_request(subject_out, std::move(body_out), options, std::move(handler));
    });
    const auto rtt = std::chrono::steady_clock::now() - start;
    if (ec == client::errc::kNoResponders) {
      throw CliError("no responders available for request");
    }
    if (ec == client::errc::kTimeout) {
      throw CliError("timeout: no reply on \"" + subject_out + "\" within " +
                     go_duration(settings.timeout));
    }
    if (ec) throw CliError("request failed: " + ec.message());

    if (raw) {
      std::string out(reply.data());
      out += "\n";
      print_out(out);
      continue;
    }
    log_line("Received with rtt " +
             go_duration(std::chrono::duration_cast<std::chrono::nanoseconds>(rtt)));
    for (const auto& line : header_lines(reply)) log_line(line);
    print_out(format_body(reply.data()));
  }
  close_and_wait(nc);
  return 0;
}

}  // namespace

Command req_command() {
  return Command{
      .spec =
          {
              .name = "req",
              .summary = "Send a request and print the reply",
              .description =
                  "The subject, body and header values may use the templates of `quiver pub`\n"
                  "({{Count}}, {{TimeStamp}}, {{ID}}, ...). Without a body argument the body\n"
                  "is read from standard input. --timeout bounds the wait for each reply.\n",
              .args = {{"subject", "Subject to send the request to"},
                       {"body", "Request body (default: standard input)", false}},
              .flags =
                  {
                      {.name = "header",
                       .short_name = 'H',
                       .kind = FlagKind::kList,
                       .placeholder = "K:V",
                       .help = "Adds a header to the request (repeatable)"},
                      {.name = "count",
                       .placeholder = "N",
                       .help = "Send N requests, one after the other",
                       .default_text = "1"},
                      {.name = "raw",
                       .short_name = 'r',
                       .kind = FlagKind::kSwitch,
                       .help = "Print only the reply bodies"},
                      {.name = "templates",
                       .kind = FlagKind::kSwitch,
                       .help = "Expand templates (--no-templates: send as is)",
                       .default_text = "true"},
                  },
          },
      .aliases = {"request"},
      .run = run_req,
  };
}

}  // namespace quiver::cli
