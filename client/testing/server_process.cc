#include "client/testing/server_process.h"

#include <cerrno>
#include <cstdlib>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <thread>
#include <unistd.h>
#include <utility>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>

extern char** environ;

namespace quiver::client::testing {
namespace {

using Clock = std::chrono::steady_clock;

std::error_code last_error() { return {errno, std::system_category()}; }

int poll_ms(Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  return left.count() < 0 ? 0 : static_cast<int>(left.count());
}

std::string log_dir() {
  const char* dir = std::getenv("TEST_UNDECLARED_OUTPUTS_DIR");
  if (dir == nullptr) dir = std::getenv("TEST_TMPDIR");
  return dir != nullptr ? dir : "/tmp";
}

}  // namespace

Result<std::uint16_t> free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return last_error();
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof(addr);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    const auto ec = last_error();
    ::close(fd);
    return ec;
  }
  ::close(fd);
  return ntohs(addr.sin_port);
}

bool wait_for_port(std::uint16_t port, std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return false;
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(port);
    const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
    ::close(fd);
    if (ok) return true;
    if (Clock::now() >= deadline) return false;
    // Polling with a short pause is the "wait with a deadline" the test rules ask for.
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

Result<ChildProcess> ChildProcess::spawn(const std::vector<std::string>& argv, bool capture_stdout,
                                         const std::string& log_path) {
  if (argv.empty()) return std::make_error_code(std::errc::invalid_argument);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  int pipe_fds[2] = {-1, -1};
  if (capture_stdout) {
    if (::pipe2(pipe_fds, O_CLOEXEC) != 0) return last_error();
    posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDOUT_FILENO);
  }
  if (!log_path.empty()) {
    if (!capture_stdout) {
      posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log_path.c_str(),
                                       O_WRONLY | O_CREAT | O_APPEND, 0644);
    }
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, log_path.c_str(),
                                     O_WRONLY | O_CREAT | O_APPEND, 0644);
  }
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = -1;
  const int rc = ::posix_spawn(&pid, argv[0].c_str(), &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (capture_stdout) ::close(pipe_fds[1]);
  if (rc != 0) {
    if (capture_stdout) ::close(pipe_fds[0]);
    return std::error_code(rc, std::system_category());
  }
  return ChildProcess(pid, capture_stdout ? pipe_fds[0] : -1);
}

ChildProcess::ChildProcess(ChildProcess&& other) noexcept
    : pid_(std::exchange(other.pid_, -1)),
      out_fd_(std::exchange(other.out_fd_, -1)),
      buffer_(std::move(other.buffer_)) {}

ChildProcess& ChildProcess::operator=(ChildProcess&& other) noexcept {
  if (this != &other) {
    stop();
    if (out_fd_ >= 0) ::close(out_fd_);
    pid_ = std::exchange(other.pid_, -1);
    out_fd_ = std::exchange(other.out_fd_, -1);
    buffer_ = std::move(other.buffer_);
  }
  return *this;
}

ChildProcess::~ChildProcess() {
  stop();
  if (out_fd_ >= 0) ::close(out_fd_);
}

std::optional<std::string> ChildProcess::read_line(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    if (const auto nl = buffer_.find('\n'); nl != std::string::npos) {
      std::string line = buffer_.substr(0, nl);
      buffer_.erase(0, nl + 1);
      return line;
    }
    if (out_fd_ < 0) return std::nullopt;
    pollfd p{out_fd_, POLLIN, 0};
    const int ready = ::poll(&p, 1, poll_ms(deadline));
    if (ready <= 0) return std::nullopt;
    char chunk[4096];
    const ssize_t n = ::read(out_fd_, chunk, sizeof(chunk));
    if (n <= 0) {
      ::close(out_fd_);
      out_fd_ = -1;
      if (buffer_.empty()) return std::nullopt;
      return std::exchange(buffer_, {});
    }
    buffer_.append(chunk, static_cast<std::size_t>(n));
  }
}

std::string ChildProcess::read_all(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  std::string out;
  while (auto line = read_line(
             std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()))) {
    out += *line + "\n";
    if (Clock::now() >= deadline) break;
  }
  return out;
}

std::optional<int> ChildProcess::wait(std::chrono::milliseconds timeout) {
  if (pid_ <= 0) return std::nullopt;
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    int status = 0;
    const pid_t r = ::waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      pid_ = -1;
      if (WIFEXITED(status)) return WEXITSTATUS(status);
      if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
      return -1;
    }
    if (r < 0) {
      pid_ = -1;
      return std::nullopt;
    }
    if (Clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

void ChildProcess::signal(int sig) {
  if (pid_ > 0) ::kill(pid_, sig);
}

void ChildProcess::kill() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
}

void ChildProcess::stop() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  if (!wait(std::chrono::seconds(5))) kill();
}

Result<ServerProcess> ServerProcess::start(const std::string& binary,
                                           std::vector<std::string> extra_args,
                                           std::uint16_t port) {
  ServerProcess server;
  server.binary_ = binary;
  server.extra_args_ = std::move(extra_args);
  if (port == 0) {
    QV_TRY(auto free, free_port());
    port = free;
  }
  server.port_ = port;
  if (auto ec = server.launch()) return ec;
  return server;
}

std::error_code ServerProcess::launch() {
  std::vector<std::string> argv{binary_, "-a", "127.0.0.1", "-p", std::to_string(port_)};
  argv.insert(argv.end(), extra_args_.begin(), extra_args_.end());
  std::string name = binary_.substr(binary_.rfind('/') + 1);
  const std::string log = log_dir() + "/" + name + "-" + std::to_string(port_) + "-" +
                          std::to_string(::getpid()) + "-" + std::to_string(generation_++) + ".log";
  auto child = ChildProcess::spawn(argv, false, log);
  if (!child) return child.error();
  process_.emplace(std::move(child).value());
  if (!wait_for_port(port_, std::chrono::seconds(10))) {
    process_->kill();
    return std::make_error_code(std::errc::timed_out);
  }
  return {};
}

void ServerProcess::kill() {
  if (process_) process_->kill();
}

void ServerProcess::signal(int sig) {
  if (process_) process_->signal(sig);
}

std::error_code ServerProcess::restart() {
  kill();
  return launch();
}

void ServerProcess::stop() {
  if (process_) process_->stop();
}

}  // namespace quiver::client::testing
