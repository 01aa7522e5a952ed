// A NATS message as the client hands it out (and as it may be published): subject, optional
// reply subject, optional headers, payload. It owns its bytes; subject, reply and payload share
// one allocation, so receiving a message costs one allocation and moving it costs nothing.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>

#include "codec/headers.h"

namespace quiver::client {

class Message {
 public:
  Message() = default;
  Message(std::string_view subject, std::string_view reply, std::string_view data)
      : Message(subject, reply, data, codec::Headers{}, false) {}
  Message(std::string_view subject, std::string_view reply, std::string_view data,
          codec::Headers headers)
      : Message(subject, reply, data, std::move(headers), true) {}

  std::string_view subject() const noexcept { return {storage_.data(), subject_size_}; }
  std::string_view reply() const noexcept { return {storage_.data() + subject_size_, reply_size_}; }
  std::string_view data() const noexcept {
    return std::string_view(storage_).substr(subject_size_ + reply_size_);
  }

  // True for an HMSG/HPUB: the message carries a header block (possibly with no fields).
  bool has_headers() const noexcept { return has_headers_; }
  const codec::Headers& headers() const noexcept { return headers_; }
  // The header status code ("NATS/1.0 503" gives 503); 0 when there is none.
  int status() const noexcept { return headers_.status(); }

  // Bytes of payload plus header fields: what pending-byte limits count.
  std::size_t size() const noexcept;

 private:
  Message(std::string_view subject, std::string_view reply, std::string_view data,
          codec::Headers headers, bool has_headers);

  std::string storage_;  // subject, then reply, then payload
  std::size_t subject_size_ = 0;
  std::size_t reply_size_ = 0;
  codec::Headers headers_;
  bool has_headers_ = false;
};

}  // namespace quiver::client
