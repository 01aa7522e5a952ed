#include "client/jetstream/errors.h"

#include <string>

namespace quiver::client::jetstream {
namespace {

class Category final : public std::error_category {
 public:
  const char* name() const noexcept override { return "quiver.jetstream"; }

  std::string message(int value) const override {
    switch (static_cast<errc>(value)) {
      case errc::kApiError:
        return "JetStream API error";
      case errc::kNotEnabled:
        return "JetStream not enabled (no responders on the API subject)";
      case errc::kNoStreamResponse:
        return "no stream answered the publish (no responders)";
      case errc::kBadResponse:
        return "invalid JetStream response";
      case errc::kInvalidArgument:
        return "invalid argument";
      case errc::kStreamNotFound:
        return "stream not found";
      case errc::kStreamNameInUse:
        return "stream name already in use with a different configuration";
      case errc::kConsumerNotFound:
        return "consumer not found";
      case errc::kConsumerExists:
        return "consumer already exists";
      case errc::kMessageNotFound:
        return "message not found";
      case errc::kWrongLastSequence:
        return "wrong last sequence";
      case errc::kWrongLastMsgId:
        return "wrong last msg ID";
      case errc::kStreamMismatch:
        return "expected stream does not match";
      case errc::kNotJetStreamMessage:
        return "not a JetStream message";
      case errc::kAlreadyAcked:
        return "message was already acknowledged";
      case errc::kNoHeartbeat:
        return "no heartbeat received";
      case errc::kConsumerDeleted:
        return "consumer deleted";
      case errc::kPullRequestFailed:
        return "pull request failed";
      case errc::kTooManyStalled:
        return "too many stalled async publishes";
      case errc::kBucketNotFound:
        return "bucket not found";
      case errc::kBadBucket:
        return "bucket not valid key-value store";
      case errc::kInvalidBucketName:
        return "invalid bucket name";
      case errc::kInvalidKey:
        return "invalid key";
      case errc::kHistoryTooLarge:
        return "history limited to a max of 64";
      case errc::kKeyNotFound:
        return "key not found";
      case errc::kKeyExists:
        return "key exists";
      case errc::kObjectNotFound:
        return "object not found";
      case errc::kBadObjectMeta:
        return "object-store meta information invalid";
      case errc::kDigestMismatch:
        return "received a corrupt object, digests do not match";
      case errc::kObjectIsBucketLink:
        return "object is a link to a bucket";
    }
    return "unknown JetStream error " + std::to_string(value);
  }
};

}  // namespace

const std::error_category& jetstream_category() noexcept {
  static const Category category;
  return category;
}

errc errc_from_api(int err_code) noexcept {
  switch (err_code) {
    case 10059:
      return errc::kStreamNotFound;
    case 10058:
      return errc::kStreamNameInUse;
    case 10014:
    case 10149:
      return errc::kConsumerNotFound;
    case 10013:
    case 10148:
      return errc::kConsumerExists;
    case 10037:
      return errc::kMessageNotFound;
    case 10071:
    case 10164:
      return errc::kWrongLastSequence;
    case 10070:
      return errc::kWrongLastMsgId;
    case 10060:
      return errc::kStreamMismatch;
    default:
      return errc::kApiError;
  }
}

Error Error::api(int status, int err_code, std::string description) {
  Error e(errc_from_api(err_code));
  e.status = status;
  e.err_code = err_code;
  e.description = std::move(description);
  return e;
}

std::string Error::message() const {
  if (description.empty()) return code.message();
  if (err_code != 0) return description + " (" + std::to_string(err_code) + ")";
  return code.message() + ": " + description;
}

void outcome_throw_as_system_error_with_payload(const Error& e) {
  throw std::system_error(e.code, e.message());
}

std::ostream& operator<<(std::ostream& os, const Error& e) { return os << e.message(); }

}  // namespace quiver::client::jetstream
