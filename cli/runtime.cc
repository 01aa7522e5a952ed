#include "cli/runtime.h"

#include <cstdio>

#include "cli/format.h"
#include "cli/values.h"

namespace quiver::cli {

std::vector<FlagSpec> connection_flags() {
  return {
      {.name = "server",
       .short_name = 's',
       .placeholder = "URL",
       .help = "NATS server URLs, comma separated (NATS_URL)",
       .default_text = "nats://127.0.0.1:4222"},
      {.name = "user", .placeholder = "USER", .help = "Username or token (NATS_USER)"},
      {.name = "password", .placeholder = "PASSWORD", .help = "Password (NATS_PASSWORD)"},
      {.name = "token", .placeholder = "TOKEN", .help = "Authentication token (NATS_TOKEN)"},
      {.name = "timeout",
       .placeholder = "DURATION",
       .help = "Time to wait for connections and responses (NATS_TIMEOUT)",
       .default_text = "5s"},
  };
}

namespace {

std::vector<std::string> split_urls(std::string_view text) {
  std::vector<std::string> urls;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t comma = text.find(',', start);
    if (comma == std::string_view::npos) comma = text.size();
    std::string_view url = text.substr(start, comma - start);
    while (!url.empty() && url.front() == ' ') url.remove_prefix(1);
    while (!url.empty() && url.back() == ' ') url.remove_suffix(1);
    if (!url.empty()) urls.emplace_back(url);
    start = comma + 1;
  }
  return urls;
}

}  // namespace

ConnectionSettings connection_settings(const ParsedArgs& args, const GetEnv& getenv) {
  ConnectionSettings s;
  auto from = [&](std::string_view flag, const char* env) -> std::optional<std::string> {
    if (auto v = args.value(flag)) return v;
    if (const char* e = getenv(env); e != nullptr && *e != '\0') return std::string(e);
    return std::nullopt;
  };
  if (auto servers = from("server", "NATS_URL")) {
    s.servers = split_urls(*servers);
    if (s.servers.empty()) throw UsageError("no server URL in '" + *servers + "'");
  }
  s.user = from("user", "NATS_USER").value_or("");
  s.password = from("password", "NATS_PASSWORD").value_or("");
  s.token = from("token", "NATS_TOKEN").value_or("");
  if (auto timeout = from("timeout", "NATS_TIMEOUT")) {
    auto d = parse_duration(*timeout);
    if (!d || d->count() <= 0) {
      throw UsageError("invalid timeout '" + *timeout + "': want a positive duration (2s, 500ms)");
    }
    s.timeout = *d;
  }
  return s;
}

client::Options client_options(const ConnectionSettings& settings, std::string name) {
  client::Options o;
  o.servers = settings.servers;
  o.no_randomize = true;
  o.name = std::move(name);
  o.user = settings.user;
  o.password = settings.password;
  o.token = settings.token;
  o.connect_timeout = std::chrono::duration_cast<std::chrono::milliseconds>(settings.timeout);
  return o;
}

std::string join_servers(const std::vector<std::string>& servers) {
  std::string out;
  for (const auto& s : servers) {
    if (!out.empty()) out += ", ";
    out += s;
  }
  return out;
}

Runtime::Runtime(int threads) : guard_(boost::asio::make_work_guard(io_)) {
  for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { io_.run(); });
}

Runtime::~Runtime() {
  guard_.reset();
  // Commands flush what they published before returning; what is left (a close in progress)
  // does not need to finish before the process exits.
  io_.stop();
  for (auto& t : threads_) t.join();
}

client::Connection Runtime::connect(client::Options options) {
  client::Connection nc(io_.get_executor());
  const std::string servers = join_servers(options.servers);
  auto [ec] =
      wait_for<>([&](auto handler) { nc.async_connect(std::move(options), std::move(handler)); });
  if (ec) throw CliError("could not connect to " + servers + ": " + ec.message());
  return nc;
}

void flush_or_throw(client::Connection& nc, std::chrono::nanoseconds timeout) {
  auto [ec] = wait_for<>([&](auto handler) {
    nc.async_flush(std::chrono::duration_cast<std::chrono::milliseconds>(timeout),
                   std::move(handler));
  });
  if (ec) throw CliError("flush failed: " + ec.message());
}

std::error_code publish_waiting(client::Connection& nc, std::string_view subject,
                                std::string_view data, const client::PublishOptions& options) {
  std::error_code ec = nc.publish(subject, data, options);
  if (ec != client::errc::kWriteBufferFull) return ec;
  auto [waited] = wait_for<>(
      [&](auto handler) { nc.async_publish(subject, data, options, std::move(handler)); });
  return waited;
}

void close_and_wait(client::Connection& nc) {
  wait_for<>([&](auto handler) { nc.async_close(std::move(handler)); });
}

void log_line(std::string_view text) {
  std::string line = clock_hms(std::chrono::system_clock::now());
  line += ' ';
  line += text;
  line += '\n';
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fflush(stderr);
}

void print_out(std::string_view text) {
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fflush(stdout);
}

}  // namespace quiver::cli
