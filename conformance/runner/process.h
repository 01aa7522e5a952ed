// Broker processes the runner starts: command templates with placeholders, free ports,
// waiting until a port accepts, and stopping by PID (SIGTERM, then SIGKILL). Never by name.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <sys/types.h>

namespace quiver::conformance {

// Replaces every "{key}" for the keys of `values`; other braces are left as they are (the
// command is shell text).
std::string substitute(std::string_view command, const std::map<std::string, std::string>& values);

// True when `command` contains "{key}".
bool has_placeholder(std::string_view command, std::string_view key);

// A TCP port on `host` that was free a moment ago (bound to port 0, then released).
std::optional<uint16_t> pick_free_port(const std::string& host);

class ServerProcess {
 public:
  // Runs `command` with /bin/sh -c "exec <command>", stdin from /dev/null and stdout/stderr to
  // `log_path`. The child is killed if the runner dies (PR_SET_PDEATHSIG). nullptr and
  // `error` set when it cannot be started.
  static std::unique_ptr<ServerProcess> start(const std::string& command,
                                              const std::string& log_path, std::string& error);
  ~ServerProcess();

  pid_t pid() const { return pid_; }
  const std::string& command() const { return command_; }
  const std::string& log_path() const { return log_path_; }

  // False once the process has exited (reaps it).
  bool running();
  // "exited with status N" / "killed by signal N"; "" while running.
  std::string exit_description() const { return exit_description_; }

  // Polls until `host:port` accepts a connection. False (with `error`) when the process exits
  // first or `timeout` passes.
  bool wait_for_port(const std::string& host, uint16_t port, std::chrono::milliseconds timeout,
                     std::string& error);

  // SIGTERM, up to `grace` for the process to exit, then SIGKILL. Idempotent.
  void stop(std::chrono::milliseconds grace = std::chrono::seconds(5));

  // The last `max_bytes` of the log file.
  std::string log_tail(std::size_t max_bytes = 2000) const;

 private:
  ServerProcess(pid_t pid, std::string command, std::string log_path);

  pid_t pid_;
  std::string command_;
  std::string log_path_;
  bool exited_ = false;
  std::string exit_description_;
};

// Sends SIGKILL to every broker process still running; async-signal-safe (for the runner's
// signal handler and its hung-case watchdog).
void kill_all_servers_now() noexcept;

}  // namespace quiver::conformance
