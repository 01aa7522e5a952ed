#include "client/message.h"

namespace quiver::client {

Message::Message(std::string_view subject, std::string_view reply, std::string_view data,
                 codec::Headers headers, bool has_headers)
    : subject_size_(subject.size()),
      reply_size_(reply.size()),
      headers_(std::move(headers)),
      has_headers_(has_headers) {
  storage_.reserve(subject.size() + reply.size() + data.size());
  storage_.append(subject).append(reply).append(data);
}

std::size_t Message::size() const noexcept {
  std::size_t n = data().size();
  for (const auto& field : headers_.fields()) n += field.key.size() + field.value.size();
  return n;
}

}  // namespace quiver::client
