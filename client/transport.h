// The byte stream a Connection runs over. The connection engine only ever sees this interface,
// which is what lets the unit tests run the whole client (handshake, reconnect, replay) against
// an in-memory server (client/testing/fake_server.h), and where TLS will plug in later.
//
// Every member is called on the connection's strand, one operation of each kind at a time.
// close() may be called while connect/read_some/write are pending: they must then complete
// promptly with an error.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <system_error>
#include <utility>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/buffer.hpp>

namespace quiver::client {

class Transport {
 public:
  virtual ~Transport() = default;

  virtual boost::asio::awaitable<std::error_code> connect(std::string host, std::uint16_t port) = 0;
  // Reads at least one byte; an error (EOF included) ends the stream.
  virtual boost::asio::awaitable<std::pair<std::error_code, std::size_t>> read_some(
      boost::asio::mutable_buffer buffer) = 0;
  // Writes all of `buffer`.
  virtual boost::asio::awaitable<std::error_code> write(boost::asio::const_buffer buffer) = 0;
  // Idempotent.
  virtual void close() = 0;
};

// Makes one Transport per connection attempt, bound to the given executor (the connection's
// strand).
using TransportFactory =
    std::function<std::unique_ptr<Transport>(const boost::asio::any_io_executor&)>;

// Plain TCP with TCP_NODELAY. Host names are resolved; numeric addresses skip the resolver.
TransportFactory tcp_transport_factory();

}  // namespace quiver::client
