// Real servers and programs for integration tests: find a free loopback port, start a NATS
// server binary (nats-server or quiver-server: both take `-a HOST -p PORT`), wait until it
// accepts connections, SIGKILL it by PID and restart it on the same port; and run helper
// programs with their stdout captured.
//
//   auto server = ServerProcess::start("/usr/sbin/nats-server");
//   client options.servers = {server->url()};
//   server->kill();             // SIGKILL, reaped
//   server->restart();          // same binary, arguments and port; waits until it listens
//
// Every process is stopped by its PID when its owner goes away. Logs go to $TEST_TMPDIR.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include "common/result.h"

#include <sys/types.h>

namespace quiver::client::testing {

// A port nothing listens on right now (bound to 127.0.0.1:0 and released).
Result<std::uint16_t> free_port();

// Polls until 127.0.0.1:port accepts a TCP connection or `timeout` passes.
bool wait_for_port(std::uint16_t port, std::chrono::milliseconds timeout);

// A started child process; stopped (SIGTERM, then SIGKILL after 5 s) and reaped on destruction.
class ChildProcess {
 public:
  // Starts argv[0] with argv; stdout is captured when `capture_stdout`, else it goes to
  // `log_path` (with stderr) when given.
  static Result<ChildProcess> spawn(const std::vector<std::string>& argv, bool capture_stdout,
                                    const std::string& log_path = "");

  ChildProcess(ChildProcess&& other) noexcept;
  ChildProcess& operator=(ChildProcess&& other) noexcept;
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  ~ChildProcess();

  pid_t pid() const noexcept { return pid_; }
  bool running() const noexcept { return pid_ > 0; }

  // The next line of the captured stdout (without '\n'), nullopt on EOF or timeout.
  std::optional<std::string> read_line(std::chrono::milliseconds timeout);
  // Everything until EOF (or `timeout`).
  std::string read_all(std::chrono::milliseconds timeout);
  // Waits for the exit; the exit status (128 + signal when killed), nullopt on timeout.
  std::optional<int> wait(std::chrono::milliseconds timeout);
  void signal(int sig);
  // SIGKILL and reap.
  void kill();
  // SIGTERM, up to 5 s, then SIGKILL; reaped.
  void stop();

 private:
  ChildProcess(pid_t pid, int out_fd) : pid_(pid), out_fd_(out_fd) {}

  pid_t pid_ = -1;
  int out_fd_ = -1;
  std::string buffer_;
};

class ServerProcess {
 public:
  // `binary -a 127.0.0.1 -p PORT extra_args...`; port 0 picks a free one.
  static Result<ServerProcess> start(const std::string& binary,
                                     std::vector<std::string> extra_args = {},
                                     std::uint16_t port = 0);

  std::uint16_t port() const noexcept { return port_; }
  pid_t pid() const noexcept { return process_ ? process_->pid() : -1; }
  std::string url() const { return "nats://127.0.0.1:" + std::to_string(port_); }
  bool running() const noexcept { return process_ && process_->running(); }

  void kill();                // SIGKILL by PID, reaped
  void signal(int sig);       // e.g. SIGUSR2: lame duck mode
  std::error_code restart();  // kill if running, start again on the same port, wait for it
  void stop();

 private:
  std::error_code launch();

  std::string binary_;
  std::vector<std::string> extra_args_;
  std::uint16_t port_ = 0;
  int generation_ = 0;
  std::optional<ChildProcess> process_;
};

}  // namespace quiver::client::testing
