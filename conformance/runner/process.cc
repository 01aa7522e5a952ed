#include "conformance/runner/process.h"

#include <array>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <netdb.h>
#include <signal.h>
#include <sstream>
#include <thread>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>

namespace quiver::conformance {
namespace {

// Live broker PIDs in a fixed table of atomics, so a signal handler can read it.
constexpr std::size_t kMaxServers = 64;
std::array<std::atomic<pid_t>, kMaxServers> g_server_pids{};

void remember_pid(pid_t pid) {
  for (auto& slot : g_server_pids) {
    pid_t expected = 0;
    if (slot.compare_exchange_strong(expected, pid)) return;
  }
}

void forget_pid(pid_t pid) {
  for (auto& slot : g_server_pids) {
    pid_t expected = pid;
    if (slot.compare_exchange_strong(expected, 0)) return;
  }
}

std::string describe_status(int status) {
  if (WIFEXITED(status)) return "exited with status " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return "killed by signal " + std::to_string(WTERMSIG(status));
  return "stopped (status " + std::to_string(status) + ")";
}

bool port_accepts(const std::string& host, uint16_t port) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (::getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found) != 0) {
    return false;
  }
  bool ok = false;
  for (addrinfo* ai = found; ai != nullptr && !ok; ai = ai->ai_next) {
    const int fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0) continue;
    ok = ::connect(fd, ai->ai_addr, ai->ai_addrlen) == 0;
    ::close(fd);
  }
  ::freeaddrinfo(found);
  return ok;
}

}  // namespace

std::string substitute(std::string_view command, const std::map<std::string, std::string>& values) {
  std::string out;
  out.reserve(command.size() + 64);
  std::size_t i = 0;
  while (i < command.size()) {
    if (command[i] == '{') {
      const std::size_t close = command.find('}', i + 1);
      if (close != std::string_view::npos) {
        const auto it = values.find(std::string(command.substr(i + 1, close - i - 1)));
        if (it != values.end()) {
          out += it->second;
          i = close + 1;
          continue;
        }
      }
    }
    out += command[i++];
  }
  return out;
}

bool has_placeholder(std::string_view command, std::string_view key) {
  return command.find("{" + std::string(key) + "}") != std::string_view::npos;
}

std::optional<uint16_t> pick_free_port(const std::string& host) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE;
  addrinfo* found = nullptr;
  if (::getaddrinfo(host.c_str(), "0", &hints, &found) != 0) return std::nullopt;
  std::optional<uint16_t> port;
  for (addrinfo* ai = found; ai != nullptr && !port; ai = ai->ai_next) {
    const int fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0) continue;
    if (::bind(fd, ai->ai_addr, ai->ai_addrlen) == 0) {
      sockaddr_storage addr{};
      socklen_t len = sizeof addr;
      if (::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
        if (addr.ss_family == AF_INET) {
          port = ntohs(reinterpret_cast<sockaddr_in*>(&addr)->sin_port);
        } else if (addr.ss_family == AF_INET6) {
          port = ntohs(reinterpret_cast<sockaddr_in6*>(&addr)->sin6_port);
        }
      }
    }
    ::close(fd);
  }
  ::freeaddrinfo(found);
  return port;
}

ServerProcess::ServerProcess(pid_t pid, std::string command, std::string log_path)
    : pid_(pid), command_(std::move(command)), log_path_(std::move(log_path)) {}

ServerProcess::~ServerProcess() { stop(); }

std::unique_ptr<ServerProcess> ServerProcess::start(const std::string& command,
                                                    const std::string& log_path,
                                                    std::string& error) {
  const int log_fd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (log_fd < 0) {
    error = "cannot create " + log_path + ": " + std::strerror(errno);
    return nullptr;
  }
  const std::string shell_command = "exec " + command;
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) {
    error = std::string("fork: ") + std::strerror(errno);
    ::close(log_fd);
    return nullptr;
  }
  if (pid == 0) {
    // Child: only async-signal-safe calls until exec.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);  // the runner died before prctl took effect
    const int devnull = ::open("/dev/null", O_RDONLY);
    if (devnull >= 0) ::dup2(devnull, 0);
    ::dup2(log_fd, 1);
    ::dup2(log_fd, 2);
    ::execl("/bin/sh", "sh", "-c", shell_command.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ::close(log_fd);
  remember_pid(pid);
  return std::unique_ptr<ServerProcess>(new ServerProcess(pid, command, log_path));
}

bool ServerProcess::running() {
  if (exited_) return false;
  int status = 0;
  const pid_t r = ::waitpid(pid_, &status, WNOHANG);
  if (r == pid_) {
    exited_ = true;
    exit_description_ = describe_status(status);
    forget_pid(pid_);
    return false;
  }
  return true;
}

bool ServerProcess::wait_for_port(const std::string& host, uint16_t port,
                                  std::chrono::milliseconds timeout, std::string& error) {
  const auto until = std::chrono::steady_clock::now() + timeout;
  while (true) {
    if (!running()) {
      error = "the broker " + exit_description_ + " before accepting on " + host + ":" +
              std::to_string(port);
      return false;
    }
    if (port_accepts(host, port)) return true;
    if (std::chrono::steady_clock::now() >= until) {
      error = "the broker did not accept on " + host + ":" + std::to_string(port) + " within " +
              std::to_string(timeout.count()) + " ms";
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

void ServerProcess::stop(std::chrono::milliseconds grace) {
  if (!running()) return;
  ::kill(pid_, SIGTERM);
  const auto until = std::chrono::steady_clock::now() + grace;
  while (running()) {
    if (std::chrono::steady_clock::now() >= until) {
      ::kill(pid_, SIGKILL);
      int status = 0;
      ::waitpid(pid_, &status, 0);
      exited_ = true;
      exit_description_ = describe_status(status);
      forget_pid(pid_);
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

std::string ServerProcess::log_tail(std::size_t max_bytes) const {
  std::ifstream in(log_path_, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  std::string text = buffer.str();
  if (text.size() > max_bytes) text = "..." + text.substr(text.size() - max_bytes);
  return text;
}

void kill_all_servers_now() noexcept {
  for (auto& slot : g_server_pids) {
    const pid_t pid = slot.load();
    if (pid > 0) ::kill(pid, SIGKILL);
  }
}

}  // namespace quiver::conformance
