#include "client/connection.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "client/internal/core.h"
#include "common/assert.h"

namespace quiver::client {
namespace {

namespace asio = boost::asio;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

const std::shared_ptr<internal::Core>& checked(const std::shared_ptr<internal::Core>& core) {
  QV_CHECK(core != nullptr, "operation on a moved-from Connection");
  return core;
}

}  // namespace

Connection::Connection(executor_type executor)
    : core_(std::make_shared<internal::Core>(std::move(executor))) {}

Connection::~Connection() {
  if (core_) core_->start_close({});
}

Connection::Connection(Connection&&) noexcept = default;

Connection& Connection::operator=(Connection&& other) noexcept {
  if (this != &other) {
    if (core_) core_->start_close({});
    core_ = std::move(other.core_);
  }
  return *this;
}

Connection::executor_type Connection::get_executor() const noexcept {
  return checked(core_)->executor();
}

void Connection::start_connect(const std::shared_ptr<internal::Core>& core, Options options,
                               asio::any_completion_handler<VoidSignature> handler) {
  internal::Core::VoidCompletion done(std::move(handler), checked(core)->executor());
  core->start_connect(std::move(options), std::move(done));
}

Options Connection::options_for(std::string_view servers) {
  Options options;
  options.servers.clear();
  while (!servers.empty()) {
    const auto comma = servers.find(',');
    auto url = servers.substr(0, comma);
    while (!url.empty() && url.front() == ' ') url.remove_prefix(1);
    while (!url.empty() && url.back() == ' ') url.remove_suffix(1);
    if (!url.empty()) options.servers.emplace_back(url);
    if (comma == std::string_view::npos) break;
    servers.remove_prefix(comma + 1);
  }
  return options;
}

std::error_code Connection::publish(std::string_view subject, std::string_view data,
                                    const PublishOptions& options) {
  return checked(core_)->publish(subject, options.reply, options.headers, data);
}

std::error_code Connection::publish(const Message& message) {
  return checked(core_)->publish(message.subject(), message.reply(),
                                 message.has_headers() ? &message.headers() : nullptr,
                                 message.data());
}

std::error_code Connection::publish_for_async(std::string_view subject, std::string_view data,
                                              const PublishOptions& options, bool& above_limit) {
  return checked(core_)->publish(subject, options.reply, options.headers, data, &above_limit);
}

void Connection::start_publish_wait(const std::shared_ptr<internal::Core>& core, std::error_code ec,
                                    bool above_limit,
                                    asio::any_completion_handler<VoidSignature> handler) {
  internal::Core::VoidCompletion done(std::move(handler), checked(core)->executor());
  if (!ec && above_limit) {
    core->start_publish_wait(std::move(done));
    return;
  }
  done.complete(ec);
}

void Connection::start_flush(const std::shared_ptr<internal::Core>& core,
                             std::chrono::milliseconds timeout,
                             asio::any_completion_handler<VoidSignature> handler) {
  internal::Core::VoidCompletion done(std::move(handler), checked(core)->executor());
  core->start_flush(timeout, std::move(done));
}

void Connection::start_subscribe(const std::shared_ptr<internal::Core>& core, std::string subject,
                                 SubscribeOptions options, MessageHandler handler,
                                 asio::any_completion_handler<SubscribeSignature> completion) {
  internal::Core::SubCompletion done(std::move(completion), checked(core)->executor());
  core->start_subscribe(std::move(subject), std::string(options.queue), options, std::move(handler),
                        std::move(done));
}

void Connection::start_request(const std::shared_ptr<internal::Core>& core, std::string subject,
                               std::string data, RequestOptions options,
                               asio::any_completion_handler<RequestSignature> handler) {
  internal::Core::MsgCompletion done(std::move(handler), checked(core)->executor());
  std::optional<codec::Headers> headers;
  if (options.headers != nullptr) headers = *options.headers;
  core->start_request(std::move(subject), std::move(data), options.timeout, std::move(headers),
                      std::move(done));
}

void Connection::start_drain(const std::shared_ptr<internal::Core>& core,
                             asio::any_completion_handler<VoidSignature> handler) {
  internal::Core::VoidCompletion done(std::move(handler), checked(core)->executor());
  core->start_drain(std::move(done));
}

void Connection::start_close(const std::shared_ptr<internal::Core>& core,
                             asio::any_completion_handler<VoidSignature> handler) {
  internal::Core::VoidCompletion done(std::move(handler), checked(core)->executor());
  core->start_close(std::move(done));
}

void Connection::close() { checked(core_)->start_close({}); }

asio::awaitable<std::error_code> Connection::connect(Options options) {
  auto [ec] = co_await async_connect(std::move(options), kTuple);
  co_return std::error_code(ec);
}

asio::awaitable<std::error_code> Connection::flush(std::chrono::milliseconds timeout) {
  auto [ec] = co_await async_flush(timeout, kTuple);
  co_return std::error_code(ec);
}

asio::awaitable<Result<Subscription>> Connection::subscribe(std::string subject,
                                                            SubscribeOptions options) {
  auto [ec, sub] = co_await async_subscribe(std::move(subject), std::move(options), kTuple);
  if (ec) co_return std::error_code(ec);
  co_return std::move(sub);
}

asio::awaitable<Result<Subscription>> Connection::subscribe(std::string subject,
                                                            SubscribeOptions options,
                                                            MessageHandler handler) {
  auto [ec, sub] =
      co_await async_subscribe(std::move(subject), std::move(options), std::move(handler), kTuple);
  if (ec) co_return std::error_code(ec);
  co_return std::move(sub);
}

asio::awaitable<Result<Message>> Connection::request(std::string subject, std::string data,
                                                     std::chrono::milliseconds timeout) {
  auto [ec, reply] = co_await async_request(std::move(subject), std::move(data), timeout, kTuple);
  if (ec) co_return std::error_code(ec);
  co_return std::move(reply);
}

asio::awaitable<std::error_code> Connection::drain() {
  auto [ec] = co_await async_drain(kTuple);
  co_return std::error_code(ec);
}

Status Connection::status() const noexcept { return core_ ? core_->status() : Status::kClosed; }

Statistics Connection::stats() const { return checked(core_)->stats(); }

std::optional<codec::ServerInfo> Connection::server_info() const {
  return checked(core_)->server_info();
}

std::string Connection::connected_url() const { return checked(core_)->connected_url(); }

std::vector<std::string> Connection::servers() const { return checked(core_)->servers(); }

std::int64_t Connection::max_payload() const noexcept { return core_ ? core_->max_payload() : 0; }

std::string Connection::new_inbox() const { return checked(core_)->new_inbox(); }

}  // namespace quiver::client
