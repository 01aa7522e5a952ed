// quiver-server: the composition root. Parses flags and the config file (nats-server's syntax),
// starts the broker and its monitoring endpoint, and turns signals into lifecycle events:
//   SIGINT, SIGTERM  graceful shutdown      SIGHUP   reload the config file (limits, auth)
//   SIGUSR2          lame duck mode          SIGUSR1  reopen the log file
#include <cstdio>
#include <fstream>
#include <iostream>
#include <optional>
#include <signal.h>
#include <string>
#include <unistd.h>

#include <boost/asio.hpp>

#include "common/log.h"
#include "server/config/command_line.h"
#include "server/config/options.h"
#include "server/jetstream/jetstream.h"
#include "server/monitor/monitor.h"
#include "server/net/server.h"

namespace {

namespace asio = boost::asio;
namespace config = quiver::server::config;
namespace net = quiver::server::net;
namespace jetstream = quiver::server::jetstream;

quiver::log::Settings log_settings(const config::ServerOptions& options) {
  quiver::log::Settings settings;
  settings.debug = options.logging.debug;
  settings.trace = options.logging.trace || options.logging.trace_verbose;
  settings.timestamps = options.logging.logtime;
  settings.file = options.logging.log_file;
  return settings;
}

// --signal <command>[=<pid|pidfile>]: sends the matching signal to a running server.
int send_signal(const std::string& spec, const std::string& default_pid_file) {
  std::string command = spec;
  std::string target;
  if (auto eq = spec.find('='); eq != std::string::npos) {
    command = spec.substr(0, eq);
    target = spec.substr(eq + 1);
  }
  int sig = 0;
  if (command == "stop")
    sig = SIGKILL;
  else if (command == "quit")
    sig = SIGINT;
  else if (command == "term")
    sig = SIGTERM;
  else if (command == "reload")
    sig = SIGHUP;
  else if (command == "reopen")
    sig = SIGUSR1;
  else if (command == "ldm")
    sig = SIGUSR2;
  else {
    std::fprintf(stderr, "quiver-server: unknown signal \"%s\"\n", command.c_str());
    return 1;
  }
  if (target.empty()) target = default_pid_file;
  if (target.empty()) {
    std::fprintf(stderr, "quiver-server: --signal needs a pid or pid file (=<pid|file>)\n");
    return 1;
  }
  std::string pid_text = target;
  if (target.find_first_not_of("0123456789") != std::string::npos) {
    std::ifstream in(target);
    if (!(in >> pid_text)) {
      std::fprintf(stderr, "quiver-server: cannot read pid file %s\n", target.c_str());
      return 1;
    }
  }
  const pid_t pid = static_cast<pid_t>(std::stol(pid_text));
  if (::kill(pid, sig) != 0) {
    std::perror("quiver-server: kill");
    return 1;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  auto command_line = config::parse_command_line(argc, argv);
  if (!command_line) {
    std::fprintf(stderr, "quiver-server: %s\n%s", command_line.error().message.c_str(),
                 "Use --help for the list of options.\n");
    return 1;
  }
  const config::CommandLine& cl = command_line.value();
  if (cl.show_help) {
    std::fwrite(config::usage_text().data(), 1, config::usage_text().size(), stdout);
    return 0;
  }
  if (cl.show_version) {
    std::printf("quiver-server: v%s (%s)\n", std::string(net::kServerVersion).c_str(),
                std::string(net::kServerBuild).c_str());
    return 0;
  }
  auto loaded = config::load_options(cl);
  if (!cl.signal.empty()) {
    return send_signal(cl.signal, loaded ? loaded.value().pid_file : std::string());
  }
  if (!loaded) {
    std::fprintf(stderr, "quiver-server: %s\n", loaded.error().message.c_str());
    return 1;
  }
  config::ServerOptions options = loaded.value();
  if (cl.check_config) {
    std::printf("quiver-server: configuration file %s is valid\n", options.config_file.c_str());
    return 0;
  }
  if (!quiver::log::configure(log_settings(options))) {
    std::fprintf(stderr, "quiver-server: cannot open log file %s\n",
                 options.logging.log_file.c_str());
    return 1;
  }

  // A peer that resets a connection mid-write must cost that connection only.
  ::signal(SIGPIPE, SIG_IGN);

  net::Server server(options);
  // Signals are trapped before the listener opens: a client (or a test) that sees the port
  // may signal at once, and SIGHUP/SIGUSR1/SIGUSR2 would otherwise kill the process.
  asio::io_context signal_io(1);
  asio::signal_set signals(signal_io, SIGINT, SIGTERM, SIGHUP);
  signals.add(SIGUSR1);
  signals.add(SIGUSR2);
  std::function<void(const boost::system::error_code&, int)> on_signal;
  on_signal = [&](const boost::system::error_code& ec, int sig) {
    if (ec) return;
    switch (sig) {
      case SIGINT:
      case SIGTERM:
        QV_LOG_INFO("Trapped \"", sig == SIGINT ? "interrupt" : "terminated", "\" signal");
        server.shutdown();
        signal_io.stop();
        return;
      case SIGHUP: {
        auto reloaded = config::load_options(cl);
        if (!reloaded) {
          QV_LOG_ERROR("Failed to reload server configuration: ", reloaded.error().message);
        } else if (auto r = server.reload(reloaded.value()); !r) {
          QV_LOG_ERROR("Failed to reload server configuration: ", r.error().message());
        } else {
          quiver::log::configure(log_settings(reloaded.value()));
        }
        break;
      }
      case SIGUSR1:
        quiver::log::configure(log_settings(server.options()));
        break;
      case SIGUSR2:
        server.enter_lame_duck();
        break;
    }
    signals.async_wait(on_signal);
  };
  signals.async_wait(on_signal);
  // JetStream recovers its streams before the listener opens, so the first client already
  // finds them.
  std::unique_ptr<jetstream::JetStream> js;
  if (options.jetstream.enabled) {
    jetstream::JetStreamConfig js_config;
    js_config.store_dir = options.jetstream.store_dir;
    js_config.max_memory = options.jetstream.max_memory_store;
    js_config.max_storage = options.jetstream.max_file_store;
    js_config.sync_interval = options.jetstream.sync_interval;
    js_config.domain = options.jetstream.domain;
    auto started_js = jetstream::JetStream::start(server, js_config);
    if (!started_js) {
      QV_LOG_FATAL("Can't start JetStream: ", started_js.error().message());
      return 1;
    }
    js = std::move(started_js).value();
  }
  if (auto started = server.start(); !started) {
    QV_LOG_FATAL("Error listening on port: ", options.host, ":", options.port, ", \"",
                 started.error().message(), "\"");
    return 1;
  }
  // Declared after `server`, so it is destroyed first.
  std::optional<quiver::server::monitor::MonitorServer> monitor;
  if (options.http_port != 0) {
    monitor.emplace(server, options.http_host, options.http_port);
    if (auto started = monitor->start(); !started) {
      QV_LOG_FATAL("Can't listen on monitor port ", options.http_host, ":", options.http_port, ": ",
                   started.error().message());
      server.shutdown();
      return 1;
    }
  }
  if (!options.pid_file.empty()) {
    std::ofstream pid(options.pid_file);
    pid << ::getpid();
    if (!pid) QV_LOG_ERROR("Could not write pidfile: ", options.pid_file);
  }

  std::thread signal_thread([&]() { signal_io.run(); });
  server.wait();
  if (monitor) monitor->stop();
  signal_io.stop();
  signal_thread.join();
  if (!options.pid_file.empty()) ::unlink(options.pid_file.c_str());
  return 0;
}
