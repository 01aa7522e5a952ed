#include <string>
#include <utility>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include "client/transport.h"

namespace quiver::client {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

class TcpTransport final : public Transport {
 public:
  explicit TcpTransport(const asio::any_io_executor& ex) : socket_(ex), resolver_(ex) {}

  asio::awaitable<std::error_code> connect(std::string host, std::uint16_t port) override {
    boost::system::error_code ec;
    const auto address = asio::ip::make_address(host, ec);
    if (!ec) {
      auto [connect_ec] = co_await socket_.async_connect(tcp::endpoint(address, port), kTuple);
      ec = connect_ec;
    } else {
      auto [resolve_ec, results] =
          co_await resolver_.async_resolve(host, std::to_string(port), kTuple);
      if (resolve_ec) co_return resolve_ec;
      auto [connect_ec, endpoint] = co_await asio::async_connect(socket_, results, kTuple);
      ec = connect_ec;
    }
    if (ec) co_return ec;
    boost::system::error_code ignored;
    socket_.set_option(tcp::no_delay(true), ignored);
    co_return std::error_code{};
  }

  asio::awaitable<std::pair<std::error_code, std::size_t>> read_some(
      asio::mutable_buffer buffer) override {
    auto [ec, n] = co_await socket_.async_read_some(buffer, kTuple);
    co_return std::pair<std::error_code, std::size_t>{ec, n};
  }

  asio::awaitable<std::error_code> write(asio::const_buffer buffer) override {
    auto [ec, n] = co_await asio::async_write(socket_, buffer, kTuple);
    co_return std::error_code(ec);
  }

  void close() override {
    resolver_.cancel();
    boost::system::error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
  }

 private:
  tcp::socket socket_;
  tcp::resolver resolver_;
};

}  // namespace

TransportFactory tcp_transport_factory() {
  return [](const asio::any_io_executor& ex) -> std::unique_ptr<Transport> {
    return std::make_unique<TcpTransport>(ex);
  };
}

}  // namespace quiver::client
