// quiver server ping | info.
#include <algorithm>
#include <thread>

#include "cli/commands.h"
#include "cli/format.h"
#include "cli/runtime.h"
#include "codec/protocol_json.h"

namespace quiver::cli {
namespace {

std::string server_label(const client::Connection& nc) {
  const auto info = nc.server_info();
  if (!info) return "";
  std::string out = "server_id " + info->server_id;
  if (!info->server_name.empty() && info->server_name != info->server_id) {
    out = "server \"" + info->server_name + "\", " + out;
  }
  if (!info->version.empty()) out += ", version " + info->version;
  return out;
}

int run_ping(const ParsedArgs& args) {
  const ConnectionSettings settings = connection_settings(args);
  const std::uint64_t count = args.count("count", 5);
  if (count == 0) throw UsageError("--count must be at least 1");
  const auto interval = args.duration("interval", std::chrono::nanoseconds(0));

  Runtime runtime;
  client::Connection nc = runtime.connect(client_options(settings, "quiver server ping"));
  const std::string url = nc.connected_url();
  print_out("PING " + url + " (" + server_label(nc) + ")\n");

  std::uint64_t pongs = 0;
  std::chrono::nanoseconds min = std::chrono::nanoseconds::max(), max{0}, sum{0};
  for (std::uint64_t i = 1; i <= count; ++i) {
    const auto start = std::chrono::steady_clock::now();
    auto [ec] = wait_for<>([&](auto handler) {
      nc.async_flush(std::chrono::duration_cast<std::chrono::milliseconds>(settings.timeout),
                     std::move(handler));
    });
    const auto rtt = std::chrono::duration_cast<std::chrono::nanoseconds>(
        std::chrono::steady_clock::now() - start);
    if (ec) {
      print_out("no PONG " + std::to_string(i) + " from " + url + ": " + ec.message() + "\n");
    } else {
      ++pongs;
      min = std::min(min, rtt);
      max = std::max(max, rtt);
      sum += rtt;
      print_out("PONG " + std::to_string(i) + " from " + url + ": rtt=" + go_duration(rtt) + "\n");
    }
    if (interval.count() > 0 && i < count) std::this_thread::sleep_for(interval);
  }
  std::string summary = "--- " + url + " ping statistics ---\n" + std::to_string(count) +
                        " PINGs sent, " + std::to_string(pongs) + " PONGs received, " +
                        fixed(100.0 * static_cast<double>(count - pongs) / count, 1) + "% loss";
  if (pongs > 0) {
    summary += ", rtt min/avg/max = " + go_duration(min) + "/" +
               go_duration(sum / static_cast<std::int64_t>(pongs)) + "/" + go_duration(max);
  }
  print_out(summary + "\n");
  close_and_wait(nc);
  if (pongs == 0) throw CliError("no PONG received from " + url);
  return 0;
}

int run_info(const ParsedArgs& args) {
  const ConnectionSettings settings = connection_settings(args);
  const bool json = args.enabled("json", false);
  Runtime runtime;
  client::Connection nc = runtime.connect(client_options(settings, "quiver server info"));
  const auto info = nc.server_info();
  const std::string url = nc.connected_url();
  close_and_wait(nc);
  if (!info) throw CliError("no INFO received from " + url);
  if (json) {
    print_out(codec::encode_info_json(*info) + "\n");
    return 0;
  }

  auto yes_no = [](bool b) { return std::string(b ? "true" : "false"); };
  auto list = [](const std::vector<std::string>& v) {
    std::string out;
    for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
    return out.empty() ? std::string("-") : out;
  };
  const std::vector<std::pair<std::string, std::string>> rows = {
      {"Server ID", info->server_id},
      {"Server name", info->server_name},
      {"Version", info->version},
      {"Go", info->go.empty() ? "-" : info->go},
      {"Git commit", info->git_commit.value_or("-")},
      {"Protocol", std::to_string(info->proto)},
      {"Host", info->host + ":" + std::to_string(info->port)},
      {"Headers", yes_no(info->headers)},
      {"Max payload",
       with_commas(static_cast<std::uint64_t>(std::max<std::int64_t>(info->max_payload, 0))) +
           " bytes"},
      {"Auth required", yes_no(info->auth_required)},
      {"TLS required", yes_no(info->tls_required)},
      {"JetStream", yes_no(info->jetstream)},
      {"Cluster", info->cluster.empty() ? "-" : info->cluster},
      {"Connect URLs", list(info->connect_urls)},
      {"Lame duck mode", yes_no(info->ldm)},
      {"Client ID", std::to_string(info->client_id)},
      {"Client IP", info->client_ip.empty() ? "-" : info->client_ip},
  };
  std::string out = "Server information for " + url + "\n\n";
  std::size_t width = 0;
  for (const auto& row : rows) width = std::max(width, row.first.size());
  for (const auto& [key, value] : rows) {
    out += std::string(width - key.size() + 2, ' ') + key + ": " + value + "\n";
  }
  print_out(out);
  return 0;
}

}  // namespace

Command server_ping_command() {
  return Command{
      .spec =
          {
              .name = "server ping",
              .summary = "Measure the round trip to the server with PING/PONG",
              .description = "Sends PINGs one after the other and prints the time to each PONG.\n",
              .flags =
                  {
                      {.name = "count",
                       .short_name = 'c',
                       .placeholder = "N",
                       .help = "Number of PINGs",
                       .default_text = "5"},
                      {.name = "interval",
                       .placeholder = "DURATION",
                       .help = "Pause between PINGs",
                       .default_text = "0s"},
                  },
          },
      .aliases = {},
      .run = run_ping,
  };
}

Command server_info_command() {
  return Command{
      .spec =
          {
              .name = "server info",
              .summary = "Print the INFO the server sends to clients",
              .flags =
                  {
                      {.name = "json",
                       .kind = FlagKind::kSwitch,
                       .help = "Print the INFO JSON object"},
                  },
          },
      .aliases = {},
      .run = run_info,
  };
}

}  // namespace quiver::cli
