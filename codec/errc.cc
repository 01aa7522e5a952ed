#include "codec/errc.h"

#include <string>

namespace quiver::codec {
namespace {

class CodecCategory final : public std::error_category {
 public:
  const char* name() const noexcept override { return "quiver.codec"; }

  std::string message(int value) const override {
    switch (static_cast<errc>(value)) {
      case errc::kUnknownOp:
        return "unknown protocol operation";
      case errc::kControlLineTooLong:
        return "maximum control line exceeded";
      case errc::kPayloadTooLarge:
        return "maximum payload exceeded";
      case errc::kBadSize:
        return "bad or missing size";
      case errc::kBadArguments:
        return "wrong number of arguments";
      case errc::kBadPayloadTerminator:
        return "payload not terminated by CRLF";
      case errc::kHeaderSizeExceedsTotal:
        return "header size larger than total size";
      case errc::kInvalidJson:
        return "invalid JSON";
      case errc::kInvalidHeaderBlock:
        return "invalid header block";
      case errc::kClientSentError:
        return "peer sent -ERR";
    }
    return "unknown codec error";
  }
};

}  // namespace

const std::error_category& codec_category() noexcept {
  static const CodecCategory category;
  return category;
}

ProtocolReaction protocol_reaction(errc e) noexcept {
  // nats-server sends -ERR only for the errors its parser reports itself; argument errors from
  // processPub/processSub and bad CONNECT JSON close the connection silently (reference §1.7).
  switch (e) {
    case errc::kUnknownOp:
    case errc::kBadPayloadTerminator:
      return {"Unknown Protocol Operation", true};
    case errc::kControlLineTooLong:
      return {"maximum control line exceeded", true};
    case errc::kPayloadTooLarge:
      return {"Maximum Payload Violation", true};
    case errc::kBadSize:
    case errc::kBadArguments:
    case errc::kHeaderSizeExceedsTotal:
    case errc::kInvalidJson:
    case errc::kInvalidHeaderBlock:
    case errc::kClientSentError:
      return {"", true};
  }
  return {"", true};
}

}  // namespace quiver::codec
